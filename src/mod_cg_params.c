/* mod_cg_params.c: the identifiers that stand in for tracking cookies in
 * the query string and in urlencoded or JSON request bodies, removed
 * before the backend sees them when the visitor has not consented. The
 * policy decides which pairs go; this file moves bytes. A body is read
 * (at most ConsentScrubBodyLimit bytes, never more) just before the
 * handler runs, so Content-Length can be made true again before a CGI,
 * FastCGI or proxy handler reads it; larger or chunked bodies pass
 * unchanged and are logged. */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_filter.h>
#include <apr_strings.h>
#include <jansson.h>

#include "mod_cg.h"
#include "cg_json.h"

APLOG_USE_MODULE(consentgate);

ap_filter_rec_t *mod_cg_params_filter_handle;

int mod_cg_scrub_query(request_rec *r, const cg_policy_t *pol,
                       cg_visit_t *v, cg_state_e state)
{
    const char *args;
    int named;

    if (!r->args || !cg_policy_scrubs_params(pol)) {
        return 0;
    }
    args = cg_policy_scrub_params(r->pool, pol, v, state, r->args);
    named = args != r->args || cg_policy_params_named(r->pool, pol, r->args);
    if (args != r->args) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, CGLOGNO(080)
                      "removed tracking parameters from the query string "
                      "(consent state %s)", cg_state_name(state));
        r->args = *args ? apr_pstrdup(r->pool, args) : NULL;
    }
    return named;
}

typedef enum { BODY_FORM, BODY_JSON } body_kind_e;

static int body_kind(request_rec *r, body_kind_e *kind)
{
    const char *ct = apr_table_get(r->headers_in, "Content-Type");

    if (!ct) {
        return 0;
    }
    if (!strncasecmp(ct, "application/x-www-form-urlencoded", 33)) {
        *kind = BODY_FORM;
        return 1;
    }
    if (!strncasecmp(ct, "application/json", 16)) {
        *kind = BODY_JSON;
        return 1;
    }
    return 0;
}

/* Top-level members of a JSON object that may not pass are removed; the
 * rest is written back as JSON (the same members, in order). NULL when
 * the body is not a JSON object or nothing is removed. */
static const char *scrub_json(request_rec *r, const cg_policy_t *pol,
                              cg_visit_t *v, cg_state_e state,
                              const char *body, apr_size_t len)
{
    json_error_t err;
    /* duplicate keys: the last wins, as in PHP's json_decode */
    json_t *obj = json_loadb(body, len, 0, &err);
    const char *key, *out = NULL;
    json_t *value;
    void *tmp;
    int removed = 0;

    if (!obj) {
        return NULL;
    }
    if (json_is_object(obj)) {
        json_object_foreach_safe(obj, tmp, key, value) {
            (void)value;
            if (!cg_policy_param_passes(pol, v, state, key)) {
                json_object_del(obj, key);
                removed = 1;
            }
        }
        if (removed) {
            out = cg_json_dump(r->pool, obj, JSON_COMPACT | JSON_PRESERVE_ORDER,
                               "");
        }
    }
    json_decref(obj);
    return out;
}

/* Reads the whole body, at most `limit` bytes. */
static apr_status_t read_body(request_rec *r, apr_off_t limit, char **body,
                              apr_size_t *len)
{
    apr_bucket_brigade *bb = apr_brigade_create(r->pool,
                                                r->connection->bucket_alloc);
    apr_off_t have = 0;
    int seen_eos = 0;
    apr_status_t rv;

    do {
        apr_bucket *b;

        rv = ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES,
                            APR_BLOCK_READ, HUGE_STRING_LEN);
        if (rv != APR_SUCCESS) {
            return rv;
        }
        for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb);
             b = APR_BUCKET_NEXT(b)) {
            if (APR_BUCKET_IS_EOS(b)) {
                seen_eos = 1;
            }
        }
        apr_brigade_length(bb, 1, &have);
        if (have > limit) {
            return APR_ENOSPC;
        }
    } while (!seen_eos);
    *len = (apr_size_t)have;
    *body = apr_palloc(r->pool, *len + 1);
    rv = apr_brigade_flatten(bb, *body, len);
    (*body)[*len] = '\0';
    apr_brigade_destroy(bb);
    return rv;
}

typedef struct replay_ctx {
    apr_bucket_brigade *body;
    apr_status_t error;     /* reading failed: the handler gets the error */
} replay_ctx;

