/* run/coload.h - a known background load for a whole run (--co-load):
 * busy threads inside racelab that compete with the trials for the CPUs
 * from the first trial to the last, so that a gate's robustness against a
 * loaded machine is measured, not hoped for.
 *
 * Threads, not processes: a thread cannot outlive the process it belongs
 * to, so the load ends with racelab however racelab ends (SIGKILL, a
 * crash, TerminateProcess included) with no reaping, no process group and
 * no platform-specific parent-death signal; the same code serves POSIX and
 * Windows through os/os.h.  The OS schedules them like any other runnable
 * thread, at racelab's priority, so N of them take about N cores' worth of
 * time from the trials. */
#ifndef RL_COLOAD_H
#define RL_COLOAD_H

#include <stddef.h>

/* The largest N of "cpu=N". */
#define RL_COLOAD_MAX 256

/* A parsed --co-load value: cpus busy threads (0: none). */
typedef struct {
    int cpus;
} rl_coload_spec_t;

/* Parses "cpu=N" (1 <= N <= RL_COLOAD_MAX) or "none".  0, or -1 with the
 * reason in err. */
int rl_coload_parse(const char *text, rl_coload_spec_t *out, char *err, size_t errlen);
/* The canonical text of a spec: "cpu=N" or "none" (what the results
 * directory and every report record). */
const char *rl_coload_text(const rl_coload_spec_t *s, char *buf, size_t len);

typedef struct rl_coload rl_coload_t;
/* Starts s->cpus busy threads (none for cpus 0: returns a load that does
 * nothing).  NULL when a thread cannot be started (those started are
 * stopped again). */
rl_coload_t *rl_coload_start(const rl_coload_spec_t *s);
/* Stops and joins the threads; the number of busy-loop rounds they did
 * (each a fixed amount of arithmetic), so a caller can tell they ran. */
unsigned long long rl_coload_stop(rl_coload_t *l);

#endif
