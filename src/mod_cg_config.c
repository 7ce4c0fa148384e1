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
#if APR_HAS_THREADS
#include <apr_thread_mutex.h>
#endif

#include "mod_cg.h"
#include "cg_policy.h"
#include "cg_mirror.h"
#include "cg_source.h"
#include "cg_csp.h"
#include "cg_gcm.h"

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
    sc->refuse_plain = -1;
    sc->status = mod_cg_status_conf_create(p);
    sc->receipt_retention = -1;
    sc->receipt_rate = -1;
    sc->receipt_max_size = -1;
    sc->consent_same_site = -1;
    sc->mirror_maps = apr_array_make(p, 1, sizeof(cg_source_map_t));
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
    sc->secret_keys = MERGE_PTR(secret_keys);
    sc->refuse_plain = MERGE_INT(refuse_plain);
    sc->banner = MERGE_PTR(banner);
    sc->status = mod_cg_status_conf_merge(p, base->status, add->status);
    sc->receipt_retention = MERGE_INT(receipt_retention);
    sc->receipt_rate = MERGE_INT(receipt_rate);
    sc->receipt_max_size = MERGE_INT(receipt_max_size);
    sc->consent_same_site = MERGE_INT(consent_same_site);
    sc->notice_dir = MERGE_PTR(notice_dir);
    /* the server's sections apply to the vhost's pages too */
    sc->mirror_maps = apr_array_append(p, base->mirror_maps,
                                       add->mirror_maps);
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
    dc->preset_hold = apr_array_make(p, 1, sizeof(cg_regex_t *));
    dc->revoke_on_post = -1;
    dc->scrub_params = apr_array_make(p, 1, sizeof(const char *));
    dc->scrub_body_limit = -1;
    dc->upstream_keep = -1;
    dc->blocked_tracking = -1;
    dc->sources = apr_array_make(p, 1, sizeof(const cg_source_t *));
    dc->source_maps = apr_array_make(p, 1, sizeof(cg_source_map_t));
    dc->preset_source_maps = apr_array_make(p, 1, sizeof(cg_source_map_t));
    dc->unknown_allowed = -1;
    dc->signals = -1;
    dc->precedence = -1;
    dc->scrub = -1;
    dc->forward_gpc = -1;
    dc->forward_gpc_skip = apr_array_make(p, 1, sizeof(cg_regex_t *));
    dc->banner_inject = -1;
    dc->csp_rules = apr_array_make(p, 1, sizeof(cg_csp_rule_t));
    dc->gcm = -1;
    dc->gcm_map = apr_array_make(p, 1, sizeof(cg_gcm_map_t));
    return dc;
}

/* A section that sets none of our directives changes nothing. */
static int dir_conf_is_empty(const mod_cg_dir_conf *dc)
{
    return dc->enabled == -1 && !dc->rules->nelts && !dc->preset_rules->nelts
        && !dc->preset_revoke->nelts && !dc->preset_hold->nelts
        && dc->revoke_on_post == -1 && !dc->scrub_params->nelts
        && dc->scrub_body_limit == -1 && dc->upstream_keep == -1
        && dc->blocked_tracking == -1 && !dc->sources->nelts
        && !dc->source_maps->nelts && !dc->preset_source_maps->nelts
        && dc->unknown_allowed == -1
        && dc->signals == -1 && dc->precedence == -1 && dc->scrub == -1
        && dc->forward_gpc == -1 && !dc->forward_gpc_skip->nelts
        && dc->banner_inject == -1 && !dc->csp_rules->nelts
        && dc->gcm == -1 && !dc->gcm_map->nelts && !dc->mask;
}

/* Merges run per request for every <Directory> and <Location> that
 * applies; the policy a merged configuration leads to is built once and
 * reused. So a merge returns the same object for the same two inputs: a
 * section with nothing of ours gives back the other side, and any other
 * pair is looked up in a table of this configuration's merges (inputs are
 * configuration objects or earlier results from the table, so the keys
 * are stable). Past MERGE_CACHE_MAX entries (a configuration with very
 * many sections), results are made per request: correct, only slower. */
#define MERGE_CACHE_MAX 4096

static struct {
    apr_pool_t *pool;               /* this configuration's cached objects */
    apr_hash_t *merged;             /* (base, add) -> mod_cg_dir_conf */
#if APR_HAS_THREADS
    apr_thread_mutex_t *lock;       /* NULL while reading the configuration */
#endif
} shared;

static apr_status_t shared_reset(void *data)
{
    (void)data;
    memset(&shared, 0, sizeof(shared));
    return APR_SUCCESS;
}

int mod_cg_config_pre_config(apr_pool_t *pconf, apr_pool_t *plog,
                             apr_pool_t *ptemp)
{
    (void)plog;
    (void)ptemp;
    memset(&shared, 0, sizeof(shared));
    if (apr_pool_create(&shared.pool, pconf) != APR_SUCCESS) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_pool_tag(shared.pool, "consentgate-policies");
    shared.merged = apr_hash_make(shared.pool);
    apr_pool_cleanup_register(pconf, NULL, shared_reset,
                              apr_pool_cleanup_null);
    return OK;
}

static void shared_lock(void)
{
#if APR_HAS_THREADS
    if (shared.lock) {
        apr_thread_mutex_lock(shared.lock);
    }
#endif
}

static void shared_unlock(void)
{
#if APR_HAS_THREADS
    if (shared.lock) {
        apr_thread_mutex_unlock(shared.lock);
    }
#endif
}

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

