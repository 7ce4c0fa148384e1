/* mod_cg_pixel.c: the no-cookie pixel and the status page. Views and daily
 * unique visitors are counted per virtual host in shared memory that
 * outlives graceful restarts; uniques are deduplicated through mod_socache
 * (shmcb by default, redis or memcache when several servers must agree),
 * and the day's salt is shared through the same cache. Nothing that
 * identifies a visitor is stored: only the salted hash, until the day
 * ends. The server-wide mutex guards the counters only; a network cache is
 * called outside it, and one that fails or is slow is left alone for a
 * while (views still count, uniques do not). */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <ap_provider.h>
#include <ap_socache.h>
#include <ap_mpm.h>
#include <util_mutex.h>
#include <apr_strings.h>
#include <apr_shm.h>
#include <apr_global_mutex.h>
#include <apr_thread_proc.h>
#include <apr_atomic.h>
#include <apr_ring.h>
#include <apr_thread_mutex.h>
#include <apr_thread_cond.h>
#include <unistd.h>

#include "mod_cg.h"
#include "cg_pixel.h"
#include "cg_status.h"

APLOG_USE_MODULE(consentgate);

#define MUTEX_TYPE "consentgate-pixel"
/* named after the shared segment's layout: a graceful restart into a build
 * whose layout differs starts a new segment instead of misreading the old */
#define RETAINED_KEY "mod_consentgate-counters-2"
#define SALT_KEY_PREFIX "consentgate-salt-"

/* ConsentUniqueCache as configured, and what post_config made of it: one
 * per server process, like mod_ssl's session cache. */
static const char *cache_name;
static const char *cache_args;
static const ap_socache_provider_t *socache_provider;
static ap_socache_instance_t *socache;
static apr_global_mutex_t *mutex;           /* the counters only */
static apr_global_mutex_t *cache_mutex;     /* a not multi-process-safe cache */
static apr_int64_t cache_timeout_ms = -1;   /* ConsentUniqueCacheTimeout */
static const char *store_path;              /* ConsentStatusStore */
static pid_t store_pid;                     /* the parent, which writes it */

/* how long a failed cache is left alone before one request tries again */
#define CACHE_RETRY_SEC 30

/* The shared segment: the counters of every site, the rate table, and
 * the unique-visitor cache's health, read and written atomically. */
typedef struct shared_t {
    cg_sites_t sites;
    volatile apr_uint32_t cache_down_until;    /* epoch seconds, 0: up */
    volatile apr_uint32_t cache_probing;       /* one request retries */
} shared_t;

static shared_t *shared;

#if APR_HAS_THREADS
static void helpers_start(apr_pool_t *p, server_rec *s);
#endif

/* The status page's server config. */
typedef struct mod_cg_status_conf {
    int status;                     /* ConsentStatus, -1 unset */
    apr_array_header_t *exclude;    /* const char *: ConsentStatusExclude
                                       and the presets' */
    apr_array_header_t *pages;      /* const char *: ConsentStatusPages */
    apr_int64_t limit;              /* ConsentPixelLimit, -1 unset */
    const char *site_key;           /* set in post_config */
    int site;                       /* index in shared->sites, -1: none */
} mod_cg_status_conf;

mod_cg_status_conf *mod_cg_status_conf_create(apr_pool_t *p)
{
    mod_cg_status_conf *c = apr_pcalloc(p, sizeof(*c));

    c->status = -1;
    c->exclude = apr_array_make(p, 2, sizeof(const char *));
    c->pages = apr_array_make(p, 2, sizeof(const char *));
    c->limit = -1;
    c->site = -1;
    return c;
}

mod_cg_status_conf *mod_cg_status_conf_merge(apr_pool_t *p,
                                             const mod_cg_status_conf *base,
                                             const mod_cg_status_conf *add)
{
    mod_cg_status_conf *c = mod_cg_status_conf_create(p);

    c->status = add->status != -1 ? add->status : base->status;
    /* exclusions only ever add up: a vhost cannot un-exclude a secret */
    c->exclude = apr_array_append(p, base->exclude, add->exclude);
    c->pages = add->pages->nelts ? add->pages : base->pages;
    c->limit = add->limit != -1 ? add->limit : base->limit;
    return c;
}

static mod_cg_status_conf *status_conf(server_rec *s)
{
    mod_cg_server_conf *sc = ap_get_module_config(s->module_config,
                                                  &consentgate_module);
    return sc->status;
}

const char *mod_cg_set_status(cmd_parms *cmd, void *dconf, int on)
{
    (void)dconf;
    status_conf(cmd->server)->status = on;
    return NULL;
}

const char *mod_cg_set_status_list(cmd_parms *cmd, void *dconf,
                                   const char *arg)
{
    mod_cg_status_conf *c = status_conf(cmd->server);
    int exclude = !strcmp(cmd->info, "exclude");

    (void)dconf;
    if (!(*arg == '/' || (exclude && arg[0] == '*' && arg[1] == '/'))) {
        return apr_psprintf(cmd->pool, "%s: '%s' is no path prefix (it "
                            "starts with /%s)", cmd->cmd->name, arg,
                            exclude ? " or */" : "");
    }
    APR_ARRAY_PUSH(exclude ? c->exclude : c->pages, const char *) = arg;
    return NULL;
}

