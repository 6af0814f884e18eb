/* The bug family's interleavings (P2-P8), forced step by step: the test
 * thread is the profiler (rt_family_visit), two actor threads borrow and
 * drop Ms on command, and a hook inside the visit makes them act at the
 * pattern's race window.  Each buggy shape must die with its own message
 * (exit status 2, read from a forked child's stderr) and each fixed shape
 * must get through the same schedule. */
#include <criterion/criterion.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model/family.h"
#include "model/handles.h"
#include "model/lock.h"
#include "model/m.h"
#include "model/malloc.h"
#include "model/suspend.h"
#include "model/thread.h"
#include "model/tstate.h"
#include "patterns/registry.h"
#include "scenario_run.h"

#define WAIT_MS 5000

enum { CMD_IDLE, CMD_NEEDM, CMD_DROPM, CMD_SPIN, CMD_HOLD, CMD_QUIT };

/* A thread that runs one command at a time; waiting, it yields (and stays
 * suspendable).  CMD_SPIN bumps its M's progress until the next command;
 * CMD_HOLD does so holding the heap lock (model/lock.h). */
typedef struct actor {
    rt_thread_t *thread;
    _Atomic int cmd;
    _Atomic int done; /* commands completed */
    rt_m_t *m;
} actor_t;

static actor_t actor_a, actor_c;

static void actor_main(void *arg)
{
    actor_t *a = arg;
    if (rt_h_register_self() != 0)
        return;
    for (;;) {
        int c = atomic_load(&a->cmd);
        if (c == CMD_IDLE) {
            rt_thread_yield();
            continue;
        }
        if (c == CMD_QUIT)
            break;
        if (c == CMD_NEEDM)
            a->m = rt_needm();
        else if (c == CMD_DROPM)
            rt_dropm();
        if (c == CMD_SPIN || c == CMD_HOLD) {
            if (c == CMD_HOLD)
                rt_lock(&rt_heap_lock);
            atomic_fetch_add(&a->done, 1); /* acknowledged: now spinning */
            while (atomic_load(&a->cmd) == c)
                rt_family_progress(a->m);
            if (c == CMD_HOLD)
                rt_unlock(&rt_heap_lock);
            continue;
        }
        atomic_store(&a->cmd, CMD_IDLE);
        atomic_fetch_add(&a->done, 1);
    }
    rt_h_unregister_self();
}

/* Runs one command on the actor and waits (bounded) until it is done. */
static bool actor_do(actor_t *a, int cmd)
{
    int before = atomic_load(&a->done);
    int cur = atomic_load(&a->cmd);
    if (cur == CMD_SPIN || cur == CMD_HOLD)
        atomic_store(&a->cmd, CMD_IDLE); /* stop spinning first */
    atomic_store(&a->cmd, cmd);
    uint64_t until = rt_now_ns() + (uint64_t)WAIT_MS * 1000000u;
    while (atomic_load(&a->done) == before)
        if (rt_now_ns() > until)
            return false;
        else
            rt_thread_yield();
    return true;
}

/* Sets up the runtime for one pattern: 2 extra Ms, both profiled, actors
 * A and C started, A holding the first M; the caller becomes the profiler. */
static uint32_t setup_steer_us; /* the config's steer_us (P8) */

static void setup_fix(const rt_pattern_t *pat, bool buggy, const char *fix)
{
    rt_family_config_t cfg = { .pattern = pat, .buggy = buggy, .fix = fix, .hz = 1000,
                               .steer_us = setup_steer_us, .suspend_timeout_ms = 2000 };
    cr_assert_eq(rt_suspend_init(), 0);
    cr_assert_eq(rt_newextram(2), 0);
    cr_assert_eq(rt_family_setup(&cfg), 0);
    for (rt_m_t *mp = rt_allm(); mp != NULL; mp = mp->alllink)
        atomic_store(&mp->profilehz, 1000);
    cr_assert_eq(rt_thread_start(&actor_a.thread, actor_main, &actor_a), 0);
    cr_assert_eq(rt_thread_start(&actor_c.thread, actor_main, &actor_c), 0);
    cr_assert(actor_do(&actor_a, CMD_NEEDM));
    rt_family_enter();
}

