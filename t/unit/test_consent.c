/* test_consent.c: unit tests (cmocka) for lib/cg_consent.c: the consent
 * cookie value (plain and cg1 forms), reading it from crumbs, formatting,
 * the GPC and DNT signals, the decision and which classes pass. */
#include "unit.h"

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include <apr_time.h>

#include "cg_consent.h"
#include "cg_cookie.h"

/* 2025-11-22 19:00:00 GMT, the fixed "now" of every test */
#define NOW_SEC APR_INT64_C(1763838000)
#define NOW apr_time_from_sec(NOW_SEC)
/* an hour ago: a fresh consent */
#define T_SEC (NOW_SEC - 3600)
#define MAX_AGE APR_INT64_C(15552000)   /* 180 days */
#define POLICY_REV 3
#define RID "rcpt_0001-AbCd"

/* policy revision 0, the default: the plain forms count */
static const cg_consent_rules_t rules = { MAX_AGE, 0, NOW };
/* a policy at revision 3: older consents, and the plain forms, do not */
static const cg_consent_rules_t rules_rev = { MAX_AGE, POLICY_REV, NOW };

/* The state `value` parses to under `r`. */
static cg_consent_e state_under(apr_pool_t *p, const char *value,
                                const cg_consent_rules_t *r)
{
    cg_consent_t c;

    cg_consent_parse(p, value, r, &c);
    return c.state;
}

/* The state `value` parses to under `rules`. */
static cg_consent_e state_of(apr_pool_t *p, const char *value)
{
    return state_under(p, value, &rules);
}

/* A cg1 value with time `secs` and revision `rev`. */
static const char *cg1(apr_pool_t *p, const char *cats, apr_int64_t secs,
                       int rev, const char *rid)
{
    return apr_psprintf(p, "cg1.%s.%" APR_INT64_T_FMT ".%d.%s",
                        cats, secs, rev, rid);
}

/* Fails with the value when it does not parse to `expected`. */
static void expect_states(apr_pool_t *p, const char *const *values,
                          cg_consent_e expected)
{
    int i;

    for (i = 0; values[i]; ++i) {
        cg_consent_e got = state_of(p, values[i]);
        if (got != expected) {
            fail_tap("'%s' gave state %d, expected %d", values[i],
                     (int)got, (int)expected);
        }
    }
}

static cg_consent_t consent_of(apr_pool_t *p, const char *value)
{
    cg_consent_t c;

    cg_consent_parse(p, value, &rules, &c);
    return c;
}

static const char *category(const cg_consent_t *c, int i)
{
    return APR_ARRAY_IDX(c->categories, i, const char *);
}

/* ---- cg_consent_parse: plain forms ---- */

static void parse_plain_grant_words(void **state)
{
    static const char *const words[] = {
        "1", "yes", "true", "granted", "YES", "Yes", "TRUE", "True",
        "GRANTED", "GrAnTeD", NULL
    };
    int i;

    for (i = 0; words[i]; ++i) {
        cg_consent_t c = consent_of(*state, words[i]);
        if (c.state != CG_CONSENT_GRANTED || !c.all_categories) {
            fail_tap("'%s' should grant all categories", words[i]);
        }
        assert_int_equal(c.when, 0);
        assert_int_equal(c.revision, 0);
        assert_null(c.receipt_id);
    }
}

static void parse_plain_quoted_grant(void **state)
{
    cg_consent_t c = consent_of(*state, "\"1\"");

    assert_int_equal(c.state, CG_CONSENT_GRANTED);
    assert_true(c.all_categories);
    assert_int_equal(state_of(*state, "\"yes\""), CG_CONSENT_GRANTED);
    assert_int_equal(state_of(*state, "\"0\""), CG_CONSENT_DENIED);
}

static void parse_plain_deny_words(void **state)
{
    static const char *const words[] = {
        "0", "no", "false", "denied", "NO", "No", "FALSE", "Denied",
        "\"no\"", NULL
    };
    int i;

    for (i = 0; words[i]; ++i) {
        cg_consent_t c = consent_of(*state, words[i]);
        if (c.state != CG_CONSENT_DENIED || c.all_categories) {
            fail_tap("'%s' should be a refusal", words[i]);
        }
    }
}

static void parse_everything_else_is_none(void **state)
{
    static const char *const values[] = {
        "", "2", "-1", "01", "10", "yes ", " yes", "yes\t", "y", "ye",
        "yess", "granted!", "grant", "allow", "on", "nope", "cg1", "cg1.",
        "CG1..1763834400.3.rcpt_0001", "garbage", "1;", "1,1", "\"1",
        "1\"", "\"\"", "\"", "\"\"1\"\"", "'1'", "%31", "yes\xc2\xa0",
        NULL
    };

    expect_states(*state, values, CG_CONSENT_NONE);
}

static void parse_null_is_none(void **state)
{
    cg_consent_t c;

    cg_consent_parse(*state, NULL, &rules, &c);
    assert_int_equal(c.state, CG_CONSENT_NONE);
    assert_false(c.all_categories);
}

static void parse_overlong_is_none(void **state)
{
    char *big = apr_palloc(*state, 8193);
    const char *values[4];

    memset(big, 'a', 8192);
    big[8192] = '\0';
    values[0] = big;
    values[1] = apr_pstrcat(*state, "1", big, NULL);
    values[2] = apr_pstrcat(*state, "cg1.", big, ".1763834400.3." RID, NULL);
    values[3] = NULL;
    expect_states(*state, values, CG_CONSENT_NONE);
}

static void parse_none_resets_output(void **state)
{
    cg_consent_t c;

    cg_consent_parse(*state, "1", &rules, &c);
    assert_true(c.all_categories);
    cg_consent_parse(*state, "garbage", &rules, &c);
    assert_int_equal(c.state, CG_CONSENT_NONE);
    assert_false(c.all_categories);
    assert_null(c.receipt_id);
}

