/* suspend-family - the rest of issue 17165's family (Go's P2-P8) in the
 * model runtime: one pattern per run, in its buggy or its fixed shape.
 *
 * Worker threads the runtime did not create borrow extra Ms (needm), call
 * back (allocate), give them back (dropm); a profiler thread walks allm and
 * suspends and samples the threads running Ms, with the visit written the
 * way the chosen pattern's Go version wrote it (patterns/).  A buggy shape
 * that takes its wrong step dies like a Go throw with the pattern's own
 * message, exit status 2; P6's buggy shape hangs.  Success: exit 0 and one
 * line of key=value pairs on stdout.  Bad knobs: exit 64. */
#include <stdatomic.h>
#include <stdio.h>

#include "model/family.h"
#include "model/handles.h"
#include "model/m.h"
#include "model/malloc.h"
#include "model/suspend.h"
#include "model/thread.h"
#include "patterns/registry.h"
#include "programs/options.h"
#include "programs/run.h"

#define PROG "suspend-family"

typedef struct config {
    const rt_pattern_t *pattern;
    const char *fix; /* --fix, NULL: the pattern's first fix */
    uint64_t buggy, async;
    bool workers_given, async_given;
    uint64_t duration_ms, seed, workers, extra_ms, allocs, hz, window_ns, timeout_ms, steer_us;
    uint64_t min_steered; /* run on until this many windows were steered */
    uint64_t pause; /* rt_pause */
} config_t;

typedef struct worker {
    const config_t *cfg;
    uint64_t callbacks;
} worker_t;

static atomic_bool stop_workers;

/* --pattern's list, from the registry: "name|short" and the help. */
static void pattern_help(FILE *f)
{
    for (const rt_pattern_t *const *p = rt_patterns; *p != NULL; p++) {
        char name[64];
        snprintf(name, sizeof name, "%s|%s", (*p)->name, (*p)->shortname);
        fprintf(f, "     %-20s  ", name);
        for (const char *h = (*p)->help; *h != '\0'; h++) {
            fputc(*h, f);
            if (*h == '\n')
                fprintf(f, "%27s", "");
        }
        fputc('\n', f);
    }
}

static const char *parse_pattern(const char *value, void *any)
{
    const rt_pattern_t **out = any;
    *out = rt_pattern_find(value);
    return *out == NULL ? rt_pattern_choices() : NULL;
}

static const char *parse_fix(const char *value, void *any)
{
    *(const char **)any = value;
    return NULL;
}

