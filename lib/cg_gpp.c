/* cg_gpp.c: the IAB GPP string (__gpp, __gpp_sid). Header~Section~...;
 * the header's section ids are a Fibonacci-coded range list, each id an
 * offset from the previous one, so ids only ascend and every code is
 * bounded here by a bit budget. */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "cg_gpp.h"

/* Section ids above this are not defined (the spec's list ends in the
 * twenties); a bigger one is a malformed header. */
#define GPP_MAX_ID 255
/* Fibonacci codes longer than this are malformed (F(20) > GPP_MAX_ID). */
#define GPP_MAX_FIB_BITS 20
/* The US state sections, which this reader does not decode. */
#define GPP_FIRST_STATE 8
#define GPP_LAST_STATE 23

/* A Fibonacci code: bits weighted 1, 2, 3, 5, 8, ... ending in "11";
 * -1 when malformed or too long. */
static long fib_read(cg_bits_t *b)
{
    long f1 = 1, f2 = 2, v = 0;
    int prev = 0, i;

    for (i = 0; i < GPP_MAX_FIB_BITS; ++i) {
        int bit = (int)cg_bits_read(b, 1);
        long next;

        if (b->overrun) {
            return -1;
        }
        if (bit && prev) {
            return v;
        }
        if (bit) {
            v += f1;
        }
        prev = bit;
        next = f1 + f2;
        f1 = f2;
        f2 = next;
    }
    return -1;
}

const char *cg_gpp_decode_header(apr_pool_t *p, const char *s,
                                 apr_size_t len, cg_gpp_t *g)
{
    cg_bits_t b;
    unsigned n, i;
    long last = 0;

    if (!cg_bits_init(p, &b, s, len)) {
        return "header not base64url";
    }
    if (cg_bits_read(&b, 6) != 3 || cg_bits_read(&b, 6) != 1) {
        return "not a GPP v1 header";
    }
    n = (unsigned)cg_bits_read(&b, 12);
    if (b.overrun || n > CG_GPP_MAX_SECTIONS) {
        return "header section count";
    }
    for (i = 0; i < n; ++i) {
        int is_range = (int)cg_bits_read(&b, 1);
        long start = fib_read(&b), end;

        if (start < 1) {
            return "bad section id";
        }
        start += last;
        end = start;
        if (is_range) {
            long more = fib_read(&b);

            if (more < 1) {
                return "bad section range";
            }
            end = start + more;
        }
        if (end > GPP_MAX_ID) {
            return "section id out of range";
        }
        for (last = start; last <= end; ++last) {
            if (g->nsections >= CG_GPP_MAX_SECTIONS) {
                return "too many sections";
            }
            g->ids[g->nsections++] = (int)last;
        }
        last = end;
    }
    return NULL;
}

