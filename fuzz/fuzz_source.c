/* fuzz_source.c: the banner readers of cg_source.c and cg_source_json.c
 * (every source but tcf and gpp, which have their own targets).
 *
 * Input: the first byte picks the source (modulo their number); the rest
 * is split at NUL bytes into up to 8 name/value pairs. An empty name
 * stands for the source's k-th cookie name (prefix names get "1"), so
 * the fuzzer reaches every reader without guessing its cookie names.
 *
 * Invariants (fuzz_source_check.h), under max_age 0 and one year, at
 * now = 2026-06-01 00:00:00 UTC; plus:
 *  4. reading twice gives the same result;
 *  5. a max_age never adds a grant: the one-year result is a choice only
 *     when the unlimited one is, with the same grants;
 *  6. under ConsentSecret's keys a mirror (usercentrics, osano) never
 *     grants (the fuzzer cannot sign) and refuses what it refuses
 *     without keys; every other source reads as without keys.
 * And through a policy (the mautic preset's rules and source maps) that
 * follows the source alone, with the cookies as a Cookie header:
 *  7. our refusal, set now, added to the header grants nothing that was
 *     not granted, and nothing at all when the source's choice is older
 *     (or undated): a withdrawal made here holds;
 *  8. our grant added grants nothing more: left out of ConsentSource,
 *     our cookie never grants;
 *  9. with `own` listed after the source, our refusal added leaves
 *     nothing granted. */
#include "fuzz_common.h"

#include <apr_strings.h>

#include "cg_classify.h"
#include "cg_consent.h"
#include "cg_policy.h"
#include "fuzz_source_check.h"

#define NOW apr_time_from_sec(APR_INT64_C(1780272000))
#define PAIRS 8

static int nsources;
/* per source, by its index in cg_sources: the policy that follows it
 * alone, and the one that follows it, then our cookie */
static const cg_policy_t *alone[64], *then_own[64];

static const cg_policy_t *policy_for(apr_pool_t *root, const cg_source_t *s,
                                     int own)
{
    apr_array_header_t *rules = apr_array_make(root, 8, sizeof(cg_rule_t));
    apr_array_header_t *maps = apr_array_make(root, 8,
                                              sizeof(cg_source_map_t));
    apr_array_header_t *sources = apr_array_make(root, 2,
                                                 sizeof(const cg_source_t *));
    cg_policy_spec_t spec;

    cg_preset_rules(root, "mautic", rules);
    cg_preset_source_maps(root, "mautic", maps);
    APR_ARRAY_PUSH(sources, const cg_source_t *) = s;
    if (own) {
        APR_ARRAY_PUSH(sources, const cg_source_t *) = NULL;
    }
    memset(&spec, 0, sizeof(spec));
    spec.cookie_name = "mautic_consent";
    spec.preset_rules = rules;
    spec.max_age = 86400 * 365;
    spec.sources = sources;
    spec.source_maps = maps;
    return cg_policy_make(root, &spec);
}

/* The policies' compiled patterns are freed with the root pool: APR may
 * mmap() pool memory, which LeakSanitizer does not scan. */
static void destroy_root(void)
{
    apr_pool_destroy(cg_fuzz_root);
}

static void cg_fuzz_setup(apr_pool_t *root)
{
    const cg_source_t *s;

    atexit(destroy_root);

    for (s = cg_sources; s->name; ++s) {
        if (strcmp(s->name, "tcf") && strcmp(s->name, "gpp")) {
            ++nsources;
        }
        if (s - cg_sources < 64) {
            alone[s - cg_sources] = policy_for(root, s, 0);
            then_own[s - cg_sources] = policy_for(root, s, 1);
        }
    }
}

/* Every category `b` grants, `a` grants too. */
static int grants_within(const cg_visit_t *b, const cg_visit_t *a)
{
    int i;

    if (b->consent.state != CG_CONSENT_GRANTED) {
        return 1;
    }
    if (a->consent.state != CG_CONSENT_GRANTED) {
        return 0;
    }
    for (i = 0; !b->consent.all_categories
                && i < b->consent.categories->nelts; ++i) {
        if (!cg_consent_allows(&a->consent,
                               APR_ARRAY_IDX(b->consent.categories, i,
                                             const char *))) {
            return 0;
        }
    }
    return !b->consent.all_categories || a->consent.all_categories;
}

