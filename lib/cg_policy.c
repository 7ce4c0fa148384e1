/* cg_policy.c: one scope's policy and the gate's decisions under it. */
#include <string.h>

#include <apr_strings.h>
#include <apr_escape.h>
#include <apr_hash.h>
#if APR_HAS_THREADS
#include <apr_thread_mutex.h>
#endif

#include "cg_cookie.h"
#include "cg_mirror.h"
#include "cg_object.h"
#include "cg_policy.h"
#include "cg_source.h"
#include "cg_tcf.h"

/* The memo of name -> classes: a site sees the same few dozen cookie
 * names, so each name as a pair or line gives it is read through its
 * forms (cg_cookie_forms) and classified once per process and policy.
 * Open addressing, insert-only, read without a lock: an entry is
 * published by a release store of `ready` after its fields are written. */
#define MEMO_SLOTS 256              /* a power of two */
#define MEMO_FILL (MEMO_SLOTS * 3 / 4)
#define MEMO_PROBES 8
#define MEMO_NAME_MAX 63            /* longer names are classified each time */

typedef struct memo_entry_t {
    apr_uint32_t ready;
    apr_uint32_t hash;
    const cg_class_t *cls[2];       /* of each form; the second may be NULL */
    unsigned char len;
    char name[MEMO_NAME_MAX];
} memo_entry_t;

/* A ConsentSourceMap line as a request asks it: THEIRS parsed once, OURS
 * as its index in the policy's categories (-1: a category no rule names,
 * which the line can never grant). */
typedef struct source_line_t {
    const cg_source_query_t *theirs;
    int ours;
} source_line_t;

typedef struct source_lines_t {
    const source_line_t *line;
    int n;
} source_lines_t;

struct cg_policy_t {
    const char *cookie_name;
    apr_size_t cookie_name_len;
    apr_array_header_t *rules;      /* cg_rule_t: classes, then presets' */
    apr_array_header_t *revoke;     /* cg_regex_t *: withdraw on any method */
    const apr_array_header_t *preset_revoke;    /* cg_regex_t * */
    const apr_array_header_t *preset_hold;      /* cg_regex_t * */
    int revoke_on_post;
    const apr_array_header_t *scrub_params;     /* const char * */
    const apr_array_header_t *forward_gpc_skip; /* cg_regex_t * */
    int unknown_allowed;
    int signals_honoured;
    cg_precedence_e precedence;
    cg_consent_rules_t consent_rules;
    const apr_array_header_t *sources;      /* const cg_source_t * */
    /* per source of `sources`, its ConsentSourceMap lines in order */
    const source_lines_t *source_lines;
    apr_array_header_t *categories;
    apr_pool_t *pool;
    memo_entry_t *memo;             /* made by the first name remembered */
    apr_uint32_t memo_used;
#if APR_HAS_THREADS
    apr_thread_mutex_t *memo_lock;
#endif
};

/* The ConsentSourceMap lines of each source of ConsentSource, each
 * parsed once and its category found once; the policy's sources and
 * categories must be known. */
static void source_lines(apr_pool_t *p, cg_policy_t *pol,
                         const apr_array_header_t *maps)
{
    source_lines_t *per;
    int s, i, k;

    if (!pol->sources || !maps || !maps->nelts) {
        return;
    }
    per = apr_pcalloc(p, (apr_size_t)pol->sources->nelts * sizeof(*per));
    for (s = 0; s < pol->sources->nelts; ++s) {
        const cg_source_t *src = APR_ARRAY_IDX(pol->sources, s,
                                               const cg_source_t *);
        source_line_t *l = apr_palloc(p, (apr_size_t)maps->nelts
                                         * sizeof(*l));

        per[s].line = l;
        for (i = 0; src && i < maps->nelts; ++i) {
            const cg_source_map_t *m = &APR_ARRAY_IDX(maps, i,
                                                      cg_source_map_t);

            if (m->source != src) {
                continue;
            }
            l->theirs = cg_source_query_make(p, m->theirs);
            l->ours = -1;
            for (k = 0; k < pol->categories->nelts; ++k) {
                if (!strcmp(APR_ARRAY_IDX(pol->categories, k, const char *),
                            m->ours)) {
                    l->ours = k;
                    break;
                }
            }
            ++l;
            ++per[s].n;
        }
    }
    pol->source_lines = per;
}

cg_policy_t *cg_policy_make(apr_pool_t *p, const cg_policy_spec_t *spec)
{
    cg_policy_t *pol = apr_pcalloc(p, sizeof(*pol));

    pol->cookie_name = spec->cookie_name;
    pol->cookie_name_len = strlen(spec->cookie_name);
    pol->rules = apr_array_make(p, 8, sizeof(cg_rule_t));
    if (spec->rules) {
        apr_array_cat(pol->rules, spec->rules);
    }
    if (spec->preset_rules) {
        apr_array_cat(pol->rules, spec->preset_rules);
    }
    pol->revoke = apr_array_make(p, 2, sizeof(cg_regex_t *));
    if (spec->revoke) {
        apr_array_cat(pol->revoke, spec->revoke);
    }
    pol->preset_revoke = spec->preset_revoke;
    pol->preset_hold = spec->preset_hold;
    pol->revoke_on_post = spec->revoke_on_post;
    pol->scrub_params = spec->scrub_params;
    pol->forward_gpc_skip = spec->forward_gpc_skip;
    pol->unknown_allowed = spec->unknown_allowed;
    pol->signals_honoured = spec->signals_honoured;
    pol->precedence = spec->precedence;
    pol->consent_rules.max_age = spec->max_age;
    pol->consent_rules.policy_revision = spec->policy_revision;
    pol->consent_rules.keys = spec->keys;
    pol->consent_rules.nkeys = spec->nkeys;
    pol->consent_rules.site = spec->site;
    pol->consent_rules.refuse_plain = spec->refuse_plain;
    pol->sources = (spec->sources && spec->sources->nelts) ? spec->sources
                                                           : NULL;
    pol->categories = cg_rules_categories(p, pol->rules, NULL);
    source_lines(p, pol, spec->source_maps);
    pol->pool = p;
#if APR_HAS_THREADS
    /* without it the memo is only read, never filled: still correct */
    if (apr_thread_mutex_create(&pol->memo_lock, APR_THREAD_MUTEX_DEFAULT, p)
        != APR_SUCCESS) {
        pol->memo_lock = NULL;
    }
#endif
    return pol;
}

