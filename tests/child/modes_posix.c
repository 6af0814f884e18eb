/* modes_posix.c - rl-child's POSIX modes: signals and real faults, trees
 * of processes that outlive or ignore their parent's signals, floods and
 * closed output. */
#include "child.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testfs.h"

static void hang(void)
{
    for (;;)
        pause();
}

static void *sleeper(void *arg)
{
    (void)arg;
    hang();
    return NULL;
}

static void write_pid(const char *file, pid_t pid)
{
    if (!file)
        return;
    FILE *f = fopen(file, "a");
    if (!f)
        exit(99);
    fprintf(f, "%d\n", (int)pid);
    fclose(f);
}

static int mode_signal(int argc, char **argv)
{
    (void)argc;
    signal(atoi(argv[2]), SIG_DFL);
    raise(atoi(argv[2]));
    return 98;
}

static int mode_abort(int argc, char **argv)
{
    (void)argc, (void)argv;
    abort();
}

static int mode_hang(int argc, char **argv)
{
    write_pid(child_opt(argc, argv, "--pidfile"), getpid());
    pthread_t t;
    pthread_create(&t, NULL, sleeper, NULL);
    printf("hanging\n");
    fflush(stdout);
    if (child_flag(argc, argv, "--leader-exits"))
        pthread_exit(NULL);
    hang();
    return 0;
}

static int mode_forksleep(int argc, char **argv)
{
    const char *pidfile = child_opt(argc, argv, "--pidfile");
    fflush(stdout);
    pid_t p = fork();
    if (p < 0)
        return 97;
    if (p == 0) {
        if (child_flag(argc, argv, "--setsid")) {
            /* double fork + setsid: leaves our process group and session */
            pid_t q = fork();
            if (q != 0)
                _exit(0);
            setsid();
        }
        write_pid(pidfile, getpid());
        hang();
    }
    if (child_flag(argc, argv, "--setsid")) {
        int st;
        waitpid(p, &st, 0);
    }
    /* Give the grandchild time to write its pid. */
    for (int i = 0; i < 200; i++) {
        FILE *f = pidfile ? fopen(pidfile, "r") : NULL;
        int have = f && fgetc(f) != EOF;
        if (f)
            fclose(f);
        if (have || !pidfile)
            break;
        usleep(10000);
    }
    printf("left a grandchild\n");
    fflush(stdout);
    if (child_flag(argc, argv, "--hang"))
        hang();
    return 0;
}

static int mode_flood(int argc, char **argv)
{
    long long n = atoll(argv[2]);
    char buf[65536];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
    while (n > 0) {
        size_t k = n < (long long)sizeof buf ? (size_t)n : sizeof buf;
        ssize_t w = write(1, buf, k);
        if (w <= 0)
            return 96;
        n -= w;
    }
    const char *e = child_opt(argc, argv, "--exit");
    return e ? atoi(e) : 0;
}

static void ignore_term(void)
{
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
}

static void note_pid(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%d", dir, (int)getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0)
        close(fd);
}

static void tree(const char *dir, int exit_code, int do_exit)
{
    ignore_term();
    mkdir(dir, 0755);
    note_pid(dir);
    pid_t a = fork();
    if (a == 0) {                       /* grandchild of racelab's trial */
        note_pid(dir);
        if (fork() == 0) {              /* great-grandchild */
            note_pid(dir);
            hang();
        }
        if (fork() == 0) {              /* daemon: double fork + setsid */
            if (fork() != 0)
                _exit(0);
            setsid();
            int nul = open("/dev/null", O_RDWR);
            dup2(nul, 0);
            dup2(nul, 1);
            dup2(nul, 2);
            note_pid(dir);
            if (fork() == 0) {          /* the daemon's child, own group */
                setpgid(0, 0);
                note_pid(dir);
                hang();
            }
            hang();
        }
        hang();
    }
    for (int i = 0; i < 1000 && tf_count_entries(dir) < 5; i++)
        child_sleep_ms(10);
    printf("tree of %d processes\n", tf_count_entries(dir));
    fflush(stdout);
    if (do_exit)
        exit(exit_code);
    hang();
}

static int mode_tree(int argc, char **argv)
{
    int do_exit = argc > 4 && strcmp(argv[3], "--exit") == 0;
    tree(argv[2], do_exit ? atoi(argv[4]) : 0, do_exit);
    return 0;
}

static int mode_ignoreterm(int argc, char **argv)
{
    (void)argc, (void)argv;
    ignore_term();
    puts("ignoring SIGTERM");
    fflush(stdout);
    hang();
    return 0;
}

