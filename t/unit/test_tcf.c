/* test_tcf.c: the TC string and GPP string decoders (lib/cg_tcf.c,
 * lib/cg_gpp.c) and the tcf and gpp sources: strings encoded by the
 * IAB's own libraries (t/unit/vectors/source_vectors.h, from
 * scripts/gen-source-vectors.mjs) and the decoding examples published
 * with the specifications and other decoders' tests. */
#include "unit.h"

#include <apr_strings.h>
#include <apr_tables.h>

#include "cg_gpp.h"
#include "cg_source.h"
#include "cg_tcf.h"
#include "vectors/source_vectors.h"

/* 2026-06-01 00:00:00 UTC */
#define NOW apr_time_from_sec(APR_INT64_C(1780272000))

static const tcf_vector_t *tcf_vector(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(tcf_vectors) / sizeof(tcf_vectors[0]); ++i) {
        if (!strcmp(tcf_vectors[i].name, name)) {
            return &tcf_vectors[i];
        }
    }
    return NULL;
}

static int in_list(const int *list, int v)
{
    for (; list && *list; ++list) {
        if (*list == v) {
            return 1;
        }
    }
    return 0;
}

static void read_source(apr_pool_t *p, const char *source,
                        cg_source_result_t *r, apr_int64_t max_age, ...)
{
    apr_table_t *t = apr_table_make(p, 4);
    const char *name;
    cg_source_opts_t opts = {0};
    va_list ap;

    va_start(ap, max_age);
    while ((name = va_arg(ap, const char *))) {
        apr_table_add(t, name, va_arg(ap, const char *));
    }
    va_end(ap);
    opts.now = NOW;
    opts.max_age = max_age;
    cg_source_read(p, cg_source_find(source), t, &opts, r);
}

/* Every field of every generated string decodes to what the library
 * encoded. */
static void test_tcf_vectors_decode(void **state)
{
    apr_pool_t *p = *state;
    size_t i;

    for (i = 0; i < sizeof(tcf_vectors) / sizeof(tcf_vectors[0]); ++i) {
        const tcf_vector_t *v = &tcf_vectors[i];
        cg_tcf_t tc;
        const char *err = cg_tcf_decode(p, v->tc, strlen(v->tc), &tc);
        unsigned id;
        int n;

        if (err) {
            fail_tap("%s: %s", v->name, err);
        }
        assert_int_equal(tc.version, 2);
        assert_true(tc.created == (apr_time_t)v->created_ds * 100000);
        assert_true(tc.last_updated == (apr_time_t)v->last_updated_ds * 100000);
        assert_int_equal(tc.cmp_id, v->cmp_id);
        assert_int_equal(tc.cmp_version, v->cmp_version);
        assert_int_equal(tc.policy_version, v->policy_version);
        assert_int_equal(tc.vendor_list_version, v->vendor_list_version);
        assert_string_equal(tc.consent_language, v->consent_language);
        assert_string_equal(tc.publisher_cc, v->publisher_cc);
        assert_int_equal(tc.is_service_specific, v->is_service_specific);
        for (n = 1; n <= 24; ++n) {
            if (cg_tcf_purpose(&tc, n) != in_list(v->purposes, n)) {
                fail_tap("%s: purpose %d", v->name, n);
            }
        }
        for (n = 1; n <= 12; ++n) {
            if (cg_tcf_special_feature(&tc, n)
                != in_list(v->special_features, n)) {
                fail_tap("%s: special feature %d", v->name, n);
            }
        }
        assert_int_equal(tc.vendor_consents.max_vendor_id, v->max_vendor_id);
        assert_int_equal(tc.vendor_consents.is_range, v->is_range);
        for (id = 1; id <= 1400; ++id) {
            if (cg_tcf_vendor_in(&tc.vendor_consents, id)
                != in_list(v->vendors, (int)id)) {
                fail_tap("%s: vendor %u consent", v->name, id);
            }
            if (cg_tcf_vendor_in(&tc.vendor_li, id)
                != in_list(v->vendors_li, (int)id)) {
                fail_tap("%s: vendor %u LI", v->name, id);
            }
            if (v->has_disclosed && cg_tcf_vendor_in(&tc.disclosed, id)
                != in_list(v->disclosed, (int)id)) {
                fail_tap("%s: vendor %u disclosed", v->name, id);
            }
        }
        assert_int_equal(tc.disclosed.present, v->has_disclosed);
        {
            int k = 0;

            for (n = 0; v->restrictions[n]; n += 3) {
                const cg_tcf_restriction_t *r =
                    &APR_ARRAY_IDX(tc.restrictions, k, cg_tcf_restriction_t);

                assert_true(k < tc.restrictions->nelts);
                assert_int_equal(r->purpose, v->restrictions[n + 1]);
                assert_int_equal(r->type, v->restrictions[n + 2]);
                assert_true(r->start <= (unsigned)v->restrictions[n]
                            && r->end >= (unsigned)v->restrictions[n]);
                ++k;
            }
            /* no array when the string has none */
            assert_int_equal(k, tc.restrictions ? tc.restrictions->nelts : 0);
        }
    }
}

