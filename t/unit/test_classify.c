/* test_classify.c: unit tests (cmocka) for lib/cg_classify.c: class words,
 * rule compilation and whole-name matching, the built-in presets and the
 * revocation URI patterns. */
#include "unit.h"

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <apr_tables.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "cg_classify.h"

static apr_array_header_t *rules_make(apr_pool_t *p)
{
    return apr_array_make(p, 4, sizeof(cg_rule_t));
}

/* Compiles `pattern` for class `cls` onto `rules`; fails the test when it
 * does not compile. */
static void rule_add(apr_pool_t *p, apr_array_header_t *rules,
                     const cg_class_t *cls, const char *pattern)
{
    const char *err = cg_rule_compile(p, cls, pattern, apr_array_push(rules));

    if (err) {
        fail_tap("'%s' did not compile: %s", pattern, err);
    }
}

/* The rules of a preset, failing the test for an unknown preset. */
static apr_array_header_t *preset(apr_pool_t *p, const char *name)
{
    apr_array_header_t *rules = rules_make(p);

    if (!cg_preset_rules(p, name, rules)) {
        fail_tap("preset '%s' is unknown", name);
    }
    return rules;
}

/* Checks the class each name gets: kind, and category when one is given.
 * Reports the name that failed. */
typedef struct expect_t {
    const char *name;
    int matched;            /* 0: cg_rules_match must give NULL */
    cg_class_kind_e kind;
    const char *category;
} expect_t;

static void expect_classes(apr_pool_t *p, const apr_array_header_t *rules,
                           const expect_t *e)
{
    cg_matcher_t *m = cg_matcher_make(p);

    for (; e->name; ++e) {
        const cg_class_t *cls = cg_rules_match(rules, e->name, m);

        if (!e->matched) {
            if (cls) {
                fail_tap("'%s' matched a rule (kind %d)", e->name,
                         (int)cls->kind);
            }
            continue;
        }
        if (!cls) {
            fail_tap("'%s' matched no rule", e->name);
        }
        else if (cls->kind != e->kind) {
            fail_tap("'%s' has kind %d, expected %d", e->name,
                     (int)cls->kind, (int)e->kind);
        }
        else if (e->category
                 && (!cls->category || strcmp(cls->category, e->category))) {
            fail_tap("'%s' has category '%s', expected '%s'", e->name,
                     cls->category ? cls->category : "(null)", e->category);
        }
        else if (!e->category && cls->category) {
            fail_tap("'%s' has category '%s', expected none", e->name,
                     cls->category);
        }
    }
}

#define NECESSARY(n) { (n), 1, CG_CLASS_NECESSARY, NULL }
#define DROP(n) { (n), 1, CG_CLASS_DROP, NULL }
#define TRACKING(n) { (n), 1, CG_CLASS_CATEGORY, "tracking" }
#define UNMATCHED(n) { (n), 0, CG_CLASS_UNKNOWN, NULL }
#define END { NULL, 0, CG_CLASS_UNKNOWN, NULL }

/* ---- cg_class_parse ---- */

static void class_parse_keywords(void **state)
{
    const cg_class_t *c;

    c = cg_class_parse(*state, "necessary");
    assert_non_null(c);
    assert_ptr_equal(c, &cg_class_necessary);
    assert_int_equal(c->kind, CG_CLASS_NECESSARY);
    assert_null(c->category);

    c = cg_class_parse(*state, "drop");
    assert_non_null(c);
    assert_int_equal(c->kind, CG_CLASS_DROP);
    assert_null(c->category);
}

static void class_parse_categories(void **state)
{
    static const char *const words[] = {
        "tracking", "stats", "a", "0", "ads_2-x", "-", "_",
        "abcdefghijklmnopqrstuvwxyz012345",     /* 32 characters */
        NULL
    };
    int i;

    for (i = 0; words[i]; ++i) {
        const cg_class_t *c = cg_class_parse(*state, words[i]);
        if (!c || c->kind != CG_CLASS_CATEGORY || !c->category
            || strcmp(c->category, words[i])) {
            fail_tap("'%s' should be category '%s'", words[i], words[i]);
        }
    }
}

static void class_parse_copies_the_word(void **state)
{
    char word[] = "tracking";
    const cg_class_t *c = cg_class_parse(*state, word);

    assert_non_null(c);
    word[0] = 'x';
    assert_string_equal(c->category, "tracking");
}

