/* run/interrupt.c - the SIGINT/SIGTERM handler. */
#include "run/interrupt.h"

#include <signal.h>
#include "os/os.h"
#include "run/spawn.h"

atomic_int rl_interrupted;


static void rl__on_signal(int sig)
{
    int zero = 0;
    atomic_compare_exchange_strong(&rl_interrupted, &zero, sig);
    rl_spawn_kill_all();
    /* The run winds down in milliseconds; should racelab be stuck in an
     * open or write that blocks (a pipe nobody reads, a hung file
     * system), it still ends with the interrupt's status.  Every
     * finished trial's line is already with the OS. */
    rl_exit_later(RL_INTERRUPT_GRACE_S, 128 + atomic_load(&rl_interrupted));
}

void rl_install_signal_handlers(void)
{
    rl_exit_later_init();
    signal(SIGINT, rl__on_signal);
    signal(SIGTERM, rl__on_signal);
}
