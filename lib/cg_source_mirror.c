/* cg_source_mirror.c: the readers of the banners that keep the visitor's
 * choice only in the browser (Usercentrics in localStorage, Osano behind
 * its JavaScript API). The server cannot see that storage, so banner.js
 * mirrors it into a first-party cookie after the visitor chose there:
 *   consentgate_usercentrics, consentgate_osano =
 *     percent-encoded {"time":<ms of the choice>,"consents":{"ID":bool,...}}
 * (Usercentrics: its service ids; Osano: its categories, MARKETING, ...).
 * Duplicate keys, a missing or stale time, a non-boolean are no consent.
 * With ConsentSecret the consent endpoint signs what it sets (cg_mirror.h):
 * then only a signed value grants, since any script on the site can write
 * this cookie; an unsigned or tampered one still refuses what it refuses,
 * as a withdrawal never waits for a signature. */
#include <string.h>

#include <apr_strings.h>
#include <jansson.h>

#include "cg_mirror.h"
#include "cg_source.h"

static apr_status_t json_cleanup(void *j)
{
    json_decref((json_t *)j);
    return APR_SUCCESS;
}

static void read_mirror(apr_pool_t *p, const apr_table_t *cookies,
                        const cg_source_opts_t *opts,
                        cg_source_result_t *out, const char *source,
                        const char *name)
{
    const char *raw;
    cg_mirror_parts_t parts;
    char *value;
    json_t *j, *v, *consents;
    const char *key;
    int grants, rc = cg_source_cookie(cookies, name, &raw);

    if (rc == 0) {
        return;
    }
    if (rc < 0) {
        cg_source_fail(out, apr_pstrcat(p, name, ": ambiguous or oversized",
                                        NULL));
        return;
    }
    cg_mirror_split(raw, &parts);
    grants = !opts->nkeys || cg_mirror_signed(p, source, raw, &parts, opts);
    if (parts.value_len < strlen(raw)) {
        raw = apr_pstrmemdup(p, raw, parts.value_len);
    }
    if (!(value = cg_source_unescape(p, raw, 0))) {
        cg_source_fail(out, apr_pstrcat(p, name, ": bad percent-encoding",
                                        NULL));
        return;
    }
    if (!(j = json_loadb(value, strlen(value), JSON_REJECT_DUPLICATES,
                         NULL))) {
        cg_source_fail(out, apr_pstrcat(p, name, ": not JSON", NULL));
        return;
    }
    apr_pool_cleanup_register(p, j, json_cleanup, apr_pool_cleanup_null);
    v = json_object_get(j, "time");
    consents = json_object_get(j, "consents");
    if (!json_is_integer(v) || json_integer_value(v) <= 0
        || json_integer_value(v) > APR_INT64_C(253402300799999)) {
        cg_source_fail(out, apr_pstrcat(p, name, ": bad time", NULL));
        return;
    }
    out->when = (apr_time_t)json_integer_value(v) * 1000;
    if (!cg_source_check_age(out, out->when, opts)) {
        return;
    }
    if (!json_is_object(consents) || json_object_size(consents) == 0
        || json_object_size(consents) > CG_SOURCE_MAX_CATEGORIES) {
        cg_source_fail(out, apr_pstrcat(p, name, ": no consents", NULL));
        return;
    }
    out->explicit_choice = 1;
    json_object_foreach(consents, key, v) {
        if (json_is_true(v)) {
            if (grants) {
                cg_source_grant(p, out, key);
            }
        }
        else if (json_is_false(v)) {
            cg_source_refuse(p, out, key);
        }
        else {
            cg_source_fail(out, apr_pstrcat(p, name, ": a consent not "
                                            "boolean", NULL));
            return;
        }
    }
}

void cg_source_read_usercentrics(apr_pool_t *p, const apr_table_t *cookies,
                                 const cg_source_opts_t *opts,
                                 cg_source_result_t *out)
{
    read_mirror(p, cookies, opts, out, "usercentrics",
                "consentgate_usercentrics");
}

void cg_source_read_osano(apr_pool_t *p, const apr_table_t *cookies,
                          const cg_source_opts_t *opts,
                          cg_source_result_t *out)
{
    read_mirror(p, cookies, opts, out, "osano", "consentgate_osano");
}
