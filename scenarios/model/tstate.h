/* tstate.h - a thread's per-thread sampling state: what a sample of that
 * thread runs on (its signal stack, Go's gsignal; a profiler's
 * thread-local record).  The thread creates it, publishes it on the M it
 * runs, and releases it when it leaves the runtime; the order of those
 * steps against a profiler that samples the M is P8's bug.
 *
 * States are heap memory (calloc).  A released state is never handed out
 * again and stays allocated, so a stale pointer stays readable and a
 * sample that runs on one can say so (rt_tstate_released) instead of being
 * undefined behaviour; in an AddressSanitizer build it is freed instead,
 * and that sample's first read of it is ASan's heap-use-after-free. */
#ifndef RT_TSTATE_H
#define RT_TSTATE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "model/m.h"

typedef struct rt_tstate {
    uint64_t tid;               /* the owning thread's rt_os_thread_id */
    _Atomic bool released;      /* its thread released it */
    _Atomic uint64_t samples;   /* samples that ran on it */
} rt_tstate_t;

/* 1 in an AddressSanitizer build: a released state is freed for real, so
 * a sample that still runs on one is the heap-use-after-free ASan names
 * (the bug java-profiler#552 is); 0 elsewhere: it stays allocated, so the
 * model's own check reads it and throws its message instead of undefined
 * behaviour.  Tests read it to know which of the two to expect. */
#if defined(__SANITIZE_ADDRESS__)
#define RT_TSTATE_FREES 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RT_TSTATE_FREES 1
#endif
#endif
#ifndef RT_TSTATE_FREES
#define RT_TSTATE_FREES 0
#endif

/* A fresh state for the calling thread; throws (rt_throw) when the
 * process has used them all (RT_TSTATE_MAX) or malloc fails. */
#define RT_TSTATE_MAX 65536
rt_tstate_t *rt_tstate_new(void);

/* Releases st (its thread's teardown).  Later uses see released; under
 * ASan st is freed instead, with nothing marked first, so any later use
 * is a use-after-free and none sees the model's flag. */
void rt_tstate_release(rt_tstate_t *st);

bool rt_tstate_released(rt_tstate_t *st);

/* The state published on mp by the thread running it, NULL when none.
 * Only mp's owner attaches and detaches; anyone may read. */
void rt_tstate_attach(rt_m_t *mp, rt_tstate_t *st);
void rt_tstate_detach(rt_m_t *mp);
rt_tstate_t *rt_tstate_of(rt_m_t *mp);

#endif
