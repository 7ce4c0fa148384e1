/* fuzz_inject.c: cg_inject_scan() and cg_inject_scan_end() driven the way
 * the output filter drives them, over a page cut into random buckets.
 *
 * Input layout:
 *   byte 0       the marker: % 4 == 0 "/consentgate/banner.js", 1 none
 *                (NULL), 2 "" (none either), 3 the next (byte 0 >> 2)
 *                bytes (up to the first NUL in them; 0..63 bytes)
 *   byte 1       the buckets: bit 7 set cuts the page into 1-byte buckets;
 *                else the next (byte 1 & 15) bytes are bucket sizes
 *                (0..255, 0 being an empty bucket), and whatever they
 *                leave is the last bucket
 *   the rest     the page
 *
 * Invariants (each broken one aborts, i.e. is a finding):
 *  1. The output with the inserted tag taken out at the insertion point
 *     is the page, byte for byte.
 *  2. The tag is inserted at most once; exactly once unless the page
 *     holds the marker (CG_INJECT_PRESENT).
 *  3. Streamed, the result (present or not, and the insertion offset) is
 *     that of the whole page scanned in one go; and cg_inject_scan() on
 *     the whole page agrees with cg_inject_scan_end() on it where it
 *     decides.
 *  4. Every *keep is at most cg_inject_max_keep() and the data scanned;
 *     every *at lies in the data (before its end for CG_INJECT_AT from
 *     cg_inject_scan()).
 *  5. The answer is that of a naive reference written here: the first
 *     position where the marker (case-insensitively) or "</head" or
 *     "</body" (case-insensitively, then '>', '/' or HTML whitespace)
 *     starts, the marker winning a tie; else the end.
 *  6. For a marker of more than 5 bytes without '<' (the banner's URL is
 *     one), flushing the held bytes and appending the tag at the end of
 *     the stream, without cg_inject_scan_end(), gives the same output. */
#include "fuzz_common.h"

#include "cg_inject.h"

#define DEFAULT_MARKER "/consentgate/banner.js"
#define TAG "<script src=\"/consentgate/banner.js\" defer></script>"
#define MAX_CUTS 15

static void cg_fuzz_setup(apr_pool_t *root)
{
    const char *tag = cg_inject_tag(root, "/consentgate");

    CG_FUZZ_CHECK(!strcmp(tag, TAG), "tag '%s'", cg_fuzz_show(tag));
}

/* The result of a whole stream. */
typedef struct result_t {
    int present;
    size_t at;              /* where the tag went, when not present */
    char *out;              /* malloc()ed */
    size_t out_len;
    int inserted;           /* how many tags went in */
} result_t;

/* ---- the naive reference (invariant 5) ---- */

