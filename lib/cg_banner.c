/* cg_banner.c: the banner's configuration. A file an administrator writes
 * is checked completely at startup, so a typo fails `apachectl -t` instead
 * of showing visitors a broken or misleading banner. Rendering is in
 * cg_banner_render.c, the colour maths in cg_contrast.c, the language
 * negotiation in cg_lang.c. */
#include <stdio.h>
#include <string.h>

#include <apr_file_io.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <jansson.h>

#include "cg_banner_internal.h"
#include "cg_classify.h"
#include "cg_contrast.h"
#include "cg_lang.h"
#include "cg_text.h"

const char *const cg_banner_color_keys[4] = {
    "background", "text", "primary", "primaryText"
};
static const char *const positions[] = {
    "bottom", "top", "center", "bottom-left", "bottom-right", NULL
};
const char *const cg_banner_text_keys[] = {
    "title", "body", "accept", "reject", "notice", "settings", "save", "ok",
    "policy", "gpc", "reopen", "saved", "close", "error",
    /* an honoured DNT; what the reopen button adds while a signal is
     * honoured */
    "dnt", "signal",
    /* the objection to the anonymous count, in the second layer */
    "object", "objected", NULL
};
#define REQUIRED_TEXTS 4
/* WCAG 2.1 AA for normal text */
#define MIN_CONTRAST 4.5
#define MAX_TEXT     4000
#define MAX_URL      2048

/* The built-in default: English, one optional category ("tracking", the
 * class every preset uses), the colours pass WCAG AA. */
const char cg_banner_builtin_json[] =
    "{\"mode\": \"consent\", \"position\": \"bottom\","
    " \"categories\": [\"tracking\"],"
    " \"colors\": {\"background\": \"#ffffff\", \"text\": \"#1f2328\","
    "   \"primary\": \"#1f4fd1\", \"primaryText\": \"#ffffff\"},"
    " \"texts\": {\"en\": {"
    "  \"title\": \"Cookies on this site\","
    "  \"body\": \"We use the cookies this site needs to work. With your"
    " consent we also use cookies that recognise returning visitors and"
    " measure our campaigns. Refusing has no disadvantage, and you can"
    " change your choice at any time.\","
    "  \"notice\": \"This site uses only the cookies it needs to work, such"
    " as your login session and this choice. It sets no tracking"
    " cookies.\","
    "  \"accept\": \"Accept all\", \"reject\": \"Reject all\","
    "  \"settings\": \"Choose\", \"save\": \"Save choices\", \"ok\": \"OK\","
    "  \"policy\": \"Privacy policy\","
    "  \"gpc\": \"Your browser sends a Global Privacy Control signal. We"
    " honour it: tracking stays off.\","
    "  \"reopen\": \"Cookie settings\","
    "  \"dnt\": \"Your browser sends a Do Not Track signal. We honour it:"
    " tracking stays off.\","
    "  \"signal\": \"Opt-out signal honoured\","
    "  \"object\": \"Do not count my visits (anonymous statistics)\","
    "  \"objected\": \"Your visits are no longer counted.\","
    "  \"saved\": \"Your cookie choice is saved.\","
    "  \"close\": \"Close\","
    "  \"error\": \"Your choice could not be saved. Please try again.\","
    "  \"necessary\": {\"label\": \"Necessary\", \"description\":"
    "   \"Keep the site working: sessions, security and this choice. Always"
    " on.\"},"
    "  \"categories\": {\"tracking\": {\"label\": \"Tracking and"
    " marketing\", \"description\": \"Recognise returning visitors, measure"
    " campaigns and tailor what we show you.\"}}"
    " }}}";
const apr_size_t cg_banner_builtin_len = sizeof(cg_banner_builtin_json) - 1;

static apr_status_t json_cleanup(void *data)
{
    json_decref((json_t *)data);
    return APR_SUCCESS;
}

/* An http(s) URL or a path on this site, with nothing that could leave an
 * attribute or be taken for another scheme ("javascript:", "//host"). */
static int is_safe_url(const char *s)
{
    const char *c;

    if (strncmp(s, "https://", 8) && strncmp(s, "http://", 7)
        && !(s[0] == '/' && s[1] != '/' && s[1] != '\\')) {
        return 0;
    }
    if (strlen(s) > MAX_URL) {
        return 0;
    }
    for (c = s; *c; ++c) {
        unsigned char u = (unsigned char)*c;
        if (u <= 0x20 || u == 0x7f || strchr("\"'<>\\`", u)) {
            return 0;
        }
    }
    return 1;
}

