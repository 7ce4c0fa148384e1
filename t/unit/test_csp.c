/* test_csp.c: unit tests (cmocka) for lib/cg_csp.c: which policies
 * ConsentCSPWithout adds for a visit (no choice, a partial grant, every
 * grant, an opt-out signal, a refusal), the check of a configured policy,
 * and an inline script under a page's own policies (nonce, blocked). */
#include "unit.h"

#include <apr_strings.h>
#include <apr_tables.h>

#include "cg_classify.h"
#include "cg_consent.h"
#include "cg_csp.h"
#include "cg_policy.h"

#define NOW apr_time_from_sec(1800000000)
#define RID "0123456789abcdef0123456789abcdef"

static const cg_policy_t *policy(apr_pool_t *p)
{
    cg_policy_spec_t spec;
    apr_array_header_t *rules = apr_array_make(p, 2, sizeof(cg_rule_t));

    assert_null(cg_rule_compile(p, cg_class_parse(p, "marketing"), "_fbp",
                                apr_array_push(rules)));
    assert_null(cg_rule_compile(p, cg_class_parse(p, "analytics"), "_ga",
                                apr_array_push(rules)));
    memset(&spec, 0, sizeof(spec));
    spec.cookie_name = "mautic_consent";
    spec.rules = rules;
    spec.signals_honoured = CG_SIGNAL_GPC | CG_SIGNAL_DNT;
    spec.precedence = CG_PRECEDENCE_SIGNAL;
    spec.max_age = 15552000;
    return cg_policy_make(p, &spec);
}

/* The visit of a client holding a consent to `cats` ("a~b", NULL: no
 * consent cookie, "": a refusal), sending Sec-GPC: 1 when `gpc`; *state
 * is the policy's decision. */
static cg_visit_t *visit(apr_pool_t *p, const char *cats, int gpc,
                         cg_state_e *state)
{
    const cg_policy_t *pol = policy(p);
    cg_visit_t *v = apr_pcalloc(p, sizeof(*v));
    const char *cookie = NULL;

    if (cats) {
        apr_array_header_t *a = apr_array_make(p, 2, sizeof(const char *));
        char *st, *c, *list = apr_pstrdup(p, cats);

        for (c = apr_strtok(list, "~", &st); c; c = apr_strtok(NULL, "~", &st)) {
            APR_ARRAY_PUSH(a, const char *) = c;
        }
        cookie = apr_pstrcat(p, "mautic_consent=",
                             cg_consent_format(p, a, NOW - apr_time_from_sec(60),
                                               0, RID), NULL);
    }
    cg_visit_read(p, pol, cookie, gpc ? "1" : NULL, NULL, NOW, v);
    *state = cg_policy_decide(pol, v, CG_REVOKE_NONE);
    return v;
}

static apr_array_header_t *rules(apr_pool_t *p)
{
    apr_array_header_t *r = apr_array_make(p, 3, sizeof(cg_csp_rule_t));
    cg_csp_rule_t *rule;

    rule = apr_array_push(r);
    rule->category = "marketing";
    rule->policy = "img-src 'self' data:";
    rule = apr_array_push(r);
    rule->category = "analytics";
    rule->policy = "connect-src 'self'";
    /* a second category holding the same third party back */
    rule = apr_array_push(r);
    rule->category = "analytics";
    rule->policy = "img-src 'self' data:";
    return r;
}

static const char *joined(apr_pool_t *p, const apr_array_header_t *a)
{
    const char *out = "";
    int i;

    for (i = 0; i < a->nelts; ++i) {
        out = apr_pstrcat(p, out, i ? " | " : "",
                          APR_ARRAY_IDX(a, i, const char *), NULL);
    }
    return out;
}

static void no_choice_gets_every_policy_once(void **state)
{
    apr_pool_t *p = *state;
    cg_state_e st;
    cg_visit_t *v = visit(p, NULL, 0, &st);

    assert_string_equal(joined(p, cg_csp_for_visit(p, rules(p), v, st)),
                        "img-src 'self' data: | connect-src 'self'");
}

