/* borrowed-m-profiler - Go issue 17165 in the model runtime.
 *
 * Worker threads that the runtime did not create loop over needm, a callback
 * that allocates, dropm: the extra Ms migrate between OS threads.  A
 * profiler thread suspends and samples the threads running Ms.  With
 * --guard=target the profiler raises the allocation guard on the sampled M
 * (Go 1.7) and, once an M has moved on between its load of mp->thread and the
 * suspend, kills the new owner's next allocation: "fatal error: malloc
 * deadlock", exit status 2.  With --guard=self (Go commit e6da64b) it cannot.
 *
 * Success: exit 0 and one line of key=value pairs on stdout.  Bad knobs: a
 * message naming the knob and exit 64. */
#include <stdatomic.h>
#include <stdio.h>

#include "model/forced.h"
#include "model/m.h"
#include "model/malloc.h"
#include "model/perturb.h"
#include "model/prof.h"
#include "model/suspend.h"
#include "model/thread.h"
#include "programs/options.h"
#include "programs/run.h"

#define PROG "borrowed-m-profiler"

enum mode { MODE_NATURAL, MODE_PERTURB, MODE_FORCED };

/* Exit status when --mode=forced could not complete its script. */
#define EXIT_NOT_FORCED 3

typedef struct config {
    uint64_t mode;  /* enum mode */
    uint64_t guard; /* rt_guard_t */
    uint64_t duration_ms, seed, workers, extra_ms, allocs, alloc_size;
    uint64_t profiler_hz; /* 0 off, RT_PROF_HZ_MAX back-to-back */
    uint64_t sample_work, window_ns, callback_work, suspend_timeout_ms;
    uint64_t pause; /* rt_pause */
    uint64_t perturb_depth, perturb_max_delay_us, forced_timeout_ms;
    uint64_t forced_abort_first; /* attempts aborted on purpose (tests) */
    uint64_t min_moved; /* run on until the profiler hit this many windows */
} config_t;

typedef struct worker {
    const config_t *cfg;
    uint32_t index;
    uint64_t callbacks, allocations, checksum;
} worker_t;

static atomic_bool stop_workers;

static const config_t defaults = {
    .mode = MODE_NATURAL,
    .guard = RT_GUARD_TARGET,
    .duration_ms = 1000,
    .seed = 1,
    .workers = 8,
    .extra_ms = 2,
    .allocs = 64,
    .alloc_size = 256,
    .profiler_hz = 1000,
    .sample_work = 20000,
    .window_ns = 0,
    .callback_work = 0,
    .suspend_timeout_ms = 1000,
    .pause = RT_PAUSE_YIELD,
    .perturb_depth = 3,
    .perturb_max_delay_us = 20,
    .forced_timeout_ms = 2000,
};

static const rt_opt_word_t mode_words[] = {
    { "natural", MODE_NATURAL },
    { "perturb", MODE_PERTURB },
    { "forced", MODE_FORCED },
    { NULL, 0 },
};