const char *mod_cg_set_status_number(cmd_parms *cmd, void *dconf,
                                     const char *arg)
{
    char *end;
    apr_int64_t n;

    (void)dconf;
    n = apr_strtoi64(arg, &end, 10);
    if (end == arg || *end || n < 0 || n > 1000000) {
        return apr_psprintf(cmd->pool, "%s: '%s' is not a number from 0 "
                            "to 1000000", cmd->cmd->name, arg);
    }
    if (!strcmp(cmd->info, "timeout")) {
        const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
        if (err) {
            return err;
        }
        if (n == 0) {
            return apr_psprintf(cmd->pool, "%s: a timeout of 0 ms leaves "
                                "no time for the cache", cmd->cmd->name);
        }
        cache_timeout_ms = n;
    }
    else {
        status_conf(cmd->server)->limit = n;
    }
    return NULL;
}

const char *mod_cg_set_status_store(cmd_parms *cmd, void *dconf,
                                    const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    (void)dconf;
    if (err) {
        return err;
    }
    store_path = ap_server_root_relative(cmd->pool, arg);
    if (!store_path) {
        return apr_psprintf(cmd->pool, "%s: invalid path '%s'",
                            cmd->cmd->name, arg);
    }
    return NULL;
}

/* The counts of every site from ConsentStatusStore, when httpd starts
 * (a graceful restart keeps them in shared memory anyway). */
static void store_load(apr_pool_t *ptemp, server_rec *s)
{
    apr_file_t *f;
    apr_finfo_t fi;
    apr_size_t len;
    char *text;
    const char *err;
    apr_status_t rv;

    rv = apr_file_open(&f, store_path, APR_FOPEN_READ, 0, ptemp);
    if (APR_STATUS_IS_ENOENT(rv)) {
        return;
    }
    if (rv == APR_SUCCESS) {
        rv = apr_file_info_get(&fi, APR_FINFO_SIZE, f);
    }
    if (rv == APR_SUCCESS) {
        len = (apr_size_t)fi.size;
        text = apr_palloc(ptemp, len + 1);
        rv = apr_file_read_full(f, text, len, &len);
    }
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s, CGLOGNO(038)
                     "ConsentStatusStore %s: cannot read it; the status page "
                     "starts empty", store_path);
        return;
    }
    err = cg_sites_load_json(ptemp, &shared->sites, text, len,
                             apr_time_now());
    if (err) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, CGLOGNO(156)
                     "ConsentStatusStore %s: %s; the status page starts "
                     "empty", store_path, err);
    }
}

/* ... and to it, by the parent, when httpd stops or restarts: written
 * aside and renamed, so a crash leaves the previous file whole. */
static apr_status_t store_save(void *data)
{
    server_rec *s = data;
    apr_pool_t *p;
    apr_file_t *f;
    const char *text, *tmp;
    apr_size_t len;
    apr_status_t rv;

    if (!store_path || !shared || getpid() != store_pid
        || apr_pool_create(&p, NULL) != APR_SUCCESS) {
        return APR_SUCCESS;
    }
    text = cg_sites_store_json(p, &shared->sites);
    tmp = apr_pstrcat(p, store_path, ".new", NULL);
    len = text ? strlen(text) : 0;
    rv = text ? apr_file_open(&f, tmp, APR_FOPEN_WRITE | APR_FOPEN_CREATE
                              | APR_FOPEN_TRUNCATE, APR_FPROT_UREAD
                              | APR_FPROT_UWRITE, p) : APR_EGENERAL;
    if (rv == APR_SUCCESS) {
        rv = apr_file_write_full(f, text, len, NULL);
        if (rv == APR_SUCCESS) {
            rv = apr_file_sync(f);
        }
        apr_file_close(f);
    }
    if (rv == APR_SUCCESS) {
        rv = apr_file_rename(tmp, store_path, p);
    }
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s, CGLOGNO(039)
                     "ConsentStatusStore %s: cannot write it", store_path);
    }
    apr_pool_destroy(p);
    return APR_SUCCESS;
}

void mod_cg_status_preset(cmd_parms *cmd, const char *preset)
{
    const char *const *e = cg_status_preset_excludes(preset);
    mod_cg_status_conf *c = status_conf(cmd->server);

    for (; e && *e; ++e) {
        APR_ARRAY_PUSH(c->exclude, const char *) = *e;
    }
}

/* What outlives a graceful restart: the counters' segment, and today's
 * visitor hashes copied out of a cache that lives in this server (shmcb),
 * since the new generation creates its cache afresh. */
typedef struct retained_t {
    apr_shm_t *shm;
    apr_pool_t *pool;           /* holds `seen` between two generations */
    apr_array_header_t *seen;   /* unsigned char[CG_VISITOR_HASH_LEN] */
} retained_t;

