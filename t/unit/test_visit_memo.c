/* test_visit_memo.c: unit tests (cmocka) for lib/cg_visit_memo.c: a visit
 * is remembered for the next request of the connection only when the
 * Cookie header's bytes, the signals, the policy and the second are the
 * same; what a remembered read gives is what a fresh read gives; a visit
 * outlives its replacement for the request that holds it. */
#include "unit.h"

#include <apr_strings.h>
#include <apr_tables.h>

#include "cg_consent.h"
#include "cg_policy.h"
#include "cg_source.h"
#include "cg_visit_memo.h"
#include "vectors/source_vectors.h"

#define NOW apr_time_from_sec(1800000000)
#define RID "0123456789abcdef0123456789abcdef"
#define BROWSER "_ga=GA1.1.1187654321.1764547200; mtc_id=184267; " \
    "PHPSESSID=3f1c0e9a7b5d2c8e4a6f0b1d9c7e5a3b; mautic_device_id=0a1b2c3d"

/* The mautic preset's rules, unknown cookies allowed. */
static void mautic_spec(apr_pool_t *p, cg_policy_spec_t *spec)
{
    apr_array_header_t *preset = apr_array_make(p, 4, sizeof(cg_rule_t));

    assert_true(cg_preset_rules(p, "mautic", preset));
    memset(spec, 0, sizeof(*spec));
    spec->cookie_name = "mautic_consent";
    spec->preset_rules = preset;
    spec->unknown_allowed = 1;
}

/* The mautic preset: its tracking cookies and nothing else. */
static const cg_policy_t *mautic_policy(apr_pool_t *p)
{
    cg_policy_spec_t spec;

    mautic_spec(p, &spec);
    spec.signals_honoured = CG_SIGNAL_GPC | CG_SIGNAL_DNT;
    spec.precedence = CG_PRECEDENCE_SIGNAL;
    spec.max_age = 600;
    return cg_policy_make(p, &spec);
}

/* BROWSER's cookies with the module's consent cookie granting `cats`
 * ("" refuses), chosen at `when`. */
static const char *with_consent(apr_pool_t *p, const char *cats,
                                apr_time_t when)
{
    apr_array_header_t *a = apr_array_make(p, 1, sizeof(const char *));

    if (*cats) {
        APR_ARRAY_PUSH(a, const char *) = cats;
    }
    return apr_pstrcat(p, BROWSER, "; mautic_consent=",
                       cg_consent_format(p, a, when, 0, RID), NULL);
}

/* A request's pool on the connection `conn`. */
static apr_pool_t *request_pool(apr_pool_t *conn)
{
    apr_pool_t *r;

    assert_int_equal(apr_pool_create(&r, conn), APR_SUCCESS);
    return r;
}

static cg_state_e state_of(const cg_policy_t *pol, const cg_visit_t *v)
{
    return cg_policy_decide(pol, v, CG_REVOKE_NONE);
}

/* the same four inputs: the same visit, not read again */
static void same_request_is_remembered(void **state)
{
    apr_pool_t *conn = *state;
    const cg_policy_t *pol = mautic_policy(conn);
    cg_visit_memo_t *m = cg_visit_memo_make(conn);
    const char *cookie = with_consent(conn, "tracking", NOW - apr_time_from_sec(60));
    /* the next request's header: equal bytes, another string */
    const char *again = apr_pstrdup(conn, cookie);
    cg_visit_t a, b;

    assert_false(cg_visit_memo_read(m, request_pool(conn), pol, cookie, NULL,
                                    NULL, NOW, &a));
    assert_true(cg_visit_memo_read(m, request_pool(conn), pol, again, NULL,
                                   NULL, NOW + apr_time_from_msec(999) - 1,
                                   &b));
    assert_ptr_equal(a.crumbs, b.crumbs);
    assert_ptr_equal(b.cookie_header, again);
    assert_ptr_not_equal(a.matcher, b.matcher);
    assert_int_equal(state_of(pol, &b), CG_STATE_GRANTED);
    assert_string_equal(b.source, "own");
}

