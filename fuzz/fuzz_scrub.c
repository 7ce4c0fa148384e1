/* fuzz_scrub.c: cg_policy_scrub(), the request-side Cookie scrub the module
 * runs, on the input as a Cookie header. The first byte chooses the
 * policy: the presets (mautic, mattermost, matomo), the opt-out signals
 * sent and honoured, the signal precedence and ConsentUnknownCookies; the
 * consent is read from the header's own mautic_consent pairs by
 * cg_visit_read(), as the gate reads it.
 *
 * Invariants (each broken one aborts, i.e. is a finding):
 *  1. The kept pairs are the input's, in the input's order (a
 *     subsequence, element for element), byte for byte.
 *  2. Every pair whose class is necessary is kept, the consent cookie
 *     among them.
 *  3. Every kept pair's class passes under the decision, and every
 *     removed pair's class does not.
 *  4. Unless the decision is "granted", no pair of a consent category
 *     is kept.
 *  5. All kept gives the header as sent; none kept gives NULL.
 */
#include "fuzz_common.h"

#include "cg_classify.h"
#include "cg_consent.h"
#include "cg_cookie.h"
#include "cg_policy.h"

#define CONSENT_COOKIE "mautic_consent"

/* every combination of the first byte's policy bits */
static cg_policy_t *policies[256];

/* the compiled patterns are freed by the root pool's cleanups, before
 * LeakSanitizer looks (atexit runs the latest registration first) */
static void destroy_root(void)
{
    apr_pool_destroy(cg_fuzz_root);
}

static void cg_fuzz_setup(apr_pool_t *root)
{
    static const char *const presets[] = { "mautic", "mattermost", "matomo" };
    unsigned flags;
    int i;

    atexit(destroy_root);
    for (flags = 0; flags < 256; ++flags) {
        apr_array_header_t *rules = apr_array_make(root, 8, sizeof(cg_rule_t));
        cg_policy_spec_t spec;

        for (i = 0; i < 3; ++i) {
            if (flags & (1 << i)) {
                CG_FUZZ_CHECK(cg_preset_rules(root, presets[i], rules),
                              "preset %s", presets[i]);
            }
        }
        memset(&spec, 0, sizeof(spec));
        spec.cookie_name = CONSENT_COOKIE;
        spec.preset_rules = rules;
        spec.unknown_allowed = !(flags & 0x80);
        spec.signals_honoured = (flags >> 5) & 3;
        spec.precedence = (flags & 0x40) ? CG_PRECEDENCE_CONSENT
                                         : CG_PRECEDENCE_SIGNAL;
        spec.max_age = 15552000;
        policies[flags] = cg_policy_make(root, &spec);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    unsigned flags;
    char *header;
    const cg_policy_t *pol;
    cg_visit_t v;
    const char *kept;
    apr_array_header_t *again;
    const cg_crumb_t *in, *out;
    cg_state_e state;
    int i, j;

    if (size < 1) {
        return 0;
    }
    p = cg_fuzz_pool;
    flags = data[0];
    header = cg_fuzz_cstr(data + 1, size - 1);
    pol = policies[flags];

    cg_visit_read(p, pol, header, (flags & 0x08) ? "1" : NULL,
                  (flags & 0x10) ? "1" : NULL, apr_time_from_sec(1800000000),
                  &v);
    state = cg_policy_decide(pol, &v, 0);
    kept = cg_policy_scrub(p, pol, &v, state);

    in = (const cg_crumb_t *)v.crumbs->elts;
    again = cg_cookie_parse(p, kept);
    out = (const cg_crumb_t *)again->elts;
    for (i = 0, j = 0; i < v.crumbs->nelts; ++i) {
        const cg_class_t *cls = cg_policy_classify(pol, in[i].name, v.matcher,
                                                   NULL);
        int passes = cg_policy_passes(pol, &v, state, cls);
        int is_kept = j < again->nelts && !strcmp(out[j].crumb, in[i].crumb);

        CG_FUZZ_CHECK(is_kept == passes, "pair '%s' %s but its class %s",
                      cg_fuzz_show(in[i].crumb), is_kept ? "kept" : "removed",
                      passes ? "passes" : "does not pass");
        CG_FUZZ_CHECK(cls->kind != CG_CLASS_NECESSARY || is_kept,
                      "necessary pair '%s' removed", cg_fuzz_show(in[i].crumb));
        CG_FUZZ_CHECK(!is_kept || cls->kind != CG_CLASS_CATEGORY
                      || state == CG_STATE_GRANTED,
                      "category pair '%s' kept in state %s",
                      cg_fuzz_show(in[i].crumb), cg_state_name(state));
        j += is_kept;
    }
    CG_FUZZ_CHECK(j == again->nelts, "%d kept pairs are not the input's",
                  again->nelts - j);
    CG_FUZZ_CHECK((j == v.crumbs->nelts) == (kept == header) || !v.crumbs->nelts,
                  "all %d pairs kept but the header was rebuilt", j);
    CG_FUZZ_CHECK(j > 0 || !kept || !v.crumbs->nelts,
                  "no pair kept but a header '%s' remains", cg_fuzz_show(kept));
    apr_pool_clear(p);
    free(header);
    return 0;
}
