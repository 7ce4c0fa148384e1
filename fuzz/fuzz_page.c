/* fuzz_page.c: cg_page_of() and cg_mask_ip() on parts of the input. The
 * first two bytes pick the masks (v4_bytes = byte 0 % 5, v6_bits = byte 1
 * % 129, the ranges the module can use); the rest is split at NUL bytes
 * into u (the pixel's ?u= parameter), Referer and the client address
 * (fields the input does not reach are NULL).
 *
 * Invariants (each broken one aborts, i.e. is a finding):
 *  1. The page is never NULL; it starts with '/' or is "(unknown)"; it is
 *     at most CG_PAGE_MAX bytes; it is valid UTF-8 (shortest form, no
 *     surrogates, nothing above U+10FFFF; checked by a validator written
 *     here) and holds no control character: no C0 control, no DEL and
 *     no C1 control (U+0080..U+009F), since the page goes into JSON and
 *     an HTML status page.
 *  2. It holds no '#', and for a u that starts with '/' it is exactly as
 *     long as u up to its first '?' or '#' (odd bytes are replaced one
 *     for one); a longer path is cut to CG_PAGE_MAX bytes, less at most 3
 *     when the cut would split a character (checked when u's first
 *     CG_PAGE_MAX + 1 bytes are well-formed UTF-8).
 *  3. A u that starts with '/' always gives a page, never "(unknown)".
 *  4. cg_mask_ip() gives NULL exactly when the address is neither an
 *     IPv4 nor an IPv6 address (inet_pton); otherwise an address that
 *     inet_pton reads back, whose host part (last v4_bytes bytes of IPv4,
 *     incl. IPv4-mapped IPv6, last v6_bits bits of IPv6) is zero, and
 *     which masking again leaves unchanged.
 *  5. cg_status_path() of the page (under the mautic preset's
 *     exclusions) is NULL, "(unknown)" or a path at most 4 bytes longer,
 *     with no run of 12 hex digits or 20 base64url characters that holds
 *     a digit, and never "/email/", "/s/" or "/r/". */
#include "fuzz_common.h"

#include <arpa/inet.h>

#include "cg_pixel.h"
#include "cg_status.h"

static void cg_fuzz_setup(apr_pool_t *root)
{
    CG_FUZZ_CHECK(!strcmp(cg_page_of(root, NULL, NULL), "(unknown)"),
                  "no source");
    CG_FUZZ_CHECK(!cg_mask_ip(root, NULL, 2, 80), "NULL address");
}

/* The length of the well-formed UTF-8 sequence at s, or 0; with
 * `controls` 0, a control character counts as not well-formed. */
static size_t utf8_seq(const unsigned char *s, int controls)
{
    unsigned int cp;
    size_t n, i;

    if (s[0] < 0x80) {
        return (controls || (s[0] >= 0x20 && s[0] != 0x7f)) ? 1 : 0;
    }
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        n = 2;
        cp = s[0] & 0x1f;
    }
    else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        n = 3;
        cp = s[0] & 0x0f;
    }
    else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        n = 4;
        cp = s[0] & 0x07;
    }
    else {
        return 0;
    }
    for (i = 1; i < n; ++i) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)
        || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)
        || (!controls && cp >= 0x80 && cp <= 0x9f)) {
        return 0;
    }
    return n;
}

/* Are the first `n` bytes of s (or all of it) well-formed UTF-8, the
 * last character possibly reaching past them? */
static int utf8_prefix_ok(const char *s, size_t n)
{
    const unsigned char *c = (const unsigned char *)s;
    size_t i = 0, k;

    while (i < n && c[i]) {
        if (!(k = utf8_seq(c + i, 1))) {
            return 0;
        }
        i += k;
    }
    return 1;
}

static void check_page(const char *page, const char *u, const char *referer)
{
    const unsigned char *c;
    size_t len, n;

    CG_FUZZ_CHECK(page != NULL, "NULL page");
    len = strlen(page);
    CG_FUZZ_CHECK(page[0] == '/' || !strcmp(page, "(unknown)"),
                  "page '%s'", cg_fuzz_show(page));
    CG_FUZZ_CHECK(len <= CG_PAGE_MAX, "page of %zu bytes", len);
    for (c = (const unsigned char *)page; *c; c += n) {
        n = utf8_seq(c, 0);
        CG_FUZZ_CHECK(n > 0, "bad UTF-8 or a control character at byte %zu "
                      "of page '%s' (u '%s', referer '%s')",
                      (size_t)(c - (const unsigned char *)page),
                      cg_fuzz_show(page), cg_fuzz_show(u),
                      cg_fuzz_show(referer));
    }
    CG_FUZZ_CHECK(!strchr(page, '#'), "'#' in page '%s'", cg_fuzz_show(page));
    if (u && u[0] == '/') {
        size_t want = strcspn(u, "?#");

        CG_FUZZ_CHECK(strcmp(page, "(unknown)"), "u '%s' gave no page",
                      cg_fuzz_show(u));
        if (want <= CG_PAGE_MAX) {
            CG_FUZZ_CHECK(len == want, "page '%s' of %zu bytes from u '%s'",
                          cg_fuzz_show(page), len, cg_fuzz_show(u));
        }
        else if (utf8_prefix_ok(u, CG_PAGE_MAX + 1)) {
            CG_FUZZ_CHECK(len + 3 >= CG_PAGE_MAX, "page '%s' cut to %zu bytes",
                          cg_fuzz_show(page), len);
        }
    }
}

