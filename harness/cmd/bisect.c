/* cmd/bisect.c - racelab bisect: which of an ordered list of candidates
 * (good end first, bad end last) is the first to crash with a signature,
 * when the crash is flaky.  The search is core/bisect.c's; this file runs
 * its trials (fresh processes on --jobs workers), records them in
 * trials.jsonl with their candidate as the variant, resumes a killed run
 * from that file and reports the posterior. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/indexset.h"
#include "cmd/cli.h"
#include "cmd/bisect_cand.h"
#include "core/bisect.h"
#include "core/seed.h"
#include "core/spec.h"
#include "core/stats.h"
#include "os/os.h"
#include "run/engine.h"
#include "run/interrupt.h"
#include "store/results.h"
#include "store/resultsdir.h"
#include "util/fmt.h"
#include "util/regex.h"

typedef struct {
    rl_bisect_cand_list_t *cl;
    rl_bisect_t b;
    const char *sig;            /* --signature, or NULL: any crash counts */
    const rl_regex_t *re;       /* --signature's, owned by classifier */
    rl_classifier_t classifier; /* --timeout, --signature, the built-in patterns */
    uint64_t base_seed;
    double timeout_s, time_s, t0;
    const char *build, *dir;
    long max_trials;            /* started trials at most */
    long started, counted;
    long *other, *hangs, *errors; /* per candidate, not in the posterior */
    rl_indexset_t used;         /* trial indices recorded or handed out */
    long scan;
    int keep_logs;
    int last_cand;
    signed char *built;         /* 1 can run, 0 not built yet, -1 does not build */
    int need_build;             /* >= 0: the search wants this one built */
    char *wt_root;              /* git mode: where the worktrees go */
    rl_bisect_state_t state;
    rl_results_t results;
    char **osig;                /* signatures not counted, and how often */
    long *ocount;
    int nosig;
} rl__bis_t;

/* Absolute path of an existing path (malloc'd), NULL on failure. */
static char *rl__abspath(const char *path)
{
#ifdef _WIN32
    return _fullpath(NULL, path, 0);
#else
    return realpath(path, NULL);
#endif
}

static char *rl__worktrees(const char *dir)
{
    char *a = rl__abspath(dir);
    char *w = a ? rl_aprintf("%s/worktrees", a) : NULL;
    free(a);
    return w;
}

static int rl__mark(rl__bis_t *s, long index)
{
    return rl_indexset_add(&s->used, index);
}

/* Does this trial count, and did it show the signature?  Returns -1 for a
 * trial left out of the posterior (it could not start), else 0 or 1. */
static int rl__counts(const rl__bis_t *s, const rl_trial_t *t)
{
    if (t->outcome == RL_OUTCOME_ERROR)
        return -1;
    if (t->outcome != RL_OUTCOME_CRASH)
        return 0;
    return !s->re || (t->signature && rl_regex_search(s->re, t->signature));
}

static void rl__note_other(rl__bis_t *s, const char *sig)
{
    if (!sig)
        return;
    int i;
    for (i = 0; i < s->nosig; i++)
        if (strcmp(s->osig[i], sig) == 0)
            break;
    if (i == s->nosig) {
        char **o = realloc(s->osig, (size_t)(s->nosig + 1) * sizeof *o);
        if (o)
            s->osig = o;
        long *c = o ? realloc(s->ocount, (size_t)(s->nosig + 1) * sizeof *c) : NULL;
        if (!c)
            return;
        s->ocount = c;
        s->osig[i] = rl_strdup(sig);
        s->ocount[i] = 0;
        s->nosig++;
    }
    s->ocount[i]++;
}

/* Counts one finished trial of candidate c (live or read back). */
static void rl__count(rl__bis_t *s, int c, const rl_trial_t *t, int live)
{
    int y = rl__counts(s, t);
    if (t->outcome == RL_OUTCOME_ERROR)
        s->errors[c]++;
    else if (t->outcome == RL_OUTCOME_HANG)
        s->hangs[c]++;
    else if (t->outcome == RL_OUTCOME_CRASH && !y)
        s->other[c]++;
    if (t->outcome != RL_OUTCOME_PASS && y != 1)
        rl__note_other(s, t->signature);
    if (y < 0)
        return;
    s->counted++;
    if (live) {
        rl_bisect_add(&s->b, c, y);
    } else {
        s->b.trials[c]++;
        s->b.crashes[c] += y;
    }
}

static int rl__next(void *ctx, rl_job_t *job)
{
    rl__bis_t *s = ctx;
    if (s->started >= s->max_trials || (s->time_s > 0 && rl_now() - s->t0 >= s->time_s))
        return 0;
    int c;
    s->state = rl_bisect_next(&s->b, &c);
    if (s->state != RL_BISECT_RUN)
        return 0;
    if (s->built[c] == 0) {
        s->need_build = c;     /* built between engine runs, see below */
        return 0;
    }
    s->last_cand = c;
    while (rl_indexset_has(&s->used, s->scan))
        s->scan++;
    long index = s->scan;
    if (rl__mark(s, index) != 0)
        return 0;
    const rl_bisect_cand_t *cd = &s->cl->c[c];
    rl_trial_t *t = &job->trial;
    t->spec = rl_strdup("bisect");
    t->variant = rl_strdup(cd->name);
    t->index = index;
    t->seed = rl_trial_seed(s->base_seed, index);
    t->argc = cd->argc;
    t->argv = calloc((size_t)cd->argc + 1, sizeof *t->argv);
    if (!t->spec || !t->variant || !t->argv)
        return 0;
    for (int i = 0; i < cd->argc; i++)
        t->argv[i] = rl_subst(cd->argv[i], t->seed, s->build);
    job->classifier = &s->classifier;
    job->tag = c;
    s->started++;
    return 1;
}

