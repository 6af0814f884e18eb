/* core/bisect.h - Bayesian search for the first bad candidate of an ordered
 * list, when "bad" means "crashes with some unknown rate" and one clean
 * trial proves nothing.
 *
 * Candidates 0 .. n-1 are ordered, 0 the good end, n-1 the bad end.  The
 * hypothesis "k is the first bad candidate" (k in 1 .. n-1, uniform prior)
 * says: a trial of candidate i >= k crashes with the bad rate p1, a trial of
 * i < k with the noise rate p0.  p1 is unknown with a Beta(bad_a, bad_b)
 * prior; p0 is 0 (RL_NOISE_NONE), a known rate (RL_NOISE_FIXED) or unknown
 * with a Beta(noise_a, noise_b) prior (RL_NOISE_ESTIMATE).  Both rates are
 * integrated out exactly (Beta-binomial conjugacy), so the posterior over k
 * is exact under the model: post[k] is P(k is the first bad | every trial
 * so far), nothing approximated but rounding.
 *
 * The search (rl_bisect_next) first checks the ends: the bad end until it
 * crashes at all, the good end for as many trials as the bad end needs per
 * crash; then it runs the trial that maximises the expected information
 * about k (mutual information of one trial's outcome and k, rates
 * integrated out), and stops when one candidate holds posterior >=
 * confidence.  One trial at a time is the most information per trial (the
 * information of m trials at one candidate is at most m times that of one),
 * so a caller with J workers runs the current choice on each free worker
 * and asks again after every trial.
 *
 * Platform free and deterministic: the command (cmd/bisect.c) and the
 * benchmark (bench/bisect_sim.c) drive the same code. */
#ifndef RL_BISECT_H
#define RL_BISECT_H

typedef enum {
    RL_NOISE_NONE = 0,    /* good candidates never crash with the signature */
    RL_NOISE_FIXED,       /* they do, at the known rate noise_rate */
    RL_NOISE_ESTIMATE,    /* at an unknown rate, Beta(noise_a, noise_b) prior */
} rl_noise_t;

typedef struct {
    double bad_a, bad_b;       /* Beta prior of the bad rate p1 */
    rl_noise_t noise;
    double noise_rate;         /* RL_NOISE_FIXED */
    double noise_a, noise_b;   /* RL_NOISE_ESTIMATE */
    double confidence;         /* stop when max posterior >= this */
    double rate_margin;        /* the stop also needs posterior >= confidence
                                  with p1 fixed at its one-sided lower bound
                                  at this level (rl_bisect_plugin); -1: the
                                  confidence, 0: no such check */
    long good_end_trials;      /* trials of the good end before the search;
                                  -1: as many as the bad end needs per crash */
} rl_bisect_opts_t;

/* bad Beta(1, 1), no noise, confidence 0.95, rate margin and good end
 * trials -1 (see above). */
void rl_bisect_default_opts(rl_bisect_opts_t *o);
/* The Beta prior RL_NOISE_ESTIMATE uses unless told: Beta(1, 99), mean 1%. */
#define RL_BISECT_NOISE_A 1.0
#define RL_BISECT_NOISE_B 99.0

typedef struct {
    int n;                     /* candidates, >= 2 */
    rl_bisect_opts_t o;
    long *trials, *crashes;    /* counted trials and signature crashes per candidate */
    long *tail_t, *tail_c;     /* sums over candidates j >= k (index k, 0 .. n) */
    double *post;              /* post[k]: P(first bad = k | data); post[0] = 0 */
    double *gain;              /* information of one trial at each candidate (nats) */
    unsigned char *skip;       /* candidates that cannot be run (rl_bisect_skip) */
} rl_bisect_t;

/* 0, or -1 when out of memory or n < 2. */
int rl_bisect_init(rl_bisect_t *b, int n, const rl_bisect_opts_t *o);
void rl_bisect_free(rl_bisect_t *b);

/* One trial of candidate i: crashed (1, with the signature) or not (0).
 * Updates the posterior exactly, by the predictive probability of the
 * outcome under each hypothesis. */
void rl_bisect_add(rl_bisect_t *b, int i, int crashed);
/* Sets the counts of candidate i (e.g. read back from a results file) and
 * recomputes the posterior from all counts (rl_bisect_recompute). */
void rl_bisect_set(rl_bisect_t *b, int i, long trials, long crashes);
/* Posterior from the counts alone, through log Beta functions: the same
 * numbers rl_bisect_add reaches trial by trial, in any order. */
void rl_bisect_recompute(rl_bisect_t *b);

/* Marks candidate i as one that cannot be run (e.g. it does not build):
 * the search chooses it no more.  Its trials so far still count. */
void rl_bisect_skip(rl_bisect_t *b, int i);
/* The most probable first bad candidate; *p its posterior (may be NULL). */
int rl_bisect_best(const rl_bisect_t *b, double *p);
/* Posterior mean of the bad rate given that k is the first bad. */
double rl_bisect_rate(const rl_bisect_t *b, int k);
/* Posterior of candidate best with the bad rate fixed at p1 instead of
 * integrated out. */
double rl_bisect_plugin(const rl_bisect_t *b, int best, double p1);
/* Fills b->gain: the expected information (nats) one trial of each
 * candidate gives about k. */
void rl_bisect_gains(rl_bisect_t *b);

typedef enum {
    RL_BISECT_RUN = 0,         /* run a trial of *cand */
    RL_BISECT_FOUND,           /* rl_bisect_best holds posterior >= confidence */
    RL_BISECT_GOOD_END_CRASHES,/* with RL_NOISE_NONE the good end crashed:
                                  the model is wrong (give a noise rate) */
    RL_BISECT_STUCK,           /* no trial that can be run tells more (the
                                  boundary is next to skipped candidates) */
} rl_bisect_state_t;

/* The next step: which candidate to run, or why to stop.  Deterministic
 * in the counts. */
rl_bisect_state_t rl_bisect_next(rl_bisect_t *b, int *cand);

#endif
