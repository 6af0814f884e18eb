/* cmd/run.c - racelab run [options] -- CMD [ARGS...]: one command, many
 * trials, a crash rate with its interval and the signatures seen.
 *
 * The command becomes a spec of its own (one variant, "run", and no
 * expectation: it passes when every trial passed), so that its tallies,
 * its reports and its results directory are those of racelab check, and
 * --resume reads back from DIR/history what the run was made from. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cli.h"
#include "cmd/reports.h"
#include "core/evaluate.h"
#include "core/seed.h"
#include "run/interrupt.h"
#include "report/writer.h"
#include "store/resultsdir.h"
#include "run/engine.h"
#include "run/coload.h"
#include "os/os.h"
#include "store/results.h"
#include "core/stats.h"
#include "util/indexset.h"

/* What shapes the trials of a run: given on the command line, recorded in
 * DIR/history, read back by --resume. */
typedef struct {
    char **cmd;
    int ncmd;
    char *build;
    long trials;          /* < 0: until the time budget ends */
    double time_s;
    double timeout_s;
    long max_failures;    /* 0: no limit */
    int keep_logs;
    rl_coload_spec_t co_load;
    rl_hang_dump_t hang_dump; /* --program-kind, --sigquit-grace */
    char **sigs, **ignores;
    int nsigs, nignores;
} rl__run_plan_t;

typedef struct {
    rl__run_plan_t p;
    rl_spec_t spec;
    rl_eval_t ev;
    uint64_t base_seed;
    long next_index;
    rl_indexset_t recorded;  /* indices recorded (by an earlier run too) */
    long failures;        /* crashes and hangs, earlier runs included */
    int stopped_by_failures;
    double t0;
    const char *dir;
    rl_results_t results;
    long done, resumed;
    double prior_end;     /* the last end of a trial recorded before a resume */
} rl__run_t;

static int rl__run_was_recorded(const rl__run_t *r, long i)
{
    return rl_indexset_has(&r->recorded, i);
}

static int rl__run_next(void *ctx, rl_job_t *job)
{
    rl__run_t *r = ctx;
    if (r->p.max_failures > 0 && r->failures >= r->p.max_failures) {
        r->stopped_by_failures = 1;
        return 0;
    }
    while (rl__run_was_recorded(r, r->next_index))
        r->next_index++;
    if (r->p.trials >= 0 ? r->next_index >= r->p.trials : rl_now() - r->t0 >= r->p.time_s)
        return 0;
    rl_trial_t *t = &job->trial;
    t->spec = rl_strdup("run");
    t->variant = rl_strdup("");   /* as every racelab has recorded a run's trials */
    t->index = r->next_index++;
    t->seed = rl_trial_seed(r->base_seed, t->index);
    t->argc = r->p.ncmd;
    t->argv = calloc((size_t)r->p.ncmd + 1, sizeof *t->argv);
    if (!t->argv)
        return 0;
    for (int i = 0; i < r->p.ncmd; i++)
        t->argv[i] = rl_subst(r->p.cmd[i], t->seed, r->p.build);
    job->classifier = &r->spec.classifier;
    return 1;
}

static int rl__run_record(void *ctx, rl_job_t *job, const rl_proc_result_t *res)
{
    rl__run_t *r = ctx;
    rl_note_build(&job->trial, r->p.build);
    return rl_record_trial(&r->results, r->dir, &job->trial, res, r->p.keep_logs);
}

static int rl__run_sync(void *ctx)
{
    rl__run_t *r = ctx;
    return rl_sync_trials(&r->results);
}

/* One trial, run now or recorded by the run being resumed. */
static int rl__run_count(rl__run_t *r, const rl_trial_t *t)
{
    if (rl_indexset_add(&r->recorded, t->index) < 0)
        return -1;
    rl_trial_t named = *t;   /* recorded as variant "", reported as "run" */
    named.variant = "run";
    rl_eval_add(&r->ev, &named);
    if (t->outcome == RL_OUTCOME_CRASH || t->outcome == RL_OUTCOME_HANG)
        r->failures++;
    return 0;
}

