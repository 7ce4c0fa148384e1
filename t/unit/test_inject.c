/* test_inject.c: unit tests (cmocka) for lib/cg_inject.c: where the
 * banner's <script> tag goes in a streamed HTML page ("</head", else an
 * earlier "</body", else the end), the marker of a page that loads the
 * banner itself, what a filter must hold between buckets, and that a
 * page split anywhere gives what the whole page gives. */
#include "unit.h"

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "cg_inject.h"

#define MARKER "/consentgate/banner.js"
#define TAG "<script src=\"/consentgate/banner.js\" defer></script>"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A document's first bytes: what most tests feed before their page, so
 * that it is one. */
#define DOC "<html>"

/* What one cg_inject_feed() of `len` bytes answers on a fresh scan of a
 * document (DOC fed before). */
typedef struct verdict_t {
    int done;           /* decided */
    int tagged;         /* the tag is among the spans */
    apr_size_t at;      /* bytes emitted before the tag */
    apr_size_t emitted; /* bytes of the data emitted */
    apr_size_t held;
} verdict_t;

static verdict_t feed_once(const cg_inject_t *inj, const char *buf,
                           apr_size_t len)
{
    apr_pool_t *p;
    cg_inject_state_t *st;
    cg_inject_span_t sp[CG_INJECT_MAX_SPANS];
    verdict_t v = { 0, 0, 0, 0, 0 };
    int n, i;

    apr_pool_create(&p, NULL);
    st = cg_inject_start(p, inj, TAG);
    n = cg_inject_feed(st, DOC, strlen(DOC), sp);
    assert_true(n == 1 && sp[0].len == strlen(DOC) && !cg_inject_held(st));
    n = cg_inject_feed(st, buf, len, sp);
    assert_in_range(n, 0, CG_INJECT_MAX_SPANS);
    for (i = 0; i < n; ++i) {
        if (sp[i].kind == CG_SPAN_TAG) {
            v.tagged++;
            v.at = v.emitted;
            continue;
        }
        /* a fresh scan holds nothing from before: its data only, in order */
        if (sp[i].kind != CG_SPAN_INPUT || sp[i].data != buf + v.emitted) {
            fail_tap("'%.*s': span %d is not the next piece of the data",
                     (int)len, buf, i);
        }
        v.emitted += sp[i].len;
    }
    v.done = cg_inject_done(st);
    v.held = cg_inject_held(st);
    if (v.emitted + v.held != len || v.tagged > 1
        || v.held > cg_inject_max_keep(inj)) {
        fail_tap("'%.*s': %zu emitted, %zu held, %d tags, max_keep %zu",
                 (int)len, buf, v.emitted, v.held, v.tagged,
                 cg_inject_max_keep(inj));
    }
    apr_pool_destroy(p);
    return v;
}

typedef enum { MORE, AT, PRESENT } want_e;

/* Fails unless one feed of `buf` decides `want`: AT with the tag before
 * buf[want_at]; PRESENT with nothing inserted; MORE with the last
 * `want_keep` bytes held. */
static void expect_scan_len(const cg_inject_t *inj, const char *buf,
                            apr_size_t len, want_e want, apr_size_t want_at,
                            apr_size_t want_keep)
{
    verdict_t v = feed_once(inj, buf, len);
    int ok;

    switch (want) {
    case AT:
        ok = v.done && v.tagged && v.at == want_at && !v.held;
        break;
    case PRESENT:
        ok = v.done && !v.tagged && !v.held;
        break;
    default:
        ok = !v.done && !v.tagged && v.held == want_keep;
        break;
    }
    if (!ok) {
        fail_tap("'%.*s': done %d tag %d at %zu held %zu, expected %s at %zu "
                 "keep %zu", (int)len, buf, v.done, v.tagged, v.at, v.held,
                 want == AT ? "AT" : want == PRESENT ? "PRESENT" : "MORE",
                 want_at, want_keep);
    }
}

static void expect_scan(const cg_inject_t *inj, const char *buf,
                        want_e want, apr_size_t want_at, apr_size_t want_keep)
{
    expect_scan_len(inj, buf, strlen(buf), want, want_at, want_keep);
}

/* `buf` has its insertion point at `at`, found in one go. */
static void expect_at(const cg_inject_t *inj, const char *buf, apr_size_t at)
{
    expect_scan(inj, buf, AT, at, 0);
}

