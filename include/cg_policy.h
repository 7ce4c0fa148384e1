/* cg_policy.h: one scope's effective policy and every decision the gate
 * makes with it: the class of a cookie name, the state of a request, the
 * fate of a Set-Cookie line, the Cookie header a backend may see, and the
 * expiries for what a visitor must lose. Built once per configuration and
 * shared by every request (and thread) that uses it. No httpd here. */
#ifndef CG_POLICY_H
#define CG_POLICY_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

#include "cg_classify.h"
#include "cg_consent.h"
#include "cg_cookie.h"

struct cg_source_t;
struct cg_source_opts_t;
struct cg_tcf_cache_t;

/* One ConsentSourceMap line: THEIR category of SOURCE grants OUR category. */
typedef struct cg_source_map_t {
    const struct cg_source_t *source;
    const char *theirs;      /* "marketing", "C0004", "purpose:1+vendor:7" */
    const char *ours;        /* a category of this module */
} cg_source_map_t;

/* What a configuration says; the policy copies what it needs. Arrays are
 * in the order they are asked: the innermost scope's classes first, then
 * the outer scopes', then the presets'. */
typedef struct cg_policy_spec_t {
    const char *cookie_name;             /* the module's consent cookie */
    const apr_array_header_t *rules;     /* cg_rule_t: ConsentCookieClass */
    const apr_array_header_t *preset_rules;  /* cg_rule_t: ConsentPreset */
    const apr_array_header_t *revoke;    /* cg_regex_t *: ConsentRevokePath */
    const apr_array_header_t *preset_revoke; /* cg_regex_t *: the presets' */
    const apr_array_header_t *preset_hold;   /* cg_regex_t *: the presets' */
    int revoke_on_post;                  /* ConsentRevokeMethod post: a GET
                                            on a preset's path only holds */
    const apr_array_header_t *forward_gpc_skip; /* cg_regex_t *: where
                                            ConsentForwardGPC adds nothing */
    const apr_array_header_t *scrub_params;  /* const char *: request
                                            parameters that stand in for
                                            cookies (ConsentScrubParam and
                                            the presets') */
    int unknown_allowed;                 /* ConsentUnknownCookies allow */
    int signals_honoured;                /* CG_SIGNAL_* */
    cg_precedence_e precedence;
    apr_int64_t max_age;                 /* seconds a consent lasts */
    int policy_revision;
    const cg_consent_key_t *keys;        /* ConsentSecret: the first signs */
    int nkeys;
    const char *site;                    /* what a signature names */
    int refuse_plain;                    /* ConsentPlainValues refuse */
    /* ConsentSource: where the consent is read, in order of precedence;
     * NULL stands for the module's own cookie. NULL or empty: own only. */
    const apr_array_header_t *sources;   /* const cg_source_t * */
    const apr_array_header_t *source_maps;   /* cg_source_map_t */
} cg_policy_spec_t;

typedef struct cg_policy_t cg_policy_t;

/* Appends a preset's default ConsentSourceMap lines (cg_source_map_t) to
 * `maps`; returns how many. */
int cg_preset_source_maps(apr_pool_t *p, const char *preset,
                          apr_array_header_t *maps);

/* Builds the policy in `p`. Never fails: the parts were checked when the
 * configuration was read. */
cg_policy_t *cg_policy_make(apr_pool_t *p, const cg_policy_spec_t *spec);

/* The structured consent value this scope writes: signed with the first
 * key when there is one. NULL when libcrypto fails. */
const char *cg_policy_consent_value(apr_pool_t *p, const cg_policy_t *pol,
                                    const apr_array_header_t *categories,
                                    apr_time_t when, const char *receipt_id);

/* The mirror cookie this scope sets for banner.js's `value` of `source`
 * (cg_mirror.h), naming `receipt` (cg_mirror_receipt_field(); NULL: no
 * receipt): signed with the first key when there is one. NULL when
 * libcrypto fails. */
const char *cg_policy_mirror_value(apr_pool_t *p, const cg_policy_t *pol,
                                   const char *source, const char *value,
                                   const char *receipt);

/* What this scope's sources are read under at `now`: ConsentMaxAge, and
 * ConsentSecret's keys for the values the module signs. */
void cg_policy_source_opts(const cg_policy_t *pol, apr_time_t now,
                           struct cg_source_opts_t *opts);

/* The consent cookie's name, the rules consent values are read under. */
const char *cg_policy_cookie_name(const cg_policy_t *pol);
const cg_consent_rules_t *cg_policy_consent_rules(const cg_policy_t *pol);
int cg_policy_signals_honoured(const cg_policy_t *pol);
int cg_policy_unknown_allowed(const cg_policy_t *pol);

