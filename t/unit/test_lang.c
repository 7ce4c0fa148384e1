/* test_lang.c: unit tests (cmocka) for lib/cg_lang.c: language tags and
 * the Accept-Language negotiation that picks the banner's language. */
#include "unit.h"

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "cg_lang.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* en (default), de, fr-CH */
static const apr_array_header_t *three_languages(apr_pool_t *p)
{
    apr_array_header_t *a = apr_array_make(p, 3, sizeof(const char *));

    APR_ARRAY_PUSH(a, const char *) = "en";
    APR_ARRAY_PUSH(a, const char *) = "de";
    APR_ARRAY_PUSH(a, const char *) = "fr-CH";
    return a;
}

static int has_string(const apr_array_header_t *a, const char *s)
{
    int i;

    for (i = 0; i < a->nelts; ++i) {
        if (!strcmp(APR_ARRAY_IDX(a, i, const char *), s)) {
            return 1;
        }
    }
    return 0;
}


static void expect_pick(const apr_array_header_t *b, const char *header,
                        const char *want)
{
    const char *got = cg_lang_pick(b, header);

    if (!got || strcmp(got, want)) {
        fail_tap("Accept-Language '%s': '%s', expected '%s'",
                 header ? header : "(none)", got ? got : "(NULL)", want);
    }
}

static void pick_without_header_gives_default(void **state)
{
    const apr_array_header_t *b = three_languages(*state);

    expect_pick(b, NULL, "en");
    expect_pick(b, "", "en");
    expect_pick(b, " ", "en");
    expect_pick(b, ",,,", "en");
}

static void pick_exact_match(void **state)
{
    const apr_array_header_t *b = three_languages(*state);

    expect_pick(b, "de", "de");
    expect_pick(b, "fr-CH", "fr-CH");
    expect_pick(b, " de ", "de");
}

static void pick_truncates_range(void **state)
{
    /* RFC 4647 lookup: de-AT, then de */
    const apr_array_header_t *b = three_languages(*state);

    expect_pick(b, "de-AT", "de");
    expect_pick(b, "de-CH-1996", "de");
    expect_pick(b, "fr-CH-x-foo", "fr-CH");
}

static void pick_prefix_takes_regional_language(void **state)
{
    const apr_array_header_t *b = three_languages(*state);

    expect_pick(b, "fr", "fr-CH");
    expect_pick(b, "fr-FR", "fr-CH");
    /* a prefix only up to a subtag boundary: "f" is not "fr" */
    expect_pick(b, "f", "en");
}

static void pick_ignores_case(void **state)
{
    const apr_array_header_t *b = three_languages(*state);

    expect_pick(b, "FR-ch", "fr-CH");
    expect_pick(b, "DE", "de");
    expect_pick(b, "De-aT", "de");
}

static void pick_orders_by_q(void **state)
{
    const apr_array_header_t *b = three_languages(*state);

    expect_pick(b, "en;q=0.2, de;q=0.9", "de");
    expect_pick(b, "en;q=0.2,de;q=0.9", "de");
    expect_pick(b, "it, en;q=0.5, de;q=0.8", "de");
    expect_pick(b, "de;q=0.001, fr;q=0.002", "fr-CH");
    expect_pick(b, "de;q=0.5, fr-CH", "fr-CH");
    expect_pick(b, "de; q=0.5, fr;Q=1.0", "fr-CH");
    expect_pick(b, "en;q=0.9 , de;q=1", "de");
}

static void pick_excludes_q_zero(void **state)
{
    const apr_array_header_t *b = three_languages(*state);

    expect_pick(b, "de;q=0, en", "en");
    expect_pick(b, "de;q=0.000, fr;q=0.1", "fr-CH");
    expect_pick(b, "de;q=0", "en");
}

static void pick_star_gives_default(void **state)
{
    const apr_array_header_t *b = three_languages(*state);

    expect_pick(b, "*", "en");
    expect_pick(b, "it, *;q=0.5", "en");
    expect_pick(b, "*;q=0.1, de;q=0.5", "de");
}

