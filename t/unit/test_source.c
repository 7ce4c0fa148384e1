/* test_source.c: the consent sources of lib/cg_source.c and
 * lib/cg_source_json.c, with the cookie values the banners' vendors
 * document (or that were observed on sites), each granted, refused,
 * stale, malformed and ambiguous. The TCF and GPP sources are in
 * test_tcf.c. */
#include "unit.h"

#include <apr_strings.h>
#include <apr_tables.h>

#include "cg_consent.h"
#include "cg_cookie.h"
#include "cg_mirror.h"
#include "cg_source.h"

/* 2026-06-01 00:00:00 UTC */
#define NOW_SEC APR_INT64_C(1780272000)
#define NOW apr_time_from_sec(NOW_SEC)

/* Reads `source` over the cookies name, value, ..., NULL, at `now` with
 * `max_age`. */
static void read_at(apr_pool_t *p, const char *source, cg_source_result_t *r,
                    apr_time_t now, apr_int64_t max_age, ...)
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
    opts.now = now;
    opts.max_age = max_age;
    cg_source_read(p, cg_source_find(source), t, &opts, r);
}

#define READ(p, src, r, ...) read_at(p, src, r, NOW, 0, __VA_ARGS__, NULL)

/* Fails closed: no choice, nothing granted or refused. */
static void assert_no_consent(const cg_source_result_t *r, const char *what)
{
    if (r->explicit_choice || r->granted->nelts || r->refused->nelts) {
        fail_tap("%s: %s read as a choice (error %s)", r->source, what,
                 r->error ? r->error : "none");
    }
}

static void assert_categories(const cg_source_result_t *r,
                              const char *const *granted,
                              const char *const *refused)
{
    int n;

    if (r->error || !r->explicit_choice) {
        fail_tap("%s: no choice: %s", r->source, r->error ? r->error : "-");
    }
    for (n = 0; granted[n]; ++n) {
        if (!cg_source_granted(r, granted[n])) {
            fail_tap("%s: '%s' not granted", r->source, granted[n]);
        }
    }
    assert_int_equal(n, r->granted->nelts);
    for (n = 0; refused[n]; ++n) {
        if (!cg_source_refused(r, refused[n])) {
            fail_tap("%s: '%s' not refused", r->source, refused[n]);
        }
    }
    assert_int_equal(n, r->refused->nelts);
}

#define CATS(...) (const char *const[]){__VA_ARGS__, NULL}
#define NONE (const char *const[]){NULL}

static void test_table(void **state)
{
    const cg_source_t *s;

    assert_non_null(cg_source_find("cookiebot"));
    assert_null(cg_source_find("own"));
    assert_null(cg_source_find(NULL));
    s = cg_source_find("complianz");
    assert_true(cg_source_wants(s, "cmplz_marketing"));
    assert_false(cg_source_wants(s, "cmplz"));
    s = cg_source_find("onetrust");
    assert_true(cg_source_wants(s, "OptanonAlertBoxClosed"));
    assert_false(cg_source_wants(s, "OptanonConsentX"));
    assert_true(cg_source_wants(cg_source_find("iubenda"), "_iub_cs-123"));
    assert_true(cg_source_wants(cg_source_find("gpp"), "__gpp_sid"));
    assert_true(cg_source_wants(cg_source_find("tcf"), "euconsent-v2"));
    assert_true(cg_source_wants(cg_source_find("usercentrics"),
                                "consentgate_usercentrics"));
    assert_true(cg_source_wants(cg_source_find("osano"), "consentgate_osano"));
    for (s = cg_sources; s->name; ++s) {
        assert_non_null(s->read);
        assert_non_null(s->cookies[0].name);
    }
}

static void test_helpers(void **state)
{
    apr_pool_t *p = *state;
    cg_source_result_t r;
    char big[CG_SOURCE_MAX_NAME + 2];
    int i;

    assert_string_equal(cg_source_unescape(p, "a%2Cb+c", 0), "a,b+c");
    assert_string_equal(cg_source_unescape(p, "a%2cb+c", 1), "a,b c");
    assert_null(cg_source_unescape(p, "a%2", 0));
    assert_null(cg_source_unescape(p, "a%", 0));
    assert_null(cg_source_unescape(p, "a%zz", 0));
    assert_null(cg_source_unescape(p, "a%00b", 0));
    assert_true(cg_source_parse_iso("2025-03-19T07:27:30.342Z")
                == apr_time_from_sec(APR_INT64_C(1742369250))
                   + APR_TIME_C(342000));
    assert_true(cg_source_parse_iso("1970-01-01T00:00:01Z") == 1000000);
    assert_true(cg_source_parse_iso("2025-03-19T07:27:30+00:00") > 0);
    assert_true(cg_source_parse_iso("2025-03-19T07:27:30") == 0);
    assert_true(cg_source_parse_iso("2025-03-19T07:27:30.Z") == 0);
    assert_true(cg_source_parse_iso("2025-13-19T07:27:30Z") == 0);
    assert_true(cg_source_parse_iso("2025-03-19T07:27:30+02:00") == 0);
    assert_true(cg_source_parse_iso("") == 0);

    /* a name both granted and refused is ambiguous */
    cg_source_result_init(p, &r, "x");
    cg_source_grant(p, &r, "a");
    cg_source_refuse(p, &r, "a");
    assert_non_null(r.error);
    assert_int_equal(r.granted->nelts, 0);
    /* a banner's own name with a '+' answers as it is listed, in both
     * directions, not through its terms: "5+" granted is not refused
     * because "5" is (found by fuzz_source in an iubenda cookie) */
    cg_source_result_init(p, &r, "x");
    r.explicit_choice = 1;
    cg_source_grant(p, &r, "5+");
    cg_source_refuse(p, &r, "5");
    cg_source_grant(p, &r, "a+b");
    cg_source_grant(p, &r, "b");
    cg_source_refuse(p, &r, "a");
    assert_true(cg_source_granted(&r, "5+"));
    assert_false(cg_source_refused(&r, "5+"));
    assert_true(cg_source_granted(&r, "a+b"));
    assert_false(cg_source_refused(&r, "a+b"));
    assert_false(cg_source_granted(&r, "b+a"));
    assert_true(cg_source_refused(&r, "b+a"));
    /* names too long are dropped; more than the cap fails */
    cg_source_result_init(p, &r, "x");
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    cg_source_grant(p, &r, big);
    assert_int_equal(r.granted->nelts, 0);
    for (i = 0; i <= CG_SOURCE_MAX_CATEGORIES; ++i) {
        cg_source_grant(p, &r, apr_psprintf(p, "c%d", i));
    }
    assert_non_null(r.error);
    assert_int_equal(r.granted->nelts, 0);
}