/* `buf` holds nothing, not even the start of something. */
static void expect_nothing(const cg_inject_t *inj, const char *buf)
{
    expect_scan(inj, buf, MORE, 0, 0);
}

/* `buf` ends in the start of a needle, `keep` bytes long. */
static void expect_keep(const cg_inject_t *inj, const char *buf,
                        apr_size_t keep)
{
    expect_scan(inj, buf, MORE, 0, keep);
}

/* ---- the streaming filter, simulated ---- */

/* Appends the spans of one call to `out`; the CG_SPAN_INPUT spans must be
 * the chunk's bytes from its start on, in order. */
static void take(const cg_inject_span_t *sp, int n, const char *chunk,
                 const char *tag, char *out, apr_size_t *olen, int *inserted)
{
    apr_size_t used = 0;
    int i;

    assert_in_range(n, 0, CG_INJECT_MAX_SPANS);
    for (i = 0; i < n; ++i) {
        if (sp[i].kind == CG_SPAN_INPUT && sp[i].data != chunk + used) {
            fail_tap("span %d: not the chunk's next bytes", i);
        }
        if (sp[i].kind == CG_SPAN_INPUT) {
            used += sp[i].len;
        }
        if (sp[i].kind == CG_SPAN_TAG) {
            ++*inserted;
            assert_ptr_equal(sp[i].data, tag);
        }
        memcpy(out + *olen, sp[i].data, sp[i].len);
        *olen += sp[i].len;
    }
}

/* What the output filter does: each chunk is fed, the spans are emitted,
 * and at the end what is held is finished. `cuts` are the chunk
 * boundaries, ascending (equal ones make empty chunks). The output is a
 * pool string; *inserted counts the tags put in. */
static const char *stream(apr_pool_t *p, const cg_inject_t *inj,
                          const char *tag, const char *page,
                          const apr_size_t *cuts, int ncuts, int *inserted)
{
    apr_size_t len = strlen(page), olen = 0, from = 0;
    char *out = apr_palloc(p, len + 2 * strlen(tag) + 1);
    cg_inject_state_t *st = cg_inject_start(p, inj, tag);
    cg_inject_span_t sp[CG_INJECT_MAX_SPANS];
    int c;

    *inserted = 0;
    for (c = 0; c <= ncuts; ++c) {
        apr_size_t to = c < ncuts ? cuts[c] : len;

        take(sp, cg_inject_feed(st, page + from, to - from, sp), page + from,
             tag, out, &olen, inserted);
        if (cg_inject_held(st) > cg_inject_max_keep(inj)) {
            fail_tap("'%s': %zu held, max_keep %zu", page,
                     cg_inject_held(st), cg_inject_max_keep(inj));
        }
        from = to;
    }
    take(sp, cg_inject_finish(st, sp), NULL, tag, out, &olen, inserted);
    assert_true(cg_inject_done(st));
    assert_int_equal(cg_inject_held(st), 0);
    out[olen] = '\0';
    return out;
}

/* The page as one chunk. */
static const char *one_shot(apr_pool_t *p, const cg_inject_t *inj,
                            const char *tag, const char *page)
{
    int inserted;

    return stream(p, inj, tag, page, NULL, 0, &inserted);
}

/* Every split of `page` into two chunks (and into three, when short)
 * gives the one-shot output. */
static void expect_streams_like_one_shot(apr_pool_t *p,
                                         const cg_inject_t *inj,
                                         const char *page)
{
    apr_pool_t *sub;
    const char *whole = one_shot(p, inj, "<TAG>", page);
    apr_size_t len = strlen(page), cuts[2];
    int inserted;

    apr_pool_create(&sub, p);
    for (cuts[0] = 0; cuts[0] <= len; ++cuts[0]) {
        const char *out;

        apr_pool_clear(sub);
        out = stream(sub, inj, "<TAG>", page, cuts, 1, &inserted);

        if (strcmp(out, whole)) {
            fail_tap("'%s' cut at %zu: '%s', whole: '%s'", page, cuts[0],
                     out, whole);
        }
        if (inserted > 1) {
            fail_tap("'%s' cut at %zu: %d tags", page, cuts[0], inserted);
        }
        if (len > 160) {
            continue;
        }
        for (cuts[1] = cuts[0]; cuts[1] <= len; ++cuts[1]) {
            out = stream(sub, inj, "<TAG>", page, cuts, 2, &inserted);
            if (strcmp(out, whole)) {
                fail_tap("'%s' cut at %zu and %zu: '%s', whole: '%s'", page,
                         cuts[0], cuts[1], out, whole);
            }
        }
    }
    apr_pool_destroy(sub);
}