const char *cg_policy_consent_value(apr_pool_t *p, const cg_policy_t *pol,
                                    const apr_array_header_t *categories,
                                    apr_time_t when, const char *receipt_id)
{
    const cg_consent_rules_t *r = &pol->consent_rules;

    return cg_consent_format_signed(p, categories, when, r->policy_revision,
                                    receipt_id, r->nkeys ? &r->keys[0] : NULL,
                                    r->site);
}

const char *cg_policy_mirror_value(apr_pool_t *p, const cg_policy_t *pol,
                                   const char *source, const char *value,
                                   const char *receipt)
{
    const cg_consent_rules_t *r = &pol->consent_rules;

    return cg_mirror_sign(p, source, value, receipt,
                          r->nkeys ? &r->keys[0] : NULL, r->site);
}

int cg_policy_held_receipt(apr_pool_t *p, const cg_policy_t *pol,
                           const cg_visit_t *v, apr_time_t now,
                           const char **id, apr_time_t *when)
{
    cg_consent_rules_t rules = pol->consent_rules;
    cg_consent_t own;
    cg_source_opts_t opts;
    const char *mirror_id;
    apr_time_t mirror_when;
    int conflict = 0, found = 0;

    rules.now = now;
    cg_consent_from_crumbs(p, v->crumbs, pol->cookie_name, &rules, &own,
                           &conflict);
    if (own.state != CG_CONSENT_NONE && own.receipt_id) {
        *id = own.receipt_id;
        *when = own.when;
        found = 1;
    }
    cg_policy_source_opts(pol, now, &opts);
    if (cg_mirror_receipt_held(p, v->crumbs, &opts, &mirror_id,
                               &mirror_when)
        && (!found || mirror_when > *when)) {
        *id = mirror_id;
        *when = mirror_when;
        found = 1;
    }
    return found;
}

void cg_policy_source_opts(const cg_policy_t *pol, apr_time_t now,
                           cg_source_opts_t *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->now = now;
    opts->max_age = pol->consent_rules.max_age;
    opts->keys = pol->consent_rules.keys;
    opts->nkeys = pol->consent_rules.nkeys;
    opts->site = pol->consent_rules.site;
}

const char *cg_policy_cookie_name(const cg_policy_t *pol)
{
    return pol->cookie_name;
}

const cg_consent_rules_t *cg_policy_consent_rules(const cg_policy_t *pol)
{
    return &pol->consent_rules;
}

int cg_policy_signals_honoured(const cg_policy_t *pol)
{
    return pol->signals_honoured;
}

int cg_policy_unknown_allowed(const cg_policy_t *pol)
{
    return pol->unknown_allowed;
}

const apr_array_header_t *cg_policy_categories(const cg_policy_t *pol)
{
    return pol->categories;
}

int cg_policy_is_empty(const cg_policy_t *pol)
{
    return pol->rules->nelts == 0;
}

/* A word at a time: names are short, and the table only needs spread. */
/* Loads of 8 and 4 bytes, of any alignment. */
static APR_INLINE apr_uint64_t load8(const char *s)
{
    apr_uint64_t w;

    memcpy(&w, s, 8);
    return w;
}

static APR_INLINE apr_uint32_t load4(const char *s)
{
    apr_uint32_t w;

    memcpy(&w, s, 4);
    return w;
}

/* The hash reads at most three words (head, middle, tail; overlapping
 * when the name is short): every byte of a name of up to 24 bytes, and
 * for longer ones enough to tell a site's names apart. Names that share
 * all three words only cost more probes: the memo compares whole names,
 * and a name that finds no room is classified each time. */
static APR_INLINE apr_uint32_t name_hash(const char *name, apr_size_t len)
{
    apr_uint64_t h;

    if (len >= 8) {
        h = (load8(name) * 0x9e3779b97f4a7c15ULL)
            ^ (load8(name + (len - 8) / 2) * 0xc2b2ae3d27d4eb4fULL)
            ^ (load8(name + len - 8) + len) * 0xff51afd7ed558ccdULL;
    }
    else if (len >= 4) {
        h = ((apr_uint64_t)load4(name) << 32 | load4(name + len - 4))
            * 0xff51afd7ed558ccdULL + len;
    }
    else if (len) {
        h = ((apr_uint64_t)(unsigned char)name[0] << 16
             | (apr_uint64_t)(unsigned char)name[len / 2] << 8
             | (unsigned char)name[len - 1]) * 0xff51afd7ed558ccdULL + len;
    }
    else {
        h = 0;
    }
    return (apr_uint32_t)(h ^ h >> 32);
}

