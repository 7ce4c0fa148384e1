/* cg_mirror.c: a mirror of another banner's stored choice, as banner.js
 * posts it to the consent endpoint, and the kind of choice it is for the
 * receipt. */
#include <string.h>
#include <strings.h>

#include <apr_lib.h>
#include <apr_strings.h>
#include <jansson.h>

#include "cg_mirror.h"
#include "cg_receipt.h"
#include "cg_source.h"
#include "cg_text.h"

/* the mirror sources and the cookies lib/cg_source_mirror.c reads */
static const char *const mirrors[][2] = {
    { "usercentrics", "consentgate_usercentrics" },
    { "osano",        "consentgate_osano" },
};

const char *cg_mirror_cookie(const char *source)
{
    apr_size_t i;

    for (i = 0; source && i < sizeof(mirrors) / sizeof(mirrors[0]); ++i) {
        if (!strcmp(source, mirrors[i][0])) {
            return mirrors[i][1];
        }
    }
    return NULL;
}

/* What encodeURIComponent() leaves: every one a cookie-octet, none that
 * could end the value or start an attribute in a Set-Cookie line. */
static int value_ok(const char *v)
{
    static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "abcdefghijklmnopqrstuvwxyz"
                               "0123456789-_.!~*'()%";
    apr_size_t n = v ? strlen(v) : 0;

    return n > 0 && n <= CG_SOURCE_MAX_VALUE && strspn(v, safe) == n;
}

/* 1 JSON, 0 a form, -1 anything else (parameters ignored) */
static int is_json(const char *ct)
{
    const char *b = ct, *e;

    if (!ct) {
        return -1;
    }
    e = ct + strcspn(ct, ";");
    cg_trim(&b, &e);
    if ((apr_size_t)(e - b) == strlen("application/json")
        && !strncasecmp(b, "application/json", e - b)) {
        return 1;
    }
    if ((apr_size_t)(e - b) == strlen("application/x-www-form-urlencoded")
        && !strncasecmp(b, "application/x-www-form-urlencoded", e - b)) {
        return 0;
    }
    return -1;
}

/* The fields of a JSON body: -1 malformed, 0 no "mirror", 1 found. */
static int from_json(apr_pool_t *p, const char *body, apr_size_t len,
                     const char **source, const char **value, int *cats)
{
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
    json_t *m, *v;
    int rc = -1;

    if (!json_is_object(root)) {
        json_decref(root);
        return 0;
    }
    m = json_object_get(root, "mirror");
    v = json_object_get(root, "value");
    *cats = json_object_get(root, "categories") != NULL;
    if (!m) {
        rc = 0;
    }
    else if (json_is_string(m) && json_is_string(v)) {
        /* jansson refuses a \u0000 unless asked: no NUL cuts these short */
        *source = apr_pstrdup(p, json_string_value(m));
        *value = apr_pstrdup(p, json_string_value(v));
        rc = 1;
    }
    json_decref(root);
    return rc;
}

int cg_mirror_parse(apr_pool_t *p, const char *content_type,
                    const char *body, apr_size_t len, const char **source,
                    const char **value, const char **err)
{
    const char *dummy, *s = NULL, *v = NULL;
    int kind = is_json(content_type), cats = 0, rc;

    if (!err) {
        err = &dummy;
    }
    *err = NULL;
    /* a body the consent endpoint refuses anyway is not a mirror either:
     * its own parser says why */
    if (!body || kind < 0 || len > CG_CHOICE_MAX_BODY) {
        return 0;
    }
    if (kind == 1) {
        /* malformed JSON is left to the choice's parser, which names
         * the byte; a "mirror" of the wrong type is a bad mirror */
        rc = from_json(p, body, len, &s, &v, &cats);
    }
    else {
        s = cg_form_field(p, body, len, "mirror");
        v = cg_form_field(p, body, len, "value");
        cats = cg_form_field(p, body, len, "categories") != NULL;
        rc = s ? 1 : 0;
    }
    if (rc == 0) {
        return 0;
    }
    if (rc < 0 || !s) {
        *err = "\"mirror\" or \"value\" is not a string";
        return -1;
    }
    if (cats) {
        /* one act: a mirror or the module's own choice, never both */
        *err = "a mirror with \"categories\"";
        return -1;
    }
    if (!cg_mirror_cookie(s)) {
        *err = "not a mirror source";
        return -1;
    }
    if (!value_ok(v)) {
        *err = "the mirror's value is not a cookie value banner.js writes";
        return -1;
    }
    *source = s;
    *value = v;
    return 1;
}

const char *cg_mirror_action(const apr_array_header_t *before,
                             const apr_array_header_t *after, int *widens)
{
    int i, wider = 0;

    for (i = 0; after && i < after->nelts; ++i) {
        if (!cg_in_array(APR_ARRAY_IDX(after, i, const char *), before)) {
            wider = 1;
        }
    }
    if (widens) {
        *widens = wider;
    }
    if (after && after->nelts) {
        return "grant";
    }
    return before && before->nelts ? "revoke" : "refuse";
}

/* What a mirror's signature covers: the source, so that one banner's
 * signed choice is no other's, and the value. */
static const char *signed_data(apr_pool_t *p, const char *source,
                               const char *value, apr_size_t len)
{
    return apr_pstrcat(p, source, "\n", apr_pstrmemdup(p, value, len),
                       NULL);
}

const char *cg_mirror_sign(apr_pool_t *p, const char *source,
                           const char *value, const cg_consent_key_t *key,
                           const char *site)
{
    const char *data, *sig;
    char sep[2] = { CG_MIRROR_SIGNATURE_SEP, '\0' };

    if (!key) {
        return value;
    }
    data = signed_data(p, source, value, strlen(value));
    sig = cg_sign(p, key, data, strlen(data), site);
    return sig ? apr_pstrcat(p, value, sep, sig, NULL) : NULL;
}

void cg_mirror_split(const char *raw, apr_size_t *len,
                     const char **signature)
{
    apr_size_t n = strlen(raw), i;

    *len = n;
    *signature = NULL;
    if (n <= CG_SIGNATURE_LEN
        || raw[n - CG_SIGNATURE_LEN - 1] != CG_MIRROR_SIGNATURE_SEP) {
        return;
    }
    for (i = n - CG_SIGNATURE_LEN; i < n; ++i) {
        if (!apr_isalnum(raw[i]) && raw[i] != '-' && raw[i] != '_') {
            return;
        }
    }
    *len = n - CG_SIGNATURE_LEN - 1;
    *signature = raw + *len + 1;
}

int cg_mirror_signed(apr_pool_t *p, const char *source, const char *value,
                     apr_size_t len, const char *signature,
                     const cg_source_opts_t *opts)
{
    const char *data;

    if (!signature || !opts->nkeys) {
        return 0;
    }
    data = signed_data(p, source, value, len);
    return cg_signature_valid(p, opts->keys, opts->nkeys, opts->site, data,
                              strlen(data), signature);
}
