/* cmd/check.c - racelab check [options] SPEC...: run each spec's variants
 * interleaved, stop a variant once its expectations are decided, record
 * every trial, judge, report. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cli.h"
#include "core/seed.h"
#include "run/interrupt.h"
#include "run/engine.h"
#include "run/coload.h"
#include "core/evaluate.h"
#include "os/os.h"
#include "cmd/reports.h"
#include "store/results.h"
#include "store/resultsdir.h"

typedef struct {
    rl_spec_t spec;
    rl_eval_t ev;
    long cap;               /* trial indices: 0 .. cap-1, variant = index % V */
    long cursor;
    unsigned char *recorded;
    int *stopped;
    long *planned;          /* per variant: trials this run may do at most */
    int sequential, shard_i, shard_n;
    uint64_t base_seed;
    const char *build, *dir;
    rl_results_t *results;
    long ran, resumed;
    double prior_end;       /* the last end of a trial recorded before a resume */
    double deadline;        /* rl_now() when --time ends; 0: none */
    int cut_short;          /* --time ended before the plan did */
} rl__check_t;

static int rl__in_shard(const rl__check_t *c, long index)
{
    long round = index / c->spec.nvariants;
    return c->shard_n <= 1 || round % c->shard_n == c->shard_i;
}

static int rl__check_next(void *ctx, rl_job_t *job)
{
    rl__check_t *c = ctx;
    int V = c->spec.nvariants;
    while (c->cursor < c->cap) {
        if (c->deadline > 0 && rl_now() >= c->deadline) {
            c->cut_short = 1;
            return 0;
        }
        long i = c->cursor++;
        int v = (int)(i % V);
        if (c->stopped[v] || c->recorded[i] || !rl__in_shard(c, i))
            continue;
        const rl_variant_t *var = &c->spec.variants[v];
        rl_trial_t *t = &job->trial;
        t->spec = rl_strdup(c->spec.name);
        t->variant = rl_strdup(var->name);
        t->index = i;
        t->seed = rl_trial_seed(c->base_seed, i);
        t->argc = c->spec.argc + var->argc;
        t->argv = calloc((size_t)t->argc + 1, sizeof *t->argv);
        if (!t->spec || !t->variant || !t->argv)
            return 0;
        for (int a = 0; a < c->spec.argc; a++)
            t->argv[a] = rl_subst(c->spec.argv[a], t->seed, c->build);
        for (int a = 0; a < var->argc; a++)
            t->argv[c->spec.argc + a] = rl_subst(var->argv[a], t->seed, c->build);
        job->classifier = &c->spec.classifier;
        job->tag = v;
        return 1;
    }
    return 0;
}

static int rl__check_record(void *ctx, rl_job_t *job, const rl_proc_result_t *res)
{
    rl__check_t *c = ctx;
    rl_note_build(&job->trial, c->build);
    return rl_record_trial(c->results, c->dir, &job->trial, res, 0);
}

static int rl__check_sync(void *ctx)
{
    rl__check_t *c = ctx;
    return rl_sync_trials(c->results);
}

static int rl__check_done(void *ctx, rl_job_t *job, const rl_proc_result_t *res)
{
    rl__check_t *c = ctx;
    rl_trial_t *t = &job->trial;
    (void)res;
    c->recorded[t->index] = 1;
    c->ran++;
    int v = rl_eval_add(&c->ev, t);
    if (v >= 0 && c->sequential && !c->stopped[v] && rl_eval_decided(&c->ev, v))
        c->stopped[v] = 1;
    return 0;
}

