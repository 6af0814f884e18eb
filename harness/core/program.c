/* core/program.c - what kind of program a trial runs (core/classify.h):
 * the `program-kind` names and the test for a Go executable. */
#include "core/classify.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *const rl__kind_names[] = { "auto", "go", "native" };

int rl_program_kind_parse(const char *name)
{
    for (int k = 0; k < (int)(sizeof rl__kind_names / sizeof *rl__kind_names); k++)
        if (strcmp(name, rl__kind_names[k]) == 0)
            return k;
    return -1;
}

const char *rl_program_kind_name(rl_program_kind_t kind)
{
    return (unsigned)kind < sizeof rl__kind_names / sizeof *rl__kind_names ? rl__kind_names[kind]
                                                                           : "?";
}

/* Go's linker puts the build-info header at the start of a 16-byte-aligned
 * section (.go.buildinfo in ELF and PE, __go_buildinfo in Mach-O): the
 * magic "\xff Go buildinf:", then the pointer size, then a flags byte
 * (endianness, and from Go 1.18 on whether the strings follow inline).
 * The 0xff is compared on its own, so that racelab's own executable never
 * holds the whole magic. */
static int rl__header_at(const unsigned char *p, size_t n, size_t off)
{
    static const char rest[] = " Go buildinf:";
    return off + 16 <= n && p[off] == 0xff && memcmp(p + off + 1, rest, sizeof rest - 1) == 0 &&
           (p[off + 14] == 4 || p[off + 14] == 8) && p[off + 15] <= 3;
}

int rl_program_is_go_bytes(const unsigned char *p, size_t n)
{
    for (size_t off = 0; off + 16 <= n; off += 16) {
        const unsigned char *f = memchr(p + off, 0xff, n - off);
        if (!f)
            return 0;
        off = (size_t)(f - p) & ~(size_t)15;
        if (rl__header_at(p, n, off))
            return 1;
    }
    return 0;
}

/* The file's test, chunk by chunk: each chunk starts with the bytes from
 * the last 16-byte boundary but one of the previous chunk, so a header
 * across two chunks is seen whole and offsets keep their alignment. */
static int rl__scan_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    unsigned char buf[(1 << 16) + 32];
    size_t have = 0, k;
    int found = 0;
    while (!found && (k = fread(buf + have, 1, sizeof buf - 32, f)) > 0) {
        have += k;
        found = rl_program_is_go_bytes(buf, have);
        size_t from = (have & ~(size_t)15) >= 16 ? (have & ~(size_t)15) - 16 : 0;
        memmove(buf, buf + from, have - from);
        have -= from;
    }
    fclose(f);
    return found;
}

/* A few answers, keyed by path and file identity, under a spin lock (the
 * critical sections copy a few bytes; the file is read outside it). */
#define RL__CACHE 8
typedef struct {
    char path[512];
    long long size, mtime;
    int is_go;
} rl__cached_t;
static rl__cached_t rl__cache[RL__CACHE];
static int rl__cache_next;
static atomic_flag rl__cache_lock = ATOMIC_FLAG_INIT;

int rl_program_is_go(const char *path)
{
    struct stat st;
    if (!path || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    if (strlen(path) >= sizeof rl__cache[0].path)
        return rl__scan_file(path);
    long long size = (long long)st.st_size, mtime = (long long)st.st_mtime;
    int hit = -1;
    while (atomic_flag_test_and_set(&rl__cache_lock))
        ;
    for (int i = 0; i < RL__CACHE && hit < 0; i++)
        if (rl__cache[i].size == size && rl__cache[i].mtime == mtime &&
            strcmp(rl__cache[i].path, path) == 0)
            hit = rl__cache[i].is_go;
    atomic_flag_clear(&rl__cache_lock);
    if (hit >= 0)
        return hit;
    int is_go = rl__scan_file(path);
    while (atomic_flag_test_and_set(&rl__cache_lock))
        ;
    rl__cached_t *c = &rl__cache[rl__cache_next];
    rl__cache_next = (rl__cache_next + 1) % RL__CACHE;
    snprintf(c->path, sizeof c->path, "%s", path);
    c->size = size;
    c->mtime = mtime;
    c->is_go = is_go;
    atomic_flag_clear(&rl__cache_lock);
    return is_go;
}
