/* P3: the M's handle loaded without threadLock, closed by its owner and the
 * value reused for another thread before the suspend (Go 1.12-1.13; fixed
 * by golang/go 6fd467ee in Go 1.14: lock + private duplicate). */
#include <stdio.h>

#include "model/family.h"
#include "patterns/registry.h"

typedef unsigned long long ull;

/* The loaded value now names another thread. */
static bool value_reused(rt_m_t *mp, rt_thandle_t v, uint64_t owner)
{
    (void)mp;
    uint64_t t = rt_h_tid(v);
    return t != 0 && t != owner;
}

static void visit(rt_m_t *mp, bool buggy)
{
    rt_thandle_t thread;
    uint64_t owner; /* oracle: the thread the M ran on at the load */
    if (buggy) {
        /* Go 1.12-1.13: thread := atomic.Loaduintptr(&mp.thread), no lock:
         * the owner may CloseHandle it and another thread reuse the value. */
        thread = atomic_load(&mp->thread);
        owner = rt_h_tid(thread);
    } else {
        /* 6fd467ee: lock(&mp.threadLock); DuplicateHandle(mp.thread);
         * unlock; suspend our own copy, CloseHandle it after use. */
        rt_family_lock(mp);
        rt_thandle_t cur = atomic_load(&mp->thread);
        thread = cur != 0 ? rt_h_dup(cur) : 0;
        owner = rt_h_tid(thread);
        rt_family_unlock(mp);
    }
    rt_family_point(RT_FP_AFTER_LOAD, mp);
    if (thread == 0 || !rt_family_profiled(mp)) {
        rt_family_count(RT_FC_SKIPPED);
        goto out;
    }
    rt_family_race_window(value_reused, mp, thread, owner);
    if (rt_family_suspend(mp, thread) != 0) {
        rt_family_count(RT_FC_SUSPEND_FAILED); /* c216c3aa: skip a failed suspend */
        goto out;
    }
    uint64_t stopped = rt_h_suspended_tid();
    if (stopped != owner) {
        char d[200];
        snprintf(d, sizeof d,
                 "runtime: m=%d handle %llu named os_thread=%llu at the load, "
                 "suspended os_thread=%llu (value closed and reused)",
                 mp->id, (ull)thread, (ull)owner, (ull)stopped);
        rt_family_throw(d);
    }
    rt_context_t ctx;
    int crc = rt_h_get_context(thread, &ctx);
    rt_family_point(RT_FP_AFTER_CONTEXT, mp);
    if (crc == 0)
        rt_family_sample(mp, &ctx);
    else
        rt_family_count(RT_FC_CONTEXT_FAILED);
    rt_h_resume(thread);
out:
    if (!buggy)
        rt_h_close(thread);
}

static void visit_buggy(rt_m_t *mp) { visit(mp, true); }
static void visit_fixed(rt_m_t *mp) { visit(mp, false); }

const rt_pattern_t rt_pattern_handle_reuse = {
    .name = "handle-reuse",
    .shortname = "p3",
    .message = "suspended wrong thread",
    .upstream = "golang/go 6fd467ee (Go 1.14)",
    .url = "https://github.com/golang/go/commit/6fd467ee",
    .help = "mp.thread loaded without threadLock; the value is\n"
            "closed and reused for another thread (fix: Go\n"
            "6fd467ee, lock + private duplicate)\n"
            "-> fatal error: suspended wrong thread",
    /* The lock came with the fix: minit/unminit take it only then. */
    .buggy = { .visit = visit_buggy, .thread_lock = false },
    .fixed = { .visit = visit_fixed, .thread_lock = true },
    .enter = rt_family_private_m_enter,
    .leave = rt_family_private_m_leave,
    .work = rt_family_work_callbacks,
    .validate = rt_family_any_knobs,
};
