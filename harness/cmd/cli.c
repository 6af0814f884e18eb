/* cmd/cli.c - helpers shared by the racelab subcommands. */
#include "cmd/cli.h"
#include "run/interrupt.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "os/os.h"

#ifndef RL_EXE_SUFFIX
#define RL_EXE_SUFFIX ""
#endif

int rl_interrupted_exit(void)
{
    int s = atomic_load(&rl_interrupted);
    return s ? 128 + s : RL_EXIT_INTERNAL;
}

int rl_verdict_exit(const rl_summary_t *const *s, int n)
{
    int undecided = 0;
    for (int i = 0; i < n; i++) {
        if (!s[i]->passed && !s[i]->undecided)
            return RL_EXIT_FAIL;
        undecided |= s[i]->undecided;
    }
    return n <= 0 ? RL_EXIT_FAIL : undecided ? RL_EXIT_UNDECIDED : RL_EXIT_OK;
}

const char *rl_verdict_word(int status)
{
    return status == RL_EXIT_OK ? "PASS" : status == RL_EXIT_UNDECIDED ? "UNDECIDED" : "FAIL";
}

/* "racelab: <message>\n" on stderr; returns code. */
static int rl__say(int code, const char *fmt, va_list ap)
{
    fputs("racelab: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    return code;
}

int rl_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = rl__say(RL_EXIT_USAGE, fmt, ap);
    va_end(ap);
    return rc;
}

int rl_internal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = rl__say(RL_EXIT_INTERNAL, fmt, ap);
    va_end(ap);
    return rc;
}

int rl_record_trial(rl_results_t *results, const char *dir, rl_trial_t *t, const rl_proc_result_t *res,
                    int keep_log)
{
    char err[512];
    if ((t->outcome != RL_OUTCOME_PASS || keep_log) && rl_write_log(dir, t, res) != 0)
        fprintf(stderr, "racelab: cannot write the log of trial %ld under %s/logs\n", t->index, dir);
    if (rl_results_append(results, t, err, sizeof err) != 0) {
        fprintf(stderr, "racelab: %s\n", err);
        return -1;
    }
    return 0;
}

int rl_sync_trials(rl_results_t *results)
{
    char err[512];
    if (rl_results_sync(results, err, sizeof err) != 0) {
        fprintf(stderr, "racelab: %s\n", err);
        return -1;
    }
    return 0;
}

int rl_opt(int argc, char **argv, int *i, const char *name, const char **val)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (a[n] != '\0')
        return 0;
    if (*i + 1 >= argc)
        return -1;
    *val = argv[++*i];
    return 1;
}

