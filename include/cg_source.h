/* cg_source.h: readers for the consent other banners store in cookies
 * (Cookiebot, OneTrust, Complianz, WP Consent API, Borlabs, CookieYes,
 * iubenda, Didomi, cookieconsent v3, Klaro, Matomo, IAB TCF, IAB GPP, and
 * banner.js's mirrors of Usercentrics and Osano), so
 * the gate can follow the choice a site already collects. No httpd here.
 *
 * The caller picks the cookies a source reads out of the Cookie header
 * (cg_source_wants()), puts them in a table (name -> raw value, as sent,
 * duplicates kept) and calls the source's reader; or hands the parsed
 * header to cg_source_read_crumbs(), which does that (and for a source of
 * one cookie finds it without a table). Every reader fails
 * closed: anything malformed, stale, from the future or ambiguous (the same
 * cookie twice with different values) is no consent: explicit_choice 0,
 * nothing granted, nothing refused, `error` says why. */
#ifndef CG_SOURCE_H
#define CG_SOURCE_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

/* Longest cookie value a reader looks at; longer ones are malformed. */
#define CG_SOURCE_MAX_VALUE 8192
/* At most this many category strings in `granted` and in `refused`. */
#define CG_SOURCE_MAX_CATEGORIES 256
/* Longest category string; longer names are dropped (never truncated into
 * another name). */
#define CG_SOURCE_MAX_NAME 128
/* A timestamp may lie this far in the future (clock skew). */
#define CG_SOURCE_SKEW apr_time_from_sec(300)

struct cg_tcf_t;
struct cg_gpp_t;
struct cg_consent_key_t;
struct cg_tcf_cache_t;

/* What a source says about the visitor. Category strings are the banner's
 * own names or ids: "marketing" (Cookiebot), "C0004" (OneTrust),
 * "purpose:1", "special_feature:1" (TCF), "service:youtube" (Borlabs,
 * cookieconsent), "usnat:sale" (GPP)... Ask with cg_source_granted() and
 * cg_source_refused(), which also answer the vendor questions of the TCF
 * ("vendor:755", "vendor:755:purpose:1") without listing every vendor. */
typedef struct cg_source_result_t {
    const char *source;             /* the source's name */
    int explicit_choice;            /* the banner's own "the visitor chose" */
    apr_array_header_t *granted;    /* const char * */
    apr_array_header_t *refused;    /* const char * */
    apr_time_t when;                /* when the choice was made; 0 unknown */
    apr_int64_t revision;           /* the banner's policy revision; -1 none */
    const char *error;              /* why there is no consent; NULL if fine */
    const struct cg_tcf_t *tcf;     /* the decoded TC string (tcf, gpp) */
    const struct cg_gpp_t *gpp;     /* the decoded GPP string (gpp) */
} cg_source_result_t;

/* What a reader is told besides the cookies. */
typedef struct cg_source_opts_t {
    apr_time_t now;
    /* Oldest choice honoured, in seconds, for the sources that date their
     * choice (Cookiebot, TCF, GPP's TCF, Didomi, iubenda, cookieconsent,
     * Matomo, OneTrust's AlertBoxClosed); 0: no limit but the banner's own
     * expiry. */
    apr_int64_t max_age;
    /* ConsentSecret's keys and the site they sign for, for the sources
     * whose cookie the module itself signs (the mirrors): with keys, such
     * a value grants only when it carries a signature by one of them for
     * this site and source; its refusals count either way. Without keys
     * (NULL, 0) nothing is checked. */
    const struct cg_consent_key_t *keys;
    int nkeys;
    const char *site;
    /* the connection's last decoded TC string (cg_tcf.h), or NULL */
    struct cg_tcf_cache_t *tcf_cache;
} cg_source_opts_t;

/* One cookie name a source reads: the exact name, or every name that
 * starts with it when `prefix` is set. */
typedef struct cg_source_cookie_t {
    const char *name;
    int prefix;
} cg_source_cookie_t;

typedef void cg_source_read_fn(apr_pool_t *p, const apr_table_t *cookies,
                               const cg_source_opts_t *opts,
                               cg_source_result_t *out);

/* A reader of a source of one cookie, given what cg_source_cookie()
 * says of it: rc 1 its `len`-byte value, -1 ambiguous or oversized. */
typedef void cg_source_value_fn(apr_pool_t *p, int rc, const char *value,
                                apr_size_t len, const cg_source_opts_t *opts,
                                cg_source_result_t *out);

typedef struct cg_source_t {
    const char *name;                   /* "cookiebot", "tcf", ... */
    const cg_source_cookie_t *cookies;  /* ends with a NULL name */
    cg_source_read_fn *read;
    cg_source_value_fn *read_value;     /* NULL, or `read` for one cookie
                                           found without a table */
} cg_source_t;

/* The sources, ending with a NULL name. */
extern const cg_source_t cg_sources[];

/* The source called `name` (case-sensitive), or NULL. */
const cg_source_t *cg_source_find(const char *name);

/* Whether `source` reads the cookie `name`. */
int cg_source_wants(const cg_source_t *source, const char *name);

