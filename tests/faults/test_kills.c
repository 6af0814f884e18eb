/* test_kills.c - racelab itself killed (SIGINT, SIGTERM, SIGKILL, and
 * SIGKILL again and again) in the middle of a check of 20 short trials:
 * every trial recorded really finished, the file stays valid, --resume
 * completes the run with no duplicate, no gap and the right seeds, and no
 * trial process is left running; and 100 kills by random signals at random
 * moments of a check and its resumes change neither the trials nor the
 * verdict. */
#include "rltest.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/seed.h"
#include "racelab_run.h"

#define R (char *)e2e_racelab()
#define TRIALS 10 /* per variant: 20 in all */

/* Seeds (one per line) the trials wrote just before exiting by themselves. */
static int done_has(const char *done, uint64_t seed)
{
    char want[40];
    snprintf(want, sizeof want, "%llu\n", (unsigned long long)seed);
    for (const char *p = done; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "")
        if (strncmp(p, want, strlen(want)) == 0)
            return 1;
    return 0;
}

static void setup(const char *mark_unused)
{
    (void)mark_unused;
    char cwd[256], mode[400];
    cr_assert(getcwd(cwd, sizeof cwd));
    snprintf(mode, sizeof mode, "work 150 %s/done", cwd);
    e2e_write_spec("k.repro", "faults", mode, TRIALS);
}

static void kill_midway(int sig)
{
    e2e_tmpdir();
    const char *mark = fault_mark();
    setup(mark);
    char *argv[] = { R, "check", "--jobs", "2", "--fixed-n", "--results", "r", "k.repro", NULL };
    pid_t rl = e2e_start(argv, "out1");
    e2e_await_lines("r/trials.jsonl", 4);
    long seen = tf_count_lines("r/trials.jsonl");
    cr_assert(seen >= 4 && seen < 2 * TRIALS, "%ld trials recorded before the kill", seen);
    kill(rl, sig);
    int rc = fault_wait(rl, NULL);
    cr_assert_eq(rc, 128 + sig, "racelab exited %d", rc);
    int left = fault_count_marked(mark, 0);
    if (sig != SIGKILL)
        cr_assert_eq(left, 0, "%d trial processes left running after signal %d", left, sig);

    /* The file is valid (a SIGKILL may leave a last line cut short, which
     * the reader names; the lines before it stand). */
    rl_trial_list_t l = { 0 };
    char err[512];
    int bad = rl_results_read("r", &l, err, sizeof err);
    if (bad)
        cr_assert(sig == SIGKILL && strstr(err, "truncated"), "%s", err);
    cr_assert_geq((long)l.n, seen, "trials recorded before the kill were lost");
    char *done = tf_slurp("done", NULL);
    long finished = tf_count_lines("done");
    for (size_t i = 0; i < l.n; i++)
        cr_assert(done_has(done, l.trials[i].seed), "trial %ld recorded but never finished",
                  l.trials[i].index);
    /* A trial that wrote its seed and was then killed by racelab before it
     * could exit is rightly not recorded; at most one per worker. */
    cr_assert_leq(finished - (long)l.n, 2, "%ld finished trials, %zu recorded", finished, l.n);
    free(done);
    rl_trial_list_free(&l);

    char *resume[] = { R, "check", "--jobs", "2", "--fixed-n", "--resume", "r", NULL };
    rc = e2e_run(resume, "out2");
    left = fault_count_marked(mark, 0);
    fault_kill_marked(mark);
    cr_assert_eq(rc, 0, "resume exited %d", rc);
    e2e_assert_complete("r", 2 * TRIALS, 1);
    cr_assert_eq(left, 0, "%d trial processes left running after the resume", left);
}

Test(kills, sigint_midway_then_resume, .timeout = 180)
{
    kill_midway(SIGINT);
}

Test(kills, sigterm_midway_then_resume, .timeout = 180)
{
    kill_midway(SIGTERM);
}

Test(kills, sigkill_midway_then_resume, .timeout = 180)
{
    kill_midway(SIGKILL);
}

/* SIGKILL at varying moments, resuming each time, until a run completes:
 * the kills land while trials run, while lines are written and synced, and
 * while the next run starts up. */