static void setup(const rt_pattern_t *pat, bool buggy)
{
    setup_fix(pat, buggy, NULL);
}

static void teardown_actors(void)
{
    atomic_store(&actor_a.cmd, CMD_QUIT);
    atomic_store(&actor_c.cmd, CMD_QUIT);
    rt_thread_join(actor_a.thread);
    rt_thread_join(actor_c.thread);
}

/* Hooks: at the named point, A drops its M and C takes it (LIFO: the same
 * M; lowest free slot: C's handle gets A's old value). */
static _Atomic int hook_point = -1;
static atomic_int hook_failed;

static void move_m(rt_family_point_t pt, rt_m_t *mp, void *ctx)
{
    (void)mp;
    (void)ctx;
    if ((int)pt != atomic_load(&hook_point))
        return;
    atomic_store(&hook_point, -1); /* once */
    if (!actor_do(&actor_a, CMD_DROPM) || !actor_do(&actor_c, CMD_NEEDM))
        atomic_fetch_add(&hook_failed, 1);
}

/* P2 needs two steps: A drops before the suspend, C takes the M after it. */
static void drop_then_take(rt_family_point_t pt, rt_m_t *mp, void *ctx)
{
    (void)mp;
    (void)ctx;
    bool ok = true;
    if (pt == RT_FP_AFTER_LOAD)
        ok = actor_do(&actor_a, CMD_DROPM);
    else if (pt == RT_FP_AFTER_SUSPEND)
        ok = actor_do(&actor_c, CMD_NEEDM);
    if (!ok)
        atomic_fetch_add(&hook_failed, 1);
}

/* A drops its M (nobody takes it). */
static void drop_only(rt_family_point_t pt, rt_m_t *mp, void *ctx)
{
    (void)mp;
    (void)ctx;
    if ((int)pt == atomic_load(&hook_point)) {
        atomic_store(&hook_point, -1);
        if (!actor_do(&actor_a, CMD_DROPM))
            atomic_fetch_add(&hook_failed, 1);
    }
}

/* Child bodies: exit 0 when the visit returned and the stats are as the
 * fixed shape must leave them, 10+ for a wrong stat, 2 when a throw fired. */
static void exit_unless(bool ok, int code)
{
    if (!ok)
        _exit(code);
}

/* One visit of mp with the hook set; the stats after it (exit 10 if a
 * hook's command failed). */
static rt_family_stats_t visit_with(rt_family_hook_t fn, rt_m_t *mp)
{
    rt_family_set_hook(fn, NULL);
    rt_family_visit(mp);
    rt_family_stats_t st;
    rt_family_stats(&st);
    exit_unless(atomic_load(&hook_failed) == 0, 10);
    return st;
}

/* The buggy shape dies with its pattern's own throw: exit 2, stderr
 * starting "fatal error: <message>\n", message being the pattern's (the
 * specs in reproducers/ match it, so it is spelt out here too).  Returns
 * the output in out. */
static void expect_throw(void (*child)(bool buggy), const rt_pattern_t *pat,
                         const char *message, char *out, size_t outlen)
{
    cr_assert_str_eq(pat->message, message);
    int status = run_child(child, true, out, outlen);
    cr_assert_eq(status, 2, "output: %s", out);
    char want[256];
    snprintf(want, sizeof want, "fatal error: %s\n", message);
    cr_assert_eq(strncmp(out, want, strlen(want)), 0, "got: %s", out);
}

/* The fixed shape gets through the same schedule: exit 0. */
static void expect_fixed_passes(void (*child)(bool buggy))
{
    char out[2048];
    cr_assert_eq(run_child(child, false, out, sizeof out), 0, "output: %s", out);
}

