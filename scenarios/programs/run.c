/* run.c - see run.h. */
#include "programs/run.h"

#include <stdio.h>

int rt_start_workers(const char *prog, rt_thread_t **threads, uint64_t n,
                     void (*fn)(void *arg), void *args, size_t arg_size)
{
    for (uint64_t i = 0; i < n; i++)
        if (rt_thread_start(&threads[i], fn, (char *)args + i * arg_size) != 0) {
            fprintf(stderr, "%s: cannot start worker %llu\n", prog, (unsigned long long)i);
            return -1;
        }
    return 0;
}

void rt_join_workers(rt_thread_t **threads, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        rt_thread_join(threads[i]);
}

void rt_sleep_until(uint64_t end_ns)
{
    for (uint64_t now = rt_now_ns(); now < end_ns; now = rt_now_ns()) {
        uint64_t left_us = (end_ns - now) / 1000u;
        rt_sleep_us(left_us > 100000 ? 100000 : (uint32_t)left_us + 1);
    }
}

void rt_run_on_until(uint64_t t0_ns, uint64_t duration_ms, bool (*reached)(void *ctx), void *ctx)
{
    rt_sleep_until(t0_ns + duration_ms * 1000000u);
    for (uint64_t cap = t0_ns + 10u * duration_ms * 1000000u; rt_now_ns() < cap && !reached(ctx);)
        rt_sleep_us(1000);
}
