/* cmd/sweep.c - racelab sweep [options] SPEC --knob NAME=V1,V2,...: check
 * one spec once per value of one knob and report crash rate and time to
 * crash against the value.
 *
 * Each point is an ordinary `racelab check` of a copy of the spec whose
 * variant lines end with --NAME=V (last, so the swept value wins over a
 * spec's own setting), written to DIR/NAME=V.repro and run into DIR/NAME=V/.
 * So a point keeps everything a check keeps (trials.jsonl, logs, seed, spec
 * copy: replay and merge work on it), and an interrupted sweep resumes point
 * by point. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "util/strbuf.h"
#include "core/seed.h"
#include "core/evaluate.h"
#include "os/os.h"
#include "store/results.h"
#include "store/resultsdir.h"
#include "core/spec.h"
#include "report/sweep.h"
#include "cmd/reports.h"

#define RL_SWEEP_MAX_VALUES 64

static const char rl__sweep_help[] =
    "usage: racelab sweep [options] SPEC --knob NAME=V1,V2,...\n"
    "  Checks SPEC once per value V, with --NAME=V appended to every variant's\n"
    "  arguments, and reports each variant's crash rate (Wilson interval) and\n"
    "  time to crash against the value.\n"
    "  --knob NAME=V1,...  the knob and its values (required; names: letters,\n"
    "                    digits, - and _; values: letters, digits and . _ : + -)\n"
    "  --trials N        trials per variant and point (default: the spec's)\n"
    "  --jobs J          trials in parallel (default: the number of cores)\n"
    "  --results DIR     results directory (default results/<spec>-sweep-<time>);\n"
    "                    point V goes to DIR/NAME=V/, its spec to DIR/NAME=V.repro\n"
    "  --resume DIR      continue an interrupted sweep (same SPEC and --knob)\n"
    "  --fixed-n         no sequential stopping: every variant runs all its trials\n"
    "  --seed S          base seed, the same for every point (default: one random)\n"
    "  --build DIR       value of {build} (default $RACELAB_BUILD or build)\n"
    "  --co-load cpu=N   N busy threads beside every point's trials (see check)\n";
/* Then the report options that have a sweep form, from the writer table. */
static const char rl__sweep_help_tail[] =
    "  --quiet           no table on stdout, only the verdict line\n"
    "exit status: 0 every point's expectations hold, 1 some do not, 64 bad\n"
    "arguments or spec, 70 internal error, 128+N interrupted by signal N\n";

typedef struct {
    const char *spec_path, *knob_arg, *results, *resume, *build;
    const char *jobs, *seed, *co_load;
    rl_report_files_t reports;
    long trials;
    int fixed_n, quiet;
    char *knob;                       /* NAME */
    int nvalues;
    char *values[RL_SWEEP_MAX_VALUES];
} rl__sweep_opts_t;

static int rl__name_ok(const char *s)
{
    if (*s == '\0' || *s == '-')
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-' ||
              *s == '_'))
            return 0;
    return 1;
}

/* Values become file names and spec words: a conservative alphabet keeps
 * them both without quoting. */
static int rl__value_ok(const char *s)
{
    if (*s == '\0' || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              strchr("._:+-", *s)))
            return 0;
    return 1;
}

/* Splits "NAME=V1,V2,..." into o->knob and o->values.  0, or a usage exit. */
static int rl__parse_knob(rl__sweep_opts_t *o, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (eq == NULL)
        return rl_usage("sweep: --knob '%s': wants NAME=V1,V2,... (e.g. profiler-hz=50,200,1000)", arg);
    o->knob = rl_strdup(arg);
    if (o->knob == NULL)
        return rl_internal("out of memory");
    o->knob[eq - arg] = '\0';
    if (!rl__name_ok(o->knob))
        return rl_usage("sweep: --knob '%s': bad knob name '%s' (letters, digits, - and _; no leading -)", arg,
                        o->knob);
    char *list = o->knob + (eq - arg) + 1;
    if (*list == '\0')
        return rl_usage("sweep: --knob '%s': no values after '='", arg);
    for (char *v = list;;) {
        char *comma = strchr(v, ',');
        if (comma)
            *comma = '\0';
        if (!rl__value_ok(v))
            return rl_usage("sweep: --knob '%s': bad value '%s' (letters, digits and . _ : + -; not empty)", arg, v);
        for (int k = 0; k < o->nvalues; k++)
            if (strcmp(o->values[k], v) == 0)
                return rl_usage("sweep: --knob '%s': value '%s' given twice", arg, v);
        if (o->nvalues == RL_SWEEP_MAX_VALUES)
            return rl_usage("sweep: --knob '%s': more than %d values", arg, RL_SWEEP_MAX_VALUES);
        o->values[o->nvalues++] = v;
        if (comma == NULL)
            break;
        v = comma + 1;
    }
    return 0;
}

