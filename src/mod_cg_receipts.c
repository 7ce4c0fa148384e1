/* mod_cg_receipts.c: where consent receipts go (ConsentReceipts): a JSON
 * lines file opened by the parent in post_config, or a mod_dbd table.
 * What a receipt holds is defined once in lib/cg_receipt.c, for both; the
 * file's lines are hash-chained (lib/cg_chain.c) under a mutex shared by
 * every child, rotated at startup (ConsentReceiptRetention), and the
 * notices banner.js serves are archived next to it. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <httpd.h>
#include <http_config.h>
#include <http_log.h>
#include <http_protocol.h>
#include <util_mutex.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include <apr_hash.h>
#include <apr_shm.h>
#include <apr_global_mutex.h>
#include <apr_portable.h>

#include <apr_dbd.h>
#include <mod_dbd.h>

#include <jansson.h>

#include "mod_cg.h"
#include "cg_banner.h"
#include "cg_chain.h"
#include "cg_status.h"
#include "cg_pixel.h"
#include "cg_receipt.h"

APLOG_USE_MODULE(consentgate);

/* The prepared statement ConsentReceipts dbd inserts with, and its table
 * (conf.d/consent_receipts.sql, PostgreSQL). */
#define DBD_LABEL     "consentgate_receipt"
#define RECEIPT_TABLE "consent_receipts"

static mod_cg_server_conf *server_conf(server_rec *s)
{
    return ap_get_module_config(s->module_config, &consentgate_module);
}

const char *mod_cg_set_receipts(cmd_parms *cmd, void *dconf, const char *arg)
{
    mod_cg_server_conf *sc = server_conf(cmd->server);

    (void)dconf;
    if (!strcmp(arg, "dbd")) {
        APR_OPTIONAL_FN_TYPE(ap_dbd_prepare) *prepare =
            APR_RETRIEVE_OPTIONAL_FN(ap_dbd_prepare);
        if (!prepare) {
            return apr_psprintf(cmd->pool, "%s dbd: load mod_dbd first",
                                cmd->cmd->name);
        }
        prepare(cmd->server, cg_receipt_sql_insert(cmd->pool, RECEIPT_TABLE),
                DBD_LABEL);
        sc->receipts_dbd = 1;
        sc->receipts_path = NULL;
        return NULL;
    }
    if (strncmp(arg, "file:", 5) || !arg[5]) {
        return apr_psprintf(cmd->pool, "%s: '%s' is neither file:PATH nor dbd",
                            cmd->cmd->name, arg);
    }
    sc->receipts_path = arg + 5;
    sc->receipts_dbd = 0;
    return NULL;
}

/* Every writer of every receipt file, in every child, takes this mutex:
 * a line's "prev" is the hash of the line before it, read from the file. */
#define MUTEX_TYPE "consentgate-receipts"
static apr_global_mutex_t *mutex;

/* The receipt rate per masked address and site, shared by the children:
 * the pixel's limiter (cg_rate_t: a hash keyed by a secret of its own, so
 * no one can aim at another address's count, and one address per slot).
 * Its shared memory is kept across graceful restarts, so a restart does
 * not start every count again. */
#define DEFAULT_RATE 30
#define RATE_KEPT "consentgate-receipt-rate"
typedef struct rate_kept {
    apr_shm_t *shm;
} rate_kept;
static cg_rate_t *rates;

static const char *set_age(cmd_parms *cmd, const char *arg, apr_int64_t *out)
{
    char *end;
    apr_int64_t n;

    if (!strcasecmp(arg, "off")) {
        *out = 0;
        return NULL;
    }
    n = apr_strtoi64(arg, &end, 10);
    if (n <= 0 || end == arg || !*end || end[1]) {
        return apr_psprintf(cmd->pool, "%s: '%s' is not an age such as 400d, "
                            "12w, 36h or off", cmd->cmd->name, arg);
    }
    switch (*end) {
    case 'h': *out = n * 3600; break;
    case 'd': *out = n * 86400; break;
    case 'w': *out = n * 7 * 86400; break;
    default:
        return apr_psprintf(cmd->pool, "%s: '%s' is not an age such as 400d, "
                            "12w, 36h or off", cmd->cmd->name, arg);
    }
    return NULL;
}

const char *mod_cg_set_receipt_retention(cmd_parms *cmd, void *dconf,
                                         const char *arg)
{
    (void)dconf;
    return set_age(cmd, arg, &server_conf(cmd->server)->receipt_retention);
}