/* memcmp() of two names of `len` bytes, word by word and inline: the
 * names are short and a call costs as much as the comparison. */
static APR_INLINE int name_equal(const char *a, const char *b, apr_size_t len)
{
    apr_size_t i;

    if (len >= 8) {
        for (i = 0; i + 8 < len; i += 8) {
            if (load8(a + i) != load8(b + i)) {
                return 0;
            }
        }
        return load8(a + len - 8) == load8(b + len - 8);
    }
    if (len >= 4) {
        return load4(a) == load4(b) && load4(a + len - 4) == load4(b + len - 4);
    }
    for (i = 0; i < len; ++i) {
        if (a[i] != b[i]) {
            return 0;
        }
    }
    return 1;
}

static APR_INLINE const memo_entry_t *memo_find(const cg_policy_t *pol,
                                                apr_uint32_t h,
                                                const char *name,
                                                apr_size_t len)
{
    const memo_entry_t *memo = __atomic_load_n(&pol->memo, __ATOMIC_ACQUIRE);
    apr_uint32_t i;

    if (!memo) {
        return NULL;
    }
    for (i = 0; i < MEMO_PROBES; ++i) {
        const memo_entry_t *e = &memo[(h + i) & (MEMO_SLOTS - 1)];

        if (!__atomic_load_n(&e->ready, __ATOMIC_ACQUIRE)) {
            return NULL;
        }
        if (e->hash == h && e->len == len && name_equal(e->name, name, len)) {
            return e;
        }
    }
    return NULL;
}

/* Returns 1 when this call put the name in the memo. */
static int memo_add(cg_policy_t *pol, apr_uint32_t h, const char *name,
                    apr_size_t len, const cg_class_t *const cls[2])
{
    apr_uint32_t i;
    int added = 0;

#if APR_HAS_THREADS
    if (!pol->memo_lock
        || apr_thread_mutex_lock(pol->memo_lock) != APR_SUCCESS) {
        return 0;
    }
#endif
    if (!pol->memo) {
        __atomic_store_n(&pol->memo, apr_pcalloc(pol->pool, MEMO_SLOTS
                                                 * sizeof(memo_entry_t)),
                         __ATOMIC_RELEASE);
    }
    if (pol->memo_used < MEMO_FILL && !memo_find(pol, h, name, len)) {
        for (i = 0; i < MEMO_PROBES; ++i) {
            memo_entry_t *e = &pol->memo[(h + i) & (MEMO_SLOTS - 1)];

            if (e->ready) {
                continue;
            }
            e->hash = h;
            e->len = (unsigned char)len;
            e->cls[0] = cls[0];
            e->cls[1] = cls[1];
            memcpy(e->name, name, len);
            __atomic_store_n(&e->ready, 1, __ATOMIC_RELEASE);
            ++pol->memo_used;
            added = 1;
            break;
        }
    }
#if APR_HAS_THREADS
    apr_thread_mutex_unlock(pol->memo_lock);
#endif
    return added;
}

/* The module's other cookies: the objection to the count and the mirrors
 * banner.js writes of other banners' choices. Each holds a choice (a
 * mirror also its time and, as the consent cookie does, the id of its
 * receipt), never an identifier of the visitor. */
static int is_own_cookie(const char *name)
{
    static const char *const own[] = {
        CG_OBJECT_COOKIE, "consentgate_usercentrics", "consentgate_osano",
        NULL
    };
    int i;

    for (i = 0; own[i]; ++i) {
        if (!strcmp(name, own[i])) {
            return 1;
        }
    }
    return 0;
}

static const cg_class_t *classify_uncached(const cg_policy_t *pol,
                                           const char *name, cg_matcher_t *m,
                                           int *undecidable)
{
    const cg_class_t *cls;

    if (!strcmp(name, pol->cookie_name)) {
        /* the consent cookie carries the choice itself */
        return &cg_class_necessary;
    }
    if (is_own_cookie(name)) {
        return &cg_class_necessary;
    }
    cls = cg_rules_match(pol->rules, name, m);
    if (cls == &cg_class_undecided) {
        *undecidable = 1;
    }
    return cls ? cls : &cg_class_unknown;
}

/* The classes of the names a server reads the raw name `name` (`len`
 * bytes, not necessarily NUL-terminated) as: remembered, so that a known
 * name costs one hash and one probe. Sets *undecidable when a rule could
 * not decide a form and this is the first time the process meets the
 * name (every time, for a name too long to remember). */
static void raw_classes(const cg_policy_t *pol, cg_matcher_t *m,
                        const char *name, apr_size_t len,
                        const cg_class_t *cls[2], int *undecidable)
{
    apr_uint32_t h = 0;
    const memo_entry_t *e;
    const char *forms[2];
    int undecided = 0;
    apr_pool_t *p;

    *undecidable = 0;
    if (len <= MEMO_NAME_MAX) {
        h = name_hash(name, len);
        if ((e = memo_find(pol, h, name, len))) {
            cls[0] = e->cls[0];
            cls[1] = e->cls[1];
            return;
        }
    }
    p = cg_matcher_pool(m);
    cg_cookie_forms(p, apr_pstrmemdup(p, name, len), forms);
    cls[0] = classify_uncached(pol, forms[0], m, &undecided);
    cls[1] = forms[1] ? classify_uncached(pol, forms[1], m, &undecided)
                      : NULL;
    /* the memo is the policy's cache, not its meaning: filling it from a
     * const policy is safe under its lock */
    if (len > MEMO_NAME_MAX
        || memo_add((cg_policy_t *)pol, h, name, len, cls)) {
        *undecidable = undecided;
    }
}

