/* run/posix/spawn.c - run/spawn.h on POSIX (Linux first).
 *
 * Each trial is posix_spawnp'd (no shell) as the leader of its own process
 * group with stdin on /dev/null and stdout+stderr on one pipe.  The calling
 * thread waits in poll(2) on that pipe and on a pidfd of the child, so a
 * trial's end is noticed at once, with no fixed-interval polling.  When the
 * leader exits (or at the timeout) the whole group gets SIGKILL while the
 * leader is still an unreaped zombie: its pid, and so the group id, cannot
 * have been reused by then.
 *
 * Descendants that left the group (setsid/setpgid) are handled through
 * PR_SET_CHILD_SUBREAPER: once their parent dies they become racelab's
 * children, and a sweep kills and reaps every child of racelab that is not
 * a registered trial.  The sweep runs after a hang and after a trial whose
 * pipe stayed open past its exit (someone still holds it), sparing daemons
 * that left racelab's session (shared servers other trials still use), and
 * in rl_spawn_cleanup() at the end of a run, sparing nothing. */
#include "run/spawn.h"
#include "run/capture.h"
#include "util/strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define RL__SLOTS 4096              /* running trials + helpers at one time */
#define RL__EOF_GRACE_S 0.5         /* wait for the pipe's EOF after an exit */
#define RL__GDB_TIMEOUT_S 20.0
#define RL__STACKS_MAX (256 * 1024)
#define RL__GODUMP_MAX (1024 * 1024)   /* bytes of goroutine dump kept */

/* Process group ids of running children; 0 = free.  Lock-free so that the
 * signal handler path (rl_spawn_kill_all) only reads atomics and kills. */
static atomic_int rl__slots[RL__SLOTS];
static atomic_int rl__killing;
/* Read-held across posix_spawn + registration (spawns run concurrently),
 * write-held by the orphan sweep, so the sweep never mistakes a
 * just-started trial for an orphan. */
static pthread_rwlock_t rl__spawn_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_once_t rl__once = PTHREAD_ONCE_INIT;

/* "RACELAB_OWNER=<pid>.<start time in ticks>": names this racelab uniquely
 * (a pid alone may be reused), so abandoned trials can be recognised. */
static char rl__owner[64];

static unsigned long long rl__start_time(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    /* after ") ": field 3 (state) ... field 22 (starttime) */
    for (int field = 2; p && field < 22; field++)
        p = strchr(p + 1, ' ');
    return p ? strtoull(p + 1, NULL, 10) : 0;
}

static void rl__init(void)
{
#ifdef PR_SET_CHILD_SUBREAPER
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
#endif
    snprintf(rl__owner, sizeof rl__owner, "RACELAB_OWNER=%d.%llu", (int)getpid(),
             rl__start_time(getpid()));
}

static int rl__register(pid_t pid)
{
    for (int i = 0; i < RL__SLOTS; i++) {
        int expect = 0;
        if (atomic_compare_exchange_strong(&rl__slots[i], &expect, (int)pid))
            return i;
    }
    return -1;
}

static void rl__unregister(int slot)
{
    if (slot >= 0)
        atomic_store(&rl__slots[slot], 0);
}

static int rl__registered(pid_t pid)
{
    for (int i = 0; i < RL__SLOTS; i++)
        if (atomic_load(&rl__slots[i]) == (int)pid)
            return 1;
    return 0;
}

void rl_spawn_kill_all(void)
{
    atomic_store(&rl__killing, 1);
    for (int i = 0; i < RL__SLOTS; i++) {
        int pg = atomic_load(&rl__slots[i]);
        if (pg > 0)
            kill(-pg, SIGKILL);
    }
}

/* ---- small helpers ------------------------------------------------------ */

static char **rl__make_env(char *const *add, const char *owner)
{
    size_t n = 0, nadd = 0;
    while (environ && environ[n])
        n++;
    while (add && add[nadd])
        nadd++;
    char **env = calloc(n + nadd + 2, sizeof *env);
    if (!env)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(environ[i], '=');
        size_t klen = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
        int overridden = strncmp(environ[i], "RACELAB_OWNER=", 14) == 0;
        for (size_t j = 0; j < nadd && !overridden; j++)
            overridden = strncmp(add[j], environ[i], klen) == 0 && add[j][klen] == '=';
        if (!overridden)
            env[k++] = environ[i];
    }
    for (size_t j = 0; j < nadd; j++)
        env[k++] = add[j];
    if (owner)
        env[k++] = (char *)owner;
    env[k] = NULL;
    return env;
}

static int rl__pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

static char *rl__read_small(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    ssize_t n = read(fd, buf, len - 1);
    close(fd);
    if (n < 0)
        return NULL;
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    return buf;
}

