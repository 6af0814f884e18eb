/* sigprof.h - Go's Unix CPU profiler: SIGPROF delivered to a running thread,
 * whose handler samples *that* thread (signal_unix.go: sighandler ->
 * sigprof with mp := getg().m).  The sampled M is then the current M by
 * construction, which is why issue 17165's wrong-M guard could not happen
 * on Unix.
 *
 * Like Go 1.18's per-thread timers, every registered thread gets its own
 * ticks: a ticker thread sends each one SIGPROF at the given rate (a
 * process-wide ITIMER_PROF on a loaded 2-core machine gave a few ticks per
 * second).  POSIX only (posix/sigprof.c); the scenario using it is not built
 * for Windows. */
#ifndef RT_SIGPROF_H
#define RT_SIGPROF_H

#include <stdint.h>

/* Called in signal context on the interrupted thread with its PC/SP.  Must
 * be async-signal-safe (no locks, no malloc). */
typedef void (*rt_sigprof_fn_t)(uintptr_t pc, uintptr_t sp);

/* Installs fn as the SIGPROF handler and starts the ticker: every
 * registered thread gets SIGPROF hz times a second (1..100000).  Returns 0
 * or -1.  Call once. */
int rt_sigprof_start(uint32_t hz, rt_sigprof_fn_t fn);

/* Makes the calling thread receive ticks.  Returns 0, or -1 when the fixed
 * table is full. */
int rt_sigprof_register_self(void);

/* Stops ticks to the calling thread; must be called before it exits
 * (glibc's pthread_kill of an exited thread is undefined). */
void rt_sigprof_unregister_self(void);

/* Stops the ticker and waits for it.  The handler stays installed and does
 * nothing from now on (a signal may still be pending). */
void rt_sigprof_stop(void);

#endif
