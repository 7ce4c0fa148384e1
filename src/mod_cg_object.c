/* mod_cg_object.c: {endpoint}/object, the visitor's objection to the
 * anonymous audience count. A POST from this site sets the strictly
 * necessary cookie consentgate_object=1 (or expires it: {"object": false},
 * object=0); banner.js then requests no pixel, and the pixel counts no
 * request that carries it. A GET is a page whose button posts the
 * objection, so a privacy policy can link to it. The objection is
 * stored in the visitor's browser only: no identifier, no receipt. */
#include <httpd.h>
#include <http_config.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <apr_strings.h>

#include "mod_cg.h"
#include "cg_cookie.h"
#include "cg_object.h"
#include "cg_site.h"
#include "cg_text.h"

APLOG_USE_MODULE(consentgate);

/* a form's fields or {"object": false}: a few bytes */
#define OBJECT_MAX_BODY 1024

int mod_cg_objects(request_rec *r)
{
    return cg_object_in(r->pool, apr_table_get(r->headers_in, "Cookie"));
}

static int object_page(request_rec *r)
{
    int objects = mod_cg_objects(r);

    ap_set_content_type(r, "text/html; charset=utf-8");
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    if (!r->header_only) {
        ap_rvputs(r, "<!doctype html><html lang=\"en\"><head><meta "
                  "charset=\"utf-8\"><title>Audience measurement</title>"
                  "<meta name=\"viewport\" content=\"width=device-width\">"
                  "</head><body><form method=\"post\" action=\"",
                  ap_escape_html(r->pool, r->uri), "\"><p>",
                  objects ? "Your visits are not counted. Count them again, "
                  "anonymously?" : "This site counts visits anonymously, "
                  "with no cookie and nothing that identifies you. Object "
                  "to being counted?",
                  "</p><input type=\"hidden\" name=\"object\" value=\"",
                  objects ? "0" : "1", "\"><button type=\"submit\">",
                  objects ? "Count my visits again" : "Do not count my visits",
                  "</button></form></body></html>\n", NULL);
    }
    return OK;
}

int mod_cg_handle_object(request_rec *r)
{
    mod_cg_server_conf *sc = ap_get_module_config(r->server->module_config,
                                                  &consentgate_module);
    const char *ctype = apr_table_get(r->headers_in, "Content-Type");
    const char *return_to = NULL, *v;
    char *body;
    apr_size_t len = 0;
    int rc, choice;

    if (r->method_number == M_GET) {
        return object_page(r);
    }
    if (r->method_number != M_POST) {
        ap_allow_methods(r, REPLACE_ALLOW, "GET", "POST", NULL);
        return HTTP_METHOD_NOT_ALLOWED;
    }
    /* another site must not switch the count on or off for the visitor */
    if (!cg_request_is_same_site(apr_table_get(r->headers_in, "Sec-Fetch-Site"),
                                 apr_table_get(r->headers_in, "Origin"),
                                 ap_http_scheme(r),
                                 apr_table_get(r->headers_in, "Host"))) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, CGLOGNO(130)
                      "objection refused: not a request from this site");
        return HTTP_FORBIDDEN;
    }
    if ((rc = mod_cg_read_body(r, OBJECT_MAX_BODY, &body, &len)) != OK) {
        return rc;
    }
    if ((choice = cg_object_choice(r->pool, ctype, body, len)) < 0) {
        return HTTP_BAD_REQUEST;
    }
    apr_table_addn(r->err_headers_out, "Set-Cookie",
                   choice ? cg_setcookie_line(r->pool, CG_OBJECT_COOKIE, "1",
                                              mod_cg_max_age(sc),
                                              sc->cookie_domain,
                                              mod_cg_is_https(r))
                          : cg_setcookie_expiry(r->pool, CG_OBJECT_COOKIE,
                                                sc->cookie_domain,
                                                mod_cg_is_https(r)));
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    if (ctype && !strncasecmp(ctype, "application/x-www-form-urlencoded", 33)
        && (v = cg_form_field(r->pool, body, len, "return_to"))) {
        return_to = cg_safe_return_to(r->pool, v);
    }
    if (!return_to && r->args
        && (v = cg_form_field(r->pool, r->args, strlen(r->args),
                              "return_to"))) {
        return_to = cg_safe_return_to(r->pool, v);
    }
    if (return_to) {
        apr_table_setn(r->err_headers_out, "Location", return_to);
        return HTTP_SEE_OTHER;
    }
    return HTTP_NO_CONTENT;
}
