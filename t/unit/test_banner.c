/* test_banner.c: unit tests (cmocka) for lib/cg_banner.c: the built-in
 * banner, every check a ConsentBanner file goes through (each refusal
 * names what is wrong), loading from a file, choosing a language from
 * Accept-Language, restricting to the categories the gate knows, and the
 * JSON object banner.js gets (ASCII, HTML-safe, decoding to the texts as
 * written). */
#include "unit.h"

#include <stdlib.h>
#include <unistd.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include <jansson.h>

#include "cg_banner.h"
#include "cg_policy.h"
#include "cg_source.h"

#define SRC "banner.json"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- configs ---- */

#define TRACKING_LABEL "\"categories\": {\"tracking\": {\"label\": \"Track\"}}"
#define EN_TEXTS "\"title\": \"Title\", \"body\": \"Body\", " \
    "\"accept\": \"Accept\", \"reject\": \"Reject\", " TRACKING_LABEL
#define DE_TEXTS "\"title\": \"Titel\", \"body\": \"Text\", " \
    "\"accept\": \"Ja\", \"reject\": \"Nein\", " TRACKING_LABEL
/* A valid consent banner in English, with the members `top` (each
 * followed by ", ") added at the top level. */
#define CONSENT(top) "{" top "\"categories\": [\"tracking\"], " \
    "\"texts\": {\"en\": {" EN_TEXTS "}}}"
/* The same with English texts `en` instead. */
#define CONSENT_EN(en) "{\"categories\": [\"tracking\"], " \
    "\"texts\": {\"en\": {" en "}}}"
/* A notice (no categories) with the texts object `texts`. */
#define NOTICE(texts) "{\"mode\": \"notice\", \"texts\": {" texts "}}"

static const cg_banner_site_t site = {
    "/consentgate", "cg_consent", 7, 15552000LL
};

static cg_banner_t *parse(apr_pool_t *p, const char *json, const char **err)
{
    *err = NULL;
    return cg_banner_parse(p, json, strlen(json), SRC, err);
}

/* `json` must load; fails with the error when it does not. */
static cg_banner_t *expect_ok(apr_pool_t *p, const char *json)
{
    const char *err;
    cg_banner_t *b = parse(p, json, &err);

    if (!b) {
        fail_tap("refused: %s\n  config: %s", err ? err : "(no error)", json);
    }
    return b;
}

/* `json` must be refused with an error that starts with the source name
 * and holds `needle`. */
static void expect_refused(apr_pool_t *p, const char *json, const char *needle)
{
    const char *err;
    cg_banner_t *b = parse(p, json, &err);

    if (b) {
        fail_tap("accepted, expected an error with '%s'\n  config: %s",
                 needle, json);
    }
    if (!err || strncmp(err, SRC ":", strlen(SRC ":"))) {
        fail_tap("error '%s' does not start with '" SRC ":'\n  config: %s",
                 err ? err : "(NULL)", json);
    }
    if (!strstr(err, needle)) {
        fail_tap("error '%s' does not hold '%s'\n  config: %s", err, needle,
                 json);
    }
}

static apr_status_t json_cleanup(void *data)
{
    json_decref((json_t *)data);
    return APR_SUCCESS;
}

/* What banner.js gets for `lang`, decoded; freed with the pool. */
static json_t *render(apr_pool_t *p, const cg_banner_t *b, const char *lang)
{
    const char *s = cg_banner_render(p, b, lang, &site);
    json_error_t jerr;
    json_t *j;

    if (!s) {
        fail_tap("'%s' did not render", lang);
    }
    if (!(j = json_loads(s, 0, &jerr))) {
        fail_tap("the rendering of '%s' is no JSON (%s): %s", lang, jerr.text,
                 s);
    }
    apr_pool_cleanup_register(p, j, json_cleanup, apr_pool_cleanup_null);
    return j;
}

/* The string at a path of object members ("texts", "title", NULL). */
static const char *str_at(json_t *j, ...)
{
    va_list ap;
    const char *k;

    va_start(ap, j);
    while ((k = va_arg(ap, const char *))) {
        j = json_object_get(j, k);
    }
    va_end(ap);
    return json_string_value(j);
}

