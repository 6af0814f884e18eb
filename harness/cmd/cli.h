/* cmd/cli.h - what the racelab subcommands share: exit codes, option parsing,
 * seeds, argument substitution, trial logs, the interrupt flag. */
#ifndef RL_CLI_H
#define RL_CLI_H

#include <stddef.h>
#include <stdint.h>
#include "util/parse.h"
#include "util/str.h"

enum {
    RL_EXIT_OK = 0,        /* every expectation holds / every trial passed */
    RL_EXIT_FAIL = 1,      /* some expectation fails / some trial failed */
    RL_EXIT_USAGE = 64,    /* bad arguments, spec or results file */
    RL_EXIT_INTERNAL = 70, /* racelab itself failed (I/O, memory) */
};

/* 128 + the interrupting signal. */
int rl_interrupted_exit(void);

/* Prints "racelab: <message>" to stderr and returns RL_EXIT_USAGE. */
int rl_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "racelab: <message>" to stderr and returns RL_EXIT_INTERNAL. */
int rl_internal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Option matching for "--name value" and "--name=value": when argv[*i]
 * is the option, sets *val (advancing *i past a separate value) and
 * returns 1; returns -1 when the value is missing; 0 when it is another
 * argument. */
int rl_opt(int argc, char **argv, int *i, const char *name, const char **val);

int rl_cmd_run(int argc, char **argv);
int rl_cmd_check(int argc, char **argv);
int rl_cmd_replay(int argc, char **argv);
int rl_cmd_merge(int argc, char **argv);
int rl_cmd_plan(int argc, char **argv);
/* racelab sweep: a spec checked at each value of one knob (cmd/sweep.c). */
int rl_cmd_sweep(int argc, char **argv);
/* racelab bisect: the first bad of an ordered list of candidates (cmd/bisect.c). */
int rl_cmd_bisect(int argc, char **argv);

#endif
