/* P4: threadLock released before the suspend, so the M is sampled after its
 * thread dropped it (Go 1.14+, golang/go#50557; the fix: re-check the
 * ownership under the lock after GetThreadContext). */
#include <stdio.h>

#include "model/family.h"
#include "patterns/registry.h"

typedef unsigned long long ull;

/* mp no longer runs on the duplicated thread. */
static bool m_left(rt_m_t *mp, rt_thandle_t v, uint64_t owner)
{
    (void)v;
    return rt_h_tid(atomic_load(&mp->thread)) != owner;
}

static void visit(rt_m_t *mp, bool buggy)
{
    rt_thandle_t thread = rt_family_dup_under_lock(mp);
    if (thread == 0)
        return;
    rt_family_race_window(m_left, mp, thread, rt_h_tid(thread));
    if (!rt_family_suspend_copy(mp, thread))
        return;
    rt_context_t ctx;
    int crc = rt_h_get_context(thread, &ctx);
    rt_family_point(RT_FP_AFTER_CONTEXT, mp);
    if (crc != 0) {
        rt_family_count(RT_FC_CONTEXT_FAILED);
        goto out;
    }
    uint64_t stopped = rt_h_tid(thread);
    if (!buggy) {
        /* Proposed fix for #50557: after GetThreadContext, check again
         * under threadLock that mp still runs on the thread we stopped; the
         * stopped thread cannot change that, nobody else can either.  A
         * trylock: the stopped thread may hold the lock itself (stopped in
         * minit/unminit), and waiting for it would deadlock. */
        bool same = false;
        if (rt_family_trylock(mp)) {
            same = rt_h_tid(atomic_load(&mp->thread)) == stopped;
            rt_family_unlock(mp);
        }
        if (!same) {
            rt_family_count(RT_FC_DROPPED);
            goto out;
        }
    }
    /* Go 1.14+ (buggy): sigprof(ctx, gFromSP(mp, sp), mp) with no re-check.
     * Oracle: the sample is charged to mp, so mp must still run on the
     * thread whose registers it holds. */
    uint64_t owner = rt_h_tid(atomic_load(&mp->thread));
    if (owner != stopped) {
        char d[200];
        snprintf(d, sizeof d,
                 "runtime: m=%d sampled os_thread=%llu, but the M now runs on os_thread=%llu "
                 "(0: dropped)", mp->id, (ull)stopped, (ull)owner);
        rt_family_throw(d);
    }
    rt_family_sample(mp, &ctx);
out:
    rt_family_release_copy(thread);
}

static void visit_buggy(rt_m_t *mp) { visit(mp, true); }
static void visit_fixed(rt_m_t *mp) { visit(mp, false); }

const rt_pattern_t rt_pattern_after_dropm = {
    .name = "after-dropm",
    .shortname = "p4",
    .message = "sample charged to wrong thread",
    .upstream = "golang/go#50557",
    .url = "https://github.com/golang/go/issues/50557",
    .help = "threadLock released before the suspend; the M is\n"
            "sampled after its thread dropped it (golang/go#50557;\n"
            "fix: re-check ownership under the lock)\n"
            "-> fatal error: sample charged to wrong thread",
    .buggy = { .visit = visit_buggy, .thread_lock = true },
    .fixed = { .visit = visit_fixed, .thread_lock = true },
    .enter = rt_family_private_m_enter,
    .leave = rt_family_private_m_leave,
    .work = rt_family_work_callbacks,
    .validate = rt_family_any_knobs,
};
