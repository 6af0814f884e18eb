/* test_rltest.c - the portable implementation (rltest.c) ends each test as
 * Criterion would: rltest_demo's TAP output, line by line. */
#include "rltest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testfs.h"

/* Runs the demo with args; its stdout in a malloc'd string, its exit status
 * in *status. */
static char *run_demo(const char *args, int *status)
{
    const char *demo = getenv("RLTEST_DEMO");
    cr_assert_not_null(demo, "RLTEST_DEMO is not set (run through meson test)");
    /* One file per call: the tests may run at the same time. */
    static int calls;
    char path[64], cmd[4096];
    snprintf(path, sizeof path, "rltest-demo-%ld-%d.out", (long)getpid(), ++calls);
    snprintf(cmd, sizeof cmd, "'%s' %s > %s", demo, args, path);
    *status = system(cmd);
    char *out = tf_slurp(path, NULL);
    remove(path);
    cr_assert_not_null(out, "no output in %s", path);
    return out;
}

Test(rltest, failures_fail_their_test_and_the_run_goes_on)
{
    int status;
    char *out = run_demo("", &status);
    cr_expect_neq(status, 0, "a run with failures exits non-zero");
    const char *want[] = {
        "1..7\n",
        "ok 1 - demo/passes\n",
        "# after the expectation\n",
        "#   left:  \"left\"\n",
        "not ok 2 - demo/expect_fails_and_goes_on\n",
        "ok 3 - demo/skipped # SKIP the reason 42\n",
        "ok 4 - demo/param[0]\n",
        "not ok 5 - demo/param[1]\n",
        "ok 6 - demo/param[2]\n",
        "ok 7 - demo/last_still_runs\n",
        "# 2 of 7 failed\n",
    };
    const char *at = out;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *hit = strstr(at, want[i]);
        cr_expect_not_null(hit, "'%.*s' missing or out of order in:\n%s", (int)strlen(want[i]) - 1, want[i], out);
        if (hit)
            at = hit + strlen(want[i]);
    }
    cr_expect_null(strstr(out, "# not reached"), "a failed cr_assert ended its test");
    cr_expect_not_null(strstr(out, "# fini 7"), "the suite's fini ran after every test");
    free(out);
}

Test(rltest, list_and_filter)
{
    int status;
    char *out = run_demo("--list", &status);
    cr_expect_eq(status, 0);
    cr_expect_not_null(strstr(out, "demo/passes\ndemo/expect_fails_and_goes_on\n"), "%s", out);
    free(out);
    out = run_demo("--filter demo/passes", &status);
    cr_expect_eq(status, 0, "%s", out);
    cr_expect_not_null(strstr(out, "1..1\n"), "%s", out);
    cr_expect_not_null(strstr(out, "ok 1 - demo/passes\n"), "%s", out);
    cr_expect_null(strstr(out, "ok 2"), "%s", out);
    free(out);
}
