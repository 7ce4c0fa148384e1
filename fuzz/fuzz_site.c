/* fuzz_site.c: cg_request_is_same_site() with the input split at NUL
 * bytes into 4 fields (Sec-Fetch-Site, Origin, scheme, Host; the fields
 * the input does not reach are NULL), and cg_safe_return_to() on each of
 * those fields (the first of them is the input up to its first NUL).
 *
 * Invariants (each broken one aborts, i.e. is a finding):
 *  1. A non-NULL return_to starts with '/' but not with "//" or "/\",
 *     contains no control character (< 0x20 or 0x7f), space or
 *     backslash, is at most CG_RETURN_TO_MAX bytes, does not start with
 *     "/%2F" or "/%5C" (any case), and is a byte-for-byte copy of the
 *     value given.
 *  2. cg_request_is_same_site() answers 0 or 1; 0 when scheme or host is
 *     NULL.
 *  3. With a Sec-Fetch-Site it answers 1 exactly when that header, with
 *     surrounding spaces and tabs removed, is "same-origin" or
 *     "same-site" (checked against a reference written here).
 *  4. Without one, 1 needs an Origin other than "null" that starts with
 *     the scheme (any case) and "://" and then holds no character that a
 *     serialized origin cannot (whitespace, '/', '?', '#', '@', '\'). */
#include "fuzz_common.h"

#include <strings.h>

#include "cg_site.h"

static void cg_fuzz_setup(apr_pool_t *root)
{
    (void)root;
    CG_FUZZ_CHECK(!cg_request_is_same_site("same-origin", NULL, NULL, "h"),
                  "NULL scheme");
    CG_FUZZ_CHECK(!cg_safe_return_to(root, NULL), "NULL return_to");
}

static void check_return_to(apr_pool_t *p, const char *in)
{
    const char *out = cg_safe_return_to(p, in);
    size_t len, i;

    if (!out) {
        return;
    }
    len = strlen(out);
    CG_FUZZ_CHECK(out[0] == '/', "'%s' does not start with '/'",
                  cg_fuzz_show(out));
    CG_FUZZ_CHECK(out[1] != '/' && out[1] != '\\', "network path '%s'",
                  cg_fuzz_show(out));
    CG_FUZZ_CHECK(strncasecmp(out, "/%2F", 4) && strncasecmp(out, "/%5C", 4),
                  "escaped network path '%s'", cg_fuzz_show(out));
    CG_FUZZ_CHECK(len <= CG_RETURN_TO_MAX, "%zu bytes", len);
    for (i = 0; i < len; ++i) {
        unsigned char c = (unsigned char)out[i];

        CG_FUZZ_CHECK(c >= 0x20 && c != 0x7f && c != ' ' && c != '\\',
                      "byte 0x%02x at %zu of '%s'", c, i, cg_fuzz_show(out));
    }
    CG_FUZZ_CHECK(out != in && !strcmp(out, in), "'%s' is no copy of '%s'",
                  cg_fuzz_show(out), cg_fuzz_show(in));
}

static int ows(char c)
{
    return c == ' ' || c == '\t';
}

/* Invariant 3's reference. */
static int fetch_site_ok(const char *v)
{
    size_t len;

    while (ows(*v)) {
        ++v;
    }
    len = strlen(v);
    while (len && ows(v[len - 1])) {
        --len;
    }
    return (len == 11 && !memcmp(v, "same-origin", 11))
        || (len == 9 && !memcmp(v, "same-site", 9));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = cg_fuzz_pool;
    char *f[4];
    int same, i;

    cg_fuzz_fields(data, size, f, 4);

    same = cg_request_is_same_site(f[0], f[1], f[2], f[3]);
    CG_FUZZ_CHECK(same == 0 || same == 1, "answer %d", same);
    if (!f[2] || !f[3]) {
        CG_FUZZ_CHECK(!same, "same site without scheme or host");
    }
    else if (f[0]) {
        CG_FUZZ_CHECK(same == fetch_site_ok(f[0]),
                      "Sec-Fetch-Site '%s' gave %d", cg_fuzz_show(f[0]), same);
    }
    else if (same) {
        size_t sl = strlen(f[2]);

        CG_FUZZ_CHECK(f[1] && strcmp(f[1], "null")
                      && !strncasecmp(f[1], f[2], sl)
                      && !strncmp(f[1] + sl, "://", 3)
                      && !f[1][sl + 3 + strcspn(f[1] + sl + 3, " \t\r\n/?#@\\")],
                      "Origin '%s' accepted for scheme '%s' host '%s'",
                      cg_fuzz_show(f[1]), cg_fuzz_show(f[2]),
                      cg_fuzz_show(f[3]));
    }

    for (i = 0; i < 4; ++i) {
        check_return_to(p, f[i]);
    }

    apr_pool_clear(p);
    cg_fuzz_free_fields(f, 4);
    return 0;
}