static int rl__run_done(void *ctx, rl_job_t *job, const rl_proc_result_t *res)
{
    rl__run_t *r = ctx;
    (void)res;
    r->done++;
    return rl__run_count(r, &job->trial) != 0 ? -1 : 0;
}

static void rl__run_progress(void *ctx, char *buf, size_t len, double elapsed)
{
    rl__run_t *r = ctx;
    const rl_tally_t *t = &r->ev.vt[0];
    double rate = elapsed > 0 ? (double)r->done / elapsed : 0;
    char eta[32] = "";
    if (r->p.trials >= 0 && rate > 0)
        snprintf(eta, sizeof eta, " ETA %.0fs", (double)(r->p.trials - t->n) / rate);
    else if (r->p.trials < 0)
        snprintf(eta, sizeof eta, " %.0fs left", r->p.time_s > elapsed ? r->p.time_s - elapsed : 0);
    if (r->p.trials >= 0)
        snprintf(buf, len, "[run] %ld/%ld  crashes %ld  hangs %ld  %.1f trials/s%s", t->n,
                 r->p.trials, t->outcomes[RL_OUTCOME_CRASH], t->outcomes[RL_OUTCOME_HANG], rate, eta);
    else
        snprintf(buf, len, "[run] %ld done  crashes %ld  hangs %ld  %.1f trials/s%s", t->n,
                 t->outcomes[RL_OUTCOME_CRASH], t->outcomes[RL_OUTCOME_HANG], rate, eta);
}

static const char rl__run_help[] =
    "usage: racelab run [options] -- CMD [ARGS...]\n"
    "       racelab run --resume DIR [--jobs J] [--quiet] [report options]\n"
    "  -n, --trials N        run N trials (default 100 unless --time is given)\n"
    "  --time D              run trials until D has passed (90, 90s, 500ms, 5m, 1h)\n"
    "  -j, --jobs J          trials in parallel (default: the number of cores)\n"
    "  -s, --seed S          base seed (default: random, printed)\n"
    "  --timeout T           per-trial timeout (default 60s; 0 = none)\n"
    "  -o, --results DIR     where trials.jsonl and logs/ go (default results/run-<time>)\n"
    "  --resume DIR          continue the run recorded in DIR (its command and options)\n"
    "  -b, --build DIR       value of {build} (default $RACELAB_BUILD or build)\n"
    "  --signature RE        a signature pattern tried before the built-in ones (repeatable)\n"
    "  --ignore RE           output lines matching RE are never a signature (repeatable)\n"
    "  --max-failures N      start no trial once N trials crashed or hung\n"
    "  --keep-logs           keep the output of passing trials too\n"
    "  --co-load cpu=N       N busy threads beside the trials for the whole run\n"
    "  --program-kind K      go, native or auto (default): a Go program's hang gets a goroutine dump\n"
    "  --sigquit-grace D     how long a hung Go program gets to write its dump (default 5s)\n"
    "  -q, --quiet           no summary, only the closing line\n";
/* Then the report options, from the writer table. */

/* A word of the history, with backslash, newline and carriage return
 * escaped so that every value stays on its line. */
static char *rl__hist_word(const char *w)
{
    size_t n = strlen(w);
    char *o = malloc(2 * n + 1), *p = o;
    if (!o)
        return NULL;
    for (; *w; w++) {
        if (*w == '\\' || *w == '\n' || *w == '\r') {
            *p++ = '\\';
            *p++ = *w == '\n' ? 'n' : *w == '\r' ? 'r' : '\\';
        } else {
            *p++ = *w;
        }
    }
    *p = '\0';
    return o;
}

static char *rl__hist_unword(const char *w, size_t n)
{
    char *o = malloc(n + 1), *p = o;
    if (!o)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (w[i] == '\\' && i + 1 < n) {
            i++;
            *p++ = w[i] == 'n' ? '\n' : w[i] == 'r' ? '\r' : w[i];
        } else {
            *p++ = w[i];
        }
    }
    *p = '\0';
    return o;
}

