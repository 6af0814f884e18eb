/* win32/suspend.c - suspend.h with the very calls Go's Windows profiler used
 * (issue 17165): SuspendThread, GetThreadContext(CONTEXT_CONTROL),
 * ResumeThread, on a handle from DuplicateHandle(GetCurrentThread()).
 *
 * A handle here is the kernel HANDLE value itself, with no table or record
 * behind it: once rt_thandle_close has run, a profiler that loaded the value
 * earlier uses a closed handle, or one the process has since reused for
 * another thread or object, exactly as in Go.  The kernel, not this file,
 * decides what happens then (usually ERROR_INVALID_HANDLE -> EBADH).
 *
 * One thing differs from Go 1.7, on purpose: rt_suspend first duplicates the
 * value it was given and suspends, reads and resumes through that private
 * duplicate (the "pin").  SuspendThread is asynchronous; a target inside
 * CloseHandle(its own handle) completes the close before it stops, after
 * which ResumeThread on the original value fails and the thread stays
 * suspended for ever.  Under Wine that happened in about half of all 1 s
 * runs, a hang that would hide the crash being reproduced.  The pin keeps
 * every stale-handle effect at the moment of the load (closed: EBADH;
 * reused for another thread: that thread is suspended) but guarantees that a
 * suspension which succeeded can be undone. */
#include "model/suspend.h"

#include <windows.h>

/* The pins of the suspensions the calling thread holds.  Thread-local and
 * fixed: the suspender must not call malloc while a target is stopped (the
 * target may hold the heap lock). */
enum { MAX_HELD = 8 };
typedef struct {
    rt_thandle_t h;
    HANDLE pin;
} held_t;
static _Thread_local held_t held[MAX_HELD];

static held_t *find_held(rt_thandle_t h)
{
    for (int i = 0; i < MAX_HELD; i++)
        if (held[i].pin != NULL && held[i].h == h)
            return &held[i];
    return NULL;
}

int rt_suspend_init(void)
{
    return RT_SUSPEND_OK;
}

/* Any Win32 thread can be suspended: no per-thread state is needed. */
int rt_suspend_register_self(void)
{
    return RT_SUSPEND_OK;
}

void rt_suspend_unregister_self(void)
{
}

rt_thandle_t rt_thandle_open(void)
{
    HANDLE h = NULL;
    /* GetCurrentThread() is a pseudo-handle meaning "the caller": only a
     * duplicate names this thread when another thread uses it. */
    if (!DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(),
                         &h, 0, FALSE, DUPLICATE_SAME_ACCESS))
        return 0;
    return (rt_thandle_t)h;
}

void rt_thandle_close(rt_thandle_t h)
{
    if (h != 0)
        CloseHandle((HANDLE)h);
}

static int from_error(DWORD err)
{
    return err == ERROR_INVALID_HANDLE || err == ERROR_ACCESS_DENIED ? RT_SUSPEND_EBADH
                                                                     : RT_SUSPEND_ESYS;
}

int rt_suspend(rt_thandle_t h, uint32_t timeout_ms)
{
    /* SuspendThread does not wait for the target to stop; the wait happens
     * in GetThreadContext, so there is nothing to time out here. */
    (void)timeout_ms;
    if (h == 0)
        return RT_SUSPEND_EBADH;
    if (find_held(h) != NULL)
        return RT_SUSPEND_ESTATE;
    held_t *slot = NULL;
    for (int i = 0; slot == NULL && i < MAX_HELD; i++)
        if (held[i].pin == NULL)
            slot = &held[i];
    if (slot == NULL)
        return RT_SUSPEND_ESYS;

    /* The value is used as loaded: closed -> fails here; reused for some
     * other object -> the pin names that object. */
    HANDLE pin = NULL;
    if (!DuplicateHandle(GetCurrentProcess(), (HANDLE)h, GetCurrentProcess(), &pin, 0, FALSE,
                         DUPLICATE_SAME_ACCESS))
        return from_error(GetLastError());
    DWORD tid = GetThreadId(pin);
    if (tid == 0) {
        DWORD err = GetLastError();
        CloseHandle(pin);
        return from_error(err);   /* not a thread (any more) */
    }
    if (tid == GetCurrentThreadId()) {
        CloseHandle(pin);
        return RT_SUSPEND_ESELF;
    }
    DWORD prev = SuspendThread(pin);
    if (prev == (DWORD)-1) {
        DWORD err = GetLastError();
        CloseHandle(pin);
        return from_error(err);
    }
    if (prev != 0) {
        /* Someone else holds it suspended: undo ours, refuse. */
        ResumeThread(pin);
        CloseHandle(pin);
        return RT_SUSPEND_ESTATE;
    }
    slot->h = h;
    slot->pin = pin;
    return RT_SUSPEND_OK;
}

int rt_suspend_get_context(rt_thandle_t h, rt_context_t *ctx)
{
    ctx->pc = ctx->sp = 0;
    held_t *hd = find_held(h);
    if (hd == NULL)
        return h == 0 ? RT_SUSPEND_EBADH : RT_SUSPEND_ESTATE;
    /* CONTEXT must be 16-byte aligned; the type's declaration says so. */
    CONTEXT c;
    ZeroMemory(&c, sizeof c);
    c.ContextFlags = CONTEXT_CONTROL;
    if (!GetThreadContext(hd->pin, &c))
        return from_error(GetLastError());
    ctx->pc = (uintptr_t)c.Rip;
    ctx->sp = (uintptr_t)c.Rsp;
    return RT_SUSPEND_OK;
}

int rt_suspend_resume(rt_thandle_t h)
{
    held_t *hd = find_held(h);
    if (hd == NULL)
        return h == 0 ? RT_SUSPEND_EBADH : RT_SUSPEND_ESTATE;
    DWORD prev = ResumeThread(hd->pin);
    DWORD err = GetLastError();
    CloseHandle(hd->pin);
    hd->pin = NULL;
    hd->h = 0;
    if (prev == (DWORD)-1)
        return from_error(err);
    return prev == 0 ? RT_SUSPEND_ESTATE : RT_SUSPEND_OK;
}

uint64_t rt_suspend_self_resumes(void)
{
    return 0;
}