/* Both encodings of the vendor section are among the vectors, and the
 * 2.3 vectors carry DisclosedVendors. */
static void test_tcf_vectors_cover(void **state)
{
    assert_int_equal(tcf_vector("bitfield")->is_range, 0);
    assert_int_equal(tcf_vector("range")->is_range, 1);
    assert_true(tcf_vector("restricted")->restrictions[0] != 0);
    assert_int_equal(tcf_vector("accept_all")->has_disclosed, 1);
}

static void test_tcf_source_grants(void **state)
{
    apr_pool_t *p = *state;
    cg_source_result_t r;
    const tcf_vector_t *v = tcf_vector("bitfield");

    read_source(p, "tcf", &r, 0, "euconsent-v2", v->tc, NULL);
    assert_null(r.error);
    assert_int_equal(r.explicit_choice, 1);
    assert_true(r.when == (apr_time_t)v->last_updated_ds * 100000);
    assert_true(cg_source_granted(&r, "purpose:1"));
    assert_true(cg_source_granted(&r, "purpose:4"));
    assert_false(cg_source_granted(&r, "purpose:5"));
    assert_true(cg_source_refused(&r, "purpose:5"));
    assert_true(cg_source_refused(&r, "special_feature:1"));
    assert_true(cg_source_granted(&r, "vendor:13"));
    assert_true(cg_source_granted(&r, "vendor:13:purpose:1"));
    assert_false(cg_source_granted(&r, "vendor:13:purpose:5"));
    assert_true(cg_source_refused(&r, "vendor:13:purpose:5"));
    /* disclosed, not consented: refused; never disclosed: neither */
    assert_false(cg_source_granted(&r, "vendor:4"));
    assert_true(cg_source_refused(&r, "vendor:4"));
    assert_false(cg_source_granted(&r, "vendor:99"));
    assert_false(cg_source_refused(&r, "vendor:99"));
    /* names that are not TCF names answer nothing */
    assert_false(cg_source_granted(&r, "vendor:13:"));
    assert_false(cg_source_granted(&r, "vendor:0"));
    assert_false(cg_source_granted(&r, "vendor:99999999"));
    assert_false(cg_source_granted(&r, "vendor:13:purpose:0"));
    assert_false(cg_source_granted(&r, "marketing"));
    /* conjunctions, as a source map writes them */
    assert_true(cg_source_granted(&r, "purpose:1+vendor:13"));
    assert_true(cg_source_granted(&r, "purpose:1+purpose:2+vendor:8"));
    assert_false(cg_source_granted(&r, "purpose:1+vendor:4"));
    assert_true(cg_source_refused(&r, "purpose:1+vendor:4"));
    assert_false(cg_source_refused(&r, "purpose:1+vendor:13"));
    assert_false(cg_source_granted(&r, "purpose:1+"));
    assert_false(cg_source_granted(&r, "+purpose:1"));
    assert_false(cg_source_granted(&r, "purpose:1++vendor:13"));
    assert_false(cg_source_granted(&r, "purpose:1+purpose:1+purpose:1+purpose:1"
                                       "+purpose:1+purpose:1+purpose:1+purpose:1"
                                       "+purpose:1"));

    v = tcf_vector("range");
    read_source(p, "tcf", &r, 0, "euconsent-v2", v->tc, NULL);
    assert_int_equal(r.explicit_choice, 1);
    assert_true(cg_source_granted(&r, "vendor:755:purpose:1"));
    assert_true(cg_source_granted(&r, "vendor:1355:purpose:7"));
    assert_true(cg_source_granted(&r, "special_feature:1"));
    assert_false(cg_source_granted(&r, "vendor:111"));
    assert_true(cg_source_refused(&r, "vendor:111"));
}

static void test_tcf_source_restrictions(void **state)
{
    apr_pool_t *p = *state;
    cg_source_result_t r;

    read_source(p, "tcf", &r, 0, "euconsent-v2", tcf_vector("restricted")->tc,
                NULL);
    assert_int_equal(r.explicit_choice, 1);
    assert_true(cg_source_granted(&r, "vendor:755:purpose:1"));
    /* the publisher does not allow purpose 2 for vendor 755 */
    assert_false(cg_source_granted(&r, "vendor:755:purpose:2"));
    /* purpose 3 only on legitimate interest for vendor 755: not consent */
    assert_false(cg_source_granted(&r, "vendor:755:purpose:3"));
    assert_true(cg_source_granted(&r, "vendor:755:purpose:4"));
    assert_true(cg_source_granted(&r, "vendor:2:purpose:2"));
    /* a publisher restriction is not the visitor's refusal */
    assert_false(cg_source_refused(&r, "vendor:755:purpose:2"));
}

