/* cg_inject.c: the banner's <script> tag put into a streamed HTML
 * document ("</head", else an earlier "</body", else the end) unless the
 * page loads the banner already, never inside a comment, holding no more
 * of the page than the longest needle.
 *
 * Speed: the scanner jumps with memchr() from one '<' to the next, and
 * finds the marker with memchr() on its rarest byte (in HTML), looked up
 * a block ahead; nothing stops at the '/' that every closing tag and URL
 * holds. */
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <apr_strings.h>

#include "cg_inject.h"
#include "cg_text.h"

/* "</head" and "</body", without the delimiter that must follow them */
#define TAG_LEN 6
/* "<!doctype html", the longest needle, likewise */
#define DOCTYPE_LEN 14
/* "<html" and "<!doctype html" show a whole document within this many
 * bytes of the start; "<head" anywhere */
#define DOC_NEAR 1024

struct cg_inject_t {
    const unsigned char *marker;    /* lower-cased; NULL when there is none */
    apr_size_t marker_len;
    apr_size_t max_keep;
    /* the marker's byte least common in pages, at marker[rare], in both
     * cases: memchr() finds the marker's few candidates */
    apr_size_t rare;
    unsigned char rare_lc, rare_uc;
};

struct cg_inject_state_t {
    const cg_inject_t *inj;
    const char *tag;
    apr_size_t tag_len;
    /* the start of a needle from the end of the last data, and room for
     * the next data's first bytes behind it, enough to finish any needle
     * that starts in it */
    char *held;
    apr_size_t held_off;            /* where the held bytes start */
    apr_size_t held_len;
    apr_size_t cap;
    apr_off_t fed;                  /* bytes fed before this call */
    int done;
    int in_comment;                 /* inside "<!--" ... "-->" */
    int document;                   /* the page looks like a whole one */
};

typedef enum {
    NO_MATCH,
    PARTIAL,                        /* matches as far as the data goes */
    MATCH
} match_e;

/* What a scan found first. */
typedef enum {
    EV_NONE,                        /* nothing: all may be emitted */
    EV_PARTIAL,                     /* a needle may start at *at */
    EV_AT,                          /* the tag goes before *at */
    EV_NO_TAG                       /* decided at *at: no tag (the marker
                                     * is there, or an end tag ends what
                                     * is no document) */
} ev_e;

/* ASCII only: tolower() would follow the locale, and HTML tag names are
 * ASCII whatever the page's charset. */
static unsigned char lc(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

/* What may follow a tag name: the end of the tag, a self-closing slash or
 * HTML whitespace (which has no \v). */
static int is_tag_end(unsigned char c)
{
    return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n'
        || c == '\r' || c == '\f';
}

/* How rare a (lower-case) byte is in HTML pages, roughly: markup and
 * URL punctuation and common letters are frequent, other bytes rare. */
static int rarity(unsigned char c)
{
    static const char letters[] = "etaisrnodlchumpgfbywvkxzjq";
    const char *l;

    if (c >= 'a' && c <= 'z') {
        l = strchr(letters, c);
        return 4 + (int)(l - letters);
    }
    if (c >= '0' && c <= '9') {
        return 10;
    }
    if (strchr("/.-_ \"'=:<>;,", c)) {
        return c == '/' ? 0 : 2;
    }
    return 40;
}

cg_inject_t *cg_inject_make(apr_pool_t *p, const char *marker)
{
    cg_inject_t *inj = apr_pcalloc(p, sizeof(*inj));
    apr_size_t i;

    if (marker && *marker) {
        unsigned char *m = (unsigned char *)apr_pstrdup(p, marker);

        for (i = 0; m[i]; ++i) {
            m[i] = lc(m[i]);
        }
        inj->marker = m;
        inj->marker_len = i;
        for (i = 0; i < inj->marker_len; ++i) {
            if (rarity(m[i]) >= rarity(m[inj->rare])) {
                inj->rare = i;
            }
        }
        inj->rare_lc = m[inj->rare];
        inj->rare_uc = (inj->rare_lc >= 'a' && inj->rare_lc <= 'z')
            ? (unsigned char)(inj->rare_lc & ~0x20) : inj->rare_lc;
    }
    inj->max_keep = inj->marker_len > DOCTYPE_LEN + 1 ? inj->marker_len - 1
                                                      : DOCTYPE_LEN;
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
        if (lc(s[k]) != inj->marker[k]) {
            return NO_MATCH;
        }
    }
    return n == inj->marker_len ? MATCH : PARTIAL;
}