static void pick_skips_malformed_q(void **state)
{
    const apr_array_header_t *b = three_languages(*state);

    expect_pick(b, "de;q=2", "en");
    expect_pick(b, "de;q=abc", "en");
    expect_pick(b, "de;q=1.5, fr;q=0.1", "fr-CH");
    expect_pick(b, "de;q=abc, fr;q=0.1", "fr-CH");
    expect_pick(b, "de;q=0.0001, fr;q=0.1", "fr-CH");
    expect_pick(b, "de;q=-1, fr;q=0.1", "fr-CH");
    expect_pick(b, "de;x=1, fr;q=0.1", "fr-CH");
    expect_pick(b, "de;q=, fr;q=0.1", "fr-CH");
}

static void pick_equal_q_keeps_header_order(void **state)
{
    const apr_array_header_t *b = three_languages(*state);

    expect_pick(b, "fr;q=0.5, de;q=0.5", "fr-CH");
    expect_pick(b, "de;q=0.5, fr;q=0.5", "de");
    expect_pick(b, "fr, de", "fr-CH");
    expect_pick(b, "de, fr", "de");
    expect_pick(b, "it;q=0.5, fr;q=0.5, de;q=0.5, en;q=0.5", "fr-CH");
}

static void pick_long_header_gives_default(void **state)
{
    char *h = apr_palloc(*state, 5001);

    memset(h, 'a', 5000);
    h[5000] = '\0';
    expect_pick(three_languages(*state), h, "en");
    /* even when a match is at its start */
    memcpy(h, "de, ", 4);
    expect_pick(three_languages(*state), h, "en");
}

static void pick_many_ranges_gives_a_language(void **state)
{
    const apr_array_header_t *b = three_languages(*state);
    const apr_array_header_t *langs = b;
    apr_array_header_t *parts = apr_array_make(*state, 100,
                                               sizeof(const char *));
    const char *h, *got;
    int i;

    for (i = 0; i < 99; ++i) {
        APR_ARRAY_PUSH(parts, const char *) = "it";
    }
    APR_ARRAY_PUSH(parts, const char *) = "de";
    h = apr_array_pstrcat(*state, parts, ',');
    got = cg_lang_pick(b, h);
    assert_non_null(got);
    assert_true(has_string(langs, got));
    /* a match among the first ranges is still found */
    APR_ARRAY_IDX(parts, 0, const char *) = "fr;q=0.3";
    h = apr_array_pstrcat(*state, parts, ',');
    expect_pick(b, h, "fr-CH");
}

static void pick_junk_gives_default(void **state)
{
    const apr_array_header_t *b = three_languages(*state);
    static const char *const junk[] = {
        "\xff\xfe", "d\xc3\xa9", "de\xff", ";q=1", ";;;", "de-", "-de",
        "de_DE", "\"de\"", "de;q=0.5;q=0.9", "\t\r\n"
    };
    apr_size_t i;

    for (i = 0; i < N(junk); ++i) {
        expect_pick(b, junk[i], "en");
    }
}

static void language_tags(void **state)
{
    static const char *const good[] = {
        "en", "de-CH", "zh-Hant-TW", "x-klingon", "abcdefgh", "de-CH-1996"
    };
    static const char *const bad[] = {
        "", "-", "de-", "-de", "de_DE", "abcdefghi", "de-abcdefghi", "d\xc3\xa9",
        "de ", "*", "de--CH"
    };
    apr_size_t i;

    for (i = 0; i < N(good); ++i) {
        if (!cg_lang_is_tag(good[i])) {
            fail_tap("'%s' refused", good[i]);
        }
    }
    for (i = 0; i < N(bad); ++i) {
        if (cg_lang_is_tag(bad[i])) {
            fail_tap("'%s' taken for a language tag", bad[i]);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CG_TEST(pick_without_header_gives_default),
        CG_TEST(pick_exact_match),
        CG_TEST(pick_truncates_range),
        CG_TEST(pick_prefix_takes_regional_language),
        CG_TEST(pick_ignores_case),
        CG_TEST(pick_orders_by_q),
        CG_TEST(pick_excludes_q_zero),
        CG_TEST(pick_star_gives_default),
        CG_TEST(pick_skips_malformed_q),
        CG_TEST(pick_equal_q_keeps_header_order),
        CG_TEST(pick_long_header_gives_default),
        CG_TEST(pick_many_ranges_gives_a_language),
        CG_TEST(pick_junk_gives_default),
        CG_TEST(language_tags),
    };
    CG_RUN_GROUP("lang", tests);
}
