/* cg_banner.h: the cookie banner's configuration (ConsentBanner FILE, or
 * the built-in English default): read and checked once at startup, then
 * rendered per language into the JSON object that banner.js receives
 * (lib/cg_banner.c: loading and checking; lib/cg_banner_render.c:
 * rendering). No httpd here. */
#ifndef CG_BANNER_H
#define CG_BANNER_H

#include <apr_pools.h>
#include <apr_tables.h>

typedef struct cg_banner_t cg_banner_t;

/* What the banner must know of the server it runs on. */
typedef struct cg_banner_site_t {
    const char *endpoint;       /* ConsentEndpoint */
    const char *cookie;         /* ConsentCookieName */
    int revision;               /* ConsentPolicyRevision */
    long long max_age;          /* ConsentMaxAge, seconds */
    int gpc, dnt;               /* ConsentSignals: honoured or not */
    int consent_wins;           /* ConsentSignalPrecedence consent */
    int signed_mirrors;         /* ConsentSecret: the endpoint signs mirrors */
    /* the ConsentSourceMap lines of mirror sources in the server's
     * sections (cg_source_map_t; may be NULL): the ids banner.js mirrors */
    const apr_array_header_t *mirror_maps;
} cg_banner_site_t;

/* Reads and checks a banner config file. NULL on any error, with *err set
 * to "PATH:LINE:COLUMN: ..." for JSON syntax and "PATH: KEY: ..." for a
 * value the banner cannot use. */
cg_banner_t *cg_banner_load(apr_pool_t *p, const char *path, const char **err);

/* The same from memory; `source` names it in errors. */
cg_banner_t *cg_banner_parse(apr_pool_t *p, const char *json, apr_size_t len,
                             const char *source, const char **err);

/* The built-in English banner: used when no ConsentBanner is given. */
cg_banner_t *cg_banner_default(apr_pool_t *p);

/* True for the built-in default, which adapts to the categories the gate
 * knows (see cg_banner_restrict). */
int cg_banner_is_default(const cg_banner_t *b);

/* The configured languages, default first (const char *). */
const apr_array_header_t *cg_banner_languages(const cg_banner_t *b);

/* The optional categories the banner asks about (const char *). */
const apr_array_header_t *cg_banner_categories(const cg_banner_t *b);

/* A copy of `b` that asks only about the categories in `known` (the gate
 * has classes for); with none left it becomes a notice. */
cg_banner_t *cg_banner_restrict(apr_pool_t *p, const cg_banner_t *b,
                                const apr_array_header_t *known);

/* The configured language that best answers an Accept-Language header
 * (cg_lang_pick() on the configured languages). */
const char *cg_banner_pick_language(const cg_banner_t *b,
                                    const char *accept_language);

/* The JSON object banner.js is called with, for one configured language:
 * compact, ASCII only, with "/" escaped, so no text can end its string,
 * its script or a line (U+2028). NULL for a language not configured. */
const char *cg_banner_render(apr_pool_t *p, const cg_banner_t *b,
                             const char *lang, const cg_banner_site_t *site);

#endif /* CG_BANNER_H */