static void expect_str(json_t *j, const char *key, const char *sub,
                       const char *want)
{
    json_t *v = json_object_get(j, key);
    const char *got;

    if (sub) {
        v = json_object_get(v, sub);
    }
    got = json_string_value(v);
    if (!got || strcmp(got, want)) {
        fail_tap("%s%s%s: '%s', expected '%s'", key, sub ? "." : "",
                 sub ? sub : "", got ? got : "(not a string)", want);
    }
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

/* ---- the built-in banner ---- */

static void default_is_english_with_tracking(void **state)
{
    cg_banner_t *b = cg_banner_default(*state);
    const apr_array_header_t *langs, *cats;

    assert_non_null(b);
    assert_true(cg_banner_is_default(b));
    langs = cg_banner_languages(b);
    assert_int_equal(langs->nelts, 1);
    assert_string_equal(APR_ARRAY_IDX(langs, 0, const char *), "en");
    cats = cg_banner_categories(b);
    assert_int_equal(cats->nelts, 1);
    assert_string_equal(APR_ARRAY_IDX(cats, 0, const char *), "tracking");
}

static void parsed_banner_is_not_default(void **state)
{
    cg_banner_t *b = expect_ok(*state, CONSENT(""));

    assert_false(cg_banner_is_default(b));
}

/* ---- JSON syntax and the top level ---- */

static void syntax_error_names_source_line_and_column(void **state)
{
    /* the stray ']' is line 3, column 5 */
    const char *json = "{\n  \"mode\": \"consent\",\n    ]\n}\n";
    const char *err;

    assert_null(parse(*state, json, &err));
    assert_non_null(err);
    if (strncmp(err, SRC ":3:5: ", strlen(SRC ":3:5: "))) {
        fail_tap("error '%s', expected '" SRC ":3:5: ...'", err);
    }
}

static void syntax_error_column_counts_from_line_start(void **state)
{
    /* the invalid token is line 4, column 15 */
    const char *json = "{\n\"mode\": \"consent\",\n\n  \"position\": x\n}";
    const char *err;

    assert_null(parse(*state, json, &err));
    if (strncmp(err, SRC ":4:15: ", strlen(SRC ":4:15: "))) {
        fail_tap("error '%s', expected '" SRC ":4:15: ...'", err);
    }
}

static void empty_input_refused(void **state)
{
    const char *err = NULL;

    assert_null(cg_banner_parse(*state, "", 0, SRC, &err));
    assert_non_null(err);
    assert_true(!strncmp(err, SRC ":", strlen(SRC ":")));
}

static void duplicate_keys_refused(void **state)
{
    expect_refused(*state, CONSENT("\"mode\": \"consent\", "
                                   "\"mode\": \"notice\", "), "duplicate");
    /* inside texts too: which title would be shown? */
    expect_refused(*state, CONSENT_EN("\"title\": \"a\", " EN_TEXTS),
                   "duplicate");
}

static void top_level_must_be_an_object(void **state)
{
    static const char *const scalars[] = {
        "\"consent\"", "42", "null", "true"
    };
    apr_size_t i;

    expect_refused(*state, "[]", "(top): must be a JSON object");
    expect_refused(*state, "[{\"mode\": \"consent\"}]",
                   "(top): must be a JSON object");
    /* jansson refuses a scalar at the top as a syntax error */
    for (i = 0; i < N(scalars); ++i) {
        expect_refused(*state, scalars[i], SRC ":1:");
    }
}

static void unknown_top_level_member_named(void **state)
{
    expect_refused(*state,
                   CONSENT("\"privacyPolicyURL\": \"/privacy\", "),
                   "unknown member \"privacyPolicyURL\"");
    expect_refused(*state, CONSENT("\"colours\": {}, "),
                   "unknown member \"colours\"");
}

static void unknown_members_below_top_named(void **state)
{
    expect_refused(*state, CONSENT("\"colors\": {\"backgrund\": \"#fff\"}, "),
                   "unknown member \"backgrund\"");
    expect_refused(*state, CONSENT_EN("\"titel\": \"x\", " EN_TEXTS),
                   "unknown member \"titel\"");
}

static void comment_members_ignored(void **state)
{
    expect_ok(*state, CONSENT("\"_comment\": \"ours\", "
                              "\"$schema\": \"https://example.org/s\", "
                              "\"_\": [1, {\"x\": null}], "));
    expect_ok(*state, CONSENT_EN("\"_note\": \"for translators\", "
                                 EN_TEXTS));
    expect_ok(*state, CONSENT("\"colors\": {\"_why\": \"brand\", "
                              "\"text\": \"#000\"}, "));
}

/* ---- mode, position, privacy policy ---- */

static void mode_must_be_consent_or_notice(void **state)
{
    static const char *const configs[] = {
        CONSENT("\"mode\": \"opt-in\", "),
        CONSENT("\"mode\": \"Consent\", "),
        CONSENT("\"mode\": \"consent \", "),
    };
    apr_size_t i;

    for (i = 0; i < N(configs); ++i) {
        expect_refused(*state, configs[i], "mode: ");
    }
    expect_refused(*state, CONSENT("\"mode\": \"\", "), "mode: ");
    expect_refused(*state, CONSENT("\"mode\": 1, "), "mode: ");
    expect_ok(*state, CONSENT("\"mode\": \"consent\", "));
}

static void position_must_be_known(void **state)
{
    static const char *const good[] = {
        CONSENT("\"position\": \"bottom\", "),
        CONSENT("\"position\": \"top\", "),
        CONSENT("\"position\": \"center\", "),
        CONSENT("\"position\": \"bottom-left\", "),
        CONSENT("\"position\": \"bottom-right\", "),
    };
    apr_size_t i;

    for (i = 0; i < N(good); ++i) {
        expect_ok(*state, good[i]);
    }
    expect_refused(*state, CONSENT("\"position\": \"left\", "), "position: ");
    expect_refused(*state, CONSENT("\"position\": \"Top\", "), "position: ");
    expect_refused(*state, CONSENT("\"position\": \"top-left\", "),
                   "position: ");
    expect_refused(*state, CONSENT("\"position\": [\"top\"], "), "position: ");
}

static void policy_url_unsafe_refused(void **state)
{
    static const char *const configs[] = {
        CONSENT("\"privacyPolicyUrl\": \"javascript:alert(1)\", "),
        CONSENT("\"privacyPolicyUrl\": \"//evil.example/x\", "),
        CONSENT("\"privacyPolicyUrl\": \"/\\\\evil.example/x\", "),
        CONSENT("\"privacyPolicyUrl\": \"/a b\", "),
        CONSENT("\"privacyPolicyUrl\": \"/x\\\"y\", "),
        CONSENT("\"privacyPolicyUrl\": \"/x'y\", "),
        CONSENT("\"privacyPolicyUrl\": \"/x<y\", "),
        CONSENT("\"privacyPolicyUrl\": \"/x\\ty\", "),
        CONSENT("\"privacyPolicyUrl\": \"data:text/html,x\", "),
        CONSENT("\"privacyPolicyUrl\": \"privacy.html\", "),
        CONSENT("\"privacyPolicyUrl\": \"ftp://example.org/p\", "),
        CONSENT("\"privacyPolicyUrl\": \"\", "),
    };
    apr_size_t i;

    for (i = 0; i < N(configs); ++i) {
        expect_refused(*state, configs[i], "privacyPolicyUrl: ");
    }
}

static void policy_url_safe_accepted(void **state)
{
    static const char *const urls[] = {
        "https://example.org/p", "http://example.org/privacy?x=1&y=2",
        "/privacy", "/privacy.html#cookies", "/"
    };
    apr_size_t i;

    for (i = 0; i < N(urls); ++i) {
        const char *json = apr_psprintf(*state, CONSENT("\"privacyPolicyUrl\":"
                                                        " \"%s\", "), urls[i]);
        cg_banner_t *b = expect_ok(*state, json);
        if (b) {
            expect_str(render(*state, b, "en"), "policyUrl", NULL, urls[i]);
        }
    }
}

static void policy_url_absent_renders_null(void **state)
{
    cg_banner_t *b = expect_ok(*state, CONSENT(""));

    assert_true(json_is_null(json_object_get(render(*state, b, "en"),
                                             "policyUrl")));
}

/* ---- colours ---- */

static void short_colours_expanded_in_render(void **state)
{
    cg_banner_t *b = expect_ok(*state, CONSENT(
        "\"colors\": {\"background\": \"#abc\", \"text\": \"#000\", "
        "\"primary\": \"#123\", \"primaryText\": \"#FfF\"}, "));
    json_t *j = render(*state, b, "en");

    expect_str(j, "colors", "background", "#aabbcc");
    expect_str(j, "colors", "text", "#000000");
    expect_str(j, "colors", "primary", "#112233");
    expect_str(j, "colors", "primaryText", "#ffffff");
}

static void colours_default_when_not_given(void **state)
{
    cg_banner_t *b = expect_ok(*state, CONSENT("\"colors\": {\"text\": "
                                               "\"#000000\"}, "));
    json_t *j = render(*state, b, "en");

    expect_str(j, "colors", "background", "#ffffff");
    expect_str(j, "colors", "text", "#000000");
    expect_str(j, "colors", "primary", "#1f4fd1");
    expect_str(j, "colors", "primaryText", "#ffffff");
}

static void not_a_colour_refused(void **state)
{
    static const char *const values[] = {
        "red", "#12345", "#ggg", "#1234567", "abc", "#", "#ab", "000000",
        "#12 345", "rgb(0,0,0)"
    };
    apr_size_t i;

    for (i = 0; i < N(values); ++i) {
        const char *json = apr_psprintf(*state, CONSENT("\"colors\": {"
                                        "\"text\": \"%s\"}, "), values[i]);
        expect_refused(*state, json, "colors.text: ");
    }
    expect_refused(*state, CONSENT("\"colors\": \"#fff\", "), "colors: ");
    expect_refused(*state, CONSENT("\"colors\": {\"primary\": 255}, "),
                   "colors.primary: ");
}

static void low_contrast_refused_with_ratio(void **state)
{
    /* #777777 on white is 4.48:1, just under WCAG AA */
    expect_refused(*state, CONSENT("\"colors\": {\"background\": \"#ffffff\","
                                   " \"text\": \"#777777\"}, "),
                   "colors.text: contrast with colors.background is 4.48:1");
    /* the default text colour on a dark background */
    expect_refused(*state, CONSENT("\"colors\": {\"background\": \"#000\"}, "),
                   "colors.text: ");
}

static void aa_contrast_accepted(void **state)
{
    /* #767676 on white is 4.54:1 */
    expect_ok(*state, CONSENT("\"colors\": {\"background\": \"#ffffff\", "
                              "\"text\": \"#767676\"}, "));
    expect_ok(*state, CONSENT("\"colors\": {\"background\": \"#000\", "
                              "\"text\": \"#fff\"}, "));
}

static void primary_text_contrast_checked(void **state)
{
    expect_refused(*state, CONSENT("\"colors\": {\"primary\": \"#ffffff\", "
                                   "\"primaryText\": \"#777777\"}, "),
                   "colors.primaryText: contrast with colors.primary is "
                   "4.48:1");
    /* the default primary (#1f4fd1) with dark text */
    expect_refused(*state, CONSENT("\"colors\": {\"primaryText\": "
                                   "\"#000000\"}, "), "colors.primaryText: ");
    expect_ok(*state, CONSENT("\"colors\": {\"primary\": \"#ffffff\", "
                              "\"primaryText\": \"#767676\"}, "));
}

/* ---- categories ---- */

static void categories_must_be_an_array(void **state)
{
    expect_refused(*state, "{\"categories\": \"tracking\", \"texts\": "
                   "{\"en\": {" EN_TEXTS "}}}", "categories: ");
    expect_refused(*state, "{\"categories\": {\"tracking\": true}, "
                   "\"texts\": {\"en\": {" EN_TEXTS "}}}", "categories: ");
    expect_refused(*state, "{\"categories\": [\"tracking\", 1], "
                   "\"texts\": {\"en\": {" EN_TEXTS "}}}", "categories: ");
}

static void classes_are_not_categories(void **state)
{
    expect_refused(*state, "{\"categories\": [\"tracking\", \"necessary\"], "
                   "\"texts\": {\"en\": {" EN_TEXTS "}}}",
                   "categories: \"necessary\" is a class");
    expect_refused(*state, "{\"categories\": [\"drop\", \"tracking\"], "
                   "\"texts\": {\"en\": {" EN_TEXTS "}}}",
                   "categories: \"drop\" is a class");
}

static void duplicate_categories_refused(void **state)
{
    expect_refused(*state, "{\"categories\": [\"tracking\", \"tracking\"], "
                   "\"texts\": {\"en\": {" EN_TEXTS "}}}",
                   "categories: \"tracking\" is listed twice");
}

static void category_id_checked(void **state)
{
    /* '.' and '~' separate categories in the consent cookie */
    static const char *const bad[] = {
        "track.ing", "track~ing", "", "track ing", "tr\\u00e4cking",
        "track;ing", "track,ing", "track=ing", "abcdefghijklmnopqrstuvwxyz0123456"
    };
    apr_size_t i;
    const char *ok32 = "abcdefghijklmnopqrstuvwxyz_-0123";

    for (i = 0; i < N(bad); ++i) {
        const char *json = apr_psprintf(*state, "{\"categories\": [\"%s\"], "
                                        "\"texts\": {\"en\": {" EN_TEXTS
                                        "}}}", bad[i]);
        expect_refused(*state, json, "categories: entry 0 is not a category");
    }
    assert_int_equal(strlen(ok32), 32);
    expect_ok(*state, apr_psprintf(*state, "{\"categories\": [\"%s\"], "
                                   "\"texts\": {\"en\": {\"title\": \"T\", "
                                   "\"body\": \"B\", \"accept\": \"A\", "
                                   "\"reject\": \"R\", \"categories\": "
                                   "{\"%s\": {\"label\": \"L\"}}}}}",
                                   ok32, ok32));
}

static void consent_needs_a_category(void **state)
{
    expect_refused(*state, "{\"texts\": {\"en\": {\"title\": \"T\", "
                   "\"body\": \"B\", \"accept\": \"A\", \"reject\": \"R\"}}}",
                   "categories: a consent banner needs at least one");
    expect_refused(*state, "{\"categories\": [], \"texts\": {\"en\": "
                   "{\"title\": \"T\", \"body\": \"B\", \"accept\": \"A\", "
                   "\"reject\": \"R\"}}}", "categories: ");
}

static void notice_takes_no_category(void **state)
{
    expect_refused(*state, "{\"mode\": \"notice\", \"categories\": "
                   "[\"tracking\"], \"texts\": {\"en\": {" EN_TEXTS "}}}",
                   "categories: a notice asks about no category");
    expect_ok(*state, "{\"mode\": \"notice\", \"categories\": [], "
              "\"texts\": {\"en\": {\"title\": \"T\", \"body\": \"B\"}}}");
}

/* ---- texts ---- */

static void texts_must_be_a_non_empty_object(void **state)
{
    expect_refused(*state, "{\"categories\": [\"tracking\"]}", "texts: ");
    expect_refused(*state, "{\"categories\": [\"tracking\"], \"texts\": {}}",
                   "texts: ");
    expect_refused(*state, "{\"categories\": [\"tracking\"], \"texts\": "
                   "[{\"en\": {}}]}", "texts: ");
    expect_refused(*state, "{\"categories\": [\"tracking\"], \"texts\": "
                   "{\"en\": \"Cookies\"}}", "texts.en: must be an object");
}

static void language_tag_checked(void **state)
{
    static const char *const bad[] = {
        "english!", "", "e n", "en_US", "-en", "en-", "en--US",
        "abcdefghi", "en-abcdefghi", "1en", "\\u00e9n"
    };
    static const char *const good[] = {
        "en", "de-CH", "fr-CH", "zh-Hant-TW", "de-CH-1996", "x-klingon",
        "abcdefgh"
    };
    apr_size_t i;

    for (i = 0; i < N(bad); ++i) {
        const char *json = apr_psprintf(*state, "{\"categories\": "
                                        "[\"tracking\"], \"texts\": {\"%s\": "
                                        "{" EN_TEXTS "}}}", bad[i]);
        expect_refused(*state, json, "texts: ");
    }
    for (i = 0; i < N(good); ++i) {
        const char *json = apr_psprintf(*state, "{\"categories\": "
                                        "[\"tracking\"], \"texts\": {\"%s\": "
                                        "{" EN_TEXTS "}}}", good[i]);
        expect_ok(*state, json);
    }
}

static void consent_texts_required_in_every_language(void **state)
{
    static const char *const keys[] = { "title", "body", "accept", "reject" };
    apr_size_t i;

    expect_refused(*state, "{\"categories\": [\"tracking\"], \"texts\": {"
                   "\"en\": {" EN_TEXTS "}, "
                   "\"de\": {\"title\": \"T\", \"body\": \"B\", "
                   "\"reject\": \"R\", " TRACKING_LABEL "}}}",
                   "texts.de.accept: is missing");
    for (i = 0; i < N(keys); ++i) {
        json_t *t = json_pack("{s:s, s:s, s:s, s:s, s:{s:{s:s}}}",
                              "title", "T", "body", "B", "accept", "A",
                              "reject", "R", "categories", "tracking",
                              "label", "L");
        json_t *root = json_pack("{s:[s], s:{s:o}}", "categories", "tracking",
                                 "texts", "en", t);
        char *json;

        json_object_del(t, keys[i]);
        json = json_dumps(root, 0);
        expect_refused(*state, json, apr_pstrcat(*state, "texts.en.", keys[i],
                                                 ": is missing", NULL));
        free(json);
        json_decref(root);
    }
}

static void texts_must_be_non_empty_strings(void **state)
{
    expect_refused(*state, CONSENT_EN("\"title\": \"\", \"body\": \"B\", "
                                      "\"accept\": \"A\", \"reject\": \"R\", "
                                      TRACKING_LABEL),
                   "texts.en.title: must be a non-empty string");
    expect_refused(*state, CONSENT_EN("\"close\": 1, " EN_TEXTS),
                   "texts.en.close: must be a non-empty string");
    expect_refused(*state, CONSENT_EN("\"ok\": null, " EN_TEXTS),
                   "texts.en.ok: ");
}

static void notice_needs_title_and_notice_or_body(void **state)
{
    expect_ok(*state, NOTICE("\"en\": {\"title\": \"T\", \"notice\": \"N\"}"));
    expect_ok(*state, NOTICE("\"en\": {\"title\": \"T\", \"body\": \"B\"}"));
    expect_refused(*state, NOTICE("\"en\": {\"body\": \"B\"}"),
                   "texts.en.title: is missing");
    expect_refused(*state, NOTICE("\"en\": {\"title\": \"T\", "
                                  "\"accept\": \"A\"}"),
                   "texts.en.notice: is missing");
    expect_refused(*state, NOTICE("\"en\": {\"title\": \"T\", \"body\": "
                                  "\"B\"}, \"de\": {\"title\": \"T\"}"),
                   "texts.de.notice: ");
}

static void category_label_required_in_every_language(void **state)
{
    expect_refused(*state, "{\"categories\": [\"tracking\"], \"texts\": {"
                   "\"en\": {" EN_TEXTS "}, "
                   "\"de\": {\"title\": \"T\", \"body\": \"B\", "
                   "\"accept\": \"A\", \"reject\": \"R\"}}}",
                   "texts.de.categories.tracking: is missing");
    expect_refused(*state, "{\"categories\": [\"tracking\"], \"texts\": {"
                   "\"en\": {" EN_TEXTS "}, "
                   "\"de\": {\"title\": \"T\", \"body\": \"B\", "
                   "\"accept\": \"A\", \"reject\": \"R\", \"categories\": "
                   "{\"tracking\": {\"description\": \"D\"}}}}}",
                   "texts.de.categories.tracking: needs a \"label\"");
    expect_refused(*state, CONSENT_EN("\"title\": \"T\", \"body\": \"B\", "
                                      "\"accept\": \"A\", \"reject\": \"R\", "
                                      "\"categories\": {\"tracking\": "
                                      "\"Tracking\"}"),
                   "texts.en.categories.tracking: must be an object");
}

static void texts_for_unknown_category_refused(void **state)
{
    expect_refused(*state, CONSENT_EN("\"title\": \"T\", \"body\": \"B\", "
                                      "\"accept\": \"A\", \"reject\": \"R\", "
                                      "\"categories\": {\"tracking\": "
                                      "{\"label\": \"L\"}, \"analytics\": "
                                      "{\"label\": \"A\"}}"),
                   "texts.en.categories: \"analytics\" is not in "
                   "\"categories\"");
}

static void default_language_must_have_texts(void **state)
{
    expect_refused(*state, CONSENT("\"defaultLanguage\": \"de\", "),
                   "defaultLanguage: \"de\" has no texts");
}

static void default_language_comes_first(void **state)
{
    cg_banner_t *b = expect_ok(*state, "{\"defaultLanguage\": \"de\", "
                               "\"categories\": [\"tracking\"], \"texts\": {"
                               "\"en\": {" EN_TEXTS "}, \"fr\": {" EN_TEXTS
                               "}, \"de\": {" DE_TEXTS "}}}");
    const apr_array_header_t *langs = cg_banner_languages(b);

    assert_int_equal(langs->nelts, 3);
    assert_string_equal(APR_ARRAY_IDX(langs, 0, const char *), "de");
    assert_true(has_string(langs, "en"));
    assert_true(has_string(langs, "fr"));
    assert_string_equal(cg_banner_pick_language(b, NULL), "de");
}

static void first_language_is_default_without_default_language(void **state)
{
    cg_banner_t *b = expect_ok(*state, "{\"categories\": [\"tracking\"], "
                               "\"texts\": {\"fr\": {" EN_TEXTS "}, "
                               "\"en\": {" EN_TEXTS "}}}");

    assert_string_equal(APR_ARRAY_IDX(cg_banner_languages(b), 0,
                                      const char *), "fr");
}

/* ---- Mautic and the pixel ---- */

static void mautic_src_must_be_safe(void **state)
{
    static const char *const bad[] = {
        "javascript:alert(1)", "//evil.example/mtc.js", "mtc.js", "/m tc.js",
        "/mtc.js\\\"", ""
    };
    apr_size_t i;

    for (i = 0; i < N(bad); ++i) {
        const char *json = apr_psprintf(*state, CONSENT("\"mautic\": {\"src\":"
                                        " \"%s\"}, "), bad[i]);
        expect_refused(*state, json, "mautic.src: ");
    }
    expect_refused(*state, CONSENT("\"mautic\": {\"category\": "
                                   "\"tracking\"}, "), "mautic.src: ");
    expect_refused(*state, CONSENT("\"mautic\": \"/mtc.js\", "), "mautic: ");
    expect_refused(*state, CONSENT("\"mautic\": {\"src\": \"/mtc.js\", "
                                   "\"url\": \"/x\"}, "),
                   "mautic: unknown member \"url\"");
    expect_ok(*state, CONSENT("\"mautic\": {\"src\": "
                              "\"https://m.example.org/mtc.js\"}, "));
}

static void mautic_category_must_be_listed(void **state)
{
    cg_banner_t *b;
    json_t *j;

    expect_refused(*state, CONSENT("\"mautic\": {\"src\": \"/mtc.js\", "
                                   "\"category\": \"analytics\"}, "),
                   "mautic.category: \"analytics\" is not in");
    /* without "category" it is "tracking", which must be listed too */
    expect_refused(*state, "{\"mautic\": {\"src\": \"/mtc.js\"}, "
                   "\"categories\": [\"stats\"], \"texts\": {\"en\": {"
                   "\"title\": \"T\", \"body\": \"B\", \"accept\": \"A\", "
                   "\"reject\": \"R\", \"categories\": {\"stats\": "
                   "{\"label\": \"S\"}}}}}", "mautic.category: \"tracking\"");
    b = expect_ok(*state, CONSENT("\"mautic\": {\"src\": \"/mtc.js\"}, "));
    j = render(*state, b, "en");
    expect_str(j, "mautic", "src", "/mtc.js");
    expect_str(j, "mautic", "category", "tracking");
}

static void mautic_null_means_none(void **state)
{
    cg_banner_t *b = expect_ok(*state, CONSENT("\"mautic\": null, "));
    json_t *j = render(*state, b, "en");

    assert_true(json_is_null(json_object_get(j, "mautic")));
    assert_true(json_is_false(json_object_get(j, "pixel")));
}

static void pixel_follows_mautic_unless_given(void **state)
{
    struct {
        const char *json;
        int pixel;
    } cases[] = {
        { CONSENT(""), 0 },
        { CONSENT("\"mautic\": {\"src\": \"/mtc.js\"}, "), 1 },
        { CONSENT("\"mautic\": {\"src\": \"/mtc.js\"}, \"pixel\": false, "),
          0 },
        { CONSENT("\"pixel\": true, "), 1 },
        { CONSENT("\"pixel\": false, "), 0 },
    };
    apr_size_t i;

    for (i = 0; i < N(cases); ++i) {
        cg_banner_t *b = expect_ok(*state, cases[i].json);
        json_t *pixel = json_object_get(render(*state, b, "en"), "pixel");

        if (!json_is_boolean(pixel) || json_is_true(pixel) != cases[i].pixel) {
            fail_tap("pixel is not %s for %s",
                     cases[i].pixel ? "true" : "false", cases[i].json);
        }
    }
    expect_refused(*state, CONSENT("\"pixel\": \"yes\", "),
                   "pixel: must be true or false");
    expect_refused(*state, CONSENT("\"reopenButton\": 0, "),
                   "reopenButton: must be true or false");
}

/* ---- limits ---- */

static void strings_over_4000_bytes_refused(void **state)
{
    char *s4000 = apr_palloc(*state, 4002);

    memset(s4000, 'x', 4001);
    s4000[4000] = '\0';
    expect_ok(*state, apr_psprintf(*state, CONSENT_EN("\"gpc\": \"%s\", "
                                                      EN_TEXTS), s4000));
    s4000[4000] = 'x';
    s4000[4001] = '\0';
    expect_refused(*state, apr_psprintf(*state, CONSENT_EN("\"gpc\": \"%s\", "
                                                           EN_TEXTS), s4000),
                   "texts.en.gpc: is longer than 4000 bytes");
    expect_refused(*state, apr_psprintf(*state, CONSENT_EN(
                       "\"title\": \"T\", \"body\": \"B\", \"accept\": \"A\","
                       " \"reject\": \"R\", \"categories\": {\"tracking\": "
                       "{\"label\": \"L\", \"description\": \"%s\"}}"),
                       s4000),
                   "texts.en.categories.tracking.description: is longer");
}

static void nul_in_string_refused(void **state)
{
    const char *err;

    expect_refused(*state, CONSENT_EN("\"title\": \"a\\u0000b\", "
                                      "\"body\": \"B\", \"accept\": \"A\", "
                                      "\"reject\": \"R\", " TRACKING_LABEL),
                   ":");
    expect_refused(*state, CONSENT("\"privacyPolicyUrl\": "
                                   "\"/a\\u0000javascript:x\", "), ":");
    /* nor a raw NUL byte in an otherwise valid config */
    {
        static const char raw[] = CONSENT_EN("\"title\": \"a\0b\", "
                                             "\"body\": \"B\", \"accept\": "
                                             "\"A\", \"reject\": \"R\", "
                                             TRACKING_LABEL);

        err = NULL;
        assert_null(cg_banner_parse(*state, raw, sizeof(raw) - 1, SRC, &err));
        assert_non_null(err);
    }
}

/* ---- loading a file ---- */

static const char *write_temp(apr_pool_t *p, const char *data, apr_size_t len)
{
    char *path = apr_pstrdup(p, "/tmp/cg_banner_test_XXXXXX");
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        assert_true(n > 0);
        data += n;
        len -= (apr_size_t)n;
    }
    close(fd);
    return path;
}