/* ---- checking a config ---- */

typedef struct checker {
    apr_pool_t *p;
    const char *source;
    const char *err;
} checker;

static int fail(checker *c, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(checker *c, const char *key, const char *fmt, ...)
{
    va_list ap;
    const char *msg;

    va_start(ap, fmt);
    msg = apr_pvsprintf(c->p, fmt, ap);
    va_end(ap);
    c->err = apr_psprintf(c->p, "%s: %s: %s", c->source, key, msg);
    return 0;
}

/* Optional string member; *out stays as it was when absent. */
static int get_string(checker *c, json_t *obj, const char *name,
                      const char *key, apr_size_t max, const char **out)
{
    json_t *v = json_object_get(obj, name);

    if (!v) {
        return 1;
    }
    if (!json_is_string(v) || json_string_length(v) == 0) {
        return fail(c, key, "must be a non-empty string");
    }
    if (json_string_length(v) > max) {
        return fail(c, key, "is longer than %" APR_SIZE_T_FMT " bytes", max);
    }
    if (strlen(json_string_value(v)) != json_string_length(v)) {
        return fail(c, key, "holds a NUL character");
    }
    *out = apr_pstrdup(c->p, json_string_value(v));
    return 1;
}

static int get_bool(checker *c, json_t *obj, const char *name, int *out)
{
    json_t *v = json_object_get(obj, name);

    if (!v) {
        return 1;
    }
    if (!json_is_boolean(v)) {
        return fail(c, name, "must be true or false");
    }
    *out = json_is_true(v);
    return 1;
}

/* Members not listed are typos: say so rather than ignore them. Names
 * starting with '_' or '$' are comments. */
static int only_keys(checker *c, json_t *obj, const char *where,
                     const char *const *allowed)
{
    const char *name;
    json_t *v;

    json_object_foreach(obj, name, v) {
        if (name[0] != '_' && name[0] != '$' && !cg_in_list(name, allowed)) {
            return fail(c, where, "unknown member \"%s\"", name);
        }
    }
    return 1;
}

static int check_label(checker *c, json_t *obj, const char *key,
                       int need_label)
{
    static const char *const allowed[] = { "label", "description", NULL };
    const char *s = NULL;

    if (!obj) {
        return need_label ? fail(c, key, "is missing (needs a \"label\")")
                          : 1;
    }
    if (!json_is_object(obj)) {
        return fail(c, key, "must be an object with \"label\" and "
                    "\"description\"");
    }
    if (!only_keys(c, obj, key, allowed)
        || !get_string(c, obj, "label", apr_pstrcat(c->p, key, ".label", NULL),
                       MAX_TEXT, &s)
        || !get_string(c, obj, "description",
                       apr_pstrcat(c->p, key, ".description", NULL),
                       MAX_TEXT, &s)) {
        return 0;
    }
    if (need_label && !json_object_get(obj, "label")) {
        return fail(c, key, "needs a \"label\"");
    }
    return 1;
}

static int check_texts(checker *c, cg_banner_t *b, const char *lang,
                       json_t *t)
{
    static const char *const extra[] = { "necessary", "categories" };
    const char *where = apr_pstrcat(c->p, "texts.", lang, NULL);
    const char *const *k;
    const char **allowed;
    const char *s;
    json_t *cats;
    int i, n = 0;

    if (!json_is_object(t)) {
        return fail(c, where, "must be an object");
    }
    for (k = cg_banner_text_keys; *k; ++k) {
        ++n;
    }
    allowed = apr_pcalloc(c->p, (n + 3) * sizeof(*allowed));
    memcpy(allowed, cg_banner_text_keys, n * sizeof(*allowed));
    allowed[n] = extra[0];
    allowed[n + 1] = extra[1];
    if (!only_keys(c, t, where, allowed)) {
        return 0;
    }
    for (i = 0; cg_banner_text_keys[i]; ++i) {
        const char *key = apr_pstrcat(c->p, where, ".", cg_banner_text_keys[i], NULL);
        s = NULL;
        if (!get_string(c, t, cg_banner_text_keys[i], key, MAX_TEXT, &s)) {
            return 0;
        }
        if (!s && !strcmp(b->mode, "consent") && i < REQUIRED_TEXTS) {
            return fail(c, key, "is missing");
        }
    }
    if (!strcmp(b->mode, "notice") && !json_object_get(t, "title")) {
        return fail(c, apr_pstrcat(c->p, where, ".title", NULL), "is missing");
    }
    if (!strcmp(b->mode, "notice") && !json_object_get(t, "notice")
        && !json_object_get(t, "body")) {
        return fail(c, apr_pstrcat(c->p, where, ".notice", NULL),
                    "is missing (or give \"body\")");
    }
    if (!check_label(c, json_object_get(t, "necessary"),
                     apr_pstrcat(c->p, where, ".necessary", NULL), 0)) {
        return 0;
    }
    cats = json_object_get(t, "categories");
    if (cats && !json_is_object(cats)) {
        return fail(c, apr_pstrcat(c->p, where, ".categories", NULL),
                    "must be an object of category ids");
    }
    if (cats) {
        const char *id;
        json_t *v;
        json_object_foreach(cats, id, v) {
            if (!cg_in_array(id, b->categories)) {
                return fail(c, apr_pstrcat(c->p, where, ".categories", NULL),
                            "\"%s\" is not in \"categories\"", id);
            }
        }
    }
    for (i = 0; i < b->categories->nelts; ++i) {
        const char *id = APR_ARRAY_IDX(b->categories, i, const char *);
        if (!check_label(c, cats ? json_object_get(cats, id) : NULL,
                         apr_pstrcat(c->p, where, ".categories.", id, NULL),
                         1)) {
            return 0;
        }
    }
    return 1;
}

static int check_categories(checker *c, cg_banner_t *b, json_t *cats)
{
    apr_size_t i;

    b->categories = apr_array_make(c->p, 2, sizeof(const char *));
    if (!cats) {
        return 1;
    }
    if (!json_is_array(cats)) {
        return fail(c, "categories", "must be an array of category ids");
    }
    for (i = 0; i < json_array_size(cats); ++i) {
        json_t *v = json_array_get(cats, i);
        const char *id = json_string_value(v);

        if (id && (!strcmp(id, "necessary") || !strcmp(id, "drop"))) {
            return fail(c, "categories", "\"%s\" is a class, not a category "
                        "a visitor can choose", id);
        }
        /* the one rule: what ConsentCookieClass can name and a consent
         * can grant */
        if (!id || !cg_category_valid(id, strlen(id))) {
            return fail(c, "categories", "entry %" APR_SIZE_T_FMT " is not a "
                        "category id (1 to 32 lower-case letters, digits, "
                        "'_', '-')", i);
        }
        if (cg_in_array(id, b->categories)) {
            return fail(c, "categories", "\"%s\" is listed twice", id);
        }
        APR_ARRAY_PUSH(b->categories, const char *) = apr_pstrdup(c->p, id);
    }
    return 1;
}

static int check_colors(checker *c, cg_banner_t *b, json_t *colors)
{
    static const char *const defaults[] = {
        "#ffffff", "#1f2328", "#1f4fd1", "#ffffff"
    };
    double ratio;
    int i;

    for (i = 0; i < 4; ++i) {
        b->colors[i] = defaults[i];
    }
    if (!colors) {
        return 1;
    }
    if (!json_is_object(colors)) {
        return fail(c, "colors", "must be an object");
    }
    for (i = 0; i < 4; ++i) {
        const char *key = apr_pstrcat(c->p, "colors.", cg_banner_color_keys[i], NULL);
        const char *s = NULL;

        if (!get_string(c, colors, cg_banner_color_keys[i], key, 16, &s)) {
            return 0;
        }
        if (s && !(b->colors[i] = cg_color_normalize(c->p, s))) {
            return fail(c, key, "\"%s\" is not a colour (#rgb or #rrggbb)", s);
        }
    }
    {
        static const char *const allowed[] = {
            "background", "text", "primary", "primaryText", NULL
        };
        if (!only_keys(c, colors, "colors", allowed)) {
            return 0;
        }
    }
    /* a banner that some visitors cannot read is no informed choice */
    if ((ratio = cg_contrast_ratio(b->colors[1], b->colors[0])) < MIN_CONTRAST) {
        return fail(c, "colors.text", "contrast with colors.background is "
                    "%.2f:1, WCAG AA needs %.1f:1", ratio, MIN_CONTRAST);
    }
    if ((ratio = cg_contrast_ratio(b->colors[3], b->colors[2])) < MIN_CONTRAST) {
        return fail(c, "colors.primaryText", "contrast with colors.primary is "
                    "%.2f:1, WCAG AA needs %.1f:1", ratio, MIN_CONTRAST);
    }
    return 1;
}

static int check_mautic(checker *c, cg_banner_t *b, json_t *m)
{
    static const char *const allowed[] = { "src", "category", NULL };

    if (!m || json_is_null(m)) {
        return 1;
    }
    if (!json_is_object(m) || !only_keys(c, m, "mautic", allowed)) {
        return c->err ? 0 : fail(c, "mautic", "must be an object with "
                                 "\"src\" (the URL of mtc.js)");
    }
    if (!get_string(c, m, "src", "mautic.src", MAX_URL, &b->mautic_src)) {
        return 0;
    }
    if (!b->mautic_src) {
        return fail(c, "mautic.src", "is missing (the URL of mtc.js)");
    }
    if (!is_safe_url(b->mautic_src)) {
        return fail(c, "mautic.src", "must be an http(s) URL or a path");
    }
    b->mautic_category = NULL;
    if (!get_string(c, m, "category", "mautic.category", 32,
                    &b->mautic_category)) {
        return 0;
    }
    if (!b->mautic_category) {
        b->mautic_category = "tracking";
    }
    if (!cg_in_array(b->mautic_category, b->categories)) {
        return fail(c, "mautic.category", "\"%s\" is not in \"categories\"",
                    b->mautic_category);
    }
    return 1;
}

static int check_banner(checker *c, cg_banner_t *b, json_t *root)
{
    static const char *const allowed[] = {
        "privacyPolicyUrl", "mode", "position", "colors", "defaultLanguage",
        "categories", "texts", "mautic", "pixel", "reopenButton", NULL
    };
    const char *default_lang = NULL, *lang;
    json_t *texts, *t;

    if (!json_is_object(root)) {
        return fail(c, "(top)", "must be a JSON object");
    }
    if (!only_keys(c, root, "(top)", allowed)) {
        return 0;
    }
    b->mode = "consent";
    b->position = "bottom";
    b->reopen_button = 1;
    if (!get_string(c, root, "mode", "mode", 16, &b->mode)
        || !get_string(c, root, "position", "position", 16, &b->position)
        || !get_string(c, root, "privacyPolicyUrl", "privacyPolicyUrl",
                       MAX_URL, &b->policy_url)
        || !get_string(c, root, "defaultLanguage", "defaultLanguage", 35,
                       &default_lang)
        || !get_bool(c, root, "reopenButton", &b->reopen_button)) {
        return 0;
    }
    if (strcmp(b->mode, "consent") && strcmp(b->mode, "notice")) {
        return fail(c, "mode", "\"%s\" is neither \"consent\" nor \"notice\"",
                    b->mode);
    }
    if (!cg_in_list(b->position, positions)) {
        return fail(c, "position", "\"%s\" is not one of bottom, top, center, "
                    "bottom-left, bottom-right", b->position);
    }
    if (b->policy_url && !is_safe_url(b->policy_url)) {
        return fail(c, "privacyPolicyUrl", "must be an http(s) URL or a path "
                    "on this site");
    }
    if (!check_categories(c, b, json_object_get(root, "categories"))
        || !check_colors(c, b, json_object_get(root, "colors"))
        || !check_mautic(c, b, json_object_get(root, "mautic"))) {
        return 0;
    }
    if (!strcmp(b->mode, "notice") && b->categories->nelts) {
        return fail(c, "categories", "a notice asks about no category: "
                    "remove them or use \"mode\": \"consent\"");
    }
    if (!strcmp(b->mode, "consent") && !b->categories->nelts) {
        return fail(c, "categories", "a consent banner needs at least one "
                    "category (a site with only necessary cookies: "
                    "\"mode\": \"notice\")");
    }
    b->pixel = b->mautic_src != NULL;
    if (!get_bool(c, root, "pixel", &b->pixel)) {
        return 0;
    }

    texts = json_object_get(root, "texts");
    if (!json_is_object(texts) || json_object_size(texts) == 0) {
        return fail(c, "texts", "must be an object with one member per "
                    "language, e.g. \"en\"");
    }
    b->languages = apr_array_make(c->p, 4, sizeof(const char *));
    json_object_foreach(texts, lang, t) {
        if (!cg_lang_is_tag(lang)) {
            return fail(c, "texts", "\"%s\" is not a language tag", lang);
        }
        if (!check_texts(c, b, lang, t)) {
            return 0;
        }
        APR_ARRAY_PUSH(b->languages, const char *) = apr_pstrdup(c->p, lang);
    }
    if (!default_lang) {
        default_lang = APR_ARRAY_IDX(b->languages, 0, const char *);
    }
    else if (!json_object_get(texts, default_lang)) {
        return fail(c, "defaultLanguage", "\"%s\" has no texts",
                    default_lang);
    }
    /* default first: pick_language falls back to element 0 */
    {
        int i;
        for (i = 0; i < b->languages->nelts; ++i) {
            const char **l = &APR_ARRAY_IDX(b->languages, i, const char *);
            if (!strcmp(*l, default_lang)) {
                *l = APR_ARRAY_IDX(b->languages, 0, const char *);
                APR_ARRAY_IDX(b->languages, 0, const char *) = default_lang;
                break;
            }
        }
    }
    b->texts = json_incref(texts);
    return 1;
}

cg_banner_t *cg_banner_parse(apr_pool_t *p, const char *json, apr_size_t len,
                             const char *source, const char **err)
{
    cg_banner_t *b = apr_pcalloc(p, sizeof(*b));
    checker c = { p, source, NULL };
    json_error_t jerr;
    json_t *root;

    /* a key given twice would make the banner depend on which one wins */
    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        *err = apr_psprintf(p, "%s:%d:%d: %s", source, jerr.line, jerr.column,
                            jerr.text);
        return NULL;
    }
    if (!check_banner(&c, b, root)) {
        json_decref(root);
        *err = c.err;
        return NULL;
    }
    json_decref(root);
    apr_pool_cleanup_register(p, b->texts, json_cleanup,
                              apr_pool_cleanup_null);
    return b;
}

