/* P2: SuspendThread's failure ignored and the context read through the M's
 * handle again (Go 1.7-1.11; fixed by golang/go c216c3aa in Go 1.12). */
#include <stdio.h>

#include "model/family.h"
#include "patterns/registry.h"

typedef unsigned long long ull;

/* The loaded value was closed: the suspend will fail. */
static bool m_dropped(rt_m_t *mp, rt_thandle_t v, uint64_t owner)
{
    (void)mp;
    (void)owner;
    return rt_h_tid(v) == 0;
}

/* Some thread runs mp again. */
static bool m_taken(rt_m_t *mp, rt_thandle_t v, uint64_t owner)
{
    (void)v;
    (void)owner;
    return atomic_load(&mp->thread) != 0;
}

static void visit(rt_m_t *mp, bool buggy)
{
    rt_thandle_t thread = atomic_load(&mp->thread);
    uint64_t owner = rt_h_tid(thread);
    rt_family_point(RT_FP_AFTER_LOAD, mp);
    if (thread == 0 || !rt_family_profiled(mp)) {
        rt_family_count(RT_FC_SKIPPED);
        return;
    }
    rt_family_race_window(m_dropped, mp, thread, owner);
    int rc = rt_family_suspend(mp, thread);
    if (rc == RT_SUSPEND_ETIMEDOUT) {
        rt_family_count(RT_FC_SUSPEND_FAILED);
        return;
    }
    rt_thandle_t ctx_thread;
    if (buggy) {
        /* Go 1.7-1.11 profileloop1: stdcall1(_SuspendThread, thread), the
         * -1 ignored; profilem(mp) then reads GetThreadContext(mp.thread):
         * the M's *current* handle, not the one just suspended. */
        if (rc != 0) {
            rt_family_count(RT_FC_SUSPEND_FAILED);
            /* The failed suspend stopped nothing: the M moves on. */
            rt_family_race_window(m_taken, mp, thread, owner);
        }
        ctx_thread = atomic_load(&mp->thread);
    } else {
        /* c216c3aa: if SuspendThread(thread) == -1 { continue } and
         * profilem(mp, thread) reads the handle it suspended. */
        if (rc != 0) {
            rt_family_count(RT_FC_SUSPEND_FAILED);
            return;
        }
        ctx_thread = thread;
    }
    rt_context_t ctx;
    int crc = rt_h_get_context(ctx_thread, &ctx);
    rt_family_point(RT_FP_AFTER_CONTEXT, mp);
    if (crc == RT_H_ERUNNING) {
        char d[200];
        snprintf(d, sizeof d,
                 "runtime: m=%d context read through handle %llu (os_thread=%llu), "
                 "suspended handle %llu (os_thread=%llu, suspend rc=%d)",
                 mp->id, (ull)ctx_thread, (ull)rt_h_tid(ctx_thread), (ull)thread,
                 (ull)rt_h_suspended_tid(), rc);
        rt_family_throw(d);
    }
    if (crc != 0)
        rt_family_count(RT_FC_CONTEXT_FAILED);
    else
        rt_family_sample(mp, &ctx);
    if (rc == 0)
        rt_h_resume(thread);
}

static void visit_buggy(rt_m_t *mp) { visit(mp, true); }
static void visit_fixed(rt_m_t *mp) { visit(mp, false); }

const rt_pattern_t rt_pattern_unchecked_suspend = {
    .name = "unchecked-suspend",
    .shortname = "p2",
    .message = "profiler sampled a running thread",
    .upstream = "golang/go c216c3aa (Go 1.12)",
    .url = "https://github.com/golang/go/commit/c216c3aa",
    .help = "SuspendThread's failure ignored, context read\n"
            "through mp.thread again (fix: Go c216c3aa)\n"
            "-> fatal error: profiler sampled a running thread",
    .buggy = { .visit = visit_buggy, .thread_lock = false },
    .fixed = { .visit = visit_fixed, .thread_lock = false },
    .enter = rt_family_private_m_enter,
    .leave = rt_family_private_m_leave,
    .work = rt_family_work_callbacks,
    .validate = rt_family_any_knobs,
};
