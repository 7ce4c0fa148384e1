/* cg_gcm.h: Google Consent Mode from the server. The consent types a
 * visit grants (through a map from this module's categories to Google's
 * types), the inline script that sets them as the page's default before
 * any tag runs, and the place in a streamed HTML document where that
 * script goes: right after the <head> start tag. No httpd here. */
#ifndef CG_GCM_H
#define CG_GCM_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "cg_inject.h"
#include "cg_policy.h"

/* One pair of a ConsentModeMap line: granting CATEGORY grants TYPE. */
typedef struct cg_gcm_map_t {
    const char *category;
    const char *type;
} cg_gcm_map_t;

/* True when `type` is a consent type of Consent Mode (ad_storage,
 * ad_user_data, ad_personalization, analytics_storage,
 * functionality_storage, personalization_storage, security_storage). */
int cg_gcm_type_valid(const char *type);

/* Those types, joined by ", ", for an error message. */
const char *cg_gcm_type_names(apr_pool_t *p);

/* The map used where no ConsentModeMap line applies, the one banner.js
 * updates by: analytics, statistics and tracking grant analytics_storage;
 * marketing, ads and tracking grant the three ad types. Appends
 * cg_gcm_map_t to `map`. */
void cg_gcm_default_map(apr_array_header_t *map);

/* The consent default for a visit decided `state`, as a JavaScript
 * object literal: the four types of Consent Mode v2 and then each other
 * type the map names, once, each "granted" when a category the visitor
 * granted maps to it, else "denied" (no choice, a refusal, an opt-out
 * signal the policy honours). */
const char *cg_gcm_defaults(apr_pool_t *p, const apr_array_header_t *map,
                            const cg_visit_t *v, cg_state_e state);

/* The inline script that sets `defaults` before any tag runs, bearing
 * `nonce` when it is not NULL (a base64 value, see cg_csp_inline()). */
const char *cg_gcm_script(apr_pool_t *p, const char *defaults,
                          const char *nonce);

/* The script's text alone, for the endpoint that serves it. */
const char *cg_gcm_js(apr_pool_t *p, const char *defaults);

/* Where a page's policies allow a same-origin script but no inline one:
 * <script src="ENDPOINT/consent-mode.js?ad_storage=denied&amp;...">, the
 * defaults in the query, so the endpoint renders them without asking
 * anyone's consent again (and a cache may keep each variant). */
const char *cg_gcm_external_tag(apr_pool_t *p, const char *endpoint,
                                const char *defaults);

/* The defaults such a query names: each pair a consent type and granted
 * or denied, each type once, at least one; NULL for anything else. */
const char *cg_gcm_from_query(apr_pool_t *p, const char *query);

/* What marks a page's entity tag as carrying `defaults`: eight hex digits
 * of a hash of them, so a variant made for another consent state never
 * validates. */
const char *cg_gcm_variant(apr_pool_t *p, const char *defaults);

/* The early insertion: a streamed document gets the script right after
 * its <head ...> start tag (quoted attribute values honoured, comments
 * skipped). A document without one (after "<html" or "<!doctype html")
 * gets it right before the first <script, <body or </head, whichever
 * comes first; anything else (a fragment, a document without any of
 * those) gets nothing. At most 9 bytes are held between calls. The
 * calls and spans are those of cg_inject.h. */
typedef struct cg_early_t cg_early_t;

cg_early_t *cg_early_start(apr_pool_t *p, const char *tag);
int cg_early_feed(cg_early_t *st, const char *data, apr_size_t len,
                  cg_inject_span_t *spans);
int cg_early_flush(cg_early_t *st, cg_inject_span_t *spans);
int cg_early_finish(cg_early_t *st, cg_inject_span_t *spans);
int cg_early_done(const cg_early_t *st);
/* True once the tag went in. */
int cg_early_inserted(const cg_early_t *st);

#endif /* CG_GCM_H */
