/* test_receipt.c: unit tests (cmocka) for lib/cg_receipt.c: the receipt
 * as a JSON line, appending it from many processes at once (forked
 * children), and parsing a posted choice, hostile input included. */
#include "unit.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include <apr_time.h>
#include <apr_file_io.h>
#include <apr_file_info.h>

#include <jansson.h>

#include "cg_receipt.h"
#include "cg_chain.h"

/* 2026-11-22 19:00:00 UTC */
#define WHEN_SEC APR_INT64_C(1795374000)
#define WHEN apr_time_from_sec(WHEN_SEC)
#define RID "0123456789abcdef0123456789abcdef"
#define NOTICE \
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* An array of const char * from a NULL-terminated list. */
static apr_array_header_t *list(apr_pool_t *p, const char *const *items)
{
    apr_array_header_t *a = apr_array_make(p, 4, sizeof(const char *));

    for (; *items; ++items) {
        APR_ARRAY_PUSH(a, const char *) = *items;
    }
    return a;
}

/* "a,b,c" for an array of const char *, "(null)" for none. */
static const char *joined(apr_pool_t *p, const apr_array_header_t *a)
{
    return a ? apr_array_pstrcat(p, a, ',') : "(null)";
}

static const char *const known_items[] = {
    "tracking", "analytics", "stats", "a b", NULL
};

static const apr_array_header_t *known(apr_pool_t *p)
{
    return list(p, known_items);
}

static cg_receipt_t receipt(apr_pool_t *p)
{
    static const char *const cats[] = { "tracking", "stats", NULL };
    cg_receipt_t r;

    r.id = RID;
    r.when = WHEN;
    r.action = "grant";
    r.categories = list(p, cats);
    r.policy_revision = 3;
    r.gpc = 0;
    r.dnt = 1;
    r.method = "custom";
    r.host = "www.example.com";
    r.lang = "de";
    r.expires = WHEN + apr_time_from_sec(86400);
    r.notice = NOTICE;
    return r;
}

/* The keys of a receipt line, in order. */
static const char *const receipt_keys[] = {
    "id", "time", "action", "categories", "policy_revision", "gpc", "dnt",
    "method", "host", "lang", "expires", "notice"
};

/* Parses `line` (without its newline) back and checks it has exactly the
 * receipt keys, in order, with the right JSON types. Returns the object
 * (the caller json_decref()s it), or NULL after failing the test. */
static json_t *parse_back(const char *line)
{
    json_error_t jerr;
    json_t *obj;
    const char *key;
    json_t *value;
    apr_size_t i = 0, len;

    if (!line) {
        fail_tap("no line");
        return NULL;
    }
    len = strlen(line);
    if (len == 0 || line[len - 1] != '\n') {
        fail_tap("line does not end in a newline: %s", line);
        return NULL;
    }
    obj = json_loadb(line, len - 1, JSON_REJECT_DUPLICATES, &jerr);
    if (!obj || !json_is_object(obj)) {
        fail_tap("not a JSON object (%s): %s", jerr.text, line);
        return NULL;
    }
    json_object_foreach(obj, key, value) {
        if (i >= N(receipt_keys) || strcmp(key, receipt_keys[i])) {
            json_decref(obj);
            fail_tap("key %d is '%s', expected '%s': %s", (int)i, key,
                     i < N(receipt_keys) ? receipt_keys[i] : "(none)", line);
            return NULL;
        }
        ++i;
    }
    if (i != N(receipt_keys)
        || !json_is_string(json_object_get(obj, "id"))
        || !json_is_string(json_object_get(obj, "time"))
        || !json_is_string(json_object_get(obj, "action"))
        || !json_is_array(json_object_get(obj, "categories"))
        || !json_is_integer(json_object_get(obj, "policy_revision"))
        || !json_is_boolean(json_object_get(obj, "gpc"))
        || !json_is_boolean(json_object_get(obj, "dnt"))
        || !json_is_string(json_object_get(obj, "method"))
        || !json_is_string(json_object_get(obj, "host"))
        || !json_is_string(json_object_get(obj, "lang"))
        || !json_is_string(json_object_get(obj, "expires"))
        || !json_is_string(json_object_get(obj, "notice"))) {
        json_decref(obj);
        fail_tap("wrong keys or types: %s", line);
        return NULL;
    }
    return obj;
}

