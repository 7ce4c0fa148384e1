/* unit.h: what every cmocka unit test of lib/ shares: a pool per test,
 * failure messages inside the TAP stream, and main()'s group runner. */
#ifndef CG_UNIT_H
#define CG_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_pools.h>

/* cmocka 1.1.5's fail_msg() writes to stderr, outside the TAP stream; this
 * puts the message in the failing test's TAP diagnostics instead. */
#define fail_tap(...) do { \
    char msg_[1024]; \
    snprintf(msg_, sizeof(msg_), __VA_ARGS__); \
    _assert_true(0, msg_, __FILE__, __LINE__); \
} while (0)

static int pool_setup(void **state)
{
    apr_pool_t *p;

    if (apr_pool_create(&p, NULL) != APR_SUCCESS) {
        return -1;
    }
    *state = p;
    return 0;
}

static int pool_teardown(void **state)
{
    apr_pool_destroy((apr_pool_t *)*state);
    return 0;
}

#define CG_TEST(f) cmocka_unit_test_setup_teardown(f, pool_setup, pool_teardown)

/* Runs one group; an exit status is 8 bits, so 256 failures never look
 * like success. */
#define CG_RUN_GROUP(name, tests) do { \
    int failed_; \
    if (apr_initialize() != APR_SUCCESS) { \
        return 1; \
    } \
    failed_ = cmocka_run_group_tests_name(name, tests, NULL, NULL); \
    apr_terminate(); \
    return failed_ > 254 ? 254 : failed_; \
} while (0)

#endif /* CG_UNIT_H */
