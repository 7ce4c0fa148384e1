/* cg_tcf.c: the IAB TCF v2 TC string (euconsent-v2), decoded with a bit
 * reader over the base64url characters, so no segment is copied and no
 * read can leave the string: every field read is checked against the
 * segment's length, every loop is bounded by it. */
#include <string.h>

#include <apr_strings.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "cg_slot.h"
#include "cg_tcf.h"

/* The spec's cookie life: thirteen 30-day months. */
#define TCF_DEFAULT_MAX_AGE APR_INT64_C(33696000)
/* Version to PublisherCC: the core segment's fixed fields */
#define CORE_HEAD_BITS 213
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

/* Whether the `len` characters at `s` are all in the alphabet, 32 or 16
 * at a time where the CPU can (each class of characters a range or a
 * single byte: letters case folded, '/' and the digits, '+', '-', '_'),
 * the last block overlapping the one before it. A TC string is checked
 * whole, so this is most of what reading one costs. */
#if defined(__GNUC__) && defined(__x86_64__)
#define CG_TCF_AVX2 1
#include <immintrin.h>

__attribute__((target("avx2")))
static int alphabet_only_avx2(const char *s, apr_size_t len)
{
    const __m256i fold = _mm256_set1_epi8(0x20);
    /* x + (0x80 - lo) < -128 + width (signed): lo <= x < lo + width */
    const __m256i to_a = _mm256_set1_epi8((char)(0x80 - 'a'));
    const __m256i letters = _mm256_set1_epi8(-128 + 26);
    const __m256i to_slash = _mm256_set1_epi8((char)(0x80 - '/'));
    const __m256i digits = _mm256_set1_epi8(-128 + 11);
    const __m256i plus = _mm256_set1_epi8('+'), minus = _mm256_set1_epi8('-');
    const __m256i under = _mm256_set1_epi8('_');
    __m256i ok = _mm256_set1_epi8(-1);
    apr_size_t i = 0;

    for (;;) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(s + i));
        __m256i in = _mm256_or_si256(
            _mm256_cmpgt_epi8(letters, _mm256_add_epi8(
                _mm256_or_si256(v, fold), to_a)),
            _mm256_cmpgt_epi8(digits, _mm256_add_epi8(v, to_slash)));

        in = _mm256_or_si256(in, _mm256_or_si256(
            _mm256_or_si256(_mm256_cmpeq_epi8(v, plus),
                            _mm256_cmpeq_epi8(v, minus)),
            _mm256_cmpeq_epi8(v, under)));
        ok = _mm256_and_si256(ok, in);
        if (i + 32 == len) {
            break;
        }
        i = i + 64 <= len ? i + 32 : len - 32;
    }
    return _mm256_movemask_epi8(ok) == -1;
}

/* The whole TC string in one pass, for cg_tcf_decode_lean(): every
 * character in the alphabet or a '.', and where the dots are (at most
 * PRESCAN_DOTS). Each byte's class from its two nibbles (a table lookup
 * each, AND-ed: 0 outside the alphabet, 0x20 for '.'), 32 at a time; the
 * last block overlaps the one before, its bytes already seen masked off
 * for the dots. -1 when anything else is there (padding, a stray byte,
 * too many segments): then the segments are read one by one. */
#define PRESCAN_DOTS 8

/* The classes of 32 bytes: bit 0 "+-/", 1 digits, 2 "A-O" "a-o", 3
 * "P-Z" "p-z", 4 '_', 5 '.'; a byte from 0x80 on has its top bit set,
 * which pshufb turns into 0. */
__attribute__((target("avx2")))
static APR_INLINE __m256i classes_avx2(const char *s)
{
    const __m256i by_low = _mm256_setr_epi8(
        0x0a, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e,
        0x0e, 0x0e, 0x0c, 0x05, 0x04, 0x05, 0x24, 0x15,
        0x0a, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e,
        0x0e, 0x0e, 0x0c, 0x05, 0x04, 0x05, 0x24, 0x15);
    const __m256i by_high = _mm256_setr_epi8(
        0, 0, 0x21, 0x02, 0x04, 0x18, 0x04, 0x08, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0x21, 0x02, 0x04, 0x18, 0x04, 0x08, 0, 0, 0, 0, 0, 0, 0, 0);
    __m256i v = _mm256_loadu_si256((const __m256i *)s);

    return _mm256_and_si256(_mm256_shuffle_epi8(by_low, v),
                            _mm256_shuffle_epi8(by_high, _mm256_and_si256(
                                _mm256_srli_epi16(v, 4),
                                _mm256_set1_epi8(0x0f))));
}