/* another header (of the same length), signal, second or policy: read
 * again, and the new read decides */
static void any_change_reads_again(void **state)
{
    apr_pool_t *conn = *state;
    const cg_policy_t *pol = mautic_policy(conn);
    const cg_policy_t *other = mautic_policy(conn);
    cg_visit_memo_t *m = cg_visit_memo_make(conn);
    const char *granted = with_consent(conn, "tracking", NOW - apr_time_from_sec(60));
    char *flipped = apr_pstrdup(conn, granted);
    cg_visit_t v;

    /* one byte of the consent value's signature-free body changes: the
     * category's first letter, same length */
    *strstr(flipped, "tracking") = 'T';
    assert_false(cg_visit_memo_read(m, request_pool(conn), pol, granted, NULL,
                                    NULL, NOW, &v));
    assert_int_equal(state_of(pol, &v), CG_STATE_GRANTED);
    assert_false(cg_visit_memo_read(m, request_pool(conn), pol, flipped, NULL,
                                    NULL, NOW, &v));
    assert_int_not_equal(state_of(pol, &v), CG_STATE_GRANTED);

    assert_false(cg_visit_memo_read(m, request_pool(conn), pol, granted, NULL,
                                    NULL, NOW, &v));
    assert_false(cg_visit_memo_read(m, request_pool(conn), pol, granted, "1",
                                    NULL, NOW, &v));
    assert_int_equal(v.signals_present, CG_SIGNAL_GPC);
    assert_int_equal(state_of(pol, &v), CG_STATE_GPC);
    assert_false(cg_visit_memo_read(m, request_pool(conn), pol, granted, NULL,
                                    "1", NOW, &v));
    assert_int_equal(v.signals_present, CG_SIGNAL_DNT);
    /* an unset signal reads the same as no header */
    assert_false(cg_visit_memo_read(m, request_pool(conn), pol, granted, "0",
                                    NULL, NOW, &v));
    assert_true(cg_visit_memo_read(m, request_pool(conn), pol, granted, NULL,
                                   NULL, NOW, &v));
    assert_false(cg_visit_memo_read(m, request_pool(conn), other, granted,
                                    NULL, NULL, NOW, &v));
    assert_false(cg_visit_memo_read(m, request_pool(conn), other, NULL, NULL,
                                    NULL, NOW, &v));
    assert_int_equal(v.crumbs->nelts, 0);
    assert_int_equal(v.consent.state, CG_CONSENT_NONE);
    assert_true(cg_visit_memo_read(m, request_pool(conn), other, NULL, NULL,
                                   NULL, NOW, &v));
    assert_false(cg_visit_memo_read(m, request_pool(conn), other, "", NULL,
                                    NULL, NOW, &v));
}

/* a consent that expires while the connection stays open: the next
 * second reads again and finds it expired */
static void the_next_second_reads_again(void **state)
{
    apr_pool_t *conn = *state;
    const cg_policy_t *pol = mautic_policy(conn);
    cg_visit_memo_t *m = cg_visit_memo_make(conn);
    /* ConsentMaxAge 600 s: valid up to and including NOW */
    const char *cookie = with_consent(conn, "tracking", NOW - apr_time_from_sec(600));
    cg_visit_t v, fresh;

    assert_false(cg_visit_memo_read(m, request_pool(conn), pol, cookie, NULL,
                                    NULL, NOW, &v));
    assert_int_equal(state_of(pol, &v), CG_STATE_GRANTED);
    assert_false(cg_visit_memo_read(m, request_pool(conn), pol, cookie, NULL,
                                    NULL, NOW + apr_time_from_sec(1), &v));
    cg_visit_read(conn, pol, cookie, NULL, NULL, NOW + apr_time_from_sec(1),
                  &fresh);
    assert_int_equal(state_of(pol, &fresh), state_of(pol, &v));
    assert_int_not_equal(state_of(pol, &v), CG_STATE_GRANTED);
}

/* the scrub is remembered per policy and state, and "all kept" is the
 * request's own header */
