/* spawn_limit.c - the ceiling for racelab's trial throughput: P threads,
 * each looping posix_spawnp + waitpid of one command until N runs are done,
 * and nothing else (no pipe, no process group, no results file).
 *
 * usage: spawn-limit N P CMD [ARGS...]
 * prints: spawn-limit runs=N jobs=P seconds=S rate=R (runs per second) */
#include <errno.h>
#include <pthread.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static atomic_long next_run;
static long total_runs;
static char **cmd;
static atomic_int failures;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *loop(void *arg)
{
    (void)arg;
    while (atomic_fetch_add(&next_run, 1) < total_runs) {
        pid_t pid;
        int err = posix_spawnp(&pid, cmd[0], NULL, NULL, cmd, environ);
        if (err != 0) {
            atomic_fetch_add(&failures, 1);
            continue;
        }
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            atomic_fetch_add(&failures, 1);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: spawn-limit N P CMD [ARGS...]\n");
        return 64;
    }
    total_runs = strtol(argv[1], NULL, 10);
    long jobs = strtol(argv[2], NULL, 10);
    if (total_runs < 1 || jobs < 1 || jobs > 256) {
        fprintf(stderr, "spawn-limit: N >= 1 and 1 <= P <= 256\n");
        return 64;
    }
    cmd = argv + 3;
    pthread_t th[256];
    double t0 = now_s();
    for (long i = 0; i < jobs; i++)
        if (pthread_create(&th[i], NULL, loop, NULL) != 0) {
            fprintf(stderr, "spawn-limit: pthread_create failed\n");
            return 70;
        }
    for (long i = 0; i < jobs; i++)
        pthread_join(th[i], NULL);
    double s = now_s() - t0;
    printf("spawn-limit runs=%ld jobs=%ld seconds=%.3f rate=%.1f failures=%d\n", total_runs, jobs,
           s, (double)total_runs / s, atomic_load(&failures));
    return atomic_load(&failures) ? 1 : 0;
}
