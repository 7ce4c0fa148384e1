/* cg_pixel.c: anonymous counting for the no-cookie pixel. The visitor
 * hash follows the daily-salt idea of Matomo's config_id: a keyed hash
 * whose key lives in memory for one day only, so yesterday's hashes can
 * never be linked to today's and nothing stored identifies anyone. */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <apr_strings.h>
#include <apr_lib.h>
#include <apr_general.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
#include <openssl/core_names.h>
#include <openssl/params.h>
#endif

#include "cg_pixel.h"
#include "cg_json.h"

const unsigned char cg_pixel_gif[CG_PIXEL_GIF_LEN] = {
    'G', 'I', 'F', '8', '9', 'a', 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00,
    0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00,
    0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
    0x02, 0x02, 0x44, 0x01, 0x00, 0x3b
};

/* ASCII lower case: User-Agents are ASCII, and this must not depend on
 * the locale. */
static APR_INLINE int lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Does `s` start with `mark` (lower case), ignoring case? */
static int starts_nocase(const char *s, const char *mark)
{
    for (; *mark; ++s, ++mark) {
        if (lower((unsigned char)*s) != (unsigned char)*mark) {
            return 0;
        }
    }
    return 1;
}

static int contains_nocase(const char *hay, const char *needle)
{
    for (; *hay; ++hay) {
        if (starts_nocase(hay, needle)) {
            return 1;
        }
    }
    return 0;
}

/* Is there a bot's mark at `s`? Marks are found in any case, "bot" when it
 * is written "bot" or "Bot" ("Googlebot", "AhrefsBot") or ends a word in
 * any case ("GOOGLEBOT/2.1", "BINGBOT"), but not in a phone called
 * "CUBOT P50". One switch on the first letter, so a User-Agent is read
 * once and a mark compared only where it may start. */
static int bot_mark_at(const char *s)
{
    switch (lower((unsigned char)*s)) {
    case 'b':
        if (lower((unsigned char)s[1]) != 'o'
            || lower((unsigned char)s[2]) != 't') {
            return 0;
        }
        return ((s[0] == 'b' || s[0] == 'B') && s[1] == 'o' && s[2] == 't')
            || s[3] == '\0' || strchr("/;)-_", s[3]) != NULL;
    case 'c':
        return starts_nocase(s, "crawl");
    case 'f':
        return starts_nocase(s, "facebookexternalhit");
    case 'h':
        return starts_nocase(s, "headless");
    case 'l':
        return starts_nocase(s, "lighthouse");
    case 'm':
        return starts_nocase(s, "mediapartners");
    case 'p':
        return starts_nocase(s, "preview")
            || starts_nocase(s, "python-requests");
    case 's':
        return starts_nocase(s, "spider") || starts_nocase(s, "slurp");
    case 'w':
        return starts_nocase(s, "wget");
    default:
        return 0;
    }
}

int cg_is_bot(const char *ua)
{
    if (!ua || !*ua) {
        return 1;
    }
    for (; *ua; ++ua) {
        if (bot_mark_at(ua)) {
            return 1;
        }
    }
    return 0;
}

int cg_is_prefetch(const char *sec_purpose, const char *purpose,
                   const char *x_moz)
{
    const char *h[3];
    int i;

    h[0] = sec_purpose;
    h[1] = purpose;
    h[2] = x_moz;
    for (i = 0; i < 3; ++i) {
        if (h[i] && (contains_nocase(h[i], "prefetch")
                     || contains_nocase(h[i], "prerender"))) {
            return 1;
        }
    }
    return 0;
}

static void zero_tail(unsigned char *addr, int len, int bits)
{
    int i;

    if (bits > len * 8) {
        bits = len * 8;
    }
    for (i = len - 1; bits > 0 && i >= 0; --i, bits -= 8) {
        addr[i] &= (unsigned char)(bits >= 8 ? 0 : (0xff << bits));
    }
}

/* Dotted quad of a masked IPv4 address: what inet_ntop writes, without
 * its cost on every counted view. */
static const char *ipv4_text(apr_pool_t *p, const unsigned char a[4])
{
    char buf[16], *w = buf;
    int i;

    for (i = 0; i < 4; ++i) {
        unsigned int v = a[i];

        if (i) {
            *w++ = '.';
        }
        if (v >= 100) {
            *w++ = (char)('0' + v / 100);
        }
        if (v >= 10) {
            *w++ = (char)('0' + v / 10 % 10);
        }
        *w++ = (char)('0' + v % 10);
    }
    return apr_pstrmemdup(p, buf, (apr_size_t)(w - buf));
}

