/* suspend-family - the rest of issue 17165's family (Go's P2-P6) in the
 * model runtime: one pattern per run, in its buggy or its fixed shape.
 *
 * Worker threads the runtime did not create borrow extra Ms (needm), call
 * back (allocate), give them back (dropm); a profiler thread walks allm and
 * suspends and samples the threads running Ms, with the visit written the
 * way the chosen pattern's Go version wrote it (family.c).  A buggy shape
 * that takes its wrong step dies like a Go throw with the pattern's own
 * message, exit status 2; P6's buggy shape hangs.  Success: exit 0 and one
 * line of key=value pairs on stdout.  Bad knobs: exit 64. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/family.h"
#include "model/handles.h"
#include "patterns/registry.h"
#include "programs/knob.h"
#include "model/m.h"
#include "model/malloc.h"
#include "model/suspend.h"
#include "model/thread.h"

#define PROG "suspend-family"
#define MAX_WORKERS 256

typedef struct config {
    const rt_pattern_t *pattern;
    bool buggy, async;
    uint64_t duration_ms, seed, workers, extra_ms, allocs, hz, window_ns, timeout_ms, steer_us;
    bool have_workers;
    uint64_t pause; /* rt_pause */
} config_t;

typedef struct worker {
    const config_t *cfg;
    rt_thread_t *thread;
    uint64_t callbacks;
} worker_t;

static atomic_bool stop_workers;

/* The --pattern lines of the usage text, from the registry. */
static const char *pattern_help(void)
{
    static char text[4096];
    size_t len = 0;
    for (const rt_pattern_t *const *p = rt_patterns; *p != NULL; p++) {
        char name[64];
        snprintf(name, sizeof name, "%s|%s", (*p)->name, (*p)->shortname);
        len += (size_t)snprintf(text + len, sizeof text - len, "     %-20s  ", name);
        for (const char *h = (*p)->help; *h != '\0'; h++) {
            text[len++] = *h;
            if (*h == '\n')
                len += (size_t)snprintf(text + len, sizeof text - len, "%27s", "");
        }
        text[len++] = '\n';
    }
    text[len] = '\0';
    return text;
}

static void usage(FILE *f)
{
    fprintf(f,
        "usage: " PROG " --pattern=P [--variant=buggy|fixed] [--knob=value ...]\n"
        "Go's suspend-and-sample bug family in the model runtime.  A buggy shape dies\n"
        "with its pattern's own 'fatal error: ...' (exit 2) or, for P6, hangs; a\n"
        "fixed shape exits 0 and prints one key=value line.\n"
        "\n"
        "  --pattern=P             which bug (long or short name):\n"
        "%s"
        "  --variant=buggy|fixed   the shape before or after the fix        [buggy]\n"
        "  --suspend=native|async  native: the platform's suspend (Linux: a handshake\n"
        "                          that returns once the target stopped; Win32:\n"
        "                          SuspendThread); async: emulated asynchrony, the\n"
        "                          suspend returns before the target stopped and\n"
        "                          get-context waits for it          [native; p5: async]\n"
        "  --duration-ms=N         run time (1..3600000)                    [300]\n"
        "  --seed=N                recorded; default $RACELAB_SEED, else 1\n"
        "  --workers=N             callback threads (1..%d)        [8; p5: extra-ms]\n"
        "  --extra-ms=N            extra Ms (1..1024; p6: one is the profiler's) [2]\n"
        "  --allocs=N              rt_malloc calls per callback (0..100000)   [16]\n"
        "  --pause=none|yield|US   between callbacks, after dropm            [yield]\n"
        "  --profiler-hz=N|max     passes over allm per second (1..1000000) [max]\n"
        "  --window-ns=N           busy delay in the race window (0..1000000000) [0]\n"
        "  --steer-us=N            > 0: in the race window, wait up to N us for the\n"
        "                          event the bug needs (p2: the M moved to another\n"
        "                          thread; p3: the loaded value reused by another\n"
        "                          thread; p4: the M left the duplicated thread).\n"
        "                          Same wait in both shapes (0..10000000)   [0]\n"
        "  --suspend-timeout-ms=N  bound on one suspend handshake (1..60000) [1000]\n"
        "  --help                  this text\n"
        "\n"
        "Summary keys: samples, skipped, suspend_failed (failed suspends), dropped\n"
        "(samples a fixed P4 threw away), context_failed, migrations, callbacks.\n",
        pattern_help(), MAX_WORKERS);
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
    memset(cfg, 0, sizeof *cfg);
    cfg->buggy = true;
    cfg->duration_ms = 300;
    cfg->seed = 1;
    cfg->workers = 8;
    cfg->extra_ms = 2;
    cfg->allocs = 16;
    cfg->hz = UINT32_MAX;
    cfg->timeout_ms = 1000;
    cfg->pause = RT_PAUSE_YIELD;
    int async = -1;
    bool have_seed = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *v;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            usage(stdout);
            exit(0);
        }
        if (rt_knob_match(arg, "pattern", &v)) {
            cfg->pattern = rt_pattern_find(v);
            if (cfg->pattern == NULL)
                bad("pattern", v, rt_pattern_choices());
            continue;
        }
        if (rt_knob_match(arg, "variant", &v)) {
            if (strcmp(v, "buggy") == 0)
                cfg->buggy = true;
            else if (strcmp(v, "fixed") == 0)
                cfg->buggy = false;
            else
                bad("variant", v, "'buggy' or 'fixed'");
            continue;
        }
        if (rt_knob_match(arg, "suspend", &v)) {
            if (strcmp(v, "native") == 0)
                async = 0;
            else if (strcmp(v, "async") == 0)
                async = 1;
            else
                bad("suspend", v, "'native' or 'async'");
            continue;
        }
        if (rt_knob_match(arg, "profiler-hz", &v)) {
            if (strcmp(v, "max") == 0)
                cfg->hz = UINT32_MAX;
            else if (!rt_knob_u64(PROG, "profiler-hz", v, 1, 1000000, &cfg->hz))
                exit(RT_EXIT_USAGE);
            continue;
        }
        if (rt_knob_match(arg, "pause", &v)) {
            if (strcmp(v, "none") == 0)
                cfg->pause = RT_PAUSE_NONE;
            else if (strcmp(v, "yield") == 0)
                cfg->pause = RT_PAUSE_YIELD;
            else if (!rt_knob_u64(PROG, "pause", v, 0, 10000000, &cfg->pause))
                exit(RT_EXIT_USAGE);
            continue;
        }
        if (rt_knob_match(arg, "seed", &v)) {
            if (!rt_knob_u64(PROG, "seed", v, 0, UINT64_MAX, &cfg->seed))
                exit(RT_EXIT_USAGE);
            have_seed = true;
            continue;
        }
        if (rt_knob_match(arg, "workers", &v)) {
            if (!rt_knob_u64(PROG, "workers", v, 1, MAX_WORKERS, &cfg->workers))
                exit(RT_EXIT_USAGE);
            cfg->have_workers = true;
            continue;
        }
        NUM("duration-ms", duration_ms, 1, 3600000)
        NUM("extra-ms", extra_ms, 1, 1024)
        NUM("allocs", allocs, 0, 100000)
        NUM("window-ns", window_ns, 0, 1000000000)
        NUM("steer-us", steer_us, 0, 10000000)
        NUM("suspend-timeout-ms", timeout_ms, 1, 60000)
        char msg[256];
        snprintf(msg, sizeof msg, "unknown knob '%s'", arg);
        rt_knob_usage_error(PROG, msg);
    }
    if (cfg->pattern == NULL) {
        char msg[256];
        snprintf(msg, sizeof msg, "--pattern is required (%s, see --help)", rt_pattern_span());
        rt_knob_usage_error(PROG, msg);
    }
    if (!have_seed) {
        const char *env = getenv("RACELAB_SEED");
        if (env != NULL && *env != '\0' &&
            !rt_knob_u64(PROG, "seed (from RACELAB_SEED)", env, 0, UINT64_MAX, &cfg->seed))
            exit(RT_EXIT_USAGE);
    }
    rt_family_knobs_t k = { .workers = cfg->workers, .extra_ms = cfg->extra_ms,
                            .workers_set = cfg->have_workers, .async = async };
    const char *err = cfg->pattern->validate(&k);
    if (err != NULL)
        rt_knob_usage_error(PROG, err);
    cfg->workers = k.workers;
    cfg->async = k.async == 1;
}