/* Cookiebot: the value in Cybot's documentation, URL-encoded as the
 * cookie holds it. */
static void test_cookiebot(void **state)
{
    apr_pool_t *p = *state;
    cg_source_result_t r;
    static const char *const doc =
        "%7Bstamp%3A%27Ov4gD1JVnDnBaJv8K2wYQlyWlnNlT%2FAKO768tibZYdQGNj%2FEol"
        "raLw%3D%3D%27%2Cnecessary%3Atrue%2Cpreferences%3Afalse%2Cstatistics"
        "%3Atrue%2Cmarketing%3Afalse%2Cmethod%3A%27explicit%27%2Cver%3A1%2Cut"
        "c%3A1698057791350%2Cregion%3A%27gb%27%7D";

    READ(p, "cookiebot", &r, "CookieConsent", doc);
    assert_categories(&r, CATS("necessary", "statistics"),
                      CATS("preferences", "marketing"));
    assert_true(r.when == APR_TIME_C(1698057791350) * 1000);

    assert_true(cg_source_granted(&r, "necessary+statistics"));
    assert_false(cg_source_granted(&r, "statistics+marketing"));
    assert_true(cg_source_refused(&r, "statistics+marketing"));
    READ(p, "cookiebot", &r, "CookieConsent",
         "{stamp:'x',necessary:true,preferences:true,statistics:true,"
         "marketing:true,method:'explicit',ver:1,utc:1780000000000,"
         "region:'de'}");
    assert_true(cg_source_granted(&r, "marketing"));
    /* a max_age beyond any date is no limit */
    read_at(p, "cookiebot", &r, NOW, APR_INT64_MAX, "CookieConsent", doc,
            NULL);
    assert_int_equal(r.explicit_choice, 1);

    /* implied, legacy and region-free values are no choice */
    READ(p, "cookiebot", &r, "CookieConsent",
         "{stamp:'x',necessary:true,marketing:true,method:'implied',ver:1,"
         "utc:1780000000000}");
    assert_no_consent(&r, "implied");
    READ(p, "cookiebot", &r, "CookieConsent", "-1");
    assert_no_consent(&r, "-1");
    READ(p, "cookiebot", &r, "CookieConsent", "0");
    assert_no_consent(&r, "0");
    /* no method, no time, time from the future, too old, malformed */
    READ(p, "cookiebot", &r, "CookieConsent",
         "{marketing:true,utc:1780000000000}");
    assert_no_consent(&r, "no method");
    READ(p, "cookiebot", &r, "CookieConsent",
         "{marketing:true,method:'explicit'}");
    assert_no_consent(&r, "no utc");
    READ(p, "cookiebot", &r, "CookieConsent",
         "{marketing:true,method:'explicit',utc:1790000000000}");
    assert_no_consent(&r, "future");
    read_at(p, "cookiebot", &r, NOW, 86400 * 365, "CookieConsent", doc, NULL);
    assert_no_consent(&r, "older than a year");
    READ(p, "cookiebot", &r, "CookieConsent",
         "{marketing:true,method:'explicit',utc:1780000000000,marketing:false}");
    assert_no_consent(&r, "key twice");
    READ(p, "cookiebot", &r, "CookieConsent",
         "{marketing:'true',method:'explicit',utc:1780000000000}");
    assert_no_consent(&r, "quoted boolean");
    READ(p, "cookiebot", &r, "CookieConsent",
         "{marketing:true,method:'explicit',utc:1780000000000");
    assert_no_consent(&r, "unterminated");
    READ(p, "cookiebot", &r, "CookieConsent",
         "{marketing:true,method:'explicit,utc:1780000000000}");
    assert_no_consent(&r, "unterminated string");
    READ(p, "cookiebot", &r, "CookieConsent", "%7Bmarketing%3");
    assert_no_consent(&r, "bad escape");
    /* two different values: ambiguous */
    READ(p, "cookiebot", &r, "CookieConsent", doc, "CookieConsent",
         "{marketing:true,method:'explicit',utc:1780000000000}");
    assert_no_consent(&r, "two values");
    assert_non_null(r.error);
}

