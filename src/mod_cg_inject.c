/* mod_cg_inject.c: ConsentBannerInject, a streaming output filter that puts
 * <script src="{endpoint}/banner.js" defer></script> into text/html pages
 * whose templates cannot be edited (Mattermost's login page), and with
 * ConsentGoogleConsentMode the visitor's Consent Mode default right after
 * <head>, before any tag runs. Where they go is lib/cg_inject.c's and
 * lib/cg_gcm.c's business; this file moves buckets and
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
#include <apr_lib.h>
#include <apr_strings.h>

#include "mod_cg.h"
#include "cg_csp.h"
#include "cg_gcm.h"
#include "cg_inject.h"

APLOG_USE_MODULE(consentgate);

ap_filter_rec_t *mod_cg_inject_filter_handle;

/* One scan over the page: the consent default's (after <head>) or the
 * banner's (before </head>); both answer in cg_inject.h's spans. */
typedef struct stage {
    void *st;                   /* NULL: this scan does not run */
    int (*feed)(void *st, const char *data, apr_size_t len,
                cg_inject_span_t *spans);
    int (*flush)(void *st, cg_inject_span_t *spans);
    int (*finish)(void *st, cg_inject_span_t *spans);
    int (*done)(const void *st);
    int tag_immortal;           /* the tag lives in pconf: no copy */
} stage;

typedef struct inject_ctx {
    int started;                /* the first call was made */
    stage early;                /* ConsentGoogleConsentMode's script */
    stage banner;               /* ConsentBannerInject's tag */
    apr_bucket_brigade *mid;    /* what the first scan emitted */
    apr_bucket_brigade *out;
    apr_size_t pending;         /* bytes in `out` not yet passed on */
    int banner_on;
    int variant_asked;          /* If-None-Match held one of our tags */
    const char *defaults;       /* the consent default; NULL: mode off */
    const char *variant;        /* its entity-tag variant, else "" */
} inject_ctx;

static int early_feed(void *st, const char *d, apr_size_t n,
                      cg_inject_span_t *sp)
{
    return cg_early_feed(st, d, n, sp);
}

static int early_flush(void *st, cg_inject_span_t *sp)
{
    return cg_early_flush(st, sp);
}

static int early_finish(void *st, cg_inject_span_t *sp)
{
    return cg_early_finish(st, sp);
}

static int early_done(const void *st)
{
    return cg_early_done(st);
}

static int banner_feed(void *st, const char *d, apr_size_t n,
                       cg_inject_span_t *sp)
{
    return cg_inject_feed(st, d, n, sp);
}

static int banner_flush(void *st, cg_inject_span_t *sp)
{
    return cg_inject_flush(st, sp);
}

static int banner_finish(void *st, cg_inject_span_t *sp)
{
    return cg_inject_finish(st, sp);
}

static int banner_done(const void *st)
{
    return cg_inject_done(st);
}

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

    if ((!mod_cg_inject_on(dc) && !mod_cg_gcm_on(dc)) || r->main) {
        return;
    }
    ctx = apr_pcalloc(r->pool, sizeof(*ctx));
    ctx->banner_on = mod_cg_inject_on(dc);
    ctx->variant = "";
    if (mod_cg_gcm_on(dc)) {
        cg_state_e state;
        const cg_visit_t *v = mod_cg_visit(r, mod_cg_policy(r), &state);

        /* known before the handler runs: the page's tag names it */
        ctx->defaults = cg_gcm_defaults(r->pool, mod_cg_gcm_map(r->pool, dc),
                                        v, state);
        ctx->variant = cg_gcm_variant(r->pool, ctx->defaults);
    }
    /* before the handler validates: our variant tag becomes the tag of
     * the unchanged response it was made from, as the handler knows it;
     * a tag made for another consent state stays as it is */
    inm = cg_inject_if_none_match_variant(r->pool,
                                          apr_table_get(r->headers_in,
                                                        "If-None-Match"),
                                          ctx->variant);
    if (inm) {
        apr_table_setn(r->headers_in, "If-None-Match", inm);
        ctx->variant_asked = 1;
    }
    ap_add_output_filter_handle(mod_cg_inject_filter_handle, ctx, r,
                                r->connection);
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
static void mark_etag(request_rec *r, const char *variant)
{
    const char *etag = apr_table_get(r->headers_out, "ETag");

    etag = cg_inject_etag_variant(r->pool, etag ? etag
                                  : apr_table_get(r->err_headers_out, "ETag"),
                                  variant);

    apr_table_unset(r->err_headers_out, "ETag");
    if (etag) {
        apr_table_setn(r->headers_out, "ETag", etag);
    }
    else {
        apr_table_unset(r->headers_out, "ETag");
    }
}