/* ---- cg_consent_parse: the cg1 form ---- */

static void parse_cg1_grant_one_category(void **state)
{
    cg_consent_t c = consent_of(*state,
                                cg1(*state, "tracking", T_SEC, 3, RID));

    assert_int_equal(c.state, CG_CONSENT_GRANTED);
    assert_false(c.all_categories);
    assert_non_null(c.categories);
    assert_int_equal(c.categories->nelts, 1);
    assert_string_equal(category(&c, 0), "tracking");
    assert_true(c.when == apr_time_from_sec(T_SEC));
    assert_int_equal(c.revision, 3);
    assert_string_equal(c.receipt_id, RID);
}

static void parse_cg1_grant_two_categories(void **state)
{
    cg_consent_t c = consent_of(*state, cg1(*state, "tracking~stats_2-x",
                                            T_SEC, 4, RID));

    assert_int_equal(c.state, CG_CONSENT_GRANTED);
    assert_false(c.all_categories);
    assert_int_equal(c.categories->nelts, 2);
    assert_string_equal(category(&c, 0), "tracking");
    assert_string_equal(category(&c, 1), "stats_2-x");
    assert_int_equal(c.revision, 4);
}

static void parse_cg1_refusal(void **state)
{
    cg_consent_t c = consent_of(*state, cg1(*state, "", T_SEC, 3, RID));

    assert_int_equal(c.state, CG_CONSENT_DENIED);
    assert_false(c.all_categories);
    assert_int_equal(c.categories->nelts, 0);
    assert_true(c.when == apr_time_from_sec(T_SEC));
    assert_int_equal(c.revision, 3);
    assert_string_equal(c.receipt_id, RID);
}

static void parse_cg1_quoted(void **state)
{
    cg_consent_t c = consent_of(*state, apr_pstrcat(*state, "\"",
                                cg1(*state, "tracking", T_SEC, 3, RID),
                                "\"", NULL));

    assert_int_equal(c.state, CG_CONSENT_GRANTED);
    assert_string_equal(category(&c, 0), "tracking");
    assert_string_equal(c.receipt_id, RID);
}

static void parse_cg1_category_limits(void **state)
{
    /* 32 characters is the longest category */
    const char *c32 = "abcdefghijklmnopqrstuvwxyz012345";
    cg_consent_t c;

    assert_int_equal(strlen(c32), 32);
    c = consent_of(*state, cg1(*state, c32, T_SEC, 3, RID));
    assert_int_equal(c.state, CG_CONSENT_GRANTED);
    assert_string_equal(category(&c, 0), c32);
    c = consent_of(*state, cg1(*state, "x", T_SEC, 3, RID));
    assert_int_equal(c.state, CG_CONSENT_GRANTED);
    assert_string_equal(category(&c, 0), "x");
}

static void parse_cg1_receipt_limits(void **state)
{
    const char *r8 = "abcd1234";
    const char *r64 =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    cg_consent_t c;

    assert_int_equal(strlen(r64), 64);
    c = consent_of(*state, cg1(*state, "a", T_SEC, 3, r8));
    assert_int_equal(c.state, CG_CONSENT_GRANTED);
    assert_string_equal(c.receipt_id, r8);
    c = consent_of(*state, cg1(*state, "a", T_SEC, 3, r64));
    assert_int_equal(c.state, CG_CONSENT_GRANTED);
    assert_string_equal(c.receipt_id, r64);
}

static void parse_cg1_malformed_categories(void **state)
{
    apr_pool_t *p = *state;
    const char *values[] = {
        cg1(p, "a~~b", T_SEC, 3, RID),          /* empty between ~ */
        cg1(p, "~a", T_SEC, 3, RID),
        cg1(p, "a~", T_SEC, 3, RID),
        cg1(p, "~", T_SEC, 3, RID),
        cg1(p, "Tracking", T_SEC, 3, RID),      /* uppercase */
        cg1(p, "trackinG", T_SEC, 3, RID),
        cg1(p, "abcdefghijklmnopqrstuvwxyz0123456", T_SEC, 3, RID), /* 33 */
        cg1(p, "a~abcdefghijklmnopqrstuvwxyz0123456", T_SEC, 3, RID),
        cg1(p, "a b", T_SEC, 3, RID),
        cg1(p, "a,b", T_SEC, 3, RID),
        cg1(p, "a/b", T_SEC, 3, RID),
        cg1(p, "caf\xc3\xa9", T_SEC, 3, RID),
        NULL
    };

    expect_states(p, values, CG_CONSENT_NONE);
}

static void parse_cg1_missing_or_extra_fields(void **state)
{
    static const char *const values[] = {
        "cg1.tracking",
        "cg1.tracking.1763834400",
        "cg1.tracking.1763834400.3",
        "cg1.tracking.1763834400.3.",
        "cg1..1763834400.3",
        "cg1.tracking.1763834400." RID,
        "cg1.1763834400.3." RID,
        "cg1.tracking.1763834400.3." RID ".extra",
        "cg1.tracking.1763834400.3." RID ".",
        "cg1.tracking.1763834400.3.4." RID,
        "cg1..tracking.1763834400.3." RID,
        NULL
    };

    expect_states(*state, values, CG_CONSENT_NONE);
}

