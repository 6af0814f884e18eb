/* core/verdict.c - tallies and the judgement of expectations.
 *
 * rl_judge is stateless: it looks only at the tally, so calling it after
 * every trial (sequential stopping) or once at the end (fixed N) gives
 * answers that agree, and the printed interval never contradicts it.
 *
 * "crash /re/ rate >= r" HOLDS when the exact one-sided lower confidence
 * bound of the matching-crash rate is >= r.  Under sequential stopping it
 * may be decided early by two one-sided SPRTs with alpha = beta =
 * 1 - confidence, their likelihood ratios recomputed from (k, n):
 *   HOLDS early: p = r + (1-r)/2 against p = r reaches (1-beta)/alpha,
 *                and the exact lower bound is >= r;
 *   FAILS early: p = r/2 against p = r reaches (1-alpha)/beta, and the
 *                exact upper bound is < r.
 * By Ville's inequality a likelihood ratio ever reaching A under the null
 * has probability <= 1/A, so looking after every trial keeps the error
 * rates, and the bound conditions keep the decision in line with the
 * printed numbers.  Rates between r/2 and r + (1-r)/2 run to the cap and
 * are decided there: a variant that crashes 59% of the time is not failed
 * early against "rate >= 50%". 
 *
 * "hang rate >= r" is judged exactly like "crash rate >= r", with the
 * trials that hung (killed at the spec's timeout) in place of the matching
 * crashes: a deadlock such as a profiler suspending itself is a bug whose
 * only symptom is that the process never ends.
 *
 * "no-crash upper <= u" FAILS at the first trial that does not pass
 * (crash, hang and error all count: a fix that hangs is no fix) and HOLDS
 * once n trials all passed and the exact upper bound 1-(1-c)^(1/n) <= u,
 * i.e. n >= rl_plan_zero_crash(u, c).  Stopping early cannot save trials
 * here: no fewer clean trials can give that bound.
 *
 * Error trials (they could not start, or their wrapper said they never
 * started) are not evidence: every rule above is applied to the trials that
 * ran, with n counting only those.  The answer stands when counting the
 * error trials all as the expectation's event (a matching crash, a hang),
 * or all as passes, would give the same answer; otherwise more trials are
 * needed, and at the cap the expectation is UNDECIDED with "N trials could
 * not run" in its sentence.  So one error can never pass a no-crash
 * expectation (counted as a crash it fails), and a variant whose trials all
 * failed to start is undecided, never failed as if the program crashed. */
#include "core/verdict.h"

#include "util/fmt.h"
#include "util/regex.h"
#include "util/str.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rl_tally_init(rl_tally_t *t, const char *variant)
{
    memset(t, 0, sizeof *t);
    t->variant = variant;
    t->first_crash_s = -1.0;
    t->first_crash_index = -1;
}

/* The bucket of sig counts trial; its first trial is the lowest index,
 * whatever order trials finish in, so a report names the same one for the
 * same trials. */
static int bucket_add(rl_tally_t *t, const char *sig, const rl_trial_t *trial)
{
    for (int i = 0; i < t->nbuckets; i++)
        if (!strcmp(t->buckets[i].signature, sig)) {
            rl_bucket_t *b = &t->buckets[i];
            b->count++;
            if (trial->index < b->first_index) {
                char *log = rl_strdup(trial->log), *printed = rl_strdup(trial->printed);
                if ((trial->log && !log) || (trial->printed && !printed)) {
                    free(log);
                    free(printed);
                    return -1;
                }
                free(b->first_log);
                free(b->first_printed);
                b->first_log = log;
                b->first_printed = printed;
                b->first_index = trial->index;
            }
            return 0;
        }
    rl_bucket_t *nb = realloc(t->buckets, ((size_t)t->nbuckets + 1) * sizeof *nb);
    if (nb == NULL)
        return -1;
    t->buckets = nb;
    char *s = rl_strdup(sig);
    if (s == NULL)
        return -1;
    nb[t->nbuckets].signature = s;
    nb[t->nbuckets].count = 1;
    nb[t->nbuckets].first_index = trial->index;
    nb[t->nbuckets].first_log = rl_strdup(trial->log);
    nb[t->nbuckets].first_printed = rl_strdup(trial->printed);
    t->nbuckets++;
    return 0;
}

