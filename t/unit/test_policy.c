/* test_policy.c: unit tests (cmocka) for lib/cg_policy.c: the class of a
 * name (consent cookie, rule order, the memo, undecidable names), the
 * decision, the fate of a Set-Cookie line, the request scrub, expiries,
 * the categories a scope offers, and the one rule for a category id. */
#include "unit.h"

#include <apr_strings.h>
#include <apr_tables.h>
#include <apr_thread_proc.h>

#include "cg_classify.h"
#include "cg_consent.h"
#include "cg_cookie.h"
#include "cg_policy.h"
#include "cg_source.h"

#define NOW apr_time_from_sec(1800000000)
#define RID "0123456789abcdef0123456789abcdef"

/* A policy from explicit classes ("class pattern" pairs, NULL-ended) and
 * presets (comma-separated names, or NULL). */
static cg_policy_t *policy(apr_pool_t *p, const char *const *classes,
                           const char *presets, int unknown_allowed)
{
    apr_array_header_t *rules = apr_array_make(p, 4, sizeof(cg_rule_t));
    apr_array_header_t *preset_rules = apr_array_make(p, 4, sizeof(cg_rule_t));
    apr_array_header_t *revoke = apr_array_make(p, 1, sizeof(cg_regex_t *));
    apr_array_header_t *hold = apr_array_make(p, 1, sizeof(cg_regex_t *));
    cg_policy_spec_t spec;

    for (; classes && *classes; classes += 2) {
        const cg_class_t *cls = cg_class_parse(p, classes[0]);
        const char *err;

        assert_non_null(cls);
        err = cg_rule_compile(p, cls, classes[1], apr_array_push(rules));
        if (err) {
            fail_tap("'%s': %s", classes[1], err);
        }
    }
    if (presets) {
        char *state, *name, *list = apr_pstrdup(p, presets);

        for (name = apr_strtok(list, ",", &state); name;
             name = apr_strtok(NULL, ",", &state)) {
            const char *const *paths = cg_preset_revoke_paths(name);

            assert_true(cg_preset_rules(p, name, preset_rules));
            for (; paths && *paths; ++paths) {
                assert_null(cg_regex_compile(p, *paths,
                                             apr_array_push(revoke)));
            }
            for (paths = cg_preset_hold_paths(name); paths && *paths;
                 ++paths) {
                assert_null(cg_regex_compile(p, *paths, apr_array_push(hold)));
            }
        }
    }
    memset(&spec, 0, sizeof(spec));
    spec.cookie_name = "mautic_consent";
    spec.rules = rules;
    spec.preset_rules = preset_rules;
    spec.preset_revoke = revoke;
    spec.preset_hold = hold;
    spec.unknown_allowed = unknown_allowed;
    spec.signals_honoured = CG_SIGNAL_GPC | CG_SIGNAL_DNT;
    spec.precedence = CG_PRECEDENCE_SIGNAL;
    spec.max_age = 15552000;
    return cg_policy_make(p, &spec);
}

/* The module's own consent cookie granting `cats` ("a~b"; "" refuses),
 * chosen at `when`. */
static const char *consent_cookie_at(apr_pool_t *p, const char *cats,
                                     apr_time_t when)
{
    apr_array_header_t *a = apr_array_make(p, 2, sizeof(const char *));
    char *state, *c, *list = apr_pstrdup(p, cats);

    for (c = apr_strtok(list, "~", &state); c; c = apr_strtok(NULL, "~", &state)) {
        APR_ARRAY_PUSH(a, const char *) = c;
    }
    return apr_pstrcat(p, "mautic_consent=",
                       cg_consent_format(p, a, when, 0, RID), NULL);
}

static const char *consent_cookie(apr_pool_t *p, const char *cats)
{
    return consent_cookie_at(p, cats, NOW - apr_time_from_sec(60));
}

static void visit(apr_pool_t *p, const cg_policy_t *pol, const char *cookie,
                  const char *gpc, cg_visit_t *v)
{
    cg_visit_read(p, pol, cookie, gpc, NULL, NOW, v);
}

/* ---- classify ---- */

static void classify_consent_cookie_is_necessary(void **state)
{
    apr_pool_t *p = *state;
    /* even a class that would take it cannot: it carries the choice */
    static const char *const classes[] = { "tracking", "mautic_.*", NULL };
    cg_policy_t *pol = policy(p, classes, "mautic", 0);
    cg_matcher_t *m = cg_matcher_make(p);

    assert_ptr_equal(cg_policy_classify(pol, "mautic_consent", m, NULL),
                     &cg_class_necessary);
    assert_string_equal(cg_policy_classify(pol, "mautic_device_id", m,
                                           NULL)->category, "tracking");
}

/* the objection to the count and the storage mirrors hold choices: no
 * class takes them, ConsentUnknownCookies strip included */
static void classify_module_cookies_are_necessary(void **state)
{
    apr_pool_t *p = *state;
    static const char *const classes[] = { "tracking", "consentgate_.*", NULL };
    cg_policy_t *pol = policy(p, classes, NULL, 0);
    cg_matcher_t *m = cg_matcher_make(p);

    assert_ptr_equal(cg_policy_classify(pol, "consentgate_object", m, NULL),
                     &cg_class_necessary);
    assert_ptr_equal(cg_policy_classify(pol, "consentgate_usercentrics", m,
                                        NULL), &cg_class_necessary);
    assert_ptr_equal(cg_policy_classify(pol, "consentgate_osano", m, NULL),
                     &cg_class_necessary);
    assert_string_equal(cg_policy_classify(pol, "consentgate_other", m,
                                           NULL)->category, "tracking");
}

