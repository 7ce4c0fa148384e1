/* cg_site.h: keeping other sites away from the consent-recording
 * endpoints (a cross-site form or fetch must not record a choice for the
 * visitor) and keeping their redirects on this site. No httpd here. */
#ifndef CG_SITE_H
#define CG_SITE_H

#include <apr_pools.h>

/* The longest return_to that cg_safe_return_to() accepts, in bytes. */
#define CG_RETURN_TO_MAX 2048

/* True only when the request demonstrably comes from the site itself.
 *
 * `sec_fetch_site` is the Sec-Fetch-Site header (NULL when absent). When
 * present it alone decides: exactly "same-origin" or "same-site" (case
 * sensitive, surrounding spaces and tabs ignored) gives 1, anything else
 * ("cross-site", "none", a merged list, junk) gives 0 and Origin is not
 * looked at: a browser that sends Sec-Fetch-Site knows better than an
 * Origin check can.
 *
 * Without it, `origin` (the Origin header) must be a serialized origin,
 * scheme "://" host [":" port] and nothing else, that equals `scheme` and
 * `host` (the Host header, which may carry a port). Scheme and host are
 * compared case-insensitively, and the scheme's default port (80 for
 * http, 443 for https) is the same as no port on either side. "null", a
 * path, userinfo, a query, whitespace or anything else gives 0.
 *
 * Fails closed: no header to go by, or a NULL `scheme` or `host`, is 0. */
int cg_request_is_same_site(const char *sec_fetch_site, const char *origin,
                            const char *scheme, const char *host);

/* The same, except that Sec-Fetch-Site "same-site" (a sibling subdomain)
 * counts only when `allow_same_site` is true: the consent endpoints take
 * same-origin only unless ConsentAllowSameSite says otherwise. */
int cg_request_from_site(const char *sec_fetch_site, const char *origin,
                         const char *scheme, const char *host,
                         int allow_same_site);

/* A path on this site to redirect to after recording a choice, as a pool
 * copy of `return_to`, or NULL when it could lead anywhere else.
 *
 * Accepted: a value of at most CG_RETURN_TO_MAX bytes starting with
 * exactly one '/' ("//host" and "/\host" are network paths to browsers),
 * without control characters (browsers drop tabs and newlines, which
 * would make "/\t/evil" a network path), backslashes or spaces, and not
 * starting with "/%2F" or "/%5C" (in any case), which some frameworks
 * decode before redirecting. The query and the fragment are kept.
 * Everything else, a URL with a scheme included, is NULL. */
const char *cg_safe_return_to(apr_pool_t *p, const char *return_to);

#endif /* CG_SITE_H */
