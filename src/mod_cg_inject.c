/* mod_cg_inject.c: ConsentBannerInject, a streaming output filter that puts
 * <script src="{endpoint}/banner.js" defer></script> into text/html pages
 * whose templates cannot be edited (Mattermost's login page). It holds at
 * most a needle's length of the page (cg_inject.h) and leaves the stream
 * alone once the tag is in. */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_filter.h>
#include <apr_strings.h>

#include "mod_cg.h"
#include "cg_inject.h"

APLOG_USE_MODULE(consentgate);

typedef struct inject_ctx {
    cg_inject_state_t *st;      /* where the tag goes: lib/cg_inject.c */
    apr_bucket_brigade *out;
    apr_size_t pending;         /* bytes in `out` not yet passed on */
} inject_ctx;

#define PASS_EVERY (64 * 1024)

/* Builds the scanner and the tag of every server, once per generation. */
int mod_cg_inject_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                              apr_pool_t *ptemp, server_rec *s)
{
    (void)plog;
    (void)ptemp;
    for (; s; s = s->next) {
        mod_cg_server_conf *sc = ap_get_module_config(s->module_config,
                                                      &consentgate_module);
        const char *endpoint = mod_cg_endpoint(sc);

        sc->inject_scanner = cg_inject_make(pconf,
            apr_pstrcat(pconf, endpoint, "/banner.js", NULL));
        sc->inject_tag = cg_inject_tag(pconf, endpoint);
    }
    return OK;
}

void mod_cg_inject_insert(request_rec *r)
{
    const mod_cg_dir_conf *dc = ap_get_module_config(r->per_dir_config,
                                                     &consentgate_module);

    if (dc->enabled == 1 && dc->banner_inject == 1 && !r->main) {
        ap_add_output_filter(MOD_CG_INJECT_FILTER, NULL, r, r->connection);
    }
}

static int has_encoding(apr_table_t *t)
{
    const char *enc = apr_table_get(t, "Content-Encoding");

    return enc && strcasecmp(enc, "identity");
}

/* What mod_deflate also asks: is this a body we may and can rewrite? */
static int wants_injection(request_rec *r)
{
    const char *cc;

    if (r->header_only || r->status == HTTP_NO_CONTENT
        || r->status == HTTP_NOT_MODIFIED || !r->content_type
        || strcasecmp(ap_field_noparam(r->pool, r->content_type),
                      "text/html")) {
        return 0;
    }
    if (has_encoding(r->headers_out) || has_encoding(r->err_headers_out)) {
        return 0;
    }
    /* CGI and proxied responses may carry it in either table */
    if (((cc = apr_table_get(r->headers_out, "Cache-Control"))
         && ap_find_token(r->pool, cc, "no-transform"))
        || ((cc = apr_table_get(r->err_headers_out, "Cache-Control"))
            && ap_find_token(r->pool, cc, "no-transform"))) {
        return 0;
    }
    return 1;
}

static void unset_both(request_rec *r, const char *header)
{
    apr_table_unset(r->headers_out, header);
    apr_table_unset(r->err_headers_out, header);
}

/* The first call: NULL when the response is left alone; else the header
 * changes are made, before anything is passed on. */
static inject_ctx *start(ap_filter_t *f)
{
    request_rec *r = f->r;
    mod_cg_server_conf *sc = ap_get_module_config(r->server->module_config,
                                                  &consentgate_module);
    inject_ctx *ctx;

    if (!wants_injection(r) || !sc->inject_scanner) {
        return NULL;
    }
    /* the body changes: its length and validators no longer hold */
    unset_both(r, "Content-Length");
    unset_both(r, "ETag");
    unset_both(r, "Content-MD5");
    f->ctx = ctx = apr_pcalloc(r->pool, sizeof(*ctx));
    ctx->st = cg_inject_start(r->pool, sc->inject_scanner, sc->inject_tag);
    ctx->out = apr_brigade_create(r->pool, f->c->bucket_alloc);
    return ctx;
}