static void parse_cg1_bad_numbers(void **state)
{
    static const char *const values[] = {
        "cg1.tracking..3." RID,                 /* empty time */
        "cg1.tracking.17638x4400.3." RID,       /* non-digit time */
        "cg1.tracking.-1763834400.3." RID,
        "cg1.tracking.+1763834400.3." RID,
        "cg1.tracking. 1763834400.3." RID,
        "cg1.tracking.0001763834400.3." RID,    /* 13 digits */
        "cg1.tracking.1763834400.." RID,        /* empty revision */
        "cg1.tracking.1763834400.x." RID,
        "cg1.tracking.1763834400.-3." RID,
        "cg1.tracking.1763834400.1234567890." RID,  /* 10 digits */
        NULL
    };

    expect_states(*state, values, CG_CONSENT_NONE);
}

static void parse_cg1_bad_receipt_ids(void **state)
{
    apr_pool_t *p = *state;
    const char *values[] = {
        cg1(p, "a", T_SEC, 3, "abc1234"),       /* 7: too short */
        cg1(p, "a", T_SEC, 3, ""),
        cg1(p, "a", T_SEC, 3,                   /* 65: too long */
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
            "0123456789_-x"),
        cg1(p, "a", T_SEC, 3, "abcd+1234"),
        cg1(p, "a", T_SEC, 3, "abcd 1234"),
        cg1(p, "a", T_SEC, 3, "abcd/1234"),
        cg1(p, "a", T_SEC, 3, "abcd=1234"),
        cg1(p, "a", T_SEC, 3, "abcd~1234"),
        cg1(p, "a", T_SEC, 3, "abcd\xc3\xa9" "1234"),
        cg1(p, "a", T_SEC, 3, RID " "),
        cg1(p, "", T_SEC, 3, "short"),
        NULL
    };

    expect_states(p, values, CG_CONSENT_NONE);
}

static void parse_cg1_wrong_prefix(void **state)
{
    static const char *const values[] = {
        "CG1.tracking.1763834400.3." RID,
        "cg2.tracking.1763834400.3." RID,
        "cg1tracking.1763834400.3." RID,
        " cg1.tracking.1763834400.3." RID,
        "cg1.tracking.1763834400.3." RID " ",
        NULL
    };

    expect_states(*state, values, CG_CONSENT_NONE);
}

static void parse_cg1_expiry_by_max_age(void **state)
{
    apr_pool_t *p = *state;

    /* exactly max_age old is still valid, a second more is not */
    assert_int_equal(state_of(p, cg1(p, "a", NOW_SEC - MAX_AGE, 3, RID)),
                     CG_CONSENT_GRANTED);
    assert_int_equal(state_of(p, cg1(p, "a", NOW_SEC - MAX_AGE - 1, 3, RID)),
                     CG_CONSENT_NONE);
    /* a refusal expires too */
    assert_int_equal(state_of(p, cg1(p, "", NOW_SEC - MAX_AGE, 3, RID)),
                     CG_CONSENT_DENIED);
    assert_int_equal(state_of(p, cg1(p, "", NOW_SEC - MAX_AGE - 1, 3, RID)),
                     CG_CONSENT_NONE);
}

static void parse_cg1_max_age_zero_never_expires(void **state)
{
    cg_consent_rules_t r = { 0, POLICY_REV, NOW };
    cg_consent_t c;

    cg_consent_parse(*state, cg1(*state, "a", 1, 3, RID), &r, &c);
    assert_int_equal(c.state, CG_CONSENT_GRANTED);
    assert_true(c.when == apr_time_from_sec(1));
}

static void parse_cg1_future_timestamp(void **state)
{
    apr_pool_t *p = *state;

    /* up to 300 s of clock skew is tolerated, not more */
    assert_int_equal(state_of(p, cg1(p, "a", NOW_SEC + 300, 3, RID)),
                     CG_CONSENT_GRANTED);
    assert_int_equal(state_of(p, cg1(p, "a", NOW_SEC + 301, 3, RID)),
                     CG_CONSENT_NONE);
    assert_int_equal(state_of(p, cg1(p, "", NOW_SEC + 301, 3, RID)),
                     CG_CONSENT_NONE);
    assert_int_equal(state_of(p, cg1(p, "a", NOW_SEC + 86400 * 365, 3, RID)),
                     CG_CONSENT_NONE);
    assert_int_equal(state_of(p, "cg1.a.999999999999.3." RID),
                     CG_CONSENT_NONE);
}

static void parse_cg1_policy_revision(void **state)
{
    apr_pool_t *p = *state;

    assert_int_equal(state_under(p, cg1(p, "a", T_SEC, POLICY_REV - 1, RID),
                                 &rules_rev), CG_CONSENT_NONE);
    assert_int_equal(state_under(p, cg1(p, "", T_SEC, POLICY_REV - 1, RID),
                                 &rules_rev), CG_CONSENT_NONE);
    assert_int_equal(state_under(p, cg1(p, "a", T_SEC, 0, RID),
                                 &rules_rev), CG_CONSENT_NONE);
    assert_int_equal(state_under(p, cg1(p, "a", T_SEC, POLICY_REV, RID),
                                 &rules_rev), CG_CONSENT_GRANTED);
    assert_int_equal(state_under(p, cg1(p, "", T_SEC, POLICY_REV, RID),
                                 &rules_rev), CG_CONSENT_DENIED);
    assert_int_equal(state_under(p, cg1(p, "a", T_SEC, POLICY_REV + 1, RID),
                                 &rules_rev), CG_CONSENT_GRANTED);
    assert_int_equal(state_under(p, cg1(p, "a", T_SEC, 999999999, RID),
                                 &rules_rev), CG_CONSENT_GRANTED);
    /* under policy revision 0 every revision is recent enough */
    assert_int_equal(state_of(p, cg1(p, "a", T_SEC, 0, RID)),
                     CG_CONSENT_GRANTED);
}

