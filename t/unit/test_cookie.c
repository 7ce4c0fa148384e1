/* test_cookie.c: unit tests (cmocka) for lib/cg_cookie.c: the Cookie header
 * parser and joiner, the Set-Cookie line parser, deletions, expiry lines
 * and cookie name validation. */
#include "unit.h"

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

#include "cg_cookie.h"

/* 2025-11-22 19:00:00 GMT, the fixed "now" of every time-dependent test */
#define NOW_SEC APR_INT64_C(1763838000)
#define NOW apr_time_from_sec(NOW_SEC)

/* 2027-11-22 19:00:00 GMT (Symfony's example expiry) */
#define EXP_2027 apr_time_from_sec(APR_INT64_C(1826910000))

/* Checks crumb `i` of `arr`: its name, value and the crumb text. */
#define assert_crumb(arr, i, n, v, c) do { \
    const cg_crumb_t *cr_ = &APR_ARRAY_IDX((arr), (i), cg_crumb_t); \
    assert_string_equal(cr_->name, (n)); \
    assert_string_equal(cr_->value, (v)); \
    assert_string_equal(cr_->crumb, (c)); \
} while (0)

/* ---- cg_cookie_parse ---- */

static void parse_null_header_gives_no_crumbs(void **state)
{
    apr_array_header_t *a = cg_cookie_parse(*state, NULL);

    assert_non_null(a);
    assert_int_equal(a->nelts, 0);
    assert_int_equal(a->elt_size, sizeof(cg_crumb_t));
}

static void parse_empty_header_gives_no_crumbs(void **state)
{
    assert_int_equal(cg_cookie_parse(*state, "")->nelts, 0);
    assert_int_equal(cg_cookie_parse(*state, "   ")->nelts, 0);
    assert_int_equal(cg_cookie_parse(*state, "\t \t")->nelts, 0);
}

static void parse_single_pair(void **state)
{
    apr_array_header_t *a = cg_cookie_parse(*state, "mtc_id=42");

    assert_int_equal(a->nelts, 1);
    assert_crumb(a, 0, "mtc_id", "42", "mtc_id=42");
}

static void parse_semicolon_separated(void **state)
{
    apr_array_header_t *a = cg_cookie_parse(*state, "a=1; b=2;c=3");

    assert_int_equal(a->nelts, 3);
    assert_crumb(a, 0, "a", "1", "a=1");
    assert_crumb(a, 1, "b", "2", "b=2");
    assert_crumb(a, 2, "c", "3", "c=3");
}

static void parse_trims_ows(void **state)
{
    apr_array_header_t *a = cg_cookie_parse(*state,
                                            "  a=1 ;\tb = 2\t;  c =3  ");

    assert_int_equal(a->nelts, 3);
    assert_crumb(a, 0, "a", "1", "a=1");
    /* the crumb is the pair as sent, trimmed only at its ends */
    assert_crumb(a, 1, "b", "2", "b = 2");
    assert_crumb(a, 2, "c", "3", "c =3");
}

static void parse_skips_empty_crumbs(void **state)
{
    apr_array_header_t *a = cg_cookie_parse(*state, ";;a=1;; ;\t;b=2;;");

    assert_int_equal(a->nelts, 2);
    assert_crumb(a, 0, "a", "1", "a=1");
    assert_crumb(a, 1, "b", "2", "b=2");
    assert_int_equal(cg_cookie_parse(*state, ";;")->nelts, 0);
    assert_int_equal(cg_cookie_parse(*state, " ; ; ")->nelts, 0);
}

static void parse_crumb_without_equals_has_empty_name(void **state)
{
    apr_array_header_t *a = cg_cookie_parse(*state, "a=1; lonely ; b=2");

    assert_int_equal(a->nelts, 3);
    assert_crumb(a, 0, "a", "1", "a=1");
    assert_crumb(a, 1, "", "lonely", "lonely");
    assert_crumb(a, 2, "b", "2", "b=2");
}

static void parse_empty_name_before_equals(void **state)
{
    apr_array_header_t *a = cg_cookie_parse(*state, "=v; x=");

    assert_int_equal(a->nelts, 2);
    assert_crumb(a, 0, "", "v", "=v");
    assert_crumb(a, 1, "x", "", "x=");
}