static void parse(int argc, char **argv, config_t *cfg)
{
    *cfg = defaults;
    const rt_opt_t opts[] = {
        { RT_OPT_GUARD(&cfg->guard),
          .help = "where sigprof raises the no-malloc guard: target =\n"
                  "mp.mallocing++ (Go 1.7, buggy), self =\n"
                  "getg().m.mallocing++ (e6da64b, fixed)   [target]" },
        { RT_OPT_DURATION_MS(&cfg->duration_ms),
          .help = "run time in milliseconds (1..3600000)   [1000]" },
        { RT_OPT_SEED(&cfg->seed),
          .help = "recorded in the summary; drives perturbation.\n"
                  "Default: $RACELAB_SEED, else 1" },
        { RT_OPT_PROFILER_HZ(&cfg->profiler_hz, 0, RT_PROF_HZ_MAX),
          .help = "profiler passes over allm per second; 0 = no\n"
                  "profiler, max = back to back          [1000]" },
        { RT_OPT_WORKERS(&cfg->workers),
          .help = "non-runtime threads doing callbacks (1.." RT_MAX_WORKERS_TEXT ") [8]" },
        { RT_OPT_EXTRA_MS(&cfg->extra_ms), .help = "extra Ms to lend them (1..1024)         [2]" },
        { RT_OPT_ALLOCS(&cfg->allocs, 0), .help = "rt_malloc calls per callback (0..100000) [64]" },
        { .name = "alloc-size", .metavar = "N", .kind = RT_OPT_NUM, .target = &cfg->alloc_size,
          .min = 1, .max = 1048576, .help = "bytes per allocation (1..1048576)       [256]" },
        { .name = "callback-work", .metavar = "N", .kind = RT_OPT_NUM,
          .target = &cfg->callback_work, .min = 0, .max = 100000,
          .help = "extra passes over each block between\n"
                  "allocations (0..100000)                 [0]" },
        { .name = "sample-work", .metavar = "N", .kind = RT_OPT_NUM,
          .target = &cfg->sample_work, .min = 0, .max = 100000000,
          .help = "stack-walk frames per sample, done with the\n"
                  "guard raised (0..100000000)             [20000]" },
        { RT_OPT_PAUSE(&cfg->pause),
          .help = "between callbacks (after dropm): nothing,\n"
                  "sched_yield, or sleep US microseconds   [yield]" },
        { RT_OPT_WINDOW_NS(&cfg->window_ns),
          .help = "busy delay between the profiler's load of\n"
                  "mp->thread and its suspend (0..1000000000) [0]" },
        { RT_OPT_SUSPEND_TIMEOUT_MS(&cfg->suspend_timeout_ms),
          .help = "bound on one suspend handshake (1..60000) [1000]" },
        { .name = "mode", .metavar = "natural|perturb|forced", .kind = RT_OPT_CHOICE,
          .target = &cfg->mode, .words = mode_words,
          .help = "\n"
                  "natural: nothing injected; perturb: seeded\n"
                  "yields/delays with PCT-style priority change\n"
                  "points at the schedule points (same seed, same\n"
                  "decisions); forced: the 17165 interleaving\n"
                  "scripted across the real threads, the run ends\n"
                  "when the script does (exit 3 if it cannot)\n"
                  "                                        [natural]" },
        { .name = "perturb-depth", .metavar = "N", .kind = RT_OPT_NUM,
          .target = &cfg->perturb_depth, .min = 0, .max = 8,
          .help = "PCT priority change points per thread (0..8) [3]" },
        { .name = "perturb-max-delay-us", .metavar = "N", .kind = RT_OPT_NUM,
          .target = &cfg->perturb_max_delay_us, .min = 1, .max = 100000,
          .help = "longest injected delay (1..100000)     [20]" },
        { .name = "min-moved", .metavar = "N", .kind = RT_OPT_NUM,
          .target = &cfg->min_moved, .min = 0, .max = 1000000,
          .help = "run on past --duration-ms (up to 10 times\n"
                  "it) until N samples hit a moved M (the\n"
                  "summary's moved=); not with forced      [0]" },
        { .name = "forced-timeout-ms", .metavar = "N", .kind = RT_OPT_NUM,
          .target = &cfg->forced_timeout_ms, .min = 1, .max = 60000,
          .help = "bound on each forced handshake (1..60000) [2000]" },
        { .name = "forced-abort-first", .metavar = "N", .kind = RT_OPT_NUM,
          .target = &cfg->forced_abort_first, .min = 0, .max = 1000000,
          .help = "abort the first N forced attempts on\n"
                  "purpose, to test the retry (0..1000000) [0]" },
        { .name = NULL },
    };
    const rt_prog_t prog = {
        .name = PROG,
        .synopsis = "[--knob=value ...]",
        .about = "Go issue 17165: a sampling profiler suspends threads that borrow extra Ms;\n"
                 "with the guard on the sampled M a migrated M's next allocation dies with\n"
                 "'fatal error: malloc deadlock' (exit 2).  Success prints one key=value line.\n",
        .column = 22,
        .opts = opts,
        .epilogue = "Summary keys: samples (sigprof calls), moved (samples of an M that had\n"
                    "left the suspended thread: the 17165 window), migrations (needm giving an M to\n"
                    "a thread other than its last owner), callbacks, allocations, and the\n"
                    "knobs that shaped the run.  A crash prints a 'runtime: m=...' line naming\n"
                    "the M, its mallocing value and whether the collision was live or a\n"
                    "counter left behind by a lost update.\n",
    };
    rt_opts_parse(&prog, argc, argv);
    if (cfg->mode == MODE_FORCED &&
        (cfg->profiler_hz == 0 || cfg->allocs == 0 || cfg->workers <= cfg->extra_ms))
        rt_knob_usage_error(PROG, "--mode=forced needs the profiler on (--profiler-hz), "
                                  "--allocs >= 1 and more --workers than --extra-ms");
    if (cfg->forced_abort_first > 0 && cfg->mode != MODE_FORCED)
        rt_knob_usage_error(PROG, "--forced-abort-first needs --mode=forced");
    if (cfg->min_moved > 0 && (cfg->mode == MODE_FORCED || cfg->profiler_hz == 0))
        rt_knob_usage_error(PROG, "--min-moved needs the profiler on (--profiler-hz) and "
                                  "--mode=natural or perturb (forced ends with its script)");
}

