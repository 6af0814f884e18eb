/* P5: SuspendThread treated as synchronous, the target's state read before
 * it has stopped (preemptM before golang/go b89b4623, Go 1.14). */
#include <stdio.h>

#include "model/family.h"
#include "patterns/registry.h"

typedef unsigned long long ull;

static void visit(rt_m_t *mp, bool buggy)
{
    rt_thandle_t thread = rt_family_dup_under_lock(mp);
    if (thread == 0)
        return;
    rt_family_race_window(NULL, mp, thread, 0);
    if (!rt_family_suspend_copy(mp, thread))
        return;
    uint64_t seen;
    rt_context_t ctx;
    int crc;
    if (buggy) {
        /* Reading the target's state right after SuspendThread: Windows
         * may not have stopped it yet (preemptM before b89b4623). */
        seen = rt_family_progress_of(mp);
        crc = rt_h_get_context(thread, &ctx);
    } else {
        /* b89b4623: "GetThreadContext actually blocks until it's
         * suspended" - get the context first, then read the state. */
        crc = rt_h_get_context(thread, &ctx);
        seen = rt_family_progress_of(mp);
    }
    rt_family_point(RT_FP_AFTER_CONTEXT, mp);
    if (crc != 0) {
        rt_family_count(RT_FC_CONTEXT_FAILED);
        goto out;
    }
    /* Oracle: the thread has stopped now (get-context waited for it); the
     * state the profiler acted on must be the state it stopped in. */
    uint64_t now = rt_family_progress_of(mp);
    if (seen != now) {
        char d[200];
        snprintf(d, sizeof d,
                 "runtime: m=%d state read after suspend: progress=%llu, at the stop: %llu "
                 "(os_thread=%llu)", mp->id, (ull)seen, (ull)now, (ull)rt_h_tid(thread));
        rt_family_throw(d);
    }
    rt_family_sample(mp, &ctx);
out:
    rt_family_release_copy(thread);
}

static void visit_buggy(rt_m_t *mp) { visit(mp, true); }
static void visit_fixed(rt_m_t *mp) { visit(mp, false); }

/* P5 is about the suspend, not migration: each worker keeps one M (so there
 * are no more workers than extra Ms) and the suspend is asynchronous unless
 * --suspend says otherwise. */
static const char *validate(rt_family_knobs_t *k)
{
    if (k->async < 0)
        k->async = 1;
    if (!k->workers_set)
        k->workers = k->extra_ms;
    if (k->workers > k->extra_ms)
        return "--pattern=async-suspend: workers keep their Ms, "
               "so --workers must not exceed --extra-ms";
    return NULL;
}

const rt_pattern_t rt_pattern_async_suspend = {
    .name = "async-suspend",
    .shortname = "p5",
    .message = "suspended thread still running",
    .upstream = "golang/go b89b4623 (Go 1.14)",
    .url = "https://github.com/golang/go/commit/b89b4623",
    .help = "the target's state read right after SuspendThread,\n"
            "before GetThreadContext waited for the stop (fix:\n"
            "Go b89b4623); workers keep their Ms\n"
            "-> fatal error: suspended thread still running",
    .buggy = { .visit = visit_buggy, .thread_lock = true },
    .fixed = { .visit = visit_fixed, .thread_lock = true },
    .enter = rt_family_private_m_enter,
    .leave = rt_family_private_m_leave,
    .work = rt_family_work_keep_m,
    .validate = validate,
};
