/* family.c - the bug-family profiler: per pattern, the buggy and the fixed
 * visit of an M side by side, and the oracles that make each bug visible. */
#include "model/family.h"

#include <stdio.h>
#include <string.h>

#include "model/handles.h"
#include "model/malloc.h"
#include "model/prof.h"
#include "model/thread.h"

#define MAX_MS 1025 /* ids 0 (the profiler's private M) .. 1024 */

static rt_family_config_t cfg;
static rt_prof_t *sampler; /* rt_sigprof's sample buffer; guard on own M */
static _Atomic bool locks[MAX_MS];
static _Atomic uint64_t progress[MAX_MS];
static _Atomic uint64_t n_passes, n_samples, n_skipped, n_failed, n_dropped, n_ctxfail, n_steered;
static _Atomic(rt_family_hook_t) hook;
static void *_Atomic hook_ctx;
static rt_thread_t *prof_thread;
static atomic_bool prof_stop;

static const struct {
    const char *name, *shortname, *message, *upstream;
} patterns[RT_PAT_COUNT] = {
    { "unchecked-suspend", "p2", "profiler sampled a running thread", "golang/go c216c3aa (Go 1.12)" },
    { "handle-reuse", "p3", "suspended wrong thread", "golang/go 6fd467ee (Go 1.14)" },
    { "after-dropm", "p4", "sample charged to wrong thread", "golang/go#50557" },
    { "async-suspend", "p5", "suspended thread still running", "golang/go b89b4623 (Go 1.14)" },
    { "self-suspend", "p6", NULL, "golang/go#45530, e69f0226" },
};

const char *rt_pattern_name(rt_pattern_t p)
{
    return p < RT_PAT_COUNT ? patterns[p].name : "?";
}

const char *rt_pattern_short(rt_pattern_t p)
{
    return p < RT_PAT_COUNT ? patterns[p].shortname : "?";
}

const char *rt_pattern_message(rt_pattern_t p)
{
    return p < RT_PAT_COUNT ? patterns[p].message : NULL;
}

const char *rt_pattern_upstream(rt_pattern_t p)
{
    return p < RT_PAT_COUNT ? patterns[p].upstream : "?";
}

bool rt_pattern_parse(const char *s, rt_pattern_t *out)
{
    for (int i = 0; i < RT_PAT_COUNT; i++)
        if (strcmp(s, patterns[i].name) == 0 || strcmp(s, patterns[i].shortname) == 0) {
            *out = (rt_pattern_t)i;
            return true;
        }
    return false;
}

static void count(_Atomic uint64_t *c)
{
    atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

static void point(rt_family_point_t pt, rt_m_t *mp)
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
    atomic_store(&mp->thread, rt_h_open());
    rt_family_unlock(mp);
}

static void unminit_locked(rt_m_t *mp)
{
    rt_family_lock(mp);
    rt_h_close(atomic_load(&mp->thread));
    atomic_store(&mp->thread, 0);
    rt_family_unlock(mp);
}

static const rt_minit_ops_t ops_plain = { minit_plain, unminit_plain };
static const rt_minit_ops_t ops_locked = { minit_locked, unminit_locked };

/* Does this pattern's code (in this shape) take threadLock? */
static bool uses_thread_lock(void)
{
    if (cfg.pattern == RT_PAT_UNCHECKED_SUSPEND)
        return false;
    if (cfg.pattern == RT_PAT_HANDLE_REUSE)
        return !cfg.buggy;
    return true;
}

int rt_family_setup(const rt_family_config_t *c)
{
    if (c->pattern >= RT_PAT_COUNT || c->hz == 0 || c->suspend_timeout_ms == 0)
        return -1;
    cfg = *c;
    rt_prof_config_t pc = { .guard = RT_GUARD_SELF, .hz = 1, .sample_work = 2000,
                            .window_ns = 0, .suspend_timeout_ms = c->suspend_timeout_ms,
                            .max_samples = 1024 };
    sampler = rt_prof_new(&pc);
    if (sampler == NULL)
        return -1;
    rt_set_minit_ops(uses_thread_lock() ? &ops_locked : &ops_plain);
    return 0;
}

void rt_family_enter(void)
{
    if (rt_h_register_self() != 0)
        rt_throw("cannot register the profiler thread", NULL);
    if (cfg.pattern == RT_PAT_SELF_SUSPEND) {
        /* e69f0226: profileLoop runs on its own M (newm), which is on allm. */
        rt_needm();
    } else {
        rt_setm(rt_prof_m(sampler));
    }
}

void rt_family_leave(void)
{
    if (cfg.pattern == RT_PAT_SELF_SUSPEND && rt_getm() != NULL)
        rt_dropm();
    rt_setm(NULL);
    rt_h_unregister_self();
}