int rl_tally_add(rl_tally_t *t, const rl_trial_t *trial, const rl_regex_t *sig_re)
{
    int o = (int)trial->outcome;
    if (o < 0 || o >= RL_OUTCOME_COUNT)
        return -1;
    t->n++;
    t->outcomes[o]++;
    t->busy_s += trial->duration_s;
    if (o == RL_OUTCOME_PASS)
        return 0;
    /* An unsigned failure is bucketed under its class name. */
    const char *sig = trial->signature ? trial->signature : rl_outcome_name(trial->outcome);
    if (bucket_add(t, sig, trial) != 0)
        return -1;
    if (o != RL_OUTCOME_CRASH)
        return 0;
    int match = 1;
    if (sig_re != NULL)
        match = trial->signature ? rl_regex_search(sig_re, trial->signature) : 0;
    t->crashes_matching += match;
    /* Earliest crash in time (not in index): with parallel jobs a later
     * index can crash first, and "how long until it shows" is the point. */
    double end = trial->started_s + trial->duration_s;
    if (t->first_crash_index < 0 || end < t->first_crash_s ||
        (end == t->first_crash_s && trial->index < t->first_crash_index)) {
        t->first_crash_s = end;
        t->first_crash_index = trial->index;
    }
    return 0;
}

void rl_tally_free(rl_tally_t *t)
{
    for (int i = 0; i < t->nbuckets; i++) {
        free(t->buckets[i].signature);
        free(t->buckets[i].first_log);
        free(t->buckets[i].first_printed);
    }
    free(t->buckets);
    t->buckets = NULL;
    t->nbuckets = 0;
}

/* The most frequent bucket (first seen on ties), or NULL. */
static const rl_bucket_t *top_bucket(const rl_tally_t *t)
{
    const rl_bucket_t *b = NULL;
    for (int i = 0; i < t->nbuckets; i++)
        if (b == NULL || t->buckets[i].count > b->count)
            b = &t->buckets[i];
    return b;
}

static rl_judgement_t judge_crash(const rl_expect_t *e, const rl_tally_t *t, double c, long cap,
                                  int at_cap, int sequential, char *why, size_t whylen)
{
    int hang = e->kind == RL_EXPECT_HANG;
    long n = t->n, k = hang ? t->outcomes[RL_OUTCOME_HANG] : t->crashes_matching;
    double r = e->min_rate;
    char what[160], extra[200] = "", a[16], b[16], d[16], lb_s[16], r_s[16];
    if (hang)
        snprintf(what, sizeof what, "trials hung");
    else if (e->signature_re)
        snprintf(what, sizeof what, "crashes matched /%s/", e->signature_re);
    else
        snprintf(what, sizeof what, "trials crashed");
    long other = t->outcomes[RL_OUTCOME_CRASH] - (hang ? 0 : k);
    long hangs = hang ? 0 : t->outcomes[RL_OUTCOME_HANG], errs = t->outcomes[RL_OUTCOME_ERROR];
    if (hang && (other || errs)) {
        snprintf(extra, sizeof extra, " (not counted: %ld crash%s, %ld error%s)", other,
                 other == 1 ? "" : "es", errs, errs == 1 ? "" : "s");
    } else if (other || hangs || errs) {
        /* Failures that are not this bug's do not count toward its rate,
         * but hiding them would mislead. */
        snprintf(extra, sizeof extra, " (not counted: %ld other crash%s, %ld hang%s, %ld error%s)", other,
                 other == 1 ? "" : "es", hangs, hangs == 1 ? "" : "s", errs, errs == 1 ? "" : "s");
    }
    rl_fmt_pct(r_s, sizeof r_s, r);
    long need = rl_plan_zero_crash(1.0 - r, c); /* n/n crashes reach lb >= r */
    if (n == 0) {
        if (!at_cap)
            return RL_JUDGE_UNDECIDED;
        snprintf(why, whylen, "no trials were run");
        return RL_JUDGE_FAILS;
    }
    double lb = rl_lower_bound(k, n, c);
    rl_interval_t w = rl_wilson(k, n, c);
    int bound_ok = lb >= r;
    rl_judgement_t res = RL_JUDGE_UNDECIDED;
    const char *how = "";
    if (at_cap) {
        res = bound_ok ? RL_JUDGE_HOLDS : RL_JUDGE_FAILS;
    } else if (sequential) {
        double hi = r + (1.0 - r) / 2.0, lo = r / 2.0, alpha = 1.0 - c, beta = 1.0 - c;
        double llr_hi = (double)k * log(hi / r) + (double)(n - k) * (log1p(-hi) - log1p(-r));
        double llr_lo = (double)k * log(lo / r) + (double)(n - k) * (log1p(-lo) - log1p(-r));
        double ub = rl_upper_bound(k, n, c);
        if (llr_hi >= log((1.0 - beta) / alpha) && bound_ok) {
            res = RL_JUDGE_HOLDS;
        } else if (llr_lo >= log((1.0 - alpha) / beta) && ub < r) {
            char ub_s[16];
            snprintf(why, whylen, "%ld/%ld %s: rate %s [%s, %s], upper bound %s < %s, decided early by SPRT%s",
                     k, n, what, rl_fmt_pct(a, sizeof a, (double)k / (double)n), rl_fmt_pct(b, sizeof b, w.lo),
                     rl_fmt_pct(d, sizeof d, w.hi), rl_fmt_pct(ub_s, sizeof ub_s, ub), r_s, extra);
            return RL_JUDGE_FAILS;
        }
        how = ", decided early by SPRT";
    }
    if (res == RL_JUDGE_UNDECIDED)
        return res;
    snprintf(why, whylen, "%ld/%ld %s: rate %s [%s, %s], lower bound %s %s %s%s%s", k, n, what,
             rl_fmt_pct(a, sizeof a, (double)k / (double)n), rl_fmt_pct(b, sizeof b, w.lo),
             rl_fmt_pct(d, sizeof d, w.hi), rl_fmt_pct(lb_s, sizeof lb_s, lb), bound_ok ? ">=" : "<", r_s,
             how, extra);
    if (res == RL_JUDGE_FAILS && cap < need && n >= cap) {
        size_t len = strlen(why);
        snprintf(why + len, whylen - len, "; needs %ld trials, cap is %ld", need, cap);
    }
    return res;
}

