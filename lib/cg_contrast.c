/* cg_contrast.c: colours as a banner config writes them, and the WCAG 2
 * contrast ratio the banner's text must reach against its background. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "cg_contrast.h"

/* "#rgb" or "#rrggbb" as lower-case "#rrggbb"; NULL when not a colour. */
const char *cg_color_normalize(apr_pool_t *p, const char *s)
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
