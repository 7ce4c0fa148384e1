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
 *  3. A pair is kept exactly when every name it may be read under
 *     (cg_crumb_every_name), classified on its own (cg_policy_classify),
 *     passes: pairs go whole, and the memo of raw names with the classes
 *     of their forms agrees with classifying each form.
 *  4. Unless the decision is "granted", no pair of a consent category
 *     is kept.
 *  5. All kept gives the header as sent; none kept gives NULL.
 * The same input, read as a query string, goes through
 * cg_policy_scrub_params():
 *  6. The pairs kept are the input's non-empty pairs, in order, byte for
 *     byte; a pair is removed exactly when its name (as PHP reads it) may
 *     not pass.
 * And read as a Set-Cookie line, through cg_policy_judge():
 *  7. The line passes exactly when every name it may be read under
 *     (cg_setcookie_every_name of the parsed line), classified on its
 *     own, passes; a line that does not pass names its cookie.
 * And through the memo of one long connection (cg_visit_memo), which
 * holds the visit of the input before:
 *  8. A visit read through it just after the same header with the other
 *     Sec-GPC, and again (remembered), decides as the fresh read and
 *     scrubs the header to the same bytes.
 */
#include "fuzz_common.h"

#include <apr_strings.h>

#include "cg_classify.h"
#include "cg_consent.h"
#include "cg_cookie.h"
#include "cg_policy.h"
#include "cg_visit_memo.h"

#define CONSENT_COOKIE "mautic_consent"

/* every combination of the first byte's policy bits */
static cg_policy_t *policies[256];

/* the compiled patterns are freed by the root pool's cleanups, before
 * LeakSanitizer looks (atexit runs the latest registration first) */
static void destroy_root(void)
{
    apr_pool_destroy(cg_fuzz_root);
}

static cg_visit_memo_t *memo;      /* of one connection, for the whole run */

static void check_memo(apr_pool_t *p, const cg_policy_t *pol,
                       const char *header, const char *gpc, const char *dnt,
                       apr_time_t now, const cg_visit_t *fresh,
                       cg_state_e state, const char *kept)
{
    int round;
    cg_visit_t primed;

    /* the same header with the other Sec-GPC first: what it read must not
     * be taken for this request's visit */
    cg_visit_memo_read(memo, p, pol, header, gpc ? NULL : "1", dnt, now,
                       &primed);
    for (round = 0; round < 2; ++round) {
        cg_visit_t v;
        int remembered = cg_visit_memo_read(memo, p, pol, header, gpc, dnt,
                                            now, &v);
        const char *scrubbed;
        cg_state_e s = cg_policy_decide(pol, &v, 0);

        CG_FUZZ_CHECK(round == 0 || remembered,
                      "the same request again was read again");
        CG_FUZZ_CHECK(s == state && v.signals_present == fresh->signals_present
                      && v.consent.state == fresh->consent.state,
                      "through the memo (round %d) %s, fresh %s", round,
                      cg_state_name(s), cg_state_name(state));
        CG_FUZZ_CHECK(v.source == fresh->source || (v.source && fresh->source
                                                    && !strcmp(v.source,
                                                               fresh->source)),
                      "through the memo the source is %s, fresh %s",
                      v.source ? v.source : "none",
                      fresh->source ? fresh->source : "none");
        scrubbed = cg_visit_memo_scrub(memo, p, pol, &v, s);
        CG_FUZZ_CHECK(scrubbed == kept || (scrubbed && kept
                                           && !strcmp(scrubbed, kept)),
                      "through the memo the backend gets '%s', fresh '%s'",
                      cg_fuzz_show(scrubbed), cg_fuzz_show(kept));
    }
}

static void cg_fuzz_setup(apr_pool_t *root)
{
    static const char *const presets[] = { "mautic", "mattermost", "matomo" };
    apr_pool_t *conn;
    unsigned flags;
    int i;

    apr_array_header_t *params = apr_array_make(root, 4, sizeof(const char *));
    const char *const *n;

    atexit(destroy_root);
    if (apr_pool_create(&conn, root) != APR_SUCCESS) {
        abort();
    }
    memo = cg_visit_memo_make(conn);
    for (n = cg_preset_scrub_params("mautic"); *n; ++n) {
        APR_ARRAY_PUSH(params, const char *) = *n;
    }
    APR_ARRAY_PUSH(params, const char *) = "visitor";
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
        spec.scrub_params = params;
        policies[flags] = cg_policy_make(root, &spec);
    }
}

