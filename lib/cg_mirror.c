/* cg_mirror.c: a mirror of another banner's stored choice, as banner.js
 * posts it to the consent endpoint, and the kind of choice it is for the
 * receipt. */
#include <string.h>
#include <strings.h>

#include <apr_lib.h>
#include <apr_strings.h>
#include <jansson.h>

#include "cg_mirror.h"
#include "cg_policy.h"
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
 * signed choice is no other's, the value, and the receipt it names. */
static const char *signed_data(apr_pool_t *p, const char *source,
                               const char *value, apr_size_t len,
                               const char *receipt, apr_size_t receipt_len)
{
    return apr_pstrcat(p, source, "\n", apr_pstrmemdup(p, value, len),
                       receipt ? "\n" : NULL,
                       apr_pstrmemdup(p, receipt, receipt_len), NULL);
}

const char *cg_mirror_sign(apr_pool_t *p, const char *source,
                           const char *value, const char *receipt,
                           const cg_consent_key_t *key, const char *site)
{
    const char *data, *sig, *out;
    char sep[2] = { CG_MIRROR_SIGNATURE_SEP, '\0' };

    out = receipt ? apr_pstrcat(p, value, sep, receipt, NULL) : value;
    if (!key) {
        return out;
    }
    data = signed_data(p, source, value, strlen(value), receipt,
                       receipt ? strlen(receipt) : 0);
    sig = cg_sign(p, key, data, strlen(data), site);
    return sig ? apr_pstrcat(p, out, sep, sig, NULL) : NULL;
}

const char *cg_mirror_receipt_field(apr_pool_t *p, const char *id,
                                    apr_time_t when)
{
    return apr_psprintf(p, "%s.%" APR_INT64_T_FMT, id,
                        (apr_int64_t)apr_time_sec(when));
}

/* `n` bytes at `s` are a signature: CG_SIGNATURE_LEN of base64url. */
static int is_signature(const char *s, apr_size_t n)
{
    apr_size_t i;

    if (n != CG_SIGNATURE_LEN) {
        return 0;
    }
    for (i = 0; i < n; ++i) {
        if (!apr_isalnum(s[i]) && s[i] != '-' && s[i] != '_') {
            return 0;
        }
    }
    return 1;
}

/* `n` bytes at `s` are a receipt field: CG_RECEIPT_ID_LEN lower-case hex
 * digits, '.', then 1 to 12 decimal digits (a '.' tells it from a
 * signature, which has none). */
static int is_receipt(const char *s, apr_size_t n)
{
    apr_size_t i;

    if (n < CG_RECEIPT_ID_LEN + 2 || n > CG_RECEIPT_ID_LEN + 13
        || s[CG_RECEIPT_ID_LEN] != '.') {
        return 0;
    }
    for (i = 0; i < CG_RECEIPT_ID_LEN; ++i) {
        if (!apr_isdigit(s[i]) && !(s[i] >= 'a' && s[i] <= 'f')) {
            return 0;
        }
    }
    for (i = CG_RECEIPT_ID_LEN + 1; i < n; ++i) {
        if (!apr_isdigit(s[i])) {
            return 0;
        }
    }
    return 1;
}

void cg_mirror_split(const char *raw, cg_mirror_parts_t *out)
{
    apr_size_t n = strlen(raw);
    const char *bar = memchr(raw, CG_MIRROR_SIGNATURE_SEP, n), *rest, *bar2;
    apr_size_t rest_len;

    memset(out, 0, sizeof(*out));
    out->value_len = n;
    if (!bar) {
        return;
    }
    rest = bar + 1;
    rest_len = n - (apr_size_t)(rest - raw);
    bar2 = memchr(rest, CG_MIRROR_SIGNATURE_SEP, rest_len);
    if (bar2) {
        /* "<value>|<receipt>|<signature>" */
        apr_size_t first = (apr_size_t)(bar2 - rest);

        if (!is_receipt(rest, first)
            || !is_signature(bar2 + 1, rest_len - first - 1)) {
            return;
        }
        out->receipt = rest;
        out->receipt_len = first;
        out->signature = bar2 + 1;
    }
    else if (is_signature(rest, rest_len)) {
        out->signature = rest;
    }
    else if (is_receipt(rest, rest_len)) {
        out->receipt = rest;
        out->receipt_len = rest_len;
    }
    else {
        /* no form of ours: the whole of it is the value, which no reader
         * takes for a choice */
        return;
    }
    out->value_len = (apr_size_t)(bar - raw);
}

