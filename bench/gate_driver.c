/* gate_driver.c: the gate's decisions on one request, for callgrind
 * (bench/gate-callgrind): the Cookie header COOKIE is read, decided and
 * scrubbed, and each Set-Cookie LINE judged, under the mautic preset with
 * unknown cookies allowed (bench/run's configuration B), ROUNDS times.
 * Only one_request() is measured: the library's share of what the gate
 * adds to a request, without httpd's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_tables.h>

#include "cg_classify.h"
#include "cg_policy.h"

static size_t kept_bytes;
static int verdicts;

__attribute__((noinline))
static void one_request(apr_pool_t *p, const cg_policy_t *pol,
                        const char *cookie, char **lines, int nlines,
                        apr_time_t now)
{
    cg_visit_t v;
    cg_judgement_t j;
    cg_state_e state;
    const char *kept;
    int i;

    cg_visit_read(p, pol, cookie, NULL, NULL, now, &v);
    state = cg_policy_decide(pol, &v, 0);
    kept = cg_policy_scrub(p, pol, &v, state);
    kept_bytes += kept ? strlen(kept) : 0;
    for (i = 0; i < nlines; ++i) {
        cg_policy_judge(p, pol, &v, state, lines[i], now, &j);
        verdicts += j.verdict;
    }
}

int main(int argc, char **argv)
{
    apr_pool_t *root, *p;
    apr_array_header_t *rules;
    cg_policy_spec_t spec;
    const cg_policy_t *pol;
    int rounds, i;

    if (argc < 3) {
        fprintf(stderr, "usage: %s ROUNDS COOKIE [LINE...]\n", argv[0]);
        return 2;
    }
    rounds = atoi(argv[1]);
    apr_initialize();
    apr_pool_create(&root, NULL);
    rules = apr_array_make(root, 8, sizeof(cg_rule_t));
    cg_preset_rules(root, "mautic", rules);
    memset(&spec, 0, sizeof(spec));
    spec.cookie_name = "mautic_consent";
    spec.preset_rules = rules;
    spec.unknown_allowed = 1;
    spec.signals_honoured = CG_SIGNAL_GPC | CG_SIGNAL_DNT;
    spec.precedence = CG_PRECEDENCE_SIGNAL;
    spec.max_age = 15552000;
    pol = cg_policy_make(root, &spec);
    apr_pool_create(&p, root);
    for (i = 0; i < rounds; ++i) {
        one_request(p, pol, argv[2], argv + 3, argc - 3, apr_time_now());
        apr_pool_clear(p);
    }
    printf("%zu bytes kept, verdicts %d\n", kept_bytes, verdicts);
    apr_terminate();
    return 0;
}
