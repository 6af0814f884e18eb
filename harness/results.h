/* results.h - the results file: one JSON object per trial, one per line.
 *
 * DIR/trials.jsonl is appended to and flushed (fflush + fsync) as each trial
 * completes, so a killed run loses no finished trial.  The reader is strict:
 * a malformed line is an error naming file:line, and the trials before it
 * are kept. */
#ifndef RL_RESULTS_H
#define RL_RESULTS_H

#include <stdio.h>
#include "trial.h"

typedef struct {
    FILE *f;
    char *path;
} rl_results_t;

/* Opens (creating DIR when needed) DIR/trials.jsonl for appending.
 * Returns 0, or -1 with a message in err. */
int rl_results_open(rl_results_t *r, const char *dir, char *err, size_t errlen);
/* Appends one trial as a JSON line and makes it durable.  Returns 0, or -1
 * with a message in err (e.g. "No space left on device"). */
int rl_results_append(rl_results_t *r, const rl_trial_t *t, char *err, size_t errlen);
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
/* Appends a copy of *t; returns 0 or -1 when out of memory. */
int rl_trial_list_push(rl_trial_list_t *list, const rl_trial_t *t);

#endif