static void check_params(apr_pool_t *p, const cg_policy_t *pol, cg_visit_t *v,
                         cg_state_e state, const char *query)
{
    const char *out = cg_policy_scrub_params(p, pol, v, state, query);
    const char *pair = query, *end, *o = out;

    for (;; pair = end + 1) {
        apr_size_t len, name_len;
        const char *eq;
        int passes;

        end = strchr(pair, '&');
        len = end ? (apr_size_t)(end - pair) : strlen(pair);
        eq = memchr(pair, '=', len);
        name_len = eq ? (apr_size_t)(eq - pair) : len;
        passes = cg_policy_param_passes(pol, v, state,
                                        cg_php_name(p, pair, name_len, 1));
        if (len && passes && out != query) {
            CG_FUZZ_CHECK(!strncmp(o, pair, len)
                          && (o[len] == '&' || o[len] == '\0'),
                          "kept pair '%s' not found in order in '%s'",
                          cg_fuzz_show(apr_pstrmemdup(p, pair, len)),
                          cg_fuzz_show(out));
            o += len + (o[len] == '&');
        }
        CG_FUZZ_CHECK(passes || out != query || !len,
                      "pair '%s' may not pass but the query is unchanged",
                      cg_fuzz_show(apr_pstrmemdup(p, pair, len)));
        if (!end) {
            break;
        }
    }
    CG_FUZZ_CHECK(out == query || *o == '\0', "'%s' has more than was kept",
                  cg_fuzz_show(out));
}

/* The reference reading of invariants 3 and 7: each name on its own. */
typedef struct ref_judge {
    const cg_policy_t *pol;
    cg_visit_t *v;
    cg_state_e state;
} ref_judge;

static int ref_name_passes(void *data, const char *name)
{
    ref_judge *r = data;

    return cg_policy_passes(r->pol, r->v, r->state,
                            cg_policy_classify(r->pol, name, r->v->matcher,
                                               NULL));
}

static void check_line(apr_pool_t *p, const cg_policy_t *pol, cg_visit_t *v,
                       cg_state_e state, const char *line)
{
    ref_judge r = { pol, v, state };
    cg_setcookie_t sc;
    cg_judgement_t j;
    int want;

    cg_setcookie_parse_pair(p, line, &sc);
    want = cg_setcookie_every_name(p, &sc, ref_name_passes, &r);
    cg_policy_judge(p, pol, v, state, line, apr_time_from_sec(1800000000),
                    &j);
    CG_FUZZ_CHECK((j.verdict == CG_LINE_PASS) == want,
                  "line '%s' judged %d, its names %s", cg_fuzz_show(line),
                  (int)j.verdict, want ? "pass" : "do not pass");
    CG_FUZZ_CHECK(j.verdict == CG_LINE_PASS
                  || (j.name && j.name_len == strlen(sc.name)
                      && !memcmp(j.name, sc.name, j.name_len)),
                  "line '%s' refused without its name", cg_fuzz_show(line));
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
        /* a pair passes when every name it may be read under passes */
        int passes = cg_policy_crumb_passes(p, pol, &v, state, &in[i]);
        int is_kept = j < again->nelts && !strcmp(out[j].crumb, in[i].crumb);
        ref_judge r = { pol, &v, state };

        CG_FUZZ_CHECK(passes == cg_crumb_every_name(p, &in[i], ref_name_passes,
                                                    &r),
                      "pair '%s': the memo says %d, its names say otherwise",
                      cg_fuzz_show(in[i].crumb), passes);
        CG_FUZZ_CHECK(is_kept == passes, "pair '%s' %s but its class %s",
                      cg_fuzz_show(in[i].crumb), is_kept ? "kept" : "removed",
                      passes ? "passes" : "does not pass");
        CG_FUZZ_CHECK(cls->kind != CG_CLASS_NECESSARY || is_kept
                      || !cg_policy_crumb_passes(p, pol, &v, state, &in[i]),
                      "necessary pair '%s' removed", cg_fuzz_show(in[i].crumb));
        CG_FUZZ_CHECK(!is_kept || cls->kind != CG_CLASS_CATEGORY
                      || state == CG_STATE_GRANTED || !*in[i].name,
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
    check_params(p, pol, &v, state, header);
    check_line(p, pol, &v, state, header);
    check_memo(p, pol, header, (flags & 0x08) ? "1" : NULL,
               (flags & 0x10) ? "1" : NULL, apr_time_from_sec(1800000000), &v,
               state, kept);
    apr_pool_clear(p);
    free(header);
    return 0;
}
