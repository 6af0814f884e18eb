/* run/spawn.h - run one trial process to completion, with a timeout.
 *
 * Implemented by run/posix/spawn.c (posix_spawn, a new process group, poll on
 * one pipe carrying stdout and stderr) and run/win32/spawn.c (CreateProcess
 * with MSVC-rule quoting, a Job object, pipes).  The command never passes
 * through a shell.  Safe to call from several threads at once. */
#ifndef RL_SPAWN_H
#define RL_SPAWN_H

#include <stddef.h>
#include <stdint.h>
#include "core/classify.h"
#include "core/proc_result.h"

typedef struct {
    char *const *argv;       /* argv[0] is looked up in PATH when it has no '/' */
    char *const *env_add;    /* "KEY=VALUE" strings added to the inherited
                                environment (NULL-terminated, may be NULL) */
    double timeout_s;        /* <= 0: no timeout */
    size_t capture_limit;    /* bytes of output kept: half head, half tail */
    int capture_stacks;      /* on timeout, capture all threads' stacks
                                (gdb / /proc on POSIX, a minidump on Windows)
                                before killing; on POSIX a Go program
                                (classifier->hang_dump) first gets SIGQUIT
                                for its goroutine dump, and runs with
                                GOTRACEBACK=all */
    const char *dump_dir;    /* where a minidump may be written (Windows) */
    const char *dump_name;   /* its file name stem */
    const rl_classifier_t *classifier; /* its patterns (compiled, shared):
                                the first line matching each is kept from
                                the omitted middle of a long output
                                (capture.h), and its hang_dump; NULL: none
                                kept, program-kind auto */
} rl_spawn_opts_t;

/* Runs the command, waits for it (or kills its whole process tree at the
 * timeout) and fills *res.  Returns 0 when *res is filled (whatever the
 * child did, including failing to start); -1 only when the harness itself
 * failed (res->errmsg says how). */
int rl_spawn_run(const rl_spawn_opts_t *opts, rl_proc_result_t *res);

/* Kills every trial process tree that is running now.  Async-signal-safe on
 * POSIX, so racelab's SIGINT/SIGTERM handler can call it. */
void rl_spawn_kill_all(void);

/* Kills and reaps whatever descendants of earlier trials escaped their
 * process group and are still running (on Linux: processes reparented to
 * racelab, which is a child subreaper).  Call at the end of a run; not
 * async-signal-safe.  A no-op where a Job object already guarantees it. */
void rl_spawn_cleanup(void);

/* Kills trial process trees left running by an earlier racelab that was
 * itself killed (SIGKILL, a crash) before it could end them.  On Linux each
 * trial's environment carries RACELAB_OWNER=<pid>.<start time> of its
 * racelab; a process whose owner no longer exists (or is a zombie: killed,
 * not yet waited for by its parent) is killed with its process group.
 * Trials of a racelab still running, and other users' processes, are never
 * touched.
 * Returns how many processes were killed.  A no-op (0) where a Job object
 * already kills the trials with racelab. */
int rl_spawn_reap_abandoned(void);

#endif
