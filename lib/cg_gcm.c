/* cg_gcm.c: Google Consent Mode defaults for a visit, their script, and
 * where in a streamed document that script goes (right after <head>). */
#include <string.h>

#include <apr_strings.h>

#include "cg_gcm.h"
#include "cg_text.h"

/* Consent Mode v2's four types first: they are always stated */
static const char *const gcm_types[] = {
    "ad_storage", "ad_user_data", "ad_personalization", "analytics_storage",
    "functionality_storage", "personalization_storage", "security_storage",
    NULL
};
#define GCM_V2_TYPES 4

int cg_gcm_type_valid(const char *type)
{
    return cg_in_list(type, gcm_types);
}

const char *cg_gcm_type_names(apr_pool_t *p)
{
    const char *const *t;
    const char *names = gcm_types[0];

    for (t = gcm_types + 1; *t; ++t) {
        names = apr_pstrcat(p, names, ", ", *t, NULL);
    }
    return names;
}

void cg_gcm_default_map(apr_array_header_t *map)
{
    /* what banner.js's gtag('consent', 'update', ...) grants by: the
     * default and the update agree */
    static const cg_gcm_map_t defaults[] = {
        { "analytics", "analytics_storage" },
        { "statistics", "analytics_storage" },
        { "tracking", "analytics_storage" },
        { "marketing", "ad_storage" },
        { "marketing", "ad_user_data" },
        { "marketing", "ad_personalization" },
        { "ads", "ad_storage" },
        { "ads", "ad_user_data" },
        { "ads", "ad_personalization" },
        { "tracking", "ad_storage" },
        { "tracking", "ad_user_data" },
        { "tracking", "ad_personalization" },
    };
    apr_size_t i;

    for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); ++i) {
        *(cg_gcm_map_t *)apr_array_push(map) = defaults[i];
    }
}

static int type_granted(const apr_array_header_t *map, const cg_visit_t *v,
                        cg_state_e state, const char *type)
{
    int i;

    for (i = 0; i < map->nelts; ++i) {
        const cg_gcm_map_t *m = &APR_ARRAY_IDX(map, i, cg_gcm_map_t);

        if (!strcmp(m->type, type)
            && cg_policy_category_granted(v, state, m->category)) {
            return 1;
        }
    }
    return 0;
}

const char *cg_gcm_defaults(apr_pool_t *p, const apr_array_header_t *map,
                            const cg_visit_t *v, cg_state_e state)
{
    apr_array_header_t *types = apr_array_make(p, 8, sizeof(const char *));
    const char *out = "{";
    int i;

    for (i = 0; i < GCM_V2_TYPES; ++i) {
        APR_ARRAY_PUSH(types, const char *) = gcm_types[i];
    }
    for (i = 0; i < map->nelts; ++i) {
        const char *t = APR_ARRAY_IDX(map, i, cg_gcm_map_t).type;

        if (!cg_in_array(t, types)) {
            APR_ARRAY_PUSH(types, const char *) = t;
        }
    }
    for (i = 0; i < types->nelts; ++i) {
        const char *t = APR_ARRAY_IDX(types, i, const char *);

        /* types are checked names ([a-z_]): nothing to escape */
        out = apr_pstrcat(p, out, i ? "," : "", "\"", t, "\":\"",
                          type_granted(map, v, state, t) ? "granted"
                                                         : "denied",
                          "\"", NULL);
    }
    return apr_pstrcat(p, out, "}", NULL);
}

const char *cg_gcm_js(apr_pool_t *p, const char *defaults)
{
    return apr_pstrcat(p, "window.dataLayer=window.dataLayer||[];"
                       "function gtag(){dataLayer.push(arguments);}"
                       "gtag('consent','default',", defaults, ");", NULL);
}

const char *cg_gcm_script(apr_pool_t *p, const char *defaults,
                          const char *nonce)
{
    return apr_pstrcat(p, "<script",
                       nonce ? " nonce=\"" : "",
                       nonce ? cg_html_escape(p, nonce) : "",
                       nonce ? "\"" : "", ">", cg_gcm_js(p, defaults),
                       "</script>", NULL);
}

const char *cg_gcm_external_tag(apr_pool_t *p, const char *endpoint,
                                const char *defaults)
{
    char *q = apr_pstrdup(p, defaults), *w = q;
    const char *c;

    /* {"a":"denied","b":"granted"} -> a=denied&b=granted: the object is
     * ours, of checked names, so no byte needs escaping in a URL */
    for (c = defaults; *c; ++c) {
        if (*c == ':') {
            *w++ = '=';
        }
        else if (*c == ',') {
            *w++ = '&';
        }
        else if (*c != '{' && *c != '}' && *c != '"') {
            *w++ = *c;
        }
    }
    *w = '\0';
    return apr_pstrcat(p, "<script src=\"", cg_html_escape(p, endpoint),
                       "/consent-mode.js?", cg_html_escape(p, q),
                       "\"></script>", NULL);
}