/* OneTrust: the value observed in 2025 (shortened ids). */
static void test_onetrust(void **state)
{
    apr_pool_t *p = *state;
    cg_source_result_t r;
    static const char *const observed =
        "isGpcEnabled=0&datestamp=Mon+Apr+07+2025+18%3A20%3A29+GMT%2B0200+(CEST)"
        "&version=202312.1.0&browserGpcFlag=0&isIABGlobal=false&consentId=2827"
        "67a3-0000&interactionCount=67&hosts=&landingPath=NotLandingPage&group"
        "s=C0001%3A1%2CC0002%3A0%2CC0003%3A0%2CC0004%3A0%2CC0005%3A0%2CV2STACK"
        "42%3A0&genVendors=V2%3A0%2CV1%3A0%2C";
    static const char *const accepted =
        "interactionCount=0&groups=C0001%3A1%2CC0002%3A1%2CC0004%3A1";

    READ(p, "onetrust", &r, "OptanonConsent", observed);
    assert_categories(&r, CATS("C0001"),
                      CATS("C0002", "C0003", "C0004", "C0005", "V2STACK42"));
    /* dated by its datestamp, local time GMT+0200 */
    assert_true(r.when == apr_time_from_sec(APR_INT64_C(1744042829)));
    read_at(p, "onetrust", &r, NOW, 86400 * 365, "OptanonConsent", observed,
            NULL);
    assert_no_consent(&r, "datestamp older than a year");
    read_at(p, "onetrust", &r, NOW, 86400 * 365, "OptanonConsent",
            "interactionCount=2&groups=C0004%3A1", NULL);
    assert_no_consent(&r, "no date under a max_age");
    READ(p, "onetrust", &r, "OptanonConsent",
         "interactionCount=2&groups=C0004%3A1");
    assert_categories(&r, CATS("C0004"), NONE);
    READ(p, "onetrust", &r, "OptanonConsent",
         "interactionCount=2&groups=C0004%3A1&datestamp=Tue+Jun+01+2027+00"
         "%3A00%3A00+GMT-0500+(EST)");
    assert_no_consent(&r, "datestamp in the future");

    /* interactionCount 0 counts only with OptanonAlertBoxClosed */
    READ(p, "onetrust", &r, "OptanonConsent", accepted);
    assert_no_consent(&r, "no interaction");
    READ(p, "onetrust", &r, "OptanonConsent", accepted,
         "OptanonAlertBoxClosed", "2026-03-19T07:27:30.342Z");
    assert_categories(&r, CATS("C0001", "C0002", "C0004"), NONE);
    assert_true(r.when == cg_source_parse_iso("2026-03-19T07:27:30.342Z"));
    read_at(p, "onetrust", &r, NOW, 86400 * 30, "OptanonConsent", accepted,
            "OptanonAlertBoxClosed", "2026-03-19T07:27:30.342Z", NULL);
    assert_no_consent(&r, "closed too long ago");
    READ(p, "onetrust", &r, "OptanonConsent", accepted,
         "OptanonAlertBoxClosed", "yesterday");
    assert_no_consent(&r, "bad AlertBoxClosed");
    READ(p, "onetrust", &r, "OptanonAlertBoxClosed", "2026-03-19T07:27:30Z");
    assert_no_consent(&r, "AlertBoxClosed alone");

    READ(p, "onetrust", &r, "OptanonConsent",
         "interactionCount=2&groups=C0004%3A1&AwaitingReconsent=true");
    assert_no_consent(&r, "awaiting reconsent");
    READ(p, "onetrust", &r, "OptanonConsent",
         "interactionCount=2&groups=C0004%3A1%2CC0004%3A0");
    assert_no_consent(&r, "group twice");
    READ(p, "onetrust", &r, "OptanonConsent",
         "interactionCount=2&groups=C0004%3A2");
    assert_no_consent(&r, "group value 2");
    READ(p, "onetrust", &r, "OptanonConsent",
         "interactionCount=2&groups=C0004%3A1&groups=C0004%3A0");
    assert_no_consent(&r, "groups twice");
    READ(p, "onetrust", &r, "OptanonConsent", "interactionCount=x&groups=C0004%3A1");
    assert_no_consent(&r, "bad count");
    READ(p, "onetrust", &r, "OptanonConsent", "interactionCount=3");
    assert_no_consent(&r, "no groups");
}

static void test_complianz_wpconsent(void **state)
{
    apr_pool_t *p = *state;
    cg_source_result_t r;

    /* the example of Complianz's documentation */
    READ(p, "complianz", &r, "cmplz_functional", "allow",
         "cmplz_preferences", "deny", "cmplz_statistics", "allow",
         "cmplz_marketing", "deny", "cmplz_banner-status", "dismissed",
         "cmplz_policy_id", "14");
    assert_categories(&r, CATS("functional", "statistics"),
                      CATS("preferences", "marketing"));
    READ(p, "complianz", &r, "cmplz_marketing", "allow");
    assert_categories(&r, CATS("marketing"), NONE);
    /* only "functional", written before any choice, is no choice */
    READ(p, "complianz", &r, "cmplz_functional", "allow",
         "cmplz_banner-status", "show");
    assert_no_consent(&r, "functional only");
    READ(p, "complianz", &r, "cmplz_marketing", "yes");
    assert_no_consent(&r, "neither allow nor deny");
    READ(p, "complianz", &r, "cmplz_marketing", "allow", "cmplz_marketing",
         "deny");
    assert_no_consent(&r, "allow and deny");
    READ(p, "complianz", &r, "wp_consent_marketing", "allow");
    assert_no_consent(&r, "another prefix");

    READ(p, "wpconsent", &r, "wp_consent_functional", "allow",
         "wp_consent_statistics", "allow", "wp_consent_statistics-anonymous",
         "allow", "wp_consent_marketing", "deny", "wp_consent_type", "optin");
    assert_categories(&r, CATS("functional", "statistics",
                               "statistics-anonymous"),
                      CATS("marketing"));
    READ(p, "wpconsent", &r, "wp_consent_type", "optout");
    assert_no_consent(&r, "type alone");
}

/* Borlabs Cookie: the value observed on a site, whose "expires" is in
 * February 2023. */
