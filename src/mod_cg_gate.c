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
#include "cg_visit_memo.h"

APLOG_USE_MODULE(consentgate);

/* What the client sent, read once and kept on the first request of the
 * chain (internal redirects and subrequests share it). */
typedef struct mod_cg_request {
    const char *original_uri;       /* decoded, normalised; on first need */
    cg_visit_t visit;
    int visit_read;
    cg_visit_memo_t *memo;          /* the connection's, when it was read
                                       through it */
    int expired;                    /* revocation expiries already added */
    int params_named;               /* the query named a scrubbed parameter */
    request_rec *body_read_for;     /* the request whose body was read */
    void *body;                     /* and what its handler will be given */
    const cg_policy_t *state_for;   /* the policy `state` was decided on */
    request_rec *env_set_for;       /* the request CONSENTGATE was set on */
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

static void log_undecidable(request_rec *r, cg_visit_t *v)
{
    int i;

    for (i = 0; v->undecidable && i < v->undecidable->nelts; ++i) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, CGLOGNO(004)
                      "cookie '%s': a pattern hit PCRE2's match limit; the "
                      "cookie is dropped (logged once per name)",
                      APR_ARRAY_IDX(v->undecidable, i, const char *));
    }
    if (v->undecidable) {
        v->undecidable->nelts = 0;
    }
}

static cg_visit_memo_t *connection_memo(conn_rec *c)
{
    cg_visit_memo_t *m = ap_get_module_config(c->conn_config,
                                              &consentgate_module);

    if (!m) {
        m = cg_visit_memo_make(c->pool);
        ap_set_module_config(c->conn_config, &consentgate_module, m);
    }
    return m;
}

static mod_cg_request *request_state(request_rec *r, const cg_policy_t *pol)
{
    request_rec *root = root_request(r);
    mod_cg_request *st = ap_get_module_config(root->request_config,
                                              &consentgate_module);

    if (!st) {
        st = apr_pcalloc(root->pool, sizeof(*st));
        ap_set_module_config(root->request_config, &consentgate_module, st);
    }
    if (!st->visit_read) {
        const char *cookie = apr_table_get(r->headers_in, "Cookie");
        const char *gpc = apr_table_get(r->headers_in, "Sec-GPC");
        const char *dnt = apr_table_get(r->headers_in, "DNT");
        apr_time_t now = r->request_time ? r->request_time : apr_time_now();

        /* the consent cookie's name and lifetime are the server's: any
         * policy of this server reads the visit the same way; the page's
         * other requests on this connection read what it read */
        st->memo = mod_cg_policy_lasting(r) ? connection_memo(r->connection)
                                            : NULL;
        if (st->memo) {
            cg_visit_memo_read(st->memo, root->pool, pol, cookie, gpc, dnt,
                               now, &st->visit);
        }
        else {
            cg_visit_read(root->pool, pol, cookie, gpc, dnt, now, &st->visit);
        }
        st->visit_read = 1;
        if (st->visit.conflict) {
            ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, CGLOGNO(001)
                          "consent cookies disagree: treated as no consent");
        }
    }
    return st;
}

/* A '%', "//" or "/." in the path: one pass over a path that is short. */
static int needs_normalising(const char *path)
{
    for (; *path; ++path) {
        if (*path == '%' || (*path == '/' && (path[1] == '/'
                                              || path[1] == '.'))) {
            return 1;
        }
    }
    return 0;
}

/* The path as the client asked for it: neither mod_rewrite nor an internal
 * redirect to index.php touches the first request's parsed URI; decoded
 * and normalised as the backend's router sees it, so "/%65mail/unsubscribe/"
 * is a revocation path too. */
static const char *original_uri(request_rec *r, mod_cg_request *st)
{
    if (!st->original_uri) {
        request_rec *root = root_request(r);
        const char *path = root->parsed_uri.path ? root->parsed_uri.path : "";

        if (needs_normalising(path)) {
            char *uri = apr_pstrdup(root->pool, path);

            if (ap_unescape_url(uri) == OK) {
                ap_no2slash(uri);
                ap_getparents(uri);
            }
            path = uri;
        }
        st->original_uri = path;
    }
    return st->original_uri;
}

static mod_cg_dir_conf *dir_conf(request_rec *r)
{
    return ap_get_module_config(r->per_dir_config, &consentgate_module);
}

static mod_cg_server_conf *server_conf(request_rec *r)
{
    return ap_get_module_config(r->server->module_config, &consentgate_module);
}

/* Decided once per request and policy: fixups and the filter ask the same
 * question. */
static cg_state_e decide(request_rec *r, const cg_policy_t *pol,
                         mod_cg_request *st)
{
    if (st->state_for != pol) {
        request_rec *root = root_request(r);
        int revoked = cg_policy_revocation(pol, original_uri(r, st),
                                           root->method_number == M_POST,
                                           st->visit.matcher);

        st->state = cg_policy_decide(pol, &st->visit, revoked);
        st->state_for = pol;
    }
    return st->state;
}

