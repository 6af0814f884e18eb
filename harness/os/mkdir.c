/* os/mkdir.c - mkdir -p over the per-OS primitives of os/internal.h. */
#include "os/os.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "os/internal.h"

int rl_mkdir_p(const char *path)
{
    size_t n = strlen(path);
    char *p = malloc(n + 1);
    if (p == NULL) {
        errno = ENOMEM;
        return -1;
    }
    memcpy(p, path, n + 1);
    /* Each prefix that ends before a separator, in turn: skipping the root
     * and the empty names between doubled separators. */
    for (size_t i = rl__path_root_len(p); i < n; i++) {
        if (!rl__path_is_sep(p[i]) || i == 0 || rl__path_is_sep(p[i - 1]))
            continue;
        p[i] = '\0';
        int r = rl__mkdir_one(p);
        p[i] = path[i];
        if (r != 0) {
            free(p);
            return -1;
        }
    }
    int r = rl__mkdir_one(p);
    free(p);
    return r;
}
