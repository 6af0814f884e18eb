/* os/internal.h - the per-OS primitives os/mkdir.c builds on; implemented
 * in os/posix/os.c and os/win32/os.c.  Not for use outside os/. */
#ifndef RL_OS_INTERNAL_H
#define RL_OS_INTERNAL_H

#include <stddef.h>

/* Creates one directory; an existing directory is fine.  0, or -1 with
 * errno set (ENOTDIR when path exists and is not a directory). */
int rl__mkdir_one(const char *path);
/* Is c a path separator here ('/'; on Windows '\\' too)? */
int rl__path_is_sep(char c);
/* Bytes of path that name its root or drive ("/", "C:\\", "C:"), which
 * mkdir -p never creates; 0 for a relative path. */
size_t rl__path_root_len(const char *path);

#endif
