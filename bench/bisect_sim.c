/* bisect_sim.c - the Bayesian search of core/bisect.c on simulated histories,
 * side by side with plain bisection and calibrate-then-bisect.
 *
 * A history has n candidates; the first bad one, k, is drawn uniformly from
 * 1 .. n-1; a trial of candidate i crashes with probability p1 when i >= k,
 * p0 when i < k.  Per cell (n, p1, p0) it runs S searches of each method on
 * the same histories and prints the fraction naming k and the mean trials:
 *
 *   bayes  rl_bisect_next/rl_bisect_add until FOUND, the ends checked first;
 *          p0 = 0 cells declare no noise, p0 > 0 cells estimate it (Beta
 *          prior of core/bisect.h) unless --noise-known gives it the rate.
 *   plain  bisection with r trials per probe, a probe bad when any of them
 *          crashed; r the smallest whose exact accuracy (summed over every k)
 *          reaches bayes' measured accuracy; r95 the smallest reaching the
 *          confidence.  "1stcrash" counts the trials when each probe stops
 *          at its first crash: the same verdicts for fewer trials, what a
 *          `git bisect run` script looping "up to r runs" does.  The ratio
 *          bayes/plain is taken against it, the cheaper of the two.
 *   calib  calibrate-then-bisect: r doubled from 4 until r trials of the bad
 *          end show >= 3 crashes, then plain bisection with that r.
 *   floor  the fewest mean trials any search could spend to be right as
 *          often as bayes, even one told p1 and p0 (core/bisect.c is not):
 *          a trial carries at most C bits about k (the channel's capacity,
 *          the best probe point), and Fano's inequality says how many bits
 *          an accuracy needs, so mean trials >= bits / C.  floor/plain is
 *          then the lowest ratio any search could reach in that cell.
 *
 * usage: bisect-sim --self-test (checks the plain and floor computations)
 *        bisect-sim [--searches S] [--n 64,1024] [--p1 0.02,0.1,0.5,0.9]
 *                   [--p0 0,0.005] [--confidence C] [--seed X] [--threads T]
 *                   [--noise-known] [--max-trials M] [--margin L] [--rate-known]
 *                   [--at-accuracy A]
 * (--margin: the search's rate_margin, default the confidence; 0 none.
 * --rate-known: the search is told p1, which no real search is: how much
 * of its cost is learning the rate.  A p1 of -1 draws the rate uniformly
 * for each search, from the search's own prior: bayes only.  --at-accuracy A
 * runs no Bayesian search: plain bisection, calib and the floor at accuracy
 * A, for a cell whose search was measured already.)
 * Deterministic for a given seed whatever --threads. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bisect.h"
#include "os/os.h"

typedef struct {
    uint64_t s[4];
} rng_t;

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rng_seed(rng_t *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256** */
static uint64_t rng_next(rng_t *r)
{
    uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

static double rng_unit(rng_t *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static int trial(rng_t *r, int i, int k, double p1, double p0)
{
    return rng_unit(r) < (i >= k ? p1 : p0);
}

typedef struct {
    int n;
    double p1, p0, confidence;
    int noise_known;
    long max_trials;
    double margin;            /* rl_bisect_opts_t.rate_margin */
    int rate_known;           /* the search is told p1 (a bound, not a method) */
} cell_t;

/* One Bayesian search; returns its answer (-1: gave up), *trials spent. */
static int bayes_search(const cell_t *c, int k, rng_t *r, long *trials)
{
    rl_bisect_opts_t o;
    rl_bisect_default_opts(&o);
    o.confidence = c->confidence;
    o.rate_margin = c->margin;
    if (c->rate_known) {
        /* a Beta prior this narrow is p1 itself; nothing left to calibrate */
        o.bad_a = c->p1 * 1e9;
        o.bad_b = (1 - c->p1) * 1e9;
        o.rate_margin = 0;
    }
    if (c->p0 > 0) {
        o.noise = c->noise_known ? RL_NOISE_FIXED : RL_NOISE_ESTIMATE;
        o.noise_rate = c->p0;
    }
    rl_bisect_t b;
    if (rl_bisect_init(&b, c->n, &o) != 0)
        return -1;
    int answer = -1, cand;
    long t = 0;
    for (;;) {
        rl_bisect_state_t st = rl_bisect_next(&b, &cand);
        if (st == RL_BISECT_FOUND) {
            answer = rl_bisect_best(&b, NULL);
            break;
        }
        if (st != RL_BISECT_RUN || t >= c->max_trials)
            break;
        rl_bisect_add(&b, cand, trial(r, cand, k, c->p1, c->p0));
        t++;
    }
    rl_bisect_free(&b);
    *trials = t;
    return answer;
}

/* Plain bisection with r trials per probe, a probe bad when at least m of
 * them crashed (m = 1 without noise: any crash); *trials all r of every
 * probe, *early the trials had each probe stopped as soon as its verdict
 * was sure (m crashes, or too few trials left to reach m). */
static int plain_search(const cell_t *c, int k, long r, long m, rng_t *rg, long *trials, long *early)
{
    int lo = 0, hi = c->n - 1;
    *trials = *early = 0;
    while (hi - lo > 1) {
        int mid = lo + (hi - lo) / 2;
        long crashes = 0;
        for (long j = 0; j < r; j++) {
            int decided = crashes >= m || crashes + (r - j) < m;
            int x = trial(rg, mid, k, c->p1, c->p0);
            if (!decided)
                (*early)++;
            crashes += x;
        }
        *trials += r;
        if (crashes >= m)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

/* How many k send plain bisection through nb bad and ng good probes: its
 * accuracy is the mean over k of bad_ok^nb good_ok^ng, so these counts
 * (computed once) make it cheap for any r and m. */
#define PATH_MAX_DEPTH 40
typedef struct {
    long count[PATH_MAX_DEPTH][PATH_MAX_DEPTH];
    int n, kinds;
    int nb[PATH_MAX_DEPTH * PATH_MAX_DEPTH], ng[PATH_MAX_DEPTH * PATH_MAX_DEPTH];
    double w[PATH_MAX_DEPTH * PATH_MAX_DEPTH];
} paths_t;

/* The bad (*nb) and good (*ng) probes plain bisection of n candidates meets
 * on its way to k when every verdict is right. */
static void plain_path(int n, int k, int *nb, int *ng)
{
    int lo = 0, hi = n - 1;
    *nb = *ng = 0;
    while (hi - lo > 1) {
        int mid = lo + (hi - lo) / 2;
        if (mid >= k)
            ++*nb, hi = mid;
        else
            ++*ng, lo = mid;
    }
}

static void plain_paths(const cell_t *c, paths_t *p)
{
    memset(p, 0, sizeof *p);
    p->n = c->n;
    for (int k = 1; k < c->n; k++) {
        int nb, ng;
        plain_path(c->n, k, &nb, &ng);
        p->count[nb][ng]++;
    }
    for (int nb = 0; nb < PATH_MAX_DEPTH; nb++)
        for (int ng = 0; ng < PATH_MAX_DEPTH; ng++)
            if (p->count[nb][ng]) {
                p->nb[p->kinds] = nb;
                p->ng[p->kinds] = ng;
                p->w[p->kinds++] = (double)p->count[nb][ng];
            }
}

static double plain_accuracy(const paths_t *p, double bad_ok, double good_ok)
{
    double sum = 0;
    for (int i = 0; i < p->kinds; i++)
        sum += p->w[i] * pow(bad_ok, p->nb[i]) * pow(good_ok, p->ng[i]);
    return sum / (p->n - 1);
}

/* log P(Bin(r, q) = x) */
static double lbinom(long r, long x, double q)
{
    if (q <= 0)
        return x == 0 ? 0 : -INFINITY;
    return lgamma((double)r + 1) - lgamma((double)x + 1) - lgamma((double)(r - x) + 1) + (double)x * log(q) +
           (double)(r - x) * log1p(-q);
}

/* The most accurate threshold m for r trials per probe (exact); *m. */
static double plain_best_m(const cell_t *c, const paths_t *p, long r, long *m)
{
    /* P(X1 >= j) and P(X0 < j) for j = 1, 2, ...: bad_ok falls and good_ok
     * rises with j; past r p1 + 10 sd bad_ok is gone. */
    long top = (long)(r * c->p1 + 10 * sqrt(r * c->p1 * (1 - c->p1)) + 2);
    if (top > r)
        top = r;
    if (c->p0 <= 0)
        top = 1;   /* no noise: any crash is proof, m = 1 is best */
    double below1 = 0, below0 = 0, best = -1;
    *m = 1;
    for (long j = 1; j <= top; j++) {
        below1 += exp(lbinom(r, j - 1, c->p1));
        below0 += exp(lbinom(r, j - 1, c->p0));
        double bad_ok = 1 - below1 < 0 ? 0 : 1 - below1, good_ok = below0 > 1 ? 1 : below0;
        if (j == 1)
            bad_ok = -expm1((double)r * log1p(-c->p1)), good_ok = exp((double)r * log1p(-c->p0));
        double acc = plain_accuracy(p, bad_ok, good_ok);
        if (acc > best)
            best = acc, *m = j;
    }
    return best;
}

/* The smallest r (with its best threshold *m) whose exact accuracy reaches
 * target, 0 when none does (then *best_r, *best_m, *best_acc: the most
 * accurate tried). */
static long smallest_r(const cell_t *c, double target, long *m, double *best_acc, long *best_r, long *best_m)
{
    paths_t p;
    plain_paths(c, &p);
    *best_acc = 0;
    *best_r = *best_m = 1;
    for (long t = 1; t <= 100000; t += t < 2000 ? 1 : t / 64) {
        double acc = plain_best_m(c, &p, t, m);
        if (acc > *best_acc)
            *best_acc = acc, *best_r = t, *best_m = *m;
        if (acc >= target)
            return t;
    }
    return 0;
}

/* Entropy of a Bernoulli(q), bits. */
static double h2bits(double q)
{
    return q <= 0 || q >= 1 ? 0 : -(q * log2(q) + (1 - q) * log2(1 - q));
}

/* Capacity of one trial, bits: a probe bad with probability u crashes with
 * u p1 + (1 - u) p0; the most the outcome tells about "bad or good" is the
 * maximum over u of H(u p1 + (1 - u) p0) - u H(p1) - (1 - u) H(p0), and no
 * trial tells more about k than that (k fixes the probe's state).  A fine
 * grid over u: the function is concave, the error far below the digits
 * printed. */
static double capacity(double p1, double p0)
{
    double best = 0;
    for (int i = 1; i < 100000; i++) {
        double u = i / 100000.0;
        double c = h2bits(u * p1 + (1 - u) * p0) - u * h2bits(p1) - (1 - u) * h2bits(p0);
        if (c > best)
            best = c;
    }
    return best;
}

/* Fewest mean trials to name one of the n - 1 equally likely k with
 * accuracy acc: by Fano the answer needs I >= log2(M) - H(1 - acc) -
 * (1 - acc) log2(M - 1) bits (M = n - 1 hypotheses), and a search
 * gathers at most capacity() bits per trial on average (also when it
 * chooses when to stop), so mean trials >= I / capacity. */
static double floor_trials(const cell_t *c, double acc)
{
    double m = c->n - 1, e = 1 - acc;
    double bits = log2(m) - h2bits(e) - (m > 1 ? e * log2(m - 1) : 0);
    return bits > 0 ? bits / capacity(c->p1, c->p0) : 0;
}

static int calib_search(const cell_t *c, int k, rng_t *rg, long *trials)
{
    long r = 4, spent = 0;
    for (;;) {
        long crashes = 0;
        for (long j = 0; j < r; j++)
            crashes += trial(rg, c->n - 1, k, c->p1, c->p0);
        spent += r;
        if (crashes >= 3 || r >= 1L << 20)
            break;
        r *= 2;
    }
    long t, e;
    int ans = plain_search(c, k, r, 1, rg, &t, &e);
    *trials = spent + t;
    return ans;
}

typedef struct {
    const cell_t *c;
    uint64_t seed;
    long from, to;            /* searches [from, to) */
    int method;               /* 0 bayes, 1 plain, 2 calib */
    long r, m;                /* plain: r trials per probe, bad at >= m crashes */
    long right, trials, early, gave_up;
} job_t;

static void run_job(void *arg)
{
    job_t *j = arg;
    for (long s = j->from; s < j->to; s++) {
        /* The history (k) depends on the search number only, so every
         * method meets the same ones; the trials get a stream per method. */
        uint64_t x = j->seed ^ (uint64_t)s * 0xd1342543de82ef95ULL;
        rng_t r;
        rng_seed(&r, x);
        int k = 1 + (int)(rng_next(&r) % (uint64_t)(j->c->n - 1));
        cell_t cc = *j->c;
        if (cc.p1 < 0)
            cc.p1 = rng_unit(&r);   /* --p1 -1: a rate from the search's own prior */
        rng_seed(&r, x + 1 + (uint64_t)j->method);
        long t = 0, e = 0;
        int ans;
        if (j->method == 0)
            ans = bayes_search(&cc, k, &r, &t);
        else if (j->method == 1)
            ans = plain_search(&cc, k, j->r, j->m, &r, &t, &e);
        else
            ans = calib_search(&cc, k, &r, &t);
        j->right += ans == k;
        j->gave_up += ans < 0;
        j->trials += t;
        j->early += j->method == 1 ? e : t;
    }
}

typedef struct {
    double acc, mean, mean_early;
    long gave_up;
} result_t;

static result_t run_method(const cell_t *c, uint64_t seed, long searches, int threads, int method, long r,
                           long m)
{
    job_t jobs[64];
    rl_thread_t *th[64];
    memset(jobs, 0, sizeof jobs);
    for (int t = 0; t < threads; t++) {
        jobs[t] = (job_t){ .c = c, .seed = seed, .method = method, .r = r, .m = m,
                           .from = searches * t / threads, .to = searches * (t + 1) / threads };
        th[t] = threads > 1 ? rl_thread_start(run_job, &jobs[t]) : NULL;
        if (!th[t])
            run_job(&jobs[t]);
    }
    result_t res = { 0 };
    long right = 0, trials = 0, early = 0;
    for (int t = 0; t < threads; t++) {
        if (th[t])
            rl_thread_join(th[t]);
        right += jobs[t].right;
        trials += jobs[t].trials;
        early += jobs[t].early;
        res.gave_up += jobs[t].gave_up;
    }
    res.acc = (double)right / (double)searches;
    res.mean = (double)trials / (double)searches;
    res.mean_early = (double)early / (double)searches;
    return res;
}

/* --self-test: the pieces the table's plain and floor columns rest on,
 * against independent computations; 0 when all agree. */
static int self_test(void)
{
    int bad = 0;
    /* p0 = 0 makes a trial a Z-channel (a bad probe crashes with p1, a good
     * one never): capacity log2(1 + p1 (1 - p1)^((1 - p1) / p1)). */
    double p1s[4] = { 0.02, 0.1, 0.5, 0.9 };
    for (int i = 0; i < 4; i++) {
        double q = 1 - p1s[i], want = log2(1 + (1 - q) * pow(q, q / (1 - q)));
        double got = capacity(p1s[i], 0);
        if (fabs(got - want) > 1e-6)
            printf("self-test: capacity(%g, 0) = %.9f, want %.9f\n", p1s[i], got, want), bad = 1;
    }
    /* A trial that tells nothing carries nothing. */
    if (capacity(0.3, 0.3) > 1e-12)
        printf("self-test: capacity(0.3, 0.3) = %g, want 0\n", capacity(0.3, 0.3)), bad = 1;
    /* Fano at accuracy 1 is the whole log2(n - 1) bits. */
    cell_t c = { .n = 64, .p1 = 0.5, .p0 = 0 };
    double want = log2(63) / capacity(0.5, 0);
    if (fabs(floor_trials(&c, 1) - want) > 1e-9)
        printf("self-test: floor at accuracy 1 = %g, want %g\n", floor_trials(&c, 1), want), bad = 1;
    /* plain accuracy with m of r, n = 9: each k's probability of a right
     * answer by walking the bisection with every probe's outcome counted
     * over all 2^r trial outcomes, against the tails the table uses. */
    c = (cell_t){ .n = 9, .p1 = 0.4, .p0 = 0.1 };
    paths_t ps;
    plain_paths(&c, &ps);
    for (long r = 1; r <= 8; r++)
        for (long m = 1; m <= r; m++) {
            double bad_ok = 0, good_ok = 0;
            for (long mask = 0; mask < 1L << r; mask++) {
                long x = 0;
                for (long bits = mask; bits; bits >>= 1)
                    x += bits & 1;
                double pb = pow(c.p1, (double)x) * pow(1 - c.p1, (double)(r - x));
                double pg = pow(c.p0, (double)x) * pow(1 - c.p0, (double)(r - x));
                bad_ok += x >= m ? pb : 0;
                good_ok += x < m ? pg : 0;
            }
            double sum = 0;
            for (int k = 1; k < c.n; k++) {
                int lo = 0, hi = c.n - 1;
                double a = 1;
                while (hi - lo > 1) {
                    int mid = lo + (hi - lo) / 2;
                    if (mid >= k)
                        a *= bad_ok, hi = mid;
                    else
                        a *= good_ok, lo = mid;
                }
                sum += a;
            }
            double exact = sum / (c.n - 1), tails = plain_accuracy(&ps, bad_ok, good_ok);
            /* and the tails plain_best_m sums from lbinom */
            double below1 = 0, below0 = 0;
            for (long j = 0; j < m; j++)
                below1 += exp(lbinom(r, j, c.p1)), below0 += exp(lbinom(r, j, c.p0));
            if (fabs(exact - tails) > 1e-12 || fabs(1 - below1 - bad_ok) > 1e-12 || fabs(below0 - good_ok) > 1e-12)
                printf("self-test: r %ld m %ld: accuracy %.12f vs %.12f, tails %.12f/%.12f vs %.12f/%.12f\n", r, m,
                       exact, tails, 1 - below1, below0, bad_ok, good_ok), bad = 1;
        }
    /* The early count: with p1 = 1 and p0 = 0 a bad probe stops at its
     * first trial and a good one runs all r (m = 1); with m = 2 a good one
     * stops once 2 crashes are out of reach, after r - 1 trials. */
    c = (cell_t){ .n = 64, .p1 = 1, .p0 = 0 };
    rng_t rg;
    rng_seed(&rg, 1);
    for (int k = 1; k < 64; k++)
        for (long m = 1; m <= 2; m++) {
            long t, e;
            int nb, ng, ans = plain_search(&c, k, 5, m, &rg, &t, &e);
            plain_path(64, k, &nb, &ng);
            long want_e = nb * m + ng * (m == 1 ? 5 : 4);
            if (ans != k || t != 5L * (nb + ng) || e != want_e)
                printf("self-test: k %d m %ld: answer %d, trials %ld/%ld, want %d, %ld/%ld\n", k, m, ans, t, e, k,
                       5L * (nb + ng), want_e), bad = 1;
        }
    printf("bisect-sim: self-test %s\n", bad ? "FAILED" : "passed");
    return bad;
}

/* "r" (any crash is bad), "r/m" (m crashes of r), in parentheses when it
 * does not reach its target */
static void plan_name(char *buf, size_t len, long found, long r, long m)
{
    if (m > 1)
        snprintf(buf, len, found ? "%ld/%ld" : "(%ld/%ld)", r, m);
    else
        snprintf(buf, len, found ? "%ld" : "(%ld)", r);
}

static int parse_list(const char *s, double *out, int max)
{
    int n = 0;
    while (*s && n < max) {
        char *end;
        out[n++] = strtod(s, &end);
        if (end == s)
            return -1;
        s = *end == ',' ? end + 1 : end;
        if (*end && *end != ',')
            return -1;
    }
    return n;
}

int main(int argc, char **argv)
{
    long searches = 1000, max_trials = 1000000;
    double ns[8] = { 64, 1024 }, p1s[8] = { 0.02, 0.1, 0.5, 0.9 }, p0s[8] = { 0, 0.005 };
    int nn = 2, np1 = 4, np0 = 2, threads = 1, noise_known = 0, rate_known = 0;
    double confidence = 0.95, margin = -1, at_accuracy = -1;
    uint64_t seed = 19;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--noise-known") == 0) {
            noise_known = 1;
            continue;
        }
        if (strcmp(a, "--self-test") == 0)
            return self_test();
        if (strcmp(a, "--rate-known") == 0) {
            rate_known = 1;
            continue;
        }
        if (strcmp(a, "--help") == 0 || !v) {
            fputs("usage: bisect-sim [--searches S] [--n 64,1024] [--p1 0.02,0.1,0.5,0.9] [--p0 0,0.005]\n"
                  "                  [--confidence C] [--seed X] [--threads T] [--noise-known]\n"
                  "                  [--max-trials M] [--margin L] [--rate-known] [--at-accuracy A]\n"
                  "       bisect-sim --self-test\n",
                  strcmp(a, "--help") == 0 ? stdout : stderr);
            return strcmp(a, "--help") == 0 ? 0 : 64;
        }
        i++;
        int bad = 0;
        if (strcmp(a, "--searches") == 0)
            bad = (searches = atol(v)) < 1;
        else if (strcmp(a, "--max-trials") == 0)
            bad = (max_trials = atol(v)) < 1;
        else if (strcmp(a, "--threads") == 0)
            bad = (threads = atoi(v)) < 1 || threads > 64;
        else if (strcmp(a, "--seed") == 0)
            seed = strtoull(v, NULL, 0);
        else if (strcmp(a, "--confidence") == 0)
            bad = !((confidence = atof(v)) > 0 && confidence < 1);
        else if (strcmp(a, "--at-accuracy") == 0)
            bad = !((at_accuracy = atof(v)) > 0 && at_accuracy <= 1);
        else if (strcmp(a, "--margin") == 0)
            bad = !((margin = atof(v)) >= 0 && margin < 1);
        else if (strcmp(a, "--n") == 0)
            bad = (nn = parse_list(v, ns, 8)) < 1;
        else if (strcmp(a, "--p1") == 0)
            bad = (np1 = parse_list(v, p1s, 8)) < 1;
        else if (strcmp(a, "--p0") == 0)
            bad = (np0 = parse_list(v, p0s, 8)) < 1;
        else
            bad = 1;
        if (bad) {
            fprintf(stderr, "bisect-sim: bad option %s %s (see --help)\n", a, v);
            return 64;
        }
    }
    printf("bisect-sim: %ld searches per cell, confidence %.3g, seed %llu, p0 %s, p1 %s\n", searches,
           confidence, (unsigned long long)seed, noise_known ? "given to the search" : "estimated",
           rate_known ? "given to the search" : "learned");
    printf("%5s %5s %6s | %6s %8s | %5s %6s %8s %8s | %5s %6s %8s | %6s %8s | %7s | %s\n", "n", "p1", "p0",
           "bayes", "trials", "r", "plain", "trials", "1stcrash", "r95", "plain", "trials", "calib", "trials",
           "floor", "bayes/plain (floor/plain)");
    int all_ok = 1;
    for (int a = 0; a < nn; a++)
        for (int b = 0; b < np1; b++)
            for (int d = 0; d < np0; d++) {
                cell_t c = { .n = (int)ns[a], .p1 = p1s[b], .p0 = p0s[d], .confidence = confidence,
                             .noise_known = noise_known, .max_trials = max_trials,
                             .margin = margin, .rate_known = rate_known };
                if (c.n < 2)
                    continue;
                uint64_t cs = seed * 1000003u + (uint64_t)(a * 64 + b * 8 + d);
                /* --at-accuracy A: no Bayesian search, the other methods
                 * (and the floor) at accuracy A, e.g. one a longer run of
                 * the search measured; bayes' columns then read 0 */
                result_t by = { .acc = at_accuracy };
                if (at_accuracy < 0)
                    by = run_method(&c, cs, searches, threads, 0, 0, 0);
                if (c.p1 < 0) {
                    /* p1 differs per search: no one r for plain bisection */
                    printf("%5d %5s %6.3g | %6.3f %8.1f | (p1 uniform per search: bayes only)\n", c.n, "unif",
                           c.p0, by.acc, by.mean);
                    if (by.acc < confidence)
                        all_ok = 0;
                    continue;
                }
                /* the smallest r whose exact accuracy reaches bayes' (and
                 * the stated confidence) */
                /* The accuracy plain bisection must reach: bayes' measured
                 * one, except that S right of S counts as S - 1/2 of S (a
                 * perfect score says the accuracy is near 1, not 1; plain
                 * bisection reaches exactly 1 with no finite r). */
                double target = by.acc < 1 ? by.acc : 1 - 0.5 / (double)searches;
                double best_acc, acc95;
                long best_r, best_m, m, r95_r, r95_m, m95;
                long r = smallest_r(&c, target, &m, &best_acc, &best_r, &best_m);
                if (!r)
                    r = -best_r, m = best_m;   /* not reached: the best there is */
                long r95 = smallest_r(&c, confidence, &m95, &acc95, &r95_r, &r95_m);
                if (!r95)
                    r95 = -r95_r, m95 = r95_m;
                result_t pl = run_method(&c, cs, searches, threads, 1, labs(r), m);
                result_t p95 = run_method(&c, cs, searches, threads, 1, labs(r95), m95);
                result_t ca = run_method(&c, cs, searches, threads, 2, 0, 0);
                double fl = floor_trials(&c, by.acc);
                char rbuf[32], r95buf[32], ratio[64];
                plan_name(rbuf, sizeof rbuf, r > 0, labs(r), m);
                plan_name(r95buf, sizeof r95buf, r95 > 0, labs(r95), m95);
                if (at_accuracy >= 0)
                    snprintf(ratio, sizeof ratio, "- (no search run; floor/plain %.2f)", fl / pl.mean_early);
                else if (r > 0)
                    snprintf(ratio, sizeof ratio, "%.2f (%.2f)", by.mean / pl.mean_early, fl / pl.mean_early);
                else
                    snprintf(ratio, sizeof ratio, "- (plain peaks at %.3f)", best_acc);
                printf("%5d %5.3g %6.3g | %6.3f %8.1f | %5s %6.3f %8.1f %8.1f | %5s %6.3f %8.1f | %6.3f %8.1f | %7.1f | "
                       "%s%s\n",
                       c.n, c.p1, c.p0, by.acc, by.mean, rbuf, pl.acc, pl.mean, pl.mean_early, r95buf, p95.acc,
                       p95.mean, ca.acc, ca.mean, fl, ratio, by.gave_up ? " (bayes gave up in some)" : "");
                fflush(stdout);
                if (by.acc < confidence)
                    all_ok = 0;
            }
    if (at_accuracy >= 0) {
        printf("bisect-sim: no Bayesian search run (--at-accuracy)\n");
        return 0;
    }
    printf("bisect-sim: bayes accuracy %s the confidence %.3g\n",
           all_ok ? "reaches" : "MISSES (in at least one cell)", confidence);
    if (all_ok)
        printf("bisect-sim: in every cell\n");
    return all_ok ? 0 : 1;
}
