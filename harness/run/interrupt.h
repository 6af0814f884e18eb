/* run/interrupt.h - racelab interrupted: SIGINT/SIGTERM end the running
 * trials and let the run wind down. */
#ifndef RL_INTERRUPT_H
#define RL_INTERRUPT_H

#include <stdatomic.h>

/* The signal that interrupted racelab (SIGINT/SIGTERM), 0 if none. */
extern atomic_int rl_interrupted;

/* Seconds an interrupted racelab has to wind down before it ends anyway. */
#define RL_INTERRUPT_GRACE_S 2

/* Installs the SIGINT/SIGTERM handler: it records the signal and kills
 * every running trial (rl_spawn_kill_all); the run then winds down, and
 * racelab ends with 128 + the signal at most RL_INTERRUPT_GRACE_S seconds
 * later whatever blocks it. */
void rl_install_signal_handlers(void);

#endif
