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
 *  5. A NULL header gives an empty array and joins to "". */
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
