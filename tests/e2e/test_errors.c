/* test_errors.c - trials that could not run, end to end: a program that is
 * not there, a wrapper that says "the trial did not start" (marker line
 * and exit status 125) for some trials while the others pass or crash, and
 * a program stopped (SIGSTOP) when its timeout came.
 * Such trials are errors: never a pass, never the program's crash; a check
 * they leave undecided exits 3 and JUnit counts them as errors. */
#include "rltest.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "racelab_run.h"
#include "testfs.h"
#include "store/results.h"

#define R (char *)e2e_racelab()

static char *slurp(const char *path)
{
    char *s = tf_slurp(path, NULL);
    cr_assert(s != NULL, "cannot read %s", path);
    return s;
}

/* The wrapper: `wrap.sh TAG K PROGRAM ARGS...` says the first K trials
 * tagged TAG did not start (mkdir is atomic, so exactly K do), and runs
 * the others' PROGRAM as it is. */
static void write_wrapper(void)
{
    e2e_write("wrap.sh",
              "tag=$1; k=$2; shift 2\n"
              "i=1\n"
              "while [ \"$i\" -le \"$k\" ]; do\n"
              "    if mkdir \"errs-$tag-$i\" 2>/dev/null; then\n"
              "        echo \"racelab: trial did not start: the test's wrapper refused ($tag)\" >&2\n"
              "        exit 125\n"
              "    fi\n"
              "    i=$((i + 1))\n"
              "done\n"
              "exec \"$@\"\n");
}

/* buggy always crashes with the signature, fixed runs fixed_args; the
 * wrapper fails the first bk buggy and fk fixed trials. */
static void write_wrapped_spec(const char *path, int bk, const char *fixed_args, int fk)
{
    char text[2048];
    snprintf(text, sizeof text,
             "name wrapped\nissue https://example.invalid/wrapped\ncommand /bin/sh wrap.sh\n"
             "timeout 10\ntrials 40\n"
             "variant buggy b %d %s print \"fatal error: malloc deadlock\" --exit 2\n"
             "variant fixed f %d %s %s\n"
             "expect buggy crash /malloc deadlock/ rate >= 0.5\n"
             "expect fixed no-crash upper <= 0.6\n",
             bk, e2e_child(), fk, e2e_child(), fixed_args);
    e2e_write(path, text);
    write_wrapper();
}

static long count_outcome(const char *dir, const char *variant, rl_outcome_t o, const char *sig_part)
{
    rl_trial_list_t l = { 0 };
    char err[512];
    cr_assert(rl_results_read(dir, &l, err, sizeof err) == 0, "%s", err);
    long n = 0;
    for (size_t i = 0; i < l.n; i++)
        if (!strcmp(l.trials[i].variant, variant) && l.trials[i].outcome == o &&
            (!sig_part || (l.trials[i].signature && strstr(l.trials[i].signature, sig_part))))
            n++;
    rl_trial_list_free(&l);
    return n;
}

Test(errors, missing_program_is_undecided_naming_program_and_build, .timeout = 60)
{
    const char *dir = e2e_tmpdir();
    e2e_write("t.repro",
              "name missing\nissue https://example.invalid/missing\ncommand {build}/scenarios/nope\n"
              "timeout 10\ntrials 300\nvariant buggy --guard=target\nvariant fixed --guard=self\n"
              "expect buggy crash /malloc deadlock/ rate >= 0.9\n"
              "expect fixed no-crash upper <= 0.01\n");
    char *argv[] = { R, "check", "--jobs", "2", "--build", "wrongbuild", "--results", "r", "--junit", "j.xml",
                     "--json", "j.json", "--markdown", "j.md", "t.repro", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 3, "undecided: exit 3");
    char *x = slurp("j.xml");
    cr_assert(strstr(x, "<testsuites name=\"racelab\" tests=\"2\" failures=\"0\" errors=\"2\""), "%s", x);
    cr_assert(strstr(x, "<error type=\"trials-could-not-run\""), "%s", x);
    cr_assert_null(strstr(x, "<failure"), "%s", x);
    char want[1024];
    snprintf(want, sizeof want, "could not start: wrongbuild/scenarios/nope: No such file or directory "
                                "(--build wrongbuild, run in %s)", dir);
    cr_assert(strstr(x, want), "no %s in %s", want, x);
    char *o = slurp("out");
    cr_assert(strstr(o, want), "%s", o);
    cr_assert(strstr(o, "undecided: 10 trials could not run, none ran"), "gives up after 10: %s", o);
    cr_assert(strstr(o, "trials could not run (setup or infrastructure errors"), "%s", o);
    cr_assert(strstr(o, "racelab: UNDECIDED:"), "%s", o);
    cr_assert_null(strstr(o, "SPRT"), "errors are not a verdict: %s", o);
    char *js = slurp("j.json");
    cr_assert(strstr(js, "\"undecided\":true,\"errors\":2"), "%s", js); /* 20 or 21: two jobs */
    cr_assert(strstr(js, "\"result\":\"undecided\""), "%s", js);
    char *md = slurp("j.md");
    cr_assert(strstr(md, ": UNDECIDED"), "%s", md);
    free(x);
    free(o);
    free(js);
    free(md);
}

