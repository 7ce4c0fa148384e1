/* cg_receipt.c: consent receipts as JSON lines, appending them to a log
 * shared by many processes, and parsing the choice a visitor posts. */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <apr_lib.h>

#include <jansson.h>

#include "cg_receipt.h"
#include "cg_json.h"
#include "cg_text.h"

/* ---- receipts ---- */

/* RFC 3339 in UTC, to the second; NULL outside the years RFC 3339 can
 * write. */
static const char *rfc3339(apr_pool_t *p, apr_time_t when)
{
    apr_time_exp_t tm;
    int year;

    if (apr_time_exp_gmt(&tm, when) != APR_SUCCESS) {
        return NULL;
    }
    year = tm.tm_year + 1900;
    if (year < 0 || year > 9999) {
        return NULL;
    }
    return apr_psprintf(p, "%04d-%02d-%02dT%02d:%02d:%02dZ", year,
                        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                        tm.tm_sec);
}

static int is_action(const char *action)
{
    return action && (!strcmp(action, "grant") || !strcmp(action, "refuse")
                      || !strcmp(action, "revoke"));
}

static int is_method(const char *m)
{
    static const char *const fixed[] = {
        "accept_all", "reject_all", "custom", "withdraw", "revocation_path"
    };
    apr_size_t i;

    if (!m) {
        return 0;
    }
    for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); ++i) {
        if (!strcmp(m, fixed[i])) {
            return 1;
        }
    }
    return !strncmp(m, "source:", 7) && m[7];
}

const char *cg_receipt_method(const char *posted, int chosen, int offered)
{
    const char *shown = chosen == 0 ? "reject_all"
                        : chosen >= offered ? "accept_all" : "custom";

    /* a banner's "save" of a custom dialog may hold all or nothing: it
     * stays custom; a claim the categories contradict is not believed */
    if (posted && !strcmp(posted, "custom")) {
        return "custom";
    }
    return shown;
}

