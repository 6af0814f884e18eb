/* cmd/run.c - racelab run [options] -- CMD [ARGS...]: one command, many
 * trials, a crash rate with its interval and the signatures seen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cli.h"
#include "core/seed.h"
#include "run/interrupt.h"
#include "report/writer.h"
#include "store/resultsdir.h"
#include "run/engine.h"
#include "run/coload.h"
#include "os/os.h"
#include "store/results.h"
#include "core/stats.h"

typedef struct {
    char **cmd;
    int ncmd;
    const char *build;
    uint64_t base_seed;
    long trials;          /* < 0: until the time budget ends */
    double time_s;
    double timeout_s;
    rl_classifier_t classifier; /* built-in patterns only, timeout_s */
    long next_index;
    double t0;
    const char *dir;
    int keep_logs;
    rl_results_t results;
    long counts[RL_OUTCOME_COUNT];
    long done;
    char **sigs;          /* distinct non-pass signatures ... */
    long *sigcount;       /* ... and how often each was seen */
    int nsigs;
} rl__run_t;

static int rl__run_next(void *ctx, rl_job_t *job)
{
    rl__run_t *r = ctx;
    if (r->trials >= 0 ? r->next_index >= r->trials : rl_now() - r->t0 >= r->time_s)
        return 0;
    rl_trial_t *t = &job->trial;
    t->spec = rl_strdup("run");
    t->variant = rl_strdup("");
    t->index = r->next_index++;
    t->seed = rl_trial_seed(r->base_seed, t->index);
    t->argc = r->ncmd;
    t->argv = calloc((size_t)r->ncmd + 1, sizeof *t->argv);
    if (!t->argv)
        return 0;
    for (int i = 0; i < r->ncmd; i++)
        t->argv[i] = rl_subst(r->cmd[i], t->seed, r->build);
    job->classifier = &r->classifier;
    return 1;
}

static int rl__run_record(void *ctx, rl_job_t *job, const rl_proc_result_t *res)
{
    rl__run_t *r = ctx;
    return rl_record_trial(&r->results, r->dir, &job->trial, res, r->keep_logs);
}

static int rl__run_sync(void *ctx)
{
    rl__run_t *r = ctx;
    return rl_sync_trials(&r->results);
}

static int rl__run_done(void *ctx, rl_job_t *job, const rl_proc_result_t *res)
{
    rl__run_t *r = ctx;
    rl_trial_t *t = &job->trial;
    (void)res;
    r->counts[t->outcome]++;
    r->done++;
    if (t->signature) {
        int i;
        for (i = 0; i < r->nsigs; i++)
            if (strcmp(r->sigs[i], t->signature) == 0)
                break;
        if (i == r->nsigs) {
            char **s = realloc(r->sigs, (size_t)(r->nsigs + 1) * sizeof *s);
            long *c = s ? realloc(r->sigcount, (size_t)(r->nsigs + 1) * sizeof *c) : NULL;
            if (s)
                r->sigs = s;
            if (!c)
                return 0;
            r->sigcount = c;
            r->sigs[i] = rl_strdup(t->signature);
            r->sigcount[i] = 0;
            r->nsigs++;
        }
        r->sigcount[i]++;
    }
    return 0;
}

static void rl__run_progress(void *ctx, char *buf, size_t len, double elapsed)
{
    rl__run_t *r = ctx;
    double rate = elapsed > 0 ? (double)r->done / elapsed : 0;
    char eta[32] = "";
    if (r->trials >= 0 && rate > 0)
        snprintf(eta, sizeof eta, " ETA %.0fs", (double)(r->trials - r->done) / rate);
    else if (r->trials < 0)
        snprintf(eta, sizeof eta, " %.0fs left", r->time_s > elapsed ? r->time_s - elapsed : 0);
    if (r->trials >= 0)
        snprintf(buf, len, "[run] %ld/%ld  crashes %ld  hangs %ld  %.1f trials/s%s", r->done,
                 r->trials, r->counts[RL_OUTCOME_CRASH], r->counts[RL_OUTCOME_HANG], rate, eta);
    else
        snprintf(buf, len, "[run] %ld done  crashes %ld  hangs %ld  %.1f trials/s%s", r->done,
                 r->counts[RL_OUTCOME_CRASH], r->counts[RL_OUTCOME_HANG], rate, eta);
}

