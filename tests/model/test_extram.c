/* The extra-M list under needm/dropm: an M is bound to at most one thread at
 * a time, the list never loses or duplicates an M, LIFO order, and needm
 * waits for an M when the list is empty. */
#include <criterion/criterion.h>
#include <stdatomic.h>

#include "helpers.h"
#include "model/m.h"
#include "model/suspend.h"
#include "model/thread.h"

#define NMS 3
#define NTHREADS 8
#define ROUNDS 20000

static _Atomic int holders[NMS + 1];
static atomic_int violations;

static void stress_worker(void *arg)
{
    (void)arg;
    if (rt_suspend_register_self() != 0)
        atomic_fetch_add(&violations, 1);
    for (int i = 0; i < ROUNDS; i++) {
        rt_m_t *mp = rt_needm();
        if (mp->id < 1 || mp->id > NMS || rt_getm() != mp ||
            atomic_load(&mp->thread) != rt_thandle_open())
            atomic_fetch_add(&violations, 1);
        else if (atomic_fetch_add(&holders[mp->id], 1) != 0)
            atomic_fetch_add(&violations, 1); /* someone else holds it too */
        if (i % 7 == 0)
            rt_thread_yield(); /* hold it a while so the others contend */
        if (mp->id >= 1 && mp->id <= NMS)
            atomic_fetch_sub(&holders[mp->id], 1);
        rt_dropm();
        if (rt_getm() != NULL)
            atomic_fetch_add(&violations, 1);
    }
    rt_suspend_unregister_self();
}

Test(extram, stress_binds_each_m_once_and_loses_none, .timeout = 60)
{
    cr_assert_eq(rt_suspend_init(), 0);
    cr_assert_eq(rt_newextram(NMS), 0);
    rt_thread_t *t[NTHREADS];
    for (int i = 0; i < NTHREADS; i++)
        cr_assert_eq(rt_thread_start(&t[i], stress_worker, NULL), 0);
    for (int i = 0; i < NTHREADS; i++)
        rt_thread_join(t[i]);

    cr_assert_eq(atomic_load(&violations), 0, "an M was bound to two threads or misreported");
    rt_m_t *list[NMS + 8];
    int n = rt_extram_snapshot(list, NMS + 8);
    cr_assert_eq(n, NMS, "extra list has %d Ms, expected %d", n, NMS);
    bool seen[NMS + 1] = { false };
    for (int i = 0; i < n; i++) {
        cr_assert(list[i]->id >= 1 && list[i]->id <= NMS);
        cr_assert_not(seen[list[i]->id], "M %d is on the list twice", list[i]->id);
        seen[list[i]->id] = true;
        cr_assert_eq(atomic_load(&list[i]->thread), 0, "a free M still names a thread");
    }
    int onall = 0;
    for (rt_m_t *mp = rt_allm(); mp != NULL; mp = mp->alllink)
        onall++;
    cr_assert_eq(onall, NMS);
    cr_assert_gt(rt_migrations(), 0, "8 threads over 3 Ms never migrated an M");
}

Test(extram, lifo_gives_back_the_last_dropped_m)
{
    cr_assert_eq(rt_suspend_init(), 0);
    cr_assert_eq(rt_suspend_register_self(), 0);
    cr_assert_eq(rt_newextram(3), 0);
    rt_m_t *a = rt_needm();
    cr_assert_eq(a->id, 1, "the list head is M 1");
    rt_dropm();
    cr_assert_eq(rt_needm(), a, "LIFO: the M just dropped comes back first");
    rt_dropm();
    cr_assert_eq(rt_migrations(), 0, "one thread re-taking its M is no migration");
}

static atomic_int waiter_state;

static void waiter(void *arg)
{
    (void)arg;
    rt_suspend_register_self();
    atomic_store(&waiter_state, 1);
    rt_needm();
    atomic_store(&waiter_state, 2);
    rt_dropm();
    rt_suspend_unregister_self();
}

Test(extram, needm_waits_while_the_list_is_empty, .timeout = 20)
{
    cr_assert_eq(rt_suspend_init(), 0);
    cr_assert_eq(rt_suspend_register_self(), 0);
    cr_assert_eq(rt_newextram(1), 0);
    rt_m_t *mine = rt_needm();
    rt_thread_t *t;
    cr_assert_eq(rt_thread_start(&t, waiter, NULL), 0);
    cr_assert(wait_at_least(&waiter_state, 1, 5000));
    rt_sleep_us(50000);
    cr_assert_eq(atomic_load(&waiter_state), 1, "needm returned with no free M");
    rt_dropm();
    cr_assert(wait_at_least(&waiter_state, 2, 5000), "needm did not take the freed M");
    rt_thread_join(t);
    cr_assert_eq(rt_migrations(), 1, "M %d moved to the waiting thread once", mine->id);
}
