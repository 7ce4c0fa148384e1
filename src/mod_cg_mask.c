/* mod_cg_mask.c: ConsentMaskAddress. The client address (after
 * mod_remoteip) is masked for the backend in a late fixup, after access
 * control has seen the real one, and for the access log around
 * mod_log_config's log_transaction; lib/cg_mask.c decides and masks.
 *
 * One request's addresses, in order:
 *   post_read_request  mod_remoteip: real (its trusted-proxy test uses the
 *                      real peer)
 *   access, authz      real (Require ip)
 *   fixups (late)      masked when the scope masks for the backend
 *   handler            what the fixup left: REMOTE_ADDR, X-Forwarded-For
 *   log_transaction    masked when the scope masks for the logs, real
 *                      otherwise; real again once the access log is written
 * Internal redirects and subrequests start from the real address again
 * (create_request), so their access control sees it too. */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_request.h>
#include <apr_strings.h>

#include "mod_cg.h"
#include "cg_mask.h"

APLOG_USE_MODULE(consentgate);

#define MASK_KEY "consentgate-mask"

/* The real address, taken before anything was masked; kept on the first
 * request of the chain, which internal redirects and subrequests share. */
typedef struct mask_state {
    const char *ip;
    apr_sockaddr_t *addr;
    char *host;
} mask_state;

/* Whether any scope of this configuration masks: where none does, a
 * request's hooks return at once. Set while the configuration is read,
 * cleared with it (a restart reads it again). */
static int mask_configured;

static apr_status_t mask_unconfigured(void *data)
{
    (void)data;
    mask_configured = 0;
    return APR_SUCCESS;
}

static request_rec *root_request(request_rec *r)
{
    while (r->main || r->prev) {
        r = r->main ? r->main : r->prev;
    }
    return r;
}

static mask_state *get_state(request_rec *r, int create)
{
    request_rec *root = root_request(r);
    void *data = NULL;
    mask_state *ms;

    apr_pool_userdata_get(&data, MASK_KEY, root->pool);
    if (data || !create) {
        return data;
    }
    ms = apr_pcalloc(root->pool, sizeof(*ms));
    ms->ip = r->useragent_ip;
    ms->addr = r->useragent_addr;
    ms->host = r->useragent_host;
    apr_pool_userdata_setn(ms, MASK_KEY, NULL, root->pool);
    return ms;
}

static void set_real(request_rec *r, const mask_state *ms)
{
    r->useragent_ip = (char *)ms->ip;
    r->useragent_addr = ms->addr;
    r->useragent_host = ms->host;
}

/* Puts the masked address in r: the text, and a copy of the socket
 * address (a distinct one, so %h and REMOTE_HOST ask it, never the
 * connection) with no host name to look up. */
static void set_masked(request_rec *r, const mask_state *ms,
                       const cg_mask_t *m)
{
    const char *ip = cg_mask_ip_bits(r->pool, ms->ip, m->v4_bits, m->v6_bits);
    apr_sockaddr_t *sa = NULL;

    if (ms->addr
        && apr_sockaddr_info_copy(&sa, ms->addr, r->pool) == APR_SUCCESS) {
        cg_mask_bytes(sa->ipaddr_ptr, (apr_size_t)sa->ipaddr_len,
                      m->v4_bits, m->v6_bits);
        sa->next = NULL;
        if (!ip) {
            /* a form the text parser refuses (an IPv6 zone): the bytes */
            char *text = NULL;

            if (apr_sockaddr_ip_get(&text, sa) == APR_SUCCESS) {
                ip = text;
            }
        }
        sa->hostname = (char *)ip;
    }
    if (!ip || !sa) {
        /* nothing to mask with: nothing leaves unmasked either */
        ip = "0.0.0.0";
        if (apr_sockaddr_info_get(&sa, ip, APR_INET, 0, 0, r->pool)
            != APR_SUCCESS) {
            sa = NULL;
        }
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, CGLOGNO(154)
                      "ConsentMaskAddress: '%s' is no address; 0.0.0.0 "
                      "stands for it", ms->ip ? ms->ip : "(none)");
    }
    r->useragent_ip = (char *)ip;
    if (sa) {
        r->useragent_addr = sa;
    }
    r->useragent_host = "";     /* looked up: nothing */
    apr_table_setn(r->notes, "consentgate-address", ms->ip);
}

