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
#include "util/regex.h"

/* One signature pattern, compiled once and then only read. */
typedef struct {
    char *source;          /* the ERE as written */
    rl_regex_t *re;
    char lit[64];          /* a literal every match contains (rl_regex_literal),
                              or "": a line without it cannot match */
    size_t litlen;
    size_t key;            /* index in lit of its byte rarest in program
                              output (a memchr target); litlen when none */
} rl_pattern_t;

/* What kind of program a trial runs, for the diagnostics of a hang
 * (`program-kind` in a spec, `--program-kind` for racelab run). */
typedef enum {
    RL_PROGRAM_AUTO = 0,   /* Go when the executable holds Go's build info */
    RL_PROGRAM_GO,         /* a Go program (or a wrapper that runs one) */
    RL_PROGRAM_NATIVE,     /* never treated as Go */
} rl_program_kind_t;

/* The longest SIGQUIT grace accepted (`sigquit-grace`, --sigquit-grace). */
#define RL_SIGQUIT_GRACE_MAX_S 600.0
/* Its default: a goroutine dump takes milliseconds; the wait ends as soon
 * as the dumped processes exit. */
#define RL_SIGQUIT_GRACE_DEFAULT_S 5.0

/* How a hung trial is looked into before it is killed.  A Go program gets
 * GOTRACEBACK=all in its environment and, at the timeout, SIGQUIT; its
 * goroutine dump is collected for up to sigquit_grace_s, then the OS-level
 * stacks are taken (run/spawn.h). */
typedef struct {
    rl_program_kind_t kind;
    double sigquit_grace_s;
} rl_hang_dump_t;

/* "auto", "go", "native"; -1 for anything else. */
int rl_program_kind_parse(const char *name);
const char *rl_program_kind_name(rl_program_kind_t kind);

/* 1 when the executable at path is a Go program: it holds Go's build-info
 * header (the 16-byte-aligned magic "\xff Go buildinf:" followed by a
 * pointer size of 4 or 8), which every Go linker since Go 1.13 writes into
 * ELF, PE and Mach-O executables alike; 0 when it does not or cannot be
 * read.  Answers are cached by file identity (size, modification time), so
 * calling it for every trial reads the file once.  Thread safe. */
int rl_program_is_go(const char *path);
/* The same test on bytes in memory. */
int rl_program_is_go_bytes(const unsigned char *p, size_t n);

/* How a trial is run out and classified, compiled: built once per run
 * (rl_spec_parse fills the one in rl_spec_t from the spec's lines; racelab
 * run builds one from its options), never changed afterwards, and shared
 * read-only by every worker thread, the capture and rl_classify.  A new
 * classification keyword is a field here, set by core/spec.c and read by
 * rl_classify. */
typedef struct {
    double timeout_s;      /* the trial is killed then, and is a hang */
    /* `hang-after-signature crash`: a trial killed at the timeout whose
     * output already has a line matching one of the spec's patterns
     * crashed and then failed to exit (under Wine a dying process can wait
     * for ever on a suspend it took on its way out); it is classified as
     * that crash. */
    int hang_after_signature_is_crash;
    rl_hang_dump_t hang_dump; /* `program-kind`, `sigquit-grace` */
    rl_pattern_t *patterns;  /* the spec's (`signature` lines, in order), then
                                the built-in ones (rl_default_patterns) */
    int npatterns;
    int nspec;               /* patterns[0..nspec) are the spec's */
    /* `ignore` lines (racelab run --ignore): an output line matching one of
     * these is never a trial's signature line, whatever pattern it matches
     * (a test's own log line that quotes "panic:", a warning printed by
     * every run).  The trial's outcome is unchanged. */
    rl_pattern_t *ignores;
    int nignores;
} rl_classifier_t;

/* Sets up cl with the built-in patterns, compiled, no spec pattern, and
 * the given timeout.  0, or -1 when out of memory (cl can still be passed
 * to rl_classifier_free). */