static int rl__record(void *ctx, rl_job_t *job, const rl_proc_result_t *res)
{
    rl__bis_t *s = ctx;
    rl_trial_t *t = &job->trial;
    char err[256];
    if ((t->outcome != RL_OUTCOME_PASS || s->keep_logs) && rl_write_log(s->dir, t, res) != 0)
        fprintf(stderr, "racelab: cannot write the log of trial %ld under %s/logs\n", t->index, s->dir);
    if (rl_results_append(&s->results, t, err, sizeof err) != 0) {
        fprintf(stderr, "racelab: %s\n", err);
        return -1;
    }
    return 0;
}

static int rl__sync(void *ctx)
{
    rl__bis_t *s = ctx;
    char err[512];
    if (rl_results_sync(&s->results, err, sizeof err) != 0) {
        fprintf(stderr, "racelab: %s\n", err);
        return -1;
    }
    return 0;
}

static int rl__done(void *ctx, rl_job_t *job, const rl_proc_result_t *res)
{
    rl__bis_t *s = ctx;
    (void)res;
    rl__count(s, job->tag, &job->trial, 1);
    return 0;
}

static void rl__progress(void *ctx, char *buf, size_t len, double elapsed)
{
    rl__bis_t *s = ctx;
    double p;
    int k = rl_bisect_best(&s->b, &p);
    snprintf(buf, len, "[bisect] %ld trials  first bad %s? %.3f  probing %s  %.0fs", s->counted,
             s->cl->c[k].name, p, s->cl->c[s->last_cand].name, elapsed);
}

/* Makes this racelab the one writer of dir (store/resultsdir.h): 0, or
 * the exit status of a refusal. */
static int rl__lock(const char *dir, const char *cmd, rl_lock_t **lk)
{
    char err[1024];
    int r = rl_dir_lock(dir, cmd, lk, err, sizeof err);
    return r > 0 ? rl_usage("bisect: %s", err) : r < 0 ? rl_internal("%s", err) : 0;
}

/* Reads back a results directory being resumed. */
typedef struct {
    rl__bis_t *s;
    char err[512];
} rl__resume_t;

static int rl__resume_one(void *ctx, rl_trial_t *t)
{
    rl__resume_t *r = ctx;
    rl__bis_t *s = r->s;
    int c = rl_bisect_cand_find(s->cl, t->variant);
    if (strcmp(t->spec, "bisect") != 0 || c < 0 || t->index < 0) {
        snprintf(r->err, sizeof r->err, "%s: trial %ld (%s/%s) is no trial of these candidates", s->dir,
                 t->index, t->spec, t->variant);
        return 1;
    }
    int m = rl__mark(s, t->index);
    if (m != 0) {
        snprintf(r->err, sizeof r->err, "%s: trial %ld is recorded twice", s->dir, t->index);
        return 1;
    }
    rl__count(s, c, t, 0);
    return 0;
}

static void rl__json_str(FILE *f, const char *s)
{
    fputc('"', f);
    while (s && *s) {
        char buf[8];
        size_t in, n;
        const char *o = rl_json_escape_next((const unsigned char *)s, buf, &in, &n);
        fwrite(o, 1, n, f);
        s += in;
    }
    fputc('"', f);
}

static const char *rl__status_name(int status)
{
    switch (status) {
    case 0: return "found";
    case 1: return "budget";
    case 2: return "good-end-crashes";
    case 3: return "bad-end-clean";
    case 5: return "end-does-not-build";
    case 6: return "stuck";
    default: return "interrupted";
    }
}

typedef int (*rl__writer_fn)(FILE *f, const rl__bis_t *s, int status, int best, double wall);

/* Writes one report to path whole or not at all (os/os.h's rl_out_t), as
 * every other racelab report is written.  0, or -1. */
static int rl__write_report(rl__writer_fn write, const char *path, const rl__bis_t *s, int status,
                            int best, double wall)
{
    rl_out_t o;
    if (rl_out_open(&o, path) != 0)
        return -1;
    if (write(o.f, s, status, best, wall) != 0) {
        rl_out_abort(&o);
        return -1;
    }
    return rl_out_commit(&o);
}

