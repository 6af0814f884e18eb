/* core/summary.h - one spec's verdict, complete: tallies per variant,
 * judgements per expectation, Fisher's test between buggy and fixed, and the
 * overall pass.  Built by core/evaluate.c (check and merge) and read, never
 * changed, by every report writer. */
#ifndef RL_SUMMARY_H
#define RL_SUMMARY_H

#include "core/spec.h"
#include "core/verdict.h"

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
    const char *co_load;             /* the background load the trials ran
                                        beside ("cpu=4", see --co-load),
                                        NULL: none */
    int passed;                      /* the verdict (rl_summary_finish) */
    int undecided;                   /* not passed, yet nothing failed:
                                        trials that could not run leave it
                                        open (rl_summary_finish) */
    long errors;                     /* trials that could not run, all
                                        variants */
    /* Where the trials are and how to rerun one, for the reports' replay
     * commands: the results directory (NULL: not named, as in a merge of
     * several) and the base seed (has_seed 0: not known). */
    const char *results_dir;
    int has_seed;
    unsigned long long base_seed;
} rl_summary_t;

/* Completes a summary whose spec, tallies and results are filled in: sets
 * passed (every expectation HOLDS, there is at least one, and every
 * variant's tally has trials that ran; a spec with no expectation, racelab
 * run's, passes when every trial passed), undecided (not passed, no
 * expectation FAILS, and an expectation is UNDECIDED or a variant's trials
 * all could not run), errors, Fisher's one-sided p that the first
 * crash-expected variant crashes more often than the first
 * no-crash-expected one, on the trials that ran (fisher_p < 0 when the spec
 * has no such pair or either ran no trials), and fixed_n_plan (when <= 0) to trials x
 * variants.  The one place a spec's verdict is decided. */
void rl_summary_finish(rl_summary_t *s);

#endif