const cg_class_t *cg_policy_classify(const cg_policy_t *pol, const char *name,
                                     cg_matcher_t *m, int *undecidable)
{
    const cg_class_t *cls[2];
    int undecided = 0;

    if (name[0] == '_' && name[1] == '_') {
        /* the memo holds names as cookies are read, without prefixes */
        cls[0] = classify_uncached(pol, name, m, &undecided);
    }
    else {
        /* a name without a prefix is its own first form */
        raw_classes(pol, m, name, strlen(name), cls, &undecided);
    }
    if (undecidable) {
        *undecidable = undecided;
    }
    return cls[0];
}

/* What one other banner's choice means here: its explicit choice, as the
 * module's categories its map lines grant (a category is granted when one
 * of its lines is granted and none refused). *refused_ours: the
 * categories a line refuses, NULL for none. */
static int source_consent(apr_pool_t *p, const cg_policy_t *pol,
                          const cg_source_t *source,
                          const source_lines_t *lines,
                          const apr_array_header_t *crumbs,
                          const cg_consent_rules_t *rules,
                          cg_consent_t *out, cg_source_result_t *res,
                          apr_array_header_t **refused_ours,
                          cg_tcf_cache_t *tcf_cache)
{
    enum { GRANTED = 1, REFUSED = 2 };
    const int n = pol->categories->nelts;
    unsigned char mine[32], *said;
    cg_source_opts_t opts;
    int i;

    cg_policy_source_opts(pol, rules->now, &opts);
    opts.tcf_cache = tcf_cache;
    if (!cg_source_read_crumbs(p, source, crumbs, &opts, res)) {
        return 0;
    }
    if (!res->explicit_choice) {
        return 0;
    }
    said = n <= (int)sizeof(mine) ? mine : apr_palloc(p, (apr_size_t)n);
    memset(said, 0, (apr_size_t)n);
    for (i = 0; lines && i < lines->n; ++i) {
        const source_line_t *l = &lines->line[i];

        if (l->ours < 0) {
            continue;
        }
        said[l->ours] |= (cg_source_query_granted(res, l->theirs) ? GRANTED : 0)
                         | (cg_source_query_refused(res, l->theirs) ? REFUSED
                                                                     : 0);
    }
    memset(out, 0, sizeof(*out));
    out->categories = cg_source_array_make(p, n, sizeof(const char *));
    *refused_ours = NULL;
    out->when = res->when;
    for (i = 0; i < n; ++i) {
        const char *ours = APR_ARRAY_IDX(pol->categories, i, const char *);

        if (said[i] == GRANTED) {
            APR_ARRAY_PUSH(out->categories, const char *) = ours;
        }
        if (said[i] & REFUSED) {
            if (!*refused_ours) {
                *refused_ours = cg_source_array_make(p, n,
                                                     sizeof(const char *));
            }
            APR_ARRAY_PUSH(*refused_ours, const char *) = ours;
        }
    }
    out->state = out->categories->nelts ? CG_CONSENT_GRANTED
                                        : CG_CONSENT_DENIED;
    return 1;
}

static int in_list(const apr_array_header_t *list, const char *s)
{
    int i;

    for (i = 0; list && i < list->nelts; ++i) {
        if (!strcmp(APR_ARRAY_IDX(list, i, const char *), s)) {
            return 1;
        }
    }
    return 0;
}

/* A later refusal takes categories away from the decided consent: those
 * `own` (the module's cookie) does not allow, or those in `refused` (an
 * other banner's refusals) when `own` is NULL. A refusal never turns into
 * a grant. */
static void take_away(apr_pool_t *p, const cg_policy_t *pol,
                      cg_consent_t *decided, const cg_consent_t *own,
                      const apr_array_header_t *refused)
{
    apr_array_header_t *kept;
    int k;

    if (decided->state == CG_CONSENT_GRANTED && !decided->all_categories) {
        kept = apr_array_make(p, 2, sizeof(const char *));
        for (k = 0; k < decided->categories->nelts; ++k) {
            const char *cat = APR_ARRAY_IDX(decided->categories, k,
                                            const char *);
            if (own ? !cg_consent_allows(own, cat) : in_list(refused, cat)) {
                continue;
            }
            APR_ARRAY_PUSH(kept, const char *) = cat;
        }
        decided->categories = kept;
        if (!kept->nelts) {
            decided->state = CG_CONSENT_DENIED;
        }
    }
    else if (decided->all_categories
             && (own ? own->state == CG_CONSENT_DENIED : refused != NULL)) {
        /* a plain "1" meets a refusal: keep only what is not refused */
        kept = apr_array_make(p, 2, sizeof(const char *));
        for (k = 0; !own && k < pol->categories->nelts; ++k) {
            const char *cat = APR_ARRAY_IDX(pol->categories, k,
                                            const char *);
            if (!in_list(refused, cat)) {
                APR_ARRAY_PUSH(kept, const char *) = cat;
            }
        }
        decided->all_categories = 0;
        decided->categories = kept;
        decided->state = kept->nelts ? CG_CONSENT_GRANTED
                                     : CG_CONSENT_DENIED;
    }
}

/* ConsentSource: the first source that holds an explicit choice decides;
 * a later source that refuses a category takes it away (a refusal never
 * turns into a grant). */