static int rl__write_json(FILE *f, const rl__bis_t *s, int status, int best, double wall)
{
    const rl_bisect_t *b = &s->b;
    double p = b->post[best];
    fprintf(f, "{\"command\":\"bisect\",\"status\":\"%s\",\"confidence\":%.6g,", rl__status_name(status),
            b->o.confidence);
    fputs("\"signature\":", f);
    if (s->sig)
        rl__json_str(f, s->sig);
    else
        fputs("null", f);
    fprintf(f, ",\"noise\":");
    if (b->o.noise == RL_NOISE_ESTIMATE)
        fputs("\"estimated\"", f);
    else
        fprintf(f, "%.6g", b->o.noise == RL_NOISE_FIXED ? b->o.noise_rate : 0.0);
    fprintf(f, ",\"base_seed\":%llu,\"trials\":%ld,\"seconds\":%.3f,\"first_bad\":", (unsigned long long)s->base_seed,
            s->counted, wall);
    if (status == 0) {
        fprintf(f, "{\"index\":%d,\"name\":", best);
        rl__json_str(f, s->cl->c[best].name);
        fprintf(f, ",\"posterior\":%.6g}", p);
    } else {
        fputs("null", f);
    }
    rl_interval_t w = rl_wilson(b->tail_c[best], b->tail_t[best], b->o.confidence);
    fprintf(f, ",\"bad_rate\":{\"given\":%d,\"mean\":%.6g,\"crashes\":%ld,\"trials\":%ld,\"lo\":%.6g,\"hi\":%.6g}",
            best, rl_bisect_rate(b, best), b->tail_c[best], b->tail_t[best], w.lo, w.hi);
    fputs(",\"candidates\":[", f);
    for (int i = 0; i < b->n; i++) {
        fprintf(f, "%s{\"index\":%d,\"name\":", i ? "," : "", i);
        rl__json_str(f, s->cl->c[i].name);
        fprintf(f, ",\"trials\":%ld,\"crashes\":%ld,\"other_crashes\":%ld,\"hangs\":%ld,\"errors\":%ld,"
                   "\"posterior\":%.6g}",
                b->trials[i], b->crashes[i], s->other[i], s->hangs[i], s->errors[i], b->post[i]);
    }
    fputs("]}\n", f);
    return ferror(f) ? -1 : 0;
}

/* Rows of the tables: the ends, the candidates near the answer, and every
 * candidate that ran, holds posterior >= 0.001 or could not start. */
static int rl__shown(const rl__bis_t *s, int i, int best)
{
    const rl_bisect_t *b = &s->b;
    return (i >= best - 2 && i <= best + 2) || i == 0 || i == b->n - 1 || b->trials[i] > 0 ||
           b->post[i] >= 0.001 || s->errors[i] > 0 || s->built[i] < 0;
}

/* The one-line verdict the reports share. */
static void rl__headline(const rl__bis_t *s, int status, int best, char *buf, size_t len)
{
    const rl_bisect_t *b = &s->b;
    if (status == 0)
        snprintf(buf, len, "first bad: %s (candidate %d of %d), posterior %.4f; last good: %s",
                 s->cl->c[best].name, best, b->n - 1, b->post[best], s->cl->c[best - 1].name);
    else
        snprintf(buf, len, "not found (%s); most probable first bad: %s, posterior %.4f",
                 rl__status_name(status), s->cl->c[best].name, b->post[best]);
}

static void rl__html_text(FILE *f, const char *t)
{
    for (; t && *t; t++) {
        if (*t == '<')
            fputs("&lt;", f);
        else if (*t == '>')
            fputs("&gt;", f);
        else if (*t == '&')
            fputs("&amp;", f);
        else if (*t == '"')
            fputs("&quot;", f);
        else
            fputc(*t, f);
    }
}

static int rl__write_markdown(FILE *f, const rl__bis_t *s, int status, int best, double wall)
{
    const rl_bisect_t *b = &s->b;
    char head[256];
    rl__headline(s, status, best, head, sizeof head);
    fprintf(f, "# racelab bisect\n\n**%s**\n\n", head);
    fprintf(f, "%d candidates, signature `%s`, confidence %.4g, %ld trials in %.1f s, base seed %llu.\n\n",
            b->n, s->sig ? s->sig : "any crash", b->o.confidence, s->counted, wall,
            (unsigned long long)s->base_seed);
    fputs("| # | candidate | trials | crashes | other | hang | error | posterior |\n"
          "|---:|---|---:|---:|---:|---:|---:|---:|\n", f);
    for (int i = 0; i < b->n; i++)
        if (rl__shown(s, i, best))
            fprintf(f, "| %d | %s%s%s | %ld | %ld | %ld | %ld | %ld | %.4f |\n", i, i == best ? "**" : "",
                    s->cl->c[i].name, i == best ? "**" : "", b->trials[i], b->crashes[i], s->other[i],
                    s->hangs[i], s->errors[i], b->post[i]);
    return ferror(f) ? -1 : 0;
}

/* A bar chart of v[0..n-1] (scaled to top) as inline SVG. */
static void rl__svg_bars(FILE *f, const char *title, const double *v, int n, double top, int best)
{
    int w = 720, h = 160, pad = 30;
    double bw = (double)(w - 2 * pad) / n;
    fprintf(f, "<h2>%s</h2>\n<svg width=\"%d\" height=\"%d\" role=\"img\">\n", title, w, h + 20);
    fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n", pad, h, w - pad, h);
    for (int i = 0; i < n; i++) {
        double y = top > 0 ? v[i] / top * (h - 10) : 0;
        fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"><title>%d: %.4g</title></rect>\n",
                pad + i * bw, h - y, bw > 2 ? bw - 1 : bw, y, i == best ? "#c0392b" : "#2c7fb8", i, v[i]);
    }
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\">0</text><text x=\"%d\" y=\"%d\" font-size=\"11\" "
               "text-anchor=\"end\">%d</text>\n</svg>\n",
            pad, h + 14, w - pad, h + 14, n - 1);
}

