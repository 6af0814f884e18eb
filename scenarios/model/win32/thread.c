/* win32/thread.c - thread.h on Win32, and the process's crash behaviour.
 *
 * Crashes must look as they do on Linux and never wait for a person: a
 * runtime throw already prints its own "fatal error:" line and exits 2
 * through rt_exit_now; any other exception reaches the unhandled-exception
 * filter installed here, which prints one line with the NTSTATUS code and
 * the faulting address and ends the process with that code.  Error boxes,
 * abort's message box and WER's UI are all switched off at start-up, before
 * main, so every program linking the model gets it. */
#include "model/thread.h"

#include <windows.h>

#include <process.h>
#include <stdlib.h>

struct rt_thread {
    HANDLE h;
    void (*fn)(void *);
    void *arg;
};

static unsigned __stdcall thread_main(void *p)
{
    rt_thread_t *t = p;
    t->fn(t->arg);
    return 0;
}

int rt_thread_start(rt_thread_t **out, void (*fn)(void *arg), void *arg)
{
    rt_thread_t *t = malloc(sizeof *t);
    if (t == NULL)
        return -1;
    t->fn = fn;
    t->arg = arg;
    /* _beginthreadex, not CreateThread: the thread uses the C runtime. */
    uintptr_t h = _beginthreadex(NULL, 0, thread_main, t, 0, NULL);
    if (h == 0) {
        free(t);
        return -1;
    }
    t->h = (HANDLE)h;
    *out = t;
    return 0;
}

void rt_thread_join(rt_thread_t *t)
{
    WaitForSingleObject(t->h, INFINITE);
    CloseHandle(t->h);
    free(t);
}

void rt_thread_yield(void)
{
    SwitchToThread();
}

uint64_t rt_now_ns(void)
{
    static LARGE_INTEGER freq;
    LARGE_INTEGER c;
    if (freq.QuadPart == 0)
        QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&c);
    return (uint64_t)((double)c.QuadPart * 1e9 / (double)freq.QuadPart);
}

void rt_sleep_us(uint32_t us)
{
    if (us == 0)
        return;
    if (us >= 1000) {
        Sleep((us + 999) / 1000);
        return;
    }
    /* Sleep counts in milliseconds (and rounds up to the timer tick on
     * Windows); below one, yield until the time has passed, which gives the
     * processor away as a short nanosleep does on Linux. */
    uint64_t end = rt_now_ns() + (uint64_t)us * 1000u;
    while (rt_now_ns() < end)
        SwitchToThread();
}

uint64_t rt_os_thread_id(void)
{
    return GetCurrentThreadId();
}

void rt_write_stderr(const char *buf, size_t len)
{
    HANDLE h = GetStdHandle(STD_ERROR_HANDLE);
    while (len > 0 && h != NULL && h != INVALID_HANDLE_VALUE) {
        DWORD n = 0;
        if (!WriteFile(h, buf, len > 65536 ? 65536 : (DWORD)len, &n, NULL) || n == 0)
            return;
        buf += n;
        len -= n;
    }
}

/* ---- ending the process ---------------------------------------------------
 *
 * The thread that ends the process is never the thread that crashed but a
 * "reaper" started before main, which owns no M and so is never a
 * profiler's target.  Under Wine a thread calling TerminateProcess on its
 * own process can take a SuspendThread signal that the profiler sent just
 * before the server killed it: the signal is delivered when the terminating
 * thread unblocks signals on its way out, it then waits to be resumed by a
 * thread that no longer exists, and the process hangs half dead (main
 * thread a zombie, one thread in a pipe read) instead of exiting 2.  That
 * turned about 1 in 300 buggy trials of go-17165-wine into a hang.  The
 * reaper cannot have a suspension pending, so the kill completes. */

static HANDLE reap_request;           /* manual-reset event: "end the process" */
static volatile LONG reap_status = -1; /* exit status of the first request */

static DWORD WINAPI reaper_main(void *unused)
{
    (void)unused;
    WaitForSingleObject(reap_request, INFINITE);
    TerminateProcess(GetCurrentProcess(), (UINT)reap_status);
    ExitProcess((UINT)reap_status);
}

