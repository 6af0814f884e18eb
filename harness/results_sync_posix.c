/* results_sync_posix.c - fsync and mkdir -p for the results file. */
#include "results_sync.h"

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

int rl_results_mkdir(const char *dir)
{
    size_t n = strlen(dir);
    char *p = malloc(n + 1);
    if (p == NULL)
        return -1;
    memcpy(p, dir, n + 1);
    /* Create each prefix in turn; EEXIST on the way is expected. */
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char c = p[i];
        p[i] = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        p[i] = c;
    }
    free(p);
    struct stat st;
    if (stat(dir, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}
