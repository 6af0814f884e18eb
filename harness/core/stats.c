/* core/stats.c - intervals, bounds, Fisher's exact test, SPRT and trial plans.
 *
 * Exact bounds come from the regularized incomplete beta function (the
 * binomial tail in closed form), inverted by bisection down to adjacent
 * doubles, so they are exact to double precision rather than normal
 * approximations.  Fisher's test sums hypergeometric terms in log space
 * (lgamma) so 1000-trial tables neither overflow nor lose the tail. */
#include "core/stats.h"

#include <float.h>
#include <math.h>

/* The modified Lentz method keeps its terms away from zero. */
static const double tiny = 1e-300;

/* One step of the modified Lentz method with coefficient aa: updates c and
 * d, returns the factor the fraction is multiplied by. */
static double lentz_step(double aa, double *c, double *d)
{
    *d = 1.0 + aa * *d;
    if (fabs(*d) < tiny)
        *d = tiny;
    *c = 1.0 + aa / *c;
    if (fabs(*c) < tiny)
        *c = tiny;
    *d = 1.0 / *d;
    return *d * *c;
}

/* Continued fraction for the incomplete beta (modified Lentz). */
static double beta_cf(double a, double b, double x)
{
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
    if (fabs(d) < tiny)
        d = tiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= 10000; m++) {
        double m2 = 2.0 * m;
        h *= lentz_step(m * (b - m) * x / ((a + m2 - 1.0) * (a + m2)), &c, &d);
        double del = lentz_step(-(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0)), &c, &d);
        h *= del;
        if (fabs(del - 1.0) < 1e-16)
            break;
    }
    return h;
}

/* Regularized incomplete beta I_x(a, b). */
static double inc_beta(double a, double b, double x)
{
    if (x <= 0.0)
        return 0.0;
    if (x >= 1.0)
        return 1.0;
    double lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
    double bt = exp(lbt);
    /* The fraction converges fast only on one side of the mean. */
    if (x < (a + 1.0) / (a + b + 2.0))
        return bt * beta_cf(a, b, x) / a;
    return 1.0 - bt * beta_cf(b, a, 1.0 - x) / b;
}

/* Smallest x in [0,1] with I_x(a,b) >= target, by bisection: I is monotone
 * in x, so this converges to the double next to the true quantile. */
