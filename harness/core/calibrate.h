/* core/calibrate.h - what `racelab calibrate` proposes from measured rates:
 * an expectation threshold with a margin, and the trial cap under which
 * sequential stopping decides it with a stated probability.
 *
 * The probability is not a formula about an idealised SPRT: it comes from
 * seeded simulations of the very decision racelab makes (rl_judge after
 * every trial, up to the cap, then at the cap), on Bernoulli trials at a
 * given true rate.  So the caps it gives are those of this racelab's
 * rules, bounds and all. */
#ifndef RL_CALIBRATE_H
#define RL_CALIBRATE_H

#include <stdint.h>

#include "core/spec.h"

typedef struct {
    double p_holds;     /* share of the simulated checks that ended HOLDS */
    double mean_trials; /* trials they ran on average (sequential stopping) */
} rl_calib_sim_t;

/* Simulates sims checks of expectation e (its kind, threshold and
 * signature as given; spec's confidence) with trial cap `cap`, each trial
 * the expectation's event (a matching crash, a hang; for no-crash, any
 * failure) with probability rate and a pass otherwise, from seed.  0, or
 * -1 for bad arguments (sims < 1, cap < 1, rate outside [0, 1]). */
int rl_calib_simulate(const rl_expect_t *e, const rl_spec_t *spec, long cap, double rate, int sims,
                      uint64_t seed, rl_calib_sim_t *out);

/* The smallest cap <= max_cap at which rl_calib_simulate gives p_holds >=
 * target (the caps searched by doubling, then bisection), its simulation
 * in *out; -1 when no cap up to max_cap does (a rate below the threshold,
 * a no-crash variant that fails). */
long rl_calib_cap(const rl_expect_t *e, const rl_spec_t *spec, double rate, double target, int sims,
                  uint64_t seed, long max_cap, rl_calib_sim_t *out);

/* The proposed minimum rate for a crash or hang expectation: half the
 * measured exact one-sided lower bound (k of n at confidence), rounded down
 * to a multiple of 0.01; 0 when the bound is below 0.02 (nothing to
 * propose: the variant does not reproduce reliably enough). */
double rl_calib_threshold(long k, long n, double confidence);

#endif
