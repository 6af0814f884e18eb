/* test_userspec.c - specs as a user writes them, end to end: two binaries
 * compared (each variant names its own program), a short issue reference,
 * a variant no expectation judges (warned), and every error of a spec
 * reported at once. */
#include "rltest.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "racelab_run.h"
#include "testfs.h"

#define R (char *)e2e_racelab()

static char *slurp(const char *path)
{
    char *s = tf_slurp(path, NULL);
    cr_assert(s != NULL, "cannot read %s", path);
    return s;
}

/* Writes the spec FILE, checks it into RESULTS with its messages in OUT,
 * and gives racelab's exit status. */
static int check_spec(const char *file, const char *text, const char *results, const char *out)
{
    e2e_write(file, text);
    char *argv[] = { R, "check", "-o", (char *)results, (char *)file, NULL };
    return e2e_run(argv, out);
}

Test(userspec, two_binaries_compared, .timeout = 60)
{
    e2e_tmpdir();
    /* "old" and "new": two programs, no common command. */
    e2e_write("old.sh", "echo 'fatal error: old build' >&2; exit 2\n");
    e2e_write("new.sh", "exit 0\n");
    e2e_write("ab.repro", "name ab\nissue golang/go#17165\ntrials 30\n"
                          "variant old /bin/sh old.sh {seed}\nvariant new /bin/sh new.sh {seed}\n"
                          "expect old crash /old build/ rate >= 0.5\nexpect new no-crash upper <= 0.2\n");
    char *argv[] = { R, "check", "-j", "2", "-o", "r", "--html", "r.html", "ab.repro", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 0);
    e2e_assert_file_has("out", "golang/go#17165");
    e2e_assert_file_has("out", "fatal error: old build");
    char *h = slurp("r.html");
    cr_assert(strstr(h, "golang/go#17165") && !strstr(h, "href=\"golang"), "a short reference is no link");
    free(h);
}

Test(userspec, a_variant_without_expectation_is_warned, .timeout = 60)
{
    e2e_tmpdir();
    cr_assert_eq(check_spec("w.repro", "name w\nissue JIRA-123\ncommand /bin/true\ntrials 5\n"
                                       "variant a x\nvariant b y\nvariant c z\n"
                                       "expect a no-crash upper <= 0.9\nexpect b no-crash upper <= 0.9\n",
                            "r", "out"), 0);
    e2e_assert_file_has("out", "w.repro:7: warning: variant 'c' has no expectation");
}

/* Two variants that run the same words: refused before any trial, naming
 * both lines; no trial is run. */
Test(userspec, identical_variants_are_refused, .timeout = 30)
{
    e2e_tmpdir();
    cr_assert_eq(check_spec("same.repro", "name same\nissue JIRA-7\ncommand /bin/true\n"
                                          "variant buggy --x 1\nvariant fixed --x 1\n"
                                          "expect fixed no-crash upper <= 0.5\n", "r", "out"), 64);
    e2e_assert_file_has("out", "same.repro:5: variant 'fixed' runs exactly what variant 'buggy' (line 4) "
                               "runs: give it its own arguments or program");
    FILE *made = fopen("r/trials.jsonl", "r");
    cr_assert(made == NULL, "a refused spec recorded trials");
}

Test(userspec, every_error_of_a_spec_at_once, .timeout = 30)
{
    e2e_tmpdir();
    cr_assert_eq(check_spec("bad.repro", "name bad\nissue see the tracker\ncommand p --seed={Seed}\n"
                                         "trails 10\nvariant a a\nvariant b b\nexpect a crash rate >= 2\n",
                            "r", "out"), 64);
    e2e_assert_file_has("out", "bad.repro:2: issue:");
    e2e_assert_file_has("out", "bad.repro:3: unknown placeholder {Seed}");
    e2e_assert_file_has("out", "bad.repro:4: unknown keyword 'trails'; did you mean 'trials'?");
    e2e_assert_file_has("out", "bad.repro:7: expect a crash: rate must be");
    /* More than the bound: the first 20, then one line saying so. */
    char text[4096] = "name many\n";
    for (int i = 0; i < 30; i++)
        strcat(text, "frobnicate\n");
    cr_assert_eq(check_spec("many.repro", text, "r2", "out2"), 64);
    e2e_assert_file_has("out2", "many.repro:21: unknown keyword 'frobnicate'");
    e2e_assert_file_has("out2", "many.repro: more errors not shown (the first 20 are above)");
    char *o = slurp("out2");
    cr_assert(!strstr(o, "many.repro:22:"), "%s", o);
    free(o);
}
