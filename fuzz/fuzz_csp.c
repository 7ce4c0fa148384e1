/* fuzz_csp.c: what the module reads of Content-Security-Policy values and
 * of the consent-mode.js query: cg_csp_policy_check(), cg_csp_inline(),
 * cg_csp_self_script() and cg_gcm_from_query().
 *
 * Input layout: NUL-separated fields: a configured policy, up to three
 * response headers, a query string.
 *
 * Invariants (each broken one aborts, i.e. is a finding):
 *  1. A policy the check accepts is printable ASCII without ','.
 *  2. A nonce taken is non-empty base64 (nothing that could leave an HTML
 *     attribute), and only with CG_CSP_INLINE_NONCE.
 *  3. The page's headers judged one by one: the whole is blocked when any
 *     one is, and a nonce the whole asks for is one a header asks for.
 *  4. A query's defaults are only consent types and granted/denied:
 *     nothing but [a-z_{}":,]; the script made of them holds no '<'. */
#include "fuzz_common.h"

#include "cg_csp.h"
#include "cg_gcm.h"

#define FIELDS 5

static void cg_fuzz_setup(apr_pool_t *root)
{
    (void)root;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = cg_fuzz_pool;
    char *f[FIELDS];
    apr_array_header_t *h = apr_array_make(p, 3, sizeof(const char *));
    const char *nonce, *c, *d;
    cg_csp_inline_e all;
    int i, any_blocked = 0, nonce_seen = 0;

    cg_fuzz_fields(data, size, f, FIELDS);
    /* 1 */
    if (f[0] && !cg_csp_policy_check(p, f[0])) {
        for (c = f[0]; *c; ++c) {
            CG_FUZZ_CHECK(*c >= 0x20 && *c < 0x7f && *c != ',',
                          "accepted '%s'", cg_fuzz_show(f[0]));
        }
    }
    for (i = 1; i <= 3; ++i) {
        if (f[i]) {
            APR_ARRAY_PUSH(h, const char *) = f[i];
        }
    }
    /* 2 */
    all = cg_csp_inline(p, h, &nonce);
    CG_FUZZ_CHECK((all == CG_CSP_INLINE_NONCE) == (nonce != NULL),
                  "verdict %d, nonce %s", all, cg_fuzz_show(nonce));
    if (nonce) {
        CG_FUZZ_CHECK(*nonce, "empty nonce");
        for (c = nonce; *c; ++c) {
            CG_FUZZ_CHECK((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')
                          || (*c >= '0' && *c <= '9') || strchr("+/-_=", *c),
                          "nonce '%s'", cg_fuzz_show(nonce));
        }
    }
    /* 3 */
    for (i = 0; i < h->nelts; ++i) {
        apr_array_header_t *one = apr_array_make(p, 1, sizeof(const char *));
        const char *n1;

        APR_ARRAY_PUSH(one, const char *) = APR_ARRAY_IDX(h, i, const char *);
        switch (cg_csp_inline(p, one, &n1)) {
        case CG_CSP_INLINE_BLOCKED:
            any_blocked = 1;
            break;
        case CG_CSP_INLINE_NONCE:
            nonce_seen |= nonce && !strcmp(n1, nonce);
            break;
        default:
            break;
        }
        if (!cg_csp_self_script(one)) {
            CG_FUZZ_CHECK(!cg_csp_self_script(h),
                          "one header blocks this origin's scripts, all "
                          "do not");
        }
    }
    CG_FUZZ_CHECK(!any_blocked || all == CG_CSP_INLINE_BLOCKED,
                  "a header blocks inline scripts, the whole does not");
    CG_FUZZ_CHECK(!nonce || nonce_seen, "nonce '%s' asked by no header",
                  cg_fuzz_show(nonce));
    /* 4 */
    if (f[4] && (d = cg_gcm_from_query(p, f[4]))) {
        for (c = d; *c; ++c) {
            CG_FUZZ_CHECK((*c >= 'a' && *c <= 'z') || strchr("_{}\":,", *c),
                          "defaults '%s'", cg_fuzz_show(d));
        }
        CG_FUZZ_CHECK(!strchr(cg_gcm_script(p, d, nonce), '<')
                      || !strncmp(cg_gcm_script(p, d, nonce), "<script", 7),
                      "script");
    }
    cg_fuzz_free_fields(f, FIELDS);
    apr_pool_clear(p);
    return 0;
}
