/* cg_text.c: optional whitespace, "string in set", HTML escaping and
 * urlencoded forms, each written once for every part that needs it. */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "cg_text.h"

int cg_is_ows(int c)
{
    return c == ' ' || c == '\t';
}

const char *cg_ows_skip(const char *b, const char *e)
{
    while (b < e && cg_is_ows(*b)) {
        ++b;
    }
    return b;
}

const char *cg_ows_rskip(const char *b, const char *e)
{
    while (e > b && cg_is_ows(e[-1])) {
        --e;
    }
    return e;
}

void cg_trim(const char **b, const char **e)
{
    *b = cg_ows_skip(*b, *e);
    *e = cg_ows_rskip(*b, *e);
}

int cg_in_list(const char *s, const char *const *list)
{
    for (; *list; ++list) {
        if (!strcmp(s, *list)) {
            return 1;
        }
    }
    return 0;
}

int cg_mem_in_array(const char *s, apr_size_t len,
                    const apr_array_header_t *arr)
{
    int i;

    for (i = 0; arr && i < arr->nelts; ++i) {
        const char *m = APR_ARRAY_IDX(arr, i, const char *);

        /* lengths first: a prefix of a member is not a member */
        if (m && strlen(m) == len && !memcmp(m, s, len)) {
            return 1;
        }
    }
    return 0;
}

int cg_in_array(const char *s, const apr_array_header_t *arr)
{
    return cg_mem_in_array(s, strlen(s), arr);
}

/* What `c` becomes in HTML; NULL when it stays. */
static const char *html_reference(char c)
{
    switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&#39;";
    default: return NULL;
    }
}

const char *cg_html_escape(apr_pool_t *p, const char *s)
{
    apr_size_t size = 1;
    const char *c, *rep;
    char *out, *o;

    for (c = s; *c; ++c) {
        rep = html_reference(*c);
        size += rep ? strlen(rep) : 1;
    }
    if (size == (apr_size_t)(c - s) + 1) {
        return s;
    }
    out = o = apr_palloc(p, size);
    for (c = s; *c; ++c) {
        if ((rep = html_reference(*c))) {
            apr_size_t n = strlen(rep);
            memcpy(o, rep, n);
            o += n;
        }
        else {
            *o++ = *c;
        }
    }
    *o = '\0';
    return out;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = apr_tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int cg_form_decode(apr_pool_t *p, const char *s, apr_size_t len,
                   char **out, apr_size_t *out_len, const char **err)
{
    char *d = apr_palloc(p, len + 1);
    apr_size_t i, n = 0;

    for (i = 0; i < len; ++i) {
        char c = s[i];

        if (c == '+') {
            c = ' ';
        }
        else if (c == '%') {
            int hi, lo;

            if (len - i < 3 || (hi = hex_value(s[i + 1])) < 0
                || (lo = hex_value(s[i + 2])) < 0) {
                if (err) {
                    *err = "bad percent escape in the form";
                }
                return 0;
            }
            c = (char)(hi << 4 | lo);
            i += 2;
        }
        if (c == '\0') {
            if (err) {
                *err = "NUL byte in the form";
            }
            return 0;
        }
        d[n++] = c;
    }
    d[n] = '\0';
    *out = d;
    *out_len = n;
    return 1;
}

int cg_form_next(const char **s, const char *end, const char **name,
                 apr_size_t *name_len, const char **value,
                 apr_size_t *value_len)
{
    while (*s < end) {
        const char *pair = *s, *amp = memchr(pair, '&', end - pair), *eq;

        if (!amp) {
            amp = end;
        }
        *s = amp < end ? amp + 1 : end;
        if (amp == pair) {
            continue;
        }
        eq = memchr(pair, '=', amp - pair);
        *name = pair;
        *name_len = (eq ? eq : amp) - pair;
        *value = eq ? eq + 1 : amp;
        *value_len = eq ? (apr_size_t)(amp - eq - 1) : 0;
        return 1;
    }
    return 0;
}

const char *cg_form_field(apr_pool_t *p, const char *form, apr_size_t len,
                          const char *name)
{
    const char *s = form, *end = form + len, *n, *v;
    apr_size_t n_len, v_len, want = strlen(name);

    if (!form) {
        return NULL;
    }
    while (cg_form_next(&s, end, &n, &n_len, &v, &v_len)) {
        char *dn, *dv;
        apr_size_t dn_len, dv_len;

        if (!cg_form_decode(p, n, n_len, &dn, &dn_len, NULL)) {
            return NULL;
        }
        if (dn_len == want && !memcmp(dn, name, want)) {
            return cg_form_decode(p, v, v_len, &dv, &dv_len, NULL) ? dv
                                                                    : NULL;
        }
    }
    return NULL;
}