static int rl__parse(rl__sweep_opts_t *o, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *v;
        int m;
        if (strcmp(argv[i], "--fixed-n") == 0) {
            o->fixed_n = 1;
        } else if (strcmp(argv[i], "--quiet") == 0) {
            o->quiet = 1;
        } else if ((m = rl_opt(argc, argv, &i, "--trials", &v))) {
            if (m < 0 || rl_parse_long(v, 1, 100000000, &o->trials))
                return rl_usage("sweep: --trials needs a number from 1 to 100000000");
        } else if ((m = rl_report_opt(argc, argv, &i, "sweep", 1, &o->reports))) {
            if (m < 0)
                return RL_EXIT_USAGE;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            static const char *const names[] = { "--knob", "--results", "--resume", "--build", "--jobs",
                                                 "--seed", "--co-load" };
            const char **slots[] = { &o->knob_arg, &o->results, &o->resume, &o->build, &o->jobs,
                                     &o->seed, &o->co_load };
            int found = 0;
            for (size_t k = 0; k < sizeof names / sizeof names[0] && !found; k++) {
                m = rl_opt(argc, argv, &i, names[k], &v);
                if (m < 0)
                    return rl_usage("sweep: %s needs a value", names[k]);
                if (m > 0) {
                    if (*slots[k] && k == 0)
                        return rl_usage("sweep: one --knob per sweep (a second one: '%s')", v);
                    *slots[k] = v;
                    found = 1;
                }
            }
            if (!found)
                return rl_unknown_option("sweep", argv[i], rl__sweep_help);
        } else if (o->spec_path) {
            return rl_usage("sweep: one SPEC per sweep (a second one: '%s')", argv[i]);
        } else {
            o->spec_path = argv[i];
        }
    }
    if (o->spec_path == NULL)
        return rl_usage("sweep: no spec given (racelab sweep [options] SPEC --knob NAME=V1,V2,...)");
    if (o->knob_arg == NULL)
        return rl_usage("sweep: no --knob given (e.g. --knob profiler-hz=50,200,1000)");
    long j;
    uint64_t seed;
    if (o->jobs && rl_parse_long(o->jobs, 1, 1024, &j))
        return rl_usage("sweep: --jobs needs a number from 1 to 1024");
    if (o->seed && rl_parse_u64(o->seed, &seed))
        return rl_usage("sweep: --seed needs an unsigned 64-bit number");
    if (o->resume && o->results && strcmp(o->resume, o->results) != 0)
        return rl_usage("sweep: --resume DIR already names the results directory");
    return rl__parse_knob(o, o->knob_arg);
}

static char *rl__slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    rl_sb_t b = { 0 };
    rl_sb_read(&b, f); /* a read error keeps what was read */
    fclose(f);
    return rl_sb_take(&b);
}

/* The first word of a spec line, as the spec parser sees keywords. */
static int rl__keyword_is(const char *line, const char *kw)
{
    while (*line == ' ' || *line == '\t')
        line++;
    size_t n = strlen(kw);
    return strncmp(line, kw, n) == 0 && (line[n] == ' ' || line[n] == '\t' || line[n] == '\0' || line[n] == '\r');
}

/* The spec text of one point: every variant line ends with --NAME=VALUE;
 * with trials > 0 the trials line is replaced.  malloc'd. */