static void p2_child(bool buggy)
{
    setup(&rt_pattern_unchecked_suspend, buggy);
    rt_m_t *mp = actor_a.m;
    rt_family_stats_t st = visit_with(drop_then_take, mp);
    exit_unless(actor_c.m == mp, 11);           /* C really took the M */
    exit_unless(st.suspend_failed == 1, 12);     /* the suspend of A's closed value */
    exit_unless(st.samples == 0, 13);            /* and nothing was sampled */
    teardown_actors();
}

Test(family, p2_unchecked_suspend_buggy_samples_a_running_thread)
{
    char out[2048];
    expect_throw(p2_child, &rt_pattern_unchecked_suspend, "profiler sampled a running thread", out, sizeof out);
    cr_assert_not_null(strstr(out, "suspend rc=-1"), "the ignored failure is named: %s", out);
}

Test(family, p2_unchecked_suspend_fixed_skips_the_failed_suspend)
{
    expect_fixed_passes(p2_child);
}

static void p3_child(bool buggy)
{
    setup(&rt_pattern_handle_reuse, buggy);
    rt_m_t *mp = actor_a.m;
    rt_thandle_t a_value = atomic_load(&mp->thread);
    atomic_store(&hook_point, RT_FP_AFTER_LOAD);
    rt_family_stats_t st = visit_with(move_m, mp);
    /* The schedule did reuse A's value for C. */
    exit_unless(atomic_load(&mp->thread) == a_value, 11);
    exit_unless(rt_h_tid(a_value) != 0, 12);
    exit_unless(st.samples == 1, 13); /* fixed: A, through the private copy */
    teardown_actors();
}

Test(family, p3_handle_reuse_buggy_suspends_the_wrong_thread)
{
    char out[2048];
    expect_throw(p3_child, &rt_pattern_handle_reuse, "suspended wrong thread", out, sizeof out);
}

Test(family, p3_handle_reuse_fixed_suspends_its_private_copy)
{
    expect_fixed_passes(p3_child);
}

static void p4_child(bool buggy)
{
    setup(&rt_pattern_after_dropm, buggy);
    rt_m_t *mp = actor_a.m;
    atomic_store(&hook_point, RT_FP_AFTER_LOAD);
    rt_family_stats_t st = visit_with(drop_only, mp);
    exit_unless(st.dropped == 1 && st.samples == 0, 11);
    teardown_actors();
}

Test(family, p4_after_dropm_buggy_charges_the_sample_to_a_dropped_m)
{
    char out[2048];
    expect_throw(p4_child, &rt_pattern_after_dropm, "sample charged to wrong thread", out, sizeof out);
    cr_assert_not_null(strstr(out, "now runs on os_thread=0"), "got: %s", out);
}

Test(family, p4_after_dropm_fixed_rechecks_and_drops_the_sample)
{
    expect_fixed_passes(p4_child);
}

/* P4 fixed, M still owned: the re-check passes and the sample is kept. */
static void p4_kept(bool buggy)
{
    setup(&rt_pattern_after_dropm, buggy);
    rt_family_stats_t st = visit_with(NULL, actor_a.m);
    exit_unless(st.samples == 1 && st.dropped == 0, 11);
    teardown_actors();
}

Test(family, p4_after_dropm_fixed_keeps_a_valid_sample)
{
    expect_fixed_passes(p4_kept);
}

/* P5: A keeps changing its M's state; with the emulated asynchronous
 * suspend the buggy shape reads it before the stop.  Not a scripted
 * interleaving (the stop latency is the helper thread's), so the buggy
 * child visits until the throw, at most 5000 times. */
static void p5_child(bool buggy)
{
    setup(&rt_pattern_async_suspend, buggy);
    exit_unless(rt_h_set_async(true) == 0, 10);
    exit_unless(actor_do(&actor_a, CMD_SPIN), 11);
    for (int i = 0; i < 5000; i++)
        rt_family_visit(actor_a.m);
    rt_family_stats_t st;
    rt_family_stats(&st);
    exit_unless(st.samples == 5000, 12);
    atomic_store(&actor_a.cmd, CMD_IDLE);
    rt_h_shutdown();
    teardown_actors();
}

