/* report/report.h - the report formats: one writer table for check, merge
 * and sweep.
 *
 * The text summary goes to stdout; JSON, JUnit XML, Markdown and HTML go to
 * files.  Every writer takes the same summary, so they never disagree.  Each
 * format is one row of rl_report_writers[]: the commands iterate that table
 * to take their report options, list them in --help and write the files, so
 * a new format is one writer and one row. */
#ifndef RL_REPORT_H
#define RL_REPORT_H

#include <stdio.h>
#include "core/summary.h"

struct rl_sweep; /* report/sweep.h */

typedef struct {
    const char *name;   /* "text", "json", "junit", "markdown", "html" */
    const char *option; /* "--json": the option naming its file; NULL for a
                           format that only goes to stdout (text) */
    /* The report of one check or merge: its specs' summaries.  0, or -1 on
     * a write error. */
    int (*write)(FILE *out, const rl_summary_t *const *summaries, int n);
    /* The report of a sweep; NULL when the format has no sweep form. */
    int (*write_sweep)(FILE *out, const struct rl_sweep *sw);
} rl_report_writer_t;

/* Every format, in the order the commands list and write them (a new
 * format: its row in report.c and this count one higher). */
#define RL_REPORT_NWRITERS 5
extern const rl_report_writer_t rl_report_writers[RL_REPORT_NWRITERS];

/* The writer with that name, or NULL. */
const rl_report_writer_t *rl_report_writer(const char *name);
/* Writes w's report to path ("-" = stdout): the sweep form of sw when sw is
 * not NULL, else the summaries.  0, or -1 with errno set (EINVAL when w has
 * no sweep form). */
int rl_report_write_to(const rl_report_writer_t *w, const char *path,
                       const rl_summary_t *const *summaries, int n, const struct rl_sweep *sw);
/* Writes with the named writer to path ("-" = stdout).  0, or -1 with
 * errno set (EINVAL for an unknown name). */
int rl_report_write_file(const char *name, const char *path,
                         const rl_summary_t *const *summaries, int n);

#endif
