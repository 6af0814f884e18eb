/* core/bisect.c - the posterior over the first bad candidate and the choice
 * of the next trial (see core/bisect.h for the model).
 *
 * Notation: for a hypothesis k, the "bad side" is candidates k .. n-1, the
 * "good side" 0 .. k-1.  tail_t[k], tail_c[k] are the trials and crashes on
 * the bad side; the good side has the totals minus those.  With p1 ~
 * Beta(a, b) integrated out, the likelihood of the bad side's trials is
 * B(a + crashes, b + passes) / B(a, b), and the predictive probability that
 * one more bad-side trial crashes is (a + crashes) / (a + b + trials); the
 * good side is the same with the noise prior (or a fixed p0).  Everything
 * below is those two formulas, summed over k with prefix sums so that a
 * trial, and the choice of the next one, cost O(n). */
#include "core/bisect.h"
#include "core/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void rl_bisect_default_opts(rl_bisect_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->bad_a = 1.0;
    o->bad_b = 1.0;
    o->noise = RL_NOISE_NONE;
    o->noise_a = RL_BISECT_NOISE_A;
    o->noise_b = RL_BISECT_NOISE_B;
    o->confidence = 0.95;
    o->rate_margin = -1;
    o->good_end_trials = -1;
}

int rl_bisect_init(rl_bisect_t *b, int n, const rl_bisect_opts_t *o)
{
    memset(b, 0, sizeof *b);
    if (n < 2)
        return -1;
    b->n = n;
    b->o = *o;
    if (b->o.noise == RL_NOISE_FIXED && !(b->o.noise_rate > 0))
        b->o.noise = RL_NOISE_NONE;
    size_t nn = (size_t)n;
    b->trials = calloc(nn, sizeof *b->trials);
    b->crashes = calloc(nn, sizeof *b->crashes);
    b->tail_t = calloc(nn + 1, sizeof *b->tail_t);
    b->tail_c = calloc(nn + 1, sizeof *b->tail_c);
    b->post = calloc(nn, sizeof *b->post);
    b->gain = calloc(nn, sizeof *b->gain);
    b->skip = calloc(nn, sizeof *b->skip);
    if (!b->trials || !b->crashes || !b->tail_t || !b->tail_c || !b->post || !b->gain || !b->skip) {
        rl_bisect_free(b);
        return -1;
    }
    for (int k = 1; k < n; k++)
        b->post[k] = 1.0 / (n - 1);
    return 0;
}

void rl_bisect_free(rl_bisect_t *b)
{
    free(b->trials);
    free(b->crashes);
    free(b->tail_t);
    free(b->tail_c);
    free(b->post);
    free(b->gain);
    free(b->skip);
    memset(b, 0, sizeof *b);
}

/* Predictive crash probability of one more trial on the bad side of k. */
static double q_bad(const rl_bisect_t *b, int k)
{
    return (b->o.bad_a + (double)b->tail_c[k]) / (b->o.bad_a + b->o.bad_b + (double)b->tail_t[k]);
}

/* ... and on the good side of k. */
static double q_good(const rl_bisect_t *b, int k)
{
    switch (b->o.noise) {
    case RL_NOISE_FIXED:
        return b->o.noise_rate;
    case RL_NOISE_ESTIMATE:
        return (b->o.noise_a + (double)(b->tail_c[0] - b->tail_c[k])) /
               (b->o.noise_a + b->o.noise_b + (double)(b->tail_t[0] - b->tail_t[k]));
    default:
        return 0.0;
    }
}

static void normalise(rl_bisect_t *b)
{
    double s = 0;
    for (int k = 1; k < b->n; k++)
        s += b->post[k];
    if (s > 0)
        for (int k = 1; k < b->n; k++)
            b->post[k] /= s;
}

