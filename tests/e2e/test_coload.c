/* test_coload.c - racelab check/run --co-load cpu=N end to end: the busy
 * threads really use the CPU while the trials run, the load is recorded in
 * DIR/history and shown in every report, a resumed run keeps it and refuses
 * another, merge carries it, and a bad value is refused. */
#include "rltest.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include "racelab_run.h"
#include "testfs.h"

#define R (char *)e2e_racelab()

static char *slurp(const char *path)
{
    char *s = tf_slurp(path, NULL);
    cr_assert(s != NULL, "cannot read %s", path);
    return s;
}

/* Two variants of rl-child: a always crashes, b always passes. */
static void write_spec(const char *path)
{
    char text[1024];
    snprintf(text, sizeof text,
             "name loaded\nissue https://example.invalid/loaded\ncommand %s\ntimeout 10\ntrials 12\n"
             "variant buggy print \"fatal error: malloc deadlock\" --exit 2\nvariant fixed exit 0\n"
             "expect buggy crash /malloc deadlock/ rate >= 0.5\nexpect fixed no-crash upper <= 0.5\n",
             e2e_child());
    e2e_write(path, text);
}

/* CPU seconds (user + system) racelab used running argv: its own threads,
 * since the trial sleeps (the trial's time is counted apart). */
static double racelab_cpu_s(char *const argv[])
{
    pid_t pid = e2e_start(argv, "cpu-out");
    int st;
    struct rusage ru;
    while (wait4(pid, &st, 0, &ru) < 0)
        cr_assert(errno == EINTR);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "racelab run failed");
    return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_sec +
           1e-6 * (double)ru.ru_stime.tv_usec;
}

Test(coload, the_threads_use_the_cpu_while_trials_run, .timeout = 120)
{
    e2e_tmpdir();
    /* One trial that sleeps 1.5 s: racelab itself waits the whole time, so
     * its CPU time is its busy threads'.  Two of them get at least 0.1 s
     * of CPU in 1.5 s unless the machine runs over 40 other busy threads. */
    char *with[] = { R, "run", "--trials", "1", "--jobs", "1", "--co-load", "cpu=2", "--results", "a", "--",
                     (char *)e2e_child(), "sleepms", "1500", NULL };
    char *without[] = { R, "run", "--trials", "1", "--jobs", "1", "--results", "b", "--",
                        (char *)e2e_child(), "sleepms", "1500", NULL };
    double loaded = racelab_cpu_s(with);
    e2e_assert_file_has("cpu-out", "co-load cpu=2)");
    double idle = racelab_cpu_s(without);
    e2e_assert_file_has("cpu-out", "co-load none)");
    cr_assert_geq(loaded, 0.1, "racelab used %.3f s of CPU with two busy threads", loaded);
    cr_assert_gt(loaded, idle + 0.05, "with: %.3f s, without: %.3f s", loaded, idle);
}

Test(coload, recorded_and_in_every_report, .timeout = 120)
{
    e2e_tmpdir();
    write_spec("t.repro");
    char *argv[] = { R, "check", "--jobs", "2", "--co-load", "cpu=3", "--results", "r", "--junit", "j.xml",
                     "--json", "j.json", "--markdown", "j.md", "--html", "j.html", "t.repro", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 0);
    e2e_assert_file_has("r/history", "\nco-load cpu=3\n");
    e2e_assert_file_has("out", "racelab: co-load cpu=3: 3 busy threads beside the trials");
    e2e_assert_file_has("out", "  co-load: cpu=3\n");
    e2e_assert_file_has("j.xml", "<property name=\"co-load\" value=\"cpu=3\"/>");
    e2e_assert_file_has("j.json", "\"co_load\":\"cpu=3\"");
    e2e_assert_file_has("j.md", "Co-load: cpu=3.");
    e2e_assert_file_has("j.html", "Co-load: cpu=3.");
    /* Without the option the reports say so. */
    char *plain[] = { R, "check", "--jobs", "2", "--results", "p", "--junit", "p.xml", "t.repro", NULL };
    cr_assert_eq(e2e_run(plain, "pout"), 0);
    e2e_assert_file_has("p/history", "\nco-load none\n");
    e2e_assert_file_has("p.xml", "<property name=\"co-load\" value=\"none\"/>");
    e2e_assert_file_has("pout", "  co-load: none\n");
}