static void load_missing_file_names_path(void **state)
{
    const char *err = NULL;
    const char *path = "/nonexistent/dir/banner.json";

    assert_null(cg_banner_load(*state, path, &err));
    assert_non_null(err);
    if (strncmp(err, path, strlen(path)) || err[strlen(path)] != ':') {
        fail_tap("error '%s' does not start with the path", err);
    }
}

static void load_large_file_refused(void **state)
{
    /* valid JSON, padded past 1 MB with a comment member */
    /* static: gcc's -Warray-bounds misreads a pool buffer this large
     * under -fsanitize=address */
    static char big[1024 * 1024 + 256];
    apr_size_t pad = 1024 * 1024;
    const char *path, *err = NULL;
    int n = sprintf(big, "{\"_pad\": \"");

    memset(big + n, ' ', pad);
    strcpy(big + n + pad, "\"}");
    path = write_temp(*state, big, strlen(big));
    assert_null(cg_banner_load(*state, path, &err));
    unlink(path);
    assert_non_null(err);
    assert_true(!strncmp(err, path, strlen(path)));
    assert_non_null(strstr(err, "larger than 1 MB"));
}

static void load_good_file(void **state)
{
    const char json[] = "{\n  \"categories\": [\"tracking\"],\n  \"texts\": "
                        "{\"de\": {" DE_TEXTS "}}\n}\n";
    const char *path = write_temp(*state, json, sizeof(json) - 1);
    const char *err = NULL;
    cg_banner_t *b = cg_banner_load(*state, path, &err);

    unlink(path);
    if (!b) {
        fail_tap("not loaded: %s", err);
    }
    assert_null(err);
    assert_string_equal(APR_ARRAY_IDX(cg_banner_languages(b), 0,
                                      const char *), "de");
    expect_str(render(*state, b, "de"), "texts", "title", "Titel");
}

