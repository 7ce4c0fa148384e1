/* fuzz_choice.c: cg_choice_parse() on the input as the body of a POST to
 * the consent endpoint. The first input byte picks the content type (bit
 * 0: "application/x-www-form-urlencoded" or "application/json"; bit 1
 * adds "; charset=UTF-8"), the rest is the body, passed with its length
 * (it may hold NUL bytes and is not NUL-terminated). The known categories
 * are {"tracking", "analytics"}.
 *
 * Invariants (each broken one aborts, i.e. is a finding):
 *  1. A non-NULL result holds only known categories (no NULL, no other
 *     string) and no category twice, and *err is NULL.
 *  2. NULL always comes with an error text (*err non-NULL, non-empty).
 *  3. The answer does not depend on whether `err` is given: called with
 *     err = NULL it is NULL exactly when it was NULL with an err, and
 *     otherwise holds the same categories in the same order.
 *  4. A form body that holds neither '%' nor a NUL byte and whose every
 *     '&'-separated field not named "categories" is free of '+' gives
 *     exactly the categories a reference split here finds (non-NULL iff
 *     all of them are known).
 *  5. cg_mirror_parse() on the same body: 1 gives a mirror source and a
 *     value of 1 to CG_SOURCE_MAX_VALUE bytes that encodeURIComponent()
 *     would leave alone (nothing that can end a Set-Cookie value); -1
 *     comes with an error text; 0 sets nothing. */
#include "fuzz_common.h"

#include <apr_strings.h>
#include <apr_tables.h>

#include "cg_mirror.h"
#include "cg_receipt.h"
#include "cg_source.h"

static apr_array_header_t *known;

static void cg_fuzz_setup(apr_pool_t *root)
{
    known = apr_array_make(root, 2, sizeof(const char *));
    APR_ARRAY_PUSH(known, const char *) = "tracking";
    APR_ARRAY_PUSH(known, const char *) = "analytics";
}

static int is_known(const char *c)
{
    return c && (!strcmp(c, "tracking") || !strcmp(c, "analytics"));
}

/* Invariant 4's reference: the categories of a form body without escapes
 * ('+' is a space in "categories" values), or NULL for an unknown one. */
static apr_array_header_t *reference_form(apr_pool_t *p, const char *body,
                                          size_t len)
{
    apr_array_header_t *out = apr_array_make(p, 4, sizeof(const char *));
    const char *s = body, *end = body + len;

    while (s < end) {
        const char *amp = memchr(s, '&', (size_t)(end - s)), *eq;

        if (!amp) {
            amp = end;
        }
        eq = memchr(s, '=', (size_t)(amp - s));
        if (eq && eq - s == 10 && !memcmp(s, "categories", 10)) {
            const char *v = eq + 1;

            while (v < amp) {
                const char *comma = memchr(v, ',', (size_t)(amp - v));
                const char *b = v, *e = comma ? comma : amp;
                char item[64];
                size_t n;
                int i, dup = 0;

                v = comma ? comma + 1 : amp;
                while (b < e && (*b == ' ' || *b == '+' || *b == '\t')) {
                    ++b;
                }
                while (e > b && (e[-1] == ' ' || e[-1] == '+' || e[-1] == '\t')) {
                    --e;
                }
                if (b == e) {
                    continue;
                }
                n = (size_t)(e - b);
                if (n >= sizeof(item)) {
                    return NULL;
                }
                for (i = 0; i < (int)n; ++i) {
                    item[i] = b[i] == '+' ? ' ' : b[i];
                }
                item[n] = '\0';
                if (!is_known(item)) {
                    return NULL;
                }
                for (i = 0; i < out->nelts; ++i) {
                    dup |= !strcmp(APR_ARRAY_IDX(out, i, const char *), item);
                }
                if (!dup) {
                    APR_ARRAY_PUSH(out, const char *) = apr_pstrdup(p, item);
                }
            }
        }
        s = amp + 1;
    }
    return out;
}

/* Does invariant 4 apply to this form body? */
static int reference_applies(const char *body, size_t len)
{
    const char *s = body, *end = body + len;

    if (memchr(body, '%', len) || memchr(body, '\0', len)) {
        return 0;
    }
    while (s < end) {
        const char *amp = memchr(s, '&', (size_t)(end - s)), *eq;

        if (!amp) {
            amp = end;
        }
        eq = memchr(s, '=', (size_t)(amp - s));
        if (!(eq && eq - s == 10 && !memcmp(s, "categories", 10))
            && memchr(s, '+', (size_t)(amp - s))) {
            return 0;
        }
        s = amp + 1;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const types[] = {
        "application/x-www-form-urlencoded",
        "application/json",
        "application/x-www-form-urlencoded; charset=UTF-8",
        "application/json; charset=UTF-8"
    };
    apr_pool_t *p = cg_fuzz_pool;
    apr_array_header_t *out, *out2;
    const char *type, *body, *err = "unset";
    size_t len;
    int i, j;

    if (size < 1) {
        return 0;
    }
    type = types[data[0] & 3];
    body = (const char *)data + 1;      /* exactly sized by libFuzzer */
    len = size - 1;

    out = cg_choice_parse(p, type, body, len, known, &err);
    if (out) {
        CG_FUZZ_CHECK(err == NULL, "success with error '%s'",
                      cg_fuzz_show(err));
        for (i = 0; i < out->nelts; ++i) {
            const char *c = APR_ARRAY_IDX(out, i, const char *);

            CG_FUZZ_CHECK(is_known(c), "unknown category '%s'",
                          cg_fuzz_show(c));
            for (j = 0; j < i; ++j) {
                CG_FUZZ_CHECK(strcmp(c, APR_ARRAY_IDX(out, j, const char *)),
                              "'%s' twice", cg_fuzz_show(c));
            }
        }
    }
    else {
        CG_FUZZ_CHECK(err != NULL && *err, "NULL without an error text");
    }

    out2 = cg_choice_parse(p, type, body, len, known, NULL);
    CG_FUZZ_CHECK(!out == !out2 && (!out || cg_fuzz_same_strings(out, out2)),
                  "the answer depends on err (%p, %p)", (void *)out,
                  (void *)out2);

    if (!(data[0] & 1) && reference_applies(body, len)) {
        apr_array_header_t *ref = reference_form(p, body, len);

        CG_FUZZ_CHECK(!ref == !out && (!ref || cg_fuzz_same_strings(ref, out)),
                      "form body: %s from the parser, %s from the reference "
                      "(err '%s')", out ? "a list" : "NULL",
                      ref ? "a list" : "NULL", cg_fuzz_show(err));
    }

    {
        const char *src = NULL, *val = NULL, *merr = NULL;
        int rc = cg_mirror_parse(p, type, body, len, &src, &val, &merr);

        if (rc == 1) {
            size_t n = val ? strlen(val) : 0;

            CG_FUZZ_CHECK(cg_mirror_cookie(src) != NULL, "mirror source '%s'",
                          cg_fuzz_show(src));
            CG_FUZZ_CHECK(n > 0 && n <= CG_SOURCE_MAX_VALUE
                          && strspn(val, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                    "abcdefghijklmnopqrstuvwxyz0123456789"
                                    "-_.!~*'()%") == n,
                          "mirror value '%s'", cg_fuzz_show(val));
        }
        else if (rc == -1) {
            CG_FUZZ_CHECK(merr && *merr, "a bad mirror without an error");
        }
        else {
            CG_FUZZ_CHECK(rc == 0 && !src && !val, "no mirror, yet %d", rc);
        }
    }

    apr_pool_clear(p);
    return 0;
}
