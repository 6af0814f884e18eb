/* faults_util.h - helpers of the fault tests: a marker in the environment
 * that every process of a trial tree inherits, counting (and, after a
 * failed test, killing) the marked processes through /proc, running racelab
 * with its resource usage, and checking what racelab wrote. */
#ifndef RL_FAULTS_UTIL_H
#define RL_FAULTS_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "store/results.h"

/* $FAULT_CHILD as meson passes it; aborts the test if unset. */
const char *fault_child(void);
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
/* Reads DIR (or a file) strictly; fails the test with the reader's error. */
rl_trial_list_t fault_read(const char *dir);
/* 1 when the n bytes are valid UTF-8. */
int fault_utf8_valid(const char *s, size_t n);
/* The base seed in DIR/seed. */
uint64_t fault_base_seed(const char *dir);
/* Asserts that DIR holds exactly the trial indices 0..n-1 once each, with
 * variant "a"/"b" by parity and the seed rl_trial_seed(base, index). */
void fault_assert_complete(const char *dir, long n);
/* Writes a two-variant spec (a, b; `trials` each) running fault-child
 * with the given mode arguments. */
void fault_write_spec(const char *path, const char *mode, long trials);

#endif
