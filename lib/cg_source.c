/* cg_source.c: the table of consent sources, the helpers their readers
 * share, and the readers of the banners whose cookies are not JSON:
 * Cookiebot (a JavaScript object literal), OneTrust (a form-encoded
 * string), Complianz and the WP Consent API (a cookie per category),
 * CookieYes (a key:value list) and Matomo (timestamps). */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "cg_cookie.h"
#include "cg_source.h"
#include "cg_tcf.h"

static const cg_source_cookie_t cookies_cookiebot[] = {
    {"CookieConsent", 0}, {NULL, 0}};
static const cg_source_cookie_t cookies_onetrust[] = {
    {"OptanonConsent", 0}, {"OptanonAlertBoxClosed", 0}, {NULL, 0}};
static const cg_source_cookie_t cookies_complianz[] = {
    {"cmplz_", 1}, {NULL, 0}};
static const cg_source_cookie_t cookies_wpconsent[] = {
    {"wp_consent_", 1}, {NULL, 0}};
static const cg_source_cookie_t cookies_borlabs[] = {
    {"borlabs-cookie", 0}, {NULL, 0}};
static const cg_source_cookie_t cookies_cookieyes[] = {
    {"cookieyes-consent", 0}, {NULL, 0}};
static const cg_source_cookie_t cookies_iubenda[] = {
    {"_iub_cs-", 1}, {NULL, 0}};
static const cg_source_cookie_t cookies_didomi[] = {
    {"didomi_token", 0}, {NULL, 0}};
static const cg_source_cookie_t cookies_cc_cookie[] = {
    {"cc_cookie", 0}, {NULL, 0}};
static const cg_source_cookie_t cookies_klaro[] = {
    {"klaro", 0}, {NULL, 0}};
static const cg_source_cookie_t cookies_matomo[] = {
    {"mtm_consent", 0}, {"mtm_cookie_consent", 0},
    {"mtm_consent_removed", 0}, {NULL, 0}};
static const cg_source_cookie_t cookies_tcf[] = {
    {"euconsent-v2", 0}, {NULL, 0}};
static const cg_source_cookie_t cookies_gpp[] = {
    {"__gpp", 0}, {"__gpp_sid", 0}, {NULL, 0}};
/* the mirrors banner.js writes of what these banners keep in storage */
static const cg_source_cookie_t cookies_usercentrics[] = {
    {"consentgate_usercentrics", 0}, {NULL, 0}};
static const cg_source_cookie_t cookies_osano[] = {
    {"consentgate_osano", 0}, {NULL, 0}};

const cg_source_t cg_sources[] = {
    {"cookiebot", cookies_cookiebot, cg_source_read_cookiebot},
    {"onetrust", cookies_onetrust, cg_source_read_onetrust},
    {"complianz", cookies_complianz, cg_source_read_complianz},
    {"wpconsent", cookies_wpconsent, cg_source_read_wpconsent},
    {"borlabs", cookies_borlabs, cg_source_read_borlabs},
    {"cookieyes", cookies_cookieyes, cg_source_read_cookieyes},
    {"iubenda", cookies_iubenda, cg_source_read_iubenda},
    {"didomi", cookies_didomi, cg_source_read_didomi},
    {"cc_cookie", cookies_cc_cookie, cg_source_read_cc_cookie},
    {"klaro", cookies_klaro, cg_source_read_klaro},
    {"matomo", cookies_matomo, cg_source_read_matomo},
    {"tcf", cookies_tcf, cg_source_read_tcf, cg_source_read_tcf_value},
    {"gpp", cookies_gpp, cg_source_read_gpp},
    {"usercentrics", cookies_usercentrics, cg_source_read_usercentrics},
    {"osano", cookies_osano, cg_source_read_osano},
    {NULL, NULL, NULL}
};

const cg_source_t *cg_source_find(const char *name)
{
    const cg_source_t *s;

    for (s = cg_sources; name && s->name; ++s) {
        if (!strcmp(s->name, name)) {
            return s;
        }
    }
    return NULL;
}

int cg_source_wants(const cg_source_t *source, const char *name)
{
    const cg_source_cookie_t *c;

    for (c = source->cookies; name && c->name; ++c) {
        if (c->prefix ? !strncmp(name, c->name, strlen(c->name))
                      : !strcmp(name, c->name)) {
            return 1;
        }
    }
    return 0;
}

apr_array_header_t *cg_source_array_make(apr_pool_t *p, int nalloc,
                                         int elt_size)
{
    apr_array_header_t *a;

    if (nalloc < 1) {
        nalloc = 1;
    }
    a = apr_palloc(p, sizeof(*a) + (apr_size_t)nalloc * (apr_size_t)elt_size);
    a->pool = p;
    a->elt_size = elt_size;
    a->nelts = 0;
    a->nalloc = nalloc;
    a->elts = (char *)(a + 1);
    return a;
}

