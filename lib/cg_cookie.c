/* cg_cookie.c: Cookie request header and Set-Cookie line parsing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <apr_lib.h>
#include <apr_date.h>

#include "cg_cookie.h"
#include "cg_text.h"

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

/* Does the text after a comma start a new "token=" pair? */
static int starts_pair(const char *s)
{
    const char *t;

    while (cg_is_ows(*s)) {
        ++s;
    }
    for (t = s; is_tchar((unsigned char)*t); ++t) {
    }
    return t > s && *t == '=';
}

/* cg_trim() on the copy of a header this file cuts up in place. */
static void trim(char **b, char **e)
{
    *b += cg_ows_skip(*b, *e) - *b;
    *e -= *e - cg_ows_rskip(*b, *e);
}

static void add_crumb(apr_array_header_t *arr, char *b, char *e)
{
    cg_crumb_t *c;
    char *eq;

    trim(&b, &e);
    if (b == e) {
        return;
    }
    *e = '\0';
    c = apr_array_push(arr);
    c->crumb = b;
    eq = strchr(b, '=');
    if (!eq) {
        /* RFC 6265bis: a pair without '=' is a cookie with an empty name */
        c->name = "";
        c->value = b;
        return;
    }
    {
        char *ne = eq, *vb = eq + 1, *ve = e;
        char *nb = b;
        trim(&nb, &ne);
        trim(&vb, &ve);
        c->name = apr_pstrmemdup(arr->pool, nb, ne - nb);
        c->value = vb;
    }
}

apr_array_header_t *cg_cookie_parse(apr_pool_t *p, const char *header)
{
    apr_array_header_t *arr = apr_array_make(p, 8, sizeof(cg_crumb_t));
    char *s, *b;

    if (!header) {
        return arr;
    }
    s = apr_pstrdup(p, header);
    for (b = s; *s; ++s) {
        if (*s == ';' || (*s == ',' && starts_pair(s + 1))) {
            add_crumb(arr, b, s);
            b = s + 1;
        }
    }
    add_crumb(arr, b, s);
    return arr;
}

const char *cg_cookie_join(apr_pool_t *p, const apr_array_header_t *crumbs)
{
    const cg_crumb_t *c = (const cg_crumb_t *)crumbs->elts;
    apr_size_t len = 0, n;
    char *out, *w;
    int i;

    for (i = 0; i < crumbs->nelts; ++i) {
        len += strlen(c[i].crumb) + 2;
    }
    w = out = apr_palloc(p, len + 1);
    for (i = 0; i < crumbs->nelts; ++i) {
        if (i) {
            *w++ = ';';
            *w++ = ' ';
        }
        n = strlen(c[i].crumb);
        memcpy(w, c[i].crumb, n);
        w += n;
    }
    *w = '\0';
    return out;
}

static int parse_int64(const char *s, apr_int64_t *out)
{
    char *end;
    apr_int64_t v;

    if (!*s || !(apr_isdigit(*s) || (*s == '-' && apr_isdigit(s[1])))) {
        return 0;
    }
    errno = 0;
    v = apr_strtoi64(s, &end, 10);
    if (*end != '\0') {
        return 0;
    }
    if (errno == ERANGE) {
        /* an absurd Max-Age is still a sign: clamp it */
        v = (*s == '-') ? APR_INT64_MIN : APR_INT64_MAX;
    }
    *out = v;
    return 1;
}

/* apr_date_parse_rfc() answers APR_DATE_BAD (0) for the epoch itself and
 * for any year before it, which is exactly how deletions are written
 * ("Thu, 01 Jan 1970 00:00:00 GMT"): such a date becomes 1 us after the
 * epoch, still long past. Unparseable dates give 0 (ignored, RFC 6265). */
static apr_time_t parse_expires(const char *value)
{
    apr_time_t t = apr_date_parse_rfc(value);
    const char *c;

    if (t != APR_DATE_BAD) {
        return t;
    }
    for (c = value; *c; ++c) {
        if (apr_isdigit(c[0]) && apr_isdigit(c[1]) && apr_isdigit(c[2])
            && apr_isdigit(c[3]) && !apr_isdigit(c[4])
            && (c == value || !apr_isdigit(c[-1]))) {
            return atoi(c) <= 1970 ? 1 : 0;
        }
    }
    return 0;
}

