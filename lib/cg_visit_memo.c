/* cg_visit_memo.c: the visit last read on one connection. */
#include <string.h>

#include <apr_strings.h>

#include "cg_slot.h"
#include "cg_tcf.h"
#include "cg_visit_memo.h"

#define SCRUBS_KEPT 4               /* policy and state pairs per visit */

typedef enum { KEPT_ALL, KEPT_NONE, KEPT_SOME } kept_e;

typedef struct memo_scrub_t {
    const cg_policy_t *pol;
    cg_state_e state;
    kept_e kept;
    const char *header;             /* KEPT_SOME */
} memo_scrub_t;

typedef struct memo_entry_t {
    cg_slot_value_t held;           /* first: its pool holds all below */
    const cg_policy_t *pol;
    const char *cookie;             /* NULL: no Cookie header */
    apr_size_t cookie_len;
    int signals;
    apr_time_t second;
    cg_visit_t visit;
    memo_scrub_t scrub[SCRUBS_KEPT];
    int scrubs;
} memo_entry_t;

struct cg_visit_memo_t {
    cg_slot_t *entries;             /* the visit last read */
    cg_tcf_cache_t *tcf;            /* the TC string last decoded */
};

cg_visit_memo_t *cg_visit_memo_make(apr_pool_t *conn)
{
    cg_visit_memo_t *m = apr_pcalloc(conn, sizeof(*m));

    m->entries = cg_slot_make(conn);
    m->tcf = cg_tcf_cache_make(conn);
    return m;
}

static int same_read(const memo_entry_t *e, const cg_policy_t *pol,
                     const char *cookie, apr_size_t cookie_len, int signals,
                     apr_time_t second)
{
    /* the header's length is needed for a new entry anyway, and memcmp()
     * of known lengths is about twice as fast as strncmp() */
    return e->pol == pol && e->signals == signals && e->second == second
           && (cookie ? e->cookie && e->cookie_len == cookie_len
                        && !memcmp(e->cookie, cookie, cookie_len)
                      : !e->cookie);
}

/* A new entry holding the read; the one it replaces goes once no request
 * uses it. NULL when no pool can be made. */
static memo_entry_t *entry_read(cg_visit_memo_t *m, const cg_policy_t *pol,
                                const char *cookie, apr_size_t cookie_len,
                                const char *sec_gpc, const char *dnt,
                                int signals, apr_time_t second)
{
    apr_pool_t *pool = cg_slot_pool(m->entries);
    memo_entry_t *e;

    if (!pool) {
        return NULL;
    }
    e = apr_pcalloc(pool, sizeof(*e));
    e->pol = pol;
    e->cookie = cookie ? apr_pstrmemdup(pool, cookie, cookie_len) : NULL;
    e->cookie_len = cookie_len;
    e->signals = signals;
    e->second = second;
    cg_visit_read_cached(pool, pol, e->cookie, sec_gpc, dnt, second, m->tcf,
                         &e->visit);
    cg_slot_set(m->entries, &e->held, pool);
    return e;
}

int cg_visit_memo_read(cg_visit_memo_t *m, apr_pool_t *req,
                       const cg_policy_t *pol, const char *cookie,
                       const char *sec_gpc, const char *dnt, apr_time_t now,
                       cg_visit_t *out)
{
    apr_time_t second = apr_time_from_sec(apr_time_sec(now));
    int signals = (cg_signal_gpc(sec_gpc) ? CG_SIGNAL_GPC : 0)
                  | (cg_signal_dnt(dnt) ? CG_SIGNAL_DNT : 0);
    apr_size_t cookie_len = cookie ? strlen(cookie) : 0;
    memo_entry_t *e = cg_slot_current(m->entries);
    int remembered = 1;

    if (!e || !same_read(e, pol, cookie, cookie_len, signals, second)) {
        remembered = 0;
        e = entry_read(m, pol, cookie, cookie_len, sec_gpc, dnt, signals,
                       second);
        if (!e) {
            cg_visit_read(req, pol, cookie, sec_gpc, dnt, now, out);
            return 0;
        }
    }
    cg_slot_lend(&e->held, req);
    *out = e->visit;
    out->cookie_header = cookie;
    out->matcher = cg_matcher_make(req);
    /* the names a rule could not decide are told by the request that met
     * them, once */
    e->visit.undecidable = NULL;
    return remembered;
}

static memo_entry_t *entry_of(cg_visit_memo_t *m, const cg_visit_t *v)
{
    memo_entry_t *e = cg_slot_current(m->entries);

    return e && e->visit.crumbs == v->crumbs ? e : NULL;
}

const char *cg_visit_memo_scrub(cg_visit_memo_t *m, apr_pool_t *req,
                                const cg_policy_t *pol, cg_visit_t *v,
                                cg_state_e state)
{
    memo_entry_t *e = entry_of(m, v);
    memo_scrub_t *s;
    const char *kept;
    int i;

    if (!e) {
        return cg_policy_scrub(req, pol, v, state);
    }
    for (i = 0; i < e->scrubs; ++i) {
        s = &e->scrub[i];
        if (s->pol == pol && s->state == state) {
            return s->kept == KEPT_ALL ? v->cookie_header
                   : s->kept == KEPT_NONE ? NULL : s->header;
        }
    }
    kept = cg_policy_scrub(e->held.pool, pol, v, state);
    if (e->scrubs < SCRUBS_KEPT) {
        s = &e->scrub[e->scrubs++];
        s->pol = pol;
        s->state = state;
        s->kept = kept == v->cookie_header ? KEPT_ALL
                  : !kept ? KEPT_NONE : KEPT_SOME;
        s->header = kept;
    }
    return kept;
}

apr_uint64_t cg_visit_memo_tc_decoded_again(const cg_visit_memo_t *m)
{
    return cg_tcf_cache_hits(m->tcf);
}
