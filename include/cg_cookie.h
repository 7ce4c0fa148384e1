/* cg_cookie.h: parsing of the Cookie request header and of Set-Cookie
 * response lines (RFC 6265), without httpd. */
#ifndef CG_COOKIE_H
#define CG_COOKIE_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

/* One "name=value" pair of a Cookie request header. Both point into a
 * pool copy of the header; `crumb` is the pair as the client sent it
 * (trimmed), so a scrubbed header keeps every surviving pair byte for byte. */
typedef struct cg_crumb_t {
    const char *name;   /* "" for a pair without '=' */
    const char *value;
    const char *crumb;
} cg_crumb_t;

/* Splits a Cookie header into crumbs (array of cg_crumb_t). Pairs are
 * separated by ';' (RFC 6265, HTTP/2 crumbs) and by ',' where httpd merged
 * two HTTP/1.1 Cookie lines: a comma only separates when what follows it
 * starts a new "token=" pair, so JSON values with commas stay whole.
 * Empty crumbs are skipped. Never fails; NULL header gives an empty array. */
apr_array_header_t *cg_cookie_parse(apr_pool_t *p, const char *header);

/* Joins crumbs with "; "; returns "" for none. */
const char *cg_cookie_join(apr_pool_t *p, const apr_array_header_t *crumbs);

/* What a Set-Cookie line says, as far as the gate needs it. */
typedef struct cg_setcookie_t {
    const char *name;      /* trimmed; "" for a nameless cookie */
    const char *value;     /* trimmed, quotes kept */
    const char *path;      /* NULL when absent */
    const char *domain;    /* NULL when absent */
    int secure;
    int httponly;
    int has_max_age;
    apr_int64_t max_age;   /* seconds, valid when has_max_age */
    apr_time_t expires;    /* 0 when absent or unparseable */
} cg_setcookie_t;

/* Parses one Set-Cookie field value. Attribute names are matched
 * case-insensitively, unknown attributes are ignored (RFC 6265 5.2).
 * Never fails: a line without '=' is a nameless cookie. */
void cg_setcookie_parse(apr_pool_t *p, const char *line, cg_setcookie_t *out);

/* Just the cookie name of a Set-Cookie line (trimmed; "" for a nameless
 * cookie), as cg_setcookie_parse() would give it, without the attributes. */
const char *cg_setcookie_name(apr_pool_t *p, const char *line);

/* True when the line removes the cookie from the browser: Max-Age <= 0,
 * or no Max-Age and an Expires before `now`. A deletion never tracks
 * anyone, so the gate always lets it through. */
int cg_setcookie_is_deletion(const cg_setcookie_t *sc, apr_time_t now);

/* The same answer as cg_setcookie_parse() + cg_setcookie_is_deletion(),
 * read straight from the line: only Max-Age (and Expires when there is
 * no Max-Age) are looked at, and only those are copied. */
int cg_setcookie_deletes(apr_pool_t *p, const char *line, apr_time_t now);

/* A Set-Cookie line that deletes `name`: empty value, Max-Age=0 and an
 * Expires in 1970 (for old clients), Path=/, Domain when given, Secure
 * when asked (a browser only lets a secure origin overwrite a Secure
 * cookie, and Mautic sets its cookies Secure). */
const char *cg_setcookie_expiry(apr_pool_t *p, const char *name,
                                const char *domain, int secure);

/* A first-party Set-Cookie line: Max-Age, Path=/, Domain when given,
 * SameSite=Lax, Secure when asked. */
const char *cg_setcookie_line(apr_pool_t *p, const char *name,
                              const char *value, apr_int64_t max_age,
                              const char *domain, int secure);

/* True when `name` is a valid cookie name (an RFC 7230 token). */
int cg_cookie_name_valid(const char *name);

#endif /* CG_COOKIE_H */