static void read_sources(apr_pool_t *p, const cg_policy_t *pol,
                         const cg_consent_rules_t *rules,
                         cg_tcf_cache_t *tcf_cache, cg_visit_t *out)
{
    const cg_source_t *const *src = (const cg_source_t *const *)
                                    pol->sources->elts;
    int i, decided = 0, own_listed = 0;
    cg_consent_t c;
    int conflict = 0;

    out->consent.state = CG_CONSENT_NONE;
    for (i = 0; i < pol->sources->nelts; ++i) {
        cg_source_result_t res;
        apr_array_header_t *refused = NULL;

        if (!src[i]) {
            own_listed = 1;
            cg_consent_from_crumbs(p, out->crumbs, pol->cookie_name, rules,
                                   &c, &conflict);
            out->conflict |= conflict;
            /* cookies of ours that disagree decide nothing, but after a
             * choice they refuse what they may refuse: all of it (fail
             * closed; c allows nothing) */
            if (c.state == CG_CONSENT_NONE && !(conflict && decided)) {
                continue;
            }
        }
        else if (!source_consent(p, pol, src[i],
                                 pol->source_lines ? &pol->source_lines[i]
                                                   : NULL,
                                 out->crumbs, rules, &c, &res, &refused,
                                 tcf_cache)) {
            continue;
        }
        if (!decided) {
            out->consent = c;
            out->source = src[i] ? src[i]->name : "own";
            decided = 1;
            continue;
        }
        take_away(p, pol, &out->consent, src[i] ? NULL : &c, refused);
    }
    /* A withdrawal made here (forget, a revocation path) is the visitor's
     * latest word on this site until they choose again in the other
     * banner: where ConsentSource leaves `own` out, the module's cookie
     * still takes away what it refuses when it is newer than the choice
     * that decided, or that choice has no time, or our cookies disagree
     * (fail closed). */
    if (!own_listed && out->consent.state == CG_CONSENT_GRANTED) {
        cg_consent_from_crumbs(p, out->crumbs, pol->cookie_name, rules, &c,
                               &conflict);
        if (conflict
            || (c.state != CG_CONSENT_NONE && c.when > 0
                && (out->consent.when <= 0 || c.when > out->consent.when))) {
            take_away(p, pol, &out->consent, &c, NULL);
        }
    }
}

void cg_visit_read(apr_pool_t *p, const cg_policy_t *pol,
                   const char *cookie, const char *sec_gpc, const char *dnt,
                   apr_time_t now, cg_visit_t *out)
{
    cg_visit_read_cached(p, pol, cookie, sec_gpc, dnt, now, NULL, out);
}

void cg_visit_read_cached(apr_pool_t *p, const cg_policy_t *pol,
                          const char *cookie, const char *sec_gpc,
                          const char *dnt, apr_time_t now,
                          cg_tcf_cache_t *tcf_cache, cg_visit_t *out)
{
    cg_consent_rules_t rules = pol->consent_rules;

    memset(out, 0, sizeof(*out));
    /* to the second, the precision of every consent's age: the visits of
     * one second are the same (cg_visit_memo.h) */
    rules.now = apr_time_from_sec(apr_time_sec(now));
    out->cookie_header = cookie;
    out->crumbs = cg_cookie_parse(p, cookie);
    out->matcher = cg_matcher_make(p);
    if (!pol->sources) {
        cg_consent_from_crumbs(p, out->crumbs, pol->cookie_name, &rules,
                               &out->consent, &out->conflict);
        out->source = out->consent.state != CG_CONSENT_NONE ? "own" : NULL;
    }
    else {
        read_sources(p, pol, &rules, tcf_cache, out);
    }
    if (cg_signal_gpc(sec_gpc)) {
        out->signals_present |= CG_SIGNAL_GPC;
    }
    if (cg_signal_dnt(dnt)) {
        out->signals_present |= CG_SIGNAL_DNT;
    }
}

static int any_matches(const apr_array_header_t *patterns, const char *uri,
                       cg_matcher_t *m)
{
    cg_regex_t *const *re;
    int i;

    if (!patterns) {
        return 0;
    }
    re = (cg_regex_t *const *)patterns->elts;
    for (i = 0; i < patterns->nelts; ++i) {
        /* undecidable (-1) is no match */
        if (cg_regex_search(re[i], uri, m) == 1) {
            return 1;
        }
    }
    return 0;
}

cg_revoke_e cg_policy_revocation(const cg_policy_t *pol, const char *uri,
                                 int is_post, cg_matcher_t *m)
{
    if (any_matches(pol->revoke, uri, m)) {
        return CG_REVOKE_WITHDRAW;
    }
    if (any_matches(pol->preset_revoke, uri, m)) {
        return (pol->revoke_on_post && !is_post) ? CG_REVOKE_HOLD
                                                 : CG_REVOKE_WITHDRAW;
    }
    if (any_matches(pol->preset_hold, uri, m)) {
        return CG_REVOKE_HOLD;
    }
    return CG_REVOKE_NONE;
}

int cg_policy_forward_gpc_skipped(const cg_policy_t *pol, const char *uri,
                                  cg_matcher_t *m)
{
    return any_matches(pol->forward_gpc_skip, uri, m);
}

cg_state_e cg_policy_decide(const cg_policy_t *pol, const cg_visit_t *v,
                            int revoked)
{
    return cg_decide(&v->consent, v->signals_present, pol->signals_honoured,
                     pol->precedence, revoked);
}

static int all_categories_granted(const cg_policy_t *pol, const cg_visit_t *v,
                                  cg_state_e state);