static void test_tcf_source_reject_all(void **state)
{
    apr_pool_t *p = *state;
    cg_source_result_t r;

    read_source(p, "tcf", &r, 0, "euconsent-v2", tcf_vector("reject_all")->tc,
                NULL);
    assert_null(r.error);
    assert_int_equal(r.explicit_choice, 1);
    assert_int_equal(r.granted->nelts, 0);
    assert_true(cg_source_refused(&r, "purpose:1"));
    assert_true(cg_source_refused(&r, "vendor:755"));
    assert_false(cg_source_granted(&r, "vendor:755:purpose:1"));
}

static void test_tcf_source_fails_closed(void **state)
{
    apr_pool_t *p = *state;
    cg_source_result_t r;
    const char *tc = tcf_vector("bitfield")->tc;
    static const char *const bad[] = {
        "", "C", "CQgaI1A", "CQgaI1AQgdo8wAHADCENBkFgAPAAAAAAAAYgAGukIA",
        "BQgaI1AQgdo8wAHADCENBkFgAPAAAAAAAAYgAGukIAAAAAAA", /* version 1 */
        "CQgaI1AQgdo8wAHADCENBkFgAPAAAAAAAAYgAGukIAAAAAAA..IKlwBIAAgApAGQ",
        "CQgaI1AQgdo8wAHADCENBkFgAPAAAAAAAAYgAGukIAAAAAAA.",
        "CQgaI1AQgdo8wAHADCENBkFgAPAAAAAAAAYgAGukIAAAAAAA.AAAA", /* type 0 */
        "CQgaI1AQgdo8wAHADCENBkFgAPAAAAAAAAYgAGukIAAAAAAA.IKlwBIAAgApAGQAeAF5gVLAA"
            ".IKlwBIAAgApAGQAeAF5gVLAA", /* DisclosedVendors twice */
        "CQgaI1AQgdo8wAHADCENBkFgAPAAAAAAAAYgAGukIAAA*AAA",
        NULL
    };
    int i;

    for (i = 0; bad[i]; ++i) {
        read_source(p, "tcf", &r, 0, "euconsent-v2", bad[i], NULL);
        if (r.explicit_choice || r.granted->nelts || r.refused->nelts
            || !r.error) {
            fail_tap("'%s' read as a choice", bad[i]);
        }
    }
    /* stale, over max_age, from the future, before TCF 2.2, TCF 2.3
     * without DisclosedVendors */
    read_source(p, "tcf", &r, 0, "euconsent-v2", tcf_vector("stale")->tc, NULL);
    assert_string_equal(r.error, "choice too old");
    read_source(p, "tcf", &r, 86400, "euconsent-v2", tc, NULL);
    assert_string_equal(r.error, "choice too old");
    assert_false(cg_source_granted(&r, "purpose:1"));
    read_source(p, "tcf", &r, 0, "euconsent-v2",
                tcf_vector("policy_v2")->tc, NULL);
    assert_non_null(r.error);
    assert_int_equal(r.explicit_choice, 0);
    read_source(p, "tcf", &r, 0, "euconsent-v2",
                tcf_vector("tcf23_without_disclosed")->tc, NULL);
    assert_string_equal(r.error, "TCF 2.3 string without DisclosedVendors");
    read_source(p, "tcf", &r, 0, "euconsent-v2",
                tcf_vector("tcf22_no_disclosed")->tc, NULL);
    assert_null(r.error);
    assert_true(cg_source_granted(&r, "vendor:755:purpose:2"));
    /* a vendor of a string without DisclosedVendors is refused unless
     * consented */
    assert_true(cg_source_refused(&r, "vendor:2"));
    {
        cg_source_opts_t o = {NOW - apr_time_from_sec(86400 * 100), 0};
        apr_table_t *t = apr_table_make(p, 1);

        apr_table_set(t, "euconsent-v2", tc);
        cg_source_read(p, cg_source_find("tcf"), t, &o, &r);
        assert_string_equal(r.error, "choice from the future");
    }
    /* two different strings: ambiguous; the same one twice is fine */
    read_source(p, "tcf", &r, 0, "euconsent-v2", tc, "euconsent-v2",
                tcf_vector("range")->tc, NULL);
    assert_int_equal(r.explicit_choice, 0);
    read_source(p, "tcf", &r, 0, "euconsent-v2", tc, "euconsent-v2", tc, NULL);
    assert_int_equal(r.explicit_choice, 1);
    /* no cookie: no choice, no error */
    read_source(p, "tcf", &r, 0, "other", tc, NULL);
    assert_int_equal(r.explicit_choice, 0);
    assert_null(r.error);
}

/* The examples from the decoders' tests (prebid/go-gdpr, uBlock Origin
 * Lite's cookie list), decoded as the format only. */