const char *mod_cg_set_unique_cache(cmd_parms *cmd, void *dconf,
                                    const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    const char *colon = strchr(arg, ':');

    (void)dconf;
    if (err) {
        return err;
    }
    cache_name = colon ? apr_pstrmemdup(cmd->pool, arg, colon - arg) : arg;
    cache_args = colon ? colon + 1 : "";
    if (!ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, cache_name,
                            AP_SOCACHE_PROVIDER_VERSION)) {
        return apr_psprintf(cmd->pool, "%s: unknown socache provider '%s' "
                            "(load mod_socache_%s)", cmd->cmd->name,
                            cache_name, cache_name);
    }
    return NULL;
}

int mod_cg_pixel_pre_config(apr_pool_t *pconf, apr_pool_t *plog,
                            apr_pool_t *ptemp)
{
    (void)plog;
    (void)ptemp;
    cache_name = NULL;
    cache_args = NULL;
    socache_provider = NULL;
    socache = NULL;
    mutex = NULL;
    cache_mutex = NULL;
    cache_timeout_ms = -1;
    store_path = NULL;
    return ap_mutex_register(pconf, MUTEX_TYPE, NULL, APR_LOCK_DEFAULT, 0);
}

static apr_status_t copy_seen(ap_socache_instance_t *instance, server_rec *s,
                              void *userctx, const unsigned char *id,
                              unsigned int idlen, const unsigned char *data,
                              unsigned int datalen, apr_pool_t *pool)
{
    retained_t *kept = userctx;

    (void)instance; (void)s; (void)data; (void)datalen; (void)pool;
    if (idlen == CG_VISITOR_HASH_LEN) {
        memcpy(apr_array_push(kept->seen), id, CG_VISITOR_HASH_LEN);
    }
    return APR_SUCCESS;
}

/* Runs when pconf goes, before the cache's own cleanup: on a restart,
 * today's visitors are copied out so the next generation knows them. */
static apr_status_t keep_seen(void *data)
{
    server_rec *s = data;
    retained_t *kept = ap_retained_data_get(RETAINED_KEY);

    if (!kept || !socache_provider || !socache || !socache_provider->iterate
        || ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_EXITING) {
        return APR_SUCCESS;
    }
    apr_pool_clear(kept->pool);
    kept->seen = apr_array_make(kept->pool, 256, CG_VISITOR_HASH_LEN);
    socache_provider->iterate(socache, s, kept, copy_seen, kept->pool);
    return APR_SUCCESS;
}

int mod_cg_pixel_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                             apr_pool_t *ptemp, server_rec *s)
{
    struct ap_socache_hints hints = { CG_VISITOR_HASH_LEN, 1, 3600 };
    const char *name = cache_name ? cache_name : "shmcb";
    const char *args = cache_args ? cache_args : "";
    retained_t *kept;
    apr_status_t rv;
    const char *err;
    server_rec *vs;
    int i, fresh = 0;

    (void)plog;
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;
    }
    kept = ap_retained_data_get(RETAINED_KEY);
    if (!kept) {
        kept = ap_retained_data_create(RETAINED_KEY, sizeof(*kept));
        memset(kept, 0, sizeof(*kept));
        rv = apr_shm_create(&kept->shm, sizeof(shared_t), NULL,
                            s->process->pool);
        if (rv == APR_SUCCESS) {
            rv = apr_pool_create(&kept->pool, s->process->pool);
        }
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s, CGLOGNO(030)
                         "cannot create shared memory for the pixel counters");
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        memset(apr_shm_baseaddr_get(kept->shm), 0, sizeof(shared_t));
        fresh = 1;
    }
    shared = apr_shm_baseaddr_get(kept->shm);
    cg_sites_init(&shared->sites);
    if (store_path) {
        if (fresh) {
            store_load(ptemp, s);
        }
        store_pid = getpid();
        apr_pool_cleanup_register(pconf, s, store_save, apr_pool_cleanup_null);
    }
    apr_atomic_set32(&shared->cache_down_until, 0);
    apr_atomic_set32(&shared->cache_probing, 0);
    /* a counter set per virtual host, by name and port: a site keeps its
     * counts over restarts, and never sees another's */
    for (vs = s; vs; vs = vs->next) {
        mod_cg_status_conf *c = status_conf(vs);
        cg_counters_t *mine;

        c->site_key = apr_psprintf(pconf, "%s:%u",
                                   vs->server_hostname ? vs->server_hostname
                                                       : "",
                                   vs->addrs ? (unsigned)vs->addrs->host_port
                                             : (unsigned)vs->port);
        mine = cg_sites_counters(&shared->sites, c->site_key);
        c->site = mine ? (int)(mine - shared->sites.counters) : -1;
        if (!mine) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, vs, CGLOGNO(035)
                         "more than %d sites: the pixel does not count for "
                         "%s", CG_STATUS_SITES, c->site_key);
        }
    }
    /* OpenSSL builds its table of algorithms on the first fetch: done here,
     * before the children fork, it does not fall on a visitor's view */
    cg_visitor_hasher_create(ptemp);

    rv = ap_global_mutex_create(&mutex, NULL, MUTEX_TYPE, NULL, s, pconf, 0);
    if (rv != APR_SUCCESS) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (cache_timeout_ms < 0) {
        cache_timeout_ms = MOD_CG_DEFAULT_CACHE_TIMEOUT_MS;
    }
    socache_provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name,
                                          AP_SOCACHE_PROVIDER_VERSION);
    if (!socache_provider) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, CGLOGNO(031)
                     "no socache provider '%s': the pixel counts views but "
                     "not unique visitors (load mod_socache_%s)", name, name);
        return OK;
    }
    /* only a cache that is not safe across processes (shmcb, dbm) needs a
     * lock of its own; redis and memcache are called without one */
    if (socache_provider->flags & AP_SOCACHE_FLAG_NOTMPSAFE) {
        rv = ap_global_mutex_create(&cache_mutex, NULL, MUTEX_TYPE, "cache",
                                    s, pconf, 0);
        if (rv != APR_SUCCESS) {
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    err = socache_provider->create(&socache, args, ptemp, pconf);
    if (err) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, CGLOGNO(034)
                     "ConsentUniqueCache %s: %s", name, err);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    rv = socache_provider->init(socache, "consentgate-uniques", &hints, s, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s, CGLOGNO(032)
                     "ConsentUniqueCache: cannot initialise %s", name);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    /* after the cache's own cleanup, so it runs first */
    apr_pool_cleanup_register(pconf, s, keep_seen, apr_pool_cleanup_null);
    if (kept->seen) {
        apr_time_t until = apr_time_from_sec(
            ((apr_time_t)cg_day_of(apr_time_now()) + 1) * 86400);
        unsigned char one = 1;

        for (i = 0; i < kept->seen->nelts; ++i) {
            socache_provider->store(socache, s, (unsigned char *)kept->seen->elts
                                    + (apr_size_t)i * CG_VISITOR_HASH_LEN,
                                    CG_VISITOR_HASH_LEN, until, &one, 1, ptemp);
        }
        kept->seen = NULL;
        apr_pool_clear(kept->pool);
    }
    return OK;
}