int cg_policy_all_granted(const cg_policy_t *pol, const cg_visit_t *v,
                          cg_state_e state)
{
    return all_categories_granted(pol, v, state);
}

const char *cg_policy_state_label(const cg_policy_t *pol, const cg_visit_t *v,
                                  cg_state_e state)
{
    if (state == CG_STATE_GRANTED && !all_categories_granted(pol, v, state)) {
        return "partial";
    }
    return cg_state_name(state);
}

const char *cg_policy_granted_list(apr_pool_t *p, const cg_policy_t *pol,
                                   const cg_visit_t *v, cg_state_e state)
{
    const char *list = "";
    int i;

    if (state != CG_STATE_GRANTED) {
        return list;
    }
    for (i = 0; i < pol->categories->nelts; ++i) {
        const char *cat = APR_ARRAY_IDX(pol->categories, i, const char *);

        if (cg_consent_allows(&v->consent, cat)) {
            list = *list ? apr_pstrcat(p, list, ", ", cat, NULL) : cat;
        }
    }
    return list;
}

int cg_policy_category_granted(const cg_visit_t *v, cg_state_e state,
                               const char *category)
{
    return state == CG_STATE_GRANTED && cg_consent_allows(&v->consent,
                                                          category);
}

int cg_policy_passes(const cg_policy_t *pol, const cg_visit_t *v,
                     cg_state_e state, const cg_class_t *cls)
{
    return cg_class_passes(cls, state, &v->consent, pol->unknown_allowed);
}

/* Judges each raw name a pair or a line may be read under (cg_cookie.h's
 * every_raw_name walks), each through its forms: it passes only when
 * every form of every name passes. */
typedef struct name_judge_t {
    apr_pool_t *p;
    const cg_policy_t *pol;
    cg_visit_t *v;
    cg_state_e state;
    int category;               /* a category decided one of the names */
    const cg_class_t *refused;  /* the class that refused */
    const cg_class_t *first;    /* the first name's class */
} name_judge_t;

static APR_INLINE int class_passes(name_judge_t *j, const cg_class_t *cls)
{
    if (!j->first) {
        j->first = cls;
    }
    if (cls->kind == CG_CLASS_CATEGORY) {
        j->category = 1;
    }
    if (cg_policy_passes(j->pol, j->v, j->state, cls)) {
        return 1;
    }
    j->refused = cls;
    return 0;
}

/* The caller logs the names a rule could not decide. */
static void note_undecidable(cg_visit_t *v, const char *name,
                             apr_size_t len, int undecidable)
{
    if (!undecidable) {
        return;
    }
    if (!v->undecidable) {
        v->undecidable = apr_array_make(v->crumbs->pool, 1,
                                        sizeof(const char *));
    }
    APR_ARRAY_PUSH(v->undecidable, const char *) =
        apr_pstrmemdup(v->crumbs->pool, name, len);
}

#if defined(__GNUC__)
#define CG_COLD __attribute__((noinline, cold))
#else
#define CG_COLD
#endif

/* A name the memo does not hold: classified through its forms, and
 * remembered when there is room. */
static CG_COLD int raw_name_passes_slow(name_judge_t *j, const char *name,
                                        apr_size_t len)
{
    const cg_class_t *cls[2];
    int undecidable;

    raw_classes(j->pol, j->v->matcher, name, len, cls, &undecidable);
    note_undecidable(j->v, name, len, undecidable);
    return class_passes(j, cls[0]) && (!cls[1] || class_passes(j, cls[1]));
}

static APR_INLINE int raw_name_passes_n(name_judge_t *j, const char *name,
                                        apr_size_t len)
{
    const memo_entry_t *e = len <= MEMO_NAME_MAX
        ? memo_find(j->pol, name_hash(name, len), name, len) : NULL;

    if (!e) {
        return raw_name_passes_slow(j, name, len);
    }
    return class_passes(j, e->cls[0])
           && (!e->cls[1] || class_passes(j, e->cls[1]));
}

static int raw_name_passes(void *data, const char *name)
{
    return raw_name_passes_n(data, name, strlen(name));
}

static APR_INLINE int crumb_passes(name_judge_t *j, const cg_crumb_t *crumb)
{
    /* the common pair, "token=value": one name */
    if (crumb->name_len && !crumb->inner) {
        return raw_name_passes_n(j, crumb->name, crumb->name_len);
    }
    return cg_crumb_every_raw_name(j->p, crumb, raw_name_passes, j);
}

int cg_policy_crumb_passes(apr_pool_t *p, const cg_policy_t *pol,
                           cg_visit_t *v, cg_state_e state,
                           const cg_crumb_t *crumb)
{
    name_judge_t j = { p, pol, v, state, 0, NULL, NULL };

    return crumb_passes(&j, crumb);
}

