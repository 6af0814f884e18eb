/* cmd/merge.c - racelab merge DIR... : combine results directories (shards
 * of one run, or several runs) and judge the expectations again. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cli.h"
#include "core/evaluate.h"
#include "core/seed.h"
#include "cmd/reports.h"
#include "os/os.h"
#include "store/results.h"
#include "store/resultsdir.h"

/* One spec met in the merged trials: its copy from the first DIR/specs
 * that has one, its tallies, and which trial indices were seen (one byte
 * per index of its plan, trials x variants): memory independent of how
 * many trials are merged. */
typedef struct {
    rl_spec_t spec;
    rl_eval_t ev;
    long cap;
    unsigned char *seen;
} rl__mspec_t;

typedef struct {
    const char **dirs;
    int ndirs;
    rl__mspec_t **specs;
    int nspecs;
    size_t total;
    const char *cur_dir;    /* pass 1: the DIR being read, its base seed */
    int cur_has_seed;
    uint64_t cur_seed;
    rl_results_t out;
    char co_load[40];       /* the inputs' co-load, "mixed" when they differ */
    int fixed_n;            /* every input ran the fixed-N plan (--fixed-n,
                               or a shard: shards always do), so the merge
                               is judged as one fixed-N run */
    char *err;
    size_t errlen;
} rl__merge_t;

static rl__mspec_t *rl__merge_spec(rl__merge_t *m, const char *name, int *rc)
{
    for (int s = 0; s < m->nspecs; s++)
        if (strcmp(m->specs[s]->spec.name, name) == 0)
            return m->specs[s];
    rl__mspec_t **ns = realloc(m->specs, ((size_t)m->nspecs + 1) * sizeof *ns);
    rl__mspec_t *sp = calloc(1, sizeof *sp);
    if (ns)
        m->specs = ns;
    if (!ns || !sp) {
        free(sp);
        *rc = rl_internal("out of memory");
        return NULL;
    }
    char err[1024] = "";
    int ok = 0;
    for (int d = 0; d < m->ndirs && !ok; d++)
        ok = rl_dir_load_spec(m->dirs[d], name, &sp->spec, err, sizeof err) == 0;
    if (!ok) {
        free(sp);
        *rc = rl_usage("merge: no saved spec for %s in any DIR/specs (%s)", name, err);
        return NULL;
    }
    sp->cap = sp->spec.trials * sp->spec.nvariants;
    sp->seen = calloc((size_t)sp->cap + 1, 1);
    if (!sp->seen || rl_eval_init(&sp->ev, &sp->spec) != 0) {
        rl_spec_free(&sp->spec);
        free(sp->seen);
        free(sp);
        *rc = rl_internal("out of memory");
        return NULL;
    }
    m->specs[m->nspecs++] = sp;
    return sp;
}

/* Pass 1: a trial of some DIR, checked and counted.  0 or an exit code. */
static int rl__merge_one(void *ctx, rl_trial_t *t)
{
    rl__merge_t *m = ctx;
    int rc = 0;
    rl__mspec_t *sp = rl__merge_spec(m, t->spec, &rc);
    if (!sp)
        return rc;
    if (t->index < 0 || t->index >= sp->cap)
        return rl_usage("merge: trial %ld of %s is outside its spec's plan (%ld trial indices)",
                        t->index, t->spec, sp->cap);
    if (m->cur_has_seed && t->seed != rl_trial_seed(m->cur_seed, t->index))
        return rl_usage("merge: %s/trials.jsonl: trial %ld of %s has seed %llu, not the one derived "
                        "from %s/seed", m->cur_dir, t->index, t->spec, (unsigned long long)t->seed,
                        m->cur_dir);
    if (sp->seen[t->index])
        return rl_usage("merge: trial %ld of %s appears twice in the given directories "
                        "(overlapping results)", t->index, t->spec);
    sp->seen[t->index] = 1;
    if (rl_eval_add(&sp->ev, t) < 0)
        return rl_usage("merge: trial %ld has variant '%s', which spec %s does not have",
                        t->index, t->variant, sp->spec.name);
    m->total++;
    return 0;
}

/* Pass 2: the same trial, written to OUT. */
static int rl__merge_write(void *ctx, rl_trial_t *t)
{
    rl__merge_t *m = ctx;
    char err[1024];
    if (rl_results_append(&m->out, t, err, sizeof err) != 0)
        return rl_internal("%s", err);
    return 0;
}

