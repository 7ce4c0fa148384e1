/* test_mask.c: unit tests (cmocka) for lib/cg_mask.c: ConsentMaskAddress's
 * words, the decision for one visitor, raw and textual masking by bits,
 * and X-Forwarded-For lists. (cg_mask_ip by bytes, the pixel's, is
 * tested in test_pixel.c.) */
#include "unit.h"

#include <apr_strings.h>

#include "cg_mask.h"

/* ---- cg_mask_parse ---- */

static const char *parse(apr_pool_t *p, const char *line, cg_mask_t *m)
{
    char *words[8], *last, *w;
    int n = 0;

    for (w = apr_strtok(apr_pstrdup(p, line), " ", &last); w && n < 8;
         w = apr_strtok(NULL, " ", &last)) {
        words[n++] = w;
    }
    return cg_mask_parse(p, n, words, m);
}

static void parse_words(void **state)
{
    apr_pool_t *p = *state;
    cg_mask_t m;

    assert_null(parse(p, "off", &m));
    assert_int_equal(m.where, 0);
    assert_null(parse(p, "logs", &m));
    assert_int_equal(m.where, CG_MASK_LOGS);
    assert_null(parse(p, "backend", &m));
    assert_int_equal(m.where, CG_MASK_BACKEND);
    assert_null(parse(p, "both", &m));
    assert_int_equal(m.where, CG_MASK_LOGS | CG_MASK_BACKEND);
    /* the defaults: 2 bytes of IPv4, 80 bits of IPv6, no condition */
    assert_int_equal(m.v4_bits, 16);
    assert_int_equal(m.v6_bits, 80);
    assert_null(m.unless);
}

static void parse_options(void **state)
{
    apr_pool_t *p = *state;
    cg_mask_t m;

    assert_null(parse(p, "both ipv4=/24 ipv6=/64 unless=analytics", &m));
    assert_int_equal(m.v4_bits, 8);
    assert_int_equal(m.v6_bits, 64);
    assert_string_equal(m.unless, "analytics");
    /* any order, the slash optional, the ends of the ranges */
    assert_null(parse(p, "logs unless=tracking ipv6=128 ipv4=0", &m));
    assert_int_equal(m.v4_bits, 32);
    assert_int_equal(m.v6_bits, 0);
    assert_string_equal(m.unless, "tracking");
    assert_null(parse(p, "backend ipv4=/32 ipv6=/0", &m));
    assert_int_equal(m.v4_bits, 0);
    assert_int_equal(m.v6_bits, 128);
    assert_null(m.unless);
}

static void parse_errors(void **state)
{
    static const struct {
        const char *line;
        const char *error;
    } cases[] = {
        { "", "name off, logs, backend or both" },
        { "on", "'on' is not one of: off, logs, backend, both" },
        { "Both", "'Both' is not one of: off, logs, backend, both" },
        { "off ipv4=/24", "'off' takes no options, not 'ipv4=/24'" },
        { "both ipv4=/33", "'ipv4=/33': the IPv4 prefix kept is /0 to /32" },
        { "both ipv4=/", "'ipv4=/': the IPv4 prefix kept is /0 to /32" },
        { "both ipv4=", "'ipv4=': the IPv4 prefix kept is /0 to /32" },
        { "both ipv4=/-1", "'ipv4=/-1': the IPv4 prefix kept is /0 to /32" },
        { "both ipv4=/16x", "'ipv4=/16x': the IPv4 prefix kept is /0 to /32" },
        { "both ipv4=/0016", "'ipv4=/0016': the IPv4 prefix kept is /0 to /32" },
        { "both ipv6=/129", "'ipv6=/129': the IPv6 prefix kept is /0 to /128" },
        { "both ipv6=/99999999999",
          "'ipv6=/99999999999': the IPv6 prefix kept is /0 to /128" },
        { "both unless=", "'unless=': not a category name" },
        { "both unless=Bad", "'unless=Bad': not a category name" },
        { "both unless=necessary", "'unless=necessary': not a category name" },
        { "both ipv4=/24 ipv4=/16", "'ipv4=/16': given twice" },
        { "both ipv6=/24 ipv6=/16", "'ipv6=/16': given twice" },
        { "both unless=a unless=b", "'unless=b': given twice" },
        { "both bits=16",
          "'bits=16' is not one of: ipv4=/N, ipv6=/N, unless=CATEGORY" },
        { "both logs",
          "'logs' is not one of: ipv4=/N, ipv6=/N, unless=CATEGORY" },
        { NULL, NULL }
    };
    int i;

    for (i = 0; cases[i].line; ++i) {
        cg_mask_t m;
        const char *err = parse(*state, cases[i].line, &m);

        if (!err || strcmp(err, cases[i].error)) {
            fail_tap("'%s' gave '%s', expected '%s'", cases[i].line,
                     err ? err : "(accepted)", cases[i].error);
        }
    }
}