/* Parses /proc/.../stat: comm, state, ppid, pgrp. */
static int rl__parse_stat(const char *path, char *comm, size_t clen, char *state,
                          int *ppid, int *pgrp)
{
    char buf[1024];
    if (!rl__read_small(path, buf, sizeof buf))
        return -1;
    char *l = strchr(buf, '('), *r = strrchr(buf, ')');
    if (!l || !r || r < l)
        return -1;
    size_t n = (size_t)(r - l - 1);
    if (n >= clen)
        n = clen - 1;
    memcpy(comm, l + 1, n);
    comm[n] = '\0';
    char st = '?';
    int pp = 0, pg = 0;
    if (sscanf(r + 1, " %c %d %d", &st, &pp, &pg) != 3)
        return -1;
    *state = st;
    *ppid = pp;
    *pgrp = pg;
    return 0;
}

static int rl__is_pid_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* What the stat file of a process or task says. */
typedef struct {
    char comm[64], state;
    int ppid, pgrp;
} rl__stat_t;

/* Calls fn(ctx, id, stat) for each numeric entry id of dir (/proc, or
 * /proc/PID/task) whose stat file parses, until fn returns nonzero; returns
 * that value, 0 when every entry was seen, -1 when dir cannot be opened. */
static int rl__each_stat(const char *dir, int (*fn)(void *ctx, const char *id, const rl__stat_t *st),
                         void *ctx)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int r = 0;
    struct dirent *e;
    while (r == 0 && (e = readdir(d))) {
        if (!rl__is_pid_name(e->d_name))
            continue;
        char path[128];
        rl__stat_t st;
        snprintf(path, sizeof path, "%.80s/%.20s/stat", dir, e->d_name);
        if (rl__parse_stat(path, st.comm, sizeof st.comm, &st.state, &st.ppid, &st.pgrp) == 0)
            r = fn(ctx, e->d_name, &st);
    }
    closedir(d);
    return r;
}

typedef struct {
    int (*keep)(char st, int pgrp, long arg);
    long arg;
    pid_t *out;
    int n, max;
} rl__scan_t;

static int rl__scan_one(void *ctx, const char *id, const rl__stat_t *st)
{
    rl__scan_t *sc = ctx;
    if (sc->keep(st->state, st->pgrp, sc->arg))
        sc->out[sc->n++] = (pid_t)atoi(id);
    return sc->n >= sc->max;
}

/* The numeric entries of dir (/proc, or /proc/PID/task) whose stat file
 * parses and passes keep(state, pgrp, arg), at most max of them. */
static int rl__scan_pids(const char *dir, int (*keep)(char st, int pgrp, long arg), long arg,
                         pid_t *out, int max)
{
    rl__scan_t sc = { .keep = keep, .arg = arg, .out = out, .max = max };
    if (max > 0)
        rl__each_stat(dir, rl__scan_one, &sc);
    return sc.n;
}

static int rl__in_group(char st, int pgrp, long pgid)
{
    (void)st;
    return pgrp == pgid;
}

static int rl__not_zombie(char st, int pgrp, long unused)
{
    (void)pgrp, (void)unused;
    return st != 'Z';
}

/* Pids of the processes in group pgid (at most max). */
static int rl__group_members(pid_t pgid, pid_t *out, int max)
{
    return rl__scan_pids("/proc", rl__in_group, pgid, out, max);
}

typedef struct {
    rl_sb_t *s;
    pid_t pid;
} rl__tasks_t;

/* One task of a process: state, wait channel, current system call. */
static int rl__proc_task(void *ctx, const char *id, const rl__stat_t *st)
{
    rl__tasks_t *t = ctx;
    char tpath[128], buf[256], wchan[128] = "?", sc[256] = "?";
    snprintf(tpath, sizeof tpath, "/proc/%d/task/%.20s/wchan", (int)t->pid, id);
    if (rl__read_small(tpath, buf, sizeof buf))
        snprintf(wchan, sizeof wchan, "%.100s", buf[0] ? buf : "0");
    snprintf(tpath, sizeof tpath, "/proc/%d/task/%.20s/syscall", (int)t->pid, id);
    if (rl__read_small(tpath, buf, sizeof buf)) {
        /* "nr arg1 .. arg6 sp pc": keep the number and the pc */
        char *last = strrchr(buf, ' ');
        int nr;
        if (sscanf(buf, "%d", &nr) == 1)
            snprintf(sc, sizeof sc, "%d pc %.100s", nr, last ? last + 1 : "?");
        else
            snprintf(sc, sizeof sc, "%.200s", buf);
    }
    rl_sb_printf(t->s, "  task %s (%s) state %c wchan %s syscall %s\n", id, st->comm, st->state, wchan, sc);
    return 0;
}

/* Every task of pid: state, wait channel, current system call. */
static void rl__proc_tasks(rl_sb_t *s, pid_t pid)
{
    char path[96], comm[64], st;
    int ppid, pgrp;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (rl__parse_stat(path, comm, sizeof comm, &st, &ppid, &pgrp) != 0)
        return;
    rl_sb_printf(s, "process %d (%s) ppid %d pgrp %d state %c\n", (int)pid, comm, ppid, pgrp, st);
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    rl__tasks_t t = { .s = s, .pid = pid };
    rl__each_stat(path, rl__proc_task, &t);
}

