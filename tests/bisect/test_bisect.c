/* test_bisect.c - core/bisect.c: the posterior on cases small enough to
 * compute by hand, trial-by-trial updates against the closed form, the
 * information gains against their definition, the order of the search
 * (ends first) and simulated searches. */
#include "rltest.h"
#include <math.h>
#include <stdint.h>

#include "core/bisect.h"

static rl_bisect_opts_t opts(rl_noise_t noise, double rate, double a0, double b0)
{
    rl_bisect_opts_t o;
    rl_bisect_default_opts(&o);
    o.noise = noise;
    o.noise_rate = rate;
    o.noise_a = a0;
    o.noise_b = b0;
    return o;
}

#define NEAR(a, b) cr_assert(fabs((a) - (b)) < 1e-12, "%s = %.15g, want %.15g", #a, (double)(a), (double)(b))

/* Three candidates, hypotheses k = 1 and k = 2, p1 ~ Beta(1, 1), p0 = 0.
 * One pass of candidate 1: under k = 1 it is bad, likelihood
 * B(1, 2)/B(1, 1) = 1/2; under k = 2 it is good, likelihood 1.  So the
 * posterior is (1/3, 2/3). */
Test(bisect, one_pass_hand_computed)
{
    rl_bisect_opts_t o = opts(RL_NOISE_NONE, 0, 0, 0);
    rl_bisect_t b;
    cr_assert_eq(rl_bisect_init(&b, 3, &o), 0);
    NEAR(b.post[1], 0.5);
    rl_bisect_add(&b, 1, 0);
    NEAR(b.post[0], 0);
    NEAR(b.post[1], 1.0 / 3);
    NEAR(b.post[2], 2.0 / 3);
    /* Then a crash of candidate 2: k = 1 sees 1 crash 1 pass on its bad
     * side, B(2, 2) = 1/6; k = 2 sees the crash alone, B(2, 1) = 1/2 (and
     * candidate 1's pass on its good side, likelihood 1): (1/4, 3/4). */
    rl_bisect_add(&b, 2, 1);
    NEAR(b.post[1], 0.25);
    NEAR(b.post[2], 0.75);
    NEAR(rl_bisect_rate(&b, 2), 2.0 / 3);  /* Beta(2, 1) mean */
    NEAR(rl_bisect_rate(&b, 1), 0.5);      /* Beta(2, 2) */
    double p;
    cr_assert_eq(rl_bisect_best(&b, &p), 2);
    NEAR(p, 0.75);
    rl_bisect_free(&b);
}

/* A crash of candidate 1 with a known noise rate 0.1: k = 1 gives
 * B(2, 1) = 1/2, k = 2 gives 0.1 (a noise crash): (5/6, 1/6).  With the
 * noise estimated from a Beta(1, 3) prior, k = 2 gives 1/4: (2/3, 1/3). */
Test(bisect, noise_hand_computed)
{
    rl_bisect_t b;
    rl_bisect_opts_t o = opts(RL_NOISE_FIXED, 0.1, 0, 0);
    cr_assert_eq(rl_bisect_init(&b, 3, &o), 0);
    rl_bisect_add(&b, 1, 1);
    NEAR(b.post[1], 5.0 / 6);
    NEAR(b.post[2], 1.0 / 6);
    rl_bisect_free(&b);
    o = opts(RL_NOISE_ESTIMATE, 0, 1, 3);
    cr_assert_eq(rl_bisect_init(&b, 3, &o), 0);
    rl_bisect_add(&b, 1, 1);
    NEAR(b.post[1], 2.0 / 3);
    NEAR(b.post[2], 1.0 / 3);
    rl_bisect_free(&b);
    /* Without noise the same crash rules k = 2 out. */
    o = opts(RL_NOISE_NONE, 0, 0, 0);
    cr_assert_eq(rl_bisect_init(&b, 3, &o), 0);
    rl_bisect_add(&b, 1, 1);
    NEAR(b.post[1], 1);
    NEAR(b.post[2], 0);
    rl_bisect_free(&b);
}

/* With the bad rate fixed at p, one pass of candidate 1 of three gives
 * k = 1 the weight 1 - p and k = 2 the weight 1. */
