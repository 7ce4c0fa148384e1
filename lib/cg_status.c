/* cg_status.c: what the status page may record. Page paths come from the
 * visitor (?u= and the Referer), so they are cleaned of anything that can
 * carry a secret before they reach shared memory; counters are kept per
 * site; a per-address limit keeps one client from crowding out the rest. */
#include <string.h>

#include <apr_strings.h>
#include <apr_lib.h>
#include <apr_general.h>

#include <jansson.h>

#include "cg_status.h"
#include "cg_json.h"

static const char *const mautic_excludes[] = {
    /* email web views, unsubscribes and do-not-contact links carry the
     * recipient's hash; the admin area and redirects carry ids */
    "*/email/", "*/s/", "*/r/", NULL
};

const char *const *cg_status_preset_excludes(const char *preset)
{
    return preset && !strcmp(preset, "mautic") ? mautic_excludes : NULL;
}

/* Merges repeated slashes and drops "." segments: "//email/./x" must not
 * slip past "/email/". */
static char *merge_path(apr_pool_t *p, const char *path)
{
    char *out = apr_palloc(p, strlen(path) + 1), *w = out;
    const char *s = path;

    while (*s) {
        if (*s == '/' && w > out && w[-1] == '/') {
            ++s;
            continue;
        }
        if (*s == '.' && w > out && w[-1] == '/'
            && (s[1] == '/' || s[1] == '\0')) {
            s += s[1] ? 2 : 1;
            continue;
        }
        if (*s == '.' && s[1] == '.' && w > out && w[-1] == '/'
            && (s[2] == '/' || s[2] == '\0')) {
            /* back to the slash before the previous segment */
            for (--w; w > out && w[-1] != '/'; --w) {
            }
            if (w == out) {
                *w++ = '/';
            }
            s += s[2] ? 3 : 2;
            continue;
        }
        *w++ = *s++;
    }
    *w = '\0';
    return out;
}

static int excluded(const char *path, const apr_array_header_t *exclude)
{
    int i;

    for (i = 0; exclude && i < exclude->nelts; ++i) {
        const char *e = APR_ARRAY_IDX(exclude, i, const char *);

        if (*e == '*') {
            const char *at;

            for (++e, at = path; (at = strstr(at, e)) != NULL; ++at) {
                /* after a segment boundary: the pattern starts with '/' */
                if (*e == '/' || at == path || at[-1] == '/') {
                    return 1;
                }
            }
        }
        else if (!strncmp(path, e, strlen(e))) {
            return 1;
        }
    }
    return 0;
}

static int is_b64url(unsigned char c)
{
    return apr_isalnum(c) || c == '-' || c == '_';
}

/* Does the segment [s, s+len) hold a run that looks like a token? Hex
 * runs end at anything not hex; base64url runs at anything not
 * base64url. Either needs a digit: a long word is no secret. */
static int looks_like_token(const char *s, apr_size_t len)
{
    apr_size_t i, run = 0, b64 = 0;
    int run_digit = 0, b64_digit = 0;

    for (i = 0; i <= len; ++i) {
        unsigned char c = i < len ? (unsigned char)s[i] : '\0';

        if (i < len && apr_isxdigit(c)) {
            ++run;
            run_digit |= apr_isdigit(c) != 0;
        }
        else {
            if (run >= 12 && run_digit) {
                return 1;
            }
            run = 0;
            run_digit = 0;
        }
        if (i < len && is_b64url(c)) {
            ++b64;
            b64_digit |= apr_isdigit(c) != 0;
        }
        else {
            if (b64 >= 20 && b64_digit) {
                return 1;
            }
            b64 = 0;
            b64_digit = 0;
        }
    }
    return 0;
}

const char *cg_status_path(apr_pool_t *p, const char *path,
                           const apr_array_header_t *exclude)
{
    const char *s;
    char *merged, *out;

    if (!path || *path != '/') {
        return path;
    }
    merged = merge_path(p, path);
    if (excluded(merged, exclude)) {
        return NULL;
    }
    out = apr_pstrdup(p, "");
    for (s = merged; *s; ) {
        apr_size_t len;

        /* the last segment of a path cut at CG_PAGE_MAX may be the head of
         * a token too short now to be recognised */
        if (*s != '/' && strlen(path) >= CG_PAGE_MAX && !strchr(s, '/')) {
            return apr_pstrcat(p, out, CG_STATUS_CUT, NULL);
        }
        if (*s == '/') {
            out = apr_pstrcat(p, out, "/", NULL);
            ++s;
            continue;
        }
        len = strcspn(s, "/");
        out = apr_pstrcat(p, out, looks_like_token(s, len) ? CG_STATUS_TOKEN
                                  : apr_pstrmemdup(p, s, len), NULL);
        s += len;
    }
    return out;
}

/* The host of an absolute URL, without port or user info; NULL when
 * there is none. */