static int rl__write_html(FILE *f, const rl__bis_t *s, int status, int best, double wall)
{
    const rl_bisect_t *b = &s->b;
    char head[256];
    rl__headline(s, status, best, head, sizeof head);
    fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>racelab bisect</title>\n"
          "<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 8px;text-align:right}"
          "td:nth-child(2){text-align:left}.best{font-weight:bold;color:#c0392b}</style></head><body>\n"
          "<h1>racelab bisect</h1>\n<p><strong>", f);
    rl__html_text(f, head);
    fprintf(f, "</strong></p>\n<p>%d candidates, signature <code>", b->n);
    rl__html_text(f, s->sig ? s->sig : "any crash");
    fprintf(f, "</code>, confidence %.4g, %ld trials in %.1f s, base seed %llu.</p>\n", b->o.confidence, s->counted,
            wall, (unsigned long long)s->base_seed);
    double *t = malloc((size_t)b->n * sizeof *t);
    if (t) {
        double tmax = 0;
        for (int i = 0; i < b->n; i++) {
            t[i] = (double)b->trials[i];
            if (t[i] > tmax)
                tmax = t[i];
        }
        rl__svg_bars(f, "Posterior: P(first bad = candidate)", b->post, b->n, 1.0, best);
        rl__svg_bars(f, "Trials per candidate", t, b->n, tmax, best);
        free(t);
    }
    fputs("<h2>Candidates</h2>\n<table>\n<tr><th>#</th><th>candidate</th><th>trials</th><th>crashes</th>"
          "<th>other</th><th>hang</th><th>error</th><th>posterior</th></tr>\n", f);
    for (int i = 0; i < b->n; i++)
        if (rl__shown(s, i, best)) {
            fprintf(f, "<tr%s><td>%d</td><td>", i == best ? " class=\"best\"" : "", i);
            rl__html_text(f, s->cl->c[i].name);
            fprintf(f, "</td><td>%ld</td><td>%ld</td><td>%ld</td><td>%ld</td><td>%ld</td><td>%.4f</td></tr>\n",
                    b->trials[i], b->crashes[i], s->other[i], s->hangs[i], s->errors[i], b->post[i]);
        }
    fputs("</table>\n</body></html>\n", f);
    return ferror(f) ? -1 : 0;
}

static void rl__report(const rl__bis_t *s, int status, int best, double wall, int jobs)
{
    const rl_bisect_t *b = &s->b;
    int n = b->n;
    double p = b->post[best];
    char a[32], lo[32], hi[32];
    switch (status) {
    case 0:
        printf("first bad: %s (candidate %d of %d), posterior %.4f >= %.4g\n", s->cl->c[best].name, best, n - 1, p,
               b->o.confidence);
        printf("  last good: %s\n", s->cl->c[best - 1].name);
        break;
    case 1:
        printf("no candidate reached posterior %.4g before the budget ran out; most probable first bad: %s (%.4f)\n",
               b->o.confidence, s->cl->c[best].name, p);
        break;
    case 2:
        printf("the good end %s crashed%s (%ld of %ld trials): it is not good, or good candidates crash too (give "
               "--noise%s)\n",
               s->cl->c[0].name, s->sig ? " with the signature" : "", b->crashes[0], b->trials[0],
               s->sig ? "" : ", or --signature for the crash you are after");
        break;
    case 3:
        printf("the bad end %s never crashed with the signature (%ld trials): nothing to look for (are the ends "
               "the wrong way round?)\n",
               s->cl->c[n - 1].name, b->trials[n - 1]);
        break;
    case 5:
        printf("the %s end %s does not build\n", s->built[0] < 0 ? "good" : "bad",
               s->cl->c[s->built[0] < 0 ? 0 : n - 1].name);
        break;
    case 6:
        printf("stopped short of posterior %.4g: only candidates that do not build would tell more; most probable "
               "first bad: %s (%.4f)\n",
               b->o.confidence, s->cl->c[best].name, p);
        break;
    default:
        printf("interrupted; most probable first bad so far: %s (%.4f)\n", s->cl->c[best].name, p);
        break;
    }
    if (b->tail_t[best] > 0) {
        rl_interval_t w = rl_wilson(b->tail_c[best], b->tail_t[best], b->o.confidence);
        printf("  crash rate from %s on: %ld of %ld trials, %s (Wilson %.0f%% [%s, %s])\n", s->cl->c[best].name,
               b->tail_c[best], b->tail_t[best],
               rl_fmt_pct(a, sizeof a, (double)b->tail_c[best] / (double)b->tail_t[best]),
               100 * b->o.confidence, rl_fmt_pct(lo, sizeof lo, w.lo), rl_fmt_pct(hi, sizeof hi, w.hi));
    }
    if (b->o.noise == RL_NOISE_NONE && b->tail_t[0] - b->tail_t[best] > 0)
        printf("  before %s: %ld trials, no crash with the signature\n", s->cl->c[best].name,
               b->tail_t[0] - b->tail_t[best]);
    else if (b->tail_t[0] - b->tail_t[best] > 0)
        printf("  before %s: %ld crashes with the signature in %ld trials (counted as noise)\n",
               s->cl->c[best].name, b->tail_c[0] - b->tail_c[best], b->tail_t[0] - b->tail_t[best]);
    printf("  %-4s %-20s %7s %7s %6s %5s %5s %10s\n", "#", "candidate", "trials", "crashes", "other", "hang",
           "error", "posterior");
    for (int i = 0; i < n; i++) {
        if (!rl__shown(s, i, best))
            continue;
        printf("  %-4d %-20s %7ld %7ld %6ld %5ld %5ld %10.4f%s%s\n", i, s->cl->c[i].name, b->trials[i],
               b->crashes[i], s->other[i], s->hangs[i], s->errors[i], b->post[i],
               i == best ? "  <- first bad?" : "", s->built[i] < 0 ? "  (does not build)" : "");
    }
    if (s->nosig > 0) {
        printf("  not counted as the signature:\n");
        for (int i = 0; i < s->nosig && i < 8; i++)
            printf("    %6ld  %s\n", s->ocount[i], s->osig[i]);
    }
    printf("racelab bisect: %ld trials in %.1fs (%d jobs, base seed %llu); results in %s\n", s->counted, wall, jobs,
           (unsigned long long)s->base_seed, s->dir);
}