static void test_borlabs(void **state)
{
    apr_pool_t *p = *state;
    cg_source_result_t r;
    static const char *const observed =
        "%7B%22consents%22%3A%7B%22essential%22%3A%5B%22borlabs-cookie%22%5D%2C"
        "%22statistics%22%3A%5B%22google-analytics%22%5D%2C%22marketing%22%3A"
        "%5B%22google-adsense%22%2C%22facebook-pixel%22%5D%2C%22external-media"
        "%22%3A%5B%22facebook%22%2C%22googlemaps%22%2C%22youtube%22%5D%7D%2C%22"
        "domainPath%22%3A%22example.de%2F%22%2C%22expires%22%3A%22Sat%2C%2018%"
        "20Feb%202023%2009%3A06%3A19%20GMT%22%2C%22uid%22%3A%22mnep763s-rd6x72"
        "ar-cp4vilgp-78z4hijv%22%2C%22version%22%3A%222%22%7D";
    apr_time_t before = apr_time_from_sec(APR_INT64_C(1672531200)); /* 2023 */

    read_at(p, "borlabs", &r, before, 0, "borlabs-cookie", observed, NULL);
    assert_categories(&r, CATS("essential", "service:borlabs-cookie",
                               "statistics", "service:google-analytics",
                               "marketing", "service:google-adsense",
                               "service:facebook-pixel", "external-media",
                               "service:facebook", "service:googlemaps",
                               "service:youtube"), NONE);
    READ(p, "borlabs", &r, "borlabs-cookie", observed);
    assert_no_consent(&r, "expired");

    READ(p, "borlabs", &r, "borlabs-cookie",
         "{\"consents\":{\"essential\":[\"borlabs-cookie\"],\"marketing\":[]},"
         "\"uid\":\"anonymous\",\"v3\":true}");
    assert_categories(&r, CATS("essential", "service:borlabs-cookie"),
                      CATS("marketing"));
    READ(p, "borlabs", &r, "borlabs-cookie", "{\"uid\":\"x\"}");
    assert_no_consent(&r, "no consents");
    READ(p, "borlabs", &r, "borlabs-cookie",
         "{\"consents\":{\"marketing\":[\"a\"],\"marketing\":[]}}");
    assert_no_consent(&r, "group twice");
    READ(p, "borlabs", &r, "borlabs-cookie",
         "{\"consents\":{\"marketing\":[1.5]}}");
    assert_no_consent(&r, "service not a string");
    READ(p, "borlabs", &r, "borlabs-cookie",
         "{\"consents\":{\"marketing\":[\"a\"]},\"expires\":\"soon\"}");
    assert_no_consent(&r, "bad expiry");
    READ(p, "borlabs", &r, "borlabs-cookie", "{\"consents\":");
    assert_no_consent(&r, "truncated");
}

/* CookieYes: the value observed on a site (rejected all). */
static void test_cookieyes(void **state)
{
    apr_pool_t *p = *state;
    cg_source_result_t r;

    READ(p, "cookieyes", &r, "cookieyes-consent",
         "consentid:WHRLbHhJZVJlTXR3b0F4MUpUQWNCZDRNbXRpTWNEcmE,consent:no,"
         "action:yes,necessary:yes,functional:no,analytics:no,performance:no,"
         "advertisement:no,other:no");
    assert_categories(&r, CATS("necessary"),
                      CATS("functional", "analytics", "performance",
                           "advertisement", "other"));
    READ(p, "cookieyes", &r, "cookieyes-consent",
         "consentid:abc,consent:yes,action:yes,necessary:yes,functional:yes,"
         "analytics:yes,performance:yes,advertisement:yes,other:yes,rev:2");
    assert_true(cg_source_granted(&r, "advertisement"));
    assert_int_equal(r.revision, 2);
    /* before any action */
    READ(p, "cookieyes", &r, "cookieyes-consent",
         "consentid:abc,consent:,action:,necessary:yes,functional:no,"
         "analytics:no,performance:no,advertisement:no,other:no");
    assert_no_consent(&r, "no action");
    READ(p, "cookieyes", &r, "cookieyes-consent",
         "consentid:abc,action:yes,advertisement:yes,advertisement:no");
    assert_no_consent(&r, "category twice");
    READ(p, "cookieyes", &r, "cookieyes-consent", "action:yes,garbage");
    assert_no_consent(&r, "pair without colon");
}

/* iubenda: the per-purpose value observed on a site, and the simplified
 * mode. */
static void test_iubenda(void **state)
{
    apr_pool_t *p = *state;
    cg_source_result_t r;

    READ(p, "iubenda", &r, "_iub_cs-50053366",
         "%7B%22timestamp%22%3A%222026-02-01T10%3A00%3A00.000Z%22%2C%22version"
         "%22%3A%221.75.1%22%2C%22purposes%22%3A%7B%221%22%3Atrue%2C%223%22%3Atr"
         "ue%2C%224%22%3Atrue%7D%2C%22id%22%3A50053366%2C%22cons%22%3A%7B%22ran"
         "d%22%3A%22157518%22%7D%7D");
    assert_categories(&r, CATS("purpose:1", "purpose:3", "purpose:4"), NONE);
    assert_false(cg_source_granted(&r, "purpose:5"));
    READ(p, "iubenda", &r, "_iub_cs-1",
         "{\"timestamp\":\"2026-02-01T10:00:00Z\",\"purposes\":"
         "{\"1\":true,\"5\":false}}", "_iub_cs-1-uspr",
         "{\"s\":true,\"sh\":true,\"adv\":true}");
    assert_categories(&r, CATS("purpose:1"), CATS("purpose:5"));
    READ(p, "iubenda", &r, "_iub_cs-1",
         "{\"timestamp\":\"2026-02-01T10:00:00Z\",\"consent\":true}");
    assert_categories(&r, CATS("consent"), NONE);
    READ(p, "iubenda", &r, "_iub_cs-1",
         "{\"timestamp\":\"2026-02-01T10:00:00Z\",\"consent\":false}");
    assert_categories(&r, NONE, CATS("consent"));

    READ(p, "iubenda", &r, "_iub_cs-1",
         "{\"purposes\":{\"5\":true}}");
    assert_no_consent(&r, "no timestamp");
    read_at(p, "iubenda", &r, NOW, 86400, "_iub_cs-1",
            "{\"timestamp\":\"2026-02-01T10:00:00Z\",\"purposes\":{\"5\":true}}",
            NULL);
    assert_no_consent(&r, "stale");
    READ(p, "iubenda", &r, "_iub_cs-1",
         "{\"timestamp\":\"2026-02-01T10:00:00Z\",\"purposes\":{\"5\":1}}");
    assert_no_consent(&r, "purpose not boolean");
    READ(p, "iubenda", &r, "_iub_cs-1",
         "{\"timestamp\":\"2026-02-01T10:00:00Z\"}");
    assert_no_consent(&r, "no purposes");
    READ(p, "iubenda", &r, "_iub_cs-1",
         "{\"timestamp\":\"2026-02-01T10:00:00Z\",\"consent\":true}",
         "_iub_cs-2",
         "{\"timestamp\":\"2026-02-01T10:00:00Z\",\"consent\":true}");
    assert_no_consent(&r, "two policies");
}

