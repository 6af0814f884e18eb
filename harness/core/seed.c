/* core/seed.c - trial seeds and argument substitution. */
#include "core/seed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "os/os.h"

#ifndef RL_EXE_SUFFIX
#define RL_EXE_SUFFIX ""
#endif

uint64_t rl_trial_seed(uint64_t base, long index)
{
    uint64_t z = base + (uint64_t)index * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t rl_random_seed(void)
{
    /* time() and the monotonic clock, not timespec_get: mingw's msvcrt
     * lacks the latter. */
    uint64_t x = (uint64_t)time(NULL) * 1000000007ull ^ (uint64_t)(rl_now() * 1e9);
    x ^= (uint64_t)(uintptr_t)&x;
    /* Keep it short enough to type back in with --seed. */
    return rl_trial_seed(x, 1) % 1000000000ull;
}

char *rl_subst(const char *arg, uint64_t seed, const char *build)
{
    char seedbuf[32];
    snprintf(seedbuf, sizeof seedbuf, "%llu", (unsigned long long)seed);
    size_t cap = strlen(arg) + 1, len = 0;
    for (const char *p = arg; (p = strchr(p, '{')); p++)
        cap += strlen(build) + sizeof seedbuf + sizeof RL_EXE_SUFFIX;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    for (const char *p = arg; *p;) {
        const char *rep = NULL;
        size_t skip = 0;
        if (strncmp(p, "{seed}", 6) == 0)
            rep = seedbuf, skip = 6;
        else if (strncmp(p, "{build}", 7) == 0)
            rep = build, skip = 7;
        else if (strncmp(p, "{exe}", 5) == 0)
            rep = RL_EXE_SUFFIX, skip = 5;
        if (rep) {
            size_t n = strlen(rep);
            memcpy(out + len, rep, n);
            len += n;
            p += skip;
        } else {
            out[len++] = *p++;
        }
    }
    out[len] = '\0';
    return out;
}