Test(kills, repeated_sigkill_loses_nothing, .timeout = 300)
{
    e2e_tmpdir();
    const char *mark = fault_mark();
    setup(mark);
    char *first[] = { R, "check", "--jobs", "2", "--fixed-n", "--results", "r", "k.repro", NULL };
    char *resume[] = { R, "check", "--jobs", "2", "--fixed-n", "--resume", "r", NULL };
    char *resume_named[] = { R, "check", "--jobs", "2", "--fixed-n", "--resume", "r", "k.repro", NULL };
    static const int delays_ms[] = { 40, 230, 90, 310, 10, 170, 260, 60, 120, 400 };
    int kills = 0, rc = -1, named = 0;
    for (int round = 0; round < 40; round++) {
        pid_t rl = e2e_start(round == 0 ? first : named ? resume_named : resume, "out");
        if (round < 10) {
            usleep((useconds_t)delays_ms[round] * 1000);
            kill(rl, SIGKILL);
        }
        rc = fault_wait(rl, NULL);
        if (rc == 128 + SIGKILL) {
            kills++;
            continue;
        }
        char *out = tf_slurp("out", NULL);
        int no_spec = rc == 64 && !named && out && strstr(out, "r/specs holds no spec; name the SPEC files");
        free(out);
        if (no_spec) {
            /* The first run was killed (on a loaded machine, 40 ms is
             * early) before it saved its spec: it cannot have recorded a
             * trial, and the resume names the spec, as the message says. */
            char *recorded = tf_slurp("r/trials.jsonl", NULL);
            cr_assert(recorded == NULL || recorded[0] == 0, "trials recorded without a spec copy:\n%s", recorded);
            free(recorded);
            named = 1;
            continue;
        }
        break;
    }
    int left = fault_count_marked(mark, 0);
    fault_kill_marked(mark);
    cr_assert_eq(rc, 0, "the last run exited %d: %s", rc, tf_slurp("out", NULL));
    cr_assert_geq(kills, 5, "only %d runs were killed", kills);
    e2e_assert_complete("r", 2 * TRIALS, 1);
    cr_assert_eq(left, 0, "%d trial processes left running", left);
}

/* A check of 2 x 40 trials of /bin/sh whose outcome is a function of the
 * seed alone (a crash when its last digit is 0, 1 or 2), so that a run
 * killed and resumed any number of times must end with exactly the trials
 * and the verdict of a run left alone. */
static void seeded_spec(void)
{
    e2e_write("s.repro",
              "name s\nissue https://example.invalid/s\ncommand /bin/sh\n"
              "args -c \"case $0 in *[012]) echo 'fatal error: seeded'; exit 2;; esac; sleep 0.03\" {seed}\n"
              "timeout 30\ntrials 80\nvariant a a\nvariant b b\n"
              "expect a crash rate >= 0.1\nexpect b no-crash upper <= 0.99\n");
}

/* The recorded trials of r/ by index (outcome + 1, 0 when not recorded);
 * the read must succeed, or, after a SIGKILL, stop at a last line cut
 * short.  No index twice, each with its seed. */
static void recorded(char *out, long n, int after_sigkill)
{
    rl_trial_list_t l = { 0 };
    char err[512];
    int bad = rl_results_read("r", &l, err, sizeof err);
    if (bad)
        cr_assert(after_sigkill && strstr(err, "truncated"), "%s", err);
    uint64_t base = l.n ? fault_base_seed("r") : 0;
    memset(out, 0, (size_t)n);
    for (size_t i = 0; i < l.n; i++) {
        long x = l.trials[i].index;
        cr_assert(x >= 0 && x < n, "index %ld out of range", x);
        cr_assert(!out[x], "trial %ld recorded twice", x);
        cr_assert_eq(l.trials[i].seed, rl_trial_seed(base, x), "trial %ld has a foreign seed", x);
        out[x] = (char)(1 + l.trials[i].outcome);
    }
    rl_trial_list_free(&l);
}

/* The verdict line racelab prints last ("racelab: PASS: 80 trials ..."),
 * cut before the time. */