/* Every Content-Security-Policy the response will carry: the app's (in
 * either table) and the ones ConsentCSPWithout adds after this filter. */
static apr_array_header_t *page_policies(request_rec *r)
{
    apr_array_header_t *all = apr_array_make(r->pool, 2, sizeof(const char *));
    apr_table_t *tables[2];
    cg_state_e state;
    const cg_visit_t *v;
    const mod_cg_dir_conf *dc = ap_get_module_config(r->per_dir_config,
                                                     &consentgate_module);
    int i, k;

    tables[0] = r->headers_out;
    tables[1] = r->err_headers_out;
    for (k = 0; k < 2; ++k) {
        const apr_array_header_t *arr = apr_table_elts(tables[k]);
        const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;

        for (i = 0; i < arr->nelts; ++i) {
            if (e[i].key && !strcasecmp(e[i].key, "Content-Security-Policy")) {
                APR_ARRAY_PUSH(all, const char *) = e[i].val;
            }
        }
    }
    v = mod_cg_visit(r, mod_cg_policy(r), &state);
    apr_array_cat(all, cg_csp_for_visit(r->pool, dc->csp_rules, v, state));
    return all;
}

/* The consent default's script: inline where the page's policies allow
 * it ('unsafe-inline', or the nonce every policy names); else from the
 * endpoint where they allow a same-origin script; else NULL. */
static const char *consent_script(request_rec *r, inject_ctx *ctx)
{
    apr_array_header_t *policies = page_policies(r);
    const char *nonce;

    if (cg_csp_inline(r->pool, policies, &nonce) != CG_CSP_INLINE_BLOCKED) {
        return cg_gcm_script(r->pool, ctx->defaults, nonce);
    }
    if (cg_csp_self_script(policies)) {
        return cg_gcm_external_tag(r->pool, mod_cg_endpoint(
            ap_get_module_config(r->server->module_config,
                                 &consentgate_module)), ctx->defaults);
    }
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, CGLOGNO(151)
                  "ConsentGoogleConsentMode: the page's "
                  "Content-Security-Policy allows neither an inline script "
                  "nor one of this origin: no consent default");
    return NULL;
}

/* "text/html", with or without parameters: what ap_field_noparam() would
 * leave, read without a copy. */
static int is_html(const char *type)
{
    if (!type || strncasecmp(type, "text/html", 9)) {
        return 0;
    }
    for (type += 9; apr_isspace(*type); ++type) {
        /* ap_field_noparam() drops the space before a ';' too */
    }
    return !*type || *type == ';';
}

/* The first call, in mod_deflate's order: checks that leave the response
 * alone (0), then the header changes, made before anything is passed on.
 * HEAD goes the same way as GET, so that its header fields are GET's. */
static int start(ap_filter_t *f, inject_ctx *ctx, apr_bucket_brigade *bb)
{
    request_rec *r = f->r;
    mod_cg_server_conf *sc = ap_get_module_config(r->server->module_config,
                                                  &consentgate_module);
    const char *script = NULL;

    ctx->started = 1;
    if (!sc->inject_scanner || !is_html(r->content_type)) {
        return 0;
    }
    /* an HTML response depends on who asks for it now */
    apr_table_mergen(r->headers_out, "Vary", "Sec-Fetch-Dest");
    if (ctx->defaults) {
        /* and, with the consent default, on the inputs of the decision */
        mod_cg_add_vary(r, mod_cg_policy(r));
    }
    if (r->status == HTTP_NOT_MODIFIED) {
        /* it validates the variant the client holds */
        if (ctx->variant_asked) {
            mark_etag(r, ctx->variant);
        }
        return 0;
    }
    if (!may_rewrite(r) || !is_navigation(r)) {
        return 0;
    }
    if (ctx->defaults) {
        script = consent_script(r, ctx);
    }
    if (!script && !ctx->banner_on) {
        return 0;
    }
    /* the body changes: its tag becomes a variant, its length no longer
     * holds; a HEAD a proxy answered without a body keeps the length it
     * has, as nothing tells what GET's would be */
    mark_etag(r, script ? ctx->variant : "");
    if (nothing_to_read(r, bb)) {
        return 0;
    }
    unset_both(r, "Content-Length");
    unset_both(r, "Content-MD5");
    if (script) {
        ctx->early.st = cg_early_start(r->pool, script);
        ctx->early.feed = early_feed;
        ctx->early.flush = early_flush;
        ctx->early.finish = early_finish;
        ctx->early.done = early_done;
        ctx->mid = apr_brigade_create(r->pool, f->c->bucket_alloc);
    }
    if (ctx->banner_on) {
        ctx->banner.st = cg_inject_start(r->pool, sc->inject_scanner,
                                         sc->inject_tag);
        ctx->banner.feed = banner_feed;
        ctx->banner.flush = banner_flush;
        ctx->banner.finish = banner_finish;
        ctx->banner.done = banner_done;
        ctx->banner.tag_immortal = 1;
    }
    ctx->out = apr_brigade_create(r->pool, f->c->bucket_alloc);
    return 1;
}