static void worker_main(void *arg)
{
    worker_t *w = arg;
    const config_t *cfg = w->cfg;
    if (rt_h_register_self() != 0)
        rt_throw("cannot register worker", NULL);
    rt_family_work_t work = { .allocs = cfg->allocs, .pause = cfg->pause, .stop = &stop_workers };
    w->callbacks = cfg->pattern->work(&work);
    rt_h_unregister_self();
}

int main(int argc, char **argv)
{
    config_t cfg;
    parse(argc, argv, &cfg);
    rt_family_config_t fc = {
        .pattern = cfg.pattern,
        .buggy = cfg.buggy,
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
    static worker_t workers[MAX_WORKERS];
    uint64_t t0 = rt_now_ns();
    for (uint64_t i = 0; i < cfg.workers; i++) {
        workers[i].cfg = &cfg;
        if (rt_thread_start(&workers[i].thread, worker_main, &workers[i]) != 0) {
            fprintf(stderr, PROG ": cannot start worker %llu\n", (unsigned long long)i);
            return 1;
        }
    }
    if (rt_family_start() != 0) {
        fprintf(stderr, PROG ": cannot start the profiler thread\n");
        return 1;
    }
    uint64_t end = t0 + cfg.duration_ms * 1000000u;
    for (uint64_t now = rt_now_ns(); now < end; now = rt_now_ns()) {
        uint64_t left_us = (end - now) / 1000u;
        rt_sleep_us(left_us > 100000 ? 100000 : (uint32_t)left_us + 1);
    }
    /* The profiler first: a suspend of an exited worker can only fail. */
    rt_family_stop();
    atomic_store(&stop_workers, true);
    uint64_t callbacks = 0;
    for (uint64_t i = 0; i < cfg.workers; i++) {
        rt_thread_join(workers[i].thread);
        callbacks += workers[i].callbacks;
    }
    rt_h_shutdown();
    rt_family_stats_t st;
    rt_family_stats(&st);
    typedef unsigned long long ull;
    printf("scenario=suspend-family pattern=%s variant=%s suspend=%s seed=%llu duration_ms=%llu "
           "elapsed_ms=%llu workers=%llu extra_ms=%llu passes=%llu samples=%llu skipped=%llu "
           "suspend_failed=%llu dropped=%llu context_failed=%llu steered=%llu migrations=%llu callbacks=%llu\n",
           cfg.pattern->name, cfg.buggy ? "buggy" : "fixed",
           cfg.async ? "async" : "native", (ull)cfg.seed, (ull)cfg.duration_ms,
           (ull)((rt_now_ns() - t0) / 1000000u), (ull)cfg.workers, (ull)cfg.extra_ms,
           (ull)st.passes, (ull)st.samples, (ull)st.skipped, (ull)st.suspend_failed,
           (ull)st.dropped, (ull)st.context_failed, (ull)st.steered, (ull)rt_migrations(), (ull)callbacks);
    return 0;
}