/* What DIR says it was made from, checked before its trials are read: its
 * seed file (the trials' seeds are derived from it) and, when it records
 * a history, every spec copy's content hash.  0 or exit 64 with the
 * reason. */
static int rl__merge_verify(rl__merge_t *m, const char *dir)
{
    m->cur_dir = dir;
    m->cur_has_seed = 0;
    if (rl_file_stat(dir, NULL, NULL) != RL_FILE_DIR) {
        m->fixed_n = 0; /* a results file given by itself: its plan is not known */
        return 0;
    }
    int have = rl_dir_read_seed(dir, &m->cur_seed);
    if (have < 0)
        return rl_usage("merge: %s/seed: not a seed (one unsigned 64-bit number)", dir);
    char *hist = rl_dir_read_history(dir);
    if (!hist && errno != ENOENT)
        return rl_internal("merge: %s/history: cannot read it: %s", dir, strerror(errno));
    if (!hist && rl_dir_in_use(dir))
        fprintf(stderr, "racelab: note: merge: %s/history is missing (a run of a racelab that kept none): "
                        "its spec copies cannot be verified against the run's start\n", dir);
    char *plan = hist ? rl_history_get(hist, "plan") : NULL;
    int shards = 1;
    const char *sh = plan ? strstr(plan, "shard=") : NULL;
    if (sh)
        sscanf(sh, "shard=%*d/%d", &shards);
    if (!plan || (!strstr(plan, "fixed-n=1") && shards <= 1))
        m->fixed_n = 0;
    free(plan);
    /* The load each input ran beside (a directory that records none ran
     * with none); inputs that differ make a merge of mixed load. */
    char *load = hist ? rl_history_get(hist, "co-load") : NULL;
    const char *lt = load && strlen(load) < sizeof m->co_load ? load : "none";
    if (!m->co_load[0])
        snprintf(m->co_load, sizeof m->co_load, "%s", lt);
    else if (strcmp(m->co_load, lt) != 0)
        snprintf(m->co_load, sizeof m->co_load, "mixed");
    free(load);
    /* A check records its seed and plan; a merge of several runs has no
     * one seed. */
    if (have == 0 && plan && rl_dir_in_use(dir)) {
        free(hist);
        return rl_usage("merge: %s/seed is missing: the seeds of its trials cannot be checked", dir);
    }
    m->cur_has_seed = have;
    char **names = NULL;
    int n = hist ? rl_dir_spec_names(dir, &names) : 0;
    int rc = 0;
    for (int s = 0; s < n; s++) {
        char *key = rl_aprintf("spec %s", names[s]);
        char *rec = key ? rl_history_get(hist, key) : NULL;
        char *path = rl_aprintf("%s/specs/%s.repro", dir, names[s]);
        char hex[17];
        if (rc == 0 && rec && path && (rl_file_hash(path, hex) != 0 || strncmp(rec, "fnv1a64=", 8) != 0 ||
                                       strcmp(rec + 8, hex) != 0))
            rc = rl_usage("merge: %s was changed since its run began (its content hash differs from "
                          "the one in %s/history)", path, dir);
        free(key);
        free(rec);
        free(path);
        free(names[s]);
    }
    free(names);
    free(hist);
    return rc;
}

/* Removes a merge output being built (its trials, lock, spec copies). */
static void rl__merge_discard(const char *tmp)
{
    char **names = NULL;
    int n = rl_dir_spec_names(tmp, &names);
    for (int s = 0; s < n; s++) {
        char *f = rl_aprintf("%s/specs/%s.repro", tmp, names[s]);
        if (f)
            remove(f);
        free(f);
        free(names[s]);
    }
    free(names);
    static const char *const files[] = { "trials.jsonl", "lock", "specs" };
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        char *f = rl_aprintf("%s/%s", tmp, files[k]);
        if (f)
            remove(f);
        free(f);
    }
    remove(tmp);
}

/* Pass 2: OUT written by this racelab alone (OUT/lock held throughout):
 * the spec copies, then the trials, built aside in OUT.tmp-PID/ and renamed
 * into OUT/trials.jsonl once complete, so OUT is never appended to and a
 * kill leaves no half of them (a device there is written in place).  0 or
 * an exit code. */
