/* test_capture.c - the bounded capture (run/capture.h) fed directly: the line
 * a signature comes from survives in the omitted middle however the output
 * is split into reads, rl_classify then gives the answer it would give on
 * the whole output, and a flood of matching lines stays bounded. */
#include "rltest.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "run/capture.h"
#include "core/classify.h"
#include "core/spec.h"
#include "core/verdict.h"

#define LIMIT (64 * 1024)

typedef struct {
    char *s;
    size_t len, cap;
} buf_t;

static void put(buf_t *b, const char *s)
{
    size_t n = strlen(s);
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        cr_assert_not_null(b->s);
    }
    memcpy(b->s + b->len, s, n + 1);
    b->len += n;
}

/* The faults reproduction: 10,000 log lines, the fatal line, 8,000 lines
 * of goroutine traces (with a runtime line a spec pattern may want). */
static buf_t go_crash(void)
{
    buf_t b = { 0 };
    char line[128];
    for (int i = 0; i < 10000; i++) {
        snprintf(line, sizeof line, "worker %d: handled request %d\n", i % 7, i);
        put(&b, line);
    }
    put(&b, "fatal error: malloc deadlock\n\nruntime: m=3 mallocing=1\n");
    for (int i = 0; i < 8000; i++) {
        snprintf(line, sizeof line, "goroutine %d [running]:\n\t/src/x.go:%d +0x1f\n", i, i);
        put(&b, line);
    }
    return b;
}

/* A classifier as a spec with these `signature` lines would hold. */
static rl_classifier_t rules(char *const *pats, int npats)
{
    rl_classifier_t cl;
    cr_assert_eq(rl_classifier_init(&cl, 1), 0);
    for (int i = 0; i < npats; i++)
        cr_assert_eq(rl_classifier_add(&cl, pats[i], NULL, 0), 0, "/%s/", pats[i]);
    return cl;
}

/* Captures out[0..n) in reads of `chunk` bytes (0: one read) and
 * classifies the result as a crash with exit status 2, both by cl. */
static char *capture_with(const char *out, size_t n, size_t chunk, const rl_classifier_t *cl,
                          size_t *sig_lines_len)
{
    rl_capture_t c;
    cr_assert_eq(rl_capture_init(&c, LIMIT, cl), 0);
    if (chunk == 0)
        chunk = n;
    for (size_t i = 0; i < n; i += chunk)
        rl_capture_add(&c, out + i, n - i < chunk ? n - i : chunk);
    rl_proc_result_t r;
    memset(&r, 0, sizeof r);
    r.started = 1;
    r.exit_status = 2;
    cr_assert_eq(rl_capture_finish(&c, &r.output, &r.output_len, &r.output_head_len,
                                   &r.signature_lines, &r.signature_lines_len), 0);
    rl_capture_free(&c);
    cr_assert_eq(r.output_len <= LIMIT + 64, 1, "output of %zu bytes", r.output_len);
    if (sig_lines_len)
        *sig_lines_len = r.signature_lines_len;
    char *sig = NULL;
    cr_assert_eq(rl_classify(&r, cl, &sig), RL_OUTCOME_CRASH);
    free(r.output);
    free(r.signature_lines);
    return sig;
}

static char *capture_sig(const char *out, size_t n, size_t chunk, char *const *pats, int npats,
                         size_t *sig_lines_len)
{
    rl_classifier_t cl = rules(pats, npats);
    char *sig = capture_with(out, n, chunk, &cl, sig_lines_len);
    rl_classifier_free(&cl);
    return sig;
}

/* What rl_classify says on the whole output, nothing omitted. */
static char *whole_sig(const char *out, size_t n, char *const *pats, int npats)
{
    rl_proc_result_t r;
    memset(&r, 0, sizeof r);
    r.started = 1;
    r.exit_status = 2;
    r.output = (char *)out;
    r.output_len = n;
    char *sig = NULL;
    rl_classifier_t cl = rules(pats, npats);
    rl_classify(&r, &cl, &sig);
    rl_classifier_free(&cl);
    return sig;
}