Test(family, p5_async_suspend_buggy_reads_a_running_thread)
{
    char out[2048];
    expect_throw(p5_child, &rt_pattern_async_suspend, "suspended thread still running", out, sizeof out);
}

Test(family, p5_async_suspend_fixed_waits_for_the_stop)
{
    expect_fixed_passes(p5_child);
}

/* P6: the profiler's own M is on allm. */
static void p6_child(bool buggy)
{
    setup(&rt_pattern_self_suspend, buggy);
    rt_m_t *own = rt_getm();
    exit_unless(own != NULL && own != actor_a.m && own->id != 0, 10);
    fprintf(stderr, "visiting\n");
    rt_family_visit(own); /* buggy: never returns */
    rt_family_stats_t st;
    rt_family_stats(&st);
    exit_unless(st.skipped == 1 && st.samples == 0, 11);
    fprintf(stderr, "returned\n");
    teardown_actors();
}

Test(family, p6_self_suspend_fixed_skips_its_own_m)
{
    char out[2048];
    cr_assert_eq(run_child(p6_child, false, out, sizeof out), 0, "output: %s", out);
    cr_assert_str_eq(out, "visiting\nreturned\n");
}

/* The buggy shape stops itself: the child neither exits nor gets past the
 * visit.  Polled for a while, then killed (a hang cannot be shown to last
 * for ever; racelab's hang classification covers the real timeout). */
