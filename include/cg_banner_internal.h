/* cg_banner_internal.h: what the banner's own files share (lib/cg_banner.c
 * reads and checks a config, lib/cg_banner_render.c renders it); nothing
 * outside lib/ includes this. */
#ifndef CG_BANNER_INTERNAL_H
#define CG_BANNER_INTERNAL_H

#include <apr_tables.h>
#include <jansson.h>

#include "cg_banner.h"

struct cg_banner_t {
    json_t *texts;                  /* language -> texts object */
    apr_array_header_t *languages;  /* const char *, default first */
    apr_array_header_t *categories; /* const char * */
    const char *mode;               /* "consent" or "notice" */
    const char *position;
    const char *policy_url;         /* NULL: none */
    const char *colors[4];          /* "#rrggbb", in cg_banner_color_keys order */
    const char *mautic_src;         /* NULL: no Mautic tracking script */
    const char *mautic_category;
    int pixel;
    int reopen_button;
    int is_default;
};

/* "background", "text", "primary", "primaryText": cg_banner_t.colors */
extern const char *const cg_banner_color_keys[4];
/* the texts banner.js shows; the first four are required in consent mode */
extern const char *const cg_banner_text_keys[];
/* the built-in English banner, whose texts also stand in for optional
 * texts a config leaves out */
extern const char cg_banner_builtin_json[];
extern const apr_size_t cg_banner_builtin_len;

#endif /* CG_BANNER_INTERNAL_H */