/* Didomi: the token of Didomi's help centre (base64 of JSON). */
static void test_didomi(void **state)
{
    apr_pool_t *p = *state;
    cg_source_result_t r;
    static const char *const doc =
        "eyJ1c2VyX2lkIjoiMTc4NDExNGMtZjhiMy02NTkwLWE2ZGYtYjlmYjI0MGJkZWE1Iiwi"
        "Y3JlYXRlZCI6IjIwMjEtMDMtMTdUMTY6NDY6MzIuMzQ0WiIsInVwZGF0ZWQiOiIyMDIx"
        "LTAzLTE3VDE2OjQ2OjMyLjM0NFoiLCJ2ZW5kb3JzIjp7ImVuYWJsZWQiOlsiYW1hem9u"
        "IiwiZ29vZ2xlIiwiYzpyZXNlYXV4c28tVkZlcEtyTFIiXX0sInB1cnBvc2VzIjp7ImVu"
        "YWJsZWQiOlsicDRlbTlhOG0iLCJwYXJ0ZW5haXJlLWNBc0RlOGpDIiwiQ0wtVDFSZ203"
        "IiwiTTlOUkhKZTNHIiwicTR6bEpxZGNEIl19LCJ2ZW5kb3JzX2xpIjp7ImVuYWJsZWQi"
        "OlsiZ29vZ2xlIl19LCJ2ZXJzaW9uIjoyfQ==";

    READ(p, "didomi", &r, "didomi_token", doc);
    assert_categories(&r, CATS("vendor:amazon", "vendor:google",
                               "vendor:c:reseauxso-VFepKrLR",
                               "purpose:p4em9a8m",
                               "purpose:partenaire-cAsDe8jC",
                               "purpose:CL-T1Rgm7", "purpose:M9NRHJe3G",
                               "purpose:q4zlJqdcD"), NONE);
    assert_true(r.when == cg_source_parse_iso("2021-03-17T16:46:32.344Z"));
    /* URL-encoded padding is fine too */
    READ(p, "didomi", &r, "didomi_token",
         apr_pstrcat(p, apr_pstrndup(p, doc, strlen(doc) - 2), "%3D%3D",
                     NULL));
    assert_int_equal(r.explicit_choice, 1);
    read_at(p, "didomi", &r, NOW, 86400 * 365, "didomi_token", doc, NULL);
    assert_no_consent(&r, "older than a year");
    READ(p, "didomi", &r, "didomi_token", "not base64!");
    assert_no_consent(&r, "not base64");
    /* {"updated":"2026-01-01T00:00:00Z","purposes":{"enabled":["a"],
     * "disabled":["a"]}} */
    READ(p, "didomi", &r, "didomi_token",
         "eyJ1cGRhdGVkIjoiMjAyNi0wMS0wMVQwMDowMDowMFoiLCJwdXJwb3NlcyI6eyJlbmFi"
         "bGVkIjpbImEiXSwiZGlzYWJsZWQiOlsiYSJdfX0=");
    assert_no_consent(&r, "enabled and disabled");
    /* {"purposes":{"enabled":["a"]}} */
    READ(p, "didomi", &r, "didomi_token",
         "eyJwdXJwb3NlcyI6eyJlbmFibGVkIjpbImEiXX19");
    assert_no_consent(&r, "no update time");
}

/* cookieconsent v3: the structure of its documentation. */
static void test_cc_cookie(void **state)
{
    apr_pool_t *p = *state;
    cg_source_result_t r;
    static const char *const doc =
        "%7B%22categories%22%3A%5B%22necessary%22%2C%22analytics%22%5D%2C%22rev"
        "ision%22%3A0%2C%22data%22%3Anull%2C%22consentTimestamp%22%3A%222024-11"
        "-24T14%3A12%3A51.927Z%22%2C%22consentId%22%3A%226c6dbf39-0000%22%2C%22"
        "services%22%3A%7B%22necessary%22%3A%5B%5D%2C%22analytics%22%3A%5B%5D%"
        "7D%2C%22lastConsentTimestamp%22%3A%222024-11-24T14%3A12%3A51.927Z%22%"
        "2C%22expirationTime%22%3A1763993571927%7D";
    apr_time_t then = apr_time_from_sec(APR_INT64_C(1735689600)); /* 2025 */

    read_at(p, "cc_cookie", &r, then, 0, "cc_cookie", doc, NULL);
    assert_categories(&r, CATS("necessary", "analytics"), NONE);
    assert_int_equal(r.revision, 0);
    READ(p, "cc_cookie", &r, "cc_cookie", doc);
    assert_no_consent(&r, "past expirationTime");

    READ(p, "cc_cookie", &r, "cc_cookie",
         "{\"categories\":[\"necessary\",\"marketing\"],\"revision\":3,"
         "\"consentTimestamp\":\"2026-05-01T00:00:00Z\",\"services\":"
         "{\"marketing\":[\"mautic\"]}}");
    assert_categories(&r, CATS("necessary", "marketing", "service:mautic"),
                      NONE);
    assert_int_equal(r.revision, 3);
    READ(p, "cc_cookie", &r, "cc_cookie",
         "{\"categories\":[\"marketing\"],\"lastConsentTimestamp\":"
         "\"2026-05-01T00:00:00Z\"}");
    assert_no_consent(&r, "no consentTimestamp");
    READ(p, "cc_cookie", &r, "cc_cookie",
         "{\"categories\":[\"marketing\"],\"consentTimestamp\":"
         "\"2026-05-01T00:00:00Z\",\"lastConsentTimestamp\":"
         "\"2026-04-01T00:00:00Z\"}");
    assert_no_consent(&r, "last before first");
    READ(p, "cc_cookie", &r, "cc_cookie",
         "{\"categories\":\"marketing\",\"consentTimestamp\":"
         "\"2026-05-01T00:00:00Z\"}");
    assert_no_consent(&r, "categories not a list");
    READ(p, "cc_cookie", &r, "cc_cookie",
         "{\"categories\":[\"marketing\"],\"revision\":-1,"
         "\"consentTimestamp\":\"2026-05-01T00:00:00Z\"}");
    assert_no_consent(&r, "negative revision");
}