static void parse_keeps_duplicates_in_order(void **state)
{
    apr_array_header_t *a = cg_cookie_parse(*state,
                                            "consent=1; x=y; consent=0");

    assert_int_equal(a->nelts, 3);
    assert_crumb(a, 0, "consent", "1", "consent=1");
    assert_crumb(a, 1, "x", "y", "x=y");
    assert_crumb(a, 2, "consent", "0", "consent=0");
}

static void parse_splits_httpd_merged_lines(void **state)
{
    /* httpd merges two HTTP/1.1 Cookie lines with ", " */
    apr_array_header_t *a = cg_cookie_parse(*state, "a=1, b=2");

    assert_int_equal(a->nelts, 2);
    assert_crumb(a, 0, "a", "1", "a=1");
    assert_crumb(a, 1, "b", "2", "b=2");
}

static void parse_splits_merged_lines_with_semicolons(void **state)
{
    apr_array_header_t *a = cg_cookie_parse(*state,
                                            "a=1; b=2, c=3; d=4,e=5");

    assert_int_equal(a->nelts, 5);
    assert_crumb(a, 0, "a", "1", "a=1");
    assert_crumb(a, 1, "b", "2", "b=2");
    assert_crumb(a, 2, "c", "3", "c=3");
    assert_crumb(a, 3, "d", "4", "d=4");
    assert_crumb(a, 4, "e", "5", "e=5");
}

static void parse_json_value_with_commas_is_one_crumb(void **state)
{
    apr_array_header_t *a = cg_cookie_parse(*state,
                                            "klaro={\"a\":true,\"b\":false}");

    assert_int_equal(a->nelts, 1);
    assert_crumb(a, 0, "klaro", "{\"a\":true,\"b\":false}",
                 "klaro={\"a\":true,\"b\":false}");
}

static void parse_json_value_then_merged_line(void **state)
{
    apr_array_header_t *a = cg_cookie_parse(*state,
        "klaro={\"a\":true, \"b\":false}, mtc_id=7; z=9");

    assert_int_equal(a->nelts, 3);
    assert_crumb(a, 0, "klaro", "{\"a\":true, \"b\":false}",
                 "klaro={\"a\":true, \"b\":false}");
    assert_crumb(a, 1, "mtc_id", "7", "mtc_id=7");
    assert_crumb(a, 2, "z", "9", "z=9");
}

static void parse_comma_not_followed_by_pair_stays(void **state)
{
    apr_array_header_t *a = cg_cookie_parse(*state, "list=1,2,3; t=a, b");

    assert_int_equal(a->nelts, 2);
    assert_crumb(a, 0, "list", "1,2,3", "list=1,2,3");
    assert_crumb(a, 1, "t", "a, b", "t=a, b");
}

static void parse_keeps_quoted_values(void **state)
{
    apr_array_header_t *a = cg_cookie_parse(*state,
                                            "q=\"quoted value\"; e=\"\"");

    assert_int_equal(a->nelts, 2);
    assert_crumb(a, 0, "q", "\"quoted value\"", "q=\"quoted value\"");
    assert_crumb(a, 1, "e", "\"\"", "e=\"\"");
}

static void parse_equals_inside_value(void **state)
{
    apr_array_header_t *a = cg_cookie_parse(*state,
                                            "b64=YWJj==; kv=k=v=w");

    assert_int_equal(a->nelts, 2);
    assert_crumb(a, 0, "b64", "YWJj==", "b64=YWJj==");
    assert_crumb(a, 1, "kv", "k=v=w", "kv=k=v=w");
}

static void parse_does_not_modify_header(void **state)
{
    char header[] = "a=1; b=2, c=3";

    cg_cookie_parse(*state, header);
    assert_string_equal(header, "a=1; b=2, c=3");
}

/* ---- cg_cookie_join ---- */

static void join_none_gives_empty_string(void **state)
{
    apr_array_header_t *a = cg_cookie_parse(*state, NULL);
    const char *s = cg_cookie_join(*state, a);

    assert_non_null(s);
    assert_string_equal(s, "");
}

static void join_one(void **state)
{
    apr_array_header_t *a = cg_cookie_parse(*state, "  a=1  ");

    assert_string_equal(cg_cookie_join(*state, a), "a=1");
}

static void join_uses_semicolon_space(void **state)
{
    apr_array_header_t *a = cg_cookie_parse(*state,
                                            "a=1;b = 2 ;;  lonely, c=3");

    assert_string_equal(cg_cookie_join(*state, a),
                        "a=1; b = 2; lonely; c=3");
}

