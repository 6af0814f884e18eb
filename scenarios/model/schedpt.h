/* schedpt.h - named schedule points: the places in the model where the
 * interleaving decides whether issue 17165 happens.
 *
 * Each point is a call to rt_schedpt(), which costs one (acquire) load of a
 * function pointer and a predictable branch while no hook is installed.  A
 * hook (tests, the scenario's perturb and forced modes) runs on the thread
 * that reached the point, so it can delay, yield or block that thread. */
#ifndef RT_SCHEDPT_H
#define RT_SCHEDPT_H

#include <stdatomic.h>
#include <stddef.h>

struct rt_m;

typedef enum rt_schedpt_id {
    RT_SP_PROF_AFTER_LOAD,     /* profiler: loaded mp->thread, not yet checked */
    RT_SP_PROF_BEFORE_SUSPEND, /* profiler: checks passed, about to suspend */
    RT_SP_SIGPROF_GUARDED,     /* profiler: inside sigprof, guard raised */
    RT_SP_NEEDM_BEFORE,        /* worker: about to take an extra M */
    RT_SP_NEEDM_AFTER,         /* worker: bound to mp */
    RT_SP_DROPM_BEFORE,        /* worker: about to give mp back */
    RT_SP_DROPM_AFTER,         /* worker: mp is back on the list */
    RT_SP_MALLOC_BEFORE_CHECK, /* worker: in rt_malloc, mallocing not yet read */
    RT_SP_MALLOC_AFTER_CHECK,  /* worker: in rt_malloc, mallocing set to 1 */
    RT_SP_COUNT
} rt_schedpt_id_t;

/* A hook: called with the point, the M concerned (the sampled M for profiler
 * points, the caller's M for worker points; NULL after dropm) and the ctx
 * given to rt_schedpt_install.  It may be called concurrently from many
 * threads.  Profiler points may run while another thread is suspended, so a
 * hook must not allocate or take locks a worker might hold. */
typedef void (*rt_schedpt_fn_t)(rt_schedpt_id_t pt, struct rt_m *mp, void *ctx);

/* The installed hook, NULL when none; read only through rt_schedpt. */
extern _Atomic(rt_schedpt_fn_t) rt_schedpt_hook;
extern void *_Atomic rt_schedpt_ctx;

/* Installs fn (NULL removes it) with its context.  Threads already past a
 * point are not affected; a thread may see the old hook for one more point,
 * so removing a hook keeps its context readable (ctx is ignored then). */
void rt_schedpt_install(rt_schedpt_fn_t fn, void *ctx);

/* The stable name of a point ("prof-after-load", ...), for logs and scripts;
 * "?" for an unknown id. */
const char *rt_schedpt_name(rt_schedpt_id_t pt);

/* Marks a schedule point; free unless a hook is installed. */
static inline void rt_schedpt(rt_schedpt_id_t pt, struct rt_m *mp)
{
    rt_schedpt_fn_t fn = atomic_load_explicit(&rt_schedpt_hook, memory_order_acquire);
    if (fn != NULL)
        fn(pt, mp, atomic_load_explicit(&rt_schedpt_ctx, memory_order_relaxed));
}

#endif
