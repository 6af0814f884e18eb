/* cmd/calibrate.c - racelab calibrate [options] SPEC: measure each variant's
 * rate under the current conditions (the spec's fixed-N plan, optionally
 * beside --co-load) and propose, from the measurement, expectation
 * thresholds with a margin and the trial cap under which sequential
 * stopping decides them with a stated probability (core/calibrate.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "core/calibrate.h"
#include "core/evaluate.h"
#include "core/stats.h"
#include "report/writer.h"
#include "store/results.h"
#include "util/fmt.h"

/* The largest cap proposed: beyond it a gate is too slow to be one. */
#define RL__CALIB_MAX_CAP 100000L

static const char rl__calibrate_help[] =
    "usage: racelab calibrate [options] SPEC\n"
    "  Runs every variant of SPEC to its trial count (no early stop), prints each\n"
    "  variant's rate with its interval, and proposes: for a crash or hang\n"
    "  expectation the rate threshold at half the measured exact lower bound, and\n"
    "  the trial cap under which sequential stopping decides each expectation\n"
    "  (HOLDS) with probability >= P at the measured rate (crash, hang: its lower\n"
    "  bound), from seeded simulations of racelab's own decision rule.\n"
    "  --jobs J          trials in parallel (default: the number of cores)\n"
    "  --results DIR     results directory (default results/<spec>-<time>)\n"
    "  --resume DIR      continue an interrupted calibration in DIR\n"
    "  --seed S          base seed of the trials (default: random)\n"
    "  --build DIR       value of {build} (default $RACELAB_BUILD or build)\n"
    "  --co-load cpu=N   N busy threads beside the trials (see racelab check)\n"
    "  --probability P   the probability the cap must reach (default 0.99)\n"
    "  --sims N          simulated checks per cap tried (default 2000)\n"
    "exit status: 0 every expectation has a proposal, 1 some cannot have one (a\n"
    "variant that does not reproduce, a fixed one that fails), 64 bad arguments\n"
    "or spec, 70 internal error, 128+N interrupted by signal N\n";

typedef struct {
    const char *spec_path, *results, *resume, *build, *jobs, *seed, *co_load;
    double probability;
    long sims;
} rl__calib_opts_t;

static int rl__calib_parse(rl__calib_opts_t *o, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *v;
        int m;
        if ((m = rl_opt(argc, argv, &i, "--probability", &v))) {
            char *end;
            double p = m > 0 ? strtod(v, &end) : 0;
            if (m < 0 || *end != '\0' || !(p >= 0.5 && p < 1.0))
                return rl_usage("calibrate: --probability needs a number from 0.5 to below 1, e.g. 0.99");
            o->probability = p;
        } else if ((m = rl_opt(argc, argv, &i, "--sims", &v))) {
            if (m < 0 || rl_parse_long(v, 100, 1000000, &o->sims))
                return rl_usage("calibrate: --sims needs a number from 100 to 1000000");
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            static const char *const names[] = { "--results", "--resume", "--build", "--jobs", "--seed",
                                                 "--co-load" };
            const char **slots[] = { &o->results, &o->resume, &o->build, &o->jobs, &o->seed, &o->co_load };
            int found = 0;
            for (size_t k = 0; k < sizeof names / sizeof names[0] && !found; k++) {
                m = rl_opt(argc, argv, &i, names[k], &v);
                if (m < 0)
                    return rl_usage("calibrate: %s needs a value", names[k]);
                if (m > 0) {
                    *slots[k] = v;
                    found = 1;
                }
            }
            if (!found)
                return rl_usage("calibrate: unknown option '%s' (see racelab calibrate --help)", argv[i]);
        } else if (o->spec_path) {
            return rl_usage("calibrate: one SPEC at a time (a second one: '%s')", argv[i]);
        } else {
            o->spec_path = argv[i];
        }
    }
    if (!o->spec_path)
        return rl_usage("calibrate: no spec given (racelab calibrate [options] SPEC)");
    if (o->resume && o->results)
        return rl_usage("calibrate: --resume DIR already names the results directory");
    return 0;
}

/* The measurement: an ordinary check of SPEC with --fixed-n into dir.  0,
 * or check's exit code when it is not a verdict. */