static void load_syntax_error_names_path_line_column(void **state)
{
    const char json[] = "{\n  \"mode\": \"consent\"\n  \"position\": \"top\"\n}";
    const char *path = write_temp(*state, json, sizeof(json) - 1);
    const char *err = NULL;

    assert_null(cg_banner_load(*state, path, &err));
    unlink(path);
    assert_non_null(err);
    assert_true(!strncmp(err, apr_pstrcat(*state, path, ":3:", NULL),
                         strlen(path) + 3));
}

static void load_empty_file_refused(void **state)
{
    const char *path = write_temp(*state, "", 0);
    const char *err = NULL;

    assert_null(cg_banner_load(*state, path, &err));
    unlink(path);
    assert_non_null(err);
    assert_true(!strncmp(err, path, strlen(path)));
}

/* ---- choosing a language (the negotiation itself: test_lang.c) ---- */

/* en (default), de, fr-CH */
static cg_banner_t *three_languages(apr_pool_t *p)
{
    return expect_ok(p, "{\"categories\": [\"tracking\"], \"texts\": {"
                     "\"en\": {" EN_TEXTS "}, \"de\": {" DE_TEXTS "}, "
                     "\"fr-CH\": {" EN_TEXTS "}}}");
}

static void pick_among_configured_languages(void **state)
{
    cg_banner_t *b = three_languages(*state);

    assert_string_equal(cg_banner_pick_language(b, NULL), "en");
    assert_string_equal(cg_banner_pick_language(b, "fr, de;q=0.5"), "fr-CH");
    assert_string_equal(cg_banner_pick_language(b, "it, de-AT;q=0.5"), "de");
}