static void join_after_removing_a_crumb(void **state)
{
    apr_array_header_t *a = cg_cookie_parse(*state,
        "PHPSESSID=abc; mtc_id=5; klaro={\"x\":1,\"y\":2}");
    apr_array_header_t *kept = apr_array_make(*state, 2, sizeof(cg_crumb_t));
    int i;

    for (i = 0; i < a->nelts; ++i) {
        const cg_crumb_t *c = &APR_ARRAY_IDX(a, i, cg_crumb_t);
        if (strcmp(c->name, "mtc_id")) {
            *(cg_crumb_t *)apr_array_push(kept) = *c;
        }
    }
    assert_string_equal(cg_cookie_join(*state, kept),
                        "PHPSESSID=abc; klaro={\"x\":1,\"y\":2}");
}

/* ---- cg_setcookie_parse ---- */

static void setcookie_simple(void **state)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(*state, "mtc_id=42", &sc);
    assert_string_equal(sc.name, "mtc_id");
    assert_string_equal(sc.value, "42");
    assert_null(sc.path);
    assert_null(sc.domain);
    assert_false(sc.secure);
    assert_false(sc.httponly);
    assert_false(sc.has_max_age);
    assert_int_equal(sc.expires, 0);
}

static void setcookie_trims_name_and_value(void **state)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(*state, " \tname \t= \tsome value\t ; Path=/", &sc);
    assert_string_equal(sc.name, "name");
    assert_string_equal(sc.value, "some value");
    assert_string_equal(sc.path, "/");
}

static void setcookie_keeps_quotes_and_equals(void **state)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(*state, "q=\"a=b\"; Secure", &sc);
    assert_string_equal(sc.name, "q");
    assert_string_equal(sc.value, "\"a=b\"");
    assert_true(sc.secure);
}

static void setcookie_symfony_lowercase_attributes(void **state)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(*state,
        "mautic_device_id=abc123; expires=Sun, 22-Nov-2027 19:00:00 GMT; "
        "Max-Age=31536000; path=/; secure; samesite=none", &sc);
    assert_string_equal(sc.name, "mautic_device_id");
    assert_string_equal(sc.value, "abc123");
    assert_int_equal(sc.expires, EXP_2027);
    assert_true(sc.has_max_age);
    assert_int_equal(sc.max_age, 31536000);
    assert_string_equal(sc.path, "/");
    assert_null(sc.domain);
    assert_true(sc.secure);
    assert_false(sc.httponly);
}

static void setcookie_php_attributes(void **state)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(*state,
        "PHPSESSID=0123abcd; path=/; HttpOnly; SameSite=None", &sc);
    assert_string_equal(sc.name, "PHPSESSID");
    assert_string_equal(sc.value, "0123abcd");
    assert_string_equal(sc.path, "/");
    assert_true(sc.httponly);
    assert_false(sc.secure);
    assert_false(sc.has_max_age);
    assert_int_equal(sc.expires, 0);
}

static void setcookie_attribute_names_any_case(void **state)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(*state, "a=b; MAX-AGE=5; DOMAIN=example.org; "
                       "pAtH=/x; SECURE; httponly; "
                       "EXPIRES=Sun, 22 Nov 2027 19:00:00 GMT", &sc);
    assert_true(sc.has_max_age);
    assert_int_equal(sc.max_age, 5);
    assert_string_equal(sc.domain, "example.org");
    assert_string_equal(sc.path, "/x");
    assert_true(sc.secure);
    assert_true(sc.httponly);
    assert_int_equal(sc.expires, EXP_2027);
}

static void setcookie_domain_and_path_trimmed(void **state)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(*state,
        "a=b ;  Domain = .example.org ;Path= /app/  ", &sc);
    assert_string_equal(sc.value, "b");
    assert_string_equal(sc.domain, ".example.org");
    assert_string_equal(sc.path, "/app/");
}

static void setcookie_valueless_path_and_domain_ignored(void **state)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(*state, "a=b; Path; Domain", &sc);
    assert_null(sc.path);
    assert_null(sc.domain);
}

static void setcookie_unknown_attributes_ignored(void **state)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(*state, "a=b; Partitioned; Priority=High; "
                       "SameSite=Lax; Foo=bar=baz; ; Path=/p", &sc);
    assert_string_equal(sc.name, "a");
    assert_string_equal(sc.value, "b");
    assert_string_equal(sc.path, "/p");
    assert_false(sc.secure);
    assert_false(sc.httponly);
    assert_false(sc.has_max_age);
}