static char *rl__point_text(const char *text, const char *knob, const char *value, long trials)
{
    size_t lines = 1;
    for (const char *c = text; *c; c++)
        lines += *c == '\n';
    size_t cap = strlen(text) + lines * (strlen(knob) + strlen(value) + 5) + 64;
    char *out = malloc(cap), *o = out;
    if (out == NULL)
        return NULL;
    for (const char *l = text; *l;) {
        const char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        size_t body = len > 0 && l[len - 1] == '\r' ? len - 1 : len;
        if (!(trials > 0 && rl__keyword_is(l, "trials"))) {
            memcpy(o, l, body);
            o += body;
            if (rl__keyword_is(l, "variant"))
                o += sprintf(o, " --%s=%s", knob, value);
            *o++ = '\n';
        }
        l += len + (nl != NULL);
    }
    if (trials > 0)
        o += sprintf(o, "# racelab sweep --trials\ntrials %ld\n", trials);
    *o = '\0';
    return out;
}

static int rl__write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    size_t n = strlen(text);
    int bad = fwrite(text, 1, n, f) != n;
    return fclose(f) != 0 || bad ? -1 : 0;
}

typedef struct {
    rl_spec_t spec;
    rl_eval_t ev;
    int have_ev;
} rl__point_t;

/* Counts the point's recorded trials into pt->ev and the median times to
 * crash into sp->median_crash_s.  0, or an exit code. */
static int rl__judge_point(rl__point_t *pt, rl_sweep_point_t *sp, int sequential, double wall_s)
{
    rl_trial_list_t l = { 0 };
    char err[1024];
    if (rl_results_read(sp->dir, &l, err, sizeof err) != 0) {
        rl_trial_list_free(&l);
        return rl_usage("%s", err);
    }
    if (rl_eval_init(&pt->ev, &pt->spec) != 0) {
        rl_trial_list_free(&l);
        return rl_internal("out of memory");
    }
    pt->have_ev = 1;
    for (size_t k = 0; k < l.n; k++)
        if (strcmp(l.trials[k].spec, pt->spec.name) == 0)
            rl_eval_add(&pt->ev, &l.trials[k]);
    rl_eval_finish(&pt->ev, sequential, wall_s);
    sp->summary = &pt->ev.summary;
    sp->median_crash_s = calloc((size_t)pt->spec.nvariants, sizeof *sp->median_crash_s);
    for (int v = 0; sp->median_crash_s && v < pt->spec.nvariants; v++)
        sp->median_crash_s[v] = rl_sweep_median_crash(l.trials, l.n, pt->spec.variants[v].name);
    rl_trial_list_free(&l);
    return sp->median_crash_s ? 0 : rl_internal("out of memory");
}

/* Writes the point's spec and checks it into its directory (resuming it
 * when it already holds trials and --resume was given).  0, or an exit
 * code: 1 from check (an expectation failed) counts as 0 here. */