static void parse_plain_forms_ignore_time(void **state)
{
    /* the plain forms carry no time: a max_age cannot expire them */
    cg_consent_rules_t r = { 1, 0, NOW };
    cg_consent_t c;

    cg_consent_parse(*state, "yes", &r, &c);
    assert_int_equal(c.state, CG_CONSENT_GRANTED);
    cg_consent_parse(*state, "no", &r, &c);
    assert_int_equal(c.state, CG_CONSENT_DENIED);
}

static void parse_plain_forms_are_revision_0(void **state)
{
    /* under a policy revision above 0 the plain forms are no consent */
    static const char *const values[] = {
        "1", "yes", "TRUE", "granted", "\"1\"", "0", "no", "False",
        "denied", "\"no\"", NULL
    };
    cg_consent_rules_t r1 = { MAX_AGE, 1, NOW };
    int i;

    for (i = 0; values[i]; ++i) {
        cg_consent_t c;

        cg_consent_parse(*state, values[i], &r1, &c);
        if (c.state != CG_CONSENT_NONE || c.all_categories) {
            fail_tap("'%s' under policy revision 1 gave state %d",
                     values[i], (int)c.state);
        }
        if (state_under(*state, values[i], &rules_rev) != CG_CONSENT_NONE) {
            fail_tap("'%s' under policy revision %d is not none",
                     values[i], POLICY_REV);
        }
    }
    /* while a cg1 value of a recent enough revision still counts */
    assert_int_equal(state_under(*state, cg1(*state, "a", T_SEC, 1, RID),
                                 &r1), CG_CONSENT_GRANTED);
}

/* ---- cg_consent_from_crumbs ---- */

static cg_consent_t from_header_under(apr_pool_t *p, const char *header,
                                      const cg_consent_rules_t *r,
                                      int *conflict)
{
    cg_consent_t c;

    *conflict = -1;
    cg_consent_from_crumbs(p, cg_cookie_parse(p, header), "cg_consent",
                           r, &c, conflict);
    return c;
}

static cg_consent_t from_header(apr_pool_t *p, const char *header,
                                int *conflict)
{
    return from_header_under(p, header, &rules, conflict);
}

static void from_crumbs_no_cookie(void **state)
{
    int conflict;
    cg_consent_t c = from_header(*state, "a=1; consent=1", &conflict);

    assert_int_equal(c.state, CG_CONSENT_NONE);
    assert_int_equal(conflict, 0);
    c = from_header(*state, NULL, &conflict);
    assert_int_equal(c.state, CG_CONSENT_NONE);
    assert_int_equal(conflict, 0);
}

static void from_crumbs_one_cookie(void **state)
{
    int conflict;
    cg_consent_t c = from_header(*state, apr_pstrcat(*state,
        "PHPSESSID=x; cg_consent=", cg1(*state, "tracking", T_SEC, 3, RID),
        "; mtc_id=5", NULL), &conflict);

    assert_int_equal(c.state, CG_CONSENT_GRANTED);
    assert_int_equal(conflict, 0);
    assert_int_equal(c.categories->nelts, 1);
    assert_string_equal(category(&c, 0), "tracking");
    assert_string_equal(c.receipt_id, RID);
}

static void from_crumbs_plain_and_quoted(void **state)
{
    int conflict;
    cg_consent_t c = from_header(*state, "cg_consent=\"yes\"", &conflict);

    assert_int_equal(c.state, CG_CONSENT_GRANTED);
    assert_true(c.all_categories);
    c = from_header(*state, "cg_consent = 0 ", &conflict);
    assert_int_equal(c.state, CG_CONSENT_DENIED);
    assert_int_equal(conflict, 0);
}

static void from_crumbs_two_that_agree(void **state)
{
    apr_pool_t *p = *state;
    int conflict;
    cg_consent_t c;

    c = from_header(p, "cg_consent=1; cg_consent=yes", &conflict);
    assert_int_equal(c.state, CG_CONSENT_GRANTED);
    assert_int_equal(conflict, 0);

    c = from_header(p, "cg_consent=0; cg_consent=denied", &conflict);
    assert_int_equal(c.state, CG_CONSENT_DENIED);
    assert_int_equal(conflict, 0);

    /* same categories in another order, other time and receipt */
    c = from_header(p, apr_pstrcat(p,
        "cg_consent=", cg1(p, "a~b", T_SEC, 3, "receipt-one"),
        "; cg_consent=", cg1(p, "b~a", T_SEC - 60, 4, "receipt-two"),
        NULL), &conflict);
    assert_int_equal(c.state, CG_CONSENT_GRANTED);
    assert_int_equal(conflict, 0);
    assert_true(cg_consent_allows(&c, "a"));
    assert_true(cg_consent_allows(&c, "b"));
    assert_false(cg_consent_allows(&c, "c"));
}

static void from_crumbs_two_that_disagree(void **state)
{
    apr_pool_t *p = *state;
    const char *headers[] = {
        "cg_consent=1; cg_consent=0",
        "cg_consent=0; cg_consent=1",
        "cg_consent=1; cg_consent=garbage",
        "cg_consent=garbage; cg_consent=1",
        apr_pstrcat(p, "cg_consent=", cg1(p, "a", T_SEC, 3, RID),
                    "; cg_consent=", cg1(p, "b", T_SEC, 3, RID), NULL),
        apr_pstrcat(p, "cg_consent=", cg1(p, "a", T_SEC, 3, RID),
                    "; cg_consent=", cg1(p, "a~b", T_SEC, 3, RID), NULL),
        apr_pstrcat(p, "cg_consent=", cg1(p, "a~b", T_SEC, 3, RID),
                    "; cg_consent=", cg1(p, "a", T_SEC, 3, RID), NULL),
        apr_pstrcat(p, "cg_consent=1; cg_consent=",
                    cg1(p, "a", T_SEC, 3, RID), NULL),
        apr_pstrcat(p, "cg_consent=", cg1(p, "", T_SEC, 3, RID),
                    "; cg_consent=", cg1(p, "a", T_SEC, 3, RID), NULL),
        /* an expired copy disagrees with a valid one */
        apr_pstrcat(p, "cg_consent=", cg1(p, "a", T_SEC, 3, RID),
                    "; cg_consent=", cg1(p, "a", NOW_SEC - MAX_AGE - 1, 3,
                                         RID), NULL),
        /* the third one spoils the agreement of the first two */
        "cg_consent=1; cg_consent=1; cg_consent=0",
        NULL
    };
    int i;

    for (i = 0; headers[i]; ++i) {
        int conflict;
        cg_consent_t c = from_header(p, headers[i], &conflict);
        if (c.state != CG_CONSENT_NONE || conflict != 1) {
            fail_tap("'%s' gave state %d, conflict %d; expected none, 1",
                     headers[i], (int)c.state, conflict);
        }
        assert_false(c.all_categories);
    }
}

