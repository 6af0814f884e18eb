/* scenario_run.h - runs the borrowed-m-profiler binary (path from the
 * RL_BORROWED_M_PROFILER environment variable, set by meson) and captures
 * its exit status and output, for the tests that drive it as a program. */
#ifndef MODEL_TEST_SCENARIO_RUN_H
#define MODEL_TEST_SCENARIO_RUN_H

typedef struct run {
    int status;     /* exit status, or -1 if it did not exit normally */
    char out[4096]; /* stdout, truncated */
    char err[4096]; /* stderr, truncated */
} run_t;

/* Runs the scenario with args (NULL-terminated, at most 30) and envp (NULL
 * = the test's own environment); fails the test if it cannot be started. */
void run_scenario(run_t *r, const char *const *args, char **envp);

#endif