static void class_parse_invalid(void **state)
{
    static const char *const words[] = {
        "unknown", "", "Tracking", "TRACKING", "Necessary", "DROP",
        "abcdefghijklmnopqrstuvwxyz0123456",    /* 33 characters */
        "a b", " tracking", "tracking ", "track.ing", "track~ing",
        "caf\xc3\xa9", "a/b", NULL
    };
    int i;

    for (i = 0; words[i]; ++i) {
        if (cg_class_parse(*state, words[i])) {
            fail_tap("'%s' should not be a class", words[i]);
        }
    }
}

/* ---- cg_rule_compile, cg_rules_match ---- */

static void rule_compile_ok(void **state)
{
    const cg_class_t *cls = cg_class_parse(*state, "stats");
    cg_rule_t rule;

    memset(&rule, 0, sizeof(rule));
    assert_null(cg_rule_compile(*state, cls, "_pk_[a-z]+\\.[0-9]+", &rule));
    assert_ptr_equal(rule.cls, cls);
    assert_string_equal(rule.pattern, "_pk_[a-z]+\\.[0-9]+");
    assert_non_null(rule.code);
}

static void rule_compile_error_has_offset(void **state)
{
    cg_rule_t rule;
    const char *err;

    err = cg_rule_compile(*state, &cg_class_necessary, "ab)cd", &rule);
    assert_non_null(err);
    assert_non_null(strstr(err, "offset 2"));
    assert_non_null(strstr(err, "ab)cd"));

    err = cg_rule_compile(*state, &cg_class_necessary, "mtc_(id", &rule);
    assert_non_null(err);
    assert_non_null(strstr(err, "offset 7"));

    err = cg_rule_compile(*state, &cg_class_necessary, "x{2,1}", &rule);
    assert_non_null(err);
    assert_non_null(strstr(err, "offset 5"));
}

static void rule_matches_whole_name_only(void **state)
{
    apr_array_header_t *rules = rules_make(*state);
    static const expect_t e[] = {
        TRACKING("mtc_id"),
        UNMATCHED("mtc_id2"),
        UNMATCHED("xmtc_id"),
        UNMATCHED("mtc_i"),
        UNMATCHED("mtc_id\n"),
        UNMATCHED(""),
        END
    };

    rule_add(*state, rules, cg_class_parse(*state, "tracking"), "mtc_id");
    expect_classes(*state, rules, e);
}

static void rule_alternation_is_anchored_as_a_whole(void **state)
{
    /* "ab|cd" must not become "^ab|cd$" */
    apr_array_header_t *rules = rules_make(*state);
    static const expect_t e[] = {
        NECESSARY("ab"),
        NECESSARY("cd"),
        UNMATCHED("abx"),
        UNMATCHED("xcd"),
        UNMATCHED("abcd"),
        END
    };

    rule_add(*state, rules, &cg_class_necessary, "ab|cd");
    expect_classes(*state, rules, e);
}

static void rule_explicit_anchors_still_work(void **state)
{
    apr_array_header_t *rules = rules_make(*state);
    static const expect_t e[] = {
        NECESSARY("sess_1"),
        UNMATCHED("sess_1x"),
        UNMATCHED("sess_"),
        END
    };

    rule_add(*state, rules, &cg_class_necessary, "^sess_[0-9]+$");
    expect_classes(*state, rules, e);
}

static void rules_first_match_wins(void **state)
{
    apr_pool_t *p = *state;
    apr_array_header_t *rules = rules_make(p);
    static const expect_t e[] = {
        NECESSARY("mautic_focus_1"),
        TRACKING("mautic_page_1"),
        DROP("other"),
        END
    };

    rule_add(p, rules, &cg_class_necessary, "mautic_focus_[0-9]+");
    rule_add(p, rules, cg_class_parse(p, "tracking"), "mautic_.*");
    rule_add(p, rules, cg_class_parse(p, "drop"), ".*");
    expect_classes(p, rules, e);
}