/* The first position in [from, stop) where the marker starts, reading up
 * to s[len - 1]; PARTIAL for a start that the data ends in (never with
 * `end`). A whole marker has its rare byte `rare` bytes on: memchr()
 * finds the candidates; a start the data cuts short may not reach it, so
 * the last few are tried one by one. */
static match_e marker_find(const cg_inject_t *inj, const unsigned char *s,
                           apr_size_t from, apr_size_t stop, apr_size_t len,
                           int end, apr_size_t *at)
{
    apr_size_t m = inj->marker_len, k = inj->rare, i = from;
    apr_size_t whole = len >= m ? len - m + 1 : 0;     /* starts that fit */
    apr_size_t full_stop = stop < whole ? stop : whole;

    /* the next rare byte in each case; each memchr() runs once per hit */
    const unsigned char *lo = NULL, *up = NULL, *h;
    int lo_done = 0, up_done = inj->rare_uc == inj->rare_lc;

    while (i < full_stop) {
        if (!lo_done && (!lo || lo < s + i + k)) {
            lo = memchr(s + i + k, inj->rare_lc, full_stop - i);
            lo_done = !lo;
        }
        if (!up_done && (!up || up < s + i + k)) {
            up = memchr(s + i + k, inj->rare_uc, full_stop - i);
            up_done = !up;
        }
        h = lo_done ? (up_done ? NULL : up)
                    : (up_done || lo < up ? lo : up);
        if (!h) {
            break;
        }
        i = (apr_size_t)(h - s) - k;
        if (marker_at(inj, s + i, m) == MATCH) {
            *at = i;
            return MATCH;
        }
        ++i;
    }
    for (i = whole > from ? whole : from; !end && i < stop; ++i) {
        if (marker_at(inj, s + i, len - i) == PARTIAL) {
            *at = i;
            return PARTIAL;
        }
    }
    return NO_MATCH;
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

/* `word` (lower case, `n` bytes) and then a tag's end against the
 * `avail` bytes at `s`, ASCII case ignored; `delim` 0: no end needed. */
static match_e word_at(const unsigned char *s, apr_size_t avail,
                       const char *word, apr_size_t n, int delim)
{
    apr_size_t k;

    for (k = 0; k < n; ++k) {
        if (k == avail) {
            return PARTIAL;
        }
        if (lc(s[k]) != (unsigned char)word[k]) {
            return NO_MATCH;
        }
    }
    if (!delim) {
        return MATCH;
    }
    if (avail == n) {
        return PARTIAL;
    }
    return is_tag_end(s[n]) ? MATCH : NO_MATCH;
}

/* The first '<' in [pos, limit) of the `len` bytes at `s` that may start
 * something the scan reads ("<!", "<h", "</h", "</b", in any case; a
 * '<' whose next bytes are not there yet), else `limit`. Sixteen bytes at
 * a time where SSE2 is there: a page's "</div>" and "<a" cost nothing.
 * It may stop at a few more (a fold of '|' 0x20 makes 0x01 a '!'); the
 * scan looks again at each stop. */
static apr_size_t next_tag_start(const unsigned char *s, apr_size_t pos,
                                 apr_size_t limit, apr_size_t len)
{
#if defined(__SSE2__)
    const __m128i lt = _mm_set1_epi8('<'), fold = _mm_set1_epi8(0x20);
    const __m128i sl = _mm_set1_epi8('/'), ex = _mm_set1_epi8('!');
    const __m128i h = _mm_set1_epi8('h'), b = _mm_set1_epi8('b');

    /* s[pos + 17] is the last byte a block reads */
    while (pos < limit && pos + 18 <= len) {
        unsigned int m = (unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(
            _mm_loadu_si128((const __m128i *)(s + pos)), lt));

        if (m) {
            /* only a block with a '<' looks at the bytes after it */
            __m128i c1 = _mm_or_si128(
                _mm_loadu_si128((const __m128i *)(s + pos + 1)), fold);
            __m128i c2 = _mm_or_si128(
                _mm_loadu_si128((const __m128i *)(s + pos + 2)), fold);
            __m128i close = _mm_and_si128(
                _mm_cmpeq_epi8(c1, sl),
                _mm_or_si128(_mm_cmpeq_epi8(c2, h), _mm_cmpeq_epi8(c2, b)));
            __m128i next = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(c1, ex), _mm_cmpeq_epi8(c1, h)),
                close);

            m &= (unsigned int)_mm_movemask_epi8(next);
            if (m) {
                pos += __builtin_ctz(m);
                return pos < limit ? pos : limit;
            }
        }
        pos += 16;
    }
