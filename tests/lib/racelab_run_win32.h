/* racelab_run_win32.h - the Windows tests' side of racelab_run.h: where
 * racelab.exe and rl-child.exe are, a temporary directory per test
 * program, whether a process still runs. */
#ifndef RL_RACELAB_RUN_WIN32_H
#define RL_RACELAB_RUN_WIN32_H

#include <stddef.h>

#include "testfs.h"

/* The build's racelab.exe and rl-child.exe, found from the running test's
 * own path (BUILD\tests\windows\test.exe); each buffer MAX_PATH long. */
void rrw_paths(char *racelab, char *child);
/* Makes a fresh %TEMP%\racelab-test-NAME-PID-N and writes its path (MAX_PATH). */
void rrw_tmpdir(const char *name, char *dir);
/* 1 while process pid runs (waits up to 2 s for it to end first). */
int rrw_alive(unsigned long pid);
/* Reads the minidump at path as a debugger would: the MDMP header, the
 * stream directory, every stream inside the file, a thread list whose
 * stacks and contexts lie inside the file.  Returns the number of threads
 * (their ids in tids, at most max) or -1; why gets what was found. */
int rrw_check_minidump(const char *path, unsigned long *tids, int max, char *why, size_t wlen);
/* Expects (rltest.h) of the hang of trial 0 of a racelab run in results: a
 * minidump next to its log that rrw_check_minidump reads, and a log that
 * says what was captured and where and lists the dump's threads. */
void rrw_assert_hang_dump(const char *results);

#endif