const char *cg_mask_ip(apr_pool_t *p, const char *ip, int v4_bytes,
                       int v6_bits)
{
    unsigned char a[16];
    char out[INET6_ADDRSTRLEN];

    if (!ip) {
        return NULL;
    }
    if (inet_pton(AF_INET, ip, a) == 1) {
        zero_tail(a, 4, v4_bytes * 8);
        return ipv4_text(p, a);
    }
    if (inet_pton(AF_INET6, ip, a) == 1) {
        static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                                  0, 0xff, 0xff };
        if (!memcmp(a, mapped, sizeof(mapped))) {
            zero_tail(a + 12, 4, v4_bytes * 8);
            return ipv4_text(p, a + 12);
        }
        zero_tail(a, 16, v6_bits);
        return inet_ntop(AF_INET6, a, out, sizeof(out))
            ? apr_pstrdup(p, out) : NULL;
    }
    return NULL;
}

/* The hashed message: each field with a 4-byte big-endian length before
 * it, so ("ab","c") and ("a","bc") differ; a field past 1 KiB is cut (a
 * longer User-Agent identifies no better). Returns the length used. */
#define FIELD_MAX 1024
static apr_size_t encode_fields(unsigned char buf[4 * (4 + FIELD_MAX)],
                                const char *masked_ip, const char *user_agent,
                                const char *accept_language, const char *site)
{
    const char *fields[4];
    unsigned char *w = buf;
    int i;

    fields[0] = masked_ip;
    fields[1] = user_agent;
    fields[2] = accept_language;
    fields[3] = site;
    for (i = 0; i < 4; ++i) {
        const char *f = fields[i] ? fields[i] : "";
        apr_size_t l = strlen(f);

        if (l > FIELD_MAX) {
            l = FIELD_MAX;
        }
        *w++ = (unsigned char)(l >> 24);
        *w++ = (unsigned char)(l >> 16);
        *w++ = (unsigned char)(l >> 8);
        *w++ = (unsigned char)l;
        memcpy(w, f, l);
        w += l;
    }
    return (apr_size_t)(w - buf);
}

int cg_visitor_hash(const unsigned char *salt, apr_size_t salt_len,
                    const char *masked_ip, const char *user_agent,
                    const char *accept_language, const char *site,
                    unsigned char out[CG_VISITOR_HASH_LEN])
{
    unsigned char buf[4 * (4 + FIELD_MAX)];
    apr_size_t n = encode_fields(buf, masked_ip, user_agent, accept_language,
                                 site);
    unsigned int len = 0;

    return HMAC(EVP_sha256(), salt, (int)salt_len, buf, n, out, &len) != NULL
        && len == CG_VISITOR_HASH_LEN;
}

/* A one-shot HMAC derives the key's inner and outer pads, fetches the
 * digest and allocates and frees its contexts on every call, which costs
 * several times the hash itself. The hasher keeps one HMAC context keyed
 * with the last salt and only restarts it for the next message. */
struct cg_visitor_hasher_t {
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    EVP_MAC_CTX *ctx;
#else
    HMAC_CTX *ctx;
#endif
    int keyed;
    apr_size_t salt_len;
    unsigned char salt[CG_SALT_LEN];
};

static apr_status_t hasher_cleanup(void *data)
{
    cg_visitor_hasher_t *h = data;

#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    EVP_MAC_CTX_free(h->ctx);
#else
    HMAC_CTX_free(h->ctx);
#endif
    h->ctx = NULL;
    return APR_SUCCESS;
}

cg_visitor_hasher_t *cg_visitor_hasher_create(apr_pool_t *p)
{
    cg_visitor_hasher_t *h = apr_pcalloc(p, sizeof(*h));
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);

    /* the context keeps its own reference to the algorithm */
    h->ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    EVP_MAC_free(mac);
#else
    h->ctx = HMAC_CTX_new();
#endif
    if (!h->ctx) {
        return NULL;
    }
    apr_pool_cleanup_register(p, h, hasher_cleanup, apr_pool_cleanup_null);
    return h;
}

/* Starts a message: under a new key when the salt changed (once a day),
 * else from the pads computed for the current one. */
