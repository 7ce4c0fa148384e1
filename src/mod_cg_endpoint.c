/* mod_cg_endpoint.c: ConsentEndpoint, claimed in translate_name before
 * mod_rewrite, mod_alias or mod_proxy see the URI, kept off the
 * filesystem in map_to_storage, and dispatched by its last path segment
 * to the endpoint bodies (mod_cg_handler.c, mod_cg_pixel.c,
 * mod_cg_banner.c); and the responses an endpoint forbids any cookie. */
#include <httpd.h>
#include <http_config.h>
#include <http_request.h>
#include <util_filter.h>
#include <apr_strings.h>

#include "mod_cg.h"

/* r->filename of a claimed request: no file can be called this */
#define ENDPOINT_FILENAME "consentgate:"

/* The record that a response may carry no cookie is this filter's
 * presence in the request's chain; it also removes every Set-Cookie
 * itself, whatever runs before it. */
static ap_filter_rec_t *no_cookie_filter;

static apr_status_t no_cookie_out(ap_filter_t *f, apr_bucket_brigade *bb)
{
    if (!f->ctx) {
        apr_table_unset(f->r->headers_out, "Set-Cookie");
        apr_table_unset(f->r->err_headers_out, "Set-Cookie");
        /* it stays in the chain: that is what mod_cg_cookies_forbidden()
         * asks for */
        f->ctx = f;
    }
    return ap_pass_brigade(f->next, bb);
}

void mod_cg_endpoint_register(apr_pool_t *p)
{
    (void)p;
    /* with the gate's filter, so that what mod_headers adds is gone too */
    no_cookie_filter = ap_register_output_filter(MOD_CG_NO_COOKIE_FILTER,
                                                 no_cookie_out, NULL,
                                                 AP_FTYPE_CONTENT_SET);
}

void mod_cg_forbid_cookies(request_rec *r)
{
    if (!mod_cg_cookies_forbidden(r)) {
        ap_add_output_filter_handle(no_cookie_filter, NULL, r, r->connection);
    }
}

int mod_cg_cookies_forbidden(request_rec *r)
{
    ap_filter_t *f;

    for (f = r->output_filters; f; f = f->next) {
        if (f->frec == no_cookie_filter) {
            return 1;
        }
    }
    return 0;
}

/* The endpoints, by last path segment. */
static const struct {
    const char *name;
    int (*handle)(request_rec *r);
} endpoints[] = {
    { "consent",   mod_cg_handle_consent },
    { "forget",    mod_cg_handle_forget },
    { "gpc.json",  mod_cg_handle_gpc_json },
    { "pixel.gif", mod_cg_pixel },
    { "status",    mod_cg_status },
    { "banner.js", mod_cg_banner },
    { "consent-mode.js", mod_cg_gcm_script },
    { "object",    mod_cg_handle_object },
    { "receipt",   mod_cg_handle_receipt },
};

/* ConsentEndpoint is served wherever the gate is on. */
int mod_cg_translate_name(request_rec *r)
{
    const mod_cg_dir_conf *dc = ap_get_module_config(r->per_dir_config,
                                                     &consentgate_module);
    const char *endpoint;
    apr_size_t len;

    if (r->main || !mod_cg_gate_on(dc) || !r->uri) {
        return DECLINED;
    }
    endpoint = mod_cg_endpoint(ap_get_module_config(r->server->module_config,
                                                    &consentgate_module));
    len = strlen(endpoint);
    if (strncmp(r->uri, endpoint, len) || r->uri[len] != '/') {
        return DECLINED;
    }
    r->handler = MOD_CG_HANDLER;
    r->filename = apr_pstrcat(r->pool, ENDPOINT_FILENAME, r->uri, NULL);
    return OK;
}

int mod_cg_map_to_storage(request_rec *r)
{
    /* no file behind the endpoint, and no .htaccess to rewrite it */
    if (r->filename && !strncmp(r->filename, ENDPOINT_FILENAME,
                                sizeof(ENDPOINT_FILENAME) - 1)) {
        return OK;
    }
    return DECLINED;
}

int mod_cg_handler(request_rec *r)
{
    const char *slash, *name;
    apr_size_t i;

    if (!r->handler || strcmp(r->handler, MOD_CG_HANDLER)) {
        return DECLINED;
    }
    if (r->filename && !strncmp(r->filename, ENDPOINT_FILENAME,
                                sizeof(ENDPOINT_FILENAME) - 1)) {
        /* under ConsentEndpoint each endpoint answers at its exact path
         * only, so a <Location> on that path protects it: anything
         * deeper ("/consentgate/x/status", "/consentgate/status/") is
         * not found */
        const char *endpoint = mod_cg_endpoint(ap_get_module_config(
            r->server->module_config, &consentgate_module));

        name = r->uri + strlen(endpoint) + 1;
        if (strchr(name, '/')) {
            return HTTP_NOT_FOUND;
        }
    }
    else {
        /* SetHandler consentgate: the location's last segment */
        slash = strrchr(r->uri, '/');
        name = slash ? slash + 1 : r->uri;
    }
    for (i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]); ++i) {
        if (!strcmp(name, endpoints[i].name)) {
            return endpoints[i].handle(r);
        }
    }
    return HTTP_NOT_FOUND;
}