/* The process that traces task tid of pid (TracerPid in its status), 0
 * when none or unreadable. */
static pid_t rl__tracer_of(pid_t pid, const char *tid)
{
    char path[128], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/task/%.20s/status", (int)pid, tid);
    if (!rl__read_small(path, buf, sizeof buf))
        return 0;
    const char *t = strstr(buf, "\nTracerPid:");
    int tracer = 0;
    return t && sscanf(t + 12, "%d", &tracer) == 1 && tracer > 0 ? (pid_t)tracer : 0;
}

typedef struct {
    pid_t pid, pgid;
    int live, stopped, traced;   /* live: not Z; stopped: state T; traced: from outside */
    pid_t tracer;
} rl__stop_count_t;

static int rl__count_stopped(void *ctx, const char *id, const rl__stat_t *st)
{
    rl__stop_count_t *c = ctx;
    if (st->state == 'Z' || st->state == 'X')
        return 0;
    c->live++;
    if (st->state == 'T') {
        c->stopped++;
        return 0;
    }
    pid_t tracer = rl__tracer_of(c->pid, id);
    if (tracer == 0)
        return 0;
    char tpath[48], comm[64], tst;
    int tppid, tpgrp;
    snprintf(tpath, sizeof tpath, "/proc/%d/stat", (int)tracer);
    if (rl__parse_stat(tpath, comm, sizeof comm, &tst, &tppid, &tpgrp) == 0 && tpgrp != (int)c->pgid) {
        c->traced++;
        c->tracer = tracer;
    }
    return 0;
}

/* Whether a process of group pgid cannot run on because something outside
 * the trial stopped it: at least one live thread in state T (a SIGSTOP's
 * group stop; nothing in racelab sends one) and every other live thread
 * stopped too or traced by a process outside the group.  Wine's server,
 * for one, attaches to a thread with ptrace and, when the thread does not
 * stop within its 3-s watchdog on a loaded machine, gives up without
 * detaching; the SIGSTOP it sent then stops the whole process for good
 * (docs/windows.md, "A process stopped by Wine's server").
 * Writes the pid-free reason into why (the error's signature) and the
 * details into s; returns 1 when so. */
static int rl__stopped_from_outside(pid_t pgid, char *why, size_t wlen, rl_sb_t *s)
{
    pid_t members[64];
    int n = rl__group_members(pgid, members, 64);
    for (int i = 0; i < n; i++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/task", (int)members[i]);
        rl__stop_count_t c = { .pid = members[i], .pgid = pgid };
        rl__each_stat(path, rl__count_stopped, &c);
        if (c.stopped == 0 || c.stopped + c.traced < c.live)
            continue;
        if (c.traced)
            snprintf(why, wlen, "every thread stopped (state T) or traced by another process at the timeout");
        else
            snprintf(why, wlen, "every thread stopped (state T) at the timeout");
        rl_sb_printf(s, "[racelab: process %d was stopped at the timeout: %d of its %d live threads in "
                        "state T", (int)members[i], c.stopped, c.live);
        if (c.traced)
            rl_sb_printf(s, ", %d traced by process %d, outside the trial", c.traced, (int)c.tracer);
        rl_sb_puts(s, ". A stopped program cannot run on, so this is no hang of its own: the trial is an "
                      "error, counted in no rate]\n");
        return 1;
    }
    return 0;
}

static int rl__on_path(const char *name, char *out, size_t len)
{
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    while (*path) {
        const char *c = strchr(path, ':');
        size_t n = c ? (size_t)(c - path) : strlen(path);
        snprintf(out, len, "%.*s/%s", (int)n, n ? path : ".", name);
        if (access(out, X_OK) == 0)
            return 1;
        path += n + (c ? 1 : 0);
    }
    return 0;
}

/* What gdb should attach to for pid: pid itself, or, when the leader has
 * already exited (state Z, as a Wine process's main thread is when the
 * process hangs half terminated), each task still alive: ptrace refuses a
 * zombie leader, and with the leader gone gdb sees only the task it
 * attached to.  Returns how many ids it stored in out: 0 when every
 * thread has exited (a process that ended after SIGQUIT, not yet reaped). */
static int rl__attachable_tasks(pid_t pid, pid_t *out, int max)
{
    char path[96], comm[64], st;
    int ppid, pgrp;
    out[0] = pid;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (rl__parse_stat(path, comm, sizeof comm, &st, &ppid, &pgrp) != 0 || st != 'Z')
        return 1;
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    return rl__scan_pids(path, rl__not_zombie, 0, out, max); /* 0: it has exited */
}

static void rl__sweep_orphans_locked(int end_of_run);

