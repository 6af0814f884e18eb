/* malloc.c - rt_malloc with mallocgc's re-entrancy trap, and rt_throw. */
#include "model/malloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/schedpt.h"
#include "model/thread.h"

_Atomic(rt_m_t *) rt_sigprof_guard_m;

_Noreturn void rt_throw(const char *msg, const char *detail)
{
    char buf[512];
    int n = snprintf(buf, sizeof buf, "fatal error: %s\n%s%s", msg,
                     detail != NULL ? detail : "", detail != NULL ? "\n" : "");
    if (n > (int)sizeof buf - 1)
        n = (int)sizeof buf - 1;
    rt_write_stderr(buf, (size_t)n);
    rt_exit_now(2);
}

static _Noreturn void malloc_deadlock(rt_m_t *mp, int32_t v)
{
    /* Two ways a foreign guard kills: the profiler is inside
     * sigprof holding this very M's guard right now, or an earlier ++/--
     * raced with the owner's stores and left the counter off zero. */
    const char *why;
    if (v < 0)
        why = "stale: counter below zero after a lost update";
    else if (atomic_load(&rt_sigprof_guard_m) == mp)
        why = "live: the profiler holds this M's guard in sigprof";
    else
        why = "stale: counter left non-zero by a lost update";
    char detail[256];
    snprintf(detail, sizeof detail,
             "runtime: m=%d mallocing=%d os_thread=%llu migrations=%llu (%s)",
             (int)mp->id, (int)v, (unsigned long long)rt_os_thread_id(),
             (unsigned long long)rt_migrations(), why);
    rt_throw("malloc deadlock", detail);
}

void *rt_malloc(size_t size)
{
    rt_m_t *mp = rt_getm();
    if (mp == NULL)
        rt_throw("malloc on a thread without an M", NULL);
    rt_schedpt(RT_SP_MALLOC_BEFORE_CHECK, mp);
    int32_t v = atomic_load_explicit(&mp->mallocing, memory_order_relaxed);
    if (v != 0)
        malloc_deadlock(mp, v);
    atomic_store_explicit(&mp->mallocing, 1, memory_order_relaxed);
    rt_schedpt(RT_SP_MALLOC_AFTER_CHECK, mp);
    if (size == 0)
        size = 1;
    void *p = malloc(size);
    if (p == NULL)
        rt_throw("out of memory", NULL);
    memset(p, 0xa5, size);
    atomic_store_explicit(&mp->mallocing, 0, memory_order_relaxed);
    return p;
}

void rt_free(void *p)
{
    free(p);
}