void mod_cg_pixel_child_init(apr_pool_t *p, server_rec *s)
{
    apr_global_mutex_t **m[2];
    int i;

#if APR_HAS_THREADS
    helpers_start(p, s);
#endif
    m[0] = &mutex;
    m[1] = &cache_mutex;
    for (i = 0; i < 2; ++i) {
        if (*m[i]) {
            apr_status_t rv = apr_global_mutex_child_init(m[i],
                                  apr_global_mutex_lockfile(*m[i]), p);
            if (rv != APR_SUCCESS) {
                ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, CGLOGNO(033)
                             "cannot reopen the pixel mutex");
            }
        }
    }
}

/* End of the current UTC day: when hashes and the salt stop mattering. */
static apr_time_t end_of_day(apr_time_t now)
{
    return apr_time_from_sec(((apr_time_t)cg_day_of(now) + 1) * 86400);
}

/* A server's counters, or NULL (under the mutex). */
static cg_counters_t *server_counters(server_rec *s)
{
    const mod_cg_status_conf *c = status_conf(s);

    return shared && c->site >= 0 ? &shared->sites.counters[c->site] : NULL;
}

static cg_counters_t *site_counters(request_rec *r)
{
    return server_counters(r->server);
}

static void cache_mark_down(server_rec *s, const char *what)
{
    apr_uint32_t now = (apr_uint32_t)apr_time_sec(apr_time_now());
    apr_uint32_t was = apr_atomic_xchg32(&shared->cache_down_until,
                                         now + CACHE_RETRY_SEC);

    /* once per outage, not once per waiting request */
    if (was <= now) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, CGLOGNO(036)
                     "ConsentUniqueCache: %s within %" APR_INT64_T_FMT
                     " ms; unique visitors are not counted for %d s", what,
                     cache_timeout_ms, CACHE_RETRY_SEC);
    }
}

/* One call to the unique-visitor cache. A cache that is not safe across
 * processes is locked around the call itself; a network cache is not
 * locked at all. A call that fails or takes longer than
 * ConsentUniqueCacheTimeout marks the cache down for CACHE_RETRY_SEC.
 * Returns APR_SUCCESS (found or stored), APR_NOTFOUND (a miss), or
 * APR_EGENERAL (failed). */
static apr_status_t cache_call(apr_pool_t *p, server_rec *s, int store,
                               const unsigned char *key, unsigned int keylen,
                               apr_time_t expiry, unsigned char *data,
                               unsigned int *datalen)
{
    apr_time_t start;
    apr_status_t rv;

    if (cache_mutex && apr_global_mutex_lock(cache_mutex) != APR_SUCCESS) {
        return APR_EGENERAL;
    }
    start = apr_time_now();
    rv = store ? socache_provider->store(socache, s, key, keylen, expiry,
                                         data, *datalen, p)
               : socache_provider->retrieve(socache, s, key, keylen, data,
                                            datalen, p);
    if (cache_mutex) {
        apr_global_mutex_unlock(cache_mutex);
    }
    if ((rv != APR_SUCCESS && (store || rv != APR_NOTFOUND))
        || apr_time_now() - start > cache_timeout_ms * 1000) {
        /* providers report a failed read as a miss: a slow answer is the
         * sign that the cache is not there */
        cache_mark_down(s, store ? "a store failed or did not finish"
                                 : "a retrieve failed or did not finish");
        return APR_EGENERAL;
    }
    return rv;
}

