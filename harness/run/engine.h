/* run/engine.h - runs trials on J worker threads and hands each finished one
 * back, classified, in completion order.  Scheduling policy (which trial
 * next, when to stop) and recording belong to the caller's callbacks. */
#ifndef RL_ENGINE_H
#define RL_ENGINE_H

#include "core/classify.h"
#include "run/spawn.h"
#include "core/trial.h"

typedef struct {
    rl_trial_t trial;         /* filled by next(): spec, variant, index, seed, argv */
    const rl_classifier_t *classifier; /* set by next(), never NULL: the
                                 trial's timeout, patterns and rules,
                                 compiled once per run, shared read-only by
                                 every worker */
    int tag;                  /* the caller's own number (e.g. variant) */
} rl_job_t;

/* Longest time a recorded trial waits for its fsync while a run lasts. */
#define RL_ENGINE_SYNC_S 0.5

typedef struct {
    int jobs;
    void *ctx;
    /* Under the engine lock: fills *job with the next trial to run and
     * returns 1, or returns 0 when there is nothing (more) to run. */
    int (*next)(void *ctx, rl_job_t *job);
    /* Under a lock of its own (not the engine lock, so other workers keep
     * starting trials meanwhile): makes the finished, classified trial
     * durable (log, results file).  Called before done().  Returns 0, or -1
     * to stop the run.  May be NULL. */
    int (*record)(void *ctx, rl_job_t *job, const rl_proc_result_t *res);
    /* On a background thread of its own, every RL_ENGINE_SYNC_S seconds
     * while the run lasts, concurrently with record(): makes the trials
     * recorded so far survive a crash of the machine (fsync), which
     * record() leaves out because it costs milliseconds.  Returns 0, or -1
     * to stop the run.  May be NULL.  The caller syncs once more at the
     * end. */
    int (*sync)(void *ctx);
    /* Under the engine lock: the finished, classified trial (job->trial has
     * outcome, signature, statuses, times; res the raw capture).  Returns 0,
     * or -1 to stop the run (a fatal error the callback reported). */
    int (*done)(void *ctx, rl_job_t *job, const rl_proc_result_t *res);
    /* Under the engine lock, at most ~10 times a second and once at the end
     * (final = 1): a progress line for a terminal, or NULL. */
    void (*progress)(void *ctx, char *buf, size_t len, double elapsed_s);
    double t0;                /* rl_now() at the start of the run */
    const char *results_dir;  /* a hung trial's minidump (Windows) goes to its
                                 logs/, named like the log; NULL: none */
} rl_engine_t;

/* Runs until next() says there is nothing more, done() fails, or racelab
 * is interrupted (then the trials cut short are not reported).  Returns 0,
 * -1 when done() stopped it, 1 when interrupted. */
int rl_engine_run(rl_engine_t *e);

#endif