static int rl__run(const rl_spawn_opts_t *opts, rl_proc_result_t *res, int helper);

static double rl__mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *rl__capture_stacks(pid_t pgid, int *backtraced);

/* A trial without a classifier is diagnosed as `program-kind auto`. */
static const rl_hang_dump_t rl__auto_hang_dump = { RL_PROGRAM_AUTO, RL_SIGQUIT_GRACE_DEFAULT_S };

/* 1 when the program argv0 names (looked up in PATH when it has no '/')
 * is a Go executable. */
static int rl__program_is_go(const char *argv0)
{
    char found[4096];
    if (strchr(argv0, '/'))
        return rl_program_is_go(argv0);
    return rl__on_path(argv0, found, sizeof found) && rl_program_is_go(found);
}

/* 1 when process pid runs a Go executable (its /proc/PID/exe, resolved,
 * so that the answer is cached per file rather than per process). */
static int rl__process_is_go(pid_t pid)
{
    char link[64], exe[4096];
    snprintf(link, sizeof link, "/proc/%d/exe", (int)pid);
    ssize_t n = readlink(link, exe, sizeof exe - 1);
    if (n <= 0)
        return 0;
    exe[n] = '\0';
    return rl_program_is_go(access(exe, R_OK) == 0 ? exe : link);
}

/* 1 while some thread of pid has not exited. */
static int rl__process_live(pid_t pid)
{
    char path[64];
    pid_t live[1];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    return rl__scan_pids(path, rl__not_zombie, 0, live, 1) > 0;
}

/* Reads what is in the trial's pipe into *out (bytes past its max are
 * counted in *dropped); waits up to wait_ms for the first byte.  Clears
 * *pipe_open at EOF.  Returns 1 when it read something. */
static int rl__read_into(int rd, int *pipe_open, int wait_ms, rl_sb_t *out, size_t *dropped)
{
    char buf[65536];
    struct pollfd pf = { .fd = rd, .events = POLLIN };
    if (!*pipe_open || poll(&pf, 1, wait_ms) <= 0)
        return 0;
    ssize_t k = read(rd, buf, sizeof buf);
    if (k > 0) {
        size_t before = out->len;
        rl_sb_add(out, buf, (size_t)k);
        if (out->len == before)
            *dropped += (size_t)k;
        return 1;
    }
    if (k == 0 || (errno != EINTR && errno != EAGAIN))
        *pipe_open = 0;
    return 0;
}

/* A hung Go program's own account of where its goroutines are stuck.
 * SIGQUIT goes to the Go processes of group pgid (with kind
 * RL_PROGRAM_GO to every live member, since the program may run behind a
 * wrapper; else to those whose executable is Go); a Go runtime answers it
 * by writing every goroutine's stack to stderr (all of them under
 * GOTRACEBACK=all, which spawn puts in a Go trial's environment) and
 * exiting.  What the trial writes from then on, until every process given
 * SIGQUIT has exited or the grace has passed, goes into *out under a
 * header saying what was done.  Returns how many processes got SIGQUIT
 * (0: none was a Go process, nothing was done). */
static int rl__sigquit_dump(pid_t pgid, const rl_hang_dump_t *hd, int rd, int *pipe_open,
                            rl_sb_t *out)
{
    pid_t members[64], targets[64];
    int n = rl__group_members(pgid, members, 64), nt = 0;
    for (int i = 0; i < n; i++)
        if (rl__process_live(members[i]) &&
            (hd->kind == RL_PROGRAM_GO || rl__process_is_go(members[i])))
            targets[nt++] = members[i];
    if (nt == 0)
        return 0;
    double grace = hd->sigquit_grace_s > 0 ? hd->sigquit_grace_s : RL_SIGQUIT_GRACE_DEFAULT_S;
    const char *tb = getenv("GOTRACEBACK");
    rl_sb_printf(out, "== racelab: goroutine dump: SIGQUIT to process%s", nt == 1 ? "" : "es");
    for (int i = 0; i < nt; i++)
        rl_sb_printf(out, " %d", (int)targets[i]);
    rl_sb_printf(out, " (GOTRACEBACK=%s), then what the trial wrote until %s exited, at most %gs ==\n",
                 tb ? tb : "all", nt == 1 ? "it" : "they", grace);
    for (int i = 0; i < nt; i++)
        kill(targets[i], SIGQUIT);
    double t0 = rl__mono(), end = t0 + grace, now = t0;
    size_t dropped = 0;
    int alive = nt;
    while (alive > 0 && now < end) {
        int ms = (int)((end - now) * 1000.0) + 1;
        if (ms > 50)
            ms = 50;
        if (*pipe_open)
            rl__read_into(rd, pipe_open, ms, out, &dropped);
        else
            poll(NULL, 0, ms);
        alive = 0;
        for (int i = 0; i < nt; i++)
            alive += rl__process_live(targets[i]);
        now = rl__mono();
    }
    /* What they wrote before exiting is in the pipe; a trial that keeps
     * writing is cut off after a bounded number of reads. */
    for (int k = 0; k < 256 && rl__read_into(rd, pipe_open, 0, out, &dropped); k++)
        ;
    if (out->len && out->s[out->len - 1] != '\n')
        rl_sb_putc(out, '\n');
    if (dropped)
        rl_sb_printf(out, "[racelab: %zu more bytes of the dump not kept]\n", dropped);
    if (alive)
        rl_sb_printf(out, "[racelab: %d of %d process%s given SIGQUIT still running after %gs]\n",
                     alive, nt, nt == 1 ? "" : "es", grace);
    else
        rl_sb_printf(out, "[racelab: every process given SIGQUIT exited, after %.2fs]\n",
                     rl__mono() - t0);
    return nt;
}

