/* test_program.c - what racelab takes for a Go program (core/classify.h):
 * the build-info header where Go's linker puts it, and nothing else. */
#include "rltest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/classify.h"

/* A header as Go 1.18+ writes it on amd64: magic, pointer size 8, flags 2. */
static void put_header(unsigned char *p)
{
    memcpy(p, "\xff Go buildinf:", 14);
    p[14] = 8;
    p[15] = 2;
}

Test(program, kind_names)
{
    cr_assert_eq(rl_program_kind_parse("auto"), RL_PROGRAM_AUTO);
    cr_assert_eq(rl_program_kind_parse("go"), RL_PROGRAM_GO);
    cr_assert_eq(rl_program_kind_parse("native"), RL_PROGRAM_NATIVE);
    cr_assert_eq(rl_program_kind_parse("Go"), -1);
    cr_assert_eq(rl_program_kind_parse(""), -1);
    cr_assert_str_eq(rl_program_kind_name(RL_PROGRAM_GO), "go");
}

Test(program, the_header_at_an_aligned_offset_is_go)
{
    unsigned char buf[4096] = { 0 };
    put_header(buf + 1024);
    cr_assert_eq(rl_program_is_go_bytes(buf, sizeof buf), 1);
    /* The last 16 bytes of the input. */
    memset(buf, 0, sizeof buf);
    put_header(buf + sizeof buf - 16);
    cr_assert_eq(rl_program_is_go_bytes(buf, sizeof buf), 1);
    cr_assert_eq(rl_program_is_go_bytes(buf, sizeof buf - 1), 0, "a header cut short is none");
}

Test(program, lookalikes_are_not_go)
{
    unsigned char buf[4096];
    memset(buf, 0xff, sizeof buf);
    cr_assert_eq(rl_program_is_go_bytes(buf, sizeof buf), 0);
    memset(buf, 0, sizeof buf);
    put_header(buf + 1032);
    cr_assert_eq(rl_program_is_go_bytes(buf, sizeof buf), 0, "not 16-byte aligned");
    memset(buf, 0, sizeof buf);
    /* The magic as a C string in a program that mentions it: a NUL where
     * the pointer size goes. */
    memcpy(buf + 512, "\xff Go buildinf:", 15);
    cr_assert_eq(rl_program_is_go_bytes(buf, sizeof buf), 0);
    put_header(buf + 512);
    buf[512 + 15] = 0x40;
    cr_assert_eq(rl_program_is_go_bytes(buf, sizeof buf), 0, "unknown flags");
}

/* Files: the header anywhere in a file larger than one read, and a file
 * without one (rewritten in place: the answer follows the file's size and
 * modification time, not a stale cache entry). */
Test(program, files)
{
    char path[] = "rl-program-test.bin";
    size_t n = 3 * 65536 + 4096;
    unsigned char *buf = calloc(1, n);
    cr_assert(buf != NULL);
    size_t where[] = { 0, 65536 - 16, 65536, 2 * 65536 + 48, n - 16 };
    for (size_t i = 0; i < sizeof where / sizeof *where; i++) {
        memset(buf, 0, n);
        put_header(buf + where[i]);
        FILE *f = fopen(path, "wb");
        cr_assert(f != NULL);
        cr_assert_eq(fwrite(buf, 1, n - i, f), n - i);
        fclose(f);
        int want = where[i] + 16 <= n - i;
        cr_expect_eq(rl_program_is_go(path), want, "header at %zu of %zu bytes", where[i], n - i);
    }
    remove(path);
    free(buf);
    cr_assert_eq(rl_program_is_go("no-such-file-here"), 0);
    cr_assert_eq(rl_program_is_go("."), 0, "a directory");
}