int rl_classifier_init(rl_classifier_t *cl, double timeout_s);
/* Compiles pattern as the next spec pattern (after the spec's earlier
 * ones, before the built-in ones).  0, or -1 with the problem in err
 * (errlen bytes): the regex error, or "out of memory". */
int rl_classifier_add(rl_classifier_t *cl, const char *pattern, char *err, size_t errlen);
/* Compiles pattern as the next ignore pattern.  0, or -1 with the problem
 * in err, as rl_classifier_add. */
int rl_classifier_ignore(rl_classifier_t *cl, const char *pattern, char *err, size_t errlen);
void rl_classifier_free(rl_classifier_t *cl);
/* The first occurrence of q's literal in p[0..n), or NULL (q->litlen must
 * be > 0): no line without one can match q. */
const char *rl_pattern_find(const rl_pattern_t *q, const char *p, size_t n);

/* A wrapper (ci/wine-run.sh, a user's own script) says that the trial's
 * program never started by printing a line that begins with
 * RL_NOT_STARTED_MARKER, then the reason, and exiting with status
 * RL_NOT_STARTED_STATUS.  Both are needed: a program that happens to exit
 * 125, or to print the line, is judged as usual. */
#define RL_NOT_STARTED_MARKER "racelab: trial did not start:"
#define RL_NOT_STARTED_STATUS 125

/* Classifies res by cl.  For a crash the signature is the first output
 * line matching a spec pattern, else the first line matching a built-in
 * pattern (lines matching an ignore pattern left out), normalised by rl_signature_normalise; when no line matches:
 * "exit status N", "signal SIGSEGV" or the exception name.  A hang gets
 * "timeout after Ns" (cl->timeout_s), an error "could not start:
 * <reason>" (or "did not start: <reason>" from a wrapper's marker line),
 * a pass no signature (NULL).  *signature is malloc'd.  Returns
 * the outcome.  The lines of res->signature_lines are searched as if they
 * stood between the head and the omission marker of res->output (where
 * they came from).  With cl->hang_after_signature_is_crash, a timed-out
 * trial whose output has a line matching one of the spec's patterns (never
 * the built-in ones) is a crash with that line's signature plus
 * " (then hung)": it crashed and then failed to exit. */
rl_outcome_t rl_classify(const rl_proc_result_t *res, const rl_classifier_t *cl, char **signature);
/* rl_classify, and the output line the signature was made from as the
 * program printed it (white space around it trimmed, at most
 * RL_PRINTED_MAX bytes, malloc'd) in *printed; NULL when the signature
 * came from no line (a pass, a hang, "exit status N", an error) or when out
 * of memory. */
rl_outcome_t rl_classify_printed(const rl_proc_result_t *res, const rl_classifier_t *cl, char **signature,
                                 char **printed);

/* The built-in patterns, NULL-terminated. */
extern const char *const rl_default_patterns[];

/* Normalises one output line into a signature (malloc'd, NULL when out of
 * memory): surrounding white space trimmed and inner runs collapsed;
 * "0x" + hex digits -> "0x?"; a Go duration (time.Duration's form: "0.03s",
 * "10m0s", "1h2m3.5s", "250ms", "1.5µs", "3ns") not touching a letter or
 * digit on either side (nor a '.' before it) -> "?s", so that Go's "--- FAIL: TestX (0.03s)" and
 * "panic: test timed out after 10m0s" bucket as one whatever the time; a
 * run of 5 or more decimal digits -> "N";
 * a number right after "==" (a sanitizer's "==PID==") -> "N";
 * a number right after '[', right after ':' inside brackets, or right
 * before ']' (Go's "index out of range [5]", "slice bounds out of range
 * [3:7]") -> "N";
 * the number after pid, tid, thread, goroutine, m, M, P, id, length or
 * capacity (separated by '=', ':', '#' or one space) -> "N"; at most 200
 * bytes kept.  Short numbers elsewhere (counter values, line numbers such
 * as "x_test.go:12:", exit codes) are kept, since they usually tell crash
 * kinds apart.  A number inside a word ("abc12345", "M3") is kept. */
char *rl_signature_normalise(const char *line, size_t len);

#endif
