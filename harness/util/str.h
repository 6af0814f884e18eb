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

/* The Levenshtein distance between a and b (insertions, deletions,
 * substitutions of one byte), counted up to limit: any larger distance
 * is returned as limit + 1. */
int rl_edit_distance(const char *a, const char *b, int limit);
/* The word of words[0..n) nearest to w by rl_edit_distance, when it is
 * close enough to be a typo of it (at most 2 edits, and fewer than half
 * of w's length), else NULL. */
const char *rl_nearest_word(const char *w, const char *const *words, int n);

#endif
