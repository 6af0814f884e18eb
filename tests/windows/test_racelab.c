/* test_racelab.c - racelab.exe itself on Windows (or under Wine): its
 * CreateProcess/Job-object path end to end through the real CLI.  A trial
 * that hangs after starting a grandchild is a hang, gets a minidump kept
 * with its log, and takes the grandchild with it; awkward arguments reach the trial unchanged; an access violation
 * is recorded as exception 0xC0000005 in the results file. */
#include "racelab_run_win32.h"
#include "rltest.h"
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

    char dump[MAX_PATH + 32];
    snprintf(dump, sizeof dump, "%s\\logs\\run-0.dmp", results);
    char *l = slurp_in(results, "logs\\run-0.log");
    cr_expect(l && strstr(l, "== minidump: ") != NULL && strstr(l, "rip=0x") != NULL,
              "the hang's log lists each thread's RIP and names its minidump");
    free(l);
    WIN32_FILE_ATTRIBUTE_DATA fa;
    cr_expect(GetFileAttributesExA(dump, GetFileExInfoStandard, &fa) &&
                  (fa.nFileSizeLow > 0 || fa.nFileSizeHigh > 0),
              "the minidump is kept next to the log");
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

static void find_programs(void)
{
    rrw_paths(racelab, child);
    rrw_tmpdir("racelab", tmpdir);
}

TestSuite(racelab, .init = find_programs);
