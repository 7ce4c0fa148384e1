/* mod_cg_csp.c: what the module adds to HTML for a visitor's consent
 * beyond cookies. ConsentCSPWithout: a Content-Security-Policy for
 * visitors who have not granted a category (lib/cg_csp.c decides which);
 * ConsentGoogleConsentMode and ConsentModeMap: the directives of the
 * consent default that mod_cg_inject.c puts into the page. */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <apr_strings.h>

#include "mod_cg.h"
#include "cg_csp.h"
#include "cg_gcm.h"
#include "cg_text.h"

APLOG_USE_MODULE(consentgate);

const char *mod_cg_set_csp_without(cmd_parms *cmd, void *dconf,
                                   const char *category, const char *policy)
{
    mod_cg_dir_conf *dc = dconf;
    cg_csp_rule_t *rule;
    const char *why;

    if (!cg_category_valid(category, strlen(category))) {
        return apr_psprintf(cmd->pool, "%s: invalid category '%s' "
                            "([a-z0-9_-], at most 32 characters)",
                            cmd->cmd->name, category);
    }
    if ((why = cg_csp_policy_check(cmd->temp_pool, policy))) {
        return apr_psprintf(cmd->pool, "%s: policy \"%s\": %s",
                            cmd->cmd->name, policy, why);
    }
    rule = apr_array_push(dc->csp_rules);
    rule->category = category;
    rule->policy = policy;
    return NULL;
}

/* CATEGORY TYPE[,TYPE...] [TYPE...]: commas and spaces both separate. */
const char *mod_cg_set_gcm_map(cmd_parms *cmd, void *dconf, int argc,
                               char *const argv[])
{
    mod_cg_dir_conf *dc = dconf;
    int i, n = 0;

    if (argc < 2) {
        return apr_psprintf(cmd->pool, "%s: CATEGORY TYPE[,TYPE...]",
                            cmd->cmd->name);
    }
    if (!cg_category_valid(argv[0], strlen(argv[0]))) {
        return apr_psprintf(cmd->pool, "%s: invalid category '%s' "
                            "([a-z0-9_-], at most 32 characters)",
                            cmd->cmd->name, argv[0]);
    }
    for (i = 1; i < argc; ++i) {
        char *list = apr_pstrdup(cmd->pool, argv[i]), *state, *type;

        for (type = apr_strtok(list, ",", &state); type;
             type = apr_strtok(NULL, ",", &state)) {
            cg_gcm_map_t *m;

            if (!cg_gcm_type_valid(type)) {
                return apr_psprintf(cmd->pool, "%s: '%s' is not a consent "
                                    "type (known: %s)", cmd->cmd->name, type,
                                    cg_gcm_type_names(cmd->temp_pool));
            }
            m = apr_array_push(dc->gcm_map);
            m->category = argv[0];
            m->type = type;
            ++n;
        }
    }
    if (!n) {
        return apr_psprintf(cmd->pool, "%s: CATEGORY TYPE[,TYPE...]",
                            cmd->cmd->name);
    }
    return NULL;
}

const apr_array_header_t *mod_cg_gcm_map(apr_pool_t *p,
                                         const mod_cg_dir_conf *dc)
{
    apr_array_header_t *map;

    if (dc->gcm_map->nelts) {
        return dc->gcm_map;
    }
    map = apr_array_make(p, 12, sizeof(cg_gcm_map_t));
    cg_gcm_default_map(map);
    return map;
}

int mod_cg_is_html(request_rec *r)
{
    const char *type;

    if (!r->content_type) {
        return 0;
    }
    type = ap_field_noparam(r->pool, r->content_type);
    return !strcasecmp(type, "text/html")
        || !strcasecmp(type, "application/xhtml+xml");
}

/* True when `t` holds this very policy already: a response mod_cache
 * stored with it, or an app that sends the same one. */
static int has_policy(apr_table_t *t, const char *policy)
{
    const apr_array_header_t *arr = apr_table_elts(t);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    int i;

    for (i = 0; i < arr->nelts; ++i) {
        if (e[i].key && !strcasecmp(e[i].key, "Content-Security-Policy")
            && !strcmp(e[i].val, policy)) {
            return 1;
        }
    }
    return 0;
}

