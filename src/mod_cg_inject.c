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
    const cg_inject_t *scanner;
    const char *tag;
    apr_size_t tag_len;
    char *held;                 /* a needle's start, from the last bucket */
    apr_size_t held_len;
    char *window;               /* held + the next bucket's first bytes */
    apr_size_t window_size;
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

static void emit_copy(inject_ctx *ctx, const char *data, apr_size_t len,
                      apr_bucket_alloc_t *ba)
{
    if (len) {
        APR_BRIGADE_INSERT_TAIL(ctx->out,
                                apr_bucket_heap_create(data, len, NULL, ba));
    }
}

static void emit_tag(inject_ctx *ctx, apr_bucket_alloc_t *ba)
{
    /* the tag lives in pconf, as long as any request */
    APR_BRIGADE_INSERT_TAIL(ctx->out, apr_bucket_immortal_create(
        ctx->tag, ctx->tag_len, ba));
}

/* The held bytes together with the start of `data`: every needle that
 * starts in the held bytes ends inside this window. */
typedef enum {
    HELD_NOTHING,       /* no needle starts in the held bytes: pass them */
    HELD_DECIDED,       /* a needle starts there: emitted, with the tag */
    HELD_STILL          /* all of `data` joined the held bytes */
} held_e;

static held_e scan_held(inject_ctx *ctx, const char *data, apr_size_t len,
                        apr_bucket_alloc_t *ba)
{
    apr_size_t room = ctx->window_size - ctx->held_len;
    apr_size_t more = len < room ? len : room;
    apr_size_t total = ctx->held_len + more, at, keep;
    cg_inject_e found;

    memcpy(ctx->window, ctx->held, ctx->held_len);
    memcpy(ctx->window + ctx->held_len, data, more);
    found = cg_inject_scan(ctx->scanner, ctx->window, total, &at, &keep);
    if (found != CG_INJECT_MORE && at < ctx->held_len) {
        emit_copy(ctx, ctx->held, at, ba);
        if (found == CG_INJECT_AT) {
            emit_tag(ctx, ba);
        }
        emit_copy(ctx, ctx->held + at, ctx->held_len - at, ba);
        ctx->held_len = 0;
        return HELD_DECIDED;
    }
    if (found == CG_INJECT_MORE && more == len && keep > 0) {
        /* a short bucket that continues a needle: hold the longer part */
        emit_copy(ctx, ctx->window, total - keep, ba);
        memmove(ctx->held, ctx->window + total - keep, keep);
        ctx->held_len = keep;
        return HELD_STILL;
    }
    return HELD_NOTHING;
}

apr_status_t mod_cg_inject_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    request_rec *r = f->r;
    inject_ctx *ctx = f->ctx;
    apr_bucket_alloc_t *ba = f->c->bucket_alloc;
    apr_status_t rv;
    int done = 0;

    if (APR_BRIGADE_EMPTY(bb)) {
        return APR_SUCCESS;
    }
    if (!ctx) {
        mod_cg_server_conf *sc = ap_get_module_config(r->server->module_config,
                                                      &consentgate_module);
        if (!wants_injection(r) || !sc->inject_scanner) {
            ap_remove_output_filter(f);
            return ap_pass_brigade(f->next, bb);
        }
        f->ctx = ctx = apr_pcalloc(r->pool, sizeof(*ctx));
        ctx->scanner = sc->inject_scanner;
        ctx->tag = sc->inject_tag;
        ctx->tag_len = strlen(ctx->tag);
        ctx->held = apr_palloc(r->pool, cg_inject_max_keep(ctx->scanner) + 1);
        ctx->window_size = 2 * cg_inject_max_keep(ctx->scanner) + 2;
        ctx->window = apr_palloc(r->pool, ctx->window_size);
        ctx->out = apr_brigade_create(r->pool, ba);
        /* the body changes: its length and validators no longer hold */
        unset_both(r, "Content-Length");
        unset_both(r, "ETag");
        unset_both(r, "Content-MD5");
    }

    while (!APR_BRIGADE_EMPTY(bb) && !done) {
        apr_bucket *e = APR_BRIGADE_FIRST(bb);
        const char *data;
        apr_size_t len, at, keep;
        cg_inject_e found;

        if (APR_BUCKET_IS_EOS(e)) {
            /* no </head> and no </body>: the end of the page will do,
             * unless what is held settles it */
            at = ctx->held_len;
            found = cg_inject_scan_end(ctx->scanner, ctx->held, ctx->held_len,
                                       &at);
            emit_copy(ctx, ctx->held, at, ba);
            if (found == CG_INJECT_AT) {
                emit_tag(ctx, ba);
            }
            emit_copy(ctx, ctx->held + at, ctx->held_len - at, ba);
            ctx->held_len = 0;
            done = 1;
            break;
        }
        if (APR_BUCKET_IS_METADATA(e)) {
            if (APR_BUCKET_IS_FLUSH(e)) {
                /* a flush must reach the client: the held bytes go too */
                emit_copy(ctx, ctx->held, ctx->held_len, ba);
                ctx->held_len = 0;
            }
            APR_BUCKET_REMOVE(e);
            APR_BRIGADE_INSERT_TAIL(ctx->out, e);
            continue;
        }
        rv = apr_bucket_read(e, &data, &len, APR_BLOCK_READ);
        if (rv != APR_SUCCESS) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r, CGLOGNO(070)
                          "ConsentBannerInject: reading the response");
            return rv;
        }
        if (ctx->held_len) {
            held_e held = scan_held(ctx, data, len, ba);
            if (held == HELD_DECIDED) {
                done = 1;
                break;
            }
            if (held == HELD_STILL) {
                apr_bucket_delete(e);
                continue;
            }
            emit_copy(ctx, ctx->held, ctx->held_len, ba);
            ctx->held_len = 0;
        }
        found = cg_inject_scan(ctx->scanner, data, len, &at, &keep);
        if (found == CG_INJECT_AT) {
            if (at > 0) {
                apr_bucket_split(e, at);
                APR_BUCKET_REMOVE(e);
                APR_BRIGADE_INSERT_TAIL(ctx->out, e);
            }
            emit_tag(ctx, ba);
        }
        if (found != CG_INJECT_MORE) {
            done = 1;
            break;
        }
        if (keep) {
            memcpy(ctx->held, data + len - keep, keep);
            ctx->held_len = keep;
            if (keep < len) {
                apr_bucket_split(e, len - keep);
                apr_bucket_delete(APR_BUCKET_NEXT(e));
            }
            else {
                apr_bucket_delete(e);
                continue;
            }
        }
        APR_BUCKET_REMOVE(e);
        APR_BRIGADE_INSERT_TAIL(ctx->out, e);
        /* a file bucket reads in pieces: pass them on as they come, or a
         * page without </head> would pile up here */
        ctx->pending += len;
        if (ctx->pending >= PASS_EVERY) {
            ctx->pending = 0;
            rv = ap_pass_brigade(f->next, ctx->out);
            apr_brigade_cleanup(ctx->out);
            if (rv != APR_SUCCESS) {
                return rv;
            }
        }
    }
    if (done) {
        /* the rest of the page passes untouched */
        APR_BRIGADE_CONCAT(ctx->out, bb);
        ap_remove_output_filter(f);
    }
    /* what was read goes on at once: only the held bytes stay here */
    rv = ap_pass_brigade(f->next, ctx->out);
    apr_brigade_cleanup(ctx->out);
    return rv;
}
