/* run/interrupt.c - the SIGINT/SIGTERM handler. */
#include "run/interrupt.h"

#include <signal.h>
#include "run/spawn.h"

atomic_int rl_interrupted;


static void rl__on_signal(int sig)
{
    int zero = 0;
    atomic_compare_exchange_strong(&rl_interrupted, &zero, sig);
    rl_spawn_kill_all();
}

void rl_install_signal_handlers(void)
{
    signal(SIGINT, rl__on_signal);
    signal(SIGTERM, rl__on_signal);
}
