/* mod_cg_gate.c: the gate. On the way in it reads the visitor's consent
 * and signals once per request, scrubs the Cookie header and tells the
 * backend; on the way out an output filter (also on error responses)
 * removes the Set-Cookie lines the decision does not allow, from both
 * header tables, before anything reaches the client or mod_cache. */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_filter.h>
#include <apr_strings.h>

#include "mod_cg.h"
#include "cg_cookie.h"
#include "cg_scrub.h"

APLOG_USE_MODULE(consentgate);

/* What the client sent, read once and kept on the first request of the
 * chain (internal redirects and subrequests share it). */
typedef struct mod_cg_request {
    const char *original_uri;       /* before any rewrite */
    apr_array_header_t *crumbs;     /* the Cookie header as the client sent it */
    cg_consent_t consent;
    int conflict;
    int signals_present;
    cg_matcher_t *matcher;
    int expired;                    /* revocation expiries already added */
    const mod_cg_dir_conf *state_for;   /* the config `state` was decided on */
    cg_state_e state;
} mod_cg_request;

static request_rec *root_request(request_rec *r)
{
    for (;;) {
        if (r->main) {
            r = r->main;
        }
        else if (r->prev) {
            r = r->prev;
        }
        else {
            return r;
        }
    }
}

static mod_cg_request *request_state(request_rec *r)
{
    request_rec *root = root_request(r);
    mod_cg_request *st = ap_get_module_config(root->request_config,
                                              &consentgate_module);

    if (!st) {
        /* the path as the client asked for it: neither mod_rewrite nor an
         * internal redirect to index.php touches the first request's
         * parsed URI; decoded and normalised as the backend's router
         * sees it, so "/%65mail/unsubscribe/" is a revocation path too */
        char *uri = apr_pstrdup(root->pool, root->parsed_uri.path
                                            ? root->parsed_uri.path : "");

        if (ap_unescape_url(uri) == OK) {
            ap_no2slash(uri);
            ap_getparents(uri);
        }
        st = apr_pcalloc(root->pool, sizeof(*st));
        st->original_uri = uri;
        ap_set_module_config(root->request_config, &consentgate_module, st);
    }
    if (!st->crumbs) {
        mod_cg_server_conf *sc = ap_get_module_config(r->server->module_config,
                                                      &consentgate_module);
        cg_consent_rules_t rules;

        rules.max_age = sc->max_age != -1 ? sc->max_age
                                          : MOD_CG_DEFAULT_MAX_AGE;
        rules.policy_revision = sc->policy_revision != -1
                                ? sc->policy_revision : 0;
        rules.now = r->request_time ? r->request_time : apr_time_now();
        st->matcher = cg_matcher_make(root->pool);
        st->crumbs = cg_cookie_parse(root->pool,
                                     apr_table_get(r->headers_in, "Cookie"));
        cg_consent_from_crumbs(root->pool, st->crumbs, mod_cg_cookie_name(sc),
                               &rules, &st->consent, &st->conflict);
        if (st->conflict) {
            ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, CGLOGNO(001)
                          "consent cookies disagree: treated as no consent");
        }
        if (cg_signal_gpc(apr_table_get(r->headers_in, "Sec-GPC"))) {
            st->signals_present |= CG_SIGNAL_GPC;
        }
        if (cg_signal_dnt(apr_table_get(r->headers_in, "DNT"))) {
            st->signals_present |= CG_SIGNAL_DNT;
        }
    }
    return st;
}

static mod_cg_dir_conf *dir_conf(request_rec *r)
{
    return ap_get_module_config(r->per_dir_config, &consentgate_module);
}

static int gate_enabled(request_rec *r)
{
    return dir_conf(r)->enabled == 1;
}

