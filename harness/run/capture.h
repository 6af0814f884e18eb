/* run/capture.h - bounded capture of a trial's output, shared by run/posix/spawn.c
 * and run/win32/spawn.c.
 *
 * Keeps the first limit/2 bytes (head), the last limit/2 bytes (tail) and,
 * from the bytes in between, the lines a signature could come from: for
 * each pattern of the classifier (the spec's, then the built-in ones) the
 * first line that does not lie wholly in the head and matches it.  So a crash line
 * buried under megabytes of output still reaches rl_classify, with the
 * same answer it would give on the whole output (lines are cut to 4095
 * bytes, as rl_classify cuts them).  Memory: limit + 4 KiB per pattern. */
#ifndef RL_CAPTURE_H
#define RL_CAPTURE_H

#include <stddef.h>
#include "core/classify.h"

#define RL_CAPTURE_LINE_MAX 4096   /* a line's first 4095 bytes count */

typedef struct {
    const rl_pattern_t *pat;  /* compiled, with its literal and memchr key
                                 (memmem when key == litlen) */
    int done;            /* its first line is kept */
    size_t line_off;     /* stream offset of that line */
    char *line;
    size_t line_len;
} rl_capture_pat_t;

typedef struct {
    char *head;
    size_t head_cap, head_len;
    char *tail;
    size_t tail_cap, tail_pos;   /* next write position in the ring */
    size_t total;
    rl_capture_pat_t *pats;
    int npats, nactive;
    char *carry;                 /* the unfinished current line (cut) */
    size_t carry_len, carry_off;
} rl_capture_t;

/* Prepares c to keep limit bytes (0: 64 KiB) plus the first line matching
 * each of cl's patterns (compiled, read only: cl is shared and must outlive
 * c; NULL: no pattern, head and tail only).  Returns 0, or -1 when out of
 * memory (c can still be passed to rl_capture_free). */
int rl_capture_init(rl_capture_t *c, size_t limit, const rl_classifier_t *cl);

/* Adds the next n bytes of output; lines may be split anywhere. */
void rl_capture_add(rl_capture_t *c, const char *p, size_t n);

/* The output: head, a line "[racelab: N bytes omitted]" when bytes were
 * dropped, tail (malloc'd, NUL-terminated, length in *len); *head_len gets
 * the length before the marker.  *sig_lines (malloc'd or NULL, length in
 * *sig_len) gets the kept lines from the omitted bytes, in output order,
 * each ending in '\n'; NULL when nothing was omitted.  Returns -1 when out
 * of memory.  Call rl_capture_free afterwards in any case. */
int rl_capture_finish(rl_capture_t *c, char **out, size_t *len, size_t *head_len,
                      char **sig_lines, size_t *sig_len);

/* Releases c's buffers; safe after a failed init and after finish. */
void rl_capture_free(rl_capture_t *c);

#endif
