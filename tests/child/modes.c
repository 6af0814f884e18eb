/* modes.c - rl-child's modes for every platform: exit codes, output shapes,
 * the arguments and environment it was given, Go-like crash texts. */
#include "child.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int mode_exit(int argc, char **argv)
{
    (void)argc;
    return atoi(argv[2]);
}

/* Each TEXT as a line; --exit N anywhere sets the status. */
static int mode_print(int argc, char **argv)
{
    int code = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--exit") == 0 && i + 1 < argc) {
            code = atoi(argv[++i]);
            continue;
        }
        puts(argv[i]);
    }
    return code;
}

static int mode_args(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        printf("arg[%d]=%s\n", i, argv[i]);
    const char *s = getenv("RACELAB_SEED");
    printf("env RACELAB_SEED=%s\n", s ? s : "(unset)");
    return 0;
}

static int mode_argv(int argc, char **argv)
{
    for (int i = 2; i < argc; i++)
        printf("[%s]\n", argv[i]);
    return 0;
}

static int mode_env(int argc, char **argv)
{
    (void)argc;
    const char *v = getenv(argv[2]);
    printf("%s\n", v ? v : "(unset)");
    return 0;
}

static int mode_sleepms(int argc, char **argv)
{
    child_sleep_ms(atol(argv[2]));
    const char *e = child_opt(argc, argv, "--exit");
    return e ? atoi(e) : 0;
}

static int mode_seedcrash(int argc, char **argv)
{
    (void)argc;
    const char *s = getenv("RACELAB_SEED");
    unsigned long long seed = s ? strtoull(s, NULL, 10) : 0;
    if ((long long)(seed % 100) < atoll(argv[2])) {
        fprintf(stderr, "fatal error: seeded crash (seed %llu)\n", seed);
        return 2;
    }
    return 0;
}

static int mode_work(int argc, char **argv)
{
    (void)argc;
    child_sleep_ms(atol(argv[2]));
    const char *s = getenv("RACELAB_SEED");
    FILE *f = fopen(argv[3], "a");
    if (!f)
        return 93;
    fprintf(f, "%s\n", s ? s : "none");
    fclose(f);
    return 0;
}

static int mode_badutf8(int argc, char **argv)
{
    (void)argc, (void)argv;
    fputs("fatal error: bad bytes \xff\xfe here \xc3\x28 and \xe2\x82 end\x01\n", stderr);
    return 2;
}

static int mode_gocrash(int argc, char **argv)
{
    (void)argc;
    const char *kind = argv[2];
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
    return 2;
}

static int mode_goburied(int argc, char **argv)
{
    (void)argc;
    long nlog = atol(argv[2]), ntrace = atol(argv[3]);
    for (long i = 0; i < nlog; i++)
        printf("worker %ld: handled request %ld in 3 ms\n", i % 7, i);
    fflush(stdout);
    fputs("fatal err", stderr);
    fflush(stderr);
    child_sleep_ms(50);
    fputs("or: malloc deadlock\n\nruntime: m=3 mallocing=1\n", stderr);
    fflush(stderr);
    for (long i = 0; i < ntrace; i++)
        printf("goroutine %ld [chan receive]:\nmain.worker(0xc000%06lx)\n\t/tmp/x/main.go:%ld +0x5d\n",
               i + 18, i, 40 + i % 9);
    fflush(stdout);
    return 2;
}

static int mode_matchflood(int argc, char **argv)
{
    (void)argc;
    long mib = atol(argv[2]);
    static char buf[1 << 20];
    size_t n = 0;
    long line = 0;
    for (long i = 0; i < mib; i++) {
        while (n < sizeof buf - 64)
            n += (size_t)snprintf(buf + n, 64, "fatal error: flood line %ld\n", line++);
        if (fwrite(buf, 1, n, stdout) != n)
            exit(96);
        n = 0;
    }
    fflush(stdout);
    return 2;
}

static const child_mode_t modes[] = {
    {"exit", "N: exit with status N", 1, mode_exit},
    {"print", "TEXT... [--exit N]: print each TEXT as a line, then exit N (0)", 0, mode_print},
    {"args", ": print argv (one per line) and RACELAB_SEED", 0, mode_args},
    {"argv", "ARG...: print each ARG on its own line between [ and ]", 0, mode_argv},
    {"env", "NAME: print NAME's value", 1, mode_env},
    {"sleepms", "N [--exit S]: sleep N ms, then exit S (0)", 1, mode_sleepms},
    {"seedcrash", "PCT: crash (\"fatal error: seeded\") when RACELAB_SEED % 100 < PCT", 1, mode_seedcrash},
    {"work", "MS FILE: sleep MS ms, append RACELAB_SEED to FILE, exit 0", 2, mode_work},
    {"badutf8", ": print invalid UTF-8 in a crash line; exit 2", 0, mode_badutf8},
    {"gocrash", "KIND: print a Go runtime crash (fatal, signal, panic) with goroutine traces; exit 2", 1,
     mode_gocrash},
    {"goburied", "NLOG NTRACE: NLOG log lines, \"fatal error: malloc deadlock\" split across two writes "
                 "50 ms apart, a \"runtime: m=3 mallocing=1\" line, NTRACE goroutine trace lines; exit 2",
     2, mode_goburied},
    {"matchflood", "MIB: MIB MiB of lines that all match built-in patterns (\"fatal error: flood line N\"); exit 2",
     1, mode_matchflood},
};
CHILD_MODES(common, modes);
