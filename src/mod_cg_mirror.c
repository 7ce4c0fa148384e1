/* mod_cg_mirror.c: the consent endpoint's part for banner.js's mirrors of
 * banners that keep the choice in the browser's storage (Usercentrics,
 * Osano): the mirror cookie is set here, with a receipt, as one act. What
 * the choice grants is what the endpoint's scope maps it to
 * (ConsentSource, ConsentSourceMap), read as the gate reads the cookie. */
#include <httpd.h>
#include <http_config.h>
#include <http_log.h>
#include <apr_strings.h>

#include "mod_cg.h"
#include "cg_cookie.h"
#include "cg_mirror.h"
#include "cg_policy.h"
#include "cg_source.h"

APLOG_USE_MODULE(consentgate);

/* What the scope's policy grants from `header` (mirror cookies only): 1
 * with *granted set when `source` decides, else 0. */
static int mapped(request_rec *r, const char *header, const char *source,
                  apr_array_header_t **granted)
{
    cg_visit_t v;

    cg_visit_read(r->pool, mod_cg_policy(r), header, NULL, NULL,
                  r->request_time, &v);
    if (!v.source || strcmp(v.source, source)) {
        return 0;
    }
    *granted = v.consent.state == CG_CONSENT_GRANTED ? v.consent.categories
               : apr_array_make(r->pool, 1, sizeof(const char *));
    return 1;
}

/* The mirror cookies of `name` the visitor sent, as a Cookie header. */
static const char *held(request_rec *r, const char *name)
{
    apr_array_header_t *crumbs = cg_cookie_parse(r->pool,
        apr_table_get(r->headers_in, "Cookie"));
    apr_array_header_t *mine = apr_array_make(r->pool, 1,
                                              sizeof(cg_crumb_t));
    int i;

    for (i = 0; i < crumbs->nelts; ++i) {
        const cg_crumb_t *c = &APR_ARRAY_IDX(crumbs, i, cg_crumb_t);

        if (!strcmp(c->name, name)) {
            APR_ARRAY_PUSH(mine, cg_crumb_t) = *c;
        }
    }
    return mine->nelts ? cg_cookie_join(r->pool, mine) : NULL;
}

int mod_cg_mirror_consent(request_rec *r, const char *source,
                          const char *value)
{
    mod_cg_server_conf *sc = ap_get_module_config(r->server->module_config,
                                                  &consentgate_module);
    const cg_policy_t *pol = mod_cg_policy(r);
    const char *name = cg_mirror_cookie(source), *rid, *action, *before_h;
    const char *cookie;
    const cg_source_t *src = cg_source_find(source);
    apr_array_header_t *after, *before = NULL;
    apr_table_t *cookies = apr_table_make(r->pool, 1);
    cg_source_opts_t opts;
    cg_source_result_t res;
    int widens, rc, receipt = 1;

    /* signed when ConsentSecret is set: only then does it grant */
    if (!(cookie = cg_policy_mirror_value(r->pool, pol, source, value,
                                          NULL))) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    /* the choice itself, as the source reads it: fail closed */
    apr_table_setn(cookies, name, cookie);
    cg_policy_source_opts(pol, r->request_time, &opts);
    cg_source_read(r->pool, src, cookies, &opts, &res);
    if (res.error || !res.explicit_choice) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, CGLOGNO(110)
                      "mirror refused: %s", res.error ? res.error
                      : "no choice");
        return HTTP_BAD_REQUEST;
    }
    /* a receipt says what the choice does: only where the source is
     * followed can the scope say that */
    if (!mapped(r, apr_pstrcat(r->pool, name, "=", cookie, NULL), source,
                &after)) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, CGLOGNO(111)
                      "mirror refused: ConsentSource does not name %s "
                      "where %s is", source, r->uri);
        return HTTP_CONFLICT;
    }
    if ((before_h = held(r, name))) {
        (void)mapped(r, before_h, source, &before);
    }
    action = cg_mirror_action(before, after, &widens);
    if (!(rid = cg_receipt_id(r->pool))) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    /* a wider grant fails closed beyond the receipt limits; a refusal, a
     * withdrawal or a narrower choice goes on, with a receipt if it may */
    if (widens && (rc = mod_cg_receipt_admit(r)) != OK) {
        return rc;
    }
    if (!widens && !strcmp(action, "grant")
        && mod_cg_receipt_admit(r) != OK) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, CGLOGNO(112)
                      "no receipt for this narrower %s mirror (%s): "
                      "ConsentReceiptMaxSize or ConsentReceiptRate "
                      "reached", source, rid);
        receipt = 0;
    }
    if (receipt
        && mod_cg_receipt_write(r, action,
                                apr_pstrcat(r->pool, "source:", source,
                                            NULL),
                                strcmp(action, "revoke") ? after : NULL,
                                rid, NULL)) {
        /* no receipt, no consent: a wider grant must be provable */
        if (widens) {
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        receipt = 0;
    }
    /* the cookie names its receipt, for the visitor's receipt page */
    if (receipt
        && !(cookie = cg_policy_mirror_value(
                 r->pool, pol, source, value,
                 cg_mirror_receipt_field(r->pool, rid, r->request_time)))) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    /* host-only, as banner.js writes it: two of them would disagree */
    apr_table_addn(r->err_headers_out, "Set-Cookie",
                   cg_setcookie_line(r->pool, name, cookie,
                                     mod_cg_max_age(sc), NULL,
                                     mod_cg_is_https(r)));
    mod_cg_status_count_choice(r, strcmp(action, "revoke") ? after : NULL);
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    return HTTP_NO_CONTENT;
}
