/* sigprof_posix.c - sigprof.h with setitimer(ITIMER_PROF) and SIGPROF. */
#include "sigprof.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/time.h>
#include <ucontext.h>

static _Atomic(rt_sigprof_fn_t) handler_fn;

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
#error "sigprof_posix.c: add this architecture's ucontext PC/SP"
#endif
    rt_sigprof_fn_t fn = atomic_load(&handler_fn);
    if (fn != NULL)
        fn(pc, sp);
    errno = saved;
}

int rt_sigprof_start(uint32_t hz, rt_sigprof_fn_t fn)
{
    if (hz == 0 || hz > 1000000 || fn == NULL)
        return -1;
    atomic_store(&handler_fn, fn);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigprof;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGPROF, &sa, NULL) != 0)
        return -1;
    struct itimerval it;
    memset(&it, 0, sizeof it);
    it.it_interval.tv_sec = 0;
    it.it_interval.tv_usec = hz == 1 ? 999999 : (suseconds_t)(1000000u / hz);
    it.it_value = it.it_interval;
    return setitimer(ITIMER_PROF, &it, NULL) == 0 ? 0 : -1;
}

void rt_sigprof_stop(void)
{
    struct itimerval it;
    memset(&it, 0, sizeof it);
    setitimer(ITIMER_PROF, &it, NULL);
    /* The handler stays installed (SIG_DFL would kill the process on a
     * signal still pending); it does nothing once fn is cleared. */
    atomic_store(&handler_fn, NULL);
}
