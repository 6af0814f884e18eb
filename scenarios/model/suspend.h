/* suspend.h - stopping another thread wherever it is and reading its
 * registers, the way a sampling profiler on Windows does it.
 *
 * Two implementations, picked by meson:
 *   posix/suspend.c  a directed real-time signal; the target's handler
 *                    records the interrupted PC/SP from its ucontext,
 *                    acknowledges, and waits (futex) until resumed.
 *   win32/suspend.c  SuspendThread / GetThreadContext(CONTEXT_CONTROL) /
 *                    ResumeThread on a DuplicateHandle'd thread handle.
 *
 * A handle is a uintptr_t so that it can live in an M's `thread` field and be
 * loaded and stored atomically, exactly like Go's mp.thread; 0 means "no
 * thread".  Every function may be called from any thread, but suspending the
 * calling thread itself is refused (RT_SUSPEND_ESELF), and no thread may be
 * suspended by two suspenders at once (the model has one profiler).
 *
 * While a thread is suspended its suspender must not call anything that could
 * wait for a lock the target might hold (malloc, stdio, the dynamic loader):
 * the target may have been stopped inside any of them. */
#ifndef RT_SUSPEND_H
#define RT_SUSPEND_H

#include <stdint.h>

/* An OS thread handle as stored in rt_m_t.thread; 0 = none. */
typedef uintptr_t rt_thandle_t;

/* The registers a profiler needs from a stopped thread. */
typedef struct rt_context {
    uintptr_t pc; /* instruction pointer where the thread was stopped */
    uintptr_t sp; /* stack pointer at that instruction */
} rt_context_t;

/* Results: 0 for success, one of these (all negative) otherwise. */
enum {
    RT_SUSPEND_OK = 0,
    RT_SUSPEND_EBADH = -1,     /* handle is 0, closed, or its thread is gone
                                  (SuspendThread returning (DWORD)-1) */
    RT_SUSPEND_ETIMEDOUT = -2, /* target did not acknowledge in time; it is
                                  NOT suspended and must not be resumed */
    RT_SUSPEND_ESELF = -3,     /* handle names the calling thread */
    RT_SUSPEND_ESTATE = -4,    /* not suspended (resume, get context) or
                                  already suspended (suspend) */
    RT_SUSPEND_ESYS = -5,      /* the OS call failed for another reason */
};

/* A short English description of a result code ("timed out", ...); never
 * NULL, also for unknown codes. */
const char *rt_suspend_strerror(int rc);

/* Prepares the process for suspension (POSIX: installs the signal handler).
 * Call once, before any other function here, from any thread.  Idempotent.
 * Returns 0 or RT_SUSPEND_ESYS. */
int rt_suspend_init(void);

/* Makes the calling thread suspendable and gives it the per-thread state the
 * backend needs.  Every thread that will ever own an M calls this once before
 * its first rt_thandle_open; calling it again is harmless.  Win32: nothing to
 * do.  Returns 0, or RT_SUSPEND_ESYS when the backend's fixed table of
 * threads is full. */
int rt_suspend_register_self(void);

/* Marks the calling thread as gone before it exits: later suspends of its
 * handles fail with RT_SUSPEND_EBADH instead of waiting for an
 * acknowledgement that can never come (glibc's pthread_kill on an exited but
 * unjoined thread "succeeds" and delivers nothing).  Must not be called while
 * the thread is suspended, which it cannot be, as it is running. */
void rt_suspend_unregister_self(void);

/* Returns a fresh handle naming the calling thread, for storing in
 * mp->thread (Go's minit).  Win32: DuplicateHandle(GetCurrentThread()), a
 * real kernel handle.  POSIX: the thread's registration record.  Requires
 * rt_suspend_register_self.  Returns 0 on failure. */
rt_thandle_t rt_thandle_open(void);

/* Releases a handle from rt_thandle_open (Go's unminit CloseHandle).  After
 * this the value must be treated as dangling: on Win32 using it fails (or,
 * once the value is reused, names some other object - Go's P3 bug); on POSIX
 * it still names the same thread.  Closing 0 does nothing. */
void rt_thandle_close(rt_thandle_t h);

/* Stops the thread h names, wherever it is - including inside rt_malloc or
 * holding any lock - and returns once it is stopped, or fails.  Waits at most
 * timeout_ms for the target to stop (POSIX; Win32's SuspendThread does not
 * wait and may return before the thread has stopped: rt_suspend_get_context
 * is what waits there).  Returns 0, RT_SUSPEND_EBADH, RT_SUSPEND_ETIMEDOUT,
 * RT_SUSPEND_ESELF, RT_SUSPEND_ESTATE or RT_SUSPEND_ESYS.  Only after 0 must
 * the caller call rt_suspend_resume. */
int rt_suspend(rt_thandle_t h, uint32_t timeout_ms);

/* Reads the PC and SP of a thread this caller has suspended.  Returns 0 and
 * fills *ctx, or a negative code (then *ctx is zeroed). */
int rt_suspend_get_context(rt_thandle_t h, rt_context_t *ctx);

/* Lets a thread stopped by rt_suspend run again.  Returns 0 or a negative
 * code (RT_SUSPEND_ESTATE if it was not suspended). */
int rt_suspend_resume(rt_thandle_t h);

/* How long, at most, a POSIX target waits in its handler for a resume before
 * it resumes itself and counts the event (so a suspender that died or hung
 * cannot freeze the process for ever).  Win32 has no such limit. */
#define RT_SUSPEND_MAX_HOLD_MS 10000u

/* Number of times a target had to resume itself after
 * RT_SUSPEND_MAX_HOLD_MS (always 0 on Win32); non-zero means a profiler bug. */
uint64_t rt_suspend_self_resumes(void);

#endif