static void start_reaper(void)
{
    reap_request = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (reap_request == NULL)
        return;
    /* CreateThread, not _beginthreadex: the reaper uses no C runtime. */
    HANDLE h = CreateThread(NULL, 64 * 1024, reaper_main, NULL, 0, NULL);
    if (h == NULL) {
        CloseHandle(reap_request);
        reap_request = NULL;
        return;
    }
    CloseHandle(h);
}

_Noreturn void rt_exit_now(int status)
{
    /* TerminateProcess, not ExitProcess: no DLL detach and no stdio flush,
     * either of which could wait for a lock held by a thread the profiler
     * stopped.  The first caller's status wins when two threads die. */
    InterlockedCompareExchange(&reap_status, (LONG)status, -1);
    if (reap_request != NULL && SetEvent(reap_request)) {
        for (;;)
            Sleep(INFINITE);
    }
    TerminateProcess(GetCurrentProcess(), (UINT)status);
    ExitProcess((UINT)status);
}

/* ---- crash behaviour --------------------------------------------------------- */

static size_t put_str(char *dst, size_t at, const char *s)
{
    while (*s)
        dst[at++] = *s++;
    return at;
}

static size_t put_hex(char *dst, size_t at, uint64_t v, int digits)
{
    static const char hex[] = "0123456789ABCDEF";
    at = put_str(dst, at, "0x");
    for (int i = digits - 1; i >= 0; i--)
        dst[at++] = hex[(v >> (4 * i)) & 0xF];
    return at;
}

static size_t put_dec(char *dst, size_t at, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        dst[at++] = tmp[--n];
    return at;
}

/* One line, formatted by hand: stdio may be locked by the crashed thread. */
static LONG WINAPI on_unhandled(EXCEPTION_POINTERS *ep)
{
    const EXCEPTION_RECORD *er = ep->ExceptionRecord;
    DWORD code = er->ExceptionCode;
    char line[256];
    size_t n = put_str(line, 0, "unhandled exception ");
    n = put_hex(line, n, code, 8);
    n = put_str(line, n, " at pc=");
    n = put_hex(line, n, (uint64_t)(uintptr_t)er->ExceptionAddress, 16);
    if (code == EXCEPTION_ACCESS_VIOLATION && er->NumberParameters >= 2) {
        n = put_str(line, n, er->ExceptionInformation[0] == 1 ? " writing " : " reading ");
        n = put_hex(line, n, er->ExceptionInformation[1], 16);
    }
    n = put_str(line, n, " on OS thread ");
    n = put_dec(line, n, GetCurrentThreadId());
    line[n++] = '\n';
    rt_write_stderr(line, n);
    rt_exit_now((int)code);
}

__attribute__((constructor)) static void crash_quietly(void)
{
    /* Inherited by children too. */
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    /* abort(): no message box, no fault report; it still exits with 3.
     * Only the UCRT has _set_abort_behavior (msvcrt.dll's abort shows no
     * box for a console program), so it is looked up in whichever CRT is
     * loaded. */
    typedef unsigned int (*set_abort_t)(unsigned int, unsigned int);
    HMODULE crt = GetModuleHandleW(L"ucrtbase.dll");
    FARPROC sab = crt ? GetProcAddress(crt, "_set_abort_behavior") : NULL;
    if (sab != NULL)
        ((set_abort_t)(void (*)(void))sab)(0, 0x1 /* _WRITE_ABORT_MSG */ |
                                                  0x2 /* _CALL_REPORTFAULT */);
    /* WER's "has stopped working" UI.  Looked up, not linked: mingw's
     * werapi.h does not compile and Wine may lack the export. */
    typedef HRESULT(WINAPI * wer_set_flags_t)(DWORD);
    HMODULE k32 = GetModuleHandleW(L"kernel32.dll");
    FARPROC p = k32 ? GetProcAddress(k32, "WerSetFlags") : NULL;
    if (p != NULL)
        ((wer_set_flags_t)(void (*)(void))p)(0x20 /* WER_FAULT_REPORTING_NO_UI */);
    SetUnhandledExceptionFilter(on_unhandled);
    start_reaper();
}
