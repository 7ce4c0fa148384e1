/* cg_status.h: what the status page may show and how its counters are
 * kept apart and protected: page paths that cannot carry secrets, a
 * counter set per site, and a per-address rate limit on counting. No
 * httpd here. */
#ifndef CG_STATUS_H
#define CG_STATUS_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

#include "cg_pixel.h"

/* The placeholder for a path segment that looks like a token. */
#define CG_STATUS_TOKEN ":token"
/* ... and for the last segment of a path cut at CG_PAGE_MAX. */
#define CG_STATUS_CUT ":cut"

/* The page path as the status page may record it, or NULL when it must
 * not be recorded at all. `path` is what cg_page_of() returned. Repeated
 * slashes, "." and ".." segments are resolved first. NULL when the path
 * lies under one of `exclude` (const char *): "/prefix/" matches at the
 * start; with a leading '*', the rest ("/email/") matches after any
 * segment boundary, so a site in a subfolder is covered too. A segment
 * holding a run of at least 12 hex digits, or of at least 20 base64url
 * characters, with a digit among them becomes CG_STATUS_TOKEN: capability
 * URLs carry their secret that way. The last segment of a path that
 * reached CG_PAGE_MAX (cut) becomes CG_STATUS_CUT. "(unknown)" is
 * returned as is. */
const char *cg_status_path(apr_pool_t *p, const char *path,
                           const apr_array_header_t *exclude);

/* The status exclusions of a built-in preset (NULL-terminated), or NULL:
 * mautic's capability URLs (email views and unsubscribes, the admin area,
 * redirects). */
const char *const *cg_status_preset_excludes(const char *preset);

/* May a page that has no slot yet get one? When the Referer names this
 * site's `host` (compared without port, ignoring case), or `path` starts
 * with one of `pages` (const char *, may be NULL). A flood of made-up
 * ?u= values then cannot push real pages off the page. */
int cg_status_plausible(const char *referer, const char *host,
                        const char *path, const apr_array_header_t *pages);

/* A per-address counting limit shared by every child: a fixed table of
 * (keyed hash of the masked address, minute, count). Each slot is one
 * address for one minute; the table forgets everything after a minute. */
#define CG_RATE_SLOTS 4096
#define CG_RATE_PROBES 8

typedef struct cg_rate_slot_t {
    apr_uint64_t key;
    apr_uint32_t minute;
    apr_uint32_t count;
} cg_rate_slot_t;

typedef struct cg_rate_t {
    unsigned char secret[16];   /* keys the address hash; set once */
    int keyed;
    cg_rate_slot_t slots[CG_RATE_SLOTS];
} cg_rate_t;

/* Counts one hit for `masked` (a masked address, with the site it is
 * counted for) at `now`; 1 when it is
 * within `limit` hits this minute, 0 when over it. A limit of 0 allows
 * everything. When the table has no room for the address (every probed
 * slot busy this minute), the hit is allowed: a crowd of distinct
 * addresses is what real visitors look like. Serialised by the caller. */
int cg_rate_take(cg_rate_t *t, const char *masked, apr_time_t now,
                 apr_uint32_t limit);

/* Counters per site: one cg_counters_t per key (the virtual host), so a
 * site's status page shows its own counts only. */
#define CG_STATUS_SITES 64
#define CG_SITE_KEY_MAX 128

typedef struct cg_sites_t {
    apr_uint32_t magic;
    apr_uint32_t n;
    char keys[CG_STATUS_SITES][CG_SITE_KEY_MAX];
    cg_counters_t counters[CG_STATUS_SITES];
    cg_rate_t rate;
} cg_sites_t;

#define CG_SITES_MAGIC 0x43475332u      /* "CGS2" */

/* Sets up a zeroed table (or keeps one already set up). */
void cg_sites_init(cg_sites_t *s);

/* The counters of `key`, taking a free slot for a new key; NULL when
 * every slot is taken (that site then counts nothing). Serialised by the
 * caller. */
cg_counters_t *cg_sites_counters(cg_sites_t *s, const char *key);

/* The daily counts of every site as JSON, for ConsentStatusStore:
 * {"format": "consentgate-status-1", "sites": [{"site": KEY, "days":
 * [{"date": "YYYY-MM-DD", "views", "uniques", "accept_all", "reject_all",
 * "custom", "withdraw", "no_choice", "gpc", "dnt", "revision"}...]}]}.
 * Days with no count are left out; no salt, no page path. */
const char *cg_sites_store_json(apr_pool_t *p, const cg_sites_t *s);

/* Reads what cg_sites_store_json() wrote into `s` (set up): each site's
 * days go to that site's counters, a day only where its slot holds no
 * newer day; days older than CG_COUNTER_DAYS before `now` are skipped.
 * NULL on success, else what is wrong (nothing is read then). */
const char *cg_sites_load_json(apr_pool_t *p, cg_sites_t *s,
                               const char *text, apr_size_t len,
                               apr_time_t now);

#endif /* CG_STATUS_H */