static int hasher_start(cg_visitor_hasher_t *h, const unsigned char *salt,
                        apr_size_t salt_len)
{
    int same = h->keyed && salt_len == h->salt_len
               && !memcmp(salt, h->salt, salt_len);
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    OSSL_PARAM params[2];

    if (same) {
        return EVP_MAC_init(h->ctx, NULL, 0, NULL);
    }
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                 (char *)"SHA256", 0);
    params[1] = OSSL_PARAM_construct_end();
    h->keyed = 0;
    if (!EVP_MAC_init(h->ctx, salt, salt_len, params)) {
        return 0;
    }
#else
    if (same) {
        return HMAC_Init_ex(h->ctx, NULL, 0, NULL, NULL);
    }
    h->keyed = 0;
    if (!HMAC_Init_ex(h->ctx, salt, (int)salt_len, EVP_sha256(), NULL)) {
        return 0;
    }
#endif
    /* a salt longer than the cache holds is keyed every time */
    if (salt_len <= sizeof(h->salt)) {
        memcpy(h->salt, salt, salt_len);
        h->salt_len = salt_len;
        h->keyed = 1;
    }
    return 1;
}

int cg_visitor_hasher_hash(cg_visitor_hasher_t *h,
                           const unsigned char *salt, apr_size_t salt_len,
                           const char *masked_ip, const char *user_agent,
                           const char *accept_language, const char *site,
                           unsigned char out[CG_VISITOR_HASH_LEN])
{
    unsigned char buf[4 * (4 + FIELD_MAX)];
    apr_size_t n = encode_fields(buf, masked_ip, user_agent, accept_language,
                                 site);
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    size_t len = 0;

    if (!hasher_start(h, salt, salt_len) || !EVP_MAC_update(h->ctx, buf, n)
        || !EVP_MAC_final(h->ctx, out, &len, CG_VISITOR_HASH_LEN)) {
        h->keyed = 0;
        return 0;
    }
#else
    unsigned int len = 0;

    if (!hasher_start(h, salt, salt_len) || !HMAC_Update(h->ctx, buf, n)
        || !HMAC_Final(h->ctx, out, &len)) {
        h->keyed = 0;
        return 0;
    }
#endif
    return len == CG_VISITOR_HASH_LEN;
}

/* The path goes into JSON (which must be UTF-8) and HTML: control
 * characters (C0 and C1) and bytes outside well-formed UTF-8 become '?';
 * a C1 control's two bytes become "??". */
static char *printable_utf8(char *path)
{
    unsigned char *c = (unsigned char *)path;

    while (*c) {
        int n = *c < 0x80 ? 1 : (*c & 0xe0) == 0xc0 && *c >= 0xc2 ? 2
              : (*c & 0xf0) == 0xe0 ? 3 : (*c & 0xf8) == 0xf0 && *c <= 0xf4
              ? 4 : 0;
        int i;

        for (i = 1; i < n; ++i) {
            if ((c[i] & 0xc0) != 0x80) {
                n = 0;
                break;
            }
        }
        /* overlong three-byte forms and surrogates */
        if (n == 3 && ((c[0] == 0xe0 && c[1] < 0xa0)
                       || (c[0] == 0xed && c[1] >= 0xa0))) {
            n = 0;
        }
        if (n == 4 && ((c[0] == 0xf0 && c[1] < 0x90)
                       || (c[0] == 0xf4 && c[1] >= 0x90))) {
            n = 0;
        }
        /* C0 and C1 controls (U+0080..U+009F is 0xc2 0x80..0x9f) */
        if (n == 0 || (n == 1 && (*c < 0x20 || *c == 0x7f))
            || (n == 2 && c[0] == 0xc2 && c[1] < 0xa0)) {
            *c++ = '?';
            continue;
        }
        c += n;
    }
    return path;
}

const char *cg_page_of(apr_pool_t *p, const char *u, const char *referer)
{
    const char *sources[2];
    int i;

    sources[0] = u;
    sources[1] = referer;
    for (i = 0; i < 2; ++i) {
        const char *s = sources[i], *scheme_end;
        apr_size_t len;

        if (!s || !*s) {
            continue;
        }
        /* "scheme://host/path": skip to the path */
        scheme_end = strstr(s, "://");
        if (scheme_end && scheme_end < s + strcspn(s, "/?#")) {
            s = scheme_end + 3;
            s += strcspn(s, "/?#");
            if (*s != '/') {
                s = "/";
            }
        }
        if (*s != '/') {
            continue;
        }
        len = strcspn(s, "?#");
        if (len > CG_PAGE_MAX) {
            len = CG_PAGE_MAX;
            /* never cut a UTF-8 character in two (a character has at
             * most three continuation bytes; more are invalid anyway) */
            while (len > CG_PAGE_MAX - 3 && ((unsigned char)s[len] & 0xc0) == 0x80) {
                --len;
            }
        }
        return printable_utf8(apr_pstrmemdup(p, s, len));
    }
    return "(unknown)";
}