static const char *string_of(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* ---- one definition of the fields, for the line and for SQL ---- */

static void fields_are_the_line_keys(void **state)
{
    apr_size_t i;

    assert_int_equal(CG_RECEIPT_NFIELDS, N(receipt_keys));
    for (i = 0; i < N(receipt_keys); ++i) {
        assert_string_equal(cg_receipt_fields[i].name, receipt_keys[i]);
    }
}

static void sql_insert_from_the_fields(void **state)
{
    /* the statement conf.d/consent_receipts.sql's table takes */
    assert_string_equal(cg_receipt_sql_insert(*state, "consent_receipts"),
        "INSERT INTO consent_receipts (id, time, action, categories, "
        "policy_revision, gpc, dnt, method, host, lang, expires, notice) "
        "VALUES (%s, CAST(%s AS timestamptz), "
        "%s, CAST(%s AS jsonb), CAST(%s AS integer), CAST(%s AS boolean), "
        "CAST(%s AS boolean), %s, %s, %s, CAST(%s AS timestamptz), %s)");
}

static void values_are_the_line_values(void **state)
{
    static const char *const odd[] = { "a\"b", "\xc3\xa9", NULL };
    cg_receipt_t r = receipt(*state);
    const char *v[CG_RECEIPT_NFIELDS];
    json_t *obj;
    int i;

    assert_true(cg_receipt_values(*state, &r, v));
    assert_string_equal(v[0], RID);
    assert_string_equal(v[1], "2026-11-22T19:00:00Z");
    assert_string_equal(v[2], "grant");
    assert_string_equal(v[3], "[\"tracking\",\"stats\"]");
    assert_string_equal(v[4], "3");
    assert_string_equal(v[5], "false");
    assert_string_equal(v[6], "true");
    assert_string_equal(v[7], "custom");
    assert_string_equal(v[8], "www.example.com");
    assert_string_equal(v[9], "de");
    assert_string_equal(v[10], "2026-11-23T19:00:00Z");
    assert_string_equal(v[11], NOTICE);
    /* what SQL receives is what the line holds, field for field, also
     * where a category needs escaping */
    r.categories = list(*state, odd);
    r.gpc = 1;
    assert_true(cg_receipt_values(*state, &r, v));
    obj = parse_back(cg_receipt_line(*state, &r));
    for (i = 0; obj && i < CG_RECEIPT_NFIELDS; ++i) {
        json_t *f = json_object_get(obj, cg_receipt_fields[i].name);
        char *text = json_is_string(f) ? strdup(json_string_value(f))
            : json_dumps(f, JSON_COMPACT | JSON_ENCODE_ANY);
        if (strcmp(text, v[i])) {
            fail_tap("%s: line '%s', SQL '%s'", cg_receipt_fields[i].name,
                     text, v[i]);
        }
        free(text);
    }
    json_decref(obj);
}

static void values_refuse_what_the_line_refuses(void **state)
{
    cg_receipt_t r = receipt(*state);
    const char *v[CG_RECEIPT_NFIELDS];

    r.action = "maybe";
    assert_false(cg_receipt_values(*state, &r, v));
    r = receipt(*state);
    r.id = NULL;
    assert_false(cg_receipt_values(*state, &r, v));
    r = receipt(*state);
    r.id = "\xff";
    assert_false(cg_receipt_values(*state, &r, v));
    assert_null(cg_receipt_line(*state, &r));
}

/* ---- cg_receipt_line ---- */

static void line_exact(void **state)
{
    cg_receipt_t r = receipt(*state);

    assert_string_equal(cg_receipt_line(*state, &r),
        "{\"id\":\"" RID "\",\"time\":\"2026-11-22T19:00:00Z\","
        "\"action\":\"grant\",\"categories\":[\"tracking\",\"stats\"],"
        "\"policy_revision\":3,\"gpc\":false,\"dnt\":true,"
        "\"method\":\"custom\",\"host\":\"www.example.com\",\"lang\":\"de\","
        "\"expires\":\"2026-11-23T19:00:00Z\",\"notice\":\"" NOTICE "\"}\n");
}

static void line_parses_back(void **state)
{
    cg_receipt_t r = receipt(*state);
    json_t *obj = parse_back(cg_receipt_line(*state, &r));
    json_t *cats;

    assert_non_null(obj);
    assert_string_equal(string_of(obj, "id"), RID);
    assert_string_equal(string_of(obj, "time"), "2026-11-22T19:00:00Z");
    assert_string_equal(string_of(obj, "action"), "grant");
    cats = json_object_get(obj, "categories");
    assert_int_equal(json_array_size(cats), 2);
    assert_string_equal(json_string_value(json_array_get(cats, 0)), "tracking");
    assert_string_equal(json_string_value(json_array_get(cats, 1)), "stats");
    assert_int_equal(json_integer_value(json_object_get(obj,
                                                        "policy_revision")), 3);
    assert_true(json_is_false(json_object_get(obj, "gpc")));
    assert_true(json_is_true(json_object_get(obj, "dnt")));
    json_decref(obj);
}

static void line_one_newline_at_the_end(void **state)
{
    static const char *const cats[] = { "line\nbreak", "cr\r", NULL };
    cg_receipt_t r = receipt(*state);
    const char *line;

    r.id = "id\nwith\nnewlines\r\n";
    r.categories = list(*state, cats);
    line = cg_receipt_line(*state, &r);
    assert_non_null(line);
    assert_ptr_equal(strchr(line, '\n'), line + strlen(line) - 1);
    assert_null(strchr(line, '\r'));
    json_decref(parse_back(line));
}

static void line_odd_characters_round_trip(void **state)
{
    static const char *const cats[] = {
        "qu\"ote", "back\\slash", "tab\there", "\x01\x1f\x7f", "</script>",
        "caf\xc3\xa9", "\xe2\x80\xa8", "\xf0\x9f\x8d\xaa", "", "{\"a\":1}",
        NULL
    };
    cg_receipt_t r = receipt(*state);
    json_t *obj, *arr;
    size_t i;

    r.id = "\"},\"ip\":\"203.0.113.9\",\"x\":{\"";
    r.categories = list(*state, cats);
    obj = parse_back(cg_receipt_line(*state, &r));
    assert_non_null(obj);
    /* the injection attempt stayed inside the id */
    assert_null(json_object_get(obj, "ip"));
    assert_string_equal(string_of(obj, "id"), r.id);
    arr = json_object_get(obj, "categories");
    assert_int_equal(json_array_size(arr), N(cats) - 1);
    for (i = 0; i < N(cats) - 1; ++i) {
        const char *got = json_string_value(json_array_get(arr, i));
        if (!got || strcmp(got, cats[i])) {
            fail_tap("category %d came back as '%s'", (int)i,
                     got ? got : "(null)");
        }
    }
    json_decref(obj);
}

static void line_actions(void **state)
{
    static const char *const good[] = { "grant", "refuse", "revoke" };
    static const char *const bad[] = {
        "", "Grant", "GRANT", "grant ", " grant", "granted", "accept",
        "deny", "refused", "revoked", "grant\n", "grantx"
    };
    cg_receipt_t r = receipt(*state);
    apr_size_t i;

    for (i = 0; i < N(good); ++i) {
        json_t *obj;

        r.action = good[i];
        obj = parse_back(cg_receipt_line(*state, &r));
        assert_non_null(obj);
        assert_string_equal(string_of(obj, "action"), good[i]);
        json_decref(obj);
    }
    for (i = 0; i < N(bad); ++i) {
        r.action = bad[i];
        if (cg_receipt_line(*state, &r)) {
            fail_tap("action '%s' gave a receipt", bad[i]);
        }
    }
    r.action = NULL;
    assert_null(cg_receipt_line(*state, &r));
}

static void line_refusal_without_categories(void **state)
{
    cg_receipt_t r = receipt(*state);
    const char *line;

    r.action = "refuse";
    r.categories = NULL;
    line = cg_receipt_line(*state, &r);
    assert_non_null(strstr(line, ",\"categories\":[],"));
    json_decref(parse_back(line));
    r.categories = apr_array_make(*state, 1, sizeof(const char *));
    assert_string_equal(cg_receipt_line(*state, &r), line);
}

static void line_flags_and_revision(void **state)
{
    cg_receipt_t r = receipt(*state);
    json_t *obj;

    r.gpc = 2;              /* any true value */
    r.dnt = 0;
    r.policy_revision = 0;
    obj = parse_back(cg_receipt_line(*state, &r));
    assert_non_null(obj);
    assert_true(json_is_true(json_object_get(obj, "gpc")));
    assert_true(json_is_false(json_object_get(obj, "dnt")));
    assert_int_equal(json_integer_value(json_object_get(obj,
                                                        "policy_revision")), 0);
    json_decref(obj);

    r.gpc = 0;
    r.dnt = -1;
    r.policy_revision = 2147483647;
    obj = parse_back(cg_receipt_line(*state, &r));
    assert_non_null(obj);
    assert_true(json_is_false(json_object_get(obj, "gpc")));
    assert_true(json_is_true(json_object_get(obj, "dnt")));
    assert_int_equal(json_integer_value(json_object_get(obj,
                                                        "policy_revision")),
                     2147483647);
    json_decref(obj);
}

static void line_times(void **state)
{
    static const struct {
        apr_time_t when;
        const char *text;
    } cases[] = {
        { 0, "1970-01-01T00:00:00Z" },
        { APR_INT64_C(1795374000999999), "2026-11-22T19:00:00Z" },
        { APR_INT64_C(1709251199000000), "2024-02-29T23:59:59Z" },
        { APR_INT64_C(946684800000000), "2000-01-01T00:00:00Z" },
        { APR_INT64_C(253402300799000000), "9999-12-31T23:59:59Z" },
        { -APR_INT64_C(1000000), "1969-12-31T23:59:59Z" },
        { -APR_INT64_C(62167219200000000), "0000-01-01T00:00:00Z" },
    };
    cg_receipt_t r = receipt(*state);
    apr_size_t i;

    for (i = 0; i < N(cases); ++i) {
        json_t *obj;

        r.when = cases[i].when;
        obj = parse_back(cg_receipt_line(*state, &r));
        assert_non_null(obj);
        if (strcmp(string_of(obj, "time"), cases[i].text)) {
            fail_tap("%" APR_TIME_T_FMT " gave '%s', expected '%s'",
                     cases[i].when, string_of(obj, "time"), cases[i].text);
        }
        json_decref(obj);
    }
    /* RFC 3339 has four-digit years */
    r.when = APR_INT64_C(253402300800000000);
    assert_null(cg_receipt_line(*state, &r));
    r.when = -APR_INT64_C(62167219201000000);
    assert_null(cg_receipt_line(*state, &r));
}

static void line_refuses_what_is_no_receipt(void **state)
{
    static const char *const with_null[] = { "tracking", NULL };
    static const char *const bad_utf8[] = { "\xc3", NULL };
    cg_receipt_t r = receipt(*state);
    apr_array_header_t *cats;

    assert_null(cg_receipt_line(*state, NULL));
    r.id = NULL;
    assert_null(cg_receipt_line(*state, &r));
    r = receipt(*state);
    r.id = "\xff\xfe";
    assert_null(cg_receipt_line(*state, &r));
    r = receipt(*state);
    r.categories = list(*state, bad_utf8);
    assert_null(cg_receipt_line(*state, &r));
    r = receipt(*state);
    cats = list(*state, with_null);
    APR_ARRAY_PUSH(cats, const char *) = NULL;
    r.categories = cats;
    assert_null(cg_receipt_line(*state, &r));
}

static void line_has_no_identifying_data(void **state)
{
    cg_receipt_t r = receipt(*state);
    const char *line = cg_receipt_line(*state, &r);

    /* parse_back() insists on exactly the documented keys */
    json_decref(parse_back(line));
    assert_null(strstr(line, "ip"));
    assert_null(strstr(line, "addr"));
    assert_null(strstr(line, "agent"));
}

static void line_methods(void **state)
{
    static const char *const good[] = {
        "accept_all", "reject_all", "custom", "withdraw", "revocation_path",
        "source:cookiebot"
    };
    static const char *const bad[] = {
        "", "accept", "Accept_all", "source:", "withdraw ", "unknown"
    };
    cg_receipt_t r = receipt(*state);
    apr_size_t i;

    for (i = 0; i < N(good); ++i) {
        json_t *obj;

        r.method = good[i];
        obj = parse_back(cg_receipt_line(*state, &r));
        assert_non_null(obj);
        assert_string_equal(string_of(obj, "method"), good[i]);
        json_decref(obj);
    }
    for (i = 0; i < N(bad); ++i) {
        r.method = bad[i];
        if (cg_receipt_line(*state, &r)) {
            fail_tap("method '%s' gave a receipt", bad[i]);
        }
    }
    r.method = NULL;
    assert_null(cg_receipt_line(*state, &r));
}

static void line_defaults_for_unknown(void **state)
{
    cg_receipt_t r = receipt(*state);
    json_t *obj;

    /* a notice the module did not serve is no proof: "unknown" */
    r.notice = NULL;
    r.host = NULL;
    r.lang = NULL;
    obj = parse_back(cg_receipt_line(*state, &r));
    assert_non_null(obj);
    assert_string_equal(string_of(obj, "notice"), "unknown");
    assert_string_equal(string_of(obj, "host"), "");
    assert_string_equal(string_of(obj, "lang"), "");
    json_decref(obj);
    r = receipt(*state);
    r.expires = APR_INT64_C(253402300800000000);
    assert_null(cg_receipt_line(*state, &r));
}

static void method_of_a_posted_choice(void **state)
{
    (void)state;
    /* what the categories show, when nothing is posted */
    assert_string_equal(cg_receipt_method(NULL, 2, 2), "accept_all");
    assert_string_equal(cg_receipt_method(NULL, 0, 2), "reject_all");
    assert_string_equal(cg_receipt_method(NULL, 1, 2), "custom");
    /* a claim the categories contradict is not believed */
    assert_string_equal(cg_receipt_method("accept_all", 1, 2), "custom");
    assert_string_equal(cg_receipt_method("reject_all", 1, 2), "custom");
    assert_string_equal(cg_receipt_method("accept_all", 0, 2), "reject_all");
    assert_string_equal(cg_receipt_method("withdraw", 2, 2), "accept_all");
    assert_string_equal(cg_receipt_method("source:x", 0, 2), "reject_all");
    /* a custom dialog that saved everything or nothing stays custom */
    assert_string_equal(cg_receipt_method("custom", 2, 2), "custom");
    assert_string_equal(cg_receipt_method("custom", 0, 2), "custom");
}

static void choice_fields(void **state)
{
    apr_pool_t *p = *state;
    static const char form[] = "categories=tracking&notice=abc%20d&method=custom";
    static const char js[] = "{\"categories\":[],\"notice\":\"abc\",\"n\":1}";

    assert_string_equal(cg_choice_field(p, "application/x-www-form-urlencoded",
                                        form, strlen(form), "notice"),
                        "abc d");
    assert_string_equal(cg_choice_field(p, "application/x-www-form-urlencoded",
                                        form, strlen(form), "method"),
                        "custom");
    assert_string_equal(cg_choice_field(p, "application/json; charset=utf-8",
                                        js, strlen(js), "notice"), "abc");
    /* not a string, absent, another type, malformed */
    assert_null(cg_choice_field(p, "application/json", js, strlen(js), "n"));
    assert_null(cg_choice_field(p, "application/json", js, strlen(js), "x"));
    assert_null(cg_choice_field(p, "text/plain", form, strlen(form), "notice"));
    assert_null(cg_choice_field(p, "application/json", "{\"notice\":", 10,
                                "notice"));
    assert_null(cg_choice_field(p, "application/json",
                                "{\"notice\":\"a\",\"notice\":\"b\"}", 27,
                                "notice"));
    assert_null(cg_choice_field(p, "application/json",
                                "{\"notice\":\"a\\u0000b\"}", 20, "notice"));
    assert_null(cg_choice_field(p, NULL, form, strlen(form), "notice"));
}

/* ---- cg_receipt_append ---- */

typedef struct temp_t {
    const char *name;
    apr_pool_t *pool;
} temp_t;

static apr_status_t remove_file(void *data)
{
    temp_t *t = data;

    return apr_file_remove(t->name, t->pool);
}

/* A new empty file in the temporary directory, removed with `p` (a failed
 * test leaves nothing behind); its name. */
static const char *temp_file(apr_pool_t *p)
{
    const char *dir;
    char *templ;
    apr_file_t *f;
    const char *name;
    temp_t *t = apr_palloc(p, sizeof(*t));

    assert_int_equal(apr_temp_dir_get(&dir, p), APR_SUCCESS);
    templ = apr_pstrcat(p, dir, "/cg_receipt_test_XXXXXX", NULL);
    assert_int_equal(apr_file_mktemp(&f, templ, APR_FOPEN_CREATE
                                     | APR_FOPEN_READ | APR_FOPEN_WRITE
                                     | APR_FOPEN_EXCL, p), APR_SUCCESS);
    assert_int_equal(apr_file_name_get(&name, f), APR_SUCCESS);
    name = apr_pstrdup(p, name);
    apr_file_close(f);
    t->name = name;
    t->pool = p;
    apr_pool_cleanup_register(p, t, remove_file, apr_pool_cleanup_null);
    return name;
}

static apr_file_t *open_append(apr_pool_t *p, const char *name)
{
    apr_file_t *f;

    assert_int_equal(apr_file_open(&f, name, APR_FOPEN_WRITE
                                   | APR_FOPEN_APPEND, APR_FPROT_OS_DEFAULT,
                                   p), APR_SUCCESS);
    return f;
}

/* The whole content of `name`, NUL-terminated; its length in *len. */
static char *slurp(apr_pool_t *p, const char *name, apr_size_t *len)
{
    apr_finfo_t fi;
    apr_file_t *f;
    char *buf;
    apr_size_t n;

    assert_int_equal(apr_stat(&fi, name, APR_FINFO_SIZE, p), APR_SUCCESS);
    n = (apr_size_t)fi.size;
    buf = apr_palloc(p, n + 1);
    assert_int_equal(apr_file_open(&f, name, APR_FOPEN_READ,
                                   APR_FPROT_OS_DEFAULT, p), APR_SUCCESS);
    if (n) {
        assert_int_equal(apr_file_read_full(f, buf, n, NULL), APR_SUCCESS);
    }
    apr_file_close(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static void append_writes_lines(void **state)
{
    apr_pool_t *p = *state;
    const char *name = temp_file(p);
    apr_file_t *f = open_append(p, name);
    apr_size_t len;

    assert_int_equal(cg_receipt_append(f, "{\"a\":1}\n"), APR_SUCCESS);
    assert_int_equal(cg_receipt_append(f, "{\"b\":2}\n"), APR_SUCCESS);
    assert_int_equal(cg_receipt_append(f, ""), APR_SUCCESS);
    apr_file_close(f);
    assert_string_equal(slurp(p, name, &len), "{\"a\":1}\n{\"b\":2}\n");
}

static void append_after_others(void **state)
{
    /* two handles, each at offset 0: O_APPEND still puts every line last */
    apr_pool_t *p = *state;
    const char *name = temp_file(p);
    apr_file_t *f1 = open_append(p, name), *f2 = open_append(p, name);
    apr_size_t len;

    assert_int_equal(cg_receipt_append(f1, "one\n"), APR_SUCCESS);
    assert_int_equal(cg_receipt_append(f2, "two\n"), APR_SUCCESS);
    assert_int_equal(cg_receipt_append(f1, "three\n"), APR_SUCCESS);
    apr_file_close(f1);
    apr_file_close(f2);
    assert_string_equal(slurp(p, name, &len), "one\ntwo\nthree\n");
}

static void append_refuses_buffered(void **state)
{
    apr_pool_t *p = *state;
    const char *name = temp_file(p);
    apr_file_t *f;
    apr_size_t len;

    assert_int_equal(apr_file_open(&f, name, APR_FOPEN_WRITE
                                   | APR_FOPEN_APPEND | APR_FOPEN_BUFFERED,
                                   APR_FPROT_OS_DEFAULT, p), APR_SUCCESS);
    assert_int_equal(cg_receipt_append(f, "line\n"), APR_EINVAL);
    apr_file_close(f);
    slurp(p, name, &len);
    assert_int_equal(len, 0);
}

static void append_bad_arguments(void **state)
{
    apr_pool_t *p = *state;
    const char *name = temp_file(p);
    apr_file_t *f = open_append(p, name);

    assert_int_equal(cg_receipt_append(NULL, "line\n"), APR_EINVAL);
    assert_int_equal(cg_receipt_append(f, NULL), APR_EINVAL);
    apr_file_close(f);
}

static void append_returns_write_error(void **state)
{
    apr_pool_t *p = *state;
    const char *name = temp_file(p);
    apr_file_t *f;

    /* a file opened for reading only: write(2) fails with EBADF */
    assert_int_equal(apr_file_open(&f, name, APR_FOPEN_READ,
                                   APR_FPROT_OS_DEFAULT, p), APR_SUCCESS);
    assert_int_equal(cg_receipt_append(f, "line\n"), APR_FROM_OS_ERROR(EBADF));
    apr_file_close(f);
}

/* The byte at `i` of a line where no stretch repeats at a short distance,
 * so a line written twice, or from the wrong place, shows. */
static char pattern_byte(apr_size_t i)
{
    return (char)('a' + (i * 7 + i / 26 + i / 4099) % 26);
}

#define BIG (1024 * 1024)

static void append_continues_short_writes(void **state)
{
    /* A pipe takes 64 KiB at most, so a 1 MiB line written to a
     * non-blocking pipe whose reader waits a moment needs many writes. */
    apr_pool_t *p = *state;
    apr_file_t *rd, *wr;
    char *line = apr_palloc(p, BIG + 1);
    apr_size_t i;
    apr_status_t rv;
    pid_t pid;
    int status;

    for (i = 0; i < BIG; ++i) {
        line[i] = pattern_byte(i);
    }
    line[BIG] = '\0';
    assert_int_equal(apr_file_pipe_create(&rd, &wr, p), APR_SUCCESS);
    /* non-blocking with APR waiting for room: writes come back short */
    assert_int_equal(apr_file_pipe_timeout_set(wr, apr_time_from_sec(30)),
                     APR_SUCCESS);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        static char buf[65536];
        apr_size_t got = 0, n;
        int bad = 0;

        apr_file_close(wr);
        apr_sleep(apr_time_from_msec(100));
        for (;;) {
            n = sizeof(buf);
            if (apr_file_read(rd, buf, &n) != APR_SUCCESS) {
                break;
            }
            for (i = 0; i < n; ++i) {
                bad |= buf[i] != pattern_byte(got + i);
            }
            got += n;
        }
        _exit(bad ? 2 : got != BIG ? 3 : 0);
    }
    apr_file_close(rd);
    rv = cg_receipt_append(wr, line);
    apr_file_close(wr);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(rv, APR_SUCCESS);
    if (!WIFEXITED(status) || WEXITSTATUS(status)) {
        fail_tap("the reader saw %s", WIFEXITED(status)
                 && WEXITSTATUS(status) == 2 ? "the wrong bytes"
                 : WIFEXITED(status) && WEXITSTATUS(status) == 3
                 ? "the wrong number of bytes" : "an error");
    }
}

static void append_short_write_then_error(void **state)
{
    /* RLIMIT_FSIZE makes the first write short and the next one fail with
     * EFBIG: that status must come back, after exactly the bytes that fit */
    apr_pool_t *p = *state;
    const char *name = temp_file(p);
    char line[301];
    apr_size_t i, len;
    const char *content;
    pid_t pid;
    int status;

    for (i = 0; i < 300; ++i) {
        line[i] = pattern_byte(i);
    }
    line[300] = '\0';
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rlimit rl = { 100, 100 };
        apr_file_t *f;
        apr_status_t rv;

        signal(SIGXFSZ, SIG_IGN);
        if (setrlimit(RLIMIT_FSIZE, &rl)
            || apr_file_open(&f, name, APR_FOPEN_WRITE | APR_FOPEN_APPEND,
                             APR_FPROT_OS_DEFAULT, p) != APR_SUCCESS) {
            _exit(4);
        }
        rv = cg_receipt_append(f, line);
        _exit(rv == APR_FROM_OS_ERROR(EFBIG) ? 0 : rv == APR_SUCCESS ? 2 : 3);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) == 2) {
        fail_tap("a short write was reported as success");
    }
    assert_int_equal(WEXITSTATUS(status), 0);
    content = slurp(p, name, &len);
    assert_int_equal(len, 100);
    assert_memory_equal(content, line, 100);
}