#endif
    for (; pos < limit; ++pos) {
        if (s[pos] == '<') {
            return pos;
        }
    }
    return limit;
}

/* The marker is looked for this far ahead of the '<' the scan stands at,
 * so that one memchr() serves many tags. */
#define MARKER_BLOCK 512

/* Looks for the first needle that starts in [from, limit) of the `len`
 * bytes at `s`, the stream's byte `base` being s[0]; comments and the
 * signs of a whole document change `st` as they pass. With `end`, no
 * more data will come: partial matches are dead and the search goes on
 * past them. *next is where a later scan of the data goes on. */
static ev_e scan(cg_inject_state_t *st, const unsigned char *s,
                 apr_size_t len, apr_size_t from, apr_size_t limit,
                 apr_off_t base, int end, apr_size_t *at, apr_size_t *next)
{
    /* the bytes after '<' that may start something: "</", "<!", "<h" */
    static const unsigned char wanted[256] = {
        ['/'] = 1, ['!'] = 1, ['h'] = 1, ['H'] = 1
    };
    const cg_inject_t *inj = st->inj;
    apr_size_t pos = from;
    /* the marker: no start before `mdone` is one; `mfound` is the first
     * start found after it, `mkind` what it is (NO_MATCH: none yet);
     * `mlook` is where to look again (never: (apr_size_t)-1) */
    apr_size_t mdone = inj->marker ? from : limit, mfound = (apr_size_t)-1;
    apr_size_t mlook = mdone < limit ? mdone : (apr_size_t)-1;
    match_e mkind = NO_MATCH, t;

    while (pos < limit) {
        const unsigned char *lt;
        apr_size_t stop;

        if (st->in_comment) {
            const unsigned char *d = memchr(s + pos, '-', limit - pos);

            if (!d) {
                pos = limit;
                break;
            }
            *at = d - s;
            t = word_at(d, len - *at, "-->", 3, 0);
            if (t == PARTIAL && !end) {
                *next = *at;
                return EV_PARTIAL;
            }
            pos = *at + (t == MATCH ? 3 : 1);
            if (t == MATCH) {
                st->in_comment = 0;
                /* the marker is looked for again from here */
                if (inj->marker && pos < limit) {
                    mdone = mlook = pos;
                }
            }
            continue;
        }
        stop = next_tag_start(s, pos, limit, len);
        lt = stop < limit ? s + stop : NULL;
        if (stop >= mlook) {
            apr_size_t to = stop + MARKER_BLOCK < limit ? stop + MARKER_BLOCK
                                                        : limit;
            mkind = marker_find(inj, s, mdone, to, len, end, &mfound);
            mdone = to;
            mlook = mkind == NO_MATCH && to < limit ? to : (apr_size_t)-1;
            if (mkind == NO_MATCH) {
                mfound = (apr_size_t)-1;
            }
        }
        /* the marker wins a tie with a tag that starts where it does */
        if (stop >= mfound) {
            *at = *next = mfound;
            return mkind == MATCH ? EV_NO_TAG : EV_PARTIAL;
        }
        if (!lt) {
            pos = limit;
            break;
        }
        pos = stop + 1;
        if (pos < len && !wanted[s[pos]]) {
            continue;
        }
        *at = stop;
        if (pos == len) {
            t = PARTIAL;
        }
        else if (s[pos] == '/') {
            /* "</title", "</script", "</div": not "</h" or "</b" */
            if (pos + 1 < len && (s[pos + 1] | 0x20) != 'h'
                && (s[pos + 1] | 0x20) != 'b') {
                continue;
            }
            t = tag_at(lt, len - stop);
            if (t == MATCH) {
                *next = stop;
                return st->document ? EV_AT : EV_NO_TAG;
            }
        }
        else if (s[pos] == '!') {
            /* the third byte tells a comment from a doctype */
            unsigned char c = pos + 1 < len ? s[pos + 1] : '-';

            if (c == '-') {
                t = word_at(lt, len - stop, "<!--", 4, 0);
                if (t == MATCH) {
                    /* "<!-->" and "<!--->" close where they open */
                    st->in_comment = 1;
                    pos = stop + 2;
                    mkind = NO_MATCH;
                    mfound = mlook = (apr_size_t)-1;
                    continue;
                }
            }
            else if ((c | 0x20) == 'd' && !st->document
                     && base + stop < DOC_NEAR) {
                t = word_at(lt, len - stop, "<!doctype html", DOCTYPE_LEN,
                            1);
                st->document = t == MATCH;
            }
            else {
                continue;
            }
        }
        else if ((s[pos] | 0x20) == 'h' && !st->document) {
            unsigned char c = pos + 1 < len ? (s[pos + 1] | 0x20) : 'e';

            if (c == 'e') {
                t = word_at(lt, len - stop, "<head", 5, 1);
            }
            else if (c == 't' && base + stop < DOC_NEAR) {
                t = word_at(lt, len - stop, "<html", 5, 1);
            }
            else {
                continue;
            }
            st->document = t == MATCH;
        }
        else {
            continue;
        }
        if (t == PARTIAL && !end) {
            *next = stop;
            return EV_PARTIAL;
        }
    }
    *next = pos;
    return EV_NONE;
}