static void partial_grant_lifts_its_category(void **state)
{
    apr_pool_t *p = *state;
    cg_state_e st;
    cg_visit_t *v = visit(p, "marketing", 0, &st);

    /* analytics still holds img-src back */
    assert_string_equal(joined(p, cg_csp_for_visit(p, rules(p), v, st)),
                        "connect-src 'self' | img-src 'self' data:");
    v = visit(p, "analytics", 0, &st);
    assert_string_equal(joined(p, cg_csp_for_visit(p, rules(p), v, st)),
                        "img-src 'self' data:");
}

static void full_grant_adds_nothing(void **state)
{
    apr_pool_t *p = *state;
    cg_state_e st;
    cg_visit_t *v = visit(p, "marketing~analytics", 0, &st);

    assert_int_equal(st, CG_STATE_GRANTED);
    assert_int_equal(cg_csp_for_visit(p, rules(p), v, st)->nelts, 0);
    assert_int_equal(cg_csp_for_visit(p, NULL, v, st)->nelts, 0);
}

static void gpc_and_refusal_grant_nothing(void **state)
{
    apr_pool_t *p = *state;
    cg_state_e st;
    cg_visit_t *v = visit(p, "marketing~analytics", 1, &st);

    assert_int_equal(st, CG_STATE_GPC);
    assert_int_equal(cg_csp_for_visit(p, rules(p), v, st)->nelts, 2);
    v = visit(p, "", 0, &st);
    assert_int_equal(cg_csp_for_visit(p, rules(p), v, st)->nelts, 2);
}

static void policy_check(void **state)
{
    apr_pool_t *p = *state;

    assert_null(cg_csp_policy_check(p, "img-src 'self' data:"));
    assert_null(cg_csp_policy_check(p, "Connect-Src 'self'; img-src *;"));
    assert_null(cg_csp_policy_check(p, "upgrade-insecure-requests"));
    assert_non_null(cg_csp_policy_check(p, ""));
    assert_non_null(cg_csp_policy_check(p, " ; ;"));
    assert_non_null(cg_csp_policy_check(p, "img-src 'self', img-src *"));
    assert_non_null(cg_csp_policy_check(p, "img-src 'self'\r\nX-A: b"));
    assert_non_null(cg_csp_policy_check(p, "img-src\t'self'"));
    assert_non_null(cg_csp_policy_check(p, "img-src caf\xc3\xa9.example"));
    assert_string_equal(cg_csp_policy_check(p, "img-scr 'self'"),
                        "'img-scr' is not a CSP directive");
}

static cg_csp_inline_e judge(apr_pool_t *p, const char *a, const char *b,
                             const char **nonce)
{
    apr_array_header_t *h = apr_array_make(p, 2, sizeof(const char *));

    if (a) {
        APR_ARRAY_PUSH(h, const char *) = a;
    }
    if (b) {
        APR_ARRAY_PUSH(h, const char *) = b;
    }
    return cg_csp_inline(p, h, nonce);
}

