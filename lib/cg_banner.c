/* cg_banner.c: the banner's configuration. A file an administrator writes
 * is checked completely at startup, so a typo fails `apachectl -t` instead
 * of showing visitors a broken or misleading banner; rendering is done
 * once per language and served from memory. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <apr_file_io.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <jansson.h>

#include "cg_banner.h"
#include "cg_json.h"

struct cg_banner_t {
    json_t *texts;                  /* language -> texts object */
    apr_array_header_t *languages;  /* const char *, default first */
    apr_array_header_t *categories; /* const char * */
    const char *mode;               /* "consent" or "notice" */
    const char *position;
    const char *policy_url;         /* NULL: none */
    const char *colors[4];          /* "#rrggbb", in color_keys order */
    const char *mautic_src;         /* NULL: no Mautic tracking script */
    const char *mautic_category;
    int pixel;
    int reopen_button;
    int is_default;
};

static const char *const color_keys[] = {
    "background", "text", "primary", "primaryText"
};
static const char *const positions[] = {
    "bottom", "top", "center", "bottom-left", "bottom-right", NULL
};
/* the texts banner.js shows; the first four are required in consent mode */
static const char *const text_keys[] = {
    "title", "body", "accept", "reject", "notice", "settings", "save", "ok",
    "policy", "gpc", "reopen", "saved", "close", "error", NULL
};
#define REQUIRED_TEXTS 4
/* WCAG 2.1 AA for normal text */
#define MIN_CONTRAST 4.5
#define MAX_TEXT     4000
#define MAX_URL      2048

/* The built-in default: English, one optional category ("tracking", the
 * class every preset uses), the colours pass WCAG AA. */
static const char builtin_json[] =
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

static apr_status_t json_cleanup(void *data)
{
    json_decref((json_t *)data);
    return APR_SUCCESS;
}

static int one_of(const char *s, const char *const *list)
{
    for (; *list; ++list) {
        if (!strcmp(s, *list)) {
            return 1;
        }
    }
    return 0;
}

/* A language tag as BCP 47 spells it, loosely: alpha{1,8} ("-" alnum{1,8})* */
static int is_language_tag(const char *s)
{
    apr_size_t n = 0;

    for (; apr_isalpha(*s); ++s) {
        ++n;
    }
    if (n < 1 || n > 8) {
        return 0;
    }
    while (*s == '-') {
        for (n = 0, ++s; apr_isalnum(*s); ++s) {
            ++n;
        }
        if (n < 1 || n > 8) {
            return 0;
        }
    }
    return *s == '\0';
}