/* May this request use the cache? Not while it is marked down; once the
 * time is up, one request at a time tries it again (*probe is set, and
 * cache_done() clears it). */
static int cache_usable(int *probe)
{
    apr_uint32_t until = apr_atomic_read32(&shared->cache_down_until);

    *probe = 0;
    if (!until) {
        return 1;
    }
    if ((apr_uint32_t)apr_time_sec(apr_time_now()) < until
        || apr_atomic_cas32(&shared->cache_probing, 1, 0) != 0) {
        return 0;
    }
    *probe = 1;
    return 1;
}

static void cache_done(int probe, int ok)
{
    if (probe) {
        if (ok) {
            apr_atomic_set32(&shared->cache_down_until, 0);
        }
        apr_atomic_set32(&shared->cache_probing, 0);
    }
}

/* Today's salt, shared through the cache so that several servers hash a
 * visitor alike; the first server of the day to need one supplies it.
 * 0 when the cache failed (then no unique is counted). */
static int shared_salt(apr_pool_t *p, server_rec *s, apr_time_t when,
                       unsigned char salt[CG_SALT_LEN])
{
    char key[64];
    unsigned int len = CG_SALT_LEN;
    unsigned char local[CG_SALT_LEN];
    cg_counters_t *c;
    apr_status_t rv;
    int ok;

    apr_snprintf(key, sizeof(key), SALT_KEY_PREFIX "%u", cg_day_of(when));
    rv = cache_call(p, s, 0, (unsigned char *)key, strlen(key), 0, salt,
                    &len);
    if (rv == APR_SUCCESS && len == CG_SALT_LEN) {
        return 1;
    }
    if (rv == APR_EGENERAL) {
        return 0;
    }
    if (apr_global_mutex_lock(mutex) != APR_SUCCESS) {
        return 0;
    }
    /* one salt for the whole server, kept in the first site's counters
     * (the main server's): the cache key is the same for every site, and
     * after a restart empties a local cache, each site must find the salt
     * it hashed with before */
    (void)s;
    c = shared ? &shared->sites.counters[0] : NULL;
    ok = c && cg_counters_salt(c, when, local);
    apr_global_mutex_unlock(mutex);
    if (!ok) {
        return 0;
    }
    len = CG_SALT_LEN;
    if (cache_call(p, s, 1, (unsigned char *)key, strlen(key),
                   end_of_day(when) + apr_time_from_sec(3600), local, &len)
        != APR_SUCCESS) {
        return 0;
    }
    len = CG_SALT_LEN;
    /* another server may have stored first: use what the cache holds */
    rv = cache_call(p, s, 0, (unsigned char *)key, strlen(key), 0, salt,
                    &len);
    if (rv == APR_SUCCESS && len == CG_SALT_LEN) {
        return 1;
    }
    if (rv == APR_EGENERAL) {
        return 0;
    }
    memcpy(salt, local, CG_SALT_LEN);
    return 1;
}

/* This worker thread's hasher, made on its first counted view and freed
 * with the thread's pool: an HMAC context is not for two threads at once,
 * and a thread serves one request at a time. Without a thread to attach it
 * to, one for this request. */
#define HASHER_KEY "consentgate-visitor-hasher"
static cg_visitor_hasher_t *thread_hasher(apr_thread_t *thd, apr_pool_t *p)
{
    void *h = NULL;

    if (!thd) {
        return cg_visitor_hasher_create(p);
    }
    if (apr_thread_data_get(&h, HASHER_KEY, thd) == APR_SUCCESS && h) {
        return h;
    }
    h = cg_visitor_hasher_create(apr_thread_pool_get(thd));
    if (h) {
        apr_thread_data_set(h, HASHER_KEY, NULL, thd);
    }
    return h;
}

/* What deciding a visitor's uniqueness needs, copied out of the request
 * so that a helper thread can finish the work after the request gave up
 * on it. */
typedef struct cache_job_t {
    APR_RING_ENTRY(cache_job_t) link;
    apr_pool_t *pool;           /* the job's own, freed by whoever is last */
    server_rec *s;
    apr_time_t when;
    const char *masked, *ua, *al, *site;
    int done, abandoned, ok, unique;
} cache_job_t;

/* Is this the visitor's first view today? Outside the counters' mutex; a
 * cache that fails makes it no. Sets job->ok when the cache answered. */
static void decide_unique(cache_job_t *job, cg_visitor_hasher_t *hasher)
{
    unsigned char salt[CG_SALT_LEN], hash[CG_VISITOR_HASH_LEN], one = 1;
    unsigned char seen[8];
    unsigned int len = sizeof(seen);
    apr_status_t rv;

    job->ok = job->unique = 0;
    if (!hasher || !shared_salt(job->pool, job->s, job->when, salt)
        || !cg_visitor_hasher_hash(hasher, salt, sizeof(salt), job->masked,
                                   job->ua, job->al, job->site, hash)) {
        return;
    }
    rv = cache_call(job->pool, job->s, 0, hash, sizeof(hash), 0, seen, &len);
    if (rv == APR_SUCCESS) {
        job->ok = 1;
    }
    else if (rv == APR_NOTFOUND) {
        len = 1;
        job->ok = job->unique
            = cache_call(job->pool, job->s, 1, hash, sizeof(hash),
                         end_of_day(job->when), &one, &len) == APR_SUCCESS;
    }
}

