/* Issue 17165's interleaving, forced step by step with schedule-point hooks:
 *
 *   P (profiler) loads mp->thread == A      [prof-after-load]
 *   A drops mp (thread = 0, back on the list)
 *   B takes mp (needm)
 *   P suspends A, samples mp: sigprof       [sigprof-guarded]
 *   B allocates on mp
 *
 * With the guard on the sampled M (target, Go 1.7) B's allocation dies with
 * "malloc deadlock"; with the guard on the profiler's own M (self, e6da64b)
 * it passes - and the guard still catches the profiler allocating. */
#include <criterion/criterion.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "model/m.h"
#include "model/malloc.h"
#include "model/prof.h"
#include "model/schedpt.h"
#include "model/suspend.h"
#include "model/thread.h"

#define WAIT_MS 5000

/* Steps: 1 A has mp, 2 P loaded mp->thread, 3 A dropped mp, 4 B has mp (in
 * the lost-update script: B is inside rt_malloc, past its check), 5 P is in
 * sigprof with the guard raised, 6 B's allocation returned, 7 P's visit is
 * over, 8 B's second allocation returned, 9 all done. */
static atomic_int step;
static atomic_int failures; /* a worker's bounded wait ran out */
static rt_prof_t *prof;
static rt_m_t *the_m;
static _Atomic uintptr_t a_marker;
static atomic_int lost_update;        /* B's stores straddle the ++ */

static void await(int value)
{
    if (!wait_at_least(&step, value, WAIT_MS))
        atomic_fetch_add(&failures, 1);
}

static void thread_a(void *arg)
{
    (void)arg;
    volatile char marker = 0;
    atomic_store(&a_marker, (uintptr_t)&marker);
    rt_suspend_register_self();
    the_m = rt_needm();
    atomic_store(&step, 1);
    await(2);
    rt_dropm();
    atomic_store(&step, 3);
    /* Back in "C code", alive and suspendable, until the script ends. */
    while (atomic_load(&step) < 9 && atomic_load(&failures) == 0)
        ;
    rt_suspend_unregister_self();
}

static void thread_b(void *arg)
{
    (void)arg;
    rt_suspend_register_self();
    await(3);
    rt_needm();
    if (!atomic_load(&lost_update)) {
        atomic_store(&step, 4);
        await(5);
    }
    rt_free(rt_malloc(32));
    atomic_store(&step, 6);
    if (atomic_load(&lost_update)) {
        await(7);
        rt_free(rt_malloc(32));
        atomic_store(&step, 8);
    }
    await(9);
    rt_dropm();
    rt_suspend_unregister_self();
}

static void hook(rt_schedpt_id_t pt, rt_m_t *mp, void *ctx)
{
    (void)mp;
    (void)ctx;
    if (rt_getm() != rt_prof_m(prof)) {
        /* B, in its first rt_malloc with mallocing == 1: let the profiler
         * do its ++ now, and store 0 only after that. */
        if (pt == RT_SP_MALLOC_AFTER_CHECK && atomic_load(&lost_update) &&
            atomic_load(&step) == 3) {
            atomic_store(&step, 4);
            await(5);
        }
        return;
    }
    if (pt == RT_SP_PROF_AFTER_LOAD) {
        atomic_store(&step, 2);
        await(4);
    } else if (pt == RT_SP_SIGPROF_GUARDED) {
        atomic_store(&step, 5);
        await(6);
    }
}

/* Runs the script with the given guard; returns the visit's outcome and
 * stores the_m's mallocing as it was right after the visit in *after. */
static rt_visit_t run_script(rt_guard_t guard, int32_t *after)
{
    cr_assert_eq(rt_suspend_init(), 0);
    cr_assert_eq(rt_newextram(1), 0);
    rt_prof_config_t cfg = { .guard = guard, .hz = 100, .sample_work = 1000,
                             .window_ns = 0, .suspend_timeout_ms = 2000, .max_samples = 16 };
    prof = rt_prof_new(&cfg);
    cr_assert_not_null(prof);
    rt_prof_enter(prof);
    atomic_store(&rt_allm()->profilehz, 100);
    rt_thread_t *a, *b;
    cr_assert_eq(rt_thread_start(&a, thread_a, NULL), 0);
    cr_assert_eq(rt_thread_start(&b, thread_b, NULL), 0);
    cr_assert(wait_at_least(&step, 1, WAIT_MS), "A did not take the M");
    rt_schedpt_install(hook, NULL);
    rt_visit_t v = rt_prof_visit(prof, the_m);
    cr_assert(wait_at_least(&step, 6, WAIT_MS), "B's allocation did not return");
    *after = atomic_load(&the_m->mallocing);
    if (atomic_load(&lost_update)) {
        cr_assert_eq(*after, guard == RT_GUARD_TARGET ? -1 : 0,
                     "counter after the straddled ++/--: %d", (int)*after);
        atomic_store(&step, 7);
        cr_assert(wait_at_least(&step, 8, WAIT_MS), "B's second allocation did not return");
    }
    rt_schedpt_install(NULL, NULL);
    atomic_store(&step, 9);
    rt_thread_join(a);
    rt_thread_join(b);
    cr_assert_eq(atomic_load(&failures), 0, "a scripted step timed out");
    return v;
}

