/* test_racelab.c - racelab.exe itself on Windows (or under Wine): its
 * CreateProcess/Job-object path end to end through the real CLI.  A trial
 * that hangs after starting a grandchild is a hang, gets a minidump kept
 * with its log, and takes the grandchild with it; awkward arguments reach the trial unchanged; an access violation
 * is recorded as exception 0xC0000005 in the results file. */
#include "tap.h"
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

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = calloc(1, 1 << 20);
    if (buf)
        fread(buf, 1, (1 << 20) - 1, f);
    fclose(f);
    return buf;
}

static int process_alive(DWORD pid)
{
    HANDLE h = OpenProcess(SYNCHRONIZE, FALSE, pid);
    if (h == NULL)
        return 0;
    int alive = WaitForSingleObject(h, 2000) == WAIT_TIMEOUT;
    CloseHandle(h);
    return alive;
}

static void test_hang_tree(void)
{
    char results[MAX_PATH + 16], pidfile[MAX_PATH + 16];
    snprintf(results, sizeof results, "%s\\hang", tmpdir);
    snprintf(pidfile, sizeof pidfile, "%s\\grandchild.pid", tmpdir);
    char *args[] = { "run", "--trials", "1", "--jobs", "1", "--timeout", "3",
                     "--results", results, "--", child, "tree", pidfile, NULL };
    rl_proc_result_t r;
    racelab_run(args, &r);
    tap_ok(r.exit_status == 1, "racelab run exits 1 when its trial hangs");
    tap_ok(strstr(r.output, "hang 1") != NULL, "the trial is counted as a hang");
    if (r.exit_status != 1 || strstr(r.output, "hang 1") == NULL)
        tap_diag("racelab output:\n%s", r.output);
    rl_proc_result_free(&r);

    DWORD gpid = 0;
    char *pid = slurp(pidfile);
    if (pid)
        gpid = (DWORD)strtoul(pid, NULL, 10);
    free(pid);
    tap_ok(gpid != 0, "the trial had started a grandchild");
    tap_ok(gpid != 0 && !process_alive(gpid), "the grandchild was killed with the trial's job");

    char jsonl[MAX_PATH + 32];
    snprintf(jsonl, sizeof jsonl, "%s\\trials.jsonl", results);
    char *j = slurp(jsonl);
    tap_ok(j && strstr(j, "\"outcome\":\"hang\"") != NULL, "the results file records the hang");
    free(j);

    char log[MAX_PATH + 32], dump[MAX_PATH + 32];
    snprintf(log, sizeof log, "%s\\logs\\run-0.log", results);
    snprintf(dump, sizeof dump, "%s\\logs\\run-0.dmp", results);
    char *l = slurp(log);
    tap_ok(l && strstr(l, "== minidump: ") != NULL && strstr(l, "rip=0x") != NULL,
           "the hang's log lists each thread's RIP and names its minidump");
    free(l);
    WIN32_FILE_ATTRIBUTE_DATA fa;
    tap_ok(GetFileAttributesExA(dump, GetFileExInfoStandard, &fa) &&
               (fa.nFileSizeLow > 0 || fa.nFileSizeHigh > 0),
           "the minidump is kept next to the log");
}

static void test_quoting(void)
{
    char results[MAX_PATH + 16];
    snprintf(results, sizeof results, "%s\\argv", tmpdir);
    char *args[] = { "run", "--trials", "1", "--jobs", "1", "--keep-logs",
                     "--results", results, "--", child, "argv",
                     "a b", "", "q\"q", "tail\\", "x\\\"y", NULL };
    rl_proc_result_t r;
    racelab_run(args, &r);
    tap_ok(r.exit_status == 0, "racelab run of a passing trial exits 0");
    rl_proc_result_free(&r);

    char log[MAX_PATH + 32];
    snprintf(log, sizeof log, "%s\\logs\\run-0.log", results);
    char *l = slurp(log);
    tap_ok(l && strstr(l, "[a b]\n[]\n[q\"q]\n[tail\\]\n[x\\\"y]\n") != NULL,
           "spaces, an empty argument, quotes and backslashes reach the trial unchanged");
    if (l && strstr(l, "[a b]") == NULL)
        tap_diag("log:\n%s", l);
    free(l);
}

static void test_exception(void)
{
    char results[MAX_PATH + 16];
    snprintf(results, sizeof results, "%s\\av", tmpdir);
    char *args[] = { "run", "--trials", "1", "--jobs", "1", "--results", results, "--",
                     child, "av", NULL };
    rl_proc_result_t r;
    racelab_run(args, &r);
    tap_ok(r.exit_status == 1 && strstr(r.output, "crash 1") != NULL,
           "an access violation is a crash");
    tap_diag("%s", r.output);
    rl_proc_result_free(&r);

    char jsonl[MAX_PATH + 32];
    snprintf(jsonl, sizeof jsonl, "%s\\trials.jsonl", results);
    char *j = slurp(jsonl);
    tap_ok(j && strstr(j, "\"exception\":3221225477") != NULL,
           "the results file records exception 0xC0000005");
    tap_ok(j && strstr(j, "EXCEPTION_ACCESS_VIOLATION") != NULL,
           "and its signature names it");
    if (j)
        tap_diag("%s", j);
    free(j);
}

int main(void)
{
    char self[MAX_PATH];
    GetModuleFileNameA(NULL, self, sizeof self);
    *strrchr(self, '\\') = '\0';                       /* ...\tests\windows */
    snprintf(child, sizeof child, "%s\\win_child.exe", self);
    *strrchr(self, '\\') = '\0';                       /* ...\tests */
    *strrchr(self, '\\') = '\0';                       /* build root */
    snprintf(racelab, sizeof racelab, "%s\\harness\\racelab.exe", self);

    char base[MAX_PATH];
    GetTempPathA(sizeof base, base);
    snprintf(tmpdir, sizeof tmpdir, "%sracelab-test-racelab-%lu", base,
             (unsigned long)GetCurrentProcessId());
    CreateDirectoryA(tmpdir, NULL);

    test_hang_tree();
    test_quoting();
    test_exception();
    return tap_done();
}
