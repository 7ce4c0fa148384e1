/* mod_cg_inject.c: ConsentBannerInject, a streaming output filter that puts
 * <script src="{endpoint}/banner.js" defer></script> into text/html pages
 * whose templates cannot be edited (Mattermost's login page). Where the
 * tag goes is lib/cg_inject.c's business; this file moves buckets and
 * keeps HTTP's promises: HEAD gets the header fields GET gets, the ETag
 * stays as a variant (and If-None-Match with it still answers 304), and
 * only what a browser navigates to is touched. */
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
    cg_inject_state_t *st;      /* where the tag goes; NULL until the
                                 * first call */
    apr_bucket_brigade *out;
    apr_size_t pending;         /* bytes in `out` not yet passed on */
    int variant_asked;          /* If-None-Match held one of our tags */
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

    inject_ctx *ctx;
    const char *inm;

    if (!mod_cg_inject_on(dc) || r->main) {
        return;
    }
    ctx = apr_pcalloc(r->pool, sizeof(*ctx));
    /* before the handler validates: our variant tag becomes the tag of
     * the unchanged response it was made from, as the handler knows it */
    inm = cg_inject_if_none_match(r->pool,
                                  apr_table_get(r->headers_in,
                                                "If-None-Match"));
    if (inm) {
        apr_table_setn(r->headers_in, "If-None-Match", inm);
        ctx->variant_asked = 1;
    }
    ap_add_output_filter(MOD_CG_INJECT_FILTER, ctx, r, r->connection);
}

static int has_encoding(apr_table_t *t)
{
    const char *enc = apr_table_get(t, "Content-Encoding");

    return enc && strcasecmp(enc, "identity");
}

static int has_token(request_rec *r, apr_table_t *t, const char *header,
                     const char *token)
{
    const char *v = apr_table_get(t, header);

    return v && ap_find_token(r->pool, v, token);
}

/* What mod_deflate also asks: is this a body we may and can rewrite? */
static int may_rewrite(request_rec *r)
{
    return r->status != HTTP_NO_CONTENT
        && !has_encoding(r->headers_out) && !has_encoding(r->err_headers_out)
        /* CGI and proxied responses may carry it in either table */
        && !has_token(r, r->headers_out, "Cache-Control", "no-transform")
        && !has_token(r, r->err_headers_out, "Cache-Control", "no-transform");
}

/* Is this what a browser navigates to? Without Sec-Fetch-Dest (an older
 * browser, a script that does not send it), it may be. */
static int is_navigation(request_rec *r)
{
    const char *dest = apr_table_get(r->headers_in, "Sec-Fetch-Dest");

    return !dest || !strcasecmp(dest, "document")
        || !strcasecmp(dest, "iframe");
}

/* Nothing but the end: a HEAD answered without a body (a proxy's). */
static int nothing_to_read(request_rec *r, apr_bucket_brigade *bb)
{
    return r->header_only && APR_BUCKET_IS_EOS(APR_BRIGADE_FIRST(bb));
}

static void unset_both(request_rec *r, const char *header)
{
    apr_table_unset(r->headers_out, header);
    apr_table_unset(r->err_headers_out, header);
}

/* The ETag of what we send: the handler's, marked as our variant. */
static void mark_etag(request_rec *r)
{
    const char *etag = apr_table_get(r->headers_out, "ETag");

    etag = cg_inject_etag(r->pool, etag ? etag
                          : apr_table_get(r->err_headers_out, "ETag"));

    apr_table_unset(r->err_headers_out, "ETag");
    if (etag) {
        apr_table_setn(r->headers_out, "ETag", etag);
    }
    else {
        apr_table_unset(r->headers_out, "ETag");
    }
}

/* The first call, in mod_deflate's order: checks that leave the response
 * alone (0), then the header changes, made before anything is passed on.
 * HEAD goes the same way as GET, so that its header fields are GET's. */
static int start(ap_filter_t *f, inject_ctx *ctx, apr_bucket_brigade *bb)
{
    request_rec *r = f->r;
    mod_cg_server_conf *sc = ap_get_module_config(r->server->module_config,
                                                  &consentgate_module);

    if (!sc->inject_scanner || !r->content_type
        || strcasecmp(ap_field_noparam(r->pool, r->content_type),
                      "text/html")) {
        return 0;
    }
    /* an HTML response depends on who asks for it now */
    apr_table_mergen(r->headers_out, "Vary", "Sec-Fetch-Dest");
    if (r->status == HTTP_NOT_MODIFIED) {
        /* it validates the variant the client holds */
        if (ctx->variant_asked) {
            mark_etag(r);
        }
        return 0;
    }
    if (!may_rewrite(r) || !is_navigation(r)) {
        return 0;
    }
    /* the body changes: its tag becomes a variant, its length no longer
     * holds; a HEAD a proxy answered without a body keeps the length it
     * has, as nothing tells what GET's would be */
    mark_etag(r);
    if (nothing_to_read(r, bb)) {
        return 0;
    }
    unset_both(r, "Content-Length");
    unset_both(r, "Content-MD5");
    ctx->st = cg_inject_start(r->pool, sc->inject_scanner, sc->inject_tag);
    ctx->out = apr_brigade_create(r->pool, f->c->bucket_alloc);
    return 1;
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
    if (!ctx->st && !start(f, ctx, bb)) {
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