/* ---- insertion points ---- */

static void head_found(void **state)
{
    cg_inject_t *inj = cg_inject_make(*state, MARKER);

    expect_at(inj, "<html><head><title>t</title></head><body></body></html>",
              28);
    expect_at(inj, "</head>", 0);
    expect_at(inj, "<head><script src=\"/app.js\"></script></head>", 37);
    /* the first one, even if a page has two */
    expect_at(inj, "<p></head></head>", 3);
}

static void body_used_when_no_head(void **state)
{
    cg_inject_t *inj = cg_inject_make(*state, MARKER);

    expect_at(inj, "<html><body><p>hi</p></body></html>", 21);
    expect_at(inj, "<p>no head at all</body>", 17);
}

static void earlier_body_wins(void **state)
{
    cg_inject_t *inj = cg_inject_make(*state, MARKER);

    /* "</head" may still come after it, but a streaming filter cannot wait
     * for the whole page to find out */
    expect_at(inj, "<p>x</p></body></head>", 8);
}

static void neither_means_the_end(void **state)
{
    cg_inject_t *inj = cg_inject_make(*state, MARKER);
    const char *page = "<html><p>nothing to go by</p></html>";

    expect_nothing(inj, page);
    assert_string_equal(one_shot(*state, inj, TAG, page),
                        apr_pstrcat(*state, page, TAG, NULL));
    assert_string_equal(one_shot(*state, inj, TAG, DOC "<p>x</p>"),
                        DOC "<p>x</p>" TAG);
}

static void tag_names_case_insensitive(void **state)
{
    cg_inject_t *inj = cg_inject_make(*state, MARKER);

    expect_at(inj, "x</HEAD >", 1);
    expect_at(inj, "x</Head\n>", 1);
    expect_at(inj, "x</hEaD>", 1);
    expect_at(inj, "x</BODY>", 1);
    expect_at(inj, "x</bOdY\t>", 1);
}

static void every_delimiter_counts(void **state)
{
    cg_inject_t *inj = cg_inject_make(*state, MARKER);
    static const char delims[] = ">/ \t\n\r\f";
    const char *d;

    for (d = delims; *d; ++d) {
        expect_at(inj, apr_psprintf(*state, "ab</head%cxyz", *d), 2);
        expect_at(inj, apr_psprintf(*state, "ab</body%cxyz", *d), 2);
    }
}

static void lookalikes_rejected(void **state)
{
    cg_inject_t *inj = cg_inject_make(*state, MARKER);
    static const char *const pages[] = {
        "</header>", "</bodyx", "</bodyguard>", "</heads>", "</head-x>",
        "</head:x>", "</head\v>", "</hea>", "</bod>", "< /head>", "</ head>",
        "<head>", "<body>", "<\\head>", "<!head>", "</hexad>", "</he ad>",
        "</he\xc3\xa4" "d>", "</ｈead>",
    };
    apr_size_t i;

    for (i = 0; i < N(pages); ++i) {
        expect_nothing(inj, pages[i]);
    }
    /* and one after them still counts */
    expect_at(inj, "<header></header></bodyguard></body>", 29);
}

static void nul_is_data(void **state)
{
    cg_inject_t *inj = cg_inject_make(*state, MARKER);

    /* bodies are bytes, not C strings */
    expect_scan_len(inj, "a\0b</head>", 10, AT, 3, 0);
    expect_scan_len(inj, "</head\0>", 8, MORE, 0, 0);
}

/* ---- what is held between chunks ---- */

static void partial_tag_kept_for_every_prefix(void **state)
{
    cg_inject_t *inj = cg_inject_make(*state, MARKER);
    static const char *const needles[] = { "</head", "</body", "</HEAD",
                                           "</BoDy" };
    apr_size_t i, k;

    for (i = 0; i < N(needles); ++i) {
        for (k = 1; k <= 6; ++k) {
            const char *pre = apr_pstrndup(*state, needles[i], k);

            expect_keep(inj, apr_pstrcat(*state, "abc", pre, NULL), k);
            expect_keep(inj, pre, k);
            /* completed, the same bytes are an insertion point */
            expect_at(inj, apr_pstrcat(*state, "abc", pre, needles[i] + k,
                                       ">", NULL), 3);
        }
    }
}