static void test_tcf_published_examples(void **state)
{
    apr_pool_t *p = *state;
    cg_tcf_t tc;
    static const int purposes[] = {1, 2, 3, 5, 6, 7, 9, 12, 13, 15, 17, 19,
                                   20, 23, 24, 0};
    static const int vendors[] = {1, 2, 4, 7, 9, 10, 0};
    static const int range[] = {23, 42, 126, 127, 128, 587, 613, 626, 0};
    static const int disclosed[] = {1, 2, 3, 4, 5, 100, 404, 0};
    const char *s;
    unsigned id;
    int n;

    s = "COwGVJOOwGVJOADACHENAOCAAO6as_-AAAhoAFNLAAoAAAA";
    assert_null(cg_tcf_decode(p, s, strlen(s), &tc));
    assert_int_equal(tc.cmp_id, 3);
    for (n = 1; n <= 24; ++n) {
        assert_int_equal(cg_tcf_purpose(&tc, n), in_list(purposes, n));
    }
    assert_int_equal(tc.vendor_consents.max_vendor_id, 10);
    assert_int_equal(tc.vendor_consents.is_range, 0);
    for (id = 1; id <= 12; ++id) {
        assert_int_equal(cg_tcf_vendor_in(&tc.vendor_consents, id),
                         in_list(vendors, (int)id));
    }

    s = "COyiILmOyiILmADACHENAPCAAAAAAAAAAAAAE5QBgALgAqgD8AQACSwEygJyAAAAAA";
    assert_null(cg_tcf_decode(p, s, strlen(s), &tc));
    assert_int_equal(tc.vendor_consents.max_vendor_id, 626);
    assert_int_equal(tc.vendor_consents.is_range, 1);
    for (id = 1; id <= 700; ++id) {
        assert_int_equal(cg_tcf_vendor_in(&tc.vendor_consents, id),
                         in_list(range, (int)id));
    }

    s = "CQSbk4AQSbk4ANwAAAENAwCgAAAAAAAAAAYgACPAAAAA.IDKQA4AAgAKAGQAygAAA"
        ".YAAAAAAAAAAA";
    assert_null(cg_tcf_decode(p, s, strlen(s), &tc));
    assert_int_equal(tc.disclosed.present, 1);
    assert_int_equal(tc.has_publisher_tc, 1);
    for (id = 1; id <= 500; ++id) {
        assert_int_equal(cg_tcf_vendor_in(&tc.disclosed, id),
                         in_list(disclosed, (int)id));
    }

    s = "CPt3fQAPt3fQACNAFAENDLCgAAAAAAAAACiQAAAOCgDAB-AIsAZ8A6QDBAHBAAAA"
        ".YAAAAAAAAAAA";
    assert_null(cg_tcf_decode(p, s, strlen(s), &tc));
    assert_int_equal(tc.purposes_consent, 0);
    assert_int_equal(tc.vendor_consents.max_vendor_id, 0);
    assert_false(cg_tcf_vendor_in(&tc.vendor_consents, 1));
}

static void test_gpp_vectors(void **state)
{
    apr_pool_t *p = *state;
    size_t i;

    for (i = 0; i < sizeof(gpp_vectors) / sizeof(gpp_vectors[0]); ++i) {
        const gpp_vector_t *v = &gpp_vectors[i];
        cg_gpp_t g;
        const char *err = cg_gpp_decode(p, v->gpp, strlen(v->gpp), &g);
        int n;

        if (err) {
            fail_tap("%s: %s", v->name, err);
        }
        for (n = 0; v->ids[n]; ++n) {
            assert_true(n < g.nsections);
            assert_int_equal(g.ids[n], v->ids[n]);
        }
        assert_int_equal(n, g.nsections);
        assert_int_equal(g.has_tcf, v->tcf != NULL);
        if (v->tcf) {
            const tcf_vector_t *t = tcf_vector(v->tcf);

            for (n = 1; n <= 24; ++n) {
                assert_int_equal(cg_tcf_purpose(&g.tcf, n),
                                 in_list(t->purposes, n));
            }
            assert_int_equal(cg_tcf_vendor_in(&g.tcf.vendor_consents, 755),
                             in_list(t->vendors, 755));
            assert_int_equal(g.tcf.has_publisher_tc, 1);
        }
        assert_int_equal(g.has_usnat, v->has_usnat);
        if (v->has_usnat) {
            const cg_gpp_usnat_t *u = &g.usnat;
            int got[13] = {
                u->sharing_notice, u->sale_opt_out_notice,
                u->sharing_opt_out_notice,
                u->targeted_advertising_opt_out_notice,
                u->sensitive_data_processing_opt_out_notice,
                u->sensitive_data_limit_use_notice, u->sale_opt_out,
                u->sharing_opt_out, u->targeted_advertising_opt_out,
                u->personal_data_consents, u->mspa_covered_transaction,
                u->mspa_opt_out_option_mode, u->mspa_service_provider_mode
            };

            assert_int_equal(u->version, v->usnat_version);
            for (n = 0; n < 13; ++n) {
                if (got[n] != v->usnat[n]) {
                    fail_tap("%s: usnat field %d is %d, not %d", v->name, n,
                             got[n], v->usnat[n]);
                }
            }
            assert_int_equal(u->n_sensitive_data_processing, 16);
            for (n = 0; n < 16; ++n) {
                assert_int_equal(u->sensitive_data_processing[n],
                                 v->sensitive[n]);
            }
            for (n = 0; n < 3; ++n) {
                assert_int_equal(u->known_child_sensitive_data_consents[n],
                                 v->known_child[n]);
            }
            assert_int_equal(u->gpc_present, v->gpc_present);
            assert_int_equal(u->gpc, v->gpc);
        }
        assert_int_equal(g.has_usp, v->usp != NULL);
        if (v->usp) {
            assert_string_equal(g.usp, v->usp);
        }
    }
}