Test(family, p6_self_suspend_buggy_never_returns)
{
    int fd;
    pid_t pid = fork_child(p6_child, true, &fd);
    char out[256];
    ssize_t n = read(fd, out, sizeof out - 1); /* "visiting\n" */
    cr_assert_gt(n, 0);
    out[n] = '\0';
    cr_assert_str_eq(out, "visiting\n");
    int status;
    for (int i = 0; i < 50; i++) {
        cr_assert_eq(waitpid(pid, &status, WNOHANG), 0, "the self-suspending profiler returned");
        rt_sleep_us(10000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    close(fd);
}

/* P7: A takes the heap lock once the profiler has loaded its M (after any
 * allocation a fix makes before the suspend), and holds it while the
 * profiler stops it.  The buggy shape then allocates under that lock and
 * waits for ever; each fix gets through the same schedule.  The child
 * names A's OS thread first. */
static const char *p7_fix; /* the fixed child's --fix */

static void hold_heap(rt_family_point_t pt, rt_m_t *mp, void *ctx)
{
    (void)mp;
    (void)ctx;
    if (pt == RT_FP_AFTER_LOAD && !actor_do(&actor_a, CMD_HOLD))
        atomic_fetch_add(&hook_failed, 1);
}

static void p7_child(bool buggy)
{
    setup_fix(&rt_pattern_suspended_holder, buggy, buggy ? NULL : p7_fix);
    uint64_t a_tid = rt_h_tid(atomic_load(&actor_a.m->thread));
    fprintf(stderr, "visiting; holder os_thread=%llu\n", (unsigned long long)a_tid);
    rt_family_stats_t st = visit_with(hold_heap, actor_a.m); /* buggy: never returns */
    exit_unless(rt_lock_owner(&rt_heap_lock) == a_tid, 11); /* A held it throughout */
    bool watchdog = p7_fix != NULL && strcmp(p7_fix, "watchdog") == 0;
    exit_unless(st.samples == (watchdog ? 0u : 1u), 12);
    exit_unless(st.dropped == (watchdog ? 1u : 0u), 13); /* abandoned, A resumed */
    atomic_store(&actor_a.cmd, CMD_IDLE); /* A lets the lock go */
    teardown_actors();
}

static void expect_p7_fix_passes(const char *fix)
{
    p7_fix = fix;
    expect_fixed_passes(p7_child);
}

Test(family, p7_suspended_holder_fixed_prealloc_allocates_before_the_suspend)
{
    expect_p7_fix_passes("prealloc");
}

Test(family, p7_suspended_holder_fixed_watchdog_abandons_the_sample)
{
    expect_p7_fix_passes("watchdog");
}

Test(family, p7_suspended_holder_fixed_lockfree_takes_no_lock)
{
    expect_p7_fix_passes("lockfree");
}

/* P8: short-lived threads run the shape's own worker loop (registers,
 * borrows the M A does not hold, publishes its state, tears down, exits);
 * steered, each teardown waits after its first step until a visit stopped
 * it.  The test thread visits that M until 20 teardowns were visited: the
 * buggy order (release, then unpublish) must throw at the first, the fixed
 * one (unpublish, then release) must get through all of them. */
static atomic_bool p8_stop;

static void p8_worker(void *arg)
{
    (void)arg;
    if (rt_h_register_self() != 0)
        return;
    rt_family_work_t w = { .allocs = 0, .pause = RT_PAUSE_NONE, .stop = &p8_stop };
    rt_family_work(&w);
    rt_h_unregister_self();
}

static void p8_child(bool buggy)
{
    setup_steer_us = 2000000;
    setup(&rt_pattern_teardown_sample, buggy);
    rt_m_t *other = NULL;
    for (rt_m_t *mp = rt_allm(); mp != NULL; mp = mp->alllink)
        if (mp != actor_a.m)
            other = mp;
    exit_unless(other != NULL, 10);
    rt_thread_t *t;
    exit_unless(rt_thread_start(&t, p8_worker, NULL) == 0, 11);
    rt_family_stats_t st = { 0 };
    uint64_t until = rt_now_ns() + 20ull * 1000000000u;
    while (st.steered < 20 && rt_now_ns() < until) {
        rt_family_visit(other); /* buggy: throws */
        rt_family_stats(&st);
        rt_thread_yield();
    }
    atomic_store(&p8_stop, true);
    rt_thread_join(t);
    exit_unless(st.steered >= 20, 12);
    teardown_actors();
}

/* Under AddressSanitizer the model frees a released state for real
 * (RT_TSTATE_FREES), so the buggy sample is ASan's report, not the
 * model's throw. */
Test(family, p8_teardown_sample_buggy_samples_released_state)
{
    char out[4096];
#if RT_TSTATE_FREES
    int status = run_child(p8_child, true, out, sizeof out);
    cr_assert_neq(status, 0, "output: %s", out);
    cr_assert_not_null(strstr(out, "AddressSanitizer: heap-use-after-free"), "got: %s", out);
    cr_assert_not_null(strstr(out, "rt_tstate_released"), "got: %s", out);
#else
    expect_throw(p8_child, &rt_pattern_teardown_sample, "sample on released thread state", out,
                 sizeof out);
    cr_assert_not_null(strstr(out, "teardown had released"), "got: %s", out);
#endif
}

Test(family, p8_teardown_sample_fixed_unpublishes_before_release)
{
    expect_fixed_passes(p8_child);
}

/* Reads from fd until out holds needle or about 3 s passed. */
static bool read_until(int fd, char *out, size_t outlen, const char *needle)
{
    size_t n = strlen(out);
    for (int i = 0; i < 300 && strstr(out, needle) == NULL; i++) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, 10) == 1) {
            ssize_t k = read(fd, out + n, outlen - 1 - n);
            if (k <= 0)
                break;
            n += (size_t)k;
            out[n] = '\0';
        }
    }
    return strstr(out, needle) != NULL;
}

/* The buggy shape: the profiler waits for the heap lock that A, stopped by
 * it, holds; the lock says so, naming A as the holder, and the visit never
 * returns (polled, then killed, as for P6). */
