/* core/trial.h - one trial: a fresh process run once, and what became of it.
 *
 * Shared by the runner (which fills it in), the results file (which stores
 * it as one JSON line) and the reports (which count it).  Every way a trial
 * can end is kept in its own field: an exit status, a signal, a Windows
 * exception code and a timeout are never squeezed into one int. */
#ifndef RL_TRIAL_H
#define RL_TRIAL_H

#include <stdint.h>
#include <stddef.h>

typedef enum {
    RL_OUTCOME_PASS = 0,   /* exited with status 0 */
    RL_OUTCOME_CRASH,      /* non-zero exit, death by signal or exception */
    RL_OUTCOME_HANG,       /* still running at the timeout; killed */
    RL_OUTCOME_ERROR,      /* could not be started (or the harness failed it) */
    RL_OUTCOME_COUNT
} rl_outcome_t;

/* "pass", "crash", "hang", "error"; NULL for an out-of-range value. */
const char *rl_outcome_name(rl_outcome_t o);
/* Parses the names above; returns -1 for anything else. */
int rl_outcome_parse(const char *name);

typedef struct {
    char *spec;            /* spec name ("go-17165"); "run" for racelab run */
    char *variant;         /* variant name; "" for racelab run */
    long index;            /* trial index within the whole run, from 0 */
    uint64_t seed;         /* RACELAB_SEED given to the trial */
    int argc;
    char **argv;           /* the exact argv after {seed} substitution */
    rl_outcome_t outcome;
    char *signature;       /* crash/hang/error: the bucket key; NULL for pass */
    int exit_status;       /* exit code, or -1 when the process did not exit */
    int term_signal;       /* POSIX signal that killed it, 0 if none */
    uint32_t exception;    /* Windows NTSTATUS that ended it, 0 if none */
    double started_s;      /* start time, seconds since the run began */
    double duration_s;     /* wall-clock duration of the trial */
    char *log;             /* path of the kept output/stack log, or NULL */
    char *printed;         /* the output line the signature was made from, as
                              the program printed it (white space around it
                              trimmed, at most RL_PRINTED_MAX bytes; the
                              reports escape its control characters), or
                              NULL when the signature came from no line */
} rl_trial_t;

/* The most bytes of a signature line kept as printed. */
#define RL_PRINTED_MAX 200

/* Frees every owned string and array in *t and zeroes it. */
void rl_trial_free(rl_trial_t *t);
/* Deep copy; returns 0, or -1 when out of memory. */
int rl_trial_copy(rl_trial_t *dst, const rl_trial_t *src);

#endif