int mod_cg_csp_apply(request_rec *r, const cg_visit_t *v, cg_state_e state)
{
    const mod_cg_dir_conf *dc = ap_get_module_config(r->per_dir_config,
                                                     &consentgate_module);
    apr_array_header_t *add;
    int i;

    if (!dc->csp_rules->nelts || !mod_cg_is_html(r)) {
        return 0;
    }
    add = cg_csp_for_visit(r->pool, dc->csp_rules, v, state);
    for (i = 0; i < add->nelts; ++i) {
        const char *policy = APR_ARRAY_IDX(add, i, const char *);

        if (has_policy(r->headers_out, policy)
            || has_policy(r->err_headers_out, policy)) {
            continue;
        }
        /* a header of its own, next to the app's: a second policy can
         * only restrict further. err_headers_out: it goes out on error
         * pages too, and "Header set" (mod_headers runs before this
         * filter) cannot take it away */
        apr_table_addn(r->err_headers_out, "Content-Security-Policy", policy);
    }
    ap_log_rerror(APLOG_MARK, APLOG_TRACE1, 0, r, CGLOGNO(150)
                  "ConsentCSPWithout: %d of %d policies for consent state %s",
                  add->nelts, dc->csp_rules->nelts, cg_state_name(state));
    return 1;
}

/* GET {endpoint}/consent-mode.js?TYPE=granted|denied&...: the consent
 * default for a page whose policies allow no inline script. The query is
 * the whole input (the page's injection wrote it for the visitor), so the
 * same query always gives the same script and caches may share it. */
int mod_cg_gcm_script(request_rec *r)
{
    const char *defaults, *js;

    if (r->method_number != M_GET) {
        ap_allow_methods(r, REPLACE_ALLOW, "GET", NULL);
        return HTTP_METHOD_NOT_ALLOWED;
    }
    if (!(defaults = cg_gcm_from_query(r->pool, r->args))) {
        return HTTP_NOT_FOUND;
    }
    js = cg_gcm_js(r->pool, defaults);
    mod_cg_forbid_cookies(r);
    apr_table_setn(r->headers_out, "Cache-Control", "public, max-age=86400");
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    ap_set_content_type(r, "text/javascript; charset=utf-8");
    ap_set_content_length(r, strlen(js));
    if (!r->header_only) {
        ap_rputs(js, r);
    }
    return OK;
}

/* A category no class of the scope names is one no banner asks about: its
 * policy always applies, its Consent Mode types are never granted. Legal,
 * and likely a typo: said once at start. */
int mod_cg_csp_check_config(apr_pool_t *pconf, apr_pool_t *plog,
                           apr_pool_t *ptemp, server_rec *s)
{
    (void)pconf;
    (void)plog;
    for (; s; s = s->next) {
        const mod_cg_dir_conf *dc = ap_get_module_config(s->lookup_defaults,
                                                         &consentgate_module);
        apr_array_header_t *cats = mod_cg_categories(ptemp, dc);
        int i;

        for (i = 0; i < dc->csp_rules->nelts; ++i) {
            const char *cat = APR_ARRAY_IDX(dc->csp_rules, i,
                                            cg_csp_rule_t).category;

            if (!cg_in_array(cat, cats)) {
                ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, CGLOGNO(152)
                             "ConsentCSPWithout %s: no ConsentCookieClass or "
                             "preset names this category, so no visitor can "
                             "grant it: the policy always applies", cat);
            }
        }
        for (i = 0; i < dc->gcm_map->nelts; ++i) {
            const char *cat = APR_ARRAY_IDX(dc->gcm_map, i,
                                            cg_gcm_map_t).category;

            if (!cg_in_array(cat, cats)) {
                ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, CGLOGNO(153)
                             "ConsentModeMap %s: no ConsentCookieClass or "
                             "preset names this category, so no visitor can "
                             "grant it", cat);
            }
        }
    }
    return OK;
}