#define CHILDREN 8
#define LINES 200

/* One child's work: LINES receipts of varying length, some over 4 KiB,
 * through `shared` (inherited, like httpd's children inherit logs opened
 * at startup) or a handle of its own. Runs in the child; never returns. */
static void append_child(apr_pool_t *parent, const char *name,
                         apr_file_t *shared, int child, int gate)
{
    apr_pool_t *p, *it;
    apr_file_t *f = shared;
    char c;
    int n;

    if (apr_pool_create(&p, parent) != APR_SUCCESS
        || apr_pool_create(&it, p) != APR_SUCCESS) {
        _exit(10);
    }
    if (!f && apr_file_open(&f, name, APR_FOPEN_WRITE | APR_FOPEN_APPEND,
                            APR_FPROT_OS_DEFAULT, p) != APR_SUCCESS) {
        _exit(11);
    }
    /* wait until every child is ready, so they all write at once */
    while (read(gate, &c, 1) < 0 && errno == EINTR) {
    }
    for (n = 0; n < LINES; ++n) {
        apr_array_header_t *cats = apr_array_make(it, 2, sizeof(const char *));
        apr_size_t pad = (apr_size_t)((n * 131 + child * 977) % 6000);
        char *filler = apr_palloc(it, pad + 1);
        cg_receipt_t r;
        const char *line;

        memset(filler, 'a' + child, pad);
        filler[pad] = '\0';
        APR_ARRAY_PUSH(cats, const char *) = "tracking";
        APR_ARRAY_PUSH(cats, const char *) = filler;
        r.id = apr_psprintf(it, "child%d-%d", child, n);
        r.when = WHEN + apr_time_from_sec(n);
        r.action = n % 3 == 0 ? "grant" : n % 3 == 1 ? "refuse" : "revoke";
        r.categories = cats;
        r.policy_revision = child;
        r.gpc = n & 1;
        r.dnt = child & 1;
        r.method = "custom";
        r.host = "www.example.com";
        r.lang = "en";
        r.expires = r.when;
        r.notice = NULL;
        if (!(line = cg_receipt_line(it, &r))) {
            _exit(12);
        }
        if (cg_receipt_append(f, line) != APR_SUCCESS) {
            _exit(13);
        }
        apr_pool_clear(it);
    }
    _exit(0);
}

