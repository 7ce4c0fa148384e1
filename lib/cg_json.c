/* cg_json.c: jansson output into pool memory, measured first, so no copy
 * from jansson's own allocator has to be handed back. */
#include <string.h>

#include "cg_json.h"

char *cg_json_dump(apr_pool_t *p, const json_t *j, size_t flags,
                   const char *suffix)
{
    size_t need = j ? json_dumpb(j, NULL, 0, flags) : 0;
    size_t extra = strlen(suffix);
    char *out;

    if (need == 0) {
        return NULL;
    }
    out = apr_palloc(p, need + extra + 1);
    if (json_dumpb(j, out, need, flags) != need) {
        return NULL;
    }
    memcpy(out + need, suffix, extra + 1);
    return out;
}
