/* run/win32/winquote.c - MSVC-runtime quoting of a command line (see run/win32/winquote.h). */
#include "run/win32/winquote.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Appends c at *n when there is room, and counts it either way, so the same
 * walk both measures and writes. */
static void put(char *out, size_t cap, size_t *n, char c)
{
    if (*n + 1 < cap)
        out[*n] = c;
    (*n)++;
}

size_t rl_win_quote_arg(const char *arg, char *out, size_t cap)
{
    size_t n = 0;
    int bare = arg[0] != '\0' && strpbrk(arg, " \t\n\v\"") == NULL;

    if (bare) {
        for (const char *p = arg; *p; p++)
            put(out, cap, &n, *p);
    } else {
        put(out, cap, &n, '"');
        for (const char *p = arg;; p++) {
            size_t backslashes = 0;
            while (*p == '\\') {
                backslashes++;
                p++;
            }
            if (*p == '\0') {
                /* They precede our closing quote: double them all. */
                for (size_t i = 0; i < 2 * backslashes; i++)
                    put(out, cap, &n, '\\');
                break;
            }
            if (*p == '"') {
                /* Doubled, plus one more to escape the quote itself. */
                for (size_t i = 0; i < 2 * backslashes + 1; i++)
                    put(out, cap, &n, '\\');
            } else {
                /* Backslashes not before a quote are literal. */
                for (size_t i = 0; i < backslashes; i++)
                    put(out, cap, &n, '\\');
            }
            put(out, cap, &n, *p);
        }
        put(out, cap, &n, '"');
    }
    if (cap > 0)
        out[n < cap ? n : cap - 1] = '\0';
    return n;
}

char *rl_win_quote_argv(char *const *argv)
{
    if (argv == NULL || argv[0] == NULL) {
        errno = EINVAL;
        return NULL;
    }
    /* The program name is split by its own rule: everything up to the next
     * quote (when it starts with one) or blank, with no escapes at all. */
    if (strchr(argv[0], '"') != NULL) {
        errno = EINVAL;
        return NULL;
    }

    size_t len = strlen(argv[0]) + 3;
    for (size_t i = 1; argv[i]; i++)
        len += rl_win_quote_arg(argv[i], NULL, 0) + 1;

    char *line = malloc(len);
    if (line == NULL)
        return NULL;

    size_t n = 0;
    int quote0 = argv[0][0] == '\0' || strpbrk(argv[0], " \t") != NULL;
    if (quote0)
        line[n++] = '"';
    memcpy(line + n, argv[0], strlen(argv[0]));
    n += strlen(argv[0]);
    if (quote0)
        line[n++] = '"';
    for (size_t i = 1; argv[i]; i++) {
        line[n++] = ' ';
        n += rl_win_quote_arg(argv[i], line + n, len - n);
    }
    line[n] = '\0';
    return line;
}
