/* posix/sigprof.c - sigprof.h: a ticker thread and pthread_kill(SIGPROF). */
#include "model/sigprof.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>

#define MAX_TARGETS 1024

enum { T_FREE, T_ALIVE, T_SENDING, T_DEAD };

typedef struct target {
    _Atomic int state;
    pthread_t tid;
} target_t;

static target_t targets[MAX_TARGETS];
static atomic_uint ntargets;
static _Thread_local target_t *self;
static _Atomic(rt_sigprof_fn_t) handler_fn;
static atomic_bool stopping;
static pthread_t ticker;
static uint32_t tick_hz;

static void on_sigprof(int sig, siginfo_t *info, void *ucv)
{
    (void)sig;
    (void)info;
    int saved = errno;
    const ucontext_t *uc = ucv;
    uintptr_t pc, sp;
#if defined(__x86_64__)
    pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
    pc = (uintptr_t)uc->uc_mcontext.pc;
    sp = (uintptr_t)uc->uc_mcontext.sp;
#else
#error "posix/sigprof.c: add this architecture's ucontext PC/SP"
#endif
    rt_sigprof_fn_t fn = atomic_load(&handler_fn);
    if (fn != NULL)
        fn(pc, sp);
    errno = saved;
}

static void *ticker_main(void *arg)
{
    (void)arg;
    long period_ns = 1000000000L / (long)tick_hz;
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    while (!atomic_load(&stopping)) {
        next.tv_nsec += period_ns;
        while (next.tv_nsec >= 1000000000L) {
            next.tv_nsec -= 1000000000L;
            next.tv_sec++;
        }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
        unsigned n = atomic_load(&ntargets);
        for (unsigned i = 0; i < n && i < MAX_TARGETS; i++) {
            int expect = T_ALIVE;
            /* SENDING keeps the thread from exiting while we signal it. */
            if (!atomic_compare_exchange_strong(&targets[i].state, &expect, T_SENDING))
                continue;
            pthread_kill(targets[i].tid, SIGPROF);
            atomic_store(&targets[i].state, T_ALIVE);
        }
    }
    return NULL;
}

int rt_sigprof_start(uint32_t hz, rt_sigprof_fn_t fn)
{
    if (hz == 0 || hz > 100000 || fn == NULL)
        return -1;
    tick_hz = hz;
    atomic_store(&handler_fn, fn);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigprof;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGPROF, &sa, NULL) != 0)
        return -1;
    return pthread_create(&ticker, NULL, ticker_main, NULL) == 0 ? 0 : -1;
}

int rt_sigprof_register_self(void)
{
    if (self != NULL)
        return 0;
    unsigned i = atomic_fetch_add(&ntargets, 1);
    if (i >= MAX_TARGETS)
        return -1;
    targets[i].tid = pthread_self();
    atomic_store(&targets[i].state, T_ALIVE);
    self = &targets[i];
    return 0;
}

void rt_sigprof_unregister_self(void)
{
    if (self == NULL)
        return;
    for (;;) {
        int expect = T_ALIVE;
        if (atomic_compare_exchange_strong(&self->state, &expect, T_DEAD))
            break;
        sched_yield(); /* the ticker is signalling us right now */
    }
    self = NULL;
}

void rt_sigprof_stop(void)
{
    atomic_store(&stopping, true);
    pthread_join(ticker, NULL);
    atomic_store(&handler_fn, NULL);
}