static json_t *categories_json(const apr_array_header_t *categories)
{
    json_t *arr = json_array();
    int i;

    for (i = 0; arr && categories && i < categories->nelts; ++i) {
        const char *c = APR_ARRAY_IDX(categories, i, const char *);

        if (!c || json_array_append_new(arr, json_string(c))) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

/* The one definition of a receipt's fields: the keys of the JSON line and
 * the columns of conf.d/consent_receipts.sql, in this order, with the type
 * a column casts its text parameter to (NULL: text). */
const cg_receipt_field_t cg_receipt_fields[CG_RECEIPT_NFIELDS] = {
    { "id",              NULL },
    { "time",            "timestamptz" },
    { "action",          NULL },
    { "categories",      "jsonb" },
    { "policy_revision", "integer" },
    { "gpc",             "boolean" },
    { "dnt",             "boolean" },
    { "method",          NULL },
    { "host",            NULL },
    { "lang",            NULL },
    { "expires",         "timestamptz" },
    { "notice",          NULL },
};

/* Field i of `r` as JSON; NULL when it cannot be one (jansson refuses a
 * string that is not UTF-8). */
static json_t *field_json(const cg_receipt_t *r, const char *when,
                          const char *expires, int i)
{
    switch (i) {
    case 0: return json_string(r->id);
    case 1: return json_string(when);
    case 2: return json_string(r->action);
    case 3: return categories_json(r->categories);
    case 4: return json_integer(r->policy_revision);
    case 5: return json_boolean(r->gpc);
    case 6: return json_boolean(r->dnt);
    case 7: return json_string(r->method);
    case 8: return json_string(r->host ? r->host : "");
    case 9: return json_string(r->lang ? r->lang : "");
    case 10: return json_string(expires);
    case 11: return json_string(r->notice ? r->notice : "unknown");
    default: return NULL;
    }
}

/* Every field of `r` as JSON, in cg_receipt_fields order, owned by the
 * caller; 0 when `r` is no receipt. */
static int fields_json(apr_pool_t *p, const cg_receipt_t *r,
                       json_t *out[CG_RECEIPT_NFIELDS])
{
    const char *when, *expires;
    int i;

    if (!r || !r->id || !is_action(r->action) || !is_method(r->method)
        || !(when = rfc3339(p, r->when))
        || !(expires = rfc3339(p, r->expires))) {
        return 0;
    }
    for (i = 0; i < CG_RECEIPT_NFIELDS; ++i) {
        if (!(out[i] = field_json(r, when, expires, i))) {
            while (i--) {
                json_decref(out[i]);
            }
            return 0;
        }
    }
    return 1;
}

const char *cg_receipt_line(apr_pool_t *p, const cg_receipt_t *r)
{
    json_t *v[CG_RECEIPT_NFIELDS], *obj;
    const char *line = NULL;
    int i, ok = 1;

    if (!fields_json(p, r, v)) {
        return NULL;
    }
    /* jansson keeps insertion order, which is the documented key order */
    obj = json_object();
    for (i = 0; i < CG_RECEIPT_NFIELDS; ++i) {
        ok = ok && obj && !json_object_set(obj, cg_receipt_fields[i].name,
                                           v[i]);
        json_decref(v[i]);
    }
    /* compact output escapes every control character, so this newline is
     * the line's only one */
    if (ok) {
        line = cg_json_dump(p, obj, JSON_COMPACT | JSON_PRESERVE_ORDER, "\n");
    }
    json_decref(obj);
    return line;
}

int cg_receipt_values(apr_pool_t *p, const cg_receipt_t *r,
                      const char *values[CG_RECEIPT_NFIELDS])
{
    json_t *v[CG_RECEIPT_NFIELDS];
    int i, ok = 1;

    if (!fields_json(p, r, v)) {
        return 0;
    }
    for (i = 0; i < CG_RECEIPT_NFIELDS; ++i) {
        /* a string is its own text; the rest are written as JSON, which is
         * also how PostgreSQL reads jsonb, integer and boolean */
        values[i] = json_is_string(v[i])
            ? apr_pstrdup(p, json_string_value(v[i]))
            : cg_json_dump(p, v[i], JSON_COMPACT | JSON_ENCODE_ANY, "");
        ok = ok && values[i];
        json_decref(v[i]);
    }
    return ok;
}

const char *cg_receipt_sql_insert(apr_pool_t *p, const char *table)
{
    const char *cols = "", *vals = "";
    int i;

    for (i = 0; i < CG_RECEIPT_NFIELDS; ++i) {
        const cg_receipt_field_t *f = &cg_receipt_fields[i];
        cols = apr_pstrcat(p, cols, i ? ", " : "", f->name, NULL);
        vals = apr_pstrcat(p, vals, i ? ", " : "",
                           f->sql_type ? apr_pstrcat(p, "CAST(%s AS ",
                                                     f->sql_type, ")", NULL)
                                       : "%s", NULL);
    }
    return apr_pstrcat(p, "INSERT INTO ", table, " (", cols, ") VALUES (",
                       vals, ")", NULL);
}

apr_status_t cg_receipt_append(apr_file_t *f, const char *line)
{
    apr_size_t left;

    if (!f || !line) {
        return APR_EINVAL;
    }
    /* a buffered file writes whenever its buffer is full, cutting lines
     * that other processes can then interleave with */
    if (apr_file_flags_get(f) & APR_FOPEN_BUFFERED) {
        return APR_EINVAL;
    }
    left = strlen(line);
    while (left) {
        apr_size_t n = left;
        apr_status_t rv = apr_file_write(f, line, &n);

        if (rv != APR_SUCCESS) {
            return rv;
        }
        if (n == 0) {
            /* no progress and no error: looping again would spin */
            return APR_EGENERAL;
        }
        line += n;
        left -= n;
    }
    return APR_SUCCESS;
}

/* ---- the posted choice ---- */

/* A pool copy of [s, s + len) fit for an error message that may well be
 * logged: at most 64 bytes, anything but printable ASCII as \xHH. */
static const char *printable(apr_pool_t *p, const char *s, apr_size_t len)
{
    apr_size_t shown = len > 64 ? 64 : len, i;
    char *out = apr_palloc(p, 4 * shown + 4), *o = out;

    for (i = 0; i < shown; ++i) {
        unsigned char c = (unsigned char)s[i];

        if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
            *o++ = (char)c;
        }
        else {
            apr_snprintf(o, 5, "\\x%02x", c);
            o += 4;
        }
    }
    if (shown < len) {
        memcpy(o, "...", 3);
        o += 3;
    }
    *o = '\0';
    return out;
}

/* Adds category [s, s + len) to `out` unless it is there already; 0 with
 * *err set when it is not one of `known`. */
static int add_category(apr_pool_t *p, apr_array_header_t *out,
                        const apr_array_header_t *known,
                        const char *s, apr_size_t len, const char **err)
{
    if (!cg_mem_in_array(s, len, known)) {
        *err = apr_psprintf(p, "unknown category '%s'", printable(p, s, len));
        return 0;
    }
    if (cg_mem_in_array(s, len, out)) {
        return 1;
    }
    APR_ARRAY_PUSH(out, const char *) = apr_pstrmemdup(p, s, len);
    return 1;
}

/* Adds the comma-separated categories of one decoded value. */
static int add_list(apr_pool_t *p, apr_array_header_t *out,
                    const apr_array_header_t *known, const char *v,
                    apr_size_t len, const char **err)
{
    const char *end = v + len;

    while (v < end) {
        const char *b = v, *e = memchr(v, ',', end - v);

        if (!e) {
            e = end;
        }
        v = e + 1;
        cg_trim(&b, &e);
        /* "a,,b" and a trailing comma from a joined list are harmless */
        if (e > b && !add_category(p, out, known, b, e - b, err)) {
            return 0;
        }
    }
    return 1;
}

static apr_array_header_t *parse_form(apr_pool_t *p, const char *body,
                                      apr_size_t len,
                                      const apr_array_header_t *known,
                                      const char **err)
{
    static const char field[] = "categories";
    apr_array_header_t *out = apr_array_make(p, 4, sizeof(const char *));
    const char *s = body, *end = body + len, *n, *v;
    apr_size_t n_len, v_len;

    while (cg_form_next(&s, end, &n, &n_len, &v, &v_len)) {
        char *name, *value;
        apr_size_t name_len, value_len;

        /* every field is decoded, so a malformed body is refused whole
         * rather than half read */
        if (!cg_form_decode(p, n, n_len, &name, &name_len, err)
            || !cg_form_decode(p, v, v_len, &value, &value_len, err)) {
            return NULL;
        }
        if (name_len == sizeof(field) - 1 && !memcmp(name, field, name_len)
            && !add_list(p, out, known, value, value_len, err)) {
            return NULL;
        }
    }
    return out;
}

static apr_array_header_t *parse_json(apr_pool_t *p, const char *body,
                                      apr_size_t len,
                                      const apr_array_header_t *known,
                                      const char **err)
{
    apr_array_header_t *out = apr_array_make(p, 4, sizeof(const char *));
    json_error_t jerr;
    json_t *root, *cats;
    size_t i;

    if (len == 0) {
        *err = "empty JSON body";
        return NULL;
    }
    /* the caller already limited len; a key given twice would make the
     * choice depend on which one a reader believes */
    root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        *err = apr_psprintf(p, "malformed JSON at byte %d: %s",
                            jerr.position,
                            printable(p, jerr.text, strlen(jerr.text)));
        return NULL;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        *err = "the JSON body is not an object";
        return NULL;
    }
    cats = json_object_get(root, "categories");
    if (cats && !json_is_array(cats)) {
        json_decref(root);
        *err = "\"categories\" is not an array";
        return NULL;
    }
    for (i = 0; cats && i < json_array_size(cats); ++i) {
        json_t *c = json_array_get(cats, i);

        if (!json_is_string(c)) {
            json_decref(root);
            *err = "\"categories\" holds something other than strings";
            return NULL;
        }
        /* add_category copies: nothing points into `root` after this */
        if (!add_category(p, out, known, json_string_value(c),
                          json_string_length(c), err)) {
            json_decref(root);
            return NULL;
        }
    }
    json_decref(root);
    return out;
}