static void rl__check_progress(void *ctx, char *buf, size_t len, double elapsed)
{
    rl__check_t *c = ctx;
    long total = 0, done = 0;
    size_t o = 0;
    for (int v = 0; v < c->spec.nvariants; v++) {
        long n = c->ev.vt[v].n;
        done += n;
        total += c->stopped[v] ? n : c->planned[v];
    }
    double rate = elapsed > 0 ? (double)c->ran / elapsed : 0;
    o += (size_t)snprintf(buf + o, len - o, "[%s] %ld/%ld", c->spec.name, done, total);
    for (int v = 0; v < c->spec.nvariants && o < len; v++)
        o += (size_t)snprintf(buf + o, len - o, "  %s %ld crash%s%s", c->spec.variants[v].name,
                              c->ev.vt[v].outcomes[RL_OUTCOME_CRASH],
                              c->ev.vt[v].outcomes[RL_OUTCOME_HANG] ? "+hang" : "",
                              c->stopped[v] ? " (decided)" : "");
    if (o < len)
        o += (size_t)snprintf(buf + o, len - o, "  %.1f/s", rate);
    if (o < len && rate > 0 && total > done)
        snprintf(buf + o, len - o, "  ETA %.0fs", (double)(total - done) / rate);
}

static const char rl__check_help[] =
    "usage: racelab check [options] SPEC...\n"
    "  -j, --jobs J      trials in parallel (default: the number of cores)\n"
    "  -o, --results DIR results directory (default results/<spec>-<time>)\n"
    "  --resume DIR      continue the run recorded in DIR (SPECs default to DIR/specs)\n"
    "  --fixed-n         run every variant to the spec's trial count (no early stop)\n"
    "  --time D          overall time budget (90s, 5m, 1h): then no trial starts, and\n"
    "                    what is not decided yet is reported undecided (exit 3)\n"
    "  -s, --seed S      base seed (default: random; DIR/seed when resuming)\n"
    "  -b, --build DIR   value of {build} (default $RACELAB_BUILD or build; DIR's when resuming)\n"
    "  --shard I/N       run only share I (0-based) of N of the trial indices\n"
    "  --co-load cpu=N   N busy threads beside the trials for the whole run (a known\n"
    "                    load; recorded, shown in every report, kept on --resume)\n";
/* Then the report options, from the writer table. */
static const char rl__check_help_tail[] =
    "  -q, --quiet       no text summary, only the verdict line\n";

typedef struct {
    int jobs, fixed_n, quiet, shard_i, shard_n, have_seed, have_co_load, have_jobs, have_build;
    double time_s;
    uint64_t seed;
    const char *results, *resume, *build;
    rl_coload_spec_t co_load;
    char co_load_text[32];  /* its canonical text, "none" without one */
    rl_report_files_t reports;
} rl__check_opts_t;

/* One trial recorded by the run being resumed: counted for c's spec (the
 * file is streamed, never held in memory).  0, or an exit code. */
static int rl__check_prior(void *ctx, rl_trial_t *t)
{
    rl__check_t *c = ctx;
    int V = c->spec.nvariants;
    if (strcmp(t->spec, c->spec.name) != 0)
        return 0;
    if (t->index < 0 || t->index >= c->cap || rl_spec_variant(&c->spec, t->variant) != (int)(t->index % V))
        return rl_usage("%s/trials.jsonl: trial %ld of %s does not fit the spec %s (variant %s)",
                        c->dir, t->index, t->spec, c->spec.path, t->variant);
    if (t->seed != rl_trial_seed(c->base_seed, t->index))
        return rl_usage("%s/trials.jsonl: trial %ld of %s has seed %llu, not the one derived from "
                        "%s/seed (%llu)", c->dir, t->index, t->spec, (unsigned long long)t->seed, c->dir,
                        (unsigned long long)rl_trial_seed(c->base_seed, t->index));
    if (c->recorded[t->index]) {
        fprintf(stderr, "racelab: %s/trials.jsonl: trial %ld of %s recorded twice; counted once\n",
                c->dir, t->index, t->spec);
        return 0;
    }
    c->recorded[t->index] = 1;
    rl_eval_add(&c->ev, t);
    c->resumed++;
    if (t->started_s + t->duration_s > c->prior_end)
        c->prior_end = t->started_s + t->duration_s;
    return 0;
}

/* Runs one spec into the shared results file; fills ev.  0 ok, else an
 * exit code. */
