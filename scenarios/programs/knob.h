/* knob.h - parsing "--name=value" scenario knobs with range checks and the
 * error messages every scenario prints for a bad one. */
#ifndef RT_KNOB_H
#define RT_KNOB_H

#include <stdbool.h>
#include <stdint.h>

/* Exit status for usage errors (BSD's EX_USAGE). */
#define RT_EXIT_USAGE 64

/* If arg is "--<name>=<value>", stores a pointer to value in *value and
 * returns true; otherwise returns false. */
bool rt_knob_match(const char *arg, const char *name, const char **value);

/* Parses value as a decimal integer in [min, max] into *out.  On failure
 * prints "<prog>: --<name>: <reason> (got '<value>')" to stderr and returns
 * false. */
bool rt_knob_u64(const char *prog, const char *name, const char *value,
                 uint64_t min, uint64_t max, uint64_t *out);

/* Prints "<prog>: <message>" and "try '<prog> --help'" to stderr and exits
 * with RT_EXIT_USAGE. */
_Noreturn void rt_knob_usage_error(const char *prog, const char *message);

#endif
