/* cg_mirror.h: the choice banner.js mirrors from a banner that keeps it in
 * the browser's storage (Usercentrics, Osano) and posts to the consent
 * endpoint, so that the server sets the mirror cookie and writes a receipt
 * as one act: which source and cookie, and what kind of choice it is for
 * the receipt. What it grants is the source's ConsentSourceMap's to say
 * (lib/cg_policy.c). No httpd here. */
#ifndef CG_MIRROR_H
#define CG_MIRROR_H

#include <apr_pools.h>
#include <apr_tables.h>

/* The cookie a mirror source is kept in ("consentgate_usercentrics",
 * "consentgate_osano"); NULL when `source` is no mirror source. */
const char *cg_mirror_cookie(const char *source);

/* The mirror in a consent body: JSON {"mirror": SOURCE, "value": V} or the
 * form mirror=SOURCE&value=V (content types as cg_choice_parse()). V is
 * the cookie's value as banner.js writes it: 1 to CG_SOURCE_MAX_VALUE
 * bytes of the characters encodeURIComponent() leaves as they are, so it
 * goes into a Set-Cookie line unchanged; whether it holds a choice is the
 * source reader's to say.
 * 0: not a mirror (no "mirror" field), nothing set; 1: *source and *value
 * set; -1: a malformed mirror (an unknown source, a bad value, a
 * "categories" field besides, a malformed body), *err says why. */
int cg_mirror_parse(apr_pool_t *p, const char *content_type,
                    const char *body, apr_size_t len, const char **source,
                    const char **value, const char **err);

/* The receipt's action for a mirrored choice that grants the module's
 * categories `after` (const char *; NULL is none), where the mirror the
 * visitor held granted `before`: "grant" when `after` grants any,
 * "revoke" when it grants none and `before` did, else "refuse".
 * *widens (when given) is 1 when `after` grants a category `before` did
 * not: only such a choice waits for the receipt limits; a refusal, a
 * withdrawal or a narrower choice always takes effect. */
const char *cg_mirror_action(const apr_array_header_t *before,
                             const apr_array_header_t *after, int *widens);

#endif /* CG_MIRROR_H */