/* A network cache (redis, memcache) is asked by a few helper threads per
 * child, so that the request waits ConsentUniqueCacheTimeout at most,
 * whatever the provider does: a cache that accepts and never answers holds
 * up a helper, never a visitor. */
#if APR_HAS_THREADS
#define HELPERS 4
#define HELPER_QUEUE_MAX 64
APR_RING_HEAD(job_ring, cache_job_t);
static struct {
    apr_thread_mutex_t *lock;
    apr_thread_cond_t *queued;      /* a job is waiting */
    apr_thread_cond_t *finished;    /* a job is done */
    struct job_ring queue;
    int length;
} helpers;
static int helpers_on;

static void *APR_THREAD_FUNC helper_main(apr_thread_t *thd, void *data)
{
    cg_visitor_hasher_t *hasher = cg_visitor_hasher_create(
        apr_thread_pool_get(thd));

    (void)data;
    for (;;) {
        cache_job_t *job;
        int drop;

        apr_thread_mutex_lock(helpers.lock);
        while (APR_RING_EMPTY(&helpers.queue, cache_job_t, link)) {
            apr_thread_cond_wait(helpers.queued, helpers.lock);
        }
        job = APR_RING_FIRST(&helpers.queue);
        APR_RING_REMOVE(job, link);
        helpers.length--;
        drop = job->abandoned;
        apr_thread_mutex_unlock(helpers.lock);
        if (!drop) {
            decide_unique(job, hasher);
            apr_thread_mutex_lock(helpers.lock);
            job->done = 1;
            drop = job->abandoned;
            apr_thread_cond_broadcast(helpers.finished);
            apr_thread_mutex_unlock(helpers.lock);
        }
        if (drop) {
            apr_pool_destroy(job->pool);
        }
    }
    return NULL;
}

/* In the child: the helpers, detached (a helper stuck on a dead cache must
 * not hold up the child's exit). */
static void helpers_start(apr_pool_t *p, server_rec *s)
{
    apr_threadattr_t *attr;
    int i;

    helpers_on = 0;
    if (!socache_provider || cache_mutex
        || apr_thread_mutex_create(&helpers.lock, APR_THREAD_MUTEX_DEFAULT, p)
        || apr_thread_cond_create(&helpers.queued, p)
        || apr_thread_cond_create(&helpers.finished, p)
        || apr_threadattr_create(&attr, p)
        || apr_threadattr_detach_set(attr, 1)) {
        return;
    }
    APR_RING_INIT(&helpers.queue, cache_job_t, link);
    helpers.length = 0;
    for (i = 0; i < HELPERS; ++i) {
        apr_thread_t *thd;
        apr_status_t rv = apr_thread_create(&thd, attr, helper_main, NULL, p);

        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_ERR, rv, s, CGLOGNO(037)
                         "cannot start the unique-visitor cache's helper "
                         "threads: the pixel calls the cache itself");
            return;
        }
        helpers_on = 1;
    }
}

/* Hands the job to a helper and waits ConsentUniqueCacheTimeout at most.
 * Returns 1 when the job was done (the caller frees its pool), 0 when it
 * was given up (the helper frees it). */
static int run_by_helper(cache_job_t *job)
{
    apr_time_t deadline = apr_time_now() + cache_timeout_ms * 1000;
    int done;

    apr_thread_mutex_lock(helpers.lock);
    if (helpers.length >= HELPER_QUEUE_MAX) {
        apr_thread_mutex_unlock(helpers.lock);
        return 1;       /* not done: job->ok stays 0 */
    }
    APR_RING_INSERT_TAIL(&helpers.queue, job, cache_job_t, link);
    helpers.length++;
    apr_thread_cond_signal(helpers.queued);
    while (!job->done) {
        apr_time_t left = deadline - apr_time_now();

        if (left <= 0) {
            break;
        }
        apr_thread_cond_timedwait(helpers.finished, helpers.lock, left);
    }
    /* once the lock is let go, an abandoned job belongs to the helper */
    done = job->done;
    if (!done) {
        job->abandoned = 1;
    }
    apr_thread_mutex_unlock(helpers.lock);
    return done;
}
#endif

