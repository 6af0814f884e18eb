/* core/seed.h - the seed rules: one base seed per run, one derived seed
 * per trial index, and the {seed}/{build}/{exe} substitution in argv. */
#ifndef RL_SEED_H
#define RL_SEED_H

#include <stdint.h>

/* Seed of trial index under base: splitmix64(base + index), so trials get
 * well-spread, reproducible seeds whatever the base. */
uint64_t rl_trial_seed(uint64_t base, long index);
/* A base seed from the clock and the pid, for runs without --seed. */
uint64_t rl_random_seed(void);

/* Copy of arg with {seed}, {build} and {exe} replaced (malloc'd). */
char *rl_subst(const char *arg, uint64_t seed, const char *build);

#endif