static int rl__merge_out(rl__merge_t *m, const char *out)
{
    char err[1024];
    for (int d = 0; d < m->ndirs; d++)
        if (rl_same_file(out, m->dirs[d]) || rl_dir_keeps(m->dirs[d], out) || rl_dir_keeps(out, m->dirs[d]))
            return rl_usage("merge: --results %s is the input %s; refusing to write into it", out,
                            m->dirs[d]);
    rl_file_kind_t kind = rl_file_stat(out, NULL, NULL);
    if (kind != RL_FILE_NONE && kind != RL_FILE_DIR)
        return rl_internal("merge: --results %s: Not a directory", out);
    rl_lock_t *lock = NULL;
    int r = rl_dir_lock(out, "merge", &lock, err, sizeof err);
    if (r != 0)
        return r > 0 ? rl_usage("merge: %s", err) : rl_internal("%s", err);
    if (rl_dir_in_use(out)) {
        rl_dir_unlock(lock);
        return rl_usage("merge: --results %s already holds trials; a merge never adds to a results "
                        "directory (give a new one)", out);
    }
    /* What a merge into OUT killed in the middle left aside: its writer
     * is dead (OUT/lock is ours now), so nothing else will finish it. */
    char **left;
    int nleft = rl_tmp_leftovers(out, &left);
    for (int i = 0; i < nleft; i++)
        if (rl_file_stat(left[i], NULL, NULL) == RL_FILE_DIR) {
            rl__merge_discard(left[i]);
            fprintf(stderr, "racelab: merge: removed %s, left by a merge that was killed\n", left[i]);
        }
    rl_tmp_leftovers_free(left, nleft);
    char *tmp = rl_aprintf("%s.tmp-%ld", out, rl_getpid());
    char *tf = rl_aprintf("%s/trials.jsonl", out), *ttf = rl_aprintf("%s/trials.jsonl", tmp);
    int rc = tmp && tf && ttf ? 0 : rl_internal("out of memory");
    for (int s = 0; s < m->nspecs && rc == 0; s++)
        if (rl_dir_save_spec(out, &m->specs[s]->spec) != 0)
            rc = rl_internal("%s/specs: cannot save a copy of %s: %s", out, m->specs[s]->spec.name,
                             strerror(errno));
    char *hist = rc == 0 ? rl_aprintf("racelab-history 1\nmerged %d directories\nco-load %s\n", m->ndirs,
                                      m->co_load[0] ? m->co_load : "none") : NULL;
    for (int s = 0; s < m->nspecs && hist; s++) {
        char hex[17], *copy = rl_aprintf("%s/specs/%s.repro", out, m->specs[s]->spec.name);
        char *nh = copy && rl_file_hash(copy, hex) == 0
            ? rl_aprintf("%sspec %s fnv1a64=%s\n", hist, m->specs[s]->spec.name, hex) : NULL;
        free(copy);
        free(hist);
        hist = nh;
    }
    if (rc == 0 && (!hist || rl_dir_write_history(out, hist) != 0))
        rc = rl_internal("%s/history: cannot write it: %s", out, strerror(errno));
    free(hist);
    int aside = rc == 0 && rl_file_stat(tf, NULL, NULL) != RL_FILE_OTHER;
    if (rc == 0 && rl_results_open(&m->out, aside ? tmp : out, err, sizeof err) != 0)
        rc = rl_internal("%s", err);
    for (int d = 0; d < m->ndirs && rc == 0; d++) {
        int rr = rl_results_each(m->dirs[d], rl__merge_write, m, err, sizeof err);
        rc = rr < 0 ? rl_usage("%s", err) : rr;
    }
    if (rc == 0 && rl_results_sync(&m->out, err, sizeof err) != 0)
        rc = rl_internal("%s", err);
    if (m->out.f)
        rl_results_close(&m->out);
    if (rc == 0 && aside && rl_file_replace(ttf, tf) != 0)
        rc = rl_internal("cannot rename %s to %s: %s", ttf, tf, strerror(errno));
    rl_dir_unlock(lock);
    if (tmp && aside)
        rl__merge_discard(tmp);
    free(tmp);
    free(tf);
    free(ttf);
    return rc;
}