cg_inject_state_t *cg_inject_start(apr_pool_t *p, const cg_inject_t *inj,
                                   const char *tag)
{
    apr_size_t cap = 2 * inj->max_keep + 2;
    /* one allocation a response: the state, its held bytes behind it */
    cg_inject_state_t *st = apr_pcalloc(p, sizeof(*st) + cap);

    st->inj = inj;
    st->tag = tag;
    st->tag_len = strlen(tag);
    st->cap = cap;
    st->held = (char *)(st + 1);
    return st;
}

int cg_span_add(cg_inject_span_t *spans, int n, cg_span_e kind,
                const char *data, apr_size_t len)
{
    if (len) {
        spans[n].kind = kind;
        spans[n].data = data;
        spans[n].len = len;
        ++n;
    }
    return n;
}

/* The spans of the last call are no longer needed: the held bytes move
 * to the front of the buffer. */
static void compact(cg_inject_state_t *st)
{
    if (st->held_off) {
        memmove(st->held, st->held + st->held_off, st->held_len);
        st->held_off = 0;
    }
}

/* The `total` bytes in the buffer scanned on their own (`end` as for
 * scan()) and emitted from it as far as they are decided. */
static int emit_held(cg_inject_state_t *st, apr_size_t total, int end,
                     cg_inject_span_t *spans)
{
    apr_size_t at = 0, next;
    ev_e ev = scan(st, (const unsigned char *)st->held, total, 0, total,
                   st->fed - st->held_len, end, &at, &next);
    int n = 0;

    if (ev == EV_PARTIAL) {
        n = cg_span_add(spans, n, CG_SPAN_HELD, st->held, at);
        st->held_off = at;
        st->held_len = total - at;
        return n;
    }
    if (ev != EV_AT) {
        at = total;
    }
    n = cg_span_add(spans, n, CG_SPAN_HELD, st->held, at);
    /* at the end, a document gets the tag unless a comment is still open */
    if (ev == EV_AT
        || (ev == EV_NONE && end && st->document && !st->in_comment)) {
        n = cg_span_add(spans, n, CG_SPAN_TAG, st->tag, st->tag_len);
        n = cg_span_add(spans, n, CG_SPAN_HELD, st->held + at, total - at);
    }
    st->held_len = 0;
    st->done = ev != EV_NONE || end;
    return n;
}