static void parse(int argc, char **argv, config_t *cfg)
{
    *cfg = (config_t){ .buggy = 1, .duration_ms = 300, .seed = 1, .workers = 8, .extra_ms = 2,
                       .allocs = 16, .hz = UINT32_MAX, .timeout_ms = 1000,
                       .pause = RT_PAUSE_YIELD };
    char required[128];
    snprintf(required, sizeof required, "--pattern is required (%s, see --help)",
             rt_pattern_span());
    const rt_opt_t opts[] = {
        { .name = "pattern", .metavar = "P", .kind = RT_OPT_FUNC, .parse = parse_pattern,
          .any = &cfg->pattern, .required = required,
          .help = "which bug (long or short name):", .more_help = pattern_help },
        { .name = "variant", .metavar = "buggy|fixed", .kind = RT_OPT_CHOICE,
          .target = &cfg->buggy,
          .words = (const rt_opt_word_t[]){ { "buggy", 1 }, { "fixed", 0 }, { NULL, 0 } },
          .help = "the shape before or after the fix        [buggy]" },
        { .name = "fix", .metavar = "NAME", .kind = RT_OPT_FUNC, .parse = parse_fix,
          .any = &cfg->fix,
          .help = "with --variant=fixed, a pattern fixed more than\n"
                  "one way: which fix (p7: prealloc, watchdog,\n"
                  "lockfree)                       [the first]" },
        { .name = "suspend", .metavar = "native|async", .kind = RT_OPT_CHOICE,
          .target = &cfg->async, .given = &cfg->async_given,
          .words = (const rt_opt_word_t[]){ { "native", 0 }, { "async", 1 }, { NULL, 0 } },
          .help = "native: the platform's suspend (Linux: a handshake\n"
                  "that returns once the target stopped; Win32:\n"
                  "SuspendThread); async: emulated asynchrony, the\n"
                  "suspend returns before the target stopped and\n"
                  "get-context waits for it          [native; p5: async]" },
        { RT_OPT_DURATION_MS(&cfg->duration_ms),
          .help = "run time (1..3600000)                    [300]" },
        { RT_OPT_SEED(&cfg->seed), .help = "recorded; default $RACELAB_SEED, else 1" },
        { RT_OPT_WORKERS(&cfg->workers), .given = &cfg->workers_given,
          .help = "callback threads (1.." RT_MAX_WORKERS_TEXT ")        [8; p5: extra-ms]" },
        { RT_OPT_EXTRA_MS(&cfg->extra_ms),
          .help = "extra Ms (1..1024; p6: one is the profiler's) [2]" },
        { RT_OPT_ALLOCS(&cfg->allocs, 0),
          .help = "rt_malloc calls per callback (0..100000)   [16]" },
        { RT_OPT_PAUSE(&cfg->pause), .help = "between callbacks, after dropm            [yield]" },
        { RT_OPT_PROFILER_HZ(&cfg->hz, 1, UINT32_MAX),
          .help = "passes over allm per second (1..1000000) [max]" },
        { RT_OPT_WINDOW_NS(&cfg->window_ns),
          .help = "busy delay in the race window (0..1000000000) [0]" },
        { .name = "steer-us", .metavar = "N", .kind = RT_OPT_NUM, .target = &cfg->steer_us,
          .min = 0, .max = 10000000,
          .help = "> 0: in the race window, wait up to N us for the\n"
                  "event the bug needs (p2: the M moved to another\n"
                  "thread; p3: the loaded value reused by another\n"
                  "thread; p4: the M left the duplicated thread;\n"
                  "p7: the suspended thread holds the heap lock,\n"
                  "re-suspending until it does).\n"
                  "Same wait in both shapes (0..10000000)   [0]" },
        { RT_OPT_MIN_STEERED(&cfg->min_steered),
          .help = "with --steer-us: run past --duration-ms until N\n"
                  "race windows were steered (at most 10 times the\n"
                  "duration), so a loaded machine still meets the\n"
                  "interleaving; the same in both shapes  [0]" },
        { RT_OPT_SUSPEND_TIMEOUT_MS(&cfg->timeout_ms),
          .help = "bound on one suspend handshake (1..60000) [1000]" },
        { .name = NULL },
    };
    const rt_prog_t prog = {
        .name = PROG,
        .synopsis = "--pattern=P [--variant=buggy|fixed] [--knob=value ...]",
        .about = "Go's suspend-and-sample bug family in the model runtime.  A buggy shape dies\n"
                 "with its pattern's own 'fatal error: ...' (exit 2) or, for P6, hangs; a\n"
                 "fixed shape exits 0 and prints one key=value line.\n",
        .column = 22,
        .opts = opts,
        .epilogue = "Summary keys: samples, skipped, suspend_failed (failed suspends), dropped\n"
                    "(samples a fixed P4 or P7-watchdog threw away), context_failed, migrations, callbacks.\n",
    };
    rt_opts_parse(&prog, argc, argv);
    rt_family_knobs_t k = { .workers = cfg->workers, .extra_ms = cfg->extra_ms,
                            .workers_set = cfg->workers_given,
                            .async = cfg->async_given ? (int)cfg->async : -1 };
    if (cfg->fix != NULL && (cfg->buggy || rt_pattern_fix(cfg->pattern, cfg->fix) == NULL)) {
        char msg[384];
        const char *names = rt_pattern_fix_names(cfg->pattern);
        if (cfg->buggy)
            snprintf(msg, sizeof msg, "--fix=%s needs --variant=fixed", cfg->fix);
        else if (names[0] == '\0')
            snprintf(msg, sizeof msg, "--fix=%s: --pattern=%s has one fix; leave --fix out",
                     cfg->fix, cfg->pattern->name);
        else
            snprintf(msg, sizeof msg, "--fix=%s: --pattern=%s's fixes are %s", cfg->fix,
                     cfg->pattern->name, names);
        rt_knob_usage_error(PROG, msg);
    }
    const char *err = cfg->pattern->validate(&k);
    if (err != NULL)
        rt_knob_usage_error(PROG, err);
    cfg->workers = k.workers;
    cfg->async = k.async == 1;
}

