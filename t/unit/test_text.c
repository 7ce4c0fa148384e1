/* test_text.c: unit tests (cmocka) for lib/cg_text.c: the rules about
 * text written once for the whole module (optional whitespace, "string in
 * set", HTML escaping, urlencoded forms). */
#include "unit.h"

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "cg_text.h"

static apr_array_header_t *set_of(apr_pool_t *p, const char *const *s)
{
    apr_array_header_t *a = apr_array_make(p, 4, sizeof(const char *));

    for (; *s; ++s) {
        APR_ARRAY_PUSH(a, const char *) = *s;
    }
    return a;
}

static void ows_is_space_and_tab(void **state)
{
    int c;

    for (c = 0; c < 256; ++c) {
        assert_int_equal(cg_is_ows(c) != 0, c == ' ' || c == '\t');
    }
}

static void expect_trim(const char *in, const char *want)
{
    const char *b = in, *e = in + strlen(in);

    cg_trim(&b, &e);
    if ((apr_size_t)(e - b) != strlen(want) || memcmp(b, want, e - b)) {
        fail_tap("'%s' trimmed to '%.*s', expected '%s'", in, (int)(e - b),
                 b, want);
    }
}

static void trim_leaves_out_ows_at_both_ends(void **state)
{
    expect_trim("", "");
    expect_trim(" \t ", "");
    expect_trim("a", "a");
    expect_trim(" \ta b\t ", "a b");
    /* only OWS: a newline or a vertical tab is data */
    expect_trim("\na\r", "\na\r");
    expect_trim("\v a \v", "\v a \v");
}

static void in_list_and_in_array(void **state)
{
    static const char *const set[] = { "tracking", "stats", "", NULL };
    apr_array_header_t *arr = set_of(*state, set);

    assert_true(cg_in_list("stats", set));
    assert_true(cg_in_list("", set));
    assert_false(cg_in_list("Stats", set));
    assert_false(cg_in_list("track", set));
    assert_true(cg_in_array("tracking", arr));
    assert_false(cg_in_array("trackingx", arr));
    /* a prefix of a member is not a member, nor a member of a prefix */
    assert_false(cg_mem_in_array("tracking", 5, arr));
    assert_true(cg_mem_in_array("statsXYZ", 5, arr));
    assert_false(cg_in_array("stats", NULL));
    assert_false(cg_in_array("x", apr_array_make(*state, 1,
                                                  sizeof(const char *))));
}

static void html_escape_five_characters(void **state)
{
    static const char plain[] = "/consentgate/a b?c=d;e";

    assert_string_equal(cg_html_escape(*state, "a&b<c>d\"e'f"),
                        "a&amp;b&lt;c&gt;d&quot;e&#39;f");
    assert_string_equal(cg_html_escape(*state, "&&"), "&amp;&amp;");
    assert_string_equal(cg_html_escape(*state, ""), "");
    /* nothing to escape: no copy */
    assert_ptr_equal(cg_html_escape(*state, plain), plain);
}

static void form_decode_plus_and_escapes(void **state)
{
    char *out;
    apr_size_t len;
    const char *err = NULL;

    assert_true(cg_form_decode(*state, "a+b%2Fc%2fd", 11, &out, &len, &err));
    assert_string_equal(out, "a b/c/d");
    assert_int_equal(len, 7);
    assert_true(cg_form_decode(*state, "", 0, &out, &len, &err));
    assert_string_equal(out, "");
    assert_false(cg_form_decode(*state, "%zz", 3, &out, &len, &err));
    assert_string_equal(err, "bad percent escape in the form");
    assert_false(cg_form_decode(*state, "ab%2", 4, &out, &len, NULL));
    assert_false(cg_form_decode(*state, "a%00b", 5, &out, &len, &err));
    assert_string_equal(err, "NUL byte in the form");
    assert_false(cg_form_decode(*state, "a\0b", 3, &out, &len, &err));
}

static void form_pairs_stepped_through(void **state)
{
    static const char form[] = "&a=1&&b&=2&c=&d=x=y&";
    static const char *const want[][2] = {
        { "a", "1" }, { "b", "" }, { "", "2" }, { "c", "" }, { "d", "x=y" }
    };
    const char *s = form, *end = form + sizeof(form) - 1, *n, *v;
    apr_size_t nl, vl, i = 0;

    while (cg_form_next(&s, end, &n, &nl, &v, &vl)) {
        if (i >= sizeof(want) / sizeof(want[0])
            || nl != strlen(want[i][0]) || memcmp(n, want[i][0], nl)
            || vl != strlen(want[i][1]) || memcmp(v, want[i][1], vl)) {
            fail_tap("pair %zu: '%.*s'='%.*s'", i, (int)nl, n, (int)vl, v);
        }
        ++i;
    }
    assert_int_equal(i, sizeof(want) / sizeof(want[0]));
}

static const char *field(apr_pool_t *p, const char *form, const char *name)
{
    return cg_form_field(p, form, strlen(form), name);
}

static void form_field_first_decoded(void **state)
{
    apr_pool_t *p = *state;

    assert_string_equal(field(p, "return_to=%2Fa%2Fb", "return_to"), "/a/b");
    assert_string_equal(field(p, "x=1&u=%2Fp+q&u=2", "u"), "/p q");
    /* names are compared decoded, whole */
    assert_string_equal(field(p, "return%5Fto=/x", "return_to"), "/x");
    assert_null(field(p, "return_to_x=/x", "return_to"));
    assert_null(field(p, "xreturn_to=/x", "return_to"));
    assert_string_equal(field(p, "u", "u"), "");
    assert_null(field(p, "", "u"));
    assert_null(cg_form_field(p, NULL, 0, "u"));
    /* a badly encoded value is no value */
    assert_null(field(p, "u=%zz&u=/ok", "u"));
    assert_null(field(p, "u=a%00b", "u"));
    /* the length counts, not a NUL */
    assert_null(cg_form_field(p, "a=1&u=2", 3, "u"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CG_TEST(ows_is_space_and_tab),
        CG_TEST(trim_leaves_out_ows_at_both_ends),
        CG_TEST(in_list_and_in_array),
        CG_TEST(html_escape_five_characters),
        CG_TEST(form_decode_plus_and_escapes),
        CG_TEST(form_pairs_stepped_through),
        CG_TEST(form_field_first_decoded),
    };
    CG_RUN_GROUP("text", tests);
}
