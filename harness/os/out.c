/* os/out.c - files written whole or not at all (os/os.h, rl_out_t): a
 * temporary file beside the target, renamed over it once complete. */
#include "os/os.h"
#include "os/internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rl_tmp_leftovers(const char *path, char ***found)
{
    *found = NULL;
    size_t cut = strlen(path);
    while (cut > 0 && !rl__path_is_sep(path[cut - 1]))
        cut--;
    const char *base = path + cut;
    size_t blen = strlen(base);
    if (blen == 0)
        return 0;
    char *dir = malloc(cut + 2);
    if (!dir)
        return 0;
    if (cut)
        memcpy(dir, path, cut);
    else
        dir[cut++] = '.';
    dir[cut] = '\0';
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        const char *name = e->d_name;
        if (strncmp(name, base, blen) != 0 || strncmp(name + blen, ".tmp-", 5) != 0)
            continue;
        const char *digits = name + blen + 5;
        char *end;
        long pid = strtol(digits, &end, 10);
        if (end == digits || *end || digits[0] == '0' || digits[0] == '-' || digits[0] == '+')
            continue;
        /* Only what a dead writer left: a live one is still writing it,
         * and a reused PID is left alone rather than guessed about. */
        if (pid == rl_getpid() || rl_pid_alive(pid))
            continue;
        char **nf = realloc(*found, (size_t)(n + 1) * sizeof *nf);
        if (!nf)
            break;
        *found = nf;
        size_t len = strlen(dir) + strlen(name) + 2;
        nf[n] = malloc(len);
        if (!nf[n])
            break;
        snprintf(nf[n], len, "%s%s%s", dir, rl__path_is_sep(dir[strlen(dir) - 1]) ? "" : "/", name);
        n++;
    }
    if (d)
        closedir(d);
    free(dir);
    return n;
}

void rl_tmp_leftovers_free(char **found, int n)
{
    for (int i = 0; i < n; i++)
        free(found[i]);
    free(found);
}

/* Removes the temporary files a killed writer of path left. */
static void rl__out_sweep(const char *path)
{
    char **found;
    int n = rl_tmp_leftovers(path, &found);
    for (int i = 0; i < n; i++)
        if (rl_file_stat(found[i], NULL, NULL) == RL_FILE_REGULAR)
            remove(found[i]);
    rl_tmp_leftovers_free(found, n);
}

int rl_out_open(rl_out_t *o, const char *path)
{
    memset(o, 0, sizeof o[0]);
    if (strcmp(path, "-") == 0) {
        o->f = stdout;
        return 0;
    }
    o->path = malloc(strlen(path) + 1);
    if (!o->path) {
        errno = ENOMEM;
        return -1;
    }
    strcpy(o->path, path);
    rl_file_kind_t kind = rl_file_stat(path, NULL, NULL);
    if (kind == RL_FILE_FIFO) {
        errno = EINVAL; /* would block until a reader comes */
        free(o->path);
        o->path = NULL;
        return -1;
    }
    if (kind == RL_FILE_OTHER) {
        /* A device or FIFO: written in place, nothing to rename. */
        o->f = fopen(path, "wb");
    } else {
        rl__out_sweep(path);
        size_t n = strlen(path) + 48;
        o->tmp = malloc(n);
        if (o->tmp) {
            snprintf(o->tmp, n, "%s.tmp-%ld", path, rl_getpid());
            o->f = fopen(o->tmp, "wb");
        }
    }
    if (!o->f) {
        int e = o->tmp || o->path ? errno : ENOMEM;
        free(o->tmp);
        free(o->path);
        memset(o, 0, sizeof o[0]);
        errno = e ? e : ENOMEM;
        return -1;
    }
    return 0;
}

static void rl__out_free(rl_out_t *o)
{
    free(o->tmp);
    free(o->path);
    memset(o, 0, sizeof o[0]);
}

int rl_out_commit(rl_out_t *o)
{
    if (o->f == stdout) {
        int rc = fflush(stdout) == 0 && !ferror(stdout) ? 0 : -1;
        if (rc && errno == 0)
            errno = EIO;
        memset(o, 0, sizeof o[0]);
        return rc;
    }
    errno = 0;
    int bad = ferror(o->f);
    /* Synced before the rename, so a crash of the machine cannot leave
     * the new name on a file whose data never reached the disk. */
    if (!bad && o->tmp && rl_file_sync(o->f) != 0)
        bad = 1;
    int e = errno;
    if (fclose(o->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    o->f = NULL;
    if (!bad && o->tmp && rl_file_replace(o->tmp, o->path) != 0) {
        bad = 1;
        e = errno;
    }
    if (bad && o->tmp)
        remove(o->tmp);
    rl__out_free(o);
    if (bad)
        errno = e ? e : EIO;
    return bad ? -1 : 0;
}

void rl_out_abort(rl_out_t *o)
{
    if (o->f && o->f != stdout)
        fclose(o->f);
    if (o->tmp)
        remove(o->tmp);
    rl__out_free(o);
}

int rl_write_atomic(const char *path, const void *data, size_t n)
{
    rl_out_t o;
    if (rl_out_open(&o, path) != 0)
        return -1;
    if (n && fwrite(data, 1, n, o.f) != n) {
        int e = errno;
        rl_out_abort(&o);
        errno = e ? e : EIO;
        return -1;
    }
    return rl_out_commit(&o);
}