cg_banner_t *cg_banner_load(apr_pool_t *p, const char *path, const char **err)
{
    apr_file_t *f;
    apr_finfo_t fi;
    apr_status_t rv;
    char *buf;
    apr_size_t got;
    char msg[120];

    if ((rv = apr_file_open(&f, path, APR_FOPEN_READ, 0, p)) != APR_SUCCESS
        || (rv = apr_file_info_get(&fi, APR_FINFO_SIZE, f)) != APR_SUCCESS) {
        *err = apr_psprintf(p, "%s: %s", path,
                            apr_strerror(rv, msg, sizeof(msg)));
        return NULL;
    }
    if (fi.size > 1024 * 1024) {
        apr_file_close(f);
        *err = apr_psprintf(p, "%s: larger than 1 MB", path);
        return NULL;
    }
    buf = apr_palloc(p, (apr_size_t)fi.size + 1);
    rv = apr_file_read_full(f, buf, (apr_size_t)fi.size, &got);
    apr_file_close(f);
    if (rv != APR_SUCCESS && !(rv == APR_EOF && got == 0)) {
        *err = apr_psprintf(p, "%s: %s", path,
                            apr_strerror(rv, msg, sizeof(msg)));
        return NULL;
    }
    return cg_banner_parse(p, buf, got, path, err);
}

