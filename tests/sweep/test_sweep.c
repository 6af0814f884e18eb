/* test_sweep.c - racelab sweep end to end: usage errors exit 64 with a
 * message naming the problem; a sweep gives one row, one results directory
 * and one spec per value; the knob reaches every trial's argv (last) and
 * changes what the trials do; every point uses the same seeds; the JSON
 * parses into one point per value and the HTML page holds the sweep charts;
 * an interrupted sweep resumes point by point with one base seed. */
#include "rltest.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include "racelab_run.h"
#include "store/results.h"

#define R (char *)e2e_racelab()

static void write_seed_spec(void)
{
    char spec[2048];
    /* seedcrash P: crashes when RACELAB_SEED % 100 < P, so with a fixed base
     * seed every point sees exactly the same outcomes. */
    snprintf(spec, sizeof spec,
             "name tiny\nissue https://example.org/1\ncommand %s seedcrash\ntimeout 10\ntrials 10\n"
             "variant buggy 60\nvariant fixed 0\n"
             "expect buggy crash /seeded/ rate >= 0.1\nexpect fixed no-crash upper <= 0.5\n",
             e2e_child());
    e2e_write("tiny.repro", spec);
}

/* At most USAGE_ARGS - 1 arguments, NULL-terminated. */
#define USAGE_ARGS 8

/* `racelab sweep ARGS...` exits 64 with needle in its output. */
static void expect_usage(const char *const *args, const char *needle)
{
    char *argv[USAGE_ARGS + 2] = { R, "sweep" };
    int n = 2;
    for (; n - 2 < USAGE_ARGS && args[n - 2]; n++)
        argv[n] = (char *)args[n - 2];
    argv[n] = NULL;
    int rc = e2e_run(argv, "out");
    cr_assert_eq(rc, 64, "exit %d", rc);
    e2e_assert_file_has("out", needle);
}