const char *cg_gcm_from_query(apr_pool_t *p, const char *query)
{
    apr_array_header_t *seen = apr_array_make(p, 8, sizeof(const char *));
    char *list, *state, *pair;
    const char *out = "{";

    if (!query) {
        return NULL;
    }
    list = apr_pstrdup(p, query);
    for (pair = apr_strtok(list, "&", &state); pair;
         pair = apr_strtok(NULL, "&", &state)) {
        char *eq = strchr(pair, '=');

        if (!eq) {
            return NULL;
        }
        *eq = '\0';
        if (!cg_gcm_type_valid(pair) || cg_in_array(pair, seen)
            || (strcmp(eq + 1, "granted") && strcmp(eq + 1, "denied"))) {
            return NULL;
        }
        APR_ARRAY_PUSH(seen, const char *) = pair;
        out = apr_pstrcat(p, out, seen->nelts > 1 ? "," : "", "\"", pair,
                          "\":\"", eq + 1, "\"", NULL);
    }
    return seen->nelts ? apr_pstrcat(p, out, "}", NULL) : NULL;
}

const char *cg_gcm_variant(apr_pool_t *p, const char *defaults)
{
    /* FNV-1a: a tag, not a secret */
    apr_uint32_t h = 2166136261u;
    const unsigned char *c;

    for (c = (const unsigned char *)defaults; *c; ++c) {
        h = (h ^ *c) * 16777619u;
    }
    return apr_psprintf(p, "%08x", (unsigned)h);
}

/* ---- the early insertion ---- */

enum {
    S_TEXT,         /* between tags */
    S_LT,           /* after '<': the name so far is in `name` */
    S_ATTR,         /* in the <head start tag's attributes */
    S_DQ,           /* in a "..." value there */
    S_SQ,           /* in a '...' value there */
    S_COMMENT       /* in <!-- ... --> */
};

/* What the bytes after '<' can be. */
enum { N_PARTIAL = -1, N_NONE = 0, N_COMMENT, N_DOC, N_HEAD, N_BEFORE };

static const struct {
    const char *name;
    int delim;          /* a tag's end must follow */
    int kind;
} needles[] = {
    { "!--", 0, N_COMMENT },
    { "!doctype", 1, N_DOC },
    { "html", 1, N_DOC },
    { "head", 1, N_HEAD },
    { "script", 1, N_BEFORE },
    { "body", 1, N_BEFORE },
    { "/head", 1, N_BEFORE },
};
#define NAME_MAX_LEN 9          /* "!doctype" and its delimiter */

struct cg_early_t {
    const char *tag;
    apr_size_t tag_len;
    int state;
    char name[NAME_MAX_LEN + 1];
    apr_size_t name_len;
    /* the bytes from '<' on that earlier calls left undecided; two
     * buffers, as a span of one is read after the call that fills the
     * other */
    char held[2][NAME_MAX_LEN + 2];
    int cur;
    apr_size_t held_len;
    int dashes;
    int document;
    int done;
    int inserted;
};

