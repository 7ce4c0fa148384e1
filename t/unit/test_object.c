/* test_object.c: the objection to the anonymous count, lib/cg_object.c. */
#include "unit.h"

#include "cg_object.h"

static void test_cookie(void **state)
{
    apr_pool_t *p = *state;

    assert_true(cg_object_in(p, "consentgate_object=1"));
    assert_true(cg_object_in(p, "a=b; consentgate_object=1; c=d"));
    assert_true(cg_object_in(p, "consentgate_object=1; consentgate_object=1"));
    assert_false(cg_object_in(p, NULL));
    assert_false(cg_object_in(p, ""));
    assert_false(cg_object_in(p, "consentgate_object=0"));
    assert_false(cg_object_in(p, "consentgate_object="));
    assert_false(cg_object_in(p, "consentgate_object=yes"));
    assert_false(cg_object_in(p, "consentgate_objection=1"));
    assert_false(cg_object_in(p, "xconsentgate_object=1"));
    /* two values that disagree: not an objection */
    assert_false(cg_object_in(p, "consentgate_object=1; consentgate_object=2"));
}

#define CHOICE(type, body) cg_object_choice(p, type, body, strlen(body))

static void test_choice(void **state)
{
    apr_pool_t *p = *state;
    const char *form = "application/x-www-form-urlencoded";

    assert_int_equal(cg_object_choice(p, NULL, NULL, 0), 1);
    assert_int_equal(CHOICE(form, ""), 1);
    assert_int_equal(CHOICE(form, "object=1"), 1);
    assert_int_equal(CHOICE(form, "object=0"), 0);
    assert_int_equal(CHOICE(form, "object=false&return_to=%2F"), 0);
    assert_int_equal(CHOICE(form, "return_to=%2F"), 1);
    assert_int_equal(CHOICE(form, "object=maybe"), -1);
    assert_int_equal(CHOICE("application/json", "{\"object\":true}"), 1);
    assert_int_equal(CHOICE("application/json; charset=utf-8", "{\"object\":false}"), 0);
    assert_int_equal(CHOICE("application/json", "{\"object\":1}"), -1);
    assert_int_equal(CHOICE("application/json", "{}"), -1);
    assert_int_equal(CHOICE("application/json", "{\"object\":true,\"object\":false}"), -1);
    assert_int_equal(CHOICE("application/json", "["), -1);
    assert_int_equal(CHOICE("text/plain", "object=1"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CG_TEST(test_cookie),
        CG_TEST(test_choice),
    };

    CG_RUN_GROUP("object", tests);
}
