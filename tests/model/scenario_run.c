/* scenario_run.c - see scenario_run.h. */
#include "scenario_run.h"

#include <criterion/criterion.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Reads fd into buf (at most cap - 1 bytes, terminated), then drains it. */
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

static int wait_status(pid_t pid)
{
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void run_program(run_t *r, const char *env_var, const char *const *args, char **envp)
{
    const char *exe = getenv(env_var);
    cr_assert_not_null(exe, "%s is not set (run through meson test)", env_var);
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
    r->status = wait_status(pid);
}

void run_scenario(run_t *r, const char *const *args, char **envp)
{
    run_program(r, "RL_BORROWED_M_PROFILER", args, envp);
}

pid_t fork_child(void (*fn)(bool arg), bool arg, int *fd)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        fn(arg);
        _exit(0);
    }
    close(fds[1]);
    *fd = fds[0];
    return pid;
}

int wait_child(pid_t pid, int fd, char *out, size_t outlen)
{
    slurp(fd, out, outlen);
    close(fd);
    return wait_status(pid);
}

int run_child(void (*fn)(bool arg), bool arg, char *out, size_t outlen)
{
    int fd;
    pid_t pid = fork_child(fn, arg, &fd);
    return wait_child(pid, fd, out, outlen);
}
