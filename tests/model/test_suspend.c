/* The suspend backend through suspend.h: a suspended thread makes no
 * progress until resumed, and the PC/SP read belong to that thread. */
#include <criterion/criterion.h>
#include <stdatomic.h>

#include "helpers.h"
#include "model/suspend.h"
#include "model/thread.h"

static _Atomic uint64_t counter;
static atomic_int spin_state; /* 1 running, 2 told to stop */
static _Atomic rt_thandle_t spin_handle;
static _Atomic uintptr_t spin_marker; /* address of a local in spin's frame */

/* Never inlined, no calls in the loop: an interrupted PC lies inside it. */
__attribute__((noinline)) static void spin(void *arg)
{
    (void)arg;
    volatile char marker = 0;
    rt_suspend_register_self();
    atomic_store(&spin_marker, (uintptr_t)&marker);
    atomic_store(&spin_handle, rt_thandle_open());
    atomic_store(&spin_state, 1);
    while (atomic_load_explicit(&spin_state, memory_order_relaxed) == 1)
        atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed);
    rt_thandle_close(atomic_load(&spin_handle));
    rt_suspend_unregister_self();
    (void)marker;
}

static rt_thread_t *start_spinner(void)
{
    cr_assert_eq(rt_suspend_init(), 0);
    cr_assert_eq(rt_suspend_register_self(), 0);
    rt_thread_t *t;
    cr_assert_eq(rt_thread_start(&t, spin, NULL), 0);
    cr_assert(wait_at_least(&spin_state, 1, 5000), "spinner did not start");
    return t;
}

static void stop_spinner(rt_thread_t *t)
{
    atomic_store(&spin_state, 2);
    rt_thread_join(t);
}

Test(suspend, suspended_thread_makes_no_progress_until_resumed, .timeout = 30)
{
    rt_thread_t *t = start_spinner();
    rt_thandle_t h = atomic_load(&spin_handle);
    for (int round = 0; round < 20; round++) {
        cr_assert_eq(rt_suspend(h, 2000), 0);
        uint64_t before = atomic_load(&counter);
        rt_sleep_us(5000);
        cr_assert_eq(atomic_load(&counter), before, "counter moved while suspended (round %d)", round);
        cr_assert_eq(rt_suspend_resume(h), 0);
        uint64_t deadline = rt_now_ns() + 5000000000u;
        while (atomic_load(&counter) == before && rt_now_ns() < deadline)
            rt_thread_yield();
        cr_assert_gt(atomic_load(&counter), before, "no progress after resume (round %d)", round);
    }
    stop_spinner(t);
}

Test(suspend, context_is_the_suspended_threads_pc_and_sp, .timeout = 30)
{
    rt_thread_t *t = start_spinner();
    rt_thandle_t h = atomic_load(&spin_handle);
    uintptr_t marker = atomic_load(&spin_marker);
    volatile char here = 0;
    for (int round = 0; round < 50; round++) {
        cr_assert_eq(rt_suspend(h, 2000), 0);
        rt_context_t ctx;
        cr_assert_eq(rt_suspend_get_context(h, &ctx), 0);
        cr_assert_eq(rt_suspend_resume(h), 0);
        /* SP is in spin's frame, just below its local; far from ours. */
        cr_assert(ctx.sp <= marker + 256 && ctx.sp + 4096 > marker,
                  "sp %#lx not in spinner frame near %#lx", (unsigned long)ctx.sp,
                  (unsigned long)marker);
        cr_assert(ctx.sp + 65536 < (uintptr_t)&here || ctx.sp > (uintptr_t)&here + 65536,
                  "sp is on the suspender's stack");
        cr_assert(ctx.pc >= (uintptr_t)spin && ctx.pc < (uintptr_t)spin + 4096,
                  "pc %#lx not in spin() at %#lx", (unsigned long)ctx.pc, (unsigned long)(uintptr_t)spin);
    }
    stop_spinner(t);
}

Test(suspend, a_thread_cannot_suspend_itself)
{
    cr_assert_eq(rt_suspend_init(), 0);
    cr_assert_eq(rt_suspend_register_self(), 0);
    cr_assert_eq(rt_suspend(rt_thandle_open(), 100), RT_SUSPEND_ESELF);
}

Test(suspend, state_errors_are_reported)
{
    rt_thread_t *t = start_spinner();
    rt_thandle_t h = atomic_load(&spin_handle);
    rt_context_t ctx = { 1, 1 };
    cr_assert_eq(rt_suspend_resume(h), RT_SUSPEND_ESTATE, "resume of a running thread");
    cr_assert_eq(rt_suspend_get_context(h, &ctx), RT_SUSPEND_ESTATE);
    cr_assert(ctx.pc == 0 && ctx.sp == 0, "context not zeroed on failure");
    cr_assert_eq(rt_suspend(h, 2000), 0);
    cr_assert_eq(rt_suspend(h, 100), RT_SUSPEND_ESTATE, "double suspend");
    cr_assert_eq(rt_suspend_resume(h), 0);
    cr_assert_eq(rt_suspend(0, 100), RT_SUSPEND_EBADH);
    stop_spinner(t);
}

Test(suspend, exited_thread_fails_fast_instead_of_hanging, .timeout = 10)
{
    rt_thread_t *t = start_spinner();
    rt_thandle_t h = atomic_load(&spin_handle);
    stop_spinner(t);
    cr_assert_eq(rt_suspend(h, 5000), RT_SUSPEND_EBADH);
}

Test(suspend, strerror_names_every_code)
{
    int codes[] = { RT_SUSPEND_OK, RT_SUSPEND_EBADH, RT_SUSPEND_ETIMEDOUT, RT_SUSPEND_ESELF,
                    RT_SUSPEND_ESTATE, RT_SUSPEND_ESYS };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        cr_assert_str_neq(rt_suspend_strerror(codes[i]), "unknown suspend error");
    cr_assert_str_eq(rt_suspend_strerror(-99), "unknown suspend error");
}
