/* cmd/reports.h - the report files of check, merge and sweep, from the one
 * writer table (report/report.h): their options, their --help lines, the
 * writing. */
#ifndef RL_CMD_REPORTS_H
#define RL_CMD_REPORTS_H

#include <stdio.h>
#include "report/report.h"

/* The files one command was asked for: path[i] for rl_report_writers[i],
 * NULL when not asked. */
typedef struct {
    const char *path[RL_REPORT_NWRITERS];
} rl_report_files_t;

/* When argv[*i] is the file option of a format ("--json FILE" or
 * "--json=FILE"; with sweep set, only formats that have a sweep form),
 * records the path in *files (advancing *i past a separate value) and
 * returns 1; 0 when it is another argument; -1 when the value is missing,
 * after "racelab: CMD: --json needs a value" on stderr. */
int rl_report_opt(int argc, char **argv, int *i, const char *cmd, int sweep, rl_report_files_t *files);

/* Writes before, the option, after for each of those options, in table
 * order: ("  ", " FILE") gives "  --json FILE  --junit FILE ...". */
void rl_report_opts_help(FILE *out, int sweep, const char *before, const char *after);

/* Before anything runs: refuses (exit 64, naming both paths) a report file
 * that is, or resolves to, one of the inputs[ninputs] (spec or results
 * files), a file kept by one of the results directories dirs[ndirs], or
 * another report file; then checks that each can be written (a temporary
 * file beside it is created and removed; exit 64 with the reason).  0 or
 * the exit code, after saying why on stderr. */
int rl_report_check_files(const char *cmd, const rl_report_files_t *files, const char *const *inputs,
                          int ninputs, const char *const *dirs, int ndirs);

/* Writes every report asked for in files: the summaries, or the sweep form
 * of sw when sw is not NULL.  Each file that cannot be written is said on
 * stderr and the others are still written.  0, or RL_EXIT_INTERNAL. */
int rl_report_write_files(const rl_report_files_t *files, const rl_summary_t *const *summaries, int n,
                          const struct rl_sweep *sw);

#endif