static int revoked(request_rec *r, const mod_cg_dir_conf *dc,
                   mod_cg_request *st)
{
    mod_cg_server_conf *sc = ap_get_module_config(r->server->module_config,
                                                  &consentgate_module);
    int i;

    for (i = 0; i < sc->revoke_paths->nelts; ++i) {
        if (cg_regex_search(APR_ARRAY_IDX(sc->revoke_paths, i, cg_regex_t *),
                            st->original_uri, st->matcher)) {
            return 1;
        }
    }
    if (sc->revoke_none == 1) {
        return 0;
    }
    for (i = 0; i < dc->preset_revoke->nelts; ++i) {
        if (cg_regex_search(APR_ARRAY_IDX(dc->preset_revoke, i, cg_regex_t *),
                            st->original_uri, st->matcher)) {
            return 1;
        }
    }
    return 0;
}

/* Decided once per request and configuration: fixups and the filter ask
 * the same question. */
static cg_state_e decide(request_rec *r, const mod_cg_dir_conf *dc,
                         mod_cg_request *st)
{
    if (st->state_for != dc) {
        st->state = cg_decide(&st->consent, st->signals_present,
                              mod_cg_signals_honoured(dc),
                              dc->precedence != -1 ? dc->precedence
                                                   : CG_PRECEDENCE_SIGNAL,
                              revoked(r, dc, st));
        st->state_for = dc;
    }
    return st->state;
}

static const cg_class_t *classify(request_rec *r, const mod_cg_dir_conf *dc,
                                  mod_cg_request *st, const char *name)
{
    mod_cg_server_conf *sc = ap_get_module_config(r->server->module_config,
                                                  &consentgate_module);
    const cg_class_t *cls;

    /* the consent cookie carries the choice itself */
    if (!strcmp(name, mod_cg_cookie_name(sc))) {
        return &cg_class_necessary;
    }
    cls = cg_rules_match(dc->rules, name, st->matcher);
    if (!cls) {
        cls = cg_rules_match(dc->preset_rules, name, st->matcher);
    }
    return cls ? cls : &cg_class_unknown;
}

typedef struct scrub_ctx {
    request_rec *r;
    const mod_cg_dir_conf *dc;
    mod_cg_request *st;
} scrub_ctx;

static const cg_class_t *classify_for_scrub(void *data, const char *name)
{
    scrub_ctx *ctx = data;

    return classify(ctx->r, ctx->dc, ctx->st, name);
}

static int unknown_allowed(const mod_cg_dir_conf *dc)
{
    return dc->unknown_allowed != 0;
}

int mod_cg_fixups(request_rec *r)
{
    mod_cg_dir_conf *dc;
    mod_cg_request *st;
    cg_state_e state;

    if (r->main || !gate_enabled(r)) {
        return DECLINED;
    }
    dc = dir_conf(r);
    st = request_state(r);
    state = decide(r, dc, st);

    /* the backend learns the decision from us, never from the client:
     * set() replaces whatever Consent-State the client sent */
    apr_table_set(r->headers_in, "Consent-State", cg_state_name(state));
    apr_table_set(r->subprocess_env, "CONSENTGATE", cg_state_name(state));

    if (dc->scrub != 0 && st->crumbs->nelts) {
        scrub_ctx ctx = { r, dc, st };
        const apr_array_header_t *kept = cg_scrub_crumbs(
            r->pool, st->crumbs, classify_for_scrub, &ctx, state,
            &st->consent, unknown_allowed(dc));

        if (kept->nelts == 0) {
            apr_table_unset(r->headers_in, "Cookie");
        }
        else if (kept != st->crumbs) {
            apr_table_set(r->headers_in, "Cookie", cg_cookie_join(r->pool, kept));
        }
    }
    if (dc->forward_gpc == 1 && state != CG_STATE_GRANTED) {
        apr_table_set(r->headers_in, "Sec-GPC", "1");
    }
    return DECLINED;
}

void mod_cg_insert_filter(request_rec *r)
{
    if (r->main || !(gate_enabled(r)
                     || (r->handler && !strcmp(r->handler, MOD_CG_HANDLER)))) {
        return;
    }
    ap_add_output_filter(MOD_CG_FILTER, NULL, r, r->connection);
}

typedef struct gate_pass {
    request_rec *r;
    const mod_cg_dir_conf *dc;
    mod_cg_request *st;
    cg_state_e state;
    apr_array_header_t *lines;  /* const char *, every Set-Cookie line */
    int decided;                /* a line's fate depended on the decision */
} gate_pass;

