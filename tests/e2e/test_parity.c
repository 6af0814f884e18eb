/* test_parity.c - racelab run has what check has (signature and ignore
 * patterns, every report, --resume, --max-failures, --quiet), check has
 * an overall --time budget, a resume keeps the plan it was begun with,
 * and the command line's conventions (short options, did-you-mean, rates
 * as percentages). */
#include "rltest.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "racelab_run.h"
#include "testfs.h"
#include "store/results.h"

#define R (char *)e2e_racelab()
#define C (char *)e2e_child()

static char *slurp(const char *path)
{
    char *s = tf_slurp(path, NULL);
    cr_assert(s != NULL, "cannot read %s", path);
    return s;
}

/* Trials of DIR whose signature is exactly sig. */
static long count_sig(const char *dir, const char *sig)
{
    rl_trial_list_t l = e2e_read(dir);
    long n = 0;
    for (size_t i = 0; i < l.n; i++)
        n += l.trials[i].signature && strcmp(l.trials[i].signature, sig) == 0;
    rl_trial_list_free(&l);
    return n;
}

Test(parity, run_signature_and_ignore_patterns, .timeout = 60)
{
    e2e_tmpdir();
    /* A Go test's failure: its own "--- FAIL:" line, a logged line that
     * quotes a panic, and exit status 1. */
    char *plain[] = { R, "run", "-n", "3", "-o", "a", "--", C, "print", "=== RUN   TestX",
                      "    x_test.go:9: saw panic: not really", "--- FAIL: TestX (0.01s)", "--exit", "1", NULL };
    cr_assert_eq(e2e_run(plain, "out"), 1);
    cr_assert_eq(count_sig("a", "--- FAIL: TestX (?s)"), 3, "without patterns: the built-in --- FAIL:");
    /* A spec pattern comes before the built-in ones. */
    char *sig[] = { R, "run", "-n", "3", "-o", "b", "--signature", "_test\\.go:[0-9]+: ", "--", C, "print",
                    "=== RUN   TestX", "    x_test.go:9: saw panic: not really", "--- FAIL: TestX (0.01s)",
                    "--exit", "1", NULL };
    cr_assert_eq(e2e_run(sig, "out"), 1);
    cr_assert_eq(count_sig("b", "x_test.go:9: saw panic: not really"), 3);
    /* A built-in pattern picks the logged line ... */
    char *builtin[] = { R, "run", "-n", "2", "-o", "c", "--", C, "print", "fatal error: expected in the log",
                        "fatal error: the real one", "--exit", "2", NULL };
    cr_assert_eq(e2e_run(builtin, "out"), 1);
    cr_assert_eq(count_sig("c", "fatal error: expected in the log"), 2);
    /* ... unless it is ignored: the next matching line is the signature,
     * and the trial still crashed. */
    char *ign[] = { R, "run", "-n", "2", "-o", "d", "--ignore=in the log$", "--", C, "print",
                    "fatal error: expected in the log", "fatal error: the real one", "--exit", "2", NULL };
    cr_assert_eq(e2e_run(ign, "out"), 1);
    cr_assert_eq(count_sig("d", "fatal error: the real one"), 2);
    char *bad[] = { R, "run", "--signature", "a(b", "--", C, "exit", "0", NULL };
    cr_assert_eq(e2e_run(bad, "out"), 64);
    e2e_assert_file_has("out", "--signature /a(b/");
}

Test(parity, spec_ignore_keyword, .timeout = 60)
{
    e2e_tmpdir();
    char text[1024];
    snprintf(text, sizeof text,
             "name ign\nissue https://example.invalid/ign\ncommand %s print\nignore /^log:/\ntrials 4\n"
             "variant a 'log: panic: expected' 'panic: real' --exit 2\nvariant b ok\n"
             "expect a crash /^panic: real/ rate >= 0.3\nexpect b no-crash upper <= 0.9\n", e2e_child());
    e2e_write("s.repro", text);
    char *argv[] = { R, "check", "-j", "2", "--fixed-n", "-o", "r", "s.repro", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 0);
    cr_assert_eq(count_sig("r", "panic: real"), 4);
}

Test(parity, run_writes_every_report, .timeout = 60)
{
    e2e_tmpdir();
    char *argv[] = { R, "run", "-n", "4", "-j", "2", "-o", "r", "--json", "r.json", "--junit", "r.xml",
                     "--markdown", "r.md", "--html", "r.html", "--", C, "print", "fatal error: x", "--exit",
                     "2", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 1);
    char *j = slurp("r.json");
    cr_assert(strstr(j, "\"name\":\"run\"") && strstr(j, "\"crash\":4"), "%s", j);
    free(j);
    char *x = slurp("r.xml");
    cr_assert(strstr(x, "tests=\"1\" failures=\"1\" errors=\"0\"") && strstr(x, "every trial passes") &&
              strstr(x, "4x fatal error: x"), "%s", x);
    free(x);
    char *m = slurp("r.md");
    cr_assert(strstr(m, "fatal error: x"), "%s", m);
    free(m);
    char *h = slurp("r.html");
    cr_assert(strstr(h, "fatal error: x") && strstr(h, "</html>"), "%s", h);
    free(h);
    /* A passing run's JUnit passes. */
    char *ok[] = { R, "run", "-n", "2", "-o", "p", "--junit", "p.xml", "--", C, "exit", "0", NULL };
    cr_assert_eq(e2e_run(ok, "out"), 0);
    x = slurp("p.xml");
    cr_assert(strstr(x, "tests=\"1\" failures=\"0\" errors=\"0\"") && !strstr(x, "<failure"), "%s", x);
    free(x);
}

