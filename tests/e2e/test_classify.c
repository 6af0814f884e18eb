/* test_classify.c - rl_spawn_run and rl_classify on real processes and on
 * constructed results: outcomes, signatures, normalisation, the capture
 * bound, the environment. */
#include "rltest.h"
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "core/classify.h"
#include "run/spawn.h"

static rl_proc_result_t fake(int started, int status, int sig, int timed_out, const char *out)
{
    rl_proc_result_t r;
    memset(&r, 0, sizeof r);
    r.started = started;
    r.exit_status = status;
    r.term_signal = sig;
    r.timed_out = timed_out;
    r.output = (char *)out;
    r.output_len = out ? strlen(out) : 0;
    if (!started)
        strcpy(r.errmsg, "nosuch: No such file or directory");
    return r;
}

/* A classifier as a spec with these `signature` lines would hold. */
static rl_classifier_t rules(double timeout_s, char *const *pats, int npats, int hang_after)
{
    rl_classifier_t cl;
    cr_assert_eq(rl_classifier_init(&cl, timeout_s), 0);
    for (int i = 0; i < npats; i++)
        cr_assert_eq(rl_classifier_add(&cl, pats[i], NULL, 0), 0, "/%s/", pats[i]);
    cl.hang_after_signature_is_crash = hang_after;
    return cl;
}

static char *classify(rl_proc_result_t r, rl_outcome_t want, char *const *pats, int npats)
{
    char *sig = NULL;
    rl_classifier_t cl = rules(2.5, pats, npats, 0);
    rl_outcome_t o = rl_classify(&r, &cl, &sig);
    rl_classifier_free(&cl);
    cr_assert_eq(o, want, "outcome %s, want %s", rl_outcome_name(o), rl_outcome_name(want));
    return sig;
}

/* A table row: what a program printed (or a line to normalise) and the
 * signature racelab must make of it. */
typedef struct {
    const char *in, *want;
} sig_case_t;

/* Each row's output, of a trial that exited with STATUS, classified with
 * the built-in patterns only: a crash with the row's signature. */
static void assert_crash_signatures(const sig_case_t *cases, size_t n, int status)
{
    for (size_t i = 0; i < n; i++) {
        char *s = classify(fake(1, status, 0, 0, cases[i].in), RL_OUTCOME_CRASH, NULL, 0);
        cr_assert_str_eq(s, cases[i].want, "from \"%s\"", cases[i].in);
        free(s);
    }
}

/* Each row's line, normalised: the row's signature. */
static void assert_normalised(const sig_case_t *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *s = rl_signature_normalise(cases[i].in, strlen(cases[i].in));
        cr_assert_str_eq(s, cases[i].want, "from \"%s\"", cases[i].in);
        free(s);
    }
}

Test(classify, outcomes)
{
    char *s;
    s = classify(fake(1, 0, 0, 0, "fatal error: ignored on exit 0\n"), RL_OUTCOME_PASS, NULL, 0);
    cr_assert_null(s);
    s = classify(fake(1, 7, 0, 0, "nothing to see\n"), RL_OUTCOME_CRASH, NULL, 0);
    cr_assert_str_eq(s, "exit status 7");
    free(s);
    s = classify(fake(1, -1, SIGSEGV, 0, ""), RL_OUTCOME_CRASH, NULL, 0);
    cr_assert_str_eq(s, "signal SIGSEGV");
    free(s);
    s = classify(fake(1, -1, SIGKILL, 1, "fatal error: late\n"), RL_OUTCOME_HANG, NULL, 0);
    cr_assert_str_eq(s, "timeout after 2.5s");
    free(s);
    s = classify(fake(0, -1, 0, 0, NULL), RL_OUTCOME_ERROR, NULL, 0);
    cr_assert_str_eq(s, "could not start: nosuch: No such file or directory");
    free(s);
}

/* `hang-after-signature crash`: a trial that printed a spec signature line
 * and then hung is that crash, marked "(then hung)"; without the keyword,
 * with no spec pattern, or when only a built-in pattern matches, it stays a
 * hang. */
