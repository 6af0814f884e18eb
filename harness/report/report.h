/* report/report.h - the reports one check (or merge) writes.
 *
 * The text summary goes to stdout; JSON, JUnit XML, Markdown and HTML go to
 * files.  Every writer takes the same summary, so they never disagree. */
#ifndef RL_REPORT_H
#define RL_REPORT_H

#include <stdio.h>
#include "core/summary.h"

typedef struct {
    const char *name;   /* "text", "json", "junit", "markdown", "html" */
    int (*write)(FILE *out, const rl_summary_t *const *summaries, int n);
} rl_report_writer_t;

/* The writer with that name, or NULL. */
const rl_report_writer_t *rl_report_writer(const char *name);
/* Writes with the named writer to path ("-" = stdout).  0, or -1 with
 * errno set. */
int rl_report_write_file(const char *name, const char *path,
                         const rl_summary_t *const *summaries, int n);

#endif