static rl_judgement_t judge_no_crash(const rl_expect_t *e, const rl_tally_t *t, double c, long cap,
                                     int at_cap, char *why, size_t whylen)
{
    long n = t->n, bad = n - t->outcomes[RL_OUTCOME_PASS];
    double u = e->max_upper;
    char a[16], b[16], d[16], ub_s[16], u_s[16], what[160] = "crashes", extra[200] = "";
    rl_fmt_pct(u_s, sizeof u_s, u);
    long need = rl_plan_zero_crash(u, c);
    if (e->signature_re) {
        /* "The fix removes this crash": only crashes with a matching
         * signature count against it; the others are shown, not hidden. */
        long other = bad - t->crashes_matching;
        bad = t->crashes_matching;
        snprintf(what, sizeof what, "crashes matched /%s/", e->signature_re);
        if (other > 0)
            snprintf(extra, sizeof extra, " (not counted: %ld other failure%s)", other,
                     other == 1 ? "" : "s");
        if (bad > 0) {
            rl_interval_t w = rl_wilson(bad, n, c);
            snprintf(why, whylen, "%ld/%ld %s: rate %s [%s, %s]%s", bad, n, what,
                     rl_fmt_pct(a, sizeof a, (double)bad / (double)n), rl_fmt_pct(b, sizeof b, w.lo),
                     rl_fmt_pct(d, sizeof d, w.hi), extra);
            return RL_JUDGE_FAILS;
        }
    }
    if (bad > 0) {
        rl_interval_t w = rl_wilson(bad, n, c);
        const rl_bucket_t *top = top_bucket(t);
        snprintf(why, whylen,
                 "%ld/%ld trials did not pass (%ld crash, %ld hang, %ld error): rate %s [%s, %s]; "
                 "most common: %s",
                 bad, n, t->outcomes[RL_OUTCOME_CRASH], t->outcomes[RL_OUTCOME_HANG],
                 t->outcomes[RL_OUTCOME_ERROR], rl_fmt_pct(a, sizeof a, (double)bad / (double)n),
                 rl_fmt_pct(b, sizeof b, w.lo), rl_fmt_pct(d, sizeof d, w.hi),
                 top ? top->signature : "?");
        return RL_JUDGE_FAILS;
    }
    if (n == 0 && !at_cap)
        return RL_JUDGE_UNDECIDED;
    if (n == 0) {
        snprintf(why, whylen, "no trials were run; needs %ld", need);
        return RL_JUDGE_FAILS;
    }
    double ub = rl_upper_bound(0, n, c);
    rl_interval_t w = rl_wilson(0, n, c);
    if (n >= need) {
        snprintf(why, whylen, "0/%ld %s: rate 0.0%% [%s, %s], exact upper bound %s <= %s%s", n, what,
                 rl_fmt_pct(b, sizeof b, w.lo), rl_fmt_pct(d, sizeof d, w.hi),
                 rl_fmt_pct(ub_s, sizeof ub_s, ub), u_s, extra);
        return RL_JUDGE_HOLDS;
    }
    if (!at_cap)
        return RL_JUDGE_UNDECIDED;
    snprintf(why, whylen, "0/%ld %s: rate 0.0%% [%s, %s], exact upper bound %s > %s; needs %ld trials, %s %ld%s",
             n, what, rl_fmt_pct(b, sizeof b, w.lo), rl_fmt_pct(d, sizeof d, w.hi),
             rl_fmt_pct(ub_s, sizeof ub_s, ub), u_s, need, cap < need ? "cap is" : "ran", cap < need ? cap : n,
             extra);
    return RL_JUDGE_FAILS;
}

