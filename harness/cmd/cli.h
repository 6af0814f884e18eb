/* cmd/cli.h - what the racelab subcommands share: exit codes, option parsing,
 * seeds, argument substitution, trial logs, the interrupt flag. */
#ifndef RL_CLI_H
#define RL_CLI_H

#include <stddef.h>
#include <stdint.h>
#include "util/parse.h"
#include "util/str.h"
#include "store/resultsdir.h"
#include "core/summary.h"

enum {
    RL_EXIT_OK = 0,        /* every expectation holds / every trial passed */
    RL_EXIT_FAIL = 1,      /* some expectation fails / some trial failed */
    RL_EXIT_UNDECIDED = 3, /* nothing fails, but trials that could not run
                              leave an expectation undecided */
    RL_EXIT_USAGE = 64,    /* bad arguments, spec or results file */
    RL_EXIT_INTERNAL = 70, /* racelab itself failed (I/O, memory) */
};

/* The exit status of the verdict of s[0..n): RL_EXIT_FAIL when one fails,
 * else RL_EXIT_UNDECIDED when one is undecided, else RL_EXIT_OK (n > 0). */
int rl_verdict_exit(const rl_summary_t *const *s, int n);
/* "PASS", "FAIL" or "UNDECIDED" for such an exit status. */
const char *rl_verdict_word(int status);

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

/* "racelab: CMD: unknown option 'ARG'", with "; did you mean '--X'?" when
 * one of the options named in help (every "--word" in it, and the report
 * options) is a likely typo of it, then "(see racelab CMD --help)".
 * Returns RL_EXIT_USAGE. */
int rl_unknown_option(const char *cmd, const char *arg, const char *help);

/* The short options, one table for every command: "-j 4", "-j4" and
 * "-j=4" become "--jobs 4" / "--jobs=4" in argv (up to a "--"), before the
 * command reads its options.  -j --jobs, -n --trials, -o --results,
 * -s --seed, -b --build, -q --quiet.  A command without the long option
 * refuses it as usual.  The strings made are never freed (argv lives as
 * long as the process). */
void rl_expand_short_options(int argc, char **argv);

/* A trial whose program could not start names, after the program's path,
 * the build directory {build} stood for and the directory racelab ran in
 * ("could not start: ... (--build B, run in D)"), so that a spec or a
 * command run from the wrong directory says so.  Other trials are left
 * as they are. */
void rl_note_build(rl_trial_t *t, const char *build);

/* The record step of a run's engine: the log of a trial that did not pass
 * (of every trial with keep_log) under dir/logs, then the trial's line in
 * results.  0, or -1 after saying why on stderr. */
int rl_record_trial(rl_results_t *results, const char *dir, rl_trial_t *t, const rl_proc_result_t *res,
                    int keep_log);
/* The sync step: results made durable.  0, or -1 after saying why. */
int rl_sync_trials(rl_results_t *results);

int rl_cmd_run(int argc, char **argv);
int rl_cmd_check(int argc, char **argv);
int rl_cmd_replay(int argc, char **argv);
int rl_cmd_merge(int argc, char **argv);
int rl_cmd_plan(int argc, char **argv);
/* racelab sweep: a spec checked at each value of one knob (cmd/sweep.c). */
int rl_cmd_sweep(int argc, char **argv);
/* racelab bisect: the first bad of an ordered list of candidates (cmd/bisect.c). */
int rl_cmd_bisect(int argc, char **argv);
/* racelab calibrate: rates measured, thresholds and caps proposed (cmd/calibrate.c). */
int rl_cmd_calibrate(int argc, char **argv);

#endif