static void append_from_many_processes(void **state)
{
    apr_pool_t *p = *state;
    const char *name = temp_file(p);
    apr_file_t *shared = open_append(p, name);
    static char seen[CHILDREN][LINES];
    pid_t pids[CHILDREN];
    int gate[2], i, lines = 0;
    apr_size_t len;
    char *content, *s, *nl;

    memset(seen, 0, sizeof(seen));
    assert_int_equal(pipe(gate), 0);
    for (i = 0; i < CHILDREN; ++i) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            close(gate[1]);
            /* half share the parent's handle, half open their own */
            append_child(p, name, i % 2 ? shared : NULL, i, gate[0]);
        }
    }
    /* end of file on the gate: go */
    close(gate[0]);
    close(gate[1]);
    for (i = 0; i < CHILDREN; ++i) {
        int status;

        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        if (!WIFEXITED(status) || WEXITSTATUS(status)) {
            fail_tap("child %d failed with status 0x%x", i, status);
        }
    }
    apr_file_close(shared);

    content = slurp(p, name, &len);
    assert_true(len > 0);
    assert_int_equal(content[len - 1], '\n');
    for (s = content; *s; s = nl + 1) {
        json_error_t jerr;
        json_t *obj;
        int child, n;
        char extra;

        nl = strchr(s, '\n');
        ++lines;
        obj = json_loadb(s, nl - s, JSON_REJECT_DUPLICATES, &jerr);
        if (!obj) {
            fail_tap("line %d is no JSON (%s): %.80s...", lines, jerr.text, s);
        }
        json_decref(obj);
        *nl = '\0';
        obj = parse_back(apr_pstrcat(p, s, "\n", NULL));
        if (sscanf(string_of(obj, "id"), "child%d-%d%c", &child, &n,
                   &extra) != 2 || child < 0 || child >= CHILDREN || n < 0
            || n >= LINES || seen[child][n]++) {
            fail_tap("line %d has a bad or repeated id '%s'", lines,
                     string_of(obj, "id"));
        }
        json_decref(obj);
    }
    assert_int_equal(lines, CHILDREN * LINES);
}

/* ---- cg_choice_parse ---- */

/* ---- the hash chain (lib/cg_chain.c) ---- */

/* Lines chained from the genesis, as a file would hold them. */
static const char *chained_file(apr_pool_t *p, int n)
{
    const char *head = CG_CHAIN_GENESIS, *all = "";
    int i;

    for (i = 0; i < n; ++i) {
        cg_receipt_t r = receipt(p);
        const char *line;

        r.id = apr_psprintf(p, "%032x", i);
        line = cg_chain_line(p, cg_receipt_line(p, &r), head);
        assert_non_null(line);
        head = cg_chain_head(p, line, strlen(line) - 1);
        all = apr_pstrcat(p, all, line, NULL);
    }
    return all;
}

/* Verifies `text` line by line: 0 when good, else the first bad line. */
static long verify_text(apr_pool_t *p, const char *text, const char **why)
{
    cg_chain_verify_t v;
    long n = 0;

    memset(&v, 0, sizeof(v));
    *why = NULL;
    while (*text) {
        const char *nl = strchr(text, '\n');

        ++n;
        if (!nl) {
            *why = "no newline";
            return n;
        }
        if ((*why = cg_chain_verify_line(p, &v, text, nl - text))) {
            return n;
        }
        text = nl + 1;
    }
    return 0;
}

