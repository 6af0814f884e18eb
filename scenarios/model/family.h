/* family.h - the engine of the suspend-and-sample bug family (Go's P2-P8,
 * the rest of issue 17165's family, golang/go#17165): one profiler whose
 * visit of an M is written twice per pattern, the buggy shape next to the
 * fixed one, and an oracle per pattern that turns the pattern's wrong step
 * into a Go-style throw with its own message (exit status 2).
 *
 * A pattern is one rt_pattern_t descriptor (patterns/ holds one file per
 * pattern and the table listing them); this engine knows none of them by
 * name.  It owns what every pattern's visit needs: the configuration, the
 * per-M lock and progress counter, the race window, the counters and the
 * profiler thread.
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

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "model/handles.h"
#include "model/m.h"

/* The knobs a pattern may default differently or refuse, as the program's
 * options left them. */
typedef struct rt_family_knobs {
    uint64_t workers, extra_ms;
    bool workers_set;         /* --workers was given */
    int async;                /* emulated asynchronous suspend: 1, 0, -1 not given */
} rt_family_knobs_t;

/* What a worker thread's loop needs (rt_pattern_t.work). */
typedef struct rt_family_work {
    uint64_t allocs;          /* rt_malloc calls per callback */
    uint64_t pause;           /* between callbacks: rt_pause's argument */
    const atomic_bool *stop;  /* the loop returns once it is true */
} rt_family_work_t;

/* One shape of a pattern: the code before or after Go's fix. */
typedef struct rt_pattern_shape {
    /* A fixed shape's name, for patterns fixed more than one way
     * (--fix=NAME, "prealloc"); NULL otherwise. */
    const char *name;
    /* The profiler's visit of mp (see rt_family_visit). */
    void (*visit)(rt_m_t *mp);
    /* minit/unminit take mp.threadLock (Go 1.14 on, 6fd467ee). */
    bool thread_lock;
    /* The workers' loop when the fix is on the workers' side (the order of
     * a thread's teardown); NULL: the pattern's work. */
    uint64_t (*work)(const rt_family_work_t *w);
} rt_pattern_shape_t;

/* A bug pattern of the family. */
typedef struct rt_pattern {
    const char *name;         /* long name, "unchecked-suspend" */
    const char *shortname;    /* "p2" */
    const char *message;      /* the oracle's throw message; NULL: the bug hangs */
    const char *upstream;     /* "golang/go c216c3aa (Go 1.12)" */
    const char *url;          /* the upstream fix or issue */
    /* --help text after the name column: lines separated by '\n', the
     * last one naming the outcome ("-> fatal error: ..." or "-> hang"). */
    const char *help;
    rt_pattern_shape_t buggy, fixed;
    /* Further fixed shapes, each a variant of its own, all named (fixed
     * names the first); NULL, or ends with an entry whose visit is NULL. */
    const rt_pattern_shape_t *other_fixes;
    /* Binds the profiler thread's M (rt_family_private_m_enter,
     * rt_family_own_m_enter) and gives it back. */
    void (*enter)(void);
    void (*leave)(void);
    /* A worker thread's loop (rt_family_work_callbacks or
     * rt_family_work_keep_m); returns the callbacks it made. */
    uint64_t (*work)(const rt_family_work_t *w);
    /* Applies the pattern's own defaults to knobs left unset; returns NULL,
     * or the usage error for knobs the pattern cannot run with. */
    const char *(*validate)(rt_family_knobs_t *k);
} rt_pattern_t;

