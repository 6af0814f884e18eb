/* C threads for the go17165 scenario.  They are created with CreateThread,
 * so Go knows nothing about them: every call into Go goes through needm and
 * dropm and borrows an M from the extra list. */
#include <windows.h>

#include "cthreads.h"
#include "_cgo_export.h"

#define GS_MAX_THREADS 64

typedef struct {
    int id;
    int pause;
    long spin;
    long long calls;
} gs_worker_t;

static volatile LONG gs_stopping;
/* Never set: GS_PAUSE_WAIT* waits on it until the timeout. */
static HANDLE gs_never;
static HANDLE gs_handles[2 * GS_MAX_THREADS];
static gs_worker_t gs_workers[GS_MAX_THREADS];
static int gs_nthreads, gs_nhogs;

/* Volatile so the compiler keeps the spin loop. */
static volatile unsigned long gs_spin_sink;

static void gs_pause(const gs_worker_t *w)
{
    switch (w->pause) {
    case GS_PAUSE_YIELD:
        SwitchToThread();
        break;
    case GS_PAUSE_SLEEP0:
        Sleep(0);
        break;
    case GS_PAUSE_SLEEP1:
        Sleep(1);
        break;
    case GS_PAUSE_WAIT0:
        WaitForSingleObject(gs_never, 0);
        break;
    case GS_PAUSE_WAIT1:
        WaitForSingleObject(gs_never, 1);
        break;
    case GS_PAUSE_SPIN:
        for (long i = 0; i < w->spin; i++)
            gs_spin_sink += (unsigned long)i;
        break;
    default:
        break;
    }
}

void gs_cwork(long spin)
{
    for (long i = 0; i < spin; i++)
        gs_spin_sink += (unsigned long)i;
}

static DWORD WINAPI gs_worker_main(LPVOID arg)
{
    gs_worker_t *w = arg;
    while (!InterlockedCompareExchange(&gs_stopping, 0, 0)) {
        go17165Callback(w->id);
        w->calls++;
        gs_pause(w);
    }
    return 0;
}

static DWORD WINAPI gs_hog_main(LPVOID arg)
{
    (void)arg;
    while (!InterlockedCompareExchange(&gs_stopping, 0, 0))
        for (int i = 0; i < 10000; i++)
            gs_spin_sink += (unsigned long)i;
    return 0;
}

int gs_start(int threads, int pause, long spin, int hogs)
{
    if (threads < 1 || threads > GS_MAX_THREADS || hogs < 0 || hogs > GS_MAX_THREADS)
        return -1;
    InterlockedExchange(&gs_stopping, 0);
    gs_nhogs = 0;
    if (gs_never == NULL && (gs_never = CreateEventW(NULL, TRUE, FALSE, NULL)) == NULL)
        return -1;
    for (int i = 0; i < threads; i++) {
        gs_workers[i] = (gs_worker_t){ .id = i, .pause = pause, .spin = spin, .calls = 0 };
        gs_handles[i] = CreateThread(NULL, 0, gs_worker_main, &gs_workers[i], 0, NULL);
        if (gs_handles[i] == NULL) {
            gs_nthreads = i;
            gs_stop();
            return -1;
        }
    }
    gs_nthreads = threads;
    for (int i = 0; i < hogs; i++) {
        gs_handles[threads + i] = CreateThread(NULL, 0, gs_hog_main, NULL, 0, NULL);
        if (gs_handles[threads + i] == NULL) {
            gs_nhogs = i;
            gs_stop();
            return -1;
        }
    }
    gs_nhogs = hogs;
    return 0;
}

long long gs_stop(void)
{
    long long total = 0;
    InterlockedExchange(&gs_stopping, 1);
    for (int i = 0; i < gs_nthreads; i++) {
        WaitForSingleObject(gs_handles[i], INFINITE);
        CloseHandle(gs_handles[i]);
        total += gs_workers[i].calls;
    }
    for (int i = 0; i < gs_nhogs; i++) {
        WaitForSingleObject(gs_handles[gs_nthreads + i], INFINITE);
        CloseHandle(gs_handles[gs_nthreads + i]);
    }
    gs_nthreads = gs_nhogs = 0;
    return total;
}
