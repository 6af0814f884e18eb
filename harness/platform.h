/* platform.h - the little the harness needs from the OS besides spawning:
 * threads, a mutex, a clock, the core count, directories, a terminal check.
 * platform_posix.c and platform_win32.c implement it. */
#ifndef RL_PLATFORM_H
#define RL_PLATFORM_H

#include <stddef.h>

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
/* mkdir -p; 0 or -1 with errno. */
int rl_mkdir_p(const char *path);
/* Is stderr a terminal? */
int rl_stderr_isatty(void);

#endif
