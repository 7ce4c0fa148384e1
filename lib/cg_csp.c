/* cg_csp.c: the policies ConsentCSPWithout adds, their check, and an
 * inline script under the policies a page carries (CSP Level 3). */
#include <string.h>

#include <apr_strings.h>

#include "cg_csp.h"
#include "cg_text.h"

apr_array_header_t *cg_csp_for_visit(apr_pool_t *p,
                                     const apr_array_header_t *rules,
                                     const cg_visit_t *v, cg_state_e state)
{
    apr_array_header_t *out = apr_array_make(p, 2, sizeof(const char *));
    int i;

    for (i = 0; rules && i < rules->nelts; ++i) {
        const cg_csp_rule_t *rule = &APR_ARRAY_IDX(rules, i, cg_csp_rule_t);

        /* two categories may hold the same third party back: one header */
        if (!cg_policy_category_granted(v, state, rule->category)
            && !cg_in_array(rule->policy, out)) {
            APR_ARRAY_PUSH(out, const char *) = rule->policy;
        }
    }
    return out;
}

/* ASCII whitespace as CSP's parser knows it */
static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* The directives of CSP Level 3 and the drafts browsers implement: a
 * misspelt one would be ignored by every browser, silently. */
static const char *const directives[] = {
    "default-src", "script-src", "script-src-elem", "script-src-attr",
    "style-src", "style-src-elem", "style-src-attr", "img-src", "font-src",
    "connect-src", "media-src", "object-src", "frame-src", "child-src",
    "worker-src", "manifest-src", "prefetch-src", "fenced-frame-src",
    "base-uri", "form-action", "frame-ancestors", "navigate-to", "sandbox",
    "report-uri", "report-to", "upgrade-insecure-requests",
    "block-all-mixed-content", "require-trusted-types-for", "trusted-types",
    "webrtc", NULL
};

const char *cg_csp_policy_check(apr_pool_t *p, const char *policy)
{
    const char *c, *d;
    int n = 0;

    for (c = policy; *c; ++c) {
        if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f) {
            return "a policy is printable ASCII on one line";
        }
        if (*c == ',') {
            return "',' would start a second policy: give each policy a "
                   "line of its own";
        }
    }
    for (d = policy; *d; d = *c ? c + 1 : c) {
        const char *b = d, *e;

        for (c = d; *c && *c != ';'; ++c) {
        }
        while (b < c && is_space(*b)) {
            ++b;
        }
        for (e = b; e < c && !is_space(*e); ++e) {
        }
        if (b == e) {
            /* an empty directive (";;", a trailing ';') is allowed */
            continue;
        }
        {
            const char *name = apr_pstrmemdup(p, b, e - b);
            char *l;

            for (l = (char *)name; *l; ++l) {
                *l = (char)((*l >= 'A' && *l <= 'Z') ? *l | 0x20 : *l);
            }
            if (!cg_in_list(name, directives)) {
                return apr_psprintf(p, "'%s' is not a CSP directive", name);
            }
        }
        ++n;
    }
    return n ? NULL : "an empty policy restricts nothing";
}

/* A source expression's base64 value: letters, digits, + / - _, then
 * up to two '='. */
static int is_base64(const char *s, apr_size_t len)
{
    apr_size_t i = 0, pad = 0;

    for (; i < len; ++i) {
        char c = s[i];

        if (c == '=') {
            ++pad;
        }
        else if (pad || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                          || (c >= '0' && c <= '9') || c == '+' || c == '/'
                          || c == '-' || c == '_')) {
            return 0;
        }
    }
    return len > pad && pad <= 2;
}

/* The source list (`len` bytes at `s` is one policy) that governs a
 * script element: script-src-elem, else script-src, else default-src,
 * the first of each name counting (a repeated directive is ignored).
 * 0 when the policy has none of them. */
static int script_list(const char *s, apr_size_t len, const char **list,
                       apr_size_t *list_len)
{
    static const char *const names[] = {
        "script-src-elem", "script-src", "default-src"
    };
    const char *found[3] = { NULL, NULL, NULL };
    apr_size_t found_len[3] = { 0, 0, 0 };
    const char *end = s + len, *d, *c;
    int i;

    for (d = s; d < end; d = c + 1) {
        const char *b = d, *e;

        for (c = d; c < end && *c != ';'; ++c) {
        }
        while (b < c && is_space(*b)) {
            ++b;
        }
        for (e = b; e < c && !is_space(*e); ++e) {
        }
        for (i = 0; i < 3; ++i) {
            if (!found[i] && (apr_size_t)(e - b) == strlen(names[i])
                && !strncasecmp(b, names[i], e - b)) {
                found[i] = e;
                found_len[i] = c - e;
            }
        }
    }
    for (i = 0; i < 3; ++i) {
        if (found[i]) {
            *list = found[i];
            *list_len = found_len[i];
            return 1;
        }
    }
    return 0;
}

