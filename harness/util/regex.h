/* util/regex.h - the one regular-expression matcher racelab uses.
 *
 * regex.h does not exist on mingw, and a spec must mean the same on every
 * OS, so racelab carries a small portable matcher instead of using the
 * platform's.  It accepts this subset of POSIX ERE:
 *   literals, \c (c taken literally), ., [set] [^set] with ranges and the
 *   classes [:alpha:] [:digit:] [:alnum:] [:space:] [:upper:] [:lower:]
 *   [:punct:] [:xdigit:], ^ and $ (start and end of the text), * + ?,
 *   | and ( ).
 * Not supported (a compile error says so): {m,n}, back-references.
 * Matching is a Pike VM: linear in the text, no backtracking blow-up, which
 * matters when it scans the captured output of a trial. */
#ifndef RL_REGEX_H
#define RL_REGEX_H

#include <stddef.h>

typedef struct rl_regex rl_regex_t;

/* Compiles pattern.  NULL on error with the problem in err (errlen bytes),
 * e.g. "unmatched (" or "out of memory". */
rl_regex_t *rl_regex_compile(const char *pattern, char *err, size_t errlen);
/* 1 when re matches somewhere in text (unanchored search), else 0.  A
 * compiled regex is never written to after rl_regex_compile: any number of
 * threads may search with the same one at once. */
int rl_regex_search(const rl_regex_t *re, const char *text);
/* Frees re; NULL is fine. */
void rl_regex_free(rl_regex_t *re);
/* Convenience: compiles, searches, frees.  1 match, 0 no match, -1 bad
 * pattern or out of memory. */
int rl_regex_match_once(const char *pattern, const char *text);
/* Writes to lit (cap bytes, cap > 1) a string every match of pattern
 * contains, the longest one found; returns its length, 0 when no such
 * literal is known (e.g. an alternation at the top level).  A line without
 * it cannot match: a cheap memmem prefilter before the search. */
size_t rl_regex_literal(const char *pattern, char *lit, size_t cap);

#endif
