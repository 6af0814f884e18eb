/* cmd/reports.c - the report options and files of check, merge and sweep. */
#include "cmd/reports.h"

#include <errno.h>
#include <string.h>
#include "cmd/cli.h"
#include "os/os.h"

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

int rl_report_check_files(const char *cmd, const rl_report_files_t *files, const char *const *inputs,
                          int ninputs, const char *const *dirs, int ndirs)
{
    for (int k = 0; k < RL_REPORT_NWRITERS; k++) {
        const char *path = files->path[k];
        if (path == NULL || strcmp(path, "-") == 0)
            continue;
        const char *opt = rl_report_writers[k].option;
        for (int i = 0; i < ninputs; i++)
            if (inputs[i] && rl_same_file(path, inputs[i]))
                return rl_usage("%s: %s %s is the input %s; refusing to write over it", cmd, opt, path,
                                inputs[i]);
        for (int d = 0; d < ndirs; d++)
            if (dirs[d] && rl_dir_keeps(dirs[d], path))
                return rl_usage("%s: %s %s is a file of the results directory %s; refusing to write "
                                "over it", cmd, opt, path, dirs[d]);
        for (int j = 0; j < k; j++)
            if (files->path[j] && strcmp(files->path[j], "-") != 0 && rl_same_file(path, files->path[j]))
                return rl_usage("%s: %s %s and %s %s are the same file", cmd, rl_report_writers[j].option,
                                files->path[j], opt, path);
        rl_file_kind_t kind = rl_file_stat(path, NULL, NULL);
        if (kind == RL_FILE_DIR)
            return rl_usage("%s: %s %s: Is a directory", cmd, opt, path);
        if (kind == RL_FILE_FIFO)
            return rl_usage("%s: %s %s is a FIFO or socket; reports are written to files", cmd, opt, path);
        if (kind == RL_FILE_OTHER)
            continue; /* a device: written in place, at the end */
        rl_out_t o;
        if (rl_out_open(&o, path) != 0)
            return rl_usage("%s: %s %s: cannot be written: %s", cmd, opt, path, strerror(errno));
        rl_out_abort(&o);
    }
    return 0;
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
        rc = rl_internal("cannot write the %s report to %s: %s", w->name, path, strerror(errno));
    }
    return rc;
}
