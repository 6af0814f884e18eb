/* self-sampling - the Linux control for issue 17165 (POSIX only).
 *
 * The same workload as borrowed-m-profiler (threads borrowing extra Ms,
 * allocating, dropping them), sampled two ways:
 *   --sampler=signal   Go's Unix profiler: SIGPROF interrupts a running
 *                      thread and sigprof runs *on it*, for mp = getg().m.
 *                      The sampled M is the current M, so the 17165 guard
 *                      placements target (mp.mallocing++) and self
 *                      (getg().m.mallocing++) are the same write: harmless.
 *   --sampler=suspend  the Windows profiler (model/prof.c): another thread
 *                      suspends the target and samples its M from outside;
 *                      --guard=target then dies with "malloc deadlock".
 * Success: exit 0 and one key=value line; a crash: Go's throw, exit 2. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "programs/knob.h"
#include "model/m.h"
#include "model/malloc.h"
#include "model/prof.h"
#include "model/sigprof.h"
#include "model/suspend.h"
#include "model/thread.h"

#define PROG "self-sampling"
#define MAX_WORKERS 256

typedef struct config {
    rt_guard_t guard;
    bool signal;
    uint64_t duration_ms, seed, workers, extra_ms, allocs, hz;
} config_t;

static rt_prof_t *prof;
static atomic_bool stop_workers;
static _Atomic uint64_t ticks, ticks_on_m, ticks_in_malloc;

static void usage(FILE *f)
{
    fprintf(f,
        "usage: " PROG " [--knob=value ...]\n"
        "Issue 17165's workload sampled by a SIGPROF handler on the sampled thread\n"
        "(Go's Unix profiler), where the sampled M is the current M and the buggy guard\n"
        "is harmless, or by the suspending profiler, where it is not.\n"
        "\n"
        "  --sampler=signal|suspend  SIGPROF on the running thread, or another\n"
        "                            thread suspending it (Windows)      [signal]\n"
        "  --guard=target|self       mp.mallocing++ on the sampled M (Go 1.7) or\n"
        "                            getg().m.mallocing++ (e6da64b)       [target]\n"
        "  --duration-ms=N           run time (1..3600000)                [500]\n"
        "  --seed=N                  recorded; default $RACELAB_SEED, else 1\n"
        "  --workers=N               callback threads (1..%d)             [8]\n"
        "  --extra-ms=N              extra Ms (1..1024)                   [2]\n"
        "  --allocs=N                rt_malloc calls per callback (1..100000) [64]\n"
        "  --hz=N                    SIGPROFs per thread per second, or passes over\n"
        "                            allm per second (1..100000)          [1000]\n"
        "  --help                    this text\n"
        "\n"
        "Summary keys: samples (sigprof calls), ticks (SIGPROFs), ticks_on_m (the\n"
        "interrupted thread had an M), ticks_in_malloc (it was inside rt_malloc with\n"
        "mallocing=1 - the guard then lands on a busy M and is still harmless).\n",
        MAX_WORKERS);
}

#define NUM(name, field, lo, hi)                                                   \
    if (rt_knob_match(arg, name, &v)) {                                            \
        if (!rt_knob_u64(PROG, name, v, lo, hi, &cfg->field))                      \
            exit(RT_EXIT_USAGE);                                                   \
        continue;                                                                  \
    }

static void bad(const char *name, const char *value, const char *expect)
{
    char msg[256];
    snprintf(msg, sizeof msg, "--%s: expected %s (got '%s')", name, expect, value);
    rt_knob_usage_error(PROG, msg);
}

static void parse(int argc, char **argv, config_t *cfg)
{
    *cfg = (config_t){ .guard = RT_GUARD_TARGET, .signal = true, .duration_ms = 500, .seed = 1,
                       .workers = 8, .extra_ms = 2, .allocs = 64, .hz = 1000 };
    bool have_seed = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *v;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            usage(stdout);
            exit(0);
        }
        if (rt_knob_match(arg, "sampler", &v)) {
            if (strcmp(v, "signal") == 0)
                cfg->signal = true;
            else if (strcmp(v, "suspend") == 0)
                cfg->signal = false;
            else
                bad("sampler", v, "'signal' or 'suspend'");
            continue;
        }
        if (rt_knob_match(arg, "guard", &v)) {
            if (strcmp(v, "target") == 0)
                cfg->guard = RT_GUARD_TARGET;
            else if (strcmp(v, "self") == 0)
                cfg->guard = RT_GUARD_SELF;
            else
                bad("guard", v, "'target' or 'self'");
            continue;
        }
        if (rt_knob_match(arg, "seed", &v)) {
            if (!rt_knob_u64(PROG, "seed", v, 0, UINT64_MAX, &cfg->seed))
                exit(RT_EXIT_USAGE);
            have_seed = true;
            continue;
        }
        NUM("duration-ms", duration_ms, 1, 3600000)
        NUM("workers", workers, 1, MAX_WORKERS)
        NUM("extra-ms", extra_ms, 1, 1024)
        NUM("allocs", allocs, 1, 100000)
        NUM("hz", hz, 1, 100000)
        char msg[256];
        snprintf(msg, sizeof msg, "unknown knob '%s'", arg);
        rt_knob_usage_error(PROG, msg);
    }
    if (!have_seed) {
        const char *env = getenv("RACELAB_SEED");
        if (env != NULL && *env != '\0' &&
            !rt_knob_u64(PROG, "seed (from RACELAB_SEED)", env, 0, UINT64_MAX, &cfg->seed))
            exit(RT_EXIT_USAGE);
    }
}

/* signal_unix.go sighandler: mp := getg().m; no M: sigprofNonGo. */
static void on_tick(uintptr_t pc, uintptr_t sp)
{
    atomic_fetch_add_explicit(&ticks, 1, memory_order_relaxed);
    rt_m_t *mp = rt_getm();
    if (mp == NULL)
        return;
    atomic_fetch_add_explicit(&ticks_on_m, 1, memory_order_relaxed);
    if (atomic_load_explicit(&mp->mallocing, memory_order_relaxed) != 0)
        atomic_fetch_add_explicit(&ticks_in_malloc, 1, memory_order_relaxed);
    /* Here rt_getm() == mp: both guard placements write the same counter,
     * on the thread that owns it, so no update can be lost. */
    rt_sigprof(prof, pc, sp, mp);
}