static int rl__check_spec(rl__check_t *c, const rl__check_opts_t *o, const char *prior_dir)
{
    int V = c->spec.nvariants;
    c->cap = c->spec.trials * V;
    c->recorded = calloc((size_t)c->cap + 1, 1);
    c->stopped = calloc((size_t)V, sizeof *c->stopped);
    c->planned = calloc((size_t)V, sizeof *c->planned);
    if (!c->recorded || !c->stopped || !c->planned || rl_eval_init(&c->ev, &c->spec) != 0)
        return rl_internal("out of memory");
    for (long i = 0; i < c->cap; i++)
        if (rl__in_shard(c, i))
            c->planned[i % V]++;
    if (prior_dir) {
        char err[1024];
        int r = rl_results_each(prior_dir, rl__check_prior, c, err, sizeof err);
        if (r < 0)
            return rl_usage("%s", err);
        if (r > 0)
            return r;
    }
    for (int v = 0; v < V; v++)
        if (c->sequential && rl_eval_decided(&c->ev, v))
            c->stopped[v] = 1;
    if (c->resumed)
        fprintf(stderr, "racelab: %s: resuming with %ld recorded trials\n", c->spec.name, c->resumed);
    rl_engine_t e = {
        .jobs = o->jobs, .ctx = c, .next = rl__check_next, .record = rl__check_record,
        .sync = rl__check_sync, .done = rl__check_done,
        .progress = rl_stderr_isatty() && !o->quiet ? rl__check_progress : NULL,
        .results_dir = c->dir,
    };
    /* Timings span the whole run: a resumed part goes on from where the
     * recorded one ended, so first-crash times and the wall time count
     * both. */
    e.t0 = rl_now() - c->prior_end;
    int rc = rl_engine_run(&e);
    if (rl__check_sync(c) != 0 && rc == 0)
        rc = -1;
    if (c->cut_short)
        c->ev.cut_short = "the time budget (--time) ended";
    rl_eval_finish(&c->ev, c->sequential, rl_now() - e.t0);
    if (rc == 1)
        return rl_interrupted_exit();
    if (rc < 0)
        return RL_EXIT_INTERNAL;
    return 0;
}

/* What the run is made from, as DIR/history records it: the options that
 * shape the plan and each spec's content hash, in *text (malloc'd).  On
 * --resume, checked against the history recorded (absent in a directory
 * of an older racelab): 0, or exit 64 with the reason. */
static int rl__check_history(rl__check_t *cs, int n, const rl__check_opts_t *o, int from_copies,
                             char **text, int *record);

/* The co-load of a resumed run is the one it began with (DIR/history's
 * co-load line; a directory without one ran with none): a --co-load that
 * differs is refused, none given keeps it, so the trials of one run all
 * saw the same load.  0, or exit 64 with the reason. */
static int rl__check_resume_co_load(rl__check_opts_t *o)
{
    char *old = rl_dir_read_history(o->resume);
    char *was = old ? rl_history_get(old, "co-load") : NULL;
    rl_coload_spec_t rec = { 0 };
    char err[256];
    int rc = 0;
    if (was && rl_coload_parse(was, &rec, err, sizeof err) != 0)
        rc = rl_usage("%s/history: co-load '%s' is not one racelab writes", o->resume, was);
    else if (o->have_co_load && rec.cpus != o->co_load.cpus)
        rc = rl_usage("check: the run in %s was made with --co-load %s, this resume asks for %s "
                      "(a resumed run keeps its co-load; leave the option out)", o->resume,
                      was ? was : "none", o->co_load_text);
    else
        o->co_load = rec;
    rl_coload_text(&o->co_load, o->co_load_text, sizeof o->co_load_text);
    free(was);
    free(old);
    return rc;
}

