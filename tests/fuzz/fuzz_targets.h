/* fuzz_targets.h - the fuzzed entry points, shared by the libFuzzer mains
 * (fuzz_*_main.c) and the replay test that runs the corpus and every
 * regression input in the ordinary test suite.  Each returns 0, and
 * aborts when it finds racelab breaking a promise (a crash or sanitizer
 * report is found by the tools themselves). */
#ifndef RL_FUZZ_TARGETS_H
#define RL_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

/* The spec parser (rl_spec_parse): any bytes; a failure must come with a
 * message naming the file, a success must satisfy the spec invariants. */
int rl_fuzz_spec(const uint8_t *data, size_t size);
/* The results reader: one line through rl_trial_from_json (a parsed
 * trial must print and parse back to the same JSON) and the bytes as a
 * whole file through rl_results_read (an error names file:line). */
int rl_fuzz_results(const uint8_t *data, size_t size);
/* Crash classification of arbitrary output: pattern search, signature
 * choice and normalisation (bounded, never NULL for a crash). */
int rl_fuzz_classify(const uint8_t *data, size_t size);
/* The report writers: each input line a trial's signature; the HTML and
 * JUnit reports must be well-formed XML 1.0, the JSON report strict JSON,
 * the text report free of control characters (fuzz_reports.c). */
int rl_fuzz_reports(const uint8_t *data, size_t size);

#endif