static void classify_own_classes_before_presets(void **state)
{
    apr_pool_t *p = *state;
    static const char *const classes[] = { "necessary", "mtc_id", NULL };
    cg_policy_t *pol = policy(p, classes, "mautic", 1);
    cg_matcher_t *m = cg_matcher_make(p);

    assert_ptr_equal(cg_policy_classify(pol, "mtc_id", m, NULL),
                     &cg_class_necessary);
    assert_int_equal(cg_policy_classify(pol, "mautic_referer_id", m,
                                        NULL)->kind, CG_CLASS_CATEGORY);
    assert_ptr_equal(cg_policy_classify(pol, "_ga", m, NULL),
                     &cg_class_unknown);
}

/* The memo must never change an answer: every name, asked twice and
 * among many others, gets the class the rules give. */
static void classify_memo_agrees_with_rules(void **state)
{
    apr_pool_t *p = *state;
    cg_policy_t *pol = policy(p, NULL, "mautic,mattermost,matomo", 1);
    apr_array_header_t *rules = apr_array_make(p, 8, sizeof(cg_rule_t));
    cg_matcher_t *m = cg_matcher_make(p);
    int round, i;

    cg_preset_rules(p, "mautic", rules);
    cg_preset_rules(p, "mattermost", rules);
    cg_preset_rules(p, "matomo", rules);
    for (round = 0; round < 2; ++round) {
        /* more names than the memo holds, so some are never remembered */
        for (i = 0; i < 600; ++i) {
            const char *name = apr_psprintf(p, i % 3 == 0 ? "mautic_page_%d"
                                            : i % 3 == 1 ? "_pk_id.%d"
                                            : "other%d", i);
            const cg_class_t *want = cg_rules_match(rules, name, m);
            const cg_class_t *got = cg_policy_classify(pol, name, m, NULL);

            if (got != (want ? want : &cg_class_unknown)) {
                fail_tap("round %d: '%s' classified differently", round, name);
            }
        }
    }
}

/* "([a-z]+)+_id" on a long name that does not end in _id backtracks
 * exponentially: the match limit cuts it off (this test would not end
 * otherwise), the name is dropped whatever the consent, and it is
 * reported once per name, not per request. */
static void classify_pathological_pattern_is_cut_off(void **state)
{
    apr_pool_t *p = *state;
    static const char *const classes[] = { "tracking", "([a-z]+)+_id", NULL };
    cg_policy_t *pol = policy(p, classes, NULL, 1);
    cg_matcher_t *m = cg_matcher_make(p);
    char name[45];
    int undecidable = -1;
    const cg_class_t *cls;
    cg_visit_t v;

    memset(name, 'a', 40);
    memcpy(name + 40, "_idx", 5);
    cls = cg_policy_classify(pol, name, m, &undecidable);
    assert_ptr_equal(cls, &cg_class_undecided);
    assert_int_equal(undecidable, 1);
    cls = cg_policy_classify(pol, name, m, &undecidable);
    assert_ptr_equal(cls, &cg_class_undecided);
    assert_int_equal(undecidable, 0);
    /* a name the pattern decides quickly is still its class */
    assert_string_equal(cg_policy_classify(pol, "abc_id", m, NULL)->category,
                        "tracking");

    /* never passes, not even with consent to the rule's category */
    visit(p, pol, apr_pstrcat(p, consent_cookie(p, "tracking"), "; ", name,
                              "=1", NULL), NULL, &v);
    assert_int_equal(cg_policy_decide(pol, &v, 0), CG_STATE_GRANTED);
    assert_false(cg_policy_passes(pol, &v, CG_STATE_GRANTED, cls));
}

static void undecidable_names_are_reported_once(void **state)
{
    apr_pool_t *p = *state;
    static const char *const classes[] = { "tracking", "([a-z]+)+_id", NULL };
    cg_policy_t *pol = policy(p, classes, NULL, 1);
    const char *header = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb_idx=1; x=2";
    cg_visit_t v;

    visit(p, pol, header, NULL, &v);
    assert_string_equal(cg_policy_scrub(p, pol, &v, CG_STATE_NONE), "x=2");
    assert_non_null(v.undecidable);
    assert_int_equal(v.undecidable->nelts, 1);
    visit(p, pol, header, NULL, &v);
    assert_string_equal(cg_policy_scrub(p, pol, &v, CG_STATE_NONE), "x=2");
    assert_true(!v.undecidable || v.undecidable->nelts == 0);
}

/* The memo holds a name as the pair or line gives it, with the class of
 * every form a server reads it as: asked again, a name whose PHP reading
 * or unprefixed form is a tracking cookie must still not pass, on either
 * side, and a plain name that shares the memo keeps its own class. */
static void memo_keeps_every_form(void **state)
{
    apr_pool_t *p = *state;
    cg_policy_t *pol = policy(p, NULL, "mautic", 1);
    static const char *const names[] = {
        "mtc.id", "mtc id", "__Host-mtc_id", "__secure-mautic_device_id",
        "mtc_id[x]", " mtc_id", NULL
    };
    int round, i;

    for (round = 0; round < 3; ++round) {
        for (i = 0; names[i]; ++i) {
            cg_visit_t v;
            cg_judgement_t j;
            const char *line = apr_pstrcat(p, names[i], "=1; Path=/", NULL);

            visit(p, pol, apr_pstrcat(p, names[i], "=1; keep=2", NULL), NULL,
                  &v);
            if (strcmp(cg_policy_scrub(p, pol, &v, CG_STATE_NONE), "keep=2")) {
                fail_tap("round %d: pair '%s' passed", round, names[i]);
            }
            cg_policy_judge(p, pol, &v, CG_STATE_NONE, line, NOW, &j);
            if (j.verdict != CG_LINE_REMOVE || !j.name) {
                fail_tap("round %d: line '%s' not removed", round, line);
            }
            cg_policy_judge(p, pol, &v, CG_STATE_GRANTED, line, NOW, &j);
            if (j.verdict != CG_LINE_REMOVE) {
                fail_tap("round %d: line '%s' passed without consent", round,
                         line);
            }
        }
        /* the plain name the forms read as, and an unrelated one */
        assert_int_equal(cg_policy_classify(pol, "mtc_id", cg_matcher_make(p),
                                            NULL)->kind, CG_CLASS_CATEGORY);
        assert_ptr_equal(cg_policy_classify(pol, "mtc", cg_matcher_make(p),
                                            NULL), &cg_class_unknown);
    }
}