Test(capture, literals_every_match_contains)
{
    static const struct {
        const char *re, *lit;
    } cases[] = {
        { "^fatal error: ", "fatal error: " },
        { "^SIG(SEGV|BUS|ABRT)", "SIG" },
        { "Assertion .*failed", "Assertion " },
        { "m=[0-9]+ mallocing", " mallocing" },
        { "ab*c", "a" },
        { "abc+d", "abc" },
        { "x\\.y\\+z", "x.y+z" },
        { "a|b", "" },
        { "(a|b)c", "c" },
        { "[[:digit:]]+ deadlock", " deadlock" },
        { "lock(ed)?", "lock" },
        { "xa+?y", "x" },
        { "xa+*y", "x" },
        { "xa++y", "xa" },
        { "x(ab)+?y", "x" },
        { ".*", "" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char lit[64];
        size_t n = rl_regex_literal(cases[i].re, lit, sizeof lit);
        cr_expect_str_eq(lit, cases[i].lit, "literal of /%s/", cases[i].re);
        cr_expect_eq(n, strlen(cases[i].lit));
    }
}

/* One loaded spec, compiled once: the capture keeps the line of its
 * pattern from the omitted middle (reading the spec's compiled patterns,
 * not copies), the classifier makes it the signature, and the tally
 * matches that signature with the expectation's compiled regex. */
Test(capture, one_compiled_spec_serves_capture_classify_and_tally, .timeout = 60)
{
    const char *text = "name t\nissue https://example.org/1\ncommand prog\n"
                       "signature /m=[0-9]+ mallocing/\n"
                       "variant buggy buggy\nvariant fixed fixed\n"
                       "expect buggy crash /mallocing=1/ rate >= 0.5\n"
                       "expect fixed no-crash upper <= 0.01\n";
    rl_spec_t spec;
    char err[256];
    cr_assert_eq(rl_spec_parse("t.repro", text, &spec, err, sizeof err), 0, "%s", err);
    buf_t b = go_crash();
    rl_capture_t c;
    cr_assert_eq(rl_capture_init(&c, LIMIT, &spec.classifier), 0);
    cr_assert_eq(c.npats, spec.classifier.npatterns);
    for (int i = 0; i < c.npats; i++)
        cr_assert_eq(c.pats[i].pat, &spec.classifier.patterns[i], "pattern %d was copied", i);
    rl_capture_free(&c);
    size_t kept = 0;
    char *sig = capture_with(b.s, b.len, 4096, &spec.classifier, &kept);
    cr_assert_gt(kept, 0, "nothing kept from the middle");
    cr_assert_str_eq(sig, "runtime: m=N mallocing=1");
    rl_tally_t t;
    rl_tally_init(&t, "buggy");
    rl_trial_t tr = {.outcome = RL_OUTCOME_CRASH, .signature = sig};
    cr_assert_eq(rl_tally_add(&t, &tr, spec.expects[0].signature), 0);
    tr.signature = "fatal error: malloc deadlock";
    cr_assert_eq(rl_tally_add(&t, &tr, spec.expects[0].signature), 0);
    cr_assert_eq(t.crashes_matching, 1);
    rl_tally_free(&t);
    free(sig);
    free(b.s);
    rl_spec_free(&spec);
}

Test(capture, fatal_line_between_big_head_and_tail_is_the_signature, .timeout = 60)
{
    buf_t b = go_crash();
    cr_assert_gt(strstr(b.s, "fatal error") - b.s, LIMIT / 2, "the fatal line must lie past the head");
    cr_assert_gt(b.s + b.len - strstr(b.s, "fatal error"), LIMIT / 2, "and before the tail");
    static const size_t chunks[] = { 0, 1, 7, 4096, 65536 };
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        char *sig = capture_sig(b.s, b.len, chunks[i], NULL, 0, NULL);
        cr_assert_str_eq(sig, "fatal error: malloc deadlock", "reads of %zu bytes", chunks[i]);
        free(sig);
    }
    free(b.s);
}

Test(capture, a_spec_pattern_in_the_middle_wins_over_the_built_ins, .timeout = 60)
{
    buf_t b = go_crash();
    char *pats[] = { "m=[0-9]+ mallocing" };
    char *sig = capture_sig(b.s, b.len, 4096, pats, 1, NULL);
    cr_assert_str_eq(sig, "runtime: m=N mallocing=1");
    free(sig);
    /* an alternation has no literal: the pattern is run on every line */
    char *alt[] = { "nothing here|mallocing=" };
    sig = capture_sig(b.s, b.len, 4096, alt, 1, NULL);
    cr_assert_str_eq(sig, "runtime: m=N mallocing=1");
    free(sig);
    free(b.s);
}

