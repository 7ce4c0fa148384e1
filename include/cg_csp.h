/* cg_csp.h: Content-Security-Policy and consent. Which policies
 * ConsentCSPWithout adds for a visit, whether a configured policy is one a
 * header can carry, and what the policies a page already carries say
 * about an inline script (the nonce it must bear, or that it is blocked).
 * No httpd here. */
#ifndef CG_CSP_H
#define CG_CSP_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "cg_policy.h"

/* One ConsentCSPWithout line: POLICY applies while CATEGORY is not
 * granted. */
typedef struct cg_csp_rule_t {
    const char *category;
    const char *policy;
} cg_csp_rule_t;

/* The policies (const char *) to add for a visit decided `state`: those
 * of the rules (cg_csp_rule_t) whose category the visitor has not granted,
 * in rule order, a policy named twice only once. Empty when every
 * category is granted; `rules` may be NULL. */
apr_array_header_t *cg_csp_for_visit(apr_pool_t *p,
                                     const apr_array_header_t *rules,
                                     const cg_visit_t *v, cg_state_e state);

/* NULL when `policy` is a policy a header can carry: printable ASCII, no
 * ',' (which would start a second policy), at least one directive, each a
 * directive CSP Level 3 defines; else why not, in words. */
const char *cg_csp_policy_check(apr_pool_t *p, const char *policy);

/* What the policies of a response (`headers`: Content-Security-Policy
 * values, const char *, each of which may hold several policies separated
 * by ',') do to an inline <script> element. */
typedef enum {
    CG_CSP_INLINE_ALLOWED = 0,  /* no policy restricts it */
    CG_CSP_INLINE_NONCE,        /* allowed if it bears *nonce */
    CG_CSP_INLINE_BLOCKED       /* no nonce or grant lets it run */
} cg_csp_inline_e;

/* Every policy must allow the script: through 'unsafe-inline' (when the
 * directive names no nonce or hash), or through a nonce; two policies
 * that ask for different nonces block it. A nonce is only taken when it
 * is base64 (safe inside an HTML attribute). */
cg_csp_inline_e cg_csp_inline(apr_pool_t *p, const apr_array_header_t *headers,
                              const char **nonce);

/* True when every policy lets a same-origin <script src> run: the source
 * list that governs script elements is absent or names 'self' or '*',
 * and no 'strict-dynamic' turns those off. */
int cg_csp_self_script(const apr_array_header_t *headers);

#endif /* CG_CSP_H */
