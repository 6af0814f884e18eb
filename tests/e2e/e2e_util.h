/* e2e_util.h - helpers of the end-to-end tests: temporary directories,
 * running racelab (found through $RACELAB) with its output in a file,
 * reading files and results. */
#ifndef RL_E2E_UTIL_H
#define RL_E2E_UTIL_H

#include <stddef.h>
#include <sys/types.h>

/* $RACELAB and $RL_CHILD, as meson passes them; aborts the test if unset. */
const char *e2e_racelab(void);
const char *e2e_child(void);
/* Makes a fresh directory under /tmp, chdirs into it, returns its path. */
const char *e2e_tmpdir(void);
/* Starts argv (argv[0] a path) with stdout+stderr to out_path, returns pid. */
pid_t e2e_start(char *const argv[], const char *out_path);
/* Waits for pid; returns its exit status, or 128+signal. */
int e2e_wait(pid_t pid);
/* Runs argv to completion, output to out_path; returns the exit status. */
int e2e_run(char *const argv[], const char *out_path);
/* Whole file as a malloc'd NUL-terminated string (NULL if unreadable). */
char *e2e_slurp(const char *path, size_t *len);
/* Writes text to path; aborts the test on failure. */
void e2e_write(const char *path, const char *text);
/* Lines of the file (0 if missing). */
long e2e_count_lines(const char *path);
/* 1 while a process with that pid exists (zombies count as gone). */
int e2e_alive(pid_t pid);

#endif