static void from_crumbs_duplicate_category_disagreement(void **state)
{
    /* "a~a" grants a only, "a~b" also grants b: they disagree whichever
     * comes first. Fails while same_decision() only checks that the first
     * value's categories are in the second (see the report). */
    apr_pool_t *p = *state;
    int conflict;
    cg_consent_t c = from_header(p, apr_pstrcat(p,
        "cg_consent=", cg1(p, "a~a", T_SEC, 3, RID),
        "; cg_consent=", cg1(p, "a~b", T_SEC, 3, RID), NULL), &conflict);

    assert_int_equal(conflict, 1);
    assert_int_equal(c.state, CG_CONSENT_NONE);
    assert_false(cg_consent_allows(&c, "b"));
}

static void from_crumbs_plain_cookie_under_revision(void **state)
{
    /* under a policy revision above 0 a leftover plain cookie is no
     * consent, so next to a current cg1 value the two disagree */
    apr_pool_t *p = *state;
    int conflict;
    cg_consent_t c;

    c = from_header_under(p, "cg_consent=1", &rules_rev, &conflict);
    assert_int_equal(c.state, CG_CONSENT_NONE);
    assert_int_equal(conflict, 0);

    c = from_header_under(p, apr_pstrcat(p, "cg_consent=1; cg_consent=",
                                         cg1(p, "a", T_SEC, POLICY_REV, RID),
                                         NULL), &rules_rev, &conflict);
    assert_int_equal(c.state, CG_CONSENT_NONE);
    assert_int_equal(conflict, 1);

    c = from_header_under(p, apr_pstrcat(p, "cg_consent=",
                                         cg1(p, "a", T_SEC, POLICY_REV, RID),
                                         NULL), &rules_rev, &conflict);
    assert_int_equal(c.state, CG_CONSENT_GRANTED);
    assert_int_equal(conflict, 0);
}

static void from_crumbs_other_names_ignored(void **state)
{
    int conflict;
    cg_consent_t c = from_header(*state,
        "cg_consent_old=0; xcg_consent=0; CG_CONSENT=0; cg_consen=0; "
        "cg_consent=1; =cg_consent; cg_consent", &conflict);

    assert_int_equal(c.state, CG_CONSENT_GRANTED);
    assert_true(c.all_categories);
    assert_int_equal(conflict, 0);
}

/* ---- cg_consent_allows ---- */

static void allows_by_state(void **state)
{
    apr_pool_t *p = *state;
    cg_consent_t c;

    c = consent_of(p, "garbage");
    assert_false(cg_consent_allows(&c, "tracking"));
    c = consent_of(p, "0");
    assert_false(cg_consent_allows(&c, "tracking"));
    c = consent_of(p, cg1(p, "", T_SEC, 3, RID));
    assert_false(cg_consent_allows(&c, "tracking"));
    c = consent_of(p, "1");
    assert_true(cg_consent_allows(&c, "tracking"));
    assert_true(cg_consent_allows(&c, "anything-at-all"));
}

static void allows_listed_categories_only(void **state)
{
    apr_pool_t *p = *state;
    cg_consent_t c = consent_of(p, cg1(p, "tracking~stats", T_SEC, 3, RID));

    assert_true(cg_consent_allows(&c, "tracking"));
    assert_true(cg_consent_allows(&c, "stats"));
    assert_false(cg_consent_allows(&c, "marketing"));
    assert_false(cg_consent_allows(&c, "track"));
    assert_false(cg_consent_allows(&c, "trackings"));
    assert_false(cg_consent_allows(&c, "Tracking"));
    assert_false(cg_consent_allows(&c, ""));
}

static void allows_nothing_when_expired(void **state)
{
    apr_pool_t *p = *state;
    cg_consent_t c = consent_of(p, cg1(p, "tracking", NOW_SEC - MAX_AGE - 1,
                                       3, RID));

    assert_false(cg_consent_allows(&c, "tracking"));
}

/* ---- cg_consent_format ---- */

static void format_exact(void **state)
{
    apr_pool_t *p = *state;
    apr_array_header_t *cats = apr_array_make(p, 2, sizeof(const char *));

    APR_ARRAY_PUSH(cats, const char *) = "tracking";
    assert_string_equal(cg_consent_format(p, cats, apr_time_from_sec(T_SEC),
                                          3, RID),
                        "cg1.tracking.1763834400.3." RID);
    APR_ARRAY_PUSH(cats, const char *) = "stats";
    /* sub-second precision is dropped */
    assert_string_equal(cg_consent_format(p, cats,
                                          apr_time_from_sec(T_SEC) + 999999,
                                          12, RID),
                        "cg1.tracking~stats.1763834400.12." RID);
}

