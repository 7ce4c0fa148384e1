/* test_status.c: unit tests (cmocka) for lib/cg_status.c: page paths the
 * status page may record, plausible new pages, the per-address counting
 * limit and the counters per site. */
#include "unit.h"

#include <apr_strings.h>
#include <apr_tables.h>
#include <apr_time.h>

#include "cg_status.h"

#define NOW apr_time_from_sec(APR_INT64_C(1763812800))   /* 12:00:00 */

static apr_array_header_t *list(apr_pool_t *p, const char *const *items)
{
    apr_array_header_t *a = apr_array_make(p, 4, sizeof(const char *));

    for (; items && *items; ++items) {
        APR_ARRAY_PUSH(a, const char *) = *items;
    }
    return a;
}

static void expect_path(apr_pool_t *p, const char *in,
                        const apr_array_header_t *ex, const char *want)
{
    const char *got = cg_status_path(p, in, ex);

    if (!want ? got != NULL : !got || strcmp(got, want)) {
        fail_tap("%s: got %s, want %s", in, got ? got : "NULL",
                 want ? want : "NULL");
    }
}

static void path_plain_kept(void **state)
{
    apr_pool_t *p = *state;

    expect_path(p, "/", NULL, "/");
    expect_path(p, "/pricing", NULL, "/pricing");
    expect_path(p, "/blog/2025/11/hello-world", NULL,
                "/blog/2025/11/hello-world");
    expect_path(p, "/a-very-long-article-title-without-digits", NULL,
                "/a-very-long-article-title-without-digits");
    expect_path(p, "(unknown)", NULL, "(unknown)");
}

static void path_tokens_replaced(void **state)
{
    apr_pool_t *p = *state;

    /* hex: a SHA-1, an md5, a 13-character uniqid, a UUID */
    expect_path(p, "/reset/2fd4e1c67a2d28fced849ee1bb76e7391b93eb12", NULL,
                "/reset/" CG_STATUS_TOKEN);
    expect_path(p, "/x/5d41402abc4b2a76b9719d911017c592/y", NULL,
                "/x/" CG_STATUS_TOKEN "/y");
    expect_path(p, "/view/5f3a2b1c9d8e7", NULL, "/view/" CG_STATUS_TOKEN);
    expect_path(p, "/doc/123e4567-e89b-12d3-a456-426614174000", NULL,
                "/doc/" CG_STATUS_TOKEN);
    /* base64url with a digit, also inside a segment */
    expect_path(p, "/invite/aGVsbG8gd29ybGQgaGVsbG8_d29y1", NULL,
                "/invite/" CG_STATUS_TOKEN);
    expect_path(p, "/t/key=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg.html", NULL,
                "/t/" CG_STATUS_TOKEN);
    /* short runs and runs without a digit stay */
    expect_path(p, "/a/deadbeefcafe", NULL, "/a/deadbeefcafe");
    expect_path(p, "/a/5f3a2b1c9d8", NULL, "/a/5f3a2b1c9d8");
    expect_path(p, "/Some_Very_Long_Wiki_Title_Here", NULL,
                "/Some_Very_Long_Wiki_Title_Here");
}

static void path_merged_first(void **state)
{
    apr_pool_t *p = *state;
    static const char *const ex[] = { "/private/", NULL };
    apr_array_header_t *e = list(p, ex);

    expect_path(p, "//a///b/./c", NULL, "/a/b/c");
    expect_path(p, "//private/x", e, NULL);
    expect_path(p, "/./private/x", e, NULL);
    expect_path(p, "/x/../private/y", e, NULL);
    expect_path(p, "/../private/y", e, NULL);
    expect_path(p, "/privatex/y", e, "/privatex/y");
}

static void path_excluded(void **state)
{
    apr_pool_t *p = *state;
    static const char *const ex[] = { "/account/", "*/hook/", NULL };
    apr_array_header_t *e = list(p, ex);

    expect_path(p, "/account/settings", e, NULL);
    expect_path(p, "/account", e, "/account");
    expect_path(p, "/hook/abc", e, NULL);
    expect_path(p, "/app/hook/abc", e, NULL);
    expect_path(p, "/app/myhook/abc", e, "/app/myhook/abc");
    expect_path(p, "/shop/account/x", e, "/shop/account/x");
}

