/* report.h - the reports one check (or merge) writes.
 *
 * The text summary goes to stdout; JSON, JUnit XML, Markdown and HTML go to
 * files.  Every writer takes the same summary, so they never disagree. */
#ifndef RL_REPORT_H
#define RL_REPORT_H

#include <stdio.h>
#include "spec.h"
#include "verdict.h"

typedef struct {
    const rl_spec_t *spec;
    int ntallies;
    rl_tally_t *tallies;             /* one per variant, in spec order */
    int nresults;
    rl_expect_result_t *results;     /* one per expectation, in spec order */
    int sequential;                  /* sequential stopping was on */
    long fixed_n_plan;               /* trials the fixed-N plan would run */
    double fisher_p;                 /* buggy vs fixed, < 0 when not computed */
    const char *fisher_a, *fisher_b; /* the two variants compared */
    double wall_s;                   /* wall-clock time of the check */
    int passed;                      /* every expectation holds */
} rl_summary_t;

typedef struct {
    const char *name;   /* "text", "json", "junit", "markdown", "html" */
    int (*write)(FILE *out, const rl_summary_t *const *summaries, int n);
} rl_report_writer_t;

/* Completes a summary whose spec, tallies and results are filled in: sets
 * passed (every expectation HOLDS, and there is at least one), Fisher's
 * one-sided p that the first crash-expected variant crashes more often
 * than the first no-crash-expected one (fisher_p < 0 when the spec has no
 * such pair or either ran no trials), and fixed_n_plan (when <= 0) to
 * trials x variants. */
void rl_summary_finish(rl_summary_t *s);

/* The writer with that name, or NULL. */
const rl_report_writer_t *rl_report_writer(const char *name);
/* Writes with the named writer to path ("-" = stdout).  0, or -1 with
 * errno set. */
int rl_report_write_file(const char *name, const char *path,
                         const rl_summary_t *const *summaries, int n);

#endif
