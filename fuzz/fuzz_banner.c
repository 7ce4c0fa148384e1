/* fuzz_banner.c: cg_banner_parse() on the input as a ConsentBanner file,
 * then every language of a banner that loads rendered, and an
 * Accept-Language header answered.
 *
 * Input layout:
 *   byte 0       the split: the config is the next (size - 1) * byte 0
 *                / 255 bytes (0xff: all of them), passed with its length
 *                (it may hold NUL bytes and is not NUL-terminated)
 *   the rest     an Accept-Language header (up to its first NUL)
 *
 * Invariants (each broken one aborts, i.e. is a finding):
 *  1. A refused config comes with an error that starts with the source
 *     name and ':'; a loaded one with *err untouched.
 *  2. A loaded banner has at least one language, each a distinct
 *     non-empty string; cg_banner_pick_language() answers NULL and the
 *     header with one of them (NULL: the first).
 *  3. Every language renders (non-NULL) to printable ASCII without '<',
 *     '>' or '&' (hence without "</script", "<!--" or a raw U+2028) and
 *     with every '/' escaped, which jansson decodes to an object whose
 *     "lang" is the language, whose "texts"."title" and "texts"."body"
 *     are strings, whose "mode" is "consent" or "notice" and whose
 *     "categories" are the banner's.
 *     A language not configured renders to NULL.
 *  4. cg_banner_restrict() to all of the banner's categories keeps them;
 *     to none gives a notice without categories, Mautic or pixel; both
 *     still render every language as in 3. */
#include "fuzz_common.h"

#include <apr_strings.h>
#include <jansson.h>

#include "cg_banner.h"

#define SOURCE "fuzz.json"

static const cg_banner_site_t site = {
    "/consentgate", "cg_consent", 3, 31536000LL
};

/* The built-in banner loads. In a pool of its own, destroyed here: APR's
 * allocator may mmap() pool memory, which LeakSanitizer does not scan, so
 * jansson objects a pool outliving the run owns look leaked. */
static void cg_fuzz_setup(apr_pool_t *root)
{
    apr_pool_t *p;
    cg_banner_t *b;

    if (apr_pool_create(&p, root) != APR_SUCCESS) {
        abort();
    }
    b = cg_banner_default(p);
    CG_FUZZ_CHECK(b != NULL && cg_banner_is_default(b),
                  "the built-in banner does not load");
    apr_pool_destroy(p);
}

static int in_array(const apr_array_header_t *a, const char *s)
{
    int i;

    for (i = 0; i < a->nelts; ++i) {
        if (!strcmp(APR_ARRAY_IDX(a, i, const char *), s)) {
            return 1;
        }
    }
    return 0;
}

