/* test_gcm.c: unit tests (cmocka) for lib/cg_gcm.c: the Consent Mode
 * default for a visit (no choice, a grant, a partial grant, GPC, a custom
 * map), its script and entity-tag variant, and where the script goes in a
 * streamed page (after <head ...>, else before the first <script, <body or
 * </head of a document), the same whichever way the page is split. */
#include "unit.h"

#include <apr_strings.h>
#include <apr_tables.h>

#include "cg_classify.h"
#include "cg_consent.h"
#include "cg_gcm.h"
#include "cg_policy.h"

#define NOW apr_time_from_sec(1800000000)
#define RID "0123456789abcdef0123456789abcdef"
#define TAG "<script>D</script>"

static cg_visit_t *visit(apr_pool_t *p, const char *cats, int gpc,
                         cg_state_e *state)
{
    cg_policy_spec_t spec;
    const cg_policy_t *pol;
    cg_visit_t *v = apr_pcalloc(p, sizeof(*v));
    const char *cookie = NULL;

    memset(&spec, 0, sizeof(spec));
    spec.cookie_name = "mautic_consent";
    spec.signals_honoured = CG_SIGNAL_GPC | CG_SIGNAL_DNT;
    spec.precedence = CG_PRECEDENCE_SIGNAL;
    spec.max_age = 15552000;
    pol = cg_policy_make(p, &spec);
    if (cats) {
        apr_array_header_t *a = apr_array_make(p, 2, sizeof(const char *));
        char *st, *c, *list = apr_pstrdup(p, cats);

        for (c = apr_strtok(list, "~", &st); c; c = apr_strtok(NULL, "~", &st)) {
            APR_ARRAY_PUSH(a, const char *) = c;
        }
        cookie = apr_pstrcat(p, "mautic_consent=",
                             cg_consent_format(p, a, NOW - apr_time_from_sec(60),
                                               0, RID), NULL);
    }
    cg_visit_read(p, pol, cookie, gpc ? "1" : NULL, NULL, NOW, v);
    *state = cg_policy_decide(pol, v, CG_REVOKE_NONE);
    return v;
}

static const char *defaults(apr_pool_t *p, const apr_array_header_t *map,
                            const char *cats, int gpc)
{
    cg_state_e st;
    cg_visit_t *v = visit(p, cats, gpc, &st);

    return cg_gcm_defaults(p, map, v, st);
}

#define ALL_DENIED "{\"ad_storage\":\"denied\",\"ad_user_data\":\"denied\"," \
    "\"ad_personalization\":\"denied\",\"analytics_storage\":\"denied\"}"

static void default_map(void **state)
{
    apr_pool_t *p = *state;
    apr_array_header_t *map = apr_array_make(p, 8, sizeof(cg_gcm_map_t));

    cg_gcm_default_map(map);
    assert_string_equal(defaults(p, map, NULL, 0), ALL_DENIED);
    assert_string_equal(defaults(p, map, "", 0), ALL_DENIED);
    assert_string_equal(defaults(p, map, "analytics", 0),
        "{\"ad_storage\":\"denied\",\"ad_user_data\":\"denied\","
        "\"ad_personalization\":\"denied\",\"analytics_storage\":\"granted\"}");
    assert_string_equal(defaults(p, map, "marketing", 0),
        "{\"ad_storage\":\"granted\",\"ad_user_data\":\"granted\","
        "\"ad_personalization\":\"granted\",\"analytics_storage\":\"denied\"}");
    /* Mautic's one category stands for both, as in banner.js */
    assert_string_equal(defaults(p, map, "tracking", 0),
        "{\"ad_storage\":\"granted\",\"ad_user_data\":\"granted\","
        "\"ad_personalization\":\"granted\",\"analytics_storage\":\"granted\"}");
    /* GPC beats the consent (the policy's default precedence) */
    assert_string_equal(defaults(p, map, "tracking", 1), ALL_DENIED);
    assert_string_equal(defaults(p, map, NULL, 1), ALL_DENIED);
}