/* Candidates from a spec's variants: the spec's command and arguments, then
 * the variant's, in the order of order (comma separated) or the spec's. */
static int rl__spec_candidates(const char *path, const char *order, rl_bisect_cand_list_t *l, char *err,
                               size_t errlen)
{
    rl_spec_t sp;
    if (rl_spec_load(path, &sp, err, errlen) != 0)
        return -1;
    int rc = 0;
    char *list = order ? rl_strdup(order) : NULL;
    char *save = list, *tok;
    for (int i = 0; rc == 0; i++) {
        int v;
        if (list) {
            if (!(tok = strtok(save, ",")))
                break;
            save = NULL;
            if ((v = rl_spec_variant(&sp, tok)) < 0) {
                snprintf(err, errlen, "%s has no variant %s", path, tok);
                rc = -1;
                break;
            }
        } else if ((v = i) >= sp.nvariants) {
            break;
        }
        const rl_variant_t *var = &sp.variants[v];
        rl_bisect_cand_t c = { .name = rl_strdup(var->name), .argc = sp.argc + var->argc };
        c.argv = calloc((size_t)c.argc + 1, sizeof *c.argv);
        int twice = rl_bisect_cand_find(l, var->name) >= 0;
        rl_bisect_cand_t *nc = c.name && c.argv && !twice ? realloc(l->c, (size_t)(l->n + 1) * sizeof *nc) : NULL;
        if (!nc) {
            snprintf(err, errlen, twice ? "variant %s given twice" : "out of memory", var->name);
            free(c.name);
            free(c.argv);
            rc = -1;
            break;
        }
        for (int j = 0; j < sp.argc; j++)
            c.argv[j] = rl_strdup(sp.argv[j]);
        for (int j = 0; j < var->argc; j++)
            c.argv[sp.argc + j] = rl_strdup(var->argv[j]);
        l->c = nc;
        l->c[l->n++] = c;
    }
    free(list);
    rl_spec_free(&sp);
    return rc;
}

static const char rl__bisect_help[] =
    "usage: racelab bisect [options] --candidates FILE\n"
    "       racelab bisect [options] --candidate CMD --candidate CMD ...\n"
    "       racelab bisect [options] --spec SPEC [--variants GOOD,...,BAD]\n"
    "       racelab bisect [options] --good REV --bad REV --build-cmd CMD --run CMD\n"
    "       racelab bisect --resume DIR [options]\n"
    "  finds the first candidate (good end first, bad end last) that crashes\n"
    "  --candidates FILE  one candidate a line, in order: [NAME:] CMD ARGS...\n"
    "  --candidate CMD    one candidate, in order (repeat; quoted like a line)\n"
    "  --spec SPEC        the candidates are the spec's variants, in its order\n"
    "  --variants LIST    ... or in this order (comma separated, good end first)\n"
    "  --good REV         git mode: the good revision; candidates are it and the\n"
    "                     first-parent commits after it up to --bad REV\n"
    "  --bad REV          git mode: the bad revision\n"
    "  --repo DIR         git mode: the repository (default .)\n"
    "  --build-cmd CMD    git mode: shell command building a revision, run in its\n"
    "                     worktree (DIR/worktrees/HASH) the first time it is probed\n"
    "  --run CMD          git mode: the trial command; {build} is the worktree\n"
    "  --signature RE     only crashes whose signature matches RE count\n"
    "  --noise R          signature crash rate of good candidates: 0 (default),\n"
    "                     a known rate, or auto (estimated from the trials)\n"
    "  --confidence C     stop when one candidate is first bad with posterior >= C\n"
    "                     (default 0.95)\n"
    "  --good-trials N    trials of the good end before the search (default: as\n"
    "                     many as the bad end needs per crash)\n"
    "  --max-trials N     give up after N trials (default 100000)\n"
    "  --time D           give up after D (90s, 5m, 1h)\n"
    "  --jobs J           trials in parallel (default: the number of cores)\n"
    "  --timeout T        per-trial timeout (default 60s; 0 = none)\n"
    "  --seed S           base seed (default: random, printed)\n"
    "  --results DIR      where trials.jsonl and logs/ go (default results/bisect-<time>)\n"
    "  --resume DIR       continue the bisect recorded in DIR\n"
    "  --build DIR        value of {build} (default $RACELAB_BUILD or build)\n"
    "  --keep-logs        keep the output of passing trials too\n"
    "  --json FILE        write the result and the posterior as JSON\n"
    "  --markdown FILE    ... as a Markdown table\n"
    "  --html FILE        ... as an HTML page with the posterior as a chart\n"
    "exit status: 0 found, 1 not found (budget, an end that is not what it should be),\n"
    "64 bad arguments, 70 internal error, 128+N interrupted\n";

