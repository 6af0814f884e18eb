/* core/proc_result.h - how one trial process ended, as the runner saw it.
 *
 * Filled in by the spawn backends (run/spawn.h), read by the classifier
 * (core/classify.h) and the trial logs.  Platform free: it holds a POSIX
 * signal and a Windows exception code side by side, so results recorded on
 * one OS read the same on the other. */
#ifndef RL_PROC_RESULT_H
#define RL_PROC_RESULT_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int started;             /* 0: could not start; errmsg says why */
    int exit_status;         /* exit code, -1 when it did not exit normally */
    int term_signal;         /* POSIX signal that ended it, 0 if none */
    uint32_t exception;      /* Windows NTSTATUS that ended it, 0 if none */
    int timed_out;           /* killed (with its whole tree) at the timeout */
    int interrupted;         /* killed by rl_spawn_kill_all, or not started
                                because it had already run: the trial's end
                                was not its own doing */
    double duration_s;
    char *output;            /* merged stdout+stderr: the head, a marker line
                                "[racelab: N bytes omitted]", the tail */
    size_t output_len;
    size_t output_head_len;  /* bytes of output before the marker line */
    char *signature_lines;   /* lines from the omitted bytes that match a
                                signature pattern, in output order, each
                                ending in '\n'; NULL when none or nothing
                                was omitted */
    size_t signature_lines_len;
    size_t output_total;     /* bytes the child wrote in all */
    char *stacks;            /* hang diagnostics text, or NULL */
    /* Set (with timed_out) when, at the timeout, a process of the trial had
     * every live thread stopped (state T: SIGSTOP's group stop), or traced
     * by another process while the rest were: something outside the trial
     * stopped it, so it did not hang by itself.  What follows "stopped
     * from outside: " in the error's signature; "" otherwise. */
    char stopped[128];
    char *dump_path;         /* minidump written, or NULL */
    char errmsg[256];
} rl_proc_result_t;

/* Frees the owned buffers of *res and sets them to NULL; the rest stays. */
void rl_proc_result_free(rl_proc_result_t *res);

/* Name of a signal by its Linux number ("SIGSEGV") or of a well-known
 * NTSTATUS ("EXCEPTION_ACCESS_VIOLATION"); never NULL (falls back to
 * "signal N" / "exception 0x%08X" written into buf). */
const char *rl_signal_name(int sig, char *buf, size_t len);
const char *rl_exception_name(uint32_t code, char *buf, size_t len);

#endif
