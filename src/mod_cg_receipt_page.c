/* mod_cg_receipt_page.c: GET {endpoint}/receipt, the visitor's own
 * receipt: the one their consent cookie (or the mirror cookie the consent
 * endpoint set) names, found in the receipts file,
 * with the notice they were shown and how to withdraw; HTML, or JSON
 * (?format=json or Accept: application/json). An id that is unknown,
 * forged or badly signed gets one and the same answer, so the page tells
 * nobody whether a receipt exists. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <httpd.h>
#include <http_config.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <apr_strings.h>
#include <apr_portable.h>

#include <jansson.h>

#include "mod_cg.h"
#include "cg_chain.h"
#include "cg_json.h"
#include "cg_text.h"

APLOG_USE_MODULE(consentgate);

#define CHUNK (64 * 1024)
/* Receipts are appended in about the order of their time: a writer may
 * wait for the lock, so the file is searched this far around the time in
 * the cookie. */
#define WINDOW apr_time_from_sec(120)

/* The "time" of a receipt line; 0 when it has none. */
static apr_time_t line_time(const char *line, apr_size_t len)
{
    static const char key[] = "\"time\":\"";
    const char *t = line, *end = line + len;
    apr_time_exp_t tm;
    apr_time_t out;
    int y, mo, d, h, mi, s;

    while ((t = memchr(t, '"', end - t))) {
        if ((apr_size_t)(end - t) >= sizeof(key) - 1 + 20
            && !memcmp(t, key, sizeof(key) - 1)) {
            break;
        }
        ++t;
    }
    if (!t || sscanf(t + sizeof(key) - 1, "%4d-%2d-%2dT%2d:%2d:%2dZ", &y, &mo,
                     &d, &h, &mi, &s) != 6) {
        return 0;
    }
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return apr_time_exp_gmt_get(&out, &tm) == APR_SUCCESS ? out : 0;
}

/* The first line that starts at or after `off`: its offset, and its time
 * (0 when it has none); -1 when there is none. */
static apr_off_t line_at(int fd, char *buf, apr_off_t off, apr_time_t *t)
{
    apr_off_t from = off > 0 ? off - 1 : 0;
    ssize_t n = pread(fd, buf, CHUNK, from);
    char *nl, *start = buf, *end;

    if (n <= 0) {
        return -1;
    }
    if (off > 0) {
        if (!(nl = memchr(buf, '\n', n))) {
            return -1;
        }
        start = nl + 1;
    }
    end = memchr(start, '\n', buf + n - start);
    *t = end ? line_time(start, end - start) : 0;
    return from + (start - buf);
}

/* The line of the receipts file that records `rid` (its first member is
 * the id), without its newline; NULL when there is none. The cookie's
 * time `when` bounds the search: a binary search finds where receipts of
 * about that time begin, and only those are read, so a file of any size
 * costs a few reads. With pread(), which leaves the descriptor's offset
 * to the writers. */
static const char *find_line(apr_pool_t *p, apr_file_t *f, const char *rid,
                             apr_time_t when)
{
    const char *prefix = apr_pstrcat(p, "{\"id\":\"", rid, "\",", NULL);
    apr_size_t plen = strlen(prefix), have = 0;
    apr_os_file_t fd;
    apr_finfo_t fi;
    char *buf = apr_palloc(p, 2 * CHUNK);
    apr_off_t lo = 0, hi, off;
    apr_time_t t;

    if (apr_os_file_get(&fd, f) != APR_SUCCESS
        || apr_file_info_get(&fi, APR_FINFO_SIZE, f) != APR_SUCCESS) {
        return NULL;
    }
    hi = fi.size;
    while (hi - lo > CHUNK) {
        apr_off_t mid = lo + (hi - lo) / 2;

        /* a line without a time (damage) could be anywhere: look earlier */
        if (line_at(fd, buf, mid, &t) < 0 || !t || t >= when - WINDOW) {
            hi = mid;
        }
        else {
            lo = mid;
        }
    }
    if ((off = line_at(fd, buf, lo, &t)) < 0) {
        return NULL;
    }
    for (;;) {
        ssize_t n = pread(fd, buf + have, 2 * CHUNK - have, off);
        char *line = buf, *nl;

        if (n <= 0) {
            return NULL;
        }
        off += n;
        have += n;
        while ((nl = memchr(line, '\n', buf + have - line))) {
            apr_size_t len = nl - line;

            if (len > plen && !memcmp(line, prefix, plen)) {
                return apr_pstrmemdup(p, line, len);
            }
            t = line_time(line, len);
            if (t && t > when + WINDOW) {
                return NULL;
            }
            line = nl + 1;
        }
        /* keep the unfinished line; one longer than a chunk is no receipt */
        have = buf + have - line;
        if (have >= CHUNK) {
            have = 0;
        }
        else {
            memmove(buf, line, have);
        }
    }
}