/* Everything racelab looks at in a hung trial before killing it, in this
 * order: a Go program's goroutine dump (rl__sigquit_dump, when go_dump),
 * then the OS-level stacks of what is still running (rl__capture_stacks),
 * under a first line that says what was captured. */
static char *rl__hang_report(pid_t pgid, const rl_hang_dump_t *hd, int go_dump, int rd,
                             int *pipe_open)
{
    rl_sb_t dump = { .max = RL__GODUMP_MAX };
    int quit = go_dump ? rl__sigquit_dump(pgid, hd, rd, pipe_open, &dump) : 0;
    int traced = 0;
    char *stacks = rl__capture_stacks(pgid, &traced);
    rl_sb_t s = { 0 };
    rl_sb_puts(&s, "racelab captured, below in this order: ");
    if (quit)
        rl_sb_printf(&s, "the goroutine dump of %d Go process%s (SIGQUIT), ", quit,
                     quit == 1 ? "" : "es");
    rl_sb_printf(&s, "the thread states of process group %d (/proc), ", (int)pgid);
    if (traced)
        rl_sb_printf(&s, "gdb backtraces of %d process%s\n", traced, traced == 1 ? "" : "es");
    else
        rl_sb_puts(&s, "no gdb backtrace\n");
    if (dump.len)
        rl_sb_add(&s, dump.s, dump.len);
    rl_sb_free(&dump);
    if (stacks)
        rl_sb_puts(&s, stacks);
    free(stacks);
    return rl_sb_take(&s);
}

/* Hang diagnostics for the group led by pid: /proc for every member, then
 * gdb's backtraces of each member (bounded in count and time). */
static char *rl__capture_stacks(pid_t pgid, int *backtraced)
{
    rl_sb_t s = { .max = RL__STACKS_MAX };
    *backtraced = 0;
    pid_t members[64];
    int n = rl__group_members(pgid, members, 64);
    rl_sb_printf(&s, "== racelab: threads of process group %d (from /proc) ==\n", (int)pgid);
    for (int i = 0; i < n; i++)
        rl__proc_tasks(&s, members[i]);
    char gdb[4096];
    if (rl__on_path("gdb", gdb, sizeof gdb)) {
        int attached = 0;
        for (int i = 0; i < n && attached < 8; i++) {
            pid_t tasks[8];
            int nt = rl__attachable_tasks(members[i], tasks, 8);
            if (nt == 0)
                rl_sb_printf(&s, "[racelab: process %d has exited: no stacks to take]\n",
                             (int)members[i]);
            else
                ++*backtraced;
            for (int k = 0; k < nt && attached < 8; k++, attached++) {
                char pidbuf[32];
                snprintf(pidbuf, sizeof pidbuf, "%d", (int)tasks[k]);
                char *argv[] = { gdb, "-batch", "-nx", "-p", pidbuf, "-ex",
                                 "thread apply all bt", NULL };
                rl_spawn_opts_t o = { .argv = argv, .timeout_s = RL__GDB_TIMEOUT_S,
                                      .capture_limit = 64 * 1024 };
                rl_proc_result_t r;
                rl_sb_printf(&s, "== racelab: gdb -batch -p %s -ex 'thread apply all bt' ==\n",
                              pidbuf);
                if (rl__run(&o, &r, 1) == 0 && r.started) {
                    rl_sb_add(&s, r.output, r.output_len);
                    if (r.timed_out)
                        rl_sb_printf(&s, "[racelab: gdb timed out after %.0fs]\n",
                                      RL__GDB_TIMEOUT_S);
                } else {
                    rl_sb_printf(&s, "[racelab: gdb did not run: %s]\n", r.errmsg);
                }
                rl_proc_result_free(&r);
            }
        }
    } else {
        rl_sb_printf(&s, "[racelab: gdb not on PATH; /proc task states only]\n");
    }
    return rl_sb_take(&s);
}

typedef struct {
    pid_t self, own_session;
    int end_of_run, found;
} rl__orphans_t;

