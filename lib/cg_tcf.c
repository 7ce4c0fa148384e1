/* cg_tcf.c: the IAB TCF v2 TC string (euconsent-v2), decoded with a bit
 * reader over the base64url characters, so no segment is copied and no
 * read can leave the string: every field read is checked against the
 * segment's length, every loop is bounded by it. */
#include <string.h>

#include <apr_strings.h>

#include "cg_tcf.h"

/* The spec's cookie life: thirteen 30-day months. */
#define TCF_DEFAULT_MAX_AGE APR_INT64_C(33696000)
/* Purposes and special features TCF 2.2 defines. */
#define TCF_PURPOSES 11
#define TCF_SPECIAL_FEATURES 2

/* base64url (and the standard alphabet's '+' and '/') to 6-bit values;
 * -1 for every other byte */
static const signed char sextets[256] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, 62, -1, 63,
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
    -1,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, 63,
    -1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

/* One pass checks the characters and packs their bits into bytes
 * (big-endian, bit 0 the top bit of byte 0), followed by 8 zero bytes so
 * that every read is one 8-byte load and two shifts. */
int cg_bits_init(apr_pool_t *p, cg_bits_t *b, const char *s, apr_size_t len)
{
    unsigned char *out;
    apr_uint32_t acc = 0;
    unsigned nacc = 0;
    apr_size_t i, o = 0;

    memset(b, 0, sizeof(*b));
    /* padding is not part of the format, but tolerated at the end */
    while (len > 0 && s[len - 1] == '=') {
        --len;
    }
    out = apr_palloc(p, len * 6 / 8 + 1 + 8);
    /* four characters make three bytes */
    for (i = 0; i + 4 <= len; i += 4) {
        int w = sextets[(unsigned char)s[i]], x = sextets[(unsigned char)s[i + 1]];
        int y = sextets[(unsigned char)s[i + 2]], z = sextets[(unsigned char)s[i + 3]];
        apr_uint32_t q;

        if ((w | x | y | z) < 0) {
            return 0;
        }
        q = ((apr_uint32_t)w << 18) | ((apr_uint32_t)x << 12)
            | ((apr_uint32_t)y << 6) | (apr_uint32_t)z;
        out[o] = (unsigned char)(q >> 16);
        out[o + 1] = (unsigned char)(q >> 8);
        out[o + 2] = (unsigned char)q;
        o += 3;
    }
    for (; i < len; ++i) {
        int x = sextets[(unsigned char)s[i]];

        if (x < 0) {
            return 0;
        }
        acc = (acc << 6) | (apr_uint32_t)x;
        nacc += 6;
        if (nacc >= 8) {
            nacc -= 8;
            out[o++] = (unsigned char)(acc >> nacc);
        }
    }
    if (nacc) {
        out[o++] = (unsigned char)(acc << (8 - nacc));
    }
    memset(out + o, 0, 8);
    b->bytes = out;
    b->nbits = len * 6;
    return 1;
}

int cg_bits_at(const cg_bits_t *b, apr_size_t i)
{
    if (i >= b->nbits) {
        return 0;
    }
    return (b->bytes[i >> 3] >> (7 - (i & 7))) & 1;
}

apr_uint64_t cg_bits_read(cg_bits_t *b, unsigned n)
{
    const unsigned char *c;
    apr_uint64_t v;

    if (n == 0 || n > 36 || b->pos > b->nbits || n > b->nbits - b->pos) {
        if (n) {
            b->overrun = 1;
            b->pos = b->nbits;
        }
        return 0;
    }
    /* bits pos..pos+n-1 lie within the 8 bytes from pos / 8 (n + 7 <= 43) */
    c = b->bytes + (b->pos >> 3);
    v = ((apr_uint64_t)c[0] << 56) | ((apr_uint64_t)c[1] << 48)
        | ((apr_uint64_t)c[2] << 40) | ((apr_uint64_t)c[3] << 32)
        | ((apr_uint64_t)c[4] << 24) | ((apr_uint64_t)c[5] << 16)
        | ((apr_uint64_t)c[6] << 8) | (apr_uint64_t)c[7];
    v = (v << (b->pos & 7)) >> (64 - n);
    b->pos += n;
    return v;
}

static void read_letters(cg_bits_t *b, char out[3])
{
    int i;

    for (i = 0; i < 2; ++i) {
        out[i] = (char)('A' + (int)cg_bits_read(b, 6));
    }
    out[2] = '\0';
}