static void busy_wait_ns(uint32_t ns)
{
    uint64_t until = rt_now_ns() + ns;
    while (rt_now_ns() < until)
        ;
}

static void window(void)
{
    if (cfg.window_ns > 0)
        busy_wait_ns(cfg.window_ns);
}

/* Steering: the events each pattern's race needs, seen from the profiler. */
typedef enum steer_kind {
    STEER_M_DROPPED,   /* P2: the loaded value was closed (suspend will fail) */
    STEER_M_TAKEN,     /* P2: some thread runs mp again */
    STEER_VALUE_REUSED,/* P3: the loaded value now names another thread */
    STEER_M_LEFT,      /* P4: mp no longer runs on the duplicated thread */
} steer_kind_t;

static bool steer_done(steer_kind_t k, rt_m_t *mp, rt_thandle_t v, uint64_t owner)
{
    rt_thandle_t cur = atomic_load(&mp->thread);
    switch (k) {
    case STEER_M_DROPPED: return rt_h_tid(v) == 0;
    case STEER_M_TAKEN: return cur != 0;
    case STEER_VALUE_REUSED: { uint64_t t = rt_h_tid(v); return t != 0 && t != owner; }
    case STEER_M_LEFT: return rt_h_tid(cur) != owner;
    }
    return false;
}

/* The race window: a busy delay (window_ns), or with steer_us a bounded
 * wait for the event, so the interleaving the bug needs happens in nearly
 * every visit; what the code then does with it is the shape's business. */
static void race_window(steer_kind_t k, rt_m_t *mp, rt_thandle_t v, uint64_t owner)
{
    window();
    if (cfg.steer_us == 0)
        return;
    uint64_t until = rt_now_ns() + (uint64_t)cfg.steer_us * 1000u;
    while (rt_now_ns() < until) {
        if (steer_done(k, mp, v, owner)) {
            count(&n_steered);
            return;
        }
        rt_thread_yield();
    }
}

static bool profiled(rt_m_t *mp)
{
    return atomic_load_explicit(&mp->profilehz, memory_order_relaxed) != 0 &&
           !atomic_load_explicit(&mp->blocked, memory_order_relaxed);
}

static void sample(rt_m_t *mp, const rt_context_t *ctx)
{
    rt_sigprof(sampler, ctx->pc, ctx->sp, mp);
    count(&n_samples);
}

typedef unsigned long long ull;

_Noreturn static void oracle_throw(const char *detail)
{
    rt_throw(rt_pattern_message(cfg.pattern), detail);
}

/* --- P2: unchecked suspend and handle re-read -------------------------- */
static void visit_unchecked_suspend(rt_m_t *mp)
{
    rt_thandle_t thread = atomic_load(&mp->thread);
    uint64_t owner = rt_h_tid(thread);
    point(RT_FP_AFTER_LOAD, mp);
    if (thread == 0 || !profiled(mp)) {
        count(&n_skipped);
        return;
    }
    race_window(STEER_M_DROPPED, mp, thread, owner);
    int rc = rt_h_suspend(thread, cfg.suspend_timeout_ms);
    point(RT_FP_AFTER_SUSPEND, mp);
    if (rc == RT_SUSPEND_ETIMEDOUT) {
        count(&n_failed);
        return;
    }
    rt_thandle_t ctx_thread;
    if (cfg.buggy) {
        /* Go 1.7-1.11 profileloop1: stdcall1(_SuspendThread, thread), the
         * -1 ignored; profilem(mp) then reads GetThreadContext(mp.thread):
         * the M's *current* handle, not the one just suspended. */
        if (rc != 0) {
            count(&n_failed);
            /* The failed suspend stopped nothing: the M moves on. */
            race_window(STEER_M_TAKEN, mp, thread, owner);
        }
        ctx_thread = atomic_load(&mp->thread);
    } else {
        /* c216c3aa: if SuspendThread(thread) == -1 { continue } and
         * profilem(mp, thread) reads the handle it suspended. */
        if (rc != 0) {
            count(&n_failed);
            return;
        }
        ctx_thread = thread;
    }
    rt_context_t ctx;
    int crc = rt_h_get_context(ctx_thread, &ctx);
    point(RT_FP_AFTER_CONTEXT, mp);
    if (crc == RT_H_ERUNNING) {
        char d[200];
        snprintf(d, sizeof d,
                 "runtime: m=%d context read through handle %llu (os_thread=%llu), "
                 "suspended handle %llu (os_thread=%llu, suspend rc=%d)",
                 mp->id, (ull)ctx_thread, (ull)rt_h_tid(ctx_thread), (ull)thread,
                 (ull)rt_h_suspended_tid(), rc);
        oracle_throw(d);
    }
    if (crc != 0)
        count(&n_ctxfail);
    else
        sample(mp, &ctx);
    if (rc == 0)
        rt_h_resume(thread);
}