static void worker_main(void *arg)
{
    const config_t *cfg = arg;
    if (rt_suspend_register_self() != 0 || rt_sigprof_register_self() != 0)
        rt_throw("cannot register worker", NULL);
    while (!atomic_load_explicit(&stop_workers, memory_order_relaxed)) {
        rt_needm();
        for (uint64_t k = 0; k < cfg->allocs; k++)
            rt_free(rt_malloc(256));
        rt_dropm();
        rt_thread_yield();
    }
    rt_sigprof_unregister_self();
    rt_suspend_unregister_self();
}

int main(int argc, char **argv)
{
    config_t cfg;
    parse(argc, argv, &cfg);
    rt_prof_config_t pc = { .guard = cfg.guard, .hz = (uint32_t)cfg.hz, .sample_work = 20000,
                            .window_ns = 0, .suspend_timeout_ms = 1000, .max_samples = 4096 };
    prof = rt_prof_new(&pc);
    if (prof == NULL || rt_suspend_init() != 0 || rt_newextram((int)cfg.extra_ms) != 0) {
        fprintf(stderr, PROG ": cannot set up the model runtime\n");
        return 1;
    }
    static rt_thread_t *threads[MAX_WORKERS];
    for (uint64_t i = 0; i < cfg.workers; i++)
        if (rt_thread_start(&threads[i], worker_main, &cfg) != 0) {
            fprintf(stderr, PROG ": cannot start worker %llu\n", (unsigned long long)i);
            return 1;
        }
    int rc;
    if (cfg.signal) {
        for (rt_m_t *mp = rt_allm(); mp != NULL; mp = mp->alllink)
            atomic_store(&mp->profilehz, (int32_t)cfg.hz);
        rc = rt_sigprof_start((uint32_t)cfg.hz, on_tick);
    } else {
        rc = rt_prof_start(prof);
    }
    if (rc != 0) {
        fprintf(stderr, PROG ": cannot start the profiler\n");
        return 1;
    }
    uint64_t t0 = rt_now_ns(), end = t0 + cfg.duration_ms * 1000000u;
    for (uint64_t now = rt_now_ns(); now < end; now = rt_now_ns()) {
        uint64_t left_us = (end - now) / 1000u;
        rt_sleep_us(left_us > 100000 ? 100000 : (uint32_t)left_us + 1);
    }
    if (cfg.signal)
        rt_sigprof_stop();
    else
        rt_prof_stop(prof);
    atomic_store(&stop_workers, true);
    for (uint64_t i = 0; i < cfg.workers; i++)
        rt_thread_join(threads[i]);
    rt_prof_stats_t ps;
    rt_prof_stats(prof, &ps);
    typedef unsigned long long ull;
    printf("scenario=self-sampling sampler=%s guard=%s seed=%llu duration_ms=%llu workers=%llu "
           "extra_ms=%llu samples=%llu ticks=%llu ticks_on_m=%llu ticks_in_malloc=%llu "
           "moved=%llu migrations=%llu\n",
           cfg.signal ? "signal" : "suspend", cfg.guard == RT_GUARD_TARGET ? "target" : "self",
           (ull)cfg.seed, (ull)cfg.duration_ms, (ull)cfg.workers, (ull)cfg.extra_ms,
           (ull)ps.samples, (ull)atomic_load(&ticks), (ull)atomic_load(&ticks_on_m),
           (ull)atomic_load(&ticks_in_malloc), (ull)ps.moved, (ull)rt_migrations());
    rt_prof_free(prof);
    return 0;
}
