/* e2e_util.c - see e2e_util.h. */
#include "e2e_util.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

const char *e2e_racelab(void)
{
    const char *p = getenv("RACELAB");
    cr_assert(p != NULL, "RACELAB is not set (run through meson test)");
    return p;
}

const char *e2e_child(void)
{
    const char *p = getenv("RL_CHILD");
    cr_assert(p != NULL, "RL_CHILD is not set (run through meson test)");
    return p;
}

const char *e2e_tmpdir(void)
{
    static char dir[64];
    snprintf(dir, sizeof dir, "/tmp/racelab-e2e-XXXXXX");
    cr_assert(mkdtemp(dir) != NULL);
    cr_assert(chdir(dir) == 0);
    return dir;
}

pid_t e2e_start(char *const argv[], const char *out_path)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    pid_t pid;
    int err = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    cr_assert(err == 0, "cannot start %s: %s", argv[0], strerror(err));
    return pid;
}

int e2e_wait(pid_t pid)
{
    int st;
    while (waitpid(pid, &st, 0) < 0)
        cr_assert(errno == EINTR);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int e2e_run(char *const argv[], const char *out_path)
{
    return e2e_wait(e2e_start(argv, out_path));
}

char *e2e_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t k;
    while (buf && (k = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (cap - n < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

void e2e_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert(f != NULL);
    fputs(text, f);
    cr_assert(fclose(f) == 0);
}

long e2e_count_lines(const char *path)
{
    size_t len;
    char *s = e2e_slurp(path, &len);
    long n = 0;
    for (size_t i = 0; s && i < len; i++)
        n += s[i] == '\n';
    free(s);
    return n;
}

int e2e_alive(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return kill(pid, 0) == 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *r = strrchr(buf, ')');
    return r && r[1] == ' ' && r[2] != 'Z' && r[2] != 'X';
}
