/* P7: the profiler suspends a thread that holds a lock - the heap's, the
 * loader's, a runtime lock - and then takes that lock itself before it
 * resumes the thread: the process hangs.  golang/go#80982 (Windows preemptM
 * suspends a thread whose locks the mutex profiler then takes), Julia's
 * Windows sampler in RtlAllocateHeap/LdrLoadDll (JuliaLang/julia#59877),
 * the JFR sampler and the malloc lock (openjdk/jdk#5977, JDK-8274298),
 * CoreCLR's LoaderHeap (dotnet/coreclr#23024), V8's SIGPROF handler and a
 * mutex the interrupted thread held (nodejs/node-v0.x-archive#25309).
 *
 * The model's lock is the heap lock (model/lock.h): the workers allocate
 * under it, the buggy profiler allocates its sample record under it while
 * the worker is stopped.  Three fixes, each a variant:
 *   prealloc  the locking work before the suspend (the JDK's: refill the
 *             buffer first);
 *   watchdog  a bounded wait that resumes the target and abandons the
 *             sample (Julia's);
 *   lockfree  a sample path that takes no lock at all (Chromium's rule: "NO
 *             HEAP ALLOCATIONS after ::SuspendThread").
 * No oracle: the buggy shape hangs, with the lock's own line on stderr
 * naming the waiter and the holder. */
#include "model/family.h"
#include "model/lock.h"
#include "model/malloc.h"
#include "model/thread.h"
#include "patterns/registry.h"

/* Julia's watchdog gives up on a stopped thread after a bound; the model's
 * waits this long for the heap lock. */
#define WATCHDOG_MS 2u

enum how { BUGGY, PREALLOC, WATCHDOG, LOCKFREE };

/* The stopped thread holds the heap lock: the state the bug needs. */
static bool holds_heap(rt_m_t *mp, rt_thandle_t v, uint64_t stopped)
{
    (void)mp;
    (void)v;
    return stopped != 0 && rt_lock_owner(&rt_heap_lock) == stopped;
}

/* The sample record, allocated from the locked heap. */
static rt_context_t *alloc_record(void)
{
    rt_lock(&rt_heap_lock);
    rt_context_t *rec = rt_malloc(sizeof *rec);
    rt_unlock(&rt_heap_lock);
    return rec;
}

/* The prealloc fix's buffer, refilled before each suspend and kept (only
 * the profiler thread touches it). */
static rt_context_t *spare;

static void visit(rt_m_t *mp, enum how how)
{
    /* JDK-8274298's fix: the allocation before the suspend. */
    if (how == PREALLOC && spare == NULL)
        spare = alloc_record();
    rt_context_t *rec = NULL;
    rt_thandle_t thread = rt_family_dup_under_lock(mp);
    if (thread == 0 || !rt_family_suspend_copy_steered(mp, thread, holds_heap))
        return;
    rt_context_t ctx;
    if (rt_h_get_context(thread, &ctx) != 0) {
        rt_family_count(RT_FC_CONTEXT_FAILED);
        rt_family_release_copy(thread);
        return;
    }
    switch (how) {
    case BUGGY:
        /* The target is stopped, maybe inside the heap lock: this waits
         * for a thread that cannot run until this profiler resumes it. */
        rec = alloc_record();
        break;
    case WATCHDOG:
        if (!rt_lock_timed(&rt_heap_lock, WATCHDOG_MS)) {
            rt_family_count(RT_FC_DROPPED); /* resumed, sample abandoned */
            rt_family_release_copy(thread);
            return;
        }
        rec = rt_malloc(sizeof *rec);
        rt_unlock(&rt_heap_lock);
        break;
    case PREALLOC:
        *spare = ctx;
        break;
    case LOCKFREE: /* the sample buffer only (rt_family_sample) */
        break;
    }
    if (rec != NULL)
        *rec = ctx;
    rt_family_sample(mp, &ctx);
    rt_family_release_copy(thread);
    if (rec != NULL) {
        rt_lock(&rt_heap_lock); /* the thread runs again: safe to wait */
        rt_free(rec);
        rt_unlock(&rt_heap_lock);
    }
}

static void visit_buggy(rt_m_t *mp) { visit(mp, BUGGY); }
static void visit_prealloc(rt_m_t *mp) { visit(mp, PREALLOC); }
static void visit_watchdog(rt_m_t *mp) { visit(mp, WATCHDOG); }
static void visit_lockfree(rt_m_t *mp) { visit(mp, LOCKFREE); }

/* A callback allocates under the heap lock, as a C thread calling into a
 * runtime whose allocator locks (RtlAllocateHeap) does. */
static uint64_t work_under_heap_lock(const rt_family_work_t *w)
{
    uint64_t callbacks = 0;
    while (!atomic_load_explicit(w->stop, memory_order_relaxed)) {
        rt_needm();
        callbacks++;
        rt_lock(&rt_heap_lock);
        for (uint64_t k = 0; k < w->allocs; k++)
            rt_free(rt_malloc(128));
        rt_unlock(&rt_heap_lock);
        rt_dropm();
        rt_pause(w->pause);
    }
    return callbacks;
}

static const rt_pattern_shape_t other_fixes[] = {
    { .name = "watchdog", .visit = visit_watchdog, .thread_lock = true },
    { .name = "lockfree", .visit = visit_lockfree, .thread_lock = true },
    { .visit = NULL },
};

const rt_pattern_t rt_pattern_suspended_holder = {
    .name = "suspended-holder",
    .shortname = "p7",
    .message = NULL,
    .upstream = "golang/go#80982; JuliaLang/julia#59877, JDK-8274298, dotnet/coreclr#23024",
    .url = "https://github.com/golang/go/issues/80982",
    .help = "the profiler suspends a thread holding the heap\n"
            "lock, then allocates under it (golang/go#80982,\n"
            "julia#59877, JDK-8274298; fixes: prealloc,\n"
            "watchdog, lockfree) -> hang",
    .buggy = { .visit = visit_buggy, .thread_lock = true },
    .fixed = { .name = "prealloc", .visit = visit_prealloc, .thread_lock = true },
    .other_fixes = other_fixes,
    .enter = rt_family_private_m_enter,
    .leave = rt_family_private_m_leave,
    .work = work_under_heap_lock,
    .validate = rt_family_any_knobs,
};
