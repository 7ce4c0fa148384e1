/* fuzz_mask.c: cg_mask_forwarded_for() on a client's X-Forwarded-For, and
 * cg_mask_parse() on the same bytes split into words. The first two bytes
 * pick the widths (v4_bits = byte 0 % 33, v6_bits = byte 1 % 129, the
 * ranges ConsentMaskAddress allows); the rest, up to a NUL, is the list.
 *
 * Invariants (each broken one aborts, i.e. is a finding):
 *  1. The result is NULL exactly when the list has no element (only
 *     spaces, tabs and commas).
 *  2. It has one element per non-empty element of the list, joined by
 *     ", "; each is "unknown" or an address (inet_pton) that masking
 *     again with the same widths leaves unchanged: nothing of the host
 *     part survives.
 *  3. Masking the result again gives it back unchanged.
 *  4. cg_mask_parse() either fails with a message or gives a place among
 *     CG_MASK_LOGS | CG_MASK_BACKEND and widths within 0-32 and 0-128. */
#include "fuzz_common.h"

#include <arpa/inet.h>

#include <apr_strings.h>

#include "cg_mask.h"

static void cg_fuzz_setup(apr_pool_t *root)
{
    CG_FUZZ_CHECK(!cg_mask_forwarded_for(root, NULL, 16, 80), "NULL list");
}

static int elements_in(const char *list)
{
    int n = 0, in = 0;

    for (; *list; ++list) {
        if (*list == ',') {
            in = 0;
        }
        else if (*list != ' ' && *list != '\t' && !in) {
            in = 1;
            ++n;
        }
    }
    return n;
}

static void check_list(apr_pool_t *p, const char *list, int v4, int v6)
{
    const char *m = cg_mask_forwarded_for(p, list, v4, v6);
    const char *again;
    char *copy, *e, *last;
    int n = 0, want = elements_in(list);

    CG_FUZZ_CHECK((m == NULL) == (want == 0), "'%s' gave '%s'",
                  cg_fuzz_show(list), cg_fuzz_show(m));
    if (!m) {
        return;
    }
    copy = apr_pstrdup(p, m);
    for (e = apr_strtok(copy, ",", &last); e; e = apr_strtok(NULL, ",", &last)) {
        unsigned char a[16];
        const char *re;

        if (n) {
            CG_FUZZ_CHECK(*e == ' ', "'%s': no ', ' in '%s'",
                          cg_fuzz_show(list), cg_fuzz_show(m));
            ++e;
        }
        ++n;
        if (!strcmp(e, "unknown")) {
            continue;
        }
        CG_FUZZ_CHECK(inet_pton(AF_INET, e, a) == 1
                      || inet_pton(AF_INET6, e, a) == 1,
                      "'%s' gave the element '%s'", cg_fuzz_show(list),
                      cg_fuzz_show(e));
        re = cg_mask_ip_bits(p, e, v4, v6);
        CG_FUZZ_CHECK(re && !strcmp(re, e), "'%s': '%s' is not masked (%d, %d)",
                      cg_fuzz_show(list), cg_fuzz_show(e), v4, v6);
    }
    CG_FUZZ_CHECK(n == want, "'%s' has %d elements, '%s' %d",
                  cg_fuzz_show(list), want, cg_fuzz_show(m), n);
    again = cg_mask_forwarded_for(p, m, v4, v6);
    CG_FUZZ_CHECK(again && !strcmp(again, m), "masking '%s' again gave '%s'",
                  cg_fuzz_show(m), cg_fuzz_show(again));
}

static void check_parse(apr_pool_t *p, const char *line)
{
    char *words[8], *last, *w;
    int n = 0;
    cg_mask_t mask;
    const char *err;

    for (w = apr_strtok(apr_pstrdup(p, line), " ,", &last); w && n < 8;
         w = apr_strtok(NULL, " ,", &last)) {
        words[n++] = w;
    }
    err = cg_mask_parse(p, n, words, &mask);
    if (err) {
        CG_FUZZ_CHECK(*err, "'%s': an empty message", cg_fuzz_show(line));
        return;
    }
    CG_FUZZ_CHECK(!(mask.where & ~(CG_MASK_LOGS | CG_MASK_BACKEND))
                  && mask.v4_bits >= 0 && mask.v4_bits <= 32
                  && mask.v6_bits >= 0 && mask.v6_bits <= 128,
                  "'%s' gave %d, %d, %d", cg_fuzz_show(line), mask.where,
                  mask.v4_bits, mask.v6_bits);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = cg_fuzz_pool;
    char *list;

    if (size < 2) {
        return 0;
    }
    list = cg_fuzz_cstr(data + 2, size - 2);
    check_list(p, list, data[0] % 33, data[1] % 129);
    check_parse(p, list);
    apr_pool_clear(p);
    free(list);
    return 0;
}