/* ---- restricting to the categories the gate knows ---- */

static apr_array_header_t *strings(apr_pool_t *p, const char *const *s,
                                   int n)
{
    apr_array_header_t *a = apr_array_make(p, n + 1, sizeof(const char *));
    int i;

    for (i = 0; i < n; ++i) {
        APR_ARRAY_PUSH(a, const char *) = s[i];
    }
    return a;
}

static void restrict_to_known_category_keeps_banner(void **state)
{
    static const char *const known[] = { "tracking", "analytics" };
    cg_banner_t *b = cg_banner_default(*state);
    cg_banner_t *r = cg_banner_restrict(*state, b, strings(*state, known, 2));
    json_t *j;

    assert_non_null(r);
    assert_true(cg_banner_is_default(r));
    assert_int_equal(cg_banner_categories(r)->nelts, 1);
    assert_string_equal(APR_ARRAY_IDX(cg_banner_categories(r), 0,
                                      const char *), "tracking");
    j = render(*state, r, "en");
    expect_str(j, "mode", NULL, "consent");
    expect_str(j, "texts", "body", str_at(render(*state, b, "en"), "texts",
                                          "body", NULL));
    assert_int_equal(json_array_size(json_object_get(j, "categories")), 1);
}

static void restrict_to_nothing_gives_notice(void **state)
{
    cg_banner_t *b = cg_banner_default(*state);
    cg_banner_t *r = cg_banner_restrict(*state, b, strings(*state, NULL, 0));
    cg_banner_t *r2 = cg_banner_restrict(*state, b, NULL);
    json_t *j;

    assert_int_equal(cg_banner_categories(r)->nelts, 0);
    assert_int_equal(cg_banner_categories(r2)->nelts, 0);
    j = render(*state, r, "en");
    expect_str(j, "mode", NULL, "notice");
    assert_int_equal(json_array_size(json_object_get(j, "categories")), 0);
    assert_true(json_is_null(json_object_get(j, "mautic")));
    assert_true(json_is_false(json_object_get(j, "pixel")));
    /* the default notice says in its own words that it sets no tracking
     * cookies */
    assert_non_null(strstr(str_at(j, "texts", "body", NULL),
                           "It sets no tracking cookies"));
    /* the original is unchanged */
    assert_int_equal(cg_banner_categories(b)->nelts, 1);
    expect_str(render(*state, b, "en"), "mode", NULL, "consent");
}

