/* store/resultsdir.h - a results directory beyond trials.jsonl: the base seed
 * (DIR/seed) and copies of the specs that were checked (DIR/specs/), so
 * that resume, replay and merge need nothing but the directory. */
#ifndef RL_RESULTSDIR_H
#define RL_RESULTSDIR_H

#include <stdint.h>
#include "core/proc_result.h"
#include "store/results.h"
#include "core/spec.h"
#include "os/os.h"

/* Makes this process the one writer of DIR (created when missing): an
 * exclusive lock on DIR/lock, held until rl_dir_unlock or the end of the
 * process (the OS drops it when racelab dies, even by SIGKILL, so a dead
 * holder leaves no stale lock; its pid and start time stay in the file and
 * are replaced; when the pid the file names is gone but the lock is still
 * held, for the moment a trial it was starting takes to exec, it waits up
 * to 2 s).  0 and *lk; 1 when another process holds it ("DIR is in
 * use by racelab pid N, started T" in err); -1 with the reason in err. */
int rl_dir_lock(const char *dir, const char *cmd, rl_lock_t **lk, char *err, size_t errlen);
void rl_dir_unlock(rl_lock_t *lk);

/* Writes DIR/seed.  0 or -1. */
int rl_dir_write_seed(const char *dir, uint64_t seed);
/* Reads DIR/seed: 1 found, 0 absent, -1 malformed (anything but one
 * unsigned 64-bit decimal number and a newline). */
int rl_dir_read_seed(const char *dir, uint64_t *seed);
/* The content hash of a file (64-bit FNV-1a, as 16 hex digits in hex[17]).
 * 0, or -1 with errno set. */
int rl_file_hash(const char *path, char hex[17]);
/* DIR/history: what the run in DIR was made from, one "key value" line
 * each ("plan fixed-n=0 shard=0/1", "spec NAME fnv1a64=HEX"), written
 * once when the run begins (through a renamed temporary) and verified by
 * --resume and merge.  Write: 0 or -1.  Read: the malloc'd text, NULL
 * when absent (errno ENOENT) or unreadable. */
int rl_dir_write_history(const char *dir, const char *text);
char *rl_dir_read_history(const char *dir);
/* The value recorded for key in the history text ("spec k" gives
 * "fnv1a64=..."), malloc'd; NULL when not there. */
char *rl_history_get(const char *text, const char *key);

/* Copies the spec file to DIR/specs/<name>.repro.  0 or -1. */
int rl_dir_save_spec(const char *dir, const rl_spec_t *spec);
/* Loads DIR/specs/<name>.repro.  0, or -1 with a message in err. */
int rl_dir_load_spec(const char *dir, const char *name, rl_spec_t *spec, char *err, size_t errlen);
/* Names of the specs saved in DIR/specs (malloc'd array of malloc'd
 * strings, sorted).  Returns the count, -1 on error. */
int rl_dir_spec_names(const char *dir, char ***names);
/* Reads DIR/trials.jsonl for resuming: a last line cut short by a kill (no
 * final newline) is cut off the file, with a note on stderr; any other bad
 * line is an error (file:line in err).  A missing file gives no trials.
 * With list NULL the file is only prepared and checked, not kept (then
 * stream it with rl_results_each: memory independent of its length).
 * 0 or -1. */
int rl_dir_read_for_resume(const char *dir, rl_trial_list_t *list, char *err, size_t errlen);

/* 1 when path is, or resolves to (symbolic link, hard link), a file that
 * the results directory DIR keeps: DIR itself, DIR/trials.jsonl, DIR/seed,
 * DIR/lock, DIR/history, DIR/specs and its copies, DIR/logs and the logs. */
int rl_dir_keeps(const char *dir, const char *path);
/* 1 when the two paths name one file (the same identity, or the same
 * resolved path when neither exists yet). */
int rl_same_file(const char *a, const char *b);

/* 1 when DIR/trials.jsonl exists and is not empty. */
int rl_dir_in_use(const char *dir);
/* "results/<stem>-YYYYmmdd-HHMMSS" (UTC; "-2", "-3"... appended when that
 * directory is in use), malloc'd. */
char *rl_default_results_dir(const char *stem);

/* Writes DIR/logs/<spec>-<variant>-<index>.log (argv, seed, outcome,
 * captured output, stacks) and sets t->log to its path.  0 or -1. */
int rl_write_log(const char *dir, rl_trial_t *t, const rl_proc_result_t *res);

#endif