static void rules_first_match_wins_reversed(void **state)
{
    apr_pool_t *p = *state;
    apr_array_header_t *rules = rules_make(p);
    static const expect_t e[] = {
        TRACKING("mautic_focus_1"),
        TRACKING("mautic_page_1"),
        END
    };

    rule_add(p, rules, cg_class_parse(p, "tracking"), "mautic_.*");
    rule_add(p, rules, &cg_class_necessary, "mautic_focus_[0-9]+");
    expect_classes(p, rules, e);
}

static void rules_none_gives_null(void **state)
{
    apr_pool_t *p = *state;
    apr_array_header_t *rules = rules_make(p);
    cg_matcher_t *m = cg_matcher_make(p);

    assert_null(cg_rules_match(rules, "anything", m));
    rule_add(p, rules, &cg_class_necessary, "a+");
    assert_null(cg_rules_match(rules, "b", m));
    assert_ptr_equal(cg_rules_match(rules, "aaa", m), &cg_class_necessary);
}

/* A match that hits PCRE2's match limit cannot say whether the cookie is
 * in the class: it must never pass (the undecided drop class), and a
 * revocation pattern reports it (-1) for its caller to decide. */
static void rules_undecidable_match_fails_closed(void **state)
{
    apr_pool_t *p = *state;
    apr_array_header_t *rules = rules_make(p);
    cg_matcher_t *m = cg_matcher_make(p);
    const cg_class_t *tracking = cg_class_parse(p, "tracking");
    const cg_class_t *got;
    cg_regex_t *re;
    char name[41];

    memset(name, 'a', 40);
    name[40] = '\0';
    rule_add(p, rules, tracking, "(a|a)+[^a]");
    got = cg_rules_match(rules, name, m);
    assert_ptr_equal(got, &cg_class_undecided);
    assert_int_equal(got->kind, CG_CLASS_DROP);

    assert_null(cg_regex_compile(p, "^(a|a)+[^a]", &re));
    assert_int_equal(cg_regex_search(re, name, m), -1);
    assert_int_equal(cg_regex_search(re, "b", m), 0);
    assert_int_equal(cg_regex_search(re, "aab", m), 1);
}

static void rules_invalid_utf8_name_does_not_match(void **state)
{
    apr_pool_t *p = *state;
    apr_array_header_t *rules = rules_make(p);
    cg_matcher_t *m = cg_matcher_make(p);

    rule_add(p, rules, &cg_class_necessary, "[a-z]+");
    assert_null(cg_rules_match(rules, "ab\xff", m));
    assert_null(cg_rules_match(rules, "\xc3", m));
    assert_ptr_equal(cg_rules_match(rules, "ab", m), &cg_class_necessary);
}

/* ---- presets ---- */

static void preset_mautic(void **state)
{
    static const expect_t e[] = {
        TRACKING("mautic_device_id"),
        TRACKING("mtc_id"),
        TRACKING("mautic_referer_id"),
        TRACKING("mautic_page_12"),
        TRACKING("mautic_page_1"),
        DROP("mtc_sid"),
        DROP("mautic_session_id"),
        NECESSARY("mautic_focus_3"),
        NECESSARY("mautic_focus_3_closed"),
        NECESSARY("mautic_focus_120"),
        NECESSARY("mautic_update"),
        NECESSARY("REMEMBERME"),
        NECESSARY("Blocked-Tracking"),
        NECESSARY("0123456789abcdef0123456789abcdef"),
        NECESSARY("d41d8cd98f00b204e9800998ecf8427e"),
        UNMATCHED("mautic_consent"),
        UNMATCHED("PHPSESSID"),
        UNMATCHED("mautic_page_"),
        UNMATCHED("mautic_page_x"),
        UNMATCHED("mautic_focus_"),
        UNMATCHED("mautic_focus_3_open"),
        UNMATCHED("mtc_id2"),
        UNMATCHED("xmtc_id"),
        UNMATCHED("mtc_sid_x"),
        UNMATCHED("0123456789abcdef0123456789abcde"),     /* 31 */
        UNMATCHED("0123456789abcdef0123456789abcdef0"),   /* 33 */
        UNMATCHED("0123456789ABCDEF0123456789ABCDEF"),
        UNMATCHED("0123456789abcdef0123456789abcdeg"),
        END
    };

    expect_classes(*state, preset(*state, "mautic"), e);
}