static int rl__check_history(rl__check_t *cs, int n, const rl__check_opts_t *o, int from_copies,
                             char **text, int *record)
{
    *record = !o->resume;
    char plan[64];
    snprintf(plan, sizeof plan, "fixed-n=%d shard=%d/%d", o->fixed_n, o->shard_i,
             o->shard_n > 1 ? o->shard_n : 1);
    char *old = o->resume ? rl_dir_read_history(o->resume) : NULL;
    int herr = errno;
    char *t = rl_aprintf("racelab-history 1\nplan %s\nco-load %s\njobs %d\nbuild %s\n", plan, o->co_load_text,
                         o->jobs, o->build);
    int rc = t ? 0 : rl_internal("out of memory");
    if (rc == 0 && o->resume && !old) {
        if (herr != ENOENT)
            rc = rl_internal("%s/history: cannot read it: %s", o->resume, strerror(herr));
        else {
            /* A directory of a racelab that kept no history, or a check
             * killed before it wrote one: nothing to verify against, so
             * say so, and record it now for the resumes after this one. */
            fprintf(stderr, "racelab: note: %s/history is missing (a run of a racelab that kept none, "
                            "or one killed as it began): the plan options and spec hashes this resume "
                            "uses cannot be verified against the run's start; recording them now\n",
                    o->resume);
            *record = 1;
        }
    }
    char *was = old ? rl_history_get(old, "plan") : NULL;
    if (rc == 0 && old && (!was || strcmp(was, plan) != 0))
        rc = rl_usage("check: the run in %s was made with '%s', this resume asks for '%s' "
                      "(options that shape the plan cannot change on --resume; see %s/history)",
                      o->resume, was ? was : "(no plan line)", plan, o->resume);
    free(was);
    for (int s = 0; s < n && rc == 0; s++) {
        char hex[17];
        if (rl_file_hash(cs[s].spec.path, hex) != 0) {
            rc = rl_internal("%s: cannot read it: %s", cs[s].spec.path, strerror(errno));
            break;
        }
        char *key = rl_aprintf("spec %s", cs[s].spec.name);
        char *rec = old && key ? rl_history_get(old, key) : NULL;
        if (old && !rec)
            rc = rl_usage("check: spec %s (%s) is not part of the run recorded in %s", cs[s].spec.name,
                          cs[s].spec.path, o->resume);
        else if (old && (strncmp(rec, "fnv1a64=", 8) != 0 || strcmp(rec + 8, hex) != 0))
            rc = from_copies
                ? rl_usage("check: %s was changed since the run began (its content hash differs "
                           "from the one in %s/history)", cs[s].spec.path, o->resume)
                : rl_usage("check: %s is not the spec %s the run in %s was made from (its content "
                           "hash differs from %s/history); resume without naming it, or start a new run",
                           cs[s].spec.path, cs[s].spec.name, o->resume, o->resume);
        char *nt = rc == 0 ? rl_aprintf("%sspec %s fnv1a64=%s\n", t, cs[s].spec.name, hex) : NULL;
        if (rc == 0 && !nt)
            rc = rl_internal("out of memory");
        free(t);
        t = nt;
        free(key);
        free(rec);
    }
    free(old);
    if (rc != 0) {
        free(t);
        t = NULL;
    }
    *text = t;
    return rc;
}

/* On --resume: what DIR/history recorded of the plan and of how it ran is
 * kept unless given again (--fixed-n, --shard, --jobs, --build), so that
 * "racelab check --resume DIR" continues the run as it was begun; an
 * option given that contradicts the plan is refused later
 * (rl__check_history).  Returns the recorded build directory when o->build
 * now points into it (malloc'd, the caller frees it), else NULL. */
static char *rl__check_keep_plan(rl__check_opts_t *o)
{
    char *old = rl_dir_read_history(o->resume);
    if (!old)
        return NULL;
    char *plan = rl_history_get(old, "plan"), *jobs = rl_history_get(old, "jobs");
    char *build = rl_history_get(old, "build");
    int fixed = 0, si = 0, sn = 1;
    if (plan && sscanf(plan, "fixed-n=%d shard=%d/%d", &fixed, &si, &sn) == 3) {
        if (fixed && !o->fixed_n)
            o->fixed_n = 1;
        if (o->shard_n == 0 && sn > 1) {
            o->shard_i = si;
            o->shard_n = sn;
        }
    }
    long j;
    if (jobs && !o->have_jobs && rl_parse_long(jobs, 1, 1024, &j) == 0)
        o->jobs = (int)j;
    if (build && *build && !o->have_build)
        o->build = build;
    else {
        free(build);
        build = NULL;
    }
    free(plan);
    free(jobs);
    free(old);
    return build;
}