int cg_inject_feed(cg_inject_state_t *st, const char *data, apr_size_t len,
                   cg_inject_span_t *spans)
{
    apr_size_t at = 0, busy = 0, from = 0;
    int n = 0;
    ev_e ev;

    compact(st);
    if (st->done || !len) {
        st->fed += len;
        return cg_span_add(spans, 0, CG_SPAN_INPUT, data, len);
    }
    if (st->held_len) {
        apr_size_t hl = st->held_len, room = st->cap - hl;
        apr_size_t more = len < room ? len : room, next;

        memcpy(st->held + hl, data, more);
        if (more == len) {
            /* a short piece: it joins the held bytes */
            st->fed += len;
            st->held_len += len;
            return emit_held(st, hl + len, 0, spans);
        }
        /* the window reaches past every needle that starts in the held
         * bytes, so only they are looked at here, and never partially */
        ev = scan(st, (const unsigned char *)st->held, hl + more, 0, hl,
                  st->fed - hl, 0, &at, &next);
        st->held_len = 0;
        if (ev == EV_AT) {
            n = cg_span_add(spans, n, CG_SPAN_HELD, st->held, at);
            n = cg_span_add(spans, n, CG_SPAN_TAG, st->tag, st->tag_len);
            n = cg_span_add(spans, n, CG_SPAN_HELD, st->held + at, hl - at);
        }
        else {
            n = cg_span_add(spans, n, CG_SPAN_HELD, st->held, hl);
        }
        if (ev == EV_AT || ev == EV_NO_TAG) {
            st->done = 1;
            st->fed += len;
            return cg_span_add(spans, n, CG_SPAN_INPUT, data, len);
        }
        /* that span is read after this call: new held bytes go behind */
        busy = hl;
        /* a comment's end may reach into the data */
        from = next > hl ? next - hl : 0;
    }
    {
        apr_size_t next;

        ev = scan(st, (const unsigned char *)data, len, from, len, st->fed,
                  0, &at, &next);
    }
    st->fed += len;
    if (ev == EV_NONE) {
        return cg_span_add(spans, n, CG_SPAN_INPUT, data, len);
    }
    n = cg_span_add(spans, n, CG_SPAN_INPUT, data, ev == EV_NO_TAG ? len : at);
    if (ev == EV_PARTIAL) {
        memcpy(st->held + busy, data + at, len - at);
        st->held_off = busy;
        st->held_len = len - at;
        return n;
    }
    st->done = 1;
    if (ev == EV_AT) {
        n = cg_span_add(spans, n, CG_SPAN_TAG, st->tag, st->tag_len);
        n = cg_span_add(spans, n, CG_SPAN_INPUT, data + at, len - at);
    }
    return n;
}

int cg_inject_flush(cg_inject_state_t *st, cg_inject_span_t *spans)
{
    int n;

    compact(st);
    n = cg_span_add(spans, 0, CG_SPAN_HELD, st->held, st->held_len);
    st->held_len = 0;
    return n;
}

int cg_inject_finish(cg_inject_state_t *st, cg_inject_span_t *spans)
{
    compact(st);
    if (st->done) {
        return 0;
    }
    return emit_held(st, st->held_len, 1, spans);
}

int cg_inject_done(const cg_inject_state_t *st)
{
    return st->done;
}

apr_size_t cg_inject_held(const cg_inject_state_t *st)
{
    return st->held_len;
}

const char *cg_inject_tag(apr_pool_t *p, const char *endpoint)
{
    return apr_pstrcat(p, "<script src=\"", cg_html_escape(p, endpoint),
                       "/banner.js\" defer></script>", NULL);
}

/* The suffix that marks an injected response's entity tag; a variant
 * (the consent default's hash) follows it. */
#define ETAG_SUFFIX "-cg"

const char *cg_inject_etag(apr_pool_t *p, const char *etag)
{
    return cg_inject_etag_variant(p, etag, "");
}

const char *cg_inject_etag_variant(apr_pool_t *p, const char *etag,
                                   const char *variant)
{
    apr_size_t len = etag ? strlen(etag) : 0;

    apr_size_t vlen, slen = sizeof(ETAG_SUFFIX) - 1;
    char *out;

    if (len < 2 || etag[len - 1] != '"') {
        return NULL;
    }
    /* on every page it rewrites: one allocation, no apr_pstrcat() */
    vlen = strlen(variant);
    out = apr_palloc(p, len + slen + vlen + 1);
    memcpy(out, etag, len - 1);
    memcpy(out + len - 1, ETAG_SUFFIX, slen);
    memcpy(out + len - 1 + slen, variant, vlen);
    memcpy(out + len - 1 + slen + vlen, "\"", 2);
    return out;
}

const char *cg_inject_if_none_match(apr_pool_t *p, const char *inm)
{
    return cg_inject_if_none_match_variant(p, inm, "");
}

const char *cg_inject_if_none_match_variant(apr_pool_t *p, const char *inm,
                                            const char *variant)
{
    const char *suffix = apr_pstrcat(p, ETAG_SUFFIX, variant, NULL);
    apr_size_t slen = strlen(suffix);
    char *out, *o, *open = NULL;
    const char *c;
    int changed = 0;

    if (!inm) {
        return NULL;
    }
    o = out = apr_palloc(p, strlen(inm) + 1);
    for (c = inm; *c; ++c) {
        if (*c == '"' && !open) {
            open = o + 1;
        }
        else if (*c == '"') {
            /* a tag's opaque part has no '"': this one closes it */
            if ((apr_size_t)(o - open) >= slen
                && !memcmp(o - slen, suffix, slen)) {
                o -= slen;
                changed = 1;
            }
            open = NULL;
        }
        *o++ = *c;
    }
    *o = '\0';
    return changed ? out : NULL;
}