static void preset_mattermost(void **state)
{
    static const expect_t e[] = {
        NECESSARY("MMAUTHTOKEN"),
        NECESSARY("MMUSERID"),
        NECESSARY("MMCSRF"),
        NECESSARY("MMOAUTH"),
        NECESSARY("MMCLOUDURL"),
        NECESSARY("MMEMBED"),
        /* written by its old web app's JavaScript, never a Set-Cookie */
        UNMATCHED("rl_user_id"),
        UNMATCHED("rl_anonymous_id"),
        UNMATCHED("mmauthtoken"),
        UNMATCHED("MMAUTHTOKEN2"),
        UNMATCHED("rl_other_id"),
        UNMATCHED("mtc_id"),
        END
    };

    expect_classes(*state, preset(*state, "mattermost"), e);
}

static void preset_matomo(void **state)
{
    static const expect_t e[] = {
        TRACKING("_pk_id.1.abcd"),
        TRACKING("_pk_ses.1.abcd"),
        TRACKING("_pk_ref.12.9f3a"),
        NECESSARY("mtm_consent"),
        NECESSARY("mtm_consent_removed"),
        NECESSARY("mtm_cookie_consent"),
        NECESSARY("matomo_ignore"),
        NECESSARY("piwik_ignore"),
        NECESSARY("MATOMO_SESSID"),
        TRACKING("mtm_other"),
        UNMATCHED("_pk_"),
        UNMATCHED("_pk_id-1"),
        UNMATCHED("pk_id.1.abcd"),
        UNMATCHED("mtm_"),
        UNMATCHED("PHPSESSID"),
        END
    };

    expect_classes(*state, preset(*state, "matomo"), e);
}

static void preset_rules_all_compiled(void **state)
{
    static const char *const names[] = { "mautic", "mattermost", "matomo",
                                         NULL };
    int i, j;

    for (i = 0; names[i]; ++i) {
        apr_array_header_t *rules = preset(*state, names[i]);
        const cg_rule_t *r = (const cg_rule_t *)rules->elts;

        assert_true(rules->nelts > 0);
        for (j = 0; j < rules->nelts; ++j) {
            if (!r[j].code || !r[j].cls || !r[j].pattern) {
                fail_tap("preset %s: rule %d is incomplete", names[i], j);
            }
        }
    }
}

static void preset_rules_append(void **state)
{
    apr_pool_t *p = *state;
    apr_array_header_t *rules = rules_make(p);
    int before;
    static const expect_t e[] = {
        NECESSARY("mtc_id"),        /* the rule in front wins */
        TRACKING("mautic_device_id"),
        END
    };

    rule_add(p, rules, &cg_class_necessary, "mtc_id");
    before = rules->nelts;
    assert_int_equal(cg_preset_rules(p, "mautic", rules), 1);
    assert_true(rules->nelts > before);
    assert_string_equal(((const cg_rule_t *)rules->elts)[0].pattern,
                        "mtc_id");
    expect_classes(p, rules, e);
}

static void preset_unknown(void **state)
{
    apr_array_header_t *rules = rules_make(*state);

    assert_int_equal(cg_preset_rules(*state, "wordpress", rules), 0);
    assert_int_equal(cg_preset_rules(*state, "", rules), 0);
    assert_int_equal(cg_preset_rules(*state, "Mautic", rules), 0);
    assert_int_equal(cg_preset_rules(*state, "mautic ", rules), 0);
    assert_int_equal(rules->nelts, 0);
}

static void preset_names_are_all_known(void **state)
{
    char *names = apr_pstrdup(*state, cg_preset_names());
    char *last, *name;
    int n = 0;

    assert_string_equal(names, "mautic, mattermost, matomo");
    for (name = apr_strtok(names, ", ", &last); name;
         name = apr_strtok(NULL, ", ", &last)) {
        apr_array_header_t *rules = rules_make(*state);
        if (!cg_preset_rules(*state, name, rules)) {
            fail_tap("listed preset '%s' is unknown", name);
        }
        ++n;
    }
    assert_int_equal(n, 3);
}

/* ---- revocation paths, cg_regex_* ---- */

/* True when any pattern of `paths` finds a match in `uri`. */
static int revokes(apr_pool_t *p, const char *const *paths, const char *uri)
{
    cg_matcher_t *m = cg_matcher_make(p);

    for (; *paths; ++paths) {
        cg_regex_t *re;
        const char *err = cg_regex_compile(p, *paths, &re);

        if (err) {
            fail_tap("revocation pattern '%s': %s", *paths, err);
        }
        if (cg_regex_search(re, uri, m) == 1) {
            return 1;
        }
    }
    return 0;
}