static void partial_marker_kept_for_every_prefix(void **state)
{
    cg_inject_t *inj = cg_inject_make(*state, MARKER);
    static const char *const markers[] = { MARKER, "/CONSENTGATE/BANNER.JS",
                                           "/ConsentGate/Banner.js" };
    apr_size_t i, k;

    for (i = 0; i < N(markers); ++i) {
        for (k = 1; k < strlen(MARKER); ++k) {
            const char *pre = apr_pstrndup(*state, markers[i], k);

            expect_keep(inj, apr_pstrcat(*state, "<p>src=\"", pre, NULL), k);
        }
    }
}

static void longest_partial_kept(void **state)
{
    cg_inject_t *inj = cg_inject_make(*state, MARKER);
    cg_inject_t *odd = cg_inject_make(*state, "<<x");
    cg_inject_t *head = cg_inject_make(*state, "/h");

    /* "</c" starts no tag, but "/consentg" may start the marker */
    expect_keep(inj, "x</consentg", 9);
    expect_keep(inj, "x/</", 2);
    /* "<<" may start the marker, "<" a tag: the longer is held */
    expect_keep(odd, "ab<<", 2);
    /* the complete marker "/h" starts after the tag that may come */
    expect_keep(head, "ab</h", 3);
    expect_keep(head, "ab</he", 4);
    expect_scan(head, "ab</hx", PRESENT, 3, 0);
}

static void keep_never_exceeds_max_keep(void **state)
{
    static const char *const markers[] = { NULL, "", "/", "/h", MARKER,
                                           "<script src=\"/x/banner.js\"",
                                           "</head>x", "aaaaaaaaaaaa" };
    static const char *const pages[] = {
        "<html><head></head><body></body>", "/consentgate/banner.j",
        "<script src=\"/x/banner.j", "</head", "</body", "aaaaaaaaaaa",
        "</head>", "</bod</hea</", "<<<<<<<<<<<<",
    };
    apr_size_t m, i, s;

    /* "<!doctype html" less its delimiter, or the marker less a byte */
    assert_int_equal(cg_inject_max_keep(cg_inject_make(*state, NULL)), 14);
    assert_int_equal(cg_inject_max_keep(cg_inject_make(*state, "")), 14);
    assert_int_equal(cg_inject_max_keep(cg_inject_make(*state, "/h")), 14);
    assert_int_equal(cg_inject_max_keep(cg_inject_make(*state,
                                        "123456789012345")), 14);
    assert_int_equal(cg_inject_max_keep(cg_inject_make(*state,
                                        "1234567890123456")), 15);
    assert_int_equal(cg_inject_max_keep(cg_inject_make(*state, MARKER)),
                     strlen(MARKER) - 1);
    for (m = 0; m < N(markers); ++m) {
        cg_inject_t *inj = cg_inject_make(*state, markers[m]);

        for (i = 0; i < N(pages); ++i) {
            /* every suffix of every prefix: every way a chunk can end */
            for (s = 0; s <= strlen(pages[i]); ++s) {
                apr_size_t e;

                for (e = s; e <= strlen(pages[i]); ++e) {
                    /* feed_once() fails beyond cg_inject_max_keep() */
                    feed_once(inj, pages[i] + s, e - s);
                }
            }
        }
    }
}

static void empty_buffer(void **state)
{
    cg_inject_t *inj = cg_inject_make(*state, MARKER);
    cg_inject_state_t *st = cg_inject_start(*state, inj, TAG);
    cg_inject_span_t sp[CG_INJECT_MAX_SPANS];

    expect_nothing(inj, "");
    /* a filter may well have no data pointer for no data */
    assert_int_equal(cg_inject_feed(st, NULL, 0, sp), 0);
    assert_false(cg_inject_done(st));
    /* nothing is no document */
    assert_int_equal(cg_inject_finish(st, sp), 0);
    assert_true(cg_inject_done(st));
    assert_string_equal(one_shot(*state, inj, TAG, ""), "");
    assert_string_equal(one_shot(*state, inj, TAG, DOC), DOC TAG);
}

/* ---- the marker ---- */