typedef struct thread_job {
    const cg_policy_t *pol;
    int failures;
} thread_job;

static void *APR_THREAD_FUNC classify_many(apr_thread_t *t, void *data)
{
    thread_job *job = data;
    apr_pool_t *p;
    cg_matcher_t *m;
    int i;

    apr_pool_create(&p, NULL);
    m = cg_matcher_make(p);
    for (i = 0; i < 20000; ++i) {
        char name[32];
        const cg_class_t *cls;

        snprintf(name, sizeof(name), "mautic_page_%d", i % 300);
        cls = cg_policy_classify(job->pol, name, m, NULL);
        job->failures += !cls->category || strcmp(cls->category, "tracking");
        snprintf(name, sizeof(name), "session%d", i % 300);
        job->failures += cg_policy_classify(job->pol, name, m, NULL)
                         != &cg_class_unknown;
    }
    apr_pool_destroy(p);
    /* a plain return: apr_thread_exit() unwinds with pthread_exit(), which
     * ASan's thread teardown misreads as a stack-use-after-scope */
    (void)t;
    return NULL;
}

/* mpm_event's threads share one policy and its memo. */
static void classify_from_several_threads(void **state)
{
    apr_pool_t *p = *state;
    cg_policy_t *pol = policy(p, NULL, "mautic", 1);
    apr_thread_t *threads[4];
    thread_job jobs[4];
    int i;

    for (i = 0; i < 4; ++i) {
        jobs[i].pol = pol;
        jobs[i].failures = 0;
        assert_int_equal(apr_thread_create(&threads[i], NULL, classify_many,
                                           &jobs[i], p), APR_SUCCESS);
    }
    for (i = 0; i < 4; ++i) {
        apr_status_t rv;

        apr_thread_join(&rv, threads[i]);
        assert_int_equal(jobs[i].failures, 0);
    }
}

/* ---- decide ---- */

static void decide_reads_consent_and_signals(void **state)
{
    apr_pool_t *p = *state;
    cg_policy_t *pol = policy(p, NULL, "mautic", 1);
    cg_visit_t v;

    visit(p, pol, NULL, NULL, &v);
    assert_int_equal(cg_policy_decide(pol, &v, 0), CG_STATE_NONE);
    visit(p, pol, consent_cookie(p, "tracking"), NULL, &v);
    assert_int_equal(cg_policy_decide(pol, &v, 0), CG_STATE_GRANTED);
    visit(p, pol, consent_cookie(p, "tracking"), "1", &v);
    assert_int_equal(cg_policy_decide(pol, &v, 0), CG_STATE_GPC);
    visit(p, pol, consent_cookie(p, "tracking"), NULL, &v);
    assert_int_equal(cg_policy_decide(pol, &v, 1), CG_STATE_REVOKED);
    visit(p, pol, "mautic_consent=cg1..1799999000.0." RID, NULL, &v);
    assert_int_equal(cg_policy_decide(pol, &v, 0), CG_STATE_DENIED);
}

/* Mautic's unsubscribe links wherever Mautic lives; never its admin area. */
static void revocation_preset_paths(void **state)
{
    apr_pool_t *p = *state;
    cg_policy_t *pol = policy(p, NULL, "mautic", 1);
    cg_matcher_t *m = cg_matcher_make(p);
    static const struct {
        const char *uri;
        cg_revoke_e want;
    } cases[] = {
        { "/email/unsubscribe/abc", CG_REVOKE_WITHDRAW },
        { "/email/dnc/abc", CG_REVOKE_WITHDRAW },
        { "/email/unsubscribe/abc/x%40y.org/5f1e", CG_REVOKE_WITHDRAW },
        { "/mautic/email/unsubscribe/abc", CG_REVOKE_WITHDRAW },
        { "/index.php/email/unsubscribe/abc", CG_REVOKE_WITHDRAW },
        { "/mautic/index.php/email/dnc/abc", CG_REVOKE_WITHDRAW },
        { "/a/b/c/email/dnc/abc", CG_REVOKE_WITHDRAW },
        { "/email/validate/unsubscribe/s3cr3t/abc", CG_REVOKE_HOLD },
        { "/mautic/email/validate/resubscribe/s/abc", CG_REVOKE_HOLD },
        { "/email/view/abc", CG_REVOKE_NONE },
        { "/email/unsubscribe", CG_REVOKE_NONE },
        { "/email/unsubscribe/", CG_REVOKE_NONE },
        { "/email/resubscribe/abc", CG_REVOKE_NONE },
        { "/s/email/unsubscribe/abc", CG_REVOKE_NONE },
        { "/mautic/s/email/dnc/abc", CG_REVOKE_NONE },
        { "/s/email/validate/x/y/z", CG_REVOKE_NONE },
        { "/myemail/unsubscribe/abc", CG_REVOKE_NONE },
        { "/", CG_REVOKE_NONE },
        { "", CG_REVOKE_NONE },
    };
    apr_size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
        cg_revoke_e got = cg_policy_revocation(pol, cases[i].uri, 0, m);

        if (got != cases[i].want) {
            fail_tap("'%s': %d, expected %d", cases[i].uri, (int)got,
                     (int)cases[i].want);
        }
        /* a POST never weakens a withdrawal */
        if (cg_policy_revocation(pol, cases[i].uri, 1, m) != cases[i].want) {
            fail_tap("'%s' posted: not %d", cases[i].uri, (int)cases[i].want);
        }
    }
}