Test(errors, wrapper_errors_are_left_out_when_the_verdict_stands, .timeout = 120)
{
    e2e_tmpdir();
    write_wrapped_spec("t.repro", 3, "exit 0", 0);
    char *argv[] = { R, "check", "--jobs", "2", "--results", "r", "--junit", "j.xml", "t.repro", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 0, "decided by the trials that ran");
    cr_assert_eq(count_outcome("r", "buggy", RL_OUTCOME_ERROR, "did not start: the test's wrapper refused (b)"),
                 3);
    cr_assert_eq(count_outcome("r", "buggy", RL_OUTCOME_CRASH, NULL) > 0, 1);
    char *o = slurp("out");
    cr_assert(strstr(o, "3 trials could not run, not counted"), "%s", o);
    cr_assert(strstr(o, "racelab: PASS:"), "%s", o);
    char *x = slurp("j.xml");
    cr_assert(strstr(x, "failures=\"0\" errors=\"0\""), "%s", x);
    free(o);
    free(x);
}

Test(errors, wrapper_errors_that_matter_leave_the_check_undecided, .timeout = 120)
{
    e2e_tmpdir();
    /* two fixed trials never ran: they might have crashed */
    write_wrapped_spec("t.repro", 0, "exit 0", 2);
    char *argv[] = { R, "check", "--jobs", "2", "--results", "r", "--junit", "j.xml", "--html", "j.html",
                     "t.repro", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 3);
    cr_assert_eq(count_outcome("r", "fixed", RL_OUTCOME_ERROR, "did not start:"), 2);
    cr_assert_eq(count_outcome("r", "fixed", RL_OUTCOME_CRASH, NULL), 0, "an error is not a crash");
    char *o = slurp("out");
    cr_assert(strstr(o, "undecided: 2 trials could not run (did not start: the test's wrapper refused (f))"),
              "%s", o);
    cr_assert(strstr(o, "racelab: UNDECIDED:"), "%s", o);
    char *x = slurp("j.xml");
    cr_assert(strstr(x, "tests=\"2\" failures=\"0\" errors=\"1\""), "%s", x);
    char *h = slurp("j.html");
    cr_assert(strstr(h, "UNDECIDED"), "html names the verdict");
    free(o);
    free(x);
    free(h);
    /* merged, the same trials give the same verdict */
    char *m[] = { R, "merge", "--quiet", "r", NULL };
    cr_assert_eq(e2e_run(m, "mout"), 3);
}

Test(errors, a_real_crash_fails_even_with_errors, .timeout = 120)
{
    e2e_tmpdir();
    write_wrapped_spec("t.repro", 0, "exit 5", 2);
    char *argv[] = { R, "check", "--jobs", "2", "--results", "r", "--junit", "j.xml", "t.repro", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 1);
    char *x = slurp("j.xml");
    cr_assert(strstr(x, "failures=\"1\" errors=\"0\""), "%s", x);
    free(x);
}

Test(errors, exit_125_without_the_marker_is_a_crash, .timeout = 60)
{
    e2e_tmpdir();
    e2e_write("w.sh", "echo 'no marker here' >&2; exit 125\n");
    e2e_write("m.sh", "echo 'racelab: trial did not start: but exits 1' >&2; exit 1\n");
    char *a[] = { R, "run", "--trials", "2", "--results", "a", "--", "/bin/sh", "w.sh", NULL };
    char *b[] = { R, "run", "--trials", "2", "--results", "b", "--", "/bin/sh", "m.sh", NULL };
    cr_assert_eq(e2e_run(a, "aout"), 1);
    cr_assert_eq(e2e_run(b, "bout"), 1);
    cr_assert_eq(count_outcome("a", "", RL_OUTCOME_CRASH, "exit status 125"), 2);
    cr_assert_eq(count_outcome("b", "", RL_OUTCOME_CRASH, NULL), 2);
}

/* A process stopped by SIGSTOP cannot run on: at the timeout racelab finds
 * every thread of it in state T and calls the trial an error (stopped from
 * outside), not a hang; a program that sleeps past the same timeout is
 * still a hang.  (Under Wine the stop comes from the server's ptrace, see
 * docs/windows.md; here the process stops itself.) */
Test(errors, a_stopped_program_is_an_error_not_a_hang, .timeout = 60)
{
    e2e_tmpdir();
    e2e_write("stop.sh", "kill -STOP $$\n");
    e2e_write("sleep.sh", "sleep 30\n");
    char *stop[] = { R, "run", "-n", "2", "-j", "2", "--timeout", "1", "--results", "rs", "--", "/bin/sh",
                     "stop.sh", NULL };
    int rc = e2e_run(stop, "out-stop");
    char *o = slurp("out-stop");
    cr_assert_neq(rc, 0, "errors are not passes: %s", o);
    cr_assert_eq(count_outcome("rs", "", RL_OUTCOME_ERROR,
                               "stopped from outside: every thread stopped (state T) at the timeout"), 2,
                 "both trials are errors: %s", o);
    cr_assert_eq(count_outcome("rs", "", RL_OUTCOME_HANG, NULL), 0, "%s", o);
    char *log = tf_slurp("rs/logs/run-0.log", NULL);
    cr_assert(log && strstr(log, "was stopped at the timeout: 1 of its 1 live threads in state T"),
              "the log says what was found: %s", log ? log : "(no log)");
    char *sleep[] = { R, "run", "-n", "1", "--timeout", "1", "--results", "rh", "--", "/bin/sh", "sleep.sh",
                      NULL };
    e2e_run(sleep, "out-sleep");
    cr_assert_eq(count_outcome("rh", "", RL_OUTCOME_HANG, "timeout after 1s"), 1,
                 "a sleeping program still hangs");
    free(o);
    free(log);
}
