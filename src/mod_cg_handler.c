/* mod_cg_handler.c: the consent endpoints mod_cg_endpoint.c dispatches to:
 * consent (record a choice), forget (expire what the visitor holds) and
 * gpc.json (the Global Privacy Control support resource). */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <apr_strings.h>
#include <apr_hash.h>

#include "mod_cg.h"
#include "cg_cookie.h"
#include "cg_mirror.h"
#include "cg_receipt.h"
#include "cg_site.h"
#include "cg_text.h"

APLOG_USE_MODULE(consentgate);

static mod_cg_server_conf *server_conf(request_rec *r)
{
    return ap_get_module_config(r->server->module_config, &consentgate_module);
}

static mod_cg_dir_conf *dir_conf(request_rec *r)
{
    return ap_get_module_config(r->per_dir_config, &consentgate_module);
}

int mod_cg_read_body(request_rec *r, apr_size_t limit, char **body,
                     apr_size_t *len)
{
    char *buf;
    apr_size_t have = 0;
    long n;
    int rc;

    if ((rc = ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK)) != OK) {
        return rc;
    }
    buf = apr_palloc(r->pool, limit + 1);
    if (ap_should_client_block(r)) {
        while ((n = ap_get_client_block(r, buf + have, limit + 1 - have)) > 0) {
            have += n;
            if (have > limit) {
                return HTTP_REQUEST_ENTITY_TOO_LARGE;
            }
        }
        if (n < 0) {
            return HTTP_BAD_REQUEST;
        }
    }
    buf[have] = '\0';
    *body = buf;
    *len = have;
    return OK;
}

/* The return_to field of a form body, or of the query string. */
static const char *return_to_of(request_rec *r, const char *content_type,
                                const char *body)
{
    const char *v = NULL;

    if (body && content_type && !strncasecmp(content_type,
        "application/x-www-form-urlencoded", 33)) {
        v = cg_form_field(r->pool, body, strlen(body), "return_to");
    }
    if (!v && r->args) {
        v = cg_form_field(r->pool, r->args, strlen(r->args), "return_to");
    }
    return v ? cg_safe_return_to(r->pool, v) : NULL;
}

/* 303 to a same-origin return_to, else 204 (a fetch() from the banner). */
static int answer(request_rec *r, const char *return_to)
{
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    if (return_to) {
        apr_table_setn(r->err_headers_out, "Location", return_to);
        return HTTP_SEE_OTHER;
    }
    return HTTP_NO_CONTENT;
}

/* Whether the request comes from this site: Sec-Fetch-Site same-origin
 * (or same-site, where ConsentAllowSameSite On says a sibling subdomain
 * may choose), else an Origin of this site. */
static int from_this_site(request_rec *r)
{
    const char *sfs = apr_table_get(r->headers_in, "Sec-Fetch-Site");

    return cg_request_from_site(sfs, apr_table_get(r->headers_in, "Origin"),
                                ap_http_scheme(r),
                                apr_table_get(r->headers_in, "Host"),
                                server_conf(r)->consent_same_site == 1);
}

/* POST a choice: sets the consent cookie and writes a receipt. Only the
 * site itself may do this, or any page could grant in the visitor's name. */
int mod_cg_handle_consent(request_rec *r)
{
    const char *ctype = apr_table_get(r->headers_in, "Content-Type");
    const char *err = NULL, *rid, *return_to, *line, *method;
    const char *mirror, *mirror_value;
    apr_array_header_t *categories;
    char *body;
    apr_size_t len;
    int rc;

    if (r->method_number != M_POST) {
        /* httpd writes Allow from the allowed methods */
        ap_allow_methods(r, REPLACE_ALLOW, "POST", NULL);
        return HTTP_METHOD_NOT_ALLOWED;
    }
    if (!from_this_site(r)) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, CGLOGNO(021)
                      "consent refused: not a request from this site");
        return HTTP_FORBIDDEN;
    }
    if ((rc = mod_cg_read_body(r, CG_CHOICE_MAX_BODY, &body, &len)) != OK) {
        return rc;
    }
    /* banner.js's mirror of another banner's choice (mod_cg_mirror.c) */
    if ((rc = cg_mirror_parse(r->pool, ctype, body, len, &mirror,
                              &mirror_value, &err))) {
        if (rc > 0) {
            return mod_cg_mirror_consent(r, mirror, mirror_value);
        }
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, CGLOGNO(113)
                      "mirror refused: %s", err);
        return HTTP_BAD_REQUEST;
    }
    /* the categories the scope offers, as its policy built them once */
    categories = cg_choice_parse(r->pool, ctype, body, len,
                                 cg_policy_categories(mod_cg_policy(r)),
                                 &err);
    if (!categories) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, CGLOGNO(022)
                      "consent refused: %s", err ? err : "bad choice");
        return HTTP_BAD_REQUEST;
    }
    if (!(rid = cg_receipt_id(r->pool))) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    /* a grant beyond the receipt limits fails closed; a refusal goes on */
    if (categories->nelts && (rc = mod_cg_receipt_admit(r)) != OK) {
        return rc;
    }
    /* which button, checked against the choice; which notice, checked
     * against those served, by the writer */
    method = cg_receipt_method(cg_choice_field(r->pool, ctype, body, len,
                                               "method"),
                               categories->nelts,
                               cg_policy_categories(mod_cg_policy(r))->nelts);
    /* no receipt, no consent: the choice must be provable */
    if (mod_cg_receipt_write(r, categories->nelts ? "grant" : "refuse",
                             method, categories, rid,
                             cg_choice_field(r->pool, ctype, body, len,
                                             "notice"))
        && categories->nelts) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (!(line = mod_cg_consent_line(r, categories, rid))) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_table_addn(r->err_headers_out, "Set-Cookie", line);
    mod_cg_status_count_choice(r, categories);
    return_to = return_to_of(r, ctype, body);
    return answer(r, return_to);
}