static const char *gpp_of(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(gpp_vectors) / sizeof(gpp_vectors[0]); ++i) {
        if (!strcmp(gpp_vectors[i].name, name)) {
            return gpp_vectors[i].gpp;
        }
    }
    return NULL;
}

static void test_gpp_source(void **state)
{
    apr_pool_t *p = *state;
    cg_source_result_t r;

    read_source(p, "gpp", &r, 0, "__gpp", gpp_of("usnat_no_opt_out"), NULL);
    assert_null(r.error);
    assert_int_equal(r.explicit_choice, 1);
    assert_true(cg_source_granted(&r, "usnat:sale"));
    assert_true(cg_source_granted(&r, "usnat:targeted_advertising"));

    read_source(p, "gpp", &r, 0, "__gpp", gpp_of("usnat_sale_opt_out"), NULL);
    assert_true(cg_source_refused(&r, "usnat:sale"));
    assert_true(cg_source_granted(&r, "usnat:sharing"));

    /* GPC in the string refuses every opt-out field */
    read_source(p, "gpp", &r, 0, "__gpp", gpp_of("usnat_gpc"), NULL);
    assert_int_equal(r.explicit_choice, 1);
    assert_false(cg_source_granted(&r, "usnat:sale"));
    assert_true(cg_source_refused(&r, "usnat:sale"));
    assert_true(cg_source_refused(&r, "usnat:gpc"));

    /* the EU TCF section reads like euconsent-v2 */
    read_source(p, "gpp", &r, 0, "__gpp", gpp_of("tcf_only"), "__gpp_sid", "2",
                NULL);
    assert_null(r.error);
    assert_true(cg_source_granted(&r, "vendor:755:purpose:1"));
    assert_true(cg_source_refused(&r, "purpose:2"));
    assert_true(r.when == (apr_time_t)tcf_vector("range")->last_updated_ds
                * 100000);

    read_source(p, "gpp", &r, 0, "__gpp", gpp_of("tcf_and_usnat"), NULL);
    assert_true(cg_source_granted(&r, "vendor:13:purpose:1"));
    assert_true(cg_source_refused(&r, "usnat:sale"));
    assert_true(cg_source_refused(&r, "usp:sale"));
    /* only the applicable sections count */
    read_source(p, "gpp", &r, 0, "__gpp", gpp_of("tcf_and_usnat"),
                "__gpp_sid", "7", NULL);
    assert_false(cg_source_granted(&r, "purpose:1"));
    assert_true(cg_source_refused(&r, "usnat:sale"));
    read_source(p, "gpp", &r, 0, "__gpp", gpp_of("tcf_and_usnat"),
                "__gpp_sid", "2", NULL);
    assert_true(cg_source_granted(&r, "purpose:1"));
    assert_false(cg_source_refused(&r, "usnat:sale"));

    /* US Privacy says "did not opt out", but the California section (not
     * decoded) may say otherwise: no US grant */
    read_source(p, "gpp", &r, 0, "__gpp", gpp_of("usp_and_state"), NULL);
    assert_false(cg_source_granted(&r, "usp:sale"));
    read_source(p, "gpp", &r, 0, "__gpp", gpp_of("usp_and_state"),
                "__gpp_sid", "6", NULL);
    assert_true(cg_source_granted(&r, "usp:sale"));
}

