/* test_mirror.c: lib/cg_mirror.c, the mirror banner.js posts to the
 * consent endpoint (its source, its value, a malformed one refused) and the
 * kind of receipt a mirrored choice is. */
#include "unit.h"

#include <apr_strings.h>
#include <apr_tables.h>

#include "cg_mirror.h"
#include "cg_receipt.h"
#include "cg_source.h"

#define JSON "application/json"
#define FORM "application/x-www-form-urlencoded"
/* {"time":1780272000000,"consents":{"svc":true}} as encodeURIComponent
 * writes it */
#define VALUE "%7B%22time%22%3A1780272000000%2C%22consents%22%3A%7B%22svc" \
              "%22%3Atrue%7D%7D"

static int parse(apr_pool_t *p, const char *ct, const char *body,
                 const char **source, const char **value, const char **err)
{
    *source = *value = NULL;
    return cg_mirror_parse(p, ct, body, strlen(body), source, value, err);
}

static void cookies_of_the_mirror_sources(void **state)
{
    (void)state;
    assert_string_equal(cg_mirror_cookie("usercentrics"),
                        "consentgate_usercentrics");
    assert_string_equal(cg_mirror_cookie("osano"), "consentgate_osano");
    /* the sources that read cookies of their own are no mirrors */
    assert_null(cg_mirror_cookie("cookiebot"));
    assert_null(cg_mirror_cookie("own"));
    assert_null(cg_mirror_cookie("Osano"));
    assert_null(cg_mirror_cookie(""));
    assert_null(cg_mirror_cookie(NULL));
}

static void mirror_from_json_and_form(void **state)
{
    apr_pool_t *p = *state;
    const char *s, *v, *err;

    assert_int_equal(parse(p, JSON, "{\"mirror\":\"usercentrics\",\"value\":\""
                           VALUE "\"}", &s, &v, &err), 1);
    assert_string_equal(s, "usercentrics");
    assert_string_equal(v, VALUE);
    assert_null(err);
    assert_int_equal(parse(p, "Application/JSON; charset=UTF-8",
                           "{\"value\":\"" VALUE "\",\"mirror\":\"osano\"}",
                           &s, &v, &err), 1);
    assert_string_equal(s, "osano");
    /* a form field's value is decoded once: the cookie value is
     * percent-encoded in it */
    assert_int_equal(parse(p, FORM, "mirror=osano&value=%257B%2522time"
                           "%2522%253A1%257D", &s, &v, &err), 1);
    assert_string_equal(v, "%7B%22time%22%3A1%7D");
    /* every character encodeURIComponent leaves */
    assert_int_equal(parse(p, JSON, "{\"mirror\":\"osano\",\"value\":"
                           "\"AZaz09-_.!~*'()%\"}", &s, &v, &err), 1);
}

static void not_a_mirror(void **state)
{
    apr_pool_t *p = *state;
    const char *s, *v, *err;

    /* the module's own choice, and what its parser refuses, stay its */
    assert_int_equal(parse(p, JSON, "{\"categories\":[\"tracking\"]}",
                           &s, &v, &err), 0);
    assert_int_equal(parse(p, FORM, "categories=tracking", &s, &v, &err), 0);
    assert_int_equal(parse(p, JSON, "{\"mirror\":", &s, &v, &err), 0);
    assert_int_equal(parse(p, JSON, "[\"mirror\"]", &s, &v, &err), 0);
    assert_int_equal(parse(p, "text/plain", "mirror=osano&value=x",
                           &s, &v, &err), 0);
    assert_int_equal(cg_mirror_parse(p, NULL, "mirror=osano", 12, &s, &v,
                                     &err), 0);
    assert_int_equal(cg_mirror_parse(p, JSON, NULL, 0, &s, &v, &err), 0);
    assert_null(s);
    assert_null(v);
    assert_null(err);
    /* JSON with a NUL is no mirror (jansson refuses it), and no choice
     * either: the endpoint refuses the body */
    assert_int_equal(parse(p, JSON, "{\"mirror\":\"osano\\u0000x\","
                           "\"value\":\"" VALUE "\"}", &s, &v, &err), 0);
    assert_null(cg_choice_parse(p, JSON, "{\"mirror\":\"osano\\u0000x\"}",
                                25, NULL, &err));
}

