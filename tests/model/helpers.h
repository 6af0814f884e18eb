/* helpers.h - small bounded-wait helpers shared by the model tests.  Every
 * wait has a deadline so a broken handshake fails the test instead of
 * hanging it. */
#ifndef MODEL_TEST_HELPERS_H
#define MODEL_TEST_HELPERS_H

#include <stdatomic.h>
#include <stdbool.h>

#include "model/thread.h"

/* Waits until *flag >= value, yielding; false after timeout_ms. */
static inline bool wait_at_least(_Atomic int *flag, int value, unsigned timeout_ms)
{
    uint64_t until = rt_now_ns() + (uint64_t)timeout_ms * 1000000u;
    while (atomic_load(flag) < value) {
        if (rt_now_ns() > until)
            return false;
        rt_thread_yield();
    }
    return true;
}

#endif