/* ConsentRevokeMethod post: a GET on an unsubscribe link shows a
 * preference centre and withdraws nothing; its POST withdraws. */
static void revocation_on_post_only(void **state)
{
    apr_pool_t *p = *state;
    apr_array_header_t *revoke = apr_array_make(p, 1, sizeof(cg_regex_t *));
    apr_array_header_t *admin = apr_array_make(p, 1, sizeof(cg_regex_t *));
    cg_matcher_t *m = cg_matcher_make(p);
    cg_policy_spec_t spec;
    cg_policy_t *pol;
    cg_visit_t v;

    assert_null(cg_regex_compile(p, cg_preset_revoke_paths("mautic")[0],
                                 apr_array_push(revoke)));
    assert_null(cg_regex_compile(p, "^/leave", apr_array_push(admin)));
    memset(&spec, 0, sizeof(spec));
    spec.cookie_name = "mautic_consent";
    spec.revoke = admin;
    spec.preset_revoke = revoke;
    spec.revoke_on_post = 1;
    pol = cg_policy_make(p, &spec);
    assert_int_equal(cg_policy_revocation(pol, "/email/unsubscribe/a", 0, m),
                     CG_REVOKE_HOLD);
    assert_int_equal(cg_policy_revocation(pol, "/email/unsubscribe/a", 1, m),
                     CG_REVOKE_WITHDRAW);
    /* the administrator's own paths withdraw on any method */
    assert_int_equal(cg_policy_revocation(pol, "/leave", 0, m),
                     CG_REVOKE_WITHDRAW);

    /* held: a consent stays, but no tracking cookie passes */
    visit(p, pol, consent_cookie(p, "tracking"), NULL, &v);
    assert_int_equal(cg_policy_decide(pol, &v, CG_REVOKE_HOLD), CG_STATE_HELD);
    assert_false(cg_policy_passes(pol, &v, CG_STATE_HELD,
                                  cg_class_parse(p, "tracking")));
    assert_true(cg_policy_passes(pol, &v, CG_STATE_HELD, &cg_class_necessary));
}

/* An undecidable revocation pattern must not revoke: an innocent URL
 * would cost the visitor their consent. */
static void revocation_undecidable_is_no_match(void **state)
{
    apr_pool_t *p = *state;
    apr_array_header_t *revoke = apr_array_make(p, 1, sizeof(cg_regex_t *));
    cg_matcher_t *m = cg_matcher_make(p);
    cg_policy_spec_t spec;
    cg_policy_t *pol;
    char uri[64];

    assert_null(cg_regex_compile(p, "^/(a|a)+[^a]", apr_array_push(revoke)));
    memset(&spec, 0, sizeof(spec));
    spec.cookie_name = "c";
    spec.revoke = revoke;
    pol = cg_policy_make(p, &spec);
    uri[0] = '/';
    memset(uri + 1, 'a', 50);
    uri[51] = '\0';
    assert_int_equal(cg_policy_revocation(pol, uri, 0, m), CG_REVOKE_NONE);
    assert_int_equal(cg_policy_revocation(pol, "/aab", 0, m),
                     CG_REVOKE_WITHDRAW);
}

/* ---- judge ---- */

static void judge_lines(void **state)
{
    apr_pool_t *p = *state;
    cg_policy_t *pol = policy(p, NULL, "mautic", 1);
    cg_judgement_t j;
    cg_visit_t v;

    visit(p, pol, NULL, NULL, &v);
    cg_policy_judge(p, pol, &v, CG_STATE_NONE, "mtc_id=42; path=/", NOW, &j);
    assert_int_equal(j.verdict, CG_LINE_REMOVE);
    assert_null(j.line);
    assert_int_equal(j.name_len, 6);
    assert_memory_equal(j.name, "mtc_id", 6);
    assert_string_equal(j.cls->category, "tracking");

    cg_policy_judge(p, pol, &v, CG_STATE_NONE, "mtc_id=; Max-Age=0", NOW, &j);
    assert_int_equal(j.verdict, CG_LINE_DELETION);
    assert_non_null(j.line);

    cg_policy_judge(p, pol, &v, CG_STATE_NONE,
                    "0123456789abcdef0123456789abcdef=s; path=/", NOW, &j);
    assert_int_equal(j.verdict, CG_LINE_PASS);
    assert_int_equal(j.cls->kind, CG_CLASS_NECESSARY);

    cg_policy_judge(p, pol, &v, CG_STATE_NONE, "mtc_sid=1", NOW, &j);
    assert_int_equal(j.verdict, CG_LINE_REMOVE);
    assert_int_equal(j.cls->kind, CG_CLASS_DROP);

    visit(p, pol, consent_cookie(p, "tracking"), NULL, &v);
    cg_policy_judge(p, pol, &v, CG_STATE_GRANTED, "mtc_id=42; path=/", NOW,
                    &j);
    assert_int_equal(j.verdict, CG_LINE_PASS);
    assert_string_equal(j.line, "mtc_id=42; path=/");
    /* drop never passes */
    cg_policy_judge(p, pol, &v, CG_STATE_GRANTED, "mtc_sid=1", NOW, &j);
    assert_int_equal(j.verdict, CG_LINE_REMOVE);
}

static void judge_unknown_follows_the_setting(void **state)
{
    apr_pool_t *p = *state;
    cg_policy_t *allow = policy(p, NULL, "mautic", 1);
    cg_policy_t *strip = policy(p, NULL, "mautic", 0);
    cg_judgement_t j;
    cg_visit_t v;

    visit(p, allow, consent_cookie(p, "tracking"), NULL, &v);
    cg_policy_judge(p, allow, &v, CG_STATE_GRANTED, "_ga=1", NOW, &j);
    assert_int_equal(j.verdict, CG_LINE_PASS);
    cg_policy_judge(p, strip, &v, CG_STATE_GRANTED, "_ga=1", NOW, &j);
    assert_int_equal(j.verdict, CG_LINE_REMOVE);
}

