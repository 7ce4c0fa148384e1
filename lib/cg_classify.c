/* cg_classify.c: cookie classes, PCRE2 rules and the built-in presets. */
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <apr_strings.h>
#include <apr_lib.h>

#include "cg_classify.h"

/* Limits on one match: an administrator's pattern that backtracks
 * catastrophically ("([a-z]+)+_id") is cut off after a bounded amount of
 * work and the name is undecidable. Generous for any sane pattern on a
 * cookie name or a URL path. */
#define CG_MATCH_LIMIT 5000
#define CG_DEPTH_LIMIT 2000

struct cg_matcher_t {
    apr_pool_t *pool;
    pcre2_match_data *md;       /* made on the first match that needs it */
};

static pcre2_match_context *match_context;
static void limits_init(apr_pool_t *p);

struct cg_regex_t {
    pcre2_code *code;
    const char *prefix;     /* a "^literal" start, see literal_prefix() */
    apr_size_t prefix_len;
    const char *required;   /* text every match contains, or NULL */
};

/* The presets' "under any prefix, never under /s/" idiom: what follows it
 * literally must appear in the subject, a cheap test before PCRE2. */
#define ANY_PREFIX "^(?:/(?!s/)[^/]+)*"

const cg_class_t cg_class_unknown = { CG_CLASS_UNKNOWN, NULL };
const cg_class_t cg_class_necessary = { CG_CLASS_NECESSARY, NULL };
const cg_class_t cg_class_undecided = { CG_CLASS_DROP, NULL };
static const cg_class_t class_drop = { CG_CLASS_DROP, NULL };
static const cg_class_t class_tracking = { CG_CLASS_CATEGORY, "tracking" };

int cg_category_char(char c)
{
    return apr_islower(c) || apr_isdigit(c) || c == '_' || c == '-';
}

int cg_category_valid(const char *s, apr_size_t len)
{
    apr_size_t i;

    if (len < 1 || len > CG_CATEGORY_MAX) {
        return 0;
    }
    for (i = 0; i < len; ++i) {
        if (!cg_category_char(s[i])) {
            return 0;
        }
    }
    /* class words are not categories */
    return !((len == 7 && !memcmp(s, "unknown", 7))
             || (len == 9 && !memcmp(s, "necessary", 9))
             || (len == 4 && !memcmp(s, "drop", 4)));
}

const cg_class_t *cg_class_parse(apr_pool_t *p, const char *word)
{
    cg_class_t *cls;

    if (!strcmp(word, "necessary")) {
        return &cg_class_necessary;
    }
    if (!strcmp(word, "drop")) {
        return &class_drop;
    }
    if (!cg_category_valid(word, strlen(word))) {
        return NULL;
    }
    cls = apr_palloc(p, sizeof(*cls));
    cls->kind = CG_CLASS_CATEGORY;
    cls->category = apr_pstrdup(p, word);
    return cls;
}

static apr_status_t code_cleanup(void *data)
{
    pcre2_code_free((pcre2_code *)data);
    return APR_SUCCESS;
}

static apr_status_t md_cleanup(void *data)
{
    pcre2_match_data_free((pcre2_match_data *)data);
    return APR_SUCCESS;
}

static const char *compile(apr_pool_t *p, const char *pattern,
                           uint32_t options, pcre2_code **out)
{
    int errcode;
    PCRE2_SIZE erroffset;
    pcre2_code *code;

    code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                         options | PCRE2_UTF | PCRE2_NO_UTF_CHECK
                         | PCRE2_MATCH_INVALID_UTF,
                         &errcode, &erroffset, NULL);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(errcode, msg, sizeof(msg));
        return apr_psprintf(p, "invalid pattern '%s' at offset %lu: %s",
                            pattern, (unsigned long)erroffset, (char *)msg);
    }
    limits_init(p);
    /* JIT is an optimisation: a build without it still matches correctly */
    (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    apr_pool_cleanup_register(p, code, code_cleanup, apr_pool_cleanup_null);
    *out = code;
    return NULL;
}

static int is_plain(char c)
{
    /* characters that stand for themselves in a PCRE2 pattern */
    return apr_isalnum(c) || c == '_' || c == '-' || c == '/' || c == '%'
        || c == '=' || c == '@' || c == '~' || c == '!' || c == ',' || c == ':'
        || c == ';' || c == '\'' || c == '"' || c == '&' || c == '<' || c == '>';
}

