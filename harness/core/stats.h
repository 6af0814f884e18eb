/* core/stats.h - the statistics racelab's verdicts rest on.
 *
 * All functions are pure and exact to double precision; the unit tests
 * check them against published values. */
#ifndef RL_STATS_H
#define RL_STATS_H

typedef struct { double lo, hi; } rl_interval_t;

/* Two-sided Wilson score interval for k successes in n trials at the given
 * confidence (0.95 -> z = 1.959964).  n == 0 gives [0, 1]. */
rl_interval_t rl_wilson(long k, long n, double confidence);
/* Exact (Clopper-Pearson) one-sided upper bound for k successes in n
 * trials; for k == 0 this is 1 - (1-confidence)^(1/n). */
double rl_upper_bound(long k, long n, double confidence);
/* Exact one-sided lower bound (Clopper-Pearson); 0 when k == 0. */
double rl_lower_bound(long k, long n, double confidence);
/* One-sided Fisher exact test p-value that group A (ka of na) has a higher
 * rate than group B (kb of nb). */
double rl_fisher_greater(long ka, long na, long kb, long nb);
/* Standard normal quantile. */
double rl_normal_quantile(double p);

/* Wald's sequential probability ratio test of H0: p = p0 against H1: p = p1
 * with error rates alpha (reject H0 wrongly) and beta (accept H0 wrongly). */
typedef struct {
    double p0, p1, alpha, beta;
    double llr;        /* accumulated log-likelihood ratio */
    long n, k;         /* trials and successes seen */
} rl_sprt_t;
typedef enum { RL_SPRT_CONTINUE, RL_SPRT_ACCEPT_H0, RL_SPRT_ACCEPT_H1 } rl_sprt_state_t;

void rl_sprt_init(rl_sprt_t *s, double p0, double p1, double alpha, double beta);
rl_sprt_state_t rl_sprt_add(rl_sprt_t *s, int success);
rl_sprt_state_t rl_sprt_state(const rl_sprt_t *s);

/* Trials needed so that zero crashes bound the rate below max_rate at the
 * confidence: ceil(ln(1-c)/ln(1-max_rate)). */
long rl_plan_zero_crash(double max_rate, double confidence);
/* Trials needed to see at least one crash with probability c at rate p.
 * Both plans return -1 for a rate <= 0 or a confidence outside (0, 1). */
long rl_plan_first_crash(double rate, double confidence);

#endif
