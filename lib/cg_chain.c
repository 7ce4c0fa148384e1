/* cg_chain.c: the hash chain of a receipt file (see cg_chain.h). */
#include <string.h>

#include <apr_strings.h>
#include <apr_lib.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "cg_chain.h"

static const char hash_key[] = ",\"hash\":\"";
#define HASH_KEY_LEN (sizeof(hash_key) - 1)
/* ,"hash":"<64 hex>"} */
#define HASH_TAIL_LEN (HASH_KEY_LEN + CG_CHAIN_HEXLEN + 2)

const char *cg_sha256_hex(apr_pool_t *p, const void *data, apr_size_t len)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0, i;
    char *out;

    if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL)
        || n * 2 != CG_CHAIN_HEXLEN) {
        return NULL;
    }
    out = apr_palloc(p, CG_CHAIN_HEXLEN + 1);
    for (i = 0; i < n; ++i) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[CG_CHAIN_HEXLEN] = '\0';
    return out;
}

static int is_hex64(const char *s, apr_size_t len)
{
    apr_size_t i;

    if (len != CG_CHAIN_HEXLEN) {
        return 0;
    }
    for (i = 0; i < len; ++i) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

const char *cg_chain_line(apr_pool_t *p, const char *line, const char *prev)
{
    apr_size_t len = line ? strlen(line) : 0;
    const char *body, *hash;
    int empty;

    if (len < 3 || line[0] != '{' || strcmp(line + len - 2, "}\n")
        || !prev || !is_hex64(prev, strlen(prev))) {
        return NULL;
    }
    /* an empty object has no member to follow with a comma */
    empty = strspn(line + 1, " \t\r") == len - 3;
    body = apr_pstrcat(p, apr_pstrmemdup(p, line, len - 2),
                       empty ? "" : ",", "\"prev\":\"", prev, "\"", NULL);
    if (!(hash = cg_sha256_hex(p, body, strlen(body)))) {
        return NULL;
    }
    return apr_pstrcat(p, body, hash_key, hash, "\"}\n", NULL);
}

/* The hash a chained line carries, when its bytes match it; NULL for a
 * line that is not chained. *bad is set for a chained line whose hash is
 * wrong. */
static const char *own_hash(apr_pool_t *p, const char *line, apr_size_t len,
                            int *bad)
{
    const char *tail, *computed;

    *bad = 0;
    if (len < HASH_TAIL_LEN + 1) {
        return NULL;
    }
    tail = line + len - HASH_TAIL_LEN;
    if (memcmp(tail, hash_key, HASH_KEY_LEN)
        || !is_hex64(tail + HASH_KEY_LEN, CG_CHAIN_HEXLEN)
        || memcmp(line + len - 2, "\"}", 2)) {
        return NULL;
    }
    computed = cg_sha256_hex(p, line, tail - line);
    if (!computed || memcmp(computed, tail + HASH_KEY_LEN, CG_CHAIN_HEXLEN)) {
        *bad = 1;
        return NULL;
    }
    return computed;
}

const char *cg_chain_head(apr_pool_t *p, const char *last, apr_size_t len)
{
    const char *h;
    int bad;

    if (!len) {
        return CG_CHAIN_GENESIS;
    }
    if ((h = own_hash(p, last, len, &bad))) {
        return h;
    }
    /* an unchained or damaged line: the chain goes on from its bytes, and
     * the verifier names it */
    return cg_sha256_hex(p, last, len);
}

int cg_chain_sealed(const char *last, apr_size_t len)
{
    static const char seal[] = "{\"rotated_to\":";

    return last && len > sizeof(seal) - 1
        && !memcmp(last, seal, sizeof(seal) - 1);
}

apr_status_t cg_chain_tail(apr_pool_t *p, apr_file_t *f, const char **last,
                           apr_size_t *len, int *torn)
{
    apr_finfo_t fi;
    apr_off_t off;
    apr_size_t n, want, got = 0;
    char *buf;
    apr_status_t rv;

    *last = "";
    *len = 0;
    *torn = 0;
    if ((rv = apr_file_info_get(&fi, APR_FINFO_SIZE, f)) != APR_SUCCESS) {
        return rv;
    }
    if (fi.size == 0) {
        return APR_SUCCESS;
    }
    want = fi.size > CG_CHAIN_TAIL_MAX ? CG_CHAIN_TAIL_MAX : (apr_size_t)fi.size;
    off = fi.size - want;
    if ((rv = apr_file_seek(f, APR_SET, &off)) != APR_SUCCESS) {
        return rv;
    }
    buf = apr_palloc(p, want + 1);
    while (got < want) {
        n = want - got;
        rv = apr_file_read(f, buf + got, &n);
        if (rv != APR_SUCCESS) {
            return rv;
        }
        got += n;
    }
    n = got;
    if (buf[n - 1] == '\n') {
        --n;
    }
    else {
        *torn = 1;
    }
    {
        apr_size_t start = n;

        while (start > 0 && buf[start - 1] != '\n') {
            --start;
        }
        buf[n] = '\0';
        *last = buf + start;
        *len = n - start;
    }
    return APR_SUCCESS;
}

const char *cg_chain_verify_line(apr_pool_t *p, cg_chain_verify_t *v,
                                 const char *line, apr_size_t len)
{
    const char *hash, *prev;
    json_t *obj, *pv;
    json_error_t jerr;
    int bad;

    v->lines++;
    if (v->sealed) {
        return "it comes after the line that closed the file";
    }
    hash = own_hash(p, line, len, &bad);
    if (bad) {
        return "its hash does not match its content (edited)";
    }
    if (!hash) {
        if (v->chained) {
            return "not a chained receipt line";
        }
        /* lines from before chaining: only the first line after them is
         * tied to them */
        v->unchained++;
        if (!(hash = cg_sha256_hex(p, line, len))) {
            return "no SHA-256";
        }
        memcpy(v->head, hash, CG_CHAIN_HEXLEN + 1);
        return NULL;
    }
    obj = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
                     &jerr);
    pv = obj ? json_object_get(obj, "prev") : NULL;
    if (!json_is_string(pv)
        || !is_hex64(json_string_value(pv), json_string_length(pv))) {
        json_decref(obj);
        return "not a JSON object with a valid \"prev\"";
    }
    prev = apr_pstrdup(p, json_string_value(pv));
    json_decref(obj);
    if (!v->chained) {
        memcpy(v->anchor, prev, CG_CHAIN_HEXLEN + 1);
    }
    if (v->head[0] && strcmp(prev, v->head)) {
        return "it does not follow the line before it "
               "(a line was deleted, inserted or moved)";
    }
    v->chained = 1;
    v->sealed = cg_chain_sealed(line, len);
    memcpy(v->head, hash, CG_CHAIN_HEXLEN + 1);
    return NULL;
}

