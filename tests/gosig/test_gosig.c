/* test_gosig.c - a Go test binary's failures (go/failures_test.go) under
 * racelab run with only the built-in signatures: each kind of failure is
 * one bucket, its durations and indices normalised, across trials that
 * printed different ones; every report shows the first trial's line as
 * printed when it differs from the signature. */
#include "rltest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "racelab_run.h"

#define R (char *)e2e_racelab()
#define TRIALS 4

static char *binary(const char *var)
{
    char *p = getenv(var);
    cr_assert(p && *p, "%s is not set", var);
    return p;
}

/* racelab run of TRIALS trials (base seed 1, so the trials' seeds are
 * always the same) of the one test named run, every report written;
 * extra (may be NULL) is one more argument for the test binary.  Returns
 * the trials, which must all have crashed. */
static rl_trial_list_t run_test(const char *bin, const char *run, const char *extra)
{
    e2e_tmpdir();
    char *argv[] = { R, "run", "-n", "4", "-j", "2", "--seed", "1", "--timeout", "60", "-o", "r",
                     "--json", "r.json", "--junit", "r.xml", "--markdown", "r.md", "--html", "r.html", "--",
                     (char *)bin, "-test.run", (char *)run, (char *)extra, NULL };
    cr_assert_eq(e2e_run(argv, "out"), 1, "racelab run did not report failures");
    rl_trial_list_t l = e2e_read("r");
    cr_assert_eq(l.n, TRIALS);
    for (size_t i = 0; i < l.n; i++)
        cr_assert_eq(l.trials[i].outcome, RL_OUTCOME_CRASH, "trial %ld: %s", l.trials[i].index,
                     l.trials[i].signature ? l.trials[i].signature : "(none)");
    return l;
}

/* Every trial has the signature sig (want_prefix: begins with it), the
 * same for all: one bucket. */
static void assert_one_bucket(const rl_trial_list_t *l, const char *sig, int want_prefix)
{
    for (size_t i = 0; i < l->n; i++) {
        const char *s = l->trials[i].signature;
        cr_assert(s != NULL);
        if (want_prefix)
            cr_assert(strncmp(s, sig, strlen(sig)) == 0, "signature \"%s\", want \"%s...\"", s, sig);
        else
            cr_assert_str_eq(s, sig);
        cr_assert_str_eq(s, l->trials[0].signature, "two buckets");
    }
}

/* The trial of the lowest index. */
static const rl_trial_t *first_trial(const rl_trial_list_t *l)
{
    const rl_trial_t *f = &l->trials[0];
    for (size_t i = 1; i < l->n; i++)
        if (l->trials[i].index < f->index)
            f = &l->trials[i];
    return f;
}

/* The run's output and every report show the first trial's line as
 * printed (exactly where the format needs no escape for it; markdown
 * escapes brackets, so there its first 20 bytes). */
static void assert_reports_show(const char *printed)
{
    char want[400], head[64];
    snprintf(want, sizeof want, "as printed: %s\n", printed);
    e2e_assert_file_has("out", want);
    snprintf(want, sizeof want, "\"first_printed\":\"%s\"", printed);
    e2e_assert_file_has("r.json", want);
    snprintf(want, sizeof want, "as printed: <code>%s</code>", printed);
    e2e_assert_file_has("r.html", want);
    snprintf(want, sizeof want, "(first as printed: %s)", printed);
    e2e_assert_file_has("r.xml", want);
    snprintf(head, sizeof head, "; as printed: %.20s", printed);
    e2e_assert_file_has("r.md", head);
}

Test(gosig, t_errorf_is_its_fail_line_with_the_duration_normalised, .timeout = 120)
{
    rl_trial_list_t l = run_test(binary("GOSIG_TEST"), "^TestErrorf$", NULL);
    assert_one_bucket(&l, "--- FAIL: TestErrorf (?s)", 0);
    for (size_t i = 0; i < l.n; i++) {
        const char *p = l.trials[i].printed;
        cr_assert(p && strncmp(p, "--- FAIL: TestErrorf (", 22) == 0 && strstr(p, "s)"), "as printed: %s",
                  p ? p : "(none)");
        cr_assert(strchr(p, '?') == NULL, "the printed line is normalised: %s", p);
    }
    assert_reports_show(first_trial(&l)->printed);
    /* replay shows the line again. */
    char *replay[] = { R, "replay", "r", "0", NULL };
    cr_assert_eq(e2e_run(replay, "rout"), 0, "the failure did not recur");
    e2e_assert_file_has("rout", "\nas printed: --- FAIL: TestErrorf (");
    rl_trial_list_free(&l);
}

/* The index is 3 + seed % 5: trials print different ones, and still make
 * one bucket. */