/* DIR/history of a run: "run trials=N time=S timeout=S max-failures=N
 * keep-logs=B", "build DIR", then one "argv WORD", "signature RE" or
 * "ignore RE" line each, in order. */
static char *rl__run_history(const rl__run_plan_t *p)
{
    char co[32];
    rl_coload_text(&p->co_load, co, sizeof co);
    char *t = rl_aprintf("racelab-history 1\nrun trials=%ld time=%.17g timeout=%.17g max-failures=%ld "
                         "keep-logs=%d\nco-load %s\nhang-dump %s %.17g\n", p->trials, p->time_s, p->timeout_s,
                         p->max_failures, p->keep_logs, co, rl_program_kind_name(p->hang_dump.kind),
                         p->hang_dump.sigquit_grace_s);
    const char *build[1] = { p->build };
    struct {
        const char *key;
        char *const *w;
        int n;
    } lists[] = { { "build", (char *const *)build, 1 }, { "argv", p->cmd, p->ncmd },
                  { "signature", p->sigs, p->nsigs }, { "ignore", p->ignores, p->nignores } };
    for (size_t l = 0; t && l < sizeof lists / sizeof lists[0]; l++)
        for (int i = 0; t && i < lists[l].n; i++) {
            char *w = rl__hist_word(lists[l].w[i]);
            char *nt = w ? rl_aprintf("%s%s %s\n", t, lists[l].key, w) : NULL;
            free(w);
            free(t);
            t = nt;
        }
    return t;
}

static int rl__push(char ***list, int *n, char *w)
{
    char **nl = w ? realloc(*list, ((size_t)*n + 2) * sizeof *nl) : NULL;
    if (!nl) {
        free(w);
        return -1;
    }
    nl[(*n)++] = w;
    nl[*n] = NULL;
    *list = nl;
    return 0;
}

/* Reads the plan back from the history text of DIR.  0, or exit 64 with
 * the reason. */
static int rl__run_read_history(const char *dir, const char *text, rl__run_plan_t *p)
{
    char *head = text ? rl_history_get(text, "run") : NULL;
    int kl = 0;
    if (!head || sscanf(head, "trials=%ld time=%lf timeout=%lf max-failures=%ld keep-logs=%d", &p->trials,
                        &p->time_s, &p->timeout_s, &p->max_failures, &kl) != 5) {
        free(head);
        return rl_usage("run: %s/history does not record a racelab run (resume a check with "
                        "racelab check --resume %s)", dir, dir);
    }
    free(head);
    p->keep_logs = kl;
    char *co = rl_history_get(text, "co-load"), cerr[160];
    if (co && rl_coload_parse(co, &p->co_load, cerr, sizeof cerr) != 0) {
        free(co);
        return rl_usage("%s/history: co-load: %s", dir, cerr);
    }
    free(co);
    /* "hang-dump KIND GRACE"; a history without it is of the defaults. */
    char *hd = rl_history_get(text, "hang-dump"), kind[16];
    double grace;
    if (hd) {
        int k = sscanf(hd, "%15s %lf", kind, &grace) == 2 ? rl_program_kind_parse(kind) : -1;
        free(hd);
        if (k < 0 || !(grace > 0) || grace > RL_SIGQUIT_GRACE_MAX_S)
            return rl_usage("%s/history: hang-dump: wants a program kind and a grace in seconds", dir);
        p->hang_dump.kind = (rl_program_kind_t)k;
        p->hang_dump.sigquit_grace_s = grace;
    }
    int bad = 0;
    for (const char *l = text; l && *l && !bad;) {
        const char *e = strchr(l, '\n');
        size_t len = e ? (size_t)(e - l) : strlen(l);
        static const char *const keys[] = { "build ", "argv ", "signature ", "ignore " };
        for (int k = 0; k < 4; k++) {
            size_t n = strlen(keys[k]);
            if (len < n || strncmp(l, keys[k], n) != 0)
                continue;
            char *w = rl__hist_unword(l + n, len - n);
            if (k == 0) {
                free(p->build);
                p->build = w;
                bad = !w;
            } else {
                bad = rl__push(k == 1 ? &p->cmd : k == 2 ? &p->sigs : &p->ignores,
                               k == 1 ? &p->ncmd : k == 2 ? &p->nsigs : &p->nignores, w) != 0;
            }
        }
        l = e ? e + 1 : NULL;
    }
    if (bad)
        return rl_internal("out of memory");
    if (p->ncmd == 0 || !p->build)
        return rl_usage("run: %s/history names no command; it cannot be resumed", dir);
    return 0;
}