Test(forced17165, target_guard_kills_the_new_owner, .exit_code = 2, .timeout = 30)
{
    int32_t after;
    run_script(RT_GUARD_TARGET, &after);
    cr_assert_fail("B allocated on an M whose guard the profiler held");
}

Test(forced17165, self_guard_lets_the_new_owner_allocate, .timeout = 30)
{
    int32_t after;
    rt_visit_t v = run_script(RT_GUARD_SELF, &after);
    cr_assert_eq(v, RT_VISIT_SAMPLED);
    cr_assert_eq(after, 0);
    cr_assert_eq(atomic_load(&rt_prof_m(prof)->mallocing), 0, "profiler guard not lowered");
    rt_sample_t s[4];
    cr_assert_eq(rt_prof_samples(prof, s, 4), 1);
    cr_assert_eq(s[0].m_id, the_m->id, "sample charged to the sampled M");
    /* The context is A's - the thread suspended - although B runs the M. */
    uintptr_t marker = atomic_load(&a_marker);
    cr_assert(s[0].sp != 0 && s[0].sp < marker + 256 && s[0].sp + 65536 > marker,
              "sample sp %#lx is not on A's stack (%#lx)", (unsigned long)s[0].sp,
              (unsigned long)marker);
}

static void alloc_hook(rt_schedpt_id_t pt, rt_m_t *mp, void *ctx)
{
    (void)mp;
    (void)ctx;
    if (pt == RT_SP_SIGPROF_GUARDED && rt_getm() == rt_prof_m(prof))
        rt_free(rt_malloc(8));
}

static void holder(void *arg)
{
    (void)arg;
    rt_suspend_register_self();
    the_m = rt_needm();
    atomic_store(&step, 1);
    while (atomic_load(&step) < 9)
        ;
    rt_dropm();
    rt_suspend_unregister_self();
}

/* No migration here: A keeps its M, the profiler samples it and allocates
 * inside sigprof.  Returns only if that allocation was not caught. */
static void profiler_allocates_in_sigprof(rt_guard_t guard)
{
    cr_assert_eq(rt_suspend_init(), 0);
    cr_assert_eq(rt_newextram(1), 0);
    rt_prof_config_t cfg = { .guard = guard, .hz = 100, .sample_work = 10,
                             .window_ns = 0, .suspend_timeout_ms = 2000, .max_samples = 4 };
    prof = rt_prof_new(&cfg);
    cr_assert_not_null(prof);
    rt_prof_enter(prof);
    atomic_store(&rt_allm()->profilehz, 100);
    rt_thread_t *a;
    cr_assert_eq(rt_thread_start(&a, holder, NULL), 0);
    cr_assert(wait_at_least(&step, 1, WAIT_MS), "A did not take the M");
    rt_schedpt_install(alloc_hook, NULL);
    cr_assert_eq(rt_prof_visit(prof, the_m), RT_VISIT_SAMPLED);
    rt_schedpt_install(NULL, NULL);
    atomic_store(&step, 9);
    rt_thread_join(a);
}

Test(forced17165, self_guard_still_catches_the_profiler_allocating, .exit_code = 2, .timeout = 30)
{
    profiler_allocates_in_sigprof(RT_GUARD_SELF);
    cr_assert_fail("the profiler allocated inside sigprof and was not caught");
}

Test(forced17165, target_guard_misses_the_profiler_allocating, .timeout = 30)
{
    /* The bug's other face: the trap sits on the sampled M, so what it was
     * meant to catch - the profiler allocating - goes unnoticed. */
    profiler_allocates_in_sigprof(RT_GUARD_TARGET);
    cr_assert_eq(atomic_load(&the_m->mallocing), 0);
}

Test(forced17165, target_guard_lost_update_kills_a_later_allocation, .exit_code = 2, .timeout = 30)
{
    /* B's own "= 0" lands between the profiler's ++ (1 -> 2) and -- (0 ->
     * -1); run_script asserts the -1, then B's next allocation dies. */
    int32_t after;
    atomic_store(&lost_update, 1);
    run_script(RT_GUARD_TARGET, &after);
    cr_assert_fail("B allocated on an M whose counter was left at %d", (int)after);
}

Test(forced17165, self_guard_survives_the_lost_update_interleaving, .timeout = 30)
{
    int32_t after;
    atomic_store(&lost_update, 1);
    rt_visit_t v = run_script(RT_GUARD_SELF, &after);
    cr_assert_eq(v, RT_VISIT_SAMPLED);
    cr_assert_eq(atomic_load(&the_m->mallocing), 0);
}
