/* scenario_run.c - see scenario_run.h. */
#include "scenario_run.h"

#include <criterion/criterion.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void slurp(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    ssize_t r;
    while (n < cap - 1 && (r = read(fd, buf + n, cap - 1 - n)) > 0)
        n += (size_t)r;
    buf[n] = '\0';
    char sink[256];
    while (read(fd, sink, sizeof sink) > 0)
        ;
}

void run_scenario(run_t *r, const char *const *args, char **envp)
{
    const char *exe = getenv("RL_BORROWED_M_PROFILER");
    cr_assert_not_null(exe, "RL_BORROWED_M_PROFILER is not set (run through meson test)");
    char *argv[32];
    int n = 0;
    argv[n++] = (char *)exe;
    for (; args[n - 1] != NULL && n < 31; n++)
        argv[n] = (char *)args[n - 1];
    argv[n] = NULL;
    int out[2], err[2];
    cr_assert_eq(pipe(out), 0);
    cr_assert_eq(pipe(err), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    posix_spawn_file_actions_addclose(&fa, err[0]);
    pid_t pid;
    cr_assert_eq(posix_spawn(&pid, exe, &fa, NULL, argv, envp ? envp : environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    close(err[1]);
    /* Outputs are small (one line, or a usage message): read them in turn. */
    slurp(out[0], r->out, sizeof r->out);
    slurp(err[0], r->err, sizeof r->err);
    close(out[0]);
    close(err[0]);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

