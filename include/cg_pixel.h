/* cg_pixel.h: the no-cookie pixel and its anonymous counting: which hits
 * count, the visitor's daily keyed hash (no identifier is ever stored),
 * the page a hit is for, and the day and page counters kept in shared
 * memory. No httpd here. */
#ifndef CG_PIXEL_H
#define CG_PIXEL_H

#include <apr_pools.h>
#include <apr_time.h>

#include "cg_mask.h"     /* cg_mask_ip(), what the hash is given */

/* A transparent 1x1 GIF. */
#define CG_PIXEL_GIF_LEN 43
extern const unsigned char cg_pixel_gif[CG_PIXEL_GIF_LEN];

/* True for a User-Agent that names itself a bot, crawler, spider, link
 * preview or headless browser (case-insensitive); NULL or empty counts as
 * a bot: browsers always send one. */
int cg_is_bot(const char *user_agent);

/* True when Sec-Purpose, Purpose or X-Moz says prefetch or prerender. */
int cg_is_prefetch(const char *sec_purpose, const char *purpose,
                   const char *x_moz);

#define CG_VISITOR_HASH_LEN 32

/* HMAC-SHA256 under `salt` of masked address, User-Agent, Accept-Language
 * and site, each field length-prefixed so no two inputs collide. 0 on
 * failure. */
int cg_visitor_hash(const unsigned char *salt, apr_size_t salt_len,
                    const char *masked_ip, const char *user_agent,
                    const char *accept_language, const char *site,
                    unsigned char out[CG_VISITOR_HASH_LEN]);

/* The same hash, prepared: the HMAC's key schedule is computed once per
 * salt (a day) instead of once per view. One hasher must not be used by
 * two threads at once: the glue keeps one per worker thread. Its OpenSSL
 * context is freed with `p`; NULL when OpenSSL offers no HMAC. */
typedef struct cg_visitor_hasher_t cg_visitor_hasher_t;

cg_visitor_hasher_t *cg_visitor_hasher_create(apr_pool_t *p);

/* cg_visitor_hash() through `h`: the same result for the same input. */
int cg_visitor_hasher_hash(cg_visitor_hasher_t *h,
                           const unsigned char *salt, apr_size_t salt_len,
                           const char *masked_ip, const char *user_agent,
                           const char *accept_language, const char *site,
                           unsigned char out[CG_VISITOR_HASH_LEN]);

/* The page a hit is for: the path of `u` (the pixel's ?u= parameter, a
 * URL or a path) or else of the Referer, without query or fragment, at
 * most CG_PAGE_MAX bytes; "(unknown)" when neither gives a path. */
#define CG_PAGE_MAX 120
const char *cg_page_of(apr_pool_t *p, const char *u, const char *referer);

/* The counters, a fixed-size struct that lives in shared memory. The
 * caller serialises every call on the same struct (a global mutex). */
#define CG_COUNTER_DAYS 32
#define CG_COUNTER_PAGES 64
#define CG_SALT_LEN 32

/* What a visitor chose, counted per day (no identifier). */
typedef enum {
    CG_CHOICE_ACCEPT_ALL = 0,
    CG_CHOICE_REJECT_ALL,
    CG_CHOICE_CUSTOM,
    CG_CHOICE_WITHDRAW,
    CG_CHOICES
} cg_choice_e;

/* Their names in JSON: "accept_all", "reject_all", "custom", "withdraw". */
const char *cg_choice_name(cg_choice_e c);

typedef struct cg_day_count_t {
    apr_uint32_t day;           /* days since 1970-01-01 (UTC) */
    apr_uint32_t views;
    apr_uint32_t uniques;
    apr_uint32_t choices[CG_CHOICES];
    apr_uint32_t no_choice;     /* unique visitors without a choice yet */
    apr_uint32_t gpc;           /* unique visitors sending Sec-GPC: 1 */
    apr_uint32_t dnt;           /* ... DNT: 1 */
    apr_uint32_t revision;      /* ConsentPolicyRevision last counted under */
} cg_day_count_t;

typedef struct cg_page_count_t {
    apr_uint32_t day;
    apr_uint32_t views;
    char path[CG_PAGE_MAX + 1];
} cg_page_count_t;

typedef struct cg_counters_t {
    apr_uint32_t magic;
    cg_day_count_t days[CG_COUNTER_DAYS];
    cg_page_count_t pages[CG_COUNTER_PAGES];
    apr_uint32_t other_pages_day;       /* views of pages that found no slot */
    apr_uint32_t other_pages_views;
    apr_uint32_t salt_day;
    unsigned char salt[CG_SALT_LEN];    /* memory only, replaced each day */
} cg_counters_t;

#define CG_COUNTERS_MAGIC 0x43474332u   /* "CGC2" */

apr_uint32_t cg_day_of(apr_time_t t);

/* Sets up a zeroed struct (or keeps one already set up). */
void cg_counters_init(cg_counters_t *c);

/* Today's salt, a fresh random one when the day changed. 0 when no
 * randomness could be had (then nothing may be counted as unique). */
int cg_counters_salt(cg_counters_t *c, apr_time_t now,
                     unsigned char out[CG_SALT_LEN]);

/* Counts a view of `page` today, and a unique visitor when `unique`. */
void cg_counters_hit(cg_counters_t *c, apr_time_t now, const char *page,
                     int unique);

/* The same, except that `page` gets a new slot only when `may_add` (a
 * plausible page), and a NULL `page` (one that may not be recorded)
 * counts among the other pages. */
void cg_counters_count(cg_counters_t *c, apr_time_t now, const char *page,
                       int may_add, int unique);

/* Counts a choice today under policy revision `revision`. */
void cg_counters_choice(cg_counters_t *c, apr_time_t now, cg_choice_e choice,
                        int revision);

/* For a unique visitor of today: whether they have made no choice yet and
 * which signals (CG_SIGNAL_GPC, CG_SIGNAL_DNT bits: 1 and 2) they send,
 * under policy revision `revision`. */
void cg_counters_visitor(cg_counters_t *c, apr_time_t now, int no_choice,
                         int signals, int revision);

/* The counts as JSON: {"today": DAY, "days": [DAY... the last 30 days,
 * oldest first], "pages": [{"path", "views"}... today's, most viewed
 * first], "other_pages": N, "revisions": {"current", "changed" (the first
 * day of the current revision, or null when the 30 days saw no change),
 * "before": TOTALS, "after": TOTALS}}, where DAY is {"date", "views",
 * "uniques", "accept_all", "reject_all", "custom", "withdraw",
 * "no_choice", "gpc", "dnt", "revision"} and TOTALS the same summed over
 * the days before and from the change (without "date"; "revision" is the
 * one in effect, "days" how many days). */
const char *cg_counters_json(apr_pool_t *p, const cg_counters_t *c,
                             apr_time_t now);

/* The same as an HTML page: SVG charts with dated axes and legends, a
 * table of every day as their text alternative, the before/after
 * comparison of a policy revision change and today's pages. */
const char *cg_counters_html(apr_pool_t *p, const cg_counters_t *c,
                             apr_time_t now);

#endif /* CG_PIXEL_H */