static int rl__calib_measure(const rl__calib_opts_t *o, const char *dir)
{
    char *argv[24];
    int argc = 0;
    argv[argc++] = "check";
    argv[argc++] = "--fixed-n";
    argv[argc++] = "--quiet";
    argv[argc++] = o->resume ? "--resume" : "--results";
    argv[argc++] = (char *)dir;
    const char *pass[][2] = { { "--jobs", o->jobs }, { "--seed", o->seed }, { "--build", o->build },
                              { "--co-load", o->co_load } };
    for (size_t k = 0; k < sizeof pass / sizeof pass[0]; k++)
        if (pass[k][1]) {
            argv[argc++] = (char *)pass[k][0];
            argv[argc++] = (char *)pass[k][1];
        }
    argv[argc++] = (char *)o->spec_path;
    argv[argc] = NULL;
    int rc = rl_cmd_check(argc, argv);
    return rc == RL_EXIT_OK || rc == RL_EXIT_FAIL || rc == RL_EXIT_UNDECIDED ? 0 : rc;
}

static void rl__calib_variant(const rl_spec_t *sp, const rl_tally_t *t)
{
    long n = rl_report_ran(t), k = t->outcomes[RL_OUTCOME_CRASH] + t->outcomes[RL_OUTCOME_HANG];
    char a[16], b[16], c[16], e[16];
    rl_interval_t w = rl_wilson(k, n, sp->confidence);
    rl_report_conf(e, sizeof e, sp->confidence);
    printf("  %s: %ld trials ran (%ld could not): %ld crash or hang, rate %s, Wilson %s [%s, %s]\n", t->variant, n,
           t->outcomes[RL_OUTCOME_ERROR], k, rl_fmt_pct(a, sizeof a, n ? (double)k / (double)n : 0.0), e,
           rl_fmt_pct(b, sizeof b, w.lo), rl_fmt_pct(c, sizeof c, w.hi));
}

/* One expectation: its measurement, the proposal, the simulated odds.
 * The cap it needs in *cap (0: none can do), 1 when it has a proposal. */
static int rl__calib_expect(const rl__calib_opts_t *o, const rl_spec_t *sp, const rl_expect_t *e,
                            const rl_tally_t *t, long *cap)
{
    long n = rl_report_ran(t);
    double conf = sp->confidence;
    char a[16], b[16], c[16];
    rl_calib_sim_t sim, now;
    uint64_t seed = 1;   /* the same simulations for the same counts */
    printf("  expect %s  (line %d)\n", e->text, e->line);
    *cap = 0;
    if (e->kind == RL_EXPECT_NO_CRASH) {
        long k = n - t->outcomes[RL_OUTCOME_PASS];
        double rate = n ? (double)k / (double)n : 1.0;
        printf("    measured: %ld/%ld trials did not pass, rate %s, exact upper bound %s\n", k, n,
               rl_fmt_pct(a, sizeof a, rate), rl_fmt_pct(b, sizeof b, n ? rl_upper_bound(k, n, conf) : 1.0));
        if (n == 0 || k > 0) {
            printf("    no proposal: a variant that fails cannot pass 'no-crash'; the bound stays "
                   "upper <= %g\n", e->max_upper);
            return 0;
        }
        *cap = rl_calib_cap(e, sp, rate, o->probability, (int)o->sims, seed, RL__CALIB_MAX_CAP, &sim);
        printf("    proposed: keep upper <= %g; it needs %ld crash-free trials (cap >= %ld)\n", e->max_upper,
               rl_plan_zero_crash(e->max_upper, conf), *cap);
        return *cap > 0;
    }
    int hang = e->kind == RL_EXPECT_HANG;
    long k = hang ? t->outcomes[RL_OUTCOME_HANG] : t->crashes_matching;
    double lb = n ? rl_lower_bound(k, n, conf) : 0.0;
    printf("    measured: %ld/%ld %s, rate %s, exact lower bound %s\n", k, n, hang ? "hung" : "matching crashes",
           rl_fmt_pct(a, sizeof a, n ? (double)k / (double)n : 0.0), rl_fmt_pct(b, sizeof b, lb));
    if (n && rl_calib_simulate(e, sp, sp->trials, lb, (int)o->sims, seed, &now) == 0)
        printf("    as the spec stands (rate >= %g, trials %ld): P(PASS) = %.3f at rate %s, %.1f trials on "
               "average\n", e->min_rate, sp->trials, now.p_holds, b, now.mean_trials);
    double th = rl_calib_threshold(k, n, conf);
    if (th <= 0.0) {
        printf("    no proposal: the lower bound %s leaves no threshold at half of it; the variant does not "
               "reproduce (redesign it: forced or perturbed mode, longer trials, a knob)\n", b);
        return 0;
    }
    rl_expect_t prop = *e;
    prop.min_rate = th;
    *cap = rl_calib_cap(&prop, sp, lb, o->probability, (int)o->sims, seed, RL__CALIB_MAX_CAP, &sim);
    printf("    proposed: rate >= %.2f (half the lower bound %s, rounded down)%s\n", th, b,
           th < e->min_rate ? "; the spec's threshold has less margin than that"
                            : th > e->min_rate ? "; the spec's threshold has more margin" : "");
    if (*cap > 0)
        printf("    cap: %ld trials decide it (HOLDS) with P = %.3f >= %g at rate %s, %.1f trials on average\n",
               *cap, sim.p_holds, o->probability, rl_fmt_pct(c, sizeof c, lb), sim.mean_trials);
    else
        printf("    cap: none up to %ld trials reaches P >= %g\n", RL__CALIB_MAX_CAP, o->probability);
    return *cap > 0;
}

