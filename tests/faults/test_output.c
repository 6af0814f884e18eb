/* test_output.c - what trials print and how they die: a gigabyte on stdout
 * and stderr, output closed early, invalid UTF-8, real faults by signal and
 * Go runtime crash texts.  racelab's memory stays bounded, the capture
 * keeps head and tail, the outcome and signature are right, and what
 * racelab writes stays valid (JSON lines, JSON and JUnit reports). */
#include "rltest.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "racelab_run.h"

#define R (char *)e2e_racelab()
#define F (char *)e2e_child()

#define FLOOD_MIB 1024L
#define CAPTURE (64 * 1024)

/* One trial of rl-child MODE ARG (a flood that crashes) under `racelab run`
 * in a fresh directory; checks racelab's exit status 1 and returns its peak
 * resident set in KiB. */
static long run_flood(const char *mode, const char *arg)
{
    e2e_tmpdir();
    char *argv[] = { R, "run", "--trials", "1", "--timeout", "240", "--results", "res", "--",
                     F, (char *)mode, (char *)arg, NULL };
    long rss = 0;
    int rc = fault_wait(e2e_start(argv, "out"), &rss);
    cr_assert_eq(rc, 1, "racelab exited %d", rc);
    return rss;
}

Test(output, gigabyte_on_stdout_and_stderr_keeps_head_tail_and_bounded_memory, .timeout = 300)
{
    long rss = run_flood("flood2", "1024");
    /* racelab's peak (wait4 covers it and the trial it reaped); the trial's
     * own buffer is 1 MiB. */
    cr_assert_lt(rss, 32 * 1024, "racelab grew to %ld KiB for a %ld MiB flood", rss, FLOOD_MIB);
    rl_trial_list_t l = e2e_read("res");
    cr_assert_eq(l.n, 1);
    cr_assert_eq(l.trials[0].outcome, RL_OUTCOME_CRASH);
    cr_assert_eq(l.trials[0].exit_status, 3);
    cr_assert_str_eq(l.trials[0].signature, "fatal error: flood done",
                     "the signature from the tail of the output was lost");
    size_t len;
    char *log = tf_slurp(l.trials[0].log, &len);
    cr_assert_not_null(log);
    char *out = strstr(log, "== output ==\n");
    cr_assert_not_null(out);
    out += 13;
    cr_assert_eq(strncmp(out, "HEAD-MARK\n", 10), 0, "the head of the output is lost");
    long long total = FLOOD_MIB * 1048576LL + 10 + 24;
    char marker[96];
    snprintf(marker, sizeof marker, "[racelab: %lld bytes omitted]\n", total - CAPTURE);
    cr_assert_not_null(strstr(out, marker), "no exact omission marker %s", marker);
    const char *tail = "TAIL-MARK\nfatal error: flood done\n";
    char *end = strstr(out, tail);
    cr_assert(end && end[strlen(tail)] == '\0', "the tail of the output is lost");
    char want[64];
    snprintf(want, sizeof want, "%lld bytes of output", total);
    cr_assert_not_null(strstr(log, want), "the log does not count every byte");
    free(log);
    rl_trial_list_free(&l);
}

Test(output, closing_stdout_and_stderr_early_still_ends_right, .timeout = 120)
{
    e2e_tmpdir();
    char *exits[] = { R, "run", "--trials", "2", "--jobs", "1", "--timeout", "30", "--results",
                      "a", "--", F, "closeearly", "300", "3", NULL };
    char *hangs[] = { R, "run", "--trials", "1", "--timeout", "1", "--results", "b", "--",
                      F, "closeearly", "0", "hang", NULL };
    cr_assert_eq(e2e_run(exits, "o1"), 1);
    cr_assert_eq(e2e_run(hangs, "o2"), 1);
    rl_trial_list_t a = e2e_read("a"), b = e2e_read("b");
    cr_assert_eq(a.n, 2);
    for (size_t i = 0; i < a.n; i++) {
        cr_assert_eq(a.trials[i].outcome, RL_OUTCOME_CRASH);
        cr_assert_str_eq(a.trials[i].signature, "exit status 3",
                         "the end of output was taken for the end of the trial");
        char *log = tf_slurp(a.trials[i].log, NULL);
        cr_assert(log && strstr(log, "closing stdout and stderr\n"));
        free(log);
    }
    cr_assert_eq(b.n, 1);
    cr_assert_eq(b.trials[0].outcome, RL_OUTCOME_HANG);
    rl_trial_list_free(&a);
    rl_trial_list_free(&b);
}

