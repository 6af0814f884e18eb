/* POSIX-only suspend behaviour: a target that cannot take the signal makes
 * the suspend time out (bounded), and the withdrawn request is not acted on
 * late. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdatomic.h>

#include "helpers.h"
#include "model/suspend.h"
#include "model/thread.h"

static atomic_int state;
static _Atomic rt_thandle_t handle;
static _Atomic uint64_t counter;

static void blocked_spinner(void *arg)
{
    (void)arg;
    rt_suspend_register_self();
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    atomic_store(&handle, rt_thandle_open());
    atomic_store(&state, 1);
    while (atomic_load(&state) == 1)
        atomic_fetch_add(&counter, 1);
    /* Take the stale request now: it must be ignored, not obeyed. */
    pthread_sigmask(SIG_UNBLOCK, &all, NULL);
    for (int i = 0; i < 1000; i++)
        atomic_fetch_add(&counter, 1);
    atomic_store(&state, 3);
    while (atomic_load(&state) == 3)
        rt_thread_yield();
    rt_suspend_unregister_self();
}

Test(suspend_posix, unacknowledged_suspend_times_out_and_is_withdrawn, .timeout = 20)
{
    cr_assert_eq(rt_suspend_init(), 0);
    cr_assert_eq(rt_suspend_register_self(), 0);
    rt_thread_t *t;
    cr_assert_eq(rt_thread_start(&t, blocked_spinner, NULL), 0);
    cr_assert(wait_at_least(&state, 1, 5000));
    rt_thandle_t h = atomic_load(&handle);
    cr_assert_eq(rt_suspend(h, 100), RT_SUSPEND_ETIMEDOUT);
    cr_assert_eq(rt_suspend_resume(h), RT_SUSPEND_ESTATE, "a timed-out target is not suspended");
    atomic_store(&state, 2);
    cr_assert(wait_at_least(&state, 3, 5000), "the stale request stopped the thread");
    /* And the thread can be suspended normally afterwards. */
    cr_assert_eq(rt_suspend(h, 2000), 0);
    cr_assert_eq(rt_suspend_resume(h), 0);
    atomic_store(&state, 4);
    rt_thread_join(t);
    cr_assert_eq(rt_suspend_self_resumes(), 0);
}