static void marker_before_head_present(void **state)
{
    cg_inject_t *inj = cg_inject_make(*state, MARKER);

    expect_scan(inj, "<head><script src=\"/consentgate/banner.js\" defer>"
                "</script></head>", PRESENT, 19, 0);
    expect_scan(inj, "/consentgate/banner.js", PRESENT, 0, 0);
    /* anywhere before the insertion point */
    expect_scan(inj, "x/consentgate/banner.js</body>", PRESENT, 1,
                0);
}

static void marker_after_head_inserts(void **state)
{
    cg_inject_t *inj = cg_inject_make(*state, MARKER);

    expect_at(inj, "<head></head><script src=\"/consentgate/banner.js\">",
              6);
    expect_at(inj, "</body>/consentgate/banner.js", 0);
}

static void marker_case_insensitive(void **state)
{
    cg_inject_t *inj = cg_inject_make(*state, "/ConsentGate/Banner.js");

    expect_scan(inj, "x/CONSENTGATE/BANNER.JS", PRESENT, 1, 0);
    expect_scan(inj, "x/consentgate/banner.js", PRESENT, 1, 0);
    /* a near miss is no marker */
    expect_at(inj, "/consentgate/banner.jx</head>", 22);
    expect_at(inj, "/consentgate-banner.js</head>", 22);
}

static void no_marker_always_inserts(void **state)
{
    cg_inject_t *none = cg_inject_make(*state, NULL);
    cg_inject_t *empty = cg_inject_make(*state, "");

    expect_at(none, "/consentgate/banner.js</head>", 22);
    expect_at(empty, "/consentgate/banner.js</head>", 22);
    expect_keep(none, "/consentgate/banner.j", 0);
}

static void marker_wins_a_tie(void **state)
{
    cg_inject_t *exact = cg_inject_make(*state, "</head>");
    cg_inject_t *longer = cg_inject_make(*state, "</head><x");

    expect_scan(exact, "a</head>", PRESENT, 1, 0);
    /* the marker may still complete, so "</head>" cannot decide yet */
    expect_keep(longer, "a</head>", 7);
    expect_keep(longer, "a</head><", 8);
    expect_scan(longer, "a</head><x", PRESENT, 1, 0);
    expect_at(longer, "a</head><y", 1);
}

static void end_of_stream_finds_what_partials_hid(void **state)
{
    cg_inject_t *longer = cg_inject_make(*state, "</head><x");
    cg_inject_t *inner = cg_inject_make(*state, "head");
    cg_inject_t *plain = cg_inject_make(*state, MARKER);

    /* with no more data the marker cannot complete: the tag counts */
    assert_string_equal(one_shot(*state, longer, "<T>", DOC "a</head>"),
                        DOC "a<T></head>");
    /* held for the tag "</head", but the marker "head" is in it */
    assert_string_equal(one_shot(*state, inner, "<T>", DOC "</head"),
                        DOC "</head");
    /* the usual marker hides nothing: the end it is */
    assert_string_equal(one_shot(*state, plain, "<T>",
                                 DOC "/consentgate/banner.j"),
                        DOC "/consentgate/banner.j<T>");
    assert_string_equal(one_shot(*state, plain, "<T>", DOC "</head"),
                        DOC "</head<T>");
}

/* ---- documents and comments ---- */

static void fragments_get_no_tag(void **state)
{
    cg_inject_t *inj = cg_inject_make(*state, MARKER);
    static const char *const pages[] = {
        "<p>x</p>", "<div>x</div></body>", "<p>x</p></head><body>",
        "<header>x</header>", "<htmlx></body>", "<!doctype htmlx></body>",
        "<!doctypehtml></body>", "text only", "<HEADER></BODY>",
    };
    apr_size_t i;

    for (i = 0; i < N(pages); ++i) {
        const char *out = one_shot(*state, inj, "<T>", pages[i]);
        if (strcmp(out, pages[i])) {
            fail_tap("fragment '%s' became '%s'", pages[i], out);
        }
    }
}

