/* core/verdict.h - from trials to a CI verdict.
 *
 * A tally accumulates the trials of one variant; an expectation of the spec
 * is then judged against it, either once at the end (fixed N) or after every
 * trial (sequential stopping, which may decide early). */
#ifndef RL_VERDICT_H
#define RL_VERDICT_H

#include "core/spec.h"
#include "core/stats.h"
#include "core/trial.h"

typedef struct {
    char *signature;
    long count;
    long first_index;     /* the lowest trial index with this signature */
    char *first_log;      /* that trial's log file (NULL when none was kept) */
    char *first_printed;  /* that trial's signature line as printed
                             (rl_trial_t.printed), or NULL */
} rl_bucket_t;

typedef struct {
    const char *variant;
    long n;                             /* trials counted */
    long outcomes[RL_OUTCOME_COUNT];    /* by class */
    long crashes_matching;              /* crashes whose signature matched the
                                           expectation's regex, if any */
    rl_bucket_t *buckets;               /* non-pass outcomes by signature */
    int nbuckets;
    double first_crash_s;               /* started_s+duration_s of the crash that
                                           finished first (ties: lower index);
                                           < 0 when none */
    long first_crash_index;             /* -1 when none */
    double busy_s;                      /* sum of durations */
} rl_tally_t;

void rl_tally_init(rl_tally_t *t, const char *variant);
/* Counts one trial; sig (the expectation's compiled signature regex, may
 * be NULL = any crash) decides crashes_matching.  Returns 0, or -1 for an
 * out-of-range outcome or no memory. */
int rl_tally_add(rl_tally_t *t, const rl_trial_t *trial, const rl_regex_t *sig);
void rl_tally_free(rl_tally_t *t);

typedef enum { RL_JUDGE_UNDECIDED, RL_JUDGE_HOLDS, RL_JUDGE_FAILS } rl_judgement_t;

typedef struct {
    const rl_expect_t *expect;
    rl_judgement_t result;
    char why[512];          /* human sentence: rates, bounds, counts */
} rl_expect_result_t;

/* With sequential stopping, a variant whose first RL_ERRORS_GIVE_UP trials
 * all could not run is run no further: its setup, not its program, fails. */
#define RL_ERRORS_GIVE_UP 10
/* 1 when t holds RL_ERRORS_GIVE_UP or more trials and all are errors. */
int rl_tally_hopeless(const rl_tally_t *t);

/* Judges an expectation on a tally at the spec's confidence.
 * sequential != 0: may answer UNDECIDED while more trials could still change
 * the answer (SPRT, bounded by the spec's trial cap); at the cap, or with
 * sequential == 0, it always decides, unless error trials leave it
 * undecided: error trials are not counted in n, and an answer stands only
 * if counting them as the expectation's event or as passes gives the same
 * (core/verdict.c).  why is empty when the answer is UNDECIDED because more
 * trials could decide; a final UNDECIDED (at the cap, or a hopeless tally)
 * says "undecided: N trials could not run ...". */
rl_judgement_t rl_judge(const rl_expect_t *e, const rl_tally_t *t,
                        const rl_spec_t *spec, int sequential,
                        char *why, size_t whylen);

#endif