static void merge_dir_into(apr_pool_t *p, mod_cg_dir_conf *dc,
                           const mod_cg_dir_conf *base,
                           const mod_cg_dir_conf *add)
{
    dc->enabled = MERGE_INT(enabled);
    /* the innermost scope's rules are asked first, then the outer ones;
     * explicit classes before the presets' */
    dc->rules = concat(p, add->rules, base->rules);
    dc->preset_rules = concat(p, add->preset_rules, base->preset_rules);
    dc->preset_revoke = concat(p, add->preset_revoke, base->preset_revoke);
    dc->preset_hold = concat(p, add->preset_hold, base->preset_hold);
    dc->revoke_on_post = MERGE_INT(revoke_on_post);
    dc->scrub_params = concat(p, add->scrub_params, base->scrub_params);
    dc->scrub_body_limit = MERGE_INT(scrub_body_limit);
    dc->upstream_keep = MERGE_INT(upstream_keep);
    dc->blocked_tracking = MERGE_INT(blocked_tracking);
    /* a scope that names its sources replaces the outer list */
    dc->sources = add->sources->nelts ? add->sources : base->sources;
    dc->source_maps = concat(p, add->source_maps, base->source_maps);
    dc->preset_source_maps = concat(p, add->preset_source_maps,
                                    base->preset_source_maps);
    dc->unknown_allowed = MERGE_INT(unknown_allowed);
    dc->signals = MERGE_INT(signals);
    dc->precedence = MERGE_INT(precedence);
    dc->scrub = MERGE_INT(scrub);
    dc->forward_gpc = MERGE_INT(forward_gpc);
    dc->forward_gpc_skip = concat(p, add->forward_gpc_skip,
                                  base->forward_gpc_skip);
    dc->banner_inject = MERGE_INT(banner_inject);
    /* outer policies first: each scope adds its own */
    dc->csp_rules = concat(p, base->csp_rules, add->csp_rules);
    dc->gcm = MERGE_INT(gcm);
    /* a scope that maps categories replaces the outer map */
    dc->gcm_map = add->gcm_map->nelts ? add->gcm_map : base->gcm_map;
    /* a scope's line is whole: its widths and condition go with it */
    dc->mask = MERGE_PTR(mask);
}

void *mod_cg_merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    mod_cg_dir_conf *base = basev, *add = addv;
    const void *key[2];
    mod_cg_dir_conf *dc;

    if (dir_conf_is_empty(add)) {
        return base;
    }
    if (dir_conf_is_empty(base)) {
        return add;
    }
    key[0] = base;
    key[1] = add;
    shared_lock();
    dc = shared.merged ? apr_hash_get(shared.merged, key, sizeof(key)) : NULL;
    if (!dc && shared.merged && apr_hash_count(shared.merged) < MERGE_CACHE_MAX
        && !base->transient) {
        void *stored_key = apr_pmemdup(shared.pool, key, sizeof(key));

        dc = apr_pcalloc(shared.pool, sizeof(*dc));
        merge_dir_into(shared.pool, dc, base, add);
        apr_hash_set(shared.merged, stored_key, sizeof(key), dc);
    }
    shared_unlock();
    if (!dc) {
        dc = apr_pcalloc(p, sizeof(*dc));
        merge_dir_into(p, dc, base, add);
        dc->transient = 1;
    }
    return dc;
}

/* Every default, in one place: what a field that no directive set means.
 * Nothing outside this file applies a default. */
static const mod_cg_dir_conf dir_defaults = {
    .enabled = 0,                   /* ConsentGate Off */
    .revoke_on_post = 0,            /* ConsentRevokeMethod any */
    .scrub_body_limit = 65536,      /* bodies read to scrub, at most */
    .upstream_keep = 0,             /* a client's Consent-State is removed */
    .blocked_tracking = 0,          /* ConsentMauticBlockedTracking Off */
    .unknown_allowed = 1,           /* ConsentUnknownCookies allow */
    .signals = MOD_CG_DEFAULT_SIGNALS,  /* gpc dnt */
    .precedence = CG_PRECEDENCE_SIGNAL, /* a signal beats a consent */
    .scrub = 1,                     /* ConsentScrubRequest On */
    .forward_gpc = 0,               /* ConsentForwardGPC Off */
    .banner_inject = 0,             /* ConsentBannerInject Off */
    .gcm = 0,                       /* ConsentGoogleConsentMode Off */
};

static const mod_cg_server_conf server_defaults = {
    .cookie_name = MOD_CG_DEFAULT_COOKIE,
    .max_age = MOD_CG_DEFAULT_MAX_AGE,
    .policy_revision = 0,
    .revoke_none = 0,               /* the presets' revocation paths apply */
    .endpoint = MOD_CG_DEFAULT_ENDPOINT,
    .clear_site_data = MOD_CG_CSD_OFF,
    .refuse_plain = 0,              /* "1", "no", ... keep their meaning */
};

#define DIR_VAL(dc, f)    ((dc)->f != -1 ? (dc)->f : dir_defaults.f)
#define SERVER_VAL(sc, f) ((sc)->f != -1 ? (sc)->f : server_defaults.f)
#define SERVER_PTR(sc, f) ((sc)->f ? (sc)->f : server_defaults.f)

int mod_cg_gate_on(const mod_cg_dir_conf *dc)
{
    return DIR_VAL(dc, enabled) == 1;
}

