/* consentgate-verify FILE...: checks the hash chain of receipt files
 * (ConsentReceipts file:PATH), given oldest first when a file was rotated;
 * names the first line that was edited, deleted, inserted or moved. */
#include <stdio.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>

#include "cg_chain.h"

int main(int argc, const char *const *argv)
{
    apr_pool_t *p;
    cg_chain_verify_t v;
    int i, rc = 0;

    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        fprintf(stderr, "usage: %s FILE...\n"
                "Verifies the hash chain of consent receipt files, oldest "
                "first; a rotated file's\nsuccessor must follow it.\n",
                argv[0]);
        return 2;
    }
    apr_app_initialize(&argc, &argv, NULL);
    apr_pool_create(&p, NULL);
    memset(&v, 0, sizeof(v));
    for (i = 1; i < argc; ++i) {
        const char *why;
        apr_size_t before = v.lines;
        long bad = cg_chain_verify_file(p, argv[i], &v, &why);

        if (bad < 0) {
            fprintf(stderr, "%s: %s\n", argv[i], why);
            rc = 2;
            break;
        }
        if (bad > 0) {
            printf("%s:%ld: %s\n", argv[i], bad, why);
            rc = 1;
            break;
        }
        printf("%s: OK, %lu lines\n", argv[i],
               (unsigned long)(v.lines - before));
    }
    if (!rc && v.chained && strcmp(v.anchor, CG_CHAIN_GENESIS)) {
        /* not an error: the oldest file given continues an older one */
        printf("the chain begins after %s\n", v.anchor);
    }
    apr_pool_destroy(p);
    apr_terminate();
    return rc;
}
