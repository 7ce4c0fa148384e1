/* cg_inject.c: finding where the banner's <script> tag goes in a streamed
 * HTML response ("</head", else an earlier "</body", else the end) and
 * whether the page loads the banner already, holding no more of the page
 * than the longest needle. */
#include <string.h>

#include <apr_strings.h>

#include "cg_inject.h"
#include "cg_text.h"

/* "</head" and "</body", without the delimiter that must follow them */
#define TAG_LEN 6

struct cg_inject_t {
    const char *marker;         /* lower-cased; NULL when there is none */
    apr_size_t marker_len;
    apr_size_t max_keep;
    /* the bytes a needle can start with: '<', and the marker's first byte
     * in both cases; memchr() jumps from one to the next */
    char first[3];
    int nfirst;
};

typedef enum {
    NO_MATCH,
    PARTIAL,                    /* matches as far as the data goes */
    MATCH
} match_e;

/* ASCII only: tolower() would follow the locale, and HTML tag names are
 * ASCII whatever the page's charset. */
static unsigned char lc(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

static unsigned char uc(unsigned char c)
{
    return (c >= 'a' && c <= 'z') ? (unsigned char)(c & ~0x20) : c;
}

/* What may follow a tag name: the end of the tag, a self-closing slash or
 * HTML whitespace (which has no \v). */
static int is_tag_end(unsigned char c)
{
    return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n'
        || c == '\r' || c == '\f';
}

cg_inject_t *cg_inject_make(apr_pool_t *p, const char *marker)
{
    cg_inject_t *inj = apr_pcalloc(p, sizeof(*inj));
    int i;

    inj->first[inj->nfirst++] = '<';
    if (marker && *marker) {
        char *m = apr_pstrdup(p, marker);
        unsigned char c0;

        for (i = 0; m[i]; ++i) {
            m[i] = (char)lc((unsigned char)m[i]);
        }
        inj->marker = m;
        inj->marker_len = i;
        c0 = (unsigned char)m[0];
        if (c0 != '<') {
            inj->first[inj->nfirst++] = (char)c0;
            if (uc(c0) != c0) {
                inj->first[inj->nfirst++] = (char)uc(c0);
            }
        }
    }
    inj->max_keep = inj->marker_len > TAG_LEN + 1 ? inj->marker_len - 1
                                                  : TAG_LEN;
    return inj;
}

apr_size_t cg_inject_max_keep(const cg_inject_t *inj)
{
    return inj->max_keep;
}

/* The marker against the `avail` bytes at `s`. */
static match_e marker_at(const cg_inject_t *inj, const unsigned char *s,
                         apr_size_t avail)
{
    apr_size_t n = avail < inj->marker_len ? avail : inj->marker_len;
    apr_size_t k;

    for (k = 0; k < n; ++k) {
        if (lc(s[k]) != (unsigned char)inj->marker[k]) {
            return NO_MATCH;
        }
    }
    return n == inj->marker_len ? MATCH : PARTIAL;
}

/* "</head" or "</body" and a delimiter against the `avail` bytes at `s`.
 * Both names start with "</" and part at the third byte, so one pass
 * follows both. */
static match_e tag_at(const unsigned char *s, apr_size_t avail)
{
    static const char head[] = "</head", body[] = "</body";
    int h = 1, b = 1;
    apr_size_t k;

    for (k = 0; k < TAG_LEN; ++k) {
        unsigned char c;

        if (k == avail) {
            return PARTIAL;
        }
        c = lc(s[k]);
        h = h && c == (unsigned char)head[k];
        b = b && c == (unsigned char)body[k];
        if (!h && !b) {
            return NO_MATCH;
        }
    }
    if (avail == TAG_LEN) {
        return PARTIAL;
    }
    return is_tag_end(s[TAG_LEN]) ? MATCH : NO_MATCH;
}

/* Both scans: with `end`, partial matches are dead (no data will come to
 * complete them) and the search goes on past them. */
static cg_inject_e scan(const cg_inject_t *inj, const char *buf,
                        apr_size_t len, int end, apr_size_t *at,
                        apr_size_t *keep)
{
    const unsigned char *s = (const unsigned char *)buf;
    const unsigned char *stop = s + len;
    /* where each of inj->first occurs next (NULL: nowhere), so that every
     * memchr() goes over the page once, however the hits interleave */
    const unsigned char *next[3];
    int k;

    *keep = 0;
    for (k = 0; k < inj->nfirst; ++k) {
        next[k] = len ? memchr(s, inj->first[k], len) : NULL;
    }
    for (;;) {
        const unsigned char *c = NULL;
        match_e m, t;
        apr_size_t i;

        for (k = 0; k < inj->nfirst; ++k) {
            if (next[k] && (!c || next[k] < c)) {
                c = next[k];
            }
        }
        if (!c) {
            break;
        }
        i = c - s;
        m = inj->marker ? marker_at(inj, c, len - i) : NO_MATCH;
        if (m == MATCH) {
            *at = i;
            return CG_INJECT_PRESENT;
        }
        t = *c == '<' ? tag_at(c, len - i) : NO_MATCH;
        /* a tag here only counts once the marker is known not to start
         * here too, as the marker wins a tie */
        if (!end && (m == PARTIAL || t == PARTIAL)) {
            *keep = len - i;
            *at = i;
            return CG_INJECT_MORE;
        }
        if (t == MATCH) {
            *at = i;
            return CG_INJECT_AT;
        }
        for (k = 0; k < inj->nfirst; ++k) {
            if (next[k] == c) {
                next[k] = c + 1 < stop ? memchr(c + 1, inj->first[k],
                                                stop - (c + 1))
                                       : NULL;
            }
        }
    }
    *at = len;
    return end ? CG_INJECT_AT : CG_INJECT_MORE;
}

cg_inject_e cg_inject_scan(const cg_inject_t *inj, const char *buf,
                           apr_size_t len, apr_size_t *at, apr_size_t *keep)
{
    return scan(inj, buf, len, 0, at, keep);
}

cg_inject_e cg_inject_scan_end(const cg_inject_t *inj, const char *buf,
                               apr_size_t len, apr_size_t *at)
{
    apr_size_t keep;

    return scan(inj, buf, len, 1, at, &keep);
}

const char *cg_inject_tag(apr_pool_t *p, const char *endpoint)
{
    return apr_pstrcat(p, "<script src=\"", cg_html_escape(p, endpoint),
                       "/banner.js\" defer></script>", NULL);
}