/* NumEntries(12), then IsARange(1) StartOrOnlyVendorId(16)
 * [EndVendorId(16)]; ids 1..max, each range ordered. */
static const char *read_ranges(apr_pool_t *p, cg_bits_t *b, unsigned max,
                               apr_array_header_t **out)
{
    unsigned n = (unsigned)cg_bits_read(b, 12), i;
    apr_array_header_t *a = apr_array_make(p, n ? (int)n : 1,
                                           sizeof(cg_tcf_range_t));

    for (i = 0; i < n && !b->overrun; ++i) {
        /* IsARange and the first id in one read */
        unsigned head = (unsigned)cg_bits_read(b, 17);
        unsigned start = head & 0xffff;
        unsigned end = (head >> 16) ? (unsigned)cg_bits_read(b, 16) : start;
        cg_tcf_range_t *r;

        if (b->overrun) {
            break;
        }
        if (start == 0 || end < start || end > max) {
            return "vendor range out of order or past MaxVendorId";
        }
        /* within the n entries allocated above */
        r = &((cg_tcf_range_t *)a->elts)[a->nelts++];
        r->start = start;
        r->end = end;
    }
    if (b->overrun) {
        return "vendor ranges past the end";
    }
    *out = a;
    return NULL;
}

/* MaxVendorId(16) IsRangeEncoding(1), then a bitfield or ranges. */
static const char *read_vendors(apr_pool_t *p, cg_bits_t *b,
                                cg_tcf_vendors_t *set)
{
    memset(set, 0, sizeof(*set));
    set->max_vendor_id = (unsigned)cg_bits_read(b, 16);
    set->is_range = (int)cg_bits_read(b, 1);
    if (b->overrun) {
        return "vendor section past the end";
    }
    if (set->is_range) {
        const char *err = read_ranges(p, b, set->max_vendor_id, &set->ranges);

        if (err) {
            return err;
        }
    }
    else {
        if (set->max_vendor_id > b->nbits - b->pos) {
            return "vendor bitfield past the end";
        }
        set->bits = *b;
        set->bit0 = b->pos;
        b->pos += set->max_vendor_id;
    }
    set->present = 1;
    return NULL;
}

int cg_tcf_vendor_in(const cg_tcf_vendors_t *set, unsigned v)
{
    int i;

    if (!set->present || v == 0 || v > set->max_vendor_id) {
        return 0;
    }
    if (!set->is_range) {
        return cg_bits_at(&set->bits, set->bit0 + v - 1);
    }
    for (i = 0; i < set->ranges->nelts; ++i) {
        const cg_tcf_range_t *r = &APR_ARRAY_IDX(set->ranges, i,
                                                 cg_tcf_range_t);

        if (v >= r->start && v <= r->end) {
            return 1;
        }
    }
    return 0;
}

