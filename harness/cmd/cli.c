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
#include "report/report.h"
#ifdef _WIN32
#include <direct.h>
#define rl__getcwd _getcwd
#else
#include <unistd.h>
#define rl__getcwd getcwd
#endif

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


int rl_unknown_option(const char *cmd, const char *arg, const char *help)
{
    enum { MAXW = 64 };
    char words[MAXW][32];
    const char *list[MAXW];
    int n = 0;
    for (const char *p = strstr(help, "--"); p && n < MAXW; p = strstr(p + 2, "--")) {
        size_t k = 2;
        while (p[k] == '-' || (p[k] >= 'a' && p[k] <= 'z'))
            k++;
        if (k <= 2 || k >= sizeof words[0])
            continue;
        memcpy(words[n], p, k);
        words[n][k] = '\0';
        list[n] = words[n];
        n++;
    }
    for (int k = 0; k < RL_REPORT_NWRITERS && n < MAXW; k++)
        if (rl_report_writers[k].option)
            list[n++] = rl_report_writers[k].option;
    char name[64];
    size_t l = strcspn(arg, "=");
    snprintf(name, sizeof name, "%.*s", (int)(l < 63 ? l : 63), arg);
    const char *near = rl_nearest_word(name, list, n);
    if (near)
        return rl_usage("%s: unknown option '%s'; did you mean '%s'? (see racelab %s --help)", cmd, arg, near,
                        cmd);
    return rl_usage("%s: unknown option '%s' (see racelab %s --help)", cmd, arg, cmd);
}

void rl_expand_short_options(int argc, char **argv)
{
    static const struct {
        char letter;
        const char *name;
        int takes_value;
    } shorts[] = {
        { 'j', "--jobs", 1 }, { 'n', "--trials", 1 }, { 'o', "--results", 1 },
        { 's', "--seed", 1 }, { 'b', "--build", 1 }, { 'q', "--quiet", 0 },
    };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            return;
        if (a[0] != '-' || a[1] == '-' || a[1] == '\0')
            continue;
        for (size_t k = 0; k < sizeof shorts / sizeof shorts[0]; k++) {
            if (a[1] != shorts[k].letter)
                continue;
            if (a[2] == '\0') {
                argv[i] = (char *)shorts[k].name;
                if (shorts[k].takes_value)
                    i++;     /* its value is never an option */
            } else if (shorts[k].takes_value) {
                char *e = rl_aprintf("%s=%s", shorts[k].name, a + 2 + (a[2] == '='));
                if (e)
                    argv[i] = e;
            }
            break;
        }
    }
}

void rl_note_build(rl_trial_t *t, const char *build)
{
    static const char head[] = "could not start:";
    if (t->outcome != RL_OUTCOME_ERROR || !t->signature || strncmp(t->signature, head, sizeof head - 1) != 0)
        return;
    char cwd[1024];
    if (!rl__getcwd(cwd, (int)sizeof cwd))
        snprintf(cwd, sizeof cwd, "?");
    char *sig = rl_aprintf("%s (--build %s, run in %s)", t->signature, build, cwd);
    if (sig) {
        free(t->signature);
        t->signature = sig;
    }
}
