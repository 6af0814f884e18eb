/* forced.h - issue 17165's interleaving, forced across the scenario's real
 * threads with handshakes at the schedule points:
 *
 *   profiler  loads mp->thread (A's handle)        prof-after-load: waits
 *   A         drops mp                              dropm-after: waits
 *   (others   hold their Ms until B has mp          dropm-before: wait)
 *   B         takes mp                              needm-after
 *   B         enters rt_malloc                      malloc-before-check: waits
 *   profiler  suspends A, sigprof(mp), guard up     sigprof-guarded: waits
 *   B         checks mp->mallocing                  target: dies here
 *
 * Nothing is simulated: the suspend, the guard and the trap are the model's
 * own code; the script only decides who goes first.  It needs more workers
 * than extra Ms, so that some worker is free to take mp.  Every wait is bounded:
 * an attempt that cannot complete (no second worker takes the M in time, a
 * thread descheduled for seconds on a loaded machine, ...) is aborted and
 * the interleaving is tried again, until it completes or the run's time is
 * up.  An aborted attempt touched no guard, so trying again is sound: the
 * trial's outcome is that of the one attempt that completed. */
#ifndef RT_FORCED_H
#define RT_FORCED_H

#include <stdint.h>

typedef enum rt_forced_phase {
    RT_FORCED_IDLE,    /* waiting for the profiler to load a running M */
    RT_FORCED_LOADED,  /* profiler holds A's handle; A must drop the M */
    RT_FORCED_DROPPED, /* the M is back on the list; B must take it */
    RT_FORCED_TAKEN,   /* B runs the M; the profiler may suspend A */
    RT_FORCED_GUARDED, /* the profiler is in sigprof; B may check */
    RT_FORCED_CHECKED, /* B passed the check: the guard was not on its M */
    RT_FORCED_DONE,    /* script complete; the profiler moved on */
    RT_FORCED_ABORTED, /* a handshake timed out (this attempt) */
} rt_forced_phase_t;

/* Installs the script as the schedule-point hook.  step_timeout_ms bounds
 * every handshake wait (>= 1).  The first abort_first attempts are aborted
 * on purpose once the profiler has loaded its victim (0: none), which
 * makes the retry path testable on any machine.  Call before the threads
 * start. */
void rt_forced_install(uint32_t step_timeout_ms, unsigned abort_first);

/* Waits until the script is DONE, trying it again after each aborted
 * attempt, for at most timeout_ms.  Returns DONE, or else ABORTED when some
 * attempt was aborted, or the phase the only attempt reached.  Further
 * points after DONE are not scripted. */
rt_forced_phase_t rt_forced_wait(uint32_t timeout_ms);

/* The phase the last aborted attempt was in when it was aborted (which
 * handshake never came). */
rt_forced_phase_t rt_forced_aborted_at(void);

/* How many attempts were aborted (and tried again). */
uint64_t rt_forced_aborts(void);

/* Name of a phase ("idle", "loaded", ... "done", "aborted"). */
const char *rt_forced_phase_name(rt_forced_phase_t ph);

#endif
