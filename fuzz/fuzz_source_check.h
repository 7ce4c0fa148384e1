/* fuzz_source_check.h: the invariants every consent source's result
 * keeps, whatever the cookies (fuzz_source, fuzz_tcf, fuzz_gpp):
 *  1. no explicit choice (or an error) means nothing granted, nothing
 *     refused, no decoded TC or GPP string kept, and cg_source_granted()
 *     answers no to every name;
 *  2. at most CG_SOURCE_MAX_CATEGORIES strings each, every one 1 to
 *     CG_SOURCE_MAX_NAME bytes long, none twice, none both granted and
 *     refused, and cg_source_granted() / cg_source_refused() agree;
 *  3. a dated grant is no later than now + CG_SOURCE_SKEW and, under a
 *     max_age, no older than it;
 *  4. conjunctions: two granted names joined by '+' are granted, a
 *     granted and a refused one are refused and not granted (names
 *     without '+' of their own);
 *  5. a result that keeps a TC string lists no name with a '+' (so
 *     cg_source_granted() need not look a conjunction up whole), and
 *     answers each listed name from the string's bits as its list does. */
#ifndef CG_FUZZ_SOURCE_CHECK_H
#define CG_FUZZ_SOURCE_CHECK_H

#include "cg_source.h"
#include "cg_tcf.h"

static void cg_fuzz_check_result(const cg_source_result_t *r,
                                 const cg_source_opts_t *opts)
{
    int i, j;

    CG_FUZZ_CHECK(r->granted && r->refused, "%s: no arrays", r->source);
    if (r->error || !r->explicit_choice) {
        CG_FUZZ_CHECK(!r->explicit_choice && r->granted->nelts == 0
                      && r->refused->nelts == 0 && !r->tcf && !r->gpp,
                      "%s: no choice (%s) but %d granted, %d refused",
                      r->source, cg_fuzz_show(r->error), r->granted->nelts,
                      r->refused->nelts);
        CG_FUZZ_CHECK(!cg_source_granted(r, "purpose:1")
                      && !cg_source_granted(r, "vendor:755:purpose:1")
                      && !cg_source_granted(r, "marketing"),
                      "%s: grants without a choice", r->source);
        return;
    }
    for (i = 0; r->tcf && i < r->granted->nelts + r->refused->nelts; ++i) {
        int granted = i < r->granted->nelts;
        const char *s = granted
            ? APR_ARRAY_IDX(r->granted, i, const char *)
            : APR_ARRAY_IDX(r->refused, i - r->granted->nelts, const char *);
        cg_tcf_name_t nm;

        CG_FUZZ_CHECK(!strchr(s, '+'), "%s: '%s' listed with a TC string",
                      r->source, cg_fuzz_show(s));
        if (cg_tcf_parse_name(s, &nm)) {
            CG_FUZZ_CHECK(cg_tcf_answer_name(r->tcf, &nm, granted) == 1
                          && cg_tcf_answer_name(r->tcf, &nm, !granted) == 0,
                          "%s: '%s' listed %s, the bits disagree", r->source,
                          cg_fuzz_show(s), granted ? "granted" : "refused");
        }
    }
    CG_FUZZ_CHECK(r->granted->nelts <= CG_SOURCE_MAX_CATEGORIES
                  && r->refused->nelts <= CG_SOURCE_MAX_CATEGORIES,
                  "%s: %d granted, %d refused", r->source, r->granted->nelts,
                  r->refused->nelts);
    for (i = 0; i < r->granted->nelts + r->refused->nelts; ++i) {
        int granted = i < r->granted->nelts;
        const char *s = granted
            ? APR_ARRAY_IDX(r->granted, i, const char *)
            : APR_ARRAY_IDX(r->refused, i - r->granted->nelts, const char *);
        size_t len = s ? strlen(s) : 0;

        CG_FUZZ_CHECK(len >= 1 && len <= CG_SOURCE_MAX_NAME,
                      "%s: category of %zu bytes", r->source, len);
        CG_FUZZ_CHECK(granted ? cg_source_granted(r, s)
                              : cg_source_refused(r, s),
                      "%s: '%s' listed but not answered", r->source,
                      cg_fuzz_show(s));
        CG_FUZZ_CHECK(!(cg_source_granted(r, s) && cg_source_refused(r, s)),
                      "%s: '%s' granted and refused", r->source,
                      cg_fuzz_show(s));
        for (j = 0; j < i; ++j) {
            const char *t = j < r->granted->nelts
                ? APR_ARRAY_IDX(r->granted, j, const char *)
                : APR_ARRAY_IDX(r->refused, j - r->granted->nelts,
                                const char *);

            CG_FUZZ_CHECK(strcmp(s, t), "%s: '%s' twice", r->source,
                          cg_fuzz_show(s));
        }
    }
    if (r->granted->nelts >= 1) {
        const char *g0 = APR_ARRAY_IDX(r->granted, 0, const char *);
        const char *g1 = APR_ARRAY_IDX(r->granted, r->granted->nelts - 1,
                                       const char *);
        char both[2 * CG_SOURCE_MAX_NAME + 2];

        if (!strchr(g0, '+') && !strchr(g1, '+')) {
            snprintf(both, sizeof(both), "%s+%s", g0, g1);
            CG_FUZZ_CHECK(cg_source_granted(r, both), "%s: '%s' not granted",
                          r->source, cg_fuzz_show(both));
        }
        if (r->refused->nelts >= 1) {
            const char *r0 = APR_ARRAY_IDX(r->refused, 0, const char *);

            if (!strchr(g0, '+') && !strchr(r0, '+')) {
                snprintf(both, sizeof(both), "%s+%s", g0, r0);
                CG_FUZZ_CHECK(!cg_source_granted(r, both)
                              && cg_source_refused(r, both),
                              "%s: '%s' granted or not refused", r->source,
                              cg_fuzz_show(both));
            }
        }
    }
    if (r->when && r->granted->nelts) {
        CG_FUZZ_CHECK(r->when <= opts->now + CG_SOURCE_SKEW,
                      "%s: grant from the future", r->source);
        CG_FUZZ_CHECK(opts->max_age <= 0
                      || opts->now - r->when
                         <= apr_time_from_sec(opts->max_age),
                      "%s: grant older than max_age", r->source);
    }
}

/* Two results hold the same grants and refusals. */
static int cg_fuzz_same_result(const cg_source_result_t *a,
                               const cg_source_result_t *b)
{
    /* a TC string's purposes and vendors are in its bits, not the lists */
    return a->explicit_choice == b->explicit_choice
        && cg_fuzz_same_strings(a->granted, b->granted)
        && cg_fuzz_same_strings(a->refused, b->refused)
        && !a->tcf == !b->tcf
        && (!a->tcf
            || (a->tcf->purposes_consent == b->tcf->purposes_consent
                && a->tcf->special_features == b->tcf->special_features
                && a->tcf->vendor_consents.max_vendor_id
                   == b->tcf->vendor_consents.max_vendor_id
                && a->tcf->disclosed.present == b->tcf->disclosed.present));
}

#endif /* CG_FUZZ_SOURCE_CHECK_H */