/* --min-steered: the run has steered that many race windows. */
static bool steered_enough(void *ctx)
{
    const config_t *cfg = ctx;
    rt_family_stats_t st;
    rt_family_stats(&st);
    return st.steered >= cfg->min_steered;
}

static void worker_main(void *arg)
{
    worker_t *w = arg;
    const config_t *cfg = w->cfg;
    if (rt_h_register_self() != 0)
        rt_throw("cannot register worker", NULL);
    rt_family_work_t work = { .allocs = cfg->allocs, .pause = cfg->pause, .stop = &stop_workers };
    w->callbacks = rt_family_work(&work);
    rt_h_unregister_self();
}

int main(int argc, char **argv)
{
    config_t cfg;
    parse(argc, argv, &cfg);
    rt_family_config_t fc = {
        .pattern = cfg.pattern,
        .buggy = cfg.buggy != 0,
        .fix = cfg.fix,
        .hz = (uint32_t)cfg.hz,
        .window_ns = (uint32_t)cfg.window_ns,
        .steer_us = (uint32_t)cfg.steer_us,
        .suspend_timeout_ms = (uint32_t)cfg.timeout_ms,
    };
    if (rt_suspend_init() != 0 || rt_newextram((int)cfg.extra_ms) != 0 ||
        rt_family_setup(&fc) != 0 || (cfg.async && rt_h_set_async(true) != 0)) {
        fprintf(stderr, PROG ": cannot set up the model runtime\n");
        return 1;
    }
    static worker_t workers[RT_MAX_WORKERS];
    static rt_thread_t *threads[RT_MAX_WORKERS];
    for (uint64_t i = 0; i < cfg.workers; i++)
        workers[i].cfg = &cfg;
    uint64_t t0 = rt_now_ns();
    if (rt_start_workers(PROG, threads, cfg.workers, worker_main, workers, sizeof *workers) != 0)
        return 1;
    if (rt_family_start() != 0) {
        fprintf(stderr, PROG ": cannot start the profiler thread\n");
        return 1;
    }
    rt_run_on_until(t0, cfg.duration_ms, steered_enough, &cfg);
    /* The profiler first: a suspend of an exited worker can only fail. */
    rt_family_stop();
    atomic_store(&stop_workers, true);
    rt_join_workers(threads, cfg.workers);
    uint64_t callbacks = 0;
    for (uint64_t i = 0; i < cfg.workers; i++)
        callbacks += workers[i].callbacks;
    rt_h_shutdown();
    rt_family_stats_t st;
    rt_family_stats(&st);
    typedef unsigned long long ull;
    const rt_pattern_shape_t *fix = rt_pattern_fix(cfg.pattern, cfg.fix);
    printf("scenario=suspend-family pattern=%s variant=%s%s%s suspend=%s seed=%llu duration_ms=%llu "
           "elapsed_ms=%llu workers=%llu extra_ms=%llu passes=%llu samples=%llu skipped=%llu "
           "suspend_failed=%llu dropped=%llu context_failed=%llu steered=%llu migrations=%llu callbacks=%llu\n",
           cfg.pattern->name, cfg.buggy ? "buggy" : "fixed",
           !cfg.buggy && fix->name != NULL ? "-" : "", !cfg.buggy && fix->name != NULL ? fix->name : "",
           cfg.async ? "async" : "native", (ull)cfg.seed, (ull)cfg.duration_ms,
           (ull)((rt_now_ns() - t0) / 1000000u), (ull)cfg.workers, (ull)cfg.extra_ms,
           (ull)st.passes, (ull)st.samples, (ull)st.skipped, (ull)st.suspend_failed,
           (ull)st.dropped, (ull)st.context_failed, (ull)st.steered, (ull)rt_migrations(), (ull)callbacks);
    return 0;
}