int mod_cg_scrub_on(const mod_cg_dir_conf *dc)
{
    return DIR_VAL(dc, scrub) == 1;
}

int mod_cg_forward_gpc(const mod_cg_dir_conf *dc)
{
    return DIR_VAL(dc, forward_gpc) == 1;
}

apr_off_t mod_cg_scrub_body_limit(const mod_cg_dir_conf *dc)
{
    return (apr_off_t)DIR_VAL(dc, scrub_body_limit);
}

int mod_cg_blocked_tracking(const mod_cg_dir_conf *dc)
{
    return DIR_VAL(dc, blocked_tracking) == 1;
}

const struct cg_mask_t *mod_cg_mask(const mod_cg_dir_conf *dc)
{
    return dc->mask;                /* NULL: ConsentMaskAddress off */
}

int mod_cg_upstream_keep(const mod_cg_dir_conf *dc)
{
    return DIR_VAL(dc, upstream_keep) == 1;
}

int mod_cg_inject_on(const mod_cg_dir_conf *dc)
{
    return mod_cg_gate_on(dc) && DIR_VAL(dc, banner_inject) == 1;
}

int mod_cg_gcm_on(const mod_cg_dir_conf *dc)
{
    return mod_cg_gate_on(dc) && DIR_VAL(dc, gcm) == 1;
}

int mod_cg_signals_honoured(const mod_cg_dir_conf *dc)
{
    return DIR_VAL(dc, signals);
}

cg_precedence_e mod_cg_precedence(const mod_cg_dir_conf *dc)
{
    return (cg_precedence_e)DIR_VAL(dc, precedence);
}

const char *mod_cg_cookie_name(const mod_cg_server_conf *sc)
{
    return SERVER_PTR(sc, cookie_name);
}

apr_int64_t mod_cg_max_age(const mod_cg_server_conf *sc)
{
    return SERVER_VAL(sc, max_age);
}

int mod_cg_policy_revision(const mod_cg_server_conf *sc)
{
    return SERVER_VAL(sc, policy_revision);
}

const char *mod_cg_endpoint(const mod_cg_server_conf *sc)
{
    return SERVER_PTR(sc, endpoint);
}

int mod_cg_clear_site_data(const mod_cg_server_conf *sc)
{
    return SERVER_VAL(sc, clear_site_data);
}

/* ConsentSourceMap lines, then the presets' for every source that has no
 * line of its own: an administrator's map replaces the defaults. */
static apr_array_header_t *source_maps(apr_pool_t *p,
                                       const mod_cg_dir_conf *dc)
{
    apr_array_header_t *maps = apr_array_copy(p, dc->source_maps);
    const cg_source_map_t *own = (const cg_source_map_t *)dc->source_maps->elts;
    const cg_source_map_t *def = (const cg_source_map_t *)
                                 dc->preset_source_maps->elts;
    int i, j;

    for (i = 0; i < dc->preset_source_maps->nelts; ++i) {
        for (j = 0; j < dc->source_maps->nelts; ++j) {
            if (own[j].source == def[i].source) {
                break;
            }
        }
        if (j == dc->source_maps->nelts) {
            *(cg_source_map_t *)apr_array_push(maps) = def[i];
        }
    }
    return maps;
}

static cg_policy_t *policy_make(apr_pool_t *p, const mod_cg_dir_conf *dc,
                                const mod_cg_server_conf *sc)
{
    cg_policy_spec_t spec;

    spec.cookie_name = mod_cg_cookie_name(sc);
    spec.rules = dc->rules;
    spec.preset_rules = dc->preset_rules;
    spec.revoke = sc->revoke_paths;
    if (SERVER_VAL(sc, revoke_none) == 1) {
        spec.preset_revoke = spec.preset_hold = NULL;
    }
    else {
        spec.preset_revoke = dc->preset_revoke;
        spec.preset_hold = dc->preset_hold;
    }
    spec.revoke_on_post = DIR_VAL(dc, revoke_on_post) == 1;
    spec.scrub_params = dc->scrub_params;
    spec.forward_gpc_skip = dc->forward_gpc_skip;
    spec.unknown_allowed = DIR_VAL(dc, unknown_allowed) == 1;
    spec.signals_honoured = mod_cg_signals_honoured(dc);
    spec.precedence = mod_cg_precedence(dc);
    spec.max_age = mod_cg_max_age(sc);
    spec.policy_revision = mod_cg_policy_revision(sc);
    spec.keys = sc->secret_keys
        ? (const cg_consent_key_t *)sc->secret_keys->elts : NULL;
    spec.nkeys = sc->secret_keys ? sc->secret_keys->nelts : 0;
    spec.site = sc->site;
    spec.refuse_plain = SERVER_VAL(sc, refuse_plain) == 1;
    spec.sources = dc->sources;
    spec.source_maps = source_maps(p, dc);
    return cg_policy_make(p, &spec);
}

/* A policy built for the table of merged configurations outlives every
 * request; one merged for a single request is built in its pool. */
static int policy_lasts(const mod_cg_dir_conf *dc)
{
    return !dc->transient && shared.pool;
}

/* A policy depends on the directory configuration and on the server's
 * (the consent cookie, revocation paths): one dir config may serve several
 * virtual hosts, so each keeps a short list, published lock-free. */