static const char *decode_usnat(apr_pool_t *p, const char *s, apr_size_t len,
                                cg_gpp_usnat_t *u)
{
    const char *dot = memchr(s, '.', len);
    apr_size_t clen = dot ? (apr_size_t)(dot - s) : len;
    cg_bits_t b;
    int i;

    if (!cg_bits_init(p, &b, s, clen)) {
        return "usnat not base64url";
    }
    u->version = (int)cg_bits_read(&b, 6);
    if (u->version != 1 && u->version != 2) {
        return "usnat version";
    }
    u->sharing_notice = (int)cg_bits_read(&b, 2);
    u->sale_opt_out_notice = (int)cg_bits_read(&b, 2);
    u->sharing_opt_out_notice = (int)cg_bits_read(&b, 2);
    u->targeted_advertising_opt_out_notice = (int)cg_bits_read(&b, 2);
    u->sensitive_data_processing_opt_out_notice = (int)cg_bits_read(&b, 2);
    u->sensitive_data_limit_use_notice = (int)cg_bits_read(&b, 2);
    u->sale_opt_out = (int)cg_bits_read(&b, 2);
    u->sharing_opt_out = (int)cg_bits_read(&b, 2);
    u->targeted_advertising_opt_out = (int)cg_bits_read(&b, 2);
    u->n_sensitive_data_processing = u->version == 1 ? 12 : 16;
    for (i = 0; i < u->n_sensitive_data_processing; ++i) {
        u->sensitive_data_processing[i] = (int)cg_bits_read(&b, 2);
    }
    u->n_known_child_sensitive_data_consents = u->version == 1 ? 2 : 3;
    for (i = 0; i < u->n_known_child_sensitive_data_consents; ++i) {
        u->known_child_sensitive_data_consents[i] = (int)cg_bits_read(&b, 2);
    }
    u->personal_data_consents = (int)cg_bits_read(&b, 2);
    u->mspa_covered_transaction = (int)cg_bits_read(&b, 2);
    u->mspa_opt_out_option_mode = (int)cg_bits_read(&b, 2);
    u->mspa_service_provider_mode = (int)cg_bits_read(&b, 2);
    if (b.overrun) {
        return "usnat too short";
    }
    /* 3 is undefined in every 2-bit field: a value we cannot read right */
    if (u->sale_opt_out == 3 || u->sharing_opt_out == 3
        || u->targeted_advertising_opt_out == 3) {
        return "usnat opt-out value 3";
    }
    if (dot) {
        const char *sub = dot + 1;
        apr_size_t slen = len - clen - 1;

        if (memchr(sub, '.', slen)) {
            return "usnat subsections";
        }
        if (!cg_bits_init(p, &b, sub, slen)) {
            return "usnat gpc not base64url";
        }
        if (cg_bits_read(&b, 2) != 1) {
            return "usnat subsection type";
        }
        u->gpc = (int)cg_bits_read(&b, 1);
        if (b.overrun) {
            return "usnat gpc too short";
        }
        u->gpc_present = 1;
    }
    return NULL;
}

static int usp_char(char c)
{
    return c == 'Y' || c == 'N' || c == '-';
}

const char *cg_gpp_decode(apr_pool_t *p, const char *s, apr_size_t len,
                          cg_gpp_t *g)
{
    const char *err, *sec;
    apr_size_t start;
    int i;

    memset(g, 0, sizeof(*g));
    if (!s || len == 0) {
        return "empty GPP string";
    }
    if (len > CG_SOURCE_MAX_VALUE) {
        return "GPP string too long";
    }
    sec = memchr(s, '~', len);
    start = sec ? (apr_size_t)(sec - s) : len;
    if ((err = cg_gpp_decode_header(p, s, start, g))) {
        return err;
    }
    for (i = 0; i < g->nsections; ++i) {
        const char *tilde;
        apr_size_t end;

        if (start >= len) {
            return "fewer sections than ids";
        }
        ++start;
        tilde = memchr(s + start, '~', len - start);
        end = tilde ? (apr_size_t)(tilde - s) : len;
        if (end == start) {
            return "empty section";
        }
        switch (g->ids[i]) {
        case CG_GPP_SECTION_TCFEU:
            if ((err = cg_tcf_decode(p, s + start, end - start, &g->tcf))) {
                return apr_pstrcat(p, "tcfeuv2: ", err, NULL);
            }
            g->has_tcf = 1;
            break;
        case CG_GPP_SECTION_USP:
            if (end - start != 4 || s[start] != '1'
                || !usp_char(s[start + 1]) || !usp_char(s[start + 2])
                || !usp_char(s[start + 3])) {
                return "uspv1 malformed";
            }
            memcpy(g->usp, s + start, 4);
            g->usp[4] = '\0';
            g->has_usp = 1;
            break;
        case CG_GPP_SECTION_USNAT:
            if ((err = decode_usnat(p, s + start, end - start, &g->usnat))) {
                return err;
            }
            g->has_usnat = 1;
            break;
        default:
            break;
        }
        start = end;
    }
    if (start != len) {
        return "more sections than ids";
    }
    return NULL;
}

int cg_gpp_has_section(const cg_gpp_t *g, int id)
{
    int i;

    for (i = 0; i < g->nsections; ++i) {
        if (g->ids[i] == id) {
            return 1;
        }
    }
    return 0;
}

/* ---- the gpp source */

