/* cg_contrast.h: colours ("#rgb", "#rrggbb") and their WCAG 2 contrast
 * ratio. No httpd here. */
#ifndef CG_CONTRAST_H
#define CG_CONTRAST_H

#include <apr_pools.h>

/* "#rgb" or "#rrggbb" as lower-case "#rrggbb" in pool memory; NULL when
 * `s` is not a colour. */
const char *cg_color_normalize(apr_pool_t *p, const char *s);

/* WCAG 2 contrast ratio of two "#rrggbb" colours (1.0 to 21.0). */
double cg_contrast_ratio(const char *fg, const char *bg);

#endif /* CG_CONTRAST_H */
