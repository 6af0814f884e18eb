/* suspend_win32.c - suspend.h with the very calls Go's Windows profiler used
 * (issue 17165): SuspendThread, GetThreadContext(CONTEXT_CONTROL),
 * ResumeThread, on a handle from DuplicateHandle(GetCurrentThread()).
 *
 * A handle here is the kernel HANDLE value itself, with no table or record
 * behind it: once rt_thandle_close has run, a profiler that loaded the value
 * earlier uses a closed handle, or one the process has since reused for
 * something else, exactly as in Go.  The kernel, not this file, decides what
 * happens then (usually ERROR_INVALID_HANDLE -> RT_SUSPEND_EBADH). */
#include "suspend.h"

#include <windows.h>

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
    DWORD tid = GetThreadId((HANDLE)h);
    if (tid == 0)
        return from_error(GetLastError());
    if (tid == GetCurrentThreadId())
        return RT_SUSPEND_ESELF;
    DWORD prev = SuspendThread((HANDLE)h);
    if (prev == (DWORD)-1)
        return from_error(GetLastError());
    if (prev != 0) {
        /* Someone else holds it suspended: undo ours, refuse. */
        ResumeThread((HANDLE)h);
        return RT_SUSPEND_ESTATE;
    }
    return RT_SUSPEND_OK;
}

int rt_suspend_get_context(rt_thandle_t h, rt_context_t *ctx)
{
    ctx->pc = ctx->sp = 0;
    if (h == 0)
        return RT_SUSPEND_EBADH;
    /* CONTEXT must be 16-byte aligned; the type's declaration says so. */
    CONTEXT c;
    ZeroMemory(&c, sizeof c);
    c.ContextFlags = CONTEXT_CONTROL;
    if (!GetThreadContext((HANDLE)h, &c))
        return from_error(GetLastError());
    ctx->pc = (uintptr_t)c.Rip;
    ctx->sp = (uintptr_t)c.Rsp;
    return RT_SUSPEND_OK;
}

int rt_suspend_resume(rt_thandle_t h)
{
    if (h == 0)
        return RT_SUSPEND_EBADH;
    DWORD prev = ResumeThread((HANDLE)h);
    if (prev == (DWORD)-1)
        return from_error(GetLastError());
    return prev == 0 ? RT_SUSPEND_ESTATE : RT_SUSPEND_OK;
}

uint64_t rt_suspend_self_resumes(void)
{
    return 0;
}

const char *rt_suspend_strerror(int rc)
{
    switch (rc) {
    case RT_SUSPEND_OK: return "success";
    case RT_SUSPEND_EBADH: return "bad or stale thread handle";
    case RT_SUSPEND_ETIMEDOUT: return "target did not stop in time";
    case RT_SUSPEND_ESELF: return "a thread cannot suspend itself";
    case RT_SUSPEND_ESTATE: return "thread is not in the required suspend state";
    case RT_SUSPEND_ESYS: return "operating system call failed";
    default: return "unknown suspend error";
    }
}