static void assert_python(const char *code, const char *file)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "python3 -c '%s' %s", code, file);
    cr_assert_eq(system(cmd), 0, "%s is not valid", file);
}

Test(output, invalid_utf8_is_kept_exactly_and_files_stay_valid, .timeout = 120)
{
    e2e_tmpdir();
    char spec[1024];
    snprintf(spec, sizeof spec,
             "name utf\nissue https://example.invalid/utf\ncommand %s\ntrials 3\n"
             "variant buggy badutf8 buggy\nvariant fixed badutf8 fixed\n"
             "expect buggy crash /bad bytes/ rate >= 0.2\nexpect fixed no-crash upper <= 0.9\n", F);
    e2e_write("u.repro", spec);
    char *argv[] = { R, "check", "--fixed-n", "--jobs", "2", "--results", "r", "--json", "r.json",
                     "--junit", "r.xml", "--markdown", "r.md", "--html", "r.html", "u.repro", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 1);
    rl_trial_list_t l = e2e_read("r");
    cr_assert_eq(l.n, 6);
    const char *want = "fatal error: bad bytes \xff\xfe here \xc3\x28 and \xe2\x82 end\x01";
    for (size_t i = 0; i < l.n; i++)
        cr_assert_str_eq(l.trials[i].signature, want, "the signature's bytes changed");
    rl_trial_list_free(&l);
    size_t n;
    char *s = tf_slurp("r/trials.jsonl", &n);
    cr_assert(s && tf_utf8_valid(s, n), "trials.jsonl is not valid UTF-8");
    free(s);
    const char *names[] = { "r.json", "r.xml", "r.md", "r.html" };
    for (size_t i = 0; i < 4; i++) {
        s = tf_slurp(names[i], &n);
        cr_assert(s && tf_utf8_valid(s, n), "%s is not valid UTF-8", names[i]);
        free(s);
    }
    assert_python("import json,sys\nfor l in open(sys.argv[1], encoding=\"utf-8\"): json.loads(l)",
                  "r/trials.jsonl");
    assert_python("import json,sys; json.load(open(sys.argv[1], encoding=\"utf-8\"))", "r.json");
    assert_python("import sys,xml.etree.ElementTree as E; E.parse(sys.argv[1])", "r.xml");
    assert_python("import sys,xml.etree.ElementTree as E; E.parse(sys.argv[1])", "r.html");
}

static void expect_sig(const char *mode, const char *arg, const char *want)
{
    char *argv[] = { R, "run", "--trials", "1", "--timeout", "30", "--results", "res", "--",
                     F, (char *)mode, (char *)arg, NULL };
    cr_assert(system("rm -rf res") == 0);
    int rc = e2e_run(argv, "out");
    cr_assert_eq(rc, 1, "%s %s: racelab exited %d", mode, arg, rc);
    rl_trial_list_t l = e2e_read("res");
    cr_assert_eq(l.n, 1);
    cr_assert_eq(l.trials[0].outcome, RL_OUTCOME_CRASH, "%s %s", mode, arg);
    cr_assert_str_eq(l.trials[0].signature, want, "%s %s", mode, arg);
    rl_trial_list_free(&l);
}

Test(output, real_faults_are_classified_by_signal, .timeout = 120)
{
    e2e_tmpdir();
    expect_sig("fault", "segv", "signal SIGSEGV");
    expect_sig("fault", "bus", "signal SIGBUS");
    expect_sig("fault", "fpe", "signal SIGFPE");
    expect_sig("fault", "ill", "signal SIGILL");
    expect_sig("fault", "abort", "signal SIGABRT");
    expect_sig("fault", "kill", "signal SIGKILL");
    expect_sig("fault", "term", "signal SIGTERM");
}