int mod_cg_granted(request_rec *r, const char *category)
{
    const cg_policy_t *pol = mod_cg_policy(r);
    mod_cg_request *st = request_state(r, pol);

    return decide(r, pol, st) == CG_STATE_GRANTED
        && cg_consent_allows(&st->visit.consent, category);
}

/* CONSENTGATE and CONSENTGATE_SOURCE, for CustomLog, CGI and FastCGI. */
static void tell_environment(request_rec *r, mod_cg_request *st,
                             cg_state_e state)
{
    apr_table_setn(r->subprocess_env, "CONSENTGATE", cg_state_name(state));
    if (st->visit.source) {
        apr_table_setn(r->subprocess_env, "CONSENTGATE_SOURCE",
                       st->visit.source);
    }
    st->env_set_for = r;
}

int mod_cg_fixups(request_rec *r)
{
    mod_cg_dir_conf *dc;
    const cg_policy_t *pol;
    mod_cg_request *st;
    cg_state_e state;
    const char *state_name;

    if (r->main) {
        return DECLINED;
    }
    dc = dir_conf(r);
    /* the backend learns the decision from us, never from the client:
     * not even where the gate is off, unless only a gated front end can
     * reach this scope */
    if (mod_cg_gate_on(dc) || !mod_cg_upstream_keep(dc)) {
        apr_table_unset(r->headers_in, "Consent-State");
        apr_table_unset(r->headers_in, "Consent-Categories");
    }
    if (!mod_cg_gate_on(dc)) {
        return DECLINED;
    }
    pol = mod_cg_policy(r);
    st = request_state(r, pol);
    state = decide(r, pol, st);
    state_name = cg_state_name(state);

    /* both were unset above: added, not searched for */
    apr_table_addn(r->headers_in, "Consent-State",
                   cg_policy_state_label(pol, &st->visit, state));
    if (state == CG_STATE_GRANTED) {
        const char *granted = cg_policy_granted_list(r->pool, pol, &st->visit,
                                                     state);
        if (*granted) {
            apr_table_addn(r->headers_in, "Consent-Categories", granted);
        }
    }
    tell_environment(r, st, state);
    if (st->visit.source) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, CGLOGNO(005)
                      "consent read from %s: %s", st->visit.source,
                      state_name);
    }

    if (mod_cg_scrub_on(dc) && st->visit.crumbs->nelts) {
        const char *kept = st->memo
            ? cg_visit_memo_scrub(st->memo, r->pool, pol, &st->visit, state)
            : cg_policy_scrub(r->pool, pol, &st->visit, state);

        if (!kept) {
            apr_table_unset(r->headers_in, "Cookie");
        }
        else if (kept != st->visit.cookie_header) {
            apr_table_setn(r->headers_in, "Cookie", kept);
        }
        log_undecidable(r, &st->visit);
    }
    if (mod_cg_blocked_tracking(dc)
        && !cg_policy_all_granted(pol, &st->visit, state)) {
        /* Mautic 7 reads this cookie and then tracks nothing: no contact,
         * no hit, its tracking cookies cleared */
        const char *cookie = apr_table_get(r->headers_in, "Cookie");

        apr_table_setn(r->headers_in, "Cookie",
                       cookie ? apr_pstrcat(r->pool, cookie,
                                            "; Blocked-Tracking=1", NULL)
                              : "Blocked-Tracking=1");
    }
    st->params_named |= mod_cg_scrub_query(r, pol, &st->visit, state);
    if (mod_cg_forward_gpc(dc) && state != CG_STATE_GRANTED
        && !cg_policy_forward_gpc_skipped(pol, original_uri(r, st),
                                          st->visit.matcher)) {
        apr_table_setn(r->headers_in, "Sec-GPC", "1");
    }
    return DECLINED;
}

ap_filter_rec_t *mod_cg_out_filter_handle;

/* The gate's filter goes wherever the gate is on, on the endpoints' own
 * answers and where ConsentCSPWithout applies; returns 0 where it does
 * not. */
static int add_gate_filter(request_rec *r)
{
    if (r->main || !(mod_cg_gate_on(dir_conf(r))
                     || dir_conf(r)->csp_rules->nelts
                     || (r->handler && !strcmp(r->handler, MOD_CG_HANDLER)))) {
        return 0;
    }
    ap_add_output_filter_handle(mod_cg_out_filter_handle, NULL, r,
                                r->connection);
    return 1;
}

