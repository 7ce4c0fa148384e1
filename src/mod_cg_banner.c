/* mod_cg_banner.c: banner.js, the cookie banner. The config is read and
 * checked when the directive is parsed (so `apachectl -t` names the file,
 * line and column of a mistake); every language is rendered once after
 * startup and served from memory with an ETag. */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <apr_strings.h>
#include <apr_hash.h>
#include <apr_md5.h>
#include <apr_escape.h>

#include "mod_cg.h"
#include "cg_banner.h"
#include "cg_chain.h"
#include "cg_text.h"

APLOG_USE_MODULE(consentgate);

/* gen/banner_js.c, made from banner/banner.js at build time */
extern const char mod_cg_banner_js[];
extern const size_t mod_cg_banner_js_len;

typedef struct banner_body {
    const char *data;
    apr_size_t len;
    const char *etag;
} banner_body;

const char *mod_cg_set_banner(cmd_parms *cmd, void *dconf, const char *arg)
{
    mod_cg_server_conf *sc = ap_get_module_config(cmd->server->module_config,
                                                  &consentgate_module);
    const char *path = ap_server_root_relative(cmd->pool, arg), *err = NULL;

    (void)dconf;
    if (!path) {
        return apr_psprintf(cmd->pool, "%s: invalid path '%s'",
                            cmd->cmd->name, arg);
    }
    if (!(sc->banner = cg_banner_load(cmd->pool, path, &err))) {
        return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, err);
    }
    return NULL;
}

static const char *etag_of(apr_pool_t *p, const char *data, apr_size_t len)
{
    unsigned char digest[APR_MD5_DIGESTSIZE];

    apr_md5(digest, data, len);
    return apr_psprintf(p, "\"cg-%.20s\"",
                        apr_pescape_hex(p, digest, sizeof(digest), 0));
}

