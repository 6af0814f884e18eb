/* family.h - the suspend-and-sample bug family (Go's P2-P6, the rest of
 * issue 17165's family, golang/go#17165): one profiler
 * whose visit of an M is written twice per pattern, the buggy shape next to
 * the fixed one, and an oracle per pattern that turns the pattern's wrong
 * step into a Go-style throw with its own message (exit status 2):
 *
 *   P2 unchecked suspend + handle re-read (fixed by Go c216c3aa)
 *      fatal error: profiler sampled a running thread
 *   P3 handle reuse after close (fixed by Go 6fd467ee)
 *      fatal error: suspended wrong thread
 *   P4 sampling an M after dropm (Go issue 50557)
 *      fatal error: sample charged to wrong thread
 *   P5 suspend treated as synchronous (fixed by Go b89b4623)
 *      fatal error: suspended thread still running
 *   P6 the profiler suspends itself (Go issue 45530, fixed by e69f0226)
 *      no message: the process hangs
 *
 * Each oracle checks only its own pattern's property.  Go fixed these one
 * after the other, so the fixed shape of one pattern is the buggy base of
 * the next (P2's fix still has P3's race, ...): a fixed variant passes
 * because its own property holds, not because the code is bug-free.
 *
 * Handles are rt_h_* values (handles.h): a lowest-free-slot table, so the
 * reuse of P3 happens on every platform. */
#ifndef RT_FAMILY_H
#define RT_FAMILY_H

#include <stdbool.h>
#include <stdint.h>

#include "model/m.h"

typedef enum rt_pattern {
    RT_PAT_UNCHECKED_SUSPEND, /* P2 */
    RT_PAT_HANDLE_REUSE,      /* P3 */
    RT_PAT_AFTER_DROPM,       /* P4 */
    RT_PAT_ASYNC_SUSPEND,     /* P5 */
    RT_PAT_SELF_SUSPEND,      /* P6 */
    RT_PAT_COUNT
} rt_pattern_t;

typedef struct rt_family_config {
    rt_pattern_t pattern;
    bool buggy;               /* the shape before the fix */
    uint32_t hz;              /* passes over allm per second; UINT32_MAX: back to back */
    uint32_t window_ns;       /* busy delay at the pattern's race window */
    uint32_t steer_us;        /* > 0: at the race window, wait up to this long
                                 for the event the pattern's bug needs (the M
                                 or the handle value changing hands); the same
                                 wait in both shapes */
    uint32_t suspend_timeout_ms;
} rt_family_config_t;

typedef struct rt_family_stats {
    uint64_t passes, samples, skipped;
    uint64_t suspend_failed;  /* suspends that failed (fixed shapes skip them) */
    uint64_t dropped;         /* samples a fixed shape threw away (P4) */
    uint64_t context_failed;  /* context reads that failed (no sample) */
    uint64_t steered;         /* race windows in which the awaited event came */
} rt_family_stats_t;

/* Long name ("unchecked-suspend", ...) and short name ("p2", ...). */
const char *rt_pattern_name(rt_pattern_t p);
const char *rt_pattern_short(rt_pattern_t p);

/* Parses either name; returns false for anything else. */
bool rt_pattern_parse(const char *s, rt_pattern_t *out);

/* The throw message of the pattern's oracle ("suspended wrong thread"...),
 * NULL for P6 (a hang). */
const char *rt_pattern_message(rt_pattern_t p);

/* Upstream reference of the pattern ("golang/go c216c3aa", ...). */
const char *rt_pattern_upstream(rt_pattern_t p);

/* Installs the minit/unminit shape the pattern's era of Go used (values
 * from handles.h; under the per-M lock from Go 1.14 on) with
 * rt_set_minit_ops, and stores cfg for the profiler.  Call once, before any
 * needm.  Returns 0, or -1 for a bad cfg. */
int rt_family_setup(const rt_family_config_t *cfg);

/* Per-M lock (Go's mp.threadLock), by M.  A spin lock: the holders run a
 * few instructions.  trylock returns false when it is held. */
void rt_family_lock(rt_m_t *mp);
bool rt_family_trylock(rt_m_t *mp);
void rt_family_unlock(rt_m_t *mp);

/* Makes the calling thread the profiler: registers it (handles.h) and binds
 * a private M (id 0, not on allm), or for P6 borrows an extra M with needm
 * (from Go 1.17 the profiler runs on an M of its own, on allm).  Tests call
 * this to drive rt_family_visit step by step. */
void rt_family_enter(void);

/* Undoes rt_family_enter (drops a borrowed M). */
void rt_family_leave(void);

/* One visit of mp in the configured pattern and shape.  May throw (exit 2)
 * or, for P6 buggy on its own M, never return. */
void rt_family_visit(rt_m_t *mp);

/* Starts / stops the profiler thread (a pass over allm at cfg->hz).
 * rt_family_stop must run before any sampled thread exits. */
int rt_family_start(void);
void rt_family_stop(void);

void rt_family_stats(rt_family_stats_t *st);

/* Per-M progress counter for P5: the M's owner bumps it, the profiler reads
 * it as "the M's state". */
void rt_family_progress(rt_m_t *mp);

/* Test hook points inside a visit. */
typedef enum rt_family_point {
    RT_FP_AFTER_LOAD,     /* the M's handle value is loaded (or duplicated) */
    RT_FP_AFTER_SUSPEND,  /* rt_h_suspend returned */
    RT_FP_AFTER_CONTEXT,  /* the context was read, before any re-check */
} rt_family_point_t;

/* A hook runs on the profiler thread at each point (NULL: none). */
typedef void (*rt_family_hook_t)(rt_family_point_t pt, rt_m_t *mp, void *ctx);
void rt_family_set_hook(rt_family_hook_t fn, void *ctx);

#endif
