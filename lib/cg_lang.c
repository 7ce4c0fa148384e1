/* cg_lang.c: language tags and Accept-Language negotiation (RFC 4647
 * lookup over the q-ordered ranges of RFC 9110) for the banner. */
#include <stdlib.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "cg_lang.h"
#include "cg_text.h"

/* A language tag as BCP 47 spells it, loosely: alpha{1,8} ("-" alnum{1,8})* */
int cg_lang_is_tag(const char *s)
{
    apr_size_t n = 0;

    for (; apr_isalpha(*s); ++s) {
        ++n;
    }
    if (n < 1 || n > 8) {
        return 0;
    }
    while (*s == '-') {
        for (n = 0, ++s; apr_isalnum(*s); ++s) {
            ++n;
        }
        if (n < 1 || n > 8) {
            return 0;
        }
    }
    return *s == '\0';
}

typedef struct lang_range {
    const char *tag;
    int q;          /* thousandths */
    int order;
} lang_range;

/* q = 0 or 1 with up to three decimals (RFC 9110 qvalue); -1 if not. */
static int parse_qvalue(const char *s)
{
    int q = 0, digits = 0;

    while (cg_is_ows(*s)) {
        ++s;
    }
    if ((s[0] != 'q' && s[0] != 'Q') || s[1] != '=') {
        return -1;
    }
    s += 2;
    if (*s != '0' && *s != '1') {
        return -1;
    }
    q = (*s++ - '0') * 1000;
    if (*s == '.') {
        int scale = 100;
        for (++s; apr_isdigit(*s) && digits < 3; ++s, ++digits, scale /= 10) {
            q += (*s - '0') * scale;
        }
    }
    while (cg_is_ows(*s)) {
        ++s;
    }
    return (*s || q > 1000) ? -1 : q;
}

static int by_q(const void *a, const void *b)
{
    const lang_range *x = a, *y = b;

    return x->q != y->q ? y->q - x->q : x->order - y->order;
}

static const char *lookup(const apr_array_header_t *languages,
                          const char *range)
{
    int i;

    for (i = 0; i < languages->nelts; ++i) {
        const char *l = APR_ARRAY_IDX(languages, i, const char *);
        if (!strcasecmp(l, range)) {
            return l;
        }
    }
    return NULL;
}

/* At most this many ranges are read: a header of thousands is an attack,
 * not a preference. */
#define MAX_RANGES 32

const char *cg_lang_pick(const apr_array_header_t *languages,
                         const char *accept_language)
{
    const char *fallback = APR_ARRAY_IDX(languages, 0, const char *);
    lang_range ranges[MAX_RANGES];
    char buf[1024];
    char *item, *state;
    int n = 0, i, j;

    if (!accept_language || strlen(accept_language) >= sizeof(buf)) {
        return fallback;
    }
    strcpy(buf, accept_language);
    for (item = apr_strtok(buf, ",", &state); item && n < MAX_RANGES;
         item = apr_strtok(NULL, ",", &state)) {
        char *semi = strchr(item, ';');
        const char *b, *e;
        int q = 1000;

        if (semi) {
            *semi = '\0';
            if ((q = parse_qvalue(semi + 1)) < 0) {
                continue;
            }
        }
        b = item;
        e = item + strlen(item);
        cg_trim(&b, &e);
        item += b - item;
        item[e - b] = '\0';
        if (q == 0 || !(cg_lang_is_tag(item) || !strcmp(item, "*"))) {
            continue;
        }
        ranges[n].tag = item;
        ranges[n].q = q;
        ranges[n].order = n;
        ++n;
    }
    qsort(ranges, n, sizeof(ranges[0]), by_q);
    for (i = 0; i < n; ++i) {
        char range[64];
        const char *found;
        apr_size_t len = strlen(ranges[i].tag);

        if (!strcmp(ranges[i].tag, "*")) {
            return fallback;
        }
        if (len >= sizeof(range)) {
            continue;
        }
        memcpy(range, ranges[i].tag, len + 1);
        /* RFC 4647 lookup: de-CH-1996, then de-CH, then de */
        for (;;) {
            char *dash;
            if ((found = lookup(languages, range))) {
                return found;
            }
            if (!(dash = strrchr(range, '-'))) {
                break;
            }
            *dash = '\0';
        }
        /* "de" also takes a configured "de-CH" */
        len = strlen(range);
        for (j = 0; j < languages->nelts; ++j) {
            const char *l = APR_ARRAY_IDX(languages, j, const char *);
            if (!strncasecmp(l, range, len) && l[len] == '-') {
                return l;
            }
        }
    }
    return fallback;
}