static void setcookie_nameless_line(void **state)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(*state, " justavalue ; Max-Age=10", &sc);
    assert_string_equal(sc.name, "");
    assert_string_equal(sc.value, "justavalue");
    assert_true(sc.has_max_age);
    assert_int_equal(sc.max_age, 10);
}

static void setcookie_empty_name_before_equals(void **state)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(*state, "=v; Secure", &sc);
    assert_string_equal(sc.name, "");
    assert_string_equal(sc.value, "v");
    assert_true(sc.secure);
}

static void setcookie_empty_and_null_line(void **state)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(*state, "", &sc);
    assert_string_equal(sc.name, "");
    assert_string_equal(sc.value, "");
    assert_false(sc.has_max_age);

    cg_setcookie_parse(*state, NULL, &sc);
    assert_string_equal(sc.name, "");
    assert_string_equal(sc.value, "");
}

static void setcookie_resets_previous_output(void **state)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(*state, "a=b; Max-Age=3; Secure; HttpOnly; "
                       "Domain=d; Path=/", &sc);
    cg_setcookie_parse(*state, "c=d", &sc);
    assert_false(sc.has_max_age);
    assert_false(sc.secure);
    assert_false(sc.httponly);
    assert_null(sc.domain);
    assert_null(sc.path);
}

static void setcookie_max_age_non_numeric_ignored(void **state)
{
    static const char *const bad[] = {
        "a=b; Max-Age=abc",
        "a=b; Max-Age=12abc",
        "a=b; Max-Age=",
        "a=b; Max-Age",
        "a=b; Max-Age=+5",
        "a=b; Max-Age=-",
        "a=b; Max-Age=1 2",
        "a=b; Max-Age=0x10",
        NULL
    };
    int i;

    for (i = 0; bad[i]; ++i) {
        cg_setcookie_t sc;
        cg_setcookie_parse(*state, bad[i], &sc);
        if (sc.has_max_age) {
            fail_tap("'%s' gave a Max-Age of %" APR_INT64_T_FMT,
                     bad[i], sc.max_age);
        }
    }
}

static void setcookie_max_age_values(void **state)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(*state, "a=b; Max-Age= 0 ", &sc);
    assert_true(sc.has_max_age);
    assert_int_equal(sc.max_age, 0);

    cg_setcookie_parse(*state, "a=b; Max-Age=-1", &sc);
    assert_true(sc.has_max_age);
    assert_true(sc.max_age == -1);

    cg_setcookie_parse(*state, "a=b; Max-Age=007", &sc);
    assert_true(sc.has_max_age);
    assert_int_equal(sc.max_age, 7);
}

static void setcookie_huge_max_age_is_clamped(void **state)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(*state, "a=b; Max-Age=99999999999999999999999", &sc);
    assert_true(sc.has_max_age);
    assert_true(sc.max_age == APR_INT64_MAX);

    cg_setcookie_parse(*state, "a=b; Max-Age=-99999999999999999999999", &sc);
    assert_true(sc.has_max_age);
    assert_true(sc.max_age == APR_INT64_MIN);
}

static void setcookie_unparseable_expires_is_zero(void **state)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(*state, "a=b; Expires=tomorrow", &sc);
    assert_int_equal(sc.expires, 0);
    cg_setcookie_parse(*state, "a=b; Expires=", &sc);
    assert_int_equal(sc.expires, 0);
}

/* ---- cg_setcookie_is_deletion ---- */

static int deletes(apr_pool_t *p, const char *line)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(p, line, &sc);
    return cg_setcookie_is_deletion(&sc, NOW);
}

static void deletion_max_age_zero(void **state)
{
    assert_true(deletes(*state, "a=; Max-Age=0"));
    assert_true(deletes(*state, "a=x; max-age=0; Path=/"));
}

static void deletion_negative_max_age(void **state)
{
    assert_true(deletes(*state, "a=x; Max-Age=-1"));
    assert_true(deletes(*state, "a=x; Max-Age=-31536000"));
}

static void deletion_positive_max_age_is_not(void **state)
{
    assert_false(deletes(*state, "a=x; Max-Age=1"));
    assert_false(deletes(*state, "a=x; Max-Age=31536000"));
}

