/* scenario_run.h - running the scenario programs and forked test children
 * and capturing what they print, for the model and family tests.  The
 * programs' paths come from environment variables meson sets
 * (RL_BORROWED_M_PROFILER, RL_SUSPEND_FAMILY). */
#ifndef MODEL_TEST_SCENARIO_RUN_H
#define MODEL_TEST_SCENARIO_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct run {
    int status;     /* exit status, or -1 if it did not exit normally */
    char out[8192]; /* stdout, truncated */
    char err[4096]; /* stderr, truncated */
} run_t;

/* Runs the program whose path is in the environment variable env_var with
 * args (NULL-terminated, at most 30) and envp (NULL = the test's own
 * environment); fails the test if it cannot be started. */
void run_program(run_t *r, const char *env_var, const char *const *args, char **envp);

/* run_program for borrowed-m-profiler. */
void run_scenario(run_t *r, const char *const *args, char **envp);

/* Forks a child that runs fn(arg) with its stderr into a pipe, then exits
 * 0; returns its pid and the pipe's read end in *fd. */
pid_t fork_child(void (*fn)(bool arg), bool arg, int *fd);

/* Reads fd to its end into out (truncated to outlen - 1, terminated),
 * closes it and waits for pid; returns the exit status, -1 if it did not
 * exit normally. */
int wait_child(pid_t pid, int fd, char *out, size_t outlen);

/* fork_child then wait_child. */
int run_child(void (*fn)(bool arg), bool arg, char *out, size_t outlen);

#endif
