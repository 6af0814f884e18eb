/* win_child.c - the trial process test_spawn.c runs: one behaviour per mode.
 *   exit N           exits with status N
 *   hang             sleeps forever
 *   tree PIDFILE     starts a hanging grandchild, writes its pid to PIDFILE,
 *                    then hangs
 *   av               dereferences an invalid pointer (access violation)
 *   print N          writes N bytes ('a'..'z' lines) to stdout, then "END" to
 *                    stderr
 *   argv             prints each argument after the mode on its own line
 *                    between [ and ]
 *   env NAME         prints NAME's value */
#include <windows.h>

#include <fcntl.h>
#include <io.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tree(const char *pidfile)
{
    char self[MAX_PATH];
    GetModuleFileNameA(NULL, self, sizeof self);
    char cmd[MAX_PATH + 16];
    snprintf(cmd, sizeof cmd, "\"%s\" hang", self);
    STARTUPINFOA si = { .cb = sizeof si };
    PROCESS_INFORMATION pi;
    if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        fprintf(stderr, "win_child: cannot start the grandchild (%lu)\n",
                (unsigned long)GetLastError());
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
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 64;
    const char *mode = argv[1];
    /* Byte counts in the tests are exact: no \n -> \r\n translation. */
    _setmode(_fileno(stdout), _O_BINARY);
    _setmode(_fileno(stderr), _O_BINARY);
    if (strcmp(mode, "exit") == 0 && argc == 3)
        return atoi(argv[2]);
    if (strcmp(mode, "hang") == 0) {
        printf("hanging\n");
        fflush(stdout);
        for (;;)
            Sleep(1000);
    }
    if (strcmp(mode, "tree") == 0 && argc == 3)
        return tree(argv[2]);
    if (strcmp(mode, "av") == 0) {
        /* volatile: the compiler must not see the address is bogus. */
        volatile uintptr_t addr = 0x10;
        *(volatile int *)addr = 1;
        return 0;
    }
    if (strcmp(mode, "print") == 0 && argc == 3) {
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
    if (strcmp(mode, "argv") == 0) {
        for (int i = 2; i < argc; i++)
            printf("[%s]\n", argv[i]);
        return 0;
    }
    if (strcmp(mode, "env") == 0 && argc == 3) {
        const char *v = getenv(argv[2]);
        printf("%s\n", v ? v : "(unset)");
        return 0;
    }
    return 64;
}
