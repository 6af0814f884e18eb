/* os/os.h - the little the harness needs from the OS besides spawning:
 * threads, a mutex, a clock, the core count, directories, file sync, a
 * terminal check.  os/posix/ and os/win32/ implement it (os.c, file.c);
 * os/mkdir.c is the one platform-free part. */
#ifndef RL_PLATFORM_H
#define RL_PLATFORM_H

#include <stddef.h>
#include <stdio.h>

typedef struct rl_thread rl_thread_t;
typedef struct rl_mutex rl_mutex_t;

/* Starts fn(arg) on a new thread; NULL on failure. */
rl_thread_t *rl_thread_start(void (*fn)(void *), void *arg);
/* Waits for the thread and frees it. */
void rl_thread_join(rl_thread_t *t);

rl_mutex_t *rl_mutex_new(void);
void rl_mutex_lock(rl_mutex_t *m);
void rl_mutex_unlock(rl_mutex_t *m);
void rl_mutex_free(rl_mutex_t *m);

/* Monotonic seconds. */
double rl_now(void);
void rl_sleep_ms(int ms);
/* Online processors, at least 1. */
int rl_ncpus(void);
/* mkdir -p: creates path and its missing parents (an existing directory is
 * fine).  0, or -1 with errno set (ENOTDIR when a component is a file). */
int rl_mkdir_p(const char *path);
/* Flushes f's buffer and asks the OS to put the data on disk (fsync, or
 * _commit on Windows), so a trial written survives a crash of the machine
 * as well as a kill of racelab.  0, or -1 with errno set. */
int rl_file_sync(FILE *f);
/* Cuts the file open in f down to len bytes (used to drop a final line a
 * kill left half written).  0, or -1 with errno set. */
int rl_file_truncate(FILE *f, long long len);
/* Is stderr a terminal? */
int rl_stderr_isatty(void);

#endif