static void scrub_is_remembered_per_state(void **state)
{
    apr_pool_t *conn = *state;
    const cg_policy_t *pol = mautic_policy(conn);
    cg_visit_memo_t *m = cg_visit_memo_make(conn);
    const char *cookie = with_consent(conn, "tracking", NOW - apr_time_from_sec(60));
    const char *again = apr_pstrdup(conn, cookie);
    const char *kept;
    cg_visit_t v, fresh;

    cg_visit_read(conn, pol, cookie, NULL, NULL, NOW, &fresh);
    cg_visit_memo_read(m, request_pool(conn), pol, cookie, NULL, NULL, NOW, &v);
    kept = cg_visit_memo_scrub(m, conn, pol, &v, CG_STATE_NONE);
    assert_string_equal(kept, cg_policy_scrub(conn, pol, &fresh,
                                              CG_STATE_NONE));
    assert_null(strstr(kept, "mtc_id"));
    assert_non_null(strstr(kept, "PHPSESSID"));
    assert_ptr_equal(cg_visit_memo_scrub(m, conn, pol, &v, CG_STATE_NONE),
                     kept);
    assert_ptr_equal(cg_visit_memo_scrub(m, conn, pol, &v, CG_STATE_GRANTED),
                     cookie);
    assert_true(cg_visit_memo_read(m, request_pool(conn), pol, again, NULL,
                                   NULL, NOW, &v));
    assert_ptr_equal(cg_visit_memo_scrub(m, conn, pol, &v, CG_STATE_GRANTED),
                     again);
    assert_string_equal(cg_visit_memo_scrub(m, conn, pol, &v, CG_STATE_NONE),
                        kept);
}

/* a request keeps its visit when the next request on the connection
 * replaces it; the connection may go before its requests' pools */
static void visit_outlives_its_replacement(void **state)
{
    apr_pool_t *root = *state, *conn, *first, *second;
    const cg_policy_t *pol = mautic_policy(root);
    cg_visit_memo_t *m;
    cg_visit_t a, b;
    const char *long_header;
    int i;

    assert_int_equal(apr_pool_create(&conn, root), APR_SUCCESS);
    m = cg_visit_memo_make(conn);
    first = request_pool(conn);
    cg_visit_memo_read(m, first, pol, BROWSER, NULL, NULL, NOW, &a);
    second = request_pool(conn);
    /* a longer header: were the first visit's pool cleared for it rather
     * than left to the first request, its reading would land on the
     * first visit's */
    long_header = "mtc_id=1";
    for (i = 0; i < 40; ++i) {
        long_header = apr_psprintf(conn, "%s; pad%02d=%s", long_header, i,
                                   "0123456789abcdef0123456789abcdef");
    }
    cg_visit_memo_read(m, second, pol, long_header, NULL, NULL, NOW, &b);
    /* a pool made now takes the memory of one destroyed before: were the
     * first visit's gone, this would overwrite it */
    for (i = 0; i < 4; ++i) {
        memset(apr_palloc(request_pool(conn), 4000), 'X', 4000);
    }
    assert_int_equal(a.crumbs->nelts, 4);
    assert_string_equal(APR_ARRAY_IDX(a.crumbs, 1, cg_crumb_t).name, "mtc_id");
    assert_string_equal(cg_visit_memo_scrub(m, first, pol, &a,
                                            CG_STATE_NONE),
                        "_ga=GA1.1.1187654321.1764547200; "
                        "PHPSESSID=3f1c0e9a7b5d2c8e4a6f0b1d9c7e5a3b");
    apr_pool_destroy(first);
    assert_string_equal(APR_ARRAY_IDX(b.crumbs, 0, cg_crumb_t).name, "mtc_id");
    /* the connection's pool goes first, its requests' with it */
    apr_pool_destroy(conn);
}