static void documents_recognised(void **state)
{
    cg_inject_t *inj = cg_inject_make(*state, MARKER);
    char *late = apr_palloc(*state, 3000);

    assert_string_equal(one_shot(*state, inj, "<T>", "<!DOCTYPE html><p>x"),
                        "<!DOCTYPE html><p>x<T>");
    assert_string_equal(one_shot(*state, inj, "<T>",
                                 "<!doctype HTML PUBLIC \"x\"></body>"),
                        "<!doctype HTML PUBLIC \"x\"><T></body>");
    assert_string_equal(one_shot(*state, inj, "<T>",
                                 "\n<HTML lang=en><p>x</p></BODY>"),
                        "\n<HTML lang=en><p>x</p><T></BODY>");
    assert_string_equal(one_shot(*state, inj, "<T>", "<head></head>"),
                        "<head><T></head>");
    assert_string_equal(one_shot(*state, inj, "<T>", "<head/></body>"),
                        "<head/><T></body>");
    /* "<html" only near the start; "<head" anywhere */
    memset(late, ' ', 2000);
    strcpy(late + 2000, "<html><p>x</p></body>");
    assert_string_equal(one_shot(*state, inj, "<T>", late), late);
    strcpy(late + 2000, "<head></head>");
    assert_string_equal(one_shot(*state, inj, "<T>", late),
                        apr_pstrcat(*state, apr_pstrndup(*state, late, 2006),
                                    "<T></head>", NULL));
}

static void comments_skipped(void **state)
{
    cg_inject_t *inj = cg_inject_make(*state, MARKER);

    /* nothing in a comment counts: no end tag, no marker, no document */
    assert_string_equal(one_shot(*state, inj, "<T>",
                                 DOC "<!-- </head> --></head>"),
                        DOC "<!-- </head> --><T></head>");
    assert_string_equal(one_shot(*state, inj, "<T>",
                                 DOC "<!-- " MARKER " --></head>"),
                        DOC "<!-- " MARKER " --><T></head>");
    assert_string_equal(one_shot(*state, inj, "<T>",
                                 "<!-- <html> --><p>x</p></body>"),
                        "<!-- <html> --><p>x</p></body>");
    /* a comment ends at the first "-->", "<!-->" and "<!--->" at once */
    assert_string_equal(one_shot(*state, inj, "<T>",
                                 DOC "<!-- a -- b -> --></body>"),
                        DOC "<!-- a -- b -> --><T></body>");
    assert_string_equal(one_shot(*state, inj, "<T>", DOC "<!--></head>"),
                        DOC "<!--><T></head>");
    assert_string_equal(one_shot(*state, inj, "<T>", DOC "<!---></head>"),
                        DOC "<!---><T></head>");
    assert_string_equal(one_shot(*state, inj, "<T>",
                                 DOC "<!----></head>"),
                        DOC "<!----><T></head>");
    /* open at the end: no tag at the end either */
    assert_string_equal(one_shot(*state, inj, "<T>",
                                 DOC "<p>x<!-- </head> </body>"),
                        DOC "<p>x<!-- </head> </body>");
    assert_string_equal(one_shot(*state, inj, "<T>", DOC "<p>x<!-- a --"),
                        DOC "<p>x<!-- a --");
    /* without a marker, what follows a comment is still looked at */
    assert_string_equal(one_shot(*state, cg_inject_make(*state, NULL), "<T>",
                                 DOC "<!-- x -->y"), DOC "<!-- x -->y<T>");
    /* "<!-" is no comment */
    assert_string_equal(one_shot(*state, inj, "<T>", DOC "<!- x></head>"),
                        DOC "<!- x><T></head>");
}

static void comment_across_pieces(void **state)
{
    cg_inject_t *inj = cg_inject_make(*state, MARKER);
    const char *page = DOC "<!-- </head> -->x</head>";
    const char *want = DOC "<!-- </head> -->x<T></head>";
    apr_size_t cuts[2], len = strlen(page);
    int inserted;

    for (cuts[0] = 0; cuts[0] <= len; ++cuts[0]) {
        for (cuts[1] = cuts[0]; cuts[1] <= len; ++cuts[1]) {
            const char *out = stream(*state, inj, "<T>", page, cuts, 2,
                                     &inserted);
            if (strcmp(out, want)) {
                fail_tap("cut at %zu and %zu: '%s'", cuts[0], cuts[1], out);
            }
        }
    }
}

/* ---- entity tags ---- */

static void etag_variant(void **state)
{
    apr_pool_t *p = *state;

    assert_string_equal(cg_inject_etag(p, "\"abc\""), "\"abc-cg\"");
    assert_string_equal(cg_inject_etag(p, "W/\"abc\""), "W/\"abc-cg\"");
    assert_string_equal(cg_inject_etag(p, "\"\""), "\"-cg\"");
    assert_null(cg_inject_etag(p, NULL));
    assert_null(cg_inject_etag(p, "abc"));
    assert_null(cg_inject_etag(p, "\""));
}

