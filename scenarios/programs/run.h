/* run.h - what the scenario programs' main functions share: starting and
 * joining the worker threads, and sleeping through the run. */
#ifndef RT_PROGRAMS_RUN_H
#define RT_PROGRAMS_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/thread.h"

/* Starts n threads running fn, thread i with argument args + i * arg_size
 * (arg_size 0: args for all), their handles into threads[0..n).  On a
 * failure prints "<prog>: cannot start worker <i>" and returns -1 (the
 * threads started so far keep running); else 0. */
int rt_start_workers(const char *prog, rt_thread_t **threads, uint64_t n,
                     void (*fn)(void *arg), void *args, size_t arg_size);

/* Joins threads[0..n). */
void rt_join_workers(rt_thread_t **threads, uint64_t n);

/* Sleeps until rt_now_ns() reaches end_ns, in steps of at most 100 ms. */
void rt_sleep_until(uint64_t end_ns);

/* Sleeps through a run that began at t0_ns and lasts duration_ms, then,
 * while reached(ctx) is false, on past it up to 10 times the duration,
 * looking once a millisecond.  The programs' --min-* knobs: on a loaded
 * machine the threads get fewer turns, and a fixed duration would meet
 * fewer race windows - in the buggy and the fixed variant alike, so the
 * fixed one is tried on as many windows as the buggy one needs. */
void rt_run_on_until(uint64_t t0_ns, uint64_t duration_ms, bool (*reached)(void *ctx), void *ctx);

#endif