/* The notice `hash` names: served now, or archived earlier. */
static const char *notice_text(request_rec *r, const mod_cg_server_conf *sc,
                               const char *hash)
{
    const mod_cg_notice *n;
    const char *path;
    apr_file_t *f;
    apr_finfo_t fi;
    char *text;
    apr_size_t len;

    if (!hash || strlen(hash) != CG_CHAIN_HEXLEN
        || strspn(hash, "0123456789abcdef") != CG_CHAIN_HEXLEN) {
        return NULL;
    }
    if (sc->notices && (n = apr_hash_get(sc->notices, hash,
                                         APR_HASH_KEY_STRING))) {
        return n->text;
    }
    if (!(path = mod_cg_notice_dir(r->pool, sc))) {
        return NULL;
    }
    path = apr_pstrcat(r->pool, path, "/", hash, ".json", NULL);
    if (apr_file_open(&f, path, APR_FOPEN_READ, APR_FPROT_OS_DEFAULT,
                      r->pool) != APR_SUCCESS) {
        return NULL;
    }
    if (apr_file_info_get(&fi, APR_FINFO_SIZE, f) != APR_SUCCESS
        || fi.size > 1024 * 1024) {
        apr_file_close(f);
        return NULL;
    }
    len = (apr_size_t)fi.size;
    text = apr_palloc(r->pool, len + 1);
    if (apr_file_read_full(f, text, len, NULL) != APR_SUCCESS) {
        apr_file_close(f);
        return NULL;
    }
    apr_file_close(f);
    text[len] = '\0';
    return text;
}

static int wants_json(request_rec *r)
{
    const char *accept = apr_table_get(r->headers_in, "Accept");
    const char *format = r->args ? cg_form_field(r->pool, r->args,
                                                 strlen(r->args), "format")
                                 : NULL;

    if (format) {
        return !strcmp(format, "json");
    }
    return accept && ap_strcasestr(accept, "application/json")
        && !ap_strcasestr(accept, "text/html");
}

/* The one answer for a receipt not shown, whatever the reason. */
static int no_receipt(request_rec *r, int json)
{
    r->status = HTTP_NOT_FOUND;
    if (json) {
        ap_set_content_type(r, "application/json");
        ap_rputs("{\"receipt\":null}\n", r);
    }
    else {
        ap_set_content_type(r, "text/html; charset=utf-8");
        ap_rputs("<!doctype html><html lang=\"en\"><head><meta charset=\""
                 "utf-8\"><title>No receipt</title><meta name=\"viewport\" "
                 "content=\"width=device-width\"></head><body><h1>No "
                 "receipt</h1><p>This browser holds no consent recorded on "
                 "this site.</p></body></html>\n", r);
    }
    return OK;
}

static const char *str_of(json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));

    return v ? v : "";
}

