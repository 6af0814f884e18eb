/* cmd_merge.c - racelab merge DIR... : combine results directories (shards
 * of one run, or several runs) and judge the expectations again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "evaluate.h"
#include "report.h"
#include "results.h"
#include "resultsdir.h"

static int rl__by_spec_index(const void *a, const void *b)
{
    const rl_trial_t *x = *(const rl_trial_t *const *)a, *y = *(const rl_trial_t *const *)b;
    int c = strcmp(x->spec, y->spec);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

int rl_cmd_merge(int argc, char **argv)
{
    const char *json = NULL, *junit = NULL, *markdown = NULL, *html = NULL, *out = NULL, *v;
    const char **dirs = calloc((size_t)argc + 1, sizeof *dirs);
    int ndirs = 0, quiet = 0;
    if (!dirs)
        return rl_internal("out of memory");
    for (int i = 1; i < argc; i++) {
        int m = 0;
        static const char *const names[] = { "--json", "--junit", "--markdown", "--html", "--results" };
        const char **slots[] = { &json, &junit, &markdown, &html, &out };
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            free(dirs);
            puts("usage: racelab merge [--results OUT] [--json F] [--junit F] [--markdown F] [--html F] DIR...\n"
                 "  combines the trials of DIR... (e.g. the shards of one check), judges every\n"
                 "  spec again and reports; --results OUT also writes the merged trials there");
            return RL_EXIT_OK;
        }
        if (strcmp(argv[i], "--quiet") == 0) {
            quiet = 1;
            continue;
        }
        for (size_t k = 0; k < sizeof names / sizeof names[0] && m == 0; k++) {
            m = rl_opt(argc, argv, &i, names[k], &v);
            if (m < 0)
                return free(dirs), rl_usage("merge: %s needs a value", names[k]);
            if (m > 0)
                *slots[k] = v;
        }
        if (m)
            continue;
        if (argv[i][0] == '-')
            return free(dirs), rl_usage("merge: unknown option '%s'", argv[i]);
        dirs[ndirs++] = argv[i];
    }
    if (ndirs == 0)
        return free(dirs), rl_usage("merge: no results directory given");

    char err[1024];
    rl_trial_list_t all = { 0 };
    int rc = 0;
    for (int d = 0; d < ndirs && rc == 0; d++)
        if (rl_results_read(dirs[d], &all, err, sizeof err) != 0)
            rc = rl_usage("%s", err);
    /* A trial index may appear once per spec across all the dirs. */
    const rl_trial_t **order = calloc(all.n + 1, sizeof *order);
    if (!order && rc == 0)
        rc = rl_internal("out of memory");
    for (size_t k = 0; order && k < all.n; k++)
        order[k] = &all.trials[k];
    if (order && rc == 0 && all.n > 1) {
        qsort(order, all.n, sizeof *order, rl__by_spec_index);
        for (size_t k = 1; k < all.n && rc == 0; k++)
            if (rl__by_spec_index(&order[k - 1], &order[k]) == 0)
                rc = rl_usage("merge: trial %ld of %s appears twice in the given directories "
                              "(overlapping results)", order[k]->index, order[k]->spec);
    }
    free(order);
    /* The specs, in order of first appearance; each from the first dir that
     * saved a copy. */
    int nspecs = 0;
    rl_spec_t *specs = calloc(all.n + 1, sizeof *specs);
    rl_eval_t *evs = calloc(all.n + 1, sizeof *evs);
    if (!specs || !evs)
        rc = rl_internal("out of memory");
    for (size_t k = 0; k < all.n && rc == 0; k++) {
        int s;
        for (s = 0; s < nspecs; s++)
            if (strcmp(specs[s].name, all.trials[k].spec) == 0)
                break;
        if (s == nspecs) {
            int ok = 0;
            for (int d = 0; d < ndirs && !ok; d++)
                ok = rl_dir_load_spec(dirs[d], all.trials[k].spec, &specs[s], err, sizeof err) == 0;
            if (!ok) {
                rc = rl_usage("merge: no saved spec for %s in any DIR/specs (%s)", all.trials[k].spec, err);
                break;
            }
            nspecs++;
            if (rl_eval_init(&evs[s], &specs[s]) != 0)
                rc = rl_internal("out of memory");
        }
        if (rc == 0 && rl_eval_add(&evs[s], &all.trials[k]) < 0)
            rc = rl_usage("merge: trial %ld has variant '%s', which spec %s does not have",
                          all.trials[k].index, all.trials[k].variant, specs[s].name);
    }
    if (rc == 0 && all.n == 0)
        rc = rl_usage("merge: no trials in the given directories");
    if (rc == 0 && out) {
        rl_results_t r;
        if (rl_results_open(&r, out, err, sizeof err) != 0)
            rc = rl_internal("%s", err);
        for (size_t k = 0; k < all.n && rc == 0; k++)
            if (rl_results_append(&r, &all.trials[k], err, sizeof err) != 0)
                rc = rl_internal("%s", err);
        rl_results_close(&r);   /* also after a failed append */
        for (int s = 0; s < nspecs && rc == 0; s++)
            rl_dir_save_spec(out, &specs[s]);
    }
    int passed = rc == 0;
    if (rc == 0) {
        const rl_summary_t **sums = calloc((size_t)nspecs + 1, sizeof *sums);
        for (int s = 0; s < nspecs && sums; s++) {
            rl_eval_finish(&evs[s], 1, 0);
            sums[s] = &evs[s].summary;
            passed = passed && evs[s].summary.passed;
        }
        if (!sums) {
            rc = rl_internal("out of memory");
        } else {
            const rl_report_writer_t *w = rl_report_writer("text");
            if (!quiet && w && w->write(stdout, sums, nspecs) != 0)
                rc = rl_internal("cannot write the text report");
            const struct { const char *name, *path; } files[] = {
                { "json", json }, { "junit", junit }, { "markdown", markdown }, { "html", html },
            };
            for (size_t f = 0; f < sizeof files / sizeof files[0]; f++)
                if (files[f].path && rl_report_write_file(files[f].name, files[f].path, sums, nspecs) != 0)
                    rc = rl_internal("cannot write the %s report to %s", files[f].name, files[f].path);
            printf("racelab: %s: %zu trials merged from %d director%s\n", passed ? "PASS" : "FAIL",
                   all.n, ndirs, ndirs == 1 ? "y" : "ies");
        }
        free(sums);
    }
    for (int s = 0; s < nspecs; s++) {
        rl_eval_free(&evs[s]);
        rl_spec_free(&specs[s]);
    }
    free(specs);
    free(evs);
    rl_trial_list_free(&all);
    free(dirs);
    if (rc != 0)
        return rc;
    return passed ? RL_EXIT_OK : RL_EXIT_FAIL;
}