/* Adds the dots that `m` marks in the block at `at` to dots[]; 0 when
 * there are too many. */
static int add_dots(unsigned m, apr_size_t at, apr_size_t *dots, int *n)
{
    while (m) {
        if (*n == PRESCAN_DOTS) {
            return 0;
        }
        dots[(*n)++] = at + (apr_size_t)__builtin_ctz(m);
        m &= m - 1;
    }
    return 1;
}

__attribute__((target("avx2")))
static int prescan_avx2(const char *s, apr_size_t len,
                        apr_size_t dots[PRESCAN_DOTS])
{
    const __m256i zero = _mm256_setzero_si256(), dot = _mm256_set1_epi8(0x20);
    __m256i bad = zero, cls;
    apr_size_t i;
    unsigned m;
    int n = 0;

    for (i = 0; i + 32 <= len; i += 32) {
        cls = classes_avx2(s + i);
        bad = _mm256_or_si256(bad, _mm256_cmpeq_epi8(cls, zero));
        m = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(cls, dot));
        if (m && !add_dots(m, i, dots, &n)) {
            return -1;
        }
    }
    if (i < len) {
        /* the last 32 bytes; those before i were seen already */
        cls = classes_avx2(s + len - 32);
        bad = _mm256_or_si256(bad, _mm256_cmpeq_epi8(cls, zero));
        m = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(cls, dot));
        m &= ~0u << (i - (len - 32));
        if (m && !add_dots(m, len - 32, dots, &n)) {
            return -1;
        }
    }
    return _mm256_movemask_epi8(bad) ? -1 : n;
}

#endif /* CG_TCF_AVX2 */

static int alphabet_only(const char *s, apr_size_t len)
{
    apr_size_t i = 0;
    int bad = 0;

#if defined(CG_TCF_AVX2)
    if (len >= 32 && __builtin_cpu_supports("avx2")) {
        return alphabet_only_avx2(s, len);
    }
#endif
#if defined(__SSE2__)
    if (len >= 16) {
        const __m128i fold = _mm_set1_epi8(0x20);
        const __m128i to_a = _mm_set1_epi8((char)(0x80 - 'a'));
        const __m128i letters = _mm_set1_epi8(-128 + 26);
        const __m128i to_slash = _mm_set1_epi8((char)(0x80 - '/'));
        const __m128i digits = _mm_set1_epi8(-128 + 11);
        const __m128i plus = _mm_set1_epi8('+'), minus = _mm_set1_epi8('-');
        const __m128i under = _mm_set1_epi8('_');
        __m128i ok = _mm_set1_epi8(-1);

        for (;;) {
            __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
            __m128i in = _mm_or_si128(
                _mm_cmplt_epi8(_mm_add_epi8(_mm_or_si128(v, fold), to_a),
                               letters),
                _mm_cmplt_epi8(_mm_add_epi8(v, to_slash), digits));

            in = _mm_or_si128(in, _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(v, plus), _mm_cmpeq_epi8(v, minus)),
                _mm_cmpeq_epi8(v, under)));
            ok = _mm_and_si128(ok, in);
            if (i + 16 == len) {
                break;
            }
            i = i + 32 <= len ? i + 16 : len - 16;
        }
        return _mm_movemask_epi8(ok) == 0xffff;
    }
#endif
    for (; i < len; ++i) {
        bad |= sextets[(unsigned char)s[i]];
    }
    return bad >= 0;
}

/* The characters are checked once; no bit is unpacked until it is read,
 * so a vendor bitfield that is skipped costs nothing. */
int cg_bits_init(apr_pool_t *p, cg_bits_t *b, const char *s, apr_size_t len)
{
    (void)p;
    memset(b, 0, sizeof(*b));
    /* padding is not part of the format, but tolerated at the end */
    while (len > 0 && s[len - 1] == '=') {
        --len;
    }
    if (!alphabet_only(s, len)) {
        return 0;
    }
    b->text = (const unsigned char *)s;
    b->nbits = len * 6;
    return 1;
}