static void deletion_max_age_beats_expires(void **state)
{
    /* a positive Max-Age wins over an Expires in the past */
    assert_false(deletes(*state, "a=x; Expires=Wed, 21 Oct 2015 07:28:00 GMT; "
                         "Max-Age=3600"));
    assert_false(deletes(*state, "a=x; Max-Age=3600; "
                         "Expires=Wed, 21 Oct 2015 07:28:00 GMT"));
    /* and Max-Age=0 wins over an Expires in the future */
    assert_true(deletes(*state, "a=x; Expires=Sun, 22-Nov-2027 19:00:00 GMT; "
                        "Max-Age=0"));
}

static void deletion_symfony(void **state)
{
    assert_true(deletes(*state, "mtc_id=deleted; "
                        "expires=Sat, 22-Nov-2025 19:00:00 GMT; Max-Age=0; "
                        "path=/; secure; samesite=lax"));
}

static void deletion_php(void **state)
{
    /* PHP's setcookie("x", "") */
    assert_true(deletes(*state, "x=deleted; "
                        "expires=Thu, 01-Jan-1970 00:00:01 GMT; Max-Age=0; "
                        "path=/"));
}

static void deletion_past_expires_without_max_age(void **state)
{
    assert_true(deletes(*state, "a=x; Expires=Wed, 21 Oct 2015 07:28:00 GMT"));
    assert_true(deletes(*state, "a=x; expires=Thu, 01-Jan-1970 00:00:01 GMT"));
    /* one second before now */
    assert_true(deletes(*state, "a=x; Expires=Sat, 22 Nov 2025 18:59:59 GMT"));
}

static void deletion_epoch_expires_without_max_age(void **state)
{
    /* Express's res.clearCookie(): the Unix epoch itself, no Max-Age.
     * Fails while cg_setcookie_parse() stores this Expires as 0, the value
     * that also means "absent or unparseable". */
    assert_true(deletes(*state, "a=; Path=/; "
                        "Expires=Thu, 01 Jan 1970 00:00:00 GMT"));
    /* before the epoch: apr_date_parse_rfc() rejects it, also giving 0 */
    assert_true(deletes(*state, "a=; Expires=Wed, 31 Dec 1969 23:59:59 GMT"));
}

static void deletion_future_expires_is_not(void **state)
{
    assert_false(deletes(*state, "a=x; Expires=Sun, 22-Nov-2027 19:00:00 GMT"));
    /* one second after now */
    assert_false(deletes(*state, "a=x; Expires=Sat, 22 Nov 2025 19:00:01 GMT"));
}

static void deletion_unparseable_expires_is_not(void **state)
{
    assert_false(deletes(*state, "a=x; Expires=yesterday"));
    assert_false(deletes(*state, "a=x; Expires=0"));
    assert_false(deletes(*state, "a=x; Expires=-1"));
}

static void deletion_plain_cookie_is_not(void **state)
{
    assert_false(deletes(*state, "a=x"));
    assert_false(deletes(*state, "a="));
    assert_false(deletes(*state, "a=; Path=/; Secure"));
}

static void deletion_expires_boundary(void **state)
{
    /* an Expires of exactly now has not passed yet */
    assert_false(deletes(*state, "a=x; Expires=Sat, 22 Nov 2025 19:00:00 GMT"));
}

static void deletion_max_age_from_struct(void **state)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(*state, "a=x", &sc);
    assert_false(cg_setcookie_is_deletion(&sc, NOW));
    sc.has_max_age = 1;
    sc.max_age = 0;
    assert_true(cg_setcookie_is_deletion(&sc, NOW));
    sc.max_age = APR_INT64_MIN;
    assert_true(cg_setcookie_is_deletion(&sc, NOW));
    sc.max_age = 1;
    assert_false(cg_setcookie_is_deletion(&sc, NOW));
}

/* ---- cg_setcookie_expiry ---- */

static void expiry_plain(void **state)
{
    assert_string_equal(cg_setcookie_expiry(*state, "mtc_id", NULL, 0),
                        "mtc_id=; Max-Age=0; "
                        "Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/");
}

static void expiry_with_domain(void **state)
{
    assert_string_equal(
        cg_setcookie_expiry(*state, "mtc_id", ".example.org", 0),
        "mtc_id=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; "
        "Path=/; Domain=.example.org");
}

static void expiry_secure(void **state)
{
    assert_string_equal(cg_setcookie_expiry(*state, "mtc_id", NULL, 1),
                        "mtc_id=; Max-Age=0; "
                        "Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; "
                        "Secure");
}