static int first_today(request_rec *r, const char *masked)
{
    cache_job_t *job;
    int probe;

    if (!socache_provider || !masked || !cache_usable(&probe)) {
        return 0;
    }
#if APR_HAS_THREADS
    if (helpers_on) {
        apr_pool_t *jp;
        int unique = 0, ok = 0;

        if (apr_pool_create(&jp, NULL) != APR_SUCCESS) {
            cache_done(probe, 0);
            return 0;
        }
        job = apr_pcalloc(jp, sizeof(*job));
        job->pool = jp;
        job->s = r->server;
        job->when = r->request_time;
        job->masked = apr_pstrdup(jp, masked);
        job->ua = apr_pstrdup(jp, apr_table_get(r->headers_in, "User-Agent"));
        job->al = apr_pstrdup(jp, apr_table_get(r->headers_in,
                                                "Accept-Language"));
        job->site = apr_pstrdup(jp, ap_get_server_name(r));
        if (run_by_helper(job)) {
            ok = job->ok;
            unique = job->unique;
            apr_pool_destroy(jp);
        }
        else {
            cache_mark_down(r->server, "no answer");
        }
        cache_done(probe, ok);
        return unique;
    }
#endif
    job = apr_pcalloc(r->pool, sizeof(*job));
    job->pool = r->pool;
    job->s = r->server;
    job->when = r->request_time;
    job->masked = masked;
    job->ua = apr_table_get(r->headers_in, "User-Agent");
    job->al = apr_table_get(r->headers_in, "Accept-Language");
    job->site = ap_get_server_name(r);
    decide_unique(job, thread_hasher(r->connection->current_thread, r->pool));
    cache_done(probe, job->ok);
    return job->unique;
}

/* The page as the status page may record it, or NULL: never a revocation
 * or confirmation path, nothing under an exclusion, tokens replaced. */
static const char *recordable_page(request_rec *r, const char *page,
                                   const mod_cg_status_conf *c)
{
    const cg_policy_t *pol;
    char *decoded;

    if (*page != '/') {
        return page;
    }
    decoded = apr_pstrdup(r->pool, page);
    if (ap_unescape_url(decoded) != OK) {
        return NULL;
    }
    pol = mod_cg_policy(r);
    if (pol && (cg_policy_revocation(pol, decoded, 0,
                                     cg_matcher_make(r->pool))
                != CG_REVOKE_NONE
                || cg_policy_revocation(pol, page, 0,
                                        cg_matcher_make(r->pool))
                   != CG_REVOKE_NONE)) {
        return NULL;
    }
    if (!cg_status_path(r->pool, decoded, c->exclude)) {
        return NULL;
    }
    return cg_status_path(r->pool, page, c->exclude);
}

/* The rate limit's key: the masked address on this site, so each site's
 * ConsentPixelLimit applies to its own counting. */
static const char *rate_key(request_rec *r, const mod_cg_status_conf *c,
                            const char *masked)
{
    return apr_psprintf(r->pool, "%d %s", c->site, masked ? masked : "");
}

static void count_view(request_rec *r)
{
    const mod_cg_status_conf *c = status_conf(r->server);
    const char *page, *u = NULL, *masked;
    cg_counters_t *counters;
    apr_uint32_t limit;
    int unique, allowed, may_add, signals, revision, no_choice;

    if (r->args) {
        char *args = apr_pstrdup(r->pool, r->args), *pair, *state;
        for (pair = apr_strtok(args, "&", &state); pair;
             pair = apr_strtok(NULL, "&", &state)) {
            if (!strncmp(pair, "u=", 2) && ap_unescape_urlencoded(pair + 2) == OK) {
                u = pair + 2;
            }
        }
    }
    page = recordable_page(r, cg_page_of(r->pool, u,
                                         apr_table_get(r->headers_in,
                                                       "Referer")), c);
    may_add = page && cg_status_plausible(apr_table_get(r->headers_in,
                                                        "Referer"),
                                          r->hostname, page, c->pages);
    masked = cg_mask_ip(r->pool, r->useragent_ip, 2, 80);
    limit = (apr_uint32_t)(c->limit >= 0 ? c->limit
                                         : MOD_CG_DEFAULT_PIXEL_LIMIT);

    if (apr_global_mutex_lock(mutex) != APR_SUCCESS) {
        return;
    }
    allowed = cg_rate_take(&shared->sites.rate, rate_key(r, c, masked),
                           r->request_time, limit);
    apr_global_mutex_unlock(mutex);
    if (!allowed) {
        apr_table_setn(r->subprocess_env, "CONSENTGATE_PIXEL", "limited");
        return;
    }

    unique = first_today(r, masked);
    /* what the visitor sends, read before the lock */
    signals = mod_cg_signals(r);
    no_choice = mod_cg_consent(r)->state == CG_CONSENT_NONE;
    revision = mod_cg_policy_revision(ap_get_module_config(
        r->server->module_config, &consentgate_module));

    if (apr_global_mutex_lock(mutex) != APR_SUCCESS) {
        return;
    }
    counters = site_counters(r);
    if (counters) {
        cg_counters_count(counters, r->request_time, page, may_add, unique);
        if (unique) {
            cg_counters_visitor(counters, r->request_time, no_choice,
                                (signals & CG_SIGNAL_GPC ? 1 : 0)
                                | (signals & CG_SIGNAL_DNT ? 2 : 0),
                                revision);
        }
    }
    apr_global_mutex_unlock(mutex);
    apr_table_setn(r->subprocess_env, "CONSENTGATE_PIXEL",
                   unique ? "unique" : "view");
}