typedef enum {
    MEDIA_OTHER = 0,
    MEDIA_FORM,
    MEDIA_JSON
} media_e;

/* The media type of a Content-Type value, parameters ignored. */
static media_e media_type(const char *ct)
{
    const char *b = ct, *e = ct + strcspn(ct, ";");
    apr_size_t len;

    cg_trim(&b, &e);
    len = e - b;
    if (len == strlen("application/x-www-form-urlencoded")
        && !strncasecmp(b, "application/x-www-form-urlencoded", len)) {
        return MEDIA_FORM;
    }
    if (len == strlen("application/json")
        && !strncasecmp(b, "application/json", len)) {
        return MEDIA_JSON;
    }
    return MEDIA_OTHER;
}

apr_array_header_t *cg_choice_parse(apr_pool_t *p, const char *content_type,
                                    const char *body, apr_size_t len,
                                    const apr_array_header_t *known,
                                    const char **err)
{
    const char *dummy;
    apr_array_header_t *out = NULL;

    if (!err) {
        err = &dummy;
    }
    *err = NULL;
    if (len > CG_CHOICE_MAX_BODY) {
        *err = "the body is too large";
        return NULL;
    }
    if (!body && len) {
        *err = "no body";
        return NULL;
    }
    if (!body) {
        body = "";
    }
    switch (content_type ? media_type(content_type) : MEDIA_OTHER) {
    case MEDIA_FORM:
        out = parse_form(p, body, len, known, err);
        break;
    case MEDIA_JSON:
        out = parse_json(p, body, len, known, err);
        break;
    default:
        *err = content_type
            ? apr_psprintf(p, "unsupported content type '%s'",
                           printable(p, content_type, strlen(content_type)))
            : "no content type";
        break;
    }
    return out;
}

const char *cg_choice_field(apr_pool_t *p, const char *content_type,
                            const char *body, apr_size_t len,
                            const char *name)
{
    const char *v = NULL;

    if (!body || !content_type || len > CG_CHOICE_MAX_BODY) {
        return NULL;
    }
    switch (media_type(content_type)) {
    case MEDIA_FORM:
        v = cg_form_field(p, body, len, name);
        break;
    case MEDIA_JSON: {
        json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
        json_t *f = json_is_object(root) ? json_object_get(root, name) : NULL;

        if (json_is_string(f)) {
            v = apr_pstrmemdup(p, json_string_value(f), json_string_length(f));
        }
        json_decref(root);
        break;
    }
    default:
        break;
    }
    /* a NUL byte would cut the value short where it is compared */
    return v && strlen(v) < 256 ? v : NULL;
}
