/* cg_pixel.c: anonymous counting for the no-cookie pixel. The visitor
 * hash follows the daily-salt idea of Matomo's config_id: a keyed hash
 * whose key lives in memory for one day only, so yesterday's hashes can
 * never be linked to today's and nothing stored identifies anyone. */
#include <stdlib.h>
#include <string.h>

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
        memset(d, 0, sizeof(*d));
        d->day = day;
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

static const char *const choice_names[CG_CHOICES] = {
    "accept_all", "reject_all", "custom", "withdraw"
};

const char *cg_choice_name(cg_choice_e c)
{
    return (unsigned)c < CG_CHOICES ? choice_names[c] : "";
}

void cg_counters_choice(cg_counters_t *c, apr_time_t now, cg_choice_e choice,
                        int revision)
{
    cg_day_count_t *d = day_slot(c, cg_day_of(now));

    if ((unsigned)choice < CG_CHOICES) {
        d->choices[choice]++;
    }
    d->revision = revision > 0 ? (apr_uint32_t)revision : 0;
}

void cg_counters_visitor(cg_counters_t *c, apr_time_t now, int no_choice,
                         int signals, int revision)
{
    cg_day_count_t *d = day_slot(c, cg_day_of(now));

    d->no_choice += no_choice ? 1 : 0;
    d->gpc += (signals & 1) ? 1 : 0;
    d->dnt += (signals & 2) ? 1 : 0;
    d->revision = revision > 0 ? (apr_uint32_t)revision : 0;
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
static cg_day_count_t day_of_counts(const cg_counters_t *c, apr_uint32_t day)
{
    cg_day_count_t d;

    if (c->days[day % CG_COUNTER_DAYS].day == day) {
        return c->days[day % CG_COUNTER_DAYS];
    }
    memset(&d, 0, sizeof(d));
    d.day = day;
    return d;
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


/* Sums over a run of days, for the before/after comparison. */
typedef struct totals_t {
    apr_uint32_t days, views, uniques, choices[CG_CHOICES], no_choice, gpc,
                 dnt, revision;
} totals_t;

static int day_active(const cg_day_count_t *d)
{
    int i;

    if (d->views || d->uniques || d->no_choice || d->gpc || d->dnt) {
        return 1;
    }
    for (i = 0; i < CG_CHOICES; ++i) {
        if (d->choices[i]) {
            return 1;
        }
    }
    return 0;
}

static void add_day(totals_t *t, const cg_day_count_t *d)
{
    int i;

    t->days++;
    t->views += d->views;
    t->uniques += d->uniques;
    for (i = 0; i < CG_CHOICES; ++i) {
        t->choices[i] += d->choices[i];
    }
    t->no_choice += d->no_choice;
    t->gpc += d->gpc;
    t->dnt += d->dnt;
    t->revision = d->revision;
}

/* The last change of revision among the 30 days: the first day of the
 * current revision (0 when there was no change), and the totals of the
 * previous revision's days and of the current one's. Days with no count
 * at all say nothing about the revision and are left out. */
static apr_uint32_t revision_change(const cg_counters_t *c, apr_uint32_t today,
                                    totals_t *before, totals_t *after)
{
    apr_uint32_t day, changed = 0, first = today - 29;
    int have_current = 0, have_prev = 0;
    apr_uint32_t current = 0, prev = 0;

    memset(before, 0, sizeof(*before));
    memset(after, 0, sizeof(*after));
    /* from today backwards: the current revision's run, then the
     * previous revision's run */
    for (day = today + 1; day-- > first; ) {
        cg_day_count_t d = day_of_counts(c, day);

        if (!day_active(&d)) {
            continue;
        }
        if (!have_current) {
            current = d.revision;
            have_current = 1;
        }
        if (!have_prev && d.revision == current) {
            add_day(after, &d);
            changed = day;
            continue;
        }
        if (!have_prev) {
            prev = d.revision;
            have_prev = 1;
        }
        if (d.revision != prev) {
            break;
        }
        add_day(before, &d);
    }
    after->revision = current;
    before->revision = prev;
    return have_prev ? changed : 0;
}

static void set_counts(json_t *o, const apr_uint32_t choices[CG_CHOICES],
                       apr_uint32_t no_choice, apr_uint32_t gpc,
                       apr_uint32_t dnt, apr_uint32_t revision)
{
    int i;

    for (i = 0; i < CG_CHOICES; ++i) {
        json_object_set_new(o, choice_names[i], json_integer(choices[i]));
    }
    json_object_set_new(o, "no_choice", json_integer(no_choice));
    json_object_set_new(o, "gpc", json_integer(gpc));
    json_object_set_new(o, "dnt", json_integer(dnt));
    json_object_set_new(o, "revision", json_integer(revision));
}

static json_t *day_json(apr_pool_t *p, const cg_counters_t *c,
                        apr_uint32_t day)
{
    cg_day_count_t d = day_of_counts(c, day);
    json_t *o = json_pack("{s:s, s:I, s:I}", "date", date_of(p, day),
                          "views", (json_int_t)d.views,
                          "uniques", (json_int_t)d.uniques);

    set_counts(o, d.choices, d.no_choice, d.gpc, d.dnt, d.revision);
    return o;
}

static json_t *totals_json(const totals_t *t)
{
    json_t *o = json_pack("{s:I, s:I, s:I}", "days", (json_int_t)t->days,
                          "views", (json_int_t)t->views,
                          "uniques", (json_int_t)t->uniques);

    set_counts(o, t->choices, t->no_choice, t->gpc, t->dnt, t->revision);
    return o;
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
    apr_uint32_t today = cg_day_of(now), day, changed;
    const cg_page_count_t *pages[CG_COUNTER_PAGES];
    json_t *doc = json_object(), *days = json_array(), *list = json_array();
    totals_t before, after;
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
    changed = revision_change(c, today, &before, &after);
    json_object_set_new(doc, "revisions", json_pack(
        "{s:I, s:o, s:o, s:o}", "current", (json_int_t)after.revision,
        "changed", changed ? json_string(date_of(p, changed)) : json_null(),
        "before", totals_json(&before), "after", totals_json(&after)));
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

/* The chart's geometry, in SVG user units (the SVG scales to the page). */
#define CH_W 640
#define CH_H 270
#define CH_LEFT 64
#define CH_RIGHT 24
#define CH_TOP 12
#define CH_BOTTOM 56
#define CH_PLOT_W (CH_W - CH_LEFT - CH_RIGHT)
#define CH_PLOT_H (CH_H - CH_TOP - CH_BOTTOM)

/* A round axis maximum at or above `max`: 1, 2 or 5 times a power of ten,
 * four ticks. */
static apr_uint32_t nice_step(apr_uint32_t max)
{
    apr_uint32_t step = 1;

    while (step * 4 < max) {
        if (step * 2 * 4 >= max) {
            return step * 2;
        }
        if (step * 5 * 4 >= max) {
            return step * 5;
        }
        step *= 10;
    }
    return step;
}

/* The axes: y ticks and gridlines labelled with counts, x labels with
 * the date every fifth day and on the last. */
static const char *axes(apr_pool_t *p, apr_uint32_t today, apr_uint32_t step,
                        const char *y_title)
{
    const char *out = "";
    double slot = (double)CH_PLOT_W / 30;
    apr_uint32_t day;
    int i;

    for (i = 0; i <= 4; ++i) {
        double y = CH_TOP + CH_PLOT_H - (double)CH_PLOT_H * i / 4;
        out = apr_psprintf(p, "%s<line class=\"grid\" x1=\"%d\" x2=\"%d\" "
                           "y1=\"%.1f\" y2=\"%.1f\"/><text class=\"ytick\" "
                           "x=\"%d\" y=\"%.1f\">%u</text>", out, CH_LEFT,
                           CH_W - CH_RIGHT, y, y, CH_LEFT - 6, y + 4,
                           step * (apr_uint32_t)i);
    }
    for (day = today - 29, i = 0; day <= today; ++day, ++i) {
        if (i % 5 == 0 || day == today) {
            const char *date = date_of(p, day);
            double x = CH_LEFT + slot * i + slot / 2;

            out = apr_psprintf(p, "%s<line class=\"axis\" x1=\"%.1f\" "
                               "x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/><text "
                               "class=\"xtick\" x=\"%.1f\" y=\"%d\">"
                               "<tspan class=\"md\">%s</tspan></text>",
                               out, x, x, CH_TOP + CH_PLOT_H,
                               CH_TOP + CH_PLOT_H + 5, x,
                               CH_TOP + CH_PLOT_H + 24, date + 5);
        }
    }
    return apr_psprintf(p, "%s<line class=\"axis\" x1=\"%d\" x2=\"%d\" "
                        "y1=\"%d\" y2=\"%d\"/><line class=\"axis\" "
                        "x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>"
                        "<text class=\"atitle\" x=\"%d\" y=\"%d\">Date "
                        "(%s to %s, UTC)</text><text class=\"atitle\" "
                        "transform=\"rotate(-90)\" x=\"%d\" y=\"14\">%s"
                        "</text>", out, CH_LEFT, CH_W - CH_RIGHT,
                        CH_TOP + CH_PLOT_H, CH_TOP + CH_PLOT_H, CH_LEFT,
                        CH_LEFT, CH_TOP, CH_TOP + CH_PLOT_H,
                        CH_LEFT + CH_PLOT_W / 2, CH_H - 6,
                        date_of(p, today - 29), date_of(p, today),
                        -(CH_TOP + CH_PLOT_H / 2), y_title);
}

static const char *figure(apr_pool_t *p, const char *id, const char *title,
                          const char *body, const char *legend)
{
    return apr_psprintf(p, "<figure><svg id=\"%s\" role=\"img\" "
                        "aria-labelledby=\"%s-t\" viewBox=\"0 0 %d %d\" "
                        "preserveAspectRatio=\"xMinYMin meet\"><title "
                        "id=\"%s-t\">%s (the table below has every number)"
                        "</title>%s</svg><figcaption><ul class=\"legend\">"
                        "%s</ul></figcaption></figure>", id, id, CH_W, CH_H,
                        id, title, body, legend);
}

static const char *swatch(apr_pool_t *p, const char *cls, const char *label)
{
    return apr_psprintf(p, "<li><svg class=\"sw\" viewBox=\"0 0 10 10\" "
                        "aria-hidden=\"true\"><rect class=\"%s\" width=\"10\" "
                        "height=\"10\"/></svg>%s</li>", cls, label);
}

static const char *const choice_labels[CG_CHOICES] = {
    "Accept all", "Reject all", "Custom choice", "Withdrawn"
};

static const char *totals_row(apr_pool_t *p, const char *label,
                              const totals_t *t)
{
    apr_uint32_t chosen = t->choices[0] + t->choices[1] + t->choices[2];

    return apr_psprintf(p, "<tr><th scope=\"row\">%s</th><td>%u</td>"
                        "<td>%u</td><td>%u</td><td>%u</td><td>%u</td>"
                        "<td>%u</td><td>%u</td><td>%u</td><td>%u</td>"
                        "<td>%u</td><td>%s</td></tr>", label, t->revision,
                        t->days, t->views, t->uniques, t->choices[0],
                        t->choices[1], t->choices[2], t->choices[3],
                        t->gpc, t->dnt,
                        chosen ? apr_psprintf(p, "%u %%", (apr_uint32_t)
                                              (100.0 * t->choices[0] / chosen
                                               + 0.5))
                               : "&#8211;");
}

const char *cg_counters_html(apr_pool_t *p, const cg_counters_t *c,
                             apr_time_t now)
{
    apr_uint32_t today = cg_day_of(now), day, changed, vmax = 0, cmax = 0;
    apr_uint32_t vstep, cstep;
    const cg_page_count_t *pages[CG_COUNTER_PAGES];
    const char *vbars = "", *cbars = "", *rows = "", *prow = "", *cmp;
    double slot = (double)CH_PLOT_W / 30;
    totals_t before, after;
    cg_day_count_t t;
    int i, j, n;

    for (day = today - 29; day <= today; ++day) {
        cg_day_count_t d = day_of_counts(c, day);
        apr_uint32_t sum = 0;

        for (j = 0; j < CG_CHOICES; ++j) {
            sum += d.choices[j];
        }
        vmax = d.views > vmax ? d.views : vmax;
        cmax = sum > cmax ? sum : cmax;
    }
    vstep = nice_step(vmax);
    cstep = nice_step(cmax);
    for (day = today - 29, i = 0; day <= today; ++day, ++i) {
        cg_day_count_t d = day_of_counts(c, day);
        const char *date = date_of(p, day);
        double x = CH_LEFT + slot * i + 1, base = CH_TOP + CH_PLOT_H;
        double hv = (double)CH_PLOT_H * d.views / (vstep * 4);
        double hu = (double)CH_PLOT_H * d.uniques / (vstep * 4);
        double y = base;

        vbars = apr_psprintf(p, "%s<g><title>%s: %u views, %u unique "
                             "visitors</title><rect class=\"v\" x=\"%.1f\" "
                             "y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>"
                             "<rect class=\"u\" x=\"%.1f\" y=\"%.1f\" "
                             "width=\"%.1f\" height=\"%.1f\"/></g>", vbars,
                             date, d.views, d.uniques, x, base - hv,
                             slot - 2, hv, x + (slot - 2) / 4, base - hu,
                             (slot - 2) / 2, hu);
        cbars = apr_psprintf(p, "%s<g><title>%s: %u accept all, %u reject "
                             "all, %u custom, %u withdrawn</title>", cbars,
                             date, d.choices[0], d.choices[1], d.choices[2],
                             d.choices[3]);
        for (j = 0; j < CG_CHOICES; ++j) {
            double h = (double)CH_PLOT_H * d.choices[j] / (cstep * 4);

            if (d.choices[j]) {
                y -= h;
                cbars = apr_psprintf(p, "%s<rect class=\"c%d\" x=\"%.1f\" "
                                     "y=\"%.1f\" width=\"%.1f\" "
                                     "height=\"%.1f\"/>", cbars, j, x, y,
                                     slot - 2, h);
            }
        }
        cbars = apr_pstrcat(p, cbars, "</g>", NULL);
        rows = apr_psprintf(p, "<tr><th scope=\"row\">%s</th><td>%u</td>"
                            "<td>%u</td><td>%u</td><td>%u</td><td>%u</td>"
                            "<td>%u</td><td>%u</td><td>%u</td><td>%u</td>"
                            "<td>%u</td></tr>%s", date, d.views, d.uniques,
                            d.choices[0], d.choices[1], d.choices[2],
                            d.choices[3], d.no_choice, d.gpc, d.dnt,
                            d.revision, rows);
    }
    n = todays_pages(c, today, pages);
    for (i = 0; i < n && i < 20; ++i) {
        prow = apr_psprintf(p, "%s<tr><td>%s</td><td>%u</td></tr>", prow,
                            html_escape(p, pages[i]->path), pages[i]->views);
    }
    changed = revision_change(c, today, &before, &after);
    if (changed) {
        cmp = apr_psprintf(p, "<p>The policy revision changed from %u to %u "
            "on %s.</p><div class=\"scroll\" tabindex=\"0\" role=\"region\" "
            "aria-labelledby=\"h-rev\"><table id=\"revisions\"><thead><tr>"
            "<th scope=\"col\">Period</th><th scope=\"col\">Revision</th>"
            "<th scope=\"col\">Days</th><th scope=\"col\">Views</th>"
            "<th scope=\"col\">Unique visitors</th><th scope=\"col\">Accept "
            "all</th><th scope=\"col\">Reject all</th><th scope=\"col\">"
            "Custom</th><th scope=\"col\">Withdrawn</th><th scope=\"col\">"
            "GPC</th><th scope=\"col\">DNT</th><th scope=\"col\">Accept all "
            "of choices</th></tr></thead><tbody>%s%s</tbody></table></div>",
            before.revision, after.revision, date_of(p, changed),
            totals_row(p, "Before", &before), totals_row(p, "After", &after));
    }
    else {
        cmp = apr_psprintf(p, "<p>No change of the policy revision in these "
                           "30 days (revision %u).</p>", after.revision);
    }
    t = day_of_counts(c, today);
    return apr_pstrcat(p,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, "
        "initial-scale=1\"><title>Consent and visits</title><style>"
        "body{font:16px/1.4 system-ui,sans-serif;color:#1a1a1a;"
        "background:#fff;margin:0 auto;padding:1em;max-width:75em}"
        "figure{margin:0 0 1.5em}svg[role=img]{width:100%;height:auto;"
        "max-width:640px;display:block}"
        ".v{fill:#9bb8d3}.u{fill:#1f4e79}.c0{fill:#1b7837}.c1{fill:#b2182b}"
        ".c2{fill:#e08214}.c3{fill:#542788}"
        ".grid{stroke:#ddd}.axis{stroke:#555}"
        "text{fill:#1a1a1a;font-size:13px}.ytick{text-anchor:end}"
        ".xtick,.atitle{text-anchor:middle}"
        ".legend{list-style:none;padding:0;margin:.3em 0;display:flex;"
        "flex-wrap:wrap;gap:.4em 1.2em}.sw{width:1em;height:1em;"
        "vertical-align:-.15em;margin-right:.35em}"
        ".scroll{overflow-x:auto}table{border-collapse:collapse}"
        "th,td{padding:.2em .6em;text-align:right;border-bottom:1px solid "
        "#ddd;white-space:nowrap}th[scope=col]{vertical-align:bottom}"
        "td:first-child,th[scope=row]{text-align:left}"
        /* the chart shrinks with the screen: its text must not */
        "@media (max-width:40em){svg[role=img] text{font-size:21px}}"
        "</style></head><body><main><h1>Consent and visits</h1>",
        apr_psprintf(p, "<p>Today (%s, UTC): <strong id=\"views\">%u"
                     "</strong> views, <strong id=\"uniques\">%u</strong> "
                     "unique visitors; %u accepted all, %u rejected all, %u "
                     "made a custom choice, %u withdrew.</p>",
                     date_of(p, today), t.views, t.uniques, t.choices[0],
                     t.choices[1], t.choices[2], t.choices[3]),
        "<h2>Visits, last 30 days</h2>",
        figure(p, "chart-visits", "Views and unique visitors per day",
               apr_pstrcat(p, axes(p, today, vstep, "Views"), vbars, NULL),
               apr_pstrcat(p, swatch(p, "v", "Views"),
                           swatch(p, "u", "Unique visitors"), NULL)),
        "<h2>Choices, last 30 days</h2>",
        figure(p, "chart-choices", "Consent choices per day",
               apr_pstrcat(p, axes(p, today, cstep, "Choices"), cbars, NULL),
               apr_pstrcat(p, swatch(p, "c0", choice_labels[0]),
                           swatch(p, "c1", choice_labels[1]),
                           swatch(p, "c2", choice_labels[2]),
                           swatch(p, "c3", choice_labels[3]), NULL)),
        "<h2 id=\"h-rev\">Before and after the last policy revision</h2>",
        cmp,
        "<h2 id=\"h-days\">Every day</h2><p id=\"days-note\">Per day "
        "(UTC), newest first. Unique visitors, no choice yet, GPC and DNT "
        "count each visitor once a day; choices count each choice made.</p>"
        "<div class=\"scroll\" tabindex=\"0\" "
        "role=\"region\" aria-labelledby=\"h-days\"><table id=\"days\" "
        "aria-describedby=\"days-note\"><thead><tr><th scope=\"col\">Date</th>"
        "<th scope=\"col\">Views</th><th scope=\"col\">Unique visitors</th>"
        "<th scope=\"col\">Accept all</th><th scope=\"col\">Reject all</th>"
        "<th scope=\"col\">Custom</th><th scope=\"col\">Withdrawn</th>"
        "<th scope=\"col\">No choice yet</th><th scope=\"col\">GPC</th>"
        "<th scope=\"col\">DNT</th><th scope=\"col\">Revision</th></tr>"
        "</thead><tbody>", rows, "</tbody></table></div>",
        "<h2>Pages today</h2><table id=\"pages\"><thead><tr><th scope=\"col\">"
        "Page</th><th scope=\"col\">Views</th></tr></thead><tbody>", prow,
        "</tbody></table></main></body></html>\n", NULL);
}