/* The categories a visitor can consent to in this scope: those its
 * classes name, each once, in rule order (const char *). */
const apr_array_header_t *cg_policy_categories(const cg_policy_t *pol);

/* True when the scope classifies no cookie at all (ConsentGate On with no
 * preset and no class gates nothing). */
int cg_policy_is_empty(const cg_policy_t *pol);

/* The class of exactly this cookie name: the consent cookie is
 * necessary; then the first rule that matches the whole name. A name
 * without a __Host-/__Secure- prefix is remembered per policy (bounded,
 * safe from several threads), together with PHP's reading of it, since
 * the gate judges a name by every form a server reads it as. Sets
 * *undecidable (when given) to 1 the first time this process meets a name
 * no rule could decide (a PCRE2 match limit): such a name is of the drop
 * class, and the caller logs it once. */
const cg_class_t *cg_policy_classify(const cg_policy_t *pol, const char *name,
                                     cg_matcher_t *m, int *undecidable);

/* What the client sent, read once per request. */
typedef struct cg_visit_t {
    const char *cookie_header;          /* as sent, or NULL */
    apr_array_header_t *crumbs;         /* cg_crumb_t */
    cg_consent_t consent;
    const char *source;                 /* who decided: "own", "cookiebot",
                                           ...; NULL when no one did */
    int conflict;                       /* two consent cookies disagreed */
    int signals_present;                /* CG_SIGNAL_* */
    cg_matcher_t *matcher;              /* the request's PCRE2 scratch */
    apr_array_header_t *undecidable;    /* names first met now (const char *) */
} cg_visit_t;

/* The receipt the visitor's cookies name, as the receipt page shows it:
 * the module's own consent cookie's, read under the scope's rules at `now`
 * whatever ConsentSource says, or a mirror's that the consent endpoint set
 * (cg_mirror_receipt_held()); the newer when both do. Under ConsentSecret
 * only a signed cookie names one. 1 with *id and *when set, else 0. */
int cg_policy_held_receipt(apr_pool_t *p, const cg_policy_t *pol,
                           const cg_visit_t *v, apr_time_t now,
                           const char **id, apr_time_t *when);

/* Reads the Cookie, Sec-GPC and DNT request headers (each may be NULL). */
void cg_visit_read(apr_pool_t *p, const cg_policy_t *pol,
                   const char *cookie, const char *sec_gpc, const char *dnt,
                   apr_time_t now, cg_visit_t *out);
/* The same, a TC string decoded through `tcf_cache` (cg_tcf.h; NULL:
 * none): the same visit. */
void cg_visit_read_cached(apr_pool_t *p, const cg_policy_t *pol,
                          const char *cookie, const char *sec_gpc,
                          const char *dnt, apr_time_t now,
                          struct cg_tcf_cache_t *tcf_cache, cg_visit_t *out);

/* What `uri` (decoded and normalised) means under this scope's
 * revocation paths: ConsentRevokePath withdraws on any method; a preset's
 * unsubscribe path withdraws, or only holds on a GET under
 * ConsentRevokeMethod post (a preference centre shows a form first); a
 * preset's confirmation page holds. A pattern that cannot be decided (a
 * PCRE2 limit) is no match: an innocent URL must not cost a visitor their
 * consent. */
cg_revoke_e cg_policy_revocation(const cg_policy_t *pol, const char *uri,
                                 int is_post, cg_matcher_t *m);

/* True when ConsentForwardGPC must not speak for the visitor on `uri`
 * (ConsentForwardGPCSkip): undecidable counts as no match. */
int cg_policy_forward_gpc_skipped(const cg_policy_t *pol, const char *uri,
                                  cg_matcher_t *m);

/* The decision for one request; `revoked` is a cg_revoke_e. */
cg_state_e cg_policy_decide(const cg_policy_t *pol, const cg_visit_t *v,
                            int revoked);

/* What the backend is told in Consent-State: the state's name, except
 * that a grant is "granted" only when every category of the scope is
 * granted, and "partial" otherwise (a consent to some, or to none of
 * this scope's). */
const char *cg_policy_state_label(const cg_policy_t *pol, const cg_visit_t *v,
                                  cg_state_e state);

/* True when every category of the scope is granted under `state`. */
int cg_policy_all_granted(const cg_policy_t *pol, const cg_visit_t *v,
                          cg_state_e state);

