/* cg_object.c: the objection to the anonymous audience count. */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>
#include <jansson.h>

#include "cg_cookie.h"
#include "cg_object.h"
#include "cg_text.h"

int cg_object_in(apr_pool_t *p, const char *cookie_header)
{
    apr_array_header_t *crumbs = cg_cookie_parse(p, cookie_header);
    int i, seen = 0;

    for (i = 0; i < crumbs->nelts; ++i) {
        const cg_crumb_t *c = &APR_ARRAY_IDX(crumbs, i, cg_crumb_t);

        if (!strcmp(c->name, CG_OBJECT_COOKIE)) {
            /* two values that disagree are no objection: fail towards
             * counting nothing wrong, the pixel itself stores nothing */
            if (strcmp(c->value, "1")) {
                return 0;
            }
            seen = 1;
        }
    }
    return seen;
}

static int word(const char *v)
{
    if (!strcmp(v, "1") || !strcasecmp(v, "true")) {
        return 1;
    }
    if (!strcmp(v, "0") || !strcasecmp(v, "false")) {
        return 0;
    }
    return -1;
}

static int is_type(const char *content_type, const char *type)
{
    apr_size_t n = strlen(type);

    return content_type && !strncasecmp(content_type, type, n)
        && (content_type[n] == '\0' || content_type[n] == ';'
            || apr_isspace(content_type[n]));
}

int cg_object_choice(apr_pool_t *p, const char *content_type,
                     const char *body, apr_size_t len)
{
    if (!body || len == 0) {
        return 1;
    }
    if (is_type(content_type, "application/json")) {
        json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
        json_t *v = json_object_get(j, "object");
        int rc = json_is_boolean(v) ? json_is_true(v) : -1;

        json_decref(j);
        return rc;
    }
    if (is_type(content_type, "application/x-www-form-urlencoded")) {
        const char *v = cg_form_field(p, body, len, "object");

        /* a form that only says where to go back to objects */
        return v ? word(v) : 1;
    }
    return -1;
}