Test(sweep, bad_arguments_exit_64_with_a_message, .timeout = 60)
{
    e2e_tmpdir();
    write_seed_spec();
    e2e_write("broken.repro", "name x\nissue https://example.org/1\ncommand true\nvariant a\n");
    static const struct {
        const char *args[USAGE_ARGS];
        const char *needle;
    } cases[] = {
        {{"tiny.repro", "--knob", "bad name=1,2"}, "bad knob name 'bad name'"},
        {{"tiny.repro", "--knob", "profiler-hz"}, "wants NAME=V1,V2"},
        {{"tiny.repro", "--knob", "hz="}, "no values after '='"},
        {{"tiny.repro", "--knob", "hz=1,../x"}, "bad value '../x'"},
        {{"tiny.repro", "--knob", "hz=1,,2"}, "bad value ''"},
        {{"tiny.repro", "--knob", "hz=1,2,1"}, "value '1' given twice"},
        {{"tiny.repro"}, "no --knob given"},
        {{"tiny.repro", "--knob", "a=1", "--knob", "b=2"}, "one --knob per sweep"},
        {{"tiny.repro", "tiny.repro", "--knob", "a=1"}, "one SPEC per sweep"},
        {{"--knob", "a=1"}, "no spec given"},
        {{"tiny.repro", "--knob", "a=1", "--trials", "0"}, "--trials needs a number"},
        {{"tiny.repro", "--knob", "a=1", "--frobnicate"}, "unknown option '--frobnicate'"},
        {{"broken.repro", "--knob", "a=1"}, "broken.repro"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_usage(cases[i].args, cases[i].needle);
    /* Nothing was run by any of them. */
    struct stat st;
    cr_assert(stat("results", &st) != 0, "a failed sweep created results/");
}

Test(sweep, one_row_and_directory_per_value_with_charts, .timeout = 240)
{
    e2e_tmpdir();
    write_seed_spec();
    char *argv[] = { R, "sweep", "tiny.repro", "--knob", "level=low,mid,high", "--fixed-n", "--jobs", "2",
                     "--seed", "12345", "--results", "sw", "--html", "sw.html", "--json", "sw.json",
                     "--markdown", "sw.md", NULL };
    int rc = e2e_run(argv, "out");
    char *out = tf_slurp("out", NULL);
    cr_assert(rc == 0 || rc == 1, "exit %d: %s", rc, out);

    /* One table row per value (the value starts the buggy row). */
    const char *values[] = { "low", "mid", "high" };
    long crashes[3];
    for (int i = 0; i < 3; i++) {
        char needle[32];
        snprintf(needle, sizeof needle, "\n  %-7s  buggy", values[i]); /* width of "--level" */
        cr_assert(strstr(out, needle), "no row for %s in: %s", values[i], out);

        char dir[64], spec[64];
        snprintf(dir, sizeof dir, "sw/level=%s", values[i]);
        snprintf(spec, sizeof spec, "sw/level=%s.repro", values[i]);
        struct stat st;
        cr_assert(stat(spec, &st) == 0, "no %s", spec);
        rl_trial_list_t l = { 0 };
        char err[512];
        cr_assert(rl_results_read(dir, &l, err, sizeof err) == 0, "%s", err);
        cr_assert_eq(l.n, 20, "%s: %zu trials, want 10 per variant", dir, l.n);
        char knob[32];
        snprintf(knob, sizeof knob, "--level=%s", values[i]);
        crashes[i] = 0;
        for (size_t k = 0; k < l.n; k++) {
            const rl_trial_t *t = &l.trials[k];
            cr_assert_str_eq(t->argv[t->argc - 1], knob, "the knob is not the last argument");
            if (strcmp(t->variant, "buggy") == 0)
                crashes[i] += t->outcome == RL_OUTCOME_CRASH;
            else
                cr_assert_eq(t->outcome, RL_OUTCOME_PASS);
        }
        rl_trial_list_free(&l);
    }
    /* The same base seed at every point: the same trials crash. */
    cr_assert_eq(crashes[0], crashes[1]);
    cr_assert_eq(crashes[1], crashes[2]);
    cr_assert_eq(rc, crashes[0] >= 1 ? 0 : 1, "exit %d with %ld crashes per point", rc, crashes[0]);

    char *json = tf_slurp("sw.json", NULL);
    cr_assert(json && strstr(json, "\"knob\":\"level\""), "%s", json);
    const char *p = json;
    int points = 0;
    while ((p = strstr(p, "{\"value\":")) != NULL) {
        points++;
        p++;
    }
    cr_assert_eq(points, 3, "%s", json);
    free(json);

    char *html = tf_slurp("sw.html", NULL);
    cr_assert(html != NULL);
    cr_assert(strstr(html, "<svg xmlns=\"http://www.w3.org/2000/svg\"") && strstr(html, "class=\"sweep\""));
    cr_assert(strstr(html, "crash rate per value (Wilson 95% interval)"), "no rate chart");
    cr_assert(strstr(html, "median time to crash"), "no time-to-crash chart");
    cr_assert(strstr(html, "<polyline class=\"rate\""), "no rate line");
    cr_assert(strstr(html, "<g class=\"errbar\"><title>buggy at mid:"), "no interval bar for buggy at mid");
    cr_assert(strstr(html, "<g class=\"ttc\">"), "no time-to-crash mark");
    cr_assert(strstr(html, "<script") == NULL && strstr(html, "http://") == strstr(html, "http://www.w3.org"),
              "the page must be self-contained");
    free(html);
    e2e_assert_file_has("sw.md", "| high | fixed | 10 | 0 |");
    e2e_assert_file_has("sw.md", " | failures |");

    /* The results directory now holds trials: a second sweep into it is
     * refused, --resume completes nothing twice. */
    cr_assert_eq(e2e_run(argv, "out2"), 64);
    char *again = tf_slurp("out2", NULL);
    cr_assert(strstr(again, "already holds trials"), "%s", again);
    free(again);
    free(out);
}

Test(sweep, the_knob_changes_what_trials_do, .timeout = 120)
{
    e2e_tmpdir();
    /* sh -c SCRIPT VARIANT --mode=V: $0 is the variant, $1 the knob. */
    e2e_write("sh.repro",
              "name knobbed\nissue https://example.org/2\n"
              "command /bin/sh -c '[ \"$0\" = buggy ] && [ \"$1\" = --mode=crash ] && "
              "{ echo \"fatal error: knobbed\"; exit 2; }; exit 0'\n"
              "timeout 10\ntrials 8\nvariant buggy buggy\nvariant fixed fixed\n"
              "expect buggy crash /knobbed/ rate >= 0.5\nexpect fixed no-crash upper <= 0.5\n");
    char *argv[] = { R, "sweep", "sh.repro", "--knob", "mode=calm,crash", "--jobs", "2", "--results", "sw",
                     "--json", "sw.json", NULL };
    int rc = e2e_run(argv, "out");
    char *out = tf_slurp("out", NULL);
    /* calm: buggy never crashes, so its expectation fails: the sweep fails. */
    cr_assert_eq(rc, 1, "exit %d: %s", rc, out);
    char *json = tf_slurp("sw.json", NULL);
    cr_assert(json != NULL);
    const char *calm = strstr(json, "{\"value\":\"calm\"");
    const char *crash = strstr(json, "{\"value\":\"crash\"");
    cr_assert(calm && crash && calm < crash, "%s", json);
    cr_assert(strncmp(calm, "{\"value\":\"calm\",\"dir\":\"sw/mode=calm\",\"ran\":true,\"passed\":false", 62) == 0,
              "%.200s", calm);
    cr_assert(strstr(calm, "{\"name\":\"buggy\",\"trials\":8,") && strstr(crash, "\"passed\":true"), "%s", json);
    const char *bc = strstr(crash, "{\"name\":\"buggy\"");
    cr_assert(bc && strstr(bc, "\"crashes\":") && strtol(strstr(bc, "\"crashes\":") + 10, NULL, 10) >= 5, "%s", bc);
    cr_assert(strstr(out, "racelab: sweep FAIL: 2 points"), "%s", out);
    /* The failures, by signature: none at calm, the knobbed crash at crash,
     * in the table and in the JSON. */
    const char *bcalm = strstr(calm, "{\"name\":\"buggy\"");
    cr_assert(bcalm && strncmp(strstr(bcalm, "\"signatures\":"), "\"signatures\":[]", 15) == 0, "%s", calm);
    char want[96];
    snprintf(want, sizeof want, "\"signatures\":[{\"signature\":\"fatal error: knobbed\",\"count\":%ld,",
             strtol(strstr(bc, "\"crashes\":") + 10, NULL, 10));
    cr_assert(strstr(bc, want), "want %s in %s", want, bc);
    const char *row = strstr(out, "\n  crash   buggy");
    cr_assert(row, "no row for buggy at crash: %s", out);
    const char *eol = strchr(row + 1, '\n');
    const char *sig = strstr(row, "\xC3\x97 fatal error: knobbed");
    cr_assert(sig && eol && sig < eol, "the row names no signature: %s", out);
    const char *calmrow = strstr(out, "\n  calm    buggy");
    cr_assert(calmrow && strchr(calmrow + 1, '\n')[-1] == '-', "calm's row names a failure: %s", out);
    free(json);
    free(out);
}

Test(sweep, points_share_one_random_base_seed, .timeout = 120)
{
    e2e_tmpdir();
    write_seed_spec();
    char *argv[] = { R, "sweep", "tiny.repro", "--knob", "x=1,2", "--trials", "5", "--jobs", "2",
                     "--results", "sw", "--quiet", NULL };
    int rc = e2e_run(argv, "out");
    char *out = tf_slurp("out", NULL);
    cr_assert(rc == 0 || rc == 1, "exit %d: %s", rc, out);
    cr_assert(strstr(out, "racelab: sweep "), "%s", out);
    char *s1 = tf_slurp("sw/x=1/seed", NULL), *s2 = tf_slurp("sw/x=2/seed", NULL);
    cr_assert(s1 && s2, "no seed files");
    cr_assert_str_eq(s1, s2, "points ran with different base seeds");
    free(s1);
    free(s2);
    free(out);
}

Test(sweep, interrupted_sweep_resumes_point_by_point, .timeout = 120)
{
    e2e_tmpdir();
    char spec[1024];
    snprintf(spec, sizeof spec,
             "name slow\nissue https://example.org/3\ncommand %s sleepms 300\ntimeout 10\ntrials 6\n"
             "variant a a\nvariant b b\nexpect a no-crash upper <= 0.5\nexpect b no-crash upper <= 0.5\n",
             e2e_child());
    e2e_write("slow.repro", spec);
    char *argv[] = { R, "sweep", "slow.repro", "--knob", "k=1,2,3", "--jobs", "2", "--fixed-n",
                     "--results", "sw", NULL };
    pid_t pid = e2e_start(argv, "out1");
    /* 36 trials of 0.3 s, 2 at a time: well under way after 1 s, far from done. */
    usleep(1000 * 1000);
    kill(pid, SIGINT);
    cr_assert_eq(e2e_wait(pid), 130);
    char *out = tf_slurp("out1", NULL);
    cr_assert(strstr(out, "--resume sw"), "%s", out);
    free(out);
    char *resume[] = { R, "sweep", "slow.repro", "--knob", "k=1,2,3", "--jobs", "2", "--fixed-n",
                       "--resume", "sw", NULL };
    cr_assert_eq(e2e_run(resume, "out2"), 0);
    char *seed1 = tf_slurp("sw/k=1/seed", NULL);
    for (int k = 1; k <= 3; k++) {
        char dir[32], seed[32];
        snprintf(dir, sizeof dir, "sw/k=%d", k);
        snprintf(seed, sizeof seed, "sw/k=%d/seed", k);
        rl_trial_list_t l = { 0 };
        char err[512];
        cr_assert(rl_results_read(dir, &l, err, sizeof err) == 0, "%s", err);
        cr_assert_eq(l.n, 12, "%s: %zu trials", dir, l.n);
        unsigned seen = 0;
        for (size_t i = 0; i < l.n; i++) {
            cr_assert(l.trials[i].index >= 0 && l.trials[i].index < 12);
            cr_assert_eq(seen & (1u << l.trials[i].index), 0, "%s: trial %ld twice", dir, l.trials[i].index);
            seen |= 1u << l.trials[i].index;
        }
        rl_trial_list_free(&l);
        char *s = tf_slurp(seed, NULL);
        cr_assert(s && seed1 && strcmp(s, seed1) == 0, "%s: another base seed", dir);
        free(s);
    }
    free(seed1);
}
