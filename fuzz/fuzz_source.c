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
 *     without keys; every other source reads as without keys. */
#include "fuzz_common.h"

#include <apr_strings.h>

#include "cg_consent.h"
#include "fuzz_source_check.h"

#define NOW apr_time_from_sec(APR_INT64_C(1780272000))
#define PAIRS 8

static int nsources;

static void cg_fuzz_setup(apr_pool_t *root)
{
    const cg_source_t *s;

    for (s = cg_sources; s->name; ++s) {
        if (strcmp(s->name, "tcf") && strcmp(s->name, "gpp")) {
            ++nsources;
        }
    }
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

    cg_fuzz_free_fields(fields, 2 * PAIRS);
    apr_pool_clear(p);
    return 0;
}