/* The spec of the run: one variant "run" of the command, its classifier. */
static int rl__run_spec(rl__run_t *r)
{
    rl_spec_t *s = &r->spec;
    char err[256];
    memset(s, 0, sizeof *s);
    s->path = rl_strdup("racelab run");
    s->name = rl_strdup("run");
    s->description = rl_strdup("racelab run --");   /* then the command, as given */
    for (int i = 0; s->description && i < r->p.ncmd; i++) {
        char *d = rl_aprintf("%s %s", s->description, r->p.cmd[i]);
        free(s->description);
        s->description = d;
    }
    s->trials = r->p.trials > 0 ? r->p.trials : 0;
    s->confidence = 0.95;
    s->nvariants = 1;
    s->variants = calloc(1, sizeof *s->variants);
    if (!s->path || !s->name || !s->description || !s->variants)
        return rl_internal("out of memory");
    s->variants[0].name = rl_strdup("run");
    if (rl_classifier_init(&s->classifier, r->p.timeout_s) != 0)
        return rl_internal("out of memory");
    s->classifier.hang_dump = r->p.hang_dump;
    for (int i = 0; i < r->p.nsigs; i++)
        if (rl_classifier_add(&s->classifier, r->p.sigs[i], err, sizeof err) != 0)
            return rl_usage("run: --signature /%s/: %s", r->p.sigs[i], err);
    for (int i = 0; i < r->p.nignores; i++)
        if (rl_classifier_ignore(&s->classifier, r->p.ignores[i], err, sizeof err) != 0)
            return rl_usage("run: --ignore /%s/: %s", r->p.ignores[i], err);
    return rl_eval_init(&r->ev, s) != 0 ? rl_internal("out of memory") : 0;
}

/* One trial of the run being resumed. */
static int rl__run_prior(void *ctx, rl_trial_t *t)
{
    rl__run_t *r = ctx;
    if (strcmp(t->spec, "run") != 0 || strcmp(t->variant, "") != 0 || t->index < 0 ||
        (r->p.trials >= 0 && t->index >= r->p.trials))
        return rl_usage("%s/trials.jsonl: trial %ld (%s %s) is not one of this run's", r->dir, t->index,
                        t->spec, t->variant);
    if (t->seed != rl_trial_seed(r->base_seed, t->index))
        return rl_usage("%s/trials.jsonl: trial %ld has seed %llu, not the one derived from %s/seed",
                        r->dir, t->index, (unsigned long long)t->seed, r->dir);
    if (rl__run_was_recorded(r, t->index)) {
        fprintf(stderr, "racelab: %s/trials.jsonl: trial %ld recorded twice; counted once\n", r->dir, t->index);
        return 0;
    }
    r->resumed++;
    if (t->started_s + t->duration_s > r->prior_end)
        r->prior_end = t->started_s + t->duration_s;
    return rl__run_count(r, t) != 0 ? rl_internal("out of memory") : 0;
}

static void rl__run_plan_free(rl__run_plan_t *p, int owned)
{
    if (owned)
        for (int i = 0; i < p->ncmd; i++)
            free(p->cmd[i]);
    if (owned)
        free(p->cmd);
    for (int i = 0; i < p->nsigs; i++)
        free(p->sigs[i]);
    for (int i = 0; i < p->nignores; i++)
        free(p->ignores[i]);
    free(p->sigs);
    free(p->ignores);
    free(p->build);
}