int rl_cmd_merge(int argc, char **argv)
{
    const char *out = NULL;
    rl_report_files_t reports = { { NULL } };
    const char **dirs = calloc((size_t)argc + 1, sizeof *dirs);
    int ndirs = 0, quiet = 0;
    if (!dirs)
        return rl_internal("out of memory");
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            free(dirs);
            fputs("usage: racelab merge [--results OUT]", stdout);
            rl_report_opts_help(stdout, 0, " [", " F]");
            puts(" DIR...\n"
                 "  combines the trials of DIR... (e.g. the shards of one check), judges every\n"
                 "  spec again and reports; --results OUT also writes the merged trials there");
            return RL_EXIT_OK;
        }
        if (strcmp(argv[i], "--quiet") == 0) {
            quiet = 1;
            continue;
        }
        int m = rl_report_opt(argc, argv, &i, "merge", 0, &reports);
        if (m < 0)
            return free(dirs), RL_EXIT_USAGE;
        if (m == 0 && (m = rl_opt(argc, argv, &i, "--results", &out)) < 0)
            return free(dirs), rl_usage("merge: --results needs a value");
        if (m)
            continue;
        if (argv[i][0] == '-')
            return free(dirs), rl_usage("merge: unknown option '%s'", argv[i]);
        dirs[ndirs++] = argv[i];
    }
    if (ndirs == 0)
        return free(dirs), rl_usage("merge: no results directory given");

    /* Before anything is read or written: no report over an input or a
     * file of a results directory, every report writable. */
    const char **kept = calloc((size_t)ndirs + 2, sizeof *kept);
    if (!kept)
        return free(dirs), rl_internal("out of memory");
    for (int d = 0; d < ndirs; d++)
        kept[d] = dirs[d];
    kept[ndirs] = out;
    int crc = rl_report_check_files("merge", &reports, NULL, 0, kept, ndirs + (out != NULL));
    free(kept);
    if (crc != 0)
        return free(dirs), crc;
    char err[1024];
    rl__merge_t m = { .dirs = dirs, .ndirs = ndirs, .err = err, .errlen = sizeof err, .fixed_n = 1 };
    int rc = 0;
    /* Pass 1 judges and checks everything; only then does pass 2 write OUT,
     * so a bad input leaves no half-merged OUT behind.  Both stream. */
    for (int d = 0; d < ndirs && rc == 0; d++) {
        rc = rl__merge_verify(&m, dirs[d]);
        if (rc != 0)
            break;
        int r = rl_results_each(dirs[d], rl__merge_one, &m, err, sizeof err);
        rc = r < 0 ? rl_usage("%s", err) : r;
    }
    if (rc == 0 && m.total == 0)
        rc = rl_usage("merge: no trials in the given directories");
    if (rc == 0 && out)
        rc = rl__merge_out(&m, out);
    int nspecs = m.nspecs;
    rl_eval_t **evs = calloc((size_t)nspecs + 1, sizeof *evs);
    if (!evs && rc == 0)
        rc = rl_internal("out of memory");
    for (int s = 0; evs && s < nspecs; s++)
        evs[s] = &m.specs[s]->ev;
    int passed = rc == 0, verdict = RL_EXIT_FAIL;
    if (rc == 0) {
        const rl_summary_t **sums = calloc((size_t)nspecs + 1, sizeof *sums);
        for (int s = 0; s < nspecs && sums; s++) {
            rl_eval_finish(evs[s], !m.fixed_n, 0);
            evs[s]->summary.co_load = m.co_load[0] && strcmp(m.co_load, "none") != 0 ? m.co_load : NULL;
            sums[s] = &evs[s]->summary;
            passed = passed && evs[s]->summary.passed;
        }
        if (!sums) {
            rc = rl_internal("out of memory");
        } else {
            const rl_report_writer_t *w = rl_report_writer("text");
            if (!quiet && w && w->write(stdout, sums, nspecs) != 0)
                rc = rl_internal("cannot write the text report");
            int wrc = rl_report_write_files(&reports, sums, nspecs, NULL);
            if (wrc != 0)
                rc = wrc;
            verdict = passed ? RL_EXIT_OK : rl_verdict_exit(sums, nspecs);
            printf("racelab: %s: %zu trials merged from %d director%s\n", rl_verdict_word(verdict),
                   m.total, ndirs, ndirs == 1 ? "y" : "ies");
        }
        free(sums);
    }
    for (int s = 0; s < m.nspecs; s++) {
        rl_eval_free(&m.specs[s]->ev);
        rl_spec_free(&m.specs[s]->spec);
        free(m.specs[s]->seen);
        free(m.specs[s]);
    }
    free(m.specs);
    free(evs);
    free(dirs);
    if (rc != 0)
        return rc;
    return verdict;
}