const char *mod_cg_set_receipt_rate(cmd_parms *cmd, void *dconf,
                                    const char *arg)
{
    char *end;
    apr_int64_t n = apr_strtoi64(arg, &end, 10);

    (void)dconf;
    if (end == arg || *end || n < 0 || n > 1000000) {
        return apr_psprintf(cmd->pool, "%s: '%s' is not a number of receipts "
                            "per minute (0: no limit)", cmd->cmd->name, arg);
    }
    server_conf(cmd->server)->receipt_rate = (int)n;
    return NULL;
}

const char *mod_cg_set_receipt_max_size(cmd_parms *cmd, void *dconf,
                                        const char *arg)
{
    char *end;
    apr_int64_t n = apr_strtoi64(arg, &end, 10), unit = 1;

    (void)dconf;
    if (*end && !end[1]) {
        switch (*end) {
        case 'K': case 'k': unit = 1024; ++end; break;
        case 'M': case 'm': unit = 1024 * 1024; ++end; break;
        case 'G': case 'g': unit = 1024 * 1024 * 1024; ++end; break;
        default: break;
        }
    }
    if (end == arg || *end || n <= 0 || n > APR_INT64_C(1) << 40) {
        return apr_psprintf(cmd->pool, "%s: '%s' is not a size (bytes, or "
                            "with K, M or G)", cmd->cmd->name, arg);
    }
    server_conf(cmd->server)->receipt_max_size = n * unit;
    return NULL;
}

int mod_cg_receipts_pre_config(apr_pool_t *pconf, apr_pool_t *plog,
                               apr_pool_t *ptemp)
{
    (void)plog;
    (void)ptemp;
    mutex = NULL;
    rates = NULL;
    return ap_mutex_register(pconf, MUTEX_TYPE, NULL, APR_LOCK_DEFAULT, 0);
}

/* RFC 3339 UTC, to the second */
static const char *now_text(apr_pool_t *p, apr_time_t t)
{
    char buf[32];
    apr_size_t n;
    apr_time_exp_t tm;

    apr_time_exp_gmt(&tm, t);
    apr_strftime(buf, &n, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return apr_pstrdup(p, buf);
}

/* An fcntl() lock on the whole file: held per process and per file (not
 * per descriptor), so it also keeps out the children of the generation
 * before a graceful restart, whose mutex is another; the mutex keeps out
 * this process's other threads, which fcntl() does not. */
static apr_status_t file_lock(apr_file_t *f, int type)
{
    apr_os_file_t fd;
    struct flock l;

    if (apr_os_file_get(&fd, f) != APR_SUCCESS) {
        return APR_EBADF;
    }
    memset(&l, 0, sizeof(l));
    l.l_type = type;
    l.l_whence = SEEK_SET;
    while (fcntl(fd, F_SETLKW, &l) < 0) {
        if (errno != EINTR) {
            return errno;
        }
    }
    return APR_SUCCESS;
}

/* With ConsentReceiptRetention, each start that finds receipts in the file
 * moves it aside as PATH.YYYYMMDD-HHMMSS-uuuuuu and begins PATH with a
 * line that cites the moved file and chains to its last line, so that
 * `consentgate-verify PATH.* PATH` checks the whole history in order. */
static apr_status_t rotate(apr_pool_t *p, server_rec *s, const char *path)
{
    apr_file_t *f;
    const char *last, *head, *line, *to, *base;
    apr_size_t len;
    apr_finfo_t fi;
    apr_time_exp_t tm;
    int torn;
    apr_status_t rv;

    if (apr_stat(&fi, path, APR_FINFO_SIZE, p) != APR_SUCCESS
        || fi.size == 0) {
        return APR_SUCCESS;
    }
    if ((rv = apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_WRITE
                            | APR_FOPEN_APPEND, APR_FPROT_OS_DEFAULT, p))
        != APR_SUCCESS) {
        return rv;
    }
    /* the children of the generation before still write to this file:
     * under its lock it gets a last line that closes it, after which they
     * write no more (append_chained()) */
    if ((rv = file_lock(f, F_WRLCK)) != APR_SUCCESS
        || (rv = cg_chain_tail(p, f, &last, &len, &torn)) != APR_SUCCESS) {
        apr_file_close(f);
        return rv;
    }
    /* a file that holds only the line that began it has nothing to move
     * (httpd reads its configuration twice at startup) */
    if (!torn && (apr_off_t)len + 1 == fi.size
        && !strncmp(last, "{\"rotated_from\":", 16)) {
        apr_file_close(f);
        return APR_SUCCESS;
    }
    apr_time_exp_gmt(&tm, apr_time_now());
    to = apr_psprintf(p, "%s.%04d%02d%02d-%02d%02d%02d-%06d", path,
                      tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                      tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_usec);
    base = strrchr(to, '/') ? strrchr(to, '/') + 1 : to;
    if (!cg_chain_sealed(last, len)) {
        const char *seal = cg_chain_line(p, apr_psprintf(p,
                               "{\"rotated_to\":\"%s\",\"time\":\"%s\"}\n",
                               strrchr(path, '/') ? strrchr(path, '/') + 1
                                                  : path,
                               now_text(p, apr_time_now())),
                           cg_chain_head(p, last, len));

        if (!seal || (rv = cg_receipt_append(f, torn ? apr_pstrcat(p, "\n",
                                                 seal, NULL) : seal))
                     != APR_SUCCESS) {
            apr_file_close(f);
            return seal ? rv : APR_EGENERAL;
        }
        last = seal;
        len = strlen(seal) - 1;
    }
    head = cg_chain_head(p, last, len);
    rv = apr_file_rename(path, to, p);
    /* closing it releases the lock: the children waiting find it sealed */
    apr_file_close(f);
    if (rv != APR_SUCCESS) {
        return rv;
    }
    line = cg_chain_line(p, apr_psprintf(p, "{\"rotated_from\":\"%s\","
                                         "\"time\":\"%s\"}\n", base,
                                         now_text(p, apr_time_now())), head);
    if (!line) {
        return APR_EGENERAL;
    }
    if ((rv = apr_file_open(&f, path, APR_FOPEN_WRITE | APR_FOPEN_CREATE
                            | APR_FOPEN_EXCL, APR_FPROT_UREAD
                            | APR_FPROT_UWRITE | APR_FPROT_GREAD, p))
        != APR_SUCCESS) {
        return rv;
    }
    rv = cg_receipt_append(f, line);
    apr_file_close(f);
    ap_log_error(APLOG_MARK, APLOG_NOTICE, rv, s, CGLOGNO(027)
                 "ConsentReceipts: %s continues in %s", to, path);
    return rv;
}