/* Invariants 7-9 on the cookies of `t`. */
static void check_policy(apr_pool_t *p, const cg_source_t *src,
                         const apr_table_t *t)
{
    const apr_array_header_t *arr = apr_table_elts(t);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    apr_array_header_t *all = apr_array_make(p, 1, sizeof(const char *));
    const cg_policy_t *pol = alone[src - cg_sources];
    const char *header = "", *refusal, *grant;
    cg_visit_t v0, v1, v2, v3;
    int i;

    if (src - cg_sources >= 64) {
        return;
    }
    for (i = 0; i < arr->nelts; ++i) {
        header = apr_pstrcat(p, header, i ? "; " : "", e[i].key, "=",
                             e[i].val, NULL);
    }
    APR_ARRAY_PUSH(all, const char *) = "tracking";
    refusal = apr_pstrcat(p, header, "; mautic_consent=",
                          cg_consent_format(p, NULL, NOW, 0,
                                            "0123456789abcdef0123456789abcdef"),
                          NULL);
    grant = apr_pstrcat(p, header, "; mautic_consent=",
                        cg_consent_format(p, all, NOW, 0,
                                          "0123456789abcdef0123456789abcdef"),
                        NULL);
    cg_visit_read(p, pol, header, NULL, NULL, NOW, &v0);
    cg_visit_read(p, pol, refusal, NULL, NULL, NOW, &v1);
    CG_FUZZ_CHECK(grants_within(&v1, &v0), "%s: our refusal granted more",
                  src->name);
    CG_FUZZ_CHECK(v1.consent.state != CG_CONSENT_GRANTED
                  || v0.consent.when >= NOW,
                  "%s: our refusal, newer than the choice, did not hold",
                  src->name);
    cg_visit_read(p, pol, grant, NULL, NULL, NOW, &v2);
    CG_FUZZ_CHECK(grants_within(&v2, &v0), "%s: our cookie granted where "
                  "ConsentSource leaves it out", src->name);
    cg_visit_read(p, then_own[src - cg_sources], refusal, NULL, NULL, NOW,
                  &v3);
    CG_FUZZ_CHECK(v3.consent.state != CG_CONSENT_GRANTED,
                  "%s: our refusal, listed after it, left a grant",
                  src->name);
}

static const cg_source_t *pick(unsigned char b)
{
    const cg_source_t *s;
    int k = b % nsources;

    for (s = cg_sources; s->name; ++s) {
        if (!strcmp(s->name, "tcf") || !strcmp(s->name, "gpp")) {
            continue;
        }
        if (k-- == 0) {
            return s;
        }
    }
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = cg_fuzz_pool;
    char *fields[2 * PAIRS];
    const cg_source_t *src;
    apr_table_t *t;
    cg_source_opts_t unlimited = {NOW, 0}, year = {NOW, 86400 * 365};
    cg_source_opts_t keyed = {NOW, 0};
    static const cg_consent_key_t key = {
        (const unsigned char *)"fuzz-key-0123456789abcdefghijklmnopq", 36
    };
    cg_source_result_t a, b, c, k;
    int mirror;
    int i, ncookies = 0;

    if (size < 1) {
        return 0;
    }
    src = pick(data[0]);
    while (src->cookies[ncookies].name) {
        ++ncookies;
    }
    cg_fuzz_fields(data + 1, size - 1, fields, 2 * PAIRS);
    t = apr_table_make(p, PAIRS);
    for (i = 0; i < PAIRS; ++i) {
        const char *name = fields[2 * i], *value = fields[2 * i + 1];

        if (!name) {
            break;
        }
        if (!*name) {
            const cg_source_cookie_t *c = &src->cookies[i % ncookies];

            name = c->prefix ? apr_pstrcat(p, c->name, "1", NULL) : c->name;
        }
        apr_table_add(t, name, value ? value : "");
    }

    cg_source_read(p, src, t, &unlimited, &a);
    cg_fuzz_check_result(&a, &unlimited);
    cg_source_read(p, src, t, &unlimited, &b);
    CG_FUZZ_CHECK(cg_fuzz_same_result(&a, &b), "%s: two reads differ",
                  src->name);
    cg_source_read(p, src, t, &year, &c);
    cg_fuzz_check_result(&c, &year);
    CG_FUZZ_CHECK(!c.explicit_choice || cg_fuzz_same_result(&a, &c),
                  "%s: max_age changed the grants", src->name);

    keyed.keys = &key;
    keyed.nkeys = 1;
    keyed.site = "fuzz.example";
    cg_source_read(p, src, t, &keyed, &k);
    cg_fuzz_check_result(&k, &keyed);
    mirror = !strcmp(src->name, "usercentrics") || !strcmp(src->name, "osano");
    CG_FUZZ_CHECK(!mirror || (k.granted->nelts == 0
                              && k.explicit_choice == a.explicit_choice
                              && cg_fuzz_same_strings(k.refused, a.refused)),
                  "%s: an unsigned mirror granted or changed its refusals "
                  "under keys", src->name);
    CG_FUZZ_CHECK(mirror || cg_fuzz_same_result(&a, &k),
                  "%s: keys changed a source the module does not sign",
                  src->name);

    check_policy(p, src, t);

    cg_fuzz_free_fields(fields, 2 * PAIRS);
    apr_pool_clear(p);
    return 0;
}