Test(classify, hang_after_signature)
{
    char *pats[] = { "^fatal error: malloc deadlock", NULL };
    const char *out = "starting\npanic: built-in only\nfatal error: malloc deadlock\ngoroutine 1\n";
    char *sig = NULL;
    rl_classifier_t crash = rules(20, pats, 1, 1), hang = rules(20, pats, 1, 0), builtin = rules(20, NULL, 0, 1);
    rl_proc_result_t r = fake(1, -1, SIGKILL, 1, out);
    cr_assert_eq(rl_classify(&r, &crash, &sig), RL_OUTCOME_CRASH);
    cr_assert_str_eq(sig, "fatal error: malloc deadlock (then hung)");
    free(sig);
    cr_assert_eq(rl_classify(&r, &hang, &sig), RL_OUTCOME_HANG);
    cr_assert_str_eq(sig, "timeout after 20s");
    free(sig);
    cr_assert_eq(rl_classify(&r, &builtin, &sig), RL_OUTCOME_HANG, "a built-in pattern made a crash");
    free(sig);
    r = fake(1, -1, SIGKILL, 1, "starting\nstill going\n");
    cr_assert_eq(rl_classify(&r, &crash, &sig), RL_OUTCOME_HANG);
    free(sig);
    /* A long line gives way to the mark: signatures stay within 200 bytes. */
    char longline[400];
    memset(longline, 'x', sizeof longline);
    memcpy(longline, "fatal error: malloc deadlock ", 29);
    memcpy(longline + sizeof longline - 2, "\n", 2);
    r = fake(1, -1, SIGKILL, 1, longline);
    cr_assert_eq(rl_classify(&r, &crash, &sig), RL_OUTCOME_CRASH);
    cr_assert_eq(strlen(sig), 200, "%zu bytes: %s", strlen(sig), sig);
    cr_assert(strcmp(sig + 200 - 12, " (then hung)") == 0, "%s", sig);
    free(sig);
    /* The line may come from the capture's omitted middle. */
    r = fake(1, -1, SIGKILL, 1, "head\n[... omitted ...]\ntail\n");
    r.output_head_len = 5;
    r.signature_lines = "fatal error: malloc deadlock\n";
    r.signature_lines_len = strlen(r.signature_lines);
    cr_assert_eq(rl_classify(&r, &crash, &sig), RL_OUTCOME_CRASH);
    cr_assert_str_eq(sig, "fatal error: malloc deadlock (then hung)");
    free(sig);
    rl_classifier_free(&crash);
    rl_classifier_free(&hang);
    rl_classifier_free(&builtin);
}

Test(classify, first_matching_line_wins)
{
    char *s = classify(fake(1, 2, 0, 0,
                            "starting\nruntime: m=3 mallocing=1\nfatal error: malloc deadlock\n"
                            "panic: later\n"),
                       RL_OUTCOME_CRASH, NULL, 0);
    cr_assert_str_eq(s, "fatal error: malloc deadlock");
    free(s);
    s = classify(fake(1, 2, 0, 0, "panic: first\r\nfatal error: second\n"), RL_OUTCOME_CRASH, NULL, 0);
    cr_assert_str_eq(s, "fatal error: second", "patterns are tried in order, not lines");
    free(s);
    /* The literal prefilter finds "fatal error: " on a line /^fatal error: /
     * does not match, and goes on to the next one holding it. */
    s = classify(fake(1, 2, 0, 0, "log: fatal error: quoted\nok\nfatal error: real\n"), RL_OUTCOME_CRASH, NULL, 0);
    cr_assert_str_eq(s, "fatal error: real");
    free(s);
}

Test(classify, spec_patterns_come_first)
{
    char *pats[] = { "^runtime: m=", NULL };
    char *s = classify(fake(1, 2, 0, 0, "fatal error: malloc deadlock\nruntime: m=3 mallocing=1\n"),
                       RL_OUTCOME_CRASH, pats, 1);
    cr_assert_str_eq(s, "runtime: m=N mallocing=1");
    free(s);
}

Test(classify, defaults_cover_sanitizers_and_go)
{
    static const sig_case_t cases[] = {
        { "==31337==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc 0x4a1b2c\n",
          "==N==ERROR: AddressSanitizer: heap-use-after-free on address 0x? at pc 0x?" },
        { "x.c:3:5: runtime error: signed integer overflow: 2147483647 + 1\n",
          "x.c:3:5: runtime error: signed integer overflow: N + 1" },
        { "WARNING: ThreadSanitizer: data race (pid=12345)\n", "WARNING: ThreadSanitizer: data race (pid=N)" },
        { "ok\nunexpected signal during runtime execution\n", "unexpected signal during runtime execution" },
        { "SIGSEGV: segmentation violation\nPC=0x45 m=3 sigcode=1\n", "SIGSEGV: segmentation violation" },
        { "panic: runtime error: index out of range [5] with length 3\n\ngoroutine 1 [running]:\n",
          "panic: runtime error: index out of range [N] with length N" },
    };
    assert_crash_signatures(cases, sizeof cases / sizeof cases[0], 2);
}