/* Invariant 3 for one banner; `what` names it in messages. */
static void check_renders(apr_pool_t *p, const cg_banner_t *b,
                          const char *what)
{
    const apr_array_header_t *langs = cg_banner_languages(b);
    const apr_array_header_t *cats = cg_banner_categories(b);
    int i, k;

    for (i = 0; i < langs->nelts; ++i) {
        const char *lang = APR_ARRAY_IDX(langs, i, const char *);
        const char *s = cg_banner_render(p, b, lang, &site), *c;
        json_t *j, *texts, *jcats;
        json_error_t jerr;
        const char *mode;

        CG_FUZZ_CHECK(s != NULL, "%s: '%s' does not render", what,
                      cg_fuzz_show(lang));
        for (c = s; *c; ++c) {
            unsigned char u = (unsigned char)*c;

            CG_FUZZ_CHECK(u >= 0x20 && u < 0x7f && u != '<' && u != '>'
                          && u != '&', "%s: byte 0x%02x at %zu of '%s'",
                          what, u, (size_t)(c - s), cg_fuzz_show(s));
            CG_FUZZ_CHECK(u != '/' || (c > s && c[-1] == '\\'),
                          "%s: unescaped '/' at %zu of '%s'", what,
                          (size_t)(c - s), cg_fuzz_show(s));
        }
        j = json_loads(s, 0, &jerr);
        CG_FUZZ_CHECK(json_is_object(j), "%s: '%s' is no JSON object (%s)",
                      what, cg_fuzz_show(s), jerr.text);
        CG_FUZZ_CHECK(json_string_value(json_object_get(j, "lang"))
                      && !strcmp(json_string_value(json_object_get(j, "lang")),
                                 lang),
                      "%s: \"lang\" is not '%s' in '%s'", what,
                      cg_fuzz_show(lang), cg_fuzz_show(s));
        texts = json_object_get(j, "texts");
        CG_FUZZ_CHECK(json_is_string(json_object_get(texts, "title"))
                      && json_is_string(json_object_get(texts, "body")),
                      "%s: no title or body for '%s': '%s'", what,
                      cg_fuzz_show(lang), cg_fuzz_show(s));
        mode = json_string_value(json_object_get(j, "mode"));
        CG_FUZZ_CHECK(mode && (!strcmp(mode, "consent")
                               || !strcmp(mode, "notice")),
                      "%s: mode '%s'", what, cg_fuzz_show(mode));
        jcats = json_object_get(j, "categories");
        CG_FUZZ_CHECK(json_is_array(jcats)
                      && json_array_size(jcats) == (size_t)cats->nelts,
                      "%s: %zu categories rendered, %d configured", what,
                      json_array_size(jcats), cats->nelts);
        for (k = 0; k < cats->nelts; ++k) {
            const char *id = json_string_value(
                json_object_get(json_array_get(jcats, (size_t)k), "id"));

            CG_FUZZ_CHECK(id && !strcmp(id, APR_ARRAY_IDX(cats, k,
                                                          const char *)),
                          "%s: category %d rendered as '%s'", what, k,
                          cg_fuzz_show(id));
        }
        json_decref(j);
    }
    {
        /* a tag no language has: "x" plus the longest one */
        const char *other = "x";

        for (i = 0; i < langs->nelts; ++i) {
            other = apr_pstrcat(p, other,
                                APR_ARRAY_IDX(langs, i, const char *), NULL);
        }
        CG_FUZZ_CHECK(in_array(langs, other)
                      || cg_banner_render(p, b, other, &site) == NULL,
                      "%s: '%s' is not configured but renders", what,
                      cg_fuzz_show(other));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = cg_fuzz_pool;
    const apr_array_header_t *langs, *cats;
    const char *err = "unset", *picked;
    cg_banner_t *b, *r;
    size_t len;
    char *config, *header;
    int i, k;

    if (size < 1) {
        return 0;
    }
    len = (size - 1) * data[0] / 255;
    config = malloc(len ? len : 1);     /* exactly sized for ASan */
    if (!config) {
        abort();
    }
    memcpy(config, data + 1, len);
    header = cg_fuzz_cstr(data + 1 + len, size - 1 - len);

    b = cg_banner_parse(p, config, len, SOURCE, &err);
    if (!b) {
        /* 1 */
        CG_FUZZ_CHECK(err != NULL
                      && !strncmp(err, SOURCE ":", sizeof(SOURCE ":") - 1),
                      "refused with error '%s'", cg_fuzz_show(err));
        goto done;
    }
    CG_FUZZ_CHECK(err != NULL && !strcmp(err, "unset"),
                  "loaded, but *err is '%s'", cg_fuzz_show(err));

    /* 2 */
    langs = cg_banner_languages(b);
    CG_FUZZ_CHECK(langs && langs->nelts > 0, "loaded without a language");
    for (i = 0; i < langs->nelts; ++i) {
        const char *l = APR_ARRAY_IDX(langs, i, const char *);

        CG_FUZZ_CHECK(l && *l, "language %d is empty", i);
        for (k = 0; k < i; ++k) {
            CG_FUZZ_CHECK(strcmp(l, APR_ARRAY_IDX(langs, k, const char *)),
                          "language '%s' twice", cg_fuzz_show(l));
        }
    }
    picked = cg_banner_pick_language(b, NULL);
    CG_FUZZ_CHECK(picked && !strcmp(picked, APR_ARRAY_IDX(langs, 0,
                                                          const char *)),
                  "no header: '%s', not the default", cg_fuzz_show(picked));
    picked = cg_banner_pick_language(b, header);
    CG_FUZZ_CHECK(picked && in_array(langs, picked),
                  "Accept-Language '%s': '%s' is not configured",
                  cg_fuzz_show(header), cg_fuzz_show(picked));

    /* 3 */
    check_renders(p, b, "banner");

    /* 4 */
    cats = cg_banner_categories(b);
    r = cg_banner_restrict(p, b, cats);
    CG_FUZZ_CHECK(cg_fuzz_same_strings(cg_banner_categories(r), cats),
                  "restricted to its own categories, the banner changed them");
    check_renders(p, r, "restricted to all");
    r = cg_banner_restrict(p, b, NULL);
    CG_FUZZ_CHECK(cg_banner_categories(r)->nelts == 0,
                  "restricted to none, categories are left");
    check_renders(p, r, "restricted to none");
    {
        const char *s = cg_banner_render(p, r, APR_ARRAY_IDX(langs, 0,
                                                             const char *),
                                         &site);
        json_t *j = json_loads(s, 0, NULL);
        const char *mode = json_string_value(json_object_get(j, "mode"));

        CG_FUZZ_CHECK(mode && !strcmp(mode, "notice")
                      && json_is_null(json_object_get(j, "mautic"))
                      && json_is_false(json_object_get(j, "pixel")),
                      "restricted to none: '%s'", cg_fuzz_show(s));
        json_decref(j);
    }

done:
    free(header);
    free(config);
    apr_pool_clear(p);
    return 0;
}
