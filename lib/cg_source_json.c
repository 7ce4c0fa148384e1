/* cg_source_json.c: the readers of the banners that store JSON: Borlabs
 * Cookie, iubenda, Didomi (didomi_token, base64 of JSON), orestbida's
 * cookieconsent v3 and Klaro. Duplicate keys are rejected (ambiguous). */
#include <string.h>

#include <apr_date.h>
#include <apr_encode.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <jansson.h>

#include "cg_source.h"

/* Most strings taken from one JSON array, so a huge list cannot cost
 * more than the cap on categories does anyway. */
#define MAX_LIST CG_SOURCE_MAX_CATEGORIES

static apr_status_t json_cleanup(void *j)
{
    json_decref((json_t *)j);
    return APR_SUCCESS;
}

/* The cookie's JSON object after percent-decoding (and, for Didomi,
 * base64), owned by the pool; NULL and the result failed when it is not
 * one. Absent cookie: NULL, result untouched. */
static json_t *cookie_json(apr_pool_t *p, const apr_table_t *cookies,
                           const char *name, int base64,
                           cg_source_result_t *out)
{
    const char *raw;
    char *value;
    apr_size_t len;
    json_t *j;
    int rc = cg_source_cookie(cookies, name, &raw);

    if (rc < 0) {
        cg_source_fail(out, apr_pstrcat(p, name, ": ambiguous or oversized",
                                        NULL));
        return NULL;
    }
    if (rc == 0) {
        return NULL;
    }
    if (!(value = cg_source_unescape(p, raw, 0))) {
        cg_source_fail(out, apr_pstrcat(p, name, ": bad percent-encoding",
                                        NULL));
        return NULL;
    }
    len = strlen(value);
    if (base64) {
        apr_size_t dlen = 0;
        const char *d = apr_pdecode_base64(p, value, APR_ENCODE_STRING,
                                           APR_ENCODE_NONE, &dlen);

        if (!d || memchr(d, '\0', dlen)) {
            cg_source_fail(out, apr_pstrcat(p, name, ": not base64", NULL));
            return NULL;
        }
        value = (char *)d;
        len = dlen;
    }
    j = json_loadb(value, len, JSON_REJECT_DUPLICATES, NULL);
    if (!j) {
        cg_source_fail(out, apr_pstrcat(p, name, ": not JSON", NULL));
        return NULL;
    }
    apr_pool_cleanup_register(p, j, json_cleanup, apr_pool_cleanup_null);
    if (!json_is_object(j)) {
        cg_source_fail(out, apr_pstrcat(p, name, ": not a JSON object",
                                        NULL));
        return NULL;
    }
    return j;
}

/* Each string (or integer) of a JSON array, prefixed, granted or
 * refused; 0 when the array holds anything else. */
static int add_list(apr_pool_t *p, cg_source_result_t *out, json_t *list,
                    const char *prefix, int grant)
{
    size_t i;
    json_t *v;

    if (!json_is_array(list) || json_array_size(list) > MAX_LIST) {
        return 0;
    }
    json_array_foreach(list, i, v) {
        const char *s;

        if (json_is_string(v)) {
            s = json_string_value(v);
        }
        else if (json_is_integer(v)) {
            s = apr_psprintf(p, "%" APR_INT64_T_FMT,
                             (apr_int64_t)json_integer_value(v));
        }
        else {
            return 0;
        }
        s = apr_pstrcat(p, prefix, s, NULL);
        if (grant) {
            cg_source_grant(p, out, s);
        }
        else {
            cg_source_refuse(p, out, s);
        }
    }
    return 1;
}

/* ---- Borlabs Cookie: borlabs-cookie = {"consents":{"essential":[...],
 * "marketing":["facebook-pixel"],...},"expires":"<HTTP date>",...}. A
 * group with services is granted ("marketing") with each service
 * ("service:facebook-pixel"); a listed empty group is refused. */

