/* modes_win32.c - rl-child's Windows modes: a hang, a hanging tree, a real
 * access violation, an exact byte count on both streams. */
#include "child.h"

#include <windows.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int mode_hang(int argc, char **argv)
{
    (void)argc, (void)argv;
    printf("hanging\n");
    fflush(stdout);
    for (;;)
        Sleep(1000);
    return 0; /* not reached */
}

static int mode_grandchild(int argc, char **argv)
{
    (void)argc;
    const char *pidfile = argv[2];
    char self[MAX_PATH];
    GetModuleFileNameA(NULL, self, sizeof self);
    char cmd[MAX_PATH + 16];
    snprintf(cmd, sizeof cmd, "\"%s\" hang", self);
    STARTUPINFOA si = { .cb = sizeof si };
    PROCESS_INFORMATION pi;
    if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        fprintf(stderr, "rl-child: cannot start the grandchild (%lu)\n", (unsigned long)GetLastError());
        return 3;
    }
    FILE *f = fopen(pidfile, "w");
    if (f == NULL)
        return 3;
    fprintf(f, "%lu\n", (unsigned long)pi.dwProcessId);
    fclose(f);
    printf("grandchild %lu\n", (unsigned long)pi.dwProcessId);
    fflush(stdout);
    for (;;)
        Sleep(1000);
    return 0; /* not reached */
}

static int mode_av(int argc, char **argv)
{
    (void)argc, (void)argv;
    /* volatile: the compiler must not see the address is bogus. */
    volatile uintptr_t addr = 0x10;
    *(volatile int *)addr = 1;
    return 0;
}

static int mode_bytes(int argc, char **argv)
{
    (void)argc;
    long n = atol(argv[2]);
    char line[64];
    for (long i = 0; i < n;) {
        int k = (int)(n - i < 63 ? n - i : 63);
        memset(line, 'a' + (int)(i / 63 % 26), (size_t)k);
        line[k - 1] = '\n';
        fwrite(line, 1, (size_t)k, stdout);
        i += k;
    }
    fflush(stdout);
    fprintf(stderr, "END\n");
    return 0;
}

static const child_mode_t modes[] = {
    {"hang", ": print \"hanging\" and sleep for ever", 0, mode_hang},
    {"grandchild", "PIDFILE: start a hanging grandchild, write its pid to PIDFILE, then hang", 1,
     mode_grandchild},
    {"av", ": dereference an invalid pointer (access violation)", 0, mode_av},
    {"bytes", "N: write N bytes ('a'..'z' lines) to stdout, then \"END\" to stderr", 1, mode_bytes},
};
CHILD_MODES(win32, modes);