/* The spec's header examples and trusted-server's US National test. */
static void test_gpp_published_examples(void **state)
{
    apr_pool_t *p = *state;
    cg_gpp_t g;
    const char *s;
    cg_source_result_t r;

    s = "DBABM";
    memset(&g, 0, sizeof(g));
    assert_null(cg_gpp_decode_header(p, s, strlen(s), &g));
    assert_int_equal(g.nsections, 1);
    assert_int_equal(g.ids[0], 2);
    s = "DBABjw";
    memset(&g, 0, sizeof(g));
    assert_null(cg_gpp_decode_header(p, s, strlen(s), &g));
    assert_int_equal(g.nsections, 2);
    assert_int_equal(g.ids[0], 5);
    assert_int_equal(g.ids[1], 6);
    s = "DBABTA~1YNN";
    assert_null(cg_gpp_decode(p, s, strlen(s), &g));
    assert_int_equal(g.ids[0], 6);
    assert_string_equal(g.usp, "1YNN");
    s = "DBACNY~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA~1YNN";
    assert_null(cg_gpp_decode(p, s, strlen(s), &g));
    assert_int_equal(g.nsections, 2);
    assert_int_equal(g.ids[0], 2);
    assert_int_equal(g.ids[1], 6);
    assert_int_equal(g.has_tcf, 1);
    s = "DBABLA~BVQqAAAAAgA.QA";
    assert_null(cg_gpp_decode(p, s, strlen(s), &g));
    assert_int_equal(g.ids[0], 7);
    assert_int_equal(g.usnat.version, 1);
    assert_int_equal(g.usnat.sale_opt_out_notice, 1);
    assert_int_equal(g.usnat.sale_opt_out, 2);
    assert_int_equal(g.usnat.sharing_opt_out, 2);
    assert_int_equal(g.usnat.targeted_advertising_opt_out, 2);
    assert_int_equal(g.usnat.n_sensitive_data_processing, 12);
    assert_int_equal(g.usnat.gpc_present, 1);
    assert_int_equal(g.usnat.gpc, 0);

    /* malformed: no choice */
    read_source(p, "gpp", &r, 0, "__gpp", "DBABM", NULL);
    assert_int_equal(r.explicit_choice, 0);
    assert_non_null(r.error);
    {
        static const char *const bad[] = {
            "", "DBAB", "DBABM~", "DBABLA", "DBABLA~", "DBABLA~BVQqAAAAAgA.QA~1YNN",
            "DBABTA~1YNX", "DBABTA~2YNN", "DBABLA~BVQqAAAAAgA.QA.QA",
            "DBABLA~BVQqAAAAAgA.AA", "CBABLA~BVQqAAAAAgA.QA",
            "DBABLA~BVQ", "DBABLA~B*QqAAAAAgA.QA", "DB__________", NULL
        };
        int i;

        for (i = 0; bad[i]; ++i) {
            read_source(p, "gpp", &r, 0, "__gpp", bad[i], NULL);
            if (r.explicit_choice || r.granted->nelts || !r.error) {
                fail_tap("'%s' read as a choice", bad[i]);
            }
        }
        read_source(p, "gpp", &r, 0, "__gpp", "DBABLA~BVQqAAAAAgA.QA",
                    "__gpp_sid", "7,", NULL);
        assert_int_equal(r.explicit_choice, 0);
    }
}

/* ---- the bit reader: sixteen characters at a time where SSE2 is there,
 * four at a time, one at a time at the end; every path must read the
 * same bits and refuse the same bytes ---- */

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int sextet_of(unsigned char c)
{
    const char *at = c ? strchr(b64url, c) : NULL;

    if (at) {
        return (int)(at - b64url);
    }
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* The tcf source's lean reading (which checks the string whole, 32
 * characters at a time) against the full one (segment by segment): every
 * byte value at places spread over each vector, in each block of 32 and
 * in the overlapping last one, fails or decodes both ways alike, with the
 * same error and the same fields the policy reads. */
static void test_tcf_lean_every_byte(void **state)
{
    apr_pool_t *p = *state;
    size_t i;

    for (i = 0; i < sizeof(tcf_vectors) / sizeof(tcf_vectors[0]); ++i) {
        size_t len = strlen(tcf_vectors[i].tc), at;
        char *s = apr_pstrdup(p, tcf_vectors[i].tc);
        int c;

        for (at = 0; at < len; at += at < 40 || at + 40 > len ? 1 : 13) {
            char keep = s[at];

            for (c = 1; c < 256; ++c) {
                cg_tcf_t full, lean;
                const char *ef, *el;

                s[at] = (char)c;
                ef = cg_tcf_decode(p, s, len, &full);
                el = cg_tcf_decode_lean(p, s, len, &lean);
                if (!ef != !el || (ef && strcmp(ef, el))) {
                    fail_tap("%s: byte 0x%02x at %lu: full %s, lean %s",
                             tcf_vectors[i].name, c, (unsigned long)at,
                             ef ? ef : "ok", el ? el : "ok");
                }
                if (!ef && (full.created != lean.created
                            || full.last_updated != lean.last_updated
                            || full.policy_version != lean.policy_version
                            || full.purposes_consent != lean.purposes_consent
                            || full.special_features != lean.special_features
                            || full.disclosed.present != lean.disclosed.present
                            || full.vendor_consents.max_vendor_id
                               != lean.vendor_consents.max_vendor_id)) {
                    fail_tap("%s: byte 0x%02x at %lu: fields differ",
                             tcf_vectors[i].name, c, (unsigned long)at);
                }
            }
            s[at] = keep;
            apr_pool_clear(p);
            s = apr_pstrdup(p, tcf_vectors[i].tc);
        }
    }
}

