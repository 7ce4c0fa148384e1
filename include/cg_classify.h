/* cg_classify.h: cookie classes (necessary, drop, consent categories)
 * matched by PCRE2 patterns against the whole cookie name, and the
 * built-in presets. No httpd here. */
#ifndef CG_CLASSIFY_H
#define CG_CLASSIFY_H

#include <apr_pools.h>
#include <apr_tables.h>

typedef enum {
    CG_CLASS_UNKNOWN = 0,   /* in no class: ConsentUnknownCookies decides */
    CG_CLASS_NECESSARY,     /* always passes */
    CG_CLASS_DROP,          /* never passes (obsolete cookies) */
    CG_CLASS_CATEGORY       /* passes with consent to its category */
} cg_class_kind_e;

typedef struct cg_class_t {
    cg_class_kind_e kind;
    const char *category;   /* for CG_CLASS_CATEGORY, else NULL */
} cg_class_t;

/* One rule: a class and a PCRE2 pattern that must match the whole name. */
typedef struct cg_rule_t {
    const cg_class_t *cls;
    const char *pattern;
    void *code;             /* pcre2_code *, freed by a cleanup on its pool */
    /* Fast paths found at compile time: a pattern that is a plain name is
     * compared as a string; otherwise a name that lacks the pattern's
     * literal prefix cannot match and is not given to PCRE2. */
    int literal;
    const char *prefix;
    apr_size_t prefix_len;
    apr_size_t min_length;  /* PCRE2's shortest possible match */
} cg_rule_t;

/* Scratch space for matching (PCRE2 match data), one per request, so a
 * match allocates nothing. Freed by a cleanup on `p`. */
typedef struct cg_matcher_t cg_matcher_t;

extern const cg_class_t cg_class_unknown;
extern const cg_class_t cg_class_necessary;
/* What a name that no rule could decide (a PCRE2 limit) is: a drop. */
extern const cg_class_t cg_class_undecided;

/* The one rule for a category id, wherever one is read (directives, the
 * consent cookie, the banner file, a consent request): 1 to 32 of
 * [a-z0-9_-], and not a class word ("necessary", "drop", "unknown"). */
#define CG_CATEGORY_MAX 32
int cg_category_char(char c);
int cg_category_valid(const char *s, apr_size_t len);

/* Parses a CLASS word: "necessary", "drop", or a category id
 * (cg_category_valid). NULL when invalid. */
const cg_class_t *cg_class_parse(apr_pool_t *p, const char *word);

/* Compiles `pattern` (JIT where available) into `rule`. NULL when fine,
 * else an error text with the offset. The code lives as long as `p`. */
const char *cg_rule_compile(apr_pool_t *p, const cg_class_t *cls,
                            const char *pattern, cg_rule_t *rule);

cg_matcher_t *cg_matcher_make(apr_pool_t *p);

/* The pool the matcher was made with: the request's, for its scratch. */
apr_pool_t *cg_matcher_pool(const cg_matcher_t *m);

/* The class of the first rule (array of cg_rule_t, in order) that matches
 * the whole of `name`, or NULL when none does. A rule whose match fails
 * with an error (a match or depth limit) gives cg_class_undecided, a drop:
 * fail closed. */
const cg_class_t *cg_rules_match(const apr_array_header_t *rules,
                                 const char *name, cg_matcher_t *m);

/* The categories the rules of `first` then `second` (either may be NULL)
 * name, each once, in order (const char *). */
apr_array_header_t *cg_rules_categories(apr_pool_t *p,
                                        const apr_array_header_t *first,
                                        const apr_array_header_t *second);

/* A search pattern (not anchored), for revocation URIs. */
typedef struct cg_regex_t cg_regex_t;

/* NULL when fine, else an error text with the offset. */
const char *cg_regex_compile(apr_pool_t *p, const char *pattern,
                             cg_regex_t **out);
/* 1 on a match, 0 on none, -1 when the match cannot be decided (a match
 * or depth limit): the caller says what that means. */
int cg_regex_search(const cg_regex_t *re, const char *subject,
                    cg_matcher_t *m);

/* Appends the compiled rules of a built-in preset to `rules`. Returns 0
 * for an unknown preset name. */
int cg_preset_rules(apr_pool_t *p, const char *preset,
                    apr_array_header_t *rules);

/* Revocation URI patterns of a preset (NULL-terminated), or NULL: links
 * that withdraw (unsubscribe). */
const char *const *cg_preset_revoke_paths(const char *preset);
/* Pages on the way to a withdrawal that withdraw nothing themselves (a
 * confirmation form): no tracking cookie there, no refusal either. */
const char *const *cg_preset_hold_paths(const char *preset);
/* Mautic's routes that count an email's recipient (opens, clicks,
 * downloads, the web view), NULL-terminated: ConsentForwardGPCSkip
 * mautic-email. */
const char *const *cg_mautic_email_routes(void);

/* Request parameters that carry a preset's tracking ids (NULL-terminated),
 * or NULL. */
const char *const *cg_preset_scrub_params(const char *preset);

/* "mautic, mattermost, matomo": for error messages. */
const char *cg_preset_names(void);

#endif /* CG_CLASSIFY_H */
