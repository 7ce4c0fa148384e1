/* cg_slot.c: one current value in a pool of its own, lent to other
 * pools. */
#include "cg_slot.h"

struct cg_slot_t {
    apr_pool_t *parent;
    cg_slot_value_t *current;
    int closing;                    /* the parent pool is going */
};

/* Before the parent pool destroys its subpools (the values' and the
 * borrowers'), in whatever order: a borrower let go after its value went
 * must not touch it. */
static apr_status_t slot_closing(void *data)
{
    ((cg_slot_t *)data)->closing = 1;
    return APR_SUCCESS;
}

cg_slot_t *cg_slot_make(apr_pool_t *parent)
{
    cg_slot_t *slot = apr_pcalloc(parent, sizeof(*slot));

    slot->parent = parent;
    apr_pool_pre_cleanup_register(parent, slot, slot_closing);
    return slot;
}

void *cg_slot_current(const cg_slot_t *slot)
{
    return slot ? slot->current : NULL;
}

apr_pool_t *cg_slot_pool(cg_slot_t *slot)
{
    apr_pool_t *pool;

    /* the value no pool holds any more makes room in its own pool (a
     * connection's requests come one after another: nearly always) */
    if (slot->current && slot->current->users == 0) {
        pool = slot->current->pool;
        slot->current = NULL;
        apr_pool_clear(pool);
        return pool;
    }
    return apr_pool_create(&pool, slot->parent) == APR_SUCCESS ? pool : NULL;
}

void cg_slot_set(cg_slot_t *slot, cg_slot_value_t *v, apr_pool_t *pool)
{
    v->pool = pool;
    v->slot = slot;
    v->users = 0;
    /* a value replaced while it is lent goes with its last borrower */
    slot->current = v;
}

static apr_status_t value_release(void *data)
{
    cg_slot_value_t *v = data;

    if (v->slot->closing) {
        return APR_SUCCESS;
    }
    if (--v->users == 0 && v != v->slot->current) {
        apr_pool_destroy(v->pool);
    }
    return APR_SUCCESS;
}

void cg_slot_lend(cg_slot_value_t *v, apr_pool_t *user)
{
    ++v->users;
    apr_pool_cleanup_register(user, v, value_release, apr_pool_cleanup_null);
}
