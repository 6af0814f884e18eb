/* flaky.c - a trial program whose crash is a coin toss: with probability
 * --crash-rate it prints "fatal error: flaky bug" and aborts, with
 * probability --other-rate it dies of another crash ("panic: unrelated"),
 * else it exits 0; --sleep-ms sleeps that long first.  The toss comes from RACELAB_SEED (or --seed), so a
 * replayed trial ends the same way. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <windows.h>
#else
#include <time.h>
#endif

int main(int argc, char **argv)
{
    double rate = 0, other = 0, sleep_ms = 0;
    const char *seed_s = getenv("RACELAB_SEED");
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--crash-rate") == 0)
            rate = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--other-rate") == 0)
            other = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--sleep-ms") == 0)
            sleep_ms = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--seed") == 0)
            seed_s = argv[i + 1];
    }
    uint64_t z = (seed_s ? strtoull(seed_s, NULL, 10) : 0) + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    double u = (double)(z >> 11) * 0x1.0p-53;
    if (sleep_ms > 0) {
#ifdef _WIN32
        Sleep((DWORD)sleep_ms);
#else
        struct timespec ts = { (time_t)(sleep_ms / 1000), (long)((sleep_ms - 1000.0 * (long)(sleep_ms / 1000)) * 1e6) };
        nanosleep(&ts, NULL);
#endif
    }
    if (u < rate) {
        fprintf(stderr, "fatal error: flaky bug\n");
        abort();
    }
    if (u < rate + other) {
        fprintf(stderr, "panic: unrelated\n");
        return 2;
    }
    return 0;
}