cg_banner_t *cg_banner_default(apr_pool_t *p)
{
    const char *err = NULL;
    cg_banner_t *b = cg_banner_parse(p, cg_banner_builtin_json, cg_banner_builtin_len,
                                     "built-in banner", &err);

    if (b) {
        b->is_default = 1;
    }
    return b;
}

int cg_banner_is_default(const cg_banner_t *b)
{
    return b->is_default;
}

const apr_array_header_t *cg_banner_languages(const cg_banner_t *b)
{
    return b->languages;
}

const apr_array_header_t *cg_banner_categories(const cg_banner_t *b)
{
    return b->categories;
}

cg_banner_t *cg_banner_restrict(apr_pool_t *p, const cg_banner_t *b,
                                const apr_array_header_t *known)
{
    cg_banner_t *r = apr_pmemdup(p, b, sizeof(*b));
    int i;

    r->categories = apr_array_make(p, 2, sizeof(const char *));
    for (i = 0; i < b->categories->nelts; ++i) {
        const char *id = APR_ARRAY_IDX(b->categories, i, const char *);
        if (cg_in_array(id, known)) {
            APR_ARRAY_PUSH(r->categories, const char *) = id;
        }
    }
    if (!r->categories->nelts) {
        r->mode = "notice";
        r->mautic_src = NULL;
        r->pixel = 0;
    }
    else if (r->mautic_src && !cg_in_array(r->mautic_category,
                                           r->categories)) {
        r->mautic_src = NULL;
    }
    return r;
}

const char *cg_banner_pick_language(const cg_banner_t *b,
                                    const char *accept_language)
{
    return cg_lang_pick(b->languages, accept_language);
}