typedef struct rt_family_config {
    const rt_pattern_t *pattern;
    bool buggy;               /* the shape before the fix */
    const char *fix;          /* !buggy: the fixed shape of this name
                                 (rt_pattern_fix); NULL: pat->fixed */
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

/* The fixed shape of pat named name (pat->fixed or one of
 * pat->other_fixes); NULL names pat->fixed.  NULL when there is none. */
const rt_pattern_shape_t *rt_pattern_fix(const rt_pattern_t *pat, const char *name);

/* The names of pat's fixes, "prealloc, watchdog or lockfree" (for usage
 * errors); "" for a pattern with one unnamed fix.  Static buffer. */
const char *rt_pattern_fix_names(const rt_pattern_t *pat);

/* Installs the minit/unminit shape the pattern's era of Go used (under the
 * per-M lock or not, rt_pattern_shape_t.thread_lock) with rt_set_minit_ops,
 * and stores cfg for the profiler.  Call once, before any needm.  Returns 0,
 * or -1 for a bad cfg. */
int rt_family_setup(const rt_family_config_t *cfg);

/* Per-M lock (Go's mp.threadLock), by M.  A spin lock: the holders run a
 * few instructions.  trylock returns false when it is held. */
void rt_family_lock(rt_m_t *mp);
bool rt_family_trylock(rt_m_t *mp);
void rt_family_unlock(rt_m_t *mp);

/* Makes the calling thread the profiler: registers it (handles.h) and binds
 * its M with the pattern's enter hook.  Tests call this to drive
 * rt_family_visit step by step. */
void rt_family_enter(void);

/* Undoes rt_family_enter (the pattern's leave hook, then unregisters). */
void rt_family_leave(void);

/* The profiler's M placements, for rt_pattern_t.enter/leave: a private M
 * (id 0, not on allm), or from Go 1.17 an extra M of its own, borrowed with
 * needm and so on allm. */
void rt_family_private_m_enter(void);
void rt_family_private_m_leave(void);
void rt_family_own_m_enter(void);
void rt_family_own_m_leave(void);

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
uint64_t rt_family_progress_of(rt_m_t *mp);

/* Worker loops, for rt_pattern_t.work.  callbacks: needm, w->allocs
 * allocations, dropm, rt_pause(w->pause), until *w->stop.  keep_m: one
 * needm, then allocations and rt_family_progress on that M until *w->stop
 * (counted as one callback). */
uint64_t rt_family_work_callbacks(const rt_family_work_t *w);
uint64_t rt_family_work_keep_m(const rt_family_work_t *w);

/* A worker thread's loop in the configured shape: its work, or else the
 * pattern's. */
uint64_t rt_family_work(const rt_family_work_t *w);

/* For rt_pattern_t.validate: the pattern runs with any knobs. */
const char *rt_family_any_knobs(rt_family_knobs_t *k);

/* Test hook points inside a visit. */
typedef enum rt_family_point {
    RT_FP_AFTER_LOAD,     /* the M's handle value is loaded (or duplicated) */
    RT_FP_AFTER_SUSPEND,  /* rt_h_suspend returned */
    RT_FP_AFTER_CONTEXT,  /* the context was read, before any re-check */
} rt_family_point_t;

/* A hook runs on the profiler thread at each point (NULL: none). */
typedef void (*rt_family_hook_t)(rt_family_point_t pt, rt_m_t *mp, void *ctx);
void rt_family_set_hook(rt_family_hook_t fn, void *ctx);

/* --- for the patterns' visits ------------------------------------------ */

typedef enum rt_family_counter {
    RT_FC_SKIPPED,        /* M not running or not profiled */
    RT_FC_SUSPEND_FAILED,
    RT_FC_DROPPED,
    RT_FC_CONTEXT_FAILED,
    RT_FC_COUNT
} rt_family_counter_t;

/* Adds one to a counter of rt_family_stats. */
void rt_family_count(rt_family_counter_t c);

/* Runs the test hook at pt (rt_family_set_hook). */
void rt_family_point(rt_family_point_t pt, rt_m_t *mp);

/* The M has profiling on and is not blocked: worth a sample. */
bool rt_family_profiled(rt_m_t *mp);

/* The event a pattern's race needs, seen from the profiler: v is the value
 * it loaded, owner the OS thread that value named at the load. */
typedef bool (*rt_family_steer_t)(rt_m_t *mp, rt_thandle_t v, uint64_t owner);

/* The race window: a busy delay (window_ns), then with steer_us and done
 * != NULL a bounded wait for done's event, so the interleaving the bug
 * needs happens in nearly every visit; what the code then does with it is
 * the shape's business. */
void rt_family_race_window(rt_family_steer_t done, rt_m_t *mp, rt_thandle_t v, uint64_t owner);

/* rt_h_suspend with the configured timeout, then the AFTER_SUSPEND point. */
int rt_family_suspend(rt_m_t *mp, rt_thandle_t v);

/* Charges a sample with ctx's registers to mp (rt_sigprof). */
void rt_family_sample(rt_m_t *mp, const rt_context_t *ctx);

/* The configured pattern's throw ("fatal error: <message>", detail). */
_Noreturn void rt_family_throw(const char *detail);

/* Go 1.14+ profileLoop's first half (6fd467ee): mp's handle duplicated
 * under threadLock, which is released before the suspend (#50557).
 * Returns the private copy, or 0 (counted as skipped) to skip the M. */
rt_thandle_t rt_family_dup_under_lock(rt_m_t *mp);

/* Suspends the private copy (rt_family_suspend); on failure counts it,
 * closes the copy and returns false. */
bool rt_family_suspend_copy(rt_m_t *mp, rt_thandle_t copy);

/* rt_family_suspend_copy, steered for a bug that needs the thread stopped
 * in a certain state (holding a lock): with steer_us > 0, for up to
 * steer_us, wait until done(mp, copy, tid of the thread copy names) holds,
 * suspend, and while done is false for the stopped thread resume it and
 * start again (counted as steered when done came).  The same in every
 * shape; without steer_us one suspend, wherever it lands. */
bool rt_family_suspend_copy_steered(rt_m_t *mp, rt_thandle_t copy, rt_family_steer_t done);

/* Resumes the suspended private copy and closes it. */
void rt_family_release_copy(rt_thandle_t copy);

#endif