void cg_setcookie_parse(apr_pool_t *p, const char *line, cg_setcookie_t *out)
{
    char *s = apr_pstrdup(p, line ? line : "");
    char *attrs = strchr(s, ';');
    char *pair_end, *eq, *b, *e;

    memset(out, 0, sizeof(*out));
    if (attrs) {
        *attrs++ = '\0';
    }
    pair_end = s + strlen(s);
    eq = strchr(s, '=');
    if (!eq) {
        b = s;
        e = pair_end;
        trim(&b, &e);
        *e = '\0';
        out->name = "";
        out->value = b;
    }
    else {
        char *vb = eq + 1, *ve = pair_end;
        b = s;
        e = eq;
        trim(&b, &e);
        out->name = apr_pstrmemdup(p, b, e - b);
        trim(&vb, &ve);
        *ve = '\0';
        out->value = vb;
    }

    while (attrs && *attrs) {
        char *next = strchr(attrs, ';');
        char *an, *ae, *av = NULL, *ave = NULL;

        if (next) {
            *next++ = '\0';
        }
        an = attrs;
        ae = strchr(attrs, '=');
        if (ae) {
            av = ae + 1;
            ave = av + strlen(av);
            trim(&av, &ave);
            *ave = '\0';
        }
        else {
            ae = an + strlen(an);
        }
        trim(&an, &ae);
        *ae = '\0';

        if (!strcasecmp(an, "Max-Age") && av) {
            apr_int64_t v;
            if (parse_int64(av, &v)) {
                out->has_max_age = 1;
                out->max_age = v;
            }
        }
        else if (!strcasecmp(an, "Expires") && av) {
            out->expires = parse_expires(av);
        }
        else if (!strcasecmp(an, "Path") && av) {
            out->path = av;
        }
        else if (!strcasecmp(an, "Domain") && av) {
            out->domain = av;
        }
        else if (!strcasecmp(an, "Secure")) {
            out->secure = 1;
        }
        else if (!strcasecmp(an, "HttpOnly")) {
            out->httponly = 1;
        }
        attrs = next;
    }
}

const char *cg_setcookie_name(apr_pool_t *p, const char *line)
{
    const char *b = line ? line : "", *e;

    e = b + strcspn(b, "=;");
    if (*e != '=') {
        return "";
    }
    cg_trim(&b, &e);
    return apr_pstrmemdup(p, b, e - b);
}

int cg_setcookie_is_deletion(const cg_setcookie_t *sc, apr_time_t now)
{
    if (sc->has_max_age) {
        return sc->max_age <= 0;
    }
    return sc->expires != 0 && sc->expires < now;
}

/* Max-Age's value as cg_setcookie_parse() reads it, without a copy:
 * optional '-', then only digits; an overflow clamps. */
static int max_age_value(const char *b, const char *e, apr_int64_t *out)
{
    int neg = (b < e && *b == '-');
    apr_int64_t v = 0;
    const char *d = b + neg;

    if (d == e) {
        return 0;
    }
    for (; d < e; ++d) {
        if (!apr_isdigit(*d)) {
            return 0;
        }
        v = (v > (APR_INT64_MAX - 9) / 10) ? APR_INT64_MAX : v * 10 + (*d - '0');
    }
    *out = neg ? -v : v;
    return 1;
}

int cg_setcookie_deletes(apr_pool_t *p, const char *line, apr_time_t now)
{
    const char *a = line ? strchr(line, ';') : NULL;
    const char *expires = NULL, *expires_end = NULL;
    int has_max_age = 0;
    apr_int64_t max_age = 0, v;

    /* the last valid attribute of a name wins, as in cg_setcookie_parse() */
    while (a) {
        const char *b = a + 1, *end, *c, *vb, *ve;
        int is_max_age;

        while (cg_is_ows(*b)) {
            ++b;
        }
        end = b + strcspn(b, ";");
        a = *end ? end : NULL;
        /* most attributes (path, secure, samesite...) end here */
        if (end - b < 8 || ((*b | 0x20) != 'm' && (*b | 0x20) != 'e')) {
            continue;
        }
        is_max_age = (*b | 0x20) == 'm';
        if (strncasecmp(b, is_max_age ? "Max-Age" : "Expires", 7)) {
            continue;
        }
        for (c = b + 7; c < end && cg_is_ows(*c); ++c) {
        }
        if (c == end || *c != '=') {
            continue;
        }
        vb = c + 1;
        ve = end;
        cg_trim(&vb, &ve);
        if (is_max_age) {
            if (max_age_value(vb, ve, &v)) {
                has_max_age = 1;
                max_age = v;
            }
        }
        else {
            expires = vb;
            expires_end = ve;
        }
    }
    if (has_max_age) {
        return max_age <= 0;
    }
    if (expires) {
        apr_time_t t = parse_expires(apr_pstrmemdup(p, expires,
                                                    expires_end - expires));
        return t != 0 && t < now;
    }
    return 0;
}

const char *cg_setcookie_expiry(apr_pool_t *p, const char *name,
                                const char *domain, int secure)
{
    return apr_pstrcat(p, name, "=; Max-Age=0; "
                       "Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/",
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
