/* cg_cookie.c: Cookie request header and Set-Cookie line parsing, read the
 * way browsers read them (RFC 6265bis 5.6/5.7, the cookie-date algorithm
 * of RFC 6265 5.1.1); where the RFC and Chromium differ, Chromium's
 * behaviour is the one implemented, since it decides what a visitor keeps. */
#include <string.h>

#include <apr_strings.h>
#include <apr_lib.h>

#include "cg_cookie.h"

/* Chromium's limits: a name plus value longer than this refuses the line;
 * a longer attribute value is ignored as if the attribute were absent. */
#define CG_MAX_NAME_VALUE 4096
#define CG_MAX_ATTR_VALUE 1024

#define CG_EPOCH_LINE_EXPIRES "Thu, 01 Jan 1970 00:00:00 GMT"

static APR_INLINE int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* RFC 7230 tchar */
static int is_tchar(unsigned char c)
{
    if (apr_isalnum(c)) {
        return 1;
    }
    return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

int cg_cookie_name_valid(const char *name)
{
    if (!name || !*name) {
        return 0;
    }
    for (; *name; ++name) {
        if (!is_tchar((unsigned char)*name)) {
            return 0;
        }
    }
    return 1;
}

/* ---- the Cookie request header ---- */

/* Names of the "token=" pairs that follow a comma inside a value: what
 * httpd's merge of two Cookie lines, or a pair smuggled into a value,
 * looks like to a server that splits at commas. NULL for none. */
static const char *const *inner_names(apr_pool_t *p,
                                      const char *comma)
{
    const char **names = NULL;
    int n = 0, max = 0;

    while (comma) {
        const char *s = comma + 1, *t;

        while (is_ows(*s)) {
            ++s;
        }
        for (t = s; is_tchar((unsigned char)*t); ++t) {
        }
        if (t > s && *t == '=') {
            if (n + 1 >= max) {
                const char **grown;

                max = max ? 2 * max : 4;
                grown = apr_palloc(p, max * sizeof(*grown));
                if (n) {
                    memcpy(grown, names, n * sizeof(*grown));
                }
                names = grown;
            }
            names[n++] = apr_pstrmemdup(p, s, t - s);
            names[n] = NULL;
        }
        comma = strchr(t, ',');
    }
    return names;
}

/* Ends the crumb [b, e) of the `crumbs` copy (its '=' at eq, NULL for
 * none; its first comma after the '=' at comma, NULL for none). */
static APR_INLINE void end_crumb(apr_array_header_t *arr, char *crumbs,
                                 char *names, char *b, char *e, char *eq,
                                 char *comma)
{
    cg_crumb_t *c;

    /* *e is the ';' or the final NUL, never OWS: no bound needed */
    while (is_ows(*b)) {
        ++b;
    }
    while (e > b && is_ows(e[-1])) {
        --e;
    }
    if (b == e) {
        return;
    }
    *e = '\0';
    c = arr->nelts < arr->nalloc
        ? (cg_crumb_t *)arr->elts + arr->nelts++
        : apr_array_push(arr);
    c->crumb = b;
    c->crumb_len = (apr_size_t)(e - b);
    c->inner = NULL;
    if (!eq || eq < b) {
        /* RFC 6265bis: a pair without '=' is a cookie with an empty name;
         * the whole pair is its value */
        c->name = "";
        c->name_len = 0;
        c->value = b;
    }
    else {
        char *ne = eq, *vb = eq + 1;

        while (ne > b && is_ows(ne[-1])) {
            --ne;
        }
        names[ne - crumbs] = '\0';
        c->name = names + (b - crumbs);
        c->name_len = (apr_size_t)(ne - b);
        /* *e is now NUL: no bound needed */
        while (is_ows(*vb)) {
            ++vb;
        }
        c->value = vb;
    }
    if (comma && comma < e) {
        c->inner = inner_names(arr->pool, comma);
    }
}

apr_array_header_t *cg_cookie_parse(apr_pool_t *p, const char *header)
{
    /* One allocation holds the array, its first elements and two copies
     * of the header: in `crumbs` each pair ends with a NUL after its
     * value, in `names` each name ends with a NUL before its '=', so
     * names need no allocation of their own. */
    enum { FIRST = 16 };
    apr_size_t len = header ? strlen(header) : 0;
    apr_array_header_t *arr;
    char *crumbs, *names, *b, *end;
    int commas;

    arr = apr_palloc(p, sizeof(*arr) + FIRST * sizeof(cg_crumb_t)
                        + 2 * (len + 1));
    arr->pool = p;
    arr->elt_size = sizeof(cg_crumb_t);
    arr->nelts = 0;
    arr->nalloc = FIRST;
    arr->elts = (char *)(arr + 1);
    if (!len) {
        return arr;
    }
    crumbs = arr->elts + FIRST * sizeof(cg_crumb_t);
    names = crumbs + len + 1;
    memcpy(crumbs, header, len + 1);
    memcpy(names, header, len + 1);
    end = crumbs + len;
    /* a header without a comma (nearly all) needs no look for one in
     * each value */
    commas = memchr(crumbs, ',', len) != NULL;

    /* pair by pair: memchr() jumps over the values, however long */
    for (b = crumbs; b < end; ) {
        char *e = memchr(b, ';', end - b), *eq, *comma = NULL;

        if (!e) {
            e = end;
        }
        eq = memchr(b, '=', e - b);
        if (commas && eq) {
            comma = memchr(eq + 1, ',', e - eq - 1);
        }
        end_crumb(arr, crumbs, names, b, e, eq, comma);
        b = e + 1;
    }
    return arr;
}

const char *cg_cookie_join_kept(apr_pool_t *p,
                                const apr_array_header_t *crumbs,
                                const unsigned char *keep)
{
    const cg_crumb_t *c = (const cg_crumb_t *)crumbs->elts;
    apr_size_t len = 0;
    char *out, *w;
    int i;

    for (i = 0; i < crumbs->nelts; ++i) {
        len += (!keep || keep[i]) ? c[i].crumb_len + 2 : 0;
    }
    w = out = apr_palloc(p, len + 1);
    for (i = 0; i < crumbs->nelts; ++i) {
        if (keep && !keep[i]) {
            continue;
        }
        if (w != out) {
            *w++ = ';';
            *w++ = ' ';
        }
        memcpy(w, c[i].crumb, c[i].crumb_len);
        w += c[i].crumb_len;
    }
    *w = '\0';
    return out;
}

const char *cg_cookie_join(apr_pool_t *p, const apr_array_header_t *crumbs)
{
    return cg_cookie_join_kept(p, crumbs, NULL);
}

/* ---- names ---- */

const char *cg_cookie_unprefixed(const char *name)
{
    /* repeatedly: "__Host-__Secure-mtc_id" still carries mtc_id */
    for (;;) {
        if (name[0] != '_' || name[1] != '_') {
            return name;
        }
        if (!strncasecmp(name, "__Host-", 7)) {
            name += 7;
        }
        else if (!strncasecmp(name, "__Secure-", 9)) {
            name += 9;
        }
        else {
            return name;
        }
    }
}

const char *cg_cookie_inner_name(apr_pool_t *p, const char *value)
{
    const char *b = value, *e;

    if (!b) {
        return NULL;
    }
    e = strchr(b, '=');
    if (!e) {
        return NULL;
    }
    while (b < e && is_ows(*b)) {
        ++b;
    }
    while (e > b && is_ows(e[-1])) {
        --e;
    }
    return e > b ? apr_pstrmemdup(p, b, e - b) : NULL;
}

const char *cg_cookie_php_name(apr_pool_t *p, const char *name)
{
    const char *b = name, *open;
    char *out, *w;

    /* PHP 8 skips leading whitespace, turns ' ' and '.' into '_', and
     * reads "a[...]" as the array "a"; a '[' without a ']' after it
     * becomes '_' too. Names are not URL-decoded (since PHP 7.4.11). */
    while (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r'
           || *b == '\v' || *b == '\f') {
        ++b;
    }
    if (!*b || *b == '[') {
        return "";
    }
    if (!b[strcspn(b, " .[")]) {
        return b;
    }
    open = strchr(b, '[');
    if (open && strchr(open + 1, ']')) {
        out = apr_pstrmemdup(p, b, open - b);
    }
    else {
        out = apr_pstrdup(p, b);
    }
    for (w = out; *w; ++w) {
        if (*w == ' ' || *w == '.' || *w == '[') {
            *w = '_';
        }
    }
    return out;
}

void cg_cookie_forms(apr_pool_t *p, const char *name, const char *forms[2])
{
    const char *bare = cg_cookie_unprefixed(name);
    const char *php = cg_cookie_php_name(p, bare);

    forms[0] = bare;
    forms[1] = (*php && php != bare && strcmp(php, bare))
               ? cg_cookie_unprefixed(php) : NULL;
}

/* A pair named `name` (or nameless) with `value`, and the names after
 * commas in its value: every raw name it may be read under. */
static int every_raw_name(apr_pool_t *p, const char *name, const char *value,
                          const char *const *inner, cg_name_fn fn, void *ctx)
{
    if (*name) {
        if (!fn(ctx, name)) {
            return 0;
        }
    }
    else {
        /* a nameless pair "x=1" is what a server reads as x */
        const char *in = cg_cookie_inner_name(p, value);

        if (!fn(ctx, "")) {
            return 0;
        }
        if (in && !fn(ctx, in)) {
            return 0;
        }
    }
    for (; inner && *inner; ++inner) {
        if (!fn(ctx, *inner)) {
            return 0;
        }
    }
    return 1;
}

int cg_crumb_every_raw_name(apr_pool_t *p, const cg_crumb_t *c,
                            cg_name_fn fn, void *ctx)
{
    return every_raw_name(p, c->name, c->value, c->inner, fn, ctx);
}

int cg_setcookie_every_raw_name(apr_pool_t *p, const cg_setcookie_t *sc,
                                cg_name_fn fn, void *ctx)
{
    const char *comma = strchr(sc->value, ',');

    /* "a=1, mtc_id=2" comes back as a pair a server may split at the
     * comma */
    return every_raw_name(p, sc->name, sc->value,
                          comma ? inner_names(p, comma) : NULL, fn, ctx);
}

/* Each raw name through its forms, for every_name's callers. */
typedef struct forms_walk_t {
    apr_pool_t *p;
    cg_name_fn fn;
    void *ctx;
} forms_walk_t;

static int every_form(void *data, const char *name)
{
    forms_walk_t *w = data;
    const char *forms[2];

    cg_cookie_forms(w->p, name, forms);
    return w->fn(w->ctx, forms[0]) && (!forms[1] || w->fn(w->ctx, forms[1]));
}

int cg_crumb_every_name(apr_pool_t *p, const cg_crumb_t *c, cg_name_fn fn,
                        void *ctx)
{
    forms_walk_t w = { p, fn, ctx };

    return cg_crumb_every_raw_name(p, c, every_form, &w);
}

int cg_setcookie_every_name(apr_pool_t *p, const cg_setcookie_t *sc,
                            cg_name_fn fn, void *ctx)
{
    forms_walk_t w = { p, fn, ctx };

    return cg_setcookie_every_raw_name(p, sc, every_form, &w);
}

/* ---- the cookie-date algorithm ---- */

/* Chromium's delimiters: every ASCII punctuation but ':', and space/tab;
 * non-ASCII bytes are part of a token. */
static int is_date_delim(unsigned char c)
{
    return c == '\t' || (c >= 0x20 && c <= 0x2f) || (c >= 0x3b && c <= 0x40)
           || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
}

/* All digits, non-empty; saturates at 999999 (enough to be invalid in
 * every field). */
static int digits_value(const char *b, const char *e, int *out)
{
    long v = 0;

    if (b == e) {
        return 0;
    }
    for (; b < e; ++b) {
        if (!apr_isdigit(*b)) {
            return 0;
        }
        v = v > 99999 ? 999999 : v * 10 + (*b - '0');
    }
    *out = (int)v;
    return 1;
}

/* "h:m:s", each field one or more digits and nothing else */
static int date_time(const char *b, const char *e, int *h, int *m, int *s)
{
    const char *c1 = memchr(b, ':', e - b), *c2;

    if (!c1) {
        return 0;
    }
    c2 = memchr(c1 + 1, ':', e - c1 - 1);
    if (!c2 || memchr(c2 + 1, ':', e - c2 - 1)) {
        return 0;
    }
    return digits_value(b, c1, h) && digits_value(c1 + 1, c2, m)
           && digits_value(c2 + 1, e, s);
}

static int is_leap(apr_int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static apr_int64_t days_from_civil(apr_int64_t y, int m, int d)
{
    apr_int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int cg_cookie_date(const char *s, apr_size_t len, apr_time_t *out)
{
    static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    const char *end = s + len, *b, *e;
    int day = 0, month = 0, year = 0, h = 0, mi = 0, sec = 0;
    int have_day = 0, have_month = 0, have_year = 0, have_time = 0;
    int dim;

    for (b = s; b < end; b = e) {
        while (b < end && is_date_delim((unsigned char)*b)) {
            ++b;
        }
        for (e = b; e < end && !is_date_delim((unsigned char)*e); ++e) {
        }
        if (b == e) {
            break;
        }
        if (!apr_isdigit(*b)) {
            /* a month is any token starting with its three letters */
            if (!have_month && e - b >= 3) {
                int i;

                for (i = 0; i < 12; ++i) {
                    if (apr_tolower(b[0]) == months[3 * i]
                        && apr_tolower(b[1]) == months[3 * i + 1]
                        && apr_tolower(b[2]) == months[3 * i + 2]) {
                        month = i + 1;
                        have_month = 1;
                        break;
                    }
                }
            }
        }
        else if (memchr(b, ':', e - b)) {
            if (!have_time && date_time(b, e, &h, &mi, &sec)) {
                have_time = 1;
            }
        }
        else if (!have_day && e - b <= 2) {
            have_day = digits_value(b, e, &day);
        }
        else if (!have_year && e - b <= 5) {
            have_year = digits_value(b, e, &year);
        }
    }
    if (!have_day || !have_month || !have_year || !have_time) {
        return 0;
    }
    /* two-digit years (and Chromium reads any year below 100 so) */
    if (year >= 70 && year <= 99) {
        year += 1900;
    }
    else if (year <= 69) {
        year += 2000;
    }
    dim = mdays[month - 1] + (month == 2 && is_leap(year));
    if (day < 1 || day > dim || h > 23 || mi > 59 || sec > 59) {
        return 0;
    }
    *out = apr_time_from_sec(days_from_civil(year, month, day) * 86400
                             + h * 3600 + mi * 60 + sec);
    return 1;
}

/* ---- Set-Cookie ---- */

/* Chromium's reading of Max-Age: an optional sign, then digits only;
 * a value that overflows saturates. */
static int max_age_value(const char *b, const char *e, apr_int64_t *out)
{
    int neg = 0;
    apr_int64_t v = 0;

    if (b < e && (*b == '-' || *b == '+')) {
        neg = *b == '-';
        ++b;
    }
    if (b == e) {
        return 0;
    }
    if (e - b <= 18) {
        /* 18 digits cannot overflow: no check per digit */
        for (; b < e; ++b) {
            if (*b < '0' || *b > '9') {
                return 0;
            }
            v = v * 10 + (*b - '0');
        }
        *out = neg ? -v : v;
        return 1;
    }
    for (; b < e; ++b) {
        int d;

        if (*b < '0' || *b > '9') {
            return 0;
        }
        d = *b - '0';
        /* v * 10 + d > APR_INT64_MAX, without a division per digit */
        if (v > APR_INT64_MAX / 10
            || (v == APR_INT64_MAX / 10 && d > APR_INT64_MAX % 10)) {
            v = APR_INT64_MAX;
        }
        else {
            v = v * 10 + d;
        }
    }
    *out = neg ? (v == APR_INT64_MAX ? APR_INT64_MIN : -v) : v;
    return 1;
}

/* A control character (tab included) inside a trimmed part refuses the
 * whole line. */
static int has_ctl(const char *b, const char *e)
{
    for (; b < e; ++b) {
        if ((unsigned char)*b < 0x20 || *b == 0x7f) {
            return 1;
        }
    }
    return 0;
}

static APR_INLINE void trim(const char **b, const char **e)
{
    while (*b < *e && is_ows(**b)) {
        ++*b;
    }
    while (*e > *b && is_ows((*e)[-1])) {
        --*e;
    }
}

/* The attributes the gate reads, told apart by length first: most
 * attribute names are then compared once. */
typedef enum {
    ATTR_OTHER = 0, ATTR_MAX_AGE, ATTR_EXPIRES, ATTR_PATH, ATTR_DOMAIN,
    ATTR_SAMESITE, ATTR_SECURE, ATTR_HTTPONLY, ATTR_PARTITIONED
} attr_e;

/* `s` equals `lower` (lower case, `n` bytes) ignoring the case of letters:
 * (c | 0x20) folds exactly two bytes onto a lower-case letter. */
static APR_INLINE int attr_is(const char *s, const char *lower, apr_size_t n)
{
    apr_size_t i;

    for (i = 0; i < n; ++i) {
        char c = s[i], l = lower[i];

        if (c != l && !(l >= 'a' && l <= 'z' && (c | 0x20) == l)) {
            return 0;
        }
    }
    return 1;
}

static attr_e attr_kind(const char *b, const char *e)
{
    switch (e - b) {
    case 4:
        return attr_is(b, "path", 4) ? ATTR_PATH : ATTR_OTHER;
    case 6:
        return attr_is(b, "domain", 6) ? ATTR_DOMAIN
             : attr_is(b, "secure", 6) ? ATTR_SECURE : ATTR_OTHER;
    case 7:
        return attr_is(b, "max-age", 7) ? ATTR_MAX_AGE
             : attr_is(b, "expires", 7) ? ATTR_EXPIRES : ATTR_OTHER;
    case 8:
        return attr_is(b, "samesite", 8) ? ATTR_SAMESITE
             : attr_is(b, "httponly", 8) ? ATTR_HTTPONLY : ATTR_OTHER;
    case 11:
        return attr_is(b, "partitioned", 11) ? ATTR_PARTITIONED : ATTR_OTHER;
    default:
        return ATTR_OTHER;
    }
}

static int prefix_ok(const cg_setcookie_t *sc)
{
    if (sc->name[0] != '_' || sc->name[1] != '_') {
        return 1;
    }
    if (!strncasecmp(sc->name, "__Secure-", 9)) {
        return sc->secure;
    }
    if (!strncasecmp(sc->name, "__Host-", 7)) {
        return sc->secure && !sc->domain && sc->path
               && !strcmp(sc->path, "/");
    }
    return 1;
}

void cg_setcookie_pair_spans(const char *line, cg_pair_spans_t *out)
{
    const char *s = line ? line : "";
    const char *semi = strchr(s, ';');

    out->pe = semi ? semi : s + strlen(s);
    out->eq = memchr(s, '=', out->pe - s);
    if (!out->eq) {
        /* RFC 6265bis: no '=' makes the whole pair the value of a cookie
         * with an empty name */
        out->nb = out->ne = s;
        out->vb = s;
    }
    else {
        out->nb = s;
        out->ne = out->eq;
        trim(&out->nb, &out->ne);
        out->vb = out->eq + 1;
    }
    out->ve = out->pe;
    trim(&out->vb, &out->ve);
}

/* The name and value of a Set-Cookie line; returns where its attributes
 * start (the ';' or the end). */
static const char *parse_pair(apr_pool_t *p, const char *line,
                              cg_setcookie_t *out)
{
    cg_pair_spans_t sp;
    const char *nb, *ne, *vb, *ve;

    cg_setcookie_pair_spans(line, &sp);
    nb = sp.nb;
    ne = sp.ne;
    vb = sp.vb;
    ve = sp.ve;
    memset(out, 0, sizeof(*out));
    out->valid = 1;
    out->name = sp.eq ? apr_pstrmemdup(p, nb, ne - nb) : "";
    if (has_ctl(nb, ne)) {
        out->valid = 0;
    }
    out->value = apr_pstrmemdup(p, vb, ve - vb);
    if (has_ctl(vb, ve)
        || (apr_size_t)(ne - nb) + (apr_size_t)(ve - vb) > CG_MAX_NAME_VALUE
        || (!*out->name && (ve == vb || memchr(vb, '=', ve - vb)
                            || !strncasecmp(out->value, "__Secure-", 9)
                            || !strncasecmp(out->value, "__Host-", 7)))) {
        out->valid = 0;
    }
    return sp.pe;
}

void cg_setcookie_parse_pair(apr_pool_t *p, const char *line,
                             cg_setcookie_t *out)
{
    parse_pair(p, line, out);
}

static void parse_attributes(apr_pool_t *p, const char *pe,
                             cg_setcookie_t *out);

void cg_setcookie_parse(apr_pool_t *p, const char *line, cg_setcookie_t *out)
{
    parse_attributes(p, parse_pair(p, line, out), out);
}

void cg_setcookie_parse_attributes(apr_pool_t *p, const char *line,
                                   cg_setcookie_t *out)
{
    const char *s = line ? line : "";

    parse_attributes(p, s + strcspn(s, ";"), out);
}

/* One attribute of a Set-Cookie line: `*at` is the ';' before it (or the
 * end); its name and value, trimmed, come back as spans and `*at` moves to
 * the next ';' or the end. Returns 0 at the end. */
typedef struct {
    const char *an, *ae, *av, *ave;
} attr_span_t;

/* The attribute [a, end) (after its ';', up to the next or the end). */
static void attribute_span(const char *a, const char *end, attr_span_t *sp)
{
    const char *eq = memchr(a, '=', end - a);

    sp->an = a;
    if (eq) {
        sp->ae = eq;
        sp->av = eq + 1;
        sp->ave = end;
    }
    else {
        sp->ae = sp->av = sp->ave = end;
    }
    trim(&sp->an, &sp->ae);
    trim(&sp->av, &sp->ave);
}

static int next_attribute(const char **at, attr_span_t *sp)
{
    const char *a, *end;

    if (!**at) {
        return 0;
    }
    a = *at + 1;
    end = a + strcspn(a, ";");
    attribute_span(a, end, sp);
    *at = end;
    return 1;
}

/* "max-age" or "expires" at `a`, in any case, compared byte by byte so
 * that a NUL (which matches nothing) ends the comparison. */
static APR_INLINE attr_e lifetime_attr(const char *a)
{
#define CG_LOWER_IS(c, l) (((c) | 0x20) == (l))
    if (CG_LOWER_IS(a[0], 'm')) {
        return CG_LOWER_IS(a[1], 'a') && CG_LOWER_IS(a[2], 'x') && a[3] == '-'
               && CG_LOWER_IS(a[4], 'a') && CG_LOWER_IS(a[5], 'g')
               && CG_LOWER_IS(a[6], 'e') ? ATTR_MAX_AGE : ATTR_OTHER;
    }
    if (CG_LOWER_IS(a[0], 'e')) {
        return CG_LOWER_IS(a[1], 'x') && CG_LOWER_IS(a[2], 'p')
               && CG_LOWER_IS(a[3], 'i') && CG_LOWER_IS(a[4], 'r')
               && CG_LOWER_IS(a[5], 'e') && CG_LOWER_IS(a[6], 's')
               ? ATTR_EXPIRES : ATTR_OTHER;
    }
#undef CG_LOWER_IS
    return ATTR_OTHER;
}

/* Max-Age as Chromium reads it (max_age_value()), asked only whether it
 * ends the cookie: 1 when it is zero or negative, 0 when positive, -1
 * when it is no number. */
static APR_INLINE int max_age_ends(const char *b, const char *e)
{
    int neg = 0, zero = 1;

    if (b < e && (*b == '-' || *b == '+')) {
        neg = *b == '-';
        ++b;
    }
    if (b == e) {
        return -1;
    }
    for (; b < e; ++b) {
        if ((unsigned char)(*b - '0') > 9) {
            return -1;
        }
        zero &= *b == '0';
    }
    return neg || zero;
}

int cg_setcookie_lifetime_ends(const char *line, apr_time_t now)
{
    const char *s = line ? line : "";
    const char *at = strchr(s, ';');
    const char *ma_b = NULL, *ma_e = NULL, *ex_b = NULL, *ex_e = NULL;
    apr_time_t expires;

    /* the same reading as parse_attributes(), of two attributes only and
     * copying nothing: most lines the gate removes are judged here, one
     * strchr() per attribute. An attribute is one of the two when its
     * name, up to OWS and '=' (or the attribute's end), is "Max-Age" or
     * "Expires" in any case. */
    while (at) {
        const char *an = at + 1, *vb, *ve;
        attr_e kind;

        while (is_ows(*an)) {
            ++an;
        }
        kind = lifetime_attr(an);
        if (kind == ATTR_OTHER) {
            at = strchr(an, ';');
            continue;
        }
        vb = an + 7;
        while (is_ows(*vb)) {
            ++vb;
        }
        if (*vb == '=') {
            ++vb;
            while (is_ows(*vb)) {
                ++vb;
            }
            at = strchr(vb, ';');
            ve = at ? at : vb + strlen(vb);
        }
        else if (!*vb || *vb == ';') {
            /* the name alone: an empty value */
            at = *vb ? vb : NULL;
            ve = vb;
        }
        else {
            /* a longer name */
            at = strchr(vb, ';');
            continue;
        }
        while (ve > vb && is_ows(ve[-1])) {
            --ve;
        }
        if (ve - vb > CG_MAX_ATTR_VALUE) {
            continue;
        }
        if (kind == ATTR_MAX_AGE) {
            ma_b = vb;
            ma_e = ve;
        }
        else {
            ex_b = vb;
            ex_e = ve;
        }
    }
    /* a usable Max-Age wins over Expires (RFC 6265 section 5.3 step 3) */
    if (ma_b) {
        int ends = max_age_ends(ma_b, ma_e);

        if (ends >= 0) {
            return ends;
        }
    }
    return ex_b && cg_cookie_date(ex_b, ex_e - ex_b, &expires)
           && expires <= now;
}

/* The attributes after `pe` (a ';' or the end) into `out`, whose name and
 * value parse_pair() filled. */
static void parse_attributes(apr_pool_t *p, const char *pe,
                             cg_setcookie_t *out)
{
    const char *at = pe;
    const char *ma_b = NULL, *ma_e = NULL, *ex_b = NULL, *ex_e = NULL;
    int ma_seen = 0, ex_seen = 0;
    attr_span_t sp;

    /* every attribute: the last one of a kind wins, whatever its value */
    while (next_attribute(&at, &sp)) {
        const char *av = sp.av, *ave = sp.ave;

        if (has_ctl(sp.an, sp.ae) || has_ctl(av, ave)) {
            out->valid = 0;
        }
        if (ave - av > CG_MAX_ATTR_VALUE) {
            continue;
        }
        switch (attr_kind(sp.an, sp.ae)) {
        case ATTR_MAX_AGE:
            ma_b = av;
            ma_e = ave;
            ma_seen = 1;
            break;
        case ATTR_EXPIRES:
            ex_b = av;
            ex_e = ave;
            ex_seen = 1;
            break;
        case ATTR_PATH:
            out->path = ave > av ? apr_pstrmemdup(p, av, ave - av) : NULL;
            break;
        case ATTR_DOMAIN:
            out->domain = ave > av ? apr_pstrmemdup(p, av, ave - av) : NULL;
            break;
        case ATTR_SAMESITE:
            out->samesite = apr_pstrmemdup(p, av, ave - av);
            break;
        case ATTR_SECURE:
            out->secure = 1;
            break;
        case ATTR_HTTPONLY:
            out->httponly = 1;
            break;
        case ATTR_PARTITIONED:
            out->partitioned = 1;
            break;
        default:
            break;
        }
    }
    if (ma_seen) {
        out->has_max_age = max_age_value(ma_b, ma_e, &out->max_age);
    }
    if (ex_seen) {
        out->has_expires = cg_cookie_date(ex_b, ex_e - ex_b, &out->expires);
    }
    if (!prefix_ok(out)) {
        out->valid = 0;
    }
}

const char *cg_setcookie_name(apr_pool_t *p, const char *line)
{
    const char *b = line ? line : "", *e;

    e = b + strcspn(b, "=;");
    if (*e != '=') {
        return "";
    }
    while (b < e && is_ows(*b)) {
        ++b;
    }
    while (e > b && is_ows(e[-1])) {
        --e;
    }
    return apr_pstrmemdup(p, b, e - b);
}

int cg_setcookie_is_deletion(const cg_setcookie_t *sc, apr_time_t now)
{
    if (!sc->valid) {
        /* a line the browser refuses changes nothing */
        return 0;
    }
    if (sc->has_max_age) {
        return sc->max_age <= 0;
    }
    return sc->has_expires && sc->expires <= now;
}

int cg_setcookie_deletes(apr_pool_t *p, const char *line, apr_time_t now)
{
    cg_setcookie_t sc;

    cg_setcookie_parse(p, line, &sc);
    return cg_setcookie_is_deletion(&sc, now);
}

const char *cg_setcookie_canonical_deletion(apr_pool_t *p,
                                            const cg_setcookie_t *sc)
{
    const char *path = sc->path, *domain = sc->domain;
    int secure = sc->secure;
    const char *samesite = NULL;

    /* "=" alone is refused: a nameless cookie has no deletion with an
     * empty value */
    if (!*sc->name || !cg_cookie_name_valid(sc->name)) {
        return NULL;
    }
    if (!strncasecmp(sc->name, "__Host-", 7)) {
        path = "/";
        domain = NULL;
        secure = 1;
    }
    else if (!strncasecmp(sc->name, "__Secure-", 9)) {
        secure = 1;
    }
    if (path && strpbrk(path, ";\r\n")) {
        return NULL;
    }
    if (domain && strpbrk(domain, ";\r\n")) {
        return NULL;
    }
    /* SameSite and Partitioned decide whether a cross-site response may
     * touch the cookie at all, so they stay; only the three known values */
    if (sc->samesite && (!strcasecmp(sc->samesite, "None")
                         || !strcasecmp(sc->samesite, "Lax")
                         || !strcasecmp(sc->samesite, "Strict"))) {
        samesite = sc->samesite;
    }
    return apr_pstrcat(p, sc->name, "=; Max-Age=0; Expires="
                       CG_EPOCH_LINE_EXPIRES,
                       path ? "; Path=" : "", path ? path : "",
                       domain ? "; Domain=" : "", domain ? domain : "",
                       secure || sc->partitioned ? "; Secure" : "",
                       samesite ? "; SameSite=" : "", samesite ? samesite : "",
                       sc->partitioned ? "; Partitioned" : "", NULL);
}

const char *cg_setcookie_expiry(apr_pool_t *p, const char *name,
                                const char *domain, int secure)
{
    /* a prefixed cookie only goes away with a line that keeps its
     * prefix's rules: __Host- has no Domain, both need Secure */
    if (!strncasecmp(name, "__Host-", 7)) {
        domain = NULL;
        secure = 1;
    }
    else if (!strncasecmp(name, "__Secure-", 9)) {
        secure = 1;
    }
    return apr_pstrcat(p, name, "=; Max-Age=0; "
                       "Expires=" CG_EPOCH_LINE_EXPIRES "; Path=/",
                       domain ? "; Domain=" : "", domain ? domain : "",
                       secure ? "; Secure" : "", NULL);
}

const char *cg_setcookie_line(apr_pool_t *p, const char *name,
                              const char *value, apr_int64_t max_age,
                              const char *domain, int secure)
{
    return apr_psprintf(p, "%s=%s; Max-Age=%" APR_INT64_T_FMT "; Path=/%s%s"
                        "; SameSite=Lax%s", name, value, max_age,
                        domain ? "; Domain=" : "", domain ? domain : "",
                        secure ? "; Secure" : "");
}