/* One process of /proc: killed and reaped when it is an orphan of ours. */
static int rl__orphan(void *ctx, const char *id, const rl__stat_t *st)
{
    rl__orphans_t *o = ctx;
    if (st->ppid != o->self)
        return 0;
    pid_t pid = (pid_t)atoi(id);
    if (rl__registered(pid))
        return 0;
    if (!o->end_of_run && st->state != 'Z' && getsid(pid) != o->own_session)
        return 0;
    /* An escaped descendant of some trial, now ours: kill its group (it may
     * lead one after setsid) and itself, then reap it. */
    if (st->pgrp == pid)
        kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    o->found = 1;
    return 0;
}

/* Kills and reaps racelab's children that are not registered trials.  Mid
 * run (end_of_run 0) it spares those in another session: a daemon that a
 * trial started with setsid, such as the wineserver and Wine's services
 * that the first Wine trial brings up, is shared by the trials running
 * beside it, and killing it there turns them into hangs (Wine threads die
 * one by one as they next talk to the server, leaving a half-dead
 * process).  Such daemons go at the end of the run; exited ones are reaped
 * at once. */
static void rl__sweep_orphans_locked(int end_of_run)
{
    rl__orphans_t o = { .self = getpid(), .own_session = getsid(0), .end_of_run = end_of_run };
    for (int round = 0; round < 16; round++) {
        o.found = 0;
        if (rl__each_stat("/proc", rl__orphan, &o) < 0 || !o.found)
            return;
    }
}

void rl_spawn_cleanup(void)
{
    pthread_once(&rl__once, rl__init);
    pthread_rwlock_wrlock(&rl__spawn_lock);
    rl__sweep_orphans_locked(1);
    pthread_rwlock_unlock(&rl__spawn_lock);
}

/* The value of RACELAB_OWNER in /proc/pid/environ, or 0. */
static int rl__owner_of(const char *pid, char *out, size_t len)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%.20s/environ", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    ssize_t k;
    while (buf && (k = read(fd, buf + n, cap - n)) > 0) {
        n += (size_t)k;
        if (n == cap && cap < (1 << 22)) {
            char *b = realloc(buf, cap * 2 + 1);
            if (!b)
                break;
            buf = b;
            cap *= 2;
        }
    }
    close(fd);
    int found = 0;
    for (size_t i = 0; buf && i < n && !found; i += strlen(buf + i) + 1) {
        buf[n] = '\0';
        if (strncmp(buf + i, "RACELAB_OWNER=", 14) == 0) {
            snprintf(out, len, "%.60s", buf + i + 14);
            found = 1;
        }
    }
    free(buf);
    return found;
}

/* 1 for a process the reaper must never touch: racelab, an ancestor of
 * it, a member of its process group, another user's process, another
 * racelab (any build: one started with a stale RACELAB_OWNER is a running
 * racelab, not a trial, and it ends its own trials). */
static int rl__spares(pid_t pid)
{
    if (pid == getpid() || getpgid(pid) == getpgrp())
        return 1;
    char path[64], comm[32];
    struct stat st;
    snprintf(path, sizeof path, "/proc/%d", (int)pid);
    if (stat(path, &st) != 0 || st.st_uid != getuid())
        return 1;
    snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
    if (rl__read_small(path, comm, sizeof comm) && strcmp(comm, "racelab") == 0)
        return 1;
    for (pid_t a = getppid(); a > 1;) {
        if (a == pid)
            return 1;
        char buf[512];
        snprintf(path, sizeof path, "/proc/%d/stat", (int)a);
        FILE *f = fopen(path, "r");
        size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
        if (f)
            fclose(f);
        buf[n] = '\0';
        const char *rp = strrchr(buf, ')');
        int pp = 0;
        if (!rp || sscanf(rp + 1, " %*c %d", &pp) != 1)
            break;
        a = (pid_t)pp;
    }
    return 0;
}

/* 1 while the racelab named by pid and its start time still runs: the same
 * process (the start time matches, so the pid was not reused) with a
 * thread that has not exited.  A racelab killed while its parent does not
 * wait for it stays a zombie, which kill(pid, 0) and /proc/PID/stat still
 * find; its trials are as abandoned as a reaped racelab's. */
static int rl__owner_running(pid_t pid, unsigned long long start)
{
    if (kill(pid, 0) != 0 && errno != EPERM)
        return 0;
    if (rl__start_time(pid) != start)
        return 0;
    char path[64];
    pid_t live[1];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    return rl__scan_pids(path, rl__not_zombie, 0, live, 1) > 0;
}