int cg_mirror_signed(apr_pool_t *p, const char *source, const char *raw,
                     const cg_mirror_parts_t *parts,
                     const cg_source_opts_t *opts)
{
    const char *data;

    if (!parts->signature || !opts->nkeys) {
        return 0;
    }
    data = signed_data(p, source, raw, parts->value_len, parts->receipt,
                       parts->receipt_len);
    return cg_signature_valid(p, opts->keys, opts->nkeys, opts->site, data,
                              strlen(data), parts->signature);
}

int cg_mirror_receipt_held(apr_pool_t *p, const apr_array_header_t *crumbs,
                           const cg_source_opts_t *opts, const char **id,
                           apr_time_t *when)
{
    int found = 0;
    apr_size_t m;

    for (m = 0; m < sizeof(mirrors) / sizeof(mirrors[0]); ++m) {
        const apr_table_t *cookies = cg_source_cookies(
            p, cg_source_find(mirrors[m][0]), crumbs);
        cg_mirror_parts_t parts;
        const char *raw;
        apr_int64_t secs;

        /* the cookie as the gate reads it: one value, ours, and under
         * ConsentSecret signed with the receipt it names */
        if (cg_source_cookie(cookies, mirrors[m][1], &raw) <= 0) {
            continue;
        }
        cg_mirror_split(raw, &parts);
        if (!parts.receipt
            || (opts->nkeys && !cg_mirror_signed(p, mirrors[m][0], raw,
                                                 &parts, opts))) {
            continue;
        }
        secs = apr_atoi64(apr_pstrmemdup(p, parts.receipt
                                            + CG_RECEIPT_ID_LEN + 1,
                                         parts.receipt_len
                                         - CG_RECEIPT_ID_LEN - 1));
        /* the newest choice, when there are several */
        if (!found || apr_time_from_sec(secs) > *when) {
            *id = apr_pstrmemdup(p, parts.receipt, CG_RECEIPT_ID_LEN);
            *when = apr_time_from_sec(secs);
            found = 1;
        }
    }
    return found;
}

json_t *cg_mirror_ids(apr_pool_t *p, const apr_array_header_t *maps)
{
    json_t *out = json_object();
    int i;

    for (i = 0; maps && i < maps->nelts; ++i) {
        const cg_source_map_t *m = &APR_ARRAY_IDX(maps, i, cg_source_map_t);
        const char *name = m->source ? m->source->name : NULL;
        char *ids, *id, *state;
        json_t *list;

        if (!cg_mirror_cookie(name)) {
            continue;
        }
        if (!(list = json_object_get(out, name))) {
            json_object_set_new(out, name, list = json_array());
        }
        /* a conjunction names each of its ids */
        ids = apr_pstrdup(p, m->theirs);
        for (id = apr_strtok(ids, "+", &state); id;
             id = apr_strtok(NULL, "+", &state)) {
            size_t k;
            int seen = 0;

            for (k = 0; k < json_array_size(list); ++k) {
                seen |= !strcmp(json_string_value(json_array_get(list, k)),
                                id);
            }
            if (!seen) {
                json_array_append_new(list, json_string(id));
            }
        }
    }
    if (!json_object_size(out)) {
        json_decref(out);
        return NULL;
    }
    return out;
}
