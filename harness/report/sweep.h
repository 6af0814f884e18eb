/* report/sweep.h - a sweep: one spec checked at each value of one knob, and the
 * reports of it (text table, JSON, Markdown, an HTML page with charts).
 *
 * Every point is an ordinary check with its own summary (rl_summary_t), so a
 * point's figures are exactly those `racelab check` would print for it.  The
 * writers are platform free (analysis library); racelab sweep (cmd/sweep.c)
 * runs the points and fills the structure. */
#ifndef RL_SWEEP_H
#define RL_SWEEP_H

#include <stdio.h>

#include "report/report.h"
#include "core/trial.h"

typedef struct {
    char *value;                 /* the knob's value at this point ("50") */
    char *dir;                   /* the point's results directory */
    const rl_summary_t *summary; /* the point judged as check judges it;
                                    NULL when the point was not run */
    double *median_crash_s;      /* per variant (spec order): median duration
                                    of its crashing trials, < 0 when none */
} rl_sweep_point_t;

typedef struct rl_sweep {
    const char *spec_name;
    const char *spec_issue;
    const char *knob;            /* "profiler-hz": each point adds --knob=value */
    int nvariants;
    const char *const *variants; /* names, in spec order */
    double confidence;
    int npoints;
    rl_sweep_point_t *points;
    const char *dir;             /* the sweep's results directory */
    double wall_s;
    int passed;                  /* every point ran and its expectations hold */
} rl_sweep_t;

/* Median of the durations of the crashing trials of variant in trials[0..n),
 * < 0 when it has none. */
double rl_sweep_median_crash(const rl_trial_t *trials, size_t n, const char *variant);

/* Index of the expectation result on variant v of s (its first one), -1 when
 * the variant has none. */
int rl_sweep_expect_of(const rl_summary_t *s, const char *variant);

/* The failures of tally t, for a sweep table's "failures" cell: each
 * signature with its count, most common first (rl_report_buckets' order),
 * "N× SIGNATURE" joined by "; ", at most max of them then "(+K more)";
 * "-" when every trial passed.  esc writes a signature escaped for the
 * format.  What the point's own check would list, so that a reader sees
 * where, along the knob, one failure gives way to another. */
void rl_sweep_failures(FILE *out, const rl_tally_t *t, int max, void (*esc)(FILE *, const char *));

/* The writers: "text" (a table, for stdout), "json", "markdown", "html" (one
 * self-contained page: crash rate against the knob value per variant with
 * Wilson interval bars, and the median time to crash).  Output is
 * deterministic for a given sweep.  0, or -1 on a write error. */
int rl_sweep_text(FILE *out, const rl_sweep_t *sw);
/* At most this many signatures in a table cell; JSON lists them all. */
#define RL_SWEEP_CELL_SIGNATURES 3
int rl_sweep_json(FILE *out, const rl_sweep_t *sw);
int rl_sweep_markdown(FILE *out, const rl_sweep_t *sw);
int rl_sweep_html(FILE *out, const rl_sweep_t *sw);

/* Writes the sweep form of the named report to path ("-" = stdout), through
 * rl_report_write_to.  0, or -1 with errno set (EINVAL for an unknown name
 * or a format without a sweep form). */
int rl_sweep_write_file(const char *name, const char *path, const rl_sweep_t *sw);

#endif
