/* racelab_run_posix.c - see racelab_run.h. */
#include "racelab_run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/seed.h"
#include "rltest.h"

extern char **environ;

/* An absolute path from the environment meson sets for the test. */
static const char *env_path(const char *name)
{
    const char *p = getenv(name);
    cr_assert(p != NULL, "%s is not set (run through meson test)", name);
    return p;
}

const char *e2e_racelab(void)
{
    return env_path("RACELAB");
}

const char *e2e_child(void)
{
    return env_path("RL_CHILD");
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

void e2e_write(const char *path, const char *text)
{
    cr_assert(tf_write(path, text) == 0, "cannot write %s", path);
}

void e2e_assert_file_has(const char *path, const char *needle)
{
    char *text = tf_slurp(path, NULL);
    cr_assert(text && strstr(text, needle), "'%s' not in %s: %s", needle, path, text ? text : "(unreadable)");
    free(text);
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

rl_trial_list_t e2e_read(const char *dir)
{
    rl_trial_list_t l = { 0 };
    char err[512];
    cr_assert(rl_results_read(dir, &l, err, sizeof err) == 0, "%s", err);
    return l;
}

void e2e_write_spec(const char *path, const char *name, const char *mode, long trials)
{
    char text[2048];
    snprintf(text, sizeof text,
             "name %s\nissue https://example.invalid/%s\ncommand %s\nargs %s\n"
             "timeout 30\ntrials %ld\nvariant a a\nvariant b b\n"
             "expect a no-crash upper <= 0.5\nexpect b no-crash upper <= 0.5\n",
             name, name, e2e_child(), mode, trials);
    e2e_write(path, text);
}

void e2e_assert_complete(const char *dir, long n, int check_seeds)
{
    rl_trial_list_t l = e2e_read(dir);
    uint64_t base = check_seeds ? fault_base_seed(dir) : 0;
    cr_assert_eq((long)l.n, n, "%zu trials recorded, want %ld", l.n, n);
    char *seen = calloc((size_t)n, 1);
    for (size_t i = 0; i < l.n; i++) {
        long x = l.trials[i].index;
        cr_assert(x >= 0 && x < n, "index %ld out of range", x);
        cr_assert(!seen[x], "trial %ld recorded twice", x);
        seen[x] = 1;
        cr_assert_str_eq(l.trials[i].variant, x % 2 ? "b" : "a");
        if (check_seeds)
            cr_assert_eq(l.trials[i].seed, rl_trial_seed(base, x), "trial %ld has a foreign seed", x);
    }
    free(seen);
    rl_trial_list_free(&l);
}

const char *fault_mark(void)
{
    static char mark[64];
    static int calls;
    snprintf(mark, sizeof mark, "m%d-%d-%ld", (int)getpid(), ++calls, (long)time(NULL));
    cr_assert(setenv("RL_FAULT_MARK", mark, 1) == 0);
    return mark;
}

static int marked(const char *pid, const char *want)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%.20s/stat", pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    char *r = strrchr(buf, ')');
    if (!r || r[1] != ' ' || r[2] == 'Z' || r[2] == 'X')
        return 0;
    snprintf(path, sizeof path, "/proc/%.20s/environ", pid);
    fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    size_t cap = 1 << 16, len = 0;
    char *env = malloc(cap + 1);
    while (env && (n = read(fd, env + len, cap - len)) > 0) {
        len += (size_t)n;
        if (len == cap) {
            char *e = realloc(env, cap * 2 + 1);
            if (!e)
                break;
            env = e;
            cap *= 2;
        }
    }
    close(fd);
    int found = 0;
    for (size_t i = 0; env && i < len; i += strlen(env + i) + 1) {
        env[len] = '\0';
        if (strcmp(env + i, want) == 0)
            found = 1;
    }
    free(env);
    return found;
}

static int scan(const char *mark, pid_t except, int do_kill)
{
    char want[128];
    snprintf(want, sizeof want, "RL_FAULT_MARK=%s", mark);
    DIR *d = opendir("/proc");
    cr_assert(d != NULL);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        pid_t p = (pid_t)atoi(e->d_name);
        if (p == except || p == getpid() || !marked(e->d_name, want))
            continue;
        n++;
        if (do_kill)
            kill(p, SIGKILL);
    }
    closedir(d);
    return n;
}

int fault_count_marked(const char *mark, pid_t except)
{
    return scan(mark, except, 0);
}

int fault_await_marked(const char *mark, pid_t except, int want)
{
    int n = 0;
    for (int i = 0; i < 2000 && (n = scan(mark, except, 0)) < want; i++)
        usleep(10000);
    return n;
}

void fault_kill_marked(const char *mark)
{
    scan(mark, 0, 1);
}

int fault_wait(pid_t pid, long *maxrss_kib)
{
    int st;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    while (wait4(pid, &st, 0, &ru) < 0)
        cr_assert(errno == EINTR);
    if (maxrss_kib)
        *maxrss_kib = ru.ru_maxrss;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

uint64_t fault_base_seed(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/seed", dir);
    char *s = tf_slurp(path, NULL);
    cr_assert(s != NULL, "no %s", path);
    uint64_t v = strtoull(s, NULL, 10);
    free(s);
    return v;
}

long e2e_await_lines(const char *path, long n)
{
    long have = tf_count_lines(path);
    for (int i = 0; i < 1000 && have < n; i++) {
        usleep(10000);
        have = tf_count_lines(path);
    }
    return have;
}