static void inline_script_under_page_policies(void **state)
{
    apr_pool_t *p = *state;
    const char *n;

    assert_int_equal(judge(p, NULL, NULL, &n), CG_CSP_INLINE_ALLOWED);
    assert_null(n);
    assert_int_equal(judge(p, "img-src 'self'", NULL, &n),
                     CG_CSP_INLINE_ALLOWED);
    assert_int_equal(judge(p, "script-src 'self' 'unsafe-inline'", NULL, &n),
                     CG_CSP_INLINE_ALLOWED);
    assert_int_equal(judge(p, "default-src 'self'", NULL, &n),
                     CG_CSP_INLINE_BLOCKED);
    assert_int_equal(judge(p, "script-src 'self'", NULL, &n),
                     CG_CSP_INLINE_BLOCKED);
    /* script-src-elem governs elements; a repeated directive is ignored */
    assert_int_equal(judge(p, "script-src 'self'; script-src-elem "
                           "'unsafe-inline'", NULL, &n),
                     CG_CSP_INLINE_ALLOWED);
    assert_int_equal(judge(p, "script-src 'unsafe-inline'; script-src 'self'",
                           NULL, &n), CG_CSP_INLINE_ALLOWED);
    /* a nonce, in any case of the keyword */
    assert_int_equal(judge(p, "default-src 'self'; script-src 'NONCE-r4nd0m+/=' "
                           "'strict-dynamic'", NULL, &n),
                     CG_CSP_INLINE_NONCE);
    assert_string_equal(n, "r4nd0m+/=");
    /* a nonce or a hash turns 'unsafe-inline' off */
    assert_int_equal(judge(p, "script-src 'unsafe-inline' 'nonce-abc'", NULL,
                           &n), CG_CSP_INLINE_NONCE);
    assert_int_equal(judge(p, "script-src 'unsafe-inline' 'sha256-abc='",
                           NULL, &n), CG_CSP_INLINE_BLOCKED);
    assert_int_equal(judge(p, "script-src 'unsafe-inline' 'strict-dynamic'",
                           NULL, &n), CG_CSP_INLINE_BLOCKED);
    /* a nonce that could leave its attribute is not taken */
    assert_int_equal(judge(p, "script-src 'nonce-a\"b'", NULL, &n),
                     CG_CSP_INLINE_BLOCKED);
    assert_null(n);
}

static void every_policy_must_allow(void **state)
{
    apr_pool_t *p = *state;
    const char *n;

    /* two headers, and two policies in one header */
    assert_int_equal(judge(p, "script-src 'nonce-abc'", "img-src 'self'", &n),
                     CG_CSP_INLINE_NONCE);
    assert_string_equal(n, "abc");
    assert_int_equal(judge(p, "script-src 'nonce-abc'", "script-src 'self'",
                           &n), CG_CSP_INLINE_BLOCKED);
    assert_int_equal(judge(p, "script-src 'nonce-abc', default-src 'none'",
                           NULL, &n), CG_CSP_INLINE_BLOCKED);
    assert_int_equal(judge(p, "script-src 'nonce-abc'", "script-src 'nonce-xyz'",
                           &n), CG_CSP_INLINE_BLOCKED);
    assert_null(n);
    assert_int_equal(judge(p, "script-src 'nonce-abc'", "script-src "
                           "'nonce-abc' 'self'", &n), CG_CSP_INLINE_NONCE);
    assert_int_equal(judge(p, "img-src *, script-src 'unsafe-inline'",
                           "script-src 'nonce-q'", &n), CG_CSP_INLINE_NONCE);
    assert_string_equal(n, "q");
}

static void same_origin_script(void **state)
{
    apr_pool_t *p = *state;
    apr_array_header_t *h = apr_array_make(p, 2, sizeof(const char *));

    assert_true(cg_csp_self_script(NULL));
    APR_ARRAY_PUSH(h, const char *) = "img-src 'none'";
    assert_true(cg_csp_self_script(h));
    APR_ARRAY_PUSH(h, const char *) = "script-src 'SELF' https://cdn.example";
    assert_true(cg_csp_self_script(h));
    APR_ARRAY_PUSH(h, const char *) = "default-src *";
    assert_true(cg_csp_self_script(h));
    h->nelts = 0;
    APR_ARRAY_PUSH(h, const char *) = "script-src 'self' 'strict-dynamic'";
    assert_false(cg_csp_self_script(h));
    h->nelts = 0;
    APR_ARRAY_PUSH(h, const char *) = "script-src 'self', script-src https://cdn.example";
    assert_false(cg_csp_self_script(h));
    h->nelts = 0;
    APR_ARRAY_PUSH(h, const char *) = "default-src 'none'; img-src 'self'";
    assert_false(cg_csp_self_script(h));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CG_TEST(no_choice_gets_every_policy_once),
        CG_TEST(partial_grant_lifts_its_category),
        CG_TEST(full_grant_adds_nothing),
        CG_TEST(gpc_and_refusal_grant_nothing),
        CG_TEST(policy_check),
        CG_TEST(inline_script_under_page_policies),
        CG_TEST(every_policy_must_allow),
        CG_TEST(same_origin_script),
    };
    CG_RUN_GROUP("csp", tests);
}
