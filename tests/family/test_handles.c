/* handles.c: values come from the lowest free slot, so a closed value is
 * reused for the next thread that opens one (Windows' behaviour, P3's
 * premise); a suspension pins its thread; a context read through a value
 * naming a running thread is refused with RT_H_ERUNNING. */
#include <criterion/criterion.h>
#include <stdatomic.h>

#include "model/handles.h"
#include "model/thread.h"

static atomic_int phase;
static _Atomic rt_thandle_t other_value;

static void other_main(void *arg)
{
    (void)arg;
    rt_h_register_self();
    atomic_store(&other_value, rt_h_open());
    atomic_store(&phase, 1);
    while (atomic_load(&phase) != 2)
        rt_thread_yield();
    rt_h_close(atomic_load(&other_value));
    rt_h_unregister_self();
}

Test(handles, lowest_free_slot_is_reused)
{
    cr_assert_eq(rt_suspend_init(), 0);
    cr_assert_eq(rt_h_register_self(), 0);
    rt_thandle_t a = rt_h_open(), b = rt_h_open(), c = rt_h_open();
    cr_assert(a == 1 && b == 2 && c == 3, "%lu %lu %lu", (unsigned long)a, (unsigned long)b,
              (unsigned long)c);
    rt_h_close(b);
    cr_assert_eq(rt_h_tid(b), 0);
    cr_assert_eq(rt_h_open(), 2, "the closed value comes back first");
    rt_thandle_t d = rt_h_dup(a);
    cr_assert_eq(d, 4);
    cr_assert_eq(rt_h_tid(d), rt_h_tid(a));
    cr_assert_eq(rt_h_dup(9), 0, "a free value cannot be duplicated");
}

Test(handles, a_reused_value_names_the_new_thread_and_suspension_follows_it)
{
    cr_assert_eq(rt_suspend_init(), 0);
    cr_assert_eq(rt_h_register_self(), 0);
    rt_thandle_t mine = rt_h_open();
    uint64_t me = rt_h_tid(mine);
    rt_h_close(mine);
    rt_thread_t *t;
    cr_assert_eq(rt_thread_start(&t, other_main, NULL), 0);
    while (atomic_load(&phase) != 1)
        rt_thread_yield();
    rt_thandle_t v = atomic_load(&other_value);
    cr_assert_eq(v, mine, "the other thread got my old value");
    cr_assert_neq(rt_h_tid(v), me);
    cr_assert_eq(rt_h_suspend(v, 2000), 0);
    cr_assert_eq(rt_h_suspended_tid(), rt_h_tid(v));
    rt_context_t ctx;
    cr_assert_eq(rt_h_get_context(v, &ctx), 0);
    cr_assert_neq(ctx.pc, 0);
    rt_thandle_t again = rt_h_open(); /* names me, who is running */
    cr_assert_eq(rt_h_get_context(again, &ctx), RT_H_ERUNNING);
    cr_assert_eq(rt_h_get_context(77, &ctx), RT_SUSPEND_EBADH);
    cr_assert_eq(rt_h_resume(v), 0);
    cr_assert_eq(rt_h_suspended_tid(), 0);
    atomic_store(&phase, 2);
    rt_thread_join(t);
    cr_assert_eq(rt_h_suspend(v, 100), RT_SUSPEND_EBADH, "closed by its thread");
}