void cg_source_result_init(apr_pool_t *p, cg_source_result_t *out,
                           const char *source)
{
    /* both lists in one allocation, room for a TC string's purposes and
     * special features in each */
    enum { ROOM = 16 };
    apr_array_header_t *a = apr_palloc(p, 2 * sizeof(*a)
                                          + 2 * ROOM * sizeof(const char *));
    int i;

    memset(out, 0, sizeof(*out));
    out->source = source;
    for (i = 0; i < 2; ++i) {
        a[i].pool = p;
        a[i].elt_size = sizeof(const char *);
        a[i].nelts = 0;
        a[i].nalloc = ROOM;
        a[i].elts = (char *)(a + 2) + i * ROOM * sizeof(const char *);
    }
    out->granted = &a[0];
    out->refused = &a[1];
    out->revision = -1;
}

void cg_source_fail(cg_source_result_t *out, const char *error)
{
    if (!out->error) {
        out->error = error;
    }
    out->explicit_choice = 0;
    apr_array_clear(out->granted);
    apr_array_clear(out->refused);
}

static int in_array(const apr_array_header_t *a, const char *name)
{
    int i;

    for (i = 0; a && i < a->nelts; ++i) {
        if (!strcmp(APR_ARRAY_IDX(a, i, const char *), name)) {
            return 1;
        }
    }
    return 0;
}

static void add_category(apr_pool_t *p, cg_source_result_t *out,
                         const char *name, int grant)
{
    apr_array_header_t *mine = grant ? out->granted : out->refused;
    apr_array_header_t *other = grant ? out->refused : out->granted;
    apr_size_t len;

    if (out->error || !name) {
        return;
    }
    len = strlen(name);
    if (len == 0 || len > CG_SOURCE_MAX_NAME || in_array(mine, name)) {
        return;
    }
    if (in_array(other, name)) {
        cg_source_fail(out, "a category both granted and refused");
        return;
    }
    if (mine->nelts >= CG_SOURCE_MAX_CATEGORIES) {
        cg_source_fail(out, "too many categories");
        return;
    }
    APR_ARRAY_PUSH(mine, const char *) = apr_pstrmemdup(p, name, len);
}

void cg_source_grant(apr_pool_t *p, cg_source_result_t *out, const char *name)
{
    add_category(p, out, name, 1);
}

void cg_source_refuse(apr_pool_t *p, cg_source_result_t *out,
                      const char *name)
{
    add_category(p, out, name, 0);
}

/* A name as cg_source_granted() reads it: one name, or a conjunction
 * "a+b+c" of at most QUERY_TERMS terms, each parsed once as a name a TC
 * string answers. */
#define QUERY_TERMS 8

struct cg_source_query_t {
    const char *name;
    int plus;                   /* a conjunction */
    int nterms;                 /* the well-formed terms from the left */
    int malformed;              /* then an empty term, one too many, or
                                   a name too long */
    const char *terms[QUERY_TERMS];
    cg_tcf_name_t tcf[QUERY_TERMS];
    /* every term a purpose, none malformed: their bits (purpose n at bit
     * 24 - n, as TC strings hold them), answered at once */
    apr_uint32_t purposes;
    char buf[4 * CG_SOURCE_MAX_NAME + 4];
};

static void query_purposes(cg_source_query_t *q)
{
    int i;

    q->purposes = 0;
    for (i = 0; i < q->nterms && !q->malformed; ++i) {
        if (q->tcf[i].kind != CG_TCF_NAME_PURPOSE) {
            q->purposes = 0;
            return;
        }
        q->purposes |= (apr_uint32_t)1 << (24 - q->tcf[i].n);
    }
}

static void query_init(cg_source_query_t *q, const char *name)
{
    const char *plus, *term;
    apr_size_t len;

    q->name = name;
    q->nterms = 0;
    q->malformed = 0;
    q->purposes = 0;
    q->plus = strchr(name, '+') != NULL;
    if (!q->plus) {
        q->terms[0] = name;
        cg_tcf_parse_name(name, &q->tcf[0]);
        q->nterms = 1;
        query_purposes(q);
        return;
    }
    len = strlen(name);
    if (len >= sizeof(q->buf)) {
        q->malformed = 1;
        return;
    }
    memcpy(q->buf, name, len + 1);
    for (term = q->buf; term; term = plus ? plus + 1 : NULL) {
        plus = strchr(term, '+');
        if (plus == term || !*term || q->nterms == QUERY_TERMS) {
            q->malformed = 1;
            return;
        }
        if (plus) {
            *(char *)plus = '\0';
        }
        q->terms[q->nterms] = term;
        cg_tcf_parse_name(term, &q->tcf[q->nterms]);
        ++q->nterms;
    }
    query_purposes(q);
}

