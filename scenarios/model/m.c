/* m.c - allm, the extra-M list, needm/dropm and the current M. */
#include "model/m.h"

#include <stdlib.h>

#include "model/schedpt.h"
#include "model/thread.h"

/* Go's extram: 0 = empty, 1 = locked, otherwise the head M. */
#define EXTRAM_LOCKED ((uintptr_t)1)

static _Atomic(rt_m_t *) allm;
static _Atomic uintptr_t extram;
static _Atomic uint64_t migrations;
static _Thread_local rt_m_t *curm;
static _Thread_local uint64_t self_tid;

static uint64_t my_tid(void)
{
    if (self_tid == 0)
        self_tid = rt_os_thread_id();
    return self_tid;
}

/* Go's lockextra: spin until the list head can be swapped for "locked".
 * With nilokay false an empty list is waited out, sleeping between looks. */
static void minit_default(rt_m_t *mp)
{
    atomic_store(&mp->thread, rt_thandle_open());
}

/* unminit, in Go 1.7's order: close the handle, then a plain store of 0; a
 * profiler that loaded the handle just before keeps using it. */
static void unminit_default(rt_m_t *mp)
{
    rt_thandle_t h = atomic_load_explicit(&mp->thread, memory_order_relaxed);
    rt_thandle_close(h);
    atomic_store(&mp->thread, 0);
}

static const rt_minit_ops_t default_ops = { minit_default, unminit_default };
static const rt_minit_ops_t *_Atomic minit_ops = &default_ops;

void rt_set_minit_ops(const rt_minit_ops_t *ops)
{
    atomic_store(&minit_ops, ops != NULL ? ops : &default_ops);
}

static rt_m_t *lockextra(bool nilokay)
{
    for (;;) {
        uintptr_t old = atomic_load(&extram);
        if (old == EXTRAM_LOCKED) {
            rt_thread_yield();
            continue;
        }
        if (old == 0 && !nilokay) {
            rt_sleep_us(1);
            continue;
        }
        if (atomic_compare_exchange_weak(&extram, &old, EXTRAM_LOCKED))
            return (rt_m_t *)old;
        rt_thread_yield();
    }
}

static void unlockextra(rt_m_t *mp)
{
    atomic_store(&extram, (uintptr_t)mp);
}

int rt_newextram(int n)
{
    if (n < 1)
        return -1;
    rt_m_t *ms = calloc((size_t)n, sizeof *ms);
    if (ms == NULL)
        return -1;
    for (int i = 0; i < n; i++) {
        ms[i].id = i + 1;
        ms[i].alllink = i + 1 < n ? &ms[i + 1] : atomic_load(&allm);
    }
    atomic_store(&allm, &ms[0]);
    rt_m_t *head = lockextra(true);
    for (int i = n - 1; i >= 0; i--) {
        atomic_store_explicit(&ms[i].schedlink, head, memory_order_relaxed);
        head = &ms[i];
    }
    unlockextra(head);
    return 0;
}

rt_m_t *rt_allm(void)
{
    return atomic_load(&allm);
}

rt_m_t *rt_needm(void)
{
    rt_schedpt(RT_SP_NEEDM_BEFORE, NULL);
    rt_m_t *mp = lockextra(false);
    unlockextra(atomic_load_explicit(&mp->schedlink, memory_order_relaxed));
    atomic_store_explicit(&mp->schedlink, NULL, memory_order_relaxed);
    curm = mp;
    uint64_t me = my_tid();
    uint64_t prev = atomic_exchange_explicit(&mp->owner, me, memory_order_relaxed);
    if (prev != 0 && prev != me)
        atomic_fetch_add_explicit(&migrations, 1, memory_order_relaxed);
    /* minit: publish this thread's handle for the profiler. */
    atomic_load(&minit_ops)->minit(mp);
    rt_schedpt(RT_SP_NEEDM_AFTER, mp);
    return mp;
}

void rt_dropm(void)
{
    rt_m_t *mp = curm;
    rt_schedpt(RT_SP_DROPM_BEFORE, mp);
    atomic_load(&minit_ops)->unminit(mp);
    rt_m_t *mnext = lockextra(true);
    atomic_store_explicit(&mp->schedlink, mnext, memory_order_relaxed);
    curm = NULL;
    unlockextra(mp);
    rt_schedpt(RT_SP_DROPM_AFTER, NULL);
}

rt_m_t *rt_getm(void)
{
    return curm;
}

void rt_setm(rt_m_t *mp)
{
    curm = mp;
}

uint64_t rt_migrations(void)
{
    return atomic_load(&migrations);
}

int rt_extram_snapshot(rt_m_t **out, int max)
{
    rt_m_t *head = lockextra(true);
    int n = 0;
    /* Bounded, so a corrupted (cyclic) list shows up as a long one. */
    for (rt_m_t *mp = head; mp != NULL && n <= 1000000;
         mp = atomic_load_explicit(&mp->schedlink, memory_order_relaxed)) {
        if (n < max)
            out[n] = mp;
        n++;
    }
    unlockextra(head);
    return n;
}
