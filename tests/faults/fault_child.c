/* fault_child.c - a trial program that misbehaves on purpose, for the fault
 * tests.  usage: fault-child MODE [ARGS...]
 *   tree DIR [--exit N]    create DIR if need be; ignore SIGTERM; start a grandchild and a
 *                          great-grandchild (same group), a double-forked
 *                          setsid daemon with stdio closed, and a child of
 *                          that daemon in a group of its own; every one
 *                          ignores SIGTERM and writes DIR/<pid>; once all 5
 *                          have, exit N (default: hang)
 *   ignoreterm             ignore SIGTERM (and SIGINT, SIGHUP) and hang
 *   flood2 MIB             write MIB MiB alternately to stdout and stderr
 *                          (1 MiB each write, from a static buffer),
 *                          starting "HEAD-MARK" and ending "TAIL-MARK" and
 *                          "fatal error: flood done"; exit 3
 *   closeearly MS EXIT     print a line, close stdout and stderr, sleep MS
 *                          ms, exit EXIT (EXIT "hang": never exit)
 *   badutf8                print invalid UTF-8 in a crash line; exit 2
 *   fault NAME             die by a real fault: segv, bus, fpe, ill, abort,
 *                          kill, term
 *   gocrash KIND           print a Go runtime crash (fatal, signal, panic)
 *                          with goroutine traces; exit 2
 *   goburied NLOG NTRACE   print NLOG log lines, "fatal error: malloc
 *                          deadlock" (its first 9 bytes, a flush and a
 *                          pause of 50 ms, then the rest: a line split
 *                          across two writes), a "runtime: m=3
 *                          mallocing=1" line, NTRACE goroutine trace lines;
 *                          exit 2
 *   matchflood MIB         MIB MiB of lines that all match built-in
 *                          patterns ("fatal error: flood line N"); exit 2
 *   work MS FILE           sleep MS ms, append RACELAB_SEED to FILE, exit 0
 * Every process it starts keeps its environment, so the tests find them all
 * by a marker variable scanning /proc. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void hang(void)
{
    for (;;)
        pause();
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

static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
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
    for (int i = 0; i < 1000 && count_files(dir) < 5; i++)
        sleep_ms(10);
    printf("tree of %d processes\n", count_files(dir));
    fflush(stdout);
    if (do_exit)
        exit(exit_code);
    hang();
}

static void flood2(long mib)
{
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

static void goburied(long nlog, long ntrace)
{
    for (long i = 0; i < nlog; i++)
        printf("worker %ld: handled request %ld in 3 ms\n", i % 7, i);
    fflush(stdout);
    fputs("fatal err", stderr);
    fflush(stderr);
    sleep_ms(50);
    fputs("or: malloc deadlock\n\nruntime: m=3 mallocing=1\n", stderr);
    fflush(stderr);
    for (long i = 0; i < ntrace; i++)
        printf("goroutine %ld [chan receive]:\nmain.worker(0xc000%06lx)\n\t/tmp/x/main.go:%ld +0x5d\n",
               i + 18, i, 40 + i % 9);
    fflush(stdout);
    exit(2);
}

static void matchflood(long mib)
{
    static char buf[1 << 20];
    size_t n = 0;
    long line = 0;
    for (long i = 0; i < mib; i++) {
        while (n < sizeof buf - 64)
            n += (size_t)snprintf(buf + n, 64, "fatal error: flood line %ld\n", line++);
        if (fwrite(buf, 1, n, stdout) != n)
            _exit(96);
        n = 0;
    }
    fflush(stdout);
    exit(2);
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
        char path[] = "/tmp/fault-child-bus-XXXXXX";
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
    sleep_ms(1000);
    _exit(94);
}

static void gocrash(const char *kind)
{
    printf("worker 1 started\nworker 2 started\n");
    fflush(stdout);
    if (strcmp(kind, "fatal") == 0) {
        fputs("fatal error: malloc deadlock\n\nruntime stack:\n"
              "runtime.throw({0x4b2a3c?, 0xc000012345?})\n"
              "\t/usr/lib/go/src/runtime/panic.go:1047 +0x5d fp=0x7ffd5e8 sp=0x7ffd5b8 pc=0x434a1d\n"
              "runtime.mallocgc(0x10, 0x0, 0x0)\n"
              "\t/usr/lib/go/src/runtime/malloc.go:926 +0x7f1\n\n"
              "goroutine 17 [running, locked to thread]:\n"
              "runtime.systemstack_switch()\n", stderr);
    } else if (strcmp(kind, "signal") == 0) {
        fputs("fatal error: unexpected signal during runtime execution\n"
              "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x45a3f2]\n\n"
              "runtime stack:\nruntime.throw({0x4b1c2e?, 0x0?})\n\n"
              "goroutine 1 [syscall]:\nmain.main()\n", stderr);
    } else {
        fputs("panic: runtime error: invalid memory address or nil pointer dereference\n"
              "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x48f2a1]\n\n"
              "goroutine 1 [running]:\nmain.main()\n\t/tmp/x/main.go:9 +0x21\n", stderr);
    }
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 64;
    const char *mode = argv[1];
    if (strcmp(mode, "tree") == 0 && argc > 2) {
        int do_exit = argc > 4 && strcmp(argv[3], "--exit") == 0;
        tree(argv[2], do_exit ? atoi(argv[4]) : 0, do_exit);
    }
    if (strcmp(mode, "ignoreterm") == 0) {
        ignore_term();
        puts("ignoring SIGTERM");
        fflush(stdout);
        hang();
    }
    if (strcmp(mode, "flood2") == 0 && argc > 2)
        flood2(atol(argv[2]));
    if (strcmp(mode, "goburied") == 0 && argc > 3)
        goburied(atol(argv[2]), atol(argv[3]));
    if (strcmp(mode, "matchflood") == 0 && argc > 2)
        matchflood(atol(argv[2]));
    if (strcmp(mode, "closeearly") == 0 && argc > 3) {
        puts("closing stdout and stderr");
        fflush(stdout);
        close(1);
        close(2);
        if (strcmp(argv[3], "hang") == 0)
            hang();
        sleep_ms(atol(argv[2]));
        return atoi(argv[3]);
    }
    if (strcmp(mode, "badutf8") == 0) {
        fputs("fatal error: bad bytes \xff\xfe here \xc3\x28 and \xe2\x82 end\x01\n", stderr);
        return 2;
    }
    if (strcmp(mode, "fault") == 0 && argc > 2)
        die_by(argv[2]);
    if (strcmp(mode, "gocrash") == 0 && argc > 2)
        gocrash(argv[2]);
    if (strcmp(mode, "work") == 0 && argc > 3) {
        sleep_ms(atol(argv[2]));
        const char *s = getenv("RACELAB_SEED");
        FILE *f = fopen(argv[3], "a");
        if (!f)
            return 93;
        fprintf(f, "%s\n", s ? s : "none");
        fclose(f);
        return 0;
    }
    fprintf(stderr, "fault-child: bad mode\n");
    return 64;
}
