/* malloc.h - the model's allocator and Go's throw.
 *
 * rt_malloc mirrors the head of Go's mallocgc: it refuses to run while the
 * current M's mallocing is non-zero ("malloc deadlock"), because that
 * means the M is already inside the allocator - or, in issue 17165, that a
 * profiler on another thread has raised this M's guard. */
#ifndef RT_MALLOC_H
#define RT_MALLOC_H

#include <stddef.h>

#include "model/m.h"

/* Allocates size bytes (size 0 is treated as 1) for the calling thread,
 * which must have a current M.  If that M's mallocing is non-zero the process
 * dies as Go's throw does: "fatal error: malloc deadlock" and a line naming
 * the M, its mallocing value, the OS thread and the likely cause on stderr,
 * exit status 2.  Otherwise sets mallocing to 1, allocates and fills the
 * block (real work, during which a profiler can interleave), and sets it back
 * to 0.  Dies the same way, with "out of memory", when malloc fails. */
void *rt_malloc(size_t size);

/* Frees a block from rt_malloc (NULL is ignored).  Not guarded, as Go's
 * frees happen in the garbage collector, not on the caller's M. */
void rt_free(void *p);

/* Go's throw: writes "fatal error: <msg>" and, if detail is not NULL, a
 * second line, to stderr without stdio, then exits the process with status
 * 2 at once.  Never returns. */
_Noreturn void rt_throw(const char *msg, const char *detail);

/* The M whose guard the profiler is holding inside sigprof right now, or
 * NULL; set by prof.c, read by the trap to tell a live collision from a
 * counter left behind by a lost update. */
extern _Atomic(rt_m_t *) rt_sigprof_guard_m;

#endif
