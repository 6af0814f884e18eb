/* util/strbuf.c - the growable string. */
#include "util/strbuf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int rl_sb_reserve(rl_sb_t *b, size_t more)
{
    if (b->oom)
        return -1;
    if (b->max && b->len + more + 1 > b->max)
        return -1;
    if (b->len + more + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (s == NULL) {
        b->oom = 1;
        return -1;
    }
    b->s = s;
    b->cap = cap;
    return 0;
}

void rl_sb_add(rl_sb_t *b, const void *p, size_t n)
{
    if (rl_sb_reserve(b, n) != 0)
        return;
    if (n)
        memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void rl_sb_puts(rl_sb_t *b, const char *s)
{
    rl_sb_add(b, s, strlen(s));
}

void rl_sb_putc(rl_sb_t *b, char c)
{
    rl_sb_add(b, &c, 1);
}

void rl_sb_printf(rl_sb_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || rl_sb_reserve(b, (size_t)n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void rl_sb_clear(rl_sb_t *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

char *rl_sb_take(rl_sb_t *b)
{
    char *s = b->s;
    if (b->oom) {
        rl_sb_free(b);
        return NULL;
    }
    if (s == NULL)
        s = calloc(1, 1);
    else {
        char *exact = realloc(s, b->len + 1);
        if (exact)
            s = exact;
    }
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

void rl_sb_free(rl_sb_t *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}

int rl_sb_read(rl_sb_t *b, FILE *f)
{
    for (;;) {
        if (rl_sb_reserve(b, 4096) != 0)
            return -1;
        size_t got = fread(b->s + b->len, 1, b->cap - b->len - 1, f);
        b->len += got;
        b->s[b->len] = '\0';
        if (got == 0)
            return ferror(f) ? -1 : 0;
    }
}