void mod_cg_insert_filter(request_rec *r)
{
    mod_cg_dir_conf *dc = dir_conf(r);
    int gate_on = mod_cg_gate_on(dc);

    if (!add_gate_filter(r)) {
        return;
    }
    /* the body is read for the request that will handle it: not for one
     * that mod_rewrite is about to redirect internally */
    if (gate_on && r->handler && strcmp(r->handler, "redirect-handler")
        && strcmp(r->handler, MOD_CG_HANDLER)) {
        const cg_policy_t *pol = mod_cg_policy(r);

        mod_cg_request *st;

        /* once: mod_proxy runs the insert_filter hook again for a
         * "SetHandler proxy:..." request, on rebuilt input filters */
        if (!cg_policy_scrubs_params(pol)) {
            return;
        }
        st = request_state(r, pol);
        /* at most once per client request: after an internal redirect
         * that a handler caused, the body was read and is gone */
        if (!st->body_read_for) {
            st->body_read_for = r;
            st->body = mod_cg_scrub_body(r, pol, &st->visit,
                                         decide(r, pol, st),
                                         mod_cg_scrub_body_limit(dc),
                                         &st->params_named);
        }
        else if (st->body_read_for == r && st->body) {
            mod_cg_body_keep(r, st->body);
        }
    }
}

void mod_cg_insert_error_filter(request_rec *r)
{
    (void)add_gate_filter(r);
}

typedef struct gate_pass {
    request_rec *r;
    const cg_policy_t *pol;
    mod_cg_request *st;
    cg_state_e state;
    int decided;                /* a line's fate depended on the decision */
} gate_pass;

static int is_set_cookie(const char *key)
{
    return key && (key[0] == 'S' || key[0] == 's')
        && !strcasecmp(key, "Set-Cookie");
}

/* Judges every Set-Cookie line of `t`; when one must go or change, the
 * table's lines are replaced by the ones to send, in order, and no empty
 * Set-Cookie header is left behind. */
static void gate_table(gate_pass *gp, apr_table_t *t)
{
    const apr_array_header_t *arr = apr_table_elts(t);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    const char **send = NULL;
    int i, n = 0, lines = 0, changed = 0;

    for (i = 0; i < arr->nelts; ++i) {
        cg_judgement_t j;

        if (!is_set_cookie(e[i].key)) {
            continue;
        }
        if (!send) {
            send = apr_palloc(gp->r->pool, arr->nelts * sizeof(*send));
        }
        ++lines;
        cg_policy_judge(gp->r->pool, gp->pol, &gp->st->visit, gp->state,
                        e[i].val, gp->r->request_time, &j);
        /* only a category cookie's fate depends on the visitor */
        gp->decided |= j.depends;
        if (j.verdict == CG_LINE_REMOVE) {
            ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, gp->r, CGLOGNO(002)
                          "removed Set-Cookie %.*s (%s, consent state %s)",
                          (int)j.name_len, j.name, j.cls->category ? j.cls->category
                          : j.cls->kind == CG_CLASS_DROP ? "drop" : "unknown",
                          cg_state_name(gp->state));
            changed = 1;
            continue;
        }
        changed |= j.line != e[i].val;
        send[n++] = j.line;
    }
    log_undecidable(gp->r, &gp->st->visit);
    if (!changed) {
        return;
    }
    /* a CGI's or FastCGI backend's cookies come in err_headers_out, often
     * alone: then the table is emptied at once, not searched */
    if (lines == arr->nelts) {
        apr_table_clear(t);
    }
    else {
        apr_table_unset(t, "Set-Cookie");
    }
    for (i = 0; i < n; ++i) {
        apr_table_addn(t, "Set-Cookie", send[i]);
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
    mod_cg_server_conf *sc = server_conf(r);
    const char *value = cg_policy_consent_value(r->pool, mod_cg_policy(r),
                                                categories, r->request_time,
                                                receipt_id);

    if (!value) {
        return NULL;
    }
    return cg_setcookie_line(r->pool, mod_cg_cookie_name(sc), value,
                             mod_cg_max_age(sc), sc->cookie_domain,
                             mod_cg_is_https(r));
}

int mod_cg_expire_held(request_rec *r, cg_state_e state)
{
    const cg_policy_t *pol = mod_cg_policy(r);
    mod_cg_request *st = request_state(r, pol);
    apr_array_header_t *lines;
    int i;

    lines = cg_policy_expiries(r->pool, pol, &st->visit, state,
                               server_conf(r)->cookie_domain,
                               mod_cg_is_https(r));
    for (i = 0; i < lines->nelts; ++i) {
        apr_table_addn(r->err_headers_out, "Set-Cookie",
                       APR_ARRAY_IDX(lines, i, const char *));
    }
    log_undecidable(r, &st->visit);
    return server_conf(r)->cookie_domain ? lines->nelts / 2 : lines->nelts;
}

const cg_consent_t *mod_cg_consent(request_rec *r)
{
    return &request_state(r, mod_cg_policy(r))->visit.consent;
}

