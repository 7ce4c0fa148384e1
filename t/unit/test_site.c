/* test_site.c: unit tests (cmocka) for lib/cg_site.c: the same-site check
 * of the consent endpoints (Sec-Fetch-Site, then Origin against scheme and
 * Host) and the safe return_to paths. */
#include "unit.h"

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "cg_site.h"

/* One cg_request_is_same_site() case. */
typedef struct site_case_t {
    const char *sfs;        /* Sec-Fetch-Site */
    const char *origin;
    const char *scheme;
    const char *host;
} site_case_t;

/* Fails with the case when it does not give `expected`. */
static void expect_site(const site_case_t *cases, apr_size_t n, int expected)
{
    apr_size_t i;

    for (i = 0; i < n; ++i) {
        const site_case_t *c = &cases[i];
        int got = cg_request_is_same_site(c->sfs, c->origin, c->scheme,
                                          c->host);
        if (got != expected) {
            fail_tap("Sec-Fetch-Site '%s', Origin '%s', scheme '%s', "
                     "Host '%s': %d, expected %d",
                     c->sfs ? c->sfs : "(none)",
                     c->origin ? c->origin : "(none)",
                     c->scheme ? c->scheme : "(null)",
                     c->host ? c->host : "(null)", got, expected);
        }
    }
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Fails with the origin when `origin`, without Sec-Fetch-Site, against
 * `scheme` and `host` does not give `expected`. */
static void expect_origins(const char *const *origins, const char *scheme,
                           const char *host, int expected)
{
    int i;

    for (i = 0; origins[i]; ++i) {
        int got = cg_request_is_same_site(NULL, origins[i], scheme, host);
        if (got != expected) {
            fail_tap("Origin '%s' against %s + '%s': %d, expected %d",
                     origins[i], scheme, host, got, expected);
        }
    }
}

/* ---- Sec-Fetch-Site ---- */

static void sfs_same_origin_and_same_site(void **state)
{
    static const site_case_t cases[] = {
        { "same-origin", NULL, "https", "example.org" },
        { "same-site", NULL, "https", "example.org" },
        { "same-origin", "https://example.org", "https", "example.org" },
        { "same-site", "https://www.example.org", "https", "example.org" },
    };

    expect_site(cases, N(cases), 1);
}

static void sfs_trimmed(void **state)
{
    static const site_case_t cases[] = {
        { " same-origin", NULL, "https", "example.org" },
        { "same-origin ", NULL, "https", "example.org" },
        { "\tsame-site\t", NULL, "https", "example.org" },
        { "  \t same-site \t  ", NULL, "https", "example.org" },
    };

    expect_site(cases, N(cases), 1);
}

static void sfs_anything_else_refused(void **state)
{
    static const char *const values[] = {
        "cross-site", "none", "", " ", "\t", "Same-Origin", "SAME-ORIGIN",
        "Same-Site", "same_origin", "same origin", "same-origin,",
        "same-origin, same-origin", "same-origin, cross-site",
        "cross-site, same-origin", "same-origin;", "same-originx",
        "xsame-origin", "same-", "same-sit", "same-site2", "\"same-site\"",
        "same-origin\r\n", "same-origin\n", "same-site\v", "same-\xc3\xa9",
        "same-origin\x7f", "samesite", "same-origin same-site", NULL
    };
    int i;

    for (i = 0; values[i]; ++i) {
        /* an Origin that would match must not rescue a present value */
        if (cg_request_is_same_site(values[i], "https://example.org",
                                    "https", "example.org")) {
            fail_tap("Sec-Fetch-Site '%s' was taken as same-site", values[i]);
        }
    }
}

static void sfs_decides_without_origin(void **state)
{
    /* a present Sec-Fetch-Site is not second-guessed by Origin, either way */
    static const site_case_t yes[] = {
        { "same-origin", "https://evil.example", "https", "example.org" },
        { "same-origin", "null", "https", "example.org" },
        { "same-site", "garbage", "https", "example.org" },
    };
    static const site_case_t no[] = {
        { "cross-site", "https://example.org", "https", "example.org" },
        { "none", "https://example.org", "https", "example.org" },
        { "", "https://example.org", "https", "example.org" },
    };

    expect_site(yes, N(yes), 1);
    expect_site(no, N(no), 0);
}

/* ---- Origin ---- */

static void origin_exact(void **state)
{
    static const site_case_t cases[] = {
        { NULL, "https://example.org", "https", "example.org" },
        { NULL, "http://example.org", "http", "example.org" },
        { NULL, "https://www.example.org", "https", "www.example.org" },
        { NULL, "https://a-b_c~d.example.org", "https", "a-b_c~d.example.org" },
        { NULL, "http://localhost", "http", "localhost" },
        { NULL, "http://127.0.0.1", "http", "127.0.0.1" },
        { NULL, "https://xn--caf-dma.example", "https", "xn--caf-dma.example" },
    };

    expect_site(cases, N(cases), 1);
}

static void origin_case_insensitive(void **state)
{
    static const site_case_t cases[] = {
        { NULL, "https://Example.org", "https", "example.org" },
        { NULL, "https://example.org", "https", "EXAMPLE.ORG" },
        { NULL, "HTTPS://EXAMPLE.ORG", "https", "example.org" },
        { NULL, "https://example.org", "HTTPS", "Example.Org" },
        { NULL, "HtTp://ExAmPlE.oRg:8080", "hTtP", "eXaMpLe.OrG:8080" },
    };

    expect_site(cases, N(cases), 1);
}

static void origin_default_ports(void **state)
{
    static const site_case_t cases[] = {
        { NULL, "https://Example.org:443", "https", "example.org" },
        { NULL, "http://example.org:80", "http", "example.org" },
        { NULL, "https://example.org", "https", "example.org:443" },
        { NULL, "http://example.org", "http", "example.org:80" },
        { NULL, "https://example.org:443", "https", "example.org:443" },
        { NULL, "http://example.org:80", "http", "example.org:80" },
        { NULL, "https://example.org:443", "HTTPS", "example.org" },
    };

    expect_site(cases, N(cases), 1);
}

static void origin_explicit_ports(void **state)
{
    static const site_case_t yes[] = {
        { NULL, "https://example.org:8443", "https", "example.org:8443" },
        { NULL, "http://example.org:8080", "http", "example.org:8080" },
        { NULL, "http://127.0.0.1:1", "http", "127.0.0.1:1" },
        { NULL, "http://127.0.0.1:65535", "http", "127.0.0.1:65535" },
    };
    static const site_case_t no[] = {
        { NULL, "https://example.org:8443", "https", "example.org" },
        { NULL, "https://example.org", "https", "example.org:8443" },
        { NULL, "https://example.org:8443", "https", "example.org:8444" },
        /* the other scheme's default port is just another port */
        { NULL, "https://example.org:80", "https", "example.org" },
        { NULL, "http://example.org:443", "http", "example.org" },
        { NULL, "https://example.org", "https", "example.org:80" },
        { NULL, "http://example.org", "http", "example.org:443" },
        { NULL, "http://example.org:8080", "http", "example.org:80" },
        /* broken ports do not become equal by being broken alike */
        { NULL, "https://example.org:", "https", "example.org:" },
        { NULL, "https://example.org:65536", "https", "example.org:65536" },
        { NULL, "https://example.org:99999", "https", "example.org:99999" },
        { NULL, "https://example.org:123456", "https", "example.org:123456" },
        { NULL, "https://example.org:000443", "https", "example.org" },
    };

    expect_site(yes, N(yes), 1);
    expect_site(no, N(no), 0);
}

static void origin_other_host_or_scheme(void **state)
{
    static const site_case_t cases[] = {
        { NULL, "https://evil.example", "https", "example.org" },
        { NULL, "https://example.org.evil.example", "https", "example.org" },
        { NULL, "https://evilexample.org", "https", "example.org" },
        { NULL, "https://www.example.org", "https", "example.org" },
        { NULL, "https://example.org", "https", "www.example.org" },
        { NULL, "https://example.or", "https", "example.org" },
        { NULL, "https://example.orgx", "https", "example.org" },
        { NULL, "https://example.org.", "https", "example.org" },
        { NULL, "http://example.org", "https", "example.org" },
        { NULL, "https://example.org", "http", "example.org" },
        { NULL, "httpx://example.org", "http", "example.org" },
        { NULL, "http://example.org", "httpx", "example.org" },
        { NULL, "ws://example.org", "http", "example.org" },
        { NULL, "wss://example.org", "https", "example.org" },
        { NULL, "file://example.org", "https", "example.org" },
    };

    expect_site(cases, N(cases), 0);
}

static void origin_malformed(void **state)
{
    static const char *const origins[] = {
        "null", "NULL", "", " ", "https://", "https://:443", "https:",
        "https:/example.org", "https:example.org", "https//example.org",
        "//example.org", "example.org", "://example.org",
        "https:///example.org",
        /* a path, a query, a fragment */
        "https://example.org/", "https://example.org/path",
        "https://example.org?", "https://example.org?x=1",
        "https://example.org#", "https://example.org#x",
        /* userinfo */
        "https://user@example.org", "https://user:pw@example.org",
        "https://example.org@evil.example", "https://evil.example@example.org",
        /* whitespace and trailing garbage */
        " https://example.org", "https://example.org ",
        "https://example.org\t", "https://example.org\r\n",
        "https://exa mple.org", "https://example.org,",
        "https://example.org, https://example.org",
        "https://example.org;", "https://example.org\\",
        "https://example.org\\@evil.example",
        /* broken ports */
        "https://example.org:", "https://example.org:x",
        "https://example.org:443x", "https://example.org:+443",
        "https://example.org:-1", "https://example.org: 443",
        "https://example.org:65536", "https://example.org:99999",
        "https://example.org:100000", "https://example.org:443:443",
        "https://example.org:0000443",
        /* escapes and other bytes no browser puts in a host */
        "https://example%2eorg", "https://exa%6dple.org",
        "https://example.org\x7f", "https://ex\xc3\xa4mple.org",
        "https://example.org\x01", "https://[example.org]",
        "1https://example.org", "-://example.org", "ht tp://example.org",
        "https:/xexample.org", "https:xxexample.org", NULL
    };

    expect_origins(origins, "https", "example.org", 0);
}

static void origin_ip_literals(void **state)
{
    static const site_case_t yes[] = {
        { NULL, "http://[::1]", "http", "[::1]" },
        { NULL, "http://[::1]:8080", "http", "[::1]:8080" },
        { NULL, "http://[::1]", "http", "[::1]:80" },
        { NULL, "https://[2001:DB8::1]:443", "https", "[2001:db8::1]" },
        { NULL, "http://[::ffff:127.0.0.1]", "http", "[::ffff:127.0.0.1]" },
        { NULL, "http://10.0.0.1:8080", "http", "10.0.0.1:8080" },
    };
    static const site_case_t no[] = {
        { NULL, "http://[::1]", "http", "[::2]" },
        { NULL, "http://[::1]:8080", "http", "[::1]" },
        { NULL, "http://[::1", "http", "[::1]" },
        { NULL, "http://::1", "http", "[::1]" },
        { NULL, "http://[]", "http", "[]" },
        { NULL, "http://[::1]x", "http", "[::1]" },
        { NULL, "http://[::1]/", "http", "[::1]" },
        { NULL, "http://[::g]", "http", "[::g]" },
        { NULL, "http://[::1%25eth0]", "http", "[::1%25eth0]" },
        { NULL, "http://10.0.0.1", "http", "10.0.0.2" },
    };

    expect_site(yes, N(yes), 1);
    expect_site(no, N(no), 0);
}

static void origin_bad_host_header(void **state)
{
    static const char *const hosts[] = {
        "", " ", "example.org/", "example.org/evil", "example.org:",
        "example.org:x", "example.org:99999", "user@example.org",
        "example.org ", " example.org", "example.org, example.org",
        "example.org\r\n", NULL
    };
    int i;

    for (i = 0; hosts[i]; ++i) {
        if (cg_request_is_same_site(NULL, "https://example.org", "https",
                                    hosts[i])) {
            fail_tap("Host '%s' matched https://example.org", hosts[i]);
        }
    }
}

static void origin_odd_hosts_refused(void **state)
{
    /* even when Origin and Host carry the same oddity: neither is a host
     * a browser would put in an Origin */
    static const char *const hosts[] = {
        "user@example.org", "exa mple.org", "example.org/", "example.org?",
        "example.org#", "exa%6dple.org", "ex\\ample.org", "ex\"ample.org",
        "example.org,", "ex\x01ample.org", "ex\xc3\xa4mple.org", "*", NULL
    };
    int i;

    for (i = 0; hosts[i]; ++i) {
        const char *origin = apr_pstrcat(*state, "https://", hosts[i], NULL);

        if (cg_request_is_same_site(NULL, origin, "https", hosts[i])) {
            fail_tap("Origin '%s' matched Host '%s'", origin, hosts[i]);
        }
    }
}

static void origin_null_is_refused(void **state)
{
    /* "null": a sandboxed frame, a file: page, a redirect chain */
    assert_false(cg_request_is_same_site(NULL, "null", "https", "example.org"));
    assert_false(cg_request_is_same_site(NULL, "null", "https", "null"));
}

/* ---- failing closed ---- */

static void no_headers_refused(void **state)
{
    assert_false(cg_request_is_same_site(NULL, NULL, "https", "example.org"));
    assert_false(cg_request_is_same_site(NULL, NULL, "http", "localhost"));
}

static void null_scheme_or_host_refused(void **state)
{
    static const site_case_t cases[] = {
        { NULL, "https://example.org", NULL, "example.org" },
        { NULL, "https://example.org", "https", NULL },
        { NULL, "https://example.org", NULL, NULL },
        { "same-origin", "https://example.org", NULL, "example.org" },
        { "same-origin", "https://example.org", "https", NULL },
        { "same-site", NULL, NULL, NULL },
        { NULL, "https://example.org", "", "example.org" },
        { NULL, "://example.org", "", "example.org" },
    };

    expect_site(cases, N(cases), 0);
}

/* ---- cg_safe_return_to ---- */

static void return_to_accepts_paths(void **state)
{
    static const char *const paths[] = {
        "/", "/consent", "/a/b/c", "/a/b?c=d", "/a/b#frag", "/a?b=c#d",
        "/a//b", "/a/%2F/b", "/a%2Fb", "/%2e%2e/x", "/..//x", "/./x",
        "/?next=https://evil.example", "/?next=//evil.example",
        "/page#/x", "/page#//evil", "/caf\xc3\xa9", "/%5", "/%", "/%2",
        "/%252F", "/~user/", "/a:b", "/javascript:alert(1)", "/@evil",
        "/;x", "/&", NULL
    };
    int i;

    for (i = 0; paths[i]; ++i) {
        const char *got = cg_safe_return_to(*state, paths[i]);
        if (!got || strcmp(got, paths[i])) {
            fail_tap("'%s' gave '%s', expected it unchanged", paths[i],
                     got ? got : "(null)");
        }
    }
}

static void return_to_is_a_pool_copy(void **state)
{
    char buf[] = "/account?tab=privacy#consent";
    const char *got = cg_safe_return_to(*state, buf);

    assert_non_null(got);
    assert_ptr_not_equal(got, buf);
    buf[1] = 'X';
    assert_string_equal(got, "/account?tab=privacy#consent");
}

static void return_to_refuses_other_sites(void **state)
{
    static const char *const values[] = {
        "", "//evil.example", "///evil.example", "////evil.example",
        "//evil.example/path", "/\\evil.example", "/\\/evil.example",
        "\\/evil.example", "\\\\evil.example",
        "https://evil.example", "http://evil.example/", "HTTPS://evil",
        "https:evil.example", "https:/evil.example", "//", "/\\",
        "javascript:alert(1)", "JavaScript:alert(1)", " javascript:x",
        "data:text/html,x", "vbscript:x", "mailto:x@example.org",
        "evil.example", "evil.example/path", "./x", "../x", "x/y", "?x=1",
        "#x", " /x", "\t/x", "\n/x", "%2F", "%2F%2Fevil.example",
        "/%2Fevil.example", "/%2fevil.example", "/%2F", "/%2f",
        "/%5Cevil.example", "/%5cevil.example", "/%5C", "/%5c",
        "/%2F%2Fevil.example", "/%5C%2Fevil.example", NULL
    };
    int i;

    assert_null(cg_safe_return_to(*state, NULL));
    for (i = 0; values[i]; ++i) {
        const char *got = cg_safe_return_to(*state, values[i]);
        if (got) {
            fail_tap("'%s' was accepted as '%s'", values[i], got);
        }
    }
}

static void return_to_refuses_control_characters(void **state)
{
    int c;

    for (c = 1; c < 0x80; ++c) {
        int bad = c < 0x20 || c == 0x7f;
        const char *where[4];
        int i;

        /* browsers drop tabs and newlines: "/\t/evil" is "//evil" to them */
        where[0] = apr_psprintf(*state, "/%c/evil.example", c);
        where[1] = apr_psprintf(*state, "/a%cb", c);
        where[2] = apr_psprintf(*state, "/a?b=%c", c);
        where[3] = apr_psprintf(*state, "/a#%c", c);
        for (i = 0; i < 4; ++i) {
            const char *got = cg_safe_return_to(*state, where[i]);
            if (bad && got) {
                fail_tap("control character 0x%02x at %d was accepted", c, i);
            }
            /* all other ASCII is refused only where the rules say so */
            if (!bad && c != '\\' && c != ' ' && !(i == 0 && c == '/')
                && !got) {
                fail_tap("character 0x%02x at %d was refused", c, i);
            }
        }
    }
}

static void return_to_refuses_backslash_and_space(void **state)
{
    static const char *const values[] = {
        "/a\\b", "/a/b\\", "/a?b=\\", "/a#\\", "/a b", "/a?b c", "/a#b c",
        "/ ", "/ /evil.example", "/a+b c", NULL
    };
    int i;

    for (i = 0; values[i]; ++i) {
        if (cg_safe_return_to(*state, values[i])) {
            fail_tap("'%s' was accepted", values[i]);
        }
    }
    /* the escaped forms are harmless past the start */
    assert_non_null(cg_safe_return_to(*state, "/a%5Cb"));
    assert_non_null(cg_safe_return_to(*state, "/a%20b"));
    assert_non_null(cg_safe_return_to(*state, "/a+b"));
}

static void return_to_length_limit(void **state)
{
    apr_pool_t *p = *state;
    char *s = apr_palloc(p, 1024 * 1024 + 1);
    const char *got;

    assert_int_equal(CG_RETURN_TO_MAX, 2048);
    memset(s, 'a', 1024 * 1024);
    s[0] = '/';
    s[2048] = '\0';
    got = cg_safe_return_to(p, s);
    assert_non_null(got);
    assert_int_equal(strlen(got), 2048);
    s[2048] = 'a';
    s[2049] = '\0';
    assert_null(cg_safe_return_to(p, s));
    s[2049] = 'a';
    s[1024 * 1024] = '\0';
    assert_null(cg_safe_return_to(p, s));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CG_TEST(sfs_same_origin_and_same_site),
        CG_TEST(sfs_trimmed),
        CG_TEST(sfs_anything_else_refused),
        CG_TEST(sfs_decides_without_origin),
        CG_TEST(origin_exact),
        CG_TEST(origin_case_insensitive),
        CG_TEST(origin_default_ports),
        CG_TEST(origin_explicit_ports),
        CG_TEST(origin_other_host_or_scheme),
        CG_TEST(origin_malformed),
        CG_TEST(origin_ip_literals),
        CG_TEST(origin_bad_host_header),
        CG_TEST(origin_odd_hosts_refused),
        CG_TEST(origin_null_is_refused),
        CG_TEST(no_headers_refused),
        CG_TEST(null_scheme_or_host_refused),
        CG_TEST(return_to_accepts_paths),
        CG_TEST(return_to_is_a_pool_copy),
        CG_TEST(return_to_refuses_other_sites),
        CG_TEST(return_to_refuses_control_characters),
        CG_TEST(return_to_refuses_backslash_and_space),
        CG_TEST(return_to_length_limit),
    };
    CG_RUN_GROUP("site", tests);
}