/* ConsentSource tcf own under the mautic preset's map lines. */
static const cg_policy_t *tcf_policy(apr_pool_t *p)
{
    apr_array_header_t *sources = apr_array_make(p, 2,
                                                 sizeof(const cg_source_t *));
    apr_array_header_t *maps = apr_array_make(p, 4, sizeof(cg_source_map_t));
    cg_policy_spec_t spec;

    assert_true(cg_preset_source_maps(p, "mautic", maps));
    APR_ARRAY_PUSH(sources, const cg_source_t *) = cg_source_find("tcf");
    APR_ARRAY_PUSH(sources, const cg_source_t *) = NULL;
    mautic_spec(p, &spec);
    spec.sources = sources;
    spec.source_maps = maps;
    spec.max_age = 15552000;
    return cg_policy_make(p, &spec);
}

static const tcf_vector_t *tcf_vector(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(tcf_vectors) / sizeof(tcf_vectors[0]); ++i) {
        if (!strcmp(tcf_vectors[i].name, name)) {
            return &tcf_vectors[i];
        }
    }
    fail_msg("no vector %s", name);
    return NULL;
}

/* A page later the header changed (an analytics cookie's timestamp) but
 * not the TC string: the visit is read again, the string is not decoded
 * again, and the visit is the one a fresh read gives; another TC string
 * is decoded and decides. */
static void tc_string_is_decoded_once(void **state)
{
    apr_pool_t *conn = *state;
    const cg_policy_t *pol = tcf_policy(conn);
    cg_visit_memo_t *m = cg_visit_memo_make(conn);
    const tcf_vector_t *yes = tcf_vector("accept_all");
    const tcf_vector_t *no = tcf_vector("reject_all");
    apr_time_t now = apr_time_from_sec(yes->last_updated_ds / 10 + 60);
    const char *page1 = apr_pstrcat(conn, "_ga=GA1.1.1; euconsent-v2=",
                                    yes->tc, "; mtc_id=1", NULL);
    const char *page2 = apr_pstrcat(conn, "_ga=GA1.1.2; euconsent-v2=",
                                    yes->tc, "; mtc_id=1", NULL);
    const char *refused = apr_pstrcat(conn, "_ga=GA1.1.2; euconsent-v2=",
                                      no->tc, "; mtc_id=1", NULL);
    cg_visit_t a, b, fresh;

    assert_false(cg_visit_memo_read(m, request_pool(conn), pol, page1, NULL,
                                    NULL, now, &a));
    assert_int_equal(cg_visit_memo_tc_decoded_again(m), 0);
    assert_int_equal(state_of(pol, &a), CG_STATE_GRANTED);
    assert_string_equal(a.source, "tcf");

    assert_false(cg_visit_memo_read(m, request_pool(conn), pol, page2, NULL,
                                    NULL, now + apr_time_from_sec(5), &b));
    assert_int_equal(cg_visit_memo_tc_decoded_again(m), 1);
    cg_visit_read(conn, pol, page2, NULL, NULL, now + apr_time_from_sec(5),
                  &fresh);
    assert_int_equal(state_of(pol, &b), state_of(pol, &fresh));
    assert_string_equal(b.source, fresh.source);
    assert_true(cg_consent_allows(&b.consent, "tracking"));
    assert_int_equal(cg_consent_allows(&b.consent, "tracking"),
                     cg_consent_allows(&fresh.consent, "tracking"));

    /* the same string too old by then: the age is checked on every read */
    assert_false(cg_visit_memo_read(m, request_pool(conn), pol, page1, NULL,
                                    NULL, now + apr_time_from_sec(15552000),
                                    &b));
    assert_int_equal(cg_visit_memo_tc_decoded_again(m), 2);
    assert_false(cg_consent_allows(&b.consent, "tracking"));

    assert_false(cg_visit_memo_read(m, request_pool(conn), pol, refused, NULL,
                                    NULL, now, &b));
    assert_int_equal(cg_visit_memo_tc_decoded_again(m), 2);
    assert_false(cg_consent_allows(&b.consent, "tracking"));
    assert_string_equal(b.source, "tcf");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CG_TEST(same_request_is_remembered),
        CG_TEST(any_change_reads_again),
        CG_TEST(the_next_second_reads_again),
        CG_TEST(scrub_is_remembered_per_state),
        CG_TEST(visit_outlives_its_replacement),
        CG_TEST(tc_string_is_decoded_once),
    };
    CG_RUN_GROUP("visit_memo", tests);
}
