/* fuzz_early.c: the Consent Mode default's scan (cg_early_feed(),
 * _flush(), _finish()) driven the way the output filter drives it, over a
 * page cut into random buckets.
 *
 * Input layout:
 *   byte 0       bit 7 set cuts the page into 1-byte buckets; else the
 *                next (byte 0 & 15) bytes are bucket sizes (0..255), the
 *                last bucket taking the rest
 *   the rest     the page
 *
 * Invariants (each broken one aborts, i.e. is a finding):
 *  1. The output with the tag taken out where it went is the page, byte
 *     for byte; the tag goes in at most once, and only after "<head" and
 *     its '>', or right before a '<'.
 *  2. Streamed, the output is that of the whole page fed in one go.
 *  3. The spans are well formed: the data's own spans are its bytes from
 *     its start on, in order; at most 9 bytes are held after a call; what
 *     is emitted plus what is held is all that was fed. */
#include "fuzz_common.h"

#include "cg_gcm.h"

#define TAG "<script>D</script>"
#define MAX_HELD 9

static void cg_fuzz_setup(apr_pool_t *root)
{
    (void)root;
}

typedef struct result_t {
    char *out;
    size_t out_len;
    int inserted;
    size_t at;
} result_t;

static void run(apr_pool_t *p, const char *page, size_t len,
                const size_t *cuts, int ncuts, result_t *r)
{
    cg_early_t *st = cg_early_start(p, TAG);
    cg_inject_span_t sp[CG_INJECT_MAX_SPANS];
    size_t from = 0, emitted = 0, held = 0;
    int c, i, n;

    r->out = malloc(len + sizeof(TAG) + 1);
    r->out_len = 0;
    r->inserted = 0;
    if (!r->out) {
        abort();
    }
    for (c = 0; c <= ncuts + 1; ++c) {
        size_t to = c < ncuts ? cuts[c] : len, fed = 0;
        char *chunk = NULL;
        int last = c == ncuts + 1;

        if (!last) {
            chunk = malloc(to - from ? to - from : 1);
            if (!chunk) {
                abort();
            }
            memcpy(chunk, page + from, to - from);
            n = cg_early_feed(st, to > from ? chunk : NULL, to - from, sp);
        }
        else {
            n = cg_early_finish(st, sp);
        }
        CG_FUZZ_CHECK(n >= 0 && n <= CG_INJECT_MAX_SPANS, "%d spans", n);
        for (i = 0; i < n; ++i) {
            if (sp[i].kind == CG_SPAN_TAG) {
                CG_FUZZ_CHECK(sp[i].len == sizeof(TAG) - 1
                              && !memcmp(sp[i].data, TAG, sp[i].len),
                              "a tag span that is not the tag");
                ++r->inserted;
                r->at = emitted;
            }
            else {
                if (sp[i].kind == CG_SPAN_INPUT) {
                    CG_FUZZ_CHECK(sp[i].data == chunk + fed,
                                  "span %d is not the data's next piece", i);
                    fed += sp[i].len;
                }
                emitted += sp[i].len;
            }
            memcpy(r->out + r->out_len, sp[i].data, sp[i].len);
            r->out_len += sp[i].len;
        }
        if (!last) {
            held = (from + (to - from)) - emitted;
            CG_FUZZ_CHECK(emitted <= to && held <= MAX_HELD,
                          "%zu emitted of %zu, %zu held", emitted, to, held);
            from = to;
        }
        free(chunk);
    }
    CG_FUZZ_CHECK(emitted == len && cg_early_done(st),
                  "%zu of %zu bytes emitted", emitted, len);
    CG_FUZZ_CHECK(r->inserted == cg_early_inserted(st), "inserted %d, says %d",
                  r->inserted, cg_early_inserted(st));
}

static void check(const result_t *r, const char *page, size_t len)
{
    size_t tl = sizeof(TAG) - 1;

    CG_FUZZ_CHECK(r->inserted <= 1, "%d tags", r->inserted);
    if (!r->inserted) {
        CG_FUZZ_CHECK(r->out_len == len && !memcmp(r->out, page, len),
                      "untagged, but the page changed");
        return;
    }
    CG_FUZZ_CHECK(r->at <= len && r->out_len == len + tl
                  && !memcmp(r->out, page, r->at)
                  && !memcmp(r->out + r->at + tl, page + r->at, len - r->at),
                  "the output is not the page with the tag at %zu", r->at);
    CG_FUZZ_CHECK((r->at > 0 && page[r->at - 1] == '>')
                  || (r->at < len && page[r->at] == '<'),
                  "the tag at %zu is neither after '>' nor before '<'", r->at);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = cg_fuzz_pool;
    cg_fuzz_stream_t in;
    result_t whole, streamed;

    if (size < 1) {
        return 0;
    }
    cg_fuzz_stream(data, size, 1, data[0], &in);
    run(p, in.page, in.len, NULL, 0, &whole);
    check(&whole, in.page, in.len);
    run(p, in.page, in.len, in.cuts, in.ncuts, &streamed);
    check(&streamed, in.page, in.len);
    CG_FUZZ_CHECK(streamed.out_len == whole.out_len
                  && !memcmp(streamed.out, whole.out, whole.out_len)
                  && streamed.inserted == whole.inserted,
                  "streamed: %d tags at %zu, whole: %d at %zu",
                  streamed.inserted, streamed.at, whole.inserted, whole.at);
    free(whole.out);
    free(streamed.out);
    cg_fuzz_stream_free(&in);
    apr_pool_clear(p);
    return 0;
}