static void format_refusal(void **state)
{
    apr_pool_t *p = *state;
    apr_array_header_t *none = apr_array_make(p, 1, sizeof(const char *));

    assert_string_equal(cg_consent_format(p, none, apr_time_from_sec(T_SEC),
                                          3, RID),
                        "cg1..1763834400.3." RID);
    assert_string_equal(cg_consent_format(p, NULL, apr_time_from_sec(T_SEC),
                                          3, RID),
                        "cg1..1763834400.3." RID);
}

static void format_parse_round_trip(void **state)
{
    apr_pool_t *p = *state;
    static const char *const names[] = { "tracking", "stats", "ads_2-x" };
    apr_array_header_t *cats = apr_array_make(p, 3, sizeof(const char *));
    const char *rid = "0123456789abcdefABCDEF_-";
    apr_time_t when = apr_time_from_sec(T_SEC);
    int n, i;

    /* 0 categories (a refusal), then 1, 2 and 3 */
    for (n = 0; n <= 3; ++n) {
        cg_consent_t c;

        apr_array_clear(cats);
        for (i = 0; i < n; ++i) {
            APR_ARRAY_PUSH(cats, const char *) = names[i];
        }
        cg_consent_parse(p, cg_consent_format(p, cats, when, 5, rid),
                         &rules, &c);
        assert_int_equal(c.state,
                         n ? CG_CONSENT_GRANTED : CG_CONSENT_DENIED);
        assert_false(c.all_categories);
        assert_int_equal(c.categories->nelts, n);
        for (i = 0; i < n; ++i) {
            assert_string_equal(category(&c, i), names[i]);
        }
        assert_true(c.when == when);
        assert_int_equal(c.revision, 5);
        assert_string_equal(c.receipt_id, rid);
    }
}

/* ---- cg_signal_gpc, cg_signal_dnt ---- */

static void signal_gpc_true(void **state)
{
    static const char *const values[] = {
        "1", " 1 ", "\t1\t", "1, 1", "0, 1", "1,0", ",1", "foo, 1", NULL
    };
    int i;

    for (i = 0; values[i]; ++i) {
        if (!cg_signal_gpc(values[i])) {
            fail_tap("Sec-GPC: '%s' should be a signal", values[i]);
        }
    }
}

static void signal_gpc_false(void **state)
{
    static const char *const values[] = {
        "0", "", " ", "11", "true", "1x", "01", "?1", "1;", "0, 0", ",",
        "\"1\"", "yes", NULL
    };
    int i;

    assert_false(cg_signal_gpc(NULL));
    for (i = 0; values[i]; ++i) {
        if (cg_signal_gpc(values[i])) {
            fail_tap("Sec-GPC: '%s' should not be a signal", values[i]);
        }
    }
}

static void signal_dnt_true(void **state)
{
    static const char *const values[] = {
        "1", "1; ext", "0, 1", " 1", "1 ", "1ext", "0,1", NULL
    };
    int i;

    for (i = 0; values[i]; ++i) {
        if (!cg_signal_dnt(values[i])) {
            fail_tap("DNT: '%s' should be a signal", values[i]);
        }
    }
}

static void signal_dnt_false(void **state)
{
    static const char *const values[] = {
        "0", "", " ", "0; 1", "0, 0", "x1", "null", "true", NULL
    };
    int i;

    assert_false(cg_signal_dnt(NULL));
    for (i = 0; values[i]; ++i) {
        if (cg_signal_dnt(values[i])) {
            fail_tap("DNT: '%s' should not be a signal", values[i]);
        }
    }
}

/* ---- cg_decide ---- */

#define BOTH (CG_SIGNAL_GPC | CG_SIGNAL_DNT)

static void decide_without_signals(void **state)
{
    apr_pool_t *p = *state;
    cg_consent_t g = consent_of(p, "1"), d = consent_of(p, "0"),
                 n = consent_of(p, "");

    assert_int_equal(cg_decide(&g, 0, BOTH, CG_PRECEDENCE_SIGNAL, 0),
                     CG_STATE_GRANTED);
    assert_int_equal(cg_decide(&d, 0, BOTH, CG_PRECEDENCE_SIGNAL, 0),
                     CG_STATE_DENIED);
    assert_int_equal(cg_decide(&n, 0, BOTH, CG_PRECEDENCE_SIGNAL, 0),
                     CG_STATE_NONE);
    assert_int_equal(cg_decide(&g, 0, BOTH, CG_PRECEDENCE_CONSENT, 0),
                     CG_STATE_GRANTED);
    assert_int_equal(cg_decide(&d, 0, 0, CG_PRECEDENCE_CONSENT, 0),
                     CG_STATE_DENIED);
}

static void decide_revoked_beats_all(void **state)
{
    apr_pool_t *p = *state;
    cg_consent_t cs[3];
    int i, present, honoured, prec;

    cs[0] = consent_of(p, "1");
    cs[1] = consent_of(p, "0");
    cs[2] = consent_of(p, "");
    for (i = 0; i < 3; ++i) {
        for (present = 0; present <= BOTH; ++present) {
            for (honoured = 0; honoured <= BOTH; ++honoured) {
                for (prec = 0; prec <= 1; ++prec) {
                    cg_state_e s = cg_decide(&cs[i], present, honoured,
                                             (cg_precedence_e)prec, 1);
                    if (s != CG_STATE_REVOKED) {
                        fail_tap("consent %d, present %d, honoured %d, "
                                 "precedence %d: %s, not revoked", i,
                                 present, honoured, prec, cg_state_name(s));
                    }
                }
            }
        }
    }
}