/* Deletes the files rotate() moved aside that were last written more than
 * `age` seconds ago. */
static void purge(apr_pool_t *p, server_rec *s, const char *path,
                  apr_int64_t age)
{
    const char *dir = ap_make_dirstr_parent(p, path);
    const char *base = path + strlen(dir);
    apr_size_t blen = strlen(base);
    apr_time_t before = apr_time_now() - apr_time_from_sec(age);
    apr_dir_t *d;
    apr_finfo_t fi;

    if (apr_dir_open(&d, dir, p) != APR_SUCCESS) {
        return;
    }
    while (apr_dir_read(&fi, APR_FINFO_NAME | APR_FINFO_MTIME | APR_FINFO_TYPE,
                        d) == APR_SUCCESS) {
        const char *full;

        /* only what rotate() names: PATH.YYYYMMDD-HHMMSS-uuuuuu */
        if (fi.filetype != APR_REG || strncmp(fi.name, base, blen)
            || fi.name[blen] != '.' || strlen(fi.name + blen) != 23
            || !apr_isdigit(fi.name[blen + 1]) || fi.mtime >= before) {
            continue;
        }
        full = apr_pstrcat(p, dir, fi.name, NULL);
        if (apr_file_remove(full, p) == APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s, CGLOGNO(028)
                         "ConsentReceiptRetention: deleted %s", full);
        }
    }
    apr_dir_close(d);
}

const char *mod_cg_notice_dir(apr_pool_t *p, const mod_cg_server_conf *sc)
{
    if (sc->notice_dir) {
        return ap_server_root_relative(p, sc->notice_dir);
    }
    if (sc->receipts_path) {
        return apr_pstrcat(p, ap_make_dirstr_parent(p,
                               ap_server_root_relative(p, sc->receipts_path)),
                           "notices", NULL);
    }
    return NULL;
}

/* Writes each notice of `sc` into DIR/HASH.json, once: the hash names the
 * exact bytes, so an existing file is already right. */
