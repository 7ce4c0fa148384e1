/* fuzz_deletion.c: the canonical deletion of a Set-Cookie line, and the
 * cookie-date algorithm, on the input as one Set-Cookie line (up to its
 * first NUL byte).
 *
 * Invariants (each broken one aborts, i.e. is a finding):
 *  1. A line judged a deletion (at NOW or at NOW2) has a canonical
 *     deletion unless its name is empty or no token; that canonical line,
 *     parsed, is a valid line, a deletion at both instants, has the same
 *     name, an empty value, the line's Domain and Path (a __Host- name:
 *     Path "/" and no Domain), Secure when the line had it, a prefix asks
 *     for it or it is Partitioned; and it is a fixed point (its own
 *     canonical deletion is itself).
 *  2. The canonical line is read under the names the line's own name is
 *     read under (cg_setcookie_every_name: the first ones of the line's;
 *     its empty value adds none), so it is judged by the same name.
 *  3. A line that is no deletion at an instant is not judged one through
 *     cg_setcookie_deletes() either (the two readings agree), and for a
 *     valid line cg_setcookie_lifetime_ends() agrees with both (the gate
 *     asks it first and parses only the lines it says yes to).
 *  4. cg_cookie_date() on the whole input: a date it finds between 1970
 *     and 9999, printed in the RFC 1123 form, reads back as the same
 *     instant. */
#include "fuzz_common.h"

#include <apr_date.h>
#include <apr_time.h>

#include "cg_cookie.h"

#define NOW apr_time_from_sec(APR_INT64_C(1763830000))
#define NOW2 apr_time_from_sec(APR_INT64_C(946684800))

static void cg_fuzz_setup(apr_pool_t *root)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(root, "a=1; Max-Age=0", &sc);
    CG_FUZZ_CHECK(cg_setcookie_is_deletion(&sc, NOW), "seed deletion");
}

static int same_opt(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

typedef struct names_seen {
    const char *names[8];
    int n;
} names_seen;

static int record(void *ctx, const char *name)
{
    names_seen *s = ctx;

    if (s->n < 8) {
        s->names[s->n] = name;
    }
    ++s->n;
    return 1;
}

static void check_canonical(apr_pool_t *p, const char *line,
                            const cg_setcookie_t *sc)
{
    const char *c = cg_setcookie_canonical_deletion(p, sc), *again;
    int host = !strncasecmp(sc->name, "__Host-", 7);
    int prefixed = host || !strncasecmp(sc->name, "__Secure-", 9);
    cg_setcookie_t d;
    names_seen a = { { 0 }, 0 }, b = { { 0 }, 0 };
    int i;

    if (!c) {
        CG_FUZZ_CHECK(!*sc->name || !cg_cookie_name_valid(sc->name)
                      || (sc->path && strpbrk(sc->path, ";\r\n"))
                      || (sc->domain && strpbrk(sc->domain, ";\r\n")),
                      "deletion '%s' of '%s' has no canonical form",
                      cg_fuzz_show(line), cg_fuzz_show(sc->name));
        return;
    }
    cg_setcookie_parse(p, c, &d);
    CG_FUZZ_CHECK(d.valid && cg_setcookie_is_deletion(&d, NOW)
                  && cg_setcookie_is_deletion(&d, NOW2),
                  "canonical '%s' of '%s' deletes nothing",
                  cg_fuzz_show(c), cg_fuzz_show(line));
    CG_FUZZ_CHECK(!strcmp(d.name, sc->name) && !strcmp(d.value, ""),
                  "canonical '%s' of '%s': name '%s' value '%s'",
                  cg_fuzz_show(c), cg_fuzz_show(line), cg_fuzz_show(d.name),
                  cg_fuzz_show(d.value));
    CG_FUZZ_CHECK(host ? (!d.domain && d.path && !strcmp(d.path, "/"))
                       : (same_opt(d.domain, sc->domain)
                          && same_opt(d.path, sc->path)),
                  "canonical '%s' of '%s': other Path or Domain",
                  cg_fuzz_show(c), cg_fuzz_show(line));
    CG_FUZZ_CHECK(d.secure == (sc->secure || prefixed || sc->partitioned)
                  && d.partitioned == sc->partitioned,
                  "canonical '%s' of '%s': Secure %d Partitioned %d",
                  cg_fuzz_show(c), cg_fuzz_show(line), d.secure,
                  d.partitioned);
    again = cg_setcookie_canonical_deletion(p, &d);
    CG_FUZZ_CHECK(again && !strcmp(again, c), "canonical '%s' is no fixed "
                  "point: '%s'", cg_fuzz_show(c), cg_fuzz_show(again));

    cg_setcookie_every_name(p, sc, record, &a);
    cg_setcookie_every_name(p, &d, record, &b);
    CG_FUZZ_CHECK(b.n >= 1 && b.n <= 2 && b.n <= a.n,
                  "line '%s' has %d names, canonical %d",
                  cg_fuzz_show(line), a.n, b.n);
    for (i = 0; i < b.n; ++i) {
        CG_FUZZ_CHECK(!strcmp(a.names[i], b.names[i]),
                      "name %d of '%s': '%s', canonical '%s'", i,
                      cg_fuzz_show(line), cg_fuzz_show(a.names[i]),
                      cg_fuzz_show(b.names[i]));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = cg_fuzz_cstr(data, size);
    apr_pool_t *p = cg_fuzz_pool;
    static const apr_time_t nows[] = { NOW, NOW2 };
    cg_setcookie_t sc;
    apr_time_t t;
    size_t i;
    int checked = 0;

    cg_setcookie_parse(p, line, &sc);
    for (i = 0; i < sizeof(nows) / sizeof(nows[0]); ++i) {
        int del = cg_setcookie_is_deletion(&sc, nows[i]);

        CG_FUZZ_CHECK(del == cg_setcookie_deletes(p, line, nows[i]),
                      "'%s': the two readings disagree", cg_fuzz_show(line));
        CG_FUZZ_CHECK(!sc.valid
                      || del == cg_setcookie_lifetime_ends(line, nows[i]),
                      "'%s': the lifetime reading disagrees (%d)",
                      cg_fuzz_show(line), del);
        if (del && !checked) {
            check_canonical(p, line, &sc);
            checked = 1;
        }
    }

    if (cg_cookie_date(line, strlen(line), &t) && t >= 0
        && t < apr_time_from_sec(APR_INT64_C(253402300800))) {
        char buf[APR_RFC822_DATE_LEN];
        apr_time_t back;

        CG_FUZZ_CHECK(apr_rfc822_date(buf, t) == APR_SUCCESS, "format");
        CG_FUZZ_CHECK(cg_cookie_date(buf, strlen(buf), &back) && back == t,
                      "date of '%s' is %lld, printed '%s' reads %lld",
                      cg_fuzz_show(line), (long long)t, buf,
                      (long long)back);
    }

    apr_pool_clear(p);
    free(line);
    return 0;
}
