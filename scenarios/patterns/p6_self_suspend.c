/* P6: the profiler runs on an M of its own, on allm, and suspends itself
 * (golang/go#45530, fixed by e69f0226: skip the own M).  No oracle: the
 * buggy shape hangs. */
#include "model/family.h"
#include "patterns/registry.h"

static void visit(rt_m_t *mp, bool buggy)
{
    /* e69f0226: if mp == getg().m { continue }  (no such line: buggy) */
    if (!buggy && mp == rt_getm()) {
        rt_family_count(RT_FC_SKIPPED);
        return;
    }
    rt_thandle_t thread = rt_family_dup_under_lock(mp);
    if (thread == 0)
        return;
    if (!rt_family_suspend_copy(mp, thread)) /* own M: never returns */
        return;
    rt_context_t ctx;
    if (rt_h_get_context(thread, &ctx) == 0)
        rt_family_sample(mp, &ctx);
    else
        rt_family_count(RT_FC_CONTEXT_FAILED);
    rt_family_release_copy(thread);
}

static void visit_buggy(rt_m_t *mp) { visit(mp, true); }
static void visit_fixed(rt_m_t *mp) { visit(mp, false); }

/* The profiler takes one extra M for itself. */
static const char *validate(rt_family_knobs_t *k)
{
    if (k->extra_ms < 2)
        return "--pattern=self-suspend: the profiler takes one extra M, "
               "so --extra-ms must be at least 2";
    return NULL;
}

const rt_pattern_t rt_pattern_self_suspend = {
    .name = "self-suspend",
    .shortname = "p6",
    .message = NULL,
    .upstream = "golang/go#45530, e69f0226",
    .url = "https://github.com/golang/go/issues/45530",
    .help = "the profiler runs on an allm M and suspends itself\n"
            "(golang/go#45530; fix e69f0226: skip own M) -> hang",
    .buggy = { .visit = visit_buggy, .thread_lock = true },
    .fixed = { .visit = visit_fixed, .thread_lock = true },
    /* e69f0226: profileLoop runs on its own M (newm), which is on allm. */
    .enter = rt_family_own_m_enter,
    .leave = rt_family_own_m_leave,
    .work = rt_family_work_callbacks,
    .validate = validate,
};
