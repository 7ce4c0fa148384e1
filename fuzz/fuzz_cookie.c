/* fuzz_cookie.c: cg_cookie_parse() and cg_cookie_join() on the input as
 * a Cookie request header (up to its first NUL byte).
 *
 * Invariants (each broken one aborts, i.e. is a finding):
 *  1. No crumb is empty; name, value and crumb are never NULL; a crumb
 *     has no leading or trailing space or tab and holds no ';' (the pair
 *     separator), and it is a substring of the header ("the pair as the
 *     client sent it").
 *  2. Every crumb's name is a prefix-trimmed part of its crumb: with a
 *     name, the crumb starts with the name, then optional spaces/tabs,
 *     then '='; the name has no '=' and no surrounding spaces/tabs. With
 *     an empty name the crumb either has no '=' at all (then its value is
 *     the whole crumb) or starts with '='.
 *  3. The value is a suffix of the crumb without surrounding spaces/tabs.
 *  4. Round trip: cg_cookie_join() of the crumbs, parsed again, gives the
 *     same number of crumbs with the same names, values and crumbs, and
 *     joining those again gives the same header (a fixed point).
 *  5. A NULL header gives an empty array and joins to "".
 *  6. The crumbs are those of a naive reference of cg_cookie.h's rules
 *     written here, byte by byte: split at ';', trimmed, empty ones
 *     skipped, the name before the first '=' (trimmed), the value after
 *     it, the "token=" names after each comma that follows that '=';
 *     name_len and crumb_len are the lengths. */
#include "fuzz_common.h"

#include <apr_tables.h>

#include "cg_cookie.h"

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static void cg_fuzz_setup(apr_pool_t *root)
{
    apr_array_header_t *none = cg_cookie_parse(root, NULL);

    CG_FUZZ_CHECK(none && none->nelts == 0, "NULL header gave %d crumbs",
                  none ? none->nelts : -1);
    CG_FUZZ_CHECK(!strcmp(cg_cookie_join(root, none), ""), "join of none");
}

static void check_crumb(const char *header, const cg_crumb_t *c)
{
    size_t clen, nlen, vlen;
    const char *rest;

    CG_FUZZ_CHECK(c->crumb && c->name && c->value, "NULL member");
    clen = strlen(c->crumb);
    nlen = strlen(c->name);
    vlen = strlen(c->value);
    CG_FUZZ_CHECK(clen > 0, "empty crumb");
    CG_FUZZ_CHECK(!is_ows(c->crumb[0]) && !is_ows(c->crumb[clen - 1]),
                  "untrimmed crumb '%s'", cg_fuzz_show(c->crumb));
    CG_FUZZ_CHECK(!strchr(c->crumb, ';'), "';' in crumb '%s'",
                  cg_fuzz_show(c->crumb));
    CG_FUZZ_CHECK(strstr(header, c->crumb) != NULL,
                  "crumb '%s' is not part of the header",
                  cg_fuzz_show(c->crumb));

    if (nlen) {
        CG_FUZZ_CHECK(!strncmp(c->crumb, c->name, nlen),
                      "crumb '%s' does not start with its name '%s'",
                      cg_fuzz_show(c->crumb), cg_fuzz_show(c->name));
        CG_FUZZ_CHECK(!strchr(c->name, '='), "'=' in name '%s'",
                      cg_fuzz_show(c->name));
        CG_FUZZ_CHECK(!is_ows(c->name[0]) && !is_ows(c->name[nlen - 1]),
                      "untrimmed name '%s'", cg_fuzz_show(c->name));
        for (rest = c->crumb + nlen; is_ows(*rest); ++rest) {
        }
        CG_FUZZ_CHECK(*rest == '=',
                      "name '%s' of crumb '%s' is not followed by '='",
                      cg_fuzz_show(c->name), cg_fuzz_show(c->crumb));
    }
    else {
        CG_FUZZ_CHECK(c->crumb[0] == '=' || !strchr(c->crumb, '='),
                      "nameless crumb '%s' with a name before its '='",
                      cg_fuzz_show(c->crumb));
        if (!strchr(c->crumb, '=')) {
            CG_FUZZ_CHECK(!strcmp(c->value, c->crumb),
                          "value '%s' of crumb '%s' without '='",
                          cg_fuzz_show(c->value), cg_fuzz_show(c->crumb));
        }
    }
    CG_FUZZ_CHECK(vlen <= clen && !strcmp(c->crumb + clen - vlen, c->value),
                  "value '%s' is not a suffix of crumb '%s'",
                  cg_fuzz_show(c->value), cg_fuzz_show(c->crumb));
    CG_FUZZ_CHECK(vlen == 0 || (!is_ows(c->value[0])
                                && !is_ows(c->value[vlen - 1])),
                  "untrimmed value '%s'", cg_fuzz_show(c->value));
}

/* ---- the naive reference (invariant 6) ---- */

static int is_tchar_ref(unsigned char c)
{
    return c > 0x20 && c < 0x7f && !strchr("()<>@,;:\\\"/[]?={}", c);
}

