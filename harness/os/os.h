/* os/os.h - the little the harness needs from the OS besides spawning:
 * threads, a mutex, a clock, the core count, directories, file sync, a
 * terminal check.  os/posix/ and os/win32/ implement it (os.c, file.c);
 * os/mkdir.c is the one platform-free part. */
#ifndef RL_PLATFORM_H
#define RL_PLATFORM_H

#include <stddef.h>
#include <stdio.h>

typedef struct rl_thread rl_thread_t;
typedef struct rl_mutex rl_mutex_t;

/* Starts fn(arg) on a new thread; NULL on failure. */
rl_thread_t *rl_thread_start(void (*fn)(void *), void *arg);
/* Waits for the thread and frees it. */
void rl_thread_join(rl_thread_t *t);

rl_mutex_t *rl_mutex_new(void);
void rl_mutex_lock(rl_mutex_t *m);
void rl_mutex_unlock(rl_mutex_t *m);
void rl_mutex_free(rl_mutex_t *m);

/* Monotonic seconds. */
double rl_now(void);
void rl_sleep_ms(int ms);
/* Online processors, at least 1. */
int rl_ncpus(void);
/* mkdir -p: creates path and its missing parents (an existing directory is
 * fine).  0, or -1 with errno set (ENOTDIR when a component is a file). */
int rl_mkdir_p(const char *path);
/* Flushes f's buffer and asks the OS to put the data on disk (fsync, or
 * _commit on Windows), so a trial written survives a crash of the machine
 * as well as a kill of racelab.  0, or -1 with errno set. */
int rl_file_sync(FILE *f);
/* Cuts the file open in f down to len bytes (used to drop a final line a
 * kill left half written).  0, or -1 with errno set. */
int rl_file_truncate(FILE *f, long long len);
/* Is stderr a terminal? */
int rl_stderr_isatty(void);

/* What a path names (following symbolic links). */
typedef enum {
    RL_FILE_NONE = 0,    /* nothing there */
    RL_FILE_REGULAR,
    RL_FILE_DIR,
    RL_FILE_OTHER,       /* a device */
    RL_FILE_FIFO,        /* a FIFO or socket: opening it may block */
} rl_file_kind_t;
/* The identity of a file: equal for every name of it (symbolic links
 * followed, hard links): device + inode, or on Windows volume serial +
 * file index. */
typedef struct {
    unsigned long long dev, ino;
} rl_file_id_t;
/* The kind of file at path, its size in *size and its identity in *id
 * (either may be NULL).  RL_FILE_NONE also when it cannot be looked at. */
rl_file_kind_t rl_file_stat(const char *path, long long *size, rl_file_id_t *id);
/* path made absolute and normalised, symbolic links resolved as far as the
 * path exists (the rest appended as given); malloc'd, NULL on failure. */
char *rl_path_resolve(const char *path);
/* Renames from to to, replacing to when it exists (on Windows too).  0, or
 * -1 with errno set. */
int rl_file_replace(const char *from, const char *to);
/* The current process id. */
long rl_getpid(void);
/* 1 when a process with this id exists (another user's included), 0 when
 * none does. */
int rl_pid_alive(long pid);

/* A file written whole or not at all: the bytes go to a temporary file in
 * the same directory, which rl_out_commit renames over path, so a reader
 * (or a kill of racelab in the middle) sees the old file or the new one,
 * never a part.  "-" is stdout; a path naming a device is written in place
 * (there is nothing to rename); a FIFO is refused (EINVAL). */
typedef struct {
    FILE *f;
    char *path, *tmp;   /* tmp NULL when written in place */
} rl_out_t;
/* Opens for writing ("wb").  0, or -1 with errno set. */
int rl_out_open(rl_out_t *o, const char *path);
/* Flushes, syncs, closes and renames into place.  0, or -1 with errno set
 * (the temporary file is removed, path untouched). */
int rl_out_commit(rl_out_t *o);
/* Closes and removes the temporary file; path is untouched. */
void rl_out_abort(rl_out_t *o);
/* Writes n bytes to path through rl_out_t.  0, or -1 with errno set. */
int rl_write_atomic(const char *path, const void *data, size_t n);
/* The temporary files (or directories) "path.tmp-PID" that a writer killed
 * in the middle left beside path: those whose PID is not this process and
 * names no live process (one whose PID is alive, or was reused, is left
 * alone).  The count, with a malloc'd array of malloc'd paths in *found;
 * 0 when none (or the directory cannot be read). */
int rl_tmp_leftovers(const char *path, char ***found);
void rl_tmp_leftovers_free(char **found, int n);

/* A watchdog for an interrupted racelab: rl_exit_later(s, status) ends the
 * process with _exit(status) s seconds later (at most one pending), so a
 * racelab stuck in a blocking open or write still ends.  Safe to call from
 * a signal handler once rl_exit_later_init has run (POSIX: alarm(2) and a
 * SIGALRM handler; Windows: a thread). */
void rl_exit_later_init(void);
void rl_exit_later(int seconds, int status);

/* An exclusive lock on a file, held until rl_lock_release or the end of
 * the process (a kill included: the OS drops it, so it never goes stale). */
typedef struct rl_lock rl_lock_t;
/* Takes the lock on path (created when missing) without waiting and
 * writes holder into the file.  0 and *lk; 1 when another process holds
 * it (its holder text, as it wrote it, in held_by); -1 with errno set. */
int rl_lock_try(const char *path, const char *holder, rl_lock_t **lk, char *held_by, size_t hlen);
void rl_lock_release(rl_lock_t *lk);

#endif
