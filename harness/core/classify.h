/* core/classify.h - from what a trial process did to an outcome and a signature.
 *
 * Outcome: hang (killed at the timeout), error (could not start), pass
 * (exit status 0), crash (anything else: non-zero exit, a signal, a Windows
 * exception).  The signature is the bucket key of a non-pass trial; see
 * rl_classify for the rule. */
#ifndef RL_CLASSIFY_H
#define RL_CLASSIFY_H

#include <stddef.h>
#include "core/proc_result.h"
#include "core/trial.h"

/* Classifies res.  patterns (POSIX EREs, npatterns of them, may be NULL)
 * are tried before the built-in crash patterns.  For a crash the signature
 * is the first output line matching a spec pattern, else the first line
 * matching a built-in pattern (rl_default_patterns), normalised by
 * rl_signature_normalise; when no line matches: "exit status N",
 * "signal SIGSEGV" or the exception name.  A hang gets "timeout after Ns",
 * an error "could not start: <reason>", a pass no signature (NULL).
 * *signature is malloc'd.  Returns the outcome; a pattern that does not
 * compile is skipped (specs are validated when loaded).  The lines of
 * res->signature_lines are searched as if they stood between the head and
 * the omission marker of res->output (where they came from).
 * With hang_after_signature_is_crash, a timed-out trial whose output has a
 * line matching one of patterns (the spec's, never the built-in ones) is a
 * crash with that line's signature plus " (then hung)": it crashed and then
 * failed to exit (spec keyword `hang-after-signature crash`). */
rl_outcome_t rl_classify(const rl_proc_result_t *res, double timeout_s,
                         char *const *patterns, int npatterns, int hang_after_signature_is_crash,
                         char **signature);

/* The built-in patterns, NULL-terminated. */
extern const char *const rl_default_patterns[];

/* Normalises one output line into a signature (malloc'd, NULL when out of
 * memory): surrounding white space trimmed and inner runs collapsed;
 * "0x" + hex digits -> "0x?"; a run of 5 or more decimal digits -> "N";
 * a number right after "==" (a sanitizer's "==PID==") -> "N";
 * the number after pid, tid, thread, goroutine, m, M, P or id (separated by
 * '=', ':', '#' or one space) -> "N"; at most 200 bytes kept.  Short numbers
 * elsewhere (counter values, line numbers, exit codes) are kept, since they
 * usually tell crash kinds apart. */
char *rl_signature_normalise(const char *line, size_t len);

#endif
