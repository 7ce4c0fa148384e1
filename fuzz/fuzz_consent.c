/* fuzz_consent.c: cg_consent_parse() on the input as a consent cookie
 * value (up to its first NUL byte), under fixed rules: max_age 15552000
 * s (180 days), now = 1763830000 s (2025-11-22 16:46:40 UTC), and policy
 * revision 0 (rules A) and 3 (rules B).
 *
 * Invariants (each broken one aborts, i.e. is a finding):
 *  1. The state is one of CG_CONSENT_NONE, _GRANTED, _DENIED.
 *  2. A value that parses as GRANTED with categories (the structured
 *     cg1. form) round-trips: cg_consent_format() of its categories, time,
 *     revision and receipt id, parsed under the same rules, is GRANTED
 *     with the same categories in the same order, the same time to the
 *     second, the same revision and the same receipt id. The same holds
 *     for a structured refusal (DENIED with an empty category array),
 *     which must come back DENIED.
 *  3. GRANTED without categories is the plain form: all_categories set,
 *     no time, revision 0, no receipt id. Structured results have a
 *     receipt id of 8..64 characters, a time no later than now + 300 s
 *     and no older than max_age, and a revision >= the policy revision;
 *     a GRANTED one has at least one category, and cg_consent_allows()
 *     grants each of them; a DENIED or NONE consent allows nothing.
 *  4. Revision 3 is only stricter than revision 0: a value that is not
 *     NONE under rules B gives the same state under rules A.
 *  5. A NULL value is NONE. */
#include "fuzz_common.h"

#include <apr_strings.h>
#include <apr_tables.h>
#include <apr_time.h>

#include "cg_consent.h"

#define NOW_SEC APR_INT64_C(1763830000)
#define MAX_AGE APR_INT64_C(15552000)

static cg_consent_rules_t rules_a, rules_b;

static void cg_fuzz_setup(apr_pool_t *root)
{
    cg_consent_t c;

    rules_a.max_age = MAX_AGE;
    rules_a.policy_revision = 0;
    rules_a.now = apr_time_from_sec(NOW_SEC);
    rules_b = rules_a;
    rules_b.policy_revision = 3;
    cg_consent_parse(root, NULL, &rules_a, &c);
    CG_FUZZ_CHECK(c.state == CG_CONSENT_NONE, "NULL value gave %d", c.state);
}

static void check_one(apr_pool_t *p, const char *value,
                      const cg_consent_rules_t *rules, cg_consent_t *c)
{
    int i;

    cg_consent_parse(p, value, rules, c);
    CG_FUZZ_CHECK(c->state == CG_CONSENT_NONE || c->state == CG_CONSENT_GRANTED
                  || c->state == CG_CONSENT_DENIED,
                  "state %d for '%s'", (int)c->state, cg_fuzz_show(value));

    if (c->state == CG_CONSENT_NONE) {
        CG_FUZZ_CHECK(!cg_consent_allows(c, "tracking"), "NONE allows");
        return;
    }
    if (c->state == CG_CONSENT_GRANTED && !c->categories) {
        CG_FUZZ_CHECK(c->all_categories && c->when == 0 && c->revision == 0
                      && !c->receipt_id,
                      "plain grant '%s' with structured fields",
                      cg_fuzz_show(value));
        CG_FUZZ_CHECK(rules->policy_revision == 0,
                      "plain grant '%s' under revision %d",
                      cg_fuzz_show(value), rules->policy_revision);
        return;
    }
    if (c->state == CG_CONSENT_DENIED && !c->receipt_id) {
        /* the plain refusal */
        CG_FUZZ_CHECK(!c->all_categories && c->when == 0 && c->revision == 0
                      && rules->policy_revision == 0,
                      "plain refusal '%s' with structured fields",
                      cg_fuzz_show(value));
        CG_FUZZ_CHECK(!cg_consent_allows(c, "tracking"), "refusal allows");
        return;
    }

    /* the structured form */
    CG_FUZZ_CHECK(c->categories && c->receipt_id && !c->all_categories,
                  "structured '%s' without categories or receipt id",
                  cg_fuzz_show(value));
    CG_FUZZ_CHECK(strlen(c->receipt_id) >= 8 && strlen(c->receipt_id) <= 64,
                  "receipt id '%s'", cg_fuzz_show(c->receipt_id));
    CG_FUZZ_CHECK(c->when <= rules->now + apr_time_from_sec(300)
                  && c->when + apr_time_from_sec(rules->max_age) >= rules->now,
                  "time %lld out of the window", (long long)c->when);
    CG_FUZZ_CHECK(c->revision >= rules->policy_revision,
                  "revision %d under policy %d", c->revision,
                  rules->policy_revision);
    CG_FUZZ_CHECK((c->state == CG_CONSENT_GRANTED) == (c->categories->nelts > 0),
                  "state %d with %d categories", (int)c->state,
                  c->categories->nelts);
    for (i = 0; i < c->categories->nelts; ++i) {
        const char *cat = APR_ARRAY_IDX(c->categories, i, const char *);

        CG_FUZZ_CHECK(cat && *cat, "empty category");
        CG_FUZZ_CHECK(cg_consent_allows(c, cat), "'%s' not allowed",
                      cg_fuzz_show(cat));
    }

    /* the round trip */
    {
        const char *formatted = cg_consent_format(p, c->categories, c->when,
                                                  c->revision, c->receipt_id);
        cg_consent_t again;

        cg_consent_parse(p, formatted, rules, &again);
        CG_FUZZ_CHECK(again.state == c->state
                      && cg_fuzz_same_strings(c->categories, again.categories)
                      && apr_time_sec(again.when) == apr_time_sec(c->when)
                      && again.revision == c->revision
                      && again.receipt_id
                      && !strcmp(again.receipt_id, c->receipt_id),
                      "'%s' formatted as '%s' parses back as state %d",
                      cg_fuzz_show(value), cg_fuzz_show(formatted),
                      (int)again.state);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *value = cg_fuzz_cstr(data, size);
    apr_pool_t *p = cg_fuzz_pool;
    cg_consent_t a, b;

    check_one(p, value, &rules_a, &a);
    check_one(p, value, &rules_b, &b);
    CG_FUZZ_CHECK(b.state == CG_CONSENT_NONE || b.state == a.state,
                  "'%s': %d under revision 3 but %d under revision 0",
                  cg_fuzz_show(value), (int)b.state, (int)a.state);

    apr_pool_clear(p);
    free(value);
    return 0;
}