int rl_cmd_check(int argc, char **argv)
{
    rl__check_opts_t o;
    memset(&o, 0, sizeof o);
    o.jobs = rl_ncpus();
    o.build = getenv("RACELAB_BUILD") ? getenv("RACELAB_BUILD") : "build";
    const char *v;
    char **specs = calloc((size_t)argc + 1, sizeof *specs);
    int nspecs = 0;
    if (!specs)
        return rl_internal("out of memory");
    for (int i = 1; i < argc; i++) {
        int m;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(rl__check_help, stdout);
            rl_report_opts_help(stdout, 0, "  ", " FILE");
            fputs("   reports\n", stdout);
            fputs(rl__check_help_tail, stdout);
            free(specs);
            return RL_EXIT_OK;
        } else if (strcmp(argv[i], "--fixed-n") == 0) {
            o.fixed_n = 1;
        } else if (strcmp(argv[i], "--quiet") == 0) {
            o.quiet = 1;
        } else if ((m = rl_opt(argc, argv, &i, "--jobs", &v))) {
            long j;
            if (m < 0 || rl_parse_long(v, 1, 1024, &j))
                return free(specs), rl_usage("check: --jobs needs a number from 1 to 1024");
            o.jobs = (int)j;
            o.have_jobs = 1;
        } else if ((m = rl_opt(argc, argv, &i, "--time", &v))) {
            if (m < 0 || rl_parse_duration(v, &o.time_s) || !(o.time_s > 0))
                return free(specs), rl_usage("check: --time needs a duration such as 90s, 5m or 1h");
        } else if ((m = rl_opt(argc, argv, &i, "--seed", &v))) {
            if (m < 0 || rl_parse_u64(v, &o.seed))
                return free(specs), rl_usage("check: --seed needs an unsigned 64-bit number");
            o.have_seed = 1;
        } else if ((m = rl_opt(argc, argv, &i, "--shard", &v))) {
            long a, b;
            char tail;
            if (m < 0 || sscanf(v, "%ld/%ld%c", &a, &b, &tail) != 2 || b < 1 || a < 0 || a >= b)
                return free(specs), rl_usage("check: --shard needs I/N with 0 <= I < N, e.g. 0/4");
            o.shard_i = (int)a;
            o.shard_n = (int)b;
        } else if ((m = rl_opt(argc, argv, &i, "--co-load", &v))) {
            char cerr[160];
            if (m < 0 || rl_coload_parse(v, &o.co_load, cerr, sizeof cerr) != 0)
                return free(specs), rl_usage("check: %s", m < 0 ? "--co-load needs cpu=N" : cerr);
            o.have_co_load = 1;
        } else if ((m = rl_report_opt(argc, argv, &i, "check", 0, &o.reports))) {
            if (m < 0)
                return free(specs), RL_EXIT_USAGE;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            static const char *const names[] = { "--results", "--resume", "--build" };
            const char **slots[] = { &o.results, &o.resume, &o.build };
            int found = 0;
            for (size_t k = 0; k < sizeof names / sizeof names[0] && !found; k++) {
                m = rl_opt(argc, argv, &i, names[k], &v);
                if (m < 0)
                    return free(specs), rl_usage("check: %s needs a value", names[k]);
                if (m > 0) {
                    *slots[k] = v;
                    found = 1;
                    o.have_build |= k == 2;
                }
            }
            if (!found)
                return free(specs), rl_unknown_option("check", argv[i], rl__check_help);
        } else {
            specs[nspecs++] = argv[i];
        }
    }
    if (o.resume && o.results && strcmp(o.resume, o.results) != 0)
        return free(specs), rl_usage("check: --resume DIR already names the results directory");
    char err[4096];  /* every error of a spec, one a line */
    rl_lock_t *lock = NULL;
    /* A resume reads the spec copies of DIR: under its lock, so that they
     * are the ones its writer finished (a check that just began may not
     * have saved them yet) and nothing changes them while they are read.
     * From the lock on, a SIGINT/SIGTERM only asks the run to stop, so it
     * cannot end racelab between the seed, the history and the spec
     * copies: the directory stays one that --resume takes. */
    rl_install_signal_handlers();
    if (o.resume && rl_file_stat(o.resume, NULL, NULL) != RL_FILE_DIR)
        return free(specs), rl_usage("check: --resume %s: not a results directory (%s)", o.resume,
                                     rl_file_stat(o.resume, NULL, NULL) == RL_FILE_NONE ? "there is none"
                                                                                         : "not a directory");
    if (o.resume) {
        int r = rl_dir_lock(o.resume, "check --resume", &lock, err, sizeof err);
        if (r != 0)
            return free(specs), r > 0 ? rl_usage("check: %s", err) : rl_internal("%s", err);
    }
    char **saved = NULL;
    int nsaved = 0;
    if (nspecs == 0 && o.resume) {
        nsaved = rl_dir_spec_names(o.resume, &saved);
        if (nsaved <= 0)
            return free(specs), rl_dir_unlock(lock),
                   rl_usage("check: %s/specs holds no spec; name the SPEC files", o.resume);
    } else if (nspecs == 0) {
        return free(specs), rl_usage("check: no spec given (racelab check [options] SPEC...)");
    }
    int n = nspecs ? nspecs : nsaved;
    rl_coload_text(&o.co_load, o.co_load_text, sizeof o.co_load_text);

    rl__check_t *cs = calloc((size_t)n, sizeof *cs);
    if (!cs)
        return free(specs), rl_dir_unlock(lock), rl_internal("out of memory");
    int rc = 0;
    for (int s = 0; s < n && rc == 0; s++) {
        int bad = nspecs ? rl_spec_load(specs[s], &cs[s].spec, err, sizeof err)
                         : rl_dir_load_spec(o.resume, saved[s], &cs[s].spec, err, sizeof err);
        if (bad)
            rc = rl_usage("%s", err);
    }
    /* A variant no expectation judges runs and is reported, but decides
     * nothing (and, under sequential stopping, never stops early). */
    for (int s = 0; s < n && rc == 0; s++)
        for (int v = 0; v < cs[s].spec.nvariants; v++) {
            int judged = 0;
            for (int x = 0; x < cs[s].spec.nexpects; x++)
                judged |= strcmp(cs[s].spec.expects[x].variant, cs[s].spec.variants[v].name) == 0;
            if (!judged && !o.quiet)
                fprintf(stderr, "racelab: %s:%d: warning: variant '%s' has no expectation: its trials run "
                                "to the spec's trials and are reported, but judge nothing\n", cs[s].spec.path,
                        cs[s].spec.variants[v].line, cs[s].spec.variants[v].name);
        }
    /* One index space per spec name: two specs of one name would share it. */
    for (int s = 0; s < n && rc == 0; s++)
        for (int t = 0; t < s && rc == 0; t++)
            if (strcmp(cs[s].spec.name, cs[t].spec.name) == 0)
                rc = rl_usage("check: %s:%d and %s:%d both name the spec '%s'; spec names must be "
                              "unique within one run", cs[t].spec.path, cs[t].spec.name_line,
                              cs[s].spec.path, cs[s].spec.name_line, cs[s].spec.name);
    for (int s = 0; s < nsaved; s++)
        free(saved[s]);
    free(saved);
    free(specs);

    const char *dir = o.resume ? o.resume : o.results;
    char *owned_dir = NULL;
    if (rc == 0 && !dir)
        dir = owned_dir = rl_default_results_dir(n == 1 ? cs[0].spec.name : "check");
    if (rc == 0) {
        /* Before anything is written or run: no report over an input or
         * a file of the results directory, every report writable. */
        const char **in = calloc((size_t)n + 1, sizeof *in);
        if (!in)
            rc = rl_internal("out of memory");
        for (int s = 0; in && s < n; s++)
            in[s] = cs[s].spec.path;
        if (in)
            rc = rl_report_check_files("check", &o.reports, in, n, &dir, 1);
        free(in);
    }
    if (rc == 0 && !lock) {
        int r = rl_dir_lock(dir, "check", &lock, err, sizeof err);
        if (r > 0)
            rc = rl_usage("check: %s", err);
        else if (r < 0)
            rc = rl_internal("%s", err);
    }
    /* Under the lock: a run that ended just before cannot slip in
     * between this look and the first write. */
    if (rc == 0 && !o.resume && rl_dir_in_use(dir))
        rc = rl_usage("check: %s already holds trials; continue them with --resume %s "
                      "or give another --results directory", dir, dir);
    rl_results_t results = { 0 };
    uint64_t seed = o.seed;
    int seed_recorded = 0;
    if (rc == 0 && o.resume) {
        if (rl_dir_read_for_resume(o.resume, NULL, err, sizeof err) != 0)
            rc = rl_usage("%s", err);
        uint64_t s0;
        int have = rl_dir_read_seed(o.resume, &s0);
        if (have < 0)
            rc = rl_usage("%s/seed: not a seed", o.resume);
        if (rc == 0 && have && o.have_seed && s0 != o.seed)
            rc = rl_usage("check: --seed %llu differs from the seed %llu recorded in %s",
                          (unsigned long long)o.seed, (unsigned long long)s0, o.resume);
        if (rc == 0 && !have && rl_dir_in_use(o.resume))
            rc = rl_usage("%s/seed is missing: the seeds of the recorded trials cannot be continued",
                          o.resume);
        if (have) {
            seed = s0;
            o.have_seed = 1;
            seed_recorded = 1;
        }
    }
    char *history = NULL, *kept_build = NULL;
    if (rc == 0 && o.resume)
        rc = rl__check_resume_co_load(&o);
    int record_history = 0;
    if (rc == 0 && o.resume)
        kept_build = rl__check_keep_plan(&o);
    if (rc == 0)
        rc = rl__check_history(cs, n, &o, nspecs == 0, &history, &record_history);
    /* Written in this order so that a kill between two of them leaves a
     * directory --resume takes: the spec copies (what a resume without
     * SPEC arguments reads), the history, the seed (once it is there, so
     * are the others), then the results file. */
    for (int s = 0; s < n && rc == 0; s++)
        if (rl_dir_save_spec(dir, &cs[s].spec) != 0 && nspecs)
            rc = rl_internal("%s/specs: cannot save a copy of %s: %s", dir, cs[s].spec.path, strerror(errno));
    if (rc == 0 && record_history && rl_dir_write_history(dir, history) != 0)
        rc = rl_internal("%s/history: cannot write it: %s", dir, strerror(errno));
    free(history);
    if (rc == 0 && !o.have_seed)
        seed = rl_random_seed();
    /* Never rewritten once there: a kill in the middle of rewriting it
     * would leave a run that cannot be resumed. */
    if (rc == 0 && !seed_recorded && rl_dir_write_seed(dir, seed) != 0)
        rc = rl_internal("%s/seed: cannot write it", dir);
    if (rc == 0 && rl_results_open(&results, dir, err, sizeof err) != 0)
        rc = rl_internal("%s", err);
    if (rc == 0 && o.resume && !o.quiet)
        fprintf(stderr, "racelab: resuming %s with%s shard %d/%d, %d jobs, --build %s\n", o.resume,
                o.fixed_n ? " --fixed-n," : "", o.shard_i, o.shard_n > 1 ? o.shard_n : 1, o.jobs, o.build);
    if (rc == 0) {
        int stale = rl_spawn_reap_abandoned();
        if (stale > 0)
            fprintf(stderr, "racelab: killed %d trial process%s left running by a racelab that "
                            "was killed\n", stale, stale == 1 ? "" : "es");
        if (!o.quiet)
            fprintf(stderr, "racelab: results in %s (base seed %llu)\n", dir, (unsigned long long)seed);
    }

    /* The load runs from before the first trial to after the last. */
    rl_coload_t *load = NULL;
    if (rc == 0 && !(load = rl_coload_start(&o.co_load)))
        rc = rl_internal("check: cannot start the %d threads of --co-load %s", o.co_load.cpus,
                         o.co_load_text);
    if (rc == 0 && o.co_load.cpus > 0 && !o.quiet)
        fprintf(stderr, "racelab: co-load %s: %d busy thread%s beside the trials\n", o.co_load_text,
                o.co_load.cpus, o.co_load.cpus == 1 ? "" : "s");
    double t0 = rl_now();
    int ran_specs = 0;
    for (int s = 0; s < n && rc == 0; s++) {
        rl__check_t *c = &cs[s];
        c->sequential = !o.fixed_n && o.shard_n <= 1;
        c->shard_i = o.shard_i;
        c->shard_n = o.shard_n;
        c->base_seed = seed;
        c->build = o.build;
        c->dir = dir;
        c->results = &results;
        c->deadline = o.time_s > 0 ? t0 + o.time_s : 0;
        rc = rl__check_spec(c, &o, o.resume);
        c->ev.summary.co_load = o.co_load.cpus > 0 ? o.co_load_text : NULL;
        c->ev.summary.results_dir = dir;
        c->ev.summary.has_seed = 1;
        c->ev.summary.base_seed = (unsigned long long)seed;
        ran_specs = s + 1;
    }
    rl_coload_stop(load);
    rl_results_close(&results);
    rl_dir_unlock(lock);

    int all_passed = rc == 0 && ran_specs == n;
    int verdict = RL_EXIT_FAIL;
    if (rc == 0 || rc >= 128) {
        const rl_summary_t **sums = calloc((size_t)n + 1, sizeof *sums);
        int ns = 0;
        long total = 0;
        for (int s = 0; s < ran_specs && sums; s++) {
            sums[ns++] = &cs[s].ev.summary;
            all_passed = all_passed && cs[s].ev.summary.passed;
            for (int v = 0; v < cs[s].spec.nvariants; v++)
                total += cs[s].ev.vt[v].n;
        }
        if (rc >= 128) {
            fprintf(stderr, "racelab: interrupted; every finished trial is in %s/trials.jsonl; "
                            "continue with: racelab check --resume %s (it keeps%s --shard %d/%d, "
                            "--jobs %d, --build %s and the seed, from %s/history)\n", dir, dir,
                    o.fixed_n ? " --fixed-n," : "", o.shard_i, o.shard_n > 1 ? o.shard_n : 1, o.jobs,
                    o.build, dir);
        } else if (sums) {
            if (!o.quiet) {
                const rl_report_writer_t *w = rl_report_writer("text");
                if (w && w->write(stdout, sums, ns) != 0)
                    rc = rl_internal("cannot write the text report");
            }
            int wrc = rl_report_write_files(&o.reports, sums, ns, NULL);
            if (wrc != 0)
                rc = wrc;
            if (all_passed)
                verdict = RL_EXIT_OK;
            else if (rc == 0 && ran_specs == n)
                verdict = rl_verdict_exit(sums, ns);
            int cut = 0;
            for (int s = 0; s < ran_specs; s++)
                cut |= cs[s].cut_short;
            if (total == 0)
                verdict = cut ? RL_EXIT_UNDECIDED : RL_EXIT_FAIL;
            if (cut && !o.quiet)
                fprintf(stderr, "racelab: the time budget (--time) ended before the plan; what it left "
                                "undecided is reported so; continue with: racelab check --resume %s\n", dir);
            printf("racelab: %s: %ld trials in %.1fs; results in %s\n",
                   rl_verdict_word(verdict), total, rl_now() - t0, dir);
        }
        free(sums);
    }
    for (int s = 0; s < n; s++) {
        rl_eval_free(&cs[s].ev);
        free(cs[s].recorded);
        free(cs[s].stopped);
        free(cs[s].planned);
        rl_spec_free(&cs[s].spec);
    }
    free(cs);
    free(owned_dir);
    free(kept_build);
    fflush(stdout);
    if (rc != 0)
        return rc;
    return verdict;
}
