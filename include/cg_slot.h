/* cg_slot.h: one current value in a pool of its own, lent to other pools
 * (a connection's requests). A value replaced while a pool still holds it
 * stays until the last such pool is cleaned up; the pool of a value no
 * pool holds is cleared for the next one. Used by one thread at a time
 * (a connection's). No httpd here. */
#ifndef CG_SLOT_H
#define CG_SLOT_H

#include <apr_pools.h>

typedef struct cg_slot_t cg_slot_t;

/* The first member of every value a slot holds. */
typedef struct cg_slot_value_t {
    apr_pool_t *pool;               /* the value lives here */
    cg_slot_t *slot;
    int users;                      /* pools it is lent to */
} cg_slot_value_t;

/* An empty slot whose values live in subpools of `parent`. */
cg_slot_t *cg_slot_make(apr_pool_t *parent);

/* The current value, or NULL. */
void *cg_slot_current(const cg_slot_t *slot);

/* A pool for the value that will replace the current one: the current
 * value's own, cleared (the current forgotten), when no pool holds it,
 * else a new subpool; NULL when none can be made. */
apr_pool_t *cg_slot_pool(cg_slot_t *slot);

/* `v`, made in `pool` (from cg_slot_pool()), becomes the current value. */
void cg_slot_set(cg_slot_t *slot, cg_slot_value_t *v, apr_pool_t *pool);

/* Lends `v` to `user`: it stays until that pool is cleaned up. */
void cg_slot_lend(cg_slot_value_t *v, apr_pool_t *user);

#endif /* CG_SLOT_H */
