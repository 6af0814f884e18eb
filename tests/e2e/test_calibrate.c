/* test_calibrate.c - racelab calibrate on synthetic programs with known
 * rates (rl-child seedcrash PCT crashes when RACELAB_SEED % 100 < PCT): the
 * threshold it proposes is at most half the measured lower bound and below
 * the true rate, a spec rewritten with its proposal passes `check`, and it
 * refuses to propose for a variant that does not reproduce or a fixed one
 * that crashes. */
#include "rltest.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "racelab_run.h"
#include "testfs.h"

#define R (char *)e2e_racelab()

static void write_spec(const char *path, int buggy_pct, int fixed_pct, const char *min_rate, long trials)
{
    char text[1024];
    snprintf(text, sizeof text,
             "name cal\nissue https://example.invalid/cal\ncommand %s\ntimeout 10\ntrials %ld\n"
             "variant buggy seedcrash %d\nvariant fixed seedcrash %d\n"
             "expect buggy crash /fatal error: seeded/ rate >= %s\nexpect fixed no-crash upper <= 0.05\n",
             e2e_child(), trials, buggy_pct, fixed_pct, min_rate);
    e2e_write(path, text);
}

/* The number after `key` in the file's text; fails the test without one. */
static double number_after(const char *text, const char *key)
{
    const char *p = strstr(text, key);
    cr_assert_not_null(p, "no '%s' in\n%s", key, text);
    return strtod(p + strlen(key), NULL);
}

Test(calibrate, proposes_a_threshold_with_margin_and_a_cap_that_passes, .timeout = 300)
{
    e2e_tmpdir();
    write_spec("t.repro", 40, 0, "0.9", 150);   /* the spec's 0.9 is far above the true 40% */
    char *argv[] = { R, "calibrate", "--jobs", "2", "--seed", "11", "--results", "r", "t.repro", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 0);
    char *o = tf_slurp("out", NULL);
    cr_assert_not_null(o);
    double lb = number_after(o, "matching crashes, rate ");
    lb = number_after(o, "exact lower bound ") / 100.0;
    double th = number_after(o, "proposed: rate >= ");
    cr_assert_gt(th, 0.0, "%s", o);
    cr_assert_leq(th, lb / 2 + 1e-9, "threshold %g, lower bound %g", th, lb);
    cr_assert_lt(th, 0.40, "below the true rate");
    cr_assert(strstr(o, "P(PASS) = "), "%s", o);   /* the spec as it stands */
    long cap = (long)number_after(o, "proposed trials ");
    cr_assert_geq(cap, 59, "no-crash upper <= 0.05 needs 59 clean trials: %s", o);
    cr_assert(strstr(o, "racelab calibrate: every expectation has a proposal"), "%s", o);
    /* The proposal, written into the spec, passes a check with other seeds. */
    char rate[32];
    snprintf(rate, sizeof rate, "%.2f", th);
    write_spec("p.repro", 40, 0, rate, cap);
    for (int s = 0; s < 3; s++) {
        char seed[16], dir[16];
        snprintf(seed, sizeof seed, "%d", 100 + s);
        snprintf(dir, sizeof dir, "c%d", s);
        char *c[] = { R, "check", "--jobs", "2", "--seed", seed, "--results", dir, "p.repro", NULL };
        cr_assert_eq(e2e_run(c, "cout"), 0, "seed %s: the proposal did not pass", seed);
    }
    free(o);
}

Test(calibrate, no_proposal_for_what_does_not_reproduce_or_a_failing_fix, .timeout = 300)
{
    e2e_tmpdir();
    write_spec("t.repro", 0, 10, "0.5", 60);
    char *argv[] = { R, "calibrate", "--jobs", "2", "--seed", "5", "--co-load", "cpu=1", "--results", "r",
                     "t.repro", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 1);
    e2e_assert_file_has("out", "co-load cpu=1");
    e2e_assert_file_has("out", "no proposal: the lower bound 0.0% leaves no threshold");
    e2e_assert_file_has("out", "no proposal: a variant that fails cannot pass 'no-crash'");
    e2e_assert_file_has("out", "racelab calibrate: some expectation has no proposal");
    e2e_assert_file_has("r/history", "\nco-load cpu=1\n");
}

Test(calibrate, bad_arguments, .timeout = 60)
{
    e2e_tmpdir();
    write_spec("t.repro", 50, 0, "0.5", 10);
    char *none[] = { R, "calibrate", NULL };
    cr_assert_eq(e2e_run(none, "out"), 64);
    char *two[] = { R, "calibrate", "t.repro", "t.repro", NULL };
    cr_assert_eq(e2e_run(two, "out"), 64);
    e2e_assert_file_has("out", "one SPEC at a time");
    char *p[] = { R, "calibrate", "--probability", "1", "t.repro", NULL };
    cr_assert_eq(e2e_run(p, "out"), 64);
    char *missing[] = { R, "calibrate", "nope.repro", NULL };
    cr_assert_eq(e2e_run(missing, "out"), 64);
    char *co[] = { R, "calibrate", "--co-load", "cpu=0", "--results", "r", "t.repro", NULL };
    cr_assert_eq(e2e_run(co, "out"), 64);
}