static unsigned char ref_lc(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* `needle` (lower case) starts at page[i], ignoring ASCII case. */
static int ref_starts(const char *page, size_t len, size_t i,
                      const char *needle, size_t n)
{
    size_t k;

    if (n > len - i) {
        return 0;
    }
    for (k = 0; k < n; ++k) {
        if (ref_lc((unsigned char)page[i + k]) != (unsigned char)needle[k]) {
            return 0;
        }
    }
    return 1;
}

static int ref_tag(const char *page, size_t len, size_t i)
{
    return (ref_starts(page, len, i, "</head", 6)
            || ref_starts(page, len, i, "</body", 6))
        && i + 6 < len && strchr(">/ \t\n\r\f", page[i + 6])
        && page[i + 6] != '\0';
}

static void reference(const char *marker, const char *page, size_t len,
                      int *present, size_t *at)
{
    size_t mlen = marker ? strlen(marker) : 0, i;
    char lower[64];

    for (i = 0; i < mlen; ++i) {
        lower[i] = (char)ref_lc((unsigned char)marker[i]);
    }
    for (i = 0; i < len; ++i) {
        if (mlen && ref_starts(page, len, i, lower, mlen)) {
            *present = 1;
            *at = i;
            return;
        }
        if (ref_tag(page, len, i)) {
            *present = 0;
            *at = i;
            return;
        }
    }
    *present = 0;
    *at = len;
}

/* ---- the filter, simulated ---- */

static void out_add(result_t *r, const char *s, size_t n)
{
    memcpy(r->out + r->out_len, s, n);
    r->out_len += n;
}

/* Hands the `len` bytes of `held` on, with the tag before held[at] unless
 * `present`. */
static void out_decided(result_t *r, const char *held, size_t len,
                        int present, size_t at, size_t offset)
{
    if (present) {
        out_add(r, held, len);
        r->present = 1;
        return;
    }
    out_add(r, held, at);
    out_add(r, TAG, sizeof(TAG) - 1);
    out_add(r, held + at, len - at);
    r->at = offset + at;
    ++r->inserted;
}

/* The filter over `page` cut at `cuts` (ascending). With `plain_end`, the
 * held bytes are flushed and the tag appended at the end of the stream,
 * without cg_inject_scan_end(). Every buffer scanned is malloc()ed to its
 * exact size, so AddressSanitizer sees a read past it. */
static void stream(const cg_inject_t *inj, const char *page, size_t len,
                   const size_t *cuts, int ncuts, int plain_end, result_t *r)
{
    size_t max_keep = cg_inject_max_keep(inj);
    char *held = NULL;
    size_t hlen = 0, from = 0, offset = 0;  /* offset: of held[0] */
    int c, done = 0;

    memset(r, 0, sizeof(*r));
    r->out = malloc(len + sizeof(TAG));
    if (!r->out) {
        abort();
    }
    for (c = 0; c <= ncuts; ++c) {
        size_t to = c < ncuts ? cuts[c] : len;
        size_t at = (size_t)-1, keep = (size_t)-1;
        cg_inject_e e;
        char *buf;

        if (done) {
            out_add(r, page + from, to - from);
            from = to;
            continue;
        }
        /* the held bytes and this bucket, as the filter joins them */
        buf = malloc(hlen + (to - from) + 1);
        if (!buf) {
            abort();
        }
        if (hlen) {
            memcpy(buf, held, hlen);
        }
        memcpy(buf + hlen, page + from, to - from);
        free(held);
        held = buf;
        hlen += to - from;
        from = to;

        e = cg_inject_scan(inj, held, hlen, &at, &keep);
        CG_FUZZ_CHECK(keep <= max_keep && keep <= hlen,
                      "keep %zu, max_keep %zu, %zu bytes", keep, max_keep,
                      hlen);
        CG_FUZZ_CHECK(e == CG_INJECT_MORE || e == CG_INJECT_AT
                      || e == CG_INJECT_PRESENT, "answer %d", (int)e);
        if (e == CG_INJECT_MORE) {
            CG_FUZZ_CHECK(at == hlen - keep, "MORE at %zu keep %zu of %zu",
                          at, keep, hlen);
            out_add(r, held, hlen - keep);
            memmove(held, held + hlen - keep, keep);
            offset += hlen - keep;
            hlen = keep;
            continue;
        }
        CG_FUZZ_CHECK(keep == 0 && at < hlen, "answer %d at %zu keep %zu "
                      "of %zu", (int)e, at, keep, hlen);
        out_decided(r, held, hlen, e == CG_INJECT_PRESENT, at, offset);
        done = 1;
    }
    if (!done) {
        size_t at = (size_t)-1;
        cg_inject_e e;

        if (plain_end) {
            e = CG_INJECT_AT;
            at = hlen;
        }
        else {
            e = cg_inject_scan_end(inj, held, hlen, &at);
            CG_FUZZ_CHECK((e == CG_INJECT_AT && at <= hlen)
                          || (e == CG_INJECT_PRESENT && at < hlen),
                          "end: answer %d at %zu of %zu", (int)e, at, hlen);
        }
        out_decided(r, held, hlen, e == CG_INJECT_PRESENT, at, offset);
    }
    free(held);
}

static void check_output(const char *what, const result_t *r,
                         const char *page, size_t len)
{
    size_t tl = sizeof(TAG) - 1;

    CG_FUZZ_CHECK(r->inserted == (r->present ? 0 : 1),
                  "%s: %d tags, present %d", what, r->inserted, r->present);
    if (r->present) {
        CG_FUZZ_CHECK(r->out_len == len && !memcmp(r->out, page, len),
                      "%s: present, but the page changed", what);
        return;
    }
    CG_FUZZ_CHECK(r->at <= len && r->out_len == len + tl
                  && !memcmp(r->out, page, r->at)
                  && !memcmp(r->out + r->at, TAG, tl)
                  && !memcmp(r->out + r->at + tl, page + r->at, len - r->at),
                  "%s: the output is not the page with the tag at %zu", what,
                  r->at);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = cg_fuzz_pool;
    const char *marker;
    char mbuf[64];
    size_t cuts_buf[MAX_CUTS], *cuts = cuts_buf, pos = 2, len, i;
    int ncuts = 0, ref_present;
    size_t ref_at, at, keep;
    const cg_inject_t *inj;
    char *page;
    result_t whole, streamed, plain;
    cg_inject_e e;

    if (size < 2) {
        return 0;
    }
    switch (data[0] & 3) {
    case 0:
        marker = DEFAULT_MARKER;
        break;
    case 1:
        marker = NULL;
        break;
    case 2:
        marker = "";
        break;
    default: {
        size_t n = data[0] >> 2;

        if (n > size - pos) {
            n = size - pos;
        }
        memcpy(mbuf, data + pos, n);
        mbuf[n] = '\0';
        pos += n;
        marker = mbuf;
        break;
    }
    }
    if (!(data[1] & 0x80)) {
        size_t n = data[1] & 15;

        if (n > size - pos) {
            n = size - pos;
        }
        for (i = 0; i < n; ++i) {
            cuts_buf[i] = data[pos + i];
        }
        ncuts = (int)n;
        pos += n;
    }
    len = size - pos;
    page = malloc(len ? len : 1);
    if (!page) {
        abort();
    }
    memcpy(page, data + pos, len);
    if (data[1] & 0x80) {
        /* every byte a bucket: every boundary there is */
        cuts = malloc((len ? len : 1) * sizeof(*cuts));
        if (!cuts) {
            abort();
        }
        for (i = 0; i < len; ++i) {
            cuts[i] = i;
        }
        ncuts = (int)len;
    }
    else {
        /* sizes to offsets, the last bucket taking the rest */
        size_t off = 0;

        for (i = 0; i < (size_t)ncuts; ++i) {
            off += cuts[i];
            cuts[i] = off < len ? off : len;
        }
    }

    inj = cg_inject_make(p, marker);
    stream(inj, page, len, NULL, 0, 0, &whole);
    stream(inj, page, len, cuts, ncuts, 0, &streamed);

    /* 1, 2 */
    check_output("whole", &whole, page, len);
    check_output("streamed", &streamed, page, len);
    /* 3 */
    CG_FUZZ_CHECK(streamed.present == whole.present
                  && (whole.present || streamed.at == whole.at)
                  && streamed.out_len == whole.out_len
                  && !memcmp(streamed.out, whole.out, whole.out_len),
                  "streamed: present %d at %zu, whole: present %d at %zu",
                  streamed.present, streamed.at, whole.present, whole.at);
    e = cg_inject_scan(inj, page, len, &at, &keep);
    if (e == CG_INJECT_MORE) {
        CG_FUZZ_CHECK(whole.present || whole.at >= len - keep,
                      "undecided up to %zu, but the tag went to %zu",
                      len - keep, whole.at);
    }
    else {
        CG_FUZZ_CHECK((e == CG_INJECT_PRESENT) == whole.present
                      && (whole.present || at == whole.at),
                      "scan: %d at %zu, whole: present %d at %zu", (int)e,
                      at, whole.present, whole.at);
    }
    /* 5 */
    reference(marker, page, len, &ref_present, &ref_at);
    CG_FUZZ_CHECK(ref_present == whole.present
                  && (ref_present || ref_at == whole.at),
                  "marker '%s': present %d at %zu, reference: present %d at "
                  "%zu", cg_fuzz_show(marker), whole.present, whole.at,
                  ref_present, ref_at);
    /* 6 */
    if (marker && strlen(marker) > 5 && !strchr(marker, '<')) {
        stream(inj, page, len, cuts, ncuts, 1, &plain);
        CG_FUZZ_CHECK(plain.out_len == whole.out_len
                      && !memcmp(plain.out, whole.out, whole.out_len),
                      "marker '%s': flushing at the end differs",
                      cg_fuzz_show(marker));
        free(plain.out);
    }

    free(whole.out);
    free(streamed.out);
    if (cuts != cuts_buf) {
        free(cuts);
    }
    free(page);
    apr_pool_clear(p);
    return 0;
}
