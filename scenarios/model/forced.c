/* forced.c - the scripted 17165 interleaving. */
#include "model/forced.h"

#include <stdatomic.h>
#include <stdbool.h>

#include "model/m.h"
#include "model/prof.h"
#include "model/schedpt.h"
#include "model/thread.h"

/* How long a thread that took an M holds it while the script waits to
 * start: five profiler periods at its default 1000 Hz. */
#define IDLE_HOLD_US 5000u

static _Atomic int phase;
static _Atomic int aborted_at; /* the phase whose wait timed out, last attempt */
/* Attempts are numbered from 1.  A thread's part in the script (A, B) and
 * every wait belong to one attempt: after an abort, a thread that slept
 * through it must not wait for, or act in, the attempt that follows. */
static _Atomic unsigned attempt;
static _Atomic uint64_t aborts;
static _Atomic(rt_m_t *) victim;
/* The handle the profiler loaded from victim (A's): the thread it will
 * suspend.  That thread must not become B - it would be suspended while it
 * waits to make its check, and the script would stall until it timed out. */
static _Atomic rt_thandle_t loaded;
static uint32_t step_timeout_ms;
/* Attempts 1..abort_first are aborted on purpose as soon as the profiler
 * has loaded A's handle, so that a test can exercise the retry path
 * without waiting for the machine to time a handshake out. */
static unsigned abort_first;
static _Thread_local unsigned a_attempt, b_attempt; /* 0: not A / not B */

/* Ends the current attempt, whatever phase it reached short of DONE.  A CAS
 * from the phase the waiter last saw is not enough: when the phase moved on
 * just as the wait timed out, nobody else may be left waiting to notice. */
static void abort_attempt(void)
{
    int ph = atomic_load(&phase);
    while (ph != RT_FORCED_DONE && ph != RT_FORCED_ABORTED) {
        if (atomic_compare_exchange_weak(&phase, &ph, RT_FORCED_ABORTED)) {
            atomic_store(&aborted_at, ph);
            return;
        }
    }
}

/* Waits for phase >= want in this attempt; a timeout aborts the attempt,
 * which also releases every other waiter. */