int rl_spawn_reap_abandoned(void)
{
    pthread_once(&rl__once, rl__init);
    const char *self = rl__owner + 14;
    DIR *d = opendir("/proc");
    if (!d)
        return 0;
    int killed = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!rl__is_pid_name(e->d_name))
            continue;
        char owner[64];
        if (!rl__owner_of(e->d_name, owner, sizeof owner) || strcmp(owner, self) == 0)
            continue;
        pid_t cand = (pid_t)atoi(e->d_name);
        /* Never racelab itself, its ancestors or its own process group (a
         * stale RACELAB_OWNER inherited by racelab, e.g. when it runs
         * inside a trial of a racelab that was killed), nor a process of
         * another user. */
        if (rl__spares(cand))
            continue;
        int opid = 0;
        unsigned long long ostart = 0;
        if (sscanf(owner, "%d.%llu", &opid, &ostart) != 2 || opid <= 0)
            continue;
        if (rl__owner_running(opid, ostart))
            continue;     /* its racelab is alive and will end it */
        pid_t pid = (pid_t)atoi(e->d_name);
        /* Counted when either kill lands: the group kill may end the
         * process and its new parent (init) reap it before the second. */
        int hit = getpgid(pid) == pid && kill(-pid, SIGKILL) == 0;
        if (kill(pid, SIGKILL) == 0 || hit)
            killed++;
    }
    closedir(d);
    return killed;
}

/* ---- the run ------------------------------------------------------------ */