static int zero_tail_ok(const unsigned char *a, int len, int bits)
{
    int i;

    if (bits > len * 8) {
        bits = len * 8;
    }
    for (i = len - 1; bits > 0; --i, bits -= 8) {
        unsigned char mask = bits >= 8 ? 0xff : (unsigned char)((1u << bits) - 1);

        if (a[i] & mask) {
            return 0;
        }
    }
    return 1;
}

static void check_mask(apr_pool_t *p, const char *ip, int v4, int v6)
{
    static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                              0xff, 0xff };
    unsigned char in[16], out[16];
    const char *m = cg_mask_ip(p, ip, v4, v6), *m2;
    int is4 = ip && inet_pton(AF_INET, ip, in) == 1;
    int is6 = ip && !is4 && inet_pton(AF_INET6, ip, in) == 1;

    CG_FUZZ_CHECK(!m == !(is4 || is6), "'%s' masked to '%s'",
                  cg_fuzz_show(ip), cg_fuzz_show(m));
    if (!m) {
        return;
    }
    if (is4 || !memcmp(in, mapped, sizeof(mapped))) {
        CG_FUZZ_CHECK(inet_pton(AF_INET, m, out) == 1, "'%s' gave '%s'",
                      cg_fuzz_show(ip), cg_fuzz_show(m));
        CG_FUZZ_CHECK(zero_tail_ok(out, 4, v4 * 8), "'%s' masked %d: '%s'",
                      cg_fuzz_show(ip), v4, cg_fuzz_show(m));
    }
    else {
        CG_FUZZ_CHECK(inet_pton(AF_INET6, m, out) == 1, "'%s' gave '%s'",
                      cg_fuzz_show(ip), cg_fuzz_show(m));
        CG_FUZZ_CHECK(zero_tail_ok(out, 16, v6), "'%s' masked %d: '%s'",
                      cg_fuzz_show(ip), v6, cg_fuzz_show(m));
    }
    m2 = cg_mask_ip(p, m, v4, v6);
    CG_FUZZ_CHECK(m2 && !strcmp(m, m2), "masking '%s' again gave '%s'",
                  cg_fuzz_show(m), cg_fuzz_show(m2));
}

static int is_b64url(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
}

static int is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
        || (c >= 'A' && c <= 'F');
}

static void check_status_path(apr_pool_t *p, const char *page)
{
    static apr_array_header_t *ex;
    const char *const *e;
    const char *out, *c;
    size_t hex = 0, b64 = 0;
    int hex_digit = 0, b64_digit = 0;

    if (!ex) {
        ex = apr_array_make(cg_fuzz_root, 4, sizeof(const char *));
        for (e = cg_status_preset_excludes("mautic"); *e; ++e) {
            APR_ARRAY_PUSH(ex, const char *) = *e;
        }
    }
    out = cg_status_path(p, page, ex);
    if (!out || !strcmp(out, "(unknown)")) {
        return;
    }
    CG_FUZZ_CHECK(*out == '/' && strlen(out) <= strlen(page) + 4,
                  "status path '%s' of '%s'", cg_fuzz_show(out),
                  cg_fuzz_show(page));
    CG_FUZZ_CHECK(!strstr(out, "/email/") && !strstr(out, "/s/")
                  && !strstr(out, "/r/"), "excluded path kept: '%s'",
                  cg_fuzz_show(out));
    for (c = out; ; ++c) {
        unsigned char u = (unsigned char)*c;
        int digit = u >= '0' && u <= '9';

        if (*c && is_hex(u)) {
            ++hex;
            hex_digit |= digit;
        }
        else {
            CG_FUZZ_CHECK(!(hex >= 12 && hex_digit), "hex token kept: '%s'",
                          cg_fuzz_show(out));
            hex = 0;
            hex_digit = 0;
        }
        if (*c && is_b64url(u)) {
            ++b64;
            b64_digit |= digit;
        }
        else {
            CG_FUZZ_CHECK(!(b64 >= 20 && b64_digit),
                          "base64url token kept: '%s'", cg_fuzz_show(out));
            b64 = 0;
            b64_digit = 0;
        }
        if (!*c) {
            break;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = cg_fuzz_pool;
    char *f[3];
    int v4, v6;

    if (size < 2) {
        return 0;
    }
    v4 = data[0] % 5;
    v6 = data[1] % 129;
    cg_fuzz_fields(data + 2, size - 2, f, 3);

    check_page(cg_page_of(p, f[0], f[1]), f[0], f[1]);
    check_status_path(p, cg_page_of(p, f[0], f[1]));
    check_mask(p, f[2], v4, v6);
    /* the address field as a page source too, and u as an address */
    check_page(cg_page_of(p, f[2], NULL), f[2], NULL);
    check_mask(p, f[0], v4, v6);

    apr_pool_clear(p);
    cg_fuzz_free_fields(f, 3);
    return 0;
}
