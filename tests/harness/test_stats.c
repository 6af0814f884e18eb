/* test_stats.c - the statistics against published values and against
 * their definitions (binomial tails summed term by term). */
#include "rltest.h"
#include <math.h>

#include "core/stats.h"

/* P(X <= k) for X ~ Binomial(n, p), summed directly: an independent check
 * of the incomplete-beta route the library takes. */
static double binom_cdf(long k, long n, double p)
{
    double s = 0.0;
    for (long i = 0; i <= k; i++)
        s += exp(lgamma(n + 1.0) - lgamma(i + 1.0) - lgamma(n - i + 1.0) + i * log(p) + (n - i) * log1p(-p));
    return s;
}

typedef struct {
    long k, n;
    double lo, hi; /* in percent, as published */
    double tol;    /* in percent */
} wilson_case_t;

ParameterizedTestParameters(stats, wilson_known)
{
    static wilson_case_t cases[] = {
        {0, 300, 0.0, 1.264, 0.0005},  /* anchors.md */
        {3, 1000, 0.102, 0.878, 0.0005},
        {198, 200, 96.428, 99.725, 0.001}, /* the verdict example */
        {5, 10, 23.66, 76.34, 0.005},  /* symmetric case */
    };
    return cr_make_param_array(wilson_case_t, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(wilson_case_t *c, stats, wilson_known)
{
    rl_interval_t w = rl_wilson(c->k, c->n, 0.95);
    cr_assert_float_eq(w.lo * 100, c->lo, c->tol, "%ld/%ld lo %.5f%%", c->k, c->n, w.lo * 100);
    cr_assert_float_eq(w.hi * 100, c->hi, c->tol, "%ld/%ld hi %.5f%%", c->k, c->n, w.hi * 100);
}

Test(stats, wilson_no_trials_is_everything)
{
    rl_interval_t w = rl_wilson(0, 0, 0.95);
    cr_assert_eq(w.lo, 0.0);
    cr_assert_eq(w.hi, 1.0);
}

Test(stats, normal_quantile)
{
    cr_assert_float_eq(rl_normal_quantile(0.975), 1.959963984540054, 1e-12);
    cr_assert_float_eq(rl_normal_quantile(0.5), 0.0, 1e-15);
    cr_assert_float_eq(rl_normal_quantile(0.05), -1.6448536269514729, 1e-12);
    cr_assert_float_eq(rl_normal_quantile(1e-10), -6.361340902404056, 1e-9);
}

ParameterizedTestParameters(stats, rule_of_three)
{
    static long ns[] = {1, 10, 100, 299, 300, 1000, 100000};
    return cr_make_param_array(long, ns, sizeof ns / sizeof ns[0]);
}

ParameterizedTest(long *n, stats, rule_of_three)
{
    double exact = 1.0 - pow(0.05, 1.0 / (double)*n);
    cr_assert_float_eq(rl_upper_bound(0, *n, 0.95), exact, 1e-14, "n=%ld", *n);
}

typedef struct {
    long k, n;
    double c;
} bound_case_t;

ParameterizedTestParameters(stats, exact_bounds_match_binomial_tail)
{
    static bound_case_t cases[] = {
        {1, 10, 0.95}, {3, 1000, 0.95}, {30, 1000, 0.95}, {198, 200, 0.95},
        {5, 10, 0.99}, {50, 100, 0.9}, {999, 1000, 0.95},
    };
    return cr_make_param_array(bound_case_t, cases, sizeof cases / sizeof cases[0]);
}

/* The defining equations: P(X <= k | ub) = 1-c and P(X >= k | lb) = 1-c. */
ParameterizedTest(bound_case_t *c, stats, exact_bounds_match_binomial_tail)
{
    double ub = rl_upper_bound(c->k, c->n, c->c);
    double lb = rl_lower_bound(c->k, c->n, c->c);
    cr_assert_float_eq(binom_cdf(c->k, c->n, ub), 1.0 - c->c, 1e-9, "ub %ld/%ld", c->k, c->n);
    cr_assert_float_eq(1.0 - binom_cdf(c->k - 1, c->n, lb), 1.0 - c->c, 1e-9, "lb %ld/%ld", c->k, c->n);
    cr_assert_lt(lb, (double)c->k / c->n);
    cr_assert_gt(ub, (double)c->k / c->n);
}

Test(stats, exact_bounds_edges)
{
    cr_assert_eq(rl_lower_bound(0, 100, 0.95), 0.0);
    cr_assert_eq(rl_upper_bound(100, 100, 0.95), 1.0);
    cr_assert_float_eq(rl_lower_bound(8, 8, 0.95), pow(0.05, 1.0 / 8), 1e-14);
    /* The brief's example sentence: 198/200, lower bound 96.9%. */
    cr_assert_float_eq(rl_lower_bound(198, 200, 0.95) * 100, 96.89, 0.01);
}

Test(stats, fisher_known)
{
    double p = rl_fisher_greater(30, 1000, 0, 1000);
    cr_assert_float_eq(p / 1e-10, 7.47, 0.005, "p = %.4g", p);
    /* Equal groups: the observed table is the most likely, p > 0.5. */
    cr_assert_gt(rl_fisher_greater(5, 100, 5, 100), 0.5);
    /* The reverse direction is not significant at all. */
    cr_assert_float_eq(rl_fisher_greater(0, 1000, 30, 1000), 1.0, 1e-12);
    /* Hand-computed: 3/3 vs 0/3 -> 1/C(6,3) = 0.05. */
    cr_assert_float_eq(rl_fisher_greater(3, 3, 0, 3), 0.05, 1e-12);
}

Test(stats, plans)
{
    cr_assert_eq(rl_plan_zero_crash(0.01, 0.95), 299);
    cr_assert_eq(rl_plan_zero_crash(0.5, 0.75), 2); /* ln .25 / ln .5 = 2 exactly */
    cr_assert_eq(rl_plan_first_crash(0.5, 0.95), 5);
    cr_assert_eq(rl_plan_first_crash(1.0, 0.95), 1);
    cr_assert_eq(rl_plan_zero_crash(0.0, 0.95), -1);
    /* The plan is the smallest n whose bound reaches the target. */
    long n = rl_plan_zero_crash(0.001, 0.99);
    cr_assert_leq(rl_upper_bound(0, n, 0.99), 0.001);
    cr_assert_gt(rl_upper_bound(0, n - 1, 0.99), 0.001);
}

Test(stats, sprt_steps_and_h0_after_326_clean)
{
    rl_sprt_t s;
    rl_sprt_init(&s, 0.001, 0.01, 0.05, 0.05);
    cr_assert_eq(rl_sprt_add(&s, 1), RL_SPRT_CONTINUE);
    cr_assert_float_eq(s.llr, log(10.0), 1e-12);
    cr_assert_float_eq(log(10.0), 2.302585, 1e-6);
    rl_sprt_init(&s, 0.001, 0.01, 0.05, 0.05);
    rl_sprt_add(&s, 0);
    cr_assert_float_eq(s.llr, -0.009050, 1e-6);
    rl_sprt_state_t st = RL_SPRT_CONTINUE;
    while (st == RL_SPRT_CONTINUE)
        st = rl_sprt_add(&s, 0);
    cr_assert_eq(st, RL_SPRT_ACCEPT_H0);
    cr_assert_eq(s.n, 326);
    cr_assert_eq(s.k, 0);
}

Test(stats, sprt_accepts_h1_on_crashes)
{
    rl_sprt_t s;
    rl_sprt_init(&s, 0.001, 0.01, 0.05, 0.05);
    rl_sprt_add(&s, 1);
    cr_assert_eq(rl_sprt_add(&s, 1), RL_SPRT_ACCEPT_H1); /* 4.6 >= ln 19 = 2.94 */
    cr_assert_eq(rl_sprt_state(&s), RL_SPRT_ACCEPT_H1);
}