static void revoke_paths_mautic(void **state)
{
    const char *const *paths = cg_preset_revoke_paths("mautic");

    assert_non_null(paths);
    assert_non_null(paths[0]);
    assert_true(revokes(*state, paths, "/email/unsubscribe/abc"));
    assert_true(revokes(*state, paths, "/email/dnc/abc"));
    assert_true(revokes(*state, paths, "/email/unsubscribe/5f1e2d3c4b5a"));
    assert_false(revokes(*state, paths, "/email/view/abc"));
    assert_false(revokes(*state, paths, "/email/unsubscribe"));
    assert_false(revokes(*state, paths, "/s/email/unsubscribe/abc"));
    assert_false(revokes(*state, paths, "/"));
    /* in a subfolder and behind Mautic's .htaccess fallback */
    assert_true(revokes(*state, paths, "/mautic/email/unsubscribe/abc"));
    assert_true(revokes(*state, paths, "/index.php/email/dnc/abc"));
    /* the 7.2 confirmation page holds, it does not withdraw */
    assert_false(revokes(*state, paths, "/email/validate/unsubscribe/s/abc"));
    assert_true(revokes(*state, cg_preset_hold_paths("mautic"),
                        "/email/validate/unsubscribe/s/abc"));
}

static void revoke_paths_other_presets(void **state)
{
    assert_null(cg_preset_revoke_paths("mattermost"));
    assert_null(cg_preset_revoke_paths("matomo"));
    assert_null(cg_preset_revoke_paths("unknown"));
    assert_null(cg_preset_revoke_paths(""));
}

static void regex_search_is_not_anchored(void **state)
{
    cg_regex_t *re;
    cg_matcher_t *m = cg_matcher_make(*state);

    assert_null(cg_regex_compile(*state, "/dnc/", &re));
    assert_non_null(re);
    assert_true(cg_regex_search(re, "/email/dnc/abc", m));
    assert_true(cg_regex_search(re, "/dnc/", m));
    assert_false(cg_regex_search(re, "/email/dncx", m));
    assert_false(cg_regex_search(re, "", m));
}

static void regex_compile_errors(void **state)
{
    cg_regex_t *re = NULL;
    const char *err;

    err = cg_regex_compile(*state, "(", &re);
    assert_non_null(err);
    assert_non_null(strstr(err, "offset 1"));
    assert_null(re);

    err = cg_regex_compile(*state, "[a-", &re);
    assert_non_null(err);
    assert_non_null(strstr(err, "offset 3"));
    assert_non_null(strstr(err, "[a-"));

    err = cg_regex_compile(*state, "/email/(?<bad", &re);
    assert_non_null(err);
    assert_non_null(strstr(err, "offset"));
    assert_null(re);
}


