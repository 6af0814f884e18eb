/* crash_child.c - crash_child's modes (tests/child/child.h): dies in the way
 * the mode names, linked with the model's Win32 platform code so its crash
 * behaviour (scenarios/model/win32/thread.c) is in force:
 *   av      an access violation   -> one line, exit code 0xC0000005
 *   abort   abort()               -> no dialog, exit code 3
 *   throw   rt_exit_now(2) after a fatal error line, as a runtime throw
 *   trap    the model's allocator with its M's guard raised: Go's
 *           "fatal error: malloc deadlock", exit 2
 *   alloc   the same allocation with the guard down: exit 0 */
#include "model/malloc.h"
#include "model/m.h"
#include "model/suspend.h"
#include "model/thread.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "child.h"

static int mode_av(int argc, char **argv)
{
    (void)argc, (void)argv;
    volatile uintptr_t addr = 0x18;
    *(volatile int *)addr = 1;
    return 64;
}

static int mode_abort(int argc, char **argv)
{
    (void)argc, (void)argv;
    abort();
}

/* trap and alloc: the model's allocator with and without the M's guard. */
static int mode_alloc(int argc, char **argv)
{
    (void)argc;
    if (rt_suspend_init() != 0 || rt_suspend_register_self() != 0 || rt_newextram(1) != 0)
        return 70;
    rt_m_t *mp = rt_needm();
    if (strcmp(argv[1], "trap") == 0)
        atomic_store_explicit(&mp->mallocing, 1, memory_order_relaxed);
    rt_free(rt_malloc(64));
    rt_dropm();
    return 0;
}

static int mode_throw(int argc, char **argv)
{
    (void)argc, (void)argv;
    static const char msg[] = "fatal error: malloc deadlock\n";
    rt_write_stderr(msg, sizeof msg - 1);
    rt_exit_now(2);
    return 64;
}

static const child_mode_t modes[] = {
    {"av", ": an access violation", 0, mode_av},
    {"abort", ": abort()", 0, mode_abort},
    {"throw", ": a fatal error line, then rt_exit_now(2), as a runtime throw", 0, mode_throw},
    {"trap", ": the model's allocator with its M's guard raised", 0, mode_alloc},
    {"alloc", ": the same allocation with the guard down", 0, mode_alloc},
};
CHILD_MODES(model, modes);

/* Uses scenarios/model/win32/thread.c, so its start-up crash settings are
 * linked in. */
__attribute__((constructor)) static void link_model_platform(void)
{
    (void)rt_now_ns();
}
