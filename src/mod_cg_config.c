/* mod_cg_config.c: configuration records, their merge, and the directives.
 * A bad value fails the configuration test with the directive's name;
 * httpd adds the file and line. */
#include <stdio.h>

#include <httpd.h>
#include <http_config.h>
#include <http_log.h>
#include <errno.h>

#include <apr_strings.h>
#include <apr_lib.h>
#include <apr_hash.h>

#include "mod_cg.h"

APLOG_USE_MODULE(consentgate);
#include "cg_cookie.h"

void *mod_cg_create_server_conf(apr_pool_t *p, server_rec *s)
{
    mod_cg_server_conf *sc = apr_pcalloc(p, sizeof(*sc));

    (void)s;
    sc->max_age = -1;
    sc->policy_revision = -1;
    sc->revoke_paths = apr_array_make(p, 2, sizeof(cg_regex_t *));
    sc->revoke_none = -1;
    sc->clear_site_data = -1;
    return sc;
}

#define MERGE_PTR(f)  add->f ? add->f : base->f
#define MERGE_INT(f)  (add->f != -1) ? add->f : base->f

void *mod_cg_merge_server_conf(apr_pool_t *p, void *basev, void *addv)
{
    mod_cg_server_conf *base = basev, *add = addv;
    mod_cg_server_conf *sc = apr_pcalloc(p, sizeof(*sc));

    sc->cookie_name = MERGE_PTR(cookie_name);
    sc->cookie_domain = MERGE_PTR(cookie_domain);
    sc->max_age = MERGE_INT(max_age);
    sc->policy_revision = MERGE_INT(policy_revision);
    sc->revoke_none = MERGE_INT(revoke_none);
    sc->endpoint = MERGE_PTR(endpoint);
    sc->receipts_path = MERGE_PTR(receipts_path);
    sc->receipts_dbd = add->receipts_path ? 0 : (add->receipts_dbd
                                                 || base->receipts_dbd);
    sc->clear_site_data = MERGE_INT(clear_site_data);
    sc->gpc_last_update = MERGE_PTR(gpc_last_update);
    sc->banner = MERGE_PTR(banner);
    /* a vhost that lists its own paths (or none) replaces the server's */
    sc->revoke_paths = (add->revoke_paths->nelts || add->revoke_none != -1)
        ? add->revoke_paths : base->revoke_paths;
    return sc;
}

void *mod_cg_create_dir_conf(apr_pool_t *p, char *dir)
{
    mod_cg_dir_conf *dc = apr_pcalloc(p, sizeof(*dc));

    (void)dir;
    dc->enabled = -1;
    dc->rules = apr_array_make(p, 4, sizeof(cg_rule_t));
    dc->preset_rules = apr_array_make(p, 4, sizeof(cg_rule_t));
    dc->preset_revoke = apr_array_make(p, 1, sizeof(cg_regex_t *));
    dc->unknown_allowed = -1;
    dc->signals = -1;
    dc->precedence = -1;
    dc->scrub = -1;
    dc->forward_gpc = -1;
    dc->banner_inject = -1;
    return dc;
}

/* Merges run per request: share an array when only one side has rules,
 * which is the usual case, instead of copying it. */
static apr_array_header_t *concat(apr_pool_t *p, apr_array_header_t *first,
                                  apr_array_header_t *second)
{
    if (!second->nelts) {
        return first;
    }
    if (!first->nelts) {
        return second;
    }
    return apr_array_append(p, first, second);
}

void *mod_cg_merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    mod_cg_dir_conf *base = basev, *add = addv;
    mod_cg_dir_conf *dc = apr_pcalloc(p, sizeof(*dc));

    dc->enabled = MERGE_INT(enabled);
    /* the innermost scope's rules are asked first, then the outer ones;
     * explicit classes before the presets' */
    dc->rules = concat(p, add->rules, base->rules);
    dc->preset_rules = concat(p, add->preset_rules, base->preset_rules);
    dc->preset_revoke = concat(p, add->preset_revoke, base->preset_revoke);
    dc->unknown_allowed = MERGE_INT(unknown_allowed);
    dc->signals = MERGE_INT(signals);
    dc->precedence = MERGE_INT(precedence);
    dc->scrub = MERGE_INT(scrub);
    dc->forward_gpc = MERGE_INT(forward_gpc);
    dc->banner_inject = MERGE_INT(banner_inject);
    return dc;
}

const char *mod_cg_endpoint(const mod_cg_server_conf *sc)
{
    return sc->endpoint ? sc->endpoint : MOD_CG_DEFAULT_ENDPOINT;
}

const char *mod_cg_cookie_name(const mod_cg_server_conf *sc)
{
    return sc->cookie_name ? sc->cookie_name : MOD_CG_DEFAULT_COOKIE;
}