int mod_cg_held_receipt(request_rec *r, const char **id, apr_time_t *when)
{
    const cg_policy_t *pol = mod_cg_policy(r);

    return cg_policy_held_receipt(r->pool, pol, &request_state(r, pol)->visit,
                                  r->request_time, id, when);
}

int mod_cg_signals(request_rec *r)
{
    return request_state(r, mod_cg_policy(r))->visit.signals_present;
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
    if (gp->st->visit.consent.state == CG_CONSENT_GRANTED) {
        const char *rid = cg_receipt_id(gp->r->pool);

        if (!rid) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, gp->r, CGLOGNO(003)
                          "no random bytes for a receipt id: the refusal is "
                          "not recorded in the consent cookie");
            return;
        }
        const char *line = mod_cg_consent_line(gp->r, NULL, rid);

        if (line) {
            apr_table_addn(gp->r->err_headers_out, "Set-Cookie", line);
            /* the withdrawal is recorded, as forget records one; a receipt
             * that cannot be written is logged by the writer */
            (void)mod_cg_receipt_write(gp->r, "revoke", "revocation_path",
                                       NULL, rid, NULL);
            /* and counted on the status page as a withdrawal */
            mod_cg_status_count_choice(gp->r, NULL);
        }
        gp->decided = 1;
    }
}

static void add_vary(request_rec *r, const cg_policy_t *pol)
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
    int honoured = cg_policy_signals_honoured(pol);
    apr_table_t *t = ap_is_HTTP_ERROR(r->status) ? r->err_headers_out
                                                 : r->headers_out;
    const char *vary = apr_table_get(t, "Vary");
    apr_size_t i;

    if (!vary) {
        /* none yet: added, not searched for again */
        apr_table_addn(t, "Vary", whole[honoured & (CG_SIGNAL_GPC | CG_SIGNAL_DNT)]);
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

void mod_cg_add_vary(request_rec *r, const cg_policy_t *pol)
{
    add_vary(r, pol);
}

const cg_visit_t *mod_cg_visit(request_rec *r, const cg_policy_t *pol,
                               cg_state_e *state)
{
    mod_cg_request *st = request_state(r, pol);

    *state = decide(r, pol, st);
    return &st->visit;
}

static void gate_response(request_rec *r)
{
    gate_pass gp;

    gp.r = r;
    gp.pol = mod_cg_policy(r);
    gp.st = request_state(r, gp.pol);
    gp.state = decide(r, gp.pol, gp.st);
    gp.decided = 0;

    /* a response whose request had no fixups (an error answered before
     * them, or an internal redirect's that mod_cache's quick handler
     * served) */
    if (gp.st->env_set_for != r) {
        tell_environment(r, gp.st, gp.state);
    }
    gate_table(&gp, r->headers_out);
    gate_table(&gp, r->err_headers_out);
    gp.decided |= mod_cg_csp_apply(r, &gp.st->visit, gp.state);
    if (gp.state == CG_STATE_REVOKED && !gp.st->expired) {
        revoke_held(&gp);
    }
    /* what the backend saw of an identifying parameter depended on the
     * consent too */
    if (gp.decided || gp.st->params_named) {
        add_vary(r, gp.pol);
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
    else if (mod_cg_gate_on(dir_conf(f->r))) {
        gate_response(f->r);
    }
    else if (dir_conf(f->r)->csp_rules->nelts) {
        /* ConsentCSPWithout on its own (a scope with the gate off, such
         * as an admin area): the same decision, no cookie touched */
        const cg_policy_t *pol = mod_cg_policy(f->r);
        cg_state_e state;
        const cg_visit_t *v = mod_cg_visit(f->r, pol, &state);

        if (mod_cg_csp_apply(f->r, v, state)) {
            add_vary(f->r, pol);
        }
    }
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

/* Before the access log: a response from mod_cache's quick handler had no
 * fixups, and mod_cache takes the gate's filter out of its chain (the
 * stored response was gated when it was stored, and it varies on the
 * decision's inputs); its log line names the decision all the same. */
int mod_cg_log_decision(request_rec *r)
{
    const cg_policy_t *pol;
    mod_cg_request *st;

    /* mod_log_config logs the last request of an internal redirect */
    while (r->next) {
        r = r->next;
    }
    /* a request refused while it was read has no configuration yet */
    if (r->main || !r->per_dir_config || !mod_cg_gate_on(dir_conf(r))) {
        return DECLINED;
    }
    st = ap_get_module_config(root_request(r)->request_config,
                              &consentgate_module);
    if (st && st->env_set_for == r) {
        return DECLINED;
    }
    pol = mod_cg_policy(r);
    st = request_state(r, pol);
    tell_environment(r, st, decide(r, pol, st));
    return DECLINED;
}
