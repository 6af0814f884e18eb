/* options.h - the scenario programs' command lines: each program declares
 * one table of options, and both the parsing ("--name=value", range checks,
 * the usage errors of knob.h, exit status RT_EXIT_USAGE) and the --help
 * text are produced from it.  The options the programs share are declared
 * once, below (RT_OPT_SEED, ...). */
#ifndef RT_PROGRAMS_OPTIONS_H
#define RT_PROGRAMS_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "programs/knob.h"

/* Threads a program may start as workers, and that bound as text. */
#define RT_MAX_WORKERS 256
#define RT_MAX_WORKERS_TEXT "256"

typedef enum rt_opt_kind {
    RT_OPT_NUM,    /* a decimal number in [min, max], or one of words */
    RT_OPT_CHOICE, /* one of words, nothing else */
    RT_OPT_FUNC,   /* parsed by parse */
} rt_opt_kind_t;

/* A word standing for a value ("max", "yield", "target"). */
typedef struct rt_opt_word {
    const char *word;
    uint64_t value;
} rt_opt_word_t;

typedef struct rt_opt {
    const char *name;            /* matched as --<name>=<value> */
    const char *metavar;         /* --help shows --<name>=<metavar> */
    rt_opt_kind_t kind;
    uint64_t *target;            /* NUM, CHOICE: receives the value */
    uint64_t min, max;           /* NUM: the range of a number */
    const rt_opt_word_t *words;  /* NUM, CHOICE: ends with { NULL } */
    /* FUNC: stores the value through any and returns NULL, or returns
     * what was expected ("'a' or 'b'") for the usage error. */
    const char *(*parse)(const char *value, void *any);
    void *any;
    const char *env;             /* NUM: if absent, taken from this variable */
    const char *required;        /* if absent: this usage error */
    bool *given;                 /* set when it is on the command line */
    /* --help lines, '\n'-separated; an empty first line puts the text
     * below the option instead of beside it. */
    const char *help;
    void (*more_help)(FILE *f);  /* further --help lines (a list of names) */
} rt_opt_t;

typedef struct rt_prog {
    const char *name;            /* for messages: "suspend-family" */
    const char *synopsis;        /* after "usage: <name> " */
    const char *about;           /* --help's first paragraph, lines ending '\n' */
    int column;                  /* width of --help's option column */
    const rt_opt_t *opts;        /* ends with { NULL } */
    const char *epilogue;        /* --help's last paragraph */
} rt_prog_t;

/* Parses argv against prog's table, in order: --help/-h prints the usage
 * to stdout and exits 0; a bad value or an unknown argument is a usage
 * error (knob.h: exit RT_EXIT_USAGE).  Then an absent option with
 * .required is that usage error, and an absent one with .env takes the
 * variable's value if set and non-empty (named "<name> (from <ENV>)" in
 * its error).  Targets keep their values unless an option sets them. */
void rt_opts_parse(const rt_prog_t *prog, int argc, char **argv);

/* Writes prog's --help text. */
void rt_opts_usage(const rt_prog_t *prog, FILE *f);

/* Words of the shared options. */
extern const rt_opt_word_t rt_opt_pause_words[];  /* none, yield: rt_pause */
extern const rt_opt_word_t rt_opt_guard_words[];  /* target, self: rt_guard_t */

/* The options the programs share: name, type, range and words declared
 * here once, as designators; a program's table entry adds its help text
 * (and .given if it wants it):
 *     { RT_OPT_SEED(&cfg.seed), .help = "recorded" }, */
#define RT_OPT_SEED(t)                                                             \
    .name = "seed", .metavar = "N", .kind = RT_OPT_NUM, .target = (t), .min = 0,   \
    .max = UINT64_MAX, .env = "RACELAB_SEED"
#define RT_OPT_DURATION_MS(t)                                                      \
    .name = "duration-ms", .metavar = "N", .kind = RT_OPT_NUM, .target = (t),      \
    .min = 1, .max = 3600000
#define RT_OPT_WORKERS(t)                                                          \
    .name = "workers", .metavar = "N", .kind = RT_OPT_NUM, .target = (t), .min = 1, \
    .max = RT_MAX_WORKERS
#define RT_OPT_EXTRA_MS(t)                                                         \
    .name = "extra-ms", .metavar = "N", .kind = RT_OPT_NUM, .target = (t),         \
    .min = 1, .max = 1024
/* rt_malloc calls per callback, from lo. */
#define RT_OPT_ALLOCS(t, lo)                                                       \
    .name = "allocs", .metavar = "N", .kind = RT_OPT_NUM, .target = (t),           \
    .min = (lo), .max = 100000
#define RT_OPT_GUARD(t)                                                            \
    .name = "guard", .metavar = "target|self", .kind = RT_OPT_CHOICE,              \
    .target = (t), .words = rt_opt_guard_words
#define RT_OPT_PAUSE(t)                                                            \
    .name = "pause", .metavar = "none|yield|US", .kind = RT_OPT_NUM,               \
    .target = (t), .min = 0, .max = 10000000, .words = rt_opt_pause_words
/* Run on past --duration-ms until N race windows were steered (with
 * --steer-us; rt_run_on_until). */
#define RT_OPT_MIN_STEERED(t)                                                      \
    .name = "min-steered", .metavar = "N", .kind = RT_OPT_NUM, .target = (t),      \
    .min = 0, .max = 1000000
/* Passes over allm per second from lo, or "max" (stored as max_value). */
#define RT_OPT_PROFILER_HZ(t, lo, max_value)                                       \
    .name = "profiler-hz", .metavar = "N|max", .kind = RT_OPT_NUM,                 \
    .target = (t), .min = (lo), .max = 1000000,                                    \
    .words = (const rt_opt_word_t[]){ { "max", (max_value) }, { NULL, 0 } }
#define RT_OPT_WINDOW_NS(t)                                                        \
    .name = "window-ns", .metavar = "N", .kind = RT_OPT_NUM, .target = (t),        \
    .min = 0, .max = 1000000000
#define RT_OPT_SUSPEND_TIMEOUT_MS(t)                                               \
    .name = "suspend-timeout-ms", .metavar = "N", .kind = RT_OPT_NUM,              \
    .target = (t), .min = 1, .max = 60000

#endif