static void restrict_to_other_category_gives_notice(void **state)
{
    static const char *const known[] = { "analytics" };
    cg_banner_t *r = cg_banner_restrict(*state, cg_banner_default(*state),
                                        strings(*state, known, 1));

    assert_int_equal(cg_banner_categories(r)->nelts, 0);
    expect_str(render(*state, r, "en"), "mode", NULL, "notice");
}

static void restrict_turns_mautic_and_pixel_off(void **state)
{
    static const char *const tracking[] = { "tracking" };
    static const char *const analytics[] = { "analytics" };
    cg_banner_t *b = expect_ok(*state, "{\"categories\": [\"tracking\", "
                               "\"analytics\"], \"mautic\": {\"src\": "
                               "\"/mtc.js\"}, \"texts\": {\"en\": {"
                               "\"title\": \"T\", \"body\": \"B\", "
                               "\"accept\": \"A\", \"reject\": \"R\", "
                               "\"categories\": {\"tracking\": {\"label\": "
                               "\"L\"}, \"analytics\": {\"label\": "
                               "\"M\"}}}}}");
    cg_banner_t *r;
    json_t *j;

    /* Mautic's category kept: Mautic stays */
    r = cg_banner_restrict(*state, b, strings(*state, tracking, 1));
    j = render(*state, r, "en");
    expect_str(j, "mautic", "src", "/mtc.js");
    assert_true(json_is_true(json_object_get(j, "pixel")));
    assert_int_equal(json_array_size(json_object_get(j, "categories")), 1);
    /* Mautic's category gone: no Mautic script */
    r = cg_banner_restrict(*state, b, strings(*state, analytics, 1));
    j = render(*state, r, "en");
    expect_str(j, "mode", NULL, "consent");
    assert_true(json_is_null(json_object_get(j, "mautic")));
    expect_str(json_array_get(json_object_get(j, "categories"), 0), "id",
               NULL, "analytics");
    /* nothing left: a notice, nothing loaded, no pixel */
    r = cg_banner_restrict(*state, b, strings(*state, NULL, 0));
    j = render(*state, r, "en");
    expect_str(j, "mode", NULL, "notice");
    assert_true(json_is_null(json_object_get(j, "mautic")));
    assert_true(json_is_false(json_object_get(j, "pixel")));
    /* a custom consent banner turned notice shows its body */
    expect_str(j, "texts", "body", "B");
}

/* ---- rendering ---- */

