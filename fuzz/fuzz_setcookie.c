/* fuzz_setcookie.c: cg_setcookie_parse(), cg_setcookie_name() and
 * cg_setcookie_deletes() on the input as one Set-Cookie line (up to its
 * first NUL byte).
 *
 * Invariants (each broken one aborts, i.e. is a finding):
 *  1. cg_setcookie_name(line) equals the name cg_setcookie_parse() gives.
 *  2. cg_setcookie_deletes(line, now) equals
 *     cg_setcookie_is_deletion(parsed, now), for two fixed instants (NOW,
 *     2025-11-22 16:46:40 UTC, and NOW2, 2000-01-01 00:00:00 UTC).
 *  3. The parsed name and value are never NULL, have no surrounding
 *     spaces/tabs and hold no ';'; the name holds no '='. secure and
 *     httponly are 0 or 1. Path and domain, when set, hold no ';'.
 *  4. When the parsed name is a valid cookie name (a token):
 *     a. cg_setcookie_expiry(name, domain, secure), parsed, gives the same
 *        name, an empty value, Path "/", the same domain (none for a
 *        __Host- name) and secure flag (always for a prefixed name), and,
 *        unless that domain holds a control character, is a valid line and
 *        a deletion both ways (is_deletion and deletes) at NOW.
 *     b. cg_setcookie_line(name, value, max_age, domain, secure), with the
 *        parsed value and Max-Age (3600 when none), parsed, gives the same
 *        name, value, domain, secure flag and Max-Age, and is a deletion
 *        exactly when that Max-Age is <= 0 and the line is valid.
 *  5. A NULL line is a nameless, empty cookie that deletes nothing. */
#include "fuzz_common.h"

#include <apr_time.h>

#include "cg_cookie.h"

#define NOW apr_time_from_sec(APR_INT64_C(1763830000))
#define NOW2 apr_time_from_sec(APR_INT64_C(946684800))

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static int trimmed(const char *s)
{
    size_t n = strlen(s);

    return n == 0 || (!is_ows(s[0]) && !is_ows(s[n - 1]));
}

static int has_ctl(const char *s)
{
    for (; s && *s; ++s) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f) {
            return 1;
        }
    }
    return 0;
}

static int same_opt(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static void cg_fuzz_setup(apr_pool_t *root)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(root, NULL, &sc);
    CG_FUZZ_CHECK(!strcmp(sc.name, "") && !strcmp(sc.value, ""),
                  "NULL line");
    CG_FUZZ_CHECK(!strcmp(cg_setcookie_name(root, NULL), ""), "NULL name");
    CG_FUZZ_CHECK(!cg_setcookie_deletes(root, NULL, NOW), "NULL deletes");
}

static void check_generated(apr_pool_t *p, const cg_setcookie_t *sc)
{
    cg_setcookie_t g;
    apr_int64_t max_age = sc->has_max_age ? sc->max_age : 3600;
    const char *line;
    int host = !strncasecmp(sc->name, "__Host-", 7);
    int prefixed = host || !strncasecmp(sc->name, "__Secure-", 9);

    line = cg_setcookie_expiry(p, sc->name, sc->domain, sc->secure);
    cg_setcookie_parse(p, line, &g);
    CG_FUZZ_CHECK(!strcmp(g.name, sc->name) && !strcmp(g.value, "")
                  && g.path && !strcmp(g.path, "/")
                  && same_opt(g.domain, host ? NULL : sc->domain)
                  && g.secure == (sc->secure || prefixed),
                  "expiry line '%s' parses back wrong", cg_fuzz_show(line));
    /* a control character in the Domain refuses the line */
    CG_FUZZ_CHECK(has_ctl(sc->domain)
                  || (g.valid && cg_setcookie_is_deletion(&g, NOW)
                      && cg_setcookie_deletes(p, line, NOW)),
                  "expiry line '%s' deletes nothing", cg_fuzz_show(line));

    line = cg_setcookie_line(p, sc->name, sc->value, max_age, sc->domain,
                             sc->secure);
    cg_setcookie_parse(p, line, &g);
    CG_FUZZ_CHECK(!strcmp(g.name, sc->name) && !strcmp(g.value, sc->value)
                  && same_opt(g.domain, sc->domain)
                  && g.secure == sc->secure
                  && g.has_max_age && g.max_age == max_age,
                  "line '%s' parses back wrong", cg_fuzz_show(line));
    CG_FUZZ_CHECK(cg_setcookie_deletes(p, line, NOW)
                  == (max_age <= 0 && g.valid)
                  && cg_setcookie_is_deletion(&g, NOW)
                  == (max_age <= 0 && g.valid),
                  "line '%s' with Max-Age %lld: wrong deletion",
                  cg_fuzz_show(line), (long long)max_age);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = cg_fuzz_cstr(data, size);
    apr_pool_t *p = cg_fuzz_pool;
    static const apr_time_t nows[] = { NOW, NOW2 };
    cg_setcookie_t sc;
    const char *name;
    size_t i;

    cg_setcookie_parse(p, line, &sc);
    CG_FUZZ_CHECK(sc.name && sc.value, "NULL name or value");
    CG_FUZZ_CHECK(trimmed(sc.name) && trimmed(sc.value),
                  "untrimmed name '%s' or value '%s'", cg_fuzz_show(sc.name),
                  cg_fuzz_show(sc.value));
    CG_FUZZ_CHECK(!strchr(sc.name, ';') && !strchr(sc.name, '=')
                  && !strchr(sc.value, ';'),
                  "name '%s' or value '%s' holds a separator",
                  cg_fuzz_show(sc.name), cg_fuzz_show(sc.value));
    CG_FUZZ_CHECK((sc.secure == 0 || sc.secure == 1)
                  && (sc.httponly == 0 || sc.httponly == 1)
                  && (sc.has_max_age == 0 || sc.has_max_age == 1),
                  "flags %d %d %d", sc.secure, sc.httponly, sc.has_max_age);
    CG_FUZZ_CHECK((!sc.path || !strchr(sc.path, ';'))
                  && (!sc.domain || !strchr(sc.domain, ';')),
                  "';' in path or domain");

    name = cg_setcookie_name(p, line);
    CG_FUZZ_CHECK(name && !strcmp(name, sc.name),
                  "cg_setcookie_name '%s' != parsed name '%s'",
                  cg_fuzz_show(name), cg_fuzz_show(sc.name));

    for (i = 0; i < sizeof(nows) / sizeof(nows[0]); ++i) {
        int fast = cg_setcookie_deletes(p, line, nows[i]);
        int slow = cg_setcookie_is_deletion(&sc, nows[i]);

        CG_FUZZ_CHECK(fast == slow,
                      "deletes %d != is_deletion %d at %lld (max_age %d/%lld,"
                      " expires %lld)", fast, slow, (long long)nows[i],
                      sc.has_max_age, (long long)sc.max_age,
                      (long long)sc.expires);
    }

    if (cg_cookie_name_valid(sc.name)) {
        check_generated(p, &sc);
    }

    apr_pool_clear(p);
    free(line);
    return 0;
}