/* Moves what the scanner says into ctx->out: the CG_SPAN_INPUT spans are
 * the first bytes of `e` (which holds `len`, NULL for none), in order;
 * what they leave of it is held by the scanner, so it goes. */
static void emit(inject_ctx *ctx, apr_bucket *e, apr_size_t len,
                 const cg_inject_span_t *spans, int n,
                 apr_bucket_alloc_t *ba)
{
    int i;

    for (i = 0; i < n; ++i) {
        const cg_inject_span_t *sp = &spans[i];
        apr_bucket *b = NULL;

        if (sp->kind == CG_SPAN_INPUT) {
            b = e;
            if (sp->len < len) {
                apr_bucket_split(b, sp->len);
            }
            e = sp->len < len ? APR_BUCKET_NEXT(b) : NULL;
            len -= sp->len;
            APR_BUCKET_REMOVE(b);
        }
        else if (sp->kind == CG_SPAN_HELD) {
            b = apr_bucket_heap_create(sp->data, sp->len, NULL, ba);
        }
        else {
            /* the tag lives in pconf, as long as any request */
            b = apr_bucket_immortal_create(sp->data, sp->len, ba);
        }
        APR_BRIGADE_INSERT_TAIL(ctx->out, b);
    }
    if (e) {
        apr_bucket_delete(e);
    }
}

static apr_status_t pass(ap_filter_t *f, inject_ctx *ctx)
{
    apr_status_t rv = ap_pass_brigade(f->next, ctx->out);

    apr_brigade_cleanup(ctx->out);
    ctx->pending = 0;
    return rv;
}

apr_status_t mod_cg_inject_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    inject_ctx *ctx = f->ctx;
    apr_bucket_alloc_t *ba = f->c->bucket_alloc;
    cg_inject_span_t sp[CG_INJECT_MAX_SPANS];
    apr_status_t rv;

    if (APR_BRIGADE_EMPTY(bb)) {
        return APR_SUCCESS;
    }
    if (!ctx && !(ctx = start(f))) {
        ap_remove_output_filter(f);
        return ap_pass_brigade(f->next, bb);
    }
    while (!APR_BRIGADE_EMPTY(bb) && !cg_inject_done(ctx->st)) {
        apr_bucket *e = APR_BRIGADE_FIRST(bb);
        const char *data;
        apr_size_t len;

        if (APR_BUCKET_IS_EOS(e)) {
            emit(ctx, NULL, 0, sp, cg_inject_finish(ctx->st, sp), ba);
            break;
        }
        if (APR_BUCKET_IS_FLUSH(e)) {
            /* a flush must reach the client: the held bytes go too */
            emit(ctx, NULL, 0, sp, cg_inject_flush(ctx->st, sp), ba);
        }
        if (APR_BUCKET_IS_METADATA(e)) {
            APR_BUCKET_REMOVE(e);
            APR_BRIGADE_INSERT_TAIL(ctx->out, e);
            continue;
        }
        rv = apr_bucket_read(e, &data, &len, APR_BLOCK_READ);
        if (rv != APR_SUCCESS) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, f->r, CGLOGNO(070)
                          "ConsentBannerInject: reading the response");
            return rv;
        }
        emit(ctx, e, len, sp, cg_inject_feed(ctx->st, data, len, sp), ba);
        /* a file bucket reads in pieces: pass them on as they come, or a
         * page without </head> would pile up here */
        if ((ctx->pending += len) >= PASS_EVERY
            && (rv = pass(f, ctx)) != APR_SUCCESS) {
            return rv;
        }
    }
    if (cg_inject_done(ctx->st)) {
        /* the rest of the page passes untouched */
        APR_BRIGADE_CONCAT(ctx->out, bb);
        ap_remove_output_filter(f);
    }
    /* what was read goes on at once: only the held bytes stay here */
    return pass(f, ctx);
}