int cg_bits_at(const cg_bits_t *b, apr_size_t i)
{
    if (i >= b->nbits) {
        return 0;
    }
    return (sextets[b->text[i / 6]] >> (5 - i % 6)) & 1;
}

/* Bits pos..pos+n-1 (n 1..36) of checked characters: the at most seven
 * characters that hold them, then one shift and a mask. Unrolled where
 * pos and n are constants (the core segment's head). */
static APR_INLINE apr_uint64_t peek(const unsigned char *t, apr_size_t pos,
                                    unsigned n)
{
    const unsigned char *c = t + pos / 6;
    unsigned span = (unsigned)(pos % 6) + n, k;
    apr_uint64_t v = 0;

#if defined(__GNUC__)
#pragma GCC unroll 7
#endif
    for (k = 0; k * 6 < span; ++k) {
        v = (v << 6) | (apr_uint64_t)sextets[c[k]];
    }
    return (v >> (k * 6 - span)) & ((APR_UINT64_C(1) << n) - 1);
}

/* cg_bits_read(), inlined into the decoder. A field of up to 18 bits
 * (every one after the core segment's head) lies within four characters:
 * read them without a loop where the segment has them. */
static APR_INLINE apr_uint64_t take(cg_bits_t *b, unsigned n)
{
    apr_size_t pos = b->pos, c;
    unsigned span;

    if (pos > b->nbits || n > b->nbits - pos) {
        b->overrun = 1;
        b->pos = b->nbits;
        return 0;
    }
    b->pos = pos + n;
    c = pos / 6;
    span = (unsigned)(pos - c * 6) + n;
    if (span <= 24 && c * 6 + 24 <= b->nbits) {
        const unsigned char *x = b->text + c;
        apr_uint32_t v = ((apr_uint32_t)sextets[x[0]] << 18)
            | ((apr_uint32_t)sextets[x[1]] << 12)
            | ((apr_uint32_t)sextets[x[2]] << 6) | (apr_uint32_t)sextets[x[3]];

        return (v >> (24 - span)) & (((apr_uint32_t)1 << n) - 1);
    }
    return peek(b->text, pos, n);
}

apr_uint64_t cg_bits_read(cg_bits_t *b, unsigned n)
{
    if (n == 0 || n > 36) {
        if (n) {
            b->overrun = 1;
            b->pos = b->nbits;
        }
        return 0;
    }
    return take(b, n);
}

/* Two letters, 'A' + 0..63 each, at bit `pos`. */
static APR_INLINE void letters_at(const unsigned char *t, apr_size_t pos,
                                  char out[3])
{
    out[0] = (char)('A' + (int)peek(t, pos, 6));
    out[1] = (char)('A' + (int)peek(t, pos + 6, 6));
    out[2] = '\0';
}

/* NumEntries(12), then IsARange(1) StartOrOnlyVendorId(16)
 * [EndVendorId(16)]; ids 1..max, each range ordered. With `out` NULL the
 * entries are checked, not kept. */
static APR_INLINE const char *read_ranges(apr_pool_t *p, cg_bits_t *b, unsigned max,
                               apr_array_header_t **out)
{
    unsigned n = (unsigned)take(b, 12), i;
    apr_array_header_t *a = NULL;

    if (out) {
        a = cg_source_array_make(p, (int)n, sizeof(cg_tcf_range_t));
    }
    for (i = 0; i < n && !b->overrun; ++i) {
        /* IsARange and the first id in one read */
        unsigned head = (unsigned)take(b, 17);
        unsigned start = head & 0xffff;
        unsigned end = (head >> 16) ? (unsigned)take(b, 16) : start;
        cg_tcf_range_t *r;

        if (b->overrun) {
            break;
        }
        if (start == 0 || end < start || end > max) {
            return "vendor range out of order or past MaxVendorId";
        }
        if (a) {
            /* within the n entries allocated above */
            r = &((cg_tcf_range_t *)a->elts)[a->nelts++];
            r->start = start;
            r->end = end;
        }
    }
    if (b->overrun) {
        return "vendor ranges past the end";
    }
    if (out) {
        *out = a;
    }
    return NULL;
}

/* MaxVendorId(16) IsRangeEncoding(1), then a bitfield or ranges; `keep`
 * 0: checked only (set->ranges stays NULL). */