static int collect_line(void *rec, const char *key, const char *value)
{
    gate_pass *gp = rec;

    (void)key;
    APR_ARRAY_PUSH(gp->lines, const char *) = value;
    return 1;
}

static int line_passes(gate_pass *gp, const char *line)
{
    const char *name = cg_setcookie_name(gp->r->pool, line);
    const cg_class_t *cls = classify(gp->r, gp->dc, gp->st, name);

    if (cls->kind == CG_CLASS_CATEGORY) {
        /* only a category cookie's fate depends on the visitor */
        gp->decided = 1;
    }
    if (cg_class_passes(cls, gp->state, &gp->st->consent,
                        unknown_allowed(gp->dc))) {
        return 1;
    }
    /* deleting a cookie never tracks anyone: let it through */
    if (cg_setcookie_deletes(gp->r->pool, line, gp->r->request_time)) {
        return 1;
    }
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, gp->r, CGLOGNO(002)
                  "removed Set-Cookie %s (%s, consent state %s)", name,
                  cls->category ? cls->category
                  : cls->kind == CG_CLASS_DROP ? "drop" : "unknown",
                  cg_state_name(gp->state));
    return 0;
}

/* Removes the lines that may not pass; the kept ones stay in order and no
 * empty Set-Cookie header is left behind. */
static void gate_table(gate_pass *gp, apr_table_t *t)
{
    const char **lines;
    char *keep;
    int i, removed = 0;

    gp->lines->nelts = 0;
    apr_table_do(collect_line, gp, t, "Set-Cookie", NULL);
    if (gp->lines->nelts == 0) {
        return;
    }
    lines = (const char **)gp->lines->elts;
    keep = apr_pcalloc(gp->r->pool, gp->lines->nelts);
    for (i = 0; i < gp->lines->nelts; ++i) {
        keep[i] = (char)line_passes(gp, lines[i]);
        removed += !keep[i];
    }
    if (!removed) {
        return;
    }
    apr_table_unset(t, "Set-Cookie");
    for (i = 0; i < gp->lines->nelts; ++i) {
        if (keep[i]) {
            apr_table_addn(t, "Set-Cookie", lines[i]);
        }
    }
}

int mod_cg_is_https(request_rec *r)
{
    return !strcasecmp(ap_http_scheme(r), "https");
}

const char *mod_cg_consent_line(request_rec *r,
                                const apr_array_header_t *categories,
                                const char *receipt_id)
{
    mod_cg_server_conf *sc = ap_get_module_config(r->server->module_config,
                                                  &consentgate_module);
    const char *value = cg_consent_format(r->pool, categories, r->request_time,
                                          sc->policy_revision != -1
                                          ? sc->policy_revision : 0,
                                          receipt_id);

    return cg_setcookie_line(r->pool, mod_cg_cookie_name(sc), value,
                             sc->max_age != -1 ? sc->max_age
                                               : MOD_CG_DEFAULT_MAX_AGE,
                             sc->cookie_domain, mod_cg_is_https(r));
}

int mod_cg_expire_held(request_rec *r, cg_state_e state)
{
    mod_cg_server_conf *sc = ap_get_module_config(r->server->module_config,
                                                  &consentgate_module);
    mod_cg_dir_conf *dc = dir_conf(r);
    mod_cg_request *st = request_state(r);
    const cg_crumb_t *c = (const cg_crumb_t *)st->crumbs->elts;
    apr_hash_t *done = apr_hash_make(r->pool);
    int secure = mod_cg_is_https(r);
    int i, n = 0;

    for (i = 0; i < st->crumbs->nelts; ++i) {
        const cg_class_t *cls = classify(r, dc, st, c[i].name);

        if (!*c[i].name || apr_hash_get(done, c[i].name, APR_HASH_KEY_STRING)
            || cg_class_passes(cls, state, &st->consent, unknown_allowed(dc))) {
            continue;
        }
        apr_hash_set(done, c[i].name, APR_HASH_KEY_STRING, c[i].name);
        apr_table_addn(r->err_headers_out, "Set-Cookie",
                       cg_setcookie_expiry(r->pool, c[i].name, NULL, secure));
        if (sc->cookie_domain) {
            apr_table_addn(r->err_headers_out, "Set-Cookie",
                           cg_setcookie_expiry(r->pool, c[i].name,
                                               sc->cookie_domain, secure));
        }
        ++n;
    }
    return n;
}

