/* mod_cg_pixel.c: the no-cookie pixel and the status page. Views and daily
 * unique visitors are counted in shared memory that outlives graceful
 * restarts; uniques are deduplicated through mod_socache (shmcb by
 * default, redis or memcache when several servers must agree), and the
 * day's salt is shared through the same cache. Nothing that identifies a
 * visitor is stored: only the salted hash, until the day ends. */
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

#include "mod_cg.h"
#include "cg_pixel.h"

APLOG_USE_MODULE(consentgate);

#define MUTEX_TYPE "consentgate-pixel"
#define RETAINED_KEY "mod_consentgate-counters"
#define SALT_KEY_PREFIX "consentgate-salt-"

/* ConsentUniqueCache as configured, and what post_config made of it: one
 * per server process, like mod_ssl's session cache. */
static const char *cache_name;
static const char *cache_args;
static const ap_socache_provider_t *socache_provider;
static ap_socache_instance_t *socache;
static apr_global_mutex_t *mutex;
static cg_counters_t *counters;

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
    int i;

    (void)plog;
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;
    }
    kept = ap_retained_data_get(RETAINED_KEY);
    if (!kept) {
        kept = ap_retained_data_create(RETAINED_KEY, sizeof(*kept));
        memset(kept, 0, sizeof(*kept));
        rv = apr_shm_create(&kept->shm, sizeof(cg_counters_t), NULL,
                            s->process->pool);
        if (rv == APR_SUCCESS) {
            rv = apr_pool_create(&kept->pool, s->process->pool);
        }
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s, CGLOGNO(030)
                         "cannot create shared memory for the pixel counters");
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        memset(apr_shm_baseaddr_get(kept->shm), 0, sizeof(cg_counters_t));
    }
    counters = apr_shm_baseaddr_get(kept->shm);
    cg_counters_init(counters);
    /* OpenSSL builds its table of algorithms on the first fetch: done here,
     * before the children fork, it does not fall on a visitor's view */
    cg_visitor_hasher_create(ptemp);

    rv = ap_global_mutex_create(&mutex, NULL, MUTEX_TYPE, NULL, s, pconf, 0);
    if (rv != APR_SUCCESS) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    socache_provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name,
                                          AP_SOCACHE_PROVIDER_VERSION);
    if (!socache_provider) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, CGLOGNO(031)
                     "no socache provider '%s': the pixel counts views but "
                     "not unique visitors (load mod_socache_%s)", name, name);
        return OK;
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
    if (mutex) {
        apr_status_t rv = apr_global_mutex_child_init(&mutex,
                              apr_global_mutex_lockfile(mutex), p);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, CGLOGNO(033)
                         "cannot reopen the pixel mutex");
        }
    }
}

/* End of the current UTC day: when hashes and the salt stop mattering. */
static apr_time_t end_of_day(apr_time_t now)
{
    return apr_time_from_sec(((apr_time_t)cg_day_of(now) + 1) * 86400);
}

/* Today's salt, shared through the cache so that several servers hash a
 * visitor alike; the first server of the day to need one supplies it. */
static int shared_salt(request_rec *r, unsigned char salt[CG_SALT_LEN])
{
    char key[64];
    unsigned int len = CG_SALT_LEN;
    unsigned char local[CG_SALT_LEN];

    apr_snprintf(key, sizeof(key), SALT_KEY_PREFIX "%u",
                 cg_day_of(r->request_time));
    if (socache_provider->retrieve(socache, r->server, (unsigned char *)key,
                                   strlen(key), salt, &len, r->pool)
        == APR_SUCCESS && len == CG_SALT_LEN) {
        return 1;
    }
    if (!cg_counters_salt(counters, r->request_time, local)) {
        return 0;
    }
    socache_provider->store(socache, r->server, (unsigned char *)key,
                            strlen(key), end_of_day(r->request_time)
                            + apr_time_from_sec(3600), local, CG_SALT_LEN,
                            r->pool);
    len = CG_SALT_LEN;
    /* another server may have stored first: use what the cache holds */
    if (socache_provider->retrieve(socache, r->server, (unsigned char *)key,
                                   strlen(key), salt, &len, r->pool)
        == APR_SUCCESS && len == CG_SALT_LEN) {
        return 1;
    }
    memcpy(salt, local, CG_SALT_LEN);
    return 1;
}