static const char *decode_core(apr_pool_t *p, cg_bits_t *b, cg_tcf_t *tc)
{
    const char *err;
    unsigned n, i;

    tc->version = (int)cg_bits_read(b, 6);
    if (tc->version != 2) {
        return "not a TCF v2 string";
    }
    /* deciseconds since the epoch */
    tc->created = (apr_time_t)cg_bits_read(b, 36) * APR_TIME_C(100000);
    tc->last_updated = (apr_time_t)cg_bits_read(b, 36) * APR_TIME_C(100000);
    tc->cmp_id = (int)cg_bits_read(b, 12);
    tc->cmp_version = (int)cg_bits_read(b, 12);
    tc->consent_screen = (int)cg_bits_read(b, 6);
    read_letters(b, tc->consent_language);
    tc->vendor_list_version = (int)cg_bits_read(b, 12);
    tc->policy_version = (int)cg_bits_read(b, 6);
    tc->is_service_specific = (int)cg_bits_read(b, 1);
    tc->use_non_standard_texts = (int)cg_bits_read(b, 1);
    tc->special_features = (apr_uint32_t)cg_bits_read(b, 12);
    tc->purposes_consent = (apr_uint32_t)cg_bits_read(b, 24);
    tc->purposes_li = (apr_uint32_t)cg_bits_read(b, 24);
    tc->purpose_one_treatment = (int)cg_bits_read(b, 1);
    read_letters(b, tc->publisher_cc);
    if (b->overrun) {
        return "core segment too short";
    }
    if ((err = read_vendors(p, b, &tc->vendor_consents))
        || (err = read_vendors(p, b, &tc->vendor_li))) {
        return err;
    }
    /* publisher restrictions: NumPubRestrictions(12), each PurposeId(6)
     * RestrictionType(2) and a range list */
    n = (unsigned)cg_bits_read(b, 12);
    tc->restrictions = apr_array_make(p, 4, sizeof(cg_tcf_restriction_t));
    for (i = 0; i < n && !b->overrun; ++i) {
        int purpose = (int)cg_bits_read(b, 6);
        int type = (int)cg_bits_read(b, 2);
        apr_array_header_t *ranges;
        int j;

        if (b->overrun) {
            break;
        }
        if (type == 3 || purpose == 0) {
            return "undefined publisher restriction";
        }
        if ((err = read_ranges(p, b, 65535, &ranges))) {
            return err;
        }
        for (j = 0; j < ranges->nelts; ++j) {
            const cg_tcf_range_t *r = &APR_ARRAY_IDX(ranges, j,
                                                     cg_tcf_range_t);
            cg_tcf_restriction_t *pr;

            if (tc->restrictions->nelts >= CG_TCF_MAX_RESTRICTIONS) {
                return "too many publisher restrictions";
            }
            pr = apr_array_push(tc->restrictions);
            pr->purpose = purpose;
            pr->type = type;
            pr->start = r->start;
            pr->end = r->end;
        }
    }
    if (b->overrun) {
        return "publisher restrictions past the end";
    }
    return NULL;
}

const char *cg_tcf_decode(apr_pool_t *p, const char *s, apr_size_t len,
                          cg_tcf_t *tc)
{
    apr_size_t start = 0;
    int segment = 0, seen = 0;

    memset(tc, 0, sizeof(*tc));
    if (!s || len == 0) {
        return "empty TC string";
    }
    if (len > CG_SOURCE_MAX_VALUE) {
        return "TC string too long";
    }
    /* one pass over the segments; each is at least one character */
    while (start <= len) {
        const char *dot = memchr(s + start, '.', len - start);
        apr_size_t end = dot ? (apr_size_t)(dot - s) : len;
        cg_bits_t b;

        if (end == start) {
            return "empty segment";
        }
        if (!cg_bits_init(p, &b, s + start, end - start)) {
            return "not base64url";
        }
        if (segment == 0) {
            const char *err = decode_core(p, &b, tc);

            if (err) {
                return err;
            }
        }
        else {
            int type = (int)cg_bits_read(&b, 3);

            if (b.overrun || type < 1 || type > 3) {
                return "unknown segment type";
            }
            if (seen & (1 << type)) {
                return "segment given twice";
            }
            seen |= 1 << type;
            if (type == 1) {
                const char *err = read_vendors(p, &b, &tc->disclosed);

                if (err) {
                    return err;
                }
            }
            else if (type == 3) {
                tc->has_publisher_tc = 1;
            }
            /* type 2 (AllowedVendors) is gone since TCF 2.2: ignored */
        }
        ++segment;
        if (!dot) {
            break;
        }
        start = end + 1;
    }
    return NULL;
}

int cg_tcf_purpose(const cg_tcf_t *tc, int n)
{
    if (n < 1 || n > 24) {
        return 0;
    }
    return (tc->purposes_consent >> (24 - n)) & 1;
}

int cg_tcf_special_feature(const cg_tcf_t *tc, int n)
{
    if (n < 1 || n > 12) {
        return 0;
    }
    return (tc->special_features >> (12 - n)) & 1;
}

int cg_tcf_vendor_purpose(const cg_tcf_t *tc, unsigned v, int n)
{
    int i;

    if (!cg_tcf_purpose(tc, n) || !cg_tcf_vendor_in(&tc->vendor_consents, v)) {
        return 0;
    }
    for (i = 0; tc->restrictions && i < tc->restrictions->nelts; ++i) {
        const cg_tcf_restriction_t *r =
            &APR_ARRAY_IDX(tc->restrictions, i, cg_tcf_restriction_t);

        if (r->purpose == n && v >= r->start && v <= r->end && r->type != 1) {
            return 0;
        }
    }
    return 1;
}