static void if_none_match_translated_back(void **state)
{
    apr_pool_t *p = *state;

    assert_string_equal(cg_inject_if_none_match(p, "\"abc-cg\""), "\"abc\"");
    assert_string_equal(cg_inject_if_none_match(p, "W/\"abc-cg\""),
                        "W/\"abc\"");
    assert_string_equal(cg_inject_if_none_match(p,
                        "\"x\", W/\"abc-cg\" ,\"d-cg\""),
                        "\"x\", W/\"abc\" ,\"d\"");
    /* round trip */
    assert_string_equal(cg_inject_if_none_match(p,
                        cg_inject_etag(p, "\"5f-61a\"")), "\"5f-61a\"");
    /* nothing to change */
    assert_null(cg_inject_if_none_match(p, "\"abc\""));
    assert_null(cg_inject_if_none_match(p, "*"));
    assert_null(cg_inject_if_none_match(p, "\"abc-gzip\""));
    assert_null(cg_inject_if_none_match(p, "\"cg\""));
    assert_null(cg_inject_if_none_match(p, NULL));
}

/* a page whose inserted bytes depend on the visitor: only the variant
 * made for this visitor's state validates */
static void etag_of_a_visitor_variant(void **state)
{
    apr_pool_t *p = *state;

    assert_string_equal(cg_inject_etag_variant(p, "\"abc\"", "0badf00d"),
                        "\"abc-cg0badf00d\"");
    assert_string_equal(cg_inject_if_none_match_variant(p,
                        "W/\"abc-cg0badf00d\"", "0badf00d"), "W/\"abc\"");
    assert_null(cg_inject_if_none_match_variant(p, "\"abc-cg0badf00d\"",
                                                "12345678"));
    assert_null(cg_inject_if_none_match_variant(p, "\"abc-cg\"",
                                                "0badf00d"));
    assert_null(cg_inject_if_none_match(p, "\"abc-cg0badf00d\""));
}

/* ---- the tag ---- */

static void tag_for_endpoint(void **state)
{
    assert_string_equal(cg_inject_tag(*state, "/consentgate"), TAG);
    assert_string_equal(cg_inject_tag(*state, "/cg/v2"),
                        "<script src=\"/cg/v2/banner.js\" defer></script>");
    assert_string_equal(cg_inject_tag(*state, ""),
                        "<script src=\"/banner.js\" defer></script>");
}

static void tag_escaped(void **state)
{
    assert_string_equal(cg_inject_tag(*state, "/a&b<c>\"d'e"),
                        "<script src=\"/a&amp;b&lt;c&gt;&quot;d&#39;e"
                        "/banner.js\" defer></script>");
    assert_string_equal(cg_inject_tag(*state, "/\"><script>alert(1)</script>"),
                        "<script src=\"/&quot;&gt;&lt;script&gt;alert(1)"
                        "&lt;/script&gt;/banner.js\" defer></script>");
    assert_string_equal(cg_inject_tag(*state, "/&&"),
                        "<script src=\"/&amp;&amp;/banner.js\" defer>"
                        "</script>");
}

/* ---- streaming ---- */

static void streaming_expected_output(void **state)
{
    cg_inject_t *inj = cg_inject_make(*state, MARKER);
    static const apr_size_t cuts[] = { 3, 4, 5, 6, 7, 9, 10, 11, 12, 13 };
    int inserted;

    assert_string_equal(stream(*state, inj, "<T>", DOC "<p></head>", cuts,
                               N(cuts), &inserted), DOC "<p><T></head>");
    assert_int_equal(inserted, 1);
    assert_string_equal(stream(*state, inj, "<T>", DOC "<p></header>", cuts,
                               N(cuts), &inserted), DOC "<p></header><T>");
    assert_int_equal(inserted, 1);
    assert_string_equal(stream(*state, inj, "<T>",
                               DOC "/consentgate/banner.js", cuts, N(cuts),
                               &inserted), DOC "/consentgate/banner.js");
    assert_int_equal(inserted, 0);
}

