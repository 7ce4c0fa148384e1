/* tcf_driver.c: what the gate pays to read a visitor's consent, for
 * callgrind (bench/tcf-callgrind): cg_visit_read() under make bench's
 * row T policy (ConsentPreset mautic, ConsentSource tcf own, the preset's
 * source maps) over one Cookie header, ROUNDS times. Only read_visit() is
 * measured, so a TC string's cost is the difference between a header that
 * carries euconsent-v2 and one that carries the module's own cookie. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

#include "cg_classify.h"
#include "cg_policy.h"
#include "cg_source.h"

/* ConsentMaxAge's default (src/mod_cg.h) */
#define MAX_AGE APR_INT64_C(15552000)

static int granted;

__attribute__((noinline))
static void read_visit(apr_pool_t *p, const cg_policy_t *pol,
                       const char *cookie, apr_time_t now)
{
    cg_visit_t v;

    cg_visit_read(p, pol, cookie, NULL, NULL, now, &v);
    granted += v.consent.state == CG_CONSENT_GRANTED;
}

int main(int argc, char **argv)
{
    apr_pool_t *root, *p;
    cg_policy_spec_t spec;
    apr_array_header_t *rules, *sources, *maps;
    const cg_policy_t *pol;
    apr_time_t now;
    int rounds, r;

    if (argc != 3) {
        fprintf(stderr, "usage: tcf_driver COOKIE-HEADER ROUNDS\n");
        return 2;
    }
    rounds = atoi(argv[2]);
    apr_initialize();
    apr_pool_create(&root, NULL);
    apr_pool_create(&p, root);
    rules = apr_array_make(root, 8, sizeof(cg_rule_t));
    sources = apr_array_make(root, 2, sizeof(const cg_source_t *));
    maps = apr_array_make(root, 16, sizeof(cg_source_map_t));
    if (!cg_preset_rules(root, "mautic", rules)
        || !cg_preset_source_maps(root, "mautic", maps)) {
        fprintf(stderr, "tcf_driver: no mautic preset\n");
        return 1;
    }
    APR_ARRAY_PUSH(sources, const cg_source_t *) = cg_source_find("tcf");
    APR_ARRAY_PUSH(sources, const cg_source_t *) = NULL;   /* own */
    memset(&spec, 0, sizeof(spec));
    spec.cookie_name = "mautic_consent";
    spec.preset_rules = rules;
    spec.unknown_allowed = 1;
    spec.max_age = MAX_AGE;
    spec.sources = sources;
    spec.source_maps = maps;
    pol = cg_policy_make(root, &spec);
    now = apr_time_now();
    for (r = 0; r < rounds; ++r) {
        read_visit(p, pol, argv[1], now);
        apr_pool_clear(p);
    }
    printf("%d of %d rounds granted\n", granted, rounds);
    return granted == rounds ? 0 : 1;
}
