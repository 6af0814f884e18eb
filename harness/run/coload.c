/* run/coload.c - the busy threads of --co-load (see run/coload.h). */
#include "run/coload.h"
#include "os/os.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/parse.h"

struct rl_coload {
    int n;
    rl_thread_t **threads;
    atomic_int stop;
    atomic_ullong rounds;
};

int rl_coload_parse(const char *text, rl_coload_spec_t *out, char *err, size_t errlen)
{
    long n;
    out->cpus = 0;
    if (text && strcmp(text, "none") == 0)
        return 0;
    if (!text || strncmp(text, "cpu=", 4) != 0 || rl_parse_long(text + 4, 1, RL_COLOAD_MAX, &n) != 0) {
        snprintf(err, errlen, "--co-load needs cpu=N (N busy threads, 1 to %d) or none, not '%s'",
                 RL_COLOAD_MAX, text ? text : "");
        return -1;
    }
    out->cpus = (int)n;
    return 0;
}

const char *rl_coload_text(const rl_coload_spec_t *s, char *buf, size_t len)
{
    if (s->cpus <= 0)
        snprintf(buf, len, "none");
    else
        snprintf(buf, len, "cpu=%d", s->cpus);
    return buf;
}

/* Integer arithmetic with no memory traffic and no system call: it keeps a
 * core busy the way a compute-bound neighbour does.  The stop flag is read
 * every round of 4096 steps, so stopping takes microseconds. */
static void rl__coload_busy(void *arg)
{
    rl_coload_t *l = arg;
    unsigned long long x = 88172645463325252ull, rounds = 0;
    while (!atomic_load_explicit(&l->stop, memory_order_relaxed)) {
        for (int i = 0; i < 4096; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        rounds++;
    }
    /* x feeds the count, so the loop cannot be optimised away. */
    atomic_fetch_add_explicit(&l->rounds, rounds + (x == 0), memory_order_relaxed);
}

rl_coload_t *rl_coload_start(const rl_coload_spec_t *s)
{
    rl_coload_t *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    atomic_init(&l->stop, 0);
    atomic_init(&l->rounds, 0);
    if (s->cpus <= 0)
        return l;
    l->threads = calloc((size_t)s->cpus, sizeof *l->threads);
    if (!l->threads) {
        free(l);
        return NULL;
    }
    for (; l->n < s->cpus; l->n++) {
        l->threads[l->n] = rl_thread_start(rl__coload_busy, l);
        if (!l->threads[l->n]) {
            rl_coload_stop(l);
            return NULL;
        }
    }
    return l;
}

unsigned long long rl_coload_stop(rl_coload_t *l)
{
    if (!l)
        return 0;
    atomic_store(&l->stop, 1);
    for (int i = 0; i < l->n; i++)
        rl_thread_join(l->threads[i]);
    unsigned long long r = atomic_load(&l->rounds);
    free(l->threads);
    free(l);
    return r;
}
