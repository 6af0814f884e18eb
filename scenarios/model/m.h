/* m.h - the model's Ms: Go's runtime "machine" records, the allm list, and
 * the extra-M list that needm/dropm lend to threads the runtime did not
 * create (cgo callbacks, syscall.NewCallback on Windows).
 *
 * Names follow Go 1.7's runtime (proc.go, runtime2.go) so the model reads
 * against it; every field another thread may touch is a C11 atomic, relaxed
 * where Go's is a plain field, so the model's races are logical, not UB. */
#ifndef RT_M_H
#define RT_M_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "model/suspend.h"

typedef struct rt_m {
    int32_t id; /* 1.. for extra Ms; the profiler's private M is 0 */
    /* Handle of the OS thread running this M, 0 when none (Go: mp.thread).
     * Stored by the owner in needm/dropm, loaded by the profiler. */
    _Atomic rt_thandle_t thread;
    /* Go's int32 mp.mallocing: only ever read and written with separate
     * relaxed loads and stores, never an atomic read-modify-write, so that
     * ++/-- from two threads lose updates exactly as Go's plain field can. */
    _Atomic int32_t mallocing;
    _Atomic int32_t profilehz; /* non-zero: the profiler samples this M */
    _Atomic bool blocked;      /* parked on a note: the profiler skips it */
    struct rt_m *alllink;      /* next on allm; fixed once published */
    _Atomic(struct rt_m *) schedlink; /* next on the extra list */
    _Atomic uint64_t owner;    /* OS thread id of its latest owner, 0 = never */
    _Atomic uint64_t nsamples; /* samples charged to this M */
} rt_m_t;

/* Creates n extra Ms, puts them on allm and on the extra list, ids 1..n in
 * creation order (the first created is first on allm).  Call once, before
 * any needm.  Returns 0, or -1 if n < 1 or memory ran out. */
int rt_newextram(int n);

/* Head of allm (Go: atomic.Loadp(&allm)); walk with mp->alllink. */
rt_m_t *rt_allm(void);

/* Borrows an extra M for the calling thread (Go: needm): takes the head of
 * the extra list under its spin lock, waiting while the list is empty, binds
 * it as the thread's current M and publishes the thread's handle in
 * mp->thread (minit).  The thread must have called rt_suspend_register_self
 * and must not already have an M.  Counts a migration when the M's previous
 * owner was another thread.  Returns the M. */
rt_m_t *rt_needm(void);

/* Gives the calling thread's M back (Go: dropm): closes and clears
 * mp->thread (unminit), unbinds it and pushes it on the extra list (LIFO).
 * The thread must have an M from rt_needm. */
void rt_dropm(void);

/* minit / unminit as needm and dropm run them.  minit must publish a handle
 * naming the calling thread in mp->thread; unminit must release it and store
 * 0.  The defaults are Go 1.7's: rt_thandle_open and a plain store; close,
 * then a plain store of 0, with no lock.  The bug-family scenarios install
 * other shapes (a handle table, a per-M lock: Go 1.14's threadLock). */
typedef struct rt_minit_ops {
    void (*minit)(rt_m_t *mp);
    void (*unminit)(rt_m_t *mp);
} rt_minit_ops_t;

/* Installs ops (NULL: the defaults).  Call before any thread calls needm;
 * ops must outlive every needm/dropm. */
void rt_set_minit_ops(const rt_minit_ops_t *ops);

/* The calling thread's current M (Go: getg().m), NULL when it has none. */
rt_m_t *rt_getm(void);

/* Binds mp as the calling thread's current M without any list, as the
 * profiler thread does with its private M (NULL unbinds). */
void rt_setm(rt_m_t *mp);

/* Total migrations so far: needm handing an M to a thread other than the
 * one that owned it last. */
uint64_t rt_migrations(void);

/* Test support: copies the extra list, under its lock, into out[0..max) and
 * returns its length (which may exceed max; only max are copied). */
int rt_extram_snapshot(rt_m_t **out, int max);

#endif
