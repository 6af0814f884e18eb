/* cmd/reports.c - the report options and files of check, merge and sweep. */
#include "cmd/reports.h"

#include <errno.h>
#include <string.h>
#include "cmd/cli.h"

/* Whether the command takes w as a file option. */
static int rl__file_format(const rl_report_writer_t *w, int sweep)
{
    return w->option != NULL && (!sweep || w->write_sweep != NULL);
}

int rl_report_opt(int argc, char **argv, int *i, const char *cmd, int sweep, rl_report_files_t *files)
{
    for (int k = 0; k < RL_REPORT_NWRITERS; k++) {
        const rl_report_writer_t *w = &rl_report_writers[k];
        if (!rl__file_format(w, sweep))
            continue;
        int m = rl_opt(argc, argv, i, w->option, &files->path[k]);
        if (m < 0) {
            rl_usage("%s: %s needs a value", cmd, w->option);
            return -1;
        }
        if (m > 0)
            return 1;
    }
    return 0;
}

void rl_report_opts_help(FILE *out, int sweep, const char *before, const char *after)
{
    for (int k = 0; k < RL_REPORT_NWRITERS; k++)
        if (rl__file_format(&rl_report_writers[k], sweep))
            fprintf(out, "%s%s%s", before, rl_report_writers[k].option, after);
}

int rl_report_write_files(const rl_report_files_t *files, const rl_summary_t *const *summaries, int n,
                          const struct rl_sweep *sw)
{
    int rc = 0;
    for (int k = 0; k < RL_REPORT_NWRITERS; k++) {
        const rl_report_writer_t *w = &rl_report_writers[k];
        const char *path = files->path[k];
        if (path == NULL || rl_report_write_to(w, path, summaries, n, sw) == 0)
            continue;
        /* A sweep says why; check and merge have always said only what. */
        if (sw)
            rc = rl_internal("cannot write the %s report to %s: %s", w->name, path, strerror(errno));
        else
            rc = rl_internal("cannot write the %s report to %s", w->name, path);
    }
    return rc;
}
