/* rltest_demo.c - tests with known ends for test_rltest.c, always built on
 * the portable implementation (rltest.c): what they print is checked. */
#include "rltest.h"

static int ready;
static int fini_runs;

static void setup(void)
{
    ready = 1;
}

static void teardown(void)
{
    fini_runs++;
    printf("# fini %d\n", fini_runs);
}

TestSuite(demo, .init = setup, .fini = teardown);

Test(demo, passes)
{
    cr_assert_eq(ready, 1);
    cr_assert_str_eq("a", "a");
    cr_assert_float_eq(1.0, 1.05, 0.1);
}

Test(demo, expect_fails_and_goes_on)
{
    cr_expect_eq(ready, 2, "ready is %d", ready);
    printf("# after the expectation\n");
    cr_assert_str_eq("left", "right");
    printf("# not reached\n");
}

Test(demo, skipped)
{
    cr_skip_test("the reason %d", 42);
}

static int params[] = {1, 2, 3};

ParameterizedTestParameters(demo, param)
{
    return cr_make_param_array(int, params, 3);
}

ParameterizedTest(int *p, demo, param)
{
    cr_assert_neq(*p, 2, "parameter %d", *p);
}

Test(demo, last_still_runs)
{
    cr_assert(fini_runs >= 5, "fini ran %d times", fini_runs);
}
