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

/* Checks that crumb `i` has exactly the inner names given (NULL-ended). */
static void assert_inner(const apr_array_header_t *arr, int i,
                         const char *const *want)
{
    const cg_crumb_t *c = &APR_ARRAY_IDX(arr, i, cg_crumb_t);
    int n = 0;

    if (!want[0]) {
        assert_null(c->inner);
        return;
    }
    assert_non_null(c->inner);
    for (; want[n]; ++n) {
        assert_non_null(c->inner[n]);
        assert_string_equal(c->inner[n], want[n]);
    }
    assert_null(c->inner[n]);
}

static void parse_merged_lines_stay_one_pair(void **state)
{
    /* httpd merges two HTTP/1.1 Cookie lines with ", "; a browser stores
     * "a=1, b=2" as one cookie a, so the pair is never cut: the name after
     * the comma is exposed so the pair can be judged by it too */
    static const char *const b[] = { "b", NULL };
    apr_array_header_t *a = cg_cookie_parse(*state, "a=1, b=2");

    assert_int_equal(a->nelts, 1);
    assert_crumb(a, 0, "a", "1, b=2", "a=1, b=2");
    assert_inner(a, 0, b);
}

static void parse_merged_lines_with_semicolons(void **state)
{
    static const char *const none[] = { NULL };
    static const char *const c[] = { "c", NULL };
    static const char *const e[] = { "e", NULL };
    apr_array_header_t *a = cg_cookie_parse(*state,
                                            "a=1; b=2, c=3; d=4,e=5");

    assert_int_equal(a->nelts, 3);
    assert_crumb(a, 0, "a", "1", "a=1");
    assert_inner(a, 0, none);
    assert_crumb(a, 1, "b", "2, c=3", "b=2, c=3");
    assert_inner(a, 1, c);
    assert_crumb(a, 2, "d", "4,e=5", "d=4,e=5");
    assert_inner(a, 2, e);
}

static void parse_json_value_with_commas_is_one_crumb(void **state)
{
    static const char *const none[] = { NULL };
    apr_array_header_t *a = cg_cookie_parse(*state,
                                            "klaro={\"a\":true,\"b\":false}");

    assert_int_equal(a->nelts, 1);
    assert_crumb(a, 0, "klaro", "{\"a\":true,\"b\":false}",
                 "klaro={\"a\":true,\"b\":false}");
    assert_inner(a, 0, none);
}

static void parse_json_value_then_merged_line(void **state)
{
    static const char *const mtc[] = { "mtc_id", NULL };
    apr_array_header_t *a = cg_cookie_parse(*state,
        "klaro={\"a\":true, \"b\":false}, mtc_id=7; z=9");

    assert_int_equal(a->nelts, 2);
    assert_crumb(a, 0, "klaro", "{\"a\":true, \"b\":false}, mtc_id=7",
                 "klaro={\"a\":true, \"b\":false}, mtc_id=7");
    assert_inner(a, 0, mtc);
    assert_crumb(a, 1, "z", "9", "z=9");
}

static void parse_several_inner_names(void **state)
{
    static const char *const want[] = { "b", "c", "d", "e", "f", NULL };
    apr_array_header_t *a = cg_cookie_parse(*state,
        "a=1, b=2,c=3 ,  d=, e==, f=x, =g, h i=1, ,");

    assert_int_equal(a->nelts, 1);
    assert_inner(a, 0, want);
}