static void expiry_with_domain_and_secure(void **state)
{
    assert_string_equal(
        cg_setcookie_expiry(*state, "mautic_device_id", "example.org", 1),
        "mautic_device_id=; Max-Age=0; "
        "Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; "
        "Domain=example.org; Secure");
}

static void expiry_parses_back_as_deletion(void **state)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(*state,
                       cg_setcookie_expiry(*state, "mtc_id", "example.org", 1),
                       &sc);
    assert_string_equal(sc.name, "mtc_id");
    assert_string_equal(sc.value, "");
    assert_string_equal(sc.path, "/");
    assert_string_equal(sc.domain, "example.org");
    assert_true(sc.secure);
    assert_true(sc.has_max_age);
    assert_int_equal(sc.max_age, 0);
    assert_true(cg_setcookie_is_deletion(&sc, NOW));
}

/* ---- cg_cookie_name_valid ---- */

static void name_valid_tokens(void **state)
{
    static const char *const good[] = {
        "a", "mtc_id", "PHPSESSID", "_pk_id.1.abcd", "__Host-session",
        "mautic_page_12", "0123456789abcdef0123456789abcdef",
        "!#$%&'*+-.^_`|~", NULL
    };
    int i;

    for (i = 0; good[i]; ++i) {
        if (!cg_cookie_name_valid(good[i])) {
            fail_tap("'%s' should be a valid name", good[i]);
        }
    }
}

static void name_valid_rejects_non_tokens(void **state)
{
    static const char *const bad[] = {
        "", "a b", "a=b", "a;b", "a,b", "\"a\"", "a(b)", "a/b", "a:b",
        "a@b", "a[b]", "a{b}", "a?b", "a\\b", "a\tb", " a", "a ",
        "caf\xc3\xa9", "a\x7f", "a\x01", NULL
    };
    int i;

    assert_false(cg_cookie_name_valid(NULL));
    for (i = 0; bad[i]; ++i) {
        if (cg_cookie_name_valid(bad[i])) {
            fail_tap("'%s' should not be a valid name", bad[i]);
        }
    }
}


/* cg_setcookie_name() is the gate's fast path: it must name every line
 * exactly as the full parser does. */
static void setcookie_name_matches_parse(void **state)
{
    apr_pool_t *p = *state;
    static const char *const lines[] = {
        "mautic_device_id=abc; expires=Sun, 22-Nov-2027 19:00:00 GMT; path=/",
        "  mtc_id  =  42 ; path=/", "a=b=c", "nameless", "nameless; Path=/",
        "=value", " = ", "", "x=;", "\tname\t=v", "k;=v", "__Host-id=1; Secure",
        NULL
    };
    int i;

    for (i = 0; lines[i]; ++i) {
        cg_setcookie_t sc;

        cg_setcookie_parse(p, lines[i], &sc);
        if (strcmp(cg_setcookie_name(p, lines[i]), sc.name)) {
            fail_tap("'%s': name '%s', parser '%s'", lines[i],
                     cg_setcookie_name(p, lines[i]), sc.name);
        }
    }
    assert_string_equal(cg_setcookie_name(p, NULL), "");
    assert_string_equal(cg_setcookie_name(p, " mtc_id = 1"), "mtc_id");
}