static double beta_quantile(double a, double b, double target)
{
    double lo = 0.0, hi = 1.0;
    for (int i = 0; i < 200; i++) {
        double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi)
            break;
        if (inc_beta(a, b, mid) < target)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

double rl_normal_quantile(double p)
{
    if (!(p > 0.0))
        return -INFINITY;
    if (!(p < 1.0))
        return INFINITY;
    /* Acklam's rational approximation (relative error 1.15e-9), then one
     * Halley step on erfc, which brings it to double precision. */
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                               -2.759285104469687e+02, 1.383577518672690e+02,
                               -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                               -1.556989798598866e+02, 6.680131188771972e+01,
                               -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                               -2.400758277161838e+00, -2.549732539343734e+00,
                               4.374664141464968e+00, 2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                               2.445134137142996e+00, 3.754408661907416e+00};
    const double plow = 0.02425;
    double x;
    if (p < plow) {
        double q = sqrt(-2.0 * log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    } else if (p <= 1.0 - plow) {
        double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
    } else {
        double q = sqrt(-2.0 * log1p(-p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    }
    double e = 0.5 * erfc(-x / sqrt(2.0)) - p;
    double u = e * sqrt(2.0 * 3.14159265358979323846) * exp(x * x / 2.0);
    return x - u / (1.0 + x * u / 2.0);
}

rl_interval_t rl_wilson(long k, long n, double confidence)
{
    rl_interval_t iv = {0.0, 1.0};
    if (n <= 0 || k < 0 || k > n)
        return iv;
    double z = rl_normal_quantile(1.0 - (1.0 - confidence) / 2.0);
    double z2 = z * z, nn = (double)n, p = (double)k / nn;
    double denom = 1.0 + z2 / nn;
    double centre = (p + z2 / (2.0 * nn)) / denom;
    double half = z / denom * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn));
    iv.lo = k == 0 ? 0.0 : fmax(0.0, centre - half);
    iv.hi = k == n ? 1.0 : fmin(1.0, centre + half);
    return iv;
}

double rl_upper_bound(long k, long n, double confidence)
{
    if (n <= 0 || k >= n)
        return 1.0;
    if (k <= 0)
        return -expm1(log1p(-confidence) / (double)n);
    /* The p with P(X <= k | n, p) = 1 - c, i.e. the c-quantile of
     * Beta(k+1, n-k). */
    return beta_quantile((double)k + 1.0, (double)(n - k), confidence);
}

double rl_lower_bound(long k, long n, double confidence)
{
    if (n <= 0 || k <= 0)
        return 0.0;
    if (k >= n)
        return exp(log1p(-confidence) / (double)n);
    /* The p with P(X >= k | n, p) = 1 - c: the (1-c)-quantile of
     * Beta(k, n-k+1). */
    return beta_quantile((double)k, (double)(n - k) + 1.0, 1.0 - confidence);
}

static double log_choose(long n, long k)
{
    return lgamma((double)n + 1.0) - lgamma((double)k + 1.0) - lgamma((double)(n - k) + 1.0);
}

double rl_fisher_greater(long ka, long na, long kb, long nb)
{
    if (na <= 0 || nb <= 0 || ka < 0 || kb < 0 || ka > na || kb > nb)
        return 1.0;
    long K = ka + kb, N = na + nb;
    long xmin = K - nb > 0 ? K - nb : 0, xmax = K < na ? K : na;
    double lden = log_choose(N, na);
    if (ka <= xmin)
        return 1.0;
    /* Sum whichever tail is the small one, from its far end inwards, so
     * tiny p-values keep their digits and large ones are 1 - small. */
    double mode = ((double)K + 1.0) * ((double)na + 1.0) / ((double)N + 2.0);
    double sum = 0.0;
    if ((double)ka >= mode) {
        for (long x = xmax; x >= ka; x--)
            sum += exp(log_choose(K, x) + log_choose(N - K, na - x) - lden);
    } else {
        for (long x = xmin; x < ka; x++)
            sum += exp(log_choose(K, x) + log_choose(N - K, na - x) - lden);
        sum = 1.0 - sum;
    }
    return sum > 1.0 ? 1.0 : sum < 0.0 ? 0.0 : sum;
}

void rl_sprt_init(rl_sprt_t *s, double p0, double p1, double alpha, double beta)
{
    s->p0 = p0;
    s->p1 = p1;
    s->alpha = alpha;
    s->beta = beta;
    s->llr = 0.0;
    s->n = s->k = 0;
}

rl_sprt_state_t rl_sprt_state(const rl_sprt_t *s)
{
    if (s->llr >= log((1.0 - s->beta) / s->alpha))
        return RL_SPRT_ACCEPT_H1;
    if (s->llr <= log(s->beta / (1.0 - s->alpha)))
        return RL_SPRT_ACCEPT_H0;
    return RL_SPRT_CONTINUE;
}

rl_sprt_state_t rl_sprt_add(rl_sprt_t *s, int success)
{
    s->n++;
    if (success) {
        s->k++;
        s->llr += log(s->p1 / s->p0);
    } else {
        s->llr += log1p(-s->p1) - log1p(-s->p0);
    }
    return rl_sprt_state(s);
}

/* ceil(ln(1-c)/ln(1-p)), with the quotient nudged down by a few ulps so an
 * exact integer is not pushed to the next one by rounding. */
static long plan(double p, double confidence)
{
    if (!(p > 0.0) || !(confidence > 0.0) || !(confidence < 1.0))
        return -1;
    if (p >= 1.0)
        return 1;
    double q = log1p(-confidence) / log1p(-p);
    double n = ceil(q * (1.0 - 8.0 * DBL_EPSILON));
    if (n < 1.0)
        n = 1.0;
    if (n > 2e18)
        return -1;
    return (long)n;
}

long rl_plan_zero_crash(double max_rate, double confidence)
{
    return plan(max_rate, confidence);
}

long rl_plan_first_crash(double rate, double confidence)
{
    return plan(rate, confidence);
}
