/* test_replay.c - every seed input and every saved regression input of the
 * fuzz targets, run through the same entry points in the ordinary suite
 * (no clang needed): a crash the fuzzer once found stays fixed. */
#include "rltest.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_targets.h"

static int replay_dir(const char *sub, const char *target, int (*fn)(const uint8_t *, size_t))
{
    const char *root = getenv("FUZZ_DIR");
    cr_assert(root != NULL, "FUZZ_DIR is not set (run through meson test)");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/%s/%s", root, sub, target);
    DIR *d = opendir(dir);
    cr_assert(d != NULL, "no directory %s", dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        cr_assert(f != NULL, "%s", path);
        static uint8_t buf[1 << 20];
        size_t len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        uint8_t *copy = malloc(len ? len : 1);   /* exact size: overreads show */
        memcpy(copy, buf, len);
        cr_assert_eq(fn(copy, len), 0, "%s", path);
        free(copy);
        n++;
    }
    closedir(d);
    return n;
}

static void replay(const char *target, int (*fn)(const uint8_t *, size_t))
{
    int seeds = replay_dir("corpus", target, fn);
    replay_dir("regressions", target, fn);
    cr_assert_geq(seeds, 3, "the %s seed corpus has only %d inputs", target, seeds);
}

Test(fuzz_replay, spec)
{
    replay("spec", rl_fuzz_spec);
}

Test(fuzz_replay, results)
{
    replay("results", rl_fuzz_results);
}

Test(fuzz_replay, reports)
{
    replay("reports", rl_fuzz_reports);
}

Test(fuzz_replay, classify)
{
    replay("classify", rl_fuzz_classify);
}