int mod_cg_signals_honoured(const mod_cg_dir_conf *dc)
{
    return dc->signals != -1 ? dc->signals : MOD_CG_DEFAULT_SIGNALS;
}

apr_array_header_t *mod_cg_categories(apr_pool_t *p,
                                      const mod_cg_dir_conf *dc)
{
    apr_array_header_t *known = apr_array_make(p, 4, sizeof(char *));
    apr_hash_t *seen = apr_hash_make(p);
    const apr_array_header_t *lists[2];
    int i, j;

    lists[0] = dc->rules;
    lists[1] = dc->preset_rules;
    for (i = 0; i < 2; ++i) {
        const cg_rule_t *rule = (const cg_rule_t *)lists[i]->elts;
        for (j = 0; j < lists[i]->nelts; ++j) {
            const char *cat = rule[j].cls->category;
            if (cat && !apr_hash_get(seen, cat, APR_HASH_KEY_STRING)) {
                apr_hash_set(seen, cat, APR_HASH_KEY_STRING, cat);
                APR_ARRAY_PUSH(known, const char *) = cat;
            }
        }
    }
    return known;
}

static mod_cg_server_conf *server_conf(cmd_parms *cmd)
{
    return ap_get_module_config(cmd->server->module_config,
                                &consentgate_module);
}

/* Flags and one-word choices share one setter: the field's offset is the
 * directive's cmd_data, as ap_set_flag_slot does. */
static const char *set_flag(cmd_parms *cmd, void *dconf, int on)
{
    *(int *)((char *)dconf + (apr_size_t)cmd->info) = on ? 1 : 0;
    return NULL;
}

static const char *set_preset(cmd_parms *cmd, void *dconf, const char *name)
{
    mod_cg_dir_conf *dc = dconf;
    const char *const *revoke;

    if (!cg_preset_rules(cmd->pool, name, dc->preset_rules)) {
        return apr_psprintf(cmd->pool, "%s: unknown preset '%s' (known: %s)",
                            cmd->cmd->name, name, cg_preset_names());
    }
    for (revoke = cg_preset_revoke_paths(name); revoke && *revoke; ++revoke) {
        cg_regex_t *re;
        /* built-in patterns are known to compile */
        cg_regex_compile(cmd->pool, *revoke, &re);
        APR_ARRAY_PUSH(dc->preset_revoke, cg_regex_t *) = re;
    }
    return NULL;
}

static const char *set_cookie_class(cmd_parms *cmd, void *dconf,
                                    const char *cls_word, const char *pattern)
{
    mod_cg_dir_conf *dc = dconf;
    const cg_class_t *cls = cg_class_parse(cmd->pool, cls_word);
    const char *err;
    cg_rule_t rule;

    if (!cls) {
        return apr_psprintf(cmd->pool, "%s: invalid class '%s': use necessary, "
                            "drop or a category name ([a-z0-9_-], at most 32 "
                            "characters)", cmd->cmd->name, cls_word);
    }
    err = cg_rule_compile(cmd->pool, cls, pattern, &rule);
    if (err) {
        return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, err);
    }
    *(cg_rule_t *)apr_array_push(dc->rules) = rule;
    return NULL;
}

static const char *set_unknown(cmd_parms *cmd, void *dconf, const char *arg)
{
    mod_cg_dir_conf *dc = dconf;

    if (!strcasecmp(arg, "allow")) {
        dc->unknown_allowed = 1;
    }
    else if (!strcasecmp(arg, "strip")) {
        dc->unknown_allowed = 0;
    }
    else {
        return apr_psprintf(cmd->pool, "%s: '%s' is neither allow nor strip",
                            cmd->cmd->name, arg);
    }
    return NULL;
}

static const char *set_cookie_name(cmd_parms *cmd, void *dconf,
                                   const char *arg)
{
    (void)dconf;
    if (!cg_cookie_name_valid(arg)) {
        return apr_psprintf(cmd->pool, "%s: '%s' is not a valid cookie name",
                            cmd->cmd->name, arg);
    }
    server_conf(cmd)->cookie_name = arg;
    return NULL;
}

static const char *set_cookie_domain(cmd_parms *cmd, void *dconf,
                                     const char *arg)
{
    const char *c;

    (void)dconf;
    for (c = arg; *c; ++c) {
        if (!(apr_isalnum(*c) || *c == '.' || *c == '-')) {
            return apr_psprintf(cmd->pool, "%s: '%s' is not a domain name",
                                cmd->cmd->name, arg);
        }
    }
    if (!*arg) {
        return apr_psprintf(cmd->pool, "%s: empty domain", cmd->cmd->name);
    }
    server_conf(cmd)->cookie_domain = arg;
    return NULL;
}

