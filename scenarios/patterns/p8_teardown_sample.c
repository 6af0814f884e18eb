/* P8: a sample during a thread's teardown.  A thread leaves the runtime -
 * releases its per-thread state (signal stack, thread-local profiler
 * record), drops its M, exits - while the profiler targets it, and the
 * sample runs on state already released.  golang/go#77588 ("signal
 * received on thread with no signal stack": dropm/mexit with SIGPROF
 * active), DataDog/java-profiler#552 (SIGPROF between the TLS release and
 * the unregistering: a use-after-free), facebook/hermes#1995 (pthread_kill
 * on an exited thread).
 *
 * The workers are short-lived threads: each registers, borrows an M,
 * publishes its state on it (model/tstate.h), calls back, tears down and
 * exits.  Buggy teardown (DataDog#552's order): release the state, then
 * unpublish it.  Fixed: unpublish before release - a profiler that stopped
 * the thread before the unpublish finds the state still live, one that
 * stopped it after finds none.  The profiler's visit is the same in both
 * shapes, with P4's fix (the M must still run on the stopped thread).
 * Oracle: the state a sample runs on must not be released. */
#include <stdio.h>

#include "model/family.h"
#include "model/malloc.h"
#include "model/thread.h"
#include "model/tstate.h"
#include "patterns/registry.h"

typedef unsigned long long ull;

/* Visits that stopped the M's thread and looked at the state it
 * published, by M id (ids 0..1024); the teardown window waits for one.  A
 * visit that could not look (the M's lock busy, the M moved) does not end
 * the window: it met nothing, and a buggy window so ended let the thread
 * unpublish its released state unsampled. */
static _Atomic uint64_t visits[1025];

static void visit(rt_m_t *mp)
{
    rt_thandle_t thread = rt_family_dup_under_lock(mp);
    if (thread == 0 || !rt_family_suspend_copy(mp, thread))
        return;
    uint64_t stopped = rt_h_suspended_tid();
    /* P4's fix: mp must still run on the stopped thread, and only that
     * thread (stopped) publishes or unpublishes mp's state. */
    bool same = false;
    rt_tstate_t *st = NULL;
    if (rt_family_trylock(mp)) {
        same = rt_h_tid(atomic_load(&mp->thread)) == stopped;
        st = rt_tstate_of(mp);
        rt_family_unlock(mp);
    }
    if (same)
        atomic_fetch_add(&visits[mp->id], 1);
    rt_context_t ctx;
    if (!same || st == NULL) {
        rt_family_count(same ? RT_FC_SKIPPED : RT_FC_DROPPED);
    } else if (rt_tstate_released(st)) {
        char d[200];
        snprintf(d, sizeof d,
                 "runtime: m=%d os_thread=%llu: the sample ran on per-thread state its "
                 "teardown had released", mp->id, (ull)stopped);
        rt_family_throw(d);
    } else if (rt_h_get_context(thread, &ctx) == 0) {
        atomic_fetch_add(&st->samples, 1);
        rt_family_sample(mp, &ctx);
    } else {
        rt_family_count(RT_FC_CONTEXT_FAILED);
    }
    rt_family_release_copy(thread);
}

/* The teardown window: with --steer-us, wait until a visit stopped this
 * M's thread after the teardown's first step (owner: the visit count
 * then). */
static bool visited(rt_m_t *mp, rt_thandle_t v, uint64_t before)
{
    (void)v;
    return atomic_load(&visits[mp->id]) != before;
}

static void window(rt_m_t *mp)
{
    rt_family_race_window(visited, mp, 0, atomic_load(&visits[mp->id]));
}

typedef struct life {
    const rt_family_work_t *w;
    bool release_first; /* the buggy order */
} life_t;

/* One thread's life in the runtime, ending in its teardown. */
static void lifetime(void *arg)
{
    const life_t *l = arg;
    if (rt_h_register_self() != 0)
        rt_throw("cannot register worker", NULL);
    rt_m_t *mp = rt_needm();
    rt_tstate_t *st = rt_tstate_new();
    rt_tstate_attach(mp, st);
    for (uint64_t k = 0; k < l->w->allocs; k++)
        rt_free(rt_malloc(128));
    if (l->release_first) {
        /* DataDog/java-profiler#552: the TLS released, then unregistered. */
        rt_tstate_release(st);
        window(mp);
        rt_tstate_detach(mp);
    } else {
        /* The fix: unregistered first, so no new sample can find it. */
        rt_tstate_detach(mp);
        window(mp);
        rt_tstate_release(st);
    }
    rt_dropm();
    rt_h_unregister_self();
}

/* Thread lifetimes per process: the handle layer and the POSIX backend
 * never reuse a thread's record (4096 of each), so past this budget the
 * workers start no more threads and wait for the end of the run. */
#define MAX_LIVES 3500
static atomic_uint lives_started;

/* Each callback is a fresh thread that lives and exits. */
static uint64_t work(const rt_family_work_t *w, bool release_first)
{
    life_t l = { .w = w, .release_first = release_first };
    uint64_t lives = 0;
    while (!atomic_load_explicit(w->stop, memory_order_relaxed)) {
        if (atomic_fetch_add(&lives_started, 1) >= MAX_LIVES) {
            while (!atomic_load_explicit(w->stop, memory_order_relaxed))
                rt_sleep_us(1000);
            break;
        }
        rt_thread_t *t;
        if (rt_thread_start(&t, lifetime, &l) != 0)
            rt_throw("cannot start a worker thread", NULL);
        rt_thread_join(t);
        lives++;
        rt_pause(w->pause);
    }
    return lives;
}

static uint64_t work_buggy(const rt_family_work_t *w) { return work(w, true); }
static uint64_t work_fixed(const rt_family_work_t *w) { return work(w, false); }

const rt_pattern_t rt_pattern_teardown_sample = {
    .name = "teardown-sample",
    .shortname = "p8",
    .message = "sample on released thread state",
    .upstream = "golang/go#77588; DataDog/java-profiler#552, facebook/hermes#1995",
    .url = "https://github.com/golang/go/issues/77588",
    .help = "a thread's teardown releases its per-thread state\n"
            "before unpublishing it while the profiler samples\n"
            "it (golang/go#77588, java-profiler#552; fix:\n"
            "unpublish before release)\n"
            "-> fatal error: sample on released thread state",
    .buggy = { .visit = visit, .thread_lock = true, .work = work_buggy },
    .fixed = { .visit = visit, .thread_lock = true, .work = work_fixed },
    .enter = rt_family_private_m_enter,
    .leave = rt_family_private_m_leave,
    .work = work_fixed,
    .validate = rt_family_any_knobs,
};
