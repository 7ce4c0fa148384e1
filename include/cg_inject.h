/* cg_inject.h: where the banner's <script> tag goes in an HTML response
 * that streams through an output filter, found with memory bounded by the
 * longest needle, never by the page. No httpd here.
 *
 * The tag goes before the first "</head", or before the first "</body"
 * when that comes first, each followed by '>', '/' or HTML whitespace
 * (so "</header>" is neither); when neither ever comes, at the end. When
 * the marker (the banner's URL) appears before any of them, the page
 * loads the banner itself and nothing is inserted.
 *
 * The scanner keeps no state between calls. The filter calls
 * cg_inject_scan() on (the bytes held from the previous call) + (the new
 * data), passes on everything but the last *keep bytes and holds those;
 * at the end of the stream it calls cg_inject_scan_end() on what it
 * holds. */
#ifndef CG_INJECT_H
#define CG_INJECT_H

#include <apr_pools.h>

typedef enum {
    CG_INJECT_MORE = 0,     /* nothing decided yet: all but the last *keep
                             * bytes may be passed on; those might start a
                             * needle, so they are held and prepended to the
                             * next data */
    CG_INJECT_AT,           /* insert the tag before buf[*at] */
    CG_INJECT_PRESENT       /* the page already loads the banner (the marker
                             * starts at buf[*at]): change nothing */
} cg_inject_e;

/* The compiled needles; immutable, so one per server can serve every
 * request and thread. */
typedef struct cg_inject_t cg_inject_t;

/* `marker` is what shows that a page already loads the banner, e.g.
 * "/consentgate/banner.js", matched ASCII-case-insensitively; NULL or ""
 * means no marker (the tag is always inserted). */
cg_inject_t *cg_inject_make(apr_pool_t *p, const char *marker);

/* The most bytes cg_inject_scan() can ever ask to keep: the longer of
 * "</head" (6) and the marker less one byte. */
apr_size_t cg_inject_max_keep(const cg_inject_t *inj);

/* Looks at [buf, buf + len) for the first place where a needle starts.
 *
 * A needle wins at the first position where one is complete; at one and
 * the same position the marker wins over "</head"/"</body". When a
 * needle could still start at position i but the data ends first (a
 * proper prefix of the marker, "<", "</", ... "</head" without its
 * delimiter), and nothing was decided before i, the answer is
 * CG_INJECT_MORE with *keep = len - i, i.e. the longest such suffix, never
 * more than cg_inject_max_keep(). Otherwise CG_INJECT_MORE has *keep = 0.
 *
 * Sets *at (for CG_INJECT_MORE: len - *keep) and *keep (0 unless
 * CG_INJECT_MORE). */
cg_inject_e cg_inject_scan(const cg_inject_t *inj, const char *buf,
                           apr_size_t len, apr_size_t *at, apr_size_t *keep);

/* The same at the end of the stream, on the bytes held last: nothing can
 * complete a partial needle any more, so this never answers
 * CG_INJECT_MORE: it is CG_INJECT_PRESENT, or CG_INJECT_AT with *at = len
 * when no needle was found.
 *
 * A complete needle can hide behind a partial one only with an odd
 * marker: one starting with '<' or holding "</head>", or one short enough
 * to fit inside "</head" ("head", "/b"). For a marker of more than 5
 * bytes without '<', such as the banner's URL, this always answers
 * CG_INJECT_AT at len after cg_inject_scan() asked to keep the bytes, so
 * flushing them and appending the tag is the same thing. */
cg_inject_e cg_inject_scan_end(const cg_inject_t *inj, const char *buf,
                               apr_size_t len, apr_size_t *at);

/* The tag to insert for the consent endpoint (ConsentEndpoint, a path
 * without a trailing slash such as "/consentgate"):
 * <script src="/consentgate/banner.js" defer></script>, with the endpoint
 * escaped for an HTML attribute (& < > " '). */
const char *cg_inject_tag(apr_pool_t *p, const char *endpoint);

#endif /* CG_INJECT_H */