/* What this request's scope masks for this visitor (CG_MASK_*). */
static int mask_where(request_rec *r, const cg_mask_t **mp)
{
    const mod_cg_dir_conf *dc = ap_get_module_config(r->per_dir_config,
                                                     &consentgate_module);
    const cg_mask_t *m = dc ? mod_cg_mask(dc) : NULL;

    *mp = m;
    if (!m || !m->where) {
        return 0;
    }
    return cg_mask_decide(m, m->unless && mod_cg_granted(r, m->unless));
}

int mod_cg_mask_create_request(request_rec *r)
{
    mask_state *ms;

    if (!mask_configured) {
        return DECLINED;
    }
    /* a redirect or subrequest copied its parent's address, which may be
     * masked: its own access control sees the real one */
    if ((r->main || r->prev) && (ms = get_state(r, 0))) {
        set_real(r, ms);
    }
    return DECLINED;
}

int mod_cg_mask_fixups(request_rec *r)
{
    const cg_mask_t *m;
    int where;
    mask_state *ms;

    if (!mask_configured) {
        return DECLINED;
    }
    where = mask_where(r, &m);
    ms = get_state(r, m && m->where);
    if (!ms) {
        return DECLINED;
    }
    if (where & CG_MASK_BACKEND) {
        const char *xff = apr_table_get(r->headers_in, "X-Forwarded-For");

        set_masked(r, ms, m);
        /* what a client or an untrusted proxy listed goes on to the
         * backend too, after mod_proxy adds the address itself */
        if (xff) {
            xff = cg_mask_forwarded_for(r->pool, xff, m->v4_bits, m->v6_bits);
            if (xff) {
                apr_table_setn(r->headers_in, "X-Forwarded-For", xff);
            }
            else {
                apr_table_unset(r->headers_in, "X-Forwarded-For");
            }
        }
    }
    else {
        set_real(r, ms);
    }
    return DECLINED;
}

/* Before mod_log_config: each request of the chain (the log reads the
 * last one's address) as its scope says for the logs. */
int mod_cg_mask_log_swap(request_rec *r)
{
    request_rec *rr;

    if (!mask_configured) {
        return DECLINED;
    }
    for (rr = r; rr; rr = rr->next) {
        const cg_mask_t *m;
        int where = mask_where(rr, &m);
        /* a request refused before the fixups (Require ip) comes here
         * with its real address */
        mask_state *ms = get_state(rr, m && m->where);

        if (!ms) {
            continue;
        }
        if (where & CG_MASK_LOGS) {
            set_masked(rr, ms, m);
        }
        else {
            set_real(rr, ms);
        }
    }
    return DECLINED;
}

/* After the access log: the real address again for whatever logs later. */
int mod_cg_mask_log_restore(request_rec *r)
{
    mask_state *ms = mask_configured ? get_state(r, 0) : NULL;
    request_rec *rr;

    for (rr = r; ms && rr; rr = rr->next) {
        set_real(rr, ms);
    }
    return DECLINED;
}

const char *mod_cg_set_mask(cmd_parms *cmd, void *dconf, int argc,
                            char *const argv[])
{
    mod_cg_dir_conf *dc = dconf;
    cg_mask_t *m = apr_pcalloc(cmd->pool, sizeof(*m));
    const char *err = cg_mask_parse(cmd->pool, argc, argv, m);

    if (err) {
        return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, err);
    }
    dc->mask = m;
    if (!mask_configured) {
        mask_configured = 1;
        apr_pool_cleanup_register(cmd->pool, NULL, mask_unconfigured,
                                  apr_pool_cleanup_null);
    }
    return NULL;
}