static void test_bits_every_byte(void **state)
{
    apr_pool_t *p = *state;
    char s[40];
    int c, at, len;

    /* each byte at a place inside the 16-character block, inside the
     * 4-character loop and in the tail */
    for (len = 1; len <= 39; len += 19) {
        for (at = 0; at < len; at += 7) {
            for (c = 1; c < 256; ++c) {
                cg_bits_t b;

                memset(s, 'Q', (size_t)len);
                s[len] = '\0';
                s[at] = (char)c;
                if (c == '=' && at == len - 1) {
                    continue;       /* trailing padding is tolerated */
                }
                if (cg_bits_init(p, &b, s, (apr_size_t)len)
                    != (sextet_of((unsigned char)c) >= 0)) {
                    fail_msg("byte 0x%02x at %d of %d", c, at, len);
                }
            }
        }
    }
}

static void test_bits_read_back(void **state)
{
    apr_pool_t *p = *state;
    unsigned seed = 12345;
    int round;

    for (round = 0; round < 400; ++round) {
        char s[96];
        int len = round % 90 + 1, i;
        apr_size_t bit;
        cg_bits_t b;

        for (i = 0; i < len; ++i) {
            seed = seed * 1103515245u + 12345u;
            s[i] = (seed >> 16) % 5 == 0 ? "+/-_"[(seed >> 8) & 3]
                                         : b64url[(seed >> 12) & 63];
        }
        s[len] = '\0';
        assert_true(cg_bits_init(p, &b, s, (apr_size_t)len));
        assert_int_equal(b.nbits, (apr_size_t)len * 6);
        /* bit by bit against the sextets, then in 36-bit reads */
        for (bit = 0; bit < b.nbits; ++bit) {
            int want = (sextet_of((unsigned char)s[bit / 6])
                        >> (5 - bit % 6)) & 1;

            if (cg_bits_at(&b, bit) != want) {
                fail_msg("'%s': bit %lu", s, (unsigned long)bit);
            }
        }
        for (bit = 0; bit + 36 <= b.nbits; bit += 36) {
            apr_uint64_t v = cg_bits_read(&b, 36), want = 0;
            int k;

            for (k = 0; k < 36; ++k) {
                want = (want << 1) | (apr_uint64_t)cg_bits_at(&b, bit + k);
            }
            assert_true(v == want);
        }
        /* reads of every width with forward skips between them, as past
         * a vendor bitfield: the packed span starts again */
        assert_true(cg_bits_init(p, &b, s, (apr_size_t)len));
        for (;;) {
            unsigned n;
            apr_uint64_t v, want = 0;
            apr_size_t at;
            unsigned k;

            seed = seed * 1103515245u + 12345u;
            n = (seed >> 16) % 36 + 1;
            b.pos += (seed >> 8) % 3 == 0 ? (seed >> 4) % 97 : 0;
            if (b.pos + n > b.nbits) {
                break;
            }
            at = b.pos;
            v = cg_bits_read(&b, n);
            for (k = 0; k < n; ++k) {
                want = (want << 1) | (apr_uint64_t)cg_bits_at(&b, at + k);
            }
            if (v != want) {
                fail_msg("'%s': %u bits at %lu", s, n, (unsigned long)at);
            }
        }
    }
}

/* Two decodes agree on everything the policy reads: the error, the
 * fields cg_tcf_apply() checks, every vendor id's consent and disclosure
 * and each purpose's restrictions. */
static void assert_same_decode(const char *name, const char *e1,
                               const cg_tcf_t *a, const char *e2,
                               const cg_tcf_t *b)
{
    unsigned v;
    int n;

    if (!e1 != !e2 || (e1 && strcmp(e1, e2))) {
        fail_msg("%s: errors %s and %s", name, e1 ? e1 : "none",
                 e2 ? e2 : "none");
    }
    if (e1) {
        return;
    }
    assert_int_equal(a->created, b->created);
    assert_int_equal(a->last_updated, b->last_updated);
    assert_int_equal(a->policy_version, b->policy_version);
    assert_int_equal(a->purposes_consent, b->purposes_consent);
    assert_int_equal(a->special_features, b->special_features);
    assert_int_equal(a->disclosed.present, b->disclosed.present);
    assert_int_equal(a->has_publisher_tc, b->has_publisher_tc);
    for (v = 1; v <= 1400; ++v) {
        if (cg_tcf_vendor_in(&a->vendor_consents, v)
            != cg_tcf_vendor_in(&b->vendor_consents, v)
            || cg_tcf_vendor_in(&a->disclosed, v)
               != cg_tcf_vendor_in(&b->disclosed, v)) {
            fail_msg("%s: vendor %u differs", name, v);
        }
        for (n = 1; v <= 120 && n <= 11; ++n) {
            if (cg_tcf_vendor_purpose(a, v, n) != cg_tcf_vendor_purpose(b, v, n)) {
                fail_msg("%s: vendor %u purpose %d differs", name, v, n);
            }
        }
    }
}