/* __gpp_sid: "2,7"; the ids into `ids`, their count, or -1 malformed. */
static int parse_sid(const char *s, int *ids)
{
    int n = 0;

    while (*s) {
        int v = 0, d = 0;

        while (apr_isdigit(*s) && d < 4) {
            v = v * 10 + (*s++ - '0');
            ++d;
        }
        if (d == 0 || d > 3 || n >= CG_GPP_MAX_SECTIONS) {
            return -1;
        }
        ids[n++] = v;
        if (*s == ',') {
            if (!*++s) {
                return -1;
            }
        }
        else if (*s) {
            return -1;
        }
    }
    return n;
}

static int applies(const int *sid, int nsid, int id)
{
    int i;

    if (nsid < 0) {
        return 1;
    }
    for (i = 0; i < nsid; ++i) {
        if (sid[i] == id) {
            return 1;
        }
    }
    return 0;
}

/* A US opt-out field: 1 opted out (refused), 2 did not (granted). */
static void us_field(apr_pool_t *p, cg_source_result_t *out, const char *name,
                     int value, int gpc, int may_grant)
{
    if (value == 1 || gpc) {
        cg_source_refuse(p, out, name);
    }
    else if (value == 2 && may_grant) {
        cg_source_grant(p, out, name);
    }
}

void cg_source_read_gpp(apr_pool_t *p, const apr_table_t *cookies,
                        const cg_source_opts_t *opts, cg_source_result_t *out)
{
    const char *raw, *sidv, *err;
    int sid[CG_GPP_MAX_SECTIONS], nsid = -1, i, unread_us = 0, chose = 0;
    int rc = cg_source_cookie(cookies, "__gpp", &raw);
    int rs = cg_source_cookie(cookies, "__gpp_sid", &sidv);
    cg_gpp_t *g;

    if (rc < 0 || rs < 0) {
        cg_source_fail(out, "__gpp: ambiguous or oversized");
        return;
    }
    if (rc == 0) {
        return;
    }
    if (rs == 1) {
        char *v = cg_source_unescape(p, sidv, 0);

        if (!v || (nsid = parse_sid(v, sid)) < 0) {
            cg_source_fail(out, "__gpp_sid: malformed");
            return;
        }
    }
    g = apr_palloc(p, sizeof(*g));
    if ((err = cg_gpp_decode(p, raw, strlen(raw), g))) {
        cg_source_fail(out, apr_pstrcat(p, "__gpp: ", err, NULL));
        return;
    }
    out->gpp = g;
    /* a US state section we cannot read may hold an opt-out: then no US
     * field counts as a grant */
    for (i = 0; i < g->nsections; ++i) {
        if (g->ids[i] >= GPP_FIRST_STATE && g->ids[i] <= GPP_LAST_STATE
            && applies(sid, nsid, g->ids[i])) {
            unread_us = 1;
        }
    }
    if (g->has_tcf && applies(sid, nsid, CG_GPP_SECTION_TCFEU)) {
        cg_tcf_apply(p, &g->tcf, opts, out);
        if (out->error) {
            return;
        }
        chose = 1;
    }
    if (g->has_usnat && applies(sid, nsid, CG_GPP_SECTION_USNAT)) {
        const cg_gpp_usnat_t *u = &g->usnat;
        int gpc = u->gpc_present && u->gpc;

        us_field(p, out, "usnat:sale", u->sale_opt_out, gpc, !unread_us);
        us_field(p, out, "usnat:sharing", u->sharing_opt_out, gpc,
                 !unread_us);
        us_field(p, out, "usnat:targeted_advertising",
                 u->targeted_advertising_opt_out, gpc, !unread_us);
        if (gpc) {
            cg_source_refuse(p, out, "usnat:gpc");
        }
        chose = chose || u->sale_opt_out || u->sharing_opt_out
            || u->targeted_advertising_opt_out || gpc;
    }
    if (g->has_usp && applies(sid, nsid, CG_GPP_SECTION_USP)) {
        us_field(p, out, "usp:sale", g->usp[2] == 'Y' ? 1
                 : g->usp[2] == 'N' ? 2 : 0, 0, !unread_us);
        chose = chose || g->usp[2] != '-';
    }
    if (out->error) {
        return;
    }
    if (!chose) {
        cg_source_fail(out, "__gpp: no applicable section with a choice");
        return;
    }
    out->explicit_choice = 1;
}