static int rl__run_point(const rl__sweep_opts_t *o, const char *dir, const char *text, int p,
                         rl__point_t *pt, rl_sweep_point_t *sp)
{
    char err[1024];
    char *path = rl_aprintf("%s/%s=%s.repro", dir, o->knob, o->values[p]);
    char *pt_text = rl__point_text(text, o->knob, o->values[p], o->trials);
    sp->value = o->values[p];
    sp->dir = rl_aprintf("%s/%s=%s", dir, o->knob, o->values[p]);
    if (!path || !pt_text || !sp->dir) {
        free(path);
        free(pt_text);
        return rl_internal("out of memory");
    }
    if (rl__write_text(path, pt_text) != 0) {
        int e = errno;
        free(pt_text);
        int rc = rl_internal("%s: cannot write it: %s", path, strerror(e));
        free(path);
        return rc;
    }
    free(pt_text);
    if (rl_spec_load(path, &pt->spec, err, sizeof err) != 0) {
        free(path);
        return rl_usage("%s (the spec of point --%s=%s)", err, o->knob, o->values[p]);
    }
    /* A variant line ending in a backslash or an open quote would swallow
     * the knob into its last word: refuse rather than sweep nothing. */
    char *want = rl_aprintf("--%s=%s", o->knob, o->values[p]);
    for (int v = 0; want && v < pt->spec.nvariants; v++) {
        const rl_variant_t *var = &pt->spec.variants[v];
        if (var->argc == 0 || strcmp(var->argv[var->argc - 1], want) != 0) {
            int rc = rl_usage("%s:%d: cannot append %s to this variant line", o->spec_path, var->line, want);
            free(want);
            free(path);
            return rc;
        }
    }
    free(want);

    int resume = o->resume && rl_dir_in_use(sp->dir);
    char *argv[24];
    int argc = 0;
    argv[argc++] = "check";
    argv[argc++] = "--quiet";
    argv[argc++] = resume ? "--resume" : "--results";
    argv[argc++] = sp->dir;
    if (o->jobs) {
        argv[argc++] = "--jobs";
        argv[argc++] = (char *)o->jobs;
    }
    if (o->seed && !resume) {
        argv[argc++] = "--seed";
        argv[argc++] = (char *)o->seed;
    }
    if (o->build) {
        argv[argc++] = "--build";
        argv[argc++] = (char *)o->build;
    }
    if (o->fixed_n)
        argv[argc++] = "--fixed-n";
    if (o->co_load) {   /* checked by check: a resumed point keeps its own */
        argv[argc++] = "--co-load";
        argv[argc++] = (char *)o->co_load;
    }
    argv[argc++] = path;
    argv[argc] = NULL;
    fprintf(stderr, "racelab: sweep point %d/%d: --%s=%s%s\n", p + 1, o->nvalues, o->knob, o->values[p],
            resume ? " (resumed)" : "");
    double t0 = rl_now();
    int rc = rl_cmd_check(argc, argv);
    free(path);
    if (rc != RL_EXIT_OK && rc != RL_EXIT_FAIL && rc != RL_EXIT_UNDECIDED)
        return rc;   /* not a verdict: the sweep stops */
    return rl__judge_point(pt, sp, !o->fixed_n, rl_now() - t0);
}

