/* cg_scrub.c: removing unconsented pairs from a Cookie request header, so
 * a backend never reads an id it was not allowed to set. */
#include "cg_cookie.h"
#include "cg_scrub.h"

typedef struct scrub_judge {
    cg_classify_fn classify;
    void *ctx;
    cg_state_e state;
    const cg_consent_t *consent;
    int unknown_allowed;
} scrub_judge;

static int name_passes(void *data, const char *name)
{
    scrub_judge *j = data;

    return cg_class_passes(j->classify(j->ctx, name), j->state, j->consent,
                           j->unknown_allowed);
}

const apr_array_header_t *cg_scrub_crumbs(apr_pool_t *p,
                                          const apr_array_header_t *crumbs,
                                          cg_classify_fn classify, void *ctx,
                                          cg_state_e state,
                                          const cg_consent_t *consent,
                                          int unknown_allowed)
{
    const cg_crumb_t *c = (const cg_crumb_t *)crumbs->elts;
    apr_array_header_t *kept = NULL;
    scrub_judge judge = { classify, ctx, state, consent, unknown_allowed };
    int i, j;

    for (i = 0; i < crumbs->nelts; ++i) {
        /* a pair goes whole when any name it can be read under may not
         * pass (prefixed, PHP's reading, after a comma, nameless) */
        if (cg_crumb_every_name(p, &c[i], name_passes, &judge)) {
            if (kept) {
                *(cg_crumb_t *)apr_array_push(kept) = c[i];
            }
            continue;
        }
        /* the first one that goes: copy those before it, skip it */
        if (!kept) {
            kept = apr_array_make(p, crumbs->nelts, sizeof(cg_crumb_t));
            for (j = 0; j < i; ++j) {
                *(cg_crumb_t *)apr_array_push(kept) = c[j];
            }
        }
    }
    return kept ? kept : crumbs;
}