/* Is there a '|' outside every group and character class? */
static int top_level_alternation(const char *c)
{
    int depth = 0;

    for (; *c; ++c) {
        if (*c == '\\') {
            /* \Q...\E quotes: give up rather than parse them */
            if (c[1] == 'Q' || !c[1]) {
                return 1;
            }
            ++c;
        }
        else if (*c == '[') {
            c += (c[1] == '^') ? 2 : 1;
            if (*c == ']') {
                ++c;
            }
            while (*c && *c != ']') {
                if (*c == '\\' && c[1]) {
                    ++c;
                }
                ++c;
            }
            if (!*c) {
                return 1;
            }
        }
        else if (*c == '(') {
            ++depth;
        }
        else if (*c == ')') {
            --depth;
        }
        else if (*c == '|' && depth <= 0) {
            return 1;
        }
    }
    return 0;
}

/* The literal text every match must start with: the leading run of plain
 * characters, less its last one when a quantifier that allows zero
 * follows it. A top-level alternation makes it unknown (length 0), which
 * only costs speed: PCRE2 still decides. */
static apr_size_t literal_prefix(const char *pattern)
{
    apr_size_t n = 0;

    if (top_level_alternation(pattern)) {
        return 0;
    }
    while (is_plain(pattern[n])) {
        ++n;
    }
    if (n && (pattern[n] == '?' || pattern[n] == '*' || pattern[n] == '{')) {
        --n;
    }
    return n;
}

const char *cg_rule_compile(apr_pool_t *p, const cg_class_t *cls,
                            const char *pattern, cg_rule_t *rule)
{
    pcre2_code *code;
    const char *err;

    /* the pattern must match the whole name, as the directive promises */
    err = compile(p, pattern, PCRE2_ANCHORED | PCRE2_ENDANCHORED, &code);
    if (err) {
        return err;
    }
    rule->cls = cls;
    rule->pattern = pattern;
    rule->code = code;
    {
        uint32_t min_length = 0;
        pcre2_pattern_info(code, PCRE2_INFO_MINLENGTH, &min_length);
        rule->min_length = min_length;
    }
    rule->prefix_len = literal_prefix(pattern);
    rule->prefix = pattern;
    rule->literal = rule->prefix_len == strlen(pattern);
    return NULL;
}

cg_matcher_t *cg_matcher_make(apr_pool_t *p)
{
    cg_matcher_t *m = apr_palloc(p, sizeof(*m));

    /* most requests never reach PCRE2 (literal names, prefixes, the
     * policy's memo): the match data waits for the first that does */
    m->pool = p;
    m->md = NULL;
    return m;
}

apr_pool_t *cg_matcher_pool(const cg_matcher_t *m)
{
    return m->pool;
}

static apr_status_t context_cleanup(void *data)
{
    pcre2_match_context_free(match_context);
    match_context = NULL;
    return APR_SUCCESS;
}

/* One match context for the process, made when the first pattern is
 * compiled (at configuration time, before any thread exists). */
static void limits_init(apr_pool_t *p)
{
    if (match_context) {
        return;
    }
    match_context = pcre2_match_context_create(NULL);
    if (match_context) {
        pcre2_set_match_limit(match_context, CG_MATCH_LIMIT);
        pcre2_set_depth_limit(match_context, CG_DEPTH_LIMIT);
        apr_pool_cleanup_register(p, NULL, context_cleanup,
                                  apr_pool_cleanup_null);
    }
}

/* 1 match, 0 no match, -1 the match could not be decided (a match or
 * depth limit on a pathological pattern, or no memory for match data) */
