/* core/calibrate.c - threshold and cap proposals (see core/calibrate.h). */
#include "core/calibrate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/stats.h"
#include "core/verdict.h"

/* splitmix64: a small, well-mixed generator; the simulations need
 * reproducibility, not cryptography. */
static uint64_t rl__next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double rl__uniform(uint64_t *s)
{
    return (double)(rl__next(s) >> 11) * (1.0 / 9007199254740992.0);
}

/* One trial's outcome counted into t as rl_tally_add would count it for
 * expectation e: the event, or a pass. */
static void rl__count(rl_tally_t *t, const rl_expect_t *e, int event)
{
    t->n++;
    if (!event) {
        t->outcomes[RL_OUTCOME_PASS]++;
    } else if (e->kind == RL_EXPECT_HANG) {
        t->outcomes[RL_OUTCOME_HANG]++;
    } else {
        t->outcomes[RL_OUTCOME_CRASH]++;
        t->crashes_matching++;
    }
}

/* Caps up to this keep a table of rl_judge's answers by (n, k): every
 * simulated check walks the same small lattice, and a judgement (exact
 * bounds) costs far more than a look-up.  The answers depend on the tally
 * only through n and the event count, which is all a simulated tally
 * holds. */
#define RL__CALIB_MEMO_CAP 2048

static rl_judgement_t rl__judge(const rl_expect_t *e, const rl_tally_t *t, const rl_spec_t *capped, int seq,
                                unsigned char *memo)
{
    char why[512];
    long n = t->n, k = n - t->outcomes[RL_OUTCOME_PASS];
    size_t at = 0;
    if (memo) {
        at = 2 * ((size_t)n * (size_t)(n + 1) / 2 + (size_t)k) + (seq != 0);
        if (memo[at])
            return (rl_judgement_t)(memo[at] - 1);
    }
    rl_judgement_t r = rl_judge(e, t, capped, seq, why, sizeof why);
    if (memo)
        memo[at] = (unsigned char)(r + 1);
    return r;
}

int rl_calib_simulate(const rl_expect_t *e, const rl_spec_t *spec, long cap, double rate, int sims,
                      uint64_t seed, rl_calib_sim_t *out)
{
    if (sims < 1 || cap < 1 || !(rate >= 0.0 && rate <= 1.0))
        return -1;
    /* The same spec with this cap: rl_judge reads the cap from it. */
    rl_spec_t capped = *spec;
    capped.trials = cap;
    unsigned char *memo = cap <= RL__CALIB_MEMO_CAP
        ? calloc(2 * ((size_t)(cap + 1) * (size_t)(cap + 2) / 2 + 1), 1) : NULL;
    long holds = 0;
    double trials = 0;
    uint64_t s = seed;
    for (int i = 0; i < sims; i++) {
        rl_tally_t t;
        memset(&t, 0, sizeof t);
        t.first_crash_s = -1;
        t.first_crash_index = -1;
        rl_judgement_t r = RL_JUDGE_UNDECIDED;
        while (r == RL_JUDGE_UNDECIDED && t.n < cap) {
            rl__count(&t, e, rl__uniform(&s) < rate);
            r = rl__judge(e, &t, &capped, 1, memo);
        }
        if (r == RL_JUDGE_UNDECIDED)
            r = rl__judge(e, &t, &capped, 0, memo);
        holds += r == RL_JUDGE_HOLDS;
        trials += (double)t.n;
    }
    free(memo);
    out->p_holds = (double)holds / (double)sims;
    out->mean_trials = trials / (double)sims;
    return 0;
}

long rl_calib_cap(const rl_expect_t *e, const rl_spec_t *spec, double rate, double target, int sims,
                  uint64_t seed, long max_cap, rl_calib_sim_t *out)
{
    rl_calib_sim_t sim;
    long lo = 0, hi = -1;   /* lo: a cap that is not enough; hi: one that is */
    for (long cap = 4; hi < 0; cap *= 2) {
        if (cap > max_cap)
            cap = max_cap;
        if (rl_calib_simulate(e, spec, cap, rate, sims, seed, &sim) != 0)
            return -1;
        if (sim.p_holds >= target) {
            hi = cap;
            *out = sim;
        } else if (cap == max_cap) {
            return -1;
        } else {
            lo = cap;
        }
    }
    while (hi - lo > 1) {
        long mid = lo + (hi - lo) / 2;
        if (rl_calib_simulate(e, spec, mid, rate, sims, seed, &sim) != 0)
            return -1;
        if (sim.p_holds >= target) {
            hi = mid;
            *out = sim;
        } else {
            lo = mid;
        }
    }
    return hi;
}

double rl_calib_threshold(long k, long n, double confidence)
{
    double lb = n > 0 ? rl_lower_bound(k, n, confidence) : 0.0;
    double t = floor(lb / 2.0 * 100.0 + 1e-9) / 100.0;
    return t >= 0.01 ? t : 0.0;
}