static void archive_notices(apr_pool_t *p, server_rec *s,
                            const mod_cg_server_conf *sc)
{
    const char *dir = mod_cg_notice_dir(p, sc);
    apr_hash_index_t *hi;
    apr_status_t rv;

    if (!dir || !sc->notices || !apr_hash_count(sc->notices)) {
        return;
    }
    if ((rv = apr_dir_make_recursive(dir, APR_FPROT_OS_DEFAULT, p))
        != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s, CGLOGNO(029)
                     "cannot make the notice archive %s", dir);
        return;
    }
    for (hi = apr_hash_first(p, sc->notices); hi; hi = apr_hash_next(hi)) {
        const mod_cg_notice *n = apr_hash_this_val(hi);
        const char *file = apr_pstrcat(p, dir, "/", n->hash, ".json", NULL);
        const char *tmp = apr_pstrcat(p, file, ".tmp", NULL);
        apr_finfo_t fi;
        apr_file_t *f;
        apr_size_t len = strlen(n->text);

        if (apr_stat(&fi, file, APR_FINFO_SIZE, p) == APR_SUCCESS
            && fi.size == (apr_off_t)len) {
            continue;
        }
        rv = apr_file_open(&f, tmp, APR_FOPEN_WRITE | APR_FOPEN_CREATE
                           | APR_FOPEN_TRUNCATE, APR_FPROT_UREAD
                           | APR_FPROT_UWRITE | APR_FPROT_GREAD
                           | APR_FPROT_WREAD, p);
        if (rv == APR_SUCCESS) {
            rv = apr_file_write_full(f, n->text, len, NULL);
            apr_file_close(f);
        }
        if (rv == APR_SUCCESS) {
            rv = apr_file_rename(tmp, file, p);
        }
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_ERR, rv, s, CGLOGNO(047)
                         "cannot archive the notice %s", file);
        }
    }
}

/* Receipt files are opened by the parent, as mod_log_config opens logs:
 * the children inherit a descriptor they may not be able to open. Read
 * too: the next line's chain starts from the last one. */
int mod_cg_receipts_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                                apr_pool_t *ptemp, server_rec *s)
{
    apr_hash_t *opened = apr_hash_make(ptemp);
    server_rec *s0 = s;
    rate_kept *kept;
    apr_status_t rv;
    int any = 0;

    (void)plog;
    for (; s; s = s->next) {
        mod_cg_server_conf *sc = server_conf(s);
        const char *path;
        apr_file_t *f;

        archive_notices(ptemp, s, sc);
        if (sc->receipts_dbd) {
            any = 1;
        }
        if (!sc->receipts_path) {
            continue;
        }
        any = 1;
        path = ap_server_root_relative(ptemp, sc->receipts_path);
        if ((f = apr_hash_get(opened, path, APR_HASH_KEY_STRING))) {
            sc->receipts = f;
            continue;
        }
        if (sc->receipt_retention > 0) {
            if ((rv = rotate(ptemp, s, path)) != APR_SUCCESS) {
                ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s, CGLOGNO(046)
                             "ConsentReceiptRetention: cannot rotate %s",
                             path);
                return HTTP_INTERNAL_SERVER_ERROR;
            }
            purge(ptemp, s, path, sc->receipt_retention);
        }
        rv = apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_WRITE
                           | APR_FOPEN_CREATE | APR_FOPEN_APPEND,
                           APR_FPROT_UREAD | APR_FPROT_UWRITE
                           | APR_FPROT_GREAD, pconf);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s, CGLOGNO(010)
                         "ConsentReceipts: cannot open %s", path);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        apr_hash_set(opened, path, APR_HASH_KEY_STRING, f);
        sc->receipts = f;
    }
    if (!any) {
        return OK;
    }
    rv = ap_global_mutex_create(&mutex, NULL, MUTEX_TYPE, NULL, s0, pconf, 0);
    if (rv != APR_SUCCESS) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    kept = ap_retained_data_get(RATE_KEPT);
    if (!kept) {
        kept = ap_retained_data_create(RATE_KEPT, sizeof(*kept));
        rv = apr_shm_create(&kept->shm, sizeof(cg_rate_t), NULL,
                            s0->process->pool);
        if (rv != APR_SUCCESS) {
            kept->shm = NULL;
            ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s0, CGLOGNO(040)
                         "cannot make the shared memory of "
                         "ConsentReceiptRate");
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        memset(apr_shm_baseaddr_get(kept->shm), 0, sizeof(cg_rate_t));
    }
    if (!kept->shm) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    rates = apr_shm_baseaddr_get(kept->shm);
    return OK;
}

