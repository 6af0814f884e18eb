/* schedpt.c - the schedule-point hook slot and the point names. */
#include "model/schedpt.h"

_Atomic(rt_schedpt_fn_t) rt_schedpt_hook;
void *_Atomic rt_schedpt_ctx;

void rt_schedpt_install(rt_schedpt_fn_t fn, void *ctx)
{
    /* Removing a hook leaves its context in place: a thread that has just
     * loaded the old hook loads the context next, and must not find NULL
     * (perturb mode's workers died with SIGSEGV in 1% of 200-ms runs when
     * main removed the hook at the end while they were at a point). */
    if (fn == NULL) {
        atomic_store(&rt_schedpt_hook, NULL);
        return;
    }
    /* Context first, so a thread that sees the new hook sees its context. */
    atomic_store(&rt_schedpt_ctx, ctx);
    atomic_store(&rt_schedpt_hook, fn);
}

const char *rt_schedpt_name(rt_schedpt_id_t pt)
{
    static const char *const names[RT_SP_COUNT] = {
        [RT_SP_PROF_AFTER_LOAD] = "prof-after-load",
        [RT_SP_PROF_BEFORE_SUSPEND] = "prof-before-suspend",
        [RT_SP_SIGPROF_GUARDED] = "sigprof-guarded",
        [RT_SP_NEEDM_BEFORE] = "needm-before",
        [RT_SP_NEEDM_AFTER] = "needm-after",
        [RT_SP_DROPM_BEFORE] = "dropm-before",
        [RT_SP_DROPM_AFTER] = "dropm-after",
        [RT_SP_MALLOC_BEFORE_CHECK] = "malloc-before-check",
        [RT_SP_MALLOC_AFTER_CHECK] = "malloc-after-check",
    };
    if ((unsigned)pt >= RT_SP_COUNT)
        return "?";
    return names[pt];
}