static const char *const purpose_names[TCF_PURPOSES] = {
    "purpose:1", "purpose:2", "purpose:3", "purpose:4", "purpose:5",
    "purpose:6", "purpose:7", "purpose:8", "purpose:9", "purpose:10",
    "purpose:11"
};
static const char *const special_feature_names[TCF_SPECIAL_FEATURES] = {
    "special_feature:1", "special_feature:2"
};

void cg_tcf_apply(apr_pool_t *p, const cg_tcf_t *tc,
                  const cg_source_opts_t *opts, cg_source_result_t *out)
{
    cg_source_opts_t o = *opts;
    int n;

    if (tc->policy_version < 4) {
        cg_source_fail(out, "TCF policy version before 2.2");
        return;
    }
    if (tc->created == 0 || tc->last_updated < tc->created) {
        cg_source_fail(out, "TC string updated before it was created");
        return;
    }
    if (tc->created >= CG_TCF_23_FROM && !tc->disclosed.present) {
        cg_source_fail(out, "TCF 2.3 string without DisclosedVendors");
        return;
    }
    if (o.max_age <= 0) {
        o.max_age = TCF_DEFAULT_MAX_AGE;
    }
    if (!cg_source_check_age(out, tc->last_updated, &o)
        || !cg_source_check_age(out, tc->created, &o)) {
        return;
    }
    out->when = tc->last_updated;
    out->tcf = tc;
    out->explicit_choice = 1;
    /* constant, distinct names: no copy, no duplicate check */
    for (n = 1; n <= TCF_PURPOSES; ++n) {
        cg_source_add_const(out, purpose_names[n - 1], cg_tcf_purpose(tc, n));
    }
    for (n = 1; n <= TCF_SPECIAL_FEATURES; ++n) {
        cg_source_add_const(out, special_feature_names[n - 1],
                            cg_tcf_special_feature(tc, n));
    }
}

/* A decimal number of at most 5 digits (vendor ids are 16 bits); the end
 * of the digits in *end. */
static long small_number(const char *s, const char **end)
{
    long v = 0;
    int digits = 0;

    while (*s >= '0' && *s <= '9' && digits < 6) {
        v = v * 10 + (*s - '0');
        ++s;
        ++digits;
    }
    *end = s;
    return digits == 0 || digits > 5 ? -1 : v;
}

int cg_tcf_answer(const cg_tcf_t *tc, const char *name, int granted)
{
    const char *s;
    long v, n = 0;
    int vendor_refused;

    if (strncmp(name, "vendor:", 7)) {
        return -1;
    }
    v = small_number(name + 7, &s);
    if (v < 1 || v > 65535) {
        return -1;
    }
    if (*s == ':') {
        if (strncmp(s, ":purpose:", 9)) {
            return -1;
        }
        n = small_number(s + 9, &s);
        if (n < 1 || n > 24) {
            return -1;
        }
    }
    if (*s) {
        return -1;
    }
    if (granted) {
        return n ? cg_tcf_vendor_purpose(tc, (unsigned)v, (int)n)
                 : cg_tcf_vendor_in(&tc->vendor_consents, (unsigned)v);
    }
    /* a vendor the CMP never showed was not refused, only not asked */
    vendor_refused = !cg_tcf_vendor_in(&tc->vendor_consents, (unsigned)v)
        && (!tc->disclosed.present
            || cg_tcf_vendor_in(&tc->disclosed, (unsigned)v));
    if (n) {
        return vendor_refused || !cg_tcf_purpose(tc, (int)n);
    }
    return vendor_refused;
}

/* ---- the tcf source: euconsent-v2 */

void cg_source_read_tcf(apr_pool_t *p, const apr_table_t *cookies,
                        const cg_source_opts_t *opts, cg_source_result_t *out)
{
    const char *raw, *err;
    cg_tcf_t *tc;
    int rc = cg_source_cookie(cookies, "euconsent-v2", &raw);

    if (rc < 0) {
        cg_source_fail(out, "euconsent-v2: ambiguous or oversized");
        return;
    }
    if (rc == 0) {
        return;
    }
    tc = apr_palloc(p, sizeof(*tc));
    if ((err = cg_tcf_decode(p, raw, strlen(raw), tc))) {
        cg_source_fail(out, apr_pstrcat(p, "euconsent-v2: ", err, NULL));
        return;
    }
    cg_tcf_apply(p, tc, opts, out);
}