int rl_cmd_bisect(int argc, char **argv)
{
    rl__bis_t s;
    memset(&s, 0, sizeof s);
    s.timeout_s = 60;
    s.max_trials = 100000;
    s.build = getenv("RACELAB_BUILD") ? getenv("RACELAB_BUILD") : "build";
    rl_bisect_opts_t bo;
    rl_bisect_default_opts(&bo);
    int jobs = rl_ncpus(), have_seed = 0;
    const char *markdown = NULL, *html = NULL;
    const char *results = NULL, *resume = NULL, *json = NULL, *cfile = NULL, *noise = NULL, *v;
    const char *spec = NULL, *variants = NULL;
    const char *good = NULL, *bad = NULL, *repo = NULL, *build_cmd = NULL, *run_cmd = NULL;
    const char **cands = NULL;
    int ncands = 0;
    rl_bisect_cand_list_t cl = { 0 };
    int rc = RL_EXIT_OK;
    char err[512];
    char *owned_dir = NULL;
    rl_lock_t *lock = NULL;
#define RL__USAGE(...) do { rc = rl_usage(__VA_ARGS__); goto out; } while (0)
    /* The options that take a word and keep it as it is. */
    const struct { const char *name; const char **to; const char *needs; } words[] = {
        { "--candidates", &cfile, "a file" },
        { "--spec", &spec, "a spec file" },
        { "--variants", &variants, "a comma-separated list of variants" },
        { "--good", &good, "a revision" },
        { "--bad", &bad, "a revision" },
        { "--repo", &repo, "a directory" },
        { "--build-cmd", &build_cmd, "a command" },
        { "--run", &run_cmd, "a command" },
        { "--signature", &s.sig, "a regular expression" },
        { "--noise", &noise, "0, a rate below 1, or auto" },
        { "--results", &results, "a directory" },
        { "--resume", &resume, "a directory" },
        { "--build", &s.build, "a directory" },
        { "--markdown", &markdown, "a file" },
        { "--html", &html, "a file" },
        { "--json", &json, "a file" },
    };
    for (int i = 1; i < argc; i++) {
        int m = 0;
        size_t w;
        for (w = 0; w < sizeof words / sizeof words[0]; w++)
            if ((m = rl_opt(argc, argv, &i, words[w].name, &v)) != 0)
                break;
        if (m < 0 && w < sizeof words / sizeof words[0])
            RL__USAGE("bisect: %s needs %s", words[w].name, words[w].needs);
        if (m > 0 && w < sizeof words / sizeof words[0]) {
            *words[w].to = v;
            continue;
        }
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(rl__bisect_help, stdout);
            goto out;
        } else if (strcmp(argv[i], "--keep-logs") == 0) {
            s.keep_logs = 1;
        } else if ((m = rl_opt(argc, argv, &i, "--candidate", &v))) {
            if (m < 0)
                RL__USAGE("bisect: --candidate needs a command");
            const char **nc = realloc(cands, (size_t)(ncands + 1) * sizeof *nc);
            if (!nc) {
                rc = rl_internal("out of memory");
                goto out;
            }
            cands = nc;
            cands[ncands++] = v;
        } else if ((m = rl_opt(argc, argv, &i, "--confidence", &v))) {
            if (m < 0 || rl_parse_double(v, &bo.confidence) || !(bo.confidence > 0.5 && bo.confidence < 1))
                RL__USAGE("bisect: --confidence needs a number above 0.5 and below 1");
        } else if ((m = rl_opt(argc, argv, &i, "--good-trials", &v))) {
            if (m < 0 || rl_parse_long(v, 0, 1000000000L, &bo.good_end_trials))
                RL__USAGE("bisect: --good-trials needs a whole number >= 0");
        } else if ((m = rl_opt(argc, argv, &i, "--max-trials", &v))) {
            if (m < 0 || rl_parse_long(v, 1, 1000000000L, &s.max_trials))
                RL__USAGE("bisect: --max-trials needs a whole number >= 1");
        } else if ((m = rl_opt(argc, argv, &i, "--time", &v))) {
            if (m < 0 || rl_parse_duration(v, &s.time_s) || s.time_s <= 0)
                RL__USAGE("bisect: --time needs a duration such as 90s, 5m or 1h");
        } else if ((m = rl_opt(argc, argv, &i, "--jobs", &v))) {
            long j;
            if (m < 0 || rl_parse_long(v, 1, 1024, &j))
                RL__USAGE("bisect: --jobs needs a number from 1 to 1024");
            jobs = (int)j;
        } else if ((m = rl_opt(argc, argv, &i, "--timeout", &v))) {
            if (m < 0 || rl_parse_duration(v, &s.timeout_s))
                RL__USAGE("bisect: --timeout needs a duration such as 30s");
        } else if ((m = rl_opt(argc, argv, &i, "--seed", &v))) {
            if (m < 0 || rl_parse_u64(v, &s.base_seed))
                RL__USAGE("bisect: --seed needs an unsigned 64-bit number");
            have_seed = 1;
        } else {
            RL__USAGE("bisect: unexpected argument '%s' (see racelab bisect --help)", argv[i]);
        }
    }
    /* From here on a SIGINT/SIGTERM only asks the run to stop: it ends
     * with its status and the directory as the next --resume needs it. */
    rl_install_signal_handlers();
    if (resume) {
        if (results && strcmp(results, resume) != 0)
            RL__USAGE("bisect: --resume DIR already names the results directory");
        if (cfile || ncands || s.sig || noise || good || bad || repo || build_cmd || run_cmd || spec || variants)
            RL__USAGE("bisect: --resume takes the candidates, --signature and --noise recorded in %s", resume);
        s.dir = resume;
        if ((rc = rl__lock(resume, "bisect --resume", &lock)) != 0)
            goto out;
        if (rl_bisect_conf_read(resume, &cl, err, sizeof err) != 0)
            RL__USAGE("bisect: %s", err);
        s.sig = cl.signature;
        noise = cl.noise;
        uint64_t s0;
        int have = rl_dir_read_seed(resume, &s0);
        if (have <= 0)
            RL__USAGE("bisect: %s/seed is missing or malformed", resume);
        if (have_seed && s0 != s.base_seed)
            RL__USAGE("bisect: --seed %llu differs from the recorded seed %llu", (unsigned long long)s.base_seed,
                      (unsigned long long)s0);
        s.base_seed = s0;
        if (cl.git_repo && !(s.wt_root = rl__worktrees(resume))) {
            rc = rl_internal("cannot find the absolute path of %s", resume);
            goto out;
        }
    } else {
        int git = good || bad || build_cmd || run_cmd || repo;
        if ((cfile != NULL) + (ncands > 0) + git + (spec != NULL) > 1)
            RL__USAGE("bisect: give --candidates FILE, --candidate CMD, --spec SPEC or --good/--bad, one of them");
        if (variants && !spec)
            RL__USAGE("bisect: --variants goes with --spec");
        if (git && (!good || !bad || !run_cmd))
            RL__USAGE("bisect: a git range needs --good REV, --bad REV and --run CMD (and usually --build-cmd)");
        if (!results)
            results = owned_dir = rl_default_results_dir("bisect");
        s.dir = results;
        if ((rc = rl__lock(results, "bisect", &lock)) != 0)
            goto out;
        if (rl_dir_in_use(results))
            RL__USAGE("bisect: %s already holds trials; continue them with --resume %s", results, results);
        if (git) {
            if (rl_mkdir_p(results) != 0 || !(s.wt_root = rl__worktrees(results)) ||
                !(cl.git_repo = rl__abspath(repo ? repo : ".")) || !(cl.git_build = rl_strdup(build_cmd ? build_cmd : "true"))) {
                rc = rl_internal("cannot make %s or find the repository's absolute path", results);
                goto out;
            }
            if (rl_bisect_git_candidates(&cl, cl.git_repo, good, bad, run_cmd, s.wt_root, err, sizeof err) != 0)
                RL__USAGE("bisect: %s", err);
        } else if (spec) {
            if (rl__spec_candidates(spec, variants, &cl, err, sizeof err) != 0)
                RL__USAGE("bisect: %s", err);
        } else if (cfile ? rl_bisect_cand_read_file(cfile, &cl, err, sizeof err)
                         : rl_bisect_cand_from_strings(cands, ncands, &cl, err, sizeof err)) {
            RL__USAGE("bisect: %s", err);
        }
        if (!have_seed)
            s.base_seed = rl_random_seed();
    }
    if (cl.n < 2)
        RL__USAGE("bisect: needs at least two candidates (good end first, bad end last); got %d", cl.n);
    if (!noise || strcmp(noise, "0") == 0 || strcmp(noise, "none") == 0) {
        bo.noise = RL_NOISE_NONE;
        noise = "0";
    } else if (strcmp(noise, "auto") == 0) {
        bo.noise = RL_NOISE_ESTIMATE;
    } else if (rl_parse_double(noise, &bo.noise_rate) == 0 && bo.noise_rate >= 0 && bo.noise_rate < 1) {
        bo.noise = bo.noise_rate > 0 ? RL_NOISE_FIXED : RL_NOISE_NONE;
    } else {
        RL__USAGE("bisect: --noise needs 0, a rate below 1, or auto");
    }
    if (rl_classifier_init(&s.classifier, s.timeout_s) != 0) {
        rc = rl_internal("bisect: out of memory");
        goto out;
    }
    /* --signature is compiled once, as the classifier's first pattern; the
     * count of matching crashes reads the same compiled regex. */
    if (s.sig) {
        if (rl_classifier_add(&s.classifier, s.sig, err, sizeof err) != 0)
            RL__USAGE("bisect: --signature: %s", err);
        s.re = s.classifier.patterns[0].re;
    }
    if (!resume) {
        if (rl_mkdir_p(s.dir) != 0 || rl_dir_write_seed(s.dir, s.base_seed) != 0 ||
            rl_bisect_conf_write(s.dir, &cl, s.sig, noise) != 0) {
            rc = rl_internal("cannot write the seed and candidates of %s", s.dir);
            goto out;
        }
    }
    s.cl = &cl;
    size_t nn = (size_t)cl.n;
    s.other = calloc(nn, sizeof *s.other);
    s.hangs = calloc(nn, sizeof *s.hangs);
    s.errors = calloc(nn, sizeof *s.errors);
    s.built = calloc(nn, sizeof *s.built);
    if (!s.other || !s.hangs || !s.errors || !s.built || rl_bisect_init(&s.b, cl.n, &bo) != 0) {
        rc = rl_internal("out of memory");
        goto out;
    }
    for (int i = 0; i < cl.n; i++)
        s.built[i] = !cl.git_repo || rl_bisect_git_built(&cl, i, s.wt_root);
    s.need_build = -1;
    if (resume) {
        if (rl_dir_read_for_resume(resume, NULL, err, sizeof err) != 0)
            RL__USAGE("%s", err);
        rl__resume_t r = { .s = &s };
        int e = rl_results_each(resume, rl__resume_one, &r, err, sizeof err);
        if (e != 0)
            RL__USAGE("%s", e > 0 ? r.err : err);
        rl_bisect_recompute(&s.b);
        for (int i = 0; i < cl.n; i++)
            s.started += s.b.trials[i] + s.errors[i];
        if (s.counted)
            fprintf(stderr, "racelab: bisect: resuming with %ld recorded trials\n", s.counted);
    }
    if (rl_results_open(&s.results, s.dir, err, sizeof err) != 0) {
        rc = rl_internal("%s", err);
        goto out;
    }
    printf("racelab bisect: %d candidates, %s first (good), %s last (bad); signature %s%s%s; noise %s\n", cl.n,
           cl.c[0].name, cl.c[cl.n - 1].name, s.sig ? "/" : "", s.sig ? s.sig : "any crash", s.sig ? "/" : "",
           bo.noise == RL_NOISE_ESTIMATE ? "estimated" : noise);
    printf("racelab: results in %s (base seed %llu)\n", s.dir, (unsigned long long)s.base_seed);
    fflush(stdout);
    int stale = rl_spawn_reap_abandoned();
    if (stale > 0)
        fprintf(stderr, "racelab: killed %d trial process%s left running by a racelab that was killed\n", stale,
                stale == 1 ? "" : "es");
    rl_engine_t e = {
        .jobs = jobs, .ctx = &s, .next = rl__next, .record = rl__record, .sync = rl__sync, .done = rl__done,
        .progress = rl_stderr_isatty() ? rl__progress : NULL, .results_dir = s.dir,
    };
    s.t0 = rl_now();
    int erc = 0;
    /* A worker stops when the search says stop; the trials still running
     * then may move the posterior back below the confidence, so go on until
     * the search itself agrees or the budget is spent. */
    int end_unbuildable = 0;
    for (;;) {
        e.t0 = rl_now();
        s.need_build = -1;
        erc = rl_engine_run(&e);
        if (erc != 0)
            break;
        if (s.need_build >= 0) {
            int c = s.need_build;
            char *log = rl_aprintf("%s/%s.log", s.wt_root, cl.c[c].name);
            char *logdir = rl_strdup(s.wt_root);
            fprintf(stderr, "racelab: bisect: building %s (candidate %d of %d)\n", cl.c[c].name, c, cl.n - 1);
            int b = log && logdir && rl_mkdir_p(logdir) == 0 ? rl_bisect_git_build(&cl, c, s.wt_root, log, err, sizeof err) : -1;
            if (b == 1)
                fprintf(stderr, "racelab: bisect: %s does not build (see %s)\n", cl.c[c].name, log);
            free(log);
            free(logdir);
            if (b < 0) {
                erc = -1;
                fprintf(stderr, "racelab: %s\n", err);
                break;
            }
            s.built[c] = b == 0 ? 1 : -1;
            if (b == 1) {
                rl_bisect_skip(&s.b, c);
                if (c == 0 || c == cl.n - 1) {
                    end_unbuildable = 1;
                    break;
                }
            }
            continue;
        }
        int c;
        s.state = rl_bisect_next(&s.b, &c);
        if (s.state != RL_BISECT_RUN || s.started >= s.max_trials ||
            (s.time_s > 0 && rl_now() - s.t0 >= s.time_s))
            break;
    }
    double wall = rl_now() - s.t0;
    if (rl__sync(&s) != 0 && erc == 0)
        erc = -1;
    rl_results_close(&s.results);
    int status;
    if (erc == 1)
        status = 4;
    else if (end_unbuildable)
        status = 5;
    else if (s.state == RL_BISECT_STUCK)
        status = 6;
    else if (s.state == RL_BISECT_FOUND)
        status = 0;
    else if (s.state == RL_BISECT_GOOD_END_CRASHES)
        status = 2;
    else if (s.b.crashes[cl.n - 1] == 0)
        status = 3;
    else
        status = 1;
    int best = rl_bisect_best(&s.b, NULL);
    rl__report(&s, status, best, wall, jobs);
    if (json && rl__write_report(rl__write_json, json, &s, status, best, wall) != 0)
        fprintf(stderr, "racelab: cannot write %s\n", json);
    if (markdown && rl__write_report(rl__write_markdown, markdown, &s, status, best, wall) != 0)
        fprintf(stderr, "racelab: cannot write %s\n", markdown);
    if (html && rl__write_report(rl__write_html, html, &s, status, best, wall) != 0)
        fprintf(stderr, "racelab: cannot write %s\n", html);
    if (erc == 1) {
        printf("continue with: racelab bisect --resume %s\n", s.dir);
        rc = rl_interrupted_exit();
    } else if (erc < 0) {
        rc = RL_EXIT_INTERNAL;
    } else {
        rc = status == 0 ? RL_EXIT_OK : RL_EXIT_FAIL;
        if (status == 1)
            printf("continue with: racelab bisect --resume %s --max-trials N (or --time D)\n", s.dir);
    }
    fflush(stdout);
out:
    rl_dir_unlock(lock);
    free(owned_dir);
    free(cands);
    rl_classifier_free(&s.classifier);
    rl_bisect_free(&s.b);
    free(s.other);
    free(s.hangs);
    free(s.errors);
    rl_indexset_free(&s.used);
    free(s.built);
    free(s.wt_root);
    for (int i = 0; i < s.nosig; i++)
        free(s.osig[i]);
    free(s.osig);
    free(s.ocount);
    rl_bisect_cand_list_free(&cl);
    return rc;
#undef RL__USAGE
}
