/* posix/thread.c - thread.h on POSIX (pthreads, clock_gettime, gettid). */
#include "model/thread.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct rt_thread {
    pthread_t tid;
    void (*fn)(void *);
    void *arg;
};

static void *trampoline(void *p)
{
    rt_thread_t *t = p;
    t->fn(t->arg);
    return NULL;
}

int rt_thread_start(rt_thread_t **out, void (*fn)(void *arg), void *arg)
{
    rt_thread_t *t = malloc(sizeof *t);
    if (t == NULL)
        return -1;
    t->fn = fn;
    t->arg = arg;
    if (pthread_create(&t->tid, NULL, trampoline, t) != 0) {
        free(t);
        return -1;
    }
    *out = t;
    return 0;
}

void rt_thread_join(rt_thread_t *t)
{
    pthread_join(t->tid, NULL);
    free(t);
}

void rt_thread_yield(void)
{
    sched_yield();
}

void rt_sleep_us(uint32_t us)
{
    struct timespec ts = { .tv_sec = us / 1000000u, .tv_nsec = (long)(us % 1000000u) * 1000 };
    /* A suspend request interrupts nanosleep; keep sleeping the remainder. */
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

uint64_t rt_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t rt_os_thread_id(void)
{
    return (uint64_t)syscall(SYS_gettid);
}

void rt_write_stderr(const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(2, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        buf += n;
        len -= (size_t)n;
    }
}

_Noreturn void rt_exit_now(int status)
{
    _exit(status);
}
