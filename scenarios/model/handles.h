/* handles.h - a Windows-like thread-handle namespace for the bug-family
 * scenarios (Go's P2-P8, family.h), on top of suspend.h.
 *
 * Windows hands out handle values from a per-process table and reuses the
 * lowest free slot, so a value loaded from mp.thread before the owner's
 * CloseHandle may name another thread a moment later (Go 1.14's 6fd467ee).
 * posix/suspend.c's handles are immortal records, so the race cannot exist
 * there.  This layer gives both platforms the same namespace: a value is a
 * slot number (1..RT_H_SLOTS, 0 = none) naming a thread record; every record
 * holds one real backend handle (suspend.h) opened by its thread, so the
 * suspensions are real: SuspendThread & co. on Win32, the signal handshake
 * on POSIX.  Closing frees the slot; the next open takes the lowest free one.
 *
 * Suspension through a value pins the record the value named at that moment
 * (as win32/suspend.c pins a duplicate), so the resume always reaches the
 * thread that was stopped.  A context read resolves its value anew, as
 * GetThreadContext does; if the value names a thread other than the
 * suspended one it returns
 * RT_H_ERUNNING instead of a context (Win32's GetThreadContext would return
 * the registers of a running thread): that is what the P2 oracle checks.
 *
 * One suspender at a time (the scenario's profiler thread); any number of
 * threads open and close values. */
#ifndef RT_HANDLES_H
#define RT_HANDLES_H

#include <stdbool.h>
#include <stdint.h>

#include "model/suspend.h"

/* Slots in the table; more than the threads a scenario can have plus the
 * profiler's duplicates. */
#define RT_H_SLOTS 512

/* rt_h_get_context: the value names a thread that is not the one this
 * suspender holds suspended: reading it would sample a running thread. */
#define RT_H_ERUNNING (-100)

/* Makes the calling thread able to own values: registers it with the
 * suspend backend and opens its one backend handle.  Call once per thread
 * before rt_h_open.  Returns 0 or a negative suspend.h code. */
int rt_h_register_self(void);

/* Releases what rt_h_register_self took.  The thread must hold no value
 * (all closed) and no suspender may be using its record any more. */
void rt_h_unregister_self(void);

/* Opens a value naming the calling thread in the lowest free slot (Go's
 * minit DuplicateHandle).  Returns it, or 0 when the table is full. */
rt_thandle_t rt_h_open(void);

/* Opens a new value naming the same thread as v (DuplicateHandle of v).
 * Returns 0 if v is 0, free, or the table is full. */
rt_thandle_t rt_h_dup(rt_thandle_t v);

/* Frees slot v (CloseHandle); 0 and free slots are ignored. */
void rt_h_close(rt_thandle_t v);

/* OS thread id of the thread v names now, 0 if v is 0 or free. */
uint64_t rt_h_tid(rt_thandle_t v);

/* Suspends the thread v names.  0, RT_SUSPEND_EBADH (v free: SuspendThread
 * on a closed handle), RT_SUSPEND_ETIMEDOUT, or another suspend.h code.  If
 * v names the calling thread this never returns: SuspendThread on oneself
 * stops the caller until some other thread resumes it, and in these
 * scenarios only the caller would (Go issue 45530).  With rt_h_set_async the
 * call returns before the target has stopped. */
int rt_h_suspend(rt_thandle_t v, uint32_t timeout_ms);

/* Reads the PC/SP of the suspended thread through value v (waits for the
 * stop in async mode).  v is the suspended value, or any value naming the
 * suspended thread.  RT_H_ERUNNING if v names another, running thread;
 * RT_SUSPEND_EBADH if v is 0 or free; other suspend.h codes. */
int rt_h_get_context(rt_thandle_t v, rt_context_t *ctx);

/* Resumes the suspended thread (v: the value it was suspended through).
 * Returns 0 or a suspend.h code. */
int rt_h_resume(rt_thandle_t v);

/* OS thread id of the thread this suspender holds suspended (or is
 * suspending, in async mode), 0 when none. */
uint64_t rt_h_suspended_tid(void);

/* Emulated asynchronous suspension (Go's P5): rt_h_suspend hands the
 * request to a helper thread and returns at once, before the target has
 * stopped, as Win32's SuspendThread may; rt_h_get_context and rt_h_resume
 * wait for it.  Call before any suspension, with the profiler not running.
 * The helper does every backend call (Win32 pins are per suspender thread).
 * Returns 0 or -1. */
int rt_h_set_async(bool on);

/* Stops the async helper, if any.  Call after the last suspension. */
void rt_h_shutdown(void);

#endif
