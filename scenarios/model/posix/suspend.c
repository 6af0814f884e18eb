/* posix/suspend.c - suspend.h with a directed real-time signal.
 *
 * SuspendThread stops a thread wherever it is; POSIX has no such call, so the
 * target stops itself: the suspender sends it a real-time signal, and the
 * handler records the interrupted PC/SP from its ucontext, acknowledges, and
 * sleeps on a futex until resumed.  The handshake lives in one atomic state
 * word per thread:
 *
 *   RUNNING --suspender CAS--> REQUESTED --handler CAS--> STOPPED
 *      ^            |  (timeout: suspender CAS back)         |
 *      +------------+<---------- resume CAS -----------------+
 *
 * Every transition is a CAS, so a request that timed out and was withdrawn
 * cannot be acknowledged late (the stale handler finds RUNNING and returns),
 * and every wait on either side is bounded.  futex(2) and clock_gettime are
 * async-signal-safe, unlike sem_wait. */
#include "model/suspend.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

enum { ST_RUNNING, ST_REQUESTED, ST_STOPPED, ST_DEAD };

/* Records are never freed or reused: a handle the profiler loaded just before
 * its thread went away must still point at valid memory. */
#define MAX_THREADS 4096

typedef struct slot {
    _Atomic int state;
    pthread_t tid;
    _Atomic uintptr_t pc;
    _Atomic uintptr_t sp;
} slot_t;

static slot_t slots[MAX_THREADS];
static atomic_uint nslots;
static _Thread_local slot_t *self_slot;
static atomic_int init_state; /* 0 none, 1 in progress, 2 done, -1 failed */
static _Atomic uint64_t self_resumes;

static int suspend_signal(void)
{
    return SIGRTMIN + 3;
}

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Sleeps while *word == val, for at most ms milliseconds (spurious wake-ups
 * allowed: callers re-check). */
static void futex_wait_ms(_Atomic int *word, int val, uint64_t ms)
{
    struct timespec ts = { .tv_sec = (time_t)(ms / 1000u), .tv_nsec = (long)(ms % 1000u) * 1000000L };
    syscall(SYS_futex, (int *)word, FUTEX_WAIT_PRIVATE, val, &ts, NULL, 0);
}

static void futex_wake_all(_Atomic int *word)
{
    syscall(SYS_futex, (int *)word, FUTEX_WAKE_PRIVATE, 0x7fffffff, NULL, NULL, 0);
}

static void context_of(const ucontext_t *uc, uintptr_t *pc, uintptr_t *sp)
{
#if defined(__x86_64__)
    *pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    *sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
#elif defined(__i386__)
    *pc = (uintptr_t)uc->uc_mcontext.gregs[REG_EIP];
    *sp = (uintptr_t)uc->uc_mcontext.gregs[REG_ESP];
#elif defined(__aarch64__)
    *pc = (uintptr_t)uc->uc_mcontext.pc;
    *sp = (uintptr_t)uc->uc_mcontext.sp;
#else
#error "posix/suspend.c: add this architecture's ucontext PC/SP"
#endif
}

static void on_suspend_signal(int sig, siginfo_t *info, void *ucv)
{
    (void)sig;
    (void)info;
    int saved_errno = errno;
    slot_t *s = self_slot;
    if (s == NULL)
        goto out;
    uintptr_t pc, sp;
    context_of(ucv, &pc, &sp);
    atomic_store_explicit(&s->pc, pc, memory_order_relaxed);
    atomic_store_explicit(&s->sp, sp, memory_order_relaxed);
    int expect = ST_REQUESTED;
    /* Fails when the request was withdrawn after a timeout: not ours. */
    if (!atomic_compare_exchange_strong(&s->state, &expect, ST_STOPPED))
        goto out;
    futex_wake_all(&s->state);
    uint64_t deadline = mono_ms() + RT_SUSPEND_MAX_HOLD_MS;
    while (atomic_load(&s->state) == ST_STOPPED) {
        uint64_t now = mono_ms();
        if (now >= deadline) {
            expect = ST_STOPPED;
            if (atomic_compare_exchange_strong(&s->state, &expect, ST_RUNNING)) {
                atomic_fetch_add(&self_resumes, 1);
                futex_wake_all(&s->state);
            }
            break;
        }
        futex_wait_ms(&s->state, ST_STOPPED, deadline - now);
    }
out:
    errno = saved_errno;
}