int rl_cmd_calibrate(int argc, char **argv)
{
    rl__calib_opts_t o = { .probability = 0.99, .sims = 2000 };
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return fputs(rl__calibrate_help, stdout), RL_EXIT_OK;
    int rc = rl__calib_parse(&o, argc, argv);
    if (rc != 0)
        return rc;
    rl_spec_t spec;
    char err[1024];
    if (rl_spec_load(o.spec_path, &spec, err, sizeof err) != 0)
        return rl_usage("%s", err);
    char *owned = NULL;
    const char *dir = o.resume ? o.resume : o.results;
    if (!dir)
        dir = owned = rl_default_results_dir(spec.name);
    rc = dir ? rl__calib_measure(&o, dir) : rl_internal("out of memory");
    rl_trial_list_t l = { 0 };
    rl_eval_t ev;
    int have_ev = 0;
    if (rc == 0 && rl_results_read(dir, &l, err, sizeof err) != 0)
        rc = rl_usage("%s", err);
    if (rc == 0 && rl_eval_init(&ev, &spec) != 0)
        rc = rl_internal("out of memory");
    else if (rc == 0)
        have_ev = 1;
    int all = 1;
    if (rc == 0) {
        for (size_t k = 0; k < l.n; k++)
            if (strcmp(l.trials[k].spec, spec.name) == 0)
                rl_eval_add(&ev, &l.trials[k]);
        rl_eval_finish(&ev, 0, 0);
        char *hist = rl_dir_read_history(dir);
        char *load = hist ? rl_history_get(hist, "co-load") : NULL;
        printf("calibrate %s: %ld trials per variant, co-load %s, confidence %g; results in %s\n", spec.name,
               spec.trials, load ? load : "none", spec.confidence, dir);
        free(load);
        free(hist);
        for (int v = 0; v < spec.nvariants; v++)
            rl__calib_variant(&spec, &ev.vt[v]);
        long cap = 0;
        for (int j = 0; j < spec.nexpects; j++) {
            long c;
            all &= rl__calib_expect(&o, &spec, &spec.expects[j], &ev.et[j], &c);
            if (c > cap)
                cap = c;
        }
        if (cap > 0)
            printf("  proposed trials %ld (the largest cap above; the spec has %ld)\n", cap, spec.trials);
        printf("racelab calibrate: %s\n", all ? "every expectation has a proposal"
                                              : "some expectation has no proposal (see above)");
    }
    if (have_ev)
        rl_eval_free(&ev);
    rl_trial_list_free(&l);
    rl_spec_free(&spec);
    free(owned);
    if (rc != 0)
        return rc;
    return all ? RL_EXIT_OK : RL_EXIT_FAIL;
}
