/* results_sync.h - the two OS calls the results file needs.
 * results_sync_posix.c and results_sync_win32.c implement it; meson picks
 * one. */
#ifndef RL_RESULTS_SYNC_H
#define RL_RESULTS_SYNC_H

#include <stdio.h>

/* Flushes f's buffer and asks the OS to put the data on disk (fsync, or
 * _commit on Windows), so a trial written survives a crash of the machine
 * as well as a kill of racelab.  0, or -1 with errno set. */
int rl_file_sync(FILE *f);
/* Creates dir and its missing parents (an existing directory is fine).
 * 0, or -1 with errno set. */
int rl_results_mkdir(const char *dir);

/* Cuts the file open in f down to len bytes (used to drop a final line a
 * kill left half written).  0, or -1 with errno set. */
int rl_file_truncate(FILE *f, long long len);

#endif
