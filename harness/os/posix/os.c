/* os/posix/os.c - os/os.h on POSIX: pthreads, CLOCK_MONOTONIC,
 * sysconf, mkdir and isatty. */
#include "os/os.h"
#include "os/internal.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct rl_thread {
    pthread_t tid;
    void (*fn)(void *);
    void *arg;
};

struct rl_mutex {
    pthread_mutex_t m;
};

static void *rl__thread_main(void *p)
{
    rl_thread_t *t = p;
    t->fn(t->arg);
    return NULL;
}

rl_thread_t *rl_thread_start(void (*fn)(void *), void *arg)
{
    rl_thread_t *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->fn = fn;
    t->arg = arg;
    if (pthread_create(&t->tid, NULL, rl__thread_main, t) != 0) {
        free(t);
        return NULL;
    }
    return t;
}

void rl_thread_join(rl_thread_t *t)
{
    if (!t)
        return;
    pthread_join(t->tid, NULL);
    free(t);
}

rl_mutex_t *rl_mutex_new(void)
{
    rl_mutex_t *m = calloc(1, sizeof *m);
    if (m && pthread_mutex_init(&m->m, NULL) != 0) {
        free(m);
        return NULL;
    }
    return m;
}

void rl_mutex_lock(rl_mutex_t *m) { pthread_mutex_lock(&m->m); }
void rl_mutex_unlock(rl_mutex_t *m) { pthread_mutex_unlock(&m->m); }

void rl_mutex_free(rl_mutex_t *m)
{
    if (!m)
        return;
    pthread_mutex_destroy(&m->m);
    free(m);
}

double rl_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void rl_sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    /* Resume after signals: callers want the whole pause. */
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

int rl_ncpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (int)n;
}

int rl__mkdir_one(const char *path)
{
    if (mkdir(path, 0777) == 0)
        return 0;
    if (errno != EEXIST)
        return -1;
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

int rl__path_is_sep(char c)
{
    return c == '/';
}

size_t rl__path_root_len(const char *path)
{
    return path[0] == '/' ? 1 : 0;
}

int rl_stderr_isatty(void)
{
    return isatty(STDERR_FILENO);
}

static volatile sig_atomic_t rl__late_status = 1;

static void rl__on_alarm(int sig)
{
    (void)sig;
    _exit(rl__late_status);
}

void rl_exit_later_init(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = rl__on_alarm;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
}

void rl_exit_later(int seconds, int status)
{
    rl__late_status = status;
    alarm((unsigned)seconds);
}