Test(bisect, plugin_hand_computed)
{
    rl_bisect_opts_t o = opts(RL_NOISE_NONE, 0, 0, 0);
    rl_bisect_t b;
    cr_assert_eq(rl_bisect_init(&b, 3, &o), 0);
    rl_bisect_add(&b, 1, 0);
    NEAR(rl_bisect_plugin(&b, 1, 0.3), 0.7 / 1.7);
    NEAR(rl_bisect_plugin(&b, 2, 0.3), 1 / 1.7);
    rl_bisect_free(&b);
}

static uint64_t rng = 0x1234567;
static double unit(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) * 0x1.0p-53;
}

/* Trial by trial (predictive probabilities) and from the counts (log Beta
 * functions) are the same posterior, in every noise mode. */
Test(bisect, incremental_equals_closed_form)
{
    rl_bisect_opts_t modes[3] = { opts(RL_NOISE_NONE, 0, 0, 0), opts(RL_NOISE_FIXED, 0.02, 0, 0),
                                  opts(RL_NOISE_ESTIMATE, 0, 1, 99) };
    for (int m = 0; m < 3; m++) {
        rl_bisect_t a, c;
        cr_assert_eq(rl_bisect_init(&a, 20, &modes[m]), 0);
        cr_assert_eq(rl_bisect_init(&c, 20, &modes[m]), 0);
        for (int t = 0; t < 400; t++) {
            int i = (int)(unit() * 20);
            /* first bad 12, rate 0.3; below it crashes only with noise */
            double p = i >= 12 ? 0.3 : (m ? 0.02 : 0);
            rl_bisect_add(&a, i, unit() < p);
        }
        for (int i = 0; i < 20; i++)
            c.trials[i] = a.trials[i], c.crashes[i] = a.crashes[i];
        rl_bisect_recompute(&c);
        for (int k = 0; k < 20; k++) {
            cr_assert(fabs(a.post[k] - c.post[k]) < 1e-9, "mode %d k %d: %.12g vs %.12g", m, k, a.post[k],
                      c.post[k]);
            cr_assert_eq(a.tail_t[k], c.tail_t[k]);
            cr_assert_eq(a.tail_c[k], c.tail_c[k]);
        }
        cr_assert(a.post[12] > 0.5, "mode %d: post[12] = %g", m, a.post[12]);
        rl_bisect_free(&a);
        rl_bisect_free(&c);
    }
}

static double h2(double q)
{
    return q <= 0 || q >= 1 ? 0 : -q * log(q) - (1 - q) * log(1 - q);
}

/* The gains against I(k; y) = H(y) - H(y | k) summed term by term, with
 * each hypothesis' predictive rate computed from the raw counts. */
Test(bisect, gains_match_definition)
{
    rl_bisect_opts_t modes[2] = { opts(RL_NOISE_NONE, 0, 0, 0), opts(RL_NOISE_ESTIMATE, 0, 1, 99) };
    for (int m = 0; m < 2; m++) {
        int n = 15;
        rl_bisect_t b;
        cr_assert_eq(rl_bisect_init(&b, n, &modes[m]), 0);
        for (int t = 0; t < 60; t++) {
            int i = (int)(unit() * n);
            rl_bisect_add(&b, i, unit() < (i >= 9 ? 0.2 : (m ? 0.01 : 0)));
        }
        rl_bisect_gains(&b);
        for (int i = 0; i < n; i++) {
            double P = 0, E = 0;
            for (int k = 1; k < n; k++) {
                long bt = 0, bc = 0, gt = 0, gc = 0;
                for (int j = 0; j < n; j++) {
                    if (j >= k)
                        bt += b.trials[j], bc += b.crashes[j];
                    else
                        gt += b.trials[j], gc += b.crashes[j];
                }
                double q = i >= k ? (1.0 + bc) / (2.0 + bt) : (m ? (1.0 + gc) / (100.0 + gt) : 0);
                P += b.post[k] * q;
                E += b.post[k] * h2(q);
            }
            double want = h2(P) - E;
            cr_assert(fabs(b.gain[i] - (want > 0 ? want : 0)) < 1e-12, "mode %d i %d: %.15g vs %.15g", m, i,
                      b.gain[i], want);
        }
        rl_bisect_free(&b);
    }
    /* Fresh, three candidates: only candidate 1 tells k = 1 from k = 2:
     * P(crash) = 1/4, gain H(1/4) - H(1/2)/2. */
    rl_bisect_opts_t o = opts(RL_NOISE_NONE, 0, 0, 0);
    rl_bisect_t b;
    cr_assert_eq(rl_bisect_init(&b, 3, &o), 0);
    rl_bisect_gains(&b);
    NEAR(b.gain[0], 0);
    NEAR(b.gain[1], h2(0.25) - 0.5 * log(2));
    NEAR(b.gain[2], 0);
    rl_bisect_free(&b);
}

