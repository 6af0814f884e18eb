/* lock.c - the runtime lock with a known holder (lock.h). */
#include "model/lock.h"

#include <stdio.h>

#include "model/thread.h"

rt_lock_t rt_heap_lock = RT_LOCK_INIT("heap");

bool rt_trylock(rt_lock_t *l)
{
    uint64_t expect = 0;
    return atomic_compare_exchange_strong_explicit(&l->owner, &expect, rt_os_thread_id(),
                                                   memory_order_acquire, memory_order_relaxed);
}

/* The once-per-wait line; snprintf of integers and write(2) take no lock a
 * stopped holder could hold. */
static void report_wait(const rt_lock_t *l, uint64_t holder)
{
    char buf[160];
    int n = snprintf(buf, sizeof buf,
                     "runtime: os_thread=%llu waits for the %s lock held by os_thread=%llu\n",
                     (unsigned long long)rt_os_thread_id(), l->name, (unsigned long long)holder);
    if (n > 0)
        rt_write_stderr(buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* Waits for l until it is taken or, with bounded, until deadline. */
static bool wait_for(rt_lock_t *l, bool bounded, uint64_t deadline)
{
    uint64_t start = rt_now_ns();
    bool reported = false;
    for (unsigned spins = 0;; spins++) {
        if (rt_trylock(l))
            return true;
        uint64_t now = rt_now_ns();
        if (bounded && now >= deadline)
            return false;
        if (!reported && now - start >= (uint64_t)RT_LOCK_REPORT_MS * 1000000u) {
            uint64_t holder = rt_lock_owner(l);
            if (holder != 0) {
                report_wait(l, holder);
                reported = true;
            }
        }
        if (spins >= 64)
            rt_thread_yield();
    }
}

static bool acquire(rt_lock_t *l, bool bounded, uint64_t deadline)
{
    if (rt_trylock(l))
        return true;
    atomic_fetch_add(&l->waiters, 1);
    bool got = wait_for(l, bounded, deadline);
    atomic_fetch_sub(&l->waiters, 1);
    return got;
}

void rt_lock(rt_lock_t *l)
{
    acquire(l, false, 0);
}

bool rt_lock_timed(rt_lock_t *l, uint32_t timeout_ms)
{
    return acquire(l, true, rt_now_ns() + (uint64_t)timeout_ms * 1000000u);
}

void rt_unlock(rt_lock_t *l)
{
    atomic_store_explicit(&l->owner, 0, memory_order_release);
    if (atomic_load(&l->waiters) == 0)
        return;
    uint64_t until = rt_now_ns() + (uint64_t)RT_LOCK_HANDOFF_US * 1000u;
    while (atomic_load_explicit(&l->owner, memory_order_relaxed) == 0 &&
           atomic_load(&l->waiters) != 0 && rt_now_ns() < until)
        rt_thread_yield();
}

uint64_t rt_lock_owner(rt_lock_t *l)
{
    return atomic_load_explicit(&l->owner, memory_order_relaxed);
}
