/* cg_visit_memo.h: the visit last read on one connection. A browser sends
 * the same Cookie header with every request of a page (the page, its
 * scripts, styles, images, XHRs), most of them over one connection: the
 * visit read for the first serves the others, and so does its request
 * scrub. A read depends only on the Cookie header's bytes, the signals,
 * the policy and the time to the second (cg_visit_read() reads the time
 * to the second), so the same four give the same visit. A connection's
 * requests come one after another, never from two threads at once. No
 * httpd here. */
#ifndef CG_VISIT_MEMO_H
#define CG_VISIT_MEMO_H

#include <apr_pools.h>
#include <apr_time.h>

#include "cg_policy.h"

typedef struct cg_visit_memo_t cg_visit_memo_t;

/* An empty memo for the connection whose pool is `conn`: what it holds
 * lives in subpools of it, one per visit, each destroyed once a newer
 * visit replaced it and no request uses it any more. */
cg_visit_memo_t *cg_visit_memo_make(apr_pool_t *conn);

/* cg_visit_read() through the memo: the visit the memo holds when `pol`,
 * the Cookie header's bytes, the signals and the second of `now` are the
 * same, else a new read that takes its place. `pol` must outlive the
 * connection (a policy built for one request must not come here: another
 * could later be built at its address). *out stays valid until `req`, the
 * request's pool, is cleaned up; its matcher is made in `req` and its
 * cookie_header is `cookie`. Returns 1 when the visit was remembered. */
int cg_visit_memo_read(cg_visit_memo_t *m, apr_pool_t *req,
                       const cg_policy_t *pol, const char *cookie,
                       const char *sec_gpc, const char *dnt, apr_time_t now,
                       cg_visit_t *out);

/* cg_policy_scrub() of a visit cg_visit_memo_read() gave, remembered with
 * the visit per policy and state. */
const char *cg_visit_memo_scrub(cg_visit_memo_t *m, apr_pool_t *req,
                                const cg_policy_t *pol, cg_visit_t *v,
                                cg_state_e state);

/* How many TC strings (euconsent-v2) a new read found as the read before
 * it had decoded them, and did not decode again: a visitor's TC string
 * stays the same for weeks while the rest of their Cookie header changes
 * from page to page. */
apr_uint64_t cg_visit_memo_tc_decoded_again(const cg_visit_memo_t *m);

#endif /* CG_VISIT_MEMO_H */
