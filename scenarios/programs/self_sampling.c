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
 *                      --steer-us makes it wait for the 17165 window
 *                      (the M it looked at moved to another thread), so
 *                      a loaded machine still meets it.
 * Success: exit 0 and one key=value line; a crash: Go's throw, exit 2. */
#include <stdatomic.h>
#include <stdio.h>

#include "model/m.h"
#include "model/malloc.h"
#include "model/prof.h"
#include "model/schedpt.h"
#include "model/sigprof.h"
#include "model/suspend.h"
#include "model/thread.h"
#include "programs/options.h"
#include "programs/run.h"

#define PROG "self-sampling"

typedef struct config {
    uint64_t guard;  /* rt_guard_t */
    uint64_t signal; /* 1: SIGPROF, 0: the suspending profiler */
    uint64_t duration_ms, seed, workers, extra_ms, allocs, hz;
    uint64_t steer_us;    /* suspending profiler: wait for the M to move */
    uint64_t min_steered; /* run on until this many samples were steered */
} config_t;

static rt_prof_t *prof;
static atomic_bool stop_workers;
static _Atomic uint64_t ticks, ticks_on_m, ticks_in_malloc, steered;

static void parse(int argc, char **argv, config_t *cfg)
{
    *cfg = (config_t){ .guard = RT_GUARD_TARGET, .signal = 1, .duration_ms = 500, .seed = 1,
                       .workers = 8, .extra_ms = 2, .allocs = 64, .hz = 1000 };
    const rt_opt_t opts[] = {
        { .name = "sampler", .metavar = "signal|suspend", .kind = RT_OPT_CHOICE,
          .target = &cfg->signal,
          .words = (const rt_opt_word_t[]){ { "signal", 1 }, { "suspend", 0 }, { NULL, 0 } },
          .help = "SIGPROF on the running thread, or another\n"
                  "thread suspending it (Windows)      [signal]" },
        { RT_OPT_GUARD(&cfg->guard),
          .help = "mp.mallocing++ on the sampled M (Go 1.7) or\n"
                  "getg().m.mallocing++ (e6da64b)       [target]" },
        { RT_OPT_DURATION_MS(&cfg->duration_ms),
          .help = "run time (1..3600000)                [500]" },
        { RT_OPT_SEED(&cfg->seed), .help = "recorded; default $RACELAB_SEED, else 1" },
        { RT_OPT_WORKERS(&cfg->workers),
          .help = "callback threads (1.." RT_MAX_WORKERS_TEXT ")             [8]" },
        { RT_OPT_EXTRA_MS(&cfg->extra_ms), .help = "extra Ms (1..1024)                   [2]" },
        { RT_OPT_ALLOCS(&cfg->allocs, 1), .help = "rt_malloc calls per callback (1..100000) [64]" },
        { .name = "hz", .metavar = "N", .kind = RT_OPT_NUM, .target = &cfg->hz, .min = 1,
          .max = 100000,
          .help = "SIGPROFs per thread per second, or passes over\n"
                  "allm per second (1..100000)          [1000]" },
        { .name = "steer-us", .metavar = "US", .kind = RT_OPT_NUM, .target = &cfg->steer_us,
          .min = 0, .max = 1000000,
          .help = "--sampler=suspend: the profiler waits up to US\n"
                  "before its suspend until the M it looked at\n"
                  "left that thread, and with the guard raised\n"
                  "until another thread runs it (0 = natural\n"
                  "timing)                                  [0]" },
        { RT_OPT_MIN_STEERED(&cfg->min_steered),
          .help = "with --steer-us: run past --duration-ms until N\n"
                  "samples were steered (at most 10 times the\n"
                  "duration), so a loaded machine still meets the\n"
                  "window; the same with either guard      [0]" },
        { .name = NULL },
    };
    const rt_prog_t prog = {
        .name = PROG,
        .synopsis = "[--knob=value ...]",
        .about = "Issue 17165's workload sampled by a SIGPROF handler on the sampled thread\n"
                 "(Go's Unix profiler), where the sampled M is the current M and the buggy guard\n"
                 "is harmless, or by the suspending profiler, where it is not.\n",
        .column = 24,
        .opts = opts,
        .epilogue = "Summary keys: samples (sigprof calls), ticks (SIGPROFs), ticks_on_m (the\n"
                    "interrupted thread had an M), ticks_in_malloc (it was inside rt_malloc with\n"
                    "mallocing=1 - the guard then lands on a busy M and is still harmless),\n"
                    "moved (samples of an M that had left the suspended thread), steered (of\n"
                    "those, the samples whose M another thread ran under the raised guard).\n",
    };
    rt_opts_parse(&prog, argc, argv);
    if (cfg->steer_us > 0 && cfg->signal)
        rt_knob_usage_error(PROG, "--steer-us steers the suspending profiler: it needs "
                                  "--sampler=suspend (a SIGPROF samples its own thread)");
    if (cfg->min_steered > 0 && cfg->steer_us == 0)
        rt_knob_usage_error(PROG, "--min-steered counts steered samples: it needs --steer-us");
}