cg_source_query_t *cg_source_query_make(apr_pool_t *p, const char *name)
{
    cg_source_query_t *q = apr_palloc(p, sizeof(*q));

    query_init(q, name ? name : "");
    return q;
}

/* One term: a name a TC string answers is answered by its bits (the
 * lists hold none of them), any other name by the lists. */
static int term_answer(const cg_source_result_t *r,
                       const apr_array_header_t *list,
                       const cg_source_query_t *q, int i, int grant)
{
    if (r->tcf && q->tcf[i].kind) {
        return cg_tcf_answer_name(r->tcf, &q->tcf[i], grant) == 1;
    }
    return in_array(list, q->terms[i]);
}

/* Every term granted (grant == 1), or any term refused (grant == 0). A
 * name listed as it is wins over its terms, in both lists, so a banner's
 * own category containing '+' answers as listed (and is never both
 * granted and refused); a TC string's result lists nothing, GPP's only
 * the names of its US sections, none with a '+'. */
static int answer(const cg_source_result_t *r, const cg_source_query_t *q,
                  int grant)
{
    const apr_array_header_t *list = grant ? r->granted : r->refused;
    int i;

    if (q->plus && !r->tcf) {
        if (in_array(list, q->name)) {
            return 1;
        }
        if (in_array(grant ? r->refused : r->granted, q->name)) {
            return 0;
        }
    }
    if (r->tcf && q->purposes) {
        apr_uint32_t have = grant ? r->tcf->purposes_consent
                                  : ~r->tcf->purposes_consent;

        return grant ? (have & q->purposes) == q->purposes
                     : (have & q->purposes) != 0;
    }
    for (i = 0; i < q->nterms; ++i) {
        int yes = term_answer(r, list, q, i, grant);

        if (!q->plus) {
            return yes;
        }
        if (grant && !yes) {
            return 0;
        }
        if (!grant && yes) {
            return 1;
        }
    }
    return q->malformed ? 0 : grant;
}

int cg_source_query_granted(const cg_source_result_t *r,
                            const cg_source_query_t *q)
{
    if (!r || !q || !r->explicit_choice || r->error) {
        return 0;
    }
    return answer(r, q, 1);
}

int cg_source_query_refused(const cg_source_result_t *r,
                            const cg_source_query_t *q)
{
    if (!r || !q || !r->explicit_choice || r->error) {
        return 0;
    }
    return answer(r, q, 0);
}

int cg_source_granted(const cg_source_result_t *r, const char *name)
{
    cg_source_query_t q;

    if (!r || !name || !r->explicit_choice || r->error) {
        return 0;
    }
    query_init(&q, name);
    return answer(r, &q, 1);
}

int cg_source_refused(const cg_source_result_t *r, const char *name)
{
    cg_source_query_t q;

    if (!r || !name || !r->explicit_choice || r->error) {
        return 0;
    }
    query_init(&q, name);
    return answer(r, &q, 0);
}

