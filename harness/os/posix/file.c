/* os/posix/file.c - file sync and truncation (fsync, ftruncate), file
 * identity (stat), path resolution (realpath), rename, file locks (flock). */
#include "os/os.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
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

rl_file_kind_t rl_file_stat(const char *path, long long *size, rl_file_id_t *id)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return RL_FILE_NONE;
    if (size)
        *size = (long long)st.st_size;
    if (id) {
        id->dev = (unsigned long long)st.st_dev;
        id->ino = (unsigned long long)st.st_ino;
    }
    if (S_ISREG(st.st_mode))
        return RL_FILE_REGULAR;
    if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
        return RL_FILE_FIFO;
    return S_ISDIR(st.st_mode) ? RL_FILE_DIR : RL_FILE_OTHER;
}

char *rl_path_resolve(const char *path)
{
    char *r = realpath(path, NULL);
    if (r)
        return r;
    /* Resolve the longest existing prefix, append the rest. */
    size_t n = strlen(path);
    for (size_t i = n; i-- > 0;) {
        if (path[i] != '/')
            continue;
        char *head = malloc(i + 2);
        if (!head)
            return NULL;
        memcpy(head, path, i ? i : 1);
        head[i ? i : 1] = '\0';
        char *rh = realpath(head, NULL);
        free(head);
        if (!rh)
            continue;
        const char *tail = path + i + 1;
        size_t a = strlen(rh), b = strlen(tail);
        char *out = malloc(a + b + 2);
        if (out) {
            memcpy(out, rh, a);
            size_t o = a;
            if (o == 0 || out[o - 1] != '/')
                out[o++] = '/';
            memcpy(out + o, tail, b + 1);
        }
        free(rh);
        return out;
    }
    char *cwd = realpath(".", NULL);
    if (!cwd)
        return NULL;
    size_t a = strlen(cwd);
    char *out = malloc(a + n + 2);
    if (out) {
        memcpy(out, cwd, a);
        out[a] = '/';
        memcpy(out + a + 1, path, n + 1);
    }
    free(cwd);
    return out;
}

int rl_file_replace(const char *from, const char *to)
{
    return rename(from, to);
}

int rl_pid_alive(long pid)
{
    /* EPERM: it exists but belongs to another user. */
    return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

long rl_getpid(void)
{
    return (long)getpid();
}

struct rl_lock {
    int fd;
};

int rl_lock_try(const char *path, const char *holder, rl_lock_t **lk, char *held_by, size_t hlen)
{
    *lk = NULL;
    if (hlen)
        held_by[0] = '\0';
    /* O_CLOEXEC: a trial must not inherit the lock (an escaped one would
     * keep it after racelab ended). */
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        if (e == EWOULDBLOCK && hlen > 1) {
            ssize_t r = pread(fd, held_by, hlen - 1, 0);
            held_by[r > 0 ? r : 0] = '\0';
            char *nl = strchr(held_by, '\n');
            if (nl)
                *nl = '\0';
        }
        close(fd);
        if (e == EWOULDBLOCK)
            return 1;
        errno = e;
        return -1;
    }
    /* Ours now (a holder killed earlier left only its text behind). */
    size_t n = strlen(holder);
    if (ftruncate(fd, 0) != 0 || pwrite(fd, holder, n, 0) != (ssize_t)n) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    rl_lock_t *l = malloc(sizeof *l);
    if (!l) {
        close(fd);
        errno = ENOMEM;
        return -1;
    }
    l->fd = fd;
    *lk = l;
    return 0;
}

void rl_lock_release(rl_lock_t *lk)
{
    if (!lk)
        return;
    close(lk->fd);
    free(lk);
}
