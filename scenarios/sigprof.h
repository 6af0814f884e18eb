/* sigprof.h - Go's Unix CPU profiler: a SIGPROF timer whose handler runs on
 * the thread it interrupted (signal_unix.go: sighandler -> sigprof with
 * mp := getg().m).  The sampled M is then the current M by construction,
 * which is why issue 17165's wrong-M guard could not happen on Unix.
 *
 * POSIX only (sigprof_posix.c); the self-sampling scenario that uses it is
 * not built for Windows. */
#ifndef RT_SIGPROF_H
#define RT_SIGPROF_H

#include <stdint.h>

/* Called in signal context on the interrupted thread with its PC/SP.  Must
 * be async-signal-safe (no locks, no malloc). */
typedef void (*rt_sigprof_fn_t)(uintptr_t pc, uintptr_t sp);

/* Installs fn as the SIGPROF handler and starts the process CPU-time timer
 * (setitimer ITIMER_PROF) at hz ticks per second (1..1000000; the kernel
 * rounds to its tick).  Returns 0 or -1. */
int rt_sigprof_start(uint32_t hz, rt_sigprof_fn_t fn);

/* Stops the timer.  A signal already pending may still run fn once on each
 * thread; call it before the threads whose state fn reads go away. */
void rt_sigprof_stop(void);

#endif
