/* tap.h - the few TAP helpers the Windows-side tests share (meson runs them
 * with protocol: 'tap' under Wine; Criterion has no mingw build here). */
#ifndef RL_TAP_H
#define RL_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Number of failed checks so far; the test's exit status is tap_done(). */
static int tap_n, tap_failed;

/* Reports one check as "ok N - what" or "not ok N - what"; returns cond. */
static inline int tap_ok(int cond, const char *what)
{
    tap_n++;
    if (!cond)
        tap_failed++;
    printf("%s %d - %s\n", cond ? "ok" : "not ok", tap_n, what);
    fflush(stdout);
    return cond;
}

/* Prints a diagnostic, each of its lines prefixed with "# ". */
static inline void tap_diag(const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    for (char *line = buf; *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        printf("# %s\n", line);
        if (nl == NULL)
            break;
        line = nl + 1;
    }
    fflush(stdout);
}

/* Prints the plan (at the end, as TAP allows) and returns the exit status. */
static inline int tap_done(void)
{
    printf("1..%d\n", tap_n);
    fflush(stdout);
    return tap_failed ? 1 : 0;
}

#endif