void *mod_cg_scrub_body(request_rec *r, const cg_policy_t *pol, cg_visit_t *v,
                        cg_state_e state, apr_off_t limit, int *named)
{
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    body_kind_e kind;
    apr_off_t length;
    char *body, *end;
    const char *scrubbed;
    apr_size_t len;
    replay_ctx *ctx;
    apr_status_t rv;

    if (!cg_policy_scrubs_params(pol) || !body_kind(r, &kind)
        || r->method_number == M_GET || r->method_number == M_OPTIONS) {
        return NULL;
    }
    /* an encoded body (gzip) is not text to read: it passes as it is */
    if (apr_table_get(r->headers_in, "Content-Encoding")) {
        return NULL;
    }
    if (apr_table_get(r->headers_in, "Transfer-Encoding") || !cl
        || apr_strtoff(&length, cl, &end, 10) != APR_SUCCESS || *end
        || length < 0 || length > limit) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, CGLOGNO(081)
                      "request body not read for tracking parameters (%s): "
                      "it passes unchanged",
                      cl ? "larger than ConsentScrubBodyLimit" : "no length");
        return NULL;
    }
    if (length == 0) {
        return NULL;
    }
    rv = read_body(r, limit, &body, &len);
    ctx = apr_pcalloc(r->pool, sizeof(*ctx));
    ctx->body = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    if (rv != APR_SUCCESS) {
        /* what was read is gone: the handler gets the error, not a
         * shorter body */
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r, CGLOGNO(082)
                      "reading the request body for tracking parameters");
        ctx->error = rv;
        ap_add_input_filter_handle(mod_cg_params_filter_handle, ctx, r,
                                   r->connection);
        return ctx;
    }
    /* a NUL would cut the text the scrub reads: such a body passes */
    scrubbed = memchr(body, '\0', len) ? body
             : kind == BODY_FORM
             ? cg_policy_scrub_params(r->pool, pol, v, state, body)
             : scrub_json(r, pol, v, state, body, len);
    if ((scrubbed && scrubbed != body)
        || (kind == BODY_FORM && !memchr(body, '\0', len)
            && cg_policy_params_named(r->pool, pol, body))) {
        *named = 1;
    }
    if (scrubbed && scrubbed != body) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, CGLOGNO(083)
                      "removed tracking parameters from the request body "
                      "(consent state %s)", cg_state_name(state));
        body = (char *)scrubbed;
        len = strlen(scrubbed);
    }
    apr_table_setn(r->headers_in, "Content-Length",
                   apr_off_t_toa(r->pool, (apr_off_t)len));
    APR_BRIGADE_INSERT_TAIL(ctx->body, apr_bucket_pool_create(
        body, len, r->pool, r->connection->bucket_alloc));
    APR_BRIGADE_INSERT_TAIL(ctx->body, apr_bucket_eos_create(
        r->connection->bucket_alloc));
    ap_add_input_filter_handle(mod_cg_params_filter_handle, ctx, r,
                               r->connection);
    return ctx;
}

void mod_cg_body_keep(request_rec *r, void *body)
{
    ap_filter_t *f;

    for (f = r->input_filters; f; f = f->next) {
        if (f->frec == mod_cg_params_filter_handle) {
            return;
        }
    }
    /* the chain was rebuilt since the body was read: the body goes back
     * in, or the handler would find it gone */
    ap_add_input_filter_handle(mod_cg_params_filter_handle, body, r,
                               r->connection);
}

/* Hands the handler the body read above, as it asks for it. */
apr_status_t mod_cg_params_filter(ap_filter_t *f, apr_bucket_brigade *bb,
                                  ap_input_mode_t mode,
                                  apr_read_type_e block, apr_off_t readbytes)
{
    replay_ctx *ctx = f->ctx;
    apr_bucket *e;
    apr_status_t rv;

    (void)block;
    if (ctx->error) {
        return ctx->error;
    }
    if (mode != AP_MODE_READBYTES && mode != AP_MODE_GETLINE) {
        return APR_ENOTIMPL;
    }
    if (APR_BRIGADE_EMPTY(ctx->body)) {
        /* as HTTP_IN does: once the body is over, every read is its end
         * (ap_discard_request_body() reads once more) */
        APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(f->c->bucket_alloc));
        return APR_SUCCESS;
    }
    if (mode == AP_MODE_GETLINE) {
        return apr_brigade_split_line(bb, ctx->body, APR_BLOCK_READ,
                                      HUGE_STRING_LEN);
    }
    rv = apr_brigade_partition(ctx->body, readbytes, &e);
    if (rv != APR_SUCCESS && rv != APR_INCOMPLETE) {
        return rv;
    }
    while (!APR_BRIGADE_EMPTY(ctx->body)
           && APR_BRIGADE_FIRST(ctx->body) != e) {
        apr_bucket *b = APR_BRIGADE_FIRST(ctx->body);

        APR_BUCKET_REMOVE(b);
        APR_BRIGADE_INSERT_TAIL(bb, b);
    }
    return APR_SUCCESS;
}