/* ---- scrub ---- */

static void scrub_keeps_pairs_byte_for_byte(void **state)
{
    apr_pool_t *p = *state;
    cg_policy_t *pol = policy(p, NULL, "mautic", 1);
    const char *header = "a=\"x y\"; mtc_id=42;b=2;  mautic_device_id=d; c=3";
    cg_visit_t v;

    visit(p, pol, header, NULL, &v);
    assert_string_equal(cg_policy_scrub(p, pol, &v, CG_STATE_NONE),
                        "a=\"x y\"; b=2; c=3");
}

static void scrub_all_or_nothing(void **state)
{
    apr_pool_t *p = *state;
    cg_policy_t *pol = policy(p, NULL, "mautic", 1);
    const char *keep = "a=1; b=2";
    const char *tracking = apr_pstrcat(p, "mtc_id=42; ",
                                       consent_cookie(p, "tracking"), NULL);
    cg_visit_t v;

    visit(p, pol, keep, NULL, &v);
    /* nothing to remove: the header as sent, not a copy */
    assert_ptr_equal(cg_policy_scrub(p, pol, &v, CG_STATE_NONE), keep);
    visit(p, pol, "mtc_id=1; mautic_device_id=2", NULL, &v);
    assert_null(cg_policy_scrub(p, pol, &v, CG_STATE_NONE));
    visit(p, pol, tracking, NULL, &v);
    assert_ptr_equal(cg_policy_scrub(p, pol, &v, cg_policy_decide(pol, &v, 0)),
                     tracking);
    visit(p, pol, NULL, NULL, &v);
    assert_null(cg_policy_scrub(p, pol, &v, CG_STATE_NONE));
}

/* ---- expiries ---- */

static void expiries_for_what_may_not_pass(void **state)
{
    apr_pool_t *p = *state;
    cg_policy_t *pol = policy(p, NULL, "mautic", 1);
    apr_array_header_t *lines;
    cg_visit_t v;

    visit(p, pol, "mtc_id=1; _ga=2; mtc_id=3; "
          "0123456789abcdef0123456789abcdef=s; mautic_device_id=4", NULL, &v);
    lines = cg_policy_expiries(p, pol, &v, CG_STATE_REVOKED, NULL, 0);
    assert_int_equal(lines->nelts, 2);
    assert_true(!strncmp(APR_ARRAY_IDX(lines, 0, const char *), "mtc_id=;", 8));
    assert_true(!strncmp(APR_ARRAY_IDX(lines, 1, const char *),
                         "mautic_device_id=;", 18));
    lines = cg_policy_expiries(p, pol, &v, CG_STATE_REVOKED, "example.org", 1);
    assert_int_equal(lines->nelts, 4);
    assert_non_null(strstr(APR_ARRAY_IDX(lines, 1, const char *),
                           "Domain=example.org"));
    assert_non_null(strstr(APR_ARRAY_IDX(lines, 1, const char *), "Secure"));
}

/* ---- categories ---- */

static void categories_in_rule_order_once(void **state)
{
    apr_pool_t *p = *state;
    static const char *const classes[] = {
        "analytics", "_ga.*", "tracking", "x", "analytics", "_gid", NULL
    };
    cg_policy_t *pol = policy(p, classes, "mautic,matomo", 1);
    const apr_array_header_t *cats = cg_policy_categories(pol);

    assert_int_equal(cats->nelts, 2);
    assert_string_equal(APR_ARRAY_IDX(cats, 0, const char *), "analytics");
    assert_string_equal(APR_ARRAY_IDX(cats, 1, const char *), "tracking");
    assert_false(cg_policy_is_empty(pol));
    assert_true(cg_policy_is_empty(policy(p, NULL, NULL, 1)));
}

/* ---- request parameters ---- */

static cg_policy_t *policy_with_params(apr_pool_t *p)
{
    apr_array_header_t *rules = apr_array_make(p, 4, sizeof(cg_rule_t));
    apr_array_header_t *params = apr_array_make(p, 4, sizeof(const char *));
    const char *const *n;
    cg_policy_spec_t spec;

    assert_true(cg_preset_rules(p, "mautic", rules));
    for (n = cg_preset_scrub_params("mautic"); *n; ++n) {
        APR_ARRAY_PUSH(params, const char *) = *n;
    }
    APR_ARRAY_PUSH(params, const char *) = "visitor";   /* in no class */
    memset(&spec, 0, sizeof(spec));
    spec.cookie_name = "mautic_consent";
    spec.preset_rules = rules;
    spec.scrub_params = params;
    spec.unknown_allowed = 1;
    spec.max_age = 15552000;
    return cg_policy_make(p, &spec);
}

static void php_names(void **state)
{
    apr_pool_t *p = *state;
    static const struct {
        const char *raw;
        int plus;
        const char *php;
    } cases[] = {
        { "mautic_device_id", 1, "mautic_device_id" },
        { "mautic%5Fdevice%5fid", 1, "mautic_device_id" },
        { "mautic.device.id", 1, "mautic_device_id" },
        { "mautic+device id", 1, "mautic_device_id" },
        { "mautic+device", 0, "mautic+device" },
        { "  mtc_id", 1, "mtc_id" },
        { "mtc_id[]", 1, "mtc_id" },
        { "mtc_id%5B0%5D", 1, "mtc_id" },
        { "a%2", 1, "a%2" },
        { "%zz", 1, "%zz" },
        { "", 1, "" },
    };
    apr_size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
        const char *got = cg_php_name(p, cases[i].raw, strlen(cases[i].raw),
                                      cases[i].plus);
        if (strcmp(got, cases[i].php)) {
            fail_tap("'%s' read as '%s', expected '%s'", cases[i].raw, got,
                     cases[i].php);
        }
    }
}