const cg_policy_t *mod_cg_policy_of(apr_pool_t *p, const mod_cg_dir_conf *dc,
                                    const mod_cg_server_conf *sc)
{
    mod_cg_policy_entry *e;
    mod_cg_dir_conf *mdc = (mod_cg_dir_conf *)dc;

    if (!policy_lasts(dc)) {
        return policy_make(p, dc, sc);
    }
    for (e = __atomic_load_n(&mdc->policies, __ATOMIC_ACQUIRE); e;
         e = e->next) {
        if (e->server == sc) {
            return e->policy;
        }
    }
    shared_lock();
    for (e = mdc->policies; e && e->server != sc; e = e->next) {
    }
    if (!e) {
        e = apr_palloc(shared.pool, sizeof(*e));
        e->server = sc;
        e->policy = policy_make(shared.pool, dc, sc);
        e->next = mdc->policies;
        __atomic_store_n(&mdc->policies, e, __ATOMIC_RELEASE);
    }
    shared_unlock();
    return e->policy;
}

apr_array_header_t *mod_cg_categories(apr_pool_t *p,
                                      const mod_cg_dir_conf *dc)
{
    return cg_rules_categories(p, dc->rules, dc->preset_rules);
}

const cg_policy_t *mod_cg_policy(request_rec *r)
{
    return mod_cg_policy_of(r->pool,
                            ap_get_module_config(r->per_dir_config,
                                                 &consentgate_module),
                            ap_get_module_config(r->server->module_config,
                                                 &consentgate_module));
}

int mod_cg_policy_lasting(request_rec *r)
{
    return policy_lasts(ap_get_module_config(r->per_dir_config,
                                             &consentgate_module));
}

/* The lock for what requests add to the shared tables, and each server's
 * policy made now, so the first requests find it ready. */
int mod_cg_config_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                              apr_pool_t *ptemp, server_rec *s)
{
    (void)plog;
    (void)ptemp;
#if APR_HAS_THREADS
    if (apr_thread_mutex_create(&shared.lock, APR_THREAD_MUTEX_DEFAULT,
                                pconf) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, CGLOGNO(011)
                     "cannot create the policy table's lock");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
#endif
    for (; s; s = s->next) {
        const mod_cg_dir_conf *dc = ap_get_module_config(s->lookup_defaults,
                                                         &consentgate_module);
        mod_cg_server_conf *sc = ap_get_module_config(s->module_config,
                                                      &consentgate_module);
        const cg_policy_t *pol;

        /* a signed consent names the site it was given on */
        sc->site = s->server_hostname;
        pol = mod_cg_policy_of(pconf, dc, sc);

        if (mod_cg_gate_on(dc) && cg_policy_is_empty(pol)) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, CGLOGNO(012)
                         "ConsentGate On with no ConsentPreset and no "
                         "ConsentCookieClass in %s: no cookie is gated "
                         "(only ConsentUnknownCookies applies)",
                         s->server_hostname ? s->server_hostname
                                            : "the main server");
        }
    }
    return OK;
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

/* Keeps the lines of `maps` from `from` on that name a mirror source in
 * the server's list: banner.js mirrors only the ids some line names. */
static void note_mirror_maps(cmd_parms *cmd, const apr_array_header_t *maps,
                             int from)
{
    mod_cg_server_conf *sc = ap_get_module_config(cmd->server->module_config,
                                                  &consentgate_module);
    int i;

    for (i = from; i < maps->nelts; ++i) {
        const cg_source_map_t *m = &APR_ARRAY_IDX(maps, i, cg_source_map_t);

        if (cg_mirror_cookie(m->source->name)) {
            APR_ARRAY_PUSH(sc->mirror_maps, cg_source_map_t) = *m;
        }
    }
}

