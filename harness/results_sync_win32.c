/* results_sync_win32.c - _commit and a recursive _mkdir for the results
 * file on Windows. */
#include "results_sync.h"

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

int rl_results_mkdir(const char *dir)
{
    size_t n = strlen(dir);
    char *p = malloc(n + 1);
    if (p == NULL)
        return -1;
    memcpy(p, dir, n + 1);
    /* Skip a drive ("C:") so it is not created as a directory. */
    size_t start = (n >= 2 && p[1] == ':') ? 3 : 1;
    for (size_t i = start; i <= n; i++) {
        if (p[i] != '/' && p[i] != '\\' && p[i] != '\0')
            continue;
        char c = p[i];
        p[i] = '\0';
        if (_mkdir(p) != 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        p[i] = c;
    }
    free(p);
    struct _stat st;
    if (_stat(dir, &st) != 0)
        return -1;
    if (!(st.st_mode & _S_IFDIR)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}