Test(parity, run_quiet_prints_only_the_closing_line, .timeout = 60)
{
    e2e_tmpdir();
    char *argv[] = { R, "run", "-q", "-n", "2", "-o", "r", "--", C, "exit", "0", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 0);
    char *o = slurp("out");
    cr_assert(strncmp(o, "racelab: PASS: 2 trials in ", 27) == 0 && strstr(o, "s; results in r\n") &&
              strchr(o, '\n')[1] == '\0', "%s", o);
    free(o);
}

Test(parity, run_max_failures_stops_starting_trials, .timeout = 60)
{
    e2e_tmpdir();
    char *argv[] = { R, "run", "-n", "1000", "-j", "1", "-o", "r", "--max-failures", "3", "--", C, "exit",
                     "1", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 1);
    cr_assert_eq(tf_count_lines("r/trials.jsonl"), 3, "one job: exactly 3 trials");
    e2e_assert_file_has("out", "stopped after 3 failures (--max-failures 3)");
    /* A resume counts the recorded failures: nothing more starts. */
    char *resume[] = { R, "run", "--resume", "r", NULL };
    cr_assert_eq(e2e_run(resume, "out2"), 1);
    cr_assert_eq(tf_count_lines("r/trials.jsonl"), 3);
}

Test(parity, run_resume_after_sigkill_completes_the_run, .timeout = 120)
{
    e2e_tmpdir();
    /* Slow enough to be killed part way: every trial sleeps first. */
    char *slow[] = { R, "run", "-n", "30", "-j", "2", "-o", "r", "--seed", "7", "--signature", "^zz",
                     "--", "/bin/sh", "-c", "sleep 0.05; echo zz $RACELAB_SEED; exit 3", NULL };
    pid_t p = e2e_start(slow, "out1");
    e2e_await_lines("r/trials.jsonl", 4);
    kill(p, SIGKILL);
    e2e_wait(p);
    long before = tf_count_lines("r/trials.jsonl");
    cr_assert(before >= 4 && before < 30, "%ld trials before the kill", before);
    /* A command or a shaping option beside --resume is refused. */
    char *again[] = { R, "run", "--resume", "r", "-n", "5", NULL };
    cr_assert_eq(e2e_run(again, "out2"), 64);
    char *resume[] = { R, "run", "--resume", "r", "-j", "3", "--junit", "r.xml", NULL };
    int rc = e2e_run(resume, "out3");
    char *o3 = slurp("out3");
    cr_assert_eq(rc, 1, "%s", o3);
    free(o3);
    e2e_assert_file_has("out3", "recorded before this resume");
    rl_trial_list_t l = e2e_read("r");
    cr_assert_eq(l.n, 30);
    unsigned char seen[30] = { 0 };
    for (size_t i = 0; i < l.n; i++) {
        cr_assert(l.trials[i].index >= 0 && l.trials[i].index < 30);
        cr_assert_eq(seen[l.trials[i].index], 0, "trial %ld twice", l.trials[i].index);
        seen[l.trials[i].index] = 1;
        /* the signature pattern came back from DIR/history */
        cr_assert(l.trials[i].signature && strncmp(l.trials[i].signature, "zz ", 3) == 0, "%s", l.trials[i].signature);
    }
    rl_trial_list_free(&l);
    char *x = slurp("r.xml");
    cr_assert(strstr(x, "30 trials: 0 pass, 30 crash"), "%s", x);
    free(x);
}

Test(parity, check_time_budget_reports_undecided, .timeout = 60)
{
    e2e_tmpdir();
    /* fixed never crashes, but 2000 trials of 20 ms at one job need far
     * more than the budget: its no-crash bound cannot be decided in it. */
    char text[1024];
    snprintf(text, sizeof text,
             "name slow\nissue https://example.invalid/slow\ncommand %s sleepms 20\ntrials 5000\n"
             "variant a --exit 0\nvariant b --exit 00\n"
             "expect a no-crash upper <= 0.001\nexpect b no-crash upper <= 0.001\n", e2e_child());
    e2e_write("s.repro", text);
    char *argv[] = { R, "check", "-j", "1", "--time", "1s", "-o", "r", "--junit", "j.xml", "s.repro", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 3);
    e2e_assert_file_has("out", "undecided: the time budget (--time) ended after");
    e2e_assert_file_has("out", "racelab: UNDECIDED:");
    long n = tf_count_lines("r/trials.jsonl");
    cr_assert(n > 0 && n < 10000, "%ld trials", n);
    char *x = slurp("j.xml");
    cr_assert(strstr(x, "failures=\"0\" errors=\"2\""), "%s", x);
    free(x);
    char *bad[] = { R, "check", "--time", "soon", "s.repro", NULL };
    cr_assert_eq(e2e_run(bad, "out"), 64);
}

