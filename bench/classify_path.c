/* classify_path.c - what racelab spends on one crashing trial once its
 * process has ended: the bounded capture of its output, rl_classify, and
 * the tally's match against the expectation's regex, all by one spec
 * compiled once (as racelab check runs them).  Two outputs: a go-17165
 * buggy trial's (about 500 bytes) and a crash buried in 200 KB of logs and
 * goroutine traces.
 *
 * usage: classify-path [N]     (N trials per output, default 2000)
 * prints: classify-path output=B capture_us=C classify_us=K tally_us=T */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/spec.h"
#include "core/verdict.h"
#include "os/os.h"
#include "run/capture.h"

static const char spec_text[] =
    "name go-17165\n"
    "issue https://github.com/golang/go/issues/17165\n"
    "command prog\n"
    "signature /m=[0-9]+ mallocing/\n"
    "variant buggy buggy\n"
    "variant fixed fixed\n"
    "expect buggy crash /mallocing/ rate >= 0.9\n"
    "expect fixed no-crash upper <= 0.01\n";

static void measure(const rl_spec_t *spec, const char *out, size_t len, int n)
{
    double tc = 0, tk = 0, tt = 0;
    rl_tally_t t;
    rl_tally_init(&t, "buggy");
    for (int k = 0; k < n; k++) {
        double t0 = rl_now();
        rl_capture_t c;
        if (rl_capture_init(&c, 64 * 1024, &spec->classifier) != 0)
            exit(1);
        for (size_t i = 0; i < len; i += 4096)
            rl_capture_add(&c, out + i, len - i < 4096 ? len - i : 4096);
        rl_proc_result_t r;
        memset(&r, 0, sizeof r);
        r.started = 1;
        r.exit_status = 2;
        if (rl_capture_finish(&c, &r.output, &r.output_len, &r.output_head_len, &r.signature_lines,
                              &r.signature_lines_len) != 0)
            exit(1);
        rl_capture_free(&c);
        double t1 = rl_now();
        char *sig = NULL;
        rl_classify(&r, &spec->classifier, &sig);
        double t2 = rl_now();
        rl_trial_t tr = {.index = k, .outcome = RL_OUTCOME_CRASH, .signature = sig};
        rl_tally_add(&t, &tr, spec->expects[0].signature);
        double t3 = rl_now();
        tc += t1 - t0;
        tk += t2 - t1;
        tt += t3 - t2;
        free(sig);
        free(r.output);
        free(r.signature_lines);
    }
    printf("classify-path output=%zu capture_us=%.2f classify_us=%.2f tally_us=%.2f matching=%ld/%ld\n", len,
           1e6 * tc / n, 1e6 * tk / n, 1e6 * tt / n, t.crashes_matching, t.n);
    rl_tally_free(&t);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 2000;
    if (n < 1)
        n = 1;
    rl_spec_t spec;
    char err[256];
    if (rl_spec_parse("bench.repro", spec_text, &spec, err, sizeof err) != 0) {
        fprintf(stderr, "classify-path: %s\n", err);
        return 1;
    }
    static const char small[] =
        "borrowed-m-profiler: mode=forced guard=target seed=123456789 duration=20000ms\n"
        "forced: step 1: profiler signal lands on M2 while it holds the malloc lock\n"
        "forced: step 2: the handler, guarded by the wrong M, allocates\n"
        "fatal error: malloc deadlock\n"
        "\n"
        "runtime: m=2 mallocing=1 locks=1 dying=0\n"
        "goroutine 1 [running]:\n"
        "\t/src/runtime/malloc.go:1101 +0x2a\n"
        "\t/src/runtime/proc.go:250 +0x1f\n";
    measure(&spec, small, strlen(small), n);
    size_t cap = 1 << 20, len = 0;
    char *big = malloc(cap);
    if (!big)
        return 1;
    for (int i = 0; i < 2000; i++)
        len += (size_t)snprintf(big + len, cap - len, "worker %d: handled request %d\n", i % 7, i);
    len += (size_t)snprintf(big + len, cap - len, "fatal error: malloc deadlock\n\nruntime: m=3 mallocing=1\n");
    for (int i = 0; i < 3000; i++)
        len += (size_t)snprintf(big + len, cap - len, "goroutine %d [running]:\n\t/src/x.go:%d +0x1f\n", i, i);
    measure(&spec, big, len, n / 10 > 0 ? n / 10 : 1);
    free(big);
    rl_spec_free(&spec);
    return 0;
}
