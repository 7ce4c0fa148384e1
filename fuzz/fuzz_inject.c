/* fuzz_inject.c: the injection scanner (cg_inject_feed(), _flush(),
 * _finish()) driven the way the output filter drives it, over a page cut
 * into random buckets.
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
 *  2. The tag is inserted at most once.
 *  3. Streamed, the result (untagged or not, and the insertion offset) is
 *     that of the whole page fed in one go.
 *  4. The spans are well formed: the data's own spans are its bytes from
 *     its start on, in order; at most cg_inject_max_keep() bytes are held
 *     after a call, and what is emitted plus what is held is all that was
 *     fed.
 *  5. The answer is that of a naive reference of cg_inject.h's rules
 *     written here, byte by byte: comments skipped; the first position
 *     where the marker (case-insensitively) or "</head" or "</body"
 *     (case-insensitively, then '>', '/' or HTML whitespace) starts, the
 *     marker winning a tie, the tag going there only in a document
 *     ("<html" or "<!doctype html" in the first 1024 bytes, or "<head");
 *     else the end of a document whose comments are closed.
 *  6. For a marker of more than 5 bytes without '<' (the banner's URL is
 *     one), where the tag goes at the end, flushing the held bytes and
 *     appending the tag at the end of the stream, without
 *     cg_inject_finish(), gives the same output. */
#include "fuzz_common.h"

#include "cg_inject.h"

#define DEFAULT_MARKER "/consentgate/banner.js"
#define TAG "<script src=\"/consentgate/banner.js\" defer></script>"

static void cg_fuzz_setup(apr_pool_t *root)
{
    const char *tag = cg_inject_tag(root, "/consentgate");

    CG_FUZZ_CHECK(!strcmp(tag, TAG), "tag '%s'", cg_fuzz_show(tag));
}

