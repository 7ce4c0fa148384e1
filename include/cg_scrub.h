/* cg_scrub.h: the Cookie header a backend gets: only the pairs whose class
 * may pass under the request's decision, as the client sent them. No httpd
 * here. */
#ifndef CG_SCRUB_H
#define CG_SCRUB_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "cg_classify.h"
#include "cg_consent.h"

/* Gives a cookie name's class (the caller's rules, its consent cookie). */
typedef const cg_class_t *(*cg_classify_fn)(void *ctx, const char *name);

/* The crumbs (cg_crumb_t, from cg_cookie_parse) that may pass under
 * `state`, in the client's order; `crumbs` itself when all of them may.
 * A crumb passes when every name it can be read under passes
 * (cg_crumb_every_name()): it is kept or removed whole, never cut. */
const apr_array_header_t *cg_scrub_crumbs(apr_pool_t *p,
                                          const apr_array_header_t *crumbs,
                                          cg_classify_fn classify, void *ctx,
                                          cg_state_e state,
                                          const cg_consent_t *consent,
                                          int unknown_allowed);

#endif /* CG_SCRUB_H */