static void render_takes_site_settings(void **state)
{
    json_t *j = render(*state, cg_banner_default(*state), "en");

    expect_str(j, "endpoint", NULL, "/consentgate");
    expect_str(j, "cookie", NULL, "cg_consent");
    assert_int_equal(json_integer_value(json_object_get(j, "revision")), 7);
    assert_true(json_integer_value(json_object_get(j, "maxAge"))
                == 15552000LL);
    expect_str(j, "lang", NULL, "en");
    expect_str(j, "mode", NULL, "consent");
    expect_str(j, "position", NULL, "bottom");
    assert_true(json_is_true(json_object_get(j, "reopenButton")));
}

/* banner.js re-posts an unsigned held mirror only where the endpoint
 * signs: "signed" is there with ConsentSecret's keys and only then */
static void render_signed_only_with_keys(void **state)
{
    cg_banner_site_t keyed = site;
    const char *s;
    json_t *j = render(*state, cg_banner_default(*state), "en");

    assert_null(json_object_get(j, "signed"));
    keyed.signed_mirrors = 1;
    s = cg_banner_render(*state, cg_banner_default(*state), "en", &keyed);
    assert_non_null(s);
    assert_non_null(j = json_loads(s, 0, NULL));
    apr_pool_cleanup_register(*state, j, json_cleanup, apr_pool_cleanup_null);
    assert_true(json_is_true(json_object_get(j, "signed")));
}

/* The mirrors copy only the ids a ConsentSourceMap line of a mirror
 * source names: each once, a conjunction's each; other sources' lines
 * add nothing. */
static void render_mirror_ids_from_maps(void **state)
{
    apr_pool_t *p = *state;
    apr_array_header_t *maps = apr_array_make(p, 4, sizeof(cg_source_map_t));
    static const char *const lines[][2] = {
        { "usercentrics", "svc-a+svc-b" }, { "cookiebot", "marketing" },
        { "usercentrics", "svc-a" }, { "osano", "MARKETING" },
    };
    cg_banner_site_t mapped = site;
    json_t *j = render(p, cg_banner_default(p), "en");
    const char *s;
    unsigned i;

    assert_null(json_object_get(j, "mirrorIds"));
    for (i = 0; i < sizeof(lines) / sizeof(lines[0]); ++i) {
        cg_source_map_t *m = apr_array_push(maps);

        m->source = cg_source_find(lines[i][0]);
        m->theirs = lines[i][1];
        m->ours = "tracking";
    }
    mapped.mirror_maps = maps;
    s = cg_banner_render(p, cg_banner_default(p), "en", &mapped);
    assert_non_null(s);
    assert_non_null(strstr(s, "\"mirrorIds\":{\"usercentrics\":[\"svc-a\","
                              "\"svc-b\"],\"osano\":[\"MARKETING\"]}"));
    /* only other sources' lines: nothing to say, banner.js mirrors all */
    maps->nelts = 2;
    APR_ARRAY_IDX(maps, 0, cg_source_map_t).source = cg_source_find("klaro");
    s = cg_banner_render(p, cg_banner_default(p), "en", &mapped);
    assert_null(strstr(s, "mirrorIds"));
}

static void render_large_max_age(void **state)
{
    cg_banner_site_t big = { "/x", "c", 0, 4000000000LL };
    const char *s = cg_banner_render(*state, cg_banner_default(*state), "en",
                                     &big);

    assert_non_null(s);
    assert_non_null(strstr(s, "\"maxAge\":4000000000"));
}

static void render_unknown_language_is_null(void **state)
{
    cg_banner_t *b = three_languages(*state);

    assert_null(cg_banner_render(*state, b, "it", &site));
    assert_null(cg_banner_render(*state, b, "fr", &site));
    assert_null(cg_banner_render(*state, b, "", &site));
    assert_non_null(cg_banner_render(*state, b, "fr-CH", &site));
}

static void render_texts_fall_back_per_key(void **state)
{
    /* de is the default; en lacks "save"; neither has "close" */
    cg_banner_t *b = expect_ok(*state, "{\"defaultLanguage\": \"de\", "
                               "\"categories\": [\"tracking\"], \"texts\": {"
                               "\"en\": {" EN_TEXTS "}, "
                               "\"de\": {\"save\": \"Speichern\", " DE_TEXTS
                               "}}}");
    json_t *de = render(*state, b, "de"), *en = render(*state, b, "en");

    expect_str(de, "lang", NULL, "de");
    expect_str(de, "texts", "title", "Titel");
    expect_str(de, "texts", "save", "Speichern");
    expect_str(de, "texts", "close", "Close");
    expect_str(en, "lang", NULL, "en");
    expect_str(en, "texts", "title", "Title");
    expect_str(en, "texts", "save", "Speichern");
    expect_str(en, "texts", "close", "Close");
    expect_str(en, "texts", "ok", "OK");
    /* the category labels are those of each language */
    expect_str(json_array_get(json_object_get(de, "categories"), 0), "label",
               NULL, "Track");
    expect_str(json_array_get(json_object_get(de, "categories"), 0), "id",
               NULL, "tracking");
    /* "necessary" not translated: the built-in English one */
    expect_str(de, "necessary", "label", "Necessary");
}

static void render_notice_body(void **state)
{
    cg_banner_t *with = expect_ok(*state, NOTICE("\"en\": {\"title\": \"T\", "
                                                 "\"notice\": \"N\", "
                                                 "\"body\": \"B\"}"));
    cg_banner_t *without = expect_ok(*state, NOTICE("\"en\": {\"title\": "
                                                    "\"T\", \"body\": "
                                                    "\"B\"}"));
    json_t *j;

    j = render(*state, with, "en");
    expect_str(j, "mode", NULL, "notice");
    expect_str(j, "texts", "body", "N");
    assert_null(json_object_get(json_object_get(j, "texts"), "notice"));
    assert_int_equal(json_array_size(json_object_get(j, "categories")), 0);
    expect_str(render(*state, without, "en"), "texts", "body", "B");
}

static void render_consent_body_is_body(void **state)
{
    cg_banner_t *b = expect_ok(*state, CONSENT_EN("\"notice\": \"N\", "
                                                  EN_TEXTS));

    expect_str(render(*state, b, "en"), "texts", "body", "Body");
}

/* Texts that would end a string, a script or a line if put in raw. */
static const char *const hostile[] = {
    "quote \" and back\\slash",
    "</script><script>alert(1)</script>",
    "<!-- ]]> & &amp; <b>",
    "line\xe2\x80\xa8" "separator\xe2\x80\xa9" "paragraph",
    "emoji \xf0\x9f\x8d\xaa" " and \xc3\xbcnic\xc3\xb6" "de",
    "control \x01\x1f\x7f bytes, tab\tnewline\n",
    "slash / and </ and <\\/ and \\u2028 literally",
};

