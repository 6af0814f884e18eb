/* platform_posix.c - child.h's platform part on POSIX. */
#include "child.h"

#include <errno.h>
#include <time.h>

void child_platform_init(void)
{
}

void child_sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}