static void worker_main(void *arg)
{
    worker_t *w = arg;
    const config_t *cfg = w->cfg;
    if (rt_suspend_register_self() != 0)
        rt_throw("cannot register worker for suspension", NULL);
    rt_perturb_set_role(w->index + 1);
    uint64_t sum = 0;
    while (!atomic_load_explicit(&stop_workers, memory_order_relaxed)) {
        rt_needm();
        w->callbacks++;
        for (uint64_t k = 0; k < cfg->allocs; k++) {
            unsigned char *b = rt_malloc((size_t)cfg->alloc_size);
            for (uint64_t r = 0; r < cfg->callback_work; r++)
                for (uint64_t i = 0; i < cfg->alloc_size; i += 64)
                    sum += b[i] + r;
            sum += b[cfg->alloc_size - 1];
            rt_free(b);
            w->allocations++;
        }
        rt_dropm();
        rt_pause(cfg->pause);
    }
    w->checksum = sum;
    rt_suspend_unregister_self();
}

static const char *guard_name(uint64_t g)
{
    return g == RT_GUARD_TARGET ? "target" : "self";
}

static const char *mode_name(uint64_t m)
{
    return m == MODE_NATURAL ? "natural" : m == MODE_PERTURB ? "perturb" : "forced";
}

/* What --min-moved waits for: the profiler has hit that many moved Ms. */
typedef struct moved_goal {
    rt_prof_t *prof;
    uint64_t min_moved;
} moved_goal_t;

static bool moved_enough(void *ctx)
{
    const moved_goal_t *goal = ctx;
    if (goal->min_moved == 0)
        return true; /* no goal, and with --profiler-hz=0 no profiler */
    rt_prof_stats_t ps;
    rt_prof_stats(goal->prof, &ps);
    return ps.moved >= goal->min_moved;
}

/* Sleeps until the run's end: its duration, or in forced mode the end of
 * the script (whichever comes first); with --min-moved, on past the
 * duration until the profiler has hit that many moved Ms (rt_run_on_until).
 * Returns the forced phase reached. */
static rt_forced_phase_t wait_for_end(const config_t *cfg, rt_prof_t *prof, uint64_t t0)
{
    uint64_t end = t0 + cfg->duration_ms * 1000000u;
    uint64_t now = rt_now_ns();
    if (cfg->mode == MODE_FORCED)
        return rt_forced_wait(now < end ? (uint32_t)((end - now) / 1000000u) : 0);
    moved_goal_t goal = { prof, cfg->min_moved };
    rt_run_on_until(t0, cfg->duration_ms, moved_enough, &goal);
    return RT_FORCED_IDLE;
}