static int matches(const pcre2_code *code, const char *subject,
                   cg_matcher_t *m)
{
    int rc;

    if (!m->md) {
        m->md = pcre2_match_data_create(1, NULL);
        if (!m->md) {
            return -1;
        }
        apr_pool_cleanup_register(m->pool, m->md, md_cleanup,
                                  apr_pool_cleanup_null);
    }
    rc = pcre2_match(code, (PCRE2_SPTR)subject, strlen(subject), 0, 0,
                     m->md, match_context);
    return rc >= 0 ? 1 : rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

const cg_class_t *cg_rules_match(const apr_array_header_t *rules,
                                 const char *name, cg_matcher_t *m)
{
    const cg_rule_t *r = (const cg_rule_t *)rules->elts;
    apr_size_t len = strlen(name);
    int i;

    for (i = 0; i < rules->nelts; ++i) {
        if (len < r[i].min_length) {
            continue;
        }
        if (r[i].literal) {
            if (!strcmp(name, r[i].pattern)) {
                return r[i].cls;
            }
            continue;
        }
        if (r[i].prefix_len && strncmp(name, r[i].prefix, r[i].prefix_len)) {
            continue;
        }
        switch (matches(r[i].code, name, m)) {
        case 1:
            return r[i].cls;
        case -1:
            /* fail closed: a cookie we cannot classify never passes */
            return &cg_class_undecided;
        default:
            break;
        }
    }
    return NULL;
}

apr_array_header_t *cg_rules_categories(apr_pool_t *p,
                                        const apr_array_header_t *first,
                                        const apr_array_header_t *second)
{
    apr_array_header_t *known = apr_array_make(p, 4, sizeof(const char *));
    const apr_array_header_t *lists[2];
    int i, j, k;

    lists[0] = first;
    lists[1] = second;
    for (i = 0; i < 2; ++i) {
        const cg_rule_t *rule = lists[i] ? (const cg_rule_t *)lists[i]->elts
                                         : NULL;

        for (j = 0; rule && j < lists[i]->nelts; ++j) {
            const char *cat = rule[j].cls->category;

            /* a handful of categories: a scan beats a hash */
            for (k = 0; cat && k < known->nelts; ++k) {
                if (!strcmp(APR_ARRAY_IDX(known, k, const char *), cat)) {
                    break;
                }
            }
            if (cat && k == known->nelts) {
                APR_ARRAY_PUSH(known, const char *) = cat;
            }
        }
    }
    return known;
}

const char *cg_regex_compile(apr_pool_t *p, const char *pattern,
                             cg_regex_t **out)
{
    cg_regex_t *re = apr_palloc(p, sizeof(*re));
    const char *err = compile(p, pattern, 0, &re->code);

    if (err) {
        return err;
    }
    /* only a pattern anchored at the start has a prefix to check */
    re->prefix = pattern + 1;
    re->prefix_len = pattern[0] == '^' ? literal_prefix(pattern + 1) : 0;
    re->required = NULL;
    if (!strncmp(pattern, ANY_PREFIX, sizeof(ANY_PREFIX) - 1)) {
        const char *rest = pattern + sizeof(ANY_PREFIX) - 1;
        apr_size_t n = literal_prefix(rest);

        if (n >= 2) {
            re->required = apr_pstrmemdup(p, rest, n);
        }
    }
    *out = re;
    return NULL;
}

int cg_regex_search(const cg_regex_t *re, const char *subject,
                    cg_matcher_t *m)
{
    if (re->prefix_len && strncmp(subject, re->prefix, re->prefix_len)) {
        return 0;
    }
    if (re->required && !strstr(subject, re->required)) {
        return 0;
    }
    return matches(re->code, subject, m);
}

/* The presets. Names, lifetimes and routes are from the reference notes on
 * Mautic 2.x-5.x, Mattermost and Matomo; necessary rules come first so a
 * broad tracking pattern can never swallow a session or consent cookie. */
typedef struct preset_rule_t {
    const cg_class_t *cls;
    const char *pattern;
} preset_rule_t;

static const preset_rule_t mautic_rules[] = {
    /* Focus item state (written by its JS) and the admin update wizard */
    { &cg_class_necessary, "mautic_focus_[0-9]+(_closed)?" },
    { &cg_class_necessary, "mautic_update" },
    /* the Symfony session: md5(md5(config path) . secret), forms and CSRF */
    { &cg_class_necessary, "[0-9a-f]{32}" },
    /* the admin's "keep me logged in" (Symfony's default name) */
    { &cg_class_necessary, "REMEMBERME" },
    /* 7.x: set for 15 s on email-link redirects whose click was not
     * counted, and read back to suppress tracking: a privacy cookie */
    { &cg_class_necessary, "Blocked-Tracking" },
    { &class_tracking, "mautic_device_id" },
    { &class_tracking, "mtc_id" },
    { &class_tracking, "mautic_referer_id" },
    { &class_tracking, "mautic_page_[0-9]+" },
    /* 2.x-4.x (removed in 5.0; a 4.x server still sets it) and the 2.x
     * session id: neither is read back, so neither passes */
    { &class_drop, "mtc_sid" },
    { &class_drop, "mautic_session_id" },
    { NULL, NULL }
};

/* No consent category: Mattermost's cookies are all necessary, and its
 * web app's telemetry ids (rl_*, removed with the telemetry in v11) were
 * written by JavaScript, never by a Set-Cookie. Its banner is a notice. */
static const preset_rule_t mattermost_rules[] = {
    { &cg_class_necessary, "MMAUTHTOKEN" },
    { &cg_class_necessary, "MMUSERID" },
    { &cg_class_necessary, "MMCSRF" },
    /* the OAuth/OpenID state of /oauth/{service}/login (30 minutes):
     * without it every SSO login fails with invalid_state */
    { &cg_class_necessary, "MMOAUTH" },
    { &cg_class_necessary, "MMCLOUDURL" },
    { &cg_class_necessary, "MMEMBED" },
    { NULL, NULL }
};

static const preset_rule_t matomo_rules[] = {
    /* Tag Manager consent records and the opt-out cookie are the choice */
    { &cg_class_necessary, "mtm_(consent|consent_removed|cookie_consent)" },
    { &cg_class_necessary, "(matomo|piwik)_ignore" },
    { &cg_class_necessary, "MATOMO_SESSID" },
    { &class_tracking, "_pk_[A-Za-z0-9_.]+" },
    { &class_tracking, "mtm_[A-Za-z0-9_]+" },
    { NULL, NULL }
};

/* Unsubscribe and do-not-contact links, wherever Mautic lives: at the
 * root, in a subfolder, behind its .htaccess fallback (/index.php/...),
 * but never in the admin area (/s/). Segments cannot contain '/', so the
 * leading repetition cannot backtrack. */
static const char *const mautic_revoke[] = {
    "^(?:/(?!s/)[^/]+)*/email/(?:unsubscribe|dnc)/[^/]", NULL
};

/* 7.2+: a form that confirms before it unsubscribes; it unsubscribes
 * nothing itself */
static const char *const mautic_hold[] = {
    "^(?:/(?!s/)[^/]+)*/email/validate/[^/]", NULL
};

/* Where Mautic counts an email's recipient: opens (the tracking GIFs),
 * clicks, downloads and the web view. Mautic 7 honours Sec-GPC itself, and
 * a mail client never carries a consent cookie: forwarding GPC there would
 * silence every email statistic. */
static const char *const mautic_email_routes[] = {
    "^(?:/(?!s/)[^/]+)*/email/[^/]+\\.gif$",
    "^(?:/(?!s/)[^/]+)*/plugin/[^/]+/tracking\\.gif$",
    "^(?:/(?!s/)[^/]+)*/(?:r|redirect)/[^/]+$",
    "^(?:/(?!s/)[^/]+)*/asset/[^/]",
    "^(?:/(?!s/)[^/]+)*/email/view/[^/]",
    NULL
};

const char *const *cg_mautic_email_routes(void)
{
    return mautic_email_routes;
}

/* Request parameters that stand in for the tracking cookies: mtc.js sends
 * them on every call once localStorage holds an id, and Mautic reads
 * mautic_device_id from the request when the cookie is missing
 * (DeviceTrackingService::getTrackedIdentifier). `ct` (an email click's
 * attribution) is left alone. */
static const char *const mautic_params[] = {
    "mautic_device_id", "mtc_id", "mtc_sid", NULL
};

static const struct {
    const char *name;
    const preset_rule_t *rules;
    const char *const *revoke;
    const char *const *hold;
    const char *const *params;
} presets[] = {
    { "mautic", mautic_rules, mautic_revoke, mautic_hold, mautic_params },
    { "mattermost", mattermost_rules, NULL, NULL, NULL },
    { "matomo", matomo_rules, NULL, NULL, NULL },
    { NULL, NULL, NULL, NULL, NULL }
};

int cg_preset_rules(apr_pool_t *p, const char *preset,
                    apr_array_header_t *rules)
{
    int i, j;

    for (i = 0; presets[i].name; ++i) {
        if (strcmp(presets[i].name, preset)) {
            continue;
        }
        for (j = 0; presets[i].rules[j].pattern; ++j) {
            cg_rule_t *rule = apr_array_push(rules);
            /* built-in patterns are known to compile */
            cg_rule_compile(p, presets[i].rules[j].cls,
                            presets[i].rules[j].pattern, rule);
        }
        return 1;
    }
    return 0;
}

const char *const *cg_preset_revoke_paths(const char *preset)
{
    int i;

    for (i = 0; presets[i].name; ++i) {
        if (!strcmp(presets[i].name, preset)) {
            return presets[i].revoke;
        }
    }
    return NULL;
}

const char *const *cg_preset_hold_paths(const char *preset)
{
    int i;

    for (i = 0; presets[i].name; ++i) {
        if (!strcmp(presets[i].name, preset)) {
            return presets[i].hold;
        }
    }
    return NULL;
}

const char *const *cg_preset_scrub_params(const char *preset)
{
    int i;

    for (i = 0; presets[i].name; ++i) {
        if (!strcmp(presets[i].name, preset)) {
            return presets[i].params;
        }
    }
    return NULL;
}

const char *cg_preset_names(void)
{
    return "mautic, mattermost, matomo";
}
