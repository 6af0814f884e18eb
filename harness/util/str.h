/* util/str.h - allocating string helpers every layer shares. */
#ifndef RL_STR_H
#define RL_STR_H

#include <stdarg.h>
#include <stddef.h>

/* malloc'd copy of s (NULL-safe). */
char *rl_strdup(const char *s);
/* malloc'd copy of the first n bytes of s, NUL-terminated. */
char *rl_strndup(const char *s, size_t n);
/* malloc'd printf. */
char *rl_aprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