Test(coload, resume_keeps_the_load_and_refuses_another, .timeout = 120)
{
    e2e_tmpdir();
    write_spec("t.repro");
    char *first[] = { R, "check", "--jobs", "2", "--co-load", "cpu=2", "--results", "r", "t.repro", NULL };
    cr_assert_eq(e2e_run(first, "out1"), 0);
    char *again[] = { R, "check", "--resume", "r", "--junit", "j.xml", NULL };
    cr_assert_eq(e2e_run(again, "out2"), 0);
    e2e_assert_file_has("out2", "racelab: co-load cpu=2: 2 busy threads beside the trials");
    e2e_assert_file_has("out2", "  co-load: cpu=2\n");
    e2e_assert_file_has("j.xml", "value=\"cpu=2\"");
    char *same[] = { R, "check", "--resume", "r", "--co-load", "cpu=2", NULL };
    cr_assert_eq(e2e_run(same, "out3"), 0);
    char *other[] = { R, "check", "--resume", "r", "--co-load", "cpu=1", NULL };
    cr_assert_eq(e2e_run(other, "out4"), 64);
    e2e_assert_file_has("out4", "was made with --co-load cpu=2, this resume asks for cpu=1");
    char *none[] = { R, "check", "--resume", "r", "--co-load", "none", NULL };
    cr_assert_eq(e2e_run(none, "out5"), 64);
    /* A directory whose history has no co-load line ran with none. */
    char *h = slurp("r/history");
    char *line = strstr(h, "co-load cpu=2\n");
    cr_assert_not_null(line);
    memmove(line, line + strlen("co-load cpu=2\n"), strlen(line + strlen("co-load cpu=2\n")) + 1);
    e2e_write("r/history", h);
    free(h);
    char *old[] = { R, "check", "--resume", "r", NULL };
    cr_assert_eq(e2e_run(old, "out6"), 0);
    e2e_assert_file_has("out6", "  co-load: none\n");
}

Test(coload, merge_carries_the_load_or_says_mixed, .timeout = 120)
{
    e2e_tmpdir();
    write_spec("t.repro");
    char *s0[] = { R, "check", "--jobs", "2", "--co-load", "cpu=2", "--shard", "0/2", "--seed", "7",
                   "--results", "s0", "t.repro", NULL };
    char *s1[] = { R, "check", "--jobs", "2", "--co-load", "cpu=2", "--shard", "1/2", "--seed", "7",
                   "--results", "s1", "t.repro", NULL };
    char *s1n[] = { R, "check", "--jobs", "2", "--shard", "1/2", "--seed", "7", "--results", "s1n", "t.repro",
                    NULL };
    cr_assert_eq(e2e_run(s0, "o0"), 0);
    cr_assert_eq(e2e_run(s1, "o1"), 0);
    cr_assert_eq(e2e_run(s1n, "o1n"), 0);
    char *m[] = { R, "merge", "--junit", "m.xml", "--results", "m", "s0", "s1", NULL };
    cr_assert_eq(e2e_run(m, "mout"), 0);
    e2e_assert_file_has("mout", "  co-load: cpu=2\n");
    e2e_assert_file_has("m.xml", "value=\"cpu=2\"");
    e2e_assert_file_has("m/history", "\nco-load cpu=2\n");
    char *mx[] = { R, "merge", "s0", "s1n", NULL };
    cr_assert_eq(e2e_run(mx, "mxout"), 0);
    e2e_assert_file_has("mxout", "  co-load: mixed\n");
}

Test(coload, bad_values_are_refused, .timeout = 60)
{
    e2e_tmpdir();
    write_spec("t.repro");
    static const char *const bad[] = { "cpu=0", "cpu=257", "cpu=", "cpu=2x", "mem=1", "4" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *argv[] = { R, "check", "--co-load", (char *)bad[i], "--results", "r", "t.repro", NULL };
        cr_assert_eq(e2e_run(argv, "out"), 64, "%s", bad[i]);
        e2e_assert_file_has("out", "--co-load needs cpu=N (N busy threads, 1 to 256) or none");
        cr_assert_null(fopen("r/trials.jsonl", "r"), "%s: nothing ran", bad[i]);
    }
    char *missing[] = { R, "check", "t.repro", "--co-load", NULL };
    cr_assert_eq(e2e_run(missing, "out"), 64);
}