const cg_consent_t *mod_cg_consent(request_rec *r)
{
    return &request_state(r)->consent;
}

int mod_cg_signals(request_rec *r)
{
    return request_state(r)->signals_present;
}

/* On a revocation path, expire every cookie the visitor holds that the
 * decision does not allow. A visitor who had consented has withdrawn it:
 * without a refusal in the consent cookie, the next page view would grant
 * again and re-create every cookie just expired. */
static void revoke_held(gate_pass *gp)
{
    gp->st->expired = 1;
    if (mod_cg_expire_held(gp->r, gp->state)) {
        gp->decided = 1;
    }
    if (gp->st->consent.state == CG_CONSENT_GRANTED) {
        const char *rid = cg_receipt_id(gp->r->pool);

        if (!rid) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, gp->r, CGLOGNO(003)
                          "no random bytes for a receipt id: the refusal is "
                          "not recorded in the consent cookie");
            return;
        }
        apr_table_addn(gp->r->err_headers_out, "Set-Cookie",
                       mod_cg_consent_line(gp->r, NULL, rid));
        gp->decided = 1;
    }
}

static void add_vary(request_rec *r, const mod_cg_dir_conf *dc)
{
    /* a shared cache must key the response on every input of the decision */
    static const struct {
        const char *header;
        int signal;
    } inputs[] = {
        { "Cookie", 0 }, { "Sec-GPC", CG_SIGNAL_GPC }, { "DNT", CG_SIGNAL_DNT }
    };
    static const char *const whole[] = {
        "Cookie", "Cookie, Sec-GPC", "Cookie, DNT", "Cookie, Sec-GPC, DNT"
    };
    int honoured = mod_cg_signals_honoured(dc);
    apr_table_t *t = ap_is_HTTP_ERROR(r->status) ? r->err_headers_out
                                                 : r->headers_out;
    const char *vary = apr_table_get(t, "Vary");
    apr_size_t i;

    if (!vary) {
        apr_table_setn(t, "Vary", whole[honoured & (CG_SIGNAL_GPC | CG_SIGNAL_DNT)]);
        return;
    }

    for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); ++i) {
        if ((inputs[i].signal && !(honoured & inputs[i].signal))
            || (vary && ap_find_token(r->pool, vary, inputs[i].header))) {
            continue;
        }
        vary = vary ? apr_pstrcat(r->pool, vary, ", ", inputs[i].header, NULL)
                    : inputs[i].header;
    }
    if (vary) {
        apr_table_setn(t, "Vary", vary);
    }
}

static void gate_response(request_rec *r)
{
    gate_pass gp;

    gp.r = r;
    gp.dc = dir_conf(r);
    gp.st = request_state(r);
    gp.state = decide(r, gp.dc, gp.st);
    gp.lines = apr_array_make(r->pool, 8, sizeof(const char *));
    gp.decided = 0;

    /* a response from mod_cache's quick handler had no fixups */
    if (!apr_table_get(r->subprocess_env, "CONSENTGATE")) {
        apr_table_set(r->subprocess_env, "CONSENTGATE",
                      cg_state_name(gp.state));
    }
    gate_table(&gp, r->headers_out);
    gate_table(&gp, r->err_headers_out);
    if (gp.state == CG_STATE_REVOKED && !gp.st->expired) {
        revoke_held(&gp);
    }
    if (gp.decided) {
        add_vary(r, gp.dc);
    }
}

apr_status_t mod_cg_out_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    /* headers are final when the first brigade arrives: edit them once,
     * then step out of the way of the body */
    if (mod_cg_cookies_forbidden(f->r)) {
        apr_table_unset(f->r->headers_out, "Set-Cookie");
        apr_table_unset(f->r->err_headers_out, "Set-Cookie");
    }
    else if (gate_enabled(f->r)) {
        gate_response(f->r);
    }
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}