/* --min-steered: the run has steered that many samples. */
static bool steered_enough(void *ctx)
{
    const config_t *cfg = ctx;
    return atomic_load(&steered) >= cfg->min_steered;
}

/* Waits, yielding, until the thread running mp is neither `a` nor `b` (0:
 * any thread, or none) or the time is up; returns the thread it saw last. */
static rt_thandle_t wait_while_on(struct rt_m *mp, rt_thandle_t a, rt_thandle_t b, uint64_t until)
{
    rt_thandle_t now_on = atomic_load_explicit(&mp->thread, memory_order_relaxed);
    while ((now_on == a || now_on == b) && rt_now_ns() < until) {
        rt_thread_yield();
        now_on = atomic_load_explicit(&mp->thread, memory_order_relaxed);
    }
    return now_on;
}

/* The steering hook (--steer-us) of the suspending profiler: two waits, each
 * up to steer_us, the same with either guard.  Before the suspend, until the
 * thread it loaded from mp->thread has let the M go: the suspend then stops
 * a thread that no longer runs mp (the 17165 window).  With sigprof's guard
 * raised, until another thread runs mp, and on while that thread keeps it:
 * with --guard=target that thread's next allocation dies, with --guard=self
 * it allocates as usual.  The workers' points return at once. */
static void steer(rt_schedpt_id_t pt, struct rt_m *mp, void *ctx)
{
    const config_t *cfg = ctx;
    if (pt != RT_SP_PROF_BEFORE_SUSPEND && pt != RT_SP_SIGPROF_GUARDED)
        return;
    rt_thandle_t loaded = rt_prof_loaded_thread();
    uint64_t until = rt_now_ns() + cfg->steer_us * 1000u;
    if (pt == RT_SP_PROF_BEFORE_SUSPEND) {
        wait_while_on(mp, loaded, loaded, until);
        return;
    }
    if (atomic_load_explicit(&mp->thread, memory_order_relaxed) == loaded)
        return; /* the window did not open: the stopped thread still runs mp */
    rt_thandle_t owner = wait_while_on(mp, loaded, 0, until);
    if (owner == loaded || owner == 0)
        return;
    atomic_fetch_add_explicit(&steered, 1, memory_order_relaxed);
    wait_while_on(mp, owner, owner, until);
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
    rt_prof_config_t pc = { .guard = (rt_guard_t)cfg.guard, .hz = (uint32_t)cfg.hz, .sample_work = 20000,
                            .window_ns = 0, .suspend_timeout_ms = 1000, .max_samples = 4096 };
    prof = rt_prof_new(&pc);
    if (prof == NULL || rt_suspend_init() != 0 || rt_newextram((int)cfg.extra_ms) != 0) {
        fprintf(stderr, PROG ": cannot set up the model runtime\n");
        return 1;
    }
    static rt_thread_t *threads[RT_MAX_WORKERS];
    if (rt_start_workers(PROG, threads, cfg.workers, worker_main, &cfg, 0) != 0)
        return 1;
    int rc;
    if (cfg.signal) {
        for (rt_m_t *mp = rt_allm(); mp != NULL; mp = mp->alllink)
            atomic_store(&mp->profilehz, (int32_t)cfg.hz);
        rc = rt_sigprof_start((uint32_t)cfg.hz, on_tick);
    } else {
        if (cfg.steer_us > 0)
            rt_schedpt_install(steer, &cfg);
        rc = rt_prof_start(prof);
    }
    if (rc != 0) {
        fprintf(stderr, PROG ": cannot start the profiler\n");
        return 1;
    }
    uint64_t t0 = rt_now_ns();
    if (cfg.min_steered > 0)
        rt_run_on_until(t0, cfg.duration_ms, steered_enough, &cfg);
    else
        rt_sleep_until(t0 + cfg.duration_ms * 1000000u);
    if (cfg.signal)
        rt_sigprof_stop();
    else
        rt_prof_stop(prof);
    atomic_store(&stop_workers, true);
    rt_join_workers(threads, cfg.workers);
    rt_prof_stats_t ps;
    rt_prof_stats(prof, &ps);
    typedef unsigned long long ull;
    printf("scenario=self-sampling sampler=%s guard=%s seed=%llu duration_ms=%llu workers=%llu "
           "extra_ms=%llu samples=%llu ticks=%llu ticks_on_m=%llu ticks_in_malloc=%llu "
           "moved=%llu steered=%llu migrations=%llu\n",
           cfg.signal ? "signal" : "suspend", cfg.guard == RT_GUARD_TARGET ? "target" : "self",
           (ull)cfg.seed, (ull)cfg.duration_ms, (ull)cfg.workers, (ull)cfg.extra_ms,
           (ull)ps.samples, (ull)atomic_load(&ticks), (ull)atomic_load(&ticks_on_m),
           (ull)atomic_load(&ticks_in_malloc), (ull)ps.moved, (ull)atomic_load(&steered), (ull)rt_migrations());
    rt_prof_free(prof);
    return 0;
}