/* Klaro: its documented value. */
static void test_klaro(void **state)
{
    apr_pool_t *p = *state;
    cg_source_result_t r;

    READ(p, "klaro", &r, "klaro", "%7B%22matomo%22%3Atrue%2C%22youtube%22%3Afalse%7D");
    assert_categories(&r, CATS("matomo"), CATS("youtube"));
    READ(p, "klaro", &r, "klaro", "{}");
    assert_no_consent(&r, "empty");
    READ(p, "klaro", &r, "klaro", "{\"matomo\":\"yes\"}");
    assert_no_consent(&r, "not boolean");
    READ(p, "klaro", &r, "klaro", "[true]");
    assert_no_consent(&r, "not an object");
    READ(p, "klaro", &r, "klaro", "{\"matomo\":true,\"matomo\":false}");
    assert_no_consent(&r, "duplicate key");
}

/* The mirrors banner.js writes of Usercentrics' localStorage and Osano's
 * JavaScript API: {"time":ms,"consents":{id:bool}}, dated, booleans only. */
static void test_mirrors(void **state)
{
    apr_pool_t *p = *state;
    cg_source_result_t r;

    /* what banner.js writes: encodeURIComponent(JSON.stringify(...)) */
    READ(p, "usercentrics", &r, "consentgate_usercentrics",
         "%7B%22time%22%3A1780000000000%2C%22consents%22%3A%7B%22HkocEodjb7"
         "%22%3Atrue%2C%22ry3w9Vo_oZ%22%3Afalse%7D%7D");
    assert_categories(&r, CATS("HkocEodjb7"), CATS("ry3w9Vo_oZ"));
    assert_true(r.when == APR_TIME_C(1780000000000) * 1000);
    READ(p, "osano", &r, "consentgate_osano",
         "{\"time\":1780000000000,\"consents\":{\"ESSENTIAL\":true,"
         "\"MARKETING\":false,\"ANALYTICS\":true}}");
    assert_categories(&r, CATS("ESSENTIAL", "ANALYTICS"), CATS("MARKETING"));
    /* each source reads its own cookie only */
    READ(p, "osano", &r, "consentgate_usercentrics",
         "{\"time\":1780000000000,\"consents\":{\"MARKETING\":true}}");
    assert_no_consent(&r, "the other banner's mirror");
    assert_null(r.error);

    read_at(p, "osano", &r, NOW, 86400 * 30, "consentgate_osano",
            "{\"time\":1770000000000,\"consents\":{\"MARKETING\":true}}",
            NULL);
    assert_no_consent(&r, "older than max_age");
    READ(p, "osano", &r, "consentgate_osano",
         "{\"time\":1790000000000,\"consents\":{\"MARKETING\":true}}");
    assert_no_consent(&r, "from the future");
    READ(p, "osano", &r, "consentgate_osano",
         "{\"consents\":{\"MARKETING\":true}}");
    assert_no_consent(&r, "no time");
    READ(p, "osano", &r, "consentgate_osano",
         "{\"time\":\"1780000000000\",\"consents\":{\"MARKETING\":true}}");
    assert_no_consent(&r, "time as a string");
    READ(p, "osano", &r, "consentgate_osano",
         "{\"time\":1780000000000,\"consents\":{}}");
    assert_no_consent(&r, "no consents");
    READ(p, "osano", &r, "consentgate_osano",
         "{\"time\":1780000000000,\"consents\":{\"MARKETING\":\"ACCEPT\"}}");
    assert_no_consent(&r, "not boolean");
    READ(p, "osano", &r, "consentgate_osano",
         "{\"time\":1780000000000,\"consents\":{\"MARKETING\":true,"
         "\"MARKETING\":false}}");
    assert_no_consent(&r, "duplicate key");
    READ(p, "osano", &r, "consentgate_osano",
         "{\"time\":1780000000000,\"consents\":{\"MARKETING\":true}}",
         "consentgate_osano",
         "{\"time\":1780000000000,\"consents\":{\"MARKETING\":false}}");
    assert_no_consent(&r, "two cookies that disagree");
    READ(p, "usercentrics", &r, "consentgate_usercentrics", "%7B%ZZ");
    assert_no_consent(&r, "bad escape");
}

/* Matomo: millisecond timestamps; a withdrawal wins. */
static void test_matomo(void **state)
{
    apr_pool_t *p = *state;
    cg_source_result_t r;

    READ(p, "matomo", &r, "mtm_consent", "1780000000000");
    assert_categories(&r, CATS("consent"), NONE);
    assert_true(r.when == APR_TIME_C(1780000000000) * 1000);
    READ(p, "matomo", &r, "mtm_cookie_consent", "1780000000000");
    assert_categories(&r, CATS("cookie_consent"), NONE);
    READ(p, "matomo", &r, "mtm_consent", "1780000000000",
         "mtm_consent_removed", "1780000001000");
    assert_categories(&r, NONE, CATS("consent", "cookie_consent"));
    READ(p, "matomo", &r, "mtm_consent_removed", "garbage");
    assert_categories(&r, NONE, CATS("consent", "cookie_consent"));
    READ(p, "matomo", &r, "mtm_consent", "17800000000x");
    assert_no_consent(&r, "not a number");
    READ(p, "matomo", &r, "mtm_consent", "1790000000000");
    assert_no_consent(&r, "future");
    read_at(p, "matomo", &r, NOW, 3600, "mtm_consent", "1780000000000", NULL);
    assert_no_consent(&r, "stale");
    READ(p, "matomo", &r, "mtm_consent", "1780000000000", "mtm_consent",
         "1780000000001");
    assert_no_consent(&r, "two values");
}