/* One policy (`len` bytes at `s`): what it says of an inline script. */
static cg_csp_inline_e inline_in_policy(apr_pool_t *p, const char *s,
                                        apr_size_t len, const char **nonce)
{
    const char *list, *tok;
    apr_size_t list_len;
    int unsafe_inline = 0, hash_or_dynamic = 0;

    if (!script_list(s, len, &list, &list_len)) {
        return CG_CSP_INLINE_ALLOWED;
    }
    *nonce = NULL;
    for (tok = list; tok < list + list_len; ) {
        const char *t;
        apr_size_t n;

        while (tok < list + list_len && is_space(*tok)) {
            ++tok;
        }
        for (t = tok; t < list + list_len && !is_space(*t); ++t) {
        }
        n = t - tok;
        if (n > 8 && !strncasecmp(tok, "'nonce-", 7) && tok[n - 1] == '\''
            && is_base64(tok + 7, n - 8) && !*nonce) {
            *nonce = apr_pstrmemdup(p, tok + 7, n - 8);
        }
        else if (n == 15 && !strncasecmp(tok, "'unsafe-inline'", 15)) {
            unsafe_inline = 1;
        }
        else if ((n > 8 && (!strncasecmp(tok, "'sha256-", 8)
                            || !strncasecmp(tok, "'sha384-", 8)
                            || !strncasecmp(tok, "'sha512-", 8)))
                 || (n == 16 && !strncasecmp(tok, "'strict-dynamic'", 16))) {
            hash_or_dynamic = 1;
        }
        tok = t;
    }
    if (*nonce) {
        return CG_CSP_INLINE_NONCE;
    }
    /* a hash or 'strict-dynamic' turns 'unsafe-inline' off */
    return unsafe_inline && !hash_or_dynamic ? CG_CSP_INLINE_ALLOWED
                                             : CG_CSP_INLINE_BLOCKED;
}

cg_csp_inline_e cg_csp_inline(apr_pool_t *p, const apr_array_header_t *headers,
                              const char **nonce)
{
    cg_csp_inline_e all = CG_CSP_INLINE_ALLOWED;
    int i;

    *nonce = NULL;
    for (i = 0; headers && i < headers->nelts; ++i) {
        const char *h = APR_ARRAY_IDX(headers, i, const char *), *c;

        for (; h; h = *c ? c + 1 : NULL) {
            const char *n = NULL;
            cg_csp_inline_e one;

            c = strchr(h, ',');
            c = c ? c : h + strlen(h);
            one = inline_in_policy(p, h, c - h, &n);
            if (one == CG_CSP_INLINE_BLOCKED
                || (one == CG_CSP_INLINE_NONCE && *nonce
                    && strcmp(*nonce, n))) {
                *nonce = NULL;
                return CG_CSP_INLINE_BLOCKED;
            }
            if (one == CG_CSP_INLINE_NONCE) {
                *nonce = n;
                all = CG_CSP_INLINE_NONCE;
            }
        }
    }
    return all;
}

/* One policy: whether a same-origin script element may run. */
static int self_in_policy(const char *s, apr_size_t len)
{
    const char *list, *tok, *end;
    apr_size_t list_len;
    int self = 0;

    if (!script_list(s, len, &list, &list_len)) {
        return 1;
    }
    for (tok = list, end = list + list_len; tok < end; ) {
        const char *t;
        apr_size_t n;

        while (tok < end && is_space(*tok)) {
            ++tok;
        }
        for (t = tok; t < end && !is_space(*t); ++t) {
        }
        n = t - tok;
        if (n == 16 && !strncasecmp(tok, "'strict-dynamic'", 16)) {
            return 0;
        }
        self |= (n == 6 && !strncasecmp(tok, "'self'", 6))
            || (n == 1 && *tok == '*');
        tok = t;
    }
    return self;
}

int cg_csp_self_script(const apr_array_header_t *headers)
{
    int i;

    for (i = 0; headers && i < headers->nelts; ++i) {
        const char *h = APR_ARRAY_IDX(headers, i, const char *), *c;

        for (; h; h = *c ? c + 1 : NULL) {
            c = strchr(h, ',');
            c = c ? c : h + strlen(h);
            if (!self_in_policy(h, c - h)) {
                return 0;
            }
        }
    }
    return 1;
}