Test(family, p7_suspended_holder_buggy_waits_for_the_stopped_holder)
{
    int fd;
    pid_t pid = fork_child(p7_child, true, &fd);
    char out[1024] = "";
    cr_assert(read_until(fd, out, sizeof out, "\n"), "got: %s", out);
    unsigned long long holder = 0;
    cr_assert_eq(sscanf(out, "visiting; holder os_thread=%llu", &holder), 1, "got: %s", out);
    char want[128];
    snprintf(want, sizeof want, "waits for the heap lock held by os_thread=%llu\n", holder);
    bool said = read_until(fd, out, sizeof out, want);
    int status;
    bool running = waitpid(pid, &status, WNOHANG) == 0;
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    close(fd);
    cr_assert(running, "the profiler returned: %s", out);
    cr_assert(said, "no wait on the holder's lock: %s", out);
}

Test(family, pattern_names_and_messages_are_distinct)
{
    size_t n = rt_pattern_count();
    cr_assert_gt(n, 0);
    cr_assert_null(rt_patterns[n]);
    for (size_t i = 0; i < n; i++) {
        const rt_pattern_t *p = rt_patterns[i];
        cr_assert_eq(rt_pattern_find(p->name), p, "%s", p->name);
        cr_assert_eq(rt_pattern_find(p->shortname), p, "%s", p->shortname);
        for (size_t j = 0; j < i; j++) {
            cr_assert_str_neq(p->name, rt_patterns[j]->name);
            cr_assert_str_neq(p->shortname, rt_patterns[j]->shortname);
            if (p->message != NULL && rt_patterns[j]->message != NULL)
                cr_assert_str_neq(p->message, rt_patterns[j]->message);
        }
    }
    cr_assert_null(rt_pattern_find("p1")); /* 17165 itself, not a family pattern */
    cr_assert_null(rt_pattern_find("no-such-pattern"));
    cr_assert_null(rt_pattern_find(""));
}

/* Every registered descriptor is complete, so a new entry in
 * patterns/list.h is covered without touching this test. */
Test(family, every_pattern_descriptor_is_complete)
{
    for (const rt_pattern_t *const *pp = rt_patterns; *pp != NULL; pp++) {
        const rt_pattern_t *p = *pp;
        cr_assert(p->name != NULL && p->name[0] != '\0');
        cr_expect(p->shortname != NULL && p->shortname[0] == 'p', "%s: short name", p->name);
        cr_expect(p->upstream != NULL && p->upstream[0] != '\0', "%s: upstream", p->name);
        cr_expect(p->url != NULL && strncmp(p->url, "https://github.com/golang/go/", 29) == 0,
                  "%s: url", p->name);
        cr_expect(p->help != NULL && p->help[0] != '\0', "%s: help", p->name);
        /* The help's last line names the outcome: the throw, or a hang. */
        const char *last = p->help != NULL ? strrchr(p->help, '\n') : NULL;
        last = last != NULL ? last + 1 : p->help;
        if (p->message != NULL) {
            char want[128];
            snprintf(want, sizeof want, "-> fatal error: %s", p->message);
            cr_expect(last != NULL && strcmp(last, want) == 0, "%s: help ends '%s'", p->name, want);
        } else {
            cr_expect(last != NULL && strstr(last, "-> hang") != NULL, "%s: help names the hang",
                      p->name);
        }
        cr_expect(p->buggy.visit != NULL && p->fixed.visit != NULL, "%s: visits", p->name);
        /* The fix is in the visit, or in the workers' loop (P8's teardown). */
        cr_expect(p->buggy.visit != p->fixed.visit || p->buggy.work != p->fixed.work,
                  "%s: two shapes", p->name);
        for (const rt_pattern_shape_t *f = p->other_fixes; f != NULL && f->visit != NULL; f++) {
            cr_expect(p->fixed.name != NULL && f->name != NULL, "%s: fixes named", p->name);
            cr_expect(f->visit != p->buggy.visit, "%s: fix %s differs", p->name, f->name);
            cr_expect(rt_pattern_fix(p, f->name) == f, "%s: fix %s found", p->name, f->name);
        }
        cr_expect(p->enter != NULL && p->leave != NULL, "%s: enter/leave", p->name);
        cr_expect(p->work != NULL, "%s: work", p->name);
        cr_expect(p->validate != NULL, "%s: validate", p->name);
    }
}
