/* lock.h - a runtime lock that knows its holder: the model's stand-in for
 * the locks a suspended thread can be holding when its profiler stops it
 * (the heap's, the loader's, a runtime mutex: golang/go#80982, Julia's
 * RtlAllocateHeap/LdrLoadDll, the JDK's malloc lock).
 *
 * A spin-then-yield lock whose word is the holder's OS thread id, so that a
 * profiler can ask whether the thread it stopped holds it, and a waiter
 * stuck behind a holder that never runs again says so on stderr (once,
 * without stdio or malloc: the holder may be stopped inside either). */
#ifndef RT_LOCK_H
#define RT_LOCK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct rt_lock {
    const char *name;       /* for the waiter's message: "heap" */
    _Atomic uint64_t owner; /* holder's rt_os_thread_id, 0 = free */
    _Atomic unsigned waiters; /* threads in rt_lock/rt_lock_timed */
} rt_lock_t;

#define RT_LOCK_INIT(nm) { .name = (nm), .owner = 0, .waiters = 0 }

/* How long rt_unlock steps aside for a waiter (a thread that unlocks and
 * relocks in a loop would otherwise starve one that is descheduled). */
#define RT_LOCK_HANDOFF_US 1000u

/* How long rt_lock waits before it writes, once per wait,
 * "runtime: os_thread=W waits for the <name> lock held by os_thread=H". */
#define RT_LOCK_REPORT_MS 200u

/* The model's allocator lock (RtlAllocateHeap's heap lock, malloc's arena
 * lock): taken around allocations by the code that models a locked heap
 * (rt_malloc itself takes no lock). */
extern rt_lock_t rt_heap_lock;

/* Takes l, waiting as long as it takes.  Not recursive. */
void rt_lock(rt_lock_t *l);

/* Takes l if it is free; false when it is held. */
bool rt_trylock(rt_lock_t *l);

/* Takes l, waiting at most timeout_ms; false (not taken) when the bound
 * passed first. */
bool rt_lock_timed(rt_lock_t *l, uint32_t timeout_ms);

/* Releases l, which the caller holds; with waiters, yields until one of
 * them took it or RT_LOCK_HANDOFF_US passed. */
void rt_unlock(rt_lock_t *l);

/* The holder's OS thread id, 0 when free. */
uint64_t rt_lock_owner(rt_lock_t *l);

#endif