static int mode_flood2(int argc, char **argv)
{
    (void)argc;
    long mib = atol(argv[2]);
    static char buf[1 << 20];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
    memcpy(buf, "HEAD-MARK\n", 10);
    for (long i = 0; i < mib; i++) {
        if (i == 1)
            memcpy(buf, "abcdefghi\n", 10);
        size_t off = 0;
        int fd = (i % 2) ? 2 : 1;
        while (off < sizeof buf) {
            ssize_t w = write(fd, buf + off, sizeof buf - off);
            if (w <= 0)
                _exit(96);
            off += (size_t)w;
        }
    }
    fputs("TAIL-MARK\n", stdout);
    fflush(stdout);
    fputs("fatal error: flood done\n", stderr);
    exit(3);
}

static int mode_closeearly(int argc, char **argv)
{
    (void)argc;
    puts("closing stdout and stderr");
    fflush(stdout);
    close(1);
    close(2);
    if (strcmp(argv[3], "hang") == 0)
        hang();
    child_sleep_ms(atol(argv[2]));
    return atoi(argv[3]);
}

/* The faults are real, so UBSan (in the sanitizer build) must not turn
 * them into its own reports: the trial has to die by the signal. */
__attribute__((no_sanitize("undefined")))
static void die_by(const char *name)
{
    if (strcmp(name, "segv") == 0) {
        volatile int *p = NULL;
        *p = 1;
    } else if (strcmp(name, "bus") == 0) {
        /* A mapping past the end of its file faults with SIGBUS. */
        char path[] = "/tmp/rl-child-bus-XXXXXX";
        int fd = mkstemp(path);
        unlink(path);
        if (fd < 0 || ftruncate(fd, 4096) != 0)
            _exit(95);
        volatile char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (m == MAP_FAILED || ftruncate(fd, 0) != 0)
            _exit(95);
        m[0] = 1;
    } else if (strcmp(name, "fpe") == 0) {
        volatile int zero = 0, x = 7;
        x = x / zero;
        (void)x;
    } else if (strcmp(name, "ill") == 0) {
#if defined(__x86_64__) || defined(__i386__)
        __asm__ volatile("ud2");
#else
        raise(SIGILL);
#endif
    } else if (strcmp(name, "abort") == 0) {
        abort();
    } else if (strcmp(name, "kill") == 0) {
        kill(getpid(), SIGKILL);
    } else if (strcmp(name, "term") == 0) {
        kill(getpid(), SIGTERM);
    }
    child_sleep_ms(1000);
    _exit(94);
}

static int mode_fault(int argc, char **argv)
{
    (void)argc;
    die_by(argv[2]);
    return 0;
}

static const child_mode_t modes[] = {
    {"signal", "N: kill itself with signal N", 1, mode_signal},
    {"abort", ": call abort()", 0, mode_abort},
    {"hang", "[--pidfile F] [--leader-exits]: sleep for ever (two threads); with --leader-exits the main "
             "thread exits and leaves a zombie leader, as a half-terminated Wine process does", 0, mode_hang},
    {"forksleep", "[--setsid] [--hang] [--pidfile F]: leave a sleeping grandchild (with --setsid: one that "
                  "double-forked into its own session), then exit 0 (or hang with --hang)", 0, mode_forksleep},
    {"flood", "BYTES [--exit S]: write BYTES bytes of text to stdout, exit S (0)", 1, mode_flood},
    {"tree", "DIR [--exit N]: create DIR if need be; ignore SIGTERM; start a grandchild and a "
             "great-grandchild (same group), a double-forked setsid daemon with stdio closed, and a child of "
             "that daemon in a group of its own; every one ignores SIGTERM and writes DIR/<pid>; once all 5 "
             "have, exit N (default: hang)", 1, mode_tree},
    {"ignoreterm", ": ignore SIGTERM (and SIGINT, SIGHUP) and hang", 0, mode_ignoreterm},
    {"flood2", "MIB: write MIB MiB alternately to stdout and stderr (1 MiB each write, from a static buffer), "
               "starting \"HEAD-MARK\" and ending \"TAIL-MARK\" and \"fatal error: flood done\"; exit 3",
     1, mode_flood2},
    {"closeearly", "MS EXIT: print a line, close stdout and stderr, sleep MS ms, exit EXIT (EXIT \"hang\": "
                   "never exit)", 2, mode_closeearly},
    {"fault", "NAME: die by a real fault: segv, bus, fpe, ill, abort, kill, term", 1, mode_fault},
};
CHILD_MODES(posix, modes);
