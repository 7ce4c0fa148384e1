/* fuzz_tcf.c: cg_tcf_decode() and the tcf source on the input as a TC
 * string (up to its first NUL byte).
 *
 * Invariants (each broken one aborts, i.e. is a finding):
 *  1-3. the result's (fuzz_source_check.h), under max_age 0 and one
 *     year, now = 2026-06-01 00:00:00 UTC;
 *  4. a decoded string has version 2, a vendor set whose ranges are
 *     ordered and within MaxVendorId, at most CG_TCF_MAX_RESTRICTIONS
 *     restrictions, and no vendor past MaxVendorId in any set;
 *  5. the result agrees with the decoded string: "purpose:N" granted
 *     exactly when the purpose bit is set; "vendor:V:purpose:N" granted
 *     only when "vendor:V" and "purpose:N" are; no vendor both granted
 *     and refused;
 *  6. the same string as the EU TCF section of a GPP string
 *     ("DBABMA~" + it) decodes exactly when it decodes alone, and the
 *     gpp source grants the same purposes. */
#include "fuzz_common.h"

#include <apr_strings.h>

#include "fuzz_source_check.h"
#include "cg_gpp.h"
#include "cg_tcf.h"

#define NOW apr_time_from_sec(APR_INT64_C(1780272000))

static void cg_fuzz_setup(apr_pool_t *root)
{
}

static void check_set(const cg_tcf_vendors_t *set, const char *what)
{
    int i;

    if (!set->present) {
        return;
    }
    CG_FUZZ_CHECK(!cg_tcf_vendor_in(set, set->max_vendor_id + 1)
                  && !cg_tcf_vendor_in(set, 0),
                  "%s: a vendor past MaxVendorId %u", what,
                  set->max_vendor_id);
    if (set->is_range) {
        for (i = 0; i < set->ranges->nelts; ++i) {
            const cg_tcf_range_t *r = &APR_ARRAY_IDX(set->ranges, i,
                                                     cg_tcf_range_t);

            CG_FUZZ_CHECK(r->start >= 1 && r->start <= r->end
                          && r->end <= set->max_vendor_id,
                          "%s: range %u-%u of %u", what, r->start, r->end,
                          set->max_vendor_id);
            CG_FUZZ_CHECK(cg_tcf_vendor_in(set, r->start)
                          && cg_tcf_vendor_in(set, r->end),
                          "%s: range %u-%u not in the set", what, r->start,
                          r->end);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = cg_fuzz_pool;
    char *s = cg_fuzz_cstr(data, size);
    size_t len = strlen(s);
    cg_tcf_t tc;
    const char *err = cg_tcf_decode(p, s, len, &tc);
    cg_source_opts_t unlimited = {NOW, 0}, year = {NOW, 86400 * 365};
    cg_source_result_t r, y, g;
    apr_table_t *t = apr_table_make(p, 2);
    unsigned v;
    int n;

    if (!err) {
        CG_FUZZ_CHECK(tc.version == 2, "version %d", tc.version);
        check_set(&tc.vendor_consents, "consents");
        check_set(&tc.vendor_li, "LI");
        check_set(&tc.disclosed, "disclosed");
        CG_FUZZ_CHECK(tc.restrictions->nelts <= CG_TCF_MAX_RESTRICTIONS,
                      "%d restrictions", tc.restrictions->nelts);
    }

    apr_table_set(t, "euconsent-v2", s);
    cg_source_read(p, cg_source_find("tcf"), t, &unlimited, &r);
    cg_fuzz_check_result(&r, &unlimited);
    cg_source_read(p, cg_source_find("tcf"), t, &year, &y);
    cg_fuzz_check_result(&y, &year);
    CG_FUZZ_CHECK(!y.explicit_choice || cg_fuzz_same_result(&r, &y),
                  "max_age changed the grants");
    CG_FUZZ_CHECK(!r.explicit_choice || !err, "a choice from '%s' (%s)",
                  cg_fuzz_show(s), err);
    if (r.explicit_choice) {
        for (n = 1; n <= 11; ++n) {
            char name[16];

            snprintf(name, sizeof(name), "purpose:%d", n);
            CG_FUZZ_CHECK(cg_source_granted(&r, name) == cg_tcf_purpose(&tc, n),
                          "%s disagrees with the bit", name);
        }
        /* a bounded sweep over the vendor ids the string can name */
        for (v = 1; v <= tc.vendor_consents.max_vendor_id + 1 && v <= 2048;
             ++v) {
            char vn[32], vp[48];

            snprintf(vn, sizeof(vn), "vendor:%u", v);
            snprintf(vp, sizeof(vp), "vendor:%u:purpose:%d", v, 1 + (int)(v % 11));
            CG_FUZZ_CHECK(!(cg_source_granted(&r, vn)
                            && cg_source_refused(&r, vn)),
                          "%s granted and refused", vn);
            CG_FUZZ_CHECK(!cg_source_granted(&r, vp)
                          || (cg_source_granted(&r, vn)
                              && cg_tcf_purpose(&tc, 1 + (int)(v % 11))),
                          "%s granted alone", vp);
            CG_FUZZ_CHECK(!(cg_source_granted(&r, vp)
                            && cg_source_refused(&r, vp)),
                          "%s granted and refused", vp);
        }
    }

    /* the same string inside a GPP string */
    if (!memchr(s, '~', len)) {
        const char *gs = apr_pstrcat(p, "DBABMA~", s, NULL);
        cg_gpp_t gpp;
        const char *gerr = cg_gpp_decode(p, gs, strlen(gs), &gpp);

        CG_FUZZ_CHECK(!gerr == !err || len == 0
                      || strlen(gs) > CG_SOURCE_MAX_VALUE,
                      "alone: %s, in GPP: %s", err ? err : "ok",
                      gerr ? gerr : "ok");
        apr_table_clear(t);
        apr_table_set(t, "__gpp", gs);
        cg_source_read(p, cg_source_find("gpp"), t, &unlimited, &g);
        cg_fuzz_check_result(&g, &unlimited);
        CG_FUZZ_CHECK(g.explicit_choice == r.explicit_choice
                      || strlen(gs) > CG_SOURCE_MAX_VALUE,
                      "choice %d alone, %d in GPP", r.explicit_choice,
                      g.explicit_choice);
        if (g.explicit_choice) {
            CG_FUZZ_CHECK(cg_fuzz_same_result(&r, &g),
                          "grants differ inside GPP");
        }
    }

    apr_pool_clear(p);
    free(s);
    return 0;
}
