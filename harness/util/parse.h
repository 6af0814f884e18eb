/* util/parse.h - whole-string number and duration parsing for options
 * and spec values: trailing junk, overflow and out-of-range values fail. */
#ifndef RL_PARSE_H
#define RL_PARSE_H

#include <stdint.h>

/* Parses a whole decimal number in [min, max]; 0 or -1. */
int rl_parse_long(const char *s, long min, long max, long *out);
/* Parses an unsigned 64-bit number (decimal or 0x hex); 0 or -1. */
int rl_parse_u64(const char *s, uint64_t *out);
/* Parses a non-negative real; 0 or -1. */
int rl_parse_double(const char *s, double *out);
/* Parses a rate or a confidence: a number ("0.3") or a percentage ("30%",
 * divided by 100); any finite value, the caller checks its range.  0 or -1. */
int rl_parse_fraction(const char *s, double *out);
/* Parses a duration: "90", "90s", "500ms", "5m", "2h"; 0 or -1. */
int rl_parse_duration(const char *s, double *out);

#endif
