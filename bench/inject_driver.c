/* inject_driver.c: the injection scanner's cost on one page, for
 * callgrind (bench/inject-callgrind): FILE is fed to lib/cg_inject.c in
 * 8000-byte pieces, as httpd reads a file bucket, until the scan is
 * decided, then finished; ROUNDS times. Only feed_page() is measured. */
#include <stdio.h>
#include <stdlib.h>

#include <apr_general.h>
#include <apr_pools.h>

#include "cg_inject.h"

#define PIECE 8000

static size_t emitted;

__attribute__((noinline))
static void feed_page(apr_pool_t *p, const cg_inject_t *inj, const char *tag,
                      const char *page, size_t len)
{
    cg_inject_state_t *st = cg_inject_start(p, inj, tag);
    cg_inject_span_t sp[CG_INJECT_MAX_SPANS];
    size_t off = 0;
    int n, i;

    /* a filter steps aside once the scan is decided */
    while (off < len && !cg_inject_done(st)) {
        size_t piece = len - off < PIECE ? len - off : PIECE;

        n = cg_inject_feed(st, page + off, piece, sp);
        for (i = 0; i < n; ++i) {
            emitted += sp[i].len;
        }
        off += piece;
    }
    n = cg_inject_finish(st, sp);
    for (i = 0; i < n; ++i) {
        emitted += sp[i].len;
    }
}

int main(int argc, char **argv)
{
    apr_pool_t *root, *p;
    FILE *f;
    char *page;
    long len;
    int rounds, r;
    const cg_inject_t *inj;
    const char *tag;

    if (argc != 3 || !(f = fopen(argv[1], "rb"))) {
        fprintf(stderr, "usage: inject_driver FILE ROUNDS\n");
        return 2;
    }
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    rewind(f);
    page = malloc(len);
    if (!page || fread(page, 1, len, f) != (size_t)len) {
        return 1;
    }
    fclose(f);
    rounds = atoi(argv[2]);
    apr_initialize();
    apr_pool_create(&root, NULL);
    apr_pool_create(&p, root);
    inj = cg_inject_make(root, "/consentgate/banner.js");
    tag = cg_inject_tag(root, "/consentgate");
    for (r = 0; r < rounds; ++r) {
        feed_page(p, inj, tag, page, len);
        apr_pool_clear(p);
    }
    printf("%zu bytes emitted in %d rounds\n", emitted, rounds);
    return 0;
}