Test(gosig, an_index_out_of_range_is_one_bucket_whatever_the_index, .timeout = 120)
{
    rl_trial_list_t l = run_test(binary("GOSIG_TEST"), "^TestIndex$", NULL);
    assert_one_bucket(&l, "panic: runtime error: index out of range [N] with length N", 1);
    int distinct = 0;
    for (size_t i = 0; i < l.n; i++) {
        char want[96];
        snprintf(want, sizeof want, "panic: runtime error: index out of range [%d] with length 3",
                 3 + (int)(l.trials[i].seed % 5));
        const char *p = l.trials[i].printed;
        cr_assert(p && strncmp(p, want, strlen(want)) == 0, "as printed: %s, want %s...", p ? p : "(none)", want);
        distinct += strcmp(p, l.trials[0].printed) != 0;
    }
    cr_assert_gt(distinct, 0, "every trial printed the same index: nothing was normalised across trials");
    assert_reports_show(first_trial(&l)->printed);
    rl_trial_list_free(&l);
}

/* -test.timeout: Go's own timeout is a crash (racelab's timeout is not
 * reached), its duration normalised. */
Test(gosig, a_test_timeout_is_a_panic_with_the_duration_normalised, .timeout = 120)
{
    rl_trial_list_t l = run_test(binary("GOSIG_TEST"), "^TestTimeout$", "-test.timeout=1s");
    assert_one_bucket(&l, "panic: test timed out after ?s", 0);
    for (size_t i = 0; i < l.n; i++)
        cr_assert_str_eq(l.trials[i].printed, "panic: test timed out after 1s");
    assert_reports_show("panic: test timed out after 1s");
    rl_trial_list_free(&l);
}

/* A real race report (go test -race): WARNING: DATA RACE wins over the
 * "--- FAIL:" and "race detected" lines that follow it.  The line is its
 * own signature, so no report repeats it. */
Test(gosig, a_data_race_is_its_race_report, .timeout = 120)
{
    char *bin = binary("GOSIG_RACE_TEST");
    char *probe[] = { bin, "-test.run", "^TestRace$", NULL };
    e2e_tmpdir();
    if (e2e_run(probe, "probe") == 77) {
        char *why = tf_slurp("probe", NULL);
        cr_skip_test("%s", why ? why : "go test -race does not build here");
    }
    rl_trial_list_t l = run_test(bin, "^TestRace$", NULL);
    assert_one_bucket(&l, "WARNING: DATA RACE", 0);
    for (size_t i = 0; i < l.n; i++)
        cr_assert_str_eq(l.trials[i].printed, "WARNING: DATA RACE");
    char *out = tf_slurp("out", NULL);
    cr_assert(out && strstr(out, "WARNING: DATA RACE"), "%s", out ? out : "");
    cr_assert(strstr(out, "as printed") == NULL, "a line equal to its signature is shown again:\n%s", out);
    free(out);
    rl_trial_list_free(&l);
}

/* racelab check keeps the line in its results too, and merge carries it
 * into the merged trials and their reports. */
Test(gosig, check_and_merge_carry_the_line_as_printed, .timeout = 120)
{
    e2e_tmpdir();
    char spec[1024];
    snprintf(spec, sizeof spec,
             "name gofail\nissue x-1\ndescription Go test failures\ncommand %s -test.run\n"
             "variant errorf ^TestErrorf$\nvariant index ^TestIndex$\n"
             "expect errorf crash /^--- FAIL: TestErrorf \\(\\?s\\)$/ rate >= 0.5\n"
             "expect index crash /out of range \\[N\\] with length N/ rate >= 0.5\ntrials 6\ntimeout 30\n",
             binary("GOSIG_TEST"));
    e2e_write("g.repro", spec);
    char *check[] = { R, "check", "--fixed-n", "--seed", "1", "--results", "c", "g.repro", NULL };
    cr_assert_eq(e2e_run(check, "cout"), 0, "an expectation on the normalised signatures failed");
    char *merge[] = { R, "merge", "--results", "m", "--json", "m.json", "c", NULL };
    cr_assert_eq(e2e_run(merge, "mout"), 0);
    rl_trial_list_t l = e2e_read("m");
    cr_assert_eq(l.n, 12);
    for (size_t i = 0; i < l.n; i++) {
        const rl_trial_t *t = &l.trials[i];
        cr_assert(t->printed != NULL, "trial %ld lost its line", t->index);
        cr_assert(strstr(t->printed, "(0.") || strstr(t->printed, "with length 3"), "%s", t->printed);
    }
    e2e_assert_file_has("m.json", "\"first_printed\":\"--- FAIL: TestErrorf (0.");
    e2e_assert_file_has("m.json", "\"first_printed\":\"panic: runtime error: index out of range [");
    rl_trial_list_free(&l);
}