/* ---- cg_mask_decide ---- */

static void decide(void **state)
{
    cg_mask_t m = { CG_MASK_LOGS | CG_MASK_BACKEND, 16, 80, NULL };

    (void)state;
    assert_int_equal(cg_mask_decide(NULL, 0), 0);
    assert_int_equal(cg_mask_decide(NULL, 1), 0);
    /* unconditional: consent changes nothing */
    assert_int_equal(cg_mask_decide(&m, 0), CG_MASK_LOGS | CG_MASK_BACKEND);
    assert_int_equal(cg_mask_decide(&m, 1), CG_MASK_LOGS | CG_MASK_BACKEND);
    /* unless=CATEGORY: only the visitor who granted it keeps the address */
    m.unless = "analytics";
    assert_int_equal(cg_mask_decide(&m, 0), CG_MASK_LOGS | CG_MASK_BACKEND);
    assert_int_equal(cg_mask_decide(&m, 1), 0);
    m.where = CG_MASK_BACKEND;
    assert_int_equal(cg_mask_decide(&m, 0), CG_MASK_BACKEND);
    m.where = 0;
    assert_int_equal(cg_mask_decide(&m, 0), 0);
}

/* ---- cg_mask_bytes ---- */

static void bytes(void **state)
{
    unsigned char v4[4] = { 203, 0, 113, 77 };
    unsigned char v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x85, 0xa3, 0x08, 0xd3,
                             0x13, 0x19, 0x8a, 0x2e, 0x03, 0x70, 0x73, 0x48 };
    unsigned char mapped[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
                                 203, 0, 113, 77 };
    static const unsigned char v4_want[4] = { 203, 0, 0, 0 };
    static const unsigned char v6_want[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x85,
                                               0xa3 };
    static const unsigned char mapped_want[16] = { 0, 0, 0, 0, 0, 0, 0, 0,
                                                   0, 0, 0xff, 0xff, 203, 0,
                                                   113, 0 };
    unsigned char odd[5] = { 1, 2, 3, 4, 5 };
    static const unsigned char odd_want[5] = { 1, 2, 3, 4, 5 };

    (void)state;
    assert_int_equal(cg_mask_bytes(v4, 4, 16, 80), 1);
    assert_memory_equal(v4, v4_want, 4);
    assert_int_equal(cg_mask_bytes(v6, 16, 16, 80), 1);
    assert_memory_equal(v6, v6_want, 16);
    /* a mapped address is IPv4: the IPv4 width, the prefix kept */
    assert_int_equal(cg_mask_bytes(mapped, 16, 8, 128), 1);
    assert_memory_equal(mapped, mapped_want, 16);
    assert_int_equal(cg_mask_bytes(odd, 5, 32, 128), 0);
    assert_memory_equal(odd, odd_want, 5);
}

/* ---- cg_mask_ip_bits ---- */