/* Nothing from a source without its cookies; an oversized value is
 * malformed for every source. */
static void test_no_cookies(void **state)
{
    apr_pool_t *p = *state;
    const cg_source_t *s;
    cg_source_opts_t opts = {NOW, 0};
    cg_source_result_t r;
    char *big = apr_palloc(p, CG_SOURCE_MAX_VALUE + 2);

    memset(big, 'A', CG_SOURCE_MAX_VALUE + 1);
    big[CG_SOURCE_MAX_VALUE + 1] = '\0';
    for (s = cg_sources; s->name; ++s) {
        apr_table_t *t = apr_table_make(p, 2);
        const cg_source_cookie_t *c;

        cg_source_read(p, s, NULL, &opts, &r);
        assert_no_consent(&r, "no table");
        cg_source_read(p, s, t, &opts, &r);
        assert_no_consent(&r, "no cookies");
        assert_null(r.error);
        for (c = s->cookies; c->name; ++c) {
            apr_table_add(t, c->prefix ? apr_pstrcat(p, c->name, "1", NULL)
                                       : c->name, big);
        }
        cg_source_read(p, s, t, &opts, &r);
        assert_no_consent(&r, "oversized");
    }
}

/* With ConsentSecret's keys a mirror grants only when the consent
 * endpoint signed it for this site and source; its refusals always
 * count. */
static void read_keyed(apr_pool_t *p, const char *source, const char *name,
                       const char *value, const cg_consent_key_t *keys,
                       int nkeys, const char *site, cg_source_result_t *r)
{
    apr_table_t *t = apr_table_make(p, 1);
    cg_source_opts_t opts = {0};

    apr_table_set(t, name, value);
    opts.now = NOW;
    opts.keys = keys;
    opts.nkeys = nkeys;
    opts.site = site;
    cg_source_read(p, cg_source_find(source), t, &opts, r);
}

static void test_mirrors_signed(void **state)
{
    apr_pool_t *p = *state;
    static const cg_consent_key_t keys[2] = {
        { (const unsigned char *)"the-new-key-0123456789abcdefghijklm", 35 },
        { (const unsigned char *)"the-old-key-0123456789abcdefghijklm", 35 },
    };
    const char *uc = "consentgate_usercentrics", *os = "consentgate_osano";
    const char *v = "%7B%22time%22%3A1780000000000%2C%22consents%22%3A%7B"
                    "%22svc%22%3Atrue%2C%22no%22%3Afalse%7D%7D";
    const char *v2 = "%7B%22time%22%3A1780000000000%2C%22consents%22%3A%7B"
                     "%22svc%22%3Atrue%2C%22no%22%3Atrue%7D%7D";
    const char *sig = cg_mirror_sign(p, "usercentrics", v, NULL, &keys[0],
                                     "example.com");
    const char *old = cg_mirror_sign(p, "usercentrics", v, NULL, &keys[1],
                                     "example.com");
    cg_source_result_t r;
    char *bad;

    assert_non_null(sig);
    assert_int_equal(strlen(sig), strlen(v) + 1 + CG_SIGNATURE_LEN);
    assert_int_equal(sig[strlen(v)], '|');
    assert_ptr_equal(cg_mirror_sign(p, "usercentrics", v, NULL, NULL, "x"),
                     v);
    /* signed for this site and source: as unsigned without keys */
    read_keyed(p, "usercentrics", uc, sig, keys, 2, "example.com", &r);
    assert_categories(&r, CATS("svc"), CATS("no"));
    /* the rotated-out key still verifies */
    read_keyed(p, "usercentrics", uc, old, keys, 2, "example.com", &r);
    assert_categories(&r, CATS("svc"), CATS("no"));
    read_keyed(p, "usercentrics", uc, old, keys, 1, "example.com", &r);
    assert_categories(&r, CATS(NULL), CATS("no"));
    /* unsigned: a choice, its refusals only */
    read_keyed(p, "usercentrics", uc, v, keys, 2, "example.com", &r);
    assert_categories(&r, CATS(NULL), CATS("no"));
    /* another site's, another source's signature */
    read_keyed(p, "usercentrics", uc, sig, keys, 2, "other.example", &r);
    assert_categories(&r, CATS(NULL), CATS("no"));
    read_keyed(p, "osano", os, sig, keys, 2, "example.com", &r);
    assert_categories(&r, CATS(NULL), CATS("no"));
    /* a tampered value under the signature: its refusals were lifted too */
    bad = apr_pstrcat(p, v2, sig + strlen(v), NULL);
    read_keyed(p, "usercentrics", uc, bad, keys, 2, "example.com", &r);
    assert_categories(&r, CATS(NULL), CATS(NULL));
    assert_int_equal(r.explicit_choice, 1);
    /* a tampered signature, a truncated one (then no signature at all:
     * not JSON) */
    bad = apr_pstrdup(p, sig);
    bad[strlen(bad) - 1] = bad[strlen(bad) - 1] == 'A' ? 'B' : 'A';
    read_keyed(p, "usercentrics", uc, bad, keys, 2, "example.com", &r);
    assert_categories(&r, CATS(NULL), CATS("no"));
    bad[strlen(bad) - 1] = '\0';
    read_keyed(p, "usercentrics", uc, bad, keys, 2, "example.com", &r);
    assert_no_consent(&r, "a truncated signature");
    /* no keys: as before, a signature is not checked */
    read_keyed(p, "usercentrics", uc, v, NULL, 0, NULL, &r);
    assert_categories(&r, CATS("svc"), CATS("no"));
    read_keyed(p, "usercentrics", uc, sig, NULL, 0, NULL, &r);
    assert_categories(&r, CATS("svc"), CATS("no"));
}

