/* cg_chain.h: the hash chain that makes a receipt file tamper-evident,
 * and its verifier. No httpd here.
 *
 * Every chained line is a JSON object whose last two members are
 *   ,"prev":"<64 hex>","hash":"<64 hex>"}
 * where "hash" is the SHA-256 (lower-case hex) of the line's bytes up to,
 * not including, `,"hash":`, and "prev" is the "hash" of the line before
 * it in the file. The first line of a new file has "prev" all zeros
 * (CG_CHAIN_GENESIS), or, in a file that continues another (rotation), the
 * last hash of that file. A line without a hash (written before receipts
 * were chained) chains by the SHA-256 of its bytes, newline excluded; such
 * lines may only come before the first chained line. */
#ifndef CG_CHAIN_H
#define CG_CHAIN_H

#include <apr_pools.h>
#include <apr_file_io.h>

#define CG_CHAIN_HEXLEN 64
#define CG_CHAIN_GENESIS \
    "0000000000000000000000000000000000000000000000000000000000000000"

/* The SHA-256 of [data, data + len) as 64 lower-case hex digits, in pool
 * memory; NULL when libcrypto fails. */
const char *cg_sha256_hex(apr_pool_t *p, const void *data, apr_size_t len);

/* `line`, a compact JSON object ending in "}\n" (cg_receipt_line()),
 * chained to `prev`: with "prev" and "hash" appended as above. NULL when
 * `line` is not such an object or `prev` is not 64 hex digits. */
const char *cg_chain_line(apr_pool_t *p, const char *line, const char *prev);

/* What the next line chains to when [last, last + len) is the last line
 * of a file (its newline excluded): its "hash" when it is a chained line
 * whose hash is right, else the SHA-256 of its bytes; CG_CHAIN_GENESIS
 * when `len` is 0 (an empty file). */
const char *cg_chain_head(apr_pool_t *p, const char *last, apr_size_t len);

/* Whether [last, last + len), a file's last line, closes the file: the
 * line a rotation appends ({"rotated_to":...}) before the file is moved
 * aside. Nothing may be appended after it. */
int cg_chain_sealed(const char *last, apr_size_t len);

/* The last line of `f` (opened for reading), without its newline, from at
 * most the file's last CG_CHAIN_TAIL_MAX bytes: "" for an empty file.
 * *torn is set when the file does not end in a newline (a write cut
 * short), so that the next line must begin with one. Moves the file
 * pointer; hold the writers' lock. */
#define CG_CHAIN_TAIL_MAX (64 * 1024)
apr_status_t cg_chain_tail(apr_pool_t *p, apr_file_t *f, const char **last,
                           apr_size_t *len, int *torn);

/* The verifier's state over one file or several files in order. */
typedef struct cg_chain_verify_t {
    char head[CG_CHAIN_HEXLEN + 1];     /* what the next line must cite;
                                           "": anything (a first line) */
    char anchor[CG_CHAIN_HEXLEN + 1];   /* the "prev" of the first chained
                                           line: the file it continues */
    apr_size_t lines;       /* lines checked */
    apr_size_t unchained;   /* lines before the chain began */
    int chained;            /* a chained line was seen */
    int sealed;             /* the file's closing line was seen */
} cg_chain_verify_t;

/* Checks the next line [line, line + len) (newline excluded) against the
 * state and advances it. NULL when the line is good, else why not. */
const char *cg_chain_verify_line(apr_pool_t *p, cg_chain_verify_t *v,
                                 const char *line, apr_size_t len);

/* Verifies a whole file. Returns 0 when every line is good, else the
 * number (from 1) of the first bad line, with *why saying what is wrong;
 * -1 when the file cannot be read. `v` carries the chain across files:
 * zero it before the first. */
long cg_chain_verify_file(apr_pool_t *p, const char *path,
                          cg_chain_verify_t *v, const char **why);

#endif /* CG_CHAIN_H */