static void parse_many_pairs_grow_the_array(void **state)
{
    char header[2000];
    apr_array_header_t *a;
    int i, n = 0;

    for (i = 0; i < 100; ++i) {
        n += snprintf(header + n, sizeof(header) - n, "%sc%d=v%d",
                      i ? "; " : "", i, i);
    }
    a = cg_cookie_parse(*state, header);
    assert_int_equal(a->nelts, 100);
    assert_crumb(a, 0, "c0", "v0", "c0=v0");
    assert_crumb(a, 16, "c16", "v16", "c16=v16");
    assert_crumb(a, 99, "c99", "v99", "c99=v99");
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

    /* pairs whole, whatever their commas: only the separators change */
    assert_string_equal(cg_cookie_join(*state, a),
                        "a=1; b = 2; lonely, c=3");
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
        "a=b; Max-Age=+-5",
        "a=b; Max-Age=++5",
        "a=b; Max-Age=\"0\"",
        "a=b; Max-Age=1e0",
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

    /* either side of the 18 digits read without an overflow check */
    cg_setcookie_parse(*state, "a=b; Max-Age=999999999999999999", &sc);
    assert_true(sc.max_age == APR_INT64_C(999999999999999999));
    cg_setcookie_parse(*state, "a=b; Max-Age=-000000000000000001", &sc);
    assert_true(sc.max_age == -1);
    cg_setcookie_parse(*state, "a=b; Max-Age=9223372036854775807", &sc);
    assert_true(sc.max_age == APR_INT64_MAX);
    cg_setcookie_parse(*state, "a=b; Max-Age=9223372036854775808", &sc);
    assert_true(sc.max_age == APR_INT64_MAX);
    cg_setcookie_parse(*state, "a=b; Max-Age=0000000000000000000000042", &sc);
    assert_true(sc.max_age == 42);
    cg_setcookie_parse(*state, "a=b; Max-Age=12345678901234567x", &sc);
    assert_false(sc.has_max_age);
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
    /* a browser holds a cookie expired once now >= its expiry: an
     * Expires of exactly now deletes */
    assert_true(deletes(*state, "a=x; Expires=Sat, 22 Nov 2025 19:00:00 GMT"));
    assert_false(deletes(*state, "a=x; Expires=Sat, 22 Nov 2025 19:00:01 GMT"));
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
        /* the gate's first question: a valid line's lifetime alone */
        if (sc.valid && full != cg_setcookie_lifetime_ends(lines[i], NOW)) {
            fail_tap("'%s': parser says %d, lifetime reading %d", lines[i],
                     full, !full);
        }
    }
    /* a line the lifetime reading lets go is never parsed further */
    assert_false(cg_setcookie_lifetime_ends(
        "a=1; expires=Mon, 22-Nov-2027 19:00:00 GMT; Max-Age=x", NOW));
    assert_true(cg_setcookie_lifetime_ends(
        "a=1; Max-Age=5; expires=Mon, 22-Nov-2027 19:00:00 GMT; max-age=0", NOW));
    assert_true(cg_setcookie_lifetime_ends(
        "a=1; Max-Age=zero; Expires=Thu, 01 Jan 1970 00:00:00 GMT", NOW));
    assert_true(cg_setcookie_deletes(p, "a=; Max-Age=0", NOW));
    assert_false(cg_setcookie_deletes(p, NULL, NOW));
}

/* ---- RFC 6265bis and Chromium: every case below was checked against
 * Debian's chromium (pre-seeded jar, then the line) ---- */

/* One table row: a Set-Cookie line and whether a browser deletes on it. */
typedef struct deletion_case {
    const char *line;
    int deletes;
} deletion_case;

static void check_deletions(apr_pool_t *p, const deletion_case *cases)
{
    int i, bad = 0;

    for (i = 0; cases[i].line; ++i) {
        if (deletes(p, cases[i].line) != cases[i].deletes) {
            print_message("'%s': want %s\n", cases[i].line,
                          cases[i].deletes ? "a deletion" : "no deletion");
            ++bad;
        }
    }
    assert_int_equal(bad, 0);
}

static void browser_last_max_age_wins_even_invalid(void **state)
{
    static const deletion_case cases[] = {
        { "mtc_id=42; Max-Age=0; Max-Age=abc", 0 },
        { "mtc_id=42; Max-Age=0; Max-Age=", 0 },
        { "mtc_id=42; Max-Age=0; Max-Age", 0 },
        { "mtc_id=42; Max-Age=0; max-age=x", 0 },
        { "m=; Max-Age=0; a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a; Max-Age=5", 0 },
        { "m=; a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a; Max-Age=0", 1 },
        { "m=; Max-Age=5; Max-Age=0", 1 },
        /* an invalid last Max-Age falls back to Expires */
        { "m=; Max-Age=0; Max-Age=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT", 1 },
        /* Max_Age is no Max-Age */
        { "m=; Max-Age=0; Max_Age=5", 1 },
        { NULL, 0 }
    };

    check_deletions(*state, cases);
}

