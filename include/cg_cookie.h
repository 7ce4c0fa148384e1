/* cg_cookie.h: parsing of the Cookie request header and of Set-Cookie
 * response lines (RFC 6265bis, as browsers read them), without httpd. */
#ifndef CG_COOKIE_H
#define CG_COOKIE_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

/* One "name=value" pair of a Cookie request header, split where a browser
 * separates pairs: at ';' only. Name, value and crumb point into one pool
 * copy of the header; `crumb` is the pair as the client sent it (trimmed),
 * so a scrubbed header keeps every surviving pair byte for byte. */
typedef struct cg_crumb_t {
    const char *name;   /* "" for a pair without '=' */
    const char *value;  /* ends where crumb ends */
    const char *crumb;
    /* NULL, or the NULL-terminated names of the "token=" pairs that follow
     * a comma inside the value ("a=1, mtc_id=2": httpd's merge of two
     * HTTP/1.1 Cookie lines, or a pair smuggled into a value). A server
     * that splits at commas reads them as cookies of their own, so a pair
     * is kept or removed whole, judged by these names too. */
    const char *const *inner;
    apr_size_t name_len;    /* strlen(name) */
    apr_size_t crumb_len;   /* strlen(crumb) */
} cg_crumb_t;

/* Splits a Cookie header into crumbs (array of cg_crumb_t) at ';'. The
 * value of a pair is never cut. Empty crumbs are skipped. One pass with
 * memchr() and one pool allocation for up to 16 pairs. Never fails; NULL
 * header gives an empty array. */
apr_array_header_t *cg_cookie_parse(apr_pool_t *p, const char *header);

/* Joins crumbs with "; "; returns "" for none. */
const char *cg_cookie_join(apr_pool_t *p, const apr_array_header_t *crumbs);

/* The same, of the crumbs whose `keep` byte is nonzero (all when `keep` is
 * NULL). */
const char *cg_cookie_join_kept(apr_pool_t *p,
                                const apr_array_header_t *crumbs,
                                const unsigned char *keep);

/* What a Set-Cookie line says, read as RFC 6265bis 5.6/5.7 and Chromium
 * read it. */
typedef struct cg_setcookie_t {
    const char *name;      /* trimmed; "" for a nameless cookie */
    const char *value;     /* trimmed, quotes kept */
    const char *path;      /* the last Path; NULL when absent or empty */
    const char *domain;    /* the last Domain; NULL when absent or empty */
    const char *samesite;  /* the last SameSite's value; NULL when absent */
    int secure;
    int httponly;
    int partitioned;
    /* The last Max-Age attribute decides, even when its value is invalid
     * (then has_max_age is 0 and Expires decides): an optional sign, then
     * digits; an overflow saturates. */
    int has_max_age;
    apr_int64_t max_age;   /* seconds, valid when has_max_age */
    /* The last Expires attribute, read by cg_cookie_date() */
    int has_expires;
    apr_time_t expires;    /* valid when has_expires (may be before 1970) */
    /* 0 when a browser refuses the whole line: control characters (tab
     * included) inside a part, name plus value over 4096 bytes, a nameless
     * line with an empty value, a '=' or a prefix in its value, a
     * __Secure-/__Host- name (any case) without its prefix's attributes */
    int valid;
} cg_setcookie_t;

/* Parses one Set-Cookie field value. Attribute names are matched
 * case-insensitively, unknown attributes are ignored, attribute values
 * over 1024 bytes are ignored (as Chromium does). Never fails: a line
 * without '=' is a nameless cookie. */
void cg_setcookie_parse(apr_pool_t *p, const char *line, cg_setcookie_t *out);

/* Where the name and value of a Set-Cookie line are, copying nothing:
 * [nb, ne) and [vb, ve) trimmed, `eq` the first '=' before `pe` (NULL for
 * a nameless line, whose value is the whole pair), `pe` the first ';' or
 * the end. */
typedef struct cg_pair_spans_t {
    const char *nb, *ne, *vb, *ve, *eq, *pe;
} cg_pair_spans_t;
void cg_setcookie_pair_spans(const char *line, cg_pair_spans_t *out);

/* Only the name and value of a Set-Cookie line (the attributes left
 * unread, `valid` from those two alone): enough to classify it. */
void cg_setcookie_parse_pair(apr_pool_t *p, const char *line,
                             cg_setcookie_t *out);

/* The attributes of a line whose name and value cg_setcookie_parse_pair()
 * read into `out`: the two together are cg_setcookie_parse(). */
void cg_setcookie_parse_attributes(apr_pool_t *p, const char *line,
                                   cg_setcookie_t *out);

/* Just the cookie name of a Set-Cookie line (trimmed; "" for a nameless
 * cookie), as cg_setcookie_parse() would give it, without the attributes. */
const char *cg_setcookie_name(apr_pool_t *p, const char *line);

/* True when the browser removes the cookie on this line: a valid line
 * whose last Max-Age is a number <= 0, or, when that is absent or invalid,
 * whose last Expires is a date <= now. */
int cg_setcookie_is_deletion(const cg_setcookie_t *sc, apr_time_t now);

/* The lifetime half of cg_setcookie_is_deletion(), read straight off the
 * line without parsing or copying anything else: 0 means the line is no
 * deletion whatever its other attributes; 1 means it is one if the line
 * is also valid (cg_setcookie_parse() and cg_setcookie_is_deletion()
 * tell). */