static void check_reference(const char *header, const apr_array_header_t *got)
{
    const cg_crumb_t *g = (const cg_crumb_t *)got->elts;
    size_t len = strlen(header), i = 0, b, e;
    int n = 0;

    while (i <= len) {
        size_t eq, k;
        int inner = 0;

        for (b = i; b < len && header[b] != ';'; ++b) {
        }
        e = b;
        b = i;
        i = e + 1;
        while (b < e && is_ows(header[b])) {
            ++b;
        }
        while (e > b && is_ows(header[e - 1])) {
            --e;
        }
        if (b == e) {
            continue;
        }
        CG_FUZZ_CHECK(n < got->nelts, "more crumbs than %d in '%s'",
                      got->nelts, cg_fuzz_show(header));
        CG_FUZZ_CHECK(g[n].crumb_len == e - b
                      && !strncmp(g[n].crumb, header + b, e - b),
                      "crumb %d is '%s'", n, cg_fuzz_show(g[n].crumb));
        for (eq = b; eq < e && header[eq] != '='; ++eq) {
        }
        if (eq == e) {
            CG_FUZZ_CHECK(!*g[n].name && g[n].name_len == 0
                          && !strcmp(g[n].value, g[n].crumb),
                          "crumb %d without '=' read as '%s'='%s'", n,
                          cg_fuzz_show(g[n].name), cg_fuzz_show(g[n].value));
        }
        else {
            size_t ne = eq, vb = eq + 1;

            while (ne > b && is_ows(header[ne - 1])) {
                --ne;
            }
            while (vb < e && is_ows(header[vb])) {
                ++vb;
            }
            CG_FUZZ_CHECK(g[n].name_len == ne - b
                          && strlen(g[n].name) == ne - b
                          && !strncmp(g[n].name, header + b, ne - b),
                          "crumb %d: name '%s'", n, cg_fuzz_show(g[n].name));
            CG_FUZZ_CHECK(strlen(g[n].value) == e - vb
                          && !strncmp(g[n].value, header + vb, e - vb),
                          "crumb %d: value '%s'", n, cg_fuzz_show(g[n].value));
            /* the names after commas, in order */
            for (k = eq + 1; k < e; ++k) {
                size_t s, t;

                if (header[k] != ',') {
                    continue;
                }
                for (s = k + 1; s < e && is_ows(header[s]); ++s) {
                }
                for (t = s; t < e && is_tchar_ref((unsigned char)header[t]);
                     ++t) {
                }
                if (t > s && t < e && header[t] == '=') {
                    CG_FUZZ_CHECK(g[n].inner && g[n].inner[inner]
                                  && strlen(g[n].inner[inner]) == t - s
                                  && !strncmp(g[n].inner[inner], header + s,
                                              t - s),
                                  "crumb %d: inner name %d", n, inner);
                    ++inner;
                }
            }
        }
        CG_FUZZ_CHECK(inner ? !g[n].inner[inner] : !g[n].inner
                      || !g[n].inner[0],
                      "crumb %d: %d inner names, more read", n, inner);
        ++n;
    }
    CG_FUZZ_CHECK(n == got->nelts, "%d crumbs, the reference %d", got->nelts,
                  n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *header = cg_fuzz_cstr(data, size);
    apr_pool_t *p = cg_fuzz_pool;
    apr_array_header_t *crumbs, *again;
    const cg_crumb_t *a, *b;
    const char *joined, *rejoined;
    int i;

    crumbs = cg_cookie_parse(p, header);
    CG_FUZZ_CHECK(crumbs != NULL, "NULL array");
    a = (const cg_crumb_t *)crumbs->elts;
    for (i = 0; i < crumbs->nelts; ++i) {
        check_crumb(header, &a[i]);
    }
    check_reference(header, crumbs);

    joined = cg_cookie_join(p, crumbs);
    CG_FUZZ_CHECK(joined != NULL, "NULL join");
    again = cg_cookie_parse(p, joined);
    b = (const cg_crumb_t *)again->elts;
    CG_FUZZ_CHECK(again->nelts == crumbs->nelts,
                  "%d crumbs, %d after join '%s' and parse", crumbs->nelts,
                  again->nelts, cg_fuzz_show(joined));
    for (i = 0; i < crumbs->nelts; ++i) {
        CG_FUZZ_CHECK(!strcmp(a[i].name, b[i].name)
                      && !strcmp(a[i].value, b[i].value)
                      && !strcmp(a[i].crumb, b[i].crumb),
                      "crumb %d: '%s'='%s' became '%s'='%s'", i,
                      cg_fuzz_show(a[i].name), cg_fuzz_show(a[i].value),
                      cg_fuzz_show(b[i].name), cg_fuzz_show(b[i].value));
    }
    rejoined = cg_cookie_join(p, again);
    CG_FUZZ_CHECK(!strcmp(joined, rejoined), "join is no fixed point: '%s' '%s'",
                  cg_fuzz_show(joined), cg_fuzz_show(rejoined));

    apr_pool_clear(p);
    free(header);
    return 0;
}