int cg_source_cookie(const apr_table_t *cookies, const char *name,
                     const char **value)
{
    const apr_array_header_t *arr;
    const apr_table_entry_t *e;
    const char *found = NULL;
    int i;

    *value = NULL;
    if (!cookies) {
        return 0;
    }
    arr = apr_table_elts(cookies);
    e = (const apr_table_entry_t *)arr->elts;
    for (i = 0; i < arr->nelts; ++i) {
        if (!e[i].key || !e[i].val || strcmp(e[i].key, name)) {
            continue;
        }
        if (found && strcmp(found, e[i].val)) {
            return -1;
        }
        found = e[i].val;
    }
    if (!found) {
        return 0;
    }
    if (strlen(found) > CG_SOURCE_MAX_VALUE) {
        return -1;
    }
    *value = found;
    return 1;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

char *cg_source_unescape(apr_pool_t *p, const char *s, int plus_space)
{
    apr_size_t len = strlen(s), i, o = 0;
    char *d = apr_palloc(p, len + 1);

    for (i = 0; i < len; ++i) {
        if (s[i] == '%') {
            int hi, lo;

            if (i + 2 >= len) {
                return NULL;
            }
            hi = hexval((unsigned char)s[i + 1]);
            lo = hexval((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                return NULL;
            }
            d[o++] = (char)(hi * 16 + lo);
            i += 2;
        }
        else if (s[i] == '+' && plus_space) {
            d[o++] = ' ';
        }
        else {
            d[o++] = s[i];
        }
    }
    d[o] = '\0';
    return d;
}

/* `n` digits at *s as a number, advancing *s; -1 when not digits. */
static int digits(const char **s, int n)
{
    int v = 0, i;

    for (i = 0; i < n; ++i) {
        if (!apr_isdigit((*s)[i])) {
            return -1;
        }
        v = v * 10 + ((*s)[i] - '0');
    }
    *s += n;
    return v;
}

apr_time_t cg_source_parse_iso(const char *s)
{
    apr_time_exp_t t;
    apr_time_t r;
    int usec = 0, scale = 100000;

    if (!s) {
        return 0;
    }
    memset(&t, 0, sizeof(t));
    if ((t.tm_year = digits(&s, 4)) < 1970 || *s++ != '-'
        || (t.tm_mon = digits(&s, 2)) < 1 || t.tm_mon > 12 || *s++ != '-'
        || (t.tm_mday = digits(&s, 2)) < 1 || t.tm_mday > 31
        || (*s != 'T' && *s != 't' && *s != ' ') || !*s++
        || (t.tm_hour = digits(&s, 2)) < 0 || t.tm_hour > 23 || *s++ != ':'
        || (t.tm_min = digits(&s, 2)) < 0 || t.tm_min > 59 || *s++ != ':'
        || (t.tm_sec = digits(&s, 2)) < 0 || t.tm_sec > 60) {
        return 0;
    }
    if (*s == '.') {
        int n = 0;

        ++s;
        while (apr_isdigit(*s) && n < 9) {
            if (scale > 0) {
                usec += (*s - '0') * scale;
                scale /= 10;
            }
            ++s;
            ++n;
        }
        if (n == 0 || apr_isdigit(*s)) {
            return 0;
        }
    }
    if (!strcmp(s, "Z") || !strcmp(s, "z") || !strcmp(s, "+00:00")) {
        t.tm_year -= 1900;
        t.tm_mon -= 1;
        t.tm_usec = usec;
        if (apr_time_exp_gmt_get(&r, &t) != APR_SUCCESS || r <= 0) {
            return 0;
        }
        return r;
    }
    return 0;
}

int cg_source_check_age(cg_source_result_t *out, apr_time_t when,
                        const cg_source_opts_t *opts)
{
    if (when <= 0) {
        cg_source_fail(out, "no time of choice");
        return 0;
    }
    if (when > opts->now + CG_SOURCE_SKEW) {
        cg_source_fail(out, "choice from the future");
        return 0;
    }
    /* a max_age past a century is no limit (and cannot overflow) */
    if (opts->max_age > 0 && opts->max_age < APR_INT64_C(3155760000)
        && opts->now - when > apr_time_from_sec(opts->max_age)) {
        cg_source_fail(out, "choice too old");
        return 0;
    }
    return 1;
}

/* One place makes sure no reader lets a grant slip past its own rules. */
static void read_done(cg_source_result_t *out)
{
    if (out->error || !out->explicit_choice) {
        out->explicit_choice = 0;
        out->tcf = NULL;
        out->gpp = NULL;
        apr_array_clear(out->granted);
        apr_array_clear(out->refused);
    }
}

void cg_source_read(apr_pool_t *p, const cg_source_t *source,
                    const apr_table_t *cookies, const cg_source_opts_t *opts,
                    cg_source_result_t *out)
{
    cg_source_result_init(p, out, source ? source->name : NULL);
    if (!source || !opts) {
        cg_source_fail(out, "no source");
        return;
    }
    source->read(p, cookies, opts, out);
    read_done(out);
}

int cg_source_read_crumbs(apr_pool_t *p, const cg_source_t *source,
                          const apr_array_header_t *crumbs,
                          const cg_source_opts_t *opts,
                          cg_source_result_t *out)
{
    const cg_crumb_t *c = crumbs ? (const cg_crumb_t *)crumbs->elts : NULL;
    apr_table_t *cookies = NULL;
    int i;

    if (!source || !c) {
        return 0;
    }
    /* a source of one cookie: its value found where it stands, as
     * cg_source_cookie() finds it in a table */
    if (source->read_value && source->cookies[0].name
        && !source->cookies[0].prefix && !source->cookies[1].name) {
        const char *want = source->cookies[0].name, *found = NULL;
        apr_size_t want_len = strlen(want), len = 0;
        int rc = 1;

        for (i = 0; i < crumbs->nelts; ++i) {
            if (c[i].name_len != want_len || !c[i].value
                || memcmp(c[i].name, want, want_len)) {
                continue;
            }
            if (found && strcmp(found, c[i].value)) {
                rc = -1;
                break;
            }
            found = c[i].value;
            /* the value ends where its crumb ends */
            len = (apr_size_t)(c[i].crumb + c[i].crumb_len - found);
        }
        if (!found) {
            return 0;
        }
        if (rc > 0 && len > CG_SOURCE_MAX_VALUE) {
            rc = -1;
        }
        cg_source_result_init(p, out, source->name);
        if (!opts) {
            cg_source_fail(out, "no source");
            return 1;
        }
        source->read_value(p, rc, found, rc > 0 ? len : 0, opts, out);
        read_done(out);
        return 1;
    }
    if (!(cookies = cg_source_cookies(p, source, crumbs))) {
        return 0;
    }
    cg_source_read(p, source, cookies, opts, out);
    return 1;
}

apr_table_t *cg_source_cookies(apr_pool_t *p, const cg_source_t *source,
                               const apr_array_header_t *crumbs)
{
    const cg_crumb_t *c = crumbs ? (const cg_crumb_t *)crumbs->elts : NULL;
    apr_table_t *cookies = NULL;
    int i;

    for (i = 0; c && i < crumbs->nelts; ++i) {
        if (cg_source_wants(source, c[i].name)) {
            if (!cookies) {
                cookies = apr_table_make(p, 2);
            }
            apr_table_addn(cookies, c[i].name, c[i].value);
        }
    }
    return cookies;
}

/* A name of letters, digits, '_' and '-', 1..CG_SOURCE_MAX_NAME long. */
static int plain_name(const char *s, apr_size_t len)
{
    apr_size_t i;

    if (len == 0 || len > CG_SOURCE_MAX_NAME) {
        return 0;
    }
    for (i = 0; i < len; ++i) {
        if (!apr_isalnum(s[i]) && s[i] != '_' && s[i] != '-') {
            return 0;
        }
    }
    return 1;
}

/* A cookie that is absent is no choice; one sent twice differently or
 * too long fails the result. Returns the value or NULL. */
static const char *one_cookie(cg_source_result_t *out,
                              const apr_table_t *cookies, const char *name)
{
    const char *v;
    int rc = cg_source_cookie(cookies, name, &v);

    if (rc < 0) {
        cg_source_fail(out, apr_pstrcat(out->granted->pool,
                                        "ambiguous or oversized cookie ",
                                        name, NULL));
        return NULL;
    }
    return rc ? v : NULL;
}

/* ---- Cookiebot: CookieConsent, a URL-encoded JavaScript object literal:
 * {stamp:'...',necessary:true,...,method:'explicit',ver:1,utc:1698057791350,
 * region:'gb'}. Only method 'explicit' is a choice; "0" and "-1" are not. */

static const char *const cookiebot_categories[] = {
    "necessary", "preferences", "statistics", "marketing", "unclassified",
    NULL
};

typedef struct js_pair_t {
    const char *key;
    const char *value;  /* the string's contents, or the bare word */
    int quoted;
} js_pair_t;

/* Splits {key:value,...} into pairs; NULL when malformed. Keys are bare
 * or quoted words; values are quoted strings or bare words (true, false,
 * numbers). No nesting: Cookiebot writes none. */
static apr_array_header_t *js_object(apr_pool_t *p, const char *s)
{
    apr_array_header_t *pairs = apr_array_make(p, 10, sizeof(js_pair_t));
    const char *c = s;

    while (apr_isspace(*c)) {
        ++c;
    }
    if (*c++ != '{') {
        return NULL;
    }
    while (1) {
        js_pair_t *pr;
        const char *k, *v;
        apr_size_t klen;
        char kq = 0, vq = 0;

        while (apr_isspace(*c)) {
            ++c;
        }
        if (*c == '}' && pairs->nelts == 0) {
            ++c;
            break;
        }
        if (*c == '\'' || *c == '"') {
            kq = *c++;
        }
        k = c;
        while (apr_isalnum(*c) || *c == '_') {
            ++c;
        }
        klen = (apr_size_t)(c - k);
        if (klen == 0 || (kq && *c++ != kq)) {
            return NULL;
        }
        while (apr_isspace(*c)) {
            ++c;
        }
        if (*c++ != ':') {
            return NULL;
        }
        while (apr_isspace(*c)) {
            ++c;
        }
        if (pairs->nelts >= 64) {
            return NULL;
        }
        pr = apr_array_push(pairs);
        pr->key = apr_pstrmemdup(p, k, klen);
        if (*c == '\'' || *c == '"') {
            vq = *c++;
            v = c;
            while (*c && *c != vq) {
                ++c;
            }
            if (!*c) {
                return NULL;
            }
            pr->value = apr_pstrmemdup(p, v, (apr_size_t)(c - v));
            pr->quoted = 1;
            ++c;
        }
        else {
            v = c;
            while (apr_isalnum(*c) || *c == '.' || *c == '-') {
                ++c;
            }
            if (c == v) {
                return NULL;
            }
            pr->value = apr_pstrmemdup(p, v, (apr_size_t)(c - v));
            pr->quoted = 0;
        }
        while (apr_isspace(*c)) {
            ++c;
        }
        if (*c == ',') {
            ++c;
            continue;
        }
        if (*c == '}') {
            ++c;
            break;
        }
        return NULL;
    }
    while (apr_isspace(*c)) {
        ++c;
    }
    return *c ? NULL : pairs;
}

/* Milliseconds since the epoch, 1..15 digits; 0 when not that. */
static apr_time_t ms_time(const char *s)
{
    apr_int64_t v = 0;
    int n = 0;

    if (!s) {
        return 0;
    }
    for (; apr_isdigit(*s); ++s) {
        if (++n > 15) {
            return 0;
        }
        v = v * 10 + (*s - '0');
    }
    if (*s || n == 0) {
        return 0;
    }
    return (apr_time_t)v * APR_TIME_C(1000);
}

void cg_source_read_cookiebot(apr_pool_t *p, const apr_table_t *cookies,
                              const cg_source_opts_t *opts,
                              cg_source_result_t *out)
{
    const char *raw = one_cookie(out, cookies, "CookieConsent");
    const char *method = NULL, *utc = NULL;
    apr_array_header_t *pairs;
    char *value;
    int i, j;

    if (!raw) {
        return;
    }
    if (!(value = cg_source_unescape(p, raw, 0))) {
        cg_source_fail(out, "CookieConsent: bad percent-encoding");
        return;
    }
    if (!strcmp(value, "0") || !strcmp(value, "-1")) {
        /* legacy "no consent" and "outside a consent region": no choice */
        cg_source_fail(out, "CookieConsent: no recorded choice");
        return;
    }
    if (!(pairs = js_object(p, value))) {
        cg_source_fail(out, "CookieConsent: malformed");
        return;
    }
    for (i = 0; i < pairs->nelts; ++i) {
        const js_pair_t *a = &APR_ARRAY_IDX(pairs, i, js_pair_t);

        for (j = 0; j < i; ++j) {
            if (!strcmp(APR_ARRAY_IDX(pairs, j, js_pair_t).key, a->key)) {
                cg_source_fail(out, "CookieConsent: a key twice");
                return;
            }
        }
        if (!strcmp(a->key, "method")) {
            method = a->value;
        }
        else if (!strcmp(a->key, "utc")) {
            utc = a->quoted ? NULL : a->value;
        }
    }
    if (!method || strcmp(method, "explicit")) {
        cg_source_fail(out, "CookieConsent: not an explicit choice");
        return;
    }
    out->when = ms_time(utc);
    if (!cg_source_check_age(out, out->when, opts)) {
        return;
    }
    out->explicit_choice = 1;
    for (i = 0; i < pairs->nelts; ++i) {
        const js_pair_t *a = &APR_ARRAY_IDX(pairs, i, js_pair_t);

        for (j = 0; cookiebot_categories[j]; ++j) {
            if (strcmp(a->key, cookiebot_categories[j])) {
                continue;
            }
            if (!a->quoted && !strcmp(a->value, "true")) {
                cg_source_grant(p, out, a->key);
            }
            else if (!a->quoted && !strcmp(a->value, "false")) {
                cg_source_refuse(p, out, a->key);
            }
            else {
                cg_source_fail(out, "CookieConsent: a category not boolean");
                return;
            }
        }
    }
}

/* ---- OneTrust: OptanonConsent, form-encoded, groups=C0001:1,C0002:0,...;
 * a choice only with interactionCount > 0 or an OptanonAlertBoxClosed
 * time (OneTrust writes default groups before any interaction). The
 * choice is dated by OptanonAlertBoxClosed, else by the datestamp field. */

/* JavaScript's Date.toString(): "Mon Apr 07 2025 18:20:29 GMT+0200
 * (Central European Summer Time)"; 0 when not that. */
static apr_time_t js_date(const char *s)
{
    static const char *const months[] = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"
    };
    apr_time_exp_t t;
    apr_time_t r;
    const char *c;
    int i, oh, om;

    memset(&t, 0, sizeof(t));
    if (strlen(s) < 33 || s[3] != ' ' || s[7] != ' ' || s[10] != ' '
        || s[15] != ' ' || s[24] != ' ' || strncmp(s + 25, "GMT", 3)
        || (s[28] != '+' && s[28] != '-')) {
        return 0;
    }
    t.tm_mon = -1;
    for (i = 0; i < 12; ++i) {
        if (!strncmp(s + 4, months[i], 3)) {
            t.tm_mon = i;
        }
    }
    c = s + 8;
    if (t.tm_mon < 0 || (t.tm_mday = digits(&c, 2)) < 1 || t.tm_mday > 31
        || *c++ != ' ' || (t.tm_year = digits(&c, 4)) < 1970 || *c++ != ' '
        || (t.tm_hour = digits(&c, 2)) < 0 || t.tm_hour > 23 || *c++ != ':'
        || (t.tm_min = digits(&c, 2)) < 0 || t.tm_min > 59 || *c++ != ':'
        || (t.tm_sec = digits(&c, 2)) < 0 || t.tm_sec > 60) {
        return 0;
    }
    c = s + 29;
    if ((oh = digits(&c, 2)) < 0 || oh > 14 || (om = digits(&c, 2)) < 0
        || om > 59 || (*c && *c != ' ')) {
        return 0;
    }
    t.tm_year -= 1900;
    if (apr_time_exp_gmt_get(&r, &t) != APR_SUCCESS) {
        return 0;
    }
    /* local time = UTC + offset */
    r -= apr_time_from_sec((apr_time_t)(oh * 3600 + om * 60))
         * (s[28] == '+' ? 1 : -1);
    return r > 0 ? r : 0;
}

void cg_source_read_onetrust(apr_pool_t *p, const apr_table_t *cookies,
                             const cg_source_opts_t *opts,
                             cg_source_result_t *out)
{
    const char *raw = one_cookie(out, cookies, "OptanonConsent");
    const char *closed = one_cookie(out, cookies, "OptanonAlertBoxClosed");
    const char *groups = NULL, *count = NULL, *datestamp = NULL;
    char *copy, *field, *state;
    int interactions = 0, nfields = 0;

    if (!raw || out->error) {
        return;
    }
    copy = apr_pstrdup(p, raw);
    for (field = apr_strtok(copy, "&", &state); field;
         field = apr_strtok(NULL, "&", &state)) {
        char *eq = strchr(field, '='), *v;

        if (++nfields > 64) {
            cg_source_fail(out, "OptanonConsent: too many fields");
            return;
        }
        if (!eq) {
            continue;
        }
        *eq = '\0';
        if (!(v = cg_source_unescape(p, eq + 1, 1))) {
            cg_source_fail(out, "OptanonConsent: bad percent-encoding");
            return;
        }
        if (!strcmp(field, "groups") || !strcmp(field, "interactionCount")
            || !strcmp(field, "datestamp")
            || !strcmp(field, "AwaitingReconsent")) {
            const char **slot = field[0] == 'g' ? &groups
                : field[0] == 'i' ? &count : field[0] == 'd' ? &datestamp
                : NULL;

            if (!slot) {
                if (!strcmp(v, "true")) {
                    cg_source_fail(out, "OptanonConsent: awaiting reconsent");
                    return;
                }
                continue;
            }
            if (*slot) {
                cg_source_fail(out, "OptanonConsent: a field twice");
                return;
            }
            *slot = v;
        }
    }
    if (count) {
        const char *c = count;
        int n = 0;

        for (; apr_isdigit(*c) && n < 9; ++c, ++n) {
            interactions = interactions * 10 + (*c - '0');
        }
        if (*c || n == 0) {
            cg_source_fail(out, "OptanonConsent: bad interactionCount");
            return;
        }
    }
    if (closed || (datestamp && (out->when = js_date(datestamp)))
        || opts->max_age > 0) {
        /* without a date, a max_age cannot be honoured: no choice */
        if (closed) {
            out->when = cg_source_parse_iso(closed);
        }
        if (!cg_source_check_age(out, out->when, opts)) {
            return;
        }
    }
    if (interactions == 0 && !closed) {
        cg_source_fail(out, "OptanonConsent: no interaction");
        return;
    }
    if (!groups) {
        cg_source_fail(out, "OptanonConsent: no groups");
        return;
    }
    out->explicit_choice = 1;
    copy = apr_pstrdup(p, groups);
    nfields = 0;
    for (field = apr_strtok(copy, ",", &state); field;
         field = apr_strtok(NULL, ",", &state)) {
        char *colon = strrchr(field, ':');

        if (!colon || !plain_name(field, (apr_size_t)(colon - field))
            || (strcmp(colon, ":1") && strcmp(colon, ":0"))) {
            cg_source_fail(out, "OptanonConsent: malformed group");
            return;
        }
        *colon = '\0';
        if (colon[1] == '1') {
            cg_source_grant(p, out, field);
        }
        else {
            cg_source_refuse(p, out, field);
        }
    }
}

/* ---- Complianz (cmplz_<category>) and the WP Consent API
 * (wp_consent_<category>): one cookie per category, "allow" or "deny";
 * other cookies with the prefix (banner status, policy id...) are not
 * categories. "functional" is written before any choice, so a choice
 * needs another category (or Complianz's banner status "dismissed"). */

static void read_per_category(apr_pool_t *p, const apr_table_t *cookies,
                              const char *prefix, const char *label,
                              cg_source_result_t *out)
{
    const apr_array_header_t *arr;
    const apr_table_entry_t *e;
    apr_size_t plen = strlen(prefix);
    int i, chose = 0, seen = 0;

    if (!cookies) {
        return;
    }
    arr = apr_table_elts(cookies);
    e = (const apr_table_entry_t *)arr->elts;
    for (i = 0; i < arr->nelts && !out->error; ++i) {
        const char *cat;

        if (!e[i].key || !e[i].val || strncmp(e[i].key, prefix, plen)) {
            continue;
        }
        cat = e[i].key + plen;
        if (!strcmp(cat, "banner-status") && !strcmp(e[i].val, "dismissed")) {
            chose = 1;
            continue;
        }
        if (!plain_name(cat, strlen(cat))) {
            continue;
        }
        seen = 1;
        if (!strcmp(e[i].val, "allow")) {
            cg_source_grant(p, out, cat);
        }
        else if (!strcmp(e[i].val, "deny")) {
            cg_source_refuse(p, out, cat);
        }
        else {
            continue;
        }
        if (strcmp(cat, "functional")) {
            chose = 1;
        }
    }
    if (out->error || !seen) {
        return;
    }
    if (!chose) {
        cg_source_fail(out, apr_pstrcat(p, label, ": no choice", NULL));
        return;
    }
    out->explicit_choice = 1;
}

void cg_source_read_complianz(apr_pool_t *p, const apr_table_t *cookies,
                              const cg_source_opts_t *opts,
                              cg_source_result_t *out)
{
    read_per_category(p, cookies, "cmplz_", "cmplz", out);
}

void cg_source_read_wpconsent(apr_pool_t *p, const apr_table_t *cookies,
                              const cg_source_opts_t *opts,
                              cg_source_result_t *out)
{
    read_per_category(p, cookies, "wp_consent_", "wp_consent", out);
}

/* ---- CookieYes: cookieyes-consent, "consentid:...,consent:yes,action:yes,
 * necessary:yes,functional:no,...". A choice only with action:yes. */

void cg_source_read_cookieyes(apr_pool_t *p, const apr_table_t *cookies,
                              const cg_source_opts_t *opts,
                              cg_source_result_t *out)
{
    const char *raw = one_cookie(out, cookies, "cookieyes-consent");
    const char *action = NULL;
    apr_array_header_t *cats;
    char *value, *field, *state;
    int i, n = 0;

    if (!raw) {
        return;
    }
    if (!(value = cg_source_unescape(p, raw, 0))) {
        cg_source_fail(out, "cookieyes-consent: bad percent-encoding");
        return;
    }
    cats = apr_array_make(p, 8, sizeof(char *));
    for (field = apr_strtok(value, ",", &state); field;
         field = apr_strtok(NULL, ",", &state)) {
        char *colon = strchr(field, ':');

        if (!colon || ++n > 64) {
            cg_source_fail(out, "cookieyes-consent: malformed");
            return;
        }
        *colon = '\0';
        if (!strcmp(field, "action")) {
            if (action) {
                cg_source_fail(out, "cookieyes-consent: action twice");
                return;
            }
            action = colon + 1;
        }
        else if (!strcmp(field, "rev")) {
            out->revision = apr_atoi64(colon + 1);
        }
        else if (!strcmp(colon + 1, "yes") || !strcmp(colon + 1, "no")) {
            if (strcmp(field, "consent") && plain_name(field, strlen(field))) {
                *colon = ':';
                APR_ARRAY_PUSH(cats, char *) = field;
            }
        }
    }
    if (!action || strcmp(action, "yes")) {
        cg_source_fail(out, "cookieyes-consent: no action");
        return;
    }
    out->explicit_choice = 1;
    for (i = 0; i < cats->nelts; ++i) {
        char *f = APR_ARRAY_IDX(cats, i, char *);
        char *colon = strchr(f, ':');

        *colon = '\0';
        if (!strcmp(colon + 1, "yes")) {
            cg_source_grant(p, out, f);
        }
        else {
            cg_source_refuse(p, out, f);
        }
    }
}

/* ---- Matomo: mtm_consent and mtm_cookie_consent hold the time consent
 * was given (ms), mtm_consent_removed the time it was withdrawn, which
 * wins. Categories "consent" (tracking) and "cookie_consent". */

void cg_source_read_matomo(apr_pool_t *p, const apr_table_t *cookies,
                           const cg_source_opts_t *opts,
                           cg_source_result_t *out)
{
    const char *given = one_cookie(out, cookies, "mtm_consent");
    const char *cookie = one_cookie(out, cookies, "mtm_cookie_consent");
    const char *removed = one_cookie(out, cookies, "mtm_consent_removed");
    apr_time_t t_given = ms_time(given), t_cookie = ms_time(cookie);

    if (out->error) {
        return;
    }
    if (removed) {
        /* a withdrawal is honoured at any age and even when malformed */
        apr_time_t t = ms_time(removed);

        out->when = t > 0 && t <= opts->now + CG_SOURCE_SKEW ? t : 0;
        out->explicit_choice = 1;
        cg_source_refuse(p, out, "consent");
        cg_source_refuse(p, out, "cookie_consent");
        return;
    }
    if (!given && !cookie) {
        return;
    }
    if ((given && !cg_source_check_age(out, t_given, opts))
        || (cookie && !cg_source_check_age(out, t_cookie, opts))) {
        return;
    }
    out->explicit_choice = 1;
    out->when = t_given > t_cookie ? t_given : t_cookie;
    if (given) {
        cg_source_grant(p, out, "consent");
    }
    if (cookie) {
        cg_source_grant(p, out, "cookie_consent");
    }
}
