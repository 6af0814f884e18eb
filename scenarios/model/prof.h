/* prof.h - the sampling profiler: a thread with a private M (not on allm)
 * that, at a fixed rate, walks allm and for each running M suspends its
 * thread, reads its PC/SP and calls sigprof - Go 1.7's profileloop1 and
 * profilem on Windows.  Where sigprof raises its "no allocation" guard is
 * the subject of issue 17165: rt_guard_t. */
#ifndef RT_PROF_H
#define RT_PROF_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "model/m.h"

typedef enum rt_guard {
    RT_GUARD_TARGET, /* mp.mallocing++ on the sampled M: Go 1.7, the bug */
    RT_GUARD_SELF,   /* getg().m.mallocing++ on the profiler's own M: e6da64b */
} rt_guard_t;

/* Back-to-back sampling: no wait between passes over allm. */
#define RT_PROF_HZ_MAX UINT32_MAX

typedef struct rt_prof_config {
    rt_guard_t guard;
    uint32_t hz;             /* passes per second, RT_PROF_HZ_MAX, >= 1 */
    uint32_t sample_work;    /* stack-walk work per sample, in frames */
    uint32_t window_ns;      /* busy delay between loading mp->thread and
                                suspending it (0: natural timing) */
    uint32_t suspend_timeout_ms; /* bound on one suspend handshake, >= 1 */
    size_t max_samples;      /* sample buffer slots, >= 1 (a ring) */
} rt_prof_config_t;

/* One recorded sample.  Charged to an M, as Go charges a sample to mp. */
typedef struct rt_sample {
    int32_t m_id;     /* the M sigprof was given */
    uintptr_t pc, sp; /* context of the thread that was suspended */
    uint64_t walk;    /* result of the stack-walk work (keeps it real) */
} rt_sample_t;

typedef struct rt_prof_stats {
    uint64_t passes;           /* walks over allm */
    uint64_t samples;          /* sigprof calls */
    uint64_t skipped;          /* Ms passed over: thread 0, blocked, hz 0 */
    uint64_t suspend_timeouts; /* suspends that timed out (not sampled) */
    uint64_t suspend_failures; /* suspends that failed otherwise (sampled
                                  anyway, as Go 1.7 ignored the error) */
    uint64_t moved;            /* samples taken after the M had left the
                                  suspended thread: the 17165 window hit */
    uint64_t moved_busy;       /* of those, samples where another thread
                                  already ran the M when it was checked */
} rt_prof_stats_t;

typedef struct rt_prof rt_prof_t;

/* Visit outcomes of rt_prof_visit. */
typedef enum rt_visit {
    RT_VISIT_SAMPLED,
    RT_VISIT_SKIPPED,
    RT_VISIT_TIMED_OUT,
    RT_VISIT_SAMPLED_UNSUSPENDED, /* suspend failed; sampled as Go 1.7 did */
} rt_visit_t;

/* Creates a profiler (its private M, its preallocated sample buffer) without
 * starting its thread.  Returns NULL if cfg is invalid (see the field
 * comments) or memory ran out. */
rt_prof_t *rt_prof_new(const rt_prof_config_t *cfg);

/* Sets profilehz on every M now on allm (Go's resetcpuprofiler; like Go
 * 1.7 nothing ever clears it again) and starts the profiler thread.  Returns
 * 0 or -1.  Call at most once per profiler. */
int rt_prof_start(rt_prof_t *p);

/* Stops the profiler thread and waits for it; afterwards no thread is
 * suspended by it.  Must be called before any sampled thread exits (a
 * suspend of an exited thread can only time out).  Harmless if not started. */
void rt_prof_stop(rt_prof_t *p);

/* Copies the counters into *st.  Exact once the profiler is stopped. */
void rt_prof_stats(const rt_prof_t *p, rt_prof_stats_t *st);

/* Copies up to max of the most recent samples, oldest first, into out and
 * returns how many were copied.  Only valid while the profiler is stopped. */
size_t rt_prof_samples(const rt_prof_t *p, rt_sample_t *out, size_t max);

/* Frees a stopped profiler. */
void rt_prof_free(rt_prof_t *p);

/* Makes the calling thread act as p's profiler thread: binds p's private M
 * as its current M and registers it.  The profiler thread does this itself;
 * tests call it to drive rt_prof_visit step by step. */
void rt_prof_enter(rt_prof_t *p);

/* One visit of mp, as the profiler loop does it: load mp->thread, skip it if
 * 0 / blocked / profilehz 0, wait window_ns, suspend, read the context,
 * sigprof, resume.  Must run on a thread that called rt_prof_enter(p). */
rt_visit_t rt_prof_visit(rt_prof_t *p, rt_m_t *mp);
/* The handle of mp->thread that the calling thread's latest rt_prof_visit
 * loaded (the thread it suspends), for schedule-point hooks on
 * the profiler thread: re-reading mp->thread in the hook may see a later
 * owner.  0 before the first visit. */
rt_thandle_t rt_prof_loaded_thread(void);

/* Go's sigprof: raises the allocation guard on the M cfg->guard picks,
 * records a sample charged to mp into the buffer, does sample_work frames of
 * stack-walk work, lowers the guard.  Never allocates.  Must run on a thread
 * that called rt_prof_enter(p). */
void rt_sigprof(rt_prof_t *p, uintptr_t pc, uintptr_t sp, rt_m_t *mp);

/* A profiler thread's loop: passes over allm calling visit(mp, ctx) on each
 * M, one pass per period_ns (0: back to back; a pass that fell behind is
 * not made up with a burst), until *stop; each pass adds one to *passes.
 * Shared by this profiler and the family's (family.h). */
void rt_prof_passes(uint64_t period_ns, const atomic_bool *stop,
                    void (*visit)(rt_m_t *mp, void *ctx), void *ctx, _Atomic uint64_t *passes);

/* The private M of p (id 0, not on allm). */
rt_m_t *rt_prof_m(rt_prof_t *p);

#endif