static void scrub_params_by_consent(void **state)
{
    apr_pool_t *p = *state;
    cg_policy_t *pol = policy_with_params(p);
    const char *q = "a=1&mautic_device_id=x&mtc_id=2&b=&&mtc_sid=s&visitor=v&c";
    cg_visit_t v;

    visit(p, pol, NULL, NULL, &v);
    assert_string_equal(cg_policy_scrub_params(p, pol, &v, CG_STATE_NONE, q),
                        "a=1&b=&c");
    assert_string_equal(cg_policy_scrub_params(p, pol, &v, CG_STATE_NONE,
                                               "mtc_id=1&mautic_device_id=2"),
                        "");
    assert_string_equal(cg_policy_scrub_params(p, pol, &v, CG_STATE_NONE,
                                               "mtc_id=1&z=2"), "z=2");
    /* nothing to remove: the same string, not a copy */
    {
        const char *same = "a=1&b=2";
        assert_ptr_equal(cg_policy_scrub_params(p, pol, &v, CG_STATE_NONE,
                                                same), same);
    }
    assert_null(cg_policy_scrub_params(p, pol, &v, CG_STATE_NONE, NULL));

    /* consent to the scope's only category: all of them pass, "drop" and
     * unclassed names too (a parameter is not stored) */
    visit(p, pol, consent_cookie(p, "tracking"), NULL, &v);
    assert_ptr_equal(cg_policy_scrub_params(p, pol, &v, CG_STATE_GRANTED, q),
                     q);
    /* a signal or a refusal: none of them */
    assert_string_equal(cg_policy_scrub_params(p, pol, &v, CG_STATE_GPC, q),
                        "a=1&b=&c");
    assert_true(cg_policy_param_passes(pol, &v, CG_STATE_NONE, "page_url"));
    assert_false(cg_policy_param_passes(pol, &v, CG_STATE_DENIED, "mtc_id"));
}

/* ---- a signed consent ---- */

/* ---- other banners' consent (ConsentSource, ConsentSourceMap) ---- */

/* Two sources whose map lines interleave, one line naming a category no
 * rule defines, one naming a category of the other source; cookieyes
 * first, then cookiebot, then the own cookie. */
static cg_policy_t *policy_with_sources_own(apr_pool_t *p, int own)
{
    static const char *const lines[][3] = {
        {"cookiebot", "marketing", "tracking"},
        {"cookieyes", "advertisement", "tracking"},
        {"cookiebot", "statistics", "analytics"},
        {"cookieyes", "analytics", "analytics"},
        {"cookiebot", "preferences", "nosuch"},
        /* only cookieyes has "advertisement": asked of cookieyes, this
         * line would refuse analytics whenever ads are refused */
        {"cookiebot", "advertisement", "analytics"},
    };
    apr_array_header_t *rules = apr_array_make(p, 2, sizeof(cg_rule_t));
    apr_array_header_t *sources = apr_array_make(p, 3,
                                                 sizeof(const cg_source_t *));
    apr_array_header_t *maps = apr_array_make(p, 6, sizeof(cg_source_map_t));
    cg_policy_spec_t spec;
    unsigned i;

    assert_null(cg_rule_compile(p, cg_class_parse(p, "tracking"), "mtc_id",
                                apr_array_push(rules)));
    assert_null(cg_rule_compile(p, cg_class_parse(p, "analytics"), "_pk_id",
                                apr_array_push(rules)));
    APR_ARRAY_PUSH(sources, const cg_source_t *) = cg_source_find("cookieyes");
    APR_ARRAY_PUSH(sources, const cg_source_t *) = cg_source_find("cookiebot");
    if (own) {
        APR_ARRAY_PUSH(sources, const cg_source_t *) = NULL;
    }
    for (i = 0; i < sizeof(lines) / sizeof(lines[0]); ++i) {
        cg_source_map_t *m = apr_array_push(maps);

        m->source = cg_source_find(lines[i][0]);
        m->theirs = lines[i][1];
        m->ours = lines[i][2];
    }
    memset(&spec, 0, sizeof(spec));
    spec.cookie_name = "mautic_consent";
    spec.rules = rules;
    spec.sources = sources;
    spec.source_maps = maps;
    spec.max_age = 15552000;
    return cg_policy_make(p, &spec);
}

/* ConsentSource cookieyes cookiebot own */
static cg_policy_t *policy_with_sources(apr_pool_t *p)
{
    return policy_with_sources_own(p, 1);
}

/* A Cookiebot value chosen 57 days before NOW. */
static const char *cookiebot(apr_pool_t *p, int pref, int stats, int mkt)
{
    return apr_psprintf(p, "CookieConsent={stamp:'x',necessary:true,"
                        "preferences:%s,statistics:%s,marketing:%s,"
                        "method:'explicit',ver:1,utc:1795000000000,"
                        "region:'de'}", pref ? "true" : "false",
                        stats ? "true" : "false", mkt ? "true" : "false");
}

static const char *cookieyes(apr_pool_t *p, int analytics, int ads)
{
    return apr_psprintf(p, "cookieyes-consent=consentid:abc,consent:yes,"
                        "action:yes,necessary:yes,functional:no,"
                        "analytics:%s,performance:no,advertisement:%s,"
                        "other:no", analytics ? "yes" : "no",
                        ads ? "yes" : "no");
}

