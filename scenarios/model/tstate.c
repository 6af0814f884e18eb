/* tstate.c - per-thread sampling states (tstate.h). */
#include "model/tstate.h"

#include <stdlib.h>

#include "model/malloc.h"
#include "model/thread.h"

#define MAX_MS 1025 /* M ids 0..1024, as the family's per-M tables */

static atomic_uint nstates;
static _Atomic(rt_tstate_t *) published[MAX_MS];

rt_tstate_t *rt_tstate_new(void)
{
    if (atomic_fetch_add(&nstates, 1) >= RT_TSTATE_MAX)
        rt_throw("out of per-thread states", "runtime: more threads than RT_TSTATE_MAX");
    rt_tstate_t *st = calloc(1, sizeof *st);
    if (st == NULL)
        rt_throw("out of memory", "runtime: cannot allocate a per-thread state");
    st->tid = rt_os_thread_id();
    return st;
}

/* Under ASan the free is the release: no flag is set first, so a sample
 * never sees a state that is marked released but not yet freed and
 * throws the model's message where ASan's report is what it must say.  A
 * sample that stopped the thread before the free meets a live state. */
void rt_tstate_release(rt_tstate_t *st)
{
    if (RT_TSTATE_FREES)
        free(st);
    else
        atomic_store(&st->released, true);
}

bool rt_tstate_released(rt_tstate_t *st)
{
    return atomic_load(&st->released);
}

void rt_tstate_attach(rt_m_t *mp, rt_tstate_t *st)
{
    atomic_store(&published[mp->id], st);
}

void rt_tstate_detach(rt_m_t *mp)
{
    atomic_store(&published[mp->id], NULL);
}

rt_tstate_t *rt_tstate_of(rt_m_t *mp)
{
    return atomic_load(&published[mp->id]);
}