void cg_source_read_borlabs(apr_pool_t *p, const apr_table_t *cookies,
                            const cg_source_opts_t *opts,
                            cg_source_result_t *out)
{
    json_t *j = cookie_json(p, cookies, "borlabs-cookie", 0, out);
    json_t *consents, *expires, *services;
    const char *group;

    if (!j) {
        return;
    }
    consents = json_object_get(j, "consents");
    if (!json_is_object(consents) || json_object_size(consents) > MAX_LIST) {
        cg_source_fail(out, "borlabs-cookie: no consents");
        return;
    }
    expires = json_object_get(j, "expires");
    if (expires) {
        apr_time_t t = json_is_string(expires)
            ? apr_date_parse_http(json_string_value(expires)) : 0;

        if (t <= 0) {
            cg_source_fail(out, "borlabs-cookie: bad expiry");
            return;
        }
        if (t < opts->now) {
            cg_source_fail(out, "borlabs-cookie: expired");
            return;
        }
    }
    out->explicit_choice = 1;
    json_object_foreach(consents, group, services) {
        if (!json_is_array(services)) {
            cg_source_fail(out, "borlabs-cookie: a group not a list");
            return;
        }
        if (json_array_size(services) == 0) {
            cg_source_refuse(p, out, group);
            continue;
        }
        cg_source_grant(p, out, group);
        if (!add_list(p, out, services, "service:", 1)) {
            cg_source_fail(out, "borlabs-cookie: a service not a string");
            return;
        }
    }
}

/* ---- iubenda: _iub_cs-<policy id> = {"timestamp":"...","purposes":
 * {"1":true,"4":false,...},...} (per-purpose mode: "purpose:1".."purpose:5")
 * or {"consent":true,...} (simplified mode: "consent"). Two policy ids at
 * once are ambiguous; _iub_cs-<id>-uspr (US preferences) is not read. */

void cg_source_read_iubenda(apr_pool_t *p, const apr_table_t *cookies,
                            const cg_source_opts_t *opts,
                            cg_source_result_t *out)
{
    const apr_array_header_t *arr;
    const apr_table_entry_t *e;
    const char *name = NULL, *key;
    json_t *j, *purposes, *consent, *v;
    int i;

    if (!cookies) {
        return;
    }
    arr = apr_table_elts(cookies);
    e = (const apr_table_entry_t *)arr->elts;
    for (i = 0; i < arr->nelts; ++i) {
        const char *k = e[i].key, *c;

        if (!k || strncmp(k, "_iub_cs-", 8)) {
            continue;
        }
        for (c = k + 8; apr_isdigit(*c); ++c) {
        }
        if (c == k + 8 || *c) {
            continue;
        }
        if (name && strcmp(name, k)) {
            cg_source_fail(out, "_iub_cs: two cookie policies");
            return;
        }
        name = k;
    }
    if (!name || !(j = cookie_json(p, cookies, name, 0, out))) {
        return;
    }
    v = json_object_get(j, "timestamp");
    out->when = json_is_string(v) ? cg_source_parse_iso(json_string_value(v))
                                  : 0;
    if (!cg_source_check_age(out, out->when, opts)) {
        return;
    }
    purposes = json_object_get(j, "purposes");
    consent = json_object_get(j, "consent");
    if (purposes) {
        if (!json_is_object(purposes)
            || json_object_size(purposes) > MAX_LIST) {
            cg_source_fail(out, "_iub_cs: purposes not an object");
            return;
        }
        out->explicit_choice = 1;
        json_object_foreach(purposes, key, v) {
            const char *n = apr_pstrcat(p, "purpose:", key, NULL);

            if (json_is_true(v)) {
                cg_source_grant(p, out, n);
            }
            else if (json_is_false(v)) {
                cg_source_refuse(p, out, n);
            }
            else {
                cg_source_fail(out, "_iub_cs: a purpose not boolean");
                return;
            }
        }
    }
    if (json_is_boolean(consent)) {
        out->explicit_choice = 1;
        if (json_is_true(consent)) {
            cg_source_grant(p, out, "consent");
        }
        else {
            cg_source_refuse(p, out, "consent");
        }
    }
    else if (consent) {
        cg_source_fail(out, "_iub_cs: consent not boolean");
        return;
    }
    if (!out->explicit_choice) {
        cg_source_fail(out, "_iub_cs: neither purposes nor consent");
    }
}

/* ---- Didomi: didomi_token = base64 of {"created":"...","updated":"...",
 * "purposes":{"enabled":[...],"disabled":[...]},"vendors":{...},...}:
 * "purpose:<id>" and "vendor:<id>" granted or refused. Legitimate
 * interest lists are not consent and are not read. */

