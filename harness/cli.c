/* cli.c - helpers shared by the racelab subcommands. */
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "platform.h"

#ifndef RL_EXE_SUFFIX
#define RL_EXE_SUFFIX ""
#endif

atomic_int rl_interrupted;

static void rl__on_signal(int sig)
{
    int zero = 0;
    atomic_compare_exchange_strong(&rl_interrupted, &zero, sig);
    rl_spawn_kill_all();
}

void rl_install_signal_handlers(void)
{
    signal(SIGINT, rl__on_signal);
    signal(SIGTERM, rl__on_signal);
}

int rl_interrupted_exit(void)
{
    int s = atomic_load(&rl_interrupted);
    return s ? 128 + s : RL_EXIT_INTERNAL;
}

uint64_t rl_trial_seed(uint64_t base, long index)
{
    uint64_t z = base + (uint64_t)index * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t rl_random_seed(void)
{
    /* time() and the monotonic clock, not timespec_get: mingw's msvcrt
     * lacks the latter. */
    uint64_t x = (uint64_t)time(NULL) * 1000000007ull ^ (uint64_t)(rl_now() * 1e9);
    x ^= (uint64_t)(uintptr_t)&x;
    /* Keep it short enough to type back in with --seed. */
    return rl_trial_seed(x, 1) % 1000000000ull;
}

char *rl_subst(const char *arg, uint64_t seed, const char *build)
{
    char seedbuf[32];
    snprintf(seedbuf, sizeof seedbuf, "%llu", (unsigned long long)seed);
    size_t cap = strlen(arg) + 1, len = 0;
    for (const char *p = arg; (p = strchr(p, '{')); p++)
        cap += strlen(build) + sizeof seedbuf + sizeof RL_EXE_SUFFIX;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    for (const char *p = arg; *p;) {
        const char *rep = NULL;
        size_t skip = 0;
        if (strncmp(p, "{seed}", 6) == 0)
            rep = seedbuf, skip = 6;
        else if (strncmp(p, "{build}", 7) == 0)
            rep = build, skip = 7;
        else if (strncmp(p, "{exe}", 5) == 0)
            rep = RL_EXE_SUFFIX, skip = 5;
        if (rep) {
            size_t n = strlen(rep);
            memcpy(out + len, rep, n);
            len += n;
            p += skip;
        } else {
            out[len++] = *p++;
        }
    }
    out[len] = '\0';
    return out;
}

int rl_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("racelab: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return RL_EXIT_USAGE;
}

int rl_internal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("racelab: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return RL_EXIT_INTERNAL;
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

int rl_parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int rl_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*s == '-')
        return -1;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *end)
        return -1;
    *out = v;
    return 0;
}

int rl_parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0) || v > 1e12)
        return -1;
    *out = v;
    return 0;
}

int rl_parse_duration(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || !(v >= 0) || v > 1e9)
        return -1;
    if (strcmp(end, "") == 0 || strcmp(end, "s") == 0)
        *out = v;
    else if (strcmp(end, "ms") == 0)
        *out = v / 1000.0;
    else if (strcmp(end, "m") == 0)
        *out = v * 60.0;
    else if (strcmp(end, "h") == 0)
        *out = v * 3600.0;
    else
        return -1;
    return 0;
}

char *rl_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

char *rl_aprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

char *rl_default_results_dir(const char *stem)
{
    time_t now = time(NULL);
    struct tm tm;
    char ts[32] = "now";
    struct tm *p = gmtime(&now);
    if (p) {
        tm = *p;
        strftime(ts, sizeof ts, "%Y%m%d-%H%M%S", &tm);
    }
    char *dir = rl_aprintf("results/%s-%s", stem, ts);
    /* Two runs started in the same second get different directories. */
    for (int n = 2; dir && rl_dir_in_use(dir) && n < 1000; n++) {
        free(dir);
        dir = rl_aprintf("results/%s-%s-%d", stem, ts, n);
    }
    return dir;
}

int rl_dir_in_use(const char *dir)
{
    char *p = rl_aprintf("%s/trials.jsonl", dir);
    struct stat st;
    /* Only a regular file holds trials (a device such as /dev/full does not). */
    int used = p && stat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
    free(p);
    return used;
}

int rl_write_log(const char *dir, rl_trial_t *t, const rl_spawn_result_t *res)
{
    char *logdir = rl_aprintf("%s/logs", dir);
    if (!logdir || rl_mkdir_p(logdir) != 0) {
        free(logdir);
        return -1;
    }
    char *path = rl_aprintf("%s/%s%s%s-%ld.log", logdir, t->spec,
                            t->variant && *t->variant ? "-" : "",
                            t->variant ? t->variant : "", t->index);
    free(logdir);
    if (!path)
        return -1;
    FILE *f = fopen(path, "wb");
    if (!f) {
        free(path);
        return -1;
    }
    fprintf(f, "# racelab trial %ld of %s%s%s\n# seed %llu\n# argv:", t->index, t->spec,
            t->variant && *t->variant ? " variant " : "", t->variant ? t->variant : "",
            (unsigned long long)t->seed);
    for (int i = 0; i < t->argc; i++)
        fprintf(f, " '%s'", t->argv[i]);
    fprintf(f, "\n# outcome %s: %s\n# exit status %d, signal %d, duration %.3fs, %zu bytes of output\n",
            rl_outcome_name(t->outcome), t->signature ? t->signature : "-",
            t->exit_status, t->term_signal, t->duration_s, res->output_total);
    fputs("== output ==\n", f);
    if (res->output)
        fwrite(res->output, 1, res->output_len, f);
    if (res->stacks) {
        fputs("\n== stacks at the timeout ==\n", f);
        fputs(res->stacks, f);
    }
    if (res->dump_path)
        fprintf(f, "\n== minidump: %s ==\n", res->dump_path);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        free(path);
        return -1;
    }
    free(t->log);
    t->log = path;
    return 0;
}