static const char rl__run_help[] =
    "usage: racelab run [options] -- CMD [ARGS...]\n"
    "  --trials N      run N trials (default 100 unless --time is given)\n"
    "  --time D        run trials until D has passed (90, 90s, 500ms, 5m, 1h)\n"
    "  --jobs J        trials in parallel (default: the number of cores)\n"
    "  --seed S        base seed (default: random, printed)\n"
    "  --timeout T     per-trial timeout (default 60s; 0 = none)\n"
    "  --results DIR   where trials.jsonl and logs/ go (default results/run-<time>)\n"
    "  --build DIR     value of {build} (default $RACELAB_BUILD or build)\n"
    "  --keep-logs     keep the output of passing trials too\n"
    "  --co-load cpu=N N busy threads beside the trials for the whole run\n";

int rl_cmd_run(int argc, char **argv)
{
    rl__run_t r;
    memset(&r, 0, sizeof r);
    r.trials = -1;
    r.timeout_s = 60;
    r.build = getenv("RACELAB_BUILD") ? getenv("RACELAB_BUILD") : "build";
    int jobs = rl_ncpus(), have_seed = 0, have_time = 0;
    rl_coload_spec_t co_load = { 0 };
    char co_load_text[32];
    const char *dir = NULL, *v;
    int i;
    for (i = 1; i < argc; i++) {
        int m;
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(rl__run_help, stdout);
            return RL_EXIT_OK;
        } else if (strcmp(argv[i], "--keep-logs") == 0) {
            r.keep_logs = 1;
        } else if ((m = rl_opt(argc, argv, &i, "--trials", &v))) {
            if (m < 0 || rl_parse_long(v, 1, 1000000000L, &r.trials))
                return rl_usage("run: --trials needs a whole number >= 1");
        } else if ((m = rl_opt(argc, argv, &i, "--time", &v))) {
            if (m < 0 || rl_parse_duration(v, &r.time_s) || r.time_s <= 0)
                return rl_usage("run: --time needs a duration such as 90s, 5m or 1h");
            have_time = 1;
        } else if ((m = rl_opt(argc, argv, &i, "--jobs", &v))) {
            long j;
            if (m < 0 || rl_parse_long(v, 1, 1024, &j))
                return rl_usage("run: --jobs needs a number from 1 to 1024");
            jobs = (int)j;
        } else if ((m = rl_opt(argc, argv, &i, "--seed", &v))) {
            if (m < 0 || rl_parse_u64(v, &r.base_seed))
                return rl_usage("run: --seed needs an unsigned 64-bit number");
            have_seed = 1;
        } else if ((m = rl_opt(argc, argv, &i, "--timeout", &v))) {
            if (m < 0 || rl_parse_duration(v, &r.timeout_s))
                return rl_usage("run: --timeout needs a duration such as 30s");
        } else if ((m = rl_opt(argc, argv, &i, "--results", &v))) {
            if (m < 0)
                return rl_usage("run: --results needs a directory");
            dir = v;
        } else if ((m = rl_opt(argc, argv, &i, "--build", &v))) {
            if (m < 0)
                return rl_usage("run: --build needs a directory");
            r.build = v;
        } else if ((m = rl_opt(argc, argv, &i, "--co-load", &v))) {
            char cerr[160];
            if (m < 0 || rl_coload_parse(v, &co_load, cerr, sizeof cerr) != 0)
                return rl_usage("run: %s", m < 0 ? "--co-load needs cpu=N" : cerr);
        } else if (argv[i][0] == '-') {
            return rl_usage("run: unknown option '%s' (see racelab run --help)", argv[i]);
        } else {
            break;
        }
    }
    if (i >= argc)
        return rl_usage("run: no command given (racelab run [options] -- CMD [ARGS...])");
    if (have_time && r.trials >= 0)
        return rl_usage("run: give --trials or --time, not both");
    if (!have_time && r.trials < 0)
        r.trials = 100;
    if (!have_seed)
        r.base_seed = rl_random_seed();
    r.cmd = argv + i;
    r.ncmd = argc - i;

    char *owned_dir = NULL;
    if (!dir)
        dir = owned_dir = rl_default_results_dir("run");
    r.dir = dir;
    char err[512];
    /* From the lock on, a SIGINT/SIGTERM only asks the run to stop. */
    rl_install_signal_handlers();
    rl_lock_t *lock = NULL;
    int lr = rl_dir_lock(dir, "run", &lock, err, sizeof err);
    if (lr != 0) {
        free(owned_dir);
        return lr > 0 ? rl_usage("run: %s", err) : rl_internal("%s", err);
    }
    if (rl_dir_in_use(dir)) { /* under the lock, as check */
        rl_usage("run: %s already holds trials; give another --results directory", dir);
        rl_dir_unlock(lock);
        free(owned_dir);
        return RL_EXIT_USAGE;
    }
    if (rl_results_open(&r.results, dir, err, sizeof err) != 0) {
        rl_dir_unlock(lock);
        free(owned_dir);
        return rl_internal("%s", err);
    }
    if (rl_classifier_init(&r.classifier, r.timeout_s) != 0) {
        rl_classifier_free(&r.classifier);
        rl_results_close(&r.results);
        rl_dir_unlock(lock);
        free(owned_dir);
        return rl_internal("out of memory");
    }
    int stale = rl_spawn_reap_abandoned();
    if (stale > 0)
        fprintf(stderr, "racelab: killed %d trial process%s left running by a racelab that was killed\n",
                stale, stale == 1 ? "" : "es");
    rl_engine_t e = {
        .jobs = jobs, .ctx = &r, .next = rl__run_next, .record = rl__run_record,
        .sync = rl__run_sync, .done = rl__run_done,
        .progress = rl_stderr_isatty() ? rl__run_progress : NULL,
        .results_dir = r.dir,
    };
    rl_coload_text(&co_load, co_load_text, sizeof co_load_text);
    rl_coload_t *load = rl_coload_start(&co_load);
    if (!load) {
        rl_classifier_free(&r.classifier);
        rl_results_close(&r.results);
        rl_dir_unlock(lock);
        free(owned_dir);
        return rl_internal("run: cannot start the %d threads of --co-load %s", co_load.cpus, co_load_text);
    }
    r.t0 = e.t0 = rl_now();
    int rc = rl_engine_run(&e);
    rl_coload_stop(load);
    double wall = rl_now() - r.t0;
    if (rl__run_sync(&r) != 0 && rc == 0)
        rc = -1;
    rl_results_close(&r.results);
    rl_dir_unlock(lock);
    rl_classifier_free(&r.classifier);

    long n = r.done, k = r.counts[RL_OUTCOME_CRASH];
    printf("racelab run: %ld trials in %.1fs (%d jobs, base seed %llu, co-load %s)\n", n, wall, jobs,
           (unsigned long long)r.base_seed, co_load_text);
    printf("  pass %ld  crash %ld  hang %ld  error %ld\n", r.counts[RL_OUTCOME_PASS], k,
           r.counts[RL_OUTCOME_HANG], r.counts[RL_OUTCOME_ERROR]);
    if (n > 0) {
        rl_interval_t w = rl_wilson(k, n, 0.95);
        printf("  crash rate %.2f%% (Wilson 95%% [%.2f%%, %.2f%%])", 100.0 * (double)k / (double)n,
               100.0 * w.lo, 100.0 * w.hi);
        if (k == 0)
            printf(", exact one-sided 95%% upper bound %.2f%%", 100.0 * rl_upper_bound(0, n, 0.95));
        printf("\n");
    }
    for (int s = 0; s < r.nsigs; s++) {
        printf("  %6ld  ", r.sigcount[s]);
        rl_report_term(stdout, r.sigs[s]);   /* a trial's bytes: no escape sequences */
        putchar('\n');
        free(r.sigs[s]);
    }
    free(r.sigs);
    free(r.sigcount);
    printf("results: %s/trials.jsonl\n", dir);
    free(owned_dir);
    fflush(stdout);
    if (rc == 1)
        return rl_interrupted_exit();
    if (rc < 0)
        return RL_EXIT_INTERNAL;
    if (n == 0)
        return RL_EXIT_FAIL;
    return r.counts[RL_OUTCOME_PASS] == n ? RL_EXIT_OK : RL_EXIT_FAIL;
}
