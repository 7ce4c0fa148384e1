/* fuzz_object.c: the objection to the anonymous count (lib/cg_object.c).
 * The first input byte picks the content type (0: form, 1: JSON, 2:
 * JSON with a charset, 3: none); the rest is both the POST body (with its
 * length, NULs included) and, up to its first NUL, a Cookie header.
 *
 * Invariants:
 *  1. cg_object_choice() answers -1, 0 or 1, the same twice.
 *  2. cg_object_in() answers 0 or 1; 1 only when the header, without its
 *     blanks (names and values are trimmed, as browsers do), holds
 *     "consentgate_object=1". */
#include "fuzz_common.h"

#include "cg_object.h"

static void cg_fuzz_setup(apr_pool_t *root)
{
    (void)root;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const types[] = {
        "application/x-www-form-urlencoded", "application/json",
        "application/json; charset=utf-8", NULL
    };
    apr_pool_t *p = cg_fuzz_pool;
    const char *type;
    char *body, *header, *packed, *o;
    const char *c;
    int a, b, in;

    if (size < 1) {
        return 0;
    }
    type = types[data[0] % 4];
    body = malloc(size - 1 ? size - 1 : 1);
    memcpy(body, data + 1, size - 1);
    a = cg_object_choice(p, type, body, size - 1);
    b = cg_object_choice(p, type, body, size - 1);
    CG_FUZZ_CHECK(a >= -1 && a <= 1, "choice %d", a);
    CG_FUZZ_CHECK(a == b, "choice %d then %d", a, b);
    header = cg_fuzz_cstr(data + 1, size - 1);
    in = cg_object_in(p, header);
    CG_FUZZ_CHECK(in == 0 || in == 1, "cg_object_in %d", in);
    packed = o = malloc(strlen(header) + 1);
    for (c = header; *c; ++c) {
        if (*c != ' ' && *c != '\t') {
            *o++ = *c;
        }
    }
    *o = '\0';
    CG_FUZZ_CHECK(!in || strstr(packed, "consentgate_object=1"),
                  "objection read from '%s'", header);
    free(packed);
    free(header);
    free(body);
    apr_pool_clear(cg_fuzz_pool);
    return 0;
}