int cg_setcookie_lifetime_ends(const char *line, apr_time_t now);

/* cg_setcookie_parse() + cg_setcookie_is_deletion() in one call. */
int cg_setcookie_deletes(apr_pool_t *p, const char *line, apr_time_t now);

/* The canonical form of a deletion: the same name, an empty value,
 * Max-Age=0, Expires=Thu, 01 Jan 1970 00:00:00 GMT, and the line's Path,
 * Domain, Secure, SameSite and Partitioned, so the browser removes the same
 * cookie; a __Host- name gets Path=/, Secure and no Domain, a __Secure- one
 * Secure. NULL for a nameless line or a name that is no token (no line
 * with an empty value deletes those). Passing this instead of the line
 * means a misread line can never carry an identifier. */
const char *cg_setcookie_canonical_deletion(apr_pool_t *p,
                                            const cg_setcookie_t *sc);

/* The cookie-date algorithm (RFC 6265 5.1.1) as Chromium runs it over
 * `len` bytes of `s`: tokens split at ASCII punctuation but ':'; the first
 * "h:m:s" token of digits only, the first day of 1-2 digits, the first
 * month (a token starting with a month's three letters), the first year of
 * up to 5 digits; years 70-99 are 19xx, 0-69 20xx; a date missing a field
 * or not on the calendar is no date. Years before 1601 are dates (long
 * past). True and *out set when a date was found. */
int cg_cookie_date(const char *s, apr_size_t len, apr_time_t *out);

/* A Set-Cookie line that deletes `name`: empty value, Max-Age=0 and an
 * Expires in 1970 (for old clients), Path=/, Domain when given, Secure
 * when asked (a browser only lets a secure origin overwrite a Secure
 * cookie, and Mautic sets its cookies Secure). A __Host- name (any case)
 * gets Secure and never a Domain, a __Secure- one Secure, or the browser
 * would ignore the line. */
const char *cg_setcookie_expiry(apr_pool_t *p, const char *name,
                                const char *domain, int secure);

/* A first-party Set-Cookie line: Max-Age, Path=/, Domain when given,
 * SameSite=Lax, Secure when asked. */
const char *cg_setcookie_line(apr_pool_t *p, const char *name,
                              const char *value, apr_int64_t max_age,
                              const char *domain, int secure);

/* True when `name` is a valid cookie name (an RFC 7230 token). */
int cg_cookie_name_valid(const char *name);

/* ---- names, for classification ---- */

/* `name` without its __Host-/__Secure- prefixes (any case, repeated): a
 * pointer into `name`, no copy. */
const char *cg_cookie_unprefixed(const char *name);

/* The name in a value that looks like "name=value" (trimmed text before
 * the first '=', non-empty), which is how a server reads the pair a
 * nameless cookie becomes; NULL otherwise. */
const char *cg_cookie_inner_name(apr_pool_t *p, const char *value);

/* The key PHP 8 gives a request cookie in $_COOKIE: leading whitespace
 * skipped, ' ' and '.' become '_', "a[x]" is the array "a", a '[' without
 * a ']' after it becomes '_'; "" when PHP drops the pair (empty, or
 * starting with '['). Not URL-decoded: PHP stopped decoding cookie names
 * in 7.4.11. `name` itself when nothing changes. */
const char *cg_cookie_php_name(apr_pool_t *p, const char *name);

/* Called with each name a pair may be read under; returns nonzero to go
 * on. */
typedef int (*cg_name_fn)(void *ctx, const char *name);

/* The names a server reads one name as: `name` without __Host-/__Secure-,
 * then PHP's reading of that when it differs (NULL otherwise). */
void cg_cookie_forms(apr_pool_t *p, const char *name, const char *forms[2]);

/* The names as the pair or line gives them, before cg_cookie_forms(): the
 * pair's own name; for a nameless pair "" and the inner name of its value;
 * the inner names after commas. cg_crumb_every_name() and
 * cg_setcookie_every_name() are these names, each through its forms. */
int cg_crumb_every_raw_name(apr_pool_t *p, const cg_crumb_t *c,
                            cg_name_fn fn, void *ctx);
int cg_setcookie_every_raw_name(apr_pool_t *p, const cg_setcookie_t *sc,
                                cg_name_fn fn, void *ctx);

/* Every name under which a request pair reaches a browser script or a
 * backend, for classification: the name without prefixes and its PHP
 * reading; for a nameless pair "" and the inner name of its value; the
 * inner names after commas (cg_crumb_t.inner), each the same way. Stops
 * at the first call that returns 0 and returns 0; 1 when all returned
 * nonzero. No allocation in the common case (a plain token name). */
int cg_crumb_every_name(apr_pool_t *p, const cg_crumb_t *c, cg_name_fn fn,
                        void *ctx);

/* The same for a parsed Set-Cookie line: its name without prefixes and
 * its PHP reading; for a nameless line "" and the inner name of its
 * value; the "token=" names after commas in its value (the pair it
 * becomes in the next Cookie header). */
int cg_setcookie_every_name(apr_pool_t *p, const cg_setcookie_t *sc,
                            cg_name_fn fn, void *ctx);

#endif /* CG_COOKIE_H */