int rl_cmd_sweep(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(rl__sweep_help, stdout);
            rl_report_opts_help(stdout, 1, "  ", " FILE");
            fputs("   reports (the HTML has the charts)\n", stdout);
            return fputs(rl__sweep_help_tail, stdout), RL_EXIT_OK;
        }
    rl__sweep_opts_t o;
    memset(&o, 0, sizeof o);
    int rc = rl__parse(&o, argc, argv);
    if (rc != 0)
        return free(o.knob), rc;

    char err[1024];
    rl_spec_t spec;
    if (rl_spec_load(o.spec_path, &spec, err, sizeof err) != 0)
        return free(o.knob), rl_usage("%s", err);
    char *text = rl__slurp(o.spec_path);
    char *stem = rl_aprintf("%s-sweep", spec.name);
    char *owned_dir = NULL;
    const char *dir = o.resume ? o.resume : o.results;
    if (!text || !stem) {
        rc = rl_internal("%s: cannot read it again", o.spec_path);
    } else if (!dir) {
        dir = owned_dir = rl_default_results_dir(stem);
        if (!dir)
            rc = rl_internal("out of memory");
    }
    for (int p = 0; rc == 0 && !o.resume && p < o.nvalues; p++) {
        char *sub = rl_aprintf("%s/%s=%s", dir, o.knob, o.values[p]);
        if (sub && rl_dir_in_use(sub))
            rc = rl_usage("sweep: %s already holds trials; continue the sweep with --resume %s "
                          "or give another --results directory", sub, dir);
        free(sub);
    }
    if (rc == 0) {
        /* Before any point runs: no report over the spec or a file of a
         * point's results directory, every report writable. */
        char **subs = calloc((size_t)o.nvalues + 1, sizeof *subs);
        if (!subs)
            rc = rl_internal("out of memory");
        for (int p = 0; subs && p < o.nvalues; p++)
            subs[p] = rl_aprintf("%s/%s=%s", dir, o.knob, o.values[p]);
        const char *in[1] = { o.spec_path };
        if (subs)
            rc = rl_report_check_files("sweep", &o.reports, in, 1, (const char *const *)subs, o.nvalues);
        for (int p = 0; subs && p < o.nvalues; p++)
            free(subs[p]);
        free(subs);
    }
    if (rc == 0 && rl_mkdir_p(dir) != 0)
        rc = rl_internal("%s: cannot create it: %s", dir, strerror(errno));
    /* One base seed for every point (common random numbers: trial i gets
     * the same seed at every value, so values are compared on equal draws). */
    char seedbuf[32];
    for (int p = 0; rc == 0 && o.resume && o.seed == NULL && p < o.nvalues; p++) {
        /* Points not started before the interruption take the seed of
         * those that were. */
        char *sub = rl_aprintf("%s/%s=%s", dir, o.knob, o.values[p]);
        uint64_t s0;
        if (sub && rl_dir_read_seed(sub, &s0) == 1) {
            snprintf(seedbuf, sizeof seedbuf, "%llu", (unsigned long long)s0);
            o.seed = seedbuf;
        }
        free(sub);
    }
    if (rc == 0 && o.seed == NULL) {
        snprintf(seedbuf, sizeof seedbuf, "%llu", (unsigned long long)rl_random_seed());
        o.seed = seedbuf;
    }
    if (rc == 0 && !o.quiet)
        fprintf(stderr, "racelab: sweep of %s over --%s (%d values, base seed %s); results in %s\n", spec.name,
                o.knob, o.nvalues, o.seed, dir);

    rl__point_t *pts = calloc((size_t)o.nvalues, sizeof *pts);
    rl_sweep_point_t *sps = calloc((size_t)o.nvalues, sizeof *sps);
    const char **vnames = calloc((size_t)spec.nvariants, sizeof *vnames);
    if (rc == 0 && (!pts || !sps || !vnames))
        rc = rl_internal("out of memory");
    double t0 = rl_now();
    int ran = 0;
    for (int p = 0; rc == 0 && p < o.nvalues; p++) {
        rc = rl__run_point(&o, dir, text, p, &pts[p], &sps[p]);
        if (rc == 0)
            ran = p + 1;
    }
    int passed = rc == 0 && ran == o.nvalues;
    for (int p = 0; p < ran; p++)
        passed = passed && sps[p].summary && sps[p].summary->passed;

    if (rc >= 128) {
        fprintf(stderr, "racelab: sweep interrupted; every finished trial is under %s; continue with the "
                        "same arguments and --resume %s\n", dir, dir);
    } else if (rc == 0) {
        for (int v = 0; v < spec.nvariants; v++)
            vnames[v] = spec.variants[v].name;
        for (int p = 0; p < o.nvalues; p++)
            if (!sps[p].value)
                sps[p].value = o.values[p];
        rl_sweep_t sw = {
            .spec_name = spec.name, .spec_issue = spec.issue, .knob = o.knob,
            .nvariants = spec.nvariants, .variants = vnames, .confidence = spec.confidence,
            .npoints = o.nvalues, .points = sps, .dir = dir, .wall_s = rl_now() - t0, .passed = passed,
        };
        if (!o.quiet && rl_sweep_text(stdout, &sw) != 0)
            rc = rl_internal("cannot write the table");
        else if (o.quiet)
            printf("racelab: sweep %s: %d points in %.1fs; results in %s\n", passed ? "PASS" : "FAIL",
                   o.nvalues, sw.wall_s, dir);
        int wrc = rl_report_write_files(&o.reports, NULL, 0, &sw);
        if (wrc != 0)
            rc = wrc;
    }
    for (int p = 0; p < o.nvalues && pts && sps; p++) {
        if (pts[p].have_ev)
            rl_eval_free(&pts[p].ev);
        rl_spec_free(&pts[p].spec);
        free(sps[p].dir);
        free(sps[p].median_crash_s);
    }
    free(pts);
    free(sps);
    free(vnames);
    rl_spec_free(&spec);
    free(text);
    free(stem);
    free(owned_dir);
    free(o.knob);
    fflush(stdout);
    if (rc != 0)
        return rc;
    return passed ? RL_EXIT_OK : RL_EXIT_FAIL;
}