static const char *parse_number(cmd_parms *cmd, const char *arg,
                                apr_int64_t min, apr_int64_t max,
                                apr_int64_t *out)
{
    char *end;
    apr_int64_t v;

    errno = 0;
    v = apr_strtoi64(arg, &end, 10);
    if (!*arg || *end || errno || v < min || v > max) {
        return apr_psprintf(cmd->pool, "%s: '%s' is not a number from %"
                            APR_INT64_T_FMT " to %" APR_INT64_T_FMT,
                            cmd->cmd->name, arg, min, max);
    }
    *out = v;
    return NULL;
}

static const char *set_max_age(cmd_parms *cmd, void *dconf, const char *arg)
{
    apr_int64_t v;
    const char *err = parse_number(cmd, arg, 1, APR_INT64_C(3153600000), &v);

    (void)dconf;
    if (!err) {
        server_conf(cmd)->max_age = v;
    }
    return err;
}

static const char *set_revision(cmd_parms *cmd, void *dconf, const char *arg)
{
    apr_int64_t v;
    const char *err = parse_number(cmd, arg, 0, 999999999, &v);

    (void)dconf;
    if (!err) {
        server_conf(cmd)->policy_revision = (int)v;
    }
    return err;
}

static const char *set_signals(cmd_parms *cmd, void *dconf, const char *arg)
{
    mod_cg_dir_conf *dc = dconf;

    /* a new ConsentSignals line replaces what an earlier one said */
    if (dc->signals_line != cmd->directive) {
        dc->signals_line = cmd->directive;
        dc->signals = 0;
        dc->signals_none = 0;
    }
    if (!strcasecmp(arg, "none")) {
        dc->signals_none = 1;
    }
    else if (!strcasecmp(arg, "gpc")) {
        dc->signals |= CG_SIGNAL_GPC;
    }
    else if (!strcasecmp(arg, "dnt")) {
        dc->signals |= CG_SIGNAL_DNT;
    }
    else {
        return apr_psprintf(cmd->pool, "%s: unknown signal '%s' (known: gpc, "
                            "dnt, none)", cmd->cmd->name, arg);
    }
    if (dc->signals_none && dc->signals) {
        return apr_psprintf(cmd->pool, "%s: 'none' stands alone",
                            cmd->cmd->name);
    }
    return NULL;
}

static const char *set_precedence(cmd_parms *cmd, void *dconf, const char *arg)
{
    mod_cg_dir_conf *dc = dconf;

    if (!strcasecmp(arg, "signal")) {
        dc->precedence = CG_PRECEDENCE_SIGNAL;
    }
    else if (!strcasecmp(arg, "consent")) {
        dc->precedence = CG_PRECEDENCE_CONSENT;
    }
    else {
        return apr_psprintf(cmd->pool, "%s: '%s' is neither signal nor consent",
                            cmd->cmd->name, arg);
    }
    return NULL;
}

static const char *set_revoke_path(cmd_parms *cmd, void *dconf,
                                   const char *arg)
{
    mod_cg_server_conf *sc = server_conf(cmd);
    cg_regex_t *re;
    const char *err;

    (void)dconf;
    if (!strcasecmp(arg, "none")) {
        if (sc->revoke_paths->nelts) {
            return apr_psprintf(cmd->pool, "%s: 'none' stands alone",
                                cmd->cmd->name);
        }
        sc->revoke_none = 1;
        return NULL;
    }
    if (sc->revoke_none == 1) {
        return apr_psprintf(cmd->pool, "%s: 'none' stands alone",
                            cmd->cmd->name);
    }
    err = cg_regex_compile(cmd->pool, arg, &re);
    if (err) {
        return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, err);
    }
    APR_ARRAY_PUSH(sc->revoke_paths, cg_regex_t *) = re;
    sc->revoke_none = 0;
    return NULL;
}

static const char *set_endpoint(cmd_parms *cmd, void *dconf, const char *arg)
{
    apr_size_t len = strlen(arg);

    (void)dconf;
    if (arg[0] != '/' || len < 2 || arg[len - 1] == '/' || strchr(arg, '?')) {
        return apr_psprintf(cmd->pool, "%s: '%s' must be a URL path such as "
                            "/consentgate (no trailing slash)", cmd->cmd->name,
                            arg);
    }
    server_conf(cmd)->endpoint = arg;
    return NULL;
}

static const char *set_clear_site_data(cmd_parms *cmd, void *dconf,
                                       const char *arg)
{
    mod_cg_server_conf *sc = server_conf(cmd);

    (void)dconf;
    if (!strcasecmp(arg, "off")) {
        sc->clear_site_data = MOD_CG_CSD_OFF;
    }
    else if (!strcasecmp(arg, "storage")) {
        sc->clear_site_data = MOD_CG_CSD_STORAGE;
    }
    else if (!strcasecmp(arg, "cookies")) {
        sc->clear_site_data = MOD_CG_CSD_COOKIES;
    }
    else {
        return apr_psprintf(cmd->pool, "%s: '%s' is not off, storage or "
                            "cookies", cmd->cmd->name, arg);
    }
    return NULL;
}