/* --- P3: handle reuse after close -------------------------------------- */
static void visit_handle_reuse(rt_m_t *mp)
{
    rt_thandle_t thread;
    uint64_t owner; /* oracle: the thread the M ran on at the load */
    if (cfg.buggy) {
        /* Go 1.12-1.13: thread := atomic.Loaduintptr(&mp.thread), no lock:
         * the owner may CloseHandle it and another thread reuse the value. */
        thread = atomic_load(&mp->thread);
        owner = rt_h_tid(thread);
    } else {
        /* 6fd467ee: lock(&mp.threadLock); DuplicateHandle(mp.thread);
         * unlock; suspend our own copy, CloseHandle it after use. */
        rt_family_lock(mp);
        rt_thandle_t cur = atomic_load(&mp->thread);
        thread = cur != 0 ? rt_h_dup(cur) : 0;
        owner = rt_h_tid(thread);
        rt_family_unlock(mp);
    }
    point(RT_FP_AFTER_LOAD, mp);
    if (thread == 0 || !profiled(mp)) {
        count(&n_skipped);
        goto out;
    }
    race_window(STEER_VALUE_REUSED, mp, thread, owner);
    int rc = rt_h_suspend(thread, cfg.suspend_timeout_ms);
    point(RT_FP_AFTER_SUSPEND, mp);
    if (rc != 0) {
        count(&n_failed); /* c216c3aa: skip a failed suspend */
        goto out;
    }
    uint64_t stopped = rt_h_suspended_tid();
    if (stopped != owner) {
        char d[200];
        snprintf(d, sizeof d,
                 "runtime: m=%d handle %llu named os_thread=%llu at the load, "
                 "suspended os_thread=%llu (value closed and reused)",
                 mp->id, (ull)thread, (ull)owner, (ull)stopped);
        oracle_throw(d);
    }
    rt_context_t ctx;
    int crc = rt_h_get_context(thread, &ctx);
    point(RT_FP_AFTER_CONTEXT, mp);
    if (crc == 0)
        sample(mp, &ctx);
    else
        count(&n_ctxfail);
    rt_h_resume(thread);
out:
    if (!cfg.buggy)
        rt_h_close(thread);
}

/* Go 1.14+ profileLoop's first half (6fd467ee): the handle duplicated under
 * threadLock.  Returns the private copy, 0 to skip the M. */
static rt_thandle_t dup_under_lock(rt_m_t *mp)
{
    rt_family_lock(mp);
    rt_thandle_t cur = atomic_load(&mp->thread);
    rt_thandle_t thread = cur != 0 ? rt_h_dup(cur) : 0;
    rt_family_unlock(mp); /* #50557: released before SuspendThread */
    point(RT_FP_AFTER_LOAD, mp);
    if (thread != 0 && !profiled(mp)) {
        rt_h_close(thread);
        thread = 0;
    }
    if (thread == 0)
        count(&n_skipped);
    return thread;
}

/* --- P4: sampling an M after dropm (#50557) ---------------------------- */
static void visit_after_dropm(rt_m_t *mp)
{
    rt_thandle_t thread = dup_under_lock(mp);
    if (thread == 0)
        return;
    race_window(STEER_M_LEFT, mp, thread, rt_h_tid(thread));
    int rc = rt_h_suspend(thread, cfg.suspend_timeout_ms);
    point(RT_FP_AFTER_SUSPEND, mp);
    if (rc != 0) {
        count(&n_failed);
        rt_h_close(thread);
        return;
    }
    rt_context_t ctx;
    int crc = rt_h_get_context(thread, &ctx);
    point(RT_FP_AFTER_CONTEXT, mp);
    if (crc != 0) {
        count(&n_ctxfail);
        goto out;
    }
    uint64_t stopped = rt_h_tid(thread);
    if (!cfg.buggy) {
        /* Proposed fix for #50557: after GetThreadContext, check again
         * under threadLock that mp still runs on the thread we stopped; the
         * stopped thread cannot change that, nobody else can either.  A
         * trylock: the stopped thread may hold the lock itself (stopped in
         * minit/unminit), and waiting for it would deadlock. */
        bool same = false;
        if (rt_family_trylock(mp)) {
            same = rt_h_tid(atomic_load(&mp->thread)) == stopped;
            rt_family_unlock(mp);
        }
        if (!same) {
            count(&n_dropped);
            goto out;
        }
    }
    /* Go 1.14+ (buggy): sigprof(ctx, gFromSP(mp, sp), mp) with no re-check.
     * Oracle: the sample is charged to mp, so mp must still run on the
     * thread whose registers it holds. */
    uint64_t owner = rt_h_tid(atomic_load(&mp->thread));
    if (owner != stopped) {
        char d[200];
        snprintf(d, sizeof d,
                 "runtime: m=%d sampled os_thread=%llu, but the M now runs on os_thread=%llu "
                 "(0: dropped)", mp->id, (ull)stopped, (ull)owner);
        oracle_throw(d);
    }
    sample(mp, &ctx);
out:
    rt_h_resume(thread);
    rt_h_close(thread);
}

