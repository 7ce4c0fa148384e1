/* cg_inject.h: the banner's <script> tag put into an HTML document that
 * streams through an output filter, with memory bounded by the longest
 * needle, never by the page. No httpd here.
 *
 * The tag goes only into what looks like a whole document: "<html" or
 * "<!doctype html" within the first 1024 bytes, or "<head" anywhere
 * before the insertion point (each followed by '>', '/' or HTML
 * whitespace), ASCII case ignored. It goes before the first "</head", or
 * before the first "</body" when that comes first, followed by the same
 * (so "</header>" is neither); when neither ever comes, at the end. An end
 * tag that comes before any sign of a document ends the scan without a
 * tag (a fragment). When the marker (the banner's URL) appears before the
 * insertion point, the page loads the banner itself and nothing is
 * inserted. Comments ("<!--" to "-->"; "<!-->" and "<!--->" close at
 * once) are skipped: nothing in them counts, and a page whose comment is
 * still open at its end gets no tag there.
 *
 * A response is fed in pieces as they come (cg_inject_feed), and each
 * call answers with the spans to emit in its place: pieces of the data
 * just fed, bytes held back from earlier calls, and the tag. Whatever is
 * not emitted yet (the start of a needle at the end of a piece, at most
 * cg_inject_max_keep() bytes) is held and comes out of a later call or of
 * cg_inject_finish(). The caller only moves bytes. */
#ifndef CG_INJECT_H
#define CG_INJECT_H

#include <apr_pools.h>

/* The compiled needles; immutable, so one per server can serve every
 * request and thread. */
typedef struct cg_inject_t cg_inject_t;

/* One response's scan. */
typedef struct cg_inject_state_t cg_inject_state_t;

typedef enum {
    CG_SPAN_INPUT,      /* bytes of the data given to this call */
    CG_SPAN_HELD,       /* bytes held from before: valid until the next
                         * call, so the caller copies them */
    CG_SPAN_TAG         /* the tag, as given to cg_inject_start() */
} cg_span_e;

typedef struct cg_inject_span_t {
    cg_span_e kind;
    const char *data;
    apr_size_t len;
} cg_inject_span_t;

/* Appends a span of `len` bytes to spans[n] unless it is empty; returns
 * the new count. The scans of cg_inject.c and cg_gcm.c answer with it. */
int cg_span_add(cg_inject_span_t *spans, int n, cg_span_e kind,
                const char *data, apr_size_t len);

/* The most spans one call answers with. */
#define CG_INJECT_MAX_SPANS 5

/* `marker` is what shows that a page already loads the banner, e.g.
 * "/consentgate/banner.js", matched ASCII-case-insensitively; NULL or ""
 * means no marker (the tag is always inserted). */
cg_inject_t *cg_inject_make(apr_pool_t *p, const char *marker);

/* The most bytes a state ever holds between calls: the longer of
 * "<!doctype html" (14) and the marker less one byte. */
apr_size_t cg_inject_max_keep(const cg_inject_t *inj);

/* A scan of one response that inserts `tag` (which must outlive it). */
cg_inject_state_t *cg_inject_start(apr_pool_t *p, const cg_inject_t *inj,
                                   const char *tag);

/* Feeds the next `len` bytes of the response (`data` may be NULL when
 * `len` is 0). Fills `spans` (room for CG_INJECT_MAX_SPANS) with what to
 * emit, in order, and returns how many. The CG_SPAN_INPUT spans are
 * consecutive pieces of `data` from its first byte on; what of `data`
 * they leave out at its end is held. */
int cg_inject_feed(cg_inject_state_t *st, const char *data, apr_size_t len,
                   cg_inject_span_t *spans);

/* The response is flushed: the held bytes are given up to be emitted as
 * they are (a needle split across a flush is not found). */
int cg_inject_flush(cg_inject_state_t *st, cg_inject_span_t *spans);

/* The end of the response: the held bytes, and the tag where it goes when
 * it has not gone in yet. */
int cg_inject_finish(cg_inject_state_t *st, cg_inject_span_t *spans);

/* True once the scan is decided (the tag is in, or will not go in): from
 * then on every call emits its data as it is, and a filter can step
 * aside. */
int cg_inject_done(const cg_inject_state_t *st);

/* How many bytes the state holds now. */
apr_size_t cg_inject_held(const cg_inject_state_t *st);

/* The tag to insert for the consent endpoint (ConsentEndpoint, a path
 * without a trailing slash such as "/consentgate"):
 * <script src="/consentgate/banner.js" defer></script>, with the endpoint
 * escaped for an HTML attribute (& < > " '). */
const char *cg_inject_tag(apr_pool_t *p, const char *endpoint);

/* The ETag of an injected response: `etag` marked as a variant of the
 * unchanged one, as mod_deflate marks its "-gzip" ("abc" -> "abc-cg",
 * W/"abc" -> W/"abc-cg"); NULL when `etag` is NULL or does not end in a
 * '"' (then there is no tag to keep). */
const char *cg_inject_etag(apr_pool_t *p, const char *etag);

/* An If-None-Match value with every tag cg_inject_etag() made changed
 * back into the tag of the unchanged response, so that the handler that
 * validates the unchanged response can answer 304; NULL when no tag in it
 * was one (the value stays as it is). */
const char *cg_inject_if_none_match(apr_pool_t *p, const char *inm);

/* The same for a page whose inserted bytes depend on the visitor (the
 * consent default): the mark is followed by `variant`, and only a tag
 * with this very variant is changed back. */
const char *cg_inject_etag_variant(apr_pool_t *p, const char *etag,
                                   const char *variant);
const char *cg_inject_if_none_match_variant(apr_pool_t *p, const char *inm,
                                            const char *variant);

#endif /* CG_INJECT_H */