long cg_chain_verify_file(apr_pool_t *p, const char *path,
                          cg_chain_verify_t *v, const char **why)
{
    apr_file_t *f;
    apr_pool_t *lp;
    apr_status_t rv;
    char *buf;
    apr_size_t have = 0, cap = CG_CHAIN_TAIL_MAX;
    long lineno = 0;
    int eof = 0;

    *why = NULL;
    /* a closed file's successor goes on after its closing line */
    v->sealed = 0;
    if ((rv = apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BUFFERED,
                            APR_FPROT_OS_DEFAULT, p)) != APR_SUCCESS) {
        char e[120];
        *why = apr_pstrcat(p, "cannot open: ", apr_strerror(rv, e, sizeof(e)),
                           NULL);
        return -1;
    }
    apr_pool_create(&lp, p);
    buf = apr_palloc(p, cap);
    /* lines are bounded: a longer one is damage, not a receipt */
    while (!eof || have) {
        char *nl;
        apr_size_t n, used;

        if (!eof && have < cap) {
            n = cap - have;
            rv = apr_file_read(f, buf + have, &n);
            if (rv == APR_EOF) {
                eof = 1;
            }
            else if (rv != APR_SUCCESS) {
                *why = "read error";
                apr_file_close(f);
                return -1;
            }
            have += n;
        }
        if (!have) {
            /* every line was whole */
            break;
        }
        nl = memchr(buf, '\n', have);
        if (!nl && !eof && have < cap) {
            continue;
        }
        ++lineno;
        if (!nl) {
            *why = have == cap ? "the line is too long"
                               : "the last line has no newline (cut short)";
            apr_file_close(f);
            return lineno;
        }
        used = nl - buf;
        apr_pool_clear(lp);
        if ((*why = cg_chain_verify_line(lp, v, buf, used))) {
            *why = apr_pstrdup(p, *why);
            apr_file_close(f);
            return lineno;
        }
        memmove(buf, nl + 1, have - used - 1);
        have -= used + 1;
    }
    apr_file_close(f);
    return 0;
}