Test(capture, signature_line_split_across_reads_at_every_byte, .timeout = 60)
{
    buf_t b = go_crash();
    const char *fatal = strstr(b.s, "fatal error");
    size_t at = (size_t)(fatal - b.s);
    rl_classifier_t builtin = rules(NULL, 0);
    for (size_t cut = at - 1; cut <= at + 30; cut++) {
        rl_capture_t c;
        cr_assert_eq(rl_capture_init(&c, LIMIT, &builtin), 0);
        rl_capture_add(&c, b.s, cut);
        rl_capture_add(&c, b.s + cut, b.len - cut);
        char *out, *lines;
        size_t len, head, nlines;
        cr_assert_eq(rl_capture_finish(&c, &out, &len, &head, &lines, &nlines), 0);
        rl_capture_free(&c);
        cr_assert_not_null(lines, "split at +%zu: nothing kept", cut - at);
        cr_assert_eq(strncmp(lines, "fatal error: malloc deadlock\n", 29), 0,
                     "split at +%zu: kept %s", cut - at, lines);
        free(out);
        free(lines);
    }
    rl_classifier_free(&builtin);
    free(b.s);
}

/* Every line matches a built-in pattern: one line per pattern is kept,
 * no more, and it is the first one past the head. */
Test(capture, flood_of_matching_lines_keeps_one_line_per_pattern, .timeout = 60)
{
    size_t n = 16u << 20;
    char *s = malloc(n);
    cr_assert_not_null(s);
    const char *l = "fatal error: panic: SIGSEGV runtime error: boom\n";
    size_t ll = strlen(l), used = 0;
    while (used + ll <= n) {
        memcpy(s + used, l, ll);
        used += ll;
    }
    size_t kept = 0;
    char *sig = capture_sig(s, used, 65536, NULL, 0, &kept);
    cr_assert_str_eq(sig, "fatal error: panic: SIGSEGV runtime error: boom");
    cr_assert_eq(kept, ll, "kept %zu bytes of lines, want one line", kept);
    free(sig);
    free(s);
}

/* Random outputs from a pool of lines (some matching, some long, some with
 * '\r'), random reads: the capture gives rl_classify's whole-output answer. */
Test(capture, same_signature_as_on_the_whole_output, .timeout = 120)
{
    static const char *pool[] = {
        "ordinary log line\n", "goroutine 5 [running]:\n", "\t/src/x.go:12 +0x1f\n",
        "panic: boom\r\n", "fatal error: malloc deadlock\n", "SIGSEGV: segmentation violation\n",
        "runtime: m=7 mallocing=1\n", "half a line without end ", "Assertion `x' failed.\n",
        "xx fatal error: not at the start\n",
    };
    char *pats[] = { "m=[0-9]+ mallocing", "boom$" };
    char longline[6000];
    memset(longline, 'y', sizeof longline - 2);
    memcpy(longline + 4090, "fatal error: hidden past 4095\n", 30);
    longline[sizeof longline - 1] = '\0';
    unsigned seed = 12345;
    for (int round = 0; round < 60; round++) {
        buf_t b = { 0 };
        int nlines = 2000 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 6000;
        for (int i = 0; i < nlines; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = (seed >> 16) % 1000;
            if (r < 990)
                put(&b, pool[0]);
            else if (r == 999)
                put(&b, longline);
            else
                put(&b, pool[1 + (seed >> 8) % 9]);
        }
        size_t chunk = 1 + (seed >> 4) % 9000;
        int np = round % 3;   /* 0, 1 or 2 spec patterns */
        char *want = whole_sig(b.s, b.len, pats, np);
        char *got = capture_sig(b.s, b.len, chunk, pats, np, NULL);
        cr_assert_str_eq(got, want, "round %d (%zu bytes, reads of %zu)", round, b.len, chunk);
        free(want);
        free(got);
        free(b.s);
    }
}
