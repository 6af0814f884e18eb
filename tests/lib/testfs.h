/* testfs.h - file helpers the tests and the test child share, on every
 * platform; they assert nothing (the child has no test framework). */
#ifndef RL_TESTFS_H
#define RL_TESTFS_H

#include <stddef.h>

/* Whole file as a malloc'd NUL-terminated string (NULL if unreadable);
 * its length in *len when len is not NULL. */
char *tf_slurp(const char *path, size_t *len);
/* Writes text to path; 0, or -1 on failure. */
int tf_write(const char *path, const char *text);
/* Lines of the file (0 if missing). */
long tf_count_lines(const char *path);
/* Entries of a directory but for those starting with '.' (0 if missing). */
int tf_count_entries(const char *dir);
/* 1 when the n bytes are valid UTF-8. */
int tf_utf8_valid(const char *s, size_t n);

#endif