static void sources_follow_their_own_map_lines(void **state)
{
    apr_pool_t *p = *state;
    cg_policy_t *pol = policy_with_sources(p);
    cg_visit_t v;

    /* each source is asked only its own lines */
    visit(p, pol, apr_pstrcat(p, "a=1; ", cookiebot(p, 0, 0, 1), NULL), NULL,
          &v);
    assert_string_equal(v.source, "cookiebot");
    assert_int_equal(v.consent.state, CG_CONSENT_GRANTED);
    assert_int_equal(v.consent.categories->nelts, 1);
    assert_true(cg_consent_allows(&v.consent, "tracking"));
    assert_false(cg_consent_allows(&v.consent, "analytics"));

    visit(p, pol, cookieyes(p, 1, 0), NULL, &v);
    assert_string_equal(v.source, "cookieyes");
    assert_int_equal(v.consent.state, CG_CONSENT_GRANTED);
    assert_int_equal(v.consent.categories->nelts, 1);
    assert_true(cg_consent_allows(&v.consent, "analytics"));
    assert_false(cg_consent_allows(&v.consent, "tracking"));

    /* a line to a category no rule defines grants nothing: an explicit
     * choice of nothing we know */
    visit(p, pol, cookiebot(p, 1, 0, 0), NULL, &v);
    assert_string_equal(v.source, "cookiebot");
    assert_int_equal(v.consent.state, CG_CONSENT_DENIED);
    assert_false(cg_consent_allows(&v.consent, "nosuch"));

    /* both grant: the first source's choice stands */
    visit(p, pol, apr_pstrcat(p, cookiebot(p, 0, 1, 1), "; ",
                              cookieyes(p, 1, 1), NULL), NULL, &v);
    assert_string_equal(v.source, "cookieyes");
    assert_int_equal(v.consent.categories->nelts, 2);

    /* the later source refuses tracking: taken away; its grant of
     * analytics adds nothing the first did not grant */
    visit(p, pol, apr_pstrcat(p, cookiebot(p, 0, 1, 0), "; ",
                              cookieyes(p, 0, 1), NULL), NULL, &v);
    assert_string_equal(v.source, "cookieyes");
    assert_int_equal(v.consent.state, CG_CONSENT_DENIED);
    assert_false(cg_consent_allows(&v.consent, "tracking"));
    assert_false(cg_consent_allows(&v.consent, "analytics"));
}

/* A withdrawal made here (forget, a revocation path: the module's own
 * cookie refusing) holds where ConsentSource leaves `own` out, until the
 * visitor chooses again in the other banner. */
static void own_withdrawal_holds_where_own_is_not_a_source(void **state)
{
    apr_pool_t *p = *state;
    cg_policy_t *pol = policy_with_sources_own(p, 0);
    const apr_time_t bot_time = apr_time_from_sec(1795000000);
    cg_visit_t v;

    /* the other banner alone: its grant */
    visit(p, pol, cookiebot(p, 0, 1, 1), NULL, &v);
    assert_int_equal(v.consent.state, CG_CONSENT_GRANTED);
    assert_int_equal(v.consent.categories->nelts, 2);
    /* withdrawn here after that choice: nothing */
    visit(p, pol, apr_pstrcat(p, cookiebot(p, 0, 1, 1), "; ",
                              consent_cookie(p, ""), NULL), NULL, &v);
    assert_string_equal(v.source, "cookiebot");
    assert_int_equal(v.consent.state, CG_CONSENT_DENIED);
    assert_false(cg_consent_allows(&v.consent, "tracking"));
    /* chosen again in the other banner since the withdrawal: its grant */
    visit(p, pol, apr_pstrcat(p, cookiebot(p, 0, 1, 1), "; ",
                              consent_cookie_at(p, "", bot_time
                                                - apr_time_from_sec(3600)),
                              NULL), NULL, &v);
    assert_int_equal(v.consent.state, CG_CONSENT_GRANTED);
    assert_int_equal(v.consent.categories->nelts, 2);
    /* a newer choice here that keeps analytics takes away tracking only */
    visit(p, pol, apr_pstrcat(p, cookiebot(p, 0, 1, 1), "; ",
                              consent_cookie(p, "analytics"), NULL), NULL,
          &v);
    assert_int_equal(v.consent.state, CG_CONSENT_GRANTED);
    assert_false(cg_consent_allows(&v.consent, "tracking"));
    assert_true(cg_consent_allows(&v.consent, "analytics"));
    /* a banner whose cookie has no time: the withdrawal holds (fail
     * closed) */
    visit(p, pol, apr_pstrcat(p, cookieyes(p, 1, 1), "; ",
                              consent_cookie(p, ""), NULL), NULL, &v);
    assert_string_equal(v.source, "cookieyes");
    assert_int_equal(v.consent.state, CG_CONSENT_DENIED);
    /* left out of ConsentSource, the module's cookie never grants */
    visit(p, pol, consent_cookie(p, "tracking~analytics"), NULL, &v);
    assert_int_equal(v.consent.state, CG_CONSENT_NONE);
    assert_null(v.source);

    /* two cookies of ours that disagree (a host-only grant and a domain
     * refusal): they refuse, listed or not (fail closed) */
    visit(p, pol, apr_pstrcat(p, cookiebot(p, 0, 1, 1), "; ",
                              consent_cookie(p, "tracking~analytics"), "; ",
                              consent_cookie(p, ""), NULL), NULL, &v);
    assert_int_equal(v.consent.state, CG_CONSENT_DENIED);
    visit(p, policy_with_sources(p),
          apr_pstrcat(p, cookiebot(p, 0, 1, 1), "; ",
                      consent_cookie(p, "tracking~analytics"), "; ",
                      consent_cookie(p, ""), NULL), NULL, &v);
    assert_int_equal(v.consent.state, CG_CONSENT_DENIED);
    assert_true(v.conflict);

    /* listed, `own` is a later source: its refusal takes away whatever
     * the times */
    pol = policy_with_sources(p);
    visit(p, pol, apr_pstrcat(p, cookiebot(p, 0, 1, 1), "; ",
                              consent_cookie_at(p, "", bot_time
                                                - apr_time_from_sec(3600)),
                              NULL), NULL, &v);
    assert_int_equal(v.consent.state, CG_CONSENT_DENIED);
}

