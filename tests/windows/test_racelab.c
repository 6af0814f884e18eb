/* test_racelab.c - racelab.exe itself on Windows (or under Wine): its
 * CreateProcess/Job-object path end to end through the real CLI.  A trial
 * that hangs after starting a grandchild is a hang, gets a minidump kept
 * with its log, and takes the grandchild with it; awkward arguments reach the trial unchanged; an access violation
 * is recorded as exception 0xC0000005 in the results file; a second writer
 * of one results directory is refused while the first holds DIR\lock, and
 * a report over a file of the directory (by name or hard link) is refused. */
#include "racelab_run_win32.h"
#include "rltest.h"
#include "os/os.h"
#include "run/spawn.h"

#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char racelab[MAX_PATH], child[MAX_PATH], tmpdir[MAX_PATH];

/* Runs racelab.exe with args (NULL-terminated); its output in *r. */
static void racelab_run(char **args, rl_proc_result_t *r)
{
    char *argv[32] = { racelab };
    int n = 1;
    for (; args[n - 1] && n < 31; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    rl_spawn_opts_t o = { .argv = argv, .timeout_s = 120, .capture_limit = 1 << 16 };
    rl_spawn_run(&o, r);
}

/* DIR\NAME's contents (NULL if unreadable). */
static char *slurp_in(const char *dir, const char *name)
{
    char path[MAX_PATH + 64];
    snprintf(path, sizeof path, "%s\\%s", dir, name);
    return tf_slurp(path, NULL);
}

Test(racelab, hanging_tree_is_a_hang_with_a_minidump_and_no_grandchild_left)
{
    char results[MAX_PATH + 16], pidfile[MAX_PATH + 16];
    snprintf(results, sizeof results, "%s\\hang", tmpdir);
    snprintf(pidfile, sizeof pidfile, "%s\\grandchild.pid", tmpdir);
    char *args[] = { "run", "--trials", "1", "--jobs", "1", "--timeout", "3",
                     "--results", results, "--", child, "grandchild", pidfile, NULL };
    rl_proc_result_t r;
    racelab_run(args, &r);
    cr_expect(r.exit_status == 1, "racelab run exits 1 when its trial hangs");
    cr_expect(strstr(r.output, "hang 1") != NULL, "the trial is counted as a hang");
    if (r.exit_status != 1 || strstr(r.output, "hang 1") == NULL)
        cr_log_info("racelab output:\n%s", r.output);
    rl_proc_result_free(&r);

    DWORD gpid = 0;
    char *pid = tf_slurp(pidfile, NULL);
    if (pid)
        gpid = (DWORD)strtoul(pid, NULL, 10);
    free(pid);
    cr_expect(gpid != 0, "the trial had started a grandchild");
    cr_expect(gpid != 0 && !rrw_alive(gpid), "the grandchild was killed with the trial's job");

    char *j = slurp_in(results, "trials.jsonl");
    cr_expect(j && strstr(j, "\"outcome\":\"hang\"") != NULL, "the results file records the hang");
    free(j);

    rrw_assert_hang_dump(results);
}

Test(racelab, awkward_arguments_reach_the_trial_unchanged)
{
    char results[MAX_PATH + 16];
    snprintf(results, sizeof results, "%s\\argv", tmpdir);
    char *args[] = { "run", "--trials", "1", "--jobs", "1", "--keep-logs",
                     "--results", results, "--", child, "argv",
                     "a b", "", "q\"q", "tail\\", "x\\\"y", NULL };
    rl_proc_result_t r;
    racelab_run(args, &r);
    cr_expect(r.exit_status == 0, "racelab run of a passing trial exits 0");
    rl_proc_result_free(&r);

    char *l = slurp_in(results, "logs\\run-0.log");
    cr_expect(l && strstr(l, "[a b]\n[]\n[q\"q]\n[tail\\]\n[x\\\"y]\n") != NULL,
              "spaces, an empty argument, quotes and backslashes reach the trial unchanged");
    if (l && strstr(l, "[a b]") == NULL)
        cr_log_info("log:\n%s", l);
    free(l);
}

Test(racelab, access_violation_is_a_crash_with_its_exception)
{
    char results[MAX_PATH + 16];
    snprintf(results, sizeof results, "%s\\av", tmpdir);
    char *args[] = { "run", "--trials", "1", "--jobs", "1", "--results", results, "--",
                     child, "av", NULL };
    rl_proc_result_t r;
    racelab_run(args, &r);
    cr_expect(r.exit_status == 1 && strstr(r.output, "crash 1") != NULL,
              "an access violation is a crash");
    cr_log_info("%s", r.output);
    rl_proc_result_free(&r);

    char *j = slurp_in(results, "trials.jsonl");
    cr_expect(j && strstr(j, "\"exception\":3221225477") != NULL,
              "the results file records exception 0xC0000005");
    cr_expect(j && strstr(j, "EXCEPTION_ACCESS_VIOLATION") != NULL,
              "and its signature names it");
    if (j)
        cr_log_info("%s", j);
    free(j);
}

/* racelab.exe run in a thread of this test, so that a second one can be
 * started while it holds its results directory. */
typedef struct {
    char **args;
    rl_proc_result_t r;
} bg_run_t;

static void bg_main(void *p)
{
    bg_run_t *b = p;
    racelab_run(b->args, &b->r);
}

static int file_exists(const char *path)
{
    return GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES;
}

/* One writer per results directory on Windows too: DIR\lock is held with
 * LockFileEx while a run goes on; a second run is refused at once (exit
 * 64, naming the holder's pid); once the first ended, the lock is free. */
Test(racelab, a_second_writer_is_refused_while_the_first_holds_the_lock)
{
    char results[MAX_PATH + 16], lock[MAX_PATH + 32], seed[MAX_PATH + 32];
    snprintf(results, sizeof results, "%s\\locked", tmpdir);
    snprintf(lock, sizeof lock, "%s\\lock", results);
    snprintf(seed, sizeof seed, "%s\\seed", results);
    char *first[] = { "run", "--trials", "1", "--jobs", "1", "--results", results, "--",
                      child, "sleepms", "4000", NULL };
    bg_run_t b = { .args = first };
    rl_thread_t *t = rl_thread_start(bg_main, &b);
    cr_assert(t != NULL);
    int up = 0;
    for (int i = 0; i < 600 && !up; i++) {
        up = file_exists(seed);
        if (!up)
            Sleep(10);
    }
    cr_expect(up, "the first run never began");
    char *second[] = { "run", "--trials", "1", "--jobs", "1", "--results", results, "--",
                       child, "exit", "0", NULL };
    rl_proc_result_t r;
    racelab_run(second, &r);
    cr_expect(r.exit_status == 64, "a second run on a directory in use exits 64 (got %d)", r.exit_status);
    cr_expect(strstr(r.output, "is in use by racelab pid") != NULL, "and names the holder");
    if (r.exit_status != 64)
        cr_log_info("second run:\n%s", r.output);
    rl_proc_result_free(&r);
    rl_thread_join(t);
    cr_expect(b.r.exit_status == 0, "the first run completes (exit %d)", b.r.exit_status);
    char *l = slurp_in(results, "lock");
    cr_expect(l && strstr(l, "racelab pid") != NULL, "DIR\\lock names its holder");
    free(l);
    rl_proc_result_free(&b.r);
    /* The lock went with its holder: a resume takes it. */
    char *resume[] = { "run", "--resume", results, NULL };
    racelab_run(resume, &r);
    cr_expect(r.exit_status == 0 || r.exit_status == 1,
              "a resume after the first ended takes the lock (exit %d)", r.exit_status);
    cr_expect(strstr(r.output, "is in use") == NULL, "the lock of a finished run is free");
    if (strstr(r.output, "is in use"))
        cr_log_info("resume:\n%s", r.output);
    rl_proc_result_free(&r);
}

/* No report over a file of the results directory on Windows: by its name,
 * or through a hard link (same volume serial number and file index). */
Test(racelab, a_report_over_a_kept_file_is_refused)
{
    char results[MAX_PATH + 16], tf[MAX_PATH + 32], seed[MAX_PATH + 32], link[MAX_PATH + 32];
    snprintf(results, sizeof results, "%s\\alias", tmpdir);
    snprintf(tf, sizeof tf, "%s\\trials.jsonl", results);
    snprintf(seed, sizeof seed, "%s\\seed", results);
    snprintf(link, sizeof link, "%s\\seed-link.json", tmpdir);
    char *own[] = { "run", "--trials", "1", "--jobs", "1", "--results", results, "--json", tf, "--",
                    child, "exit", "0", NULL };
    rl_proc_result_t r;
    racelab_run(own, &r);
    cr_expect(r.exit_status == 64, "a report over the results file exits 64 (got %d)", r.exit_status);
    cr_expect(strstr(r.output, "trials.jsonl") != NULL, "naming it");
    cr_expect(!file_exists(tf), "and no trial ran");
    if (r.exit_status != 64)
        cr_log_info("%s", r.output);
    rl_proc_result_free(&r);

    char *ok[] = { "run", "--trials", "2", "--jobs", "1", "--results", results, "--", child, "exit", "0", NULL };
    racelab_run(ok, &r);
    cr_expect(r.exit_status == 0, "a plain run exits 0 (got %d)", r.exit_status);
    rl_proc_result_free(&r);
    size_t n0 = 0, n1 = 0;
    char *before = tf_slurp(tf, &n0);
    cr_assert(CreateHardLinkA(link, seed, NULL), "CreateHardLink failed: %lu", GetLastError());
    char *via[] = { "run", "--resume", results, "--json", link, NULL };
    racelab_run(via, &r);
    cr_expect(r.exit_status == 64, "a report through a hard link to DIR\\seed exits 64 (got %d)",
              r.exit_status);
    if (r.exit_status != 64)
        cr_log_info("%s", r.output);
    rl_proc_result_free(&r);
    char *after = tf_slurp(tf, &n1);
    cr_expect(before && after && n0 == n1 && memcmp(before, after, n0) == 0,
              "the results file is unchanged");
    char *sd = tf_slurp(seed, NULL);
    cr_expect(sd && sd[0] >= '0' && sd[0] <= '9', "DIR\\seed still holds the seed");
    free(sd);
    free(before);
    free(after);
}

static void find_programs(void)
{
    rrw_paths(racelab, child);
    rrw_tmpdir("racelab", tmpdir);
}

TestSuite(racelab, .init = find_programs);