/* The literal and prefix fast paths must decide exactly as PCRE2 alone. */
static void rules_fast_paths_agree_with_pcre2(void **state)
{
    apr_pool_t *p = *state;
    cg_matcher_t *m = cg_matcher_make(p);
    const cg_class_t *tracking = cg_class_parse(p, "tracking");
    static const char *const patterns[] = {
        "mtc_id", "mautic_page_[0-9]+", "ab?c", "ab*c", "ab{0,2}c", "ab+c",
        "foo|bar", "x(y|z)", "(?i)MTC_ID", "mtc_(?i)ID", "a-b", "\\Qa.b\\E",
        "[0-9a-f]{32}", "mautic_focus_[0-9]+(_closed)?", "_pk_.*", NULL
    };
    static const char *const names[] = {
        "mtc_id", "mtc_id2", "xmtc_id", "MTC_ID", "mtc_ID", "mautic_page_12",
        "mautic_page_", "ac", "abc", "abbc", "abbbc", "foo", "bar", "xy", "xz",
        "a-b", "a.b", "axb", "0123456789abcdef0123456789abcdef",
        "mautic_focus_3", "mautic_focus_3_closed", "_pk_id.1.abcd", "", NULL
    };
    int i, j;

    for (i = 0; patterns[i]; ++i) {
        apr_array_header_t *fast = rules_make(p), *slow = rules_make(p);
        cg_rule_t *plain;

        rule_add(p, fast, tracking, patterns[i]);
        rule_add(p, slow, tracking, patterns[i]);
        plain = &APR_ARRAY_IDX(slow, 0, cg_rule_t);
        plain->literal = 0;
        plain->prefix_len = 0;
        for (j = 0; names[j]; ++j) {
            if (cg_rules_match(fast, names[j], m) != cg_rules_match(slow, names[j], m)) {
                fail_tap("pattern '%s', name '%s': fast path disagrees",
                         patterns[i], names[j]);
            }
        }
    }
    /* revocation paths: the anchored prefix must not change a decision */
    {
        static const char *const res[] = {
            "^/email/(unsubscribe|dnc)/", "^/a|^/b", "^/x[|]y", "^/q?r",
            "/email/", "^/e\\(x|y\\)", NULL
        };
        static const char *const uris[] = {
            "/email/unsubscribe/1", "/email/dnc/2", "/email/view/3", "/a", "/b",
            "/x|y", "/r", "/qr", "/e(x", "/e(y", "/ex", "/other/email/", NULL
        };
        for (i = 0; res[i]; ++i) {
            cg_regex_t *re;
            pcre2_code *code;
            int rc;
            char err[256];
            PCRE2_SIZE off;

            assert_null(cg_regex_compile(p, res[i], &re));
            code = pcre2_compile((PCRE2_SPTR)res[i], PCRE2_ZERO_TERMINATED, 0,
                                 &rc, &off, NULL);
            assert_non_null(code);
            for (j = 0; uris[j]; ++j) {
                pcre2_match_data *md = pcre2_match_data_create(1, NULL);
                int want = pcre2_match(code, (PCRE2_SPTR)uris[j], strlen(uris[j]),
                                       0, 0, md, NULL) >= 0;
                pcre2_match_data_free(md);
                if (want != cg_regex_search(re, uris[j], m)) {
                    snprintf(err, sizeof(err), "%s", res[i]);
                    fail_tap("revoke pattern '%s', uri '%s': prefix disagrees",
                             err, uris[j]);
                }
            }
            pcre2_code_free(code);
        }
    }
    /* and the fast paths are taken where they can be */
    {
        apr_array_header_t *r = rules_make(p);
        rule_add(p, r, tracking, "mtc_id");
        rule_add(p, r, tracking, "mautic_page_[0-9]+");
        rule_add(p, r, tracking, "ab?c");
        assert_true(APR_ARRAY_IDX(r, 0, cg_rule_t).literal);
        assert_false(APR_ARRAY_IDX(r, 1, cg_rule_t).literal);
        assert_int_equal(APR_ARRAY_IDX(r, 1, cg_rule_t).prefix_len, 12);
        assert_int_equal(APR_ARRAY_IDX(r, 2, cg_rule_t).prefix_len, 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CG_TEST(class_parse_keywords),
        CG_TEST(class_parse_categories),
        CG_TEST(class_parse_copies_the_word),
        CG_TEST(class_parse_invalid),
        CG_TEST(rule_compile_ok),
        CG_TEST(rule_compile_error_has_offset),
        CG_TEST(rule_matches_whole_name_only),
        CG_TEST(rule_alternation_is_anchored_as_a_whole),
        CG_TEST(rule_explicit_anchors_still_work),
        CG_TEST(rules_first_match_wins),
        CG_TEST(rules_first_match_wins_reversed),
        CG_TEST(rules_none_gives_null),
        CG_TEST(rules_fast_paths_agree_with_pcre2),
        CG_TEST(rules_undecidable_match_fails_closed),
        CG_TEST(rules_invalid_utf8_name_does_not_match),
        CG_TEST(preset_mautic),
        CG_TEST(preset_mattermost),
        CG_TEST(preset_matomo),
        CG_TEST(preset_rules_all_compiled),
        CG_TEST(preset_rules_append),
        CG_TEST(preset_unknown),
        CG_TEST(preset_names_are_all_known),
        CG_TEST(revoke_paths_mautic),
        CG_TEST(revoke_paths_other_presets),
        CG_TEST(regex_search_is_not_anchored),
        CG_TEST(regex_compile_errors),
    };
    CG_RUN_GROUP("classify", tests);
}