/* --- P5: suspend treated as synchronous -------------------------------- */
static void visit_async_suspend(rt_m_t *mp)
{
    rt_thandle_t thread = dup_under_lock(mp);
    if (thread == 0)
        return;
    window();
    int rc = rt_h_suspend(thread, cfg.suspend_timeout_ms);
    point(RT_FP_AFTER_SUSPEND, mp);
    if (rc != 0) {
        count(&n_failed);
        rt_h_close(thread);
        return;
    }
    uint64_t seen;
    rt_context_t ctx;
    int crc;
    if (cfg.buggy) {
        /* Reading the target's state right after SuspendThread: Windows
         * may not have stopped it yet (preemptM before b89b4623). */
        seen = atomic_load_explicit(&progress[mp->id], memory_order_relaxed);
        crc = rt_h_get_context(thread, &ctx);
    } else {
        /* b89b4623: "GetThreadContext actually blocks until it's
         * suspended" - get the context first, then read the state. */
        crc = rt_h_get_context(thread, &ctx);
        seen = atomic_load_explicit(&progress[mp->id], memory_order_relaxed);
    }
    point(RT_FP_AFTER_CONTEXT, mp);
    if (crc != 0) {
        count(&n_ctxfail);
        goto out;
    }
    /* Oracle: the thread has stopped now (get-context waited for it); the
     * state the profiler acted on must be the state it stopped in. */
    uint64_t now = atomic_load_explicit(&progress[mp->id], memory_order_relaxed);
    if (seen != now) {
        char d[200];
        snprintf(d, sizeof d,
                 "runtime: m=%d state read after suspend: progress=%llu, at the stop: %llu "
                 "(os_thread=%llu)", mp->id, (ull)seen, (ull)now, (ull)rt_h_tid(thread));
        oracle_throw(d);
    }
    sample(mp, &ctx);
out:
    rt_h_resume(thread);
    rt_h_close(thread);
}

/* --- P6: the profiler suspends itself (#45530) ------------------------- */
static void visit_self_suspend(rt_m_t *mp)
{
    /* e69f0226: if mp == getg().m { continue }  (no such line: buggy) */
    if (!cfg.buggy && mp == rt_getm()) {
        count(&n_skipped);
        return;
    }
    rt_thandle_t thread = dup_under_lock(mp);
    if (thread == 0)
        return;
    int rc = rt_h_suspend(thread, cfg.suspend_timeout_ms); /* own M: never returns */
    point(RT_FP_AFTER_SUSPEND, mp);
    if (rc != 0) {
        count(&n_failed);
        rt_h_close(thread);
        return;
    }
    rt_context_t ctx;
    if (rt_h_get_context(thread, &ctx) == 0)
        sample(mp, &ctx);
    else
        count(&n_ctxfail);
    rt_h_resume(thread);
    rt_h_close(thread);
}

void rt_family_visit(rt_m_t *mp)
{
    switch (cfg.pattern) {
    case RT_PAT_UNCHECKED_SUSPEND: visit_unchecked_suspend(mp); break;
    case RT_PAT_HANDLE_REUSE: visit_handle_reuse(mp); break;
    case RT_PAT_AFTER_DROPM: visit_after_dropm(mp); break;
    case RT_PAT_ASYNC_SUSPEND: visit_async_suspend(mp); break;
    case RT_PAT_SELF_SUSPEND: visit_self_suspend(mp); break;
    default: break;
    }
}

static void profile_loop(void *arg)
{
    (void)arg;
    rt_family_enter();
    uint64_t period = cfg.hz == UINT32_MAX ? 0 : 1000000000u / cfg.hz;
    uint64_t next = rt_now_ns();
    while (!atomic_load_explicit(&prof_stop, memory_order_relaxed)) {
        if (period > 0) {
            next += period;
            uint64_t now = rt_now_ns();
            if (now < next)
                rt_sleep_us((uint32_t)((next - now) / 1000u));
            else
                next = now;
        }
        for (rt_m_t *mp = rt_allm(); mp != NULL; mp = mp->alllink) {
            if (atomic_load_explicit(&prof_stop, memory_order_relaxed))
                break;
            rt_family_visit(mp);
        }
        count(&n_passes);
    }
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
    st->skipped = atomic_load(&n_skipped);
    st->suspend_failed = atomic_load(&n_failed);
    st->dropped = atomic_load(&n_dropped);
    st->context_failed = atomic_load(&n_ctxfail);
    st->steered = atomic_load(&n_steered);
}