static int rl__run(const rl_spawn_opts_t *opts, rl_proc_result_t *res, int helper)
{
    memset(res, 0, sizeof *res);
    res->exit_status = -1;
    pthread_once(&rl__once, rl__init);
    if (!opts->argv || !opts->argv[0]) {
        snprintf(res->errmsg, sizeof res->errmsg, "empty command");
        return 0;
    }

    rl_capture_t cap;
    if (rl_capture_init(&cap, opts->capture_limit, opts->classifier) != 0) {
        rl_capture_free(&cap);
        snprintf(res->errmsg, sizeof res->errmsg, "out of memory");
        return -1;
    }
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
        snprintf(res->errmsg, sizeof res->errmsg, "pipe: %s", strerror(errno));
        rl_capture_free(&cap);
        return -1;
    }
    pthread_once(&rl__once, rl__init);
    /* A Go program is asked for its goroutines at a hang (rl__hang_report);
     * GOTRACEBACK=all makes that dump every goroutine, unless racelab's
     * own environment already says what GOTRACEBACK should be. */
    const rl_hang_dump_t *hd = opts->classifier ? &opts->classifier->hang_dump : &rl__auto_hang_dump;
    int go_dump = !helper && opts->capture_stacks && hd->kind != RL_PROGRAM_NATIVE;
    int go_env = go_dump && (hd->kind == RL_PROGRAM_GO || rl__program_is_go(opts->argv[0])) &&
                 !getenv("GOTRACEBACK");
    char *const *env_add = opts->env_add;
    char **go_add = NULL;
    if (go_env) {
        size_t n = 0;
        while (env_add && env_add[n])
            n++;
        if ((go_add = calloc(n + 2, sizeof *go_add)) != NULL) {
            if (n)
                memcpy(go_add, env_add, n * sizeof *go_add);
            go_add[n] = "GOTRACEBACK=all";
            env_add = go_add;
        }
    }
    char **env = rl__make_env(env_add, helper ? NULL : rl__owner);
    free(go_add);
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_adddup2(&fa, p[1], 2);
    posix_spawnattr_init(&at);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &all);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                  POSIX_SPAWN_SETSIGDEF);

    double t0 = 0;
    pid_t pid = -1;
    int slot = -1, err;
    pthread_rwlock_rdlock(&rl__spawn_lock);
    if (!env) {
        err = ENOMEM;
    } else if (atomic_load(&rl__killing) && !helper) {
        err = EINTR;
    } else {
        t0 = (double)0;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        t0 = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
        err = posix_spawnp(&pid, opts->argv[0], &fa, &at, opts->argv, env);
        if (err == 0)
            slot = rl__register(pid);
    }
    pthread_rwlock_unlock(&rl__spawn_lock);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    free(env);
    close(p[1]);
    if (err != 0) {
        close(p[0]);
        rl_capture_free(&cap);
        res->interrupted = err == EINTR;
        snprintf(res->errmsg, sizeof res->errmsg, "%s: %s", opts->argv[0],
                 err == EINTR ? "interrupted" : strerror(err));
        return 0;
    }
    res->started = 1;
    /* kill_all may have run between the check and the registration. */
    if (atomic_load(&rl__killing) && !helper)
        kill(-pid, SIGKILL);

    int pidfd = rl__pidfd_open(pid);
    int rd = p[0], exited = 0, timed_out = 0, pipe_open = 1, poll_errno = 0;
    double deadline = opts->timeout_s > 0 ? t0 + opts->timeout_s : 0;
    double grace_end = 0;
    char buf[65536];
    siginfo_t si;

    while (pipe_open || !exited) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        double now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
        double until = exited ? grace_end : deadline;
        int wait_ms = -1;
        if (until > 0) {
            if (now >= until) {
                if (!exited)
                    timed_out = 1;
                break;
            }
            /* Clamped: a long timeout must not overflow the int. */
            double ms = (until - now) * 1000.0;
            wait_ms = ms >= (double)(INT_MAX - 1) ? INT_MAX - 1 : (int)ms + 1;
        }
        if (!exited && pidfd < 0 && (wait_ms < 0 || wait_ms > 10))
            wait_ms = 10;     /* no pidfd (old kernel): fall back to a short tick */
        struct pollfd pf[2];
        int nf = 0, ipipe = -1, ipid = -1;
        if (pipe_open) {
            pf[nf] = (struct pollfd){ .fd = rd, .events = POLLIN };
            ipipe = nf++;
        }
        if (!exited && pidfd >= 0) {
            pf[nf] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
            ipid = nf++;
        }
        int r = poll(pf, (nfds_t)nf, wait_ms);
        if (r < 0 && errno != EINTR) {
            poll_errno = errno;
            break;
        }
        if (ipipe >= 0 && r > 0 && (pf[ipipe].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t k = read(rd, buf, sizeof buf);
            if (k > 0)
                rl_capture_add(&cap, buf, (size_t)k);
            else if (k == 0 || (errno != EINTR && errno != EAGAIN))
                pipe_open = 0;
        }
        if (!exited && (pidfd < 0 || (ipid >= 0 && r > 0 && (pf[ipid].revents & POLLIN)))) {
            memset(&si, 0, sizeof si);
            if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT | (pidfd < 0 ? WNOHANG : 0)) == 0 &&
                si.si_pid == pid) {
                exited = 1;
                clock_gettime(CLOCK_MONOTONIC, &ts);
                res->duration_s = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - t0;
                /* The leader is a zombie: its group id is still ours.  Nothing
                 * the trial started outlives it. */
                kill(-pid, SIGKILL);
                grace_end = res->duration_s + t0 + RL__EOF_GRACE_S;
            }
        }
    }

    if (poll_errno && !exited) {
        /* Cannot watch the trial any more: end it rather than wait blind. */
        kill(-pid, SIGKILL);
        rl__unregister(slot);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        if (pidfd >= 0)
            close(pidfd);
        close(rd);
        rl_capture_free(&cap);
        snprintf(res->errmsg, sizeof res->errmsg, "poll: %s", strerror(poll_errno));
        return -1;
    }
    int escaped = pipe_open;   /* someone outside the group holds the pipe */
    if (timed_out) {
        res->timed_out = 1;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        /* The trial's time is up to the timeout, not the diagnostics. */
        res->duration_s = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - t0;
        /* Looked at first: gdb's attaching stops threads too. */
        rl_sb_t diag = { 0 };
        rl__stopped_from_outside(pid, res->stopped, sizeof res->stopped, &diag);
        if (opts->capture_stacks) {
            char *report = rl__hang_report(pid, hd, go_dump, rd, &pipe_open);
            if (report)
                rl_sb_puts(&diag, report);
            free(report);
        }
        if (diag.len)
            res->stacks = rl_sb_take(&diag);
        rl_sb_free(&diag);
        kill(-pid, SIGKILL);
        clock_gettime(CLOCK_MONOTONIC, &ts);
        /* Drain what the dying group still writes, briefly. */
        double end = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 + RL__EOF_GRACE_S;
        while (pipe_open) {
            clock_gettime(CLOCK_MONOTONIC, &ts);
            double now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
            if (now >= end)
                break;
            struct pollfd pf = { .fd = rd, .events = POLLIN };
            if (poll(&pf, 1, (int)((end - now) * 1000.0) + 1) <= 0)   /* end: < 1 s away */
                continue;
            ssize_t k = read(rd, buf, sizeof buf);
            if (k > 0)
                rl_capture_add(&cap, buf, (size_t)k);
            else if (k == 0 || errno != EINTR)
                pipe_open = 0;
        }
        escaped = 1;
    }
    rl__unregister(slot);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status))
        res->exit_status = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        res->term_signal = WTERMSIG(status);
    if (!helper && atomic_load(&rl__killing) && res->term_signal == SIGKILL && !res->timed_out)
        res->interrupted = 1;
    if (pidfd >= 0)
        close(pidfd);
    close(rd);
    if (escaped && !helper) {
        pthread_rwlock_wrlock(&rl__spawn_lock);
        rl__sweep_orphans_locked(0);
        pthread_rwlock_unlock(&rl__spawn_lock);
    }
    res->output_total = cap.total;
    int cap_rc = rl_capture_finish(&cap, &res->output, &res->output_len, &res->output_head_len,
                                   &res->signature_lines, &res->signature_lines_len);
    rl_capture_free(&cap);
    if (cap_rc != 0) {
        snprintf(res->errmsg, sizeof res->errmsg, "out of memory");
        return -1;
    }
    return 0;
}

int rl_spawn_run(const rl_spawn_opts_t *opts, rl_proc_result_t *res)
{
    return rl__run(opts, res, 0);
}