/* The connection's decode cache: a string decoded once is given again,
 * shared and not decoded, to the next pool that reads the same bytes
 * (another copy of them); it gives what a decode gives, errors included;
 * a decode stays for every pool it was given to after another string
 * replaced it and after the bytes it was first read from are gone. */
static void test_tcf_cache(void **state)
{
    apr_pool_t *p = *state;
    cg_tcf_cache_t *cache = cg_tcf_cache_make(p);
    const cg_tcf_t *kept = NULL;
    const char *kept_err = NULL, *kept_name = NULL;
    apr_pool_t *kept_pool = NULL;
    apr_uint64_t hits = 0;
    size_t i;

    for (i = 0; i <= sizeof(tcf_vectors) / sizeof(tcf_vectors[0]); ++i) {
        /* the vectors, then a string that does not decode */
        const char *tc = i < sizeof(tcf_vectors) / sizeof(tcf_vectors[0])
                         ? tcf_vectors[i].tc : "CQgaI1AQgdo8wAHA!DCENBkFgAPAAAAA";
        const char *name = i < sizeof(tcf_vectors) / sizeof(tcf_vectors[0])
                           ? tcf_vectors[i].name : "not base64url";
        apr_size_t len = strlen(tc);
        apr_pool_t *first, *second;
        cg_tcf_t lean;
        const cg_tcf_t *a, *b;
        const char *el, *ea, *eb;

        assert_int_equal(apr_pool_create(&first, p), APR_SUCCESS);
        assert_int_equal(apr_pool_create(&second, p), APR_SUCCESS);
        el = cg_tcf_decode_lean(p, tc, len, &lean);
        ea = cg_tcf_decode_lean_cached(first, cache, apr_pstrdup(first, tc),
                                       len, &a);
        assert_int_equal(cg_tcf_cache_hits(cache), hits);
        assert_same_decode(name, el, &lean, ea, a);
        eb = cg_tcf_decode_lean_cached(second, cache, apr_pstrdup(second, tc),
                                       len, &b);
        assert_int_equal(cg_tcf_cache_hits(cache), ++hits);
        assert_ptr_equal(a, b);
        /* the first reader and its bytes gone: the second still reads it */
        apr_pool_destroy(first);
        assert_same_decode(name, el, &lean, eb, b);
        /* the one before, replaced since, is still whole for its pool */
        if (kept) {
            cg_tcf_t again;
            const char *e = cg_tcf_decode_lean(p, tcf_vectors[i - 1].tc,
                                               strlen(tcf_vectors[i - 1].tc),
                                               &again);

            assert_same_decode(kept_name, e, &again, kept_err, kept);
            apr_pool_destroy(kept_pool);
        }
        kept = b;
        kept_err = eb;
        kept_name = name;
        kept_pool = second;
    }
    /* one byte more or less is another string */
    {
        const char *tc = tcf_vectors[0].tc;
        const cg_tcf_t *t;

        (void)cg_tcf_decode_lean_cached(p, cache, tc, strlen(tc), &t);
        (void)cg_tcf_decode_lean_cached(p, cache, tc, strlen(tc) - 1, &t);
        assert_int_equal(cg_tcf_cache_hits(cache), hits);
    }
    /* no cache: a decode of the pool's own */
    {
        const cg_tcf_t *t;

        assert_null(cg_tcf_decode_lean_cached(p, NULL, tcf_vectors[0].tc,
                                              strlen(tcf_vectors[0].tc), &t));
        assert_int_equal(cg_tcf_cache_hits(NULL), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CG_TEST(test_tcf_vectors_decode),
        CG_TEST(test_tcf_vectors_cover),
        CG_TEST(test_tcf_source_grants),
        CG_TEST(test_tcf_source_restrictions),
        CG_TEST(test_tcf_source_reject_all),
        CG_TEST(test_tcf_source_fails_closed),
        CG_TEST(test_tcf_published_examples),
        CG_TEST(test_gpp_vectors),
        CG_TEST(test_gpp_source),
        CG_TEST(test_gpp_published_examples),
        CG_TEST(test_tcf_lean_every_byte),
        CG_TEST(test_bits_every_byte),
        CG_TEST(test_bits_read_back),
        CG_TEST(test_tcf_cache),
    };

    CG_RUN_GROUP("tcf", tests);
}
