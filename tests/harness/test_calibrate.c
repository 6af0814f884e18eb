/* test_calibrate.c - calibrate's proposals (core/calibrate.h): the
 * threshold at half the exact lower bound; the simulated probability that a
 * check HOLDS against an exact computation over the same decision rule; the
 * caps against closed forms and their minimality. */
#include "rltest.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/calibrate.h"
#include "core/stats.h"
#include "core/verdict.h"

static rl_spec_t spec;

static void setup(void)
{
    char err[256];
    const char *text = "name cal\nissue https://example.invalid/cal\ncommand prog\ntrials 100\n"
                       "variant buggy b\nvariant fixed f\n"
                       "expect buggy crash /fatal error: seeded/ rate >= 0.3\n"
                       "expect fixed no-crash upper <= 0.01\n";
    cr_assert_eq(rl_spec_parse("cal.repro", text, &spec, err, sizeof err), 0, "%s", err);
}

static void teardown(void)
{
    rl_spec_free(&spec);
}

TestSuite(calibrate, .init = setup, .fini = teardown);

/* The exact probability that a check with this cap ends HOLDS when each
 * trial is the event with probability p: the distribution over event
 * counts of the checks still running, carried trial by trial through
 * rl_judge (sequential, then at the cap), with no sampling. */
static double exact_p_holds(const rl_expect_t *e, long cap, double p)
{
    rl_spec_t capped = spec;
    capped.trials = cap;
    double *mass = calloc((size_t)cap + 2, sizeof *mass), *next = calloc((size_t)cap + 2, sizeof *next);
    cr_assert(mass && next);
    mass[0] = 1.0;
    double holds = 0.0;
    char why[512];
    for (long n = 1; n <= cap; n++) {
        memset(next, 0, ((size_t)cap + 2) * sizeof *next);
        for (long k = 0; k < n; k++) {
            next[k + 1] += mass[k] * p;
            next[k] += mass[k] * (1.0 - p);
        }
        for (long k = 0; k <= n; k++) {
            if (next[k] == 0.0)
                continue;
            rl_tally_t t;
            memset(&t, 0, sizeof t);
            t.n = n;
            t.outcomes[RL_OUTCOME_PASS] = n - k;
            t.outcomes[RL_OUTCOME_CRASH] = k;
            t.crashes_matching = k;
            rl_judgement_t r = rl_judge(e, &t, &capped, n < cap, why, sizeof why);
            if (r == RL_JUDGE_HOLDS)
                holds += next[k];
            if (r != RL_JUDGE_UNDECIDED)
                next[k] = 0.0;
        }
        double *sw = mass;
        mass = next;
        next = sw;
    }
    free(mass);
    free(next);
    return holds;
}

Test(calibrate, threshold_is_half_the_lower_bound_rounded_down)
{
    double lb = rl_lower_bound(63, 100, 0.95);
    cr_assert_float_eq(rl_calib_threshold(63, 100, 0.95), floor(lb / 2 * 100) / 100, 1e-12);
    cr_assert_float_eq(rl_calib_threshold(63, 100, 0.95), 0.27, 1e-12); /* lb 54.3% */
    cr_assert_float_eq(rl_calib_threshold(30, 30, 0.95), 0.45, 1e-12);  /* lb 90.5% */
    cr_assert_eq(rl_calib_threshold(0, 100, 0.95), 0.0, "no crash: nothing to propose");
    cr_assert_eq(rl_calib_threshold(1, 100, 0.95), 0.0, "lower bound 0.05%%: below 0.02");
    cr_assert_eq(rl_calib_threshold(0, 0, 0.95), 0.0);
    for (long k = 1; k <= 50; k++)
        cr_assert_leq(rl_calib_threshold(k, 50, 0.95), rl_lower_bound(k, 50, 0.95) / 2 + 1e-12, "k %ld", k);
}