/* Runs the source's reader over the cookies (table of name -> raw value).
 * Always fills `out`; a NULL table is no cookies. */
void cg_source_read(apr_pool_t *p, const cg_source_t *source,
                    const apr_table_t *cookies, const cg_source_opts_t *opts,
                    cg_source_result_t *out);

/* The request's cookies (cg_crumb_t, as cg_cookie_parse() splits them)
 * that `source` reads, as cg_source_read() takes them: name -> raw value;
 * NULL when none is. */
apr_table_t *cg_source_cookies(apr_pool_t *p, const cg_source_t *source,
                               const apr_array_header_t *crumbs);

/* cg_source_read() over the request's cookies as cg_cookie_parse()
 * splits them (cg_crumb_t), without a table where the source reads one
 * cookie: 0 (`out` untouched) when none of them is the source's, else 1
 * and `out` filled. */
int cg_source_read_crumbs(apr_pool_t *p, const cg_source_t *source,
                          const apr_array_header_t *crumbs,
                          const cg_source_opts_t *opts,
                          cg_source_result_t *out);

/* Whether the result grants / refuses the banner's category `name`. For a
 * TC string also "vendor:V" and "vendor:V:purpose:N" (the purpose consented,
 * the vendor consented, no publisher restriction against it), and
 * "vendor:V" is refused only when the vendor was disclosed (or the string
 * has no DisclosedVendors segment) and has no consent. A conjunction
 * "purpose:1+vendor:755" (up to 8 terms) is granted when every term is,
 * refused when any term is. Nothing is granted or refused without an
 * explicit choice. */
int cg_source_granted(const cg_source_result_t *r, const char *name);
int cg_source_refused(const cg_source_result_t *r, const char *name);

/* A name for cg_source_granted() / cg_source_refused() read once (a
 * ConsentSourceMap line's category, asked on every request): the same
 * answers, without parsing the name again. `name` must outlive it. */
typedef struct cg_source_query_t cg_source_query_t;
cg_source_query_t *cg_source_query_make(apr_pool_t *p, const char *name);
int cg_source_query_granted(const cg_source_result_t *r,
                            const cg_source_query_t *q);
int cg_source_query_refused(const cg_source_result_t *r,
                            const cg_source_query_t *q);

/* Helpers the readers share (and the tests use). */

/* apr_array_make() in one allocation, the elements not zeroed. */
apr_array_header_t *cg_source_array_make(apr_pool_t *p, int nalloc,
                                         int elt_size);

/* An empty result: no choice, no error. */
void cg_source_result_init(apr_pool_t *p, cg_source_result_t *out,
                           const char *source);

/* Fails the result closed with `error` (keeps the first error). */
void cg_source_fail(cg_source_result_t *out, const char *error);

/* Adds a category to granted / refused (copied; names that are empty, too
 * long or past the cap are dropped; a cap overflow fails the result). A
 * name both granted and refused fails the result as ambiguous. */
void cg_source_grant(apr_pool_t *p, cg_source_result_t *out, const char *name);
void cg_source_refuse(apr_pool_t *p, cg_source_result_t *out,
                      const char *name);

/* The single value of cookie `name`: 1 found (*value set), 0 absent, -1
 * ambiguous (sent twice with different values) or longer than
 * CG_SOURCE_MAX_VALUE. */
int cg_source_cookie(const apr_table_t *cookies, const char *name,
                     const char **value);

/* Percent-decoding ('+' kept as is unless `plus_space`); NULL on a
 * malformed escape or an encoded NUL. */
char *cg_source_unescape(apr_pool_t *p, const char *s, int plus_space);

/* An RFC 3339 / ISO 8601 UTC time ("2025-03-19T07:27:30.342Z"); 0 when
 * malformed. */
apr_time_t cg_source_parse_iso(const char *s);

/* Applies `opts` to a choice made at `when`: fails the result when it is
 * in the future or older than max_age. Returns 1 when still fine. */
int cg_source_check_age(cg_source_result_t *out, apr_time_t when,
                        const cg_source_opts_t *opts);

/* The readers. */
cg_source_read_fn cg_source_read_cookiebot;
cg_source_read_fn cg_source_read_onetrust;
cg_source_read_fn cg_source_read_complianz;
cg_source_read_fn cg_source_read_wpconsent;
cg_source_read_fn cg_source_read_borlabs;
cg_source_read_fn cg_source_read_cookieyes;
cg_source_read_fn cg_source_read_iubenda;
cg_source_read_fn cg_source_read_didomi;
cg_source_read_fn cg_source_read_cc_cookie;
cg_source_read_fn cg_source_read_klaro;
cg_source_read_fn cg_source_read_matomo;
cg_source_read_fn cg_source_read_tcf;
cg_source_value_fn cg_source_read_tcf_value;
cg_source_read_fn cg_source_read_gpp;
/* lib/cg_source_mirror.c: the cookies banner.js mirrors from storage */
cg_source_read_fn cg_source_read_usercentrics;
cg_source_read_fn cg_source_read_osano;

#endif /* CG_SOURCE_H */
