/* suspend_limit.c - the ceiling for the profiler's sampling rate: one busy
 * target thread, and the main thread doing nothing but the backend's
 * rt_suspend / rt_suspend_get_context / rt_suspend_resume on it, back to
 * back, for a fixed time.  It links the model's suspend backend
 * (scenarios/model/posix/suspend.c, or scenarios/model/win32/suspend.c in the Windows build), so it measures
 * exactly the code the profiler uses.
 *
 * usage: suspend-limit [MS]      (default 2000 ms)
 * prints: suspend-limit cycles=N seconds=S rate=R failures=F */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "model/suspend.h"
#include "model/thread.h"

static atomic_bool stop;
static _Atomic rt_thandle_t target;
static volatile uint64_t spin_sink;

static void busy(void *arg)
{
    (void)arg;
    rt_suspend_register_self();
    atomic_store(&target, rt_thandle_open());
    uint64_t x = 0;
    while (!atomic_load_explicit(&stop, memory_order_relaxed))
        x = x * 6364136223846793005u + 1442695040888963407u;
    spin_sink = x;
    rt_suspend_unregister_self();
}

int main(int argc, char **argv)
{
    long ms = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
    if (ms < 1) {
        fprintf(stderr, "usage: suspend-limit [MS]\n");
        return 64;
    }
    if (rt_suspend_init() != 0) {
        fprintf(stderr, "suspend-limit: rt_suspend_init failed\n");
        return 70;
    }
    rt_thread_t *th;
    if (rt_thread_start(&th, busy, NULL) != 0) {
        fprintf(stderr, "suspend-limit: cannot start the target thread\n");
        return 70;
    }
    rt_thandle_t h;
    while ((h = atomic_load(&target)) == 0)
        rt_thread_yield();
    uint64_t cycles = 0, failures = 0, sum = 0;
    uint64_t t0 = rt_now_ns(), end = t0 + (uint64_t)ms * 1000000u, now = t0;
    while (now < end) {
        /* the clock is read every 64 cycles: its cost stays out of the loop */
        for (int i = 0; i < 64; i++) {
            if (rt_suspend(h, 1000) != 0) {
                failures++;
                continue;
            }
            rt_context_t ctx;
            rt_suspend_get_context(h, &ctx);
            sum += ctx.pc ^ ctx.sp;
            rt_suspend_resume(h);
            cycles++;
        }
        now = rt_now_ns();
    }
    double s = (double)(now - t0) / 1e9;
    atomic_store(&stop, true);
    rt_thread_join(th);
    printf("suspend-limit cycles=%llu seconds=%.3f rate=%.1f failures=%llu checksum=%llu\n",
           (unsigned long long)cycles, s, (double)cycles / s, (unsigned long long)failures,
           (unsigned long long)(sum & 0xffff));
    return failures ? 1 : 0;
}