void mod_cg_receipts_child_init(apr_pool_t *p, server_rec *s)
{
    if (mutex && apr_global_mutex_child_init(&mutex,
                     apr_global_mutex_lockfile(mutex), p) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, CGLOGNO(041)
                     "cannot reopen the receipts mutex");
    }
}

static int rate_of(const mod_cg_server_conf *sc)
{
    return sc->receipt_rate >= 0 ? sc->receipt_rate : DEFAULT_RATE;
}

/* Counts a receipt for the request's masked address: 0 when it is within
 * ConsentReceiptRate, -1 beyond it. */
static int rate_take(request_rec *r)
{
    int limit = rate_of(server_conf(r->server)), allowed;
    const char *masked, *key;

    if (!limit || !rates || !mutex) {
        return 0;
    }
    masked = cg_mask_ip(r->pool, r->useragent_ip, 2, 80);
    /* each virtual host counts apart */
    key = apr_pstrcat(r->pool, masked ? masked : "", " ",
                      r->server->server_hostname
                      ? r->server->server_hostname : "", NULL);
    if (apr_global_mutex_lock(mutex) != APR_SUCCESS) {
        return 0;
    }
    allowed = cg_rate_take(rates, key, r->request_time, (apr_uint32_t)limit);
    apr_global_mutex_unlock(mutex);
    return allowed ? 0 : -1;
}

static int too_large(request_rec *r)
{
    mod_cg_server_conf *sc = server_conf(r->server);
    apr_finfo_t fi;

    return sc->receipts && sc->receipt_max_size > 0
        && apr_file_info_get(&fi, APR_FINFO_SIZE, sc->receipts) == APR_SUCCESS
        && fi.size >= sc->receipt_max_size;
}

int mod_cg_receipt_admit(request_rec *r)
{
    mod_cg_server_conf *sc = server_conf(r->server);

    if (!sc->receipts && !sc->receipts_dbd) {
        return OK;
    }
    if (too_large(r)) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, CGLOGNO(042)
                      "consent refused: the receipts file has reached "
                      "ConsentReceiptMaxSize");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (rate_take(r)) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, CGLOGNO(043)
                      "consent refused: over ConsentReceiptRate (%d a "
                      "minute) from this address", rate_of(sc));
        return HTTP_TOO_MANY_REQUESTS;
    }
    return OK;
}

/* Appends `line` chained to the file's last line, under the mutex and the
 * file's lock. */
static apr_status_t append_chained(request_rec *r, apr_file_t *f,
                                   const char *line)
{
    const char *last, *head, *chained;
    apr_size_t len;
    int torn = 0;
    apr_status_t rv;

    if (mutex && (rv = apr_global_mutex_lock(mutex)) != APR_SUCCESS) {
        return rv;
    }
    if ((rv = file_lock(f, F_WRLCK)) != APR_SUCCESS) {
        if (mutex) {
            apr_global_mutex_unlock(mutex);
        }
        return rv;
    }
    rv = cg_chain_tail(r->pool, f, &last, &len, &torn);
    if (rv == APR_SUCCESS && cg_chain_sealed(last, len)) {
        /* a child from before a restart that rotated the file: its
         * successor is the new file, which only the new children have */
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, CGLOGNO(045)
                      "the receipts file was rotated by a restart; this "
                      "process is one from before it");
        rv = APR_EOF;
    }
    else if (rv == APR_SUCCESS) {
        head = cg_chain_head(r->pool, last, len);
        chained = head ? cg_chain_line(r->pool, line, head) : NULL;
        if (!chained) {
            rv = APR_EGENERAL;
        }
        else {
            /* a line cut short stays a line of its own, which the
             * verifier names */
            rv = cg_receipt_append(f, torn ? apr_pstrcat(r->pool, "\n",
                                                         chained, NULL)
                                           : chained);
        }
    }
    (void)file_lock(f, F_UNLCK);
    if (mutex) {
        apr_global_mutex_unlock(mutex);
    }
    return rv;
}

