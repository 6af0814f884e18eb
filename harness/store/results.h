/* store/results.h - the results file: one JSON object per trial, one per line.
 *
 * DIR/trials.jsonl is appended to with one write per trial, handed to the
 * OS at once (fflush), so a killed racelab loses no finished trial; making
 * it survive a crash of the machine (fsync) is rl_results_sync's job, which
 * the runner calls in batches (at most every 0.5 s) and at the end.  The
 * reader is strict: a malformed line is an error naming file:line, and the
 * trials before it are kept. */
#ifndef RL_RESULTS_H
#define RL_RESULTS_H

#include <stdatomic.h>
#include <stdio.h>
#include "core/trial.h"

typedef struct {
    FILE *f;
    char *path;
    atomic_int dirty;    /* appended since the last rl_results_sync */
} rl_results_t;

/* Opens (creating DIR when needed) DIR/trials.jsonl for appending.
 * Returns 0, or -1 with a message in err. */
int rl_results_open(rl_results_t *r, const char *dir, char *err, size_t errlen);
/* Appends one trial as a JSON line with a single write and flushes it to
 * the OS (fflush): once this returns, the line survives a kill of racelab,
 * though not yet a crash of the machine (see rl_results_sync).  Returns 0,
 * or -1 with a message in err (e.g. "No space left on device").  Not safe
 * to call from two threads at once; safe alongside rl_results_sync. */
int rl_results_append(rl_results_t *r, const rl_trial_t *t, char *err, size_t errlen);
/* Makes every line appended so far durable (fsync, _commit on Windows);
 * does nothing when nothing was appended since the last call.  May run on
 * another thread than rl_results_append, concurrently with it.  Returns
 * 0, or -1 with a message in err. */
int rl_results_sync(rl_results_t *r, char *err, size_t errlen);
/* Syncs (as rl_results_sync, ignoring a failure: call that first to see
 * one) and closes. */
void rl_results_close(rl_results_t *r);

/* Formats one trial as a JSON object without a newline into a malloc'd
 * string; NULL when out of memory. */
char *rl_trial_to_json(const rl_trial_t *t);
/* Parses one JSON line into *t.  Returns 0, or -1 with the problem in err. */
int rl_trial_from_json(const char *line, rl_trial_t *t, char *err, size_t errlen);

typedef struct {
    rl_trial_t *trials;
    size_t n, cap;
} rl_trial_list_t;

/* Reads every trial of a results file (or of DIR/trials.jsonl when path is a
 * directory) and appends them to *list.  On a bad line returns -1 with
 * "file:line: problem" in err; the trials read before it stay in *list.
 * A final line without a newline (a write cut short by a kill) is reported
 * the same way. */
int rl_results_read(const char *path, rl_trial_list_t *list, char *err, size_t errlen);
void rl_trial_list_free(rl_trial_list_t *list);
/* Streams a results file (or DIR/trials.jsonl) without keeping it: calls
 * fn(ctx, t) for every trial in file order; t is freed when fn returns
 * (fn may move its strings out, zeroing the fields it took).  fn returns
 * 0 to go on; any other value stops the walk and is returned.  A bad or
 * cut-short line gives -1 with "file:line: problem" in err (the trials
 * before it have been passed to fn), as rl_results_read.  So that a
 * non-zero fn result is not mistaken for a bad line, fn should return a
 * positive value to stop. */
int rl_results_each(const char *path, int (*fn)(void *ctx, rl_trial_t *t), void *ctx, char *err,
                    size_t errlen);
/* Appends a copy of *t; returns 0 or -1 when out of memory. */
int rl_trial_list_push(rl_trial_list_t *list, const rl_trial_t *t);

#endif