Test(classify, normalisation_merges_volatile_parts_only)
{
    static const sig_case_t cases[] = {
        { "  fatal error:   malloc deadlock  \t", "fatal error: malloc deadlock" },
        { "goroutine 17 [running]: tid 4242 thread 3", "goroutine N [running]: tid N thread N" },
        { "M3 mallocing=-1 m=7", "M3 mallocing=-1 m=N" },
        { "counter 2 at line 120, pid:99", "counter 2 at line 120, pid:N" },
        { "addr 0xDEADbeef and 123456 and abc12345", "addr 0x? and N and abc12345" },
        { "    x_test.go:12: got 3, want 4", "x_test.go:12: got 3, want 4" },
    };
    assert_normalised(cases, sizeof cases / sizeof cases[0]);
}

/* Go's durations and its index and slice bounds are volatile; what only
 * looks like them (a word, a unit that is not Go's, a line number) is kept. */
Test(classify, normalisation_of_go_durations_and_bounds)
{
    static const sig_case_t cases[] = {
        { "--- FAIL: TestX (0.03s)", "--- FAIL: TestX (?s)" },
        { "--- FAIL: TestX (12.50s)", "--- FAIL: TestX (?s)" },
        { "panic: test timed out after 10m0s", "panic: test timed out after ?s" },
        { "panic: test timed out after 1s", "panic: test timed out after ?s" },
        { "took 1h2m3.5s, then 250ms, 1.5\xc2\xb5s, 1.5us and 3ns", "took ?s, then ?s, ?s, ?s and ?s" },
        { "after 5m, 2h, 3sec, 4s5, 6.s and 7.5", "after 5m, 2h, 3sec, 4s5, 6.s and 7.5" },
        { "go1.19s TestX2s", "go1.19s TestX2s" },
        { "index out of range [5] with length 3", "index out of range [N] with length N" },
        { "index out of range [-1]", "index out of range [-N]" },
        { "slice bounds out of range [:5] with capacity 3", "slice bounds out of range [:N] with capacity N" },
        { "slice bounds out of range [3:7]", "slice bounds out of range [N:N]" },
        { "slice bounds out of range [::9] with capacity 8", "slice bounds out of range [::N] with capacity N" },
        { "x.go:12: at 3:4 [ok]", "x.go:12: at 3:4 [ok]" },
        { "goroutine 7 [chan receive, 2 minutes]:", "goroutine N [chan receive, 2 minutes]:" },
    };
    assert_normalised(cases, sizeof cases / sizeof cases[0]);
}

/* A Go test binary's failures, each with the built-in patterns only: a
 * race report wins over the panic or failure it causes, a panic over the
 * "--- FAIL:" printed before it, and "--- FAIL:" names a plain t.Errorf. */
Test(classify, go_test_binary_failures)
{
    static const sig_case_t cases[] = {
        { "=== RUN   TestErr\n    x_test.go:12: got 3\n--- FAIL: TestErr (0.00s)\nFAIL\n",
          "--- FAIL: TestErr (?s)" },
        { "=== RUN   TestIdx\n--- FAIL: TestIdx (0.00s)\n"
          "panic: runtime error: index out of range [7] with length 3 [recovered]\n"
          "\tpanic: runtime error: index out of range [7] with length 3\n\ngoroutine 6 [running]:\n",
          "panic: runtime error: index out of range [N] with length N [recovered]" },
        { "=== RUN   TestSleep\npanic: test timed out after 1s\n\trunning tests:\n\t\tTestSleep (1s)\n",
          "panic: test timed out after ?s" },
        { "==================\nWARNING: DATA RACE\nWrite at 0x00c00001c0f8 by goroutine 8:\n"
          "==================\n--- FAIL: TestRace (0.01s)\n    testing.go:1490: race detected during execution of test\n"
          "panic: later\n",
          "WARNING: DATA RACE" },
    };
    assert_crash_signatures(cases, sizeof cases / sizeof cases[0], 1);
}

/* The lines the reproducers' programs print, normalised, still match the
 * regexes of the specs' `expect` lines: the normalisation rules for Go
 * leave the model runtime's and the real Go runtime's messages alone.  A
 * racelab hang is "timeout after Ns", formatted, never normalised. */