static void decide_signal_precedence_beats_grant(void **state)
{
    apr_pool_t *p = *state;
    cg_consent_t g = consent_of(p, "1"),
                 g1 = consent_of(p, cg1(p, "tracking", T_SEC, 3, RID)),
                 d = consent_of(p, "0"), n = consent_of(p, "");

    assert_int_equal(cg_decide(&g, CG_SIGNAL_GPC, BOTH,
                               CG_PRECEDENCE_SIGNAL, 0), CG_STATE_GPC);
    assert_int_equal(cg_decide(&g1, CG_SIGNAL_GPC, BOTH,
                               CG_PRECEDENCE_SIGNAL, 0), CG_STATE_GPC);
    assert_int_equal(cg_decide(&g, CG_SIGNAL_DNT, BOTH,
                               CG_PRECEDENCE_SIGNAL, 0), CG_STATE_DNT);
    assert_int_equal(cg_decide(&d, CG_SIGNAL_DNT, CG_SIGNAL_DNT,
                               CG_PRECEDENCE_SIGNAL, 0), CG_STATE_DNT);
    assert_int_equal(cg_decide(&n, CG_SIGNAL_GPC, CG_SIGNAL_GPC,
                               CG_PRECEDENCE_SIGNAL, 0), CG_STATE_GPC);
}

static void decide_consent_precedence(void **state)
{
    apr_pool_t *p = *state;
    cg_consent_t g = consent_of(p, "1"),
                 g1 = consent_of(p, cg1(p, "tracking", T_SEC, 3, RID)),
                 d = consent_of(p, "0"),
                 d1 = consent_of(p, cg1(p, "", T_SEC, 3, RID)),
                 n = consent_of(p, "");

    /* an explicit grant beats the signal */
    assert_int_equal(cg_decide(&g, CG_SIGNAL_GPC, BOTH,
                               CG_PRECEDENCE_CONSENT, 0), CG_STATE_GRANTED);
    assert_int_equal(cg_decide(&g1, BOTH, BOTH,
                               CG_PRECEDENCE_CONSENT, 0), CG_STATE_GRANTED);
    assert_int_equal(cg_decide(&g, CG_SIGNAL_DNT, BOTH,
                               CG_PRECEDENCE_CONSENT, 0), CG_STATE_GRANTED);
    /* a refusal or no choice does not */
    assert_int_equal(cg_decide(&d, CG_SIGNAL_GPC, BOTH,
                               CG_PRECEDENCE_CONSENT, 0), CG_STATE_GPC);
    assert_int_equal(cg_decide(&d1, CG_SIGNAL_DNT, BOTH,
                               CG_PRECEDENCE_CONSENT, 0), CG_STATE_DNT);
    assert_int_equal(cg_decide(&n, CG_SIGNAL_GPC, BOTH,
                               CG_PRECEDENCE_CONSENT, 0), CG_STATE_GPC);
    assert_int_equal(cg_decide(&n, CG_SIGNAL_DNT, BOTH,
                               CG_PRECEDENCE_CONSENT, 0), CG_STATE_DNT);
}

static void decide_unhonoured_signals_ignored(void **state)
{
    apr_pool_t *p = *state;
    cg_consent_t g = consent_of(p, "1"), d = consent_of(p, "0"),
                 n = consent_of(p, "");

    assert_int_equal(cg_decide(&g, CG_SIGNAL_GPC, CG_SIGNAL_DNT,
                               CG_PRECEDENCE_SIGNAL, 0), CG_STATE_GRANTED);
    assert_int_equal(cg_decide(&g, CG_SIGNAL_DNT, CG_SIGNAL_GPC,
                               CG_PRECEDENCE_SIGNAL, 0), CG_STATE_GRANTED);
    assert_int_equal(cg_decide(&g, BOTH, 0,
                               CG_PRECEDENCE_SIGNAL, 0), CG_STATE_GRANTED);
    assert_int_equal(cg_decide(&d, BOTH, 0,
                               CG_PRECEDENCE_SIGNAL, 0), CG_STATE_DENIED);
    assert_int_equal(cg_decide(&n, BOTH, 0,
                               CG_PRECEDENCE_SIGNAL, 0), CG_STATE_NONE);
    /* honoured but absent is no signal either */
    assert_int_equal(cg_decide(&n, 0, BOTH,
                               CG_PRECEDENCE_SIGNAL, 0), CG_STATE_NONE);
}

static void decide_gpc_before_dnt(void **state)
{
    apr_pool_t *p = *state;
    cg_consent_t g = consent_of(p, "1"), n = consent_of(p, "");

    assert_int_equal(cg_decide(&g, BOTH, BOTH, CG_PRECEDENCE_SIGNAL, 0),
                     CG_STATE_GPC);
    assert_int_equal(cg_decide(&n, BOTH, BOTH, CG_PRECEDENCE_CONSENT, 0),
                     CG_STATE_GPC);
    /* GPC not honoured: DNT is what is reported */
    assert_int_equal(cg_decide(&g, BOTH, CG_SIGNAL_DNT,
                               CG_PRECEDENCE_SIGNAL, 0), CG_STATE_DNT);
}

/* ---- cg_state_name ---- */

static void state_names(void **state)
{
    assert_string_equal(cg_state_name(CG_STATE_NONE), "none");
    assert_string_equal(cg_state_name(CG_STATE_GRANTED), "granted");
    assert_string_equal(cg_state_name(CG_STATE_DENIED), "denied");
    assert_string_equal(cg_state_name(CG_STATE_GPC), "gpc");
    assert_string_equal(cg_state_name(CG_STATE_DNT), "dnt");
    assert_string_equal(cg_state_name(CG_STATE_REVOKED), "revoked");
    assert_string_equal(cg_state_name(CG_STATE_HELD), "held");
    assert_string_equal(cg_state_name((cg_state_e)(CG_STATE_HELD + 1)),
                        "none");
    assert_string_equal(cg_state_name((cg_state_e)-1), "none");
}

/* ---- cg_class_passes ---- */

