/* crash_child.c - dies in the way argv[1] names, linked with the model's
 * Win32 platform code so its crash behaviour (scenarios/model/win32/thread.c) is in force:
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

int main(int argc, char **argv)
{
    if (argc != 2)
        return 64;
    /* Uses scenarios/model/win32/thread.c, so its start-up crash settings are linked in. */
    (void)rt_now_ns();
    if (strcmp(argv[1], "av") == 0) {
        volatile uintptr_t addr = 0x18;
        *(volatile int *)addr = 1;
    } else if (strcmp(argv[1], "abort") == 0) {
        abort();
    } else if (strcmp(argv[1], "trap") == 0 || strcmp(argv[1], "alloc") == 0) {
        if (rt_suspend_init() != 0 || rt_suspend_register_self() != 0 || rt_newextram(1) != 0)
            return 70;
        rt_m_t *mp = rt_needm();
        if (strcmp(argv[1], "trap") == 0)
            atomic_store_explicit(&mp->mallocing, 1, memory_order_relaxed);
        rt_free(rt_malloc(64));
        rt_dropm();
        return 0;
    } else if (strcmp(argv[1], "throw") == 0) {
        static const char msg[] = "fatal error: malloc deadlock\n";
        rt_write_stderr(msg, sizeof msg - 1);
        rt_exit_now(2);
    }
    return 64;
}
