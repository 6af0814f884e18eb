/* perturb.h - seeded schedule perturbation at the schedule points: random
 * yields and delays at a seeded subset of "hot" points, with PCT-style
 * priorities (Burckhardt et al., ASPLOS 2010): every thread gets a random
 * priority from the seed, and at a few seeded "change points" in its run its
 * priority drops, after which it is held back more often.  Native threads
 * cannot be scheduled one at a time, so a priority here is a probability of
 * being held back at a point.
 *
 * Decisions are a pure function of (seed, thread role, how many points that
 * thread has passed, point): the same seed gives every thread the same
 * sequence of decisions, which is what lets a crashing trial be replayed. */
#ifndef RT_PERTURB_H
#define RT_PERTURB_H

#include <stdint.h>

#include "model/schedpt.h"

typedef struct rt_perturb_config {
    uint64_t seed;
    uint32_t depth;        /* PCT change points per thread (0..8) */
    uint32_t horizon;      /* points per thread over which they fall, >= 1 */
    uint32_t max_delay_us; /* longest single delay, >= 1 */
} rt_perturb_config_t;

typedef enum rt_perturb_kind {
    RT_PERTURB_NONE,
    RT_PERTURB_YIELD, /* give up the processor once */
    RT_PERTURB_SPIN,  /* stay on the processor, busy, for us microseconds */
    RT_PERTURB_SLEEP, /* leave the processor for us microseconds */
} rt_perturb_kind_t;

typedef struct rt_perturb_action {
    rt_perturb_kind_t kind;
    uint32_t us; /* 1..max_delay_us for SPIN and SLEEP, else 0 */
} rt_perturb_action_t;

/* The decision for thread `role` (0 = profiler, 1.. = workers) at its
 * step-th schedule point (counting from 0), which is point pt.  Pure: no
 * state, same inputs, same answer. */
rt_perturb_action_t rt_perturb_decide(const rt_perturb_config_t *cfg, uint32_t role,
                                      uint64_t step, rt_schedpt_id_t pt);

/* Installs perturbation as the schedule-point hook, with a copy of cfg.
 * Returns 0, or -1 if cfg is out of range. */
int rt_perturb_install(const rt_perturb_config_t *cfg);

/* Sets the calling thread's role for rt_perturb_decide (threads that never
 * call it are role 0, the profiler's) and restarts its step count. */
void rt_perturb_set_role(uint32_t role);

/* Number of non-NONE actions carried out so far, over all threads. */
uint64_t rt_perturb_actions(void);

#endif