static void custom_map(void **state)
{
    apr_pool_t *p = *state;
    apr_array_header_t *map = apr_array_make(p, 2, sizeof(cg_gcm_map_t));
    cg_gcm_map_t *m;

    m = apr_array_push(map);
    m->category = "prefs";
    m->type = "functionality_storage";
    m = apr_array_push(map);
    m->category = "stats";
    m->type = "analytics_storage";
    assert_string_equal(defaults(p, map, "prefs~stats", 0),
        "{\"ad_storage\":\"denied\",\"ad_user_data\":\"denied\","
        "\"ad_personalization\":\"denied\",\"analytics_storage\":\"granted\","
        "\"functionality_storage\":\"granted\"}");
    /* a category the map does not name grants nothing */
    assert_string_equal(defaults(p, map, "analytics", 0),
        "{\"ad_storage\":\"denied\",\"ad_user_data\":\"denied\","
        "\"ad_personalization\":\"denied\",\"analytics_storage\":\"denied\","
        "\"functionality_storage\":\"denied\"}");
}

static void types(void **state)
{
    apr_pool_t *p = *state;

    assert_true(cg_gcm_type_valid("ad_user_data"));
    assert_true(cg_gcm_type_valid("security_storage"));
    assert_false(cg_gcm_type_valid("ad-storage"));
    assert_false(cg_gcm_type_valid(""));
    assert_non_null(strstr(cg_gcm_type_names(p), "analytics_storage, "));
}

static void script_and_variant(void **state)
{
    apr_pool_t *p = *state;

    assert_string_equal(cg_gcm_script(p, "{\"a\":\"denied\"}", NULL),
        "<script>window.dataLayer=window.dataLayer||[];"
        "function gtag(){dataLayer.push(arguments);}"
        "gtag('consent','default',{\"a\":\"denied\"});</script>");
    assert_string_equal(cg_gcm_script(p, "{}", "ab+/="),
        "<script nonce=\"ab+/=\">window.dataLayer=window.dataLayer||[];"
        "function gtag(){dataLayer.push(arguments);}"
        "gtag('consent','default',{});</script>");
    assert_int_equal(strlen(cg_gcm_variant(p, ALL_DENIED)), 8);
    assert_string_equal(cg_gcm_variant(p, ALL_DENIED),
                        cg_gcm_variant(p, ALL_DENIED));
    assert_string_not_equal(cg_gcm_variant(p, ALL_DENIED),
                            cg_gcm_variant(p, "{}"));
}

static void external_script(void **state)
{
    apr_pool_t *p = *state;
    const char *d = "{\"ad_storage\":\"denied\",\"analytics_storage\":\"granted\"}";

    assert_string_equal(cg_gcm_external_tag(p, "/cg", d),
        "<script src=\"/cg/consent-mode.js?ad_storage=denied&amp;"
        "analytics_storage=granted\"></script>");
    /* the endpoint renders what the tag's query names, and only that */
    assert_string_equal(cg_gcm_from_query(p,
                        "ad_storage=denied&analytics_storage=granted"), d);
    assert_null(cg_gcm_from_query(p, NULL));
    assert_null(cg_gcm_from_query(p, ""));
    assert_null(cg_gcm_from_query(p, "ad_storage=maybe"));
    assert_null(cg_gcm_from_query(p, "ad_storage"));
    assert_null(cg_gcm_from_query(p, "ad_storage=denied&ad_storage=granted"));
    assert_null(cg_gcm_from_query(p, "x=granted"));
    assert_null(cg_gcm_from_query(p, "ad_storage=denied);alert(1"));
    assert_string_equal(cg_gcm_js(p, d),
        "window.dataLayer=window.dataLayer||[];"
        "function gtag(){dataLayer.push(arguments);}"
        "gtag('consent','default',{\"ad_storage\":\"denied\","
        "\"analytics_storage\":\"granted\"});");
}

/* The page as the scan emits it, fed in pieces of `step` bytes (0: all at
 * once), with the held bytes copied as a filter does. */