static void browser_max_age_sign_and_digits(void **state)
{
    static const deletion_case cases[] = {
        { "m=; Max-Age=+0", 1 },
        { "m=; Max-Age=-0", 1 },
        { "m=; Max-Age= 0 ", 1 },
        { "m=; max-age =0", 1 },
        { "m=; Max-Age=0\t", 1 },
        { "m=; Max-Age=00000000000000000000000000000", 1 },
        { "m=; Max-Age=-99999999999999999999999", 1 },
        { "m=; Max-Age=-9223372036854775808", 1 },
        { "m=; Max-Age=-9223372036854775809; Expires=1 Jan 2100 00:00:00", 1 },
        { "m=; Max-Age=0x0", 0 },
        { "m=; Max-Age=+-0", 0 },
        { "m=; Max-Age=++0", 0 },
        { "m=; Max-Age=1e0", 0 },
        { "m=; Max-Age=\"0\"", 0 },
        { "m=; Max-Age=-", 0 },
        { "m=; Max-Age=+", 0 },
        { "m=; Max-Age=9223372036854775807", 0 },
        { "m=; Max-Age=9223372036854775808; Expires=1 Jan 2000 00:00:00", 0 },
        { "m=; Max-Age=99999999999999999999999; "
          "Expires=Thu, 01 Jan 1970 00:00:00 GMT", 0 },
        { NULL, 0 }
    };

    check_deletions(*state, cases);
}

