/* perturb.c - seeded, PCT-flavoured schedule perturbation. */
#include "model/perturb.h"

#include <stdatomic.h>
#include <stdbool.h>

#include "model/thread.h"

static rt_perturb_config_t active;
static _Atomic uint64_t actions;
static _Thread_local uint32_t my_role;
static _Thread_local uint64_t my_step;

/* splitmix64's finaliser: a good 64-bit mix, so decisions for neighbouring
 * steps, roles and seeds are unrelated. */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

static uint64_t draw(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
    return mix(mix(mix(seed ^ 0x5045525455524221u) ^ a) ^ b) ^ mix(c);
}

rt_perturb_action_t rt_perturb_decide(const rt_perturb_config_t *cfg, uint32_t role,
                                      uint64_t step, rt_schedpt_id_t pt)
{
    rt_perturb_action_t act = { RT_PERTURB_NONE, 0 };
    /* Which points are "hot" is drawn once per seed (each with chance 1/3):
     * delays only help where the interleaving is decided, and slowing every
     * point slows the whole program instead.  A hot point acts 25%..75% of
     * the time depending on the thread's priority, a cold one almost never. */
    bool hot = draw(cfg->seed, 0xfffffff2u, (uint64_t)pt, 0) % 3u == 0;
    /* Initial priority 0..999 (higher runs more freely), 300 lower for
     * every change point already passed, as in PCT. */
    int32_t prio = (int32_t)(draw(cfg->seed, role, 0xfffffff0u, 0) % 1000u);
    for (uint32_t i = 0; i < cfg->depth; i++)
        if (step >= draw(cfg->seed, role, 0xfffffff1u, i) % cfg->horizon)
            prio -= 300;
    if (prio < 0)
        prio = 0;
    int32_t permille = hot ? 250 + (1000 - prio) / 2 : (1000 - prio) / 100;
    /* rt_malloc's points are passed once per allocation (64 times per
     * callback by default), with the M held: perturbed as often as the
     * other points, they stall the workers so much that Ms stop migrating
     * and the 17165 window never opens.  Held back 1/64 as often there, a
     * worker is perturbed about as often per callback at its malloc points
     * as at needm/dropm. */
    if (pt == RT_SP_MALLOC_BEFORE_CHECK || pt == RT_SP_MALLOC_AFTER_CHECK)
        permille = (permille + 63) / 64;
    /* The sampler (role 0) is PCT's low-priority thread: the window this
     * family of bugs lives in opens between its look at a thread (load of
     * mp->thread) and its action (suspend, sigprof), so it is held back at
     * 90% of its points, hot or not; its delays' kinds and lengths stay
     * seeded.  It passes so few points (a few per sample) that seeded change
     * points over the workers' horizon would never lower its priority. */
    if (role == 0)
        permille = 900;
    uint64_t r = draw(cfg->seed, role, step, (uint64_t)pt + 1);
    if ((int32_t)(r % 1000u) >= permille)
        return act;
    r >>= 10;
    /* Mostly actions that leave the processor: they let other threads run
     * (take a dropped M, reach a check) where a spin would only slow the
     * program down. */
    switch (r % 8u) {
    case 0:
    case 1:
    case 2:
        act.kind = RT_PERTURB_YIELD;
        break;
    case 3:
        act.kind = RT_PERTURB_SPIN;
        break;
    default:
        act.kind = RT_PERTURB_SLEEP;
        break;
    }
    /* A worker delayed while it holds an M (or spinning for its turn on the
     * extra list) only slows migration down: workers yield, the profiler -
     * whose delays widen the window between its load of mp->thread and
     * the suspend - spins or sleeps. */
    if (role != 0)
        act.kind = RT_PERTURB_YIELD;
    if (act.kind != RT_PERTURB_YIELD)
        act.us = 1 + (uint32_t)((r >> 3) % cfg->max_delay_us);
    return act;
}

static void spin_us(uint32_t us)
{
    uint64_t until = rt_now_ns() + (uint64_t)us * 1000u;
    while (rt_now_ns() < until)
        ;
}

static void hook(rt_schedpt_id_t pt, struct rt_m *mp, void *ctx)
{
    (void)mp;
    const rt_perturb_config_t *cfg = ctx;
    rt_perturb_action_t act = rt_perturb_decide(cfg, my_role, my_step++, pt);
    switch (act.kind) {
    case RT_PERTURB_NONE:
        return;
    case RT_PERTURB_YIELD:
        rt_thread_yield();
        break;
    case RT_PERTURB_SPIN:
        spin_us(act.us);
        break;
    case RT_PERTURB_SLEEP:
        rt_sleep_us(act.us);
        break;
    }
    atomic_fetch_add_explicit(&actions, 1, memory_order_relaxed);
}

int rt_perturb_install(const rt_perturb_config_t *cfg)
{
    if (cfg->depth > 8 || cfg->horizon == 0 || cfg->max_delay_us == 0)
        return -1;
    active = *cfg;
    rt_schedpt_install(hook, &active);
    return 0;
}

void rt_perturb_set_role(uint32_t role)
{
    my_role = role;
    my_step = 0;
}

uint64_t rt_perturb_actions(void)
{
    return atomic_load(&actions);
}
