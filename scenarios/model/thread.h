/* thread.h - the OS services the model runtime needs besides suspension:
 * threads, a clock, sleeping and yielding, an OS thread id for messages, and
 * the immediate process exit a runtime throw uses.
 *
 * posix/thread.c (pthreads) and win32/thread.c (Win32) implement it; the model
 * never includes an OS header itself, so it stays free of #ifdefs. */
#ifndef RT_THREAD_H
#define RT_THREAD_H

#include <stddef.h>
#include <stdint.h>

/* An owned, joinable thread.  Opaque: only thread_*.c knows its layout. */
typedef struct rt_thread rt_thread_t;

/* Starts fn(arg) on a new OS thread and stores a joinable handle in *out.
 * Returns 0, or a negative value if the OS refused (then *out is untouched).
 * The thread is a plain OS thread: it has no M until it calls rt_needm. */
int rt_thread_start(rt_thread_t **out, void (*fn)(void *arg), void *arg);

/* Waits for the thread to finish and releases its handle.  Must be called
 * exactly once per started thread, and never by the thread itself. */
void rt_thread_join(rt_thread_t *t);

/* Gives up the processor to any other ready thread (sched_yield /
 * SwitchToThread).  May return at once when nothing else is ready. */
void rt_thread_yield(void);

/* Sleeps at least us microseconds (0 returns at once).  Signals that
 * interrupt the sleep, such as a suspend request, do not shorten it. */
void rt_sleep_us(uint32_t us);

/* rt_pause's arguments besides a sleep in microseconds. */
#define RT_PAUSE_NONE UINT64_MAX
#define RT_PAUSE_YIELD (UINT64_MAX - 1)

/* The pause a worker takes between callbacks: RT_PAUSE_NONE, RT_PAUSE_YIELD
 * (rt_thread_yield) or a sleep of pause microseconds (at most UINT32_MAX). */
static inline void rt_pause(uint64_t pause)
{
    if (pause == RT_PAUSE_YIELD)
        rt_thread_yield();
    else if (pause != RT_PAUSE_NONE)
        rt_sleep_us((uint32_t)pause);
}

/* Monotonic clock in nanoseconds; only differences are meaningful. */
uint64_t rt_now_ns(void);

/* The calling thread's OS thread id (gettid / GetCurrentThreadId), for
 * messages and for telling threads apart; never 0. */
uint64_t rt_os_thread_id(void);

/* Writes len bytes to standard error without stdio buffering or locks, so it
 * is usable on a crash path where another thread may hold stdio's lock. */
void rt_write_stderr(const char *buf, size_t len);

/* Ends the process at once with the given status, as Go's exit after a
 * throw does: no atexit handlers, no stdio flush, other threads just stop
 * (_exit / ExitProcess).  Never returns. */
_Noreturn void rt_exit_now(int status);

#endif