apr_uint32_t cg_day_of(apr_time_t t)
{
    return (apr_uint32_t)(apr_time_sec(t) / 86400);
}

void cg_counters_init(cg_counters_t *c)
{
    if (c->magic != CG_COUNTERS_MAGIC) {
        memset(c, 0, sizeof(*c));
        c->magic = CG_COUNTERS_MAGIC;
        c->salt_day = APR_UINT32_MAX;   /* no salt yet, whatever the day */
    }
}

int cg_counters_salt(cg_counters_t *c, apr_time_t now,
                     unsigned char out[CG_SALT_LEN])
{
    apr_uint32_t today = cg_day_of(now);

    if (c->salt_day != today) {
        if (apr_generate_random_bytes(c->salt, CG_SALT_LEN) != APR_SUCCESS) {
            c->salt_day = 0;
            return 0;
        }
        c->salt_day = today;
    }
    memcpy(out, c->salt, CG_SALT_LEN);
    return 1;
}

static cg_day_count_t *day_slot(cg_counters_t *c, apr_uint32_t day)
{
    cg_day_count_t *d = &c->days[day % CG_COUNTER_DAYS];

    if (d->day != day) {
        d->day = day;
        d->views = 0;
        d->uniques = 0;
    }
    return d;
}

void cg_counters_hit(cg_counters_t *c, apr_time_t now, const char *page,
                     int unique)
{
    cg_counters_count(c, now, page, 1, unique);
}

void cg_counters_count(cg_counters_t *c, apr_time_t now, const char *page,
                       int may_add, int unique)
{
    apr_uint32_t today = cg_day_of(now);
    cg_day_count_t *d = day_slot(c, today);
    cg_page_count_t *free_slot = NULL;
    char key[CG_PAGE_MAX + 1];
    int i;

    d->views++;
    if (unique) {
        d->uniques++;
    }
    if (!page) {
        goto other;
    }
    /* compare as stored: a longer page would never find its slot */
    apr_cpystrn(key, page, sizeof(key));
    page = key;

    for (i = 0; i < CG_COUNTER_PAGES; ++i) {
        cg_page_count_t *pc = &c->pages[i];
        if (pc->day == today && !strcmp(pc->path, page)) {
            pc->views++;
            return;
        }
        if (!free_slot && pc->day != today) {
            free_slot = pc;
        }
    }
    if (free_slot && may_add) {
        free_slot->day = today;
        free_slot->views = 1;
        apr_cpystrn(free_slot->path, page, sizeof(free_slot->path));
        return;
    }
other:
    if (c->other_pages_day != today) {
        c->other_pages_day = today;
        c->other_pages_views = 0;
    }
    c->other_pages_views++;
}

static const char *date_of(apr_pool_t *p, apr_uint32_t day)
{
    apr_time_exp_t tm;
    char buf[16];
    apr_size_t n;

    apr_time_exp_gmt(&tm, apr_time_from_sec((apr_time_t)day * 86400));
    apr_strftime(buf, &n, sizeof(buf), "%Y-%m-%d", &tm);
    return apr_pstrdup(p, buf);
}

/* A day's counts, zero when the slot holds another day. */
static void counts_of(const cg_counters_t *c, apr_uint32_t day,
                      apr_uint32_t *views, apr_uint32_t *uniques)
{
    const cg_day_count_t *d = &c->days[day % CG_COUNTER_DAYS];

    *views = d->day == day ? d->views : 0;
    *uniques = d->day == day ? d->uniques : 0;
}

static int by_views(const void *a, const void *b)
{
    const cg_page_count_t *x = *(const cg_page_count_t *const *)a;
    const cg_page_count_t *y = *(const cg_page_count_t *const *)b;

    return x->views < y->views ? 1 : x->views > y->views ? -1
         : strcmp(x->path, y->path);
}

/* Today's pages, most viewed first; returns how many. */
static int todays_pages(const cg_counters_t *c, apr_uint32_t today,
                        const cg_page_count_t **out)
{
    int i, n = 0;

    for (i = 0; i < CG_COUNTER_PAGES; ++i) {
        if (c->pages[i].day == today && c->pages[i].views) {
            out[n++] = &c->pages[i];
        }
    }
    qsort(out, n, sizeof(*out), by_views);
    return n;
}

