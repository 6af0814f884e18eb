/* cli.h - what the racelab subcommands share: exit codes, option parsing,
 * seeds, argument substitution, trial logs, the interrupt flag. */
#ifndef RL_CLI_H
#define RL_CLI_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include "spawn.h"
#include "trial.h"

enum {
    RL_EXIT_OK = 0,        /* every expectation holds / every trial passed */
    RL_EXIT_FAIL = 1,      /* some expectation fails / some trial failed */
    RL_EXIT_USAGE = 64,    /* bad arguments, spec or results file */
    RL_EXIT_INTERNAL = 70, /* racelab itself failed (I/O, memory) */
};

/* The signal that interrupted racelab (SIGINT/SIGTERM), 0 if none. */
extern atomic_int rl_interrupted;

/* Installs the SIGINT/SIGTERM handler: it records the signal and kills
 * every running trial (rl_spawn_kill_all); the run then winds down. */
void rl_install_signal_handlers(void);
/* 128 + the interrupting signal. */
int rl_interrupted_exit(void);

/* Seed of trial index under base: splitmix64(base + index), so trials get
 * well-spread, reproducible seeds whatever the base. */
uint64_t rl_trial_seed(uint64_t base, long index);
/* A base seed from the clock and the pid, for runs without --seed. */
uint64_t rl_random_seed(void);

/* Copy of arg with {seed}, {build} and {exe} replaced (malloc'd). */
char *rl_subst(const char *arg, uint64_t seed, const char *build);

/* Prints "racelab: <message>" to stderr and returns RL_EXIT_USAGE. */
int rl_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "racelab: <message>" to stderr and returns RL_EXIT_INTERNAL. */
int rl_internal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Option matching for "--name value" and "--name=value": when argv[*i]
 * is the option, sets *val (advancing *i past a separate value) and
 * returns 1; returns -1 when the value is missing; 0 when it is another
 * argument. */
int rl_opt(int argc, char **argv, int *i, const char *name, const char **val);
/* Parses a whole decimal number in [min, max]; 0 or -1. */
int rl_parse_long(const char *s, long min, long max, long *out);
/* Parses an unsigned 64-bit number (decimal or 0x hex); 0 or -1. */
int rl_parse_u64(const char *s, uint64_t *out);
/* Parses a non-negative real; 0 or -1. */
int rl_parse_double(const char *s, double *out);
/* Parses a duration: "90", "90s", "500ms", "5m", "2h"; 0 or -1. */
int rl_parse_duration(const char *s, double *out);

/* 1 when DIR/trials.jsonl exists and is not empty. */
int rl_dir_in_use(const char *dir);
/* "results/<stem>-YYYYmmdd-HHMMSS" (UTC; "-2", "-3"... appended when that
 * directory is in use), malloc'd. */
char *rl_default_results_dir(const char *stem);
/* malloc'd copy of s (NULL-safe). */
char *rl_strdup(const char *s);
/* malloc'd printf. */
char *rl_aprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes DIR/logs/<spec>-<variant>-<index>.log (argv, seed, outcome,
 * captured output, stacks) and sets t->log to its path.  0 or -1. */
int rl_write_log(const char *dir, rl_trial_t *t, const rl_spawn_result_t *res);

int rl_cmd_run(int argc, char **argv);
int rl_cmd_check(int argc, char **argv);
int rl_cmd_replay(int argc, char **argv);
int rl_cmd_merge(int argc, char **argv);
int rl_cmd_plan(int argc, char **argv);
/* racelab sweep: a spec checked at each value of one knob (cmd_sweep.c). */
int rl_cmd_sweep(int argc, char **argv);

#endif