/* A receipt as a row of consent_receipts (ConsentReceipts dbd). */
static int insert_receipt(request_rec *r, const cg_receipt_t *rec)
{
    APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) *acquire =
        APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    ap_dbd_t *dbd = acquire ? acquire(r) : NULL;
    apr_dbd_prepared_t *stmt;
    const char *values[CG_RECEIPT_NFIELDS];
    int rows = 0, rc;

    if (!dbd || !(stmt = apr_hash_get(dbd->prepared, DBD_LABEL,
                                      APR_HASH_KEY_STRING))) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, CGLOGNO(024)
                      "ConsentReceipts dbd: no database connection");
        return -1;
    }
    if (!cg_receipt_values(r->pool, rec, values)) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, CGLOGNO(155)
                      "cannot build the consent receipt %s", rec->id);
        return -1;
    }
    rc = apr_dbd_pquery(dbd->driver, r->pool, dbd->handle, &rows, stmt,
                        CG_RECEIPT_NFIELDS, values);
    if (rc || rows != 1) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, CGLOGNO(025)
                      "ConsentReceipts dbd: cannot insert receipt %s: %s",
                      rec->id, apr_dbd_error(dbd->driver, dbd->handle, rc));
        return -1;
    }
    return 0;
}

/* A notice served before a restart changed the banner (a page loaded
 * then, a choice made now): known when the archive holds it. Its
 * language is the one its text names. */
static const mod_cg_notice *archived_notice(request_rec *r,
                                            const mod_cg_server_conf *sc,
                                            const char *hash)
{
    const char *dir = mod_cg_notice_dir(r->pool, sc);
    mod_cg_notice *n;
    json_t *doc;

    if (!dir || strlen(hash) != CG_CHAIN_HEXLEN
        || strspn(hash, "0123456789abcdef") != CG_CHAIN_HEXLEN) {
        return NULL;
    }
    doc = json_load_file(apr_pstrcat(r->pool, dir, "/", hash, ".json", NULL),
                         0, NULL);
    if (!json_is_object(doc)
        || !json_is_string(json_object_get(doc, "lang"))) {
        json_decref(doc);
        return NULL;
    }
    n = apr_pcalloc(r->pool, sizeof(*n));
    n->hash = apr_pstrdup(r->pool, hash);
    n->lang = apr_pstrdup(r->pool,
                          json_string_value(json_object_get(doc, "lang")));
    json_decref(doc);
    return n;
}

int mod_cg_receipt_write(request_rec *r, const char *action,
                         const char *method,
                         const apr_array_header_t *categories,
                         const char *receipt_id, const char *notice)
{
    mod_cg_server_conf *sc = server_conf(r->server);
    const mod_cg_notice *shown = NULL;
    cg_receipt_t rec;
    const char *line;
    apr_status_t rv;

    if (!sc->receipts && !sc->receipts_dbd) {
        return 0;
    }
    /* a withdrawal is never refused: beyond the limits it goes without a
     * receipt (grants were checked by mod_cg_receipt_admit()) */
    if (strcmp(action, "grant") && (too_large(r) || rate_take(r))) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, CGLOGNO(044)
                      "no receipt for this %s (%s): ConsentReceiptMaxSize or "
                      "ConsentReceiptRate reached", action, receipt_id);
        return 0;
    }
    if (notice && sc->notices) {
        shown = apr_hash_get(sc->notices, notice, APR_HASH_KEY_STRING);
    }
    if (notice && !shown) {
        shown = archived_notice(r, sc, notice);
    }
    rec.id = receipt_id;
    rec.when = r->request_time;
    rec.action = action;
    rec.method = method;
    rec.categories = categories;
    rec.policy_revision = mod_cg_policy_revision(sc);
    rec.gpc = (mod_cg_signals(r) & CG_SIGNAL_GPC) != 0;
    rec.dnt = (mod_cg_signals(r) & CG_SIGNAL_DNT) != 0;
    rec.host = r->hostname;
    rec.lang = shown ? shown->lang
        : sc->banner_effective
        ? cg_banner_pick_language(sc->banner_effective,
                                  apr_table_get(r->headers_in,
                                                "Accept-Language"))
        : NULL;
    rec.expires = r->request_time + apr_time_from_sec(mod_cg_max_age(sc));
    /* a hash the module did not serve proves nothing */
    rec.notice = shown ? shown->hash : "unknown";
    if (sc->receipts_dbd) {
        return insert_receipt(r, &rec);
    }
    line = cg_receipt_line(r->pool, &rec);
    if (!line) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, CGLOGNO(023)
                      "cannot build the consent receipt %s", receipt_id);
        return -1;
    }
    rv = append_chained(r, sc->receipts, line);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r, CGLOGNO(020)
                      "cannot write the consent receipt %s", receipt_id);
        return -1;
    }
    return 0;
}