/* Moves what the scanner says into `out`: the CG_SPAN_INPUT spans are
 * the first bytes of `e` (which holds `len`, NULL for none), in order;
 * what they leave of it is held by the scanner, so it goes. */
static void emit(apr_bucket_brigade *out, int tag_immortal, apr_bucket *e,
                 apr_size_t len, const cg_inject_span_t *spans, int n,
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
        else if (sp->kind == CG_SPAN_HELD || !tag_immortal) {
            /* held bytes change by the next call; the consent default
             * lives in the request's pool */
            b = apr_bucket_heap_create(sp->data, sp->len, NULL, ba);
        }
        else {
            /* the banner's tag lives in pconf, as long as any request */
            b = apr_bucket_immortal_create(sp->data, sp->len, ba);
        }
        APR_BRIGADE_INSERT_TAIL(out, b);
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

static int stage_busy(const stage *sg)
{
    return sg->st && !sg->done(sg->st);
}

/* The first bucket of `in` through one scan into `out`; *read counts the
 * bytes read. A scan that is done (or off) moves buckets as they are. */
static apr_status_t step(ap_filter_t *f, stage *sg, apr_bucket_brigade *in,
                         apr_bucket_brigade *out, apr_size_t *read)
{
    apr_bucket_alloc_t *ba = f->c->bucket_alloc;
    cg_inject_span_t sp[CG_INJECT_MAX_SPANS];
    apr_bucket *e = APR_BRIGADE_FIRST(in);
    const char *data;
    apr_size_t len;
    apr_status_t rv;

    if (stage_busy(sg) && APR_BUCKET_IS_EOS(e)) {
        emit(out, sg->tag_immortal, NULL, 0, sp, sg->finish(sg->st, sp), ba);
    }
    else if (stage_busy(sg) && APR_BUCKET_IS_FLUSH(e)) {
        /* a flush must reach the client: the held bytes go too */
        emit(out, sg->tag_immortal, NULL, 0, sp, sg->flush(sg->st, sp), ba);
    }
    if (!stage_busy(sg) || APR_BUCKET_IS_METADATA(e)) {
        APR_BUCKET_REMOVE(e);
        APR_BRIGADE_INSERT_TAIL(out, e);
        return APR_SUCCESS;
    }
    rv = apr_bucket_read(e, &data, &len, APR_BLOCK_READ);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, f->r, CGLOGNO(070)
                      "ConsentBannerInject: reading the response");
        return rv;
    }
    emit(out, sg->tag_immortal, e, len, sp, sg->feed(sg->st, data, len, sp),
         ba);
    *read += len;
    return APR_SUCCESS;
}

apr_status_t mod_cg_inject_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    inject_ctx *ctx = f->ctx;
    apr_status_t rv;

    if (APR_BRIGADE_EMPTY(bb)) {
        return APR_SUCCESS;
    }
    if (!ctx->started && !start(f, ctx, bb)) {
        ap_remove_output_filter(f);
        return ap_pass_brigade(f->next, bb);
    }
    /* a bucket at a time through the consent default's scan, then what
     * it gave through the banner's: a file bucket reads in pieces, and
     * only a piece and the held bytes are here at once */
    while (!APR_BRIGADE_EMPTY(bb)
           && (stage_busy(&ctx->early) || stage_busy(&ctx->banner))) {
        apr_size_t read = 0;

        if (ctx->mid) {
            if ((rv = step(f, &ctx->early, bb, ctx->mid, &read))
                != APR_SUCCESS) {
                return rv;
            }
            while (!APR_BRIGADE_EMPTY(ctx->mid)) {
                if ((rv = step(f, &ctx->banner, ctx->mid, ctx->out, &read))
                    != APR_SUCCESS) {
                    return rv;
                }
            }
        }
        else if ((rv = step(f, &ctx->banner, bb, ctx->out, &read))
                 != APR_SUCCESS) {
            return rv;
        }
        /* pass pieces on as they come, or a page without </head> would
         * pile up here */
        if ((ctx->pending += read) >= PASS_EVERY
            && (rv = pass(f, ctx)) != APR_SUCCESS) {
            return rv;
        }
    }
    if (!stage_busy(&ctx->early) && !stage_busy(&ctx->banner)) {
        /* the rest of the page passes untouched */
        APR_BRIGADE_CONCAT(ctx->out, bb);
        ap_remove_output_filter(f);
    }
    /* what was read goes on at once: only the held bytes stay here */
    return pass(f, ctx);
}
