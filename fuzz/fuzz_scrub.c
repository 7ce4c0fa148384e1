/* fuzz_scrub.c: cg_scrub_crumbs(), the request-side Cookie scrub, on the
 * input as a Cookie header. The first byte chooses the presets (mautic,
 * mattermost, matomo), the opt-out signals sent and honoured, the signal
 * precedence and ConsentUnknownCookies; the consent is read from the
 * header's own mautic_consent crumbs, as the gate reads it.
 *
 * Invariants (each broken one aborts, i.e. is a finding):
 *  1. The kept crumbs are the input's, in the input's order (a
 *     subsequence, element for element).
 *  2. Every crumb all of whose names (cg_crumb_every_name: without
 *     prefixes, PHP's reading, nameless inner names, names after commas)
 *     are necessary is kept, the consent cookie among them.
 *  3. A crumb is kept exactly when the class of every one of its names
 *     passes under the decision: pairs go whole.
 *  4. Unless the decision is "granted", no crumb with a name of a consent
 *     category is kept.
 *  5. The scrubbed header, joined and parsed again, gives the same names
 *     and values: what the backend reads is what was kept. */
#include "fuzz_common.h"

#include "cg_classify.h"
#include "cg_consent.h"
#include "cg_cookie.h"
#include "cg_scrub.h"

#define CONSENT_COOKIE "mautic_consent"

static apr_array_header_t *rules[8];

/* the compiled patterns are freed by the root pool's cleanups, before
 * LeakSanitizer looks (atexit runs the latest registration first) */
static void destroy_root(void)
{
    apr_pool_destroy(cg_fuzz_root);
}

static void cg_fuzz_setup(apr_pool_t *root)
{
    atexit(destroy_root);
    static const char *const presets[] = { "mautic", "mattermost", "matomo" };
    int set, i;

    for (set = 0; set < 8; ++set) {
        rules[set] = apr_array_make(root, 8, sizeof(cg_rule_t));
        for (i = 0; i < 3; ++i) {
            if (set & (1 << i)) {
                CG_FUZZ_CHECK(cg_preset_rules(root, presets[i], rules[set]),
                              "preset %s", presets[i]);
            }
        }
    }
}

typedef struct classify_ctx {
    const apr_array_header_t *rules;
    cg_matcher_t *matcher;
} classify_ctx;

static const cg_class_t *classify(void *data, const char *name)
{
    classify_ctx *ctx = data;
    const cg_class_t *cls;

    if (!strcmp(name, CONSENT_COOKIE)) {
        return &cg_class_necessary;
    }
    cls = cg_rules_match(ctx->rules, name, ctx->matcher);
    return cls ? cls : &cg_class_unknown;
}

/* Walks every name of a crumb, as the scrub does, recording its classes. */
typedef struct walk {
    classify_ctx *ctx;
    cg_state_e state;
    const cg_consent_t *consent;
    int unknown_allowed;
    int passes, all_necessary, category;
} walk;

static int walk_name(void *data, const char *name)
{
    walk *w = data;
    const cg_class_t *cls = classify(w->ctx, name);

    w->all_necessary &= cls->kind == CG_CLASS_NECESSARY;
    w->category |= cls->kind == CG_CLASS_CATEGORY;
    w->passes &= cg_class_passes(cls, w->state, w->consent,
                                 w->unknown_allowed);
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    unsigned flags;
    char *header;
    apr_array_header_t *crumbs, *again;
    const apr_array_header_t *kept;
    const cg_crumb_t *in, *out;
    cg_consent_rules_t consent_rules = { 15552000, 0, 0 };
    cg_consent_t consent;
    classify_ctx ctx;
    cg_state_e state;
    int conflict, unknown_allowed, i, j;

    if (size < 1) {
        return 0;
    }
    p = cg_fuzz_pool;
    flags = data[0];
    header = cg_fuzz_cstr(data + 1, size - 1);
    ctx.rules = rules[flags & 7];
    ctx.matcher = cg_matcher_make(p);
    unknown_allowed = !(flags & 0x80);
    consent_rules.now = apr_time_from_sec(1800000000);

    crumbs = cg_cookie_parse(p, header);
    cg_consent_from_crumbs(p, crumbs, CONSENT_COOKIE, &consent_rules,
                           &consent, &conflict);
    state = cg_decide(&consent, (flags >> 3) & 3, (flags >> 5) & 3,
                      (flags & 0x40) ? CG_PRECEDENCE_CONSENT
                                     : CG_PRECEDENCE_SIGNAL, 0);
    kept = cg_scrub_crumbs(p, crumbs, classify, &ctx, state, &consent,
                           unknown_allowed);

    in = (const cg_crumb_t *)crumbs->elts;
    out = (const cg_crumb_t *)kept->elts;
    for (i = 0, j = 0; i < crumbs->nelts; ++i) {
        walk w = { &ctx, state, &consent, unknown_allowed, 1, 1, 0 };
        int is_kept = j < kept->nelts && out[j].crumb == in[i].crumb;

        cg_crumb_every_name(p, &in[i], walk_name, &w);
        CG_FUZZ_CHECK(is_kept == w.passes, "crumb '%s' %s but its names %s",
                      cg_fuzz_show(in[i].crumb), is_kept ? "kept" : "removed",
                      w.passes ? "pass" : "do not all pass");
        CG_FUZZ_CHECK(!w.all_necessary || is_kept,
                      "necessary crumb '%s' removed", cg_fuzz_show(in[i].crumb));
        CG_FUZZ_CHECK(!is_kept || !w.category || state == CG_STATE_GRANTED,
                      "category crumb '%s' kept in state %s",
                      cg_fuzz_show(in[i].crumb), cg_state_name(state));
        j += is_kept;
    }
    CG_FUZZ_CHECK(j == kept->nelts, "%d kept crumbs are not the input's",
                  kept->nelts - j);

    again = cg_cookie_parse(p, cg_cookie_join(p, kept));
    CG_FUZZ_CHECK(again->nelts == kept->nelts, "%d crumbs kept, %d read back",
                  kept->nelts, again->nelts);
    for (i = 0; i < kept->nelts; ++i) {
        const cg_crumb_t *a = &APR_ARRAY_IDX(again, i, cg_crumb_t);
        CG_FUZZ_CHECK(!strcmp(a->name, out[i].name)
                      && !strcmp(a->value, out[i].value),
                      "crumb '%s' read back as '%s'",
                      cg_fuzz_show(out[i].crumb), cg_fuzz_show(a->crumb));
    }
    apr_pool_clear(p);
    free(header);
    return 0;
}