static unsigned char lc(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

static int is_tag_end(unsigned char c)
{
    return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n'
        || c == '\r' || c == '\f';
}

static int name_match(const char *name, apr_size_t n)
{
    apr_size_t i;
    int partial = 0;

    for (i = 0; i < sizeof(needles) / sizeof(needles[0]); ++i) {
        apr_size_t len = strlen(needles[i].name);

        if (n <= len) {
            if (!memcmp(name, needles[i].name, n)) {
                if (n == len && !needles[i].delim) {
                    return needles[i].kind;
                }
                partial = 1;
            }
        }
        else if (n == len + 1 && needles[i].delim
                 && !memcmp(name, needles[i].name, len)
                 && is_tag_end((unsigned char)name[len])) {
            return needles[i].kind;
        }
    }
    return partial ? N_PARTIAL : N_NONE;
}

cg_early_t *cg_early_start(apr_pool_t *p, const char *tag)
{
    cg_early_t *st = apr_pcalloc(p, sizeof(*st));

    st->tag = tag;
    st->tag_len = strlen(tag);
    return st;
}

int cg_early_feed(cg_early_t *st, const char *data, apr_size_t len,
                  cg_inject_span_t *spans)
{
    const char *held = st->held[st->cur];
    apr_size_t hl = st->held_len, i = 0, lt = 0;
    /* where the '<' being read is: in the held bytes or at data[lt] */
    int lt_held = hl > 0;
    int n = 0;

    if (st->done || !len) {
        return cg_span_add(spans, 0, CG_SPAN_INPUT, data, len);
    }
    st->held_len = 0;
    while (i < len && !st->done) {
        unsigned char c = (unsigned char)data[i];
        int kind;

        switch (st->state) {
        case S_TEXT:
            if (c == '<') {
                st->state = S_LT;
                st->name_len = 0;
                lt = i;
                lt_held = 0;
            }
            break;
        case S_LT:
            st->name[st->name_len++] = (char)lc(c);
            kind = name_match(st->name, st->name_len);
            if (kind == N_PARTIAL) {
                break;
            }
            st->state = S_TEXT;
            if (kind == N_NONE && c == '<') {
                /* a new '<' starts here: read it again */
                continue;
            }
            if (kind == N_COMMENT) {
                /* "<!-->" and "<!--->" end where they start */
                st->state = S_COMMENT;
                st->dashes = 2;
            }
            else if (kind == N_DOC) {
                st->document = 1;
            }
            else if (kind == N_HEAD) {
                st->document = 1;
                st->state = S_ATTR;
                if (c == '>') {
                    /* read again in S_ATTR: the tag goes after it */
                    continue;
                }
            }
            else if (kind == N_BEFORE) {
                st->done = 1;
                if (!st->document) {
                    break;
                }
                st->inserted = 1;
                if (lt_held) {
                    n = cg_span_add(spans, n, CG_SPAN_TAG, st->tag, st->tag_len);
                    n = cg_span_add(spans, n, CG_SPAN_HELD, held, hl);
                    return cg_span_add(spans, n, CG_SPAN_INPUT, data, len);
                }
                n = cg_span_add(spans, n, CG_SPAN_HELD, held, hl);
                n = cg_span_add(spans, n, CG_SPAN_INPUT, data, lt);
                n = cg_span_add(spans, n, CG_SPAN_TAG, st->tag, st->tag_len);
                return cg_span_add(spans, n, CG_SPAN_INPUT, data + lt, len - lt);
            }
            break;
        case S_ATTR:
            if (c == '"') {
                st->state = S_DQ;
            }
            else if (c == '\'') {
                st->state = S_SQ;
            }
            else if (c == '>') {
                st->done = st->inserted = 1;
                n = cg_span_add(spans, n, CG_SPAN_HELD, held, hl);
                n = cg_span_add(spans, n, CG_SPAN_INPUT, data, i + 1);
                n = cg_span_add(spans, n, CG_SPAN_TAG, st->tag, st->tag_len);
                return cg_span_add(spans, n, CG_SPAN_INPUT, data + i + 1,
                           len - i - 1);
            }
            break;
        case S_DQ:
        case S_SQ:
            if (c == (st->state == S_DQ ? '"' : '\'')) {
                st->state = S_ATTR;
            }
            break;
        default:
            if (c == '-') {
                ++st->dashes;
            }
            else if (c == '>' && st->dashes >= 2) {
                st->state = S_TEXT;
            }
            else {
                st->dashes = 0;
            }
        }
        ++i;
    }
    if (st->state == S_LT && !st->done) {
        /* the '<' and what follows it wait for the next data */
        char *next = st->held[!st->cur];

        if (lt_held) {
            memcpy(next, held, hl);
            memcpy(next + hl, data, len);
            st->held_len = hl + len;
        }
        else {
            n = cg_span_add(spans, n, CG_SPAN_HELD, held, hl);
            n = cg_span_add(spans, n, CG_SPAN_INPUT, data, lt);
            memcpy(next, data + lt, len - lt);
            st->held_len = len - lt;
        }
        st->cur = !st->cur;
        return n;
    }
    n = cg_span_add(spans, n, CG_SPAN_HELD, held, hl);
    return cg_span_add(spans, n, CG_SPAN_INPUT, data, len);
}

int cg_early_flush(cg_early_t *st, cg_inject_span_t *spans)
{
    int n = cg_span_add(spans, 0, CG_SPAN_HELD, st->held[st->cur], st->held_len);

    /* a name cut by a flush is no longer followed */
    st->held_len = 0;
    if (st->state == S_LT) {
        st->state = S_TEXT;
    }
    return n;
}

int cg_early_finish(cg_early_t *st, cg_inject_span_t *spans)
{
    int n = cg_early_flush(st, spans);

    st->done = 1;
    return n;
}

int cg_early_done(const cg_early_t *st)
{
    return st->done;
}

int cg_early_inserted(const cg_early_t *st)
{
    return st->inserted;
}
