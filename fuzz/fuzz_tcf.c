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
 *     gpp source grants the same purposes;
 *  7. cg_tcf_decode_lean() (what the tcf source reads) fails exactly as
 *     cg_tcf_decode() does, with the same error, and otherwise agrees on
 *     every field it reads: the dates, policy version, purposes, special
 *     features, the consented and disclosed vendors (a sweep of ids) and
 *     the publisher restrictions;
 *  8. the string as a Cookie header carries it (after two other cookies,
 *     and twice: the same value, then another one) reads the same through
 *     cg_source_read_crumbs() as through a table of the header's cookies
 *     and cg_source_read();
 *  9. the mautic preset's map line, "purpose:1+purpose:3+purpose:5",
 *     parsed once (cg_source_query_make()), is granted exactly when the
 *     full decoder's bits grant all three purposes, and refused exactly
 *     when they refuse one of them (neither without a choice);
 * 10. read through a connection's decode cache (cg_tcf_cache_t), first
 *     decoded, then given from the cache to a second reader of another
 *     copy of the bytes after the first reader is gone, the string reads
 *     as invariant 7 says cg_tcf_decode_lean() reads it. */
#include "fuzz_common.h"

#include <apr_strings.h>

#include "fuzz_source_check.h"
#include "cg_cookie.h"
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


static int restriction_count(const cg_tcf_t *tc)
{
    return tc->restrictions ? tc->restrictions->nelts : 0;
}

/* Invariants 7 and 10: a lean reading (`how`) against the full one. */
static void check_lean_decode(const char *how, const cg_tcf_t *tc,
                              const char *err, const cg_tcf_t *leanp,
                              const char *lerr)
{
    const cg_tcf_t lean = *leanp;
    unsigned v, top;
    int i;

    CG_FUZZ_CHECK(!err == !lerr && (!err || !strcmp(err, lerr)),
                  "full: %s, %s: %s", err ? err : "ok", how,
                  lerr ? lerr : "ok");
    if (err) {
        return;
    }
    CG_FUZZ_CHECK(lean.version == tc->version && lean.created == tc->created
                  && lean.last_updated == tc->last_updated
                  && lean.policy_version == tc->policy_version
                  && lean.special_features == tc->special_features
                  && lean.purposes_consent == tc->purposes_consent
                  && lean.has_publisher_tc == tc->has_publisher_tc,
                  "%s: head differs", how);
    CG_FUZZ_CHECK(!lean.vendor_li.present, "%s kept the LI vendors", how);
    CG_FUZZ_CHECK(lean.vendor_consents.max_vendor_id
                  == tc->vendor_consents.max_vendor_id
                  && lean.disclosed.present == tc->disclosed.present
                  && lean.disclosed.max_vendor_id == tc->disclosed.max_vendor_id,
                  "%s: vendor sets differ", how);
    top = tc->vendor_consents.max_vendor_id > tc->disclosed.max_vendor_id
        ? tc->vendor_consents.max_vendor_id : tc->disclosed.max_vendor_id;
    for (v = 0; v <= top + 1 && v <= 4096; ++v) {
        CG_FUZZ_CHECK(cg_tcf_vendor_in(&lean.vendor_consents, v)
                      == cg_tcf_vendor_in(&tc->vendor_consents, v)
                      && cg_tcf_vendor_in(&lean.disclosed, v)
                      == cg_tcf_vendor_in(&tc->disclosed, v),
                      "%s: vendor %u differs", how, v);
    }
    CG_FUZZ_CHECK(restriction_count(&lean) == restriction_count(tc),
                  "%s: %d restrictions, full: %d", how, restriction_count(&lean),
                  restriction_count(tc));
    for (i = 0; i < restriction_count(tc); ++i) {
        const cg_tcf_restriction_t *a = &APR_ARRAY_IDX(lean.restrictions, i,
                                                       cg_tcf_restriction_t);
        const cg_tcf_restriction_t *b = &APR_ARRAY_IDX(tc->restrictions, i,
                                                       cg_tcf_restriction_t);

        CG_FUZZ_CHECK(a->purpose == b->purpose && a->type == b->type
                      && a->start == b->start && a->end == b->end,
                      "%s: restriction %d differs", how, i);
    }
}