int rt_suspend_init(void)
{
    int expect = 0;
    if (!atomic_compare_exchange_strong(&init_state, &expect, 1)) {
        while ((expect = atomic_load(&init_state)) == 1)
            sched_yield();
        return expect == 2 ? 0 : RT_SUSPEND_ESYS;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_suspend_signal;
    /* SA_RESTART: a stopped worker's interrupted system call carries on. */
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    int ok = sigaction(suspend_signal(), &sa, NULL) == 0;
    if (ok) {
        /* The thread calling init is often the main thread; make sure the
         * signal is not blocked here, so threads it starts inherit that. */
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, suspend_signal());
        pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    }
    atomic_store(&init_state, ok ? 2 : -1);
    return ok ? 0 : RT_SUSPEND_ESYS;
}

int rt_suspend_register_self(void)
{
    if (self_slot != NULL)
        return 0;
    unsigned i = atomic_fetch_add(&nslots, 1);
    if (i >= MAX_THREADS)
        return RT_SUSPEND_ESYS;
    slot_t *s = &slots[i];
    s->tid = pthread_self();
    atomic_store(&s->state, ST_RUNNING);
    self_slot = s;
    return 0;
}

void rt_suspend_unregister_self(void)
{
    slot_t *s = self_slot;
    if (s == NULL)
        return;
    for (;;) {
        int expect = ST_RUNNING;
        if (atomic_compare_exchange_strong(&s->state, &expect, ST_DEAD))
            break;
        /* A request is pending on us: let the signal be delivered and
         * handled (it is, on the way back from this system call). */
        sched_yield();
    }
    futex_wake_all(&s->state);
    self_slot = NULL;
}

rt_thandle_t rt_thandle_open(void)
{
    return (rt_thandle_t)self_slot;
}

void rt_thandle_close(rt_thandle_t h)
{
    /* Nothing to release: records live as long as the process. */
    (void)h;
}

int rt_suspend(rt_thandle_t h, uint32_t timeout_ms)
{
    slot_t *s = (slot_t *)h;
    if (s == NULL)
        return RT_SUSPEND_EBADH;
    if (s == self_slot)
        return RT_SUSPEND_ESELF;
    int st = ST_RUNNING;
    if (!atomic_compare_exchange_strong(&s->state, &st, ST_REQUESTED))
        return st == ST_DEAD ? RT_SUSPEND_EBADH : RT_SUSPEND_ESTATE;
    int err = pthread_kill(s->tid, suspend_signal());
    if (err != 0) {
        st = ST_REQUESTED;
        atomic_compare_exchange_strong(&s->state, &st, ST_RUNNING);
        return err == ESRCH ? RT_SUSPEND_EBADH : RT_SUSPEND_ESYS;
    }
    uint64_t deadline = mono_ms() + timeout_ms;
    for (;;) {
        st = atomic_load(&s->state);
        if (st == ST_STOPPED)
            return RT_SUSPEND_OK;
        uint64_t now = mono_ms();
        if (now >= deadline) {
            st = ST_REQUESTED;
            if (atomic_compare_exchange_strong(&s->state, &st, ST_RUNNING))
                return RT_SUSPEND_ETIMEDOUT;
            continue; /* it stopped just now */
        }
        futex_wait_ms(&s->state, ST_REQUESTED, deadline - now);
    }
}

int rt_suspend_get_context(rt_thandle_t h, rt_context_t *ctx)
{
    slot_t *s = (slot_t *)h;
    ctx->pc = 0;
    ctx->sp = 0;
    if (s == NULL)
        return RT_SUSPEND_EBADH;
    if (atomic_load(&s->state) != ST_STOPPED)
        return RT_SUSPEND_ESTATE;
    ctx->pc = atomic_load_explicit(&s->pc, memory_order_relaxed);
    ctx->sp = atomic_load_explicit(&s->sp, memory_order_relaxed);
    return RT_SUSPEND_OK;
}

int rt_suspend_resume(rt_thandle_t h)
{
    slot_t *s = (slot_t *)h;
    if (s == NULL)
        return RT_SUSPEND_EBADH;
    int st = ST_STOPPED;
    if (!atomic_compare_exchange_strong(&s->state, &st, ST_RUNNING))
        return RT_SUSPEND_ESTATE;
    futex_wake_all(&s->state);
    return RT_SUSPEND_OK;
}

uint64_t rt_suspend_self_resumes(void)
{
    return atomic_load(&self_resumes);
}