static void browser_dates(void **state)
{
    static const deletion_case cases[] = {
        /* no full h:m:s, ISO forms: no date, a session cookie */
        { "m=; Expires=Thu, 01 Jan 1970", 0 },
        { "m=; Expires=Thu, 01 Jan 1970 00:00 GMT", 0 },
        { "m=; expires=1970-01-01T00:00:00Z", 0 },
        { "m=; Expires=01 Jan 2000 01:02", 0 },
        /* full names, one-digit fields, two-digit years */
        { "m=; Expires=Saturday, 01 January 2000 00:00:00 GMT", 1 },
        { "m=; Expires=1 JANUARY 2000 00:00:00", 1 },
        { "m=; Expires=1 Janitor 2000 00:00:00", 1 },
        { "m=; Expires=1 Ja 2000 00:00:00", 0 },
        { "m=; Expires=01 Jan 2000 0:0:0", 1 },
        { "m=; Expires=01 Jan 2000 1:2:3", 1 },
        { "m=; Expires=01 Jan 70 00:00:00", 1 },
        { "m=; Expires=01 Jan 69 00:00:00", 0 },
        { "m=; Expires=01 Jan 0 00:00:00", 1 },
        { "m=; Expires=01 Jan 00070 00:00:00", 1 },
        /* years before 1601: still dates, long past */
        { "m=; Expires=01 Jan 1600 00:00:00", 1 },
        { "m=; Expires=01 Jan 1601 00:00:00", 1 },
        { "m=; Expires=31 Dec 1600 23:59:59", 1 },
        { "m=; Expires=01 Jan 999 00:00:00", 1 },
        { "m=; Expires=01 Jan 100 00:00:00", 1 },
        { "m=; Expires=31 Feb 1500 00:00:00", 0 },
        { "m=; Expires=1 Jan 1500 24:00:00", 0 },
        /* off the calendar */
        { "m=; Expires=31 Feb 2000 00:00:00", 0 },
        { "m=; Expires=29 Feb 2001 00:00:00", 0 },
        { "m=; Expires=29 Feb 2000 00:00:00", 1 },
        { "m=; Expires=00 Jan 2000 00:00:00", 0 },
        { "m=; Expires=32 Jan 2000 00:00:00", 0 },
        { "m=; Expires=01 Jan 2000 24:00:00", 0 },
        { "m=; Expires=01 Jan 2000 99:00:00", 0 },
        { "m=; Expires=01 Jan 2000 00:60:00", 0 },
        { "m=; Expires=01 Jan 2000 23:59:60", 0 },
        { "m=; Expires=31 Dec 2020 23:59:60", 0 },
        { "m=; Expires=1 Jan 2000 0:0:1000000000000000000000", 0 },
        /* tokens in any order, any delimiter, first of a kind wins */
        { "m=; Expires=Thu, 01-Jan-1970 00:00:00 GMT", 1 },
        { "m=; Expires=Thu Jan 01 00:00:00 1970", 1 },
        { "m=; Expires=Jan 1 2000 00:00:00", 1 },
        { "m=; Expires=2000 Jan 1 00:00:00", 1 },
        { "m=; Expires=1 2000 Jan 00:00:00", 1 },
        { "m=; Expires=01/Jan/2000/00:00:00", 1 },
        { "m=; Expires=01.Jan.2000 00:00:00", 1 },
        { "m=; Expires=\"01 Jan 2000 00:00:00\"", 1 },
        { "m=; Expires=1 Jan 2000 00:00:00 +0100", 1 },
        { "m=; Expires=Mon, 1 Jan 2000 12:00:00 PST", 1 },
        { "m=; Expires=01 Jan 2000 -1:00:00", 1 },
        { "m=; Expires=01 Jan 2000 00:00:00.5", 1 },
        { "m=; Expires=01 Jan 2000 00:00:00 0:0:0", 1 },
        { "m=; Expires=01 Jan 2000 01:00 00:00:00", 1 },
        { "m=; Expires=1 Jan 2000 00:00:00x 01:00:00", 1 },
        { "m=; Expires=1 2 Jan 2000 00:00:00", 1 },
        { "m=; Expires=1 Jan 2000 00:00:00 3", 1 },
        { "m=; Expires=Jan Feb 1 2000 00:00:00", 1 },
        { "m=; Expires=1 Jan 2000 99:00:00 00:00:00", 0 },
        /* time fields of any number of digits, digits only */
        { "m=; Expires=01 Jan 2000 000:00:00", 1 },
        { "m=; Expires=01 Jan 2000 0000:00:00", 1 },
        { "m=; Expires=1 Jan 2000 000000000001:00:00", 1 },
        { "m=; Expires=01 Jan 2000 00:00:00GMT", 0 },
        { "m=; Expires=01 Jan 2000 00:00:", 0 },
        { "m=; Expires=01 Jan 2000 00::00", 0 },
        { "m=; Expires=01 Jan 2000 :00:00", 0 },
        { "m=; Expires=01 Jan 2000 00:00:00:00", 0 },
        { "m=; Expires=01 Jan 2000 x00:00:00", 0 },
        { "m=; Expires=1 Jan 2000 \xc3\xa9" "00:00:00", 0 },
        /* day: 1-2 digits; year: up to 5 digits, digits only */
        { "m=; Expires=001 Jan 2000 00:00:00", 0 },
        { "m=; Expires=01x Jan 2000 00:00:00", 0 },
        { "m=; Expires=01 Jan 2000x 00:00:00", 0 },
        { "m=; Expires=01Jan2000 00:00:00", 0 },
        { "m=; Expires=01 Jan 12345 00:00:00", 0 },
        { "m=; Expires=01 Jan 123456 00:00:00", 0 },
        /* the last Expires wins, even when it is no date */
        { "m=; Expires=01 Jan 2000 00:00:00; Expires=garbage", 0 },
        { "m=; Expires=garbage; Expires=01 Jan 2000 00:00:00", 1 },
        { "m=; Expires=1 Jan 2000 00:00:00; Expires=", 0 },
        { "m=; Expires=1 Jan 2000 00:00:00; Expires", 0 },
        { NULL, 0 }
    };

    check_deletions(*state, cases);
}

