/* cg_json.h: jansson output straight into pool memory. No httpd here. */
#ifndef CG_JSON_H
#define CG_JSON_H

#include <apr_pools.h>
#include <jansson.h>

/* `j` dumped with `flags` into a NUL-terminated pool string, followed by
 * `suffix` (may be ""); NULL when jansson cannot dump it. Does not take
 * the reference to `j`. */
char *cg_json_dump(apr_pool_t *p, const json_t *j, size_t flags,
                   const char *suffix);

#endif /* CG_JSON_H */