int main(int argc, char **argv)
{
    config_t cfg;
    parse(argc, argv, &cfg);

    if (rt_suspend_init() != 0 || rt_newextram((int)cfg.extra_ms) != 0) {
        fprintf(stderr, PROG ": cannot set up the model runtime\n");
        return 1;
    }
    rt_prof_t *prof = NULL;
    if (cfg.profiler_hz != 0) {
        rt_prof_config_t pc = {
            .guard = (rt_guard_t)cfg.guard,
            .hz = (uint32_t)cfg.profiler_hz,
            .sample_work = (uint32_t)cfg.sample_work,
            .window_ns = (uint32_t)cfg.window_ns,
            .suspend_timeout_ms = (uint32_t)cfg.suspend_timeout_ms,
            .max_samples = 4096,
        };
        prof = rt_prof_new(&pc);
        if (prof == NULL) {
            fprintf(stderr, PROG ": cannot create the profiler\n");
            return 1;
        }
    }

    if (cfg.mode == MODE_PERTURB) {
        rt_perturb_config_t pc = { .seed = cfg.seed, .depth = (uint32_t)cfg.perturb_depth,
                                   .horizon = 10000000,
                                   .max_delay_us = (uint32_t)cfg.perturb_max_delay_us };
        if (rt_perturb_install(&pc) != 0) {
            fprintf(stderr, PROG ": cannot install the perturbation\n");
            return 1;
        }
    } else if (cfg.mode == MODE_FORCED) {
        rt_forced_install((uint32_t)cfg.forced_timeout_ms, (unsigned)cfg.forced_abort_first);
    }

    static worker_t workers[RT_MAX_WORKERS];
    static rt_thread_t *threads[RT_MAX_WORKERS];
    for (uint64_t i = 0; i < cfg.workers; i++) {
        workers[i].cfg = &cfg;
        workers[i].index = (uint32_t)i;
    }
    uint64_t t0 = rt_now_ns();
    if (rt_start_workers(PROG, threads, cfg.workers, worker_main, workers, sizeof *workers) != 0)
        return 1;
    if (prof != NULL && rt_prof_start(prof) != 0) {
        fprintf(stderr, PROG ": cannot start the profiler thread\n");
        return 1;
    }

    rt_forced_phase_t forced = wait_for_end(&cfg, prof, t0);
    /* The profiler goes first: suspending a worker that has exited can only
     * time out (see suspend.h). */
    rt_prof_stats_t ps = { 0, 0, 0, 0, 0, 0, 0 };
    if (prof != NULL) {
        rt_prof_stop(prof);
        rt_prof_stats(prof, &ps);
    }
    /* Unscripted from here on: no thread may wait for a script step while
     * the others shut down. */
    rt_schedpt_install(NULL, NULL);
    atomic_store(&stop_workers, true);
    rt_join_workers(threads, cfg.workers);
    uint64_t callbacks = 0, allocations = 0;
    for (uint64_t i = 0; i < cfg.workers; i++) {
        callbacks += workers[i].callbacks;
        allocations += workers[i].allocations;
    }
    uint64_t elapsed_ms = (rt_now_ns() - t0) / 1000000u;

    char hz[32];
    if (cfg.profiler_hz == RT_PROF_HZ_MAX)
        snprintf(hz, sizeof hz, "max");
    else
        snprintf(hz, sizeof hz, "%llu", (unsigned long long)cfg.profiler_hz);
    typedef unsigned long long ull;
    printf("scenario=borrowed-m-profiler issue=17165 mode=%s guard=%s seed=%llu "
           "duration_ms=%llu elapsed_ms=%llu workers=%llu extra_ms=%llu profiler_hz=%s "
           "samples=%llu moved=%llu moved_busy=%llu migrations=%llu callbacks=%llu "
           "allocations=%llu passes=%llu skipped=%llu suspend_timeouts=%llu "
           "suspend_failures=%llu self_resumes=%llu",
           mode_name(cfg.mode), guard_name(cfg.guard), (ull)cfg.seed,
           (ull)cfg.duration_ms, (ull)elapsed_ms, (ull)cfg.workers, (ull)cfg.extra_ms, hz,
           (ull)ps.samples, (ull)ps.moved, (ull)ps.moved_busy, (ull)rt_migrations(),
           (ull)callbacks, (ull)allocations, (ull)ps.passes, (ull)ps.skipped,
           (ull)ps.suspend_timeouts, (ull)ps.suspend_failures, (ull)rt_suspend_self_resumes());
    if (cfg.mode == MODE_PERTURB)
        printf(" perturb_actions=%llu", (ull)rt_perturb_actions());
    if (cfg.mode == MODE_FORCED)
        printf(" forced=%s forced_aborts=%llu", rt_forced_phase_name(forced),
               (ull)rt_forced_aborts());
    printf("\n");
    rt_prof_free(prof);
    if (cfg.mode == MODE_FORCED && forced != RT_FORCED_DONE) {
        if (forced == RT_FORCED_ABORTED)
            fprintf(stderr, PROG ": --mode=forced: %llu attempts, each aborted; the last "
                            "was aborted in phase '%s'\n",
                    (ull)rt_forced_aborts(), rt_forced_phase_name(rt_forced_aborted_at()));
        else
            fprintf(stderr, PROG ": --mode=forced: the run ended in phase '%s' before the "
                            "script completed\n", rt_forced_phase_name(forced));
        return EXIT_NOT_FORCED;
    }
    return 0;
}