Test(classify, reproducer_signatures_still_match_their_expectations)
{
    static const struct { const char *line, *re; } cases[] = {
        { "fatal error: malloc deadlock", "malloc deadlock" },
        { "fatal error: profiler sampled a running thread", "^fatal error: profiler sampled a running thread" },
        { "fatal error: suspended wrong thread", "^fatal error: suspended wrong thread" },
        { "fatal error: sample charged to wrong thread", "^fatal error: sample charged to wrong thread" },
        { "fatal error: suspended thread still running", "^fatal error: suspended thread still running" },
        { "fatal error: sample on released thread state", "^fatal error: sample on released thread state" },
        { "fatal error: unexpected signal during runtime execution", "unexpected signal" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = classify(fake(1, 2, 0, 0, cases[i].line), RL_OUTCOME_CRASH, NULL, 0);
        char err[128];
        rl_regex_t *re = rl_regex_compile(cases[i].re, err, sizeof err);
        cr_assert(re != NULL, "%s", err);
        cr_assert_eq(rl_regex_search(re, s), 1, "\"%s\" does not match /%s/", s, cases[i].re);
        cr_assert_str_eq(s, cases[i].line, "a message of the runtime changed");
        rl_regex_free(re);
        free(s);
    }
    char *s = classify(fake(1, -1, SIGKILL, 1, "--- FAIL: TestX (10.00s)\n"), RL_OUTCOME_HANG, NULL, 0);
    cr_assert_str_eq(s, "timeout after 2.5s");
    free(s);
}

Test(spawn, capture_keeps_head_and_tail_within_the_bound, .timeout = 60)
{
    char *argv[] = { (char *)getenv("RL_CHILD"), "flood", "10000000", NULL };
    cr_assert_not_null(argv[0]);
    rl_spawn_opts_t o = { .argv = argv, .capture_limit = 4096 };
    rl_proc_result_t r;
    cr_assert_eq(rl_spawn_run(&o, &r), 0);
    cr_assert(r.started);
    cr_assert_eq(r.exit_status, 0);
    cr_assert_eq(r.output_total, 10000000);
    cr_assert_leq(r.output_len, 4096 + 64);
    cr_assert(strstr(r.output, "[racelab: 9995904 bytes omitted]"), "%s", r.output);
    cr_assert_eq(strncmp(r.output, "abcdef", 6), 0, "head lost");
    cr_assert_eq(r.output[r.output_len - 1], '\n', "tail lost");
    rl_proc_result_free(&r);
}

Test(spawn, environment_is_added_and_path_searched, .timeout = 60)
{
    char *argv[] = { "env", NULL };
    char *add[] = { "RACELAB_SEED=123", "HOME=/nowhere", NULL };
    rl_spawn_opts_t o = { .argv = argv, .env_add = add, .capture_limit = 1 << 20 };
    rl_proc_result_t r;
    cr_assert_eq(rl_spawn_run(&o, &r), 0);
    cr_assert(r.started, "%s", r.errmsg);
    cr_assert(strstr(r.output, "RACELAB_SEED=123\n"));
    cr_assert(strstr(r.output, "HOME=/nowhere\n"));
    cr_assert(strstr(r.output, "PATH="), "inherited environment lost");
    rl_proc_result_free(&r);
}

Test(spawn, missing_program_is_not_started, .timeout = 60)
{
    char *argv[] = { "racelab-no-such-program", NULL };
    rl_spawn_opts_t o = { .argv = argv };
    rl_proc_result_t r;
    cr_assert_eq(rl_spawn_run(&o, &r), 0);
    cr_assert_eq(r.started, 0);
    cr_assert(strstr(r.errmsg, "No such file"), "%s", r.errmsg);
    rl_proc_result_free(&r);
}

Test(spawn, timeout_kills_and_reports, .timeout = 60)
{
    char *argv[] = { (char *)getenv("RL_CHILD"), "hang", NULL };
    rl_spawn_opts_t o = { .argv = argv, .timeout_s = 0.3, .capture_stacks = 1 };
    rl_proc_result_t r;
    cr_assert_eq(rl_spawn_run(&o, &r), 0);
    cr_assert(r.timed_out);
    cr_assert_eq(r.term_signal, SIGKILL);
    cr_assert_not_null(r.stacks);
    cr_assert(strstr(r.stacks, "task "), "%s", r.stacks);
    cr_assert(strstr(r.output, "hanging"));
    rl_proc_result_free(&r);
}

Test(spawn, signal_names)
{
    char buf[32];
    cr_assert_str_eq(rl_signal_name(SIGSEGV, buf, sizeof buf), "SIGSEGV");
    cr_assert_str_eq(rl_signal_name(SIGABRT, buf, sizeof buf), "SIGABRT");
    cr_assert_str_eq(rl_signal_name(200, buf, sizeof buf), "signal 200");
    cr_assert_str_eq(rl_exception_name(0xC0000005u, buf, sizeof buf), "EXCEPTION_ACCESS_VIOLATION");
    cr_assert_str_eq(rl_exception_name(0x12345678u, buf, sizeof buf), "exception 0x12345678");
}