static void ip_bits(void **state)
{
    static const struct {
        const char *ip;
        int v4, v6;
        const char *want;
    } cases[] = {
        { "203.0.113.77", 16, 80, "203.0.0.0" },
        { "203.0.113.77", 8, 80, "203.0.113.0" },
        /* a width that is not whole bytes */
        { "203.0.113.77", 12, 80, "203.0.112.0" },
        { "203.0.113.77", 0, 80, "203.0.113.77" },
        { "203.0.113.77", 32, 80, "0.0.0.0" },
        { "203.0.113.77", 40, 80, "0.0.0.0" },
        { "127.0.0.1", 16, 80, "127.0.0.0" },
        { "::1", 16, 80, "::" },
        { "2001:db8:85a3:8d3:1319:8a2e:370:7348", 16, 80, "2001:db8:85a3::" },
        { "2001:db8:85a3:8d3:1319:8a2e:370:7348", 16, 64,
          "2001:db8:85a3:8d3::" },
        { "::ffff:203.0.113.77", 16, 0, "203.0.0.0" },
        { NULL, 0, 0, NULL }
    };
    int i;

    for (i = 0; cases[i].ip; ++i) {
        const char *got = cg_mask_ip_bits(*state, cases[i].ip, cases[i].v4,
                                          cases[i].v6);
        if (!got || strcmp(got, cases[i].want)) {
            fail_tap("'%s' (%d, %d bits) gave '%s', expected '%s'",
                     cases[i].ip, cases[i].v4, cases[i].v6,
                     got ? got : "(null)", cases[i].want);
        }
    }
    assert_null(cg_mask_ip_bits(*state, NULL, 16, 80));
    assert_null(cg_mask_ip_bits(*state, "localhost", 16, 80));
    assert_null(cg_mask_ip_bits(*state, "203.0.113.77:80", 16, 80));
}

/* ---- cg_mask_forwarded_for ---- */

static void forwarded_for(void **state)
{
    static const struct {
        const char *list;
        const char *want;
    } cases[] = {
        { "203.0.113.77", "203.0.0.0" },
        { "203.0.113.77, 198.51.100.7", "203.0.0.0, 198.51.0.0" },
        { " 203.0.113.77 ,\t2001:db8:85a3:8d3::1 ",
          "203.0.0.0, 2001:db8:85a3::" },
        /* ports and brackets: the address masked, the port gone */
        { "203.0.113.77:4711", "203.0.0.0" },
        { "[2001:db8:85a3:8d3::1]:4711, [2001:db8:85a3:8d3::2]",
          "2001:db8:85a3::, 2001:db8:85a3::" },
        /* anything else could be an address in disguise */
        { "unknown, _hidden, 203.0.113.77",
          "unknown, unknown, 203.0.0.0" },
        { "203.0.113.77 extra", "unknown" },
        { "[2001:db8::1]x", "unknown" },
        { "[2001:db8::1", "unknown" },
        { "host:80", "unknown" },
        { "203.0.113.77:80:80", "unknown" },
        /* empty elements go */
        { ",, 203.0.113.77,,", "203.0.0.0" },
        { NULL, NULL }
    };
    int i;

    for (i = 0; cases[i].list; ++i) {
        const char *got = cg_mask_forwarded_for(*state, cases[i].list, 16, 80);

        if (!got || strcmp(got, cases[i].want)) {
            fail_tap("'%s' gave '%s', expected '%s'", cases[i].list,
                     got ? got : "(null)", cases[i].want);
        }
    }
    assert_null(cg_mask_forwarded_for(*state, NULL, 16, 80));
    assert_null(cg_mask_forwarded_for(*state, "", 16, 80));
    assert_null(cg_mask_forwarded_for(*state, " , ,", 16, 80));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CG_TEST(parse_words),
        CG_TEST(parse_options),
        CG_TEST(parse_errors),
        CG_TEST(decide),
        CG_TEST(bytes),
        CG_TEST(ip_bits),
        CG_TEST(forwarded_for),
    };

    CG_RUN_GROUP("mask", tests);
}