Test(parity, check_resume_keeps_fixed_n_and_jobs, .timeout = 120)
{
    e2e_tmpdir();
    /* Under sequential stopping "b" (never crashes) would stop early;
     * with --fixed-n it runs all 40.  The resume names no option. */
    e2e_write_spec("s.repro", "slow", "sleepms 30", 40);
    char *argv[] = { R, "check", "-j", "2", "--fixed-n", "-o", "r", "s.repro", NULL };
    pid_t p = e2e_start(argv, "out1");
    e2e_await_lines("r/trials.jsonl", 6);
    kill(p, SIGINT);
    cr_assert_eq(e2e_wait(p), 130);
    e2e_assert_file_has("out1", "racelab check --resume r (it keeps --fixed-n, --shard 0/1, --jobs 2");
    char *resume[] = { R, "check", "--resume", "r", NULL };
    cr_assert_eq(e2e_run(resume, "out2"), 0);
    e2e_assert_file_has("out2", "resuming r with --fixed-n, shard 0/1, 2 jobs");
    e2e_assert_file_has("out2", "fixed N: 80 trials");
    e2e_assert_complete("r", 80, 1);
}

Test(parity, did_you_mean_and_short_options, .timeout = 30)
{
    e2e_tmpdir();
    char *typo[] = { R, "run", "--trails", "3", "--", C, "exit", "0", NULL };
    cr_assert_eq(e2e_run(typo, "out"), 64);
    e2e_assert_file_has("out", "unknown option '--trails'; did you mean '--trials'?");
    char *typo2[] = { R, "check", "--jbos=2", "x.repro", NULL };
    cr_assert_eq(e2e_run(typo2, "out"), 64);
    e2e_assert_file_has("out", "did you mean '--jobs'?");
    char *cmd[] = { R, "chekc", NULL };
    cr_assert_eq(e2e_run(cmd, "out"), 64);
    e2e_assert_file_has("out", "unknown command 'chekc'; did you mean 'check'?");
    char *far[] = { R, "run", "--frobnicate", "--", C, "exit", "0", NULL };
    cr_assert_eq(e2e_run(far, "out"), 64);
    char *o = slurp("out");
    cr_assert(!strstr(o, "did you mean"), "%s", o);
    free(o);
    char *shorts[] = { R, "run", "-n2", "-j=1", "-s", "5", "-o", "r", "-q", "--", C, "exit", "0", NULL };
    cr_assert_eq(e2e_run(shorts, "out"), 0);
    cr_assert_eq(tf_count_lines("r/trials.jsonl"), 2);
    cr_assert_eq(fault_base_seed("r"), 5);
}

Test(parity, plan_takes_percentages, .timeout = 30)
{
    e2e_tmpdir();
    char *a[] = { R, "plan", "--buggy-rate", "0.3", "--bound", "0.01", NULL };
    char *b[] = { R, "plan", "--buggy-rate", "30%", "--bound", "1%", "--confidence", "95%", NULL };
    cr_assert_eq(e2e_run(a, "a"), 0);
    cr_assert_eq(e2e_run(b, "b"), 0);
    char *x = slurp("a"), *y = slurp("b");
    cr_assert_str_eq(x, y);
    free(x);
    free(y);
    char *c[] = { R, "plan", "--buggy-rate", "130%", "--bound", "1%", NULL };
    cr_assert_eq(e2e_run(c, "c"), 64);
}

Test(parity, version_names_the_build, .timeout = 30)
{
    e2e_tmpdir();
    char *argv[] = { R, "--version", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 0);
    char *o = slurp("out");
    cr_assert(strncmp(o, "racelab 0.", 10) == 0, "%s", o);
    static const char *const facts[] = { "\n  source:   ", "\n  compiler: ", "\n  build:    ", "\n  platform: " };
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
        const char *f = strstr(o, facts[i]);
        cr_assert(f && f[strlen(facts[i])] != '\n' && f[strlen(facts[i])] != '\0', "%s missing: %s", facts[i], o);
    }
    free(o);
}

/* A program that is not there: an error naming the program, the build
 * directory and where racelab ran, and exit 3, never a verdict. */
Test(parity, run_of_a_missing_program_is_undecided_and_says_where, .timeout = 30)
{
    e2e_tmpdir();
    char *argv[] = { R, "run", "-n", "2", "-b", "mybuild", "-o", "r", "--junit", "j.xml", "--",
                     "./not-there", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 3);
    e2e_assert_file_has("out", "could not start: ./not-there:");
    e2e_assert_file_has("out", "(--build mybuild, run in /");
    e2e_assert_file_has("out", "racelab: UNDECIDED: 2 trials");
    e2e_assert_file_has("j.xml", "failures=\"0\" errors=\"1\"");
}
