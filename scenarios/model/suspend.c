/* suspend.c - the platform-neutral part of suspend.h: the result codes'
 * descriptions, the same on both backends. */
#include "model/suspend.h"

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