static bool await_phase(unsigned mine, int want)
{
    uint64_t until = rt_now_ns() + (uint64_t)step_timeout_ms * 1000000u;
    for (;;) {
        int ph = atomic_load(&phase);
        if (atomic_load(&attempt) != mine || ph == RT_FORCED_ABORTED)
            return false;
        if (ph >= want)
            return true;
        if (rt_now_ns() > until) {
            abort_attempt();
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
    unsigned now = atomic_load(&attempt);
    switch (pt) {
    case RT_SP_PROF_AFTER_LOAD:
        /* Pick the first M that a worker is running right now. */
        if (on_profiler() && rt_prof_loaded_thread() != 0 &&
            atomic_load(&phase) == RT_FORCED_IDLE) {
            atomic_store(&loaded, rt_prof_loaded_thread());
            atomic_store(&victim, mp);
            if (advance(RT_FORCED_IDLE, RT_FORCED_LOADED)) {
                if (now <= abort_first)
                    abort_attempt();
                else
                    await_phase(now, RT_FORCED_TAKEN);
            }
        }
        break;
    case RT_SP_DROPM_BEFORE:
        a_attempt = mp == atomic_load(&victim) && atomic_load(&phase) == RT_FORCED_LOADED ? now : 0;
        /* While the victim waits on the list, keep every other M off it:
         * LIFO would hand out a freshly dropped one first, and on a loaded
         * machine the victim could stay buried under it for seconds. */
        if (mp != atomic_load(&victim) && atomic_load(&phase) == RT_FORCED_DROPPED)
            await_phase(now, RT_FORCED_TAKEN);
        break;
    case RT_SP_DROPM_AFTER:
        if (a_attempt != 0 && a_attempt == now) {
            /* Stay off the list until another thread has the M, so this
             * thread cannot simply take it back (LIFO). */
            if (advance(RT_FORCED_LOADED, RT_FORCED_DROPPED))
                await_phase(now, RT_FORCED_TAKEN);
        }
        a_attempt = 0;
        break;
    case RT_SP_NEEDM_AFTER:
        /* A thread that dropped the M before the script reached it (so it
         * never waited as A) may come back for it: it is the one the
         * profiler will suspend, so it passes and another thread takes the
         * M after it. */
        if (mp == atomic_load(&victim) && atomic_load(&mp->thread) != atomic_load(&loaded) &&
            advance(RT_FORCED_DROPPED, RT_FORCED_TAKEN))
            b_attempt = now;
        /* The script starts when the profiler loads an M that a thread is
         * running.  A callback holds its M for microseconds and the
         * profiler looks once a period, so on a loaded machine the two can
         * miss each other for seconds (an 8-s run beside 4 busy threads
         * and stress-ng once never started).  Until it starts, a thread
         * that just took an M keeps it a little while the profiler looks. */
        else if (atomic_load(&phase) == RT_FORCED_IDLE && !on_profiler()) {
            uint64_t until = rt_now_ns() + (uint64_t)IDLE_HOLD_US * 1000u;
            while (atomic_load(&phase) == RT_FORCED_IDLE && rt_now_ns() < until)
                rt_thread_yield();
        }
        break;
    case RT_SP_MALLOC_BEFORE_CHECK:
        if (b_attempt != 0 && b_attempt == now)
            await_phase(now, RT_FORCED_GUARDED);
        break;
    case RT_SP_MALLOC_AFTER_CHECK:
        if (b_attempt != 0) {
            if (b_attempt == now)
                advance(RT_FORCED_GUARDED, RT_FORCED_CHECKED);
            b_attempt = 0;
        }
        break;
    case RT_SP_SIGPROF_GUARDED:
        if (on_profiler() && mp == atomic_load(&victim) &&
            advance(RT_FORCED_TAKEN, RT_FORCED_GUARDED)) {
            /* Hold the guard until B has made its check. */
            if (await_phase(now, RT_FORCED_CHECKED))
                advance(RT_FORCED_CHECKED, RT_FORCED_DONE);
        }
        break;
    default:
        break;
    }
}

/* Starts attempt number n: every thread's part from an earlier attempt is
 * void from here on (see attempt). */
static void begin_attempt(unsigned n)
{
    atomic_store(&victim, NULL);
    atomic_store(&loaded, 0);
    atomic_store(&attempt, n);
    atomic_store(&phase, RT_FORCED_IDLE);
}

void rt_forced_install(uint32_t timeout_ms, unsigned abort_first_attempts)
{
    step_timeout_ms = timeout_ms > 0 ? timeout_ms : 1;
    abort_first = abort_first_attempts;
    atomic_store(&aborts, 0);
    begin_attempt(1);
    rt_schedpt_install(hook, NULL);
}

rt_forced_phase_t rt_forced_aborted_at(void)
{
    return (rt_forced_phase_t)atomic_load(&aborted_at);
}

uint64_t rt_forced_aborts(void)
{
    return atomic_load(&aborts);
}

rt_forced_phase_t rt_forced_wait(uint32_t timeout_ms)
{
    uint64_t until = rt_now_ns() + (uint64_t)timeout_ms * 1000000u;
    /* A phase past idle that stands still for a step timeout with nobody
     * moving it is a stall the waits did not see: abort it too. */
    uint64_t stall_ns = (uint64_t)step_timeout_ms * 2000000u;
    int seen = atomic_load(&phase);
    uint64_t seen_at = rt_now_ns();
    for (;;) {
        int ph = atomic_load(&phase);
        uint64_t t = rt_now_ns();
        if (ph == RT_FORCED_DONE)
            return RT_FORCED_DONE;
        if (t > until)
            return ph == RT_FORCED_ABORTED || atomic_load(&aborts) > 0 ? RT_FORCED_ABORTED
                                                                       : (rt_forced_phase_t)ph;
        if (ph != seen) {
            seen = ph;
            seen_at = t;
        } else if (ph != RT_FORCED_IDLE && ph != RT_FORCED_ABORTED && t - seen_at > stall_ns) {
            abort_attempt();
            continue;
        }
        if (ph == RT_FORCED_ABORTED) {
            /* Let the released waiters leave (they also see the attempt
             * change), then try the interleaving again. */
            atomic_fetch_add(&aborts, 1);
            rt_sleep_us(1000);
            begin_attempt(atomic_load(&attempt) + 1);
            seen = RT_FORCED_IDLE;
            seen_at = rt_now_ns();
            continue;
        }
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