void cg_policy_judge(apr_pool_t *p, const cg_policy_t *pol, cg_visit_t *v,
                     cg_state_e state, const char *line, apr_time_t now,
                     cg_judgement_t *out)
{
    name_judge_t j = { p, pol, v, state, 0, NULL, NULL };
    cg_setcookie_t sc;
    cg_pair_spans_t sp;
    int passes, parsed = 0;

    /* the name without __Host-/__Secure-, a nameless line's inner name,
     * the name PHP reads, the names after commas: each must pass; the
     * attributes matter only to a line that may not pass, and to it only
     * when its lifetime says it deletes. The common line, "token=value"
     * without a comma, is judged on its name where it stands. */
    cg_setcookie_pair_spans(line, &sp);
    if (sp.eq && sp.ne > sp.nb && !memchr(sp.vb, ',', sp.ve - sp.vb)) {
        passes = raw_name_passes_n(&j, sp.nb, sp.ne - sp.nb);
    }
    else {
        cg_setcookie_parse_pair(p, line, &sc);
        parsed = 1;
        passes = cg_setcookie_every_raw_name(p, &sc, raw_name_passes, &j);
    }
    out->cls = j.refused ? j.refused : j.first ? j.first : &cg_class_unknown;
    out->depends = j.category;
    out->line = line;
    if (passes) {
        out->verdict = CG_LINE_PASS;
        out->name = NULL;
        out->name_len = 0;
        return;
    }
    /* for the log: where it stands, no copy */
    out->name = parsed ? sc.name : sp.nb;
    out->name_len = parsed ? strlen(sc.name) : (apr_size_t)(sp.ne - sp.nb);
    out->verdict = CG_LINE_REMOVE;
    out->line = NULL;
    /* the lifetime read off the line first, the full parse only when that
     * says it may delete */
    if (cg_setcookie_lifetime_ends(line, now)) {
        if (!parsed) {
            cg_setcookie_parse_pair(p, line, &sc);
        }
        cg_setcookie_parse_attributes(p, line, &sc);
        if (cg_setcookie_is_deletion(&sc, now)
            && (out->line = cg_setcookie_canonical_deletion(p, &sc))) {
            /* deleting a cookie never tracks anyone: passed, rewritten to
             * the canonical deletion so that a misread line carries no
             * identifier */
            out->verdict = CG_LINE_DELETION;
        }
    }
}

const char *cg_policy_scrub(apr_pool_t *p, const cg_policy_t *pol,
                            cg_visit_t *v, cg_state_e state)
{
    const cg_crumb_t *c = (const cg_crumb_t *)v->crumbs->elts;
    name_judge_t j = { p, pol, v, state, 0, NULL, NULL };
    unsigned char *keep = NULL;
    int i, kept = 0;

    for (i = 0; i < v->crumbs->nelts; ++i) {
        /* a pair goes whole when any name it can be read under may not
         * pass (prefixed, PHP's reading, after a comma, nameless) */
        if (crumb_passes(&j, &c[i])) {
            if (keep) {
                keep[i] = 1;
            }
            ++kept;
            continue;
        }
        /* the first one that goes: those before it were kept */
        if (!keep) {
            keep = apr_palloc(p, v->crumbs->nelts);
            memset(keep, 1, i);
        }
        keep[i] = 0;
    }
    if (!keep) {
        return v->cookie_header;
    }
    return kept ? cg_cookie_join_kept(p, v->crumbs, keep) : NULL;
}

apr_array_header_t *cg_policy_expiries(apr_pool_t *p, const cg_policy_t *pol,
                                       cg_visit_t *v, cg_state_e state,
                                       const char *domain, int secure)
{
    apr_array_header_t *lines = apr_array_make(p, 4, sizeof(const char *));
    const cg_crumb_t *c = (const cg_crumb_t *)v->crumbs->elts;
    apr_hash_t *done = apr_hash_make(p);
    int i;

    for (i = 0; i < v->crumbs->nelts; ++i) {
        if (!*c[i].name || apr_hash_get(done, c[i].name, APR_HASH_KEY_STRING)
            || cg_policy_crumb_passes(p, pol, v, state, &c[i])) {
            continue;
        }
        apr_hash_set(done, c[i].name, APR_HASH_KEY_STRING, c[i].name);
        APR_ARRAY_PUSH(lines, const char *) =
            cg_setcookie_expiry(p, c[i].name, NULL, secure);
        if (domain) {
            APR_ARRAY_PUSH(lines, const char *) =
                cg_setcookie_expiry(p, c[i].name, domain, secure);
        }
    }
    return lines;
}

const char *cg_php_name(apr_pool_t *p, const char *raw, apr_size_t len,
                        int plus_is_space)
{
    char *out = apr_palloc(p, len + 1), *r, *w;
    apr_size_t n = 0;

    /* a malformed escape stays as it is, as in PHP (APR says so by its
     * status, which is not an error here); an encoded NUL ends the name */
    (void)apr_unescape_url(out, raw, len, NULL, NULL, plus_is_space, &n);
    out[n] = '\0';
    for (r = out; *r == ' '; ++r) {
        /* PHP drops leading spaces */
    }
    for (w = out; *r && *r != '['; ++r) {
        /* an array ("a[]") is read under its base name */
        *w++ = (*r == '.' || *r == ' ') ? '_' : *r;
    }
    *w = '\0';
    return out;
}

int cg_policy_scrubs_params(const cg_policy_t *pol)
{
    return pol->scrub_params && pol->scrub_params->nelts > 0;
}

static int is_scrubbed(const cg_policy_t *pol, const char *name)
{
    int i;

    for (i = 0; i < pol->scrub_params->nelts; ++i) {
        if (!strcmp(APR_ARRAY_IDX(pol->scrub_params, i, const char *), name)) {
            return 1;
        }
    }
    return 0;
}

static int all_categories_granted(const cg_policy_t *pol, const cg_visit_t *v,
                                  cg_state_e state)
{
    int i;

    if (state != CG_STATE_GRANTED) {
        return 0;
    }
    for (i = 0; i < pol->categories->nelts; ++i) {
        if (!cg_consent_allows(&v->consent, APR_ARRAY_IDX(pol->categories, i,
                                                          const char *))) {
            return 0;
        }
    }
    return 1;
}