Test(output, go_crash_texts_give_their_first_line, .timeout = 120)
{
    e2e_tmpdir();
    expect_sig("gocrash", "fatal", "fatal error: malloc deadlock");
    expect_sig("gocrash", "signal", "fatal error: unexpected signal during runtime execution");
    expect_sig("gocrash", "panic",
               "panic: runtime error: invalid memory address or nil pointer dereference");
    rl_trial_list_t l = e2e_read("res");
    cr_assert_eq(l.trials[0].exit_status, 2);
    cr_assert_eq(l.trials[0].term_signal, 0);
    rl_trial_list_free(&l);
}

/* racelab check on a spec whose buggy variant is the buried crash: the
 * crash expectation `crash RE` holds, every trial has signature want. */
static void check_buried(const char *re, const char *sig_pattern, const char *want)
{
    char text[2048];
    snprintf(text, sizeof text,
             "name buried\nissue https://example.invalid/buried\ncommand %s\n"
             "timeout 30\ntrials 5\n%s%s%s"
             "variant buggy goburied 10000 8000\nvariant fixed work 0 seeds.txt\n"
             "expect buggy crash %s rate >= 0.2\nexpect fixed no-crash upper <= 0.9\n",
             F, sig_pattern ? "signature " : "", sig_pattern ? sig_pattern : "",
             sig_pattern ? "\n" : "", re);
    e2e_write("buried.repro", text);
    cr_assert(system("rm -rf r3") == 0);
    char *check[] = { R, "check", "--results", "r3", "buried.repro", NULL };
    int rc = e2e_run(check, "out3");
    char *o = tf_slurp("out3", NULL);
    cr_assert_eq(rc, 0, "check with crash %s exited %d:\n%s", re, rc, o ? o : "");
    free(o);
    rl_trial_list_t l = e2e_read("r3");
    /* sequential stopping may end a variant early: count what ran */
    size_t buggy = 0;
    for (size_t i = 0; i < l.n; i++) {
        if (strcmp(l.trials[i].variant, "buggy") != 0) {
            cr_assert_eq(l.trials[i].outcome, RL_OUTCOME_PASS);
            continue;
        }
        buggy++;
        cr_assert_eq(l.trials[i].outcome, RL_OUTCOME_CRASH);
        cr_assert_str_eq(l.trials[i].signature, want);
    }
    cr_assert_geq(buggy, 1);
    rl_trial_list_free(&l);
}

/* The faults reproduction: more than the 32 KiB head of log lines, the
 * fatal line (split across two writes), more than the 32 KiB tail of
 * goroutine traces.  The fatal line is in the omitted middle, yet it is
 * the signature, a spec's own signature pattern finds its line there too,
 * and `crash /malloc deadlock/` counts the trial. */
Test(output, fatal_line_in_the_omitted_middle_is_the_signature, .timeout = 120)
{
    e2e_tmpdir();
    char *argv[] = { R, "run", "--trials", "1", "--timeout", "30", "--results", "r2", "--",
                     F, "goburied", "10000", "8000", NULL };
    cr_assert_eq(e2e_run(argv, "out2"), 1);
    rl_trial_list_t l = e2e_read("r2");
    cr_assert_eq(l.n, 1);
    cr_assert_str_eq(l.trials[0].signature, "fatal error: malloc deadlock");
    char *log = tf_slurp(l.trials[0].log, NULL);
    char *out = log ? strstr(log, "== output ==\n") : NULL;
    cr_assert(out && strstr(out, "bytes omitted]") && !strstr(out, "malloc deadlock"),
              "the fatal line must be in the omitted middle for this test to mean anything");
    free(log);
    rl_trial_list_free(&l);

    check_buried("/malloc deadlock/", NULL, "fatal error: malloc deadlock");
    check_buried("/mallocing/", "/m=[0-9]+ mallocing/", "runtime: m=N mallocing=1");
}

/* Every line of a 256 MiB flood matches a built-in pattern: racelab keeps
 * one line per pattern, no more, and its memory stays bounded. */
Test(output, flood_of_matching_lines_stays_bounded, .timeout = 300)
{
    long rss = run_flood("matchflood", "256");
    cr_assert_lt(rss, 32 * 1024, "racelab grew to %ld KiB", rss);
    rl_trial_list_t l = e2e_read("res");
    cr_assert_eq(l.n, 1);
    cr_assert_str_eq(l.trials[0].signature, "fatal error: flood line 0");
    rl_trial_list_free(&l);
}