static void streaming_equals_one_shot(void **state)
{
    static const char *const markers[] = { MARKER, NULL, "</head>x",
                                           "head", "<<x" };
    static const char *const pages[] = {
        "",
        "<html><head><title>t</title></head><body><p>hi</p></body></html>",
        "<html><body><p>no head</p></BODY>\n</html>",
        "<p>neither</p>",
        "<head><script src=\"/consentgate/banner.js\" defer></script></head>",
        "<head></head><script src=\"/ConsentGate/Banner.JS\"></script>",
        "</hea</bod</head\v</header></bodyguard></HEAD\f>",
        "/consentgate/banner.j/consentgate/banner.js</head>",
        "/consentgate/banner.j</head>",
        "<</</h</he</hea</head</body",
        "a</head><x</head>",
        "<<<x",
        "</head",
        "<",
        "<!DOCTYPE html><p>no end tags",
        "<html><!-- </head> --></head>",
        "<html><!-- /consentgate/banner.js --></head>",
        "<html><!--></head>",
        "<html><!---></head>",
        "<html><!-- --!> -- -> </head> -->x</body>",
        "<html><!-- never closed </head>",
        "<!-- <html> --><p>x</p>",
        "<p>x</p></body>",
        "<!doctype htmlx><head></head>",
        "<head ><!--<!-- --></HEAD>",
    };
    apr_size_t m, i;

    for (m = 0; m < N(markers); ++m) {
        cg_inject_t *inj = cg_inject_make(*state, markers[m]);

        for (i = 0; i < N(pages); ++i) {
            expect_streams_like_one_shot(*state, inj, pages[i]);
        }
    }
}

static void streaming_long_page(void **state)
{
    cg_inject_t *inj = cg_inject_make(*state, MARKER);
    apr_size_t n = 64 * 1024, i, cuts[64];
    char *page = apr_palloc(*state, n + 1);
    const char *whole, *out;
    int inserted;

    /* a document of markup without a needle, then "</head>" near the end */
    for (i = 0; i < n; ++i) {
        page[i] = "<p/a>x/ </hea"[i % 13];
    }
    memcpy(page, DOC, strlen(DOC));
    memcpy(page + n - 100, "</head>", 7);
    page[n] = '\0';
    whole = one_shot(*state, inj, "<T>", page);
    assert_memory_equal(whole + n - 100, "<T></head>", 10);
    /* buckets of 8000 bytes, as from a file, and odd sizes */
    for (i = 0; i < N(cuts); ++i) {
        cuts[i] = (i + 1) * 1021;
    }
    out = stream(*state, inj, "<T>", page, cuts, N(cuts), &inserted);
    assert_string_equal(out, whole);
    for (i = 0; i < 8; ++i) {
        cuts[i] = (i + 1) * 8000;
    }
    out = stream(*state, inj, "<T>", page, cuts, 8, &inserted);
    assert_string_equal(out, whole);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CG_TEST(head_found),
        CG_TEST(body_used_when_no_head),
        CG_TEST(earlier_body_wins),
        CG_TEST(neither_means_the_end),
        CG_TEST(tag_names_case_insensitive),
        CG_TEST(every_delimiter_counts),
        CG_TEST(lookalikes_rejected),
        CG_TEST(nul_is_data),
        CG_TEST(partial_tag_kept_for_every_prefix),
        CG_TEST(partial_marker_kept_for_every_prefix),
        CG_TEST(longest_partial_kept),
        CG_TEST(keep_never_exceeds_max_keep),
        CG_TEST(empty_buffer),
        CG_TEST(marker_before_head_present),
        CG_TEST(marker_after_head_inserts),
        CG_TEST(marker_case_insensitive),
        CG_TEST(no_marker_always_inserts),
        CG_TEST(marker_wins_a_tie),
        CG_TEST(end_of_stream_finds_what_partials_hid),
        CG_TEST(fragments_get_no_tag),
        CG_TEST(documents_recognised),
        CG_TEST(comments_skipped),
        CG_TEST(comment_across_pieces),
        CG_TEST(etag_variant),
        CG_TEST(if_none_match_translated_back),
        CG_TEST(etag_of_a_visitor_variant),
        CG_TEST(tag_for_endpoint),
        CG_TEST(tag_escaped),
        CG_TEST(streaming_expected_output),
        CG_TEST(streaming_equals_one_shot),
        CG_TEST(streaming_long_page),
    };
    CG_RUN_GROUP("inject", tests);
}