/* The scope's categories the visitor granted under `state`, joined by
 * ", " for a Consent-Categories header; "" when none. */
const char *cg_policy_granted_list(apr_pool_t *p, const cg_policy_t *pol,
                                   const cg_visit_t *v, cg_state_e state);

/* True when the visitor granted `category` under `state` (an opt-out
 * signal the policy honours, a refusal or no choice grant nothing). */
int cg_policy_category_granted(const cg_visit_t *v, cg_state_e state,
                               const char *category);

/* True when a cookie of class `cls` may be set or passed on under `state`. */
int cg_policy_passes(const cg_policy_t *pol, const cg_visit_t *v,
                     cg_state_e state, const cg_class_t *cls);

/* The fate of one Set-Cookie line. */
typedef enum {
    CG_LINE_PASS = 0,        /* may be set */
    CG_LINE_DELETION,        /* may not be set, but it removes the cookie:
                                passed on (deleting tracks nobody) */
    CG_LINE_REMOVE           /* removed from the response */
} cg_verdict_e;

typedef struct cg_judgement_t {
    cg_verdict_e verdict;
    const cg_class_t *cls;   /* the class that refused it, else its name's */
    int depends;             /* a consent category decided: Vary on it */
    const char *name;        /* the name as the line gives it, name_len
                                bytes (not NUL-terminated); NULL when the
                                line passes */
    apr_size_t name_len;
    const char *line;        /* the line to send (CG_LINE_PASS, _DELETION):
                                a deletion goes in its canonical form */
} cg_judgement_t;

/* Judges one Set-Cookie line under `state`, as a browser reads it: every
 * name it may be read under (without __Host-/__Secure-, a nameless line's
 * inner name, PHP's reading, names after commas) must pass. */
void cg_policy_judge(apr_pool_t *p, const cg_policy_t *pol, cg_visit_t *v,
                     cg_state_e state, const char *line, apr_time_t now,
                     cg_judgement_t *out);

/* True when every name a Cookie pair may be read under passes. */
int cg_policy_crumb_passes(apr_pool_t *p, const cg_policy_t *pol,
                           cg_visit_t *v, cg_state_e state,
                           const cg_crumb_t *crumb);

/* The Cookie header a backend may see under `state`: the pairs that may
 * pass, whole, byte for byte and in the client's order. Returns the header as
 * sent when every pair may pass, NULL when none may. */
const char *cg_policy_scrub(apr_pool_t *p, const cg_policy_t *pol,
                            cg_visit_t *v, cg_state_e state);

/* The request parameters (a query string or an urlencoded body: pairs
 * separated by '&') a backend may see under `state`: a pair is removed
 * when its name, as PHP reads it (URL-decoded, '.' and ' ' as '_', up to
 * an array's '['), is a scrubbed parameter that may not pass. A scrubbed
 * name is judged like a cookie of that name; one no category names (in no
 * class, or a drop) passes only with consent to every category of the
 * scope. Every other non-empty pair is kept byte for byte, in order,
 * joined by '&'. Returns `params` itself when nothing is removed (NULL
 * stays NULL), "" when everything is. */
const char *cg_policy_scrub_params(apr_pool_t *p, const cg_policy_t *pol,
                                   cg_visit_t *v, cg_state_e state,
                                   const char *params);

/* True when `params` name a scrubbed parameter: what the backend sees of
 * them depends on the consent (a shared cache must Vary on it). */
int cg_policy_params_named(apr_pool_t *p, const cg_policy_t *pol,
                           const char *params);

/* True when this scope scrubs any request parameter. */
int cg_policy_scrubs_params(const cg_policy_t *pol);

/* True when the top-level name `name` (already decoded, as in a JSON
 * object) may reach the backend under `state`. */
int cg_policy_param_passes(const cg_policy_t *pol, cg_visit_t *v,
                           cg_state_e state, const char *name);

/* The name PHP gives a request parameter or cookie: `raw` (`len` bytes)
 * URL-decoded ('+' as a space for parameters), leading spaces dropped,
 * '.' and ' ' turned into '_', and only the part before an array's
 * first '['. */
const char *cg_php_name(apr_pool_t *p, const char *raw, apr_size_t len,
                        int plus_is_space);

/* Set-Cookie lines (const char *) that expire every cookie the visitor
 * holds that may not pass under `state`: host-only, and on `domain` too
 * when given. */
apr_array_header_t *cg_policy_expiries(apr_pool_t *p, const cg_policy_t *pol,
                                       cg_visit_t *v, cg_state_e state,
                                       const char *domain, int secure);

#endif /* CG_POLICY_H */