static void chain_sha256(void **state)
{
    /* FIPS 180-2's "abc" */
    assert_string_equal(cg_sha256_hex(*state, "abc", 3),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void chain_line_format(void **state)
{
    apr_pool_t *p = *state;
    cg_receipt_t r = receipt(p);
    const char *line = cg_receipt_line(p, &r);
    const char *c = cg_chain_line(p, line, CG_CHAIN_GENESIS);
    const char *h = strstr(c, ",\"hash\":\"");
    json_t *obj;

    assert_non_null(h);
    /* the receipt's members, then prev and hash, one line */
    assert_memory_equal(c, line, strlen(line) - 2);
    assert_non_null(strstr(c, ",\"prev\":\"" CG_CHAIN_GENESIS "\","));
    assert_int_equal(strlen(h), strlen(",\"hash\":\"\"}\n") + 64);
    assert_memory_equal(h + 9, cg_sha256_hex(p, c, h - c), 64);
    assert_ptr_equal(strchr(c, '\n'), c + strlen(c) - 1);
    obj = json_loads(c, JSON_REJECT_DUPLICATES, NULL);
    assert_non_null(obj);
    json_decref(obj);
    assert_memory_equal(cg_chain_head(p, c, strlen(c) - 1), h + 9, 64);
    /* refused: not an object line, a bad prev */
    assert_null(cg_chain_line(p, "[1]\n", CG_CHAIN_GENESIS));
    assert_null(cg_chain_line(p, "{\"a\":1}", CG_CHAIN_GENESIS));
    assert_null(cg_chain_line(p, line, "00"));
    assert_null(cg_chain_line(p, line, NULL));
    assert_null(cg_chain_line(p, NULL, CG_CHAIN_GENESIS));
    /* an empty object, spaced or not, takes its members without a comma */
    {
        static const char *const empty[] = { "{}\n", "{ }\n", "{\t}\n" };
        apr_size_t i;

        for (i = 0; i < N(empty); ++i) {
            const char *e = cg_chain_line(p, empty[i], CG_CHAIN_GENESIS);
            cg_chain_verify_t v;

            assert_non_null(e);
            memset(&v, 0, sizeof(v));
            assert_null(cg_chain_verify_line(p, &v, e, strlen(e) - 1));
        }
    }
    /* a receipt may hold any escaped character */
    {
        const char *e = cg_chain_line(p, "{\"a\":\"x\\u0000y\"}\n",
                                      CG_CHAIN_GENESIS);
        cg_chain_verify_t v;

        memset(&v, 0, sizeof(v));
        assert_null(cg_chain_verify_line(p, &v, e, strlen(e) - 1));
    }
}

static void chain_head_of_other_lines(void **state)
{
    apr_pool_t *p = *state;

    assert_string_equal(cg_chain_head(p, "", 0), CG_CHAIN_GENESIS);
    /* a line from before chaining, or a damaged one: its bytes */
    assert_string_equal(cg_chain_head(p, "{\"id\":\"x\"}", 10),
                        cg_sha256_hex(p, "{\"id\":\"x\"}", 10));
}

static void chain_verifies_untouched(void **state)
{
    const char *why;

    assert_int_equal(verify_text(*state, chained_file(*state, 50), &why), 0);
}

/* The text with line `n` (from 1) replaced by `with` (NULL: deleted). */
static const char *replace_line(apr_pool_t *p, const char *text, int n,
                                const char *with)
{
    const char *out = "";
    int i = 1;

    while (*text) {
        const char *nl = strchr(text, '\n') + 1;

        out = apr_pstrcat(p, out, i == n ? (with ? with : "")
                                         : apr_pstrmemdup(p, text, nl - text),
                          NULL);
        text = nl;
        ++i;
    }
    return out;
}

static const char *line_of(apr_pool_t *p, const char *text, int n)
{
    while (--n) {
        text = strchr(text, '\n') + 1;
    }
    return apr_pstrmemdup(p, text, strchr(text, '\n') + 1 - text);
}

static void chain_names_the_first_bad_line(void **state)
{
    apr_pool_t *p = *state;
    const char *f = chained_file(p, 10), *why, *l4, *edited;
    char *e;

    /* an edit: the line itself is named */
    l4 = line_of(p, f, 4);
    e = apr_pstrdup(p, l4);
    memcpy(strstr(e, "\"grant\""), "\"grunt\"", 7);
    edited = replace_line(p, f, 4, e);
    assert_int_equal(verify_text(p, edited, &why), 4);
    assert_non_null(strstr(why, "edited"));
    /* a deletion: the line after the gap */
    assert_int_equal(verify_text(p, replace_line(p, f, 4, NULL), &why), 4);
    assert_non_null(strstr(why, "does not follow"));
    /* two lines swapped: the first of them */
    assert_int_equal(verify_text(p, replace_line(p, replace_line(p, f, 4,
                                     line_of(p, f, 5)), 5, l4), &why), 4);
    /* an inserted copy */
    assert_int_equal(verify_text(p, replace_line(p, f, 7,
                         apr_pstrcat(p, line_of(p, f, 7), line_of(p, f, 2),
                                     NULL)), &why), 8);
    /* an edit whose hash was recomputed: the line after it */
    {
        const char *body = apr_pstrmemdup(p, e, strstr(e, ",\"prev\":") - e);
        const char *prev = cg_chain_head(p, line_of(p, f, 3),
                                         strlen(line_of(p, f, 3)) - 1);
        const char *forged = cg_chain_line(p, apr_pstrcat(p, body, "}\n",
                                                          NULL), prev);

        assert_int_equal(verify_text(p, replace_line(p, f, 4, forged), &why),
                         5);
    }
    /* an unchained line after the chain began */
    assert_int_equal(verify_text(p, replace_line(p, f, 6, "{\"id\":\"x\"}\n"),
                                 &why), 6);
    /* the first line is the anchor: dropping it leaves a chain that
     * begins later, which only the file before it can check */
    assert_int_equal(verify_text(p, replace_line(p, f, 1, NULL), &why), 0);
}

static void chain_after_unchained_lines(void **state)
{
    apr_pool_t *p = *state;
    const char *old = "{\"id\":\"a\"}\n{\"id\":\"b\"}\n", *why;
    const char *head = cg_chain_head(p, "{\"id\":\"b\"}", 10);
    const char *next = cg_chain_line(p, "{\"id\":\"c\"}\n", head);

    assert_int_equal(verify_text(p, apr_pstrcat(p, old, next, NULL), &why), 0);
    /* editing the old line the chain begins from is seen */
    assert_int_equal(verify_text(p, apr_pstrcat(p, "{\"id\":\"a\"}\n"
                                                "{\"id\":\"B\"}\n", next,
                                                NULL), &why), 3);
}

static void chain_sealed_files(void **state)
{
    apr_pool_t *p = *state;
    const char *f = chained_file(p, 3), *why, *seal, *after;
    const char *last = line_of(p, f, 3);

    assert_false(cg_chain_sealed(last, strlen(last) - 1));
    seal = cg_chain_line(p, "{\"rotated_to\":\"r.jsonl\",\"time\":\"x\"}\n",
                         cg_chain_head(p, last, strlen(last) - 1));
    assert_true(cg_chain_sealed(seal, strlen(seal) - 1));
    assert_false(cg_chain_sealed("{\"rotated_from\":1}", 18));
    assert_false(cg_chain_sealed(NULL, 0));
    assert_int_equal(verify_text(p, apr_pstrcat(p, f, seal, NULL), &why), 0);
    /* a line after the closing one: from a process that should have
     * stopped writing there */
    after = cg_chain_line(p, "{\"id\":\"late\"}\n",
                          cg_chain_head(p, seal, strlen(seal) - 1));
    assert_int_equal(verify_text(p, apr_pstrcat(p, f, seal, after, NULL),
                                 &why), 5);
    assert_non_null(strstr(why, "closed"));
}

static void chain_tail_and_file(void **state)
{
    apr_pool_t *p = *state;
    const char *name = temp_file(p), *text = chained_file(p, 5);
    const char *last, *why;
    apr_size_t len;
    apr_file_t *f;
    cg_chain_verify_t v;
    int torn;

    f = open_append(p, name);
    apr_file_close(f);
    assert_int_equal(apr_file_open(&f, name, APR_FOPEN_READ | APR_FOPEN_WRITE
                                   | APR_FOPEN_APPEND, APR_FPROT_OS_DEFAULT,
                                   p), APR_SUCCESS);
    assert_int_equal(cg_chain_tail(p, f, &last, &len, &torn), APR_SUCCESS);
    assert_int_equal(len, 0);
    assert_string_equal(cg_chain_head(p, last, len), CG_CHAIN_GENESIS);
    assert_int_equal(cg_receipt_append(f, text), APR_SUCCESS);
    assert_int_equal(cg_chain_tail(p, f, &last, &len, &torn), APR_SUCCESS);
    assert_false(torn);
    assert_memory_equal(last, line_of(p, text, 5), len);
    /* the next line appends after the seek, and chains */
    {
        cg_receipt_t r = receipt(p);
        const char *more = cg_chain_line(p, cg_receipt_line(p, &r),
                                         cg_chain_head(p, last, len));
        assert_int_equal(cg_receipt_append(f, more), APR_SUCCESS);
    }
    memset(&v, 0, sizeof(v));
    assert_int_equal(cg_chain_verify_file(p, name, &v, &why), 0);
    assert_int_equal(v.lines, 6);
    assert_string_equal(v.anchor, CG_CHAIN_GENESIS);
    /* a write cut short */
    assert_int_equal(cg_receipt_append(f, "{\"id\":"), APR_SUCCESS);
    assert_int_equal(cg_chain_tail(p, f, &last, &len, &torn), APR_SUCCESS);
    assert_true(torn);
    assert_int_equal(len, 6);
    memset(&v, 0, sizeof(v));
    assert_int_equal(cg_chain_verify_file(p, name, &v, &why), 7);
    apr_file_close(f);
    memset(&v, 0, sizeof(v));
    assert_int_equal(cg_chain_verify_file(p, "/nonexistent/x", &v, &why), -1);
}

/* Files of every length up to a few lines, each line read whole whatever
 * the reads return: an empty file, one line, two. */
static void chain_file_lengths(void **state)
{
    apr_pool_t *p = *state;
    int n;

    for (n = 0; n <= 3; ++n) {
        const char *name = temp_file(p), *why;
        apr_file_t *f = open_append(p, name);
        cg_chain_verify_t v;

        if (n) {
            assert_int_equal(cg_receipt_append(f, chained_file(p, n)),
                             APR_SUCCESS);
        }
        apr_file_close(f);
        memset(&v, 0, sizeof(v));
        if (cg_chain_verify_file(p, name, &v, &why) != 0) {
            fail_tap("%d lines: %s", n, why);
        }
        assert_int_equal(v.lines, n);
    }
}

/* Parses `body` as `type` and fails unless the result is `expected`
 * (categories joined with ','; NULL expects a failure with *err set). */
static void expect_choice(apr_pool_t *p, const char *type, const char *body,
                          apr_size_t len, const char *expected)
{
    const char *err = "not set";
    apr_array_header_t *got;
    char *copy;

    /* an exact-length copy, so reading past `len` would show under ASan */
    copy = apr_palloc(p, len ? len : 1);
    memcpy(copy, body, len);
    got = cg_choice_parse(p, type, copy, len, known(p), &err);
    if (expected) {
        if (!got || strcmp(joined(p, got), expected) || err) {
            fail_tap("%s '%.*s': got '%s' (error '%s'), expected '%s'", type,
                     (int)len, body, joined(p, got), err ? err : "(null)",
                     expected);
        }
    }
    else if (got || !err || !*err) {
        fail_tap("%s '%.*s': got '%s' (error '%s'), expected an error", type,
                 (int)len, body, joined(p, got), err ? err : "(null)");
    }
}

#define FORM "application/x-www-form-urlencoded"
#define JSON "application/json"

/* Body and expectation; a NULL expectation is an error. */
typedef struct choice_case_t {
    const char *body;
    const char *expected;
} choice_case_t;

static void expect_choices(apr_pool_t *p, const char *type,
                           const choice_case_t *cases, apr_size_t n)
{
    apr_size_t i;

    for (i = 0; i < n; ++i) {
        expect_choice(p, type, cases[i].body, strlen(cases[i].body),
                      cases[i].expected);
    }
}

static void form_repeated_and_comma_separated(void **state)
{
    static const choice_case_t cases[] = {
        { "categories=tracking", "tracking" },
        { "categories=tracking&categories=analytics", "tracking,analytics" },
        { "categories=tracking%2Canalytics", "tracking,analytics" },
        { "categories=tracking%2canalytics", "tracking,analytics" },
        { "categories=tracking,analytics", "tracking,analytics" },
        { "categories=tracking%2Canalytics&categories=stats",
          "tracking,analytics,stats" },
        { "categories=stats&categories=tracking", "stats,tracking" },
        { "categories=tracking+%2C+analytics", "tracking,analytics" },
        { "categories=+tracking+", "tracking" },
        { "categories=tracking,,analytics,", "tracking,analytics" },
    };

    expect_choices(*state, FORM, cases, N(cases));
}

static void form_other_fields_ignored(void **state)
{
    static const choice_case_t cases[] = {
        { "csrf=abc&categories=tracking&return_to=%2Fpage", "tracking" },
        { "x=1&categories=stats&y=&z", "stats" },
        { "category=tracking", "" },
        { "categories_=tracking", "" },
        { "Categories=tracking", "" },
        { "categories[]=tracking", "" },
        { "xcategories=tracking", "" },
        { "&&categories=tracking&&", "tracking" },
        { "other=tracking%2Cunknown", "" },
        { "other=unknown&categories=tracking", "tracking" },
    };

    expect_choices(*state, FORM, cases, N(cases));
}

static void form_decoding(void **state)
{
    static const choice_case_t cases[] = {
        { "categories=a+b", "a b" },
        { "categories=a%20b", "a b" },
        { "categories=%74racking", "tracking" },
        { "categories=%74%72%61%63%6B%69%6E%67", "tracking" },
        { "categories=%74%72%61%63%6b%69%6e%67", "tracking" },
        { "%63ategories=tracking", "tracking" },
        { "categorie%73=tracking", "tracking" },
        { "categories%3Dtracking=stats", "" },
        { "categories=tracking%26categories%3Dstats", NULL },
    };

    expect_choices(*state, FORM, cases, N(cases));
}

static void form_duplicates_removed(void **state)
{
    static const choice_case_t cases[] = {
        { "categories=tracking&categories=tracking", "tracking" },
        { "categories=tracking&categories=tracking,analytics,tracking",
          "tracking,analytics" },
        { "categories=stats,stats,stats&categories=%73tats", "stats" },
    };

    expect_choices(*state, FORM, cases, N(cases));
}

static void form_empty_is_a_refusal(void **state)
{
    static const choice_case_t cases[] = {
        { "", "" },
        { "categories=", "" },
        { "categories", "" },
        { "categories=&categories=", "" },
        { "categories=,,", "" },
        { "categories=+", "" },
        { "categories=%20,%09", "" },
        { "other=1", "" },
        { "&&&", "" },
        { "=", "" },
        { "=tracking", "" },
    };
    apr_array_header_t *got;
    const char *err = "not set";

    expect_choices(*state, FORM, cases, N(cases));
    got = cg_choice_parse(*state, FORM, "", 0, known(*state), &err);
    assert_non_null(got);
    assert_int_equal(got->nelts, 0);
    assert_null(err);
}

static void form_unknown_categories(void **state)
{
    static const choice_case_t cases[] = {
        { "categories=evil", NULL },
        { "categories=tracking&categories=evil", NULL },
        { "categories=tracking,evil", NULL },
        { "categories=Tracking", NULL },
        { "categories=TRACKING", NULL },
        { "categories=trackingx", NULL },
        { "categories=trackin", NULL },
        { "categories=track", NULL },
        { "categories=tracking%09x", NULL },
        { "categories=a++b", NULL },
        { "categories=tracking;stats", NULL },
        { "categories=tracking%3Bstats", NULL },
        { "categories=caf%C3%A9", NULL },
        { "categories=%FF", NULL },
    };
    const char *err = NULL;

    expect_choices(*state, FORM, cases, N(cases));
    assert_null(cg_choice_parse(*state, FORM, "categories=evil",
                                strlen("categories=evil"), known(*state),
                                &err));
    assert_non_null(strstr(err, "evil"));
}

static void form_bad_escapes(void **state)
{
    static const choice_case_t cases[] = {
        { "categories=%", NULL },
        { "categories=%2", NULL },
        { "categories=%zz", NULL },
        { "categories=%2G", NULL },
        { "categories=%G2", NULL },
        { "categories=tracking%", NULL },
        { "categories=%%32%43", NULL },
        { "categories=% 2C", NULL },
        { "categories=%+2C", NULL },
        { "categories=%-1", NULL },
        { "%=tracking", NULL },
        { "%g0=1&categories=tracking", NULL },
        /* well-formed or not, every field is read */
        { "x=%zz&categories=tracking", NULL },
        { "categories=tracking&x=%", NULL },
        { "categories=tracking&x=%4", NULL },
    };

    expect_choices(*state, FORM, cases, N(cases));
}

static void form_nul_bytes(void **state)
{
    static const choice_case_t escaped[] = {
        { "categories=tracking%00", NULL },
        { "categories=tracking%00evil", NULL },
        { "categories%00x=tracking", NULL },
        { "categories=%00", NULL },
        { "x=%00&categories=tracking", NULL },
    };
    /* raw: the length, not a NUL, ends the body */
    static const char raw1[] = "categories=tracking\0evil";
    static const char raw2[] = "categories\0x=tracking";
    static const char raw3[] = "categories=tracking&\0";

    expect_choices(*state, FORM, escaped, N(escaped));
    expect_choice(*state, FORM, raw1, sizeof(raw1) - 1, NULL);
    expect_choice(*state, FORM, raw2, sizeof(raw2) - 1, NULL);
    expect_choice(*state, FORM, raw3, sizeof(raw3) - 1, NULL);
}

static void form_reads_only_len(void **state)
{
    static const char body[] = "categories=tracking&categories=evil";

    expect_choice(*state, FORM, body, strlen("categories=tracking"),
                  "tracking");
    expect_choice(*state, FORM, body, strlen("categories=track"), NULL);
    expect_choice(*state, FORM, body, 0, "");
}

static void form_escape_cut_by_len(void **state)
{
    /* the bytes after `len` would complete the escape: they must not */
    static const char body[] = "categories=stats%2Ctracking";
    const char *err = NULL;

    assert_null(cg_choice_parse(*state, FORM, body,
                                strlen("categories=stats%2"), known(*state),
                                &err));
    assert_non_null(err);
    assert_null(cg_choice_parse(*state, FORM, body,
                                strlen("categories=stats%"), known(*state),
                                &err));
    assert_non_null(err);
}

static void json_categories(void **state)
{
    static const choice_case_t cases[] = {
        { "{\"categories\": [\"tracking\", \"analytics\"]}",
          "tracking,analytics" },
        { "{\"categories\":[\"stats\"]}", "stats" },
        { " \n\t{ \"categories\" : [ \"stats\" ] } \n", "stats" },
        { "{\"categories\": [\"a b\"]}", "a b" },
        { "{\"categories\": [\"\\u0074racking\"]}", "tracking" },
        { "{\"categories\": [\"tracking\", \"analytics\", \"tracking\"]}",
          "tracking,analytics" },
        { "{\"x\": 1, \"categories\": [\"tracking\"], \"y\": {\"z\": [1]}}",
          "tracking" },
        { "{\"categories\": [\"stats\"], \"return_to\": \"/x\"}", "stats" },
        { "{\"Categories\": [\"tracking\"]}", "" },
    };

    expect_choices(*state, JSON, cases, N(cases));
}

static void json_empty_is_a_refusal(void **state)
{
    static const choice_case_t cases[] = {
        { "{}", "" },
        { "{\"categories\": []}", "" },
        { "{\"other\": [\"tracking\"]}", "" },
        { "  {  }  ", "" },
    };

    expect_choices(*state, JSON, cases, N(cases));
}

static void json_malformed(void **state)
{
    static const choice_case_t cases[] = {
        { "", NULL },
        { " ", NULL },
        { "{", NULL },
        { "}", NULL },
        { "[]", NULL },
        { "[\"tracking\"]", NULL },
        { "\"tracking\"", NULL },
        { "null", NULL },
        { "true", NULL },
        { "1", NULL },
        { "{\"categories\": \"tracking\"}", NULL },
        { "{\"categories\": \"tracking,analytics\"}", NULL },
        { "{\"categories\": null}", NULL },
        { "{\"categories\": {}}", NULL },
        { "{\"categories\": {\"tracking\": true}}", NULL },
        { "{\"categories\": 1}", NULL },
        { "{\"categories\": [1]}", NULL },
        { "{\"categories\": [null]}", NULL },
        { "{\"categories\": [true]}", NULL },
        { "{\"categories\": [[\"tracking\"]]}", NULL },
        { "{\"categories\": [{\"a\": 1}]}", NULL },
        { "{\"categories\": [\"tracking\", 1]}", NULL },
        { "{\"categories\": [\"tracking\"]} x", NULL },
        { "{\"categories\": [\"tracking\"]}{}", NULL },
        { "{\"categories\": [\"tracking\"],}", NULL },
        { "{\"categories\": [\"tracking\",]}", NULL },
        { "{'categories': ['tracking']}", NULL },
        { "{categories: [\"tracking\"]}", NULL },
        { "{\"categories\": [\"tracking\"]", NULL },
        { "{\"categories\": [NaN]}", NULL },
        { "\xef\xbb\xbf{}", NULL },
        /* the same key twice: which one would count? */
        { "{\"categories\": [], \"categories\": [\"tracking\"]}", NULL },
        { "{\"categories\": [\"tracking\"], \"categories\": []}", NULL },
        /* \u0000 would cut the category short */
        { "{\"categories\": [\"tracking\\u0000evil\"]}", NULL },
        { "{\"categories\": [\"tracking\\u0000\"]}", NULL },
        /* not UTF-8 */
        { "{\"categories\": [\"\xff\"]}", NULL },
        { "{\"categories\": [\"tracking\xc3\"]}", NULL },
        { "{\"categories\": [\"\\ud800\"]}", NULL },
    };
    static const char raw_nul[] = "{\"categories\": [\"tracking\0\"]}";

    expect_choices(*state, JSON, cases, N(cases));
    expect_choice(*state, JSON, raw_nul, sizeof(raw_nul) - 1, NULL);
}

static void json_unknown_categories(void **state)
{
    static const choice_case_t cases[] = {
        { "{\"categories\": [\"evil\"]}", NULL },
        { "{\"categories\": [\"tracking\", \"evil\"]}", NULL },
        { "{\"categories\": [\"Tracking\"]}", NULL },
        { "{\"categories\": [\"tracking \"]}", NULL },
        { "{\"categories\": [\"\"]}", NULL },
        { "{\"categories\": [\"trackin\"]}", NULL },
    };
    static const char *body = "{\"categories\": [\"sneaky\"]}";
    const char *err = NULL;

    expect_choices(*state, JSON, cases, N(cases));
    assert_null(cg_choice_parse(*state, JSON, body, strlen(body),
                                known(*state), &err));
    assert_non_null(strstr(err, "sneaky"));
}

static void json_deep_nesting(void **state)
{
    /* jansson limits the depth; this must fail, not exhaust the stack */
    apr_size_t n = 30000, i;
    char *body = apr_palloc(*state, 2 * n + 32);

    strcpy(body, "{\"x\":");
    for (i = 0; i < n; ++i) {
        body[5 + i] = '[';
    }
    for (i = 0; i < n; ++i) {
        body[5 + n + i] = ']';
    }
    strcpy(body + 5 + 2 * n, ",\"categories\":[]}");
    expect_choice(*state, JSON, body, strlen(body), NULL);
}

static void content_types(void **state)
{
    static const char *const forms[] = {
        FORM, FORM "; charset=UTF-8", FORM ";charset=utf-8",
        "APPLICATION/X-WWW-FORM-URLENCODED",
        "Application/X-Www-Form-Urlencoded",
        " " FORM " ", FORM " ; charset=UTF-8", "\t" FORM "\t;x=y", NULL
    };
    static const char *const jsons[] = {
        JSON, JSON "; charset=UTF-8", "Application/JSON", "APPLICATION/JSON",
        " " JSON, JSON " ;charset=utf-8", JSON ";", NULL
    };
    static const char *form_body = "categories=stats";
    static const char *json_body = "{\"categories\":[\"stats\"]}";
    int i;

    for (i = 0; forms[i]; ++i) {
        expect_choice(*state, forms[i], form_body, strlen(form_body), "stats");
        /* the content type decides, not the look of the body */
        expect_choice(*state, forms[i], json_body, strlen(json_body), "");
    }
    for (i = 0; jsons[i]; ++i) {
        expect_choice(*state, jsons[i], json_body, strlen(json_body), "stats");
        expect_choice(*state, jsons[i], form_body, strlen(form_body), NULL);
    }
}

static void content_types_refused(void **state)
{
    static const char *const types[] = {
        "", " ", ";", "text/plain", "text/html", "application/jsonx",
        "application/json-patch+json", "application/ld+json",
        "application/x-www-form-urlencodedx", "application/x-www-form",
        "multipart/form-data; boundary=x", "application", "json",
        "application/json garbage", "application/json,text/plain",
        "application /json", "application/ json", "application/json\r\n",
        "x-www-form-urlencoded", "*/*", "application/*", NULL
    };
    static const char *body = "categories=stats";
    static const char *json_body = "{\"categories\":[\"stats\"]}";
    const char *err = NULL;
    int i;

    for (i = 0; types[i]; ++i) {
        expect_choice(*state, types[i], body, strlen(body), NULL);
        expect_choice(*state, types[i], json_body, strlen(json_body), NULL);
    }
    assert_null(cg_choice_parse(*state, NULL, body, strlen(body),
                                known(*state), &err));
    assert_non_null(err);
    err = NULL;
    assert_null(cg_choice_parse(*state, "text/plain", body, strlen(body),
                                known(*state), &err));
    assert_non_null(strstr(err, "text/plain"));
}

/* `len` bytes: `head`, then `fill` up to `tail`, then `tail`. */
static char *padded(apr_pool_t *p, const char *head, char fill,
                    const char *tail, apr_size_t len)
{
    char *s = apr_palloc(p, len + 1);
    apr_size_t hl = strlen(head), tl = strlen(tail);

    memcpy(s, head, hl);
    memset(s + hl, fill, len - hl - tl);
    memcpy(s + len - tl, tail, tl);
    s[len] = '\0';
    return s;
}

static void body_size_limit(void **state)
{
    apr_pool_t *p = *state;
    apr_size_t max = CG_CHOICE_MAX_BODY;
    const char *form, *json;
    const char *err = NULL;

    assert_int_equal(CG_CHOICE_MAX_BODY, 65536);
    form = padded(p, "categories=stats&pad=", 'x', "", max);
    expect_choice(p, FORM, form, max, "stats");
    form = padded(p, "categories=stats&pad=", 'x', "", max + 1);
    expect_choice(p, FORM, form, max + 1, NULL);
    json = padded(p, "{\"categories\":[\"stats\"],\"pad\":\"", 'x', "\"}", max);
    expect_choice(p, JSON, json, max, "stats");
    json = padded(p, "{\"categories\":[\"stats\"],\"pad\":\"", 'x', "\"}",
                  max + 1);
    expect_choice(p, JSON, json, max + 1, NULL);
    /* far over, and the error says why */
    form = padded(p, "categories=stats&pad=", 'x', "", 1024 * 1024);
    assert_null(cg_choice_parse(p, FORM, form, 1024 * 1024, known(p), &err));
    assert_non_null(strstr(err, "large"));
}

static void null_body_and_err(void **state)
{
    apr_pool_t *p = *state;
    const char *err = "stale";
    apr_array_header_t *got;

    got = cg_choice_parse(p, FORM, NULL, 0, known(p), &err);
    assert_non_null(got);
    assert_int_equal(got->nelts, 0);
    assert_null(err);
    assert_null(cg_choice_parse(p, FORM, NULL, 5, known(p), &err));
    assert_non_null(err);
    assert_null(cg_choice_parse(p, JSON, NULL, 0, known(p), &err));
    assert_non_null(err);
    /* err is optional, either way */
    assert_null(cg_choice_parse(p, FORM, "categories=evil", 15, known(p),
                                NULL));
    got = cg_choice_parse(p, FORM, "categories=stats", 16, known(p), NULL);
    assert_string_equal(joined(p, got), "stats");
    assert_null(cg_choice_parse(p, "text/plain", "", 0, known(p), NULL));
}

static void known_list_edge_cases(void **state)
{
    apr_pool_t *p = *state;
    apr_array_header_t *with_null = apr_array_make(p, 2, sizeof(const char *));
    const char *err = NULL;
    apr_array_header_t *got;

    /* no known categories: a refusal is all there is to say */
    got = cg_choice_parse(p, FORM, "categories=", 11, NULL, &err);
    assert_non_null(got);
    assert_int_equal(got->nelts, 0);
    assert_null(cg_choice_parse(p, FORM, "categories=stats", 16, NULL, &err));
    assert_non_null(err);
    /* a NULL entry in the known list is skipped, not dereferenced */
    APR_ARRAY_PUSH(with_null, const char *) = NULL;
    APR_ARRAY_PUSH(with_null, const char *) = "stats";
    got = cg_choice_parse(p, FORM, "categories=stats", 16, with_null, &err);
    assert_string_equal(joined(p, got), "stats");
}

static void result_is_a_copy(void **state)
{
    apr_pool_t *p = *state;
    char form[] = "categories=stats";
    char json[] = "{\"categories\":[\"stats\"]}";
    apr_array_header_t *a, *b;

    a = cg_choice_parse(p, FORM, form, strlen(form), known(p), NULL);
    b = cg_choice_parse(p, JSON, json, strlen(json), known(p), NULL);
    memset(form, 'X', strlen(form));
    memset(json, 'X', strlen(json));
    assert_string_equal(joined(p, a), "stats");
    assert_string_equal(joined(p, b), "stats");
}

static void errors_are_safe_to_log(void **state)
{
    static const char *const bodies[] = {
        "categories=%0Aforged%20log%20line%1B%5B31m",
        "categories=%22%27%5C%FF",
        NULL
    };
    apr_pool_t *p = *state;
    char *huge = padded(p, "categories=", 'x', "", 10000);
    const char *err;
    int i;

    for (i = 0; bodies[i]; ++i) {
        const char *e;

        err = NULL;
        assert_null(cg_choice_parse(p, FORM, bodies[i], strlen(bodies[i]),
                                    known(p), &err));
        assert_non_null(err);
        for (e = err; *e; ++e) {
            if ((unsigned char)*e < 0x20 || (unsigned char)*e >= 0x7f) {
                fail_tap("error '%s' holds byte 0x%02x", err,
                         (unsigned char)*e);
            }
        }
    }
    /* quotes and backslashes escaped too, so the quoting stays readable */
    err = NULL;
    assert_null(cg_choice_parse(p, FORM, bodies[1], strlen(bodies[1]),
                                known(p), &err));
    assert_string_equal(err, "unknown category '\"\\x27\\x5c\\xff'");
    err = NULL;
    assert_null(cg_choice_parse(p, FORM, huge, strlen(huge), known(p), &err));
    assert_true(strlen(err) < 200);
    err = NULL;
    assert_null(cg_choice_parse(p, JSON, "{\"x\":\n\x1b}", 8, known(p), &err));
    for (; *err; ++err) {
        assert_true((unsigned char)*err >= 0x20 && (unsigned char)*err < 0x7f);
    }
}

/* Checks what hostile input gave: an error with a reason, or known
 * categories without duplicates and no error. */
static void check_outcome(const apr_array_header_t *got,
                          const char *err, const char *type, int round)
{
    int i, j, k;

    if (!got) {
        if (!err || !*err) {
            fail_tap("%s round %d: failure without a reason", type, round);
        }
        return;
    }
    if (err) {
        fail_tap("%s round %d: success with error '%s'", type, round, err);
    }
    for (i = 0; i < got->nelts; ++i) {
        const char *c = APR_ARRAY_IDX(got, i, const char *);
        int found = 0;

        for (k = 0; known_items[k]; ++k) {
            found |= !strcmp(c, known_items[k]);
        }
        for (j = 0; j < i; ++j) {
            found &= strcmp(c, APR_ARRAY_IDX(got, j, const char *)) != 0;
        }
        if (!found) {
            fail_tap("%s round %d: '%s' unknown or repeated", type, round, c);
        }
    }
}

static void hostile_input(void **state)
{
    /* random bytes and random mutations of valid bodies, with and without
     * the alphabet that matters; a crash or an ASan report fails this */
    static const char alphabet[] = "categories=&%+,;2CFfxtrackingstats"
        "{}[]\":\\u0 \t\n";
    static const char *const seeds[] = {
        "categories=tracking%2Canalytics&categories=stats",
        "{\"categories\": [\"tracking\", \"analytics\", \"stats\"]}",
    };
    apr_pool_t *p = *state;
    unsigned int seed = 20261122;
    int round;

    for (round = 0; round < 20000; ++round) {
        apr_pool_t *sub;
        const char *type = round & 1 ? JSON : FORM;
        apr_size_t len = (apr_size_t)(rand_r(&seed) % 200), i;
        char *body;
        const char *err = "not set";
        apr_array_header_t *got;
        int mode = rand_r(&seed) % 3;

        apr_pool_create(&sub, p);
        if (mode == 2) {
            /* a valid body with a few bytes changed */
            const char *s = seeds[round & 1];
            int flips = 1 + rand_r(&seed) % 4;

            len = strlen(s);
            body = apr_pmemdup(sub, s, len);
            while (flips--) {
                body[rand_r(&seed) % len] = (char)(rand_r(&seed) % 256);
            }
        }
        else {
            body = apr_palloc(sub, len ? len : 1);
            for (i = 0; i < len; ++i) {
                body[i] = mode
                    ? alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)]
                    : (char)(rand_r(&seed) % 256);
            }
        }
        got = cg_choice_parse(sub, type, body, len, known(sub), &err);
        check_outcome(got, err, type, round);
        apr_pool_destroy(sub);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CG_TEST(fields_are_the_line_keys),
        CG_TEST(sql_insert_from_the_fields),
        CG_TEST(values_are_the_line_values),
        CG_TEST(values_refuse_what_the_line_refuses),
        CG_TEST(line_exact),
        CG_TEST(line_parses_back),
        CG_TEST(line_one_newline_at_the_end),
        CG_TEST(line_odd_characters_round_trip),
        CG_TEST(line_actions),
        CG_TEST(line_refusal_without_categories),
        CG_TEST(line_flags_and_revision),
        CG_TEST(line_times),
        CG_TEST(line_refuses_what_is_no_receipt),
        CG_TEST(line_has_no_identifying_data),
        CG_TEST(line_methods),
        CG_TEST(line_defaults_for_unknown),
        CG_TEST(method_of_a_posted_choice),
        CG_TEST(choice_fields),
        CG_TEST(chain_sha256),
        CG_TEST(chain_line_format),
        CG_TEST(chain_head_of_other_lines),
        CG_TEST(chain_verifies_untouched),
        CG_TEST(chain_names_the_first_bad_line),
        CG_TEST(chain_after_unchained_lines),
        CG_TEST(chain_sealed_files),
        CG_TEST(chain_tail_and_file),
        CG_TEST(chain_file_lengths),
        CG_TEST(append_writes_lines),
        CG_TEST(append_after_others),
        CG_TEST(append_refuses_buffered),
        CG_TEST(append_bad_arguments),
        CG_TEST(append_returns_write_error),
        CG_TEST(append_continues_short_writes),
        CG_TEST(append_short_write_then_error),
        CG_TEST(append_from_many_processes),
        CG_TEST(form_repeated_and_comma_separated),
        CG_TEST(form_other_fields_ignored),
        CG_TEST(form_decoding),
        CG_TEST(form_duplicates_removed),
        CG_TEST(form_empty_is_a_refusal),
        CG_TEST(form_unknown_categories),
        CG_TEST(form_bad_escapes),
        CG_TEST(form_nul_bytes),
        CG_TEST(form_reads_only_len),
        CG_TEST(form_escape_cut_by_len),
        CG_TEST(json_categories),
        CG_TEST(json_empty_is_a_refusal),
        CG_TEST(json_malformed),
        CG_TEST(json_unknown_categories),
        CG_TEST(json_deep_nesting),
        CG_TEST(content_types),
        CG_TEST(content_types_refused),
        CG_TEST(body_size_limit),
        CG_TEST(null_body_and_err),
        CG_TEST(known_list_edge_cases),
        CG_TEST(result_is_a_copy),
        CG_TEST(errors_are_safe_to_log),
        CG_TEST(hostile_input),
    };
    CG_RUN_GROUP("receipt", tests);
}
