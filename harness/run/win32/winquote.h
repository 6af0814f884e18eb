/* run/win32/winquote.h - build a Windows command line from an argv vector.
 *
 * Windows passes a process one string; the C runtime of the child splits it
 * again.  rl_win_quote_argv quotes so that the MSVC runtime's rules (and
 * CommandLineToArgvW, which follows them for every argument after the
 * first) give back exactly the original argv.  Pure string code, no Windows
 * API: run/win32/spawn.c uses it, tests/windows checks the round trip. */
#ifndef RL_WINQUOTE_H
#define RL_WINQUOTE_H

#include <stddef.h>

/* Quotes one argument onto out (NUL-terminated) and returns the bytes the
 * quoted form needs, excluding the NUL; when that exceeds cap - 1 the output
 * is cut short (call with cap 0 to measure).  An argument is left bare only
 * when it is non-empty and has no space, tab, newline, vertical tab or quote;
 * otherwise it is wrapped in quotes, each quote becomes \" and the
 * backslashes before a quote (or before the closing quote) are doubled. */
size_t rl_win_quote_arg(const char *arg, char *out, size_t cap);

/* Joins argv (NULL-terminated) into one command line, arguments quoted as
 * above and separated by single spaces.  Returns a malloc'd string, or NULL
 * when out of memory or argv is empty.  argv[0] has the stricter rule of the
 * program name (no backslash escaping is done by CreateProcess there), so a
 * quote inside argv[0] cannot be represented: NULL with errno EINVAL. */
char *rl_win_quote_argv(char *const *argv);

#endif
