/* test_contrast.c: unit tests (cmocka) for lib/cg_contrast.c: colours as
 * a banner config writes them and their WCAG 2 contrast ratio. */
#include "unit.h"

#include <math.h>

#include <apr_general.h>
#include <apr_pools.h>

#include "cg_contrast.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void contrast_black_on_white_is_21(void **state)
{
    assert_true(fabs(cg_contrast_ratio("#000000", "#ffffff") - 21.0) < 0.01);
    assert_true(fabs(cg_contrast_ratio("#ffffff", "#000000") - 21.0) < 0.01);
}

static void contrast_same_colour_is_1(void **state)
{
    static const char *const colours[] = {
        "#000000", "#ffffff", "#767676", "#1f4fd1", "#abcdef"
    };
    apr_size_t i;

    for (i = 0; i < N(colours); ++i) {
        double r = cg_contrast_ratio(colours[i], colours[i]);
        if (fabs(r - 1.0) > 1e-9) {
            fail_tap("%s on itself: %f", colours[i], r);
        }
    }
}

static void contrast_is_symmetric(void **state)
{
    static const char *const colours[] = {
        "#000000", "#ffffff", "#767676", "#777777", "#1f4fd1", "#ff0000",
        "#00ff00", "#0000ff", "#1f2328"
    };
    apr_size_t i, k;

    for (i = 0; i < N(colours); ++i) {
        for (k = 0; k < N(colours); ++k) {
            double a = cg_contrast_ratio(colours[i], colours[k]);
            double b = cg_contrast_ratio(colours[k], colours[i]);
            if (a != b || a < 1.0 || a > 21.0 + 1e-9) {
                fail_tap("%s/%s: %f, reversed %f", colours[i], colours[k], a,
                         b);
            }
        }
    }
}

static void contrast_aa_boundary(void **state)
{
    double r77 = cg_contrast_ratio("#777777", "#ffffff");
    double r76 = cg_contrast_ratio("#767676", "#ffffff");

    if (!(r77 > 4.47 && r77 < 4.49 && r76 > 4.53 && r76 < 4.55)) {
        fail_tap("#777777: %f, #767676: %f on white", r77, r76);
    }
}

static void colours_normalized(void **state)
{
    static const char *const in[] = {
        "#fff", "#FFFFFF", "#1F4fD1", "#abc", "#000000"
    };
    static const char *const out[] = {
        "#ffffff", "#ffffff", "#1f4fd1", "#aabbcc", "#000000"
    };
    static const char *const bad[] = {
        "", "#", "fff", "#ff", "#ffff", "#fffff", "#fffffff", "#ggg",
        "red", "#12345g", " #fff"
    };
    apr_size_t i;

    for (i = 0; i < N(in); ++i) {
        const char *got = cg_color_normalize(*state, in[i]);
        if (!got || strcmp(got, out[i])) {
            fail_tap("'%s': '%s', expected '%s'", in[i], got ? got : "(NULL)",
                     out[i]);
        }
    }
    for (i = 0; i < N(bad); ++i) {
        if (cg_color_normalize(*state, bad[i])) {
            fail_tap("'%s' taken for a colour", bad[i]);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CG_TEST(contrast_black_on_white_is_21),
        CG_TEST(contrast_same_colour_is_1),
        CG_TEST(contrast_is_symmetric),
        CG_TEST(contrast_aa_boundary),
        CG_TEST(colours_normalized),
    };
    CG_RUN_GROUP("contrast", tests);
}
