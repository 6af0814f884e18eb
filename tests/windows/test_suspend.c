/* test_suspend.c - the Win32 suspend backend (scenarios/model/win32/suspend.c):
 * a suspended busy thread makes no progress until resumed, its context's SP
 * lies in that thread's own stack, and the error cases the profiler meets
 * (its own thread, a closed handle, a resume without a suspend) are
 * reported as such. */
#include "rltest.h"
#include "model/suspend.h"
#include "model/thread.h"

#include <windows.h>

#include <stdatomic.h>
#include <stdint.h>

static atomic_ullong progress;
static atomic_uintptr_t busy_handle;
static atomic_uintptr_t stack_lo, stack_hi;
static atomic_int stop;

static void busy(void *arg)
{
    (void)arg;
    ULONG_PTR lo, hi;
    GetCurrentThreadStackLimits(&lo, &hi);
    atomic_store(&stack_lo, lo);
    atomic_store(&stack_hi, hi);
    atomic_store(&busy_handle, rt_thandle_open());
    while (!atomic_load_explicit(&stop, memory_order_relaxed))
        atomic_fetch_add_explicit(&progress, 1, memory_order_relaxed);
}

static void opener(void *arg)
{
    rt_thandle_t *out = arg;
    *out = rt_thandle_open();
}

static rt_thread_t *busy_thread;

/* Registers the suspender and starts the busy thread; its handle in
 * busy_handle once it has made progress. */
static void start_busy(void)
{
    cr_assert(rt_suspend_init() == 0 && rt_suspend_register_self() == 0, "init and register");
    atomic_store(&stop, 0);
    atomic_store(&busy_handle, 0);
    atomic_store(&progress, 0);
    cr_assert_eq(rt_thread_start(&busy_thread, busy, NULL), 0, "start a busy thread");
    while (atomic_load(&busy_handle) == 0 || atomic_load(&progress) < 1000)
        rt_thread_yield();
}

static void stop_busy(void)
{
    atomic_store(&stop, 1);
    rt_thread_join(busy_thread);
}

Test(suspend, suspended_thread_stops_in_its_own_stack_and_resumes)
{
    start_busy();
    rt_thandle_t h = atomic_load(&busy_handle);
    int all_stopped = 1, all_in_stack = 1, all_resumed = 1;
    for (int round = 0; round < 20; round++) {
        int rc = rt_suspend(h, 1000);
        cr_assert_eq(rc, 0, "suspend the busy thread: %s", rt_suspend_strerror(rc));
        rt_context_t ctx;
        rc = rt_suspend_get_context(h, &ctx);
        /* The thread has stopped once GetThreadContext returns. */
        unsigned long long before = atomic_load(&progress);
        Sleep(20);
        unsigned long long after = atomic_load(&progress);
        if (after != before) {
            all_stopped = 0;
            cr_log_info("round %d: progress %llu -> %llu while suspended", round, before, after);
        }
        if (rc != 0 || ctx.sp < atomic_load(&stack_lo) || ctx.sp >= atomic_load(&stack_hi) ||
            ctx.pc == 0) {
            all_in_stack = 0;
            cr_log_info("round %d: rc=%d pc=%#llx sp=%#llx stack=[%#llx,%#llx)", round, rc,
                        (unsigned long long)ctx.pc, (unsigned long long)ctx.sp,
                        (unsigned long long)atomic_load(&stack_lo),
                        (unsigned long long)atomic_load(&stack_hi));
        }
        if (rt_suspend_resume(h) != 0)
            all_resumed = 0;
        unsigned long long resumed_at = atomic_load(&progress);
        uint64_t deadline = rt_now_ns() + 5000000000ull;
        while (atomic_load(&progress) == resumed_at && rt_now_ns() < deadline)
            rt_thread_yield();
        if (atomic_load(&progress) == resumed_at)
            all_resumed = 0;
    }
    cr_expect(all_stopped, "a suspended thread makes no progress (20 rounds)");
    cr_expect(all_in_stack, "the context's SP lies in the suspended thread's stack, PC is set");
    cr_expect(all_resumed, "after resume it runs again");
    stop_busy();
    rt_thandle_close(h);
}

Test(suspend, refusals_self_unsuspended_and_bad_handles)
{
    start_busy();
    rt_thandle_t h = atomic_load(&busy_handle);
    rt_thandle_t me = rt_thandle_open();
    cr_expect_eq(rt_suspend(me, 1000), RT_SUSPEND_ESELF, "suspending the calling thread is refused");
    rt_thandle_close(me);

    cr_expect_eq(rt_suspend_resume(h), RT_SUSPEND_ESTATE, "resume without suspend is ESTATE");
    cr_expect_eq(rt_suspend(0, 1000), RT_SUSPEND_EBADH, "handle 0 is EBADH");

    stop_busy();
    rt_thandle_close(h);
    /* Go's P3 shape: the value the profiler loaded was closed by dropm. */
    cr_expect_eq(rt_suspend(h, 1000), RT_SUSPEND_EBADH, "a closed handle is EBADH");
}

/* A handle to a thread that has exited: SuspendThread on a dead thread's
 * still-open handle neither hangs nor crashes the suspender. */
Test(suspend, exited_threads_open_handle)
{
    cr_assert(rt_suspend_init() == 0 && rt_suspend_register_self() == 0, "init and register");
    rt_thread_t *t;
    rt_thandle_t dead = 0;
    cr_assert_eq(rt_thread_start(&t, opener, &dead), 0);
    rt_thread_join(t);
    int rc = rt_suspend(dead, 1000);
    cr_log_info("suspend of an exited thread's open handle: %d (%s)", rc, rt_suspend_strerror(rc));
    if (rc == 0)
        rt_suspend_resume(dead);
    cr_expect(rc == 0 || rc == RT_SUSPEND_EBADH || rc == RT_SUSPEND_ESYS,
              "an exited thread's handle gives 0, EBADH or ESYS, not %d", rc);
    rt_thandle_close(dead);
}

Test(suspend, win32_never_self_resumes)
{
    cr_assert_eq(rt_suspend_self_resumes(), 0);
}