static void render_is_ascii_html_safe_and_exact(void **state)
{
    apr_pool_t *p = *state;
    json_t *texts = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s},"
                              " s:{s:{s:s, s:s}}}",
                              "title", hostile[0], "body", hostile[1],
                              "accept", hostile[2], "reject", hostile[3],
                              "save", hostile[4], "close", hostile[5],
                              "ok", hostile[6],
                              "necessary", "label", hostile[3],
                              "categories", "tracking", "label", hostile[4],
                              "description", hostile[1]);
    json_t *root = json_pack("{s:[s], s:s, s:{s:o}}", "categories",
                             "tracking", "privacyPolicyUrl", "/p?a=1&b=2",
                             "texts", "en", texts);
    char *config = json_dumps(root, 0);     /* raw UTF-8 in the input */
    cg_banner_t *b;
    const char *s, *c;
    json_t *j, *cat;

    assert_non_null(config);
    b = expect_ok(p, config);
    free(config);
    json_decref(root);
    s = cg_banner_render(p, b, "en", &site);
    assert_non_null(s);
    for (c = s; *c; ++c) {
        unsigned char u = (unsigned char)*c;
        if (u < 0x20 || u >= 0x7f) {
            fail_tap("byte 0x%02x at %ld of %s", u, (long)(c - s), s);
        }
        if (strchr("<>&", u)) {
            fail_tap("'%c' at %ld of %s", u, (long)(c - s), s);
        }
    }
    assert_null(strstr(s, "</"));
    /* every '/' escaped, so "</" cannot form even next to a '<' */
    for (c = strchr(s, '/'); c; c = strchr(c + 1, '/')) {
        if (c == s || c[-1] != '\\') {
            fail_tap("unescaped '/' at %ld of %s", (long)(c - s), s);
        }
    }
    assert_null(strstr(s, "\xe2\x80\xa8"));
    assert_null(strstr(s, "\xe2\x80\xa9"));
    assert_null(strstr(s, "<!--"));

    j = render(p, b, "en");
    expect_str(j, "texts", "title", hostile[0]);
    expect_str(j, "texts", "body", hostile[1]);
    expect_str(j, "texts", "accept", hostile[2]);
    expect_str(j, "texts", "reject", hostile[3]);
    expect_str(j, "texts", "save", hostile[4]);
    expect_str(j, "texts", "close", hostile[5]);
    expect_str(j, "texts", "ok", hostile[6]);
    expect_str(j, "necessary", "label", hostile[3]);
    expect_str(j, "policyUrl", NULL, "/p?a=1&b=2");
    cat = json_array_get(json_object_get(j, "categories"), 0);
    expect_str(cat, "label", NULL, hostile[4]);
    expect_str(cat, "description", NULL, hostile[1]);
}

static void render_default_is_ascii(void **state)
{
    const char *s = cg_banner_render(*state, cg_banner_default(*state), "en",
                                     &site);
    const char *c;

    assert_non_null(s);
    for (c = s; *c; ++c) {
        assert_true((unsigned char)*c >= 0x20 && (unsigned char)*c < 0x7f);
    }
    assert_null(strchr(s, '\n'));
}

static void render_missing_descriptions_are_empty(void **state)
{
    cg_banner_t *b = expect_ok(*state, CONSENT_EN(
        "\"necessary\": {\"label\": \"Needed\"}, " EN_TEXTS));
    json_t *j = render(*state, b, "en");
    json_t *cat = json_array_get(json_object_get(j, "categories"), 0);

    expect_str(j, "necessary", "label", "Needed");
    /* not the English description under a translated label */
    expect_str(j, "necessary", "description", "");
    expect_str(cat, "label", NULL, "Track");
    expect_str(cat, "description", NULL, "");
}


int main(void)
{
    const struct CMUnitTest tests[] = {
        CG_TEST(default_is_english_with_tracking),
        CG_TEST(parsed_banner_is_not_default),
        CG_TEST(syntax_error_names_source_line_and_column),
        CG_TEST(syntax_error_column_counts_from_line_start),
        CG_TEST(empty_input_refused),
        CG_TEST(duplicate_keys_refused),
        CG_TEST(top_level_must_be_an_object),
        CG_TEST(unknown_top_level_member_named),
        CG_TEST(unknown_members_below_top_named),
        CG_TEST(comment_members_ignored),
        CG_TEST(mode_must_be_consent_or_notice),
        CG_TEST(position_must_be_known),
        CG_TEST(policy_url_unsafe_refused),
        CG_TEST(policy_url_safe_accepted),
        CG_TEST(policy_url_absent_renders_null),
        CG_TEST(short_colours_expanded_in_render),
        CG_TEST(colours_default_when_not_given),
        CG_TEST(not_a_colour_refused),
        CG_TEST(low_contrast_refused_with_ratio),
        CG_TEST(aa_contrast_accepted),
        CG_TEST(primary_text_contrast_checked),
        CG_TEST(categories_must_be_an_array),
        CG_TEST(classes_are_not_categories),
        CG_TEST(duplicate_categories_refused),
        CG_TEST(category_id_checked),
        CG_TEST(consent_needs_a_category),
        CG_TEST(notice_takes_no_category),
        CG_TEST(texts_must_be_a_non_empty_object),
        CG_TEST(language_tag_checked),
        CG_TEST(consent_texts_required_in_every_language),
        CG_TEST(texts_must_be_non_empty_strings),
        CG_TEST(notice_needs_title_and_notice_or_body),
        CG_TEST(category_label_required_in_every_language),
        CG_TEST(texts_for_unknown_category_refused),
        CG_TEST(default_language_must_have_texts),
        CG_TEST(default_language_comes_first),
        CG_TEST(first_language_is_default_without_default_language),
        CG_TEST(mautic_src_must_be_safe),
        CG_TEST(mautic_category_must_be_listed),
        CG_TEST(mautic_null_means_none),
        CG_TEST(pixel_follows_mautic_unless_given),
        CG_TEST(strings_over_4000_bytes_refused),
        CG_TEST(nul_in_string_refused),
        CG_TEST(load_missing_file_names_path),
        CG_TEST(load_large_file_refused),
        CG_TEST(load_good_file),
        CG_TEST(load_syntax_error_names_path_line_column),
        CG_TEST(load_empty_file_refused),
        CG_TEST(pick_among_configured_languages),
        CG_TEST(restrict_to_known_category_keeps_banner),
        CG_TEST(restrict_to_nothing_gives_notice),
        CG_TEST(restrict_to_other_category_gives_notice),
        CG_TEST(restrict_turns_mautic_and_pixel_off),
        CG_TEST(render_takes_site_settings),
        CG_TEST(render_signed_only_with_keys),
        CG_TEST(render_mirror_ids_from_maps),
        CG_TEST(render_large_max_age),
        CG_TEST(render_unknown_language_is_null),
        CG_TEST(render_texts_fall_back_per_key),
        CG_TEST(render_notice_body),
        CG_TEST(render_consent_body_is_body),
        CG_TEST(render_is_ascii_html_safe_and_exact),
        CG_TEST(render_default_is_ascii),
        CG_TEST(render_missing_descriptions_are_empty),
    };
    CG_RUN_GROUP("banner", tests);
}