static const char *url_host(apr_pool_t *p, const char *url, apr_size_t *len)
{
    const char *s = strstr(url, "://"), *end, *at;

    if (!s || s > url + strcspn(url, "/?#")) {
        return NULL;
    }
    s += 3;
    end = s + strcspn(s, "/?#");
    at = memchr(s, '@', (apr_size_t)(end - s));
    if (at) {
        s = at + 1;
    }
    if (*s == '[') {
        const char *close = memchr(s, ']', (apr_size_t)(end - s));
        if (!close) {
            return NULL;
        }
        *len = (apr_size_t)(close + 1 - s);
        return s;
    }
    *len = strcspn(s, ":/?#");
    (void)p;
    return *len ? s : NULL;
}

int cg_status_plausible(const char *referer, const char *host,
                        const char *path, const apr_array_header_t *pages)
{
    int i;

    if (referer && host && *host) {
        apr_size_t rlen = 0, hlen;
        const char *rh = url_host(NULL, referer, &rlen);

        hlen = *host == '[' ? strcspn(host, "]") + 1 : strcspn(host, ":");
        if (rh && rlen == hlen && !strncasecmp(rh, host, hlen)) {
            return 1;
        }
    }
    for (i = 0; path && pages && i < pages->nelts; ++i) {
        const char *prefix = APR_ARRAY_IDX(pages, i, const char *);

        if (!strncmp(path, prefix, strlen(prefix))) {
            return 1;
        }
    }
    return 0;
}

/* FNV-1a over the secret and the address: the table holds no address,
 * and without the secret no one can aim two addresses at one slot. */
static apr_uint64_t rate_key(const cg_rate_t *t, const char *masked)
{
    apr_uint64_t h = APR_UINT64_C(0xcbf29ce484222325);
    apr_size_t i;

    for (i = 0; i < sizeof(t->secret); ++i) {
        h = (h ^ t->secret[i]) * APR_UINT64_C(0x100000001b3);
    }
    for (; *masked; ++masked) {
        h = (h ^ (unsigned char)*masked) * APR_UINT64_C(0x100000001b3);
    }
    return h | 1;       /* 0 marks a free slot */
}

int cg_rate_take(cg_rate_t *t, const char *masked, apr_time_t now,
                 apr_uint32_t limit)
{
    apr_uint32_t minute = (apr_uint32_t)(apr_time_sec(now) / 60);
    apr_uint64_t key;
    cg_rate_slot_t *free_slot = NULL;
    int i;

    if (!limit) {
        return 1;
    }
    if (!t->keyed) {
        if (apr_generate_random_bytes(t->secret, sizeof(t->secret))
            != APR_SUCCESS) {
            memset(t->secret, 0x5a, sizeof(t->secret));
        }
        t->keyed = 1;
    }
    key = rate_key(t, masked ? masked : "");
    for (i = 0; i < CG_RATE_PROBES; ++i) {
        cg_rate_slot_t *s = &t->slots[(key + (apr_uint64_t)i * 7919)
                                      % CG_RATE_SLOTS];

        if (s->key == key && s->minute == minute) {
            if (s->count >= limit) {
                return 0;
            }
            s->count++;
            return 1;
        }
        if (!free_slot && (s->key == 0 || s->minute != minute)) {
            free_slot = s;
        }
    }
    if (free_slot) {
        free_slot->key = key;
        free_slot->minute = minute;
        free_slot->count = 1;
    }
    return 1;
}

void cg_sites_init(cg_sites_t *s)
{
    int i;

    if (s->magic != CG_SITES_MAGIC) {
        memset(s, 0, sizeof(*s));
        s->magic = CG_SITES_MAGIC;
    }
    for (i = 0; i < CG_STATUS_SITES; ++i) {
        cg_counters_init(&s->counters[i]);
    }
}

cg_counters_t *cg_sites_counters(cg_sites_t *s, const char *key)
{
    apr_uint32_t i;

    for (i = 0; i < s->n && i < CG_STATUS_SITES; ++i) {
        if (!strncmp(s->keys[i], key, CG_SITE_KEY_MAX - 1)) {
            return &s->counters[i];
        }
    }
    if (s->n >= CG_STATUS_SITES) {
        return NULL;
    }
    apr_cpystrn(s->keys[s->n], key, CG_SITE_KEY_MAX);
    return &s->counters[s->n++];
}

static const char *const store_fields[] = {
    "views", "uniques", "accept_all", "reject_all", "custom", "withdraw",
    "no_choice", "gpc", "dnt", "revision", NULL
};