/* The bad end first until it crashes, then the good end for as many trials
 * as the bad end took per crash, then the search; a crash of the good end
 * stops a search that assumes no noise. */
Test(bisect, ends_first)
{
    rl_bisect_opts_t o = opts(RL_NOISE_NONE, 0, 0, 0);
    rl_bisect_t b;
    cr_assert_eq(rl_bisect_init(&b, 10, &o), 0);
    int c = -1;
    cr_assert_eq(rl_bisect_next(&b, &c), RL_BISECT_RUN);
    cr_assert_eq(c, 9);
    rl_bisect_add(&b, 9, 0);
    rl_bisect_add(&b, 9, 0);
    cr_assert_eq(rl_bisect_next(&b, &c), RL_BISECT_RUN);
    cr_assert_eq(c, 9);
    rl_bisect_add(&b, 9, 1);
    for (int t = 0; t < 3; t++) {
        cr_assert_eq(rl_bisect_next(&b, &c), RL_BISECT_RUN);
        cr_assert_eq(c, 0, "good-end trial %d went to %d", t, c);
        rl_bisect_add(&b, 0, 0);
    }
    cr_assert_eq(rl_bisect_next(&b, &c), RL_BISECT_RUN);
    cr_assert(c > 0 && c < 9, "the search probes %d", c);
    rl_bisect_add(&b, 0, 1);
    cr_assert_eq(rl_bisect_next(&b, &c), RL_BISECT_GOOD_END_CRASHES);
    rl_bisect_free(&b);
}

/* Simulated searches: seeded, so deterministic.  Each finds its first bad
 * candidate; over 200 histories the search is right at least as often as
 * its confidence says. */
static int search(int n, int k, double p1, double p0, rl_noise_t noise, long *trials)
{
    rl_bisect_opts_t o = opts(noise, p0, 1, 99);
    rl_bisect_t b;
    cr_assert_eq(rl_bisect_init(&b, n, &o), 0);
    int c, ans = -1;
    long t = 0;
    rl_bisect_state_t st;
    while ((st = rl_bisect_next(&b, &c)) == RL_BISECT_RUN && t < 100000) {
        rl_bisect_add(&b, c, unit() < (c >= k ? p1 : p0));
        t++;
    }
    if (st == RL_BISECT_FOUND)
        ans = rl_bisect_best(&b, NULL);
    rl_bisect_free(&b);
    *trials = t;
    return ans;
}

Test(bisect, simulated_search_finds_k)
{
    rng = 42;
    long t;
    cr_assert_eq(search(64, 37, 0.3, 0, RL_NOISE_NONE, &t), 37);
    cr_assert_eq(search(64, 1, 0.3, 0, RL_NOISE_NONE, &t), 1);
    cr_assert_eq(search(64, 63, 0.3, 0, RL_NOISE_NONE, &t), 63);
    cr_assert_eq(search(2, 1, 0.5, 0, RL_NOISE_NONE, &t), 1);
    cr_assert_eq(search(1024, 700, 0.9, 0, RL_NOISE_NONE, &t), 700);
    cr_assert_eq(search(100, 50, 0.2, 0.01, RL_NOISE_ESTIMATE, &t), 50);
}

Test(bisect, simulated_accuracy_reaches_confidence)
{
    rng = 7;
    int right = 0;
    long total = 0;
    for (int s = 0; s < 200; s++) {
        int k = 1 + (int)(unit() * 31);
        long t;
        right += search(32, k, 0.2, 0, RL_NOISE_NONE, &t) == k;
        total += t;
    }
    cr_assert(right >= 190, "%d of 200 right", right);
    /* Plain bisection needs 18 trials per probe (90 in all) to be right 95%
     * of the time here; the search must not cost much more, ends included. */
    cr_assert(total / 200 < 120, "mean %ld trials", total / 200);
}