static void signed_consent(void **state)
{
    apr_pool_t *p = *state;
    static const unsigned char k1[] = "0123456789abcdef0123456789abcdef";
    static const unsigned char k2[] = "fedcba9876543210fedcba9876543210";
    cg_consent_key_t keys[2] = { { k1, 32 }, { k2, 32 } };
    apr_array_header_t *rules = apr_array_make(p, 4, sizeof(cg_rule_t));
    apr_array_header_t *cats = apr_array_make(p, 1, sizeof(const char *));
    cg_policy_spec_t spec;
    cg_policy_t *a, *b, *other_site;
    const char *value;
    cg_visit_t v;

    assert_true(cg_preset_rules(p, "mautic", rules));
    APR_ARRAY_PUSH(cats, const char *) = "tracking";
    memset(&spec, 0, sizeof(spec));
    spec.cookie_name = "c";
    spec.preset_rules = rules;
    spec.max_age = 3600;
    spec.keys = keys;
    spec.nkeys = 1;
    spec.site = "example.org";
    a = cg_policy_make(p, &spec);
    spec.keys = keys + 1;           /* another key only */
    b = cg_policy_make(p, &spec);
    spec.keys = keys;
    spec.site = "other.example.org";
    other_site = cg_policy_make(p, &spec);

    value = cg_policy_consent_value(p, a, cats, NOW - apr_time_from_sec(5), RID);
    assert_non_null(value);
    visit(p, a, apr_pstrcat(p, "c=", value, NULL), NULL, &v);
    assert_int_equal(v.consent.state, CG_CONSENT_GRANTED);
    visit(p, b, apr_pstrcat(p, "c=", value, NULL), NULL, &v);
    assert_int_equal(v.consent.state, CG_CONSENT_NONE);
    visit(p, other_site, apr_pstrcat(p, "c=", value, NULL), NULL, &v);
    assert_int_equal(v.consent.state, CG_CONSENT_NONE);
    /* unsigned */
    visit(p, a, apr_pstrcat(p, "c=", cg_consent_format(p, cats, NOW, 0, RID),
                            NULL), NULL, &v);
    assert_int_equal(v.consent.state, CG_CONSENT_NONE);
    /* without keys a signed value still reads (a secret removed) */
    spec.nkeys = 0;
    visit(p, cg_policy_make(p, &spec), apr_pstrcat(p, "c=", value, NULL),
          NULL, &v);
    assert_int_equal(v.consent.state, CG_CONSENT_GRANTED);
    assert_string_equal(v.consent.receipt_id, RID);
}

/* ---- the category id ---- */

/* One rule, wherever a category id is read: what a class can name, a
 * consent can grant, and nothing else. */
static void category_id_is_one_rule(void **state)
{
    apr_pool_t *p = *state;
    static const char *const ids[] = {
        "tracking", "a", "a-b_1", "abcdefghijklmnopqrstuvwxyz012345",
        "Tracking", "", "abcdefghijklmnopqrstuvwxyz0123456", "a.b", "a~b",
        "unknown", "necessary", "drop", "ads ", "\xc3\xa9", NULL
    };
    cg_consent_rules_t rules = { 15552000, 0, NOW };
    int i;

    for (i = 0; ids[i]; ++i) {
        int valid = cg_category_valid(ids[i], strlen(ids[i]));
        const cg_class_t *cls = cg_class_parse(p, ids[i]);
        int as_class = cls && cls->kind == CG_CLASS_CATEGORY;
        cg_consent_t c;
        apr_array_header_t *one = apr_array_make(p, 1, sizeof(const char *));

        APR_ARRAY_PUSH(one, const char *) = ids[i];
        cg_consent_parse(p, cg_consent_format(p, one, NOW, 0, RID), &rules,
                         &c);
        if (as_class != valid) {
            fail_tap("'%s': valid %d but a class %d", ids[i], valid, as_class);
        }
        if ((c.state == CG_CONSENT_GRANTED && c.categories->nelts == 1
             && !strcmp(APR_ARRAY_IDX(c.categories, 0, const char *), ids[i]))
            != valid) {
            fail_tap("'%s': valid %d but a consent state %d", ids[i], valid,
                     (int)c.state);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CG_TEST(classify_consent_cookie_is_necessary),
        CG_TEST(classify_module_cookies_are_necessary),
        CG_TEST(classify_own_classes_before_presets),
        CG_TEST(classify_memo_agrees_with_rules),
        CG_TEST(classify_pathological_pattern_is_cut_off),
        CG_TEST(undecidable_names_are_reported_once),
        CG_TEST(classify_from_several_threads),
        CG_TEST(memo_keeps_every_form),
        CG_TEST(decide_reads_consent_and_signals),
        CG_TEST(revocation_preset_paths),
        CG_TEST(revocation_on_post_only),
        CG_TEST(revocation_undecidable_is_no_match),
        CG_TEST(judge_lines),
        CG_TEST(judge_unknown_follows_the_setting),
        CG_TEST(scrub_keeps_pairs_byte_for_byte),
        CG_TEST(scrub_all_or_nothing),
        CG_TEST(expiries_for_what_may_not_pass),
        CG_TEST(categories_in_rule_order_once),
        CG_TEST(php_names),
        CG_TEST(scrub_params_by_consent),
        CG_TEST(signed_consent),
        CG_TEST(sources_follow_their_own_map_lines),
        CG_TEST(own_withdrawal_holds_where_own_is_not_a_source),
        CG_TEST(category_id_is_one_rule),
    };
    CG_RUN_GROUP("policy", tests);
}