static json_t *day_json(apr_pool_t *p, const cg_counters_t *c,
                        apr_uint32_t day)
{
    apr_uint32_t views, uniques;

    counts_of(c, day, &views, &uniques);
    return json_pack("{s:s, s:I, s:I}", "date", date_of(p, day),
                     "views", (json_int_t)views, "uniques", (json_int_t)uniques);
}

static const char *dump(apr_pool_t *p, json_t *doc)
{
    const char *text = cg_json_dump(p, doc, JSON_COMPACT, "");

    json_decref(doc);
    return text;
}

const char *cg_counters_json(apr_pool_t *p, const cg_counters_t *c,
                             apr_time_t now)
{
    apr_uint32_t today = cg_day_of(now), day;
    const cg_page_count_t *pages[CG_COUNTER_PAGES];
    json_t *doc = json_object(), *days = json_array(), *list = json_array();
    int i, n;

    for (day = today - 29; day <= today; ++day) {
        json_array_append_new(days, day_json(p, c, day));
    }
    n = todays_pages(c, today, pages);
    for (i = 0; i < n; ++i) {
        json_array_append_new(list, json_pack("{s:s, s:I}", "path",
                              pages[i]->path, "views",
                              (json_int_t)pages[i]->views));
    }
    json_object_set_new(doc, "today", day_json(p, c, today));
    json_object_set_new(doc, "days", days);
    json_object_set_new(doc, "pages", list);
    json_object_set_new(doc, "other_pages", json_integer(
        c->other_pages_day == today ? c->other_pages_views : 0));
    return dump(p, doc);
}

static const char *html_escape(apr_pool_t *p, const char *s)
{
    const char *c;
    char *out = apr_palloc(p, strlen(s) * 6 + 1), *w = out;

    for (c = s; *c; ++c) {
        const char *rep = *c == '<' ? "&lt;" : *c == '>' ? "&gt;"
                        : *c == '&' ? "&amp;" : *c == '"' ? "&quot;"
                        : *c == '\'' ? "&#39;" : NULL;
        if (rep) {
            strcpy(w, rep);
            w += strlen(rep);
        }
        else {
            *w++ = *c;
        }
    }
    *w = '\0';
    return out;
}

const char *cg_counters_html(apr_pool_t *p, const cg_counters_t *c,
                             apr_time_t now)
{
    apr_uint32_t today = cg_day_of(now), day, views, uniques, max = 1;
    const cg_page_count_t *pages[CG_COUNTER_PAGES];
    const char *bars = "", *rows = "";
    int i, n, x;

    for (day = today - 29; day <= today; ++day) {
        counts_of(c, day, &views, &uniques);
        if (views > max) {
            max = views;
        }
    }
    for (day = today - 29, x = 0; day <= today; ++day, x += 20) {
        int hv, hu;
        counts_of(c, day, &views, &uniques);
        hv = (int)(100.0 * views / max);
        hu = (int)(100.0 * uniques / max);
        bars = apr_psprintf(p, "%s<rect x=\"%d\" y=\"%d\" width=\"16\" "
                            "height=\"%d\" class=\"v\"><title>%s: %u views, "
                            "%u unique</title></rect><rect x=\"%d\" y=\"%d\" "
                            "width=\"16\" height=\"%d\" class=\"u\"/>",
                            bars, x, 100 - hv, hv, date_of(p, day), views,
                            uniques, x, 100 - hu, hu);
    }
    n = todays_pages(c, today, pages);
    for (i = 0; i < n && i < 20; ++i) {
        rows = apr_psprintf(p, "%s<tr><td>%s</td><td>%u</td></tr>", rows,
                            html_escape(p, pages[i]->path), pages[i]->views);
    }
    counts_of(c, today, &views, &uniques);
    return apr_psprintf(p,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>Visits without cookies</title><style>body{font:14px sans-serif;"
        "margin:2em}.v{fill:#9bb8d3}.u{fill:#1f4e79}td{padding:2px 12px}"
        "</style></head><body><h1>Visits without cookies</h1>"
        "<p>Today (%s, UTC): <strong id=\"views\">%u</strong> views, "
        "<strong id=\"uniques\">%u</strong> unique visitors.</p>"
        "<svg role=\"img\" aria-label=\"Views and unique visitors, last 30 "
        "days\" width=\"600\" height=\"100\" viewBox=\"0 0 600 100\">%s</svg>"
        "<h2>Pages today</h2><table><tr><th>Page</th><th>Views</th></tr>%s"
        "</table></body></html>\n",
        date_of(p, today), views, uniques, bars, rows);
}
