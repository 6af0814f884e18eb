/* racelab_run.h - running racelab and rl-child from the POSIX tests (e2e,
 * faults, sweep): temporary directories, starting programs with their
 * output in a file, waiting, processes counted through /proc by a marker
 * every process of a trial tree inherits, reading and checking what
 * racelab wrote.  The helpers fail the calling test (rltest.h) when what
 * they need is missing.  File helpers without assertions: testfs.h.
 * The Windows tests' helpers: racelab_run_win32.h. */
#ifndef RL_RACELAB_RUN_H
#define RL_RACELAB_RUN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "store/results.h"
#include "testfs.h"

/* $RACELAB and $RL_CHILD, as meson passes them; fail the test if unset. */
const char *e2e_racelab(void);
const char *e2e_child(void);
/* Makes a fresh directory under /tmp, chdirs into it, returns its path. */
const char *e2e_tmpdir(void);
/* Starts argv (argv[0] a path) with stdout+stderr to out_path, returns pid. */
pid_t e2e_start(char *const argv[], const char *out_path);
/* Polls until path has at least n lines or about 10 s have passed (the
 * caller then checks what it needs); returns the count last seen. */
long e2e_await_lines(const char *path, long n);
/* Waits for pid; returns its exit status, or 128+signal. */
int e2e_wait(pid_t pid);
/* Runs argv to completion, output to out_path; returns the exit status. */
int e2e_run(char *const argv[], const char *out_path);
/* Writes text to path; fails the test on failure. */
void e2e_write(const char *path, const char *text);
/* Fails the test unless the file at path holds needle (the file's text is
 * in the message). */
void e2e_assert_file_has(const char *path, const char *needle);
/* 1 while a process with that pid exists (zombies count as gone). */
int e2e_alive(pid_t pid);
/* Reads DIR (or a file) strictly; fails the test with the reader's error. */
rl_trial_list_t e2e_read(const char *dir);
/* Writes a two-variant spec (a, b; `trials` each, timeout 30 s) named
 * `name`, running rl-child with the given mode arguments. */
void e2e_write_spec(const char *path, const char *name, const char *mode, long trials);
/* Asserts that DIR holds exactly the trial indices 0..n-1 once each, with
 * variant "a"/"b" by parity (e2e_write_spec's variants); with check_seeds,
 * also the seed rl_trial_seed(base, index) of DIR/seed's base. */
void e2e_assert_complete(const char *dir, long n, int check_seeds);

/* Puts RL_FAULT_MARK=<a value unique to this test process and call> into
 * the environment (racelab and its trials inherit it); returns the value. */
const char *fault_mark(void);
/* Live (not zombie) processes whose environment holds RL_FAULT_MARK=mark,
 * leaving out pid `except` (racelab itself; 0 for none). */
int fault_count_marked(const char *mark, pid_t except);
/* Polls until at least want marked processes (except `except`) exist or
 * about 20 s pass; returns the last count. */
int fault_await_marked(const char *mark, pid_t except, int want);
/* SIGKILLs every marked process (cleanup after a failed assertion). */
void fault_kill_marked(const char *mark);
/* Waits for pid; returns its exit status (or 128+signal) and stores its
 * peak resident set (KiB, from wait4) in *maxrss_kib when not NULL. */
int fault_wait(pid_t pid, long *maxrss_kib);
/* The base seed in DIR/seed. */
uint64_t fault_base_seed(const char *dir);

#endif