/* The fields of a day in store_fields' order. */
static apr_uint32_t *day_field(cg_day_count_t *d, int i)
{
    apr_uint32_t *f[10];

    f[0] = &d->views;
    f[1] = &d->uniques;
    f[2] = &d->choices[CG_CHOICE_ACCEPT_ALL];
    f[3] = &d->choices[CG_CHOICE_REJECT_ALL];
    f[4] = &d->choices[CG_CHOICE_CUSTOM];
    f[5] = &d->choices[CG_CHOICE_WITHDRAW];
    f[6] = &d->no_choice;
    f[7] = &d->gpc;
    f[8] = &d->dnt;
    f[9] = &d->revision;
    return f[i];
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static long days_from_civil(long y, unsigned m, unsigned d)
{
    long era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

const char *cg_sites_store_json(apr_pool_t *p, const cg_sites_t *s)
{
    json_t *doc = json_object(), *sites = json_array();
    const char *text;
    apr_uint32_t i;
    int k, f;

    for (i = 0; i < s->n && i < CG_STATUS_SITES; ++i) {
        json_t *days = json_array();

        for (k = 0; k < CG_COUNTER_DAYS; ++k) {
            cg_day_count_t d = s->counters[i].days[k];
            apr_time_exp_t tm;
            char date[16];
            apr_size_t n;
            json_t *o;
            int any = 0;

            for (f = 0; store_fields[f]; ++f) {
                any |= f != 9 && *day_field(&d, f) != 0;
            }
            if (!any) {
                continue;
            }
            apr_time_exp_gmt(&tm, apr_time_from_sec((apr_time_t)d.day
                                                    * 86400));
            apr_strftime(date, &n, sizeof(date), "%Y-%m-%d", &tm);
            o = json_pack("{s:s}", "date", date);
            for (f = 0; store_fields[f]; ++f) {
                json_object_set_new(o, store_fields[f],
                                    json_integer(*day_field(&d, f)));
            }
            json_array_append_new(days, o);
        }
        json_array_append_new(sites, json_pack("{s:s, s:o}", "site",
                                               s->keys[i], "days", days));
    }
    json_object_set_new(doc, "format", json_string("consentgate-status-1"));
    json_object_set_new(doc, "sites", sites);
    text = cg_json_dump(p, doc, JSON_INDENT(1), "\n");
    json_decref(doc);
    return text;
}

const char *cg_sites_load_json(apr_pool_t *p, cg_sites_t *s,
                               const char *text, apr_size_t len,
                               apr_time_t now)
{
    json_error_t jerr;
    json_t *doc = json_loadb(text, len, 0, &jerr), *sites, *site;
    apr_uint32_t today = cg_day_of(now);
    const char *err = NULL;
    size_t i, j;
    int pass;

    if (!doc) {
        return apr_psprintf(p, "line %d: %s", jerr.line, jerr.text);
    }
    if (!json_is_object(doc)
        || !json_is_string(json_object_get(doc, "format"))
        || strcmp(json_string_value(json_object_get(doc, "format")),
                  "consentgate-status-1")
        || !json_is_array(sites = json_object_get(doc, "sites"))) {
        json_decref(doc);
        return "not a consentgate-status-1 document";
    }
    /* the first pass checks everything, the second reads */
    for (pass = 0; pass < 2 && !err; ++pass) {
        json_array_foreach(sites, i, site) {
            json_t *key = json_object_get(site, "site");
            json_t *days = json_object_get(site, "days"), *day;
            cg_counters_t *c = NULL;

            if (!json_is_string(key) || !json_is_array(days)
                || strlen(json_string_value(key)) >= CG_SITE_KEY_MAX) {
                err = apr_psprintf(p, "site %d: needs \"site\" and \"days\"",
                                   (int)i);
                break;
            }
            if (pass && !(c = cg_sites_counters(s, json_string_value(key)))) {
                continue;       /* no slot left: that site starts empty */
            }
            json_array_foreach(days, j, day) {
                const char *date = json_string_value(json_object_get(day,
                                                                     "date"));
                unsigned y, m, d;
                char tail;
                long n;
                cg_day_count_t *slot;
                int f;

                if (!date || sscanf(date, "%4u-%2u-%2u%c", &y, &m, &d, &tail)
                             != 3 || m < 1 || m > 12 || d < 1 || d > 31) {
                    err = apr_psprintf(p, "site %d, day %d: no date "
                                       "YYYY-MM-DD", (int)i, (int)j);
                    break;
                }
                for (f = 0; store_fields[f]; ++f) {
                    json_t *v = json_object_get(day, store_fields[f]);

                    if (v && (!json_is_integer(v) || json_integer_value(v) < 0
                              || json_integer_value(v) > APR_UINT32_MAX)) {
                        err = apr_psprintf(p, "site %d, day %d: %s is not a "
                                           "count", (int)i, (int)j,
                                           store_fields[f]);
                        break;
                    }
                }
                if (err) {
                    break;
                }
                n = days_from_civil((long)y, m, d);
                if (!pass || n < 0 || (apr_uint32_t)n > today
                    || (apr_uint32_t)n + CG_COUNTER_DAYS <= today) {
                    continue;
                }
                slot = &c->days[(apr_uint32_t)n % CG_COUNTER_DAYS];
                if (slot->day > (apr_uint32_t)n) {
                    continue;
                }
                memset(slot, 0, sizeof(*slot));
                slot->day = (apr_uint32_t)n;
                for (f = 0; store_fields[f]; ++f) {
                    json_t *v = json_object_get(day, store_fields[f]);

                    *day_field(slot, f) = v ? (apr_uint32_t)
                                              json_integer_value(v) : 0;
                }
            }
            if (err) {
                break;
            }
        }
    }
    json_decref(doc);
    return err;
}