/* cg_setcookie_deletes() must agree with the full parser on every line. */
static void setcookie_deletes_matches_parse(void **state)
{
    apr_pool_t *p = *state;
    static const char *const lines[] = {
        "a=1", "a=1; Max-Age=0", "a=1; max-age=-5", "a=1; Max-Age=10",
        "a=1; Max-Age=0; Max-Age=10", "a=1; Max-Age=10; Max-Age=x",
        "a=1; Max-Age=x", "a=1; Max-Age = 0 ", "a=1;Max-Age=0",
        "a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
        "a=1; expires=Sat, 22-Nov-2025 18:59:59 GMT",
        "a=1; expires=Mon, 22-Nov-2027 19:00:00 GMT",
        "a=1; expires=garbage", "a=1; Expires=Wed, 31 Dec 1969 23:59:59 GMT",
        "a=1; expires=Sat, 22-Nov-2025 18:00:00 GMT; Max-Age=100",
        "a=1; Max-Age=99999999999999999999999", "a=1; Max-Age=-99999999999999999999",
        "a=1; MaxAge=0", "a=1; Max-Age", "a=1; Max-Age=", "a; Max-Age=0", "",
        "mtc_id=deleted; expires=Sat, 22-Nov-2025 19:00:00 GMT; Max-Age=0; path=/; secure; samesite=lax",
        NULL
    };
    int i;

    for (i = 0; lines[i]; ++i) {
        cg_setcookie_t sc;
        int full, fast;

        cg_setcookie_parse(p, lines[i], &sc);
        full = cg_setcookie_is_deletion(&sc, NOW);
        fast = cg_setcookie_deletes(p, lines[i], NOW);
        if (full != fast) {
            fail_tap("'%s': parser says %d, fast path %d", lines[i], full, fast);
        }
    }
    assert_true(cg_setcookie_deletes(p, "a=; Max-Age=0", NOW));
    assert_false(cg_setcookie_deletes(p, NULL, NOW));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CG_TEST(parse_null_header_gives_no_crumbs),
        CG_TEST(parse_empty_header_gives_no_crumbs),
        CG_TEST(parse_single_pair),
        CG_TEST(parse_semicolon_separated),
        CG_TEST(parse_trims_ows),
        CG_TEST(parse_skips_empty_crumbs),
        CG_TEST(parse_crumb_without_equals_has_empty_name),
        CG_TEST(parse_empty_name_before_equals),
        CG_TEST(parse_keeps_duplicates_in_order),
        CG_TEST(parse_splits_httpd_merged_lines),
        CG_TEST(parse_splits_merged_lines_with_semicolons),
        CG_TEST(parse_json_value_with_commas_is_one_crumb),
        CG_TEST(parse_json_value_then_merged_line),
        CG_TEST(parse_comma_not_followed_by_pair_stays),
        CG_TEST(parse_keeps_quoted_values),
        CG_TEST(parse_equals_inside_value),
        CG_TEST(parse_does_not_modify_header),
        CG_TEST(join_none_gives_empty_string),
        CG_TEST(join_one),
        CG_TEST(join_uses_semicolon_space),
        CG_TEST(join_after_removing_a_crumb),
        CG_TEST(setcookie_simple),
        CG_TEST(setcookie_trims_name_and_value),
        CG_TEST(setcookie_keeps_quotes_and_equals),
        CG_TEST(setcookie_symfony_lowercase_attributes),
        CG_TEST(setcookie_php_attributes),
        CG_TEST(setcookie_attribute_names_any_case),
        CG_TEST(setcookie_domain_and_path_trimmed),
        CG_TEST(setcookie_valueless_path_and_domain_ignored),
        CG_TEST(setcookie_unknown_attributes_ignored),
        CG_TEST(setcookie_nameless_line),
        CG_TEST(setcookie_empty_name_before_equals),
        CG_TEST(setcookie_empty_and_null_line),
        CG_TEST(setcookie_resets_previous_output),
        CG_TEST(setcookie_max_age_non_numeric_ignored),
        CG_TEST(setcookie_max_age_values),
        CG_TEST(setcookie_huge_max_age_is_clamped),
        CG_TEST(setcookie_unparseable_expires_is_zero),
        CG_TEST(deletion_max_age_zero),
        CG_TEST(deletion_negative_max_age),
        CG_TEST(deletion_positive_max_age_is_not),
        CG_TEST(deletion_max_age_beats_expires),
        CG_TEST(deletion_symfony),
        CG_TEST(deletion_php),
        CG_TEST(deletion_past_expires_without_max_age),
        CG_TEST(deletion_epoch_expires_without_max_age),
        CG_TEST(deletion_future_expires_is_not),
        CG_TEST(deletion_unparseable_expires_is_not),
        CG_TEST(deletion_plain_cookie_is_not),
        CG_TEST(deletion_expires_boundary),
        CG_TEST(deletion_max_age_from_struct),
        CG_TEST(expiry_plain),
        CG_TEST(expiry_with_domain),
        CG_TEST(expiry_secure),
        CG_TEST(expiry_with_domain_and_secure),
        CG_TEST(expiry_parses_back_as_deletion),
        CG_TEST(name_valid_tokens),
        CG_TEST(name_valid_rejects_non_tokens),
        CG_TEST(setcookie_name_matches_parse),
        CG_TEST(setcookie_deletes_matches_parse),
    };
    CG_RUN_GROUP("cookie", tests);
}
