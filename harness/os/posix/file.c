/* os/posix/file.c - file sync and truncation (fsync, ftruncate). */
#include "os/os.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int rl_file_sync(FILE *f)
{
    if (fflush(f) != 0)
        return -1;
    return fsync(fileno(f));
}

int rl_file_truncate(FILE *f, long long len)
{
    if (fflush(f) != 0)
        return -1;
    return ftruncate(fileno(f), (off_t)len);
}
