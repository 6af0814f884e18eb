/* test_kills.c - racelab itself killed (SIGINT, SIGTERM, SIGKILL, and
 * SIGKILL again and again) in the middle of a check of 20 short trials:
 * every trial recorded really finished, the file stays valid, --resume
 * completes the run with no duplicate, no gap and the right seeds, and no
 * trial process is left running. */
#include "rltest.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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
    for (int i = 0; i < 2000 && tf_count_lines("r/trials.jsonl") < 4; i++)
        usleep(5000);
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
    static const int delays_ms[] = { 40, 230, 90, 310, 10, 170, 260, 60, 120, 400 };
    int kills = 0, rc = -1;
    for (int round = 0; round < 40; round++) {
        pid_t rl = e2e_start(round ? resume : first, "out");
        if (round < 10) {
            usleep((useconds_t)delays_ms[round] * 1000);
            kill(rl, SIGKILL);
        }
        rc = fault_wait(rl, NULL);
        if (rc == 128 + SIGKILL) {
            kills++;
            continue;
        }
        break;
    }
    int left = fault_count_marked(mark, 0);
    fault_kill_marked(mark);
    cr_assert_eq(rc, 0, "the last run exited %d", rc);
    cr_assert_geq(kills, 5, "only %d runs were killed", kills);
    e2e_assert_complete("r", 2 * TRIALS, 1);
    cr_assert_eq(left, 0, "%d trial processes left running", left);
}