static APR_INLINE const char *read_vendors(apr_pool_t *p, cg_bits_t *b,
                                cg_tcf_vendors_t *set, int keep)
{
    unsigned head;

    memset(set, 0, sizeof(*set));
    head = (unsigned)take(b, 17);
    set->max_vendor_id = head >> 1;
    set->is_range = (int)(head & 1);
    if (b->overrun) {
        return "vendor section past the end";
    }
    if (set->is_range) {
        const char *err = read_ranges(p, b, set->max_vendor_id,
                                      keep ? &set->ranges : NULL);

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
    set->present = keep;
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

/* The core segment. Its head (Version to PublisherCC) has fixed places:
 * one length check, then each field read where it stands; `lean` reads
 * only the fields cg_tcf_apply() and cg_tcf_answer() look at, and checks
 * the LI vendors without keeping them. */
static const char *decode_core(apr_pool_t *p, cg_bits_t *b, cg_tcf_t *tc,
                               int lean)
{
    const unsigned char *t = b->text;
    const char *err;
    unsigned n, i;

    tc->version = sextets[t[0]];
    if (tc->version != 2) {
        return "not a TCF v2 string";
    }
    if (b->nbits < CORE_HEAD_BITS) {
        return "core segment too short";
    }
    /* deciseconds since the epoch */
    tc->created = (apr_time_t)peek(t, 6, 36) * APR_TIME_C(100000);
    tc->last_updated = (apr_time_t)peek(t, 42, 36) * APR_TIME_C(100000);
    tc->policy_version = (int)peek(t, 132, 6);
    tc->special_features = (apr_uint32_t)peek(t, 140, 12);
    tc->purposes_consent = (apr_uint32_t)peek(t, 152, 24);
    if (!lean) {
        tc->cmp_id = (int)peek(t, 78, 12);
        tc->cmp_version = (int)peek(t, 90, 12);
        tc->consent_screen = (int)peek(t, 102, 6);
        letters_at(t, 108, tc->consent_language);
        tc->vendor_list_version = (int)peek(t, 120, 12);
        tc->is_service_specific = (int)peek(t, 138, 1);
        tc->use_non_standard_texts = (int)peek(t, 139, 1);
        tc->purposes_li = (apr_uint32_t)peek(t, 176, 24);
        tc->purpose_one_treatment = (int)peek(t, 200, 1);
        letters_at(t, 201, tc->publisher_cc);
    }
    b->pos = CORE_HEAD_BITS;
    if ((err = read_vendors(p, b, &tc->vendor_consents, 1))
        || (err = read_vendors(p, b, &tc->vendor_li, !lean))) {
        return err;
    }
    /* publisher restrictions: NumPubRestrictions(12), each PurposeId(6)
     * RestrictionType(2) and a range list */
    n = (unsigned)take(b, 12);
    /* nearly every string has none: then no array */
    tc->restrictions = n ? cg_source_array_make(p, 4,
                                                sizeof(cg_tcf_restriction_t))
                         : NULL;
    for (i = 0; i < n && !b->overrun; ++i) {
        unsigned pt = (unsigned)take(b, 8);
        int purpose = (int)(pt >> 2);
        int type = (int)(pt & 3);
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

static const char *decode(apr_pool_t *p, const char *s, apr_size_t len,
                          cg_tcf_t *tc, int lean)
{
    apr_size_t start = 0;
    int segment = 0, seen = 0, ndots = -1;
#if defined(CG_TCF_AVX2)
    apr_size_t dots[PRESCAN_DOTS];
#endif

    memset(tc, 0, sizeof(*tc));
    if (!s || len == 0) {
        return "empty TC string";
    }
    if (len > CG_SOURCE_MAX_VALUE) {
        return "TC string too long";
    }
#if defined(CG_TCF_AVX2)
    /* the lean reading checks the string whole where it can; the full one
     * segment by segment, so fuzz_tcf compares the two */
    if (lean && len >= 32 && __builtin_cpu_supports("avx2")) {
        ndots = prescan_avx2(s, len, dots);
    }
#endif
    /* one pass over the segments; each is at least one character */
    while (start <= len) {
        const char *dot;
        apr_size_t end;
        cg_bits_t b;

#if defined(CG_TCF_AVX2)
        if (ndots >= 0) {
            dot = segment < ndots ? s + dots[segment] : NULL;
        }
        else
#endif
        {
            dot = memchr(s + start, '.', len - start);
        }
        end = dot ? (apr_size_t)(dot - s) : len;
        if (end == start) {
            return "empty segment";
        }
        if (ndots >= 0) {
            /* checked already */
            memset(&b, 0, sizeof(b));
            b.text = (const unsigned char *)s + start;
            b.nbits = (end - start) * 6;
        }
        else if (!cg_bits_init(p, &b, s + start, end - start)) {
            return "not base64url";
        }
        if (segment == 0) {
            const char *err = decode_core(p, &b, tc, lean);

            if (err) {
                return err;
            }
        }
        else {
            int type = (int)take(&b, 3);

            if (b.overrun || type < 1 || type > 3) {
                return "unknown segment type";
            }
            if (seen & (1 << type)) {
                return "segment given twice";
            }
            seen |= 1 << type;
            if (type == 1) {
                const char *err = read_vendors(p, &b, &tc->disclosed, 1);

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

const char *cg_tcf_decode(apr_pool_t *p, const char *s, apr_size_t len,
                          cg_tcf_t *tc)
{
    return decode(p, s, len, tc, 0);
}

const char *cg_tcf_decode_lean(apr_pool_t *p, const char *s, apr_size_t len,
                               cg_tcf_t *tc)
{
    return decode(p, s, len, tc, 1);
}

/* One decoded string, held by the cache's slot. */
typedef struct tcf_held_t {
    cg_slot_value_t held;           /* first: its pool holds all below */
    const char *s;
    apr_size_t len;
    const char *err;                /* the decode's error (a literal) */
    cg_tcf_t tc;                    /* pointing into `s` and the pool */
} tcf_held_t;

struct cg_tcf_cache_t {
    cg_slot_t *slot;
    apr_uint64_t hits;
};

cg_tcf_cache_t *cg_tcf_cache_make(apr_pool_t *p)
{
    cg_tcf_cache_t *cache = apr_pcalloc(p, sizeof(*cache));

    cache->slot = cg_slot_make(p);
    return cache;
}

apr_uint64_t cg_tcf_cache_hits(const cg_tcf_cache_t *cache)
{
    return cache ? cache->hits : 0;
}

/* `h`'s decode, lent to pool `p`. */
static const char *held_give(apr_pool_t *p, tcf_held_t *h,
                             const cg_tcf_t **tc)
{
    cg_slot_lend(&h->held, p);
    *tc = &h->tc;
    return h->err;
}

/* A new decode, out of line: the cache's hit stays a short function. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static const char *decode_lean_new(apr_pool_t *p, const char *s,
                                   apr_size_t len, cg_tcf_t *tc)
{
    return decode(p, s, len, tc, 1);
}

const char *cg_tcf_decode_lean_cached(apr_pool_t *p, cg_tcf_cache_t *cache,
                                      const char *s, apr_size_t len,
                                      const cg_tcf_t **tc)
{
    tcf_held_t *h = cache ? cg_slot_current(cache->slot) : NULL;
    apr_pool_t *pool = NULL;
    cg_tcf_t *mine;

    if (h && s && len == h->len && !memcmp(s, h->s, len)) {
        ++cache->hits;
        return held_give(p, h, tc);
    }
    /* strings too long to decode are not kept either */
    if (!cache || !s || len > CG_SOURCE_MAX_VALUE
        || !(pool = cg_slot_pool(cache->slot))) {
        mine = apr_palloc(p, sizeof(*mine));
        *tc = mine;
        return decode_lean_new(p, s, len, mine);
    }
    h = apr_pcalloc(pool, sizeof(*h));
    h->s = apr_pmemdup(pool, s, len);
    h->len = len;
    h->err = decode_lean_new(pool, h->s, len, &h->tc);
    cg_slot_set(cache->slot, &h->held, pool);
    return held_give(p, h, tc);
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

void cg_tcf_apply(apr_pool_t *p, const cg_tcf_t *tc,
                  const cg_source_opts_t *opts, cg_source_result_t *out)
{
    cg_source_opts_t o = *opts;

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
    /* nothing listed: cg_source_granted() and cg_source_refused() answer
     * the purposes and special features from the bits, as they answer
     * the vendors */
    out->explicit_choice = 1;
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

/* "purpose:N" / "special_feature:N": N in 1..max, no leading zero; 0
 * when not. */
static int listed_number(const char *s, int max)
{
    const char *end;
    long n;

    if (*s == '0') {
        return 0;
    }
    n = small_number(s, &end);
    return *end || n < 1 || n > max ? 0 : (int)n;
}

int cg_tcf_parse_name(const char *name, cg_tcf_name_t *out)
{
    const char *s;
    long v, n = 0;

    memset(out, 0, sizeof(*out));
    if (!strncmp(name, "purpose:", 8)) {
        out->n = listed_number(name + 8, TCF_PURPOSES);
        out->kind = out->n ? CG_TCF_NAME_PURPOSE : CG_TCF_NAME_NONE;
        return out->kind;
    }
    if (!strncmp(name, "special_feature:", 16)) {
        out->n = listed_number(name + 16, TCF_SPECIAL_FEATURES);
        out->kind = out->n ? CG_TCF_NAME_SPECIAL_FEATURE : CG_TCF_NAME_NONE;
        return out->kind;
    }
    if (strncmp(name, "vendor:", 7)) {
        return CG_TCF_NAME_NONE;
    }
    v = small_number(name + 7, &s);
    if (v < 1 || v > 65535) {
        return CG_TCF_NAME_NONE;
    }
    if (*s == ':') {
        if (strncmp(s, ":purpose:", 9)) {
            return CG_TCF_NAME_NONE;
        }
        n = small_number(s + 9, &s);
        if (n < 1 || n > 24) {
            return CG_TCF_NAME_NONE;
        }
    }
    if (*s) {
        return CG_TCF_NAME_NONE;
    }
    out->kind = n ? CG_TCF_NAME_VENDOR_PURPOSE : CG_TCF_NAME_VENDOR;
    out->v = (unsigned)v;
    out->n = (int)n;
    return out->kind;
}

int cg_tcf_answer_name(const cg_tcf_t *tc, const cg_tcf_name_t *nm,
                       int granted)
{
    int vendor_refused;

    switch (nm->kind) {
    case CG_TCF_NAME_PURPOSE:
        return cg_tcf_purpose(tc, nm->n) == !!granted;
    case CG_TCF_NAME_SPECIAL_FEATURE:
        return cg_tcf_special_feature(tc, nm->n) == !!granted;
    case CG_TCF_NAME_VENDOR:
    case CG_TCF_NAME_VENDOR_PURPOSE:
        break;
    default:
        return -1;
    }
    if (granted) {
        return nm->n ? cg_tcf_vendor_purpose(tc, nm->v, nm->n)
                     : cg_tcf_vendor_in(&tc->vendor_consents, nm->v);
    }
    /* a vendor the CMP never showed was not refused, only not asked */
    vendor_refused = !cg_tcf_vendor_in(&tc->vendor_consents, nm->v)
        && (!tc->disclosed.present
            || cg_tcf_vendor_in(&tc->disclosed, nm->v));
    if (nm->n) {
        return vendor_refused || !cg_tcf_purpose(tc, nm->n);
    }
    return vendor_refused;
}

int cg_tcf_answer(const cg_tcf_t *tc, const char *name, int granted)
{
    cg_tcf_name_t nm;

    if (!cg_tcf_parse_name(name, &nm)) {
        return -1;
    }
    return cg_tcf_answer_name(tc, &nm, granted);
}

/* ---- the tcf source: euconsent-v2 */

void cg_source_read_tcf_value(apr_pool_t *p, int rc, const char *raw,
                              apr_size_t len, const cg_source_opts_t *opts,
                              cg_source_result_t *out)
{
    const char *err;
    const cg_tcf_t *tc;

    if (rc < 0) {
        cg_source_fail(out, "euconsent-v2: ambiguous or oversized");
        return;
    }
    if (rc == 0) {
        return;
    }
    if ((err = cg_tcf_decode_lean_cached(p, opts->tcf_cache, raw, len,
                                         &tc))) {
        cg_source_fail(out, apr_pstrcat(p, "euconsent-v2: ", err, NULL));
        return;
    }
    cg_tcf_apply(p, tc, opts, out);
}

void cg_source_read_tcf(apr_pool_t *p, const apr_table_t *cookies,
                        const cg_source_opts_t *opts, cg_source_result_t *out)
{
    const char *raw;
    int rc = cg_source_cookie(cookies, "euconsent-v2", &raw);

    cg_source_read_tcf_value(p, rc, raw, rc > 0 ? strlen(raw) : 0, opts, out);
}