Test(calibrate, simulation_agrees_with_the_exact_probability)
{
    const rl_expect_t *e = &spec.expects[0];   /* rate >= 0.3 */
    static const double rates[] = { 0.35, 0.45, 0.6, 0.9 };
    static const long caps[] = { 10, 30, 60 };
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
        for (size_t j = 0; j < sizeof caps / sizeof caps[0]; j++) {
            rl_calib_sim_t sim;
            cr_assert_eq(rl_calib_simulate(e, &spec, caps[j], rates[i], 20000, 7, &sim), 0);
            double want = exact_p_holds(e, caps[j], rates[i]);
            /* 20000 checks: the standard error is at most 0.0036 */
            cr_assert(fabs(sim.p_holds - want) < 0.015, "rate %g cap %ld: simulated %.4f, exact %.4f", rates[i],
                      caps[j], sim.p_holds, want);
            cr_assert_leq(sim.mean_trials, (double)caps[j]);
            cr_assert_geq(sim.mean_trials, 1.0);
        }
}

Test(calibrate, simulation_ends_the_sure_cases)
{
    const rl_expect_t *e = &spec.expects[0];
    rl_calib_sim_t sim;
    cr_assert_eq(rl_calib_simulate(e, &spec, 100, 1.0, 500, 1, &sim), 0);
    cr_assert_float_eq(sim.p_holds, 1.0, 1e-12);
    /* every trial a crash: decided as soon as n/n has lower bound >= 0.3
     * and the SPRT is over its bar; the same n for every check */
    cr_assert_float_eq(sim.mean_trials, floor(sim.mean_trials), 1e-12);
    cr_assert_geq(sim.mean_trials, (double)rl_plan_zero_crash(0.7, 0.95));
    cr_assert_eq(rl_calib_simulate(e, &spec, 100, 0.0, 500, 1, &sim), 0);
    cr_assert_float_eq(sim.p_holds, 0.0, 1e-12);
    cr_assert_eq(rl_calib_simulate(e, &spec, 0, 0.5, 500, 1, &sim), -1);
    cr_assert_eq(rl_calib_simulate(e, &spec, 10, 1.5, 500, 1, &sim), -1);
    cr_assert_eq(rl_calib_simulate(e, &spec, 10, 0.5, 0, 1, &sim), -1);
}

Test(calibrate, no_crash_cap_is_the_zero_crash_plan)
{
    const rl_expect_t *e = &spec.expects[1];   /* upper <= 0.01 */
    rl_calib_sim_t sim;
    long cap = rl_calib_cap(e, &spec, 0.0, 0.99, 200, 1, 100000, &sim);
    cr_assert_eq(cap, rl_plan_zero_crash(0.01, 0.95), "cap %ld", cap);
    cr_assert_eq(cap, 299);
    cr_assert_float_eq(sim.p_holds, 1.0, 1e-12);
    /* a fixed variant that fails 5% of the time never gets there */
    cr_assert_eq(rl_calib_cap(e, &spec, 0.05, 0.99, 200, 1, 5000, &sim), -1);
}

Test(calibrate, crash_cap_is_the_smallest_that_reaches_the_probability)
{
    rl_expect_t e = spec.expects[0];
    e.min_rate = 0.27;   /* half the lower bound of 63/100 */
    rl_calib_sim_t sim, less;
    long cap = rl_calib_cap(&e, &spec, 0.543, 0.99, 4000, 3, 100000, &sim);
    cr_assert_gt(cap, 1);
    cr_assert_geq(sim.p_holds, 0.99);
    cr_assert_eq(rl_calib_simulate(&e, &spec, cap - 1, 0.543, 4000, 3, &less), 0);
    cr_assert_lt(less.p_holds, 0.99, "cap %ld is not the smallest: %ld gives %.4f", cap, cap - 1, less.p_holds);
    /* and the exact computation confirms the margin (sampling error) */
    cr_assert_geq(exact_p_holds(&e, cap, 0.543), 0.98);
    /* a rate below the threshold reaches no cap */
    cr_assert_eq(rl_calib_cap(&e, &spec, 0.2, 0.99, 500, 3, 1000, &sim), -1);
}