/* Category ids go into the consent cookie between '.' and '~'. */
static int is_category_id(const char *s)
{
    apr_size_t n = 0;

    for (; *s; ++s, ++n) {
        if (!apr_isalnum(*s) && *s != '_' && *s != '-') {
            return 0;
        }
    }
    return n >= 1 && n <= 32;
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

/* "#rgb" or "#rrggbb" as lower-case "#rrggbb"; NULL when not a colour. */
static const char *normalize_color(apr_pool_t *p, const char *s)
{
    apr_size_t len = strlen(s), i;
    char *out;

    if (s[0] != '#' || (len != 4 && len != 7)) {
        return NULL;
    }
    for (i = 1; i < len; ++i) {
        if (!apr_isxdigit(s[i])) {
            return NULL;
        }
    }
    out = apr_palloc(p, 8);
    out[0] = '#';
    for (i = 0; i < 6; ++i) {
        out[i + 1] = apr_tolower(len == 4 ? s[1 + i / 2] : s[1 + i]);
    }
    out[7] = '\0';
    return out;
}

static double channel(const char *hex2)
{
    char buf[3] = { hex2[0], hex2[1], '\0' };
    double c = strtol(buf, NULL, 16) / 255.0;

    return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double luminance(const char *rgb)
{
    return 0.2126 * channel(rgb + 1) + 0.7152 * channel(rgb + 3)
           + 0.0722 * channel(rgb + 5);
}

double cg_contrast_ratio(const char *fg, const char *bg)
{
    double a = luminance(fg), b = luminance(bg);

    return a > b ? (a + 0.05) / (b + 0.05) : (b + 0.05) / (a + 0.05);
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
        if (name[0] != '_' && name[0] != '$' && !one_of(name, allowed)) {
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
    for (k = text_keys; *k; ++k) {
        ++n;
    }
    allowed = apr_pcalloc(c->p, (n + 3) * sizeof(*allowed));
    memcpy(allowed, text_keys, n * sizeof(*allowed));
    allowed[n] = extra[0];
    allowed[n + 1] = extra[1];
    if (!only_keys(c, t, where, allowed)) {
        return 0;
    }
    for (i = 0; text_keys[i]; ++i) {
        const char *key = apr_pstrcat(c->p, where, ".", text_keys[i], NULL);
        s = NULL;
        if (!get_string(c, t, text_keys[i], key, MAX_TEXT, &s)) {
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
            int known = 0;
            for (i = 0; i < b->categories->nelts; ++i) {
                known |= !strcmp(id, APR_ARRAY_IDX(b->categories, i,
                                                   const char *));
            }
            if (!known) {
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
    int j;

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

        if (!id || !is_category_id(id)) {
            return fail(c, "categories", "entry %" APR_SIZE_T_FMT " is not a "
                        "category id (1 to 32 letters, digits, '_', '-')", i);
        }
        if (!strcmp(id, "necessary") || !strcmp(id, "drop")) {
            return fail(c, "categories", "\"%s\" is a class, not a category "
                        "a visitor can choose", id);
        }
        for (j = 0; j < b->categories->nelts; ++j) {
            if (!strcmp(id, APR_ARRAY_IDX(b->categories, j, const char *))) {
                return fail(c, "categories", "\"%s\" is listed twice", id);
            }
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
        const char *key = apr_pstrcat(c->p, "colors.", color_keys[i], NULL);
        const char *s = NULL;

        if (!get_string(c, colors, color_keys[i], key, 16, &s)) {
            return 0;
        }
        if (s && !(b->colors[i] = normalize_color(c->p, s))) {
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
    int i, known = 0;

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
    for (i = 0; i < b->categories->nelts; ++i) {
        known |= !strcmp(b->mautic_category,
                         APR_ARRAY_IDX(b->categories, i, const char *));
    }
    if (!known) {
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
    if (!one_of(b->position, positions)) {
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
        if (!is_language_tag(lang)) {
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
    cg_banner_t *b = cg_banner_parse(p, builtin_json, sizeof(builtin_json) - 1,
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
    int i, j;

    r->categories = apr_array_make(p, 2, sizeof(const char *));
    for (i = 0; i < b->categories->nelts; ++i) {
        const char *id = APR_ARRAY_IDX(b->categories, i, const char *);
        for (j = 0; known && j < known->nelts; ++j) {
            if (!strcmp(id, APR_ARRAY_IDX(known, j, const char *))) {
                APR_ARRAY_PUSH(r->categories, const char *) = id;
                break;
            }
        }
    }
    if (!r->categories->nelts) {
        r->mode = "notice";
        r->mautic_src = NULL;
        r->pixel = 0;
    }
    else if (r->mautic_src) {
        int kept = 0;
        for (i = 0; i < r->categories->nelts; ++i) {
            kept |= !strcmp(r->mautic_category,
                            APR_ARRAY_IDX(r->categories, i, const char *));
        }
        if (!kept) {
            r->mautic_src = NULL;
        }
    }
    return r;
}

/* ---- choosing a language ---- */

typedef struct lang_range {
    const char *tag;
    int q;          /* thousandths */
    int order;
} lang_range;

/* q = 0 or 1 with up to three decimals (RFC 9110 qvalue); -1 if not. */
static int parse_qvalue(const char *s)
{
    int q = 0, digits = 0;

    while (*s == ' ' || *s == '\t') {
        ++s;
    }
    if ((s[0] != 'q' && s[0] != 'Q') || s[1] != '=') {
        return -1;
    }
    s += 2;
    if (*s != '0' && *s != '1') {
        return -1;
    }
    q = (*s++ - '0') * 1000;
    if (*s == '.') {
        int scale = 100;
        for (++s; apr_isdigit(*s) && digits < 3; ++s, ++digits, scale /= 10) {
            q += (*s - '0') * scale;
        }
    }
    while (*s == ' ' || *s == '\t') {
        ++s;
    }
    return (*s || q > 1000) ? -1 : q;
}

static int by_q(const void *a, const void *b)
{
    const lang_range *x = a, *y = b;

    return x->q != y->q ? y->q - x->q : x->order - y->order;
}

static const char *lookup(const cg_banner_t *b, const char *range)
{
    int i;

    for (i = 0; i < b->languages->nelts; ++i) {
        const char *l = APR_ARRAY_IDX(b->languages, i, const char *);
        if (!strcasecmp(l, range)) {
            return l;
        }
    }
    return NULL;
}

/* At most this many ranges are read: a header of thousands is an attack,
 * not a preference. */
#define MAX_RANGES 32

const char *cg_banner_pick_language(const cg_banner_t *b,
                                    const char *accept_language)
{
    const char *fallback = APR_ARRAY_IDX(b->languages, 0, const char *);
    lang_range ranges[MAX_RANGES];
    char buf[1024];
    char *item, *state;
    int n = 0, i, j;

    if (!accept_language || strlen(accept_language) >= sizeof(buf)) {
        return fallback;
    }
    strcpy(buf, accept_language);
    for (item = apr_strtok(buf, ",", &state); item && n < MAX_RANGES;
         item = apr_strtok(NULL, ",", &state)) {
        char *semi = strchr(item, ';'), *end;
        int q = 1000;

        if (semi) {
            *semi = '\0';
            if ((q = parse_qvalue(semi + 1)) < 0) {
                continue;
            }
        }
        while (*item == ' ' || *item == '\t') {
            ++item;
        }
        for (end = item + strlen(item); end > item
             && (end[-1] == ' ' || end[-1] == '\t'); --end) {
        }
        *end = '\0';
        if (q == 0 || !(is_language_tag(item) || !strcmp(item, "*"))) {
            continue;
        }
        ranges[n].tag = item;
        ranges[n].q = q;
        ranges[n].order = n;
        ++n;
    }
    qsort(ranges, n, sizeof(ranges[0]), by_q);
    for (i = 0; i < n; ++i) {
        char range[64];
        const char *found;
        apr_size_t len = strlen(ranges[i].tag);

        if (!strcmp(ranges[i].tag, "*")) {
            return fallback;
        }
        if (len >= sizeof(range)) {
            continue;
        }
        memcpy(range, ranges[i].tag, len + 1);
        /* RFC 4647 lookup: de-CH-1996, then de-CH, then de */
        for (;;) {
            char *dash;
            if ((found = lookup(b, range))) {
                return found;
            }
            if (!(dash = strrchr(range, '-'))) {
                break;
            }
            *dash = '\0';
        }
        /* "de" also takes a configured "de-CH" */
        len = strlen(range);
        for (j = 0; j < b->languages->nelts; ++j) {
            const char *l = APR_ARRAY_IDX(b->languages, j, const char *);
            if (!strncasecmp(l, range, len) && l[len] == '-') {
                return l;
            }
        }
    }
    return fallback;
}

/* ---- rendering ---- */

/* A text of `lang`, else of the default language, else the built-in
 * English one: optional texts need not be translated by hand. */
static json_t *text_of(const cg_banner_t *b, json_t *builtin,
                       const char *lang, const char *key)
{
    const char *default_lang = APR_ARRAY_IDX(b->languages, 0, const char *);
    json_t *v = json_object_get(json_object_get(b->texts, lang), key);

    if (!v) {
        v = json_object_get(json_object_get(b->texts, default_lang), key);
    }
    if (!v) {
        v = json_object_get(builtin, key);
    }
    return v ? v : json_null();
}

static json_t *label_of(json_t *src, json_t *fallback)
{
    json_t *o = json_object();
    json_t *label = json_object_get(src, "label");
    json_t *desc = json_object_get(src, "description");

    if (!label) {
        label = json_object_get(fallback, "label");
    }
    if (!desc && src == NULL) {
        desc = json_object_get(fallback, "description");
    }
    /* set_new: the "" made here is owned by `o` alone */
    json_object_set_new(o, "label", label ? json_incref(label)
                                          : json_string(""));
    json_object_set_new(o, "description", desc ? json_incref(desc)
                                               : json_string(""));
    return o;
}

/* '<', '>' and '&' only occur inside JSON strings: as \u escapes they
 * cannot open "<!--" or "</script" even where the config is inlined into
 * an HTML page. DEL, which jansson leaves raw, is an HTML control
 * character: escaped too, so the output is printable ASCII. */
static int html_unsafe(char c)
{
    return c == '<' || c == '>' || c == '&' || c == 0x7f;
}

static const char *html_safe(apr_pool_t *p, const char *json)
{
    apr_size_t n = 0;
    const char *c;
    char *out, *o;

    for (c = json; *c; ++c) {
        n += html_unsafe(*c) ? 1 : 0;
    }
    if (!n) {
        return json;
    }
    o = out = apr_palloc(p, strlen(json) + 5 * n + 1);
    for (c = json; *c; ++c) {
        if (html_unsafe(*c)) {
            o += sprintf(o, "\\u%04x", (unsigned)*c);
        }
        else {
            *o++ = *c;
        }
    }
    *o = '\0';
    return out;
}

const char *cg_banner_render(apr_pool_t *p, const cg_banner_t *b,
                             const char *lang, const cg_banner_site_t *site)
{
    json_t *builtin_root, *builtin, *t, *out, *texts, *colors, *cats;
    const char *const *k;
    const char *rendered;
    int i;

    if (!(t = json_object_get(b->texts, lang))) {
        return NULL;
    }
    builtin_root = json_loadb(builtin_json, sizeof(builtin_json) - 1, 0, NULL);
    builtin = json_object_get(json_object_get(builtin_root, "texts"), "en");

    texts = json_object();
    for (k = text_keys; *k; ++k) {
        if (strcmp(*k, "notice")) {
            json_object_set(texts, *k, text_of(b, builtin, lang, *k));
        }
    }
    /* a notice says what it is in its own words */
    if (!strcmp(b->mode, "notice")) {
        json_t *notice = json_object_get(t, "notice");
        if (!notice && !b->is_default) {
            notice = json_object_get(t, "body");
        }
        json_object_set(texts, "body", notice ? notice
                        : text_of(b, builtin, lang, "notice"));
    }
    colors = json_object();
    for (i = 0; i < 4; ++i) {
        json_object_set_new(colors, color_keys[i], json_string(b->colors[i]));
    }
    cats = json_array();
    for (i = 0; i < b->categories->nelts; ++i) {
        const char *id = APR_ARRAY_IDX(b->categories, i, const char *);
        json_t *c = label_of(json_object_get(json_object_get(t, "categories"),
                                             id), NULL);
        json_object_set_new(c, "id", json_string(id));
        json_array_append_new(cats, c);
    }
    out = json_pack("{s:s, s:s, s:i, s:I, s:s, s:s, s:s, s:o, s:o, s:b, s:o,"
                    " s:o, s:o, s:o, s:b}",
        "endpoint", site->endpoint,
        "cookie", site->cookie,
        "revision", site->revision,
        "maxAge", (json_int_t)site->max_age,
        "lang", lang,
        "mode", b->mode,
        "position", b->position,
        "colors", colors,
        "policyUrl", b->policy_url ? json_string(b->policy_url) : json_null(),
        "reopenButton", b->reopen_button,
        "categories", cats,
        "necessary", label_of(json_object_get(t, "necessary"),
                              json_object_get(builtin, "necessary")),
        "texts", texts,
        "mautic", b->mautic_src
            ? json_pack("{s:s, s:s}", "src", b->mautic_src,
                        "category", b->mautic_category)
            : json_null(),
        "pixel", b->pixel);
    /* the banner activates nothing optional where the gate would not let
     * its cookies through */
    if (out) {
        json_t *signals = json_array();
        if (site->gpc) {
            json_array_append_new(signals, json_string("gpc"));
        }
        if (site->dnt) {
            json_array_append_new(signals, json_string("dnt"));
        }
        json_object_set_new(out, "signals", signals);
        json_object_set_new(out, "precedence", json_string(site->consent_wins
                                                           ? "consent"
                                                           : "signal"));
    }
    rendered = out ? cg_json_dump(p, out, JSON_COMPACT | JSON_ENSURE_ASCII
                                  | JSON_ESCAPE_SLASH, "") : NULL;
    json_decref(out);
    json_decref(builtin_root);
    return rendered ? html_safe(p, rendered) : NULL;
}