static void verdict_of(const char *out, char *v, size_t len)
{
    char *text = tf_slurp(out, NULL);
    cr_assert(text, "no %s", out);
    char *p = strstr(text, "racelab: PASS:");
    if (!p)
        p = strstr(text, "racelab: FAIL:");
    cr_assert(p, "no verdict in %s: %s", out, text);
    char *e = strstr(p, " trials");
    cr_assert(e);
    snprintf(v, len, "%.*s", (int)(e - p), p);
    free(text);
}

/* SIGKILL, SIGTERM and SIGINT at random moments (0-60 ms into each run:
 * start-up, taking the lock, reading and cutting the results, writing the
 * seed, history and spec copies, trials, the JSON report) of a check and
 * of each --resume after it, 100 kills in all: after every kill the file
 * reads back, no recorded trial is lost or changed, none is recorded twice,
 * each has its seed; the last resume ends with the trials, outcomes,
 * report and verdict of the same check left alone. */
Test(kills, random_kills_of_check_and_resume_change_nothing, .timeout = 600)
{
    enum { N = 160, KILLS = 100 };
    e2e_tmpdir();
    seeded_spec();
    char *alone[] = { R, "check", "--jobs", "2", "--fixed-n", "--seed", "4242", "--results", "ref",
                      "--json", "ref.json", "s.repro", NULL };
    int want_rc = e2e_run(alone, "out-ref");
    char want_v[128];
    verdict_of("out-ref", want_v, sizeof want_v);
    rl_trial_list_t ref = e2e_read("ref");
    cr_assert_eq((long)ref.n, N);

    char *first[] = { R, "check", "--jobs", "2", "--fixed-n", "--seed", "4242", "--results", "r",
                      "--json", "r.json", "s.repro", NULL };
    char *resume[] = { R, "check", "--jobs", "2", "--fixed-n", "--resume", "r", "--json", "r.json", NULL };
    static const int sigs[] = { SIGKILL, SIGTERM, SIGINT };
    char have[N], now[N];
    memset(have, 0, sizeof have);
    srand(20261203);
    int kills = 0, by[3] = { 0 }, started = 0, rc = -1, complete_at = 0;
    /* Once the run is complete the resumes go on being killed: then the
     * kills land in reading the run back, judging it and writing the
     * report.  The last resume is left alone. */
    for (;;) {
        /* A run killed before it wrote r/seed is a first run again. */
        int begun = access("r/seed", F_OK) == 0;
        pid_t rl = e2e_start(begun ? resume : first, "out");
        started++;
        int k = -1;
        if (kills < KILLS) {
            k = rand() % 3;
            usleep((useconds_t)(rand() % 120000));
            kill(rl, sigs[k]);
        }
        rc = fault_wait(rl, NULL);
        if (k >= 0 && rc == 128 + sigs[k]) {
            kills++;
            by[k]++;
        } else {
            cr_assert_eq(rc, want_rc, "run %d exited %d: %s", started, rc, tf_slurp("out", NULL));
        }
        recorded(now, N, k == 0);
        for (int i = 0; i < N; i++)
            cr_assert(!have[i] || have[i] == now[i], "trial %d %s after run %d", i,
                      now[i] ? "changed" : "lost", started);
        memcpy(have, now, sizeof have);
        if (!complete_at && !memchr(have, 0, sizeof have))
            complete_at = started;
        if (k < 0)
            break;
        cr_assert_lt(started, 20 * KILLS, "no end after %d runs", started);
    }
    /* Ended by itself: the whole run, and as the undisturbed one. */
    for (size_t i = 0; i < ref.n; i++) {
        long x = ref.trials[i].index;
        cr_assert_eq((int)have[x], 1 + (int)ref.trials[i].outcome, "trial %ld: outcome differs from the run left alone", x);
    }
    char got_v[128];
    verdict_of("out", got_v, sizeof got_v);
    cr_assert_str_eq(got_v, want_v);
    e2e_assert_complete("r", N, 1);
    cr_assert(system("python3 -c \"import json; json.load(open('r.json'))\"") == 0, "r.json does not parse");
    cr_assert_geq(kills, KILLS, "only %d runs were killed", kills);
    fprintf(stderr, "kills: %d (SIGKILL %d, SIGTERM %d, SIGINT %d) in %d runs; all %d trials recorded "
                    "after run %d\n", kills, by[0], by[1], by[2], started, N, complete_at);
    rl_trial_list_free(&ref);
}
