/* core/evaluate.h - tallies and judgements of one spec, built trial by trial;
 * shared by check (while it runs) and merge (from recorded trials). */
#ifndef RL_EVALUATE_H
#define RL_EVALUATE_H

#include "core/summary.h"
#include "core/spec.h"
#include "core/verdict.h"

typedef struct {
    const rl_spec_t *spec;
    rl_tally_t *vt;             /* per variant, for the reports */
    rl_tally_t *et;             /* per expectation (its own signature regex) */
    rl_expect_result_t *results;
    rl_summary_t summary;
    /* Set before rl_eval_finish when the run was stopped before its plan
     * ended (racelab check --time): an expectation sequential judging has
     * not decided stays UNDECIDED, "the time budget ended" saying why,
     * instead of being judged as at a fixed N on the trials there are. */
    const char *cut_short;
} rl_eval_t;

/* Sets up empty tallies for spec.  0, or -1 when out of memory. */
int rl_eval_init(rl_eval_t *ev, const rl_spec_t *spec);
/* Counts a trial of spec's variant t->variant.  Returns the variant's
 * index, or -1 when the spec has no such variant. */
int rl_eval_add(rl_eval_t *ev, const rl_trial_t *t);
/* 1 when every expectation on variant v is decided under sequential
 * stopping (so the variant needs no more trials), counting as decided one
 * that error trials leave undecided for good (rl_judge); a variant without
 * expectations is never decided early. */
int rl_eval_decided(rl_eval_t *ev, int v);
/* Judges every expectation (sequential as in rl_judge; an expectation
 * still undecided is then judged as at a fixed N, and stays UNDECIDED only
 * when error trials leave it so), computes Fisher's test
 * between the first variant expected to crash and the first expected not
 * to, and fills ev->summary.  A variant with no trials fails its
 * expectations. */
void rl_eval_finish(rl_eval_t *ev, int sequential, double wall_s);
void rl_eval_free(rl_eval_t *ev);

#endif