/* This worker thread's hasher, made on its first counted view and freed
 * with the thread's pool: an HMAC context is not for two threads at once,
 * and a thread serves one request at a time. Without a thread to attach it
 * to, one for this request. */
#define HASHER_KEY "consentgate-visitor-hasher"
static cg_visitor_hasher_t *thread_hasher(request_rec *r)
{
    apr_thread_t *thd = r->connection->current_thread;
    void *h = NULL;

    if (!thd) {
        return cg_visitor_hasher_create(r->pool);
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

/* Is this the visitor's first view today? Under the mutex. */
static int first_today(request_rec *r)
{
    unsigned char salt[CG_SALT_LEN], hash[CG_VISITOR_HASH_LEN], one = 1;
    unsigned char seen[8];
    unsigned int len = sizeof(seen);
    const char *masked = cg_mask_ip(r->pool, r->useragent_ip, 2, 80);
    cg_visitor_hasher_t *hasher;

    if (!socache_provider || !masked || !(hasher = thread_hasher(r))
        || !shared_salt(r, salt)
        || !cg_visitor_hasher_hash(hasher, salt, sizeof(salt), masked,
                                   apr_table_get(r->headers_in, "User-Agent"),
                                   apr_table_get(r->headers_in,
                                                 "Accept-Language"),
                                   ap_get_server_name(r), hash)) {
        return 0;
    }
    if (socache_provider->retrieve(socache, r->server, hash, sizeof(hash),
                                   seen, &len, r->pool) == APR_SUCCESS) {
        return 0;
    }
    socache_provider->store(socache, r->server, hash, sizeof(hash),
                            end_of_day(r->request_time), &one, 1, r->pool);
    return 1;
}

static void count_view(request_rec *r)
{
    const char *page, *u = NULL;
    int unique;

    if (r->args) {
        char *args = apr_pstrdup(r->pool, r->args), *pair, *state;
        for (pair = apr_strtok(args, "&", &state); pair;
             pair = apr_strtok(NULL, "&", &state)) {
            if (!strncmp(pair, "u=", 2) && ap_unescape_urlencoded(pair + 2) == OK) {
                u = pair + 2;
            }
        }
    }
    page = cg_page_of(r->pool, u, apr_table_get(r->headers_in, "Referer"));
    if (apr_global_mutex_lock(mutex) != APR_SUCCESS) {
        return;
    }
    unique = first_today(r);
    cg_counters_hit(counters, r->request_time, page, unique);
    apr_global_mutex_unlock(mutex);
    apr_table_setn(r->subprocess_env, "CONSENTGATE_PIXEL",
                   unique ? "unique" : "view");
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
    if (!r->header_only && counters && mutex
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
    cg_counters_t snapshot;
    int json;

    if (r->method_number != M_GET) {
        ap_allow_methods(r, REPLACE_ALLOW, "GET", NULL);
        return HTTP_METHOD_NOT_ALLOWED;
    }
    if (!counters || !mutex
        || apr_global_mutex_lock(mutex) != APR_SUCCESS) {
        return HTTP_SERVICE_UNAVAILABLE;
    }
    memcpy(&snapshot, counters, sizeof(snapshot));
    apr_global_mutex_unlock(mutex);
    /* the salt never leaves the shared memory */
    memset(snapshot.salt, 0, sizeof(snapshot.salt));

    json = wants_json(r);
    ap_set_content_type(r, json ? "application/json"
                                : "text/html; charset=utf-8");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    apr_table_mergen(r->headers_out, "Vary", "Accept");
    if (!r->header_only) {
        ap_rputs(json ? cg_counters_json(r->pool, &snapshot, r->request_time)
                      : cg_counters_html(r->pool, &snapshot, r->request_time),
                 r);
    }
    return OK;
}