void cg_source_read_didomi(apr_pool_t *p, const apr_table_t *cookies,
                           const cg_source_opts_t *opts,
                           cg_source_result_t *out)
{
    json_t *j = cookie_json(p, cookies, "didomi_token", 1, out);
    json_t *v;
    static const char *const sets[] = {"purposes", "vendors"};
    static const char *const prefixes[] = {"purpose:", "vendor:"};
    int i;

    if (!j) {
        return;
    }
    v = json_object_get(j, "updated");
    out->when = json_is_string(v) ? cg_source_parse_iso(json_string_value(v))
                                  : 0;
    if (!cg_source_check_age(out, out->when, opts)) {
        return;
    }
    v = json_object_get(j, "created");
    if (v && (!json_is_string(v)
              || cg_source_parse_iso(json_string_value(v)) > out->when)) {
        cg_source_fail(out, "didomi_token: bad creation time");
        return;
    }
    out->explicit_choice = 1;
    for (i = 0; i < 2; ++i) {
        json_t *set = json_object_get(j, sets[i]), *en, *dis;

        if (!set) {
            continue;
        }
        en = json_object_get(set, "enabled");
        dis = json_object_get(set, "disabled");
        if (!json_is_object(set) || (en && !add_list(p, out, en, prefixes[i], 1))
            || (dis && !add_list(p, out, dis, prefixes[i], 0))) {
            cg_source_fail(out, "didomi_token: malformed consent lists");
            return;
        }
    }
}

/* ---- cookieconsent v3: cc_cookie = {"categories":["necessary",...],
 * "revision":0,"consentTimestamp":"...","lastConsentTimestamp":"...",
 * "services":{"analytics":["ga"]},"expirationTime":<ms>,...}. Categories
 * not listed were not accepted, but the cookie does not name them. */

void cg_source_read_cc_cookie(apr_pool_t *p, const apr_table_t *cookies,
                              const cg_source_opts_t *opts,
                              cg_source_result_t *out)
{
    json_t *j = cookie_json(p, cookies, "cc_cookie", 0, out);
    json_t *v, *services, *list;
    const char *key;
    apr_time_t first;

    if (!j) {
        return;
    }
    v = json_object_get(j, "consentTimestamp");
    first = json_is_string(v) ? cg_source_parse_iso(json_string_value(v)) : 0;
    v = json_object_get(j, "lastConsentTimestamp");
    out->when = v ? (json_is_string(v)
                     ? cg_source_parse_iso(json_string_value(v)) : 0)
                  : first;
    if (!first || out->when < first) {
        cg_source_fail(out, "cc_cookie: bad consent time");
        return;
    }
    if (!cg_source_check_age(out, out->when, opts)) {
        return;
    }
    v = json_object_get(j, "expirationTime");
    if (v) {
        if (!json_is_integer(v)
            || json_integer_value(v) <= apr_time_as_msec(opts->now)) {
            cg_source_fail(out, "cc_cookie: expired");
            return;
        }
    }
    v = json_object_get(j, "revision");
    if (v) {
        if (!json_is_integer(v) || json_integer_value(v) < 0) {
            cg_source_fail(out, "cc_cookie: bad revision");
            return;
        }
        out->revision = (apr_int64_t)json_integer_value(v);
    }
    out->explicit_choice = 1;
    if (!add_list(p, out, json_object_get(j, "categories"), "", 1)) {
        cg_source_fail(out, "cc_cookie: bad categories");
        return;
    }
    services = json_object_get(j, "services");
    if (services) {
        if (!json_is_object(services) || json_object_size(services) > MAX_LIST) {
            cg_source_fail(out, "cc_cookie: bad services");
            return;
        }
        json_object_foreach(services, key, list) {
            if (!add_list(p, out, list, "service:", 1)) {
                cg_source_fail(out, "cc_cookie: bad services");
                return;
            }
        }
    }
}

/* ---- Klaro: klaro = {"matomo":true,"youtube":false}, per service. */

void cg_source_read_klaro(apr_pool_t *p, const apr_table_t *cookies,
                          const cg_source_opts_t *opts,
                          cg_source_result_t *out)
{
    json_t *j = cookie_json(p, cookies, "klaro", 0, out);
    json_t *v;
    const char *key;

    if (!j) {
        return;
    }
    if (json_object_size(j) == 0 || json_object_size(j) > MAX_LIST) {
        cg_source_fail(out, "klaro: no services");
        return;
    }
    out->explicit_choice = 1;
    json_object_foreach(j, key, v) {
        if (json_is_true(v)) {
            cg_source_grant(p, out, key);
        }
        else if (json_is_false(v)) {
            cg_source_refuse(p, out, key);
        }
        else {
            cg_source_fail(out, "klaro: a service not boolean");
            return;
        }
    }
}
