/* cg_banner_render.c: a checked banner config rendered, per language, into
 * the JSON object banner.js is called with. Done once per language at
 * startup and served from memory. */
#include <stdio.h>
#include <string.h>

#include <apr_strings.h>
#include <jansson.h>

#include "cg_banner_internal.h"
#include "cg_json.h"
#include "cg_mirror.h"

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
    builtin_root = json_loadb(cg_banner_builtin_json, cg_banner_builtin_len, 0, NULL);
    builtin = json_object_get(json_object_get(builtin_root, "texts"), "en");

    texts = json_object();
    for (k = cg_banner_text_keys; *k; ++k) {
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
        json_object_set_new(colors, cg_banner_color_keys[i], json_string(b->colors[i]));
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
        json_t *signals = json_array(), *ids;
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
        /* a held mirror without the server's signature grants nothing
         * here: the page posts it again to have it signed */
        if (site->signed_mirrors) {
            json_object_set_new(out, "signed", json_true());
        }
        /* the mirrors copy only the ids the gate asks about: what a site
         * never reads is not written into a cookie */
        if ((ids = cg_mirror_ids(p, site->mirror_maps))) {
            json_object_set_new(out, "mirrorIds", ids);
        }
    }
    rendered = out ? cg_json_dump(p, out, JSON_COMPACT | JSON_ENSURE_ASCII
                                  | JSON_ESCAPE_SLASH, "") : NULL;
    json_decref(out);
    json_decref(builtin_root);
    return rendered ? html_safe(p, rendered) : NULL;
}