int mod_cg_handle_receipt(request_rec *r)
{
    mod_cg_server_conf *sc = ap_get_module_config(r->server->module_config,
                                                  &consentgate_module);
    const char *line = NULL, *text, *forget, *rid;
    apr_time_t when;
    json_t *rec = NULL, *notice = NULL, *out;
    int json = wants_json(r);

    if (r->method_number != M_GET) {
        ap_allow_methods(r, REPLACE_ALLOW, "GET", NULL);
        return HTTP_METHOD_NOT_ALLOWED;
    }
    mod_cg_forbid_cookies(r);
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    apr_table_mergen(r->headers_out, "Vary", "Cookie, Accept");
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    /* only a consent the gate believes (signed, when ConsentSecret is set)
     * names a receipt: the module's own cookie's, or a mirror's that the
     * consent endpoint set, the newer when both do */
    if (sc->receipts && mod_cg_held_receipt(r, &rid, &when)) {
        line = find_line(r->pool, sc->receipts, rid, when);
    }
    if (line) {
        rec = json_loads(line, JSON_REJECT_DUPLICATES, NULL);
    }
    if (!json_is_object(rec)) {
        json_decref(rec);
        return no_receipt(r, json);
    }
    text = notice_text(r, sc, str_of(rec, "notice"));
    notice = text ? json_loads(text, 0, NULL) : NULL;
    forget = apr_pstrcat(r->pool, mod_cg_endpoint(sc), "/forget", NULL);
    if (json) {
        out = json_object();
        json_object_set(out, "receipt", rec);
        json_object_set_new(out, "notice", notice ? notice : json_null());
        json_object_set_new(out, "withdraw", json_string(forget));
        ap_set_content_type(r, "application/json");
        ap_rputs(cg_json_dump(r->pool, out, JSON_COMPACT
                              | JSON_PRESERVE_ORDER, "\n"), r);
        json_decref(out);
        json_decref(rec);
        return OK;
    }
    ap_set_content_type(r, "text/html; charset=utf-8");
    {
        json_t *cats = json_object_get(rec, "categories");
        const char *list = "";
        size_t i;

        for (i = 0; i < json_array_size(cats); ++i) {
            list = apr_pstrcat(r->pool, list, i ? ", " : "",
                               json_string_value(json_array_get(cats, i)),
                               NULL);
        }
        ap_rvputs(r, "<!doctype html><html lang=\"en\"><head><meta charset=\""
                  "utf-8\"><title>Your consent receipt</title><meta name=\""
                  "viewport\" content=\"width=device-width\"></head><body>"
                  "<h1>Your consent receipt</h1><dl>"
                  "<dt>Receipt</dt><dd>", ap_escape_html(r->pool,
                                                         str_of(rec, "id")),
                  "</dd><dt>Choice</dt><dd>", ap_escape_html(r->pool,
                                                  str_of(rec, "action")),
                  " (", ap_escape_html(r->pool, str_of(rec, "method")),
                  ")</dd><dt>Categories granted</dt><dd>",
                  *list ? ap_escape_html(r->pool, list) : "none",
                  "</dd><dt>Recorded</dt><dd><time>",
                  ap_escape_html(r->pool, str_of(rec, "time")),
                  "</time></dd><dt>Valid until</dt><dd><time>",
                  ap_escape_html(r->pool, str_of(rec, "expires")),
                  "</time></dd><dt>Site</dt><dd>",
                  ap_escape_html(r->pool, str_of(rec, "host")),
                  "</dd><dt>Language</dt><dd>",
                  ap_escape_html(r->pool, str_of(rec, "lang")),
                  "</dd><dt>Notice shown</dt><dd><code>",
                  ap_escape_html(r->pool, str_of(rec, "notice")),
                  "</code></dd></dl>", NULL);
        if (text) {
            ap_rvputs(r, "<h2>The notice you were shown</h2><pre>",
                      ap_escape_html(r->pool, text), "</pre>", NULL);
        }
        /* back here after it: the page then shows the withdrawal's
         * receipt, which the refusal cookie names */
        ap_rvputs(r, "<h2>Withdraw</h2><form method=\"post\" action=\"",
                  ap_escape_html(r->pool, forget), "\"><input type=\"hidden"
                  "\" name=\"return_to\" value=\"",
                  ap_escape_html(r->pool, apr_pstrcat(r->pool,
                                                      mod_cg_endpoint(sc),
                                                      "/receipt", NULL)),
                  "\"><button type=\"submit\">Withdraw consent</button>"
                  "</form></body></html>\n", NULL);
    }
    json_decref(notice);
    json_decref(rec);
    return OK;
}
