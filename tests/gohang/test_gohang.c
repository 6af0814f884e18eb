/* test_gohang.c - a Go test binary that deadlocks (deadlock_test.go), run
 * by racelab: the hang's log holds the goroutine dump, and the dump names
 * the function each stuck goroutine waits in.  Also: what decides that a
 * program is Go (its executable, `program-kind`, --program-kind) and that
 * GOTRACEBACK=all reaches Go programs only. */
#include "rltest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "racelab_run.h"

#define R (char *)e2e_racelab()

static char *gohang(void)
{
    char *p = getenv("GOHANG_TEST");
    cr_assert(p && *p, "GOHANG_TEST is not set");
    return p;
}

/* The log of the first trial in DIR; every trial there must be a hang. */
static char *hang_log(const char *dir)
{
    rl_trial_list_t l = e2e_read(dir);
    cr_assert_geq(l.n, 1);
    for (size_t i = 0; i < l.n; i++)
        cr_assert_eq(l.trials[i].outcome, RL_OUTCOME_HANG, "the deadlocked test is not a hang");
    cr_assert(l.trials[0].log != NULL, "a hang keeps its log");
    char *log = tf_slurp(l.trials[0].log, NULL);
    cr_assert(log != NULL, "cannot read %s", l.trials[0].log);
    rl_trial_list_free(&l);
    return log;
}

/* The dump names the deadlocked function, stuck in sync.(*Mutex).Lock,
 * in the section the log's first line of diagnostics announces. */
static void assert_goroutine_dump(const char *log)
{
    const char *dump = strstr(log, "== racelab: goroutine dump: SIGQUIT to process");
    cr_assert(dump != NULL, "no goroutine dump in the log:\n%s", log);
    cr_assert(strstr(log, "racelab captured, below in this order: the goroutine dump of "),
              "the log does not say what was captured:\n%.2000s", log);
    cr_assert(strstr(dump, "(GOTRACEBACK=all)"), "GOTRACEBACK is not named:\n%.2000s", dump);
    const char *stuck = strstr(dump, "gohang.transfer(");
    cr_assert(stuck != NULL, "the dump does not name the stuck function:\n%.4000s", dump);
    cr_assert(strstr(dump, "sync.(*Mutex).Lock"), "no goroutine waits on a mutex:\n%.4000s", dump);
    cr_assert(strstr(stuck + 1, "gohang.transfer("), "only one of the two deadlocked goroutines");
    cr_assert(strstr(dump, "[racelab: every process given SIGQUIT exited"),
              "the Go program did not exit after its dump:\n%.4000s", dump);
}

Test(gohang, a_deadlocked_go_test_binary_gets_its_goroutine_dump, .timeout = 120)
{
    e2e_tmpdir();
    char *argv[] = { R, "run", "--trials", "1", "--timeout", "2", "--results", "r", "--",
                     gohang(), "-test.run", "TestTransfer", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 1);
    char *log = hang_log("r");
    assert_goroutine_dump(log);
    /* The dump is diagnostics, not the trial's output: the trial's own
     * lines come first, under == output ==. */
    const char *out = strstr(log, "== output ==");
    cr_assert(out && out < strstr(log, "goroutine dump"), "%.2000s", log);
    free(log);
}

/* A wrapper hides the Go program from the test of the executable:
 * --program-kind go says what it is, and every process of the trial gets
 * SIGQUIT and GOTRACEBACK=all. */
Test(gohang, program_kind_go_reaches_a_go_program_behind_a_wrapper, .timeout = 120)
{
    e2e_tmpdir();
    char *argv[] = { R, "run", "--trials", "1", "--timeout", "2", "--program-kind", "go",
                     "--sigquit-grace", "10s", "--results", "r", "--", "/bin/sh", "-c",
                     "echo \"wrapper sees GOTRACEBACK=$GOTRACEBACK\"; \"$0\" -test.run TestTransfer",
                     gohang(), NULL };
    cr_assert_eq(e2e_run(argv, "out"), 1);
    char *log = hang_log("r");
    cr_assert(strstr(log, "wrapper sees GOTRACEBACK=all"), "%.2000s", log);
    assert_goroutine_dump(log);
    cr_assert(strstr(log, "at most 10s =="), "the grace given is not the one asked for");
    free(log);
}

/* `program-kind native` in a spec: no SIGQUIT, the OS-level stacks only. */
Test(gohang, program_kind_native_takes_the_os_stacks_only, .timeout = 120)
{
    e2e_tmpdir();
    char spec[4096];
    snprintf(spec, sizeof spec,
             "name native\nissue https://example.invalid/native\ncommand %s -test.run TestTransfer\n"
             "timeout 2\ntrials 1\nprogram-kind native\nvariant a a\nvariant b b\n"
             "expect a hang rate >= 0.01\n",
             gohang());
    e2e_write("n.repro", spec);
    char *argv[] = { R, "check", "--fixed-n", "--results", "r", "n.repro", NULL };
    int rc = e2e_run(argv, "out");
    char *out = tf_slurp("out", NULL);
    cr_assert(rc == 0 || rc == 1, "racelab check exited %d:\n%s", rc, out ? out : "");
    free(out);
    char *log = hang_log("r");
    cr_assert(strstr(log, "goroutine dump") == NULL, "a native program got SIGQUIT:\n%.2000s", log);
    cr_assert(strstr(log, "threads of process group"), "no OS-level stacks:\n%.2000s", log);
    free(log);
}

/* GOTRACEBACK is put into a Go program's environment only. */
Test(gohang, a_program_that_is_not_go_gets_no_gotraceback, .timeout = 60)
{
    e2e_tmpdir();
    char *argv[] = { R, "run", "--trials", "1", "--keep-logs", "--results", "r", "--",
                     (char *)e2e_child(), "env", "GOTRACEBACK", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 0);
    rl_trial_list_t l = e2e_read("r");
    cr_assert_eq(l.n, 1);
    char *log = l.trials[0].log ? tf_slurp(l.trials[0].log, NULL) : NULL;
    cr_assert(log != NULL, "no log kept");
    cr_assert(strstr(log, "GOTRACEBACK=all") == NULL && strstr(log, "\nall\n") == NULL,
              "a C program got GOTRACEBACK:\n%s", log);
    free(log);
    rl_trial_list_free(&l);
}