/* What a cross-site GET of forget gets: a button that posts the
 * withdrawal from this site, then shows where it went: the link's own
 * return_to, else the visitor's receipt page (which then shows the
 * withdrawal's receipt) where there is one. */
static int forget_page(request_rec *r)
{
    mod_cg_server_conf *sc = server_conf(r);
    const char *back = return_to_of(r, NULL, NULL);

    if (!back && sc->receipts) {
        back = apr_pstrcat(r->pool, mod_cg_endpoint(sc), "/receipt", NULL);
    }
    ap_set_content_type(r, "text/html; charset=utf-8");
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    if (!r->header_only) {
        ap_rvputs(r, "<!doctype html><html lang=\"en\"><head><meta "
                  "charset=\"utf-8\"><title>Withdraw consent</title>"
                  "<meta name=\"viewport\" content=\"width=device-width\">"
                  "</head><body><form method=\"post\" action=\"",
                  ap_escape_html(r->pool, r->uri), "\"><p>Withdraw your "
                  "consent to cookies on this site?</p>", NULL);
        if (back) {
            ap_rvputs(r, "<input type=\"hidden\" name=\"return_to\" "
                      "value=\"", ap_escape_html(r->pool, back), "\">", NULL);
        }
        ap_rputs("<button type=\"submit\">Withdraw consent</button></form>"
                 "</body></html>\n", r);
    }
    return OK;
}

/* GET or POST: expire every cookie that is not necessary, record a
 * refusal, and optionally ask the browser to clear site data. */
int mod_cg_handle_forget(request_rec *r)
{
    static const char *const csd[] = { NULL, "\"storage\"", "\"cookies\"" };
    mod_cg_server_conf *sc = server_conf(r);
    const char *rid, *line, *ctype = apr_table_get(r->headers_in, "Content-Type");
    const char *sfs;
    char *body = NULL;
    apr_size_t len;
    int rc, same_site;

    if (r->method_number != M_GET && r->method_number != M_POST) {
        ap_allow_methods(r, REPLACE_ALLOW, "GET", "POST", NULL);
        return HTTP_METHOD_NOT_ALLOWED;
    }
    sfs = apr_table_get(r->headers_in, "Sec-Fetch-Site");
    same_site = from_this_site(r);
    if (r->method_number == M_POST && !same_site) {
        /* another site's form must not wipe the visitor's choices */
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, CGLOGNO(026)
                      "forget refused: not a request from this site");
        return HTTP_FORBIDDEN;
    }
    if (r->method_number == M_GET && sfs && strcmp(sfs, "same-origin")
        && strcmp(sfs, "none")) {
        /* a GET another site caused (an <img>, a link) acts on nothing: a
         * page whose button posts the withdrawal, from this site */
        return forget_page(r);
    }
    if (r->method_number == M_POST
        && (rc = mod_cg_read_body(r, CG_CHOICE_MAX_BODY, &body, &len)) != OK) {
        return rc;
    }
    /* a withdrawal never fails: what the visitor holds is expired and the
     * refusal is set first, whatever happens to the receipt */
    mod_cg_expire_held(r, CG_STATE_REVOKED);
    rid = cg_receipt_id(r->pool);
    if (rid && (line = mod_cg_consent_line(r, NULL, rid))) {
        apr_table_addn(r->err_headers_out, "Set-Cookie", line);
    }
    /* Clear-Site-Data "cookies" logs the visitor out of every site of the
     * registrable domain: only when this site asked */
    if (same_site && mod_cg_clear_site_data(sc) > MOD_CG_CSD_OFF) {
        apr_table_setn(r->err_headers_out, "Clear-Site-Data",
                       csd[mod_cg_clear_site_data(sc)]);
    }
    /* a receipt when there was a consent to withdraw; one that cannot be
     * written is logged (by the writer, at error level), not answered */
    if (rid && mod_cg_consent(r)->state != CG_CONSENT_NONE) {
        (void)mod_cg_receipt_write(r, "revoke", "withdraw", NULL, rid, NULL);
    }
    mod_cg_status_count_choice(r, NULL);
    return answer(r, return_to_of(r, ctype, body));
}

/* https://w3c.github.io/gpc/ ("GPC Support Representation"): {"gpc": true}
 * and, optionally, "lastUpdate", the time the site made its statement of
 * support, which only the administrator knows (ConsentGPCLastUpdate);
 * without it the time is unknown, so the member is left out */
int mod_cg_handle_gpc_json(request_rec *r)
{
    mod_cg_server_conf *sc = server_conf(r);
    mod_cg_dir_conf *dc = dir_conf(r);
    int honoured = mod_cg_signals_honoured(dc) & CG_SIGNAL_GPC;
    const char *updated = sc->gpc_last_update;

    if (r->method_number != M_GET) {
        ap_allow_methods(r, REPLACE_ALLOW, "GET", NULL);
        return HTTP_METHOD_NOT_ALLOWED;
    }
    ap_set_content_type(r, "application/json");
    apr_table_setn(r->headers_out, "Cache-Control", "max-age=86400");
    if (!r->header_only) {
        if (updated) {
            ap_rprintf(r, "{\"gpc\": %s, \"lastUpdate\": \"%s\"}\n",
                       honoured ? "true" : "false", updated);
        }
        else {
            ap_rprintf(r, "{\"gpc\": %s}\n", honoured ? "true" : "false");
        }
    }
    return OK;
}
