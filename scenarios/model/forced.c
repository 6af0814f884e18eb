/* forced.c - the scripted 17165 interleaving. */
#include "model/forced.h"

#include <stdatomic.h>
#include <stdbool.h>

#include "model/m.h"
#include "model/prof.h"
#include "model/schedpt.h"
#include "model/thread.h"

static _Atomic int phase;
static _Atomic int aborted_at; /* the phase whose wait timed out */
static _Atomic(rt_m_t *) victim;
/* The handle the profiler loaded from victim (A's): the thread it will
 * suspend.  That thread must not become B - it would be suspended while it
 * waits to make its check, and the script would stall until it timed out. */
static _Atomic rt_thandle_t loaded;
static uint32_t step_timeout_ms;
static _Thread_local bool is_a, is_b;

/* Waits for phase >= want; aborts the whole script on timeout, which also
 * releases every other waiter. */
static bool await_phase(int want)
{
    uint64_t until = rt_now_ns() + (uint64_t)step_timeout_ms * 1000000u;
    for (;;) {
        int ph = atomic_load(&phase);
        if (ph == RT_FORCED_ABORTED)
            return false;
        if (ph >= want)
            return true;
        if (rt_now_ns() > until) {
            int expect = ph;
            if (atomic_compare_exchange_strong(&phase, &expect, RT_FORCED_ABORTED))
                atomic_store(&aborted_at, ph);
            return false;
        }
        rt_thread_yield();
    }
}

static bool advance(int from, int to)
{
    return atomic_compare_exchange_strong(&phase, &from, to);
}

static bool on_profiler(void)
{
    rt_m_t *m = rt_getm();
    return m != NULL && m->id == 0;
}

static void hook(rt_schedpt_id_t pt, rt_m_t *mp, void *ctx)
{
    (void)ctx;
    switch (pt) {
    case RT_SP_PROF_AFTER_LOAD:
        /* Pick the first M that a worker is running right now. */
        if (on_profiler() && rt_prof_loaded_thread() != 0 &&
            atomic_load(&phase) == RT_FORCED_IDLE) {
            atomic_store(&loaded, rt_prof_loaded_thread());
            atomic_store(&victim, mp);
            if (advance(RT_FORCED_IDLE, RT_FORCED_LOADED))
                await_phase(RT_FORCED_TAKEN);
        }
        break;
    case RT_SP_DROPM_BEFORE:
        is_a = mp == atomic_load(&victim) && atomic_load(&phase) == RT_FORCED_LOADED;
        /* While the victim waits on the list, keep every other M off it:
         * LIFO would hand out a freshly dropped one first, and on a loaded
         * machine the victim could stay buried under it for seconds. */
        if (mp != atomic_load(&victim) && atomic_load(&phase) == RT_FORCED_DROPPED)
            await_phase(RT_FORCED_TAKEN);
        break;
    case RT_SP_DROPM_AFTER:
        if (is_a) {
            is_a = false;
            /* Stay off the list until another thread has the M, so this
             * thread cannot simply take it back (LIFO). */
            if (advance(RT_FORCED_LOADED, RT_FORCED_DROPPED))
                await_phase(RT_FORCED_TAKEN);
        }
        break;
    case RT_SP_NEEDM_AFTER:
        /* A thread that dropped the M before the script reached it (so it
         * never waited as A) may come back for it: it is the one the
         * profiler will suspend, so it passes and another thread takes the
         * M after it. */
        if (mp == atomic_load(&victim) && atomic_load(&mp->thread) != atomic_load(&loaded) &&
            advance(RT_FORCED_DROPPED, RT_FORCED_TAKEN))
            is_b = true;
        break;
    case RT_SP_MALLOC_BEFORE_CHECK:
        if (is_b)
            await_phase(RT_FORCED_GUARDED);
        break;
    case RT_SP_MALLOC_AFTER_CHECK:
        if (is_b) {
            is_b = false;
            advance(RT_FORCED_GUARDED, RT_FORCED_CHECKED);
        }
        break;
    case RT_SP_SIGPROF_GUARDED:
        if (on_profiler() && mp == atomic_load(&victim) &&
            advance(RT_FORCED_TAKEN, RT_FORCED_GUARDED)) {
            /* Hold the guard until B has made its check. */
            if (await_phase(RT_FORCED_CHECKED))
                advance(RT_FORCED_CHECKED, RT_FORCED_DONE);
        }
        break;
    default:
        break;
    }
}

void rt_forced_install(uint32_t timeout_ms)
{
    step_timeout_ms = timeout_ms > 0 ? timeout_ms : 1;
    atomic_store(&phase, RT_FORCED_IDLE);
    atomic_store(&victim, NULL);
    atomic_store(&loaded, 0);
    rt_schedpt_install(hook, NULL);
}

rt_forced_phase_t rt_forced_aborted_at(void)
{
    return (rt_forced_phase_t)atomic_load(&aborted_at);
}

rt_forced_phase_t rt_forced_wait(uint32_t timeout_ms)
{
    uint64_t until = rt_now_ns() + (uint64_t)timeout_ms * 1000000u;
    for (;;) {
        int ph = atomic_load(&phase);
        if (ph == RT_FORCED_DONE || ph == RT_FORCED_ABORTED || rt_now_ns() > until)
            return (rt_forced_phase_t)ph;
        rt_sleep_us(100);
    }
}

const char *rt_forced_phase_name(rt_forced_phase_t ph)
{
    static const char *const names[] = { "idle", "loaded", "dropped", "taken",
                                         "guarded", "checked", "done", "aborted" };
    if ((unsigned)ph >= sizeof names / sizeof names[0])
        return "?";
    return names[ph];
}