static const char *set_preset(cmd_parms *cmd, void *dconf, const char *name)
{
    mod_cg_dir_conf *dc = dconf;
    const char *const *revoke;
    int i;

    if (!cg_preset_rules(cmd->pool, name, dc->preset_rules)) {
        return apr_psprintf(cmd->pool, "%s: unknown preset '%s' (known: %s)",
                            cmd->cmd->name, name, cg_preset_names());
    }
    /* built-in patterns are known to compile */
    for (revoke = cg_preset_revoke_paths(name); revoke && *revoke; ++revoke) {
        cg_regex_compile(cmd->pool, *revoke, apr_array_push(dc->preset_revoke));
    }
    for (revoke = cg_preset_hold_paths(name); revoke && *revoke; ++revoke) {
        cg_regex_compile(cmd->pool, *revoke, apr_array_push(dc->preset_hold));
    }
    for (revoke = cg_preset_scrub_params(name); revoke && *revoke; ++revoke) {
        APR_ARRAY_PUSH(dc->scrub_params, const char *) = *revoke;
    }
    i = dc->preset_source_maps->nelts;
    cg_preset_source_maps(cmd->pool, name, dc->preset_source_maps);
    note_mirror_maps(cmd, dc->preset_source_maps, i);
    mod_cg_status_preset(cmd, name);
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

/* A word from a small table: one helper gives every enum-like directive
 * the same error text, listing what it accepts. */
typedef struct word_choice {
    const char *word;
    int value;
} word_choice;

static const char *parse_word(cmd_parms *cmd, const word_choice *choices,
                              const char *arg, int *out)
{
    const word_choice *c;
    const char *known = NULL;

    for (c = choices; c->word; ++c) {
        if (!strcasecmp(arg, c->word)) {
            *out = c->value;
            return NULL;
        }
        known = known ? apr_pstrcat(cmd->temp_pool, known, ", ", c->word, NULL)
                      : c->word;
    }
    return apr_psprintf(cmd->pool, "%s: '%s' is not one of: %s",
                        cmd->cmd->name, arg, known);
}

static const word_choice unknown_words[] = {
    { "allow", 1 }, { "strip", 0 }, { NULL, 0 }
};
static const word_choice precedence_words[] = {
    { "signal", CG_PRECEDENCE_SIGNAL }, { "consent", CG_PRECEDENCE_CONSENT },
    { NULL, 0 }
};
static const word_choice upstream_words[] = {
    { "remove", 0 }, { "keep", 1 }, { NULL, 0 }
};
static const word_choice revoke_method_words[] = {
    { "any", 0 }, { "post", 1 }, { NULL, 0 }
};
static const word_choice csd_words[] = {
    { "off", MOD_CG_CSD_OFF }, { "storage", MOD_CG_CSD_STORAGE },
    { "cookies", MOD_CG_CSD_COOKIES }, { NULL, 0 }
};
static const word_choice plain_words[] = {
    { "accept", 0 }, { "refuse", 1 }, { NULL, 0 }
};

/* A word directive's table and the int field it sets: its cmd_data. */
typedef struct word_slot {
    const word_choice *words;
    apr_size_t offset;
} word_slot;

#define DIR_WORD(words, field) \
    (&(const word_slot){ words, APR_OFFSETOF(mod_cg_dir_conf, field) })
#define SERVER_WORD(words, field) \
    (&(const word_slot){ words, APR_OFFSETOF(mod_cg_server_conf, field) })

static const char *set_dir_word(cmd_parms *cmd, void *dconf, const char *arg)
{
    const word_slot *slot = cmd->info;

    return parse_word(cmd, slot->words, arg,
                      (int *)((char *)dconf + slot->offset));
}

static const char *set_server_word(cmd_parms *cmd, void *dconf,
                                   const char *arg)
{
    const word_slot *slot = cmd->info;

    (void)dconf;
    return parse_word(cmd, slot->words, arg,
                      (int *)((char *)server_conf(cmd) + slot->offset));
}

static const char *parse_number(cmd_parms *cmd, const char *arg,
                                apr_int64_t min, apr_int64_t max,
                                apr_int64_t *out);

static const char *source_names(cmd_parms *cmd)
{
    const cg_source_t *src;
    const char *names = "own";

    for (src = cg_sources; src->name; ++src) {
        names = apr_pstrcat(cmd->temp_pool, names, ", ", src->name, NULL);
    }
    return names;
}

/* The whole line: own and the sources, in order of precedence. */
static const char *set_sources(cmd_parms *cmd, void *dconf, int argc,
                               char *const argv[])
{
    mod_cg_dir_conf *dc = dconf;
    int i, j;

    if (argc < 1) {
        return apr_psprintf(cmd->pool, "%s: name at least one source (%s)",
                            cmd->cmd->name, source_names(cmd));
    }
    dc->sources = apr_array_make(cmd->pool, argc, sizeof(const cg_source_t *));
    for (i = 0; i < argc; ++i) {
        const cg_source_t *src = strcmp(argv[i], "own")
                                 ? cg_source_find(argv[i]) : NULL;

        if (strcmp(argv[i], "own") && !src) {
            return apr_psprintf(cmd->pool, "%s: unknown source '%s' (known: "
                                "%s)", cmd->cmd->name, argv[i],
                                source_names(cmd));
        }
        for (j = 0; j < i; ++j) {
            if (!strcmp(argv[j], argv[i])) {
                return apr_psprintf(cmd->pool, "%s: '%s' is named twice",
                                    cmd->cmd->name, argv[i]);
            }
        }
        APR_ARRAY_PUSH(dc->sources, const cg_source_t *) = src;
    }
    return NULL;
}

/* SOURCE THEIRS OURS...: the source's category (or a conjunction such as
 * purpose:1+vendor:755) grants each of our categories. */
static const char *set_source_map(cmd_parms *cmd, void *dconf, int argc,
                                  char *const argv[])
{
    mod_cg_dir_conf *dc = dconf;
    const cg_source_t *src;
    int i, first;

    if (argc < 3) {
        return apr_psprintf(cmd->pool, "%s: SOURCE THEIR-CATEGORY "
                            "OUR-CATEGORY...", cmd->cmd->name);
    }
    if (!(src = cg_source_find(argv[0]))) {
        return apr_psprintf(cmd->pool, "%s: unknown source '%s' (known: %s)",
                            cmd->cmd->name, argv[0], source_names(cmd));
    }
    if (!*argv[1] || strlen(argv[1]) > CG_SOURCE_MAX_NAME) {
        return apr_psprintf(cmd->pool, "%s: '%s' is not a category of %s",
                            cmd->cmd->name, argv[1], argv[0]);
    }
    first = dc->source_maps->nelts;
    for (i = 2; i < argc; ++i) {
        cg_source_map_t *m;

        if (!cg_category_valid(argv[i], strlen(argv[i]))) {
            return apr_psprintf(cmd->pool, "%s: invalid category '%s' "
                                "([a-z0-9_-], at most 32 characters)",
                                cmd->cmd->name, argv[i]);
        }
        m = apr_array_push(dc->source_maps);
        m->source = src;
        m->theirs = argv[1];
        m->ours = argv[i];
    }
    note_mirror_maps(cmd, dc->source_maps, first);
    return NULL;
}

static const char *set_forward_gpc_skip(cmd_parms *cmd, void *dconf,
                                        const char *arg)
{
    mod_cg_dir_conf *dc = dconf;
    const char *err;

    if (!strcasecmp(arg, "mautic-email")) {
        const char *const *route;

        /* built-in patterns are known to compile */
        for (route = cg_mautic_email_routes(); *route; ++route) {
            cg_regex_compile(cmd->pool, *route,
                             apr_array_push(dc->forward_gpc_skip));
        }
        return NULL;
    }
    err = cg_regex_compile(cmd->pool, arg,
                           apr_array_push(dc->forward_gpc_skip));
    return err ? apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, err) : NULL;
}

