/* rl_child.c - a trial program with many ways to end, for the end-to-end
 * tests.  usage: rl-child MODE [ARGS...]
 *   exit N                 exit with status N
 *   signal N               kill itself with signal N
 *   abort                  call abort()
 *   print TEXT... [--exit N]   print each TEXT as a line, then exit N (0)
 *   args                   print argv (one per line) and RACELAB_SEED
 *   hang [--pidfile F] [--leader-exits]
 *                          sleep for ever (two threads); with --leader-exits
 *                          the main thread exits and leaves a zombie leader,
 *                          as a half-terminated Wine process does
 *   forksleep [--setsid] [--hang] [--pidfile F]
 *                          leave a sleeping grandchild (with --setsid: one
 *                          that double-forked into its own session), then
 *                          exit 0 (or hang with --hang)
 *   flood BYTES [--exit S] write BYTES bytes of text to stdout, exit S (0)
 *   sleepms N [--exit S]   sleep N ms, then exit S (0)
 *   seedcrash PCT          crash ("fatal error: seeded") when RACELAB_SEED % 100 < PCT */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

static void sleep_forever(void)
{
    for (;;)
        pause();
}

static void *sleeper(void *arg)
{
    (void)arg;
    sleep_forever();
    return NULL;
}

static const char *opt(int argc, char **argv, const char *name)
{
    for (int i = 2; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

static int flag(int argc, char **argv, const char *name)
{
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 64;
    const char *mode = argv[1];
    const char *pidfile = opt(argc, argv, "--pidfile");
    if (strcmp(mode, "exit") == 0 && argc > 2)
        return atoi(argv[2]);
    if (strcmp(mode, "signal") == 0 && argc > 2) {
        signal(atoi(argv[2]), SIG_DFL);
        raise(atoi(argv[2]));
        return 98;
    }
    if (strcmp(mode, "abort") == 0)
        abort();
    if (strcmp(mode, "print") == 0) {
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
    if (strcmp(mode, "args") == 0) {
        for (int i = 0; i < argc; i++)
            printf("arg[%d]=%s\n", i, argv[i]);
        const char *s = getenv("RACELAB_SEED");
        printf("env RACELAB_SEED=%s\n", s ? s : "(unset)");
        return 0;
    }
    if (strcmp(mode, "hang") == 0) {
        write_pid(pidfile, getpid());
        pthread_t t;
        pthread_create(&t, NULL, sleeper, NULL);
        printf("hanging\n");
        fflush(stdout);
        if (flag(argc, argv, "--leader-exits"))
            pthread_exit(NULL);
        sleep_forever();
    }
    if (strcmp(mode, "forksleep") == 0) {
        fflush(stdout);
        pid_t p = fork();
        if (p < 0)
            return 97;
        if (p == 0) {
            if (flag(argc, argv, "--setsid")) {
                /* double fork + setsid: leaves our process group and session */
                pid_t q = fork();
                if (q != 0)
                    _exit(0);
                setsid();
            }
            write_pid(pidfile, getpid());
            sleep_forever();
        }
        if (flag(argc, argv, "--setsid")) {
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
        if (flag(argc, argv, "--hang"))
            sleep_forever();
        return 0;
    }
    if (strcmp(mode, "flood") == 0 && argc > 2) {
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
        const char *e = opt(argc, argv, "--exit");
        return e ? atoi(e) : 0;
    }
    if (strcmp(mode, "sleepms") == 0 && argc > 2) {
        long ms = atol(argv[2]);
        struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
            ;
        const char *e = opt(argc, argv, "--exit");
        return e ? atoi(e) : 0;
    }
    if (strcmp(mode, "seedcrash") == 0 && argc > 2) {
        const char *s = getenv("RACELAB_SEED");
        unsigned long long seed = s ? strtoull(s, NULL, 10) : 0;
        if ((long long)(seed % 100) < atoll(argv[2])) {
            fprintf(stderr, "fatal error: seeded crash (seed %llu)\n", seed);
            return 2;
        }
        return 0;
    }
    fprintf(stderr, "rl-child: bad mode\n");
    return 64;
}