static void browser_refuses_line(void **state)
{
    static const deletion_case cases[] = {
        /* a tab inside a part refuses the whole line: no deletion */
        { "m=a\tb; Max-Age=0", 0 },
        { "m=1; Path=/a\tb; Max-Age=0", 0 },
        { "m=1; Max-Age=0; Foo=a\tb", 0 },
        /* prefixes without their attributes (any case) */
        { "__Host-m=; Max-Age=0; Path=/", 0 },
        { "__host-m=; Max-Age=0; Path=/", 0 },
        { "__Host-m=; Max-Age=0; Secure; Path=/x", 0 },
        { "__Host-m=; Max-Age=0; Secure", 0 },
        { "__Host-m=; Max-Age=0; Secure; Path=/; Domain=example.org", 0 },
        { "__Host-m=; Max-Age=0; Secure; Path=/", 1 },
        { "__Secure-m=; Max-Age=0", 0 },
        { "__SECURE-m=; Max-Age=0", 0 },
        { "__SECURE-m=; Max-Age=0; Secure", 1 },
        /* nameless lines: empty, with '=' or a prefix in the value */
        { "=; Max-Age=0", 0 },
        { "=m=1; Max-Age=0", 0 },
        { "=__Host-m; Max-Age=0", 0 },
        { "m; Max-Age=0", 1 },
        { "=m; Max-Age=0", 1 },
        /* an attribute value over 1024 bytes is ignored */
        { "m=; Max-Age=0; Max-Age=1111111111111111111111111111111111111111"
          "1111111111111111111111111111111111111111111111111111111111111111"
          "1111111111111111111111111111111111111111111111111111111111111111"
          "1111111111111111111111111111111111111111111111111111111111111111"
          "1111111111111111111111111111111111111111111111111111111111111111"
          "1111111111111111111111111111111111111111111111111111111111111111"
          "1111111111111111111111111111111111111111111111111111111111111111"
          "1111111111111111111111111111111111111111111111111111111111111111"
          "1111111111111111111111111111111111111111111111111111111111111111"
          "1111111111111111111111111111111111111111111111111111111111111111"
          "1111111111111111111111111111111111111111111111111111111111111111"
          "1111111111111111111111111111111111111111111111111111111111111111"
          "1111111111111111111111111111111111111111111111111111111111111111"
          "1111111111111111111111111111111111111111111111111111111111111111"
          "1111111111111111111111111111111111111111111111111111111111111111"
          "1111111111111111111111111111111111111111111111111111111111111111"
          "11111111111111111111111111", 1 },
        { NULL, 0 }
    };
    cg_setcookie_t sc;
    char *big;

    check_deletions(*state, cases);
    /* name plus value: 4096 bytes are kept, 4097 refuse the line */
    big = apr_palloc(*state, 4200);
    memset(big, 'x', 4200);
    memcpy(big, "m=", 2);
    strcpy(big + 4097, "; Max-Age=0");
    cg_setcookie_parse(*state, big, &sc);
    assert_true(sc.valid);
    assert_true(cg_setcookie_is_deletion(&sc, NOW));
    memset(big, 'x', 4200);
    memcpy(big, "m=", 2);
    strcpy(big + 4098, "; Max-Age=0");
    cg_setcookie_parse(*state, big, &sc);
    assert_false(sc.valid);
    assert_false(cg_setcookie_is_deletion(&sc, NOW));
}

static void date_values(void **state)
{
    apr_time_t t;

    (void)state;
    assert_true(cg_cookie_date("Thu, 01 Jan 1970 00:00:00 GMT", 29, &t));
    assert_true(t == 0);
    assert_true(cg_cookie_date("Sat, 22 Nov 2025 19:00:00 GMT", 29, &t));
    assert_true(t == NOW);
    assert_true(cg_cookie_date("1 Jan 69 0:0:0", 14, &t));
    assert_true(t == apr_time_from_sec(APR_INT64_C(3124224000)));
    assert_true(cg_cookie_date("29 Feb 2000 23:59:59", 20, &t));
    assert_true(t == apr_time_from_sec(APR_INT64_C(951868799)));
    assert_true(cg_cookie_date("31 Dec 1969 23:59:59", 20, &t));
    assert_true(t == apr_time_from_sec(-1));
    assert_true(cg_cookie_date("01 Jan 1601 00:00:00", 20, &t));
    assert_true(t == apr_time_from_sec(APR_INT64_C(-11644473600)));
    /* the length bounds the text */
    assert_false(cg_cookie_date("01 Jan 2000 00:00:00", 11, &t));
    assert_false(cg_cookie_date("", 0, &t));
}

static void setcookie_nameless_forms(void **state)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(*state, "=mtc_id=42; Path=/", &sc);
    assert_string_equal(sc.name, "");
    assert_string_equal(sc.value, "mtc_id=42");
    assert_false(sc.valid);
    assert_string_equal(cg_cookie_inner_name(*state, sc.value), "mtc_id");
    cg_setcookie_parse(*state, " = mtc_id = 42 ", &sc);
    assert_string_equal(cg_cookie_inner_name(*state, sc.value), "mtc_id");
    cg_setcookie_parse(*state, "mtc_id", &sc);
    assert_string_equal(sc.name, "");
    assert_string_equal(sc.value, "mtc_id");
    assert_true(sc.valid);
    assert_null(cg_cookie_inner_name(*state, sc.value));
    assert_null(cg_cookie_inner_name(*state, "=x"));
    assert_null(cg_cookie_inner_name(*state, NULL));
}