/* Renders every language of every server's banner, once per generation. */
int mod_cg_banner_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                              apr_pool_t *ptemp, server_rec *s)
{
    cg_banner_t *builtin = NULL;

    (void)plog;
    (void)ptemp;
    for (; s; s = s->next) {
        mod_cg_server_conf *sc = ap_get_module_config(s->module_config,
                                                      &consentgate_module);
        const mod_cg_dir_conf *dc = ap_get_module_config(s->lookup_defaults,
                                                         &consentgate_module);
        /* what a visitor can consent to on this server (the consent
         * endpoint refuses other categories) */
        apr_array_header_t *known = mod_cg_categories(pconf, dc);
        const cg_banner_t *banner = sc->banner;
        const apr_array_header_t *langs;
        cg_banner_site_t site;
        int i;

        if (!banner) {
            if (!builtin && !(builtin = cg_banner_default(pconf))) {
                ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, CGLOGNO(060)
                             "the built-in banner does not load");
                return HTTP_INTERNAL_SERVER_ERROR;
            }
            /* it asks only about what this server can gate; with nothing
             * to ask about it is a notice */
            banner = cg_banner_restrict(pconf, builtin, known);
        }
        else {
            const apr_array_header_t *cats = cg_banner_categories(banner);
            for (i = 0; i < cats->nelts; ++i) {
                const char *cat = APR_ARRAY_IDX(cats, i, const char *);
                if (!cg_in_array(cat, known)) {
                    ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, CGLOGNO(061)
                                 "ConsentBanner asks about category '%s', "
                                 "which no ConsentPreset or ConsentCookieClass "
                                 "of %s names: consents to it will be "
                                 "refused", cat, s->server_hostname
                                 ? s->server_hostname : "this server");
                }
            }
        }
        site.endpoint = mod_cg_endpoint(sc);
        site.cookie = mod_cg_cookie_name(sc);
        site.revision = mod_cg_policy_revision(sc);
        site.max_age = mod_cg_max_age(sc);
        site.gpc = (mod_cg_signals_honoured(dc) & CG_SIGNAL_GPC) != 0;
        site.dnt = (mod_cg_signals_honoured(dc) & CG_SIGNAL_DNT) != 0;
        site.consent_wins = mod_cg_precedence(dc) == CG_PRECEDENCE_CONSENT;
        site.signed_mirrors = sc->secret_keys && sc->secret_keys->nelts > 0;
        site.mirror_maps = sc->mirror_maps;
        sc->banner_effective = banner;
        sc->banner_bodies = apr_hash_make(pconf);
        sc->notices = apr_hash_make(pconf);
        langs = cg_banner_languages(banner);
        for (i = 0; i < langs->nelts; ++i) {
            const char *lang = APR_ARRAY_IDX(langs, i, const char *);
            const char *json = cg_banner_render(pconf, banner, lang, &site);
            banner_body *body;
            mod_cg_notice *notice;

            if (!json || strlen(json) < 3 || json[strlen(json) - 1] != '}') {
                ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, CGLOGNO(062)
                             "ConsentBanner: cannot render language '%s'",
                             lang);
                return HTTP_INTERNAL_SERVER_ERROR;
            }
            /* the notice: what this language's visitors are shown, named
             * by its hash, which the banner posts back with a choice */
            notice = apr_palloc(pconf, sizeof(*notice));
            notice->text = json;
            notice->lang = lang;
            if (!(notice->hash = cg_sha256_hex(pconf, json, strlen(json)))) {
                return HTTP_INTERNAL_SERVER_ERROR;
            }
            apr_hash_set(sc->notices, notice->hash, APR_HASH_KEY_STRING,
                         notice);
            body = apr_palloc(pconf, sizeof(*body));
            /* banner.js is one function expression; the config is its
             * argument, with the notice's hash added as its last member */
            body->data = apr_pstrcat(pconf, mod_cg_banner_js, "(",
                                     apr_pstrmemdup(pconf, json,
                                                    strlen(json) - 1),
                                     ",\"notice\":\"", notice->hash, "\"});\n",
                                     NULL);
            body->len = strlen(body->data);
            body->etag = etag_of(pconf, body->data, body->len);
            apr_hash_set(sc->banner_bodies, lang, APR_HASH_KEY_STRING, body);
        }
    }
    return OK;
}

/* GET {endpoint}/banner.js */
int mod_cg_banner(request_rec *r)
{
    mod_cg_server_conf *sc = ap_get_module_config(r->server->module_config,
                                                  &consentgate_module);
    const banner_body *body;
    const char *lang;
    apr_bucket_brigade *bb;
    int rc;

    if (r->method_number != M_GET) {
        ap_allow_methods(r, REPLACE_ALLOW, "GET", NULL);
        return HTTP_METHOD_NOT_ALLOWED;
    }
    if (!sc->banner_effective) {
        return HTTP_NOT_FOUND;
    }
    lang = cg_banner_pick_language(sc->banner_effective,
                                   apr_table_get(r->headers_in,
                                                 "Accept-Language"));
    body = apr_hash_get(sc->banner_bodies, lang, APR_HASH_KEY_STRING);
    if (!body) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    /* the same for every visitor of a language: caches may share it, and
     * it never carries a cookie */
    mod_cg_forbid_cookies(r);
    apr_table_mergen(r->headers_out, "Vary", "Accept-Language");
    apr_table_setn(r->headers_out, "Content-Language", lang);
    apr_table_setn(r->headers_out, "Cache-Control", "public, max-age=600");
    apr_table_setn(r->headers_out, "ETag", body->etag);
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    ap_set_content_type(r, "text/javascript; charset=utf-8");
    if ((rc = ap_meets_conditions(r)) != OK) {
        return rc;
    }
    ap_set_content_length(r, body->len);
    if (r->header_only) {
        return OK;
    }
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_immortal_create(
        body->data, body->len, r->connection->bucket_alloc));
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(
        r->connection->bucket_alloc));
    return ap_pass_brigade(r->output_filters, bb) == APR_SUCCESS
           ? OK : AP_FILTER_ERROR;
}