void rl_bisect_add(rl_bisect_t *b, int i, int crashed)
{
    if (i < 0 || i >= b->n)
        return;
    /* Hypotheses k <= i put candidate i on the bad side, k > i on the good. */
    for (int k = 1; k < b->n; k++) {
        double q = k <= i ? q_bad(b, k) : q_good(b, k);
        b->post[k] *= crashed ? q : 1.0 - q;
    }
    normalise(b);
    b->trials[i]++;
    b->crashes[i] += crashed ? 1 : 0;
    for (int k = 0; k <= i; k++) {
        b->tail_t[k]++;
        b->tail_c[k] += crashed ? 1 : 0;
    }
}

static double lbeta(double a, double b)
{
    return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/* The log-likelihood the good candidates' c0 crashes in c0 + f0 trials add
 * under the noise model: impossible without noise, a fixed rate, or a rate
 * integrated out under its Beta prior. */
static double noise_term(const rl_bisect_opts_t *o, double c0, double f0)
{
    if (o->noise == RL_NOISE_NONE)
        return c0 > 0 ? -INFINITY : 0.0;
    if (o->noise == RL_NOISE_FIXED)
        return c0 * log(o->noise_rate) + f0 * log1p(-o->noise_rate);
    return lbeta(o->noise_a + c0, o->noise_b + f0) - lbeta(o->noise_a, o->noise_b);
}

void rl_bisect_recompute(rl_bisect_t *b)
{
    int n = b->n;
    b->tail_t[n] = b->tail_c[n] = 0;
    for (int k = n - 1; k >= 0; k--) {
        b->tail_t[k] = b->tail_t[k + 1] + b->trials[k];
        b->tail_c[k] = b->tail_c[k + 1] + b->crashes[k];
    }
    const rl_bisect_opts_t *o = &b->o;
    double top = -INFINITY;
    for (int k = 1; k < n; k++) {
        double c1 = (double)b->tail_c[k], f1 = (double)(b->tail_t[k] - b->tail_c[k]);
        double c0 = (double)(b->tail_c[0] - b->tail_c[k]);
        double f0 = (double)(b->tail_t[0] - b->tail_t[k]) - c0;
        double lp = lbeta(o->bad_a + c1, o->bad_b + f1) - lbeta(o->bad_a, o->bad_b) +
                    noise_term(o, c0, f0);
        b->post[k] = lp;
        if (lp > top)
            top = lp;
    }
    for (int k = 1; k < n; k++)
        b->post[k] = top == -INFINITY ? 0.0 : exp(b->post[k] - top);
    b->post[0] = 0;
    normalise(b);
}

void rl_bisect_set(rl_bisect_t *b, int i, long trials, long crashes)
{
    if (i < 0 || i >= b->n)
        return;
    b->trials[i] = trials;
    b->crashes[i] = crashes;
    rl_bisect_recompute(b);
}

void rl_bisect_skip(rl_bisect_t *b, int i)
{
    if (i >= 0 && i < b->n)
        b->skip[i] = 1;
}

int rl_bisect_best(const rl_bisect_t *b, double *p)
{
    int best = 1;
    for (int k = 2; k < b->n; k++)
        if (b->post[k] > b->post[best])
            best = k;
    if (p)
        *p = b->post[best];
    return best;
}

double rl_bisect_rate(const rl_bisect_t *b, int k)
{
    if (k < 1 || k >= b->n)
        return 0;
    return q_bad(b, k);
}

/* Entropy of a Bernoulli(q), nats. */
static double h2(double q)
{
    if (q <= 0 || q >= 1)
        return 0;
    return -q * log(q) - (1 - q) * log1p(-q);
}

/* Hypotheses below this posterior are left out of the information sums:
 * together they change a gain by less than n * 1e-15 * ln 2 nats, far below
 * any difference between candidates that matters. */
#define RL__NEGLIGIBLE 1e-15

void rl_bisect_gains(rl_bisect_t *b)
{
    int n = b->n;
    /* One trial of i crashes with P = sum_k post[k] q_k(i), where q_k(i) is
     * q_bad(k) for k <= i and q_good(k) for k > i; its information about k
     * is H(P) - sum_k post[k] H(q_k(i)).  The good side's totals over all k
     * less running sums over k <= i give both parts in one pass. */
    double gp = 0, gh = 0;
    for (int k = 1; k < n; k++) {
        if (b->post[k] < RL__NEGLIGIBLE)
            continue;
        double q = q_good(b, k);
        gp += b->post[k] * q;
        gh += b->post[k] * h2(q);
    }
    double bp = 0, bh = 0;      /* over k <= i: post*q_bad, post*H(q_bad) */
    for (int i = 0; i < n; i++) {
        if (i >= 1 && b->post[i] >= RL__NEGLIGIBLE) {
            double qb = q_bad(b, i), qg = q_good(b, i);
            bp += b->post[i] * qb;
            bh += b->post[i] * h2(qb);
            gp -= b->post[i] * qg;
            gh -= b->post[i] * h2(qg);
        }
        double p = bp + (gp > 0 ? gp : 0);
        double mi = h2(p) - bh - (gh > 0 ? gh : 0);
        b->gain[i] = mi > 0 ? mi : 0;
    }
}

double rl_bisect_plugin(const rl_bisect_t *b, int best, double p1)
{
    const rl_bisect_opts_t *o = &b->o;
    int n = b->n;
    double top = -INFINITY, lbest = -INFINITY, sum = 0;
    double lp1 = log(p1), lq1 = log1p(-p1);
    /* two passes: the largest log weight, then the sum relative to it */
    for (int pass = 0; pass < 2; pass++)
        for (int k = 1; k < n; k++) {
            double c1 = (double)b->tail_c[k], f1 = (double)(b->tail_t[k] - b->tail_c[k]);
            double c0 = (double)(b->tail_c[0] - b->tail_c[k]);
            double f0 = (double)(b->tail_t[0] - b->tail_t[k]) - c0;
            double lp = c1 * lp1 + f1 * lq1 + noise_term(o, c0, f0);
            if (pass == 0) {
                if (lp > top)
                    top = lp;
                if (k == best)
                    lbest = lp;
            } else if (lp > -INFINITY) {
                sum += exp(lp - top);
            }
        }
    if (top == -INFINITY || lbest == -INFINITY)
        return 0;
    return exp(lbest - top) / sum;
}

rl_bisect_state_t rl_bisect_next(rl_bisect_t *b, int *cand)
{
    int n = b->n;
    if (b->o.noise == RL_NOISE_NONE && b->crashes[0] > 0)
        return RL_BISECT_GOOD_END_CRASHES;
    /* The bad end must show the signature at all. */
    if (b->crashes[n - 1] == 0) {
        *cand = n - 1;
        return RL_BISECT_RUN;
    }
    /* The good end: as many trials as the bad end needs per crash, so that
     * a good end as bad as the bad end would likely show it. */
    long quota = b->o.good_end_trials;
    if (quota < 0)
        quota = (b->trials[n - 1] + b->crashes[n - 1] - 1) / b->crashes[n - 1];
    if (b->trials[0] < quota) {
        *cand = 0;
        return RL_BISECT_RUN;
    }
    double p;
    int k = rl_bisect_best(b, &p);
    if (p >= b->o.confidence) {
        double margin = b->o.rate_margin < 0 ? b->o.confidence : b->o.rate_margin;
        if (margin == 0)
            return RL_BISECT_FOUND;
        double lo = rl_lower_bound(b->tail_c[k], b->tail_t[k], margin);
        if (lo > 0 && rl_bisect_plugin(b, k, lo) >= b->o.confidence)
            return RL_BISECT_FOUND;
    }
    rl_bisect_gains(b);
    int best = -1;
    for (int i = 0; i < n; i++)
        if (!b->skip[i] && b->gain[i] > 0 && (best < 0 || b->gain[i] > b->gain[best]))
            best = i;
    if (best < 0)
        return RL_BISECT_STUCK;   /* only the skipped ones would tell */
    *cand = best;
    return RL_BISECT_RUN;
}
