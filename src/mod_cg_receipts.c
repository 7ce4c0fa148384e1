/* mod_cg_receipts.c: where consent receipts go (ConsentReceipts): a JSON
 * lines file opened by the parent in post_config, or a mod_dbd table.
 * What a receipt holds is defined once in lib/cg_receipt.c, for both. */
#include <httpd.h>
#include <http_config.h>
#include <http_log.h>
#include <apr_strings.h>
#include <apr_hash.h>

#include <apr_dbd.h>
#include <mod_dbd.h>

#include "mod_cg.h"
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

/* Receipt files are opened by the parent, as mod_log_config opens logs:
 * the children inherit a descriptor they may not be able to open. */
int mod_cg_receipts_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                                apr_pool_t *ptemp, server_rec *s)
{
    apr_hash_t *opened = apr_hash_make(ptemp);

    (void)plog;
    for (; s; s = s->next) {
        mod_cg_server_conf *sc = server_conf(s);
        const char *path;
        apr_file_t *f;
        apr_status_t rv;

        if (!sc->receipts_path) {
            continue;
        }
        path = ap_server_root_relative(ptemp, sc->receipts_path);
        if ((f = apr_hash_get(opened, path, APR_HASH_KEY_STRING))) {
            sc->receipts = f;
            continue;
        }
        rv = apr_file_open(&f, path, APR_FOPEN_WRITE | APR_FOPEN_CREATE
                           | APR_FOPEN_APPEND, APR_FPROT_UREAD
                           | APR_FPROT_UWRITE | APR_FPROT_GREAD, pconf);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s, CGLOGNO(010)
                         "ConsentReceipts: cannot open %s", path);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        apr_hash_set(opened, path, APR_HASH_KEY_STRING, f);
        sc->receipts = f;
    }
    return OK;
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
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, CGLOGNO(023)
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

int mod_cg_receipt_write(request_rec *r, const char *action,
                         const apr_array_header_t *categories,
                         const char *receipt_id)
{
    mod_cg_server_conf *sc = server_conf(r->server);
    cg_receipt_t rec;
    const char *line;
    apr_status_t rv;

    if (!sc->receipts && !sc->receipts_dbd) {
        return 0;
    }
    rec.id = receipt_id;
    rec.when = r->request_time;
    rec.action = action;
    rec.categories = categories;
    rec.policy_revision = mod_cg_policy_revision(sc);
    rec.gpc = (mod_cg_signals(r) & CG_SIGNAL_GPC) != 0;
    rec.dnt = (mod_cg_signals(r) & CG_SIGNAL_DNT) != 0;
    if (sc->receipts_dbd) {
        return insert_receipt(r, &rec);
    }
    line = cg_receipt_line(r->pool, &rec);
    if (!line) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, CGLOGNO(023)
                      "cannot build the consent receipt %s", receipt_id);
        return -1;
    }
    rv = cg_receipt_append(sc->receipts, line);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r, CGLOGNO(020)
                      "cannot write the consent receipt %s", receipt_id);
        return -1;
    }
    return 0;
}