static const cg_class_t cls_necessary = { CG_CLASS_NECESSARY, NULL };
static const cg_class_t cls_drop = { CG_CLASS_DROP, NULL };
static const cg_class_t cls_tracking = { CG_CLASS_CATEGORY, "tracking" };
static const cg_class_t cls_unknown = { CG_CLASS_UNKNOWN, NULL };

static const cg_state_e all_states[] = {
    CG_STATE_NONE, CG_STATE_GRANTED, CG_STATE_DENIED, CG_STATE_GPC,
    CG_STATE_DNT, CG_STATE_REVOKED, CG_STATE_HELD
};
#define N_STATES (int)(sizeof(all_states) / sizeof(all_states[0]))

static void class_passes_necessary_always(void **state)
{
    cg_consent_t d = consent_of(*state, "0");
    int i;

    for (i = 0; i < N_STATES; ++i) {
        if (!cg_class_passes(&cls_necessary, all_states[i], &d, 0)) {
            fail_tap("necessary blocked in state %s",
                     cg_state_name(all_states[i]));
        }
    }
}

static void class_passes_drop_never(void **state)
{
    cg_consent_t g = consent_of(*state, "1");
    int i;

    for (i = 0; i < N_STATES; ++i) {
        if (cg_class_passes(&cls_drop, all_states[i], &g, 1)) {
            fail_tap("drop passed in state %s",
                     cg_state_name(all_states[i]));
        }
    }
}

static void class_passes_category(void **state)
{
    apr_pool_t *p = *state;
    cg_consent_t all = consent_of(p, "1"),
                 tr = consent_of(p, cg1(p, "tracking", T_SEC, 3, RID)),
                 st = consent_of(p, cg1(p, "stats", T_SEC, 3, RID));
    int i;

    assert_true(cg_class_passes(&cls_tracking, CG_STATE_GRANTED, &all, 0));
    assert_true(cg_class_passes(&cls_tracking, CG_STATE_GRANTED, &tr, 0));
    assert_false(cg_class_passes(&cls_tracking, CG_STATE_GRANTED, &st, 1));
    /* a grant overruled by a signal or revocation lets nothing through */
    for (i = 0; i < N_STATES; ++i) {
        if (all_states[i] != CG_STATE_GRANTED
            && cg_class_passes(&cls_tracking, all_states[i], &all, 1)) {
            fail_tap("category passed in state %s",
                     cg_state_name(all_states[i]));
        }
    }
}

static void class_passes_unknown_follows_setting(void **state)
{
    cg_consent_t n = consent_of(*state, "");
    int i;

    for (i = 0; i < N_STATES; ++i) {
        assert_true(cg_class_passes(&cls_unknown, all_states[i], &n, 1));
        assert_false(cg_class_passes(&cls_unknown, all_states[i], &n, 0));
    }
}


int main(void)
{
    const struct CMUnitTest tests[] = {
        CG_TEST(parse_plain_grant_words),
        CG_TEST(parse_plain_quoted_grant),
        CG_TEST(parse_plain_deny_words),
        CG_TEST(parse_everything_else_is_none),
        CG_TEST(parse_null_is_none),
        CG_TEST(parse_overlong_is_none),
        CG_TEST(parse_none_resets_output),
        CG_TEST(parse_cg1_grant_one_category),
        CG_TEST(parse_cg1_grant_two_categories),
        CG_TEST(parse_cg1_refusal),
        CG_TEST(parse_cg1_quoted),
        CG_TEST(parse_cg1_category_limits),
        CG_TEST(parse_cg1_receipt_limits),
        CG_TEST(parse_cg1_malformed_categories),
        CG_TEST(parse_cg1_missing_or_extra_fields),
        CG_TEST(parse_cg1_bad_numbers),
        CG_TEST(parse_cg1_bad_receipt_ids),
        CG_TEST(parse_cg1_wrong_prefix),
        CG_TEST(parse_cg1_expiry_by_max_age),
        CG_TEST(parse_cg1_max_age_zero_never_expires),
        CG_TEST(parse_cg1_future_timestamp),
        CG_TEST(parse_cg1_policy_revision),
        CG_TEST(parse_plain_forms_ignore_time),
        CG_TEST(parse_plain_forms_are_revision_0),
        CG_TEST(from_crumbs_no_cookie),
        CG_TEST(from_crumbs_one_cookie),
        CG_TEST(from_crumbs_plain_and_quoted),
        CG_TEST(from_crumbs_two_that_agree),
        CG_TEST(from_crumbs_two_that_disagree),
        CG_TEST(from_crumbs_duplicate_category_disagreement),
        CG_TEST(from_crumbs_plain_cookie_under_revision),
        CG_TEST(from_crumbs_other_names_ignored),
        CG_TEST(allows_by_state),
        CG_TEST(allows_listed_categories_only),
        CG_TEST(allows_nothing_when_expired),
        CG_TEST(format_exact),
        CG_TEST(format_refusal),
        CG_TEST(format_parse_round_trip),
        CG_TEST(signal_gpc_true),
        CG_TEST(signal_gpc_false),
        CG_TEST(signal_dnt_true),
        CG_TEST(signal_dnt_false),
        CG_TEST(decide_without_signals),
        CG_TEST(decide_revoked_beats_all),
        CG_TEST(decide_signal_precedence_beats_grant),
        CG_TEST(decide_consent_precedence),
        CG_TEST(decide_unhonoured_signals_ignored),
        CG_TEST(decide_gpc_before_dnt),
        CG_TEST(state_names),
        CG_TEST(class_passes_necessary_always),
        CG_TEST(class_passes_drop_never),
        CG_TEST(class_passes_category),
        CG_TEST(class_passes_unknown_follows_setting),
    };
    CG_RUN_GROUP("consent", tests);
}
