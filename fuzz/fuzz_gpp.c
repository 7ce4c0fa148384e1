/* fuzz_gpp.c: cg_gpp_decode() and the gpp source. Input: the __gpp
 * value, optionally a NUL byte and the __gpp_sid value.
 *
 * Invariants (each broken one aborts, i.e. is a finding):
 *  1-3. the result's (fuzz_source_check.h), under max_age 0 and one
 *     year, now = 2026-06-01 00:00:00 UTC;
 *  4. a decoded string has at most CG_GPP_MAX_SECTIONS strictly
 *     ascending ids in 1..255, holds the TCF, US Privacy and US National
 *     sections exactly when their ids are listed, and every US National
 *     field is a 2-bit value (opt-outs never 3);
 *  5. a section left out of __gpp_sid adds nothing: with __gpp_sid
 *     naming no section, nothing is granted. */
#include "fuzz_common.h"

#include "fuzz_source_check.h"
#include "cg_gpp.h"

#define NOW apr_time_from_sec(APR_INT64_C(1780272000))

static void cg_fuzz_setup(apr_pool_t *root)
{
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = cg_fuzz_pool;
    char *f[2];
    cg_gpp_t g;
    const char *err;
    cg_source_opts_t unlimited = {NOW, 0}, year = {NOW, 86400 * 365};
    cg_source_result_t r, y, none;
    apr_table_t *t = apr_table_make(p, 2);
    int i;

    cg_fuzz_fields(data, size, f, 2);
    err = cg_gpp_decode(p, f[0], strlen(f[0]), &g);
    if (!err) {
        const cg_gpp_usnat_t *u = &g.usnat;

        CG_FUZZ_CHECK(g.nsections >= 0 && g.nsections <= CG_GPP_MAX_SECTIONS,
                      "%d sections", g.nsections);
        for (i = 0; i < g.nsections; ++i) {
            CG_FUZZ_CHECK(g.ids[i] >= 1 && g.ids[i] <= 255
                          && (i == 0 || g.ids[i] > g.ids[i - 1]),
                          "section id %d after %d", g.ids[i],
                          i ? g.ids[i - 1] : 0);
        }
        CG_FUZZ_CHECK(g.has_tcf == cg_gpp_has_section(&g, CG_GPP_SECTION_TCFEU)
                      && g.has_usp == cg_gpp_has_section(&g, CG_GPP_SECTION_USP)
                      && g.has_usnat
                         == cg_gpp_has_section(&g, CG_GPP_SECTION_USNAT),
                      "sections decoded and listed differ");
        if (g.has_usnat) {
            CG_FUZZ_CHECK(u->sale_opt_out <= 2 && u->sharing_opt_out <= 2
                          && u->targeted_advertising_opt_out <= 2
                          && u->mspa_service_provider_mode <= 3
                          && (u->version == 1 || u->version == 2)
                          && u->gpc <= 1,
                          "usnat field out of range");
        }
    }

    apr_table_set(t, "__gpp", f[0]);
    if (f[1]) {
        apr_table_set(t, "__gpp_sid", f[1]);
    }
    cg_source_read(p, cg_source_find("gpp"), t, &unlimited, &r);
    cg_fuzz_check_result(&r, &unlimited);
    CG_FUZZ_CHECK(!r.explicit_choice || !err, "a choice from a bad string");
    cg_source_read(p, cg_source_find("gpp"), t, &year, &y);
    cg_fuzz_check_result(&y, &year);
    CG_FUZZ_CHECK(!y.explicit_choice || cg_fuzz_same_result(&r, &y),
                  "max_age changed the grants");

    apr_table_set(t, "__gpp_sid", "250");
    cg_source_read(p, cg_source_find("gpp"), t, &unlimited, &none);
    cg_fuzz_check_result(&none, &unlimited);
    CG_FUZZ_CHECK(none.granted->nelts == 0, "grants from no applicable section");

    cg_fuzz_free_fields(f, 2);
    apr_pool_clear(p);
    return 0;
}
