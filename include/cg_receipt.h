/* cg_receipt.h: consent receipts (one JSON line per choice, appended to
 * a log shared by every httpd process) and the choice a visitor posts to
 * the consent endpoint. No httpd here. */
#ifndef CG_RECEIPT_H
#define CG_RECEIPT_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>
#include <apr_file_io.h>

/* The largest choice body cg_choice_parse() reads, in bytes. */
#define CG_CHOICE_MAX_BODY (64 * 1024)

/* What a receipt records. Deliberately nothing that identifies the
 * visitor (no address, no user agent): the receipt id, which is also in
 * the visitor's consent cookie, is what ties the two together. */
typedef struct cg_receipt_t {
    const char *id;
    apr_time_t when;
    const char *action;                     /* "grant", "refuse" or "revoke" */
    const apr_array_header_t *categories;   /* const char *; NULL is none */
    int policy_revision;
    int gpc;                                /* Sec-GPC was sent */
    int dnt;                                /* DNT was sent */
    /* how the choice was made: "accept_all", "reject_all", "custom",
     * "withdraw", "revocation_path" or "source:<name>" */
    const char *method;
    const char *host;           /* the site it was made on; NULL: "" */
    const char *lang;           /* the notice's language; NULL: "" */
    apr_time_t expires;         /* when the consent cookie expires */
    const char *notice;         /* SHA-256 of the notice shown; NULL:
                                   "unknown" */
} cg_receipt_t;

/* The methods a visitor can post (the banner's buttons), and what a
 * posted choice is recorded as: `posted` when it agrees with the choice
 * ("accept_all" only with every offered category, "reject_all" only with
 * none), else what the categories show. */
const char *cg_receipt_method(const char *posted, int chosen, int offered);

/* One receipt as a compact JSON object on one line, ending in exactly one
 * "\n", in pool memory:
 *   {"id":"...","time":"2026-11-22T19:00:00Z","action":"grant",
 *    "categories":["tracking"],"policy_revision":3,"gpc":false,"dnt":true,
 *    "method":"accept_all","host":"www.example.com","lang":"en",
 *    "expires":"2027-05-21T19:00:00Z","notice":"<64 hex>"}
 * with these keys in this order and no others; the time is RFC 3339 UTC,
 * truncated to the second. Odd characters in the id or the categories are
 * escaped by jansson. NULL when `r` is no receipt: no id, another action
 * or method, a NULL category, a string that is not UTF-8, or a time outside the
 * years 0000-9999. */
const char *cg_receipt_line(apr_pool_t *p, const cg_receipt_t *r);

/* The fields of a receipt, defined once for both places a receipt goes:
 * the keys of the JSON line (cg_receipt_line) and the columns of the
 * consent_receipts table (conf.d/consent_receipts.sql), in this order:
 * id, time, action, categories, policy_revision, gpc, dnt, method, host,
 * lang, expires, notice. */
#define CG_RECEIPT_NFIELDS 12
typedef struct cg_receipt_field_t {
    const char *name;       /* JSON key and SQL column */
    const char *sql_type;   /* what SQL casts the text to; NULL: text */
} cg_receipt_field_t;
extern const cg_receipt_field_t cg_receipt_fields[CG_RECEIPT_NFIELDS];

/* The receipt's fields as text, in cg_receipt_fields order, for the
 * parameters of cg_receipt_sql_insert(): strings as they are, the others
 * as compact JSON (["tracking"], 3, true). 0 when `r` is no receipt, as
 * for cg_receipt_line(). */
int cg_receipt_values(apr_pool_t *p, const cg_receipt_t *r,
                      const char *values[CG_RECEIPT_NFIELDS]);

/* The INSERT statement that writes one receipt into `table`, with one
 * "%s" parameter a field (apr_dbd's prepared-statement syntax), each cast
 * to its column's type:
 *   INSERT INTO t (id, time, ...) VALUES (%s, CAST(%s AS timestamptz), ...) */
const char *cg_receipt_sql_insert(apr_pool_t *p, const char *table);

/* Appends `line` to the receipt log `f` with one write, so that many
 * processes can append to the same log and every line arrives whole.
 *
 * The caller must open `f` with APR_FOPEN_WRITE | APR_FOPEN_APPEND and
 * without APR_FOPEN_BUFFERED: O_APPEND makes each write land at the end
 * of the file as one piece on a local file system (not over NFS), and a
 * buffer would split lines wherever it flushes. A buffered `f` is refused
 * with APR_EINVAL. Only a short write (a signal, a full disk, a pipe) is
 * continued. Returns the status of the first write that failed, or
 * APR_SUCCESS when all of `line` was written. */
apr_status_t cg_receipt_append(apr_file_t *f, const char *line);

/* The categories a visitor chose, from the body of a POST to the consent
 * endpoint, as a new array of const char * (pool copies) in the order
 * first given, without duplicates. An empty array is a valid refusal.
 *
 * `content_type` (case-insensitive, parameters such as "; charset=UTF-8"
 * ignored) must be one of:
 *   application/x-www-form-urlencoded: every "categories" field counts,
 *     each may hold several categories separated by commas
 *     ("categories=tracking&categories=stats", "categories=tracking%2Cstats");
 *     '+' is a space, spaces around a category and empty items are
 *     ignored, other fields are ignored but must be well-formed too;
 *   application/json: an object whose "categories", when present, is an
 *     array of strings; other keys are ignored, a key given twice is an
 *     error.
 * Every category must be one of `known` (const char *; NULL is none).
 *
 * NULL, with *err (when `err` is not NULL) saying why, for an unknown
 * category or anything malformed: another content type, a body over
 * CG_CHOICE_MAX_BODY bytes, bad JSON, a bad percent escape, a NUL byte
 * (raw or escaped, which would cut a category short). *err is NULL on
 * success. */
apr_array_header_t *cg_choice_parse(apr_pool_t *p, const char *content_type,
                                    const char *body, apr_size_t len,
                                    const apr_array_header_t *known,
                                    const char **err);

/* The string field `name` of a choice body (form or JSON, as for
 * cg_choice_parse()), such as the notice the visitor was shown; NULL when
 * absent, not a string, longer than 255 bytes, or the body is malformed.
 * Whatever it says is to be checked by the caller. */
const char *cg_choice_field(apr_pool_t *p, const char *content_type,
                            const char *body, apr_size_t len,
                            const char *name);

#endif /* CG_RECEIPT_H */
