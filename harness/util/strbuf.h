/* util/strbuf.h - a growable string every layer shares.
 *
 * Zero-initialise one (rl_sb_t b = { 0 }), add to it, take the string.  An
 * allocation failure is sticky: later additions are dropped and rl_sb_take
 * returns NULL, so a caller checks once at the end.  With max set, an
 * addition that would make the string (and its NUL) longer than max bytes
 * is dropped whole: a bounded capture keeps whole lines. */
#ifndef RL_STRBUF_H
#define RL_STRBUF_H

#include <stddef.h>
#include <stdio.h>

typedef struct {
    char *s;        /* NUL-terminated once anything was added, else NULL */
    size_t len;     /* bytes in s, the NUL not counted */
    size_t cap;
    size_t max;     /* 0: unbounded */
    int oom;        /* an allocation failed */
} rl_sb_t;

/* Makes room for more bytes (and the NUL).  0, or -1 when out of memory or
 * past max. */
int rl_sb_reserve(rl_sb_t *b, size_t more);
/* Appends n bytes of p (which may hold NULs). */
void rl_sb_add(rl_sb_t *b, const void *p, size_t n);
/* Appends the C string s. */
void rl_sb_puts(rl_sb_t *b, const char *s);
/* Appends one byte. */
void rl_sb_putc(rl_sb_t *b, char c);
/* Appends printf output, however long. */
void rl_sb_printf(rl_sb_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Empties b for reuse, keeping its memory. */
void rl_sb_clear(rl_sb_t *b);
/* The string, malloc'd to its exact size ("" when nothing was added), and
 * b emptied; NULL when an allocation failed (b is freed then too). */
char *rl_sb_take(rl_sb_t *b);
/* Frees b's memory and empties it. */
void rl_sb_free(rl_sb_t *b);
/* Appends the rest of f.  0, or -1 on a read error (ferror(f)), when out
 * of memory (b->oom) or past max. */
int rl_sb_read(rl_sb_t *b, FILE *f);

#endif