int cg_policy_param_passes(const cg_policy_t *pol, cg_visit_t *v,
                           cg_state_e state, const char *name)
{
    const cg_class_t *cls;
    int undecidable;

    if (!cg_policy_scrubs_params(pol) || !is_scrubbed(pol, name)) {
        return 1;
    }
    cls = cg_policy_classify(pol, name, v->matcher, &undecidable);
    note_undecidable(v, name, strlen(name), undecidable);
    switch (cls->kind) {
    case CG_CLASS_NECESSARY:
        return 1;
    case CG_CLASS_CATEGORY:
        return cg_policy_passes(pol, v, state, cls);
    default:
        /* a parameter is not stored, so "drop" (an obsolete cookie) means
         * nothing here: one no category names needs every category */
        return all_categories_granted(pol, v, state);
    }
}

/* The next '&'-separated pair of *cursor (NULL at the end): its start and
 * length; 0 when there is none left. */
static int next_pair(const char **cursor, const char **pair, apr_size_t *len)
{
    const char *end;

    if (!*cursor) {
        return 0;
    }
    *pair = *cursor;
    end = strchr(*pair, '&');
    *len = end ? (apr_size_t)(end - *pair) : strlen(*pair);
    *cursor = end ? end + 1 : NULL;
    return 1;
}

/* The name PHP reads for a pair. */
static const char *pair_name(apr_pool_t *p, const char *pair, apr_size_t len)
{
    const char *eq = memchr(pair, '=', len);

    return cg_php_name(p, pair, eq ? (apr_size_t)(eq - pair) : len, 1);
}

/* An empty pair passes: there is nothing in it. */
static int pair_passes(apr_pool_t *p, const cg_policy_t *pol, cg_visit_t *v,
                       cg_state_e state, const char *pair, apr_size_t len)
{
    return !len || cg_policy_param_passes(pol, v, state,
                                          pair_name(p, pair, len));
}

const char *cg_policy_scrub_params(apr_pool_t *p, const cg_policy_t *pol,
                                   cg_visit_t *v, cg_state_e state,
                                   const char *params)
{
    const char *cursor = params, *pair;
    apr_size_t len, n = 0;
    int removed = 0;
    char *out;

    if (!params || !cg_policy_scrubs_params(pol)) {
        return params;
    }
    while (!removed && next_pair(&cursor, &pair, &len)) {
        removed = !pair_passes(p, pol, v, state, pair, len);
    }
    if (!removed) {
        return params;
    }
    /* the pairs that pass, joined by '&' (empty ones dropped) */
    out = apr_palloc(p, strlen(params) + 1);
    for (cursor = params; next_pair(&cursor, &pair, &len); ) {
        if (len && pair_passes(p, pol, v, state, pair, len)) {
            if (n) {
                out[n++] = '&';
            }
            memcpy(out + n, pair, len);
            n += len;
        }
    }
    out[n] = '\0';
    return out;
}

/* What each preset's categories are called in other banners. Mautic's
 * tracking is marketing wherever a banner has such a category; TCF's is
 * storage plus both profile purposes (it errs towards refusing); Didomi's
 * ids differ per site: no default. */
static const struct {
    const char *preset, *source, *theirs, *ours;
} preset_maps[] = {
    { "mautic", "cookiebot", "marketing", "tracking" },
    { "mautic", "onetrust", "C0004", "tracking" },
    { "mautic", "complianz", "marketing", "tracking" },
    { "mautic", "wpconsent", "marketing", "tracking" },
    { "mautic", "borlabs", "marketing", "tracking" },
    { "mautic", "cookieyes", "advertisement", "tracking" },
    { "mautic", "iubenda", "purpose:5", "tracking" },
    { "mautic", "cc_cookie", "marketing", "tracking" },
    { "mautic", "klaro", "mautic", "tracking" },
    { "mautic", "tcf", "purpose:1+purpose:3+purpose:5", "tracking" },
    { "mautic", "gpp", "purpose:1+purpose:3+purpose:5", "tracking" },
    /* Usercentrics' ids are per service and per site: no default */
    { "mautic", "osano", "MARKETING", "tracking" },
    /* Matomo's own consent (tracking, or cookies only) is the matomo
     * preset's tracking */
    { "matomo", "matomo", "consent", "tracking" },
    { "matomo", "matomo", "cookie_consent", "tracking" },
    { NULL, NULL, NULL, NULL }
};

int cg_preset_source_maps(apr_pool_t *p, const char *preset,
                          apr_array_header_t *maps)
{
    int i, n = 0;

    for (i = 0; preset_maps[i].preset; ++i) {
        cg_source_map_t *m;

        if (strcmp(preset_maps[i].preset, preset)) {
            continue;
        }
        m = apr_array_push(maps);
        m->source = cg_source_find(preset_maps[i].source);
        m->theirs = preset_maps[i].theirs;
        m->ours = preset_maps[i].ours;
        ++n;
    }
    (void)p;
    return n;
}

int cg_policy_params_named(apr_pool_t *p, const cg_policy_t *pol,
                           const char *params)
{
    const char *cursor = params, *pair;
    apr_size_t len;

    if (!params || !cg_policy_scrubs_params(pol)) {
        return 0;
    }
    while (next_pair(&cursor, &pair, &len)) {
        if (len && is_scrubbed(pol, pair_name(p, pair, len))) {
            return 1;
        }
    }
    return 0;
}