static void check_lean(apr_pool_t *p, const char *s, size_t len,
                       const cg_tcf_t *tc, const char *err)
{
    cg_tcf_t lean;
    const char *lerr = cg_tcf_decode_lean(p, s, len, &lean);
    cg_tcf_cache_t *cache = cg_tcf_cache_make(p);
    const cg_tcf_t *first, *again;
    apr_pool_t *q;
    const char *e1, *e2;

    check_lean_decode("lean", tc, err, &lean, lerr);
    /* invariant 10: through a connection's cache, decoded from one copy
     * of the bytes, then given from the cache for another once the first
     * reader and its copy are gone */
    apr_pool_create(&q, p);
    e1 = cg_tcf_decode_lean_cached(q, cache, apr_pmemdup(q, s, len), len,
                                   &first);
    check_lean_decode("cached", tc, err, first, e1);
    e2 = cg_tcf_decode_lean_cached(p, cache, apr_pmemdup(p, s, len), len,
                                   &again);
    apr_pool_destroy(q);
    CG_FUZZ_CHECK(cg_tcf_cache_hits(cache)
                  == (len <= CG_SOURCE_MAX_VALUE ? 1u : 0u),
                  "%lu cache hits", (unsigned long)cg_tcf_cache_hits(cache));
    check_lean_decode("cached again", tc, err, again, e2);
}

/* Invariant 8: the header `header` read both ways. */
static void check_crumbs(apr_pool_t *p, const char *header,
                         const cg_source_opts_t *opts)
{
    const cg_source_t *src = cg_source_find("tcf");
    apr_array_header_t *crumbs = cg_cookie_parse(p, header);
    const cg_crumb_t *c = (const cg_crumb_t *)crumbs->elts;
    apr_table_t *t = NULL;
    cg_source_result_t a, b;
    int i, got;

    memset(&a, 0, sizeof(a));
    got = cg_source_read_crumbs(p, src, crumbs, opts, &a);
    for (i = 0; i < crumbs->nelts; ++i) {
        if (cg_source_wants(src, c[i].name)) {
            if (!t) {
                t = apr_table_make(p, 2);
            }
            apr_table_addn(t, c[i].name, c[i].value);
        }
    }
    CG_FUZZ_CHECK(got == (t != NULL), "crumbs: %d, table: %s", got,
                  t ? "some" : "none");
    if (!got) {
        return;
    }
    cg_source_read(p, src, t, opts, &b);
    cg_fuzz_check_result(&a, opts);
    CG_FUZZ_CHECK(cg_fuzz_same_result(&a, &b) && !a.error == !b.error
                  && (!a.error || !strcmp(a.error, b.error)),
                  "crumbs: %s, table: %s", cg_fuzz_show(a.error),
                  cg_fuzz_show(b.error));
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
        CG_FUZZ_CHECK(restriction_count(&tc) <= CG_TCF_MAX_RESTRICTIONS,
                      "%d restrictions", restriction_count(&tc));
    }

    check_lean(p, s, len, &tc, err);

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

    check_crumbs(p, apr_pstrcat(p, "_ga=GA1.1.1; mtc_id=1; euconsent-v2=", s,
                                NULL), &unlimited);
    check_crumbs(p, apr_pstrcat(p, "euconsent-v2=", s, "; euconsent-v2=", s,
                                NULL), &unlimited);
    check_crumbs(p, apr_pstrcat(p, "euconsent-v2=", s, "; euconsent-v2=",
                                s, "A", NULL), &unlimited);

    {
        const cg_source_query_t *q =
            cg_source_query_make(p, "purpose:1+purpose:3+purpose:5");
        /* the full decoder's bits; no choice, neither */
        int chose = r.explicit_choice && !r.error;
        int all = chose && cg_tcf_purpose(&tc, 1) && cg_tcf_purpose(&tc, 3)
            && cg_tcf_purpose(&tc, 5);
        int any = chose && (!cg_tcf_purpose(&tc, 1) || !cg_tcf_purpose(&tc, 3)
                            || !cg_tcf_purpose(&tc, 5));

        CG_FUZZ_CHECK(cg_source_query_granted(&r, q) == all
                      && cg_source_query_refused(&r, q) == any,
                      "the map line: granted %d refused %d, the bits %d %d",
                      cg_source_query_granted(&r, q),
                      cg_source_query_refused(&r, q), all, any);
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