/* The text summary on stdout. */
static void rl__run_print(const rl__run_t *r, int jobs, double wall, const char *co_load)
{
    const rl_tally_t *t = &r->ev.vt[0];
    long n = t->n, k = t->outcomes[RL_OUTCOME_CRASH];
    long ran = rl_report_ran(t);
    printf("racelab run: %ld trials in %.1fs (%d jobs, base seed %llu, co-load %s)\n", n, wall, jobs,
           (unsigned long long)r->base_seed, co_load);
    if (r->resumed)
        printf("  %ld of them recorded before this resume\n", r->resumed);
    printf("  pass %ld  crash %ld  hang %ld  error %ld\n", t->outcomes[RL_OUTCOME_PASS], k,
           t->outcomes[RL_OUTCOME_HANG], t->outcomes[RL_OUTCOME_ERROR]);
    if (ran > 0) {
        rl_interval_t w = rl_wilson(k, ran, 0.95);
        printf("  crash rate %.2f%% (Wilson 95%% [%.2f%%, %.2f%%])", 100.0 * (double)k / (double)ran,
               100.0 * w.lo, 100.0 * w.hi);
        if (k == 0)
            printf(", exact one-sided 95%% upper bound %.2f%%", 100.0 * rl_upper_bound(0, ran, 0.95));
        printf("\n");
    }
    const rl_bucket_t **b;
    int nb = rl_report_buckets(t, &b);
    char cmd[1024];
    for (int s = 0; s < nb; s++) {
        printf("  %6ld  ", b[s]->count);
        rl_report_term(stdout, b[s]->signature);   /* a trial's bytes: no escape sequences */
        putchar('\n');
        if (*rl_report_replay(cmd, sizeof cmd, &r->ev.summary, b[s])) {
            printf("          first: trial %ld", b[s]->first_index);
            if (b[s]->first_log) {
                fputs(", log ", stdout);
                rl_report_term(stdout, b[s]->first_log);
            }
            fputs("; rerun: ", stdout);
            rl_report_term(stdout, cmd);
            putchar('\n');
        }
        if (rl_report_printed(b[s])) {
            fputs("          as printed: ", stdout);
            rl_report_term(stdout, rl_report_printed(b[s]));
            putchar('\n');
        }
    }
    free(b);
    if (r->stopped_by_failures)
        printf("  stopped after %ld failures (--max-failures %ld)\n", r->failures, r->p.max_failures);
}

/* Adds pattern to list after compiling it once to check it.  0 or exit 64. */
static int rl__run_pattern(const char *opt, const char *re, char ***list, int *n)
{
    char why[128];
    rl_regex_t *rx = rl_regex_compile(re, why, sizeof why);
    if (!rx)
        return rl_usage("run: %s /%s/: %s", opt, re, why);
    rl_regex_free(rx);
    return rl__push(list, n, rl_strdup(re)) != 0 ? rl_internal("out of memory") : 0;
}

