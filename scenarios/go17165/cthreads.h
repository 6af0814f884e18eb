/* C side of the go17165 scenario: threads that Go did not create and that
 * call into Go in a loop, so each call borrows an extra M (needm/dropm). */
#ifndef GO17165_CTHREADS_H
#define GO17165_CTHREADS_H

/* What a C thread does between two callbacks.  A pause lets another C
 * thread take the M this one just dropped, which is what opens the race. */
enum {
    GS_PAUSE_NONE = 0,   /* call again at once: the LIFO extra-M list hands back the same M */
    GS_PAUSE_YIELD = 1,  /* SwitchToThread() */
    GS_PAUSE_SLEEP0 = 2, /* Sleep(0) */
    GS_PAUSE_SLEEP1 = 3, /* Sleep(1) */
    GS_PAUSE_SPIN = 4,   /* busy loop of `spin` iterations, stays on the CPU */
    /* WaitForSingleObject on an event nobody sets, timeout 0 or 1 ms: under
     * Wine a wait is a wineserver round trip, which the thread makes with
     * its signals blocked, so a SuspendThread aimed at it lands late. */
    GS_PAUSE_WAIT0 = 5,
    GS_PAUSE_WAIT1 = 6
};

/* Starts `threads` (1..64) C threads with CreateThread; each calls the Go
 * export go17165Callback(id) in a loop and pauses as `pause` says between
 * calls.  Also starts `hogs` (0..64) C threads that only busy-loop and never
 * call Go: they compete for the CPUs, so a thread that yields after dropm
 * waits longer to run again.  Returns 0, or -1 if a thread could not be
 * created (no thread is left running then). */
int gs_start(int threads, int pause, long spin, int hogs);

/* Asks every thread to stop after its current call and waits for all of
 * them.  Returns the total number of callbacks made. */
long long gs_stop(void);

/* Called from Go (a Go->C call inside the callback): busy-loops `spin`
 * iterations (0: returns at once) and returns. */
void gs_cwork(long spin);

#endif
