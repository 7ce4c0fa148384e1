/* fuzz_chain.c: the receipt file's hash chain (lib/cg_chain.c). The input
 * is a file's content, cut into lines at '\n'.
 *
 * Invariants (each broken one aborts, i.e. is a finding):
 *  1. cg_chain_verify_line() reads only its line (the lines are copied
 *     into exactly sized buffers) and cg_chain_head() always gives 64
 *     lower-case hex digits.
 *  2. Re-chaining the input's lines that are JSON objects without "prev"
 *     or "hash" (what cg_receipt_line() writes; each wrapped by
 *     cg_chain_line() onto the head of the one before) gives a file that
 *     verifies, line for line.
 *  3. Flipping a bit of such a chained line makes the verifier refuse it,
 *     or (when it no longer looks chained) changes the hash the next line
 *     must cite, so that the next line is refused. */
#include "fuzz_common.h"

#include <apr_strings.h>

#include <jansson.h>

#include "cg_chain.h"

static void cg_fuzz_setup(apr_pool_t *root)
{
    (void)root;
}

static int is_hex64(const char *s)
{
    size_t i;

    for (i = 0; i < 64; ++i) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }
    return s[64] == '\0';
}

/* A JSON object on one line without the chain's own members. */
static int receipt_like(const char *line, size_t len)
{
    json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
                           NULL);
    int ok = json_is_object(o) && !json_object_get(o, "prev")
             && !json_object_get(o, "hash") && line[0] == '{'
             && line[len - 1] == '}';

    json_decref(o);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = cg_fuzz_pool;
    cg_chain_verify_t v, w;
    const char *head = CG_CHAIN_GENESIS;
    const uint8_t *s = data, *end = data + size;
    char *flip = NULL;
    const char *flip_hash = NULL;
    size_t flip_at = 0;

    memset(&v, 0, sizeof(v));
    memset(&w, 0, sizeof(w));
    while (s < end) {
        const uint8_t *nl = memchr(s, '\n', end - s);
        size_t len = (nl ? nl : end) - s;
        char *line = malloc(len + 1);
        const char *h, *chained, *why;

        memcpy(line, s, len);
        line[len] = '\0';
        (void)cg_chain_verify_line(p, &v, line, len);
        h = cg_chain_head(p, line, len);
        CG_FUZZ_CHECK(h && is_hex64(h), "head of '%s'", cg_fuzz_show(line));
        if (len && !memchr(line, '\0', len) && receipt_like(line, len)
            && (chained = cg_chain_line(p, apr_pstrcat(p, line, "\n", NULL),
                                        head))) {
            size_t clen = strlen(chained) - 1;
            char *copy = malloc(clen);

            memcpy(copy, chained, clen);
            why = cg_chain_verify_line(p, &w, copy, clen);
            CG_FUZZ_CHECK(!why, "re-chained '%s': %s", cg_fuzz_show(line),
                          why);
            head = cg_chain_head(p, copy, clen);
            if (!flip && clen > 2) {
                /* keep the first one to damage below */
                flip = copy;
                flip_at = clen;
                flip_hash = head;
            }
            else {
                free(copy);
            }
        }
        free(line);
        s = nl ? nl + 1 : end;
    }
    if (flip) {
        cg_chain_verify_t x;
        size_t at = (size_t)data[0] % flip_at;
        const char *why;

        memset(&x, 0, sizeof(x));
        flip[at] ^= 0x01;
        why = cg_chain_verify_line(p, &x, flip, flip_at);
        /* a line no longer chained-looking is taken as one from before
         * chaining: then what the next line must cite has changed */
        CG_FUZZ_CHECK(why || strcmp(x.head, flip_hash),
                      "a changed byte at %zu goes unseen", at);
        free(flip);
    }
    apr_pool_clear(p);
    return 0;
}
