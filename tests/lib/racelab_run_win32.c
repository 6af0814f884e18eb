/* racelab_run_win32.c - see racelab_run_win32.h. */
#include "racelab_run_win32.h"

#include <windows.h>

#include <stdio.h>
#include <string.h>

#include "rltest.h"

void rrw_paths(char *racelab, char *child)
{
    char root[MAX_PATH];
    GetModuleFileNameA(NULL, root, sizeof root);
    for (int up = 0; up < 3; up++) { /* test.exe, windows, tests */
        char *slash = strrchr(root, '\\');
        cr_assert_not_null(slash, "no build directory above %s", root);
        *slash = '\0';
    }
    snprintf(racelab, MAX_PATH, "%s\\harness\\racelab.exe", root);
    snprintf(child, MAX_PATH, "%s\\tests\\child\\rl-child.exe", root);
}

void rrw_tmpdir(const char *name, char *dir)
{
    char base[MAX_PATH];
    GetTempPathA(sizeof base, base);
    snprintf(dir, MAX_PATH, "%sracelab-test-%s-%lu", base, name, (unsigned long)GetCurrentProcessId());
    CreateDirectoryA(dir, NULL);
}

int rrw_alive(unsigned long pid)
{
    HANDLE h = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)pid);
    if (h == NULL)
        return 0;
    int alive = WaitForSingleObject(h, 2000) == WAIT_TIMEOUT;
    CloseHandle(h);
    return alive;
}