static void path_mautic_preset(void **state)
{
    apr_pool_t *p = *state;
    apr_array_header_t *e = list(p, cg_status_preset_excludes("mautic"));

    assert_null(cg_status_preset_excludes("matomo"));
    expect_path(p, "/email/view/5f3a2b1c9d8e7", e, NULL);
    expect_path(p, "/email/unsubscribe/abc", e, NULL);
    expect_path(p, "/s/contacts/view/42", e, NULL);
    expect_path(p, "/r/abc", e, NULL);
    expect_path(p, "/mautic/email/view/x", e, NULL);
    expect_path(p, "/index.php/s/contacts/view/1", e, NULL);
    expect_path(p, "/features/email/", e, NULL);
    expect_path(p, "/emails/overview", e, "/emails/overview");
    expect_path(p, "/pricing", e, "/pricing");
}

static void path_cut_last_segment(void **state)
{
    apr_pool_t *p = *state;
    char path[CG_PAGE_MAX + 1];

    /* a token cut short by the page length limit */
    memset(path, 'a', CG_PAGE_MAX);
    memcpy(path, "/shared/", 8);
    path[CG_PAGE_MAX] = '\0';
    expect_path(p, path, NULL, "/shared/" CG_STATUS_CUT);
    path[CG_PAGE_MAX - 1] = '\0';
    expect_path(p, path, NULL, path);
}

static void plausible_referer_or_list(void **state)
{
    apr_pool_t *p = *state;
    static const char *const pages[] = { "/landing/", NULL };
    apr_array_header_t *l = list(p, pages);

    assert_true(cg_status_plausible("https://Example.org/a", "example.org",
                                    "/x", NULL));
    assert_true(cg_status_plausible("https://example.org:8443/a",
                                    "example.org:8443", "/x", NULL));
    assert_true(cg_status_plausible("http://u@example.org/a", "example.org",
                                    "/x", NULL));
    assert_true(cg_status_plausible("http://[::1]:80/a", "[::1]:80", "/x",
                                    NULL));
    assert_false(cg_status_plausible("https://evil.example/a",
                                     "example.org", "/x", NULL));
    assert_false(cg_status_plausible("https://example.org.evil/a",
                                     "example.org", "/x", NULL));
    assert_false(cg_status_plausible("/relative", "example.org", "/x", NULL));
    assert_false(cg_status_plausible(NULL, "example.org", "/x", NULL));
    assert_true(cg_status_plausible(NULL, "example.org", "/landing/a", l));
    assert_false(cg_status_plausible(NULL, "example.org", "/other", l));
}

static void rate_limits_one_address(void **state)
{
    cg_rate_t *t = apr_pcalloc(*state, sizeof(*t));
    int i, allowed = 0;

    for (i = 0; i < 100; ++i) {
        allowed += cg_rate_take(t, "192.0.2.0", NOW, 10);
    }
    assert_int_equal(allowed, 10);
    /* another address is unaffected */
    assert_true(cg_rate_take(t, "198.51.100.0", NOW, 10));
    /* the next minute starts afresh */
    assert_true(cg_rate_take(t, "192.0.2.0", NOW + apr_time_from_sec(60),
                             10));
    /* 0 is no limit */
    for (i = 0; i < 100; ++i) {
        assert_true(cg_rate_take(t, "203.0.113.0", NOW, 0));
    }
}

static void rate_many_addresses(void **state)
{
    apr_pool_t *p = *state;
    cg_rate_t *t = apr_pcalloc(p, sizeof(*t));
    int i, allowed = 0;

    /* many distinct addresses each get their allowance */
    for (i = 0; i < 2000; ++i) {
        const char *a = apr_psprintf(p, "10.%d.%d.0", i / 256, i % 256);
        allowed += cg_rate_take(t, a, NOW, 1);
    }
    assert_int_equal(allowed, 2000);
}

static void sites_are_separate(void **state)
{
    cg_sites_t *s = apr_pcalloc(*state, sizeof(*s));
    cg_counters_t *a, *b;
    int i;

    cg_sites_init(s);
    a = cg_sites_counters(s, "a.example:80");
    b = cg_sites_counters(s, "b.example:80");
    assert_non_null(a);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    assert_ptr_equal(cg_sites_counters(s, "a.example:80"), a);
    cg_counters_hit(a, NOW, "/only-a", 1);
    assert_int_equal(b->days[cg_day_of(NOW) % CG_COUNTER_DAYS].views, 0);
    /* kept over a re-init (a graceful restart) */
    cg_sites_init(s);
    assert_ptr_equal(cg_sites_counters(s, "a.example:80"), a);
    assert_int_equal(a->days[cg_day_of(NOW) % CG_COUNTER_DAYS].views, 1);
    /* full: NULL, never another site's counters */
    for (i = 2; i < CG_STATUS_SITES; ++i) {
        assert_non_null(cg_sites_counters(s, apr_psprintf(*state, "s%d", i)));
    }
    assert_null(cg_sites_counters(s, "one.too.many"));
}