static void malformed_mirrors_refused(void **state)
{
    apr_pool_t *p = *state;
    const char *s, *v, *err;
    static const char *const bad[] = {
        /* an unknown source, a source of cookies, no value */
        "{\"mirror\":\"cookiebot\",\"value\":\"" VALUE "\"}",
        "{\"mirror\":\"\",\"value\":\"" VALUE "\"}",
        "{\"mirror\":\"osano\"}",
        "{\"mirror\":\"osano\",\"value\":\"\"}",
        /* not strings */
        "{\"mirror\":1,\"value\":\"" VALUE "\"}",
        "{\"mirror\":\"osano\",\"value\":{\"time\":1}}",
        /* what would end the value or add an attribute */
        "{\"mirror\":\"osano\",\"value\":\"" VALUE ";Domain=example.com\"}",
        "{\"mirror\":\"osano\",\"value\":\"a b\"}",
        "{\"mirror\":\"osano\",\"value\":\"a,b\"}",
        "{\"mirror\":\"osano\",\"value\":\"{\\\"time\\\":1}\"}",
        "{\"mirror\":\"osano\",\"value\":\"a\\r\\nSet-Cookie: x=1\"}",
        /* one act: never the module's choice besides */
        "{\"mirror\":\"osano\",\"value\":\"" VALUE "\",\"categories\":[]}",
        NULL
    };
    char *huge;
    apr_size_t head;
    int i;

    for (i = 0; bad[i]; ++i) {
        err = NULL;
        if (parse(p, JSON, bad[i], &s, &v, &err) != -1 || !err) {
            fail_tap("accepted: %s", bad[i]);
        }
        assert_null(s);
        assert_null(v);
    }
    assert_int_equal(parse(p, FORM, "mirror=osano&value=" VALUE
                           "&categories=tracking", &s, &v, &err), -1);
    assert_int_equal(parse(p, FORM, "mirror=osano&value=a%3Bb", &s, &v,
                           &err), -1);
    assert_int_equal(parse(p, FORM, "mirror=osano", &s, &v, &err), -1);
    /* a value the source reader would refuse as oversized */
    huge = apr_palloc(p, CG_SOURCE_MAX_VALUE + 64);
    strcpy(huge, "{\"mirror\":\"osano\",\"value\":\"");
    head = strlen(huge);
    memset(huge + head, 'a', CG_SOURCE_MAX_VALUE + 1);
    strcpy(huge + head + CG_SOURCE_MAX_VALUE + 1, "\"}");
    assert_int_equal(parse(p, JSON, huge, &s, &v, &err), -1);
    /* one byte less is a value */
    strcpy(huge + head + CG_SOURCE_MAX_VALUE, "\"}");
    assert_int_equal(parse(p, JSON, huge, &s, &v, &err), 1);
    assert_int_equal(strlen(v), CG_SOURCE_MAX_VALUE);
}

static apr_array_header_t *cats(apr_pool_t *p, const char *a, const char *b)
{
    apr_array_header_t *arr = apr_array_make(p, 2, sizeof(const char *));

    if (a) {
        APR_ARRAY_PUSH(arr, const char *) = a;
    }
    if (b) {
        APR_ARRAY_PUSH(arr, const char *) = b;
    }
    return arr;
}

static void what_kind_of_receipt(void **state)
{
    apr_pool_t *p = *state;
    apr_array_header_t *none = cats(p, NULL, NULL);
    apr_array_header_t *t = cats(p, "tracking", NULL);
    apr_array_header_t *ts = cats(p, "tracking", "stats");
    int widens = -1;

    /* a first grant widens */
    assert_string_equal(cg_mirror_action(NULL, t, &widens), "grant");
    assert_int_equal(widens, 1);
    assert_string_equal(cg_mirror_action(none, ts, &widens), "grant");
    assert_int_equal(widens, 1);
    /* more than before widens; the same or less does not */
    assert_string_equal(cg_mirror_action(t, ts, &widens), "grant");
    assert_int_equal(widens, 1);
    assert_string_equal(cg_mirror_action(ts, t, &widens), "grant");
    assert_int_equal(widens, 0);
    assert_string_equal(cg_mirror_action(t, t, &widens), "grant");
    assert_int_equal(widens, 0);
    /* another category instead of the one held widens */
    assert_string_equal(cg_mirror_action(t, cats(p, "stats", NULL), &widens),
                        "grant");
    assert_int_equal(widens, 1);
    /* nothing granted: a withdrawal of what was held, else a refusal */
    assert_string_equal(cg_mirror_action(t, none, &widens), "revoke");
    assert_int_equal(widens, 0);
    assert_string_equal(cg_mirror_action(ts, NULL, &widens), "revoke");
    assert_string_equal(cg_mirror_action(none, none, &widens), "refuse");
    assert_int_equal(widens, 0);
    assert_string_equal(cg_mirror_action(NULL, NULL, NULL), "refuse");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CG_TEST(cookies_of_the_mirror_sources),
        CG_TEST(mirror_from_json_and_form),
        CG_TEST(not_a_mirror),
        CG_TEST(malformed_mirrors_refused),
        CG_TEST(what_kind_of_receipt),
    };
    CG_RUN_GROUP("mirror", tests);
}