static const char *run(apr_pool_t *p, const char *page, apr_size_t step)
{
    cg_early_t *st = cg_early_start(p, TAG);
    cg_inject_span_t sp[CG_INJECT_MAX_SPANS];
    apr_size_t len = strlen(page), off = 0;
    char *out = apr_pcalloc(p, 2 * len + sizeof(TAG) + 1);
    apr_size_t o = 0;
    int n, i;

    while (off < len) {
        apr_size_t k = step && len - off > step ? step : len - off;
        apr_size_t fed = 0;

        n = cg_early_feed(st, page + off, k, sp);
        assert_in_range(n, 0, CG_INJECT_MAX_SPANS);
        for (i = 0; i < n; ++i) {
            if (sp[i].kind == CG_SPAN_INPUT) {
                /* the data's pieces, in order, from its first byte */
                assert_ptr_equal(sp[i].data, page + off + fed);
                fed += sp[i].len;
            }
            memcpy(out + o, sp[i].data, sp[i].len);
            o += sp[i].len;
        }
        off += k;
    }
    n = cg_early_finish(st, sp);
    for (i = 0; i < n; ++i) {
        memcpy(out + o, sp[i].data, sp[i].len);
        o += sp[i].len;
    }
    assert_true(cg_early_done(st));
    out[o] = '\0';
    return out;
}

static void expect(apr_pool_t *p, const char *page, const char *want)
{
    apr_size_t step, len = strlen(page);

    for (step = 0; step <= len; ++step) {
        const char *got = run(p, page, step);

        if (strcmp(got, want)) {
            fail_tap("'%s' in pieces of %d: got '%s', want '%s'", page,
                     (int)step, got, want);
        }
    }
}

static void after_head_start_tag(void **state)
{
    apr_pool_t *p = *state;

    expect(p, "<!doctype html><html><head><script src=g.js></script>",
           "<!doctype html><html><head>" TAG "<script src=g.js></script>");
    expect(p, "<HTML><HEAD lang=\"a>b\" data-x='<c>'><title>t</title>",
           "<HTML><HEAD lang=\"a>b\" data-x='<c>'>" TAG "<title>t</title>");
    /* no document sign needed: <head is one */
    expect(p, "<head\n>x", "<head\n>" TAG "x");
    /* <header is not <head; a comment hides what is in it */
    expect(p, "<html><!-- <head> --><header></header><head>",
           "<html><!-- <head> --><header></header><head>" TAG);
    expect(p, "<html><!--><head>", "<html><!--><head>" TAG);
    expect(p, "<<head>", "<<head>" TAG);
}

static void before_first_script_without_head(void **state)
{
    apr_pool_t *p = *state;

    expect(p, "<!DOCTYPE html><title>t</title><script>x</script>",
           "<!DOCTYPE html><title>t</title>" TAG "<script>x</script>");
    expect(p, "<html><body><p>x", "<html>" TAG "<body><p>x");
    expect(p, "<html></head><body>", "<html>" TAG "</head><body>");
    /* <scripts is not <script */
    expect(p, "<html><scripts><script>", "<html><scripts>" TAG "<script>");
}

static void nothing_for_fragments(void **state)
{
    apr_pool_t *p = *state;

    expect(p, "<div><script>x</script></div>",
           "<div><script>x</script></div>");
    expect(p, "<p>no tags that count</p>", "<p>no tags that count</p>");
    expect(p, "<html><p>never a head", "<html><p>never a head");
    expect(p, "<html><!-- <head> <body>", "<html><!-- <head> <body>");
    expect(p, "<html><he", "<html><he");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CG_TEST(default_map),
        CG_TEST(custom_map),
        CG_TEST(types),
        CG_TEST(script_and_variant),
        CG_TEST(external_script),
        CG_TEST(after_head_start_tag),
        CG_TEST(before_first_script_without_head),
        CG_TEST(nothing_for_fragments),
    };
    CG_RUN_GROUP("gcm", tests);
}