static void setcookie_last_path_domain_samesite(void **state)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(*state, "a=1; Path=/x; Domain=a.org; SameSite=None; "
                       "path=/y; DOMAIN=b.org; samesite=Lax; Partitioned; "
                       "Secure", &sc);
    assert_string_equal(sc.path, "/y");
    assert_string_equal(sc.domain, "b.org");
    assert_string_equal(sc.samesite, "Lax");
    assert_true(sc.partitioned);
    assert_true(sc.secure);
    assert_true(sc.valid);
}

/* ---- canonical deletions ---- */

static const char *canonical(apr_pool_t *p, const char *line)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(p, line, &sc);
    return cg_setcookie_canonical_deletion(p, &sc);
}

static void canonical_deletion_forms(void **state)
{
    apr_pool_t *p = *state;

    assert_string_equal(canonical(p, "mtc_id=42; Max-Age=0; Max-Age=-1"),
                        "mtc_id=; Max-Age=0; "
                        "Expires=Thu, 01 Jan 1970 00:00:00 GMT");
    assert_string_equal(canonical(p, " mtc_id = \"42\" ; expires=Thu, "
                                  "01 Jan 1970 00:00:00 GMT; path=/a; "
                                  "domain=.example.org; secure; httponly; "
                                  "samesite=none"),
                        "mtc_id=; Max-Age=0; "
                        "Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/a; "
                        "Domain=.example.org; Secure; SameSite=none");
    assert_string_equal(canonical(p, "x=1; Max-Age=0; Partitioned; "
                                  "SameSite=bogus"),
                        "x=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 "
                        "GMT; Secure; Partitioned");
    /* the prefixes' rules hold whatever the line said */
    assert_string_equal(canonical(p, "__Host-mtc_id=1; Max-Age=0; Path=/a; "
                                  "Domain=example.org"),
                        "__Host-mtc_id=; Max-Age=0; "
                        "Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; "
                        "Secure");
    assert_string_equal(canonical(p, "__secure-x=1; Max-Age=0; Path=/b"),
                        "__secure-x=; Max-Age=0; "
                        "Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/b; "
                        "Secure");
    /* nameless lines and non-token names have no canonical deletion */
    assert_null(canonical(p, "x; Max-Age=0"));
    assert_null(canonical(p, "=x; Max-Age=0"));
    assert_null(canonical(p, "a b=; Max-Age=0"));
}

static void canonical_deletion_deletes_the_same_cookie(void **state)
{
    apr_pool_t *p = *state;
    static const char *const lines[] = {
        "mtc_id=42; Max-Age=0",
        "mtc_id=42; Max-Age=+0; Path=/x; Domain=a.org",
        "__Host-mtc_id=42; Max-Age=0; Secure; Path=/",
        "__Secure-mautic_device_id=1; Expires=Saturday, 01 January 2000 "
        "0:0:0 GMT; Secure; SameSite=None",
        "m=1; Expires=01 Jan 70 00:00:00; Path=/",
        NULL
    };
    int i;

    for (i = 0; lines[i]; ++i) {
        cg_setcookie_t a, b;
        const char *c;

        cg_setcookie_parse(p, lines[i], &a);
        assert_true(cg_setcookie_is_deletion(&a, NOW));
        c = cg_setcookie_canonical_deletion(p, &a);
        assert_non_null(c);
        cg_setcookie_parse(p, c, &b);
        assert_true(b.valid);
        assert_true(cg_setcookie_is_deletion(&b, NOW));
        assert_string_equal(b.name, a.name);
        assert_string_equal(b.value, "");
        assert_true((!a.domain && !b.domain) || !strncasecmp(a.name, "__Host-", 7)
                    || (a.domain && b.domain && !strcmp(a.domain, b.domain)));
        assert_int_equal(b.secure, a.secure || a.partitioned
                         || !strncasecmp(a.name, "__", 2));
    }
}