/* cg_mirror_receipt_held() over a Cookie header. */
static int held_receipt(apr_pool_t *p, const char *header,
                        const cg_source_opts_t *opts, const char **id,
                        apr_time_t *when)
{
    return cg_mirror_receipt_held(p, cg_cookie_parse(p, header), opts, id,
                                  when);
}

/* The mirror cookie names the receipt written with it; under
 * ConsentSecret the signature covers that name, so that the receipt page
 * shows no receipt a hand-made cookie names. */
static void test_mirror_receipt(void **state)
{
    apr_pool_t *p = *state;
    static const cg_consent_key_t keys[1] = {
        { (const unsigned char *)"the-new-key-0123456789abcdefghijklm", 35 },
    };
    const char *uc = "consentgate_usercentrics";
    const char *v = "%7B%22time%22%3A1780000000000%2C%22consents%22%3A%7B"
                    "%22svc%22%3Atrue%2C%22no%22%3Afalse%7D%7D";
    const char *rid = "0123456789abcdef0123456789abcdef";
    const char *other = "fedcba9876543210fedcba9876543210";
    const char *field = cg_mirror_receipt_field(p, rid,
                                                apr_time_from_sec(1780000123));
    const char *plain = cg_mirror_sign(p, "usercentrics", v, field, NULL,
                                       NULL);
    const char *sig = cg_mirror_sign(p, "usercentrics", v, field, &keys[0],
                                     "example.com");
    cg_source_opts_t opts = {0}, keyed = {0};
    cg_mirror_parts_t parts;
    cg_source_result_t r;
    const char *id = NULL, *bad;
    apr_time_t when = 0;

    keyed.keys = keys;
    keyed.nkeys = 1;
    keyed.site = "example.com";
    assert_string_equal(field, "0123456789abcdef0123456789abcdef.1780000123");
    assert_string_equal(plain, apr_pstrcat(p, v, "|", field, NULL));
    assert_int_equal(strlen(sig), strlen(plain) + 1 + CG_SIGNATURE_LEN);

    /* split where it stands */
    cg_mirror_split(sig, &parts);
    assert_int_equal(parts.value_len, strlen(v));
    assert_int_equal(parts.receipt_len, strlen(field));
    assert_memory_equal(parts.receipt, field, strlen(field));
    assert_ptr_equal(parts.signature, sig + strlen(plain) + 1);
    cg_mirror_split(plain, &parts);
    assert_int_equal(parts.value_len, strlen(v));
    assert_non_null(parts.receipt);
    assert_null(parts.signature);
    /* no form of ours after the '|': all value, which is no choice */
    cg_mirror_split(apr_pstrcat(p, v, "|junk", NULL), &parts);
    assert_int_equal(parts.value_len, strlen(v) + 5);
    assert_null(parts.receipt);
    assert_null(parts.signature);
    cg_mirror_split(apr_pstrcat(p, v, "|", field, "|short", NULL), &parts);
    assert_null(parts.receipt);
    assert_null(parts.signature);

    /* the gate reads it as it reads the mirror without a receipt */
    read_keyed(p, "usercentrics", uc, sig, keys, 1, "example.com", &r);
    assert_categories(&r, CATS("svc"), CATS("no"));
    read_keyed(p, "usercentrics", uc, plain, NULL, 0, NULL, &r);
    assert_categories(&r, CATS("svc"), CATS("no"));
    /* the signature covers the receipt: another id under it grants
     * nothing */
    bad = apr_pstrcat(p, v, "|", other, sig + strlen(v) + 1 + strlen(rid),
                      NULL);
    read_keyed(p, "usercentrics", uc, bad, keys, 1, "example.com", &r);
    assert_categories(&r, CATS(NULL), CATS("no"));

    /* the receipt page's reading */
    assert_true(held_receipt(p, apr_pstrcat(p, "a=1; ", uc, "=",
                                                      sig, NULL),
                                       &keyed, &id, &when));
    assert_string_equal(id, rid);
    assert_true(when == apr_time_from_sec(1780000123));
    assert_false(held_receipt(p, apr_pstrcat(p, uc, "=", bad, NULL),
                                        &keyed, &id, &when));
    /* under keys an unsigned one names nothing; without, it does */
    assert_false(held_receipt(p, apr_pstrcat(p, uc, "=", plain,
                                                       NULL),
                                        &keyed, &id, &when));
    assert_true(held_receipt(p, apr_pstrcat(p, uc, "=", plain, NULL),
                                       &opts, &id, &when));
    /* no receipt in it, two values that disagree, no mirror: nothing */
    assert_false(held_receipt(p, apr_pstrcat(p, uc, "=", v, NULL),
                                        &opts, &id, &when));
    assert_false(held_receipt(p, apr_pstrcat(p, uc, "=", plain,
                                                       "; ", uc, "=", v,
                                                       NULL),
                                        &opts, &id, &when));
    assert_false(held_receipt(p, "a=1", &opts, &id, &when));
    assert_false(held_receipt(p, NULL, &opts, &id, &when));
    /* both mirrors: the newer choice's receipt */
    assert_true(held_receipt(
        p, apr_pstrcat(p, uc, "=", plain, "; consentgate_osano=", v, "|",
                       cg_mirror_receipt_field(p, other,
                                               apr_time_from_sec(1780000999)),
                       NULL),
        &opts, &id, &when));
    assert_string_equal(id, other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CG_TEST(test_table),
        CG_TEST(test_helpers),
        CG_TEST(test_cookiebot),
        CG_TEST(test_onetrust),
        CG_TEST(test_complianz_wpconsent),
        CG_TEST(test_borlabs),
        CG_TEST(test_cookieyes),
        CG_TEST(test_iubenda),
        CG_TEST(test_didomi),
        CG_TEST(test_cc_cookie),
        CG_TEST(test_klaro),
        CG_TEST(test_matomo),
        CG_TEST(test_mirrors),
        CG_TEST(test_mirrors_signed),
        CG_TEST(test_mirror_receipt),
        CG_TEST(test_no_cookies),
    };

    CG_RUN_GROUP("source", tests);
}
