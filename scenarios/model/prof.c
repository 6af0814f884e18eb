/* prof.c - the profiler thread, profilem and sigprof. */
#include "model/prof.h"

#include <stdlib.h>

#include "model/malloc.h"
#include "model/schedpt.h"
#include "model/thread.h"

/* Size of the fake stack the stack-walk work chases through; a power of 2. */
#define WALK_FRAMES 4096u

struct rt_prof {
    rt_prof_config_t cfg;
    rt_m_t m; /* private: never on allm, never lent */
    rt_thread_t *thread;
    atomic_bool stop;
    bool started;
    rt_sample_t *buf;   /* cfg.max_samples slots, preallocated */
    uint32_t *frames;   /* WALK_FRAMES links of a single cycle */
    _Atomic uint64_t passes, samples, skipped, timeouts, failures, moved, moved_busy;
};

static void count(_Atomic uint64_t *c)
{
    atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

rt_prof_t *rt_prof_new(const rt_prof_config_t *cfg)
{
    if (cfg->hz == 0 || cfg->suspend_timeout_ms == 0 || cfg->max_samples == 0 ||
        (cfg->guard != RT_GUARD_TARGET && cfg->guard != RT_GUARD_SELF))
        return NULL;
    rt_prof_t *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->cfg = *cfg;
    p->buf = calloc(cfg->max_samples, sizeof *p->buf);
    p->frames = malloc(WALK_FRAMES * sizeof *p->frames);
    if (p->buf == NULL || p->frames == NULL) {
        rt_prof_free(p);
        return NULL;
    }
    /* An odd stride makes one cycle through all frames, so the walk is a
     * dependent chain of loads the compiler cannot shorten. */
    for (uint32_t i = 0; i < WALK_FRAMES; i++)
        p->frames[i] = (i + 2654435761u) & (WALK_FRAMES - 1);
    p->m.id = 0;
    return p;
}

rt_m_t *rt_prof_m(rt_prof_t *p)
{
    return &p->m;
}

void rt_prof_enter(rt_prof_t *p)
{
    rt_suspend_register_self();
    rt_setm(&p->m);
}

static void guard_add(rt_m_t *m, int32_t delta)
{
    /* Go's mp.mallocing++ is a plain read-modify-write: load, then store.
     * An owner's "= 1" / "= 0" landing in between is overwritten, or
     * overwrites ours - the lost updates of issue 17165. */
    int32_t v = atomic_load_explicit(&m->mallocing, memory_order_relaxed);
    atomic_store_explicit(&m->mallocing, v + delta, memory_order_relaxed);
}

static uint64_t stack_walk(const rt_prof_t *p, uintptr_t sp, uint32_t nframes)
{
    uint32_t at = (uint32_t)(sp >> 4) & (WALK_FRAMES - 1);
    uint64_t h = 0;
    for (uint32_t i = 0; i < nframes; i++) {
        at = ((const volatile uint32_t *)p->frames)[at];
        h = h * 31 + at;
    }
    return h;
}

void rt_sigprof(rt_prof_t *p, uintptr_t pc, uintptr_t sp, rt_m_t *mp)
{
    /* Profiling runs concurrently with GC, so it must not allocate.  Set a
     * trap in case the code does allocate - on the right M: */
    rt_m_t *trapm = p->cfg.guard == RT_GUARD_TARGET
        ? mp          /* Go 1.7:  mp.mallocing++         (issue 17165) */
        : rt_getm();  /* e6da64b: getg().m.mallocing++   (the fix)     */
    atomic_store(&rt_sigprof_guard_m, trapm);
    guard_add(trapm, +1);
    rt_schedpt(RT_SP_SIGPROF_GUARDED, mp);

    uint64_t n = atomic_fetch_add_explicit(&p->samples, 1, memory_order_relaxed);
    rt_sample_t *s = &p->buf[n % p->cfg.max_samples];
    s->m_id = mp->id;
    s->pc = pc;
    s->sp = sp;
    s->walk = stack_walk(p, sp, p->cfg.sample_work);
    atomic_fetch_add_explicit(&mp->nsamples, 1, memory_order_relaxed);

    guard_add(trapm, -1);     /* Go 1.7: mp.mallocing--; e6da64b: getg().m.mallocing-- */
    atomic_store(&rt_sigprof_guard_m, NULL);
}

static void busy_wait_ns(uint32_t ns)
{
    uint64_t until = rt_now_ns() + ns;
    while (rt_now_ns() < until)
        ;
}

static _Thread_local rt_thandle_t visit_loaded;

rt_thandle_t rt_prof_loaded_thread(void)
{
    return visit_loaded;
}

rt_visit_t rt_prof_visit(rt_prof_t *p, rt_m_t *mp)
{
    rt_thandle_t thread = atomic_load(&mp->thread);
    visit_loaded = thread;
    rt_schedpt(RT_SP_PROF_AFTER_LOAD, mp);
    /* Do not profile threads blocked on notes (idle Ms). */
    if (thread == 0 || atomic_load_explicit(&mp->profilehz, memory_order_relaxed) == 0 ||
        atomic_load_explicit(&mp->blocked, memory_order_relaxed)) {
        count(&p->skipped);
        return RT_VISIT_SKIPPED;
    }
    if (p->cfg.window_ns > 0)
        busy_wait_ns(p->cfg.window_ns);
    rt_schedpt(RT_SP_PROF_BEFORE_SUSPEND, mp);
    int rc = rt_suspend(thread, p->cfg.suspend_timeout_ms);
    if (rc == RT_SUSPEND_ETIMEDOUT) {
        count(&p->timeouts);
        return RT_VISIT_TIMED_OUT;
    }
    if (rc != 0)
        count(&p->failures); /* Go 1.7 ignored SuspendThread's result */
    rt_context_t ctx = { 0, 0 };
    if (rc == 0)
        rt_suspend_get_context(thread, &ctx);
    /* The thread we stopped no longer runs mp: whatever sigprof does to mp
     * now happens under the feet of its new owner (or of nobody). */
    rt_thandle_t now_on = atomic_load_explicit(&mp->thread, memory_order_relaxed);
    if (now_on != thread) {
        count(&p->moved);
        if (now_on != 0)
            count(&p->moved_busy);
    }
    if (atomic_load_explicit(&mp->profilehz, memory_order_relaxed) != 0 &&
        !atomic_load_explicit(&mp->blocked, memory_order_relaxed))
        rt_sigprof(p, ctx.pc, ctx.sp, mp);
    if (rc == 0)
        rt_suspend_resume(thread);
    return rc == 0 ? RT_VISIT_SAMPLED : RT_VISIT_SAMPLED_UNSUSPENDED;
}

void rt_prof_passes(uint64_t period_ns, const atomic_bool *stop,
                    void (*visit)(rt_m_t *mp, void *ctx), void *ctx, _Atomic uint64_t *passes)
{
    uint64_t next = rt_now_ns();
    while (!atomic_load_explicit(stop, memory_order_relaxed)) {
        if (period_ns > 0) {
            next += period_ns;
            uint64_t now = rt_now_ns();
            if (now < next)
                rt_sleep_us((uint32_t)((next - now) / 1000u));
            else
                next = now; /* fell behind: do not burst to catch up */
        }
        for (rt_m_t *mp = rt_allm(); mp != NULL; mp = mp->alllink) {
            if (atomic_load_explicit(stop, memory_order_relaxed))
                break;
            visit(mp, ctx);
        }
        count(passes);
    }
}

static void visit_one(rt_m_t *mp, void *ctx)
{
    rt_prof_visit(ctx, mp);
}

static void profile_loop(void *arg)
{
    rt_prof_t *p = arg;
    rt_prof_enter(p);
    uint64_t period = p->cfg.hz == RT_PROF_HZ_MAX ? 0 : 1000000000u / p->cfg.hz;
    rt_prof_passes(period, &p->stop, visit_one, p, &p->passes);
    rt_setm(NULL);
    rt_suspend_unregister_self();
}

int rt_prof_start(rt_prof_t *p)
{
    if (p->started)
        return -1;
    int32_t hz = p->cfg.hz == RT_PROF_HZ_MAX ? INT32_MAX : (int32_t)p->cfg.hz;
    for (rt_m_t *mp = rt_allm(); mp != NULL; mp = mp->alllink)
        atomic_store(&mp->profilehz, hz);
    atomic_store(&p->m.profilehz, hz);
    if (rt_thread_start(&p->thread, profile_loop, p) != 0)
        return -1;
    p->started = true;
    return 0;
}

void rt_prof_stop(rt_prof_t *p)
{
    if (!p->started)
        return;
    atomic_store(&p->stop, true);
    rt_thread_join(p->thread);
    p->started = false;
}

void rt_prof_stats(const rt_prof_t *p, rt_prof_stats_t *st)
{
    st->passes = atomic_load(&p->passes);
    st->samples = atomic_load(&p->samples);
    st->skipped = atomic_load(&p->skipped);
    st->suspend_timeouts = atomic_load(&p->timeouts);
    st->suspend_failures = atomic_load(&p->failures);
    st->moved = atomic_load(&p->moved);
    st->moved_busy = atomic_load(&p->moved_busy);
}

size_t rt_prof_samples(const rt_prof_t *p, rt_sample_t *out, size_t max)
{
    uint64_t n = atomic_load(&p->samples);
    uint64_t have = n < p->cfg.max_samples ? n : p->cfg.max_samples;
    if (have > max)
        have = max;
    for (uint64_t i = 0; i < have; i++)
        out[i] = p->buf[(n - have + i) % p->cfg.max_samples];
    return (size_t)have;
}

void rt_prof_free(rt_prof_t *p)
{
    if (p == NULL)
        return;
    free(p->buf);
    free(p->frames);
    free(p);
}