static void expiry_prefixed_names_follow_prefix_rules(void **state)
{
    apr_pool_t *p = *state;
    cg_setcookie_t sc;

    assert_string_equal(cg_setcookie_expiry(p, "__Host-mtc_id", "example.org",
                                            0),
                        "__Host-mtc_id=; Max-Age=0; "
                        "Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; "
                        "Secure");
    cg_setcookie_parse(p, cg_setcookie_expiry(p, "__HOST-x", "a.org", 0), &sc);
    assert_true(sc.valid);
    assert_true(cg_setcookie_is_deletion(&sc, NOW));
    assert_string_equal(cg_setcookie_expiry(p, "__Secure-x", "a.org", 0),
                        "__Secure-x=; Max-Age=0; "
                        "Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; "
                        "Domain=a.org; Secure");
    cg_setcookie_parse(p, cg_setcookie_expiry(p, "__secure-x", NULL, 0), &sc);
    assert_true(sc.valid);
    assert_true(cg_setcookie_is_deletion(&sc, NOW));
}

/* ---- names ---- */

static void names_unprefixed(void **state)
{
    (void)state;
    assert_string_equal(cg_cookie_unprefixed("__Host-mtc_id"), "mtc_id");
    assert_string_equal(cg_cookie_unprefixed("__host-mtc_id"), "mtc_id");
    assert_string_equal(cg_cookie_unprefixed("__SECURE-mautic_device_id"),
                        "mautic_device_id");
    assert_string_equal(cg_cookie_unprefixed("__Host-__Secure-x"), "x");
    assert_string_equal(cg_cookie_unprefixed("__Hostx"), "__Hostx");
    assert_string_equal(cg_cookie_unprefixed("_Host-x"), "_Host-x");
    assert_string_equal(cg_cookie_unprefixed("mtc_id"), "mtc_id");
    assert_string_equal(cg_cookie_unprefixed(""), "");
}

static void names_php(void **state)
{
    /* each checked with PHP 8.2's $_COOKIE */
    static const char *const cases[][2] = {
        { "a.b", "a_b" }, { "c d", "c_d" }, { " x.y", "x_y" },
        { "mautic.device.id", "mautic_device_id" },
        { "mautic%2Edevice_id", "mautic%2Edevice_id" },
        { "a[b", "a_b" }, { "a[b.c", "a_b_c" }, { "a[b[c", "a_b_c" },
        { "a[b]", "a" }, { "a[]", "a" }, { "a[b]c", "a" }, { "a b[x]", "a_b" },
        { "a[b.c]", "a" }, { "a.[", "a__" }, { "x[[", "x__" },
        { "a]b[c", "a]b_c" }, { "a..b[ ", "a__b__" }, { "a]b", "a]b" },
        { "[a", "" }, { "", "" }, { "  ", "" }, { "a+b", "a+b" },
        { "__Host-x", "__Host-x" }, { "mtc_id", "mtc_id" },
        { NULL, NULL }
    };
    int i;
    const char *plain = "mtc_id";

    for (i = 0; cases[i][0]; ++i) {
        const char *got = cg_cookie_php_name(*state, cases[i][0]);
        if (strcmp(got, cases[i][1])) {
            fail_tap("'%s': PHP reads '%s', got '%s'", cases[i][0],
                     cases[i][1], got);
        }
    }
    /* no copy when nothing changes */
    assert_ptr_equal(cg_cookie_php_name(*state, plain), plain);
}

typedef struct seen_names {
    const char *names[16];
    int n;
    const char *refuse;
} seen_names;

static int collect_name(void *ctx, const char *name)
{
    seen_names *s = ctx;

    if (s->n < 16) {
        s->names[s->n++] = name;
    }
    return !s->refuse || strcmp(s->refuse, name);
}

static void assert_names(const seen_names *s, const char *const *want)
{
    int i;

    for (i = 0; want[i]; ++i) {
        assert_true(i < s->n);
        assert_string_equal(s->names[i], want[i]);
    }
    assert_int_equal(s->n, i);
}

