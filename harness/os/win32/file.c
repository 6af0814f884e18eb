/* os/win32/file.c - file sync and truncation (_commit, _chsize_s). */
#include "os/os.h"

#include <direct.h>
#include <errno.h>
#include <io.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int rl_file_sync(FILE *f)
{
    if (fflush(f) != 0)
        return -1;
    return _commit(_fileno(f));
}

int rl_file_truncate(FILE *f, long long len)
{
    if (fflush(f) != 0)
        return -1;
    return _chsize_s(_fileno(f), len) == 0 ? 0 : -1;
}
