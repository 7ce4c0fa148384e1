/* fuzz_common.h: what every libFuzzer target of mod_consentgate shares.
 *
 * APR is initialised once (LLVMFuzzerInitialize) with one root pool that
 * lives for the whole run; each input gets the subpool `cg_fuzz_pool`,
 * cleared after the input. A broken invariant is reported with
 * CG_FUZZ_CHECK, which prints what failed and abort()s, so libFuzzer
 * records the input as a crash: every broken invariant is a finding.
 *
 * Note: APR pools hand out memory from large blocks, so AddressSanitizer
 * sees overruns of the input itself (kept in exactly sized malloc()
 * buffers here) but not overruns inside pool memory. */
#ifndef CG_FUZZ_COMMON_H
#define CG_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_tables.h>

static apr_pool_t *cg_fuzz_root;
static apr_pool_t *cg_fuzz_pool;

#define CG_FUZZ_CHECK(cond, ...)                                            \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "\n%s:%d: invariant broken: %s\n  ", __FILE__,  \
                    __LINE__, #cond);                                       \
            fprintf(stderr, __VA_ARGS__);                                   \
            fputc('\n', stderr);                                            \
            abort();                                                        \
        }                                                                   \
    } while (0)

/* Optional per-target set-up, run once after the pools exist. */
static void cg_fuzz_setup(apr_pool_t *root);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (apr_initialize() != APR_SUCCESS
        || apr_pool_create(&cg_fuzz_root, NULL) != APR_SUCCESS
        || apr_pool_create(&cg_fuzz_pool, cg_fuzz_root) != APR_SUCCESS) {
        fprintf(stderr, "fuzz: cannot initialise APR\n");
        abort();
    }
    cg_fuzz_setup(cg_fuzz_root);
    return 0;
}

/* A page streamed in buckets, from the input: a control byte `ctl` and
 * the bytes from data[pos] on. With ctl's top bit, every byte is a bucket
 * (a cut after each byte); else ctl's low four bits say how many bucket
 * sizes (one byte each) come first, the last bucket taking the rest. The
 * rest of the input is the page. `page` and `cuts` (offsets, ascending,
 * each at most `len`) are exactly sized malloc() buffers, so
 * AddressSanitizer sees an overrun; free with cg_fuzz_stream_free(). */
typedef struct cg_fuzz_stream_t {
    char *page;
    size_t len;
    size_t *cuts;
    int ncuts;
} cg_fuzz_stream_t;

static inline void *cg_fuzz_malloc(size_t n)
{
    void *m = malloc(n ? n : 1);

    if (!m) {
        abort();
    }
    return m;
}

static inline void cg_fuzz_stream(const uint8_t *data, size_t size,
                                  size_t pos, uint8_t ctl,
                                  cg_fuzz_stream_t *s)
{
    size_t n = 0, off = 0, i;

    if (!(ctl & 0x80)) {
        n = ctl & 15;
        if (n > size - pos) {
            n = size - pos;
        }
    }
    s->len = size - pos - n;
    s->page = cg_fuzz_malloc(s->len);
    memcpy(s->page, data + pos + n, s->len);
    if (ctl & 0x80) {
        n = s->len;
    }
    s->cuts = cg_fuzz_malloc(n * sizeof(*s->cuts));
    s->ncuts = (int)n;
    for (i = 0; i < n; ++i) {
        if (ctl & 0x80) {
            s->cuts[i] = i;
            continue;
        }
        /* sizes to offsets */
        off += data[pos + i];
        s->cuts[i] = off < s->len ? off : s->len;
    }
}

static inline void cg_fuzz_stream_free(cg_fuzz_stream_t *s)
{
    free(s->page);
    free(s->cuts);
}

/* The input as a C string in an exactly sized malloc() buffer (so
 * AddressSanitizer catches a read past its NUL); it ends at the first
 * NUL byte of the input. free() it. */
static inline char *cg_fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (!s) {
        abort();
    }
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Splits the input at NUL bytes into at most `n` fields, each a malloc()ed
 * C string of exactly its size; fields the input does not reach are
 * NULL, and whatever follows the n-th field is ignored. "a" gives
 * {"a", NULL...}, "a\0" gives {"a", "", NULL...}. Free with
 * cg_fuzz_free_fields(). */
static inline void cg_fuzz_fields(const uint8_t *data, size_t size, char **fields,
                           int n)
{
    size_t pos = 0;
    int i;

    for (i = 0; i < n; ++i) {
        const uint8_t *nul;
        size_t len;

        if (pos > size || (i > 0 && pos == size && data[pos - 1] != '\0')) {
            fields[i] = NULL;
            continue;
        }
        nul = pos < size ? memchr(data + pos, '\0', size - pos) : NULL;
        len = nul ? (size_t)(nul - (data + pos)) : size - pos;
        fields[i] = cg_fuzz_cstr(data + pos, len);
        pos += len + 1;
    }
}

static inline void cg_fuzz_free_fields(char **fields, int n)
{
    int i;

    for (i = 0; i < n; ++i) {
        free(fields[i]);
        fields[i] = NULL;
    }
}

/* Shows a string with its odd bytes escaped, for invariant messages
 * (four rotating buffers, so one message can show four strings). */
static inline const char *cg_fuzz_show(const char *s)
{
    static char bufs[4][1024];
    static int next;
    char *buf = bufs[next++ & 3];
    size_t o = 0;

    if (!s) {
        return "(NULL)";
    }
    for (; *s && o < sizeof(bufs[0]) - 8; ++s) {
        unsigned char c = (unsigned char)*s;

        if (c >= 0x20 && c < 0x7f && c != '\\') {
            buf[o++] = (char)c;
        }
        else {
            o += (size_t)snprintf(buf + o, 5, "\\x%02x", c);
        }
    }
    buf[o] = '\0';
    return buf;
}

/* Two arrays of const char * hold the same strings in the same order
 * (NULL equals nothing, not even another NULL). */
static inline int cg_fuzz_same_strings(const apr_array_header_t *a,
                                       const apr_array_header_t *b)
{
    int i;

    if (!a || !b || a->nelts != b->nelts) {
        return 0;
    }
    for (i = 0; i < a->nelts; ++i) {
        if (strcmp(APR_ARRAY_IDX(a, i, const char *),
                   APR_ARRAY_IDX(b, i, const char *))) {
            return 0;
        }
    }
    return 1;
}

#endif /* CG_FUZZ_COMMON_H */