static void crumb_every_name(void **state)
{
    apr_pool_t *p = *state;
    apr_array_header_t *a = cg_cookie_parse(p,
        "__Host-mautic.device.id=1; =mtc_id=42; shop=1, __Secure-mtc_id=2; "
        "plain=1");
    seen_names s;
    static const char *const w0[] = { "mautic.device.id", "mautic_device_id",
                                      NULL };
    static const char *const w1[] = { "", "mtc_id", NULL };
    static const char *const w2[] = { "shop", "mtc_id", NULL };
    static const char *const w3[] = { "plain", NULL };
    static const char *const w2stop[] = { "shop", NULL };

    assert_int_equal(a->nelts, 4);
    memset(&s, 0, sizeof(s));
    assert_true(cg_crumb_every_name(p, &APR_ARRAY_IDX(a, 0, cg_crumb_t),
                                    collect_name, &s));
    assert_names(&s, w0);
    memset(&s, 0, sizeof(s));
    assert_true(cg_crumb_every_name(p, &APR_ARRAY_IDX(a, 1, cg_crumb_t),
                                    collect_name, &s));
    assert_names(&s, w1);
    memset(&s, 0, sizeof(s));
    assert_true(cg_crumb_every_name(p, &APR_ARRAY_IDX(a, 2, cg_crumb_t),
                                    collect_name, &s));
    assert_names(&s, w2);
    memset(&s, 0, sizeof(s));
    assert_true(cg_crumb_every_name(p, &APR_ARRAY_IDX(a, 3, cg_crumb_t),
                                    collect_name, &s));
    assert_names(&s, w3);
    /* the first refusal stops the walk and refuses the pair */
    memset(&s, 0, sizeof(s));
    s.refuse = "shop";
    assert_false(cg_crumb_every_name(p, &APR_ARRAY_IDX(a, 2, cg_crumb_t),
                                     collect_name, &s));
    assert_names(&s, w2stop);
}

static void setcookie_every_name(void **state)
{
    apr_pool_t *p = *state;
    cg_setcookie_t sc;
    seen_names s;
    static const char *const w0[] = { "mtc_id", NULL };
    static const char *const w1[] = { "", "mautic_device_id", NULL };
    static const char *const w2[] = { "a.b", "a_b", NULL };
    static const char *const w3[] = { "a", "mtc_id", NULL };

    cg_setcookie_parse(p, "__Host-mtc_id=1; Secure; Path=/", &sc);
    memset(&s, 0, sizeof(s));
    assert_true(cg_setcookie_every_name(p, &sc, collect_name, &s));
    assert_names(&s, w0);
    cg_setcookie_parse(p, "=__Secure-mautic_device_id=1", &sc);
    memset(&s, 0, sizeof(s));
    assert_true(cg_setcookie_every_name(p, &sc, collect_name, &s));
    assert_names(&s, w1);
    cg_setcookie_parse(p, "a=1, __Host-mtc_id=2, x", &sc);
    memset(&s, 0, sizeof(s));
    assert_true(cg_setcookie_every_name(p, &sc, collect_name, &s));
    assert_names(&s, w3);
    cg_setcookie_parse(p, "__Secure-a.b=1; Secure", &sc);
    memset(&s, 0, sizeof(s));
    s.refuse = "a_b";
    assert_false(cg_setcookie_every_name(p, &sc, collect_name, &s));
    assert_names(&s, w2);
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
        CG_TEST(parse_merged_lines_stay_one_pair),
        CG_TEST(parse_merged_lines_with_semicolons),
        CG_TEST(parse_several_inner_names),
        CG_TEST(parse_many_pairs_grow_the_array),
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
        CG_TEST(browser_last_max_age_wins_even_invalid),
        CG_TEST(browser_max_age_sign_and_digits),
        CG_TEST(browser_dates),
        CG_TEST(browser_refuses_line),
        CG_TEST(date_values),
        CG_TEST(setcookie_nameless_forms),
        CG_TEST(setcookie_last_path_domain_samesite),
        CG_TEST(canonical_deletion_forms),
        CG_TEST(canonical_deletion_deletes_the_same_cookie),
        CG_TEST(expiry_prefixed_names_follow_prefix_rules),
        CG_TEST(names_unprefixed),
        CG_TEST(names_php),
        CG_TEST(crumb_every_name),
        CG_TEST(setcookie_every_name),
    };
    CG_RUN_GROUP("cookie", tests);
}