int rl_cmd_run(int argc, char **argv)
{
    rl__run_t r;
    memset(&r, 0, sizeof r);
    r.p.trials = -1;
    r.p.timeout_s = 60;
    r.p.hang_dump.sigquit_grace_s = RL_SIGQUIT_GRACE_DEFAULT_S;
    const char *build = getenv("RACELAB_BUILD") ? getenv("RACELAB_BUILD") : "build";
    int jobs = rl_ncpus(), have_seed = 0, have_time = 0, quiet = 0, shaping = 0;
    const char *dir = NULL, *resume = NULL, *v;
    rl_report_files_t reports;
    memset(&reports, 0, sizeof reports);
    int i, rc = 0;
    for (i = 1; i < argc && rc == 0; i++) {
        int m;
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(rl__run_help, stdout);
            rl_report_opts_help(stdout, 0, "  ", " FILE");
            fputs("   reports\n", stdout);
            rl__run_plan_free(&r.p, 0);
            return RL_EXIT_OK;
        } else if (strcmp(argv[i], "--keep-logs") == 0) {
            r.p.keep_logs = 1;
            shaping = 1;
        } else if (strcmp(argv[i], "--quiet") == 0) {
            quiet = 1;
        } else if ((m = rl_opt(argc, argv, &i, "--trials", &v))) {
            if (m < 0 || rl_parse_long(v, 1, 1000000000L, &r.p.trials))
                rc = rl_usage("run: --trials needs a whole number >= 1");
            shaping = 1;
        } else if ((m = rl_opt(argc, argv, &i, "--time", &v))) {
            if (m < 0 || rl_parse_duration(v, &r.p.time_s) || r.p.time_s <= 0)
                rc = rl_usage("run: --time needs a duration such as 90s, 5m or 1h");
            have_time = 1;
        } else if ((m = rl_opt(argc, argv, &i, "--jobs", &v))) {
            long j;
            if (m < 0 || rl_parse_long(v, 1, 1024, &j))
                rc = rl_usage("run: --jobs needs a number from 1 to 1024");
            else
                jobs = (int)j;
        } else if ((m = rl_opt(argc, argv, &i, "--seed", &v))) {
            if (m < 0 || rl_parse_u64(v, &r.base_seed))
                rc = rl_usage("run: --seed needs an unsigned 64-bit number");
            have_seed = 1;
        } else if ((m = rl_opt(argc, argv, &i, "--timeout", &v))) {
            if (m < 0 || rl_parse_duration(v, &r.p.timeout_s))
                rc = rl_usage("run: --timeout needs a duration such as 30s");
            shaping = 1;
        } else if ((m = rl_opt(argc, argv, &i, "--max-failures", &v))) {
            if (m < 0 || rl_parse_long(v, 1, 1000000000L, &r.p.max_failures))
                rc = rl_usage("run: --max-failures needs a whole number >= 1");
            shaping = 1;
        } else if ((m = rl_opt(argc, argv, &i, "--signature", &v))) {
            rc = m < 0 ? rl_usage("run: --signature needs a regular expression")
                       : rl__run_pattern("--signature", v, &r.p.sigs, &r.p.nsigs);
            shaping = 1;
        } else if ((m = rl_opt(argc, argv, &i, "--ignore", &v))) {
            rc = m < 0 ? rl_usage("run: --ignore needs a regular expression")
                       : rl__run_pattern("--ignore", v, &r.p.ignores, &r.p.nignores);
            shaping = 1;
        } else if ((m = rl_opt(argc, argv, &i, "--results", &v))) {
            if (m < 0)
                rc = rl_usage("run: --results needs a directory");
            dir = v;
        } else if ((m = rl_opt(argc, argv, &i, "--resume", &v))) {
            if (m < 0)
                rc = rl_usage("run: --resume needs a directory");
            resume = v;
        } else if ((m = rl_opt(argc, argv, &i, "--build", &v))) {
            if (m < 0)
                rc = rl_usage("run: --build needs a directory");
            build = v;
            shaping = 1;
        } else if ((m = rl_opt(argc, argv, &i, "--co-load", &v))) {
            char cerr[160];
            if (m < 0 || rl_coload_parse(v, &r.p.co_load, cerr, sizeof cerr) != 0)
                rc = rl_usage("run: %s", m < 0 ? "--co-load needs cpu=N" : cerr);
            shaping = 1;
        } else if ((m = rl_opt(argc, argv, &i, "--program-kind", &v))) {
            int k = m < 0 ? -1 : rl_program_kind_parse(v);
            if (k < 0)
                rc = rl_usage("run: --program-kind needs go, native or auto");
            r.p.hang_dump.kind = (rl_program_kind_t)(k < 0 ? 0 : k);
            shaping = 1;
        } else if ((m = rl_opt(argc, argv, &i, "--sigquit-grace", &v))) {
            if (m < 0 || rl_parse_duration(v, &r.p.hang_dump.sigquit_grace_s) ||
                !(r.p.hang_dump.sigquit_grace_s > 0) || r.p.hang_dump.sigquit_grace_s > RL_SIGQUIT_GRACE_MAX_S)
                rc = rl_usage("run: --sigquit-grace needs a duration > 0 and <= %gs, such as 5s",
                              RL_SIGQUIT_GRACE_MAX_S);
            shaping = 1;
        } else if ((m = rl_report_opt(argc, argv, &i, "run", 0, &reports))) {
            if (m < 0)
                rc = RL_EXIT_USAGE;
        } else if (argv[i][0] == '-') {
            rc = rl_unknown_option("run", argv[i], rl__run_help);
        } else {
            break;
        }
    }
    if (rc != 0) {
        rl__run_plan_free(&r.p, 0);
        return rc;
    }
    char *history = NULL;
    if (resume) {
        if (i < argc || shaping || have_time || have_seed || (dir && strcmp(dir, resume) != 0)) {
            rl__run_plan_free(&r.p, 0);
            return rl_usage("run: --resume %s takes the command, the seed and the options that shape the "
                            "trials from %s/history; give only --jobs, --quiet and report options", resume,
                            resume);
        }
        rl__run_plan_free(&r.p, 0);
        memset(&r.p, 0, sizeof r.p);
        history = rl_dir_read_history(resume);
        if (!history)
            return rl_usage("run: %s/history: cannot read it: %s", resume, strerror(errno));
        rc = rl__run_read_history(resume, history, &r.p);
        free(history);
        history = NULL;
        if (rc != 0) {
            rl__run_plan_free(&r.p, 1);
            return rc;
        }
        dir = resume;
    } else {
        if (i >= argc)
            return rl__run_plan_free(&r.p, 0),
                   rl_usage("run: no command given (racelab run [options] -- CMD [ARGS...])");
        if (have_time && r.p.trials >= 0)
            return rl__run_plan_free(&r.p, 0), rl_usage("run: give --trials or --time, not both");
        if (!have_time && r.p.trials < 0)
            r.p.trials = 100;
        if (!have_seed)
            r.base_seed = rl_random_seed();
        /* Owned copies, as --resume has them. */
        for (int a = i; a < argc && rc == 0; a++)
            if (rl__push(&r.p.cmd, &r.p.ncmd, rl_strdup(argv[a])) != 0)
                rc = rl_internal("out of memory");
        r.p.build = rl_strdup(build);
        if (rc == 0 && !(history = rl__run_history(&r.p)))
            rc = rl_internal("out of memory");
    }

    char *owned_dir = NULL;
    if (rc == 0 && !dir)
        dir = owned_dir = rl_default_results_dir("run");
    r.dir = dir;
    if (rc == 0)
        rc = rl__run_spec(&r);
    if (rc == 0)
        rc = rl_report_check_files("run", &reports, NULL, 0, &dir, 1);
    char err[512];
    /* From the lock on, a SIGINT/SIGTERM only asks the run to stop. */
    rl_install_signal_handlers();
    rl_lock_t *lock = NULL;
    if (rc == 0) {
        int lr = rl_dir_lock(dir, resume ? "run --resume" : "run", &lock, err, sizeof err);
        if (lr != 0)
            rc = lr > 0 ? rl_usage("run: %s", err) : rl_internal("%s", err);
    }
    if (rc == 0 && !resume && rl_dir_in_use(dir)) /* under the lock, as check */
        rc = rl_usage("run: %s already holds trials; continue them with racelab run --resume %s or give "
                      "another --results directory", dir, dir);
    if (rc == 0 && resume) {
        int have = rl_dir_read_seed(dir, &r.base_seed);
        if (have <= 0)
            rc = rl_usage("%s/seed is %s: the seeds of the recorded trials cannot be continued", dir,
                          have < 0 ? "not a seed" : "missing");
        if (rc == 0 && rl_dir_read_for_resume(dir, NULL, err, sizeof err) != 0)
            rc = rl_usage("%s", err);
        if (rc == 0) {
            int pr = rl_results_each(dir, rl__run_prior, &r, err, sizeof err);
            if (pr < 0)
                rc = rl_usage("%s", err);
            else if (pr > 0)
                rc = pr;
        }
        if (rc == 0 && r.resumed && !quiet)
            fprintf(stderr, "racelab: run: resuming with %ld recorded trials\n", r.resumed);
    }
    if (rc == 0 && rl_results_open(&r.results, dir, err, sizeof err) != 0)
        rc = rl_internal("%s", err);
    if (rc == 0 && !resume && rl_dir_write_seed(dir, r.base_seed) != 0)
        rc = rl_internal("%s/seed: cannot write it", dir);
    if (rc == 0 && !resume && rl_dir_write_history(dir, history) != 0)
        rc = rl_internal("%s/history: cannot write it: %s", dir, strerror(errno));
    free(history);
    if (rc != 0) {
        rl_results_close(&r.results);
        if (lock)
            rl_dir_unlock(lock);
        rl_eval_free(&r.ev);
        rl_spec_free(&r.spec);
        rl__run_plan_free(&r.p, 1);
        rl_indexset_free(&r.recorded);
        free(owned_dir);
        return rc;
    }
    int stale = rl_spawn_reap_abandoned();
    if (stale > 0)
        fprintf(stderr, "racelab: killed %d trial process%s left running by a racelab that was killed\n",
                stale, stale == 1 ? "" : "es");
    char co_load_text[32];
    rl_coload_text(&r.p.co_load, co_load_text, sizeof co_load_text);
    /* The load runs from before the first trial to after the last. */
    rl_coload_t *load = rl_coload_start(&r.p.co_load);
    if (!load) {
        rl_results_close(&r.results);
        rl_dir_unlock(lock);
        rl_eval_free(&r.ev);
        rl_spec_free(&r.spec);
        rl__run_plan_free(&r.p, 1);
        rl_indexset_free(&r.recorded);
        free(owned_dir);
        return rl_internal("run: cannot start the %d threads of --co-load %s", r.p.co_load.cpus, co_load_text);
    }
    rl_engine_t e = {
        .jobs = jobs, .ctx = &r, .next = rl__run_next, .record = rl__run_record,
        .sync = rl__run_sync, .done = rl__run_done,
        .progress = rl_stderr_isatty() && !quiet ? rl__run_progress : NULL,
        .results_dir = r.dir,
    };
    /* A resumed run goes on from where the recorded part ended: first-crash
     * times, the wall time and a --time budget span the whole run. */
    r.t0 = e.t0 = rl_now() - r.prior_end;
    rc = rl_engine_run(&e);
    rl_coload_stop(load);
    double wall = rl_now() - r.t0;
    if (rl__run_sync(&r) != 0 && rc == 0)
        rc = -1;
    rl_results_close(&r.results);
    rl_dir_unlock(lock);
    rl_eval_finish(&r.ev, 0, wall);
    r.ev.summary.co_load = r.p.co_load.cpus > 0 ? co_load_text : NULL;
    r.ev.summary.results_dir = dir;
    r.ev.summary.has_seed = 1;
    r.ev.summary.base_seed = (unsigned long long)r.base_seed;

    const rl_tally_t *t = &r.ev.vt[0];
    long n = t->n;
    int status = rc == 1 ? rl_interrupted_exit() : rc < 0 ? RL_EXIT_INTERNAL
               : n == 0 || r.failures > 0 ? RL_EXIT_FAIL
               : t->outcomes[RL_OUTCOME_ERROR] > 0 ? RL_EXIT_UNDECIDED : RL_EXIT_OK;
    if (rc == 1) {
        fprintf(stderr, "racelab: interrupted; every finished trial is in %s/trials.jsonl; continue with: "
                        "racelab run --resume %s\n", dir, dir);
    } else if (rc == 0) {
        if (!quiet)
            rl__run_print(&r, jobs, wall, co_load_text);
        const rl_summary_t *sums[1] = { &r.ev.summary };
        if (rl_report_write_files(&reports, sums, 1, NULL) != 0)
            status = RL_EXIT_INTERNAL;
        printf("racelab: %s: %ld trials in %.1fs; results in %s\n",
               status == RL_EXIT_INTERNAL ? "ERROR" : rl_verdict_word(status), n, wall, dir);
    }
    rl_eval_free(&r.ev);
    rl_spec_free(&r.spec);
    rl__run_plan_free(&r.p, 1);
    rl_indexset_free(&r.recorded);
    free(owned_dir);
    fflush(stdout);
    return status;
}