int rl_tally_hopeless(const rl_tally_t *t)
{
    return t->n >= RL_ERRORS_GIVE_UP && t->outcomes[RL_OUTCOME_ERROR] == t->n;
}

/* t with its error trials taken out (as < 0), or counted as if they had
 * all ended as `as`: a pass, or the expectation's own event (a hang, or a
 * crash its signature regex matches).  The buckets are shared, read only. */
static rl_tally_t rl__errors_as(const rl_tally_t *t, int as)
{
    rl_tally_t u = *t;
    long e = t->outcomes[RL_OUTCOME_ERROR];
    u.outcomes[RL_OUTCOME_ERROR] = 0;
    if (as < 0) {
        u.n -= e;
    } else if (as == RL_OUTCOME_CRASH) {
        u.outcomes[RL_OUTCOME_CRASH] += e;
        u.crashes_matching += e;
    } else {
        u.outcomes[as] += e;
    }
    return u;
}

static rl_judgement_t judge_kind(const rl_expect_t *e, const rl_tally_t *t, double c, long cap, int at_cap,
                                 int sequential, char *why, size_t whylen)
{
    why[0] = '\0';
    if (e->kind == RL_EXPECT_CRASH || e->kind == RL_EXPECT_HANG)
        return judge_crash(e, t, c, cap, at_cap, sequential, why, whylen);
    return judge_no_crash(e, t, c, cap, at_cap, why, whylen);
}

/* The most frequent error signature, or "error". */
static const char *top_error(const rl_tally_t *t)
{
    static const char prefixes[][16] = { "could not start", "did not start" };
    const rl_bucket_t *b = NULL;
    for (int i = 0; i < t->nbuckets; i++)
        for (size_t p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++)
            if (!strncmp(t->buckets[i].signature, prefixes[p], strlen(prefixes[p])) &&
                (b == NULL || t->buckets[i].count > b->count))
                b = &t->buckets[i];
    return b ? b->signature : "error";
}

rl_judgement_t rl_judge(const rl_expect_t *e, const rl_tally_t *t, const rl_spec_t *spec, int sequential,
                        char *why, size_t whylen)
{
    double c = spec->confidence > 0.0 && spec->confidence < 1.0 ? spec->confidence : 0.95;
    long cap = spec->trials;
    int at_cap = !sequential || t->n >= cap || rl_tally_hopeless(t);
    char dummy[8];
    if (why == NULL || whylen == 0) {
        why = dummy;
        whylen = sizeof dummy;
    }
    why[0] = '\0';
    long errs = t->outcomes[RL_OUTCOME_ERROR];
    if (errs == 0)
        return judge_kind(e, t, c, cap, at_cap, sequential, why, whylen);
    /* A trial that never ran is no evidence: the judgement is on the trials
     * that ran, and it stands only when counting the others as this
     * expectation's event, or as passes, would judge the same. */
    rl_tally_t ran = rl__errors_as(t, -1);
    rl_tally_t as_event = rl__errors_as(t, e->kind == RL_EXPECT_HANG ? RL_OUTCOME_HANG : RL_OUTCOME_CRASH);
    rl_tally_t as_pass = rl__errors_as(t, RL_OUTCOME_PASS);
    char scratch[512], ran_why[512] = "";
    rl_judgement_t r = RL_JUDGE_UNDECIDED;
    if (ran.n > 0)
        r = judge_kind(e, &ran, c, cap, at_cap, sequential, ran_why, sizeof ran_why);
    if (r != RL_JUDGE_UNDECIDED &&
        judge_kind(e, &as_event, c, cap, at_cap, sequential, scratch, sizeof scratch) == r &&
        judge_kind(e, &as_pass, c, cap, at_cap, sequential, scratch, sizeof scratch) == r) {
        snprintf(why, whylen, "%s; %ld trial%s could not run, not counted", ran_why, errs,
                 errs == 1 ? "" : "s");
        return r;
    }
    if (!at_cap)
        return RL_JUDGE_UNDECIDED;
    if (ran.n == 0)
        snprintf(why, whylen, "undecided: %ld trial%s could not run, none ran: %s", errs,
                 errs == 1 ? "" : "s", top_error(t));
    else
        snprintf(why, whylen, "undecided: %ld trial%s could not run (%s), and the verdict depends on "
                 "them; of the %ld that ran: %s", errs, errs == 1 ? "" : "s", top_error(t), ran.n, ran_why);
    return RL_JUDGE_UNDECIDED;
}