static const char *set_gpc_last_update(cmd_parms *cmd, void *dconf,
                                       const char *arg)
{
    int y, m, d;
    char tail;

    (void)dconf;
    if (sscanf(arg, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3
        || strlen(arg) != 10 || m < 1 || m > 12 || d < 1 || d > 31) {
        return apr_psprintf(cmd->pool, "%s: '%s' is not a date YYYY-MM-DD",
                            cmd->cmd->name, arg);
    }
    server_conf(cmd)->gpc_last_update = arg;
    return NULL;
}

#define DIR_CTX (RSRC_CONF | ACCESS_CONF)

const command_rec mod_cg_cmds[] = {
    AP_INIT_FLAG("ConsentGate", set_flag,
                 (void *)APR_OFFSETOF(mod_cg_dir_conf, enabled), DIR_CTX,
                 "On to gate cookies in this scope (default Off)"),
    AP_INIT_ITERATE("ConsentPreset", set_preset, NULL, DIR_CTX,
                    "built-in cookie classes: mautic, mattermost, matomo"),
    AP_INIT_ITERATE2("ConsentCookieClass", set_cookie_class, NULL, DIR_CTX,
                     "CLASS PATTERN...: necessary, drop or a category, then "
                     "PCRE2 patterns matched against the whole cookie name"),
    AP_INIT_TAKE1("ConsentUnknownCookies", set_unknown, NULL, DIR_CTX,
                  "allow|strip cookies in no class (default allow)"),
    AP_INIT_TAKE1("ConsentCookieName", set_cookie_name, NULL, RSRC_CONF,
                  "the consent cookie (default mautic_consent)"),
    AP_INIT_TAKE1("ConsentCookieDomain", set_cookie_domain, NULL, RSRC_CONF,
                  "Domain attribute of the consent cookie (default host-only)"),
    AP_INIT_TAKE1("ConsentMaxAge", set_max_age, NULL, RSRC_CONF,
                  "seconds a consent lasts (default 15552000)"),
    AP_INIT_TAKE1("ConsentPolicyRevision", set_revision, NULL, RSRC_CONF,
                  "consent under an older revision counts as none"),
    AP_INIT_ITERATE("ConsentSignals", set_signals, NULL, DIR_CTX,
                    "opt-out signals honoured: gpc dnt, or none"),
    AP_INIT_TAKE1("ConsentSignalPrecedence", set_precedence, NULL, DIR_CTX,
                  "signal|consent: which wins when both are present"),
    AP_INIT_FLAG("ConsentScrubRequest", set_flag,
                 (void *)APR_OFFSETOF(mod_cg_dir_conf, scrub), DIR_CTX,
                 "On to strip unconsented tracking cookies from requests"),
    AP_INIT_FLAG("ConsentForwardGPC", set_flag,
                 (void *)APR_OFFSETOF(mod_cg_dir_conf, forward_gpc), DIR_CTX,
                 "On to send Sec-GPC: 1 to the backend without consent"),
    AP_INIT_ITERATE("ConsentRevokePath", set_revoke_path, NULL, RSRC_CONF,
                    "original-URI patterns that mean revocation, or none"),
    AP_INIT_TAKE1("ConsentEndpoint", set_endpoint, NULL, RSRC_CONF,
                  "URL path of the consent endpoints (default /consentgate)"),
    AP_INIT_TAKE1("ConsentReceipts", mod_cg_set_receipts, NULL, RSRC_CONF,
                  "file:PATH (JSON lines) or dbd (mod_dbd): where consent "
                  "receipts go"),
    AP_INIT_TAKE1("ConsentClearSiteData", set_clear_site_data, NULL, RSRC_CONF,
                  "off|storage|cookies: what forget adds as Clear-Site-Data"),
    AP_INIT_TAKE1("ConsentUniqueCache", mod_cg_set_unique_cache, NULL,
                  RSRC_CONF, "PROVIDER[:ARGS]: mod_socache provider for daily "
                  "unique visitors (default shmcb)"),
    AP_INIT_TAKE1("ConsentGPCLastUpdate", set_gpc_last_update, NULL, RSRC_CONF,
                  "YYYY-MM-DD for gpc.json (default: the server's start)"),
    AP_INIT_TAKE1("ConsentBanner", mod_cg_set_banner, NULL, RSRC_CONF,
                  "FILE: the banner's JSON config (default: built-in, "
                  "English)"),
    AP_INIT_FLAG("ConsentBannerInject", set_flag,
                 (void *)APR_OFFSETOF(mod_cg_dir_conf, banner_inject), DIR_CTX,
                 "On to insert the banner's <script> into HTML pages"),
    { NULL }
};
