/* crash_child.c - dies in the way argv[1] names, linked with the model's
 * Win32 platform code so its crash behaviour (thread_win32.c) is in force:
 *   av      an access violation   -> one line, exit code 0xC0000005
 *   abort   abort()               -> no dialog, exit code 3
 *   throw   rt_exit_now(2) after a fatal error line, as a runtime throw */
#include "thread.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2)
        return 64;
    /* Uses thread_win32.c, so its start-up crash settings are linked in. */
    (void)rt_now_ns();
    if (strcmp(argv[1], "av") == 0) {
        volatile uintptr_t addr = 0x18;
        *(volatile int *)addr = 1;
    } else if (strcmp(argv[1], "abort") == 0) {
        abort();
    } else if (strcmp(argv[1], "throw") == 0) {
        static const char msg[] = "fatal error: malloc deadlock\n";
        rt_write_stderr(msg, sizeof msg - 1);
        rt_exit_now(2);
    }
    return 64;
}