/* The result of a whole stream. */
typedef struct result_t {
    int untagged;
    size_t at;              /* where the tag went, when tagged */
    char *out;              /* malloc()ed */
    size_t out_len, out_cap;
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

/* `word` (lower case) then '>', '/' or HTML whitespace at page[i]. */
static int ref_word(const char *page, size_t len, size_t i, const char *word)
{
    size_t n = strlen(word);

    return ref_starts(page, len, i, word, n) && i + n < len
        && page[i + n] != '\0' && strchr(">/ \t\n\r\f", page[i + n]);
}

static int ref_tag(const char *page, size_t len, size_t i)
{
    return ref_word(page, len, i, "</head") || ref_word(page, len, i, "</body");
}

/* The spec of cg_inject.h, byte by byte: *tagged with the tag at *at, or
 * not. */
static void reference(const char *marker, const char *page, size_t len,
                      int *tagged, size_t *at)
{
    size_t mlen = marker ? strlen(marker) : 0, i;
    int comment = 0, document = 0;
    char lower[64];

    for (i = 0; i < mlen; ++i) {
        lower[i] = (char)ref_lc((unsigned char)marker[i]);
    }
    *tagged = 0;
    *at = len;
    for (i = 0; i < len; ++i) {
        if (comment) {
            if (ref_starts(page, len, i, "-->", 3)) {
                comment = 0;
                i += 2;
            }
            continue;
        }
        if (mlen && ref_starts(page, len, i, lower, mlen)) {
            return;
        }
        if (ref_starts(page, len, i, "<!--", 4)) {
            /* on from its "--": "<!-->" closes at once */
            comment = 1;
            i += 1;
            continue;
        }
        if ((i < 1024 && (ref_word(page, len, i, "<html")
                          || ref_word(page, len, i, "<!doctype html")))
            || ref_word(page, len, i, "<head")) {
            document = 1;
        }
        if (ref_tag(page, len, i)) {
            *tagged = document;
            *at = i;
            return;
        }
    }
    *tagged = document && !comment;
}

/* ---- the real scanner, driven as the filter drives it ---- */

/* Appends the spans of one call, checking their shape: the CG_SPAN_INPUT
 * spans are the chunk's bytes from its start on, the tag is the tag. */
static void take(result_t *r, const cg_inject_span_t *sp, int n,
                 const char *chunk, size_t chunk_len, size_t *page_off)
{
    size_t used = 0;
    int i;

    CG_FUZZ_CHECK(n >= 0 && n <= CG_INJECT_MAX_SPANS, "%d spans", n);
    for (i = 0; i < n; ++i) {
        CG_FUZZ_CHECK(sp[i].len > 0, "span %d is empty", i);
        if (sp[i].kind == CG_SPAN_TAG) {
            CG_FUZZ_CHECK(sp[i].len == sizeof(TAG) - 1
                          && !memcmp(sp[i].data, TAG, sp[i].len),
                          "span %d: not the tag", i);
            r->at = *page_off;
            ++r->inserted;
        }
        else {
            if (sp[i].kind == CG_SPAN_INPUT) {
                CG_FUZZ_CHECK(sp[i].data == chunk + used
                              && used + sp[i].len <= chunk_len,
                              "span %d: not the chunk's next bytes", i);
                used += sp[i].len;
            }
            else {
                CG_FUZZ_CHECK(sp[i].kind == CG_SPAN_HELD, "span kind %d",
                              (int)sp[i].kind);
            }
            *page_off += sp[i].len;
        }
        CG_FUZZ_CHECK(r->out_len + sp[i].len <= r->out_cap, "output grows "
                      "past the page and one tag");
        memcpy(r->out + r->out_len, sp[i].data, sp[i].len);
        r->out_len += sp[i].len;
    }
}

/* `page` cut at `cuts` (ascending) and fed to cg_inject_feed(), every
 * chunk in its own exactly sized malloc() buffer, so AddressSanitizer
 * sees a read past it. With `plain_end`, the held bytes are flushed and
 * the tag appended at the end of the stream, without
 * cg_inject_finish(). */
static void stream(apr_pool_t *p, const cg_inject_t *inj, const char *page,
                   size_t len, const size_t *cuts, int ncuts, int plain_end,
                   result_t *r)
{
    cg_inject_state_t *st = cg_inject_start(p, inj, TAG);
    cg_inject_span_t sp[CG_INJECT_MAX_SPANS];
    size_t from = 0, page_off = 0;
    int c;

    memset(r, 0, sizeof(*r));
    r->out_cap = len + sizeof(TAG);
    r->out = malloc(r->out_cap);
    if (!r->out) {
        abort();
    }
    for (c = 0; c <= ncuts; ++c) {
        size_t to = c < ncuts ? cuts[c] : len;
        char *chunk = malloc(to - from ? to - from : 1);

        if (!chunk) {
            abort();
        }
        memcpy(chunk, page + from, to - from);
        take(r, sp, cg_inject_feed(st, to > from ? chunk : NULL, to - from,
                                   sp), chunk, to - from, &page_off);
        CG_FUZZ_CHECK(cg_inject_held(st) <= cg_inject_max_keep(inj),
                      "%zu held, max_keep %zu", cg_inject_held(st),
                      cg_inject_max_keep(inj));
        CG_FUZZ_CHECK(page_off + cg_inject_held(st) == to, "%zu emitted and "
                      "%zu held of %zu", page_off, cg_inject_held(st), to);
        free(chunk);
        from = to;
    }
    if (plain_end && !cg_inject_done(st)) {
        take(r, sp, cg_inject_flush(st, sp), NULL, 0, &page_off);
        r->at = page_off;
        ++r->inserted;
        memcpy(r->out + r->out_len, TAG, sizeof(TAG) - 1);
        r->out_len += sizeof(TAG) - 1;
    }
    else {
        take(r, sp, cg_inject_finish(st, sp), NULL, 0, &page_off);
    }
    CG_FUZZ_CHECK(page_off == len && cg_inject_held(st) == 0,
                  "%zu of %zu bytes emitted", page_off, len);
    r->untagged = r->inserted == 0;
}

static void check_output(const char *what, const result_t *r,
                         const char *page, size_t len)
{
    size_t tl = sizeof(TAG) - 1;

    CG_FUZZ_CHECK(r->inserted == (r->untagged ? 0 : 1),
                  "%s: %d tags, untagged %d", what, r->inserted, r->untagged);
    if (r->untagged) {
        CG_FUZZ_CHECK(r->out_len == len && !memcmp(r->out, page, len),
                      "%s: untagged, but the page changed", what);
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
    cg_fuzz_stream_t in;
    size_t pos = 2, len;
    int ref_tagged;
    size_t ref_at;
    const cg_inject_t *inj;
    const char *page;
    result_t whole, streamed, plain;

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
    cg_fuzz_stream(data, size, pos, data[1], &in);
    page = in.page;
    len = in.len;

    inj = cg_inject_make(p, marker);
    stream(p, inj, page, len, NULL, 0, 0, &whole);
    stream(p, inj, page, len, in.cuts, in.ncuts, 0, &streamed);

    /* 1, 2 */
    check_output("whole", &whole, page, len);
    check_output("streamed", &streamed, page, len);
    /* 3 */
    CG_FUZZ_CHECK(streamed.untagged == whole.untagged
                  && (whole.untagged || streamed.at == whole.at)
                  && streamed.out_len == whole.out_len
                  && !memcmp(streamed.out, whole.out, whole.out_len),
                  "streamed: untagged %d at %zu, whole: untagged %d at %zu",
                  streamed.untagged, streamed.at, whole.untagged, whole.at);
    /* 5 */
    reference(marker, page, len, &ref_tagged, &ref_at);
    CG_FUZZ_CHECK(ref_tagged == !whole.untagged
                  && (!ref_tagged || ref_at == whole.at),
                  "marker '%s': tagged %d at %zu, reference: tagged %d at "
                  "%zu", cg_fuzz_show(marker), !whole.untagged, whole.at,
                  ref_tagged, ref_at);
    /* 6 */
    if (marker && strlen(marker) > 5 && !strchr(marker, '<')
        && !whole.untagged && whole.at == len) {
        stream(p, inj, page, len, in.cuts, in.ncuts, 1, &plain);
        CG_FUZZ_CHECK(plain.out_len == whole.out_len
                      && !memcmp(plain.out, whole.out, whole.out_len),
                      "marker '%s': flushing at the end differs",
                      cg_fuzz_show(marker));
        free(plain.out);
    }

    free(whole.out);
    free(streamed.out);
    cg_fuzz_stream_free(&in);
    apr_pool_clear(p);
    return 0;
}
