/* family.c - the bug-family engine: the configured pattern's visit, the
 * minit/unminit shapes, the race window, the counters and the profiler
 * thread.  The patterns themselves are descriptors (family.h). */
#include "model/family.h"

#include <string.h>

#include "model/handles.h"
#include "model/malloc.h"
#include "model/prof.h"
#include "model/thread.h"

#define MAX_MS 1025 /* ids 0 (the profiler's private M) .. 1024 */

static rt_family_config_t cfg;
static const rt_pattern_shape_t *shape; /* cfg.pattern's buggy or fixed shape */
static rt_prof_t *sampler; /* rt_sigprof's sample buffer; guard on own M */
static _Atomic bool locks[MAX_MS];
static _Atomic uint64_t progress[MAX_MS];
static _Atomic uint64_t n_passes, n_samples, n_steered;
static _Atomic uint64_t n_counted[RT_FC_COUNT]; /* by rt_family_counter_t */
static _Atomic(rt_family_hook_t) hook;
static void *_Atomic hook_ctx;
static rt_thread_t *prof_thread;
static atomic_bool prof_stop;

static void count(_Atomic uint64_t *c)
{
    atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

void rt_family_count(rt_family_counter_t c)
{
    count(&n_counted[c]);
}

void rt_family_point(rt_family_point_t pt, rt_m_t *mp)
{
    rt_family_hook_t fn = atomic_load(&hook);
    if (fn != NULL)
        fn(pt, mp, atomic_load(&hook_ctx));
}

void rt_family_set_hook(rt_family_hook_t fn, void *ctx)
{
    atomic_store(&hook_ctx, ctx);
    atomic_store(&hook, fn);
}

void rt_family_lock(rt_m_t *mp)
{
    while (atomic_exchange_explicit(&locks[mp->id], true, memory_order_acquire))
        rt_thread_yield();
}

bool rt_family_trylock(rt_m_t *mp)
{
    return !atomic_exchange_explicit(&locks[mp->id], true, memory_order_acquire);
}

void rt_family_unlock(rt_m_t *mp)
{
    atomic_store_explicit(&locks[mp->id], false, memory_order_release);
}

void rt_family_progress(rt_m_t *mp)
{
    atomic_fetch_add_explicit(&progress[mp->id], 1, memory_order_relaxed);
}

uint64_t rt_family_progress_of(rt_m_t *mp)
{
    return atomic_load_explicit(&progress[mp->id], memory_order_relaxed);
}

/* --- minit / unminit ---------------------------------------------------- */

/* Go before 1.14: a plain store, and unminit's CloseHandle with no lock. */
static void minit_plain(rt_m_t *mp)
{
    atomic_store(&mp->thread, rt_h_open());
}

static void unminit_plain(rt_m_t *mp)
{
    rt_h_close(atomic_load(&mp->thread));
    atomic_store(&mp->thread, 0);
}

/* Go 1.14 on (6fd467ee): both under mp.threadLock. */
static void minit_locked(rt_m_t *mp)
{
    rt_family_lock(mp);
    minit_plain(mp);
    rt_family_unlock(mp);
}

static void unminit_locked(rt_m_t *mp)
{
    rt_family_lock(mp);
    unminit_plain(mp);
    rt_family_unlock(mp);
}

static const rt_minit_ops_t ops_plain = { minit_plain, unminit_plain };
static const rt_minit_ops_t ops_locked = { minit_locked, unminit_locked };

const rt_pattern_shape_t *rt_pattern_fix(const rt_pattern_t *pat, const char *name)
{
    if (name == NULL)
        return &pat->fixed;
    if (pat->fixed.name != NULL && strcmp(name, pat->fixed.name) == 0)
        return &pat->fixed;
    for (const rt_pattern_shape_t *s = pat->other_fixes; s != NULL && s->visit != NULL; s++)
        if (strcmp(name, s->name) == 0)
            return s;
    return NULL;
}

const char *rt_pattern_fix_names(const rt_pattern_t *pat)
{
    static char text[256];
    text[0] = '\0';
    if (pat->fixed.name == NULL)
        return text;
    strncat(text, pat->fixed.name, sizeof text - 1);
    for (const rt_pattern_shape_t *s = pat->other_fixes; s != NULL && s->visit != NULL; s++) {
        strncat(text, s[1].visit == NULL ? " or " : ", ", sizeof text - strlen(text) - 1);
        strncat(text, s->name, sizeof text - strlen(text) - 1);
    }
    return text;
}

int rt_family_setup(const rt_family_config_t *c)
{
    if (c->pattern == NULL || c->hz == 0 || c->suspend_timeout_ms == 0)
        return -1;
    cfg = *c;
    shape = cfg.buggy ? &cfg.pattern->buggy : rt_pattern_fix(cfg.pattern, cfg.fix);
    if (shape == NULL)
        return -1;
    rt_prof_config_t pc = { .guard = RT_GUARD_SELF, .hz = 1, .sample_work = 2000,
                            .window_ns = 0, .suspend_timeout_ms = c->suspend_timeout_ms,
                            .max_samples = 1024 };
    sampler = rt_prof_new(&pc);
    if (sampler == NULL)
        return -1;
    rt_set_minit_ops(shape->thread_lock ? &ops_locked : &ops_plain);
    return 0;
}

/* --- the profiler's M ----------------------------------------------------- */

void rt_family_enter(void)
{
    if (rt_h_register_self() != 0)
        rt_throw("cannot register the profiler thread", NULL);
    cfg.pattern->enter();
}

void rt_family_leave(void)
{
    cfg.pattern->leave();
    rt_h_unregister_self();
}

void rt_family_private_m_enter(void)
{
    rt_setm(rt_prof_m(sampler));
}

void rt_family_private_m_leave(void)
{
    rt_setm(NULL);
}

void rt_family_own_m_enter(void)
{
    rt_needm();
}

void rt_family_own_m_leave(void)
{
    if (rt_getm() != NULL)
        rt_dropm();
    rt_setm(NULL);
}

/* --- what the visits share ---------------------------------------------- */

static void busy_wait_ns(uint32_t ns)
{
    uint64_t until = rt_now_ns() + ns;
    while (rt_now_ns() < until)
        ;
}

void rt_family_race_window(rt_family_steer_t done, rt_m_t *mp, rt_thandle_t v, uint64_t owner)
{
    if (cfg.window_ns > 0)
        busy_wait_ns(cfg.window_ns);
    if (cfg.steer_us == 0 || done == NULL)
        return;
    uint64_t until = rt_now_ns() + (uint64_t)cfg.steer_us * 1000u;
    while (rt_now_ns() < until) {
        if (done(mp, v, owner)) {
            count(&n_steered);
            return;
        }
        rt_thread_yield();
    }
}

bool rt_family_profiled(rt_m_t *mp)
{
    return atomic_load_explicit(&mp->profilehz, memory_order_relaxed) != 0 &&
           !atomic_load_explicit(&mp->blocked, memory_order_relaxed);
}

int rt_family_suspend(rt_m_t *mp, rt_thandle_t v)
{
    int rc = rt_h_suspend(v, cfg.suspend_timeout_ms);
    rt_family_point(RT_FP_AFTER_SUSPEND, mp);
    return rc;
}

void rt_family_sample(rt_m_t *mp, const rt_context_t *ctx)
{
    rt_sigprof(sampler, ctx->pc, ctx->sp, mp);
    count(&n_samples);
}

_Noreturn void rt_family_throw(const char *detail)
{
    rt_throw(cfg.pattern->message, detail);
}

rt_thandle_t rt_family_dup_under_lock(rt_m_t *mp)
{
    rt_family_lock(mp);
    rt_thandle_t cur = atomic_load(&mp->thread);
    rt_thandle_t thread = cur != 0 ? rt_h_dup(cur) : 0;
    rt_family_unlock(mp); /* #50557: released before SuspendThread */
    rt_family_point(RT_FP_AFTER_LOAD, mp);
    if (thread != 0 && !rt_family_profiled(mp)) {
        rt_h_close(thread);
        thread = 0;
    }
    if (thread == 0)
        rt_family_count(RT_FC_SKIPPED);
    return thread;
}

bool rt_family_suspend_copy(rt_m_t *mp, rt_thandle_t copy)
{
    if (rt_family_suspend(mp, copy) == 0)
        return true;
    rt_family_count(RT_FC_SUSPEND_FAILED);
    rt_h_close(copy);
    return false;
}

bool rt_family_suspend_copy_steered(rt_m_t *mp, rt_thandle_t copy, rt_family_steer_t done)
{
    if (cfg.steer_us == 0)
        return rt_family_suspend_copy(mp, copy);
    uint64_t until = rt_now_ns() + (uint64_t)cfg.steer_us * 1000u;
    for (;;) {
        /* A running thread first: re-suspending one just resumed would
         * stop it again before it got anywhere. */
        while (!done(mp, copy, rt_h_tid(copy)) && rt_now_ns() < until)
            rt_thread_yield();
        if (!rt_family_suspend_copy(mp, copy))
            return false;
        if (done(mp, copy, rt_h_suspended_tid())) {
            count(&n_steered);
            return true;
        }
        if (rt_now_ns() >= until)
            return true;
        rt_h_resume(copy);
    }
}

void rt_family_release_copy(rt_thandle_t copy)
{
    rt_h_resume(copy);
    rt_h_close(copy);
}

const char *rt_family_any_knobs(rt_family_knobs_t *k)
{
    (void)k;
    return NULL;
}

/* --- workers ------------------------------------------------------------ */

uint64_t rt_family_work_callbacks(const rt_family_work_t *w)
{
    uint64_t callbacks = 0;
    while (!atomic_load_explicit(w->stop, memory_order_relaxed)) {
        rt_needm();
        callbacks++;
        for (uint64_t k = 0; k < w->allocs; k++)
            rt_free(rt_malloc(128));
        rt_dropm();
        rt_pause(w->pause);
    }
    return callbacks;
}

uint64_t rt_family_work_keep_m(const rt_family_work_t *w)
{
    rt_m_t *mp = rt_needm();
    while (!atomic_load_explicit(w->stop, memory_order_relaxed)) {
        rt_free(rt_malloc(64));
        rt_family_progress(mp);
    }
    rt_dropm();
    return 1;
}

uint64_t rt_family_work(const rt_family_work_t *w)
{
    return shape->work != NULL ? shape->work(w) : cfg.pattern->work(w);
}

/* --- the profiler thread ------------------------------------------------ */

void rt_family_visit(rt_m_t *mp)
{
    shape->visit(mp);
}

static void visit_one(rt_m_t *mp, void *ctx)
{
    (void)ctx;
    rt_family_visit(mp);
}

static void profile_loop(void *arg)
{
    (void)arg;
    rt_family_enter();
    uint64_t period = cfg.hz == UINT32_MAX ? 0 : 1000000000u / cfg.hz;
    rt_prof_passes(period, &prof_stop, visit_one, NULL, &n_passes);
    rt_family_leave();
}

int rt_family_start(void)
{
    for (rt_m_t *mp = rt_allm(); mp != NULL; mp = mp->alllink)
        atomic_store(&mp->profilehz, 1000);
    atomic_store(&rt_prof_m(sampler)->profilehz, 1000);
    return rt_thread_start(&prof_thread, profile_loop, NULL);
}

void rt_family_stop(void)
{
    atomic_store(&prof_stop, true);
    rt_thread_join(prof_thread);
}

void rt_family_stats(rt_family_stats_t *st)
{
    st->passes = atomic_load(&n_passes);
    st->samples = atomic_load(&n_samples);
    st->skipped = atomic_load(&n_counted[RT_FC_SKIPPED]);
    st->suspend_failed = atomic_load(&n_counted[RT_FC_SUSPEND_FAILED]);
    st->dropped = atomic_load(&n_counted[RT_FC_DROPPED]);
    st->context_failed = atomic_load(&n_counted[RT_FC_CONTEXT_FAILED]);
    st->steered = atomic_load(&n_steered);
}
