/* core/spec.h - reproducer specs (reproducers/NAME.repro): parse and hold one.
 *
 * The format is line oriented and documented in racelab-repro(5)
 * (docs/racelab-repro.5.md).  Every parse error names file:line and the problem.  A loaded
 * spec is compiled: its regexes (signature patterns, expectations' signature
 * regexes) are compiled once, when it is read, and the spec is not changed
 * afterwards, so trials on any number of threads, the classifier and the
 * tallies all read the same one. */
#ifndef RL_SPEC_H
#define RL_SPEC_H

#include <stddef.h>
#include "core/classify.h"
#include "util/regex.h"

typedef enum {
    RL_EXPECT_CRASH,      /* crashes, signature matches, rate >= min_rate   */
    RL_EXPECT_NO_CRASH,   /* no failure at all (with signature_re: no crash
                             whose signature matches); upper bound <= max  */
    RL_EXPECT_HANG,       /* hangs (killed at the timeout), rate >= min_rate;
                             signature_re is always NULL                     */
} rl_expect_kind_t;

typedef struct {
    char *variant;        /* the variant it judges */
    rl_expect_kind_t kind;
    char *signature_re;   /* regex the crash signature must match (CRASH), or
                             the only crashes that count (NO_CRASH); NULL = any */
    rl_regex_t *signature; /* signature_re compiled (NULL with it) */
    double min_rate;      /* RL_EXPECT_CRASH/HANG: lower bound wanted on the rate */
    double max_upper;     /* RL_EXPECT_NO_CRASH: upper bound wanted on the rate */
    int line;             /* line in the spec, for messages */
    char *text;           /* the expectation as written, for reports */
} rl_expect_t;

typedef struct {
    char *name;
    int argc;
    char **argv;          /* extra arguments appended to the command */
    int line;
} rl_variant_t;

typedef struct {
    char *path;           /* file it was read from */
    char *name;           /* "go-17165" */
    int name_line;        /* the line of the name, for messages */
    char *issue;          /* URL of the upstream issue, or a short
                             reference (golang/go#17165, JIRA-123) */
    char *description;    /* one line, optional */
    int argc;
    char **argv;          /* command and common arguments, before variants
                             (argc 0: each variant's argv names its program) */
    int nvariants;
    rl_variant_t *variants;
    int nexpects;
    rl_expect_t *expects;
    long trials;          /* fixed-N plan per variant (the cap under SPRT) */
    double confidence;    /* e.g. 0.95: for intervals and decisions */
    /* How its trials are run out and classified: `timeout`, the
     * `signature` patterns (compiled, before the built-in ones),
     * `hang-after-signature`.  What the engine, the capture and rl_classify
     * are given. */
    rl_classifier_t classifier;
} rl_spec_t;

/* The longest spec name: it names files in the results directory. */
#define RL_SPEC_MAX_NAME 100
/* The largest spec file read. */
#define RL_SPEC_MAX_BYTES (1 << 20)

/* Reads and validates the spec at path (a regular file of at most
 * RL_SPEC_MAX_BYTES).  On error returns -1 and writes
 * "path:line: problem" into err (errlen bytes); *spec is then empty. */
int rl_spec_load(const char *path, rl_spec_t *spec, char *err, size_t errlen);
/* Same, from a string; path is used only in messages. */
int rl_spec_parse(const char *path, const char *text, rl_spec_t *spec,
                  char *err, size_t errlen);
void rl_spec_free(rl_spec_t *spec);
/* 1 when issue is a http(s):// link (a report links it), 0 for a short
 * reference. */
int rl_spec_issue_is_url(const char *issue);
/* Index of the named variant, or -1. */
int rl_spec_variant(const rl_spec_t *spec, const char *name);

#endif
