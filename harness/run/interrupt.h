/* run/interrupt.h - racelab interrupted: SIGINT/SIGTERM end the running
 * trials and let the run wind down. */
#ifndef RL_INTERRUPT_H
#define RL_INTERRUPT_H

#include <stdatomic.h>

/* The signal that interrupted racelab (SIGINT/SIGTERM), 0 if none. */
extern atomic_int rl_interrupted;

/* Installs the SIGINT/SIGTERM handler: it records the signal and kills
 * every running trial (rl_spawn_kill_all); the run then winds down. */
void rl_install_signal_handlers(void);

#endif