static const char *set_scrub_param(cmd_parms *cmd, void *dconf,
                                   const char *arg)
{
    mod_cg_dir_conf *dc = dconf;
    const char *c;

    for (c = arg; *c; ++c) {
        if (*c == '&' || *c == '=' || *c == '[' || apr_iscntrl(*c)) {
            break;
        }
    }
    if (!*arg || *c) {
        return apr_psprintf(cmd->pool, "%s: '%s' is not a parameter name",
                            cmd->cmd->name, arg);
    }
    APR_ARRAY_PUSH(dc->scrub_params, const char *) = arg;
    return NULL;
}

static const char *set_scrub_body_limit(cmd_parms *cmd, void *dconf,
                                        const char *arg)
{
    apr_int64_t v;
    const char *err = parse_number(cmd, arg, 0, APR_INT64_C(16777216), &v);

    if (!err) {
        ((mod_cg_dir_conf *)dconf)->scrub_body_limit = v;
    }
    return err;
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

/* The whole line at once: "gpc dnt", "gpc", "dnt" or "none" alone. */
static const char *set_signals(cmd_parms *cmd, void *dconf, int argc,
                               char *const argv[])
{
    static const word_choice signal_words[] = {
        { "gpc", CG_SIGNAL_GPC }, { "dnt", CG_SIGNAL_DNT }, { "none", 0 },
        { NULL, 0 }
    };
    mod_cg_dir_conf *dc = dconf;
    int i, signals = 0, none = 0;

    if (argc < 1) {
        return apr_psprintf(cmd->pool, "%s: name gpc, dnt or none",
                            cmd->cmd->name);
    }
    for (i = 0; i < argc; ++i) {
        int bit;
        const char *err = parse_word(cmd, signal_words, argv[i], &bit);

        if (err) {
            return err;
        }
        none |= !bit;
        signals |= bit;
    }
    if (none && (signals || argc > 1)) {
        return apr_psprintf(cmd->pool, "%s: 'none' stands alone",
                            cmd->cmd->name);
    }
    dc->signals = signals;
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

/* One key a line (at least 32 characters; '#' starts a comment); the
 * first signs, every one verifies, so keys can be rotated. */
static const char *set_secret(cmd_parms *cmd, void *dconf, const char *arg)
{
    const char *path = ap_server_root_relative(cmd->temp_pool, arg);
    apr_array_header_t *keys;
    apr_file_t *f;
    apr_finfo_t fi;
    apr_status_t rv;
    char *text, *line, *state;
    apr_size_t len;
    int n = 0;

    (void)dconf;
    if (!path
        || (rv = apr_file_open(&f, path, APR_FOPEN_READ, 0, cmd->temp_pool))
           != APR_SUCCESS
        || (rv = apr_file_info_get(&fi, APR_FINFO_SIZE, f)) != APR_SUCCESS) {
        return apr_psprintf(cmd->pool, "%s: cannot read '%s'", cmd->cmd->name,
                            arg);
    }
    if (fi.size > 65536) {
        apr_file_close(f);
        return apr_psprintf(cmd->pool, "%s: '%s' is too large for a key file",
                            cmd->cmd->name, arg);
    }
    len = (apr_size_t)fi.size;
    text = apr_palloc(cmd->temp_pool, len + 1);
    rv = apr_file_read_full(f, text, len, &len);
    apr_file_close(f);
    if (rv != APR_SUCCESS && rv != APR_EOF) {
        return apr_psprintf(cmd->pool, "%s: cannot read '%s'", cmd->cmd->name,
                            arg);
    }
    text[len] = '\0';
    keys = apr_array_make(cmd->pool, 2, sizeof(cg_consent_key_t));
    for (line = apr_strtok(text, "\r\n", &state); line;
         line = apr_strtok(NULL, "\r\n", &state)) {
        cg_consent_key_t *key;
        char *end = line + strlen(line);

        ++n;
        while (*line == ' ' || *line == '\t') {
            ++line;
        }
        while (end > line && (end[-1] == ' ' || end[-1] == '\t')) {
            *--end = '\0';
        }
        if (!*line || *line == '#') {
            continue;
        }
        if (end - line < 32) {
            return apr_psprintf(cmd->pool, "%s: key %d of '%s' is shorter "
                                "than 32 characters", cmd->cmd->name, n, arg);
        }
        key = apr_array_push(keys);
        key->bytes = (const unsigned char *)apr_pstrdup(cmd->pool, line);
        key->len = end - line;
    }
    if (!keys->nelts) {
        return apr_psprintf(cmd->pool, "%s: '%s' holds no key", cmd->cmd->name,
                            arg);
    }
    server_conf(cmd)->secret_keys = keys;
    return NULL;
}

static const char *set_notice_dir(cmd_parms *cmd, void *dconf,
                                  const char *arg)
{
    (void)dconf;
    if (!ap_server_root_relative(cmd->pool, arg)) {
        return apr_psprintf(cmd->pool, "%s: invalid path '%s'",
                            cmd->cmd->name, arg);
    }
    server_conf(cmd)->notice_dir = arg;
    return NULL;
}

static const char *set_server_flag_same_site(cmd_parms *cmd, void *dconf,
                                             int on)
{
    (void)dconf;
    server_conf(cmd)->consent_same_site = on;
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
    AP_INIT_TAKE1("ConsentUnknownCookies", set_dir_word,
                  (void *)DIR_WORD(unknown_words, unknown_allowed), DIR_CTX,
                  "allow|strip cookies in no class (default allow)"),
    AP_INIT_TAKE1("ConsentCookieName", set_cookie_name, NULL, RSRC_CONF,
                  "the consent cookie (default mautic_consent)"),
    AP_INIT_TAKE1("ConsentCookieDomain", set_cookie_domain, NULL, RSRC_CONF,
                  "Domain attribute of the consent cookie (default host-only)"),
    AP_INIT_TAKE1("ConsentMaxAge", set_max_age, NULL, RSRC_CONF,
                  "seconds a consent lasts (default 15552000)"),
    AP_INIT_TAKE1("ConsentPolicyRevision", set_revision, NULL, RSRC_CONF,
                  "consent under an older revision counts as none"),
    AP_INIT_TAKE_ARGV("ConsentSignals", set_signals, NULL, DIR_CTX,
                    "opt-out signals honoured: gpc dnt, or none"),
    AP_INIT_TAKE1("ConsentSignalPrecedence", set_dir_word,
                  (void *)DIR_WORD(precedence_words, precedence), DIR_CTX,
                  "signal|consent: which wins when both are present"),
    AP_INIT_FLAG("ConsentScrubRequest", set_flag,
                 (void *)APR_OFFSETOF(mod_cg_dir_conf, scrub), DIR_CTX,
                 "On to strip unconsented tracking cookies from requests"),
    AP_INIT_FLAG("ConsentForwardGPC", set_flag,
                 (void *)APR_OFFSETOF(mod_cg_dir_conf, forward_gpc), DIR_CTX,
                 "On to send Sec-GPC: 1 to the backend without consent"),
    AP_INIT_ITERATE("ConsentRevokePath", set_revoke_path, NULL, RSRC_CONF,
                    "original-URI patterns that mean revocation, or none"),
    AP_INIT_TAKE_ARGV("ConsentSource", set_sources, NULL, DIR_CTX,
                      "own and other banners' cookies (cookiebot, onetrust, "
                      "tcf, ...): where the visitor's consent is read, in "
                      "order of precedence (default own)"),
    AP_INIT_TAKE_ARGV("ConsentSourceMap", set_source_map, NULL, DIR_CTX,
                      "SOURCE THEIR-CATEGORY OUR-CATEGORY...: which of a "
                      "source's categories grants which of ours"),
    AP_INIT_ITERATE("ConsentForwardGPCSkip", set_forward_gpc_skip, NULL,
                    DIR_CTX, "mautic-email | PATTERN...: original-URI "
                    "patterns where ConsentForwardGPC adds nothing"),
    AP_INIT_ITERATE("ConsentScrubParam", set_scrub_param, NULL, DIR_CTX,
                    "NAME...: request parameters (query string, urlencoded "
                    "and JSON bodies) removed without consent, judged like "
                    "a cookie of that name"),
    AP_INIT_TAKE1("ConsentScrubBodyLimit", set_scrub_body_limit, NULL,
                  DIR_CTX, "BYTES: the largest request body read to remove "
                  "parameters from (default 65536; larger ones pass "
                  "unchanged and are logged; 0: bodies are never read)"),
    AP_INIT_TAKE1("ConsentUpstreamState", set_dir_word,
                  (void *)DIR_WORD(upstream_words, upstream_keep), DIR_CTX,
                  "remove|keep: where the gate is Off, remove a client's "
                  "Consent-State and Consent-Categories (default), or keep "
                  "them for a backend only a gated front end can reach"),
    AP_INIT_TAKE1("ConsentRevokeMethod", set_dir_word,
                  (void *)DIR_WORD(revoke_method_words, revoke_on_post),
                  DIR_CTX,
                  "any|post: whether a GET on a preset's unsubscribe path "
                  "withdraws (any, default) or only holds tracking back "
                  "until the form there is posted (post)"),
    AP_INIT_TAKE1("ConsentEndpoint", set_endpoint, NULL, RSRC_CONF,
                  "URL path of the consent endpoints (default /consentgate)"),
    AP_INIT_TAKE1("ConsentReceipts", mod_cg_set_receipts, NULL, RSRC_CONF,
                  "file:PATH (JSON lines) or dbd (mod_dbd): where consent "
                  "receipts go"),
    AP_INIT_TAKE1("ConsentReceiptRetention", mod_cg_set_receipt_retention,
                  NULL, RSRC_CONF,
                  "AGE (400d, 12w, 36h; off): with a receipts file, every "
                  "start begins a new file chained to the last, and files "
                  "last written longer ago than AGE are deleted"),
    AP_INIT_TAKE1("ConsentReceiptRate", mod_cg_set_receipt_rate, NULL,
                  RSRC_CONF,
                  "N: receipts of grants per minute from one masked address "
                  "(default 30; 0: no limit); beyond it a consent gets 429"),
    AP_INIT_TAKE1("ConsentReceiptMaxSize", mod_cg_set_receipt_max_size, NULL,
                  RSRC_CONF,
                  "SIZE (bytes, or with K, M, G): a receipts file this large "
                  "takes no more grants (500, no cookie); withdrawals go on"),
    AP_INIT_TAKE1("ConsentNoticeArchive", set_notice_dir, NULL, RSRC_CONF,
                  "DIR: where every banner text served is kept, named by "
                  "its SHA-256 (default: notices/ next to the receipts "
                  "file)"),
    AP_INIT_FLAG("ConsentAllowSameSite", set_server_flag_same_site, NULL,
                 RSRC_CONF,
                 "On: a consent posted from a sibling subdomain "
                 "(Sec-Fetch-Site: same-site) is accepted (default Off: "
                 "same-origin only)"),
    AP_INIT_TAKE1("ConsentClearSiteData", set_server_word,
                  (void *)SERVER_WORD(csd_words, clear_site_data), RSRC_CONF,
                  "off|storage|cookies: what forget adds as Clear-Site-Data"),
    AP_INIT_TAKE1("ConsentUniqueCache", mod_cg_set_unique_cache, NULL,
                  RSRC_CONF, "PROVIDER[:ARGS]: mod_socache provider for daily "
                  "unique visitors (default shmcb)"),
    AP_INIT_TAKE1("ConsentSecret", set_secret, NULL, RSRC_CONF,
                  "FILE: keys (one a line, the first signs) that sign the "
                  "consent cookie; an unsigned or badly signed value is "
                  "then no consent"),
    AP_INIT_TAKE1("ConsentPlainValues", set_server_word,
                  (void *)SERVER_WORD(plain_words, refuse_plain), RSRC_CONF,
                  "accept|refuse: whether the plain consent values (1, yes, "
                  "0, no, ...) count (default accept)"),
    AP_INIT_TAKE1("ConsentGPCLastUpdate", set_gpc_last_update, NULL, RSRC_CONF,
                  "YYYY-MM-DD for gpc.json (default: the server's start)"),
    AP_INIT_TAKE1("ConsentBanner", mod_cg_set_banner, NULL, RSRC_CONF,
                  "FILE: the banner's JSON config (default: built-in, "
                  "English)"),
    AP_INIT_FLAG("ConsentMauticBlockedTracking", set_flag,
                 (void *)APR_OFFSETOF(mod_cg_dir_conf, blocked_tracking),
                 DIR_CTX, "On to tell Mautic 7 itself not to track a visitor "
                 "without consent (Blocked-Tracking=1 in the Cookie header "
                 "it receives)"),
    AP_INIT_FLAG("ConsentBannerInject", set_flag,
                 (void *)APR_OFFSETOF(mod_cg_dir_conf, banner_inject), DIR_CTX,
                 "On to insert the banner's <script> into HTML pages"),
    AP_INIT_TAKE2("ConsentCSPWithout", mod_cg_set_csp_without, NULL, DIR_CTX,
                  "CATEGORY POLICY: a Content-Security-Policy added to HTML "
                  "responses for visitors who have not granted CATEGORY"),
    AP_INIT_FLAG("ConsentGoogleConsentMode", set_flag,
                 (void *)APR_OFFSETOF(mod_cg_dir_conf, gcm), DIR_CTX,
                 "On to set Google Consent Mode's default for the visitor's "
                 "state in HTML pages, before any tag runs"),
    AP_INIT_TAKE_ARGV("ConsentModeMap", mod_cg_set_gcm_map, NULL, DIR_CTX,
                      "CATEGORY TYPE[,TYPE...]: the Consent Mode types "
                      "(ad_storage, analytics_storage, ...) a category "
                      "grants"),
    AP_INIT_TAKE_ARGV("ConsentMaskAddress", mod_cg_set_mask, NULL, DIR_CTX,
                      "off|logs|backend|both [ipv4=/16] [ipv6=/48] "
                      "[unless=CATEGORY]: the client address the access log "
                      "and the backend see, masked to the prefix given "
                      "(default off)"),
    /* the status page and the pixel's counting (mod_cg_pixel.c) */
    AP_INIT_FLAG("ConsentStatus", mod_cg_set_status, NULL, RSRC_CONF,
                 "On to serve the status page (default Off: 404)"),
    AP_INIT_ITERATE("ConsentStatusExclude", mod_cg_set_status_list,
                    (void *)"exclude", RSRC_CONF,
                    "path prefixes never recorded on the status page "
                    "(*/x/: after any segment)"),
    AP_INIT_ITERATE("ConsentStatusPages", mod_cg_set_status_list,
                    (void *)"pages", RSRC_CONF,
                    "path prefixes that get a page slot without a "
                    "Referer from this site"),
    AP_INIT_TAKE1("ConsentPixelLimit", mod_cg_set_status_number,
                  (void *)"limit", RSRC_CONF,
                  "pixel views counted per masked address and minute "
                  "(default 60; 0: no limit)"),
    AP_INIT_TAKE1("ConsentUniqueCacheTimeout", mod_cg_set_status_number,
                  (void *)"timeout", RSRC_CONF,
                  "milliseconds after which a unique-visitor cache call "
                  "counts as failed (default 500)"),
    AP_INIT_TAKE1("ConsentStatusStore", mod_cg_set_status_store, NULL,
                  RSRC_CONF, "FILE: the status page's daily counts, read "
                  "when httpd starts and written when it stops or restarts"),
    { NULL }
};