static void store_round_trip(void **state)
{
    apr_pool_t *p = *state;
    cg_sites_t *a = apr_pcalloc(p, sizeof(*a)), *b = apr_pcalloc(p, sizeof(*b));
    cg_counters_t *ca, *cb;
    const char *text;
    apr_uint32_t today = cg_day_of(NOW);
    int i;

    cg_sites_init(a);
    cg_sites_init(b);
    ca = cg_sites_counters(a, "one.example:80");
    cg_sites_counters(a, "two.example:443");
    for (i = 39; i >= 0; --i) {     /* oldest first, as time goes */
        apr_time_t t = NOW - apr_time_from_sec((apr_time_t)i * 86400);

        cg_counters_hit(ca, t, "/secret-path", i % 2);
        cg_counters_choice(ca, t, CG_CHOICE_CUSTOM, 4);
        cg_counters_visitor(ca, t, 1, 3, 4);
    }
    cg_counters_salt(ca, NOW, (unsigned char[CG_SALT_LEN]){ 0 });
    text = cg_sites_store_json(p, a);
    assert_non_null(text);
    assert_null(strstr(text, "secret-path"));
    assert_null(strstr(text, "salt"));
    /* b already knows the second site: the keys map, not the order */
    cg_sites_counters(b, "two.example:443");
    assert_null(cg_sites_load_json(p, b, text, strlen(text), NOW));
    cb = cg_sites_counters(b, "one.example:80");
    assert_ptr_equal(cb, &b->counters[1]);
    for (i = 0; i < CG_COUNTER_DAYS; ++i) {
        cg_day_count_t *da = &ca->days[(today - i) % CG_COUNTER_DAYS];
        cg_day_count_t *db = &cb->days[(today - i) % CG_COUNTER_DAYS];

        assert_int_equal(db->day, today - i);
        assert_int_equal(db->views, da->views);
        assert_int_equal(db->uniques, da->uniques);
        assert_int_equal(db->choices[CG_CHOICE_CUSTOM], 1);
        assert_int_equal(db->no_choice, 1);
        assert_int_equal(db->gpc, 1);
        assert_int_equal(db->dnt, 1);
        assert_int_equal(db->revision, 4);
    }
    /* no page and no salt come back */
    assert_int_equal(cb->pages[0].views, 0);
    assert_int_equal(cb->salt_day, APR_UINT32_MAX);
}

static void store_refuses_bad_input(void **state)
{
    apr_pool_t *p = *state;
    cg_sites_t *s = apr_pcalloc(p, sizeof(*s));
    static const char *const bad[] = {
        "not json",
        "{\"format\": \"other\", \"sites\": []}",
        "{\"format\": \"consentgate-status-1\"}",
        "{\"format\": \"consentgate-status-1\", \"sites\": [{\"days\": []}]}",
        "{\"format\": \"consentgate-status-1\", \"sites\": [{\"site\": \"a\", "
        "\"days\": [{\"date\": \"2025-13-01\"}]}]}",
        "{\"format\": \"consentgate-status-1\", \"sites\": [{\"site\": \"a\", "
        "\"days\": [{\"date\": \"2025-11-01\", \"views\": -1}]}]}",
        "{\"format\": \"consentgate-status-1\", \"sites\": [{\"site\": \"a\", "
        "\"days\": [{\"date\": \"2025-11-01\", \"views\": \"7\"}]}]}",
        NULL
    };
    int i;

    cg_sites_init(s);
    for (i = 0; bad[i]; ++i) {
        if (!cg_sites_load_json(p, s, bad[i], strlen(bad[i]), NOW)) {
            fail_tap("accepted: %s", bad[i]);
        }
    }
    /* nothing was read from the bad ones */
    assert_int_equal(s->n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CG_TEST(path_plain_kept),
        CG_TEST(path_tokens_replaced),
        CG_TEST(path_merged_first),
        CG_TEST(path_excluded),
        CG_TEST(path_mautic_preset),
        CG_TEST(path_cut_last_segment),
        CG_TEST(plausible_referer_or_list),
        CG_TEST(rate_limits_one_address),
        CG_TEST(rate_many_addresses),
        CG_TEST(sites_are_separate),
        CG_TEST(store_round_trip),
        CG_TEST(store_refuses_bad_input),
    };
    CG_RUN_GROUP("status", tests);
}