void mod_cg_status_count_choice(request_rec *r,
                                const apr_array_header_t *categories)
{
    const mod_cg_status_conf *c = status_conf(r->server);
    const apr_array_header_t *offered;
    const char *masked = cg_mask_ip(r->pool, r->useragent_ip, 2, 80);
    cg_choice_e choice = CG_CHOICE_WITHDRAW;
    cg_counters_t *counters;
    int revision, i, j, all = 1;

    if (!shared || !mutex) {
        return;
    }
    if (categories && !categories->nelts) {
        choice = CG_CHOICE_REJECT_ALL;
    }
    else if (categories) {
        /* all: every category the scope offers was granted */
        offered = cg_policy_categories(mod_cg_policy(r));
        for (i = 0; offered && i < offered->nelts && all; ++i) {
            const char *want = APR_ARRAY_IDX(offered, i, const char *);

            all = 0;
            for (j = 0; j < categories->nelts; ++j) {
                if (!strcmp(want, APR_ARRAY_IDX(categories, j,
                                                const char *))) {
                    all = 1;
                    break;
                }
            }
        }
        choice = all ? CG_CHOICE_ACCEPT_ALL : CG_CHOICE_CUSTOM;
    }
    revision = mod_cg_policy_revision(ap_get_module_config(
        r->server->module_config, &consentgate_module));
    if (apr_global_mutex_lock(mutex) != APR_SUCCESS) {
        return;
    }
    counters = site_counters(r);
    /* one client cannot inflate the choices any more than the views */
    if (counters
        && cg_rate_take(&shared->sites.rate, rate_key(r, c, masked),
                        r->request_time,
                        (apr_uint32_t)(c->limit >= 0
                                       ? c->limit
                                       : MOD_CG_DEFAULT_PIXEL_LIMIT))) {
        cg_counters_choice(counters, r->request_time, choice, revision);
    }
    apr_global_mutex_unlock(mutex);
}

int mod_cg_pixel(request_rec *r)
{
    apr_bucket_brigade *bb;

    if (r->method_number != M_GET) {
        ap_allow_methods(r, REPLACE_ALLOW, "GET", NULL);
        return HTTP_METHOD_NOT_ALLOWED;
    }
    /* no cookie, whatever else the configuration adds: see the filter */
    mod_cg_forbid_cookies(r);
    if (!r->header_only && shared && mutex
        && !cg_is_prefetch(apr_table_get(r->headers_in, "Sec-Purpose"),
                           apr_table_get(r->headers_in, "Purpose"),
                           apr_table_get(r->headers_in, "X-Moz"))
        && !cg_is_bot(apr_table_get(r->headers_in, "User-Agent"))
        /* an objector's browser may still load an <img> of it */
        && !mod_cg_objects(r)) {
        count_view(r);
    }
    else {
        apr_table_setn(r->subprocess_env, "CONSENTGATE_PIXEL", "skipped");
    }
    ap_set_content_type(r, "image/gif");
    ap_set_content_length(r, CG_PIXEL_GIF_LEN);
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    if (r->header_only) {
        return OK;
    }
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_immortal_create(
        (const char *)cg_pixel_gif, CG_PIXEL_GIF_LEN, bb->bucket_alloc));
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(bb->bucket_alloc));
    return ap_pass_brigade(r->output_filters, bb) == APR_SUCCESS
        ? OK : AP_FILTER_ERROR;
}

static int wants_json(request_rec *r)
{
    const char *accept = apr_table_get(r->headers_in, "Accept");

    return (r->args && strstr(r->args, "format=json"))
        || (accept && strstr(accept, "application/json"));
}

int mod_cg_status(request_rec *r)
{
    cg_counters_t *snapshot;
    cg_counters_t *counters;
    int json;

    /* private unless enabled: the same answer as an unknown endpoint */
    if (status_conf(r->server)->status != 1) {
        return HTTP_NOT_FOUND;
    }
    if (r->method_number != M_GET) {
        ap_allow_methods(r, REPLACE_ALLOW, "GET", NULL);
        return HTTP_METHOD_NOT_ALLOWED;
    }
    if (!shared || !mutex
        || apr_global_mutex_lock(mutex) != APR_SUCCESS) {
        return HTTP_SERVICE_UNAVAILABLE;
    }
    snapshot = apr_palloc(r->pool, sizeof(*snapshot));
    counters = site_counters(r);
    if (counters) {
        memcpy(snapshot, counters, sizeof(*snapshot));
    }
    apr_global_mutex_unlock(mutex);
    if (!counters) {
        return HTTP_SERVICE_UNAVAILABLE;
    }
    /* the salt never leaves the shared memory */
    memset(snapshot->salt, 0, sizeof(snapshot->salt));

    json = wants_json(r);
    ap_set_content_type(r, json ? "application/json"
                                : "text/html; charset=utf-8");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    apr_table_mergen(r->headers_out, "Vary", "Accept");
    if (!r->header_only) {
        ap_rputs(json ? cg_counters_json(r->pool, snapshot, r->request_time)
                      : cg_counters_html(r->pool, snapshot, r->request_time),
                 r);
    }
    return OK;
}
