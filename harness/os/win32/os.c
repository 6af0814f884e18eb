/* os/win32/os.c - os/os.h on Windows: Win32 threads, SRW locks, the
 * performance counter, CreateDirectory. */
#include "os/os.h"
#include "os/internal.h"

#include <windows.h>

#include <errno.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rl_thread {
    HANDLE h;
    void (*fn)(void *);
    void *arg;
};

struct rl_mutex {
    SRWLOCK lock;
};

static DWORD WINAPI thread_main(LPVOID p)
{
    rl_thread_t *t = p;
    t->fn(t->arg);
    return 0;
}

rl_thread_t *rl_thread_start(void (*fn)(void *), void *arg)
{
    rl_thread_t *t = malloc(sizeof *t);
    if (t == NULL)
        return NULL;
    t->fn = fn;
    t->arg = arg;
    t->h = CreateThread(NULL, 0, thread_main, t, 0, NULL);
    if (t->h == NULL) {
        free(t);
        return NULL;
    }
    return t;
}

void rl_thread_join(rl_thread_t *t)
{
    WaitForSingleObject(t->h, INFINITE);
    CloseHandle(t->h);
    free(t);
}

rl_mutex_t *rl_mutex_new(void)
{
    rl_mutex_t *m = malloc(sizeof *m);
    if (m)
        InitializeSRWLock(&m->lock);
    return m;
}

void rl_mutex_lock(rl_mutex_t *m)
{
    AcquireSRWLockExclusive(&m->lock);
}

void rl_mutex_unlock(rl_mutex_t *m)
{
    ReleaseSRWLockExclusive(&m->lock);
}

void rl_mutex_free(rl_mutex_t *m)
{
    free(m);
}

double rl_now(void)
{
    static LARGE_INTEGER freq;
    LARGE_INTEGER c;
    if (freq.QuadPart == 0)
        QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&c);
    return (double)c.QuadPart / (double)freq.QuadPart;
}

void rl_sleep_ms(int ms)
{
    Sleep(ms > 0 ? (DWORD)ms : 0);
}

int rl_ncpus(void)
{
    DWORD n = GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
    return n > 0 ? (int)n : 1;
}

int rl__mkdir_one(const char *path)
{
    if (CreateDirectoryA(path, NULL))
        return 0;
    DWORD e = GetLastError();
    if (e == ERROR_ALREADY_EXISTS) {
        DWORD a = GetFileAttributesA(path);
        if (a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY))
            return 0;
        errno = ENOTDIR;
        return -1;
    }
    errno = e == ERROR_PATH_NOT_FOUND ? ENOENT : e == ERROR_ACCESS_DENIED ? EACCES : EIO;
    return -1;
}

int rl__path_is_sep(char c)
{
    return c == '/' || c == '\\';
}

size_t rl__path_root_len(const char *path)
{
    size_t n = 0;
    if (path[0] && path[1] == ':')
        n = 2;                              /* a drive, "C:" */
    if (rl__path_is_sep(path[n]))
        n++;                                /* the root */
    return n;
}

int rl_stderr_isatty(void)
{
    return _isatty(_fileno(stderr));
}

static volatile LONG rl__late_status = 1, rl__late_ms = 0;

static DWORD WINAPI rl__late_main(LPVOID p)
{
    (void)p;
    Sleep((DWORD)rl__late_ms);
    _exit((int)rl__late_status);
    return 0;
}

void rl_exit_later_init(void)
{
}

void rl_exit_later(int seconds, int status)
{
    rl__late_status = status;
    if (InterlockedExchange(&rl__late_ms, seconds * 1000) != 0)
        return; /* one pending already */
    HANDLE h = CreateThread(NULL, 0, rl__late_main, NULL, 0, NULL);
    if (h)
        CloseHandle(h);
}
