/* test_spawn.c - the Windows process backend (run/win32/spawn.c) end to end:
 * exit codes, NTSTATUS classification, bounded capture, argv quoting and the
 * environment through a real child, and the timeout killing the whole tree
 * after writing a minidump. */
#include "racelab_run_win32.h"
#include "rltest.h"
#include "run/spawn.h"

#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char child[MAX_PATH];
static char tmpdir[MAX_PATH];

static int run(char **argv, double timeout, size_t limit, char **env,
               rl_proc_result_t *res)
{
    rl_spawn_opts_t o = {
        .argv = argv, .env_add = env, .timeout_s = timeout,
        .capture_limit = limit, .capture_stacks = 1,
        .dump_dir = tmpdir, .dump_name = "hung-trial",
    };
    return rl_spawn_run(&o, res);
}

Test(spawn, exit_codes_and_exceptions)
{
    rl_proc_result_t r;
    char *a0[] = { child, "exit", "0", NULL };
    run(a0, 30, 4096, NULL, &r);
    cr_expect(r.started && r.exit_status == 0 && r.exception == 0 && !r.timed_out,
              "exit 0 is a clean exit");
    rl_proc_result_free(&r);

    char *a7[] = { child, "exit", "7", NULL };
    run(a7, 30, 4096, NULL, &r);
    cr_expect(r.started && r.exit_status == 7 && r.exception == 0, "exit 7 is exit status 7");
    rl_proc_result_free(&r);

    char *a2[] = { child, "exit", "2", NULL };
    run(a2, 30, 4096, NULL, &r);
    cr_expect(r.exit_status == 2 && r.exception == 0, "exit 2 (the Go throw status) is not an exception");
    rl_proc_result_free(&r);

    /* An exit code in NTSTATUS error space is classified as the exception. */
    char *ax[] = { child, "exit", "-1073741819", NULL };   /* 0xC0000005 */
    run(ax, 30, 4096, NULL, &r);
    cr_expect(r.exception == 0xC0000005u && r.exit_status == -1,
              "exit code 0xC0000005 is an access violation, not an exit status");
    rl_proc_result_free(&r);

    char *av[] = { child, "av", NULL };
    run(av, 30, 4096, NULL, &r);
    char buf[64];
    cr_expect(r.exception == 0xC0000005u, "a real access violation is reported as 0xC0000005");
    cr_expect(strcmp(rl_exception_name(r.exception, buf, sizeof buf),
                     "EXCEPTION_ACCESS_VIOLATION") == 0, "and named EXCEPTION_ACCESS_VIOLATION");
    cr_log_info("av: exit_status=%d exception=0x%08lX output=[%s]", r.exit_status,
             (unsigned long)r.exception, r.output);
    rl_proc_result_free(&r);
}

Test(spawn, exception_and_signal_names)
{
    char buf[64];
    cr_expect(strcmp(rl_exception_name(0xC00000FDu, buf, sizeof buf), "EXCEPTION_STACK_OVERFLOW") == 0,
              "0xC00000FD is EXCEPTION_STACK_OVERFLOW");
    cr_expect(strcmp(rl_exception_name(0xC0000094u, buf, sizeof buf),
                     "EXCEPTION_INT_DIVIDE_BY_ZERO") == 0,
              "0xC0000094 is EXCEPTION_INT_DIVIDE_BY_ZERO");
    cr_expect(strcmp(rl_exception_name(0xE0000001u, buf, sizeof buf), "exception 0xE0000001") == 0,
              "an unknown code falls back to its number");
    cr_expect(strcmp(rl_signal_name(11, buf, sizeof buf), "SIGSEGV") == 0,
              "signal 11 from a Linux results file is SIGSEGV");
}

Test(spawn, missing_program_cannot_start)
{
    rl_proc_result_t r;
    char *a[] = { "C:\\no\\such\\program.exe", NULL };
    int rc = run(a, 30, 4096, NULL, &r);
    cr_expect(rc == 0 && !r.started && r.errmsg[0] != '\0',
              "a missing program is 'could not start' with a message");
    cr_log_info("errmsg: %s", r.errmsg);
    rl_proc_result_free(&r);
}

Test(spawn, capture_is_bounded_head_and_tail)
{
    rl_proc_result_t r;
    char *a[] = { child, "bytes", "1000000", NULL };
    run(a, 60, 4096, NULL, &r);
    cr_expect(r.exit_status == 0, "a child printing 1 MB exits 0");
    cr_expect(r.output_total == 1000000 + 4, "every byte written was counted");
    cr_expect(r.output_len <= 4096 + 64, "the capture stays within its bound");
    cr_expect(strstr(r.output, "bytes omitted]") != NULL, "the omission is marked");
    cr_expect(r.output_len >= 4 && memcmp(r.output + r.output_len - 4, "END\n", 4) == 0,
              "the tail ends with the last (stderr) line: one pipe for both streams");
    cr_expect(r.output[0] == 'a', "the head starts with the first line");
    rl_proc_result_free(&r);
}

Test(spawn, argv_and_env_reach_the_child)
{
    rl_proc_result_t r;
    char *a[] = { child, "argv", "a b", "", "q\"q", "tail\\", "x\\\"y", NULL };
    run(a, 30, 65536, NULL, &r);
    const char *want = "[a b]\n[]\n[q\"q]\n[tail\\]\n[x\\\"y]\n";
    /* The child's CRT may write \r\n. */
    char *got = r.output, *w = got;
    for (char *p = got; *p; p++)
        if (*p != '\r')
            *w++ = *p;
    *w = '\0';
    cr_expect(strcmp(got, want) == 0, "awkward arguments reach the child unchanged");
    if (strcmp(got, want) != 0)
        cr_log_info("got: %s", got);
    rl_proc_result_free(&r);

    char *e[] = { child, "env", "RACELAB_SEED", NULL };
    char *env[] = { "RACELAB_SEED=12345", NULL };
    run(e, 30, 4096, env, &r);
    cr_expect(strncmp(r.output, "12345", 5) == 0, "env_add reaches the child");
    rl_proc_result_free(&r);
}

Test(spawn, timeout_kills_the_tree_after_a_minidump)
{
    char pidfile[MAX_PATH + 16];
    snprintf(pidfile, sizeof pidfile, "%s\\grandchild.pid", tmpdir);
    DeleteFileA(pidfile);
    char dump[MAX_PATH + 32];
    snprintf(dump, sizeof dump, "%s\\hung-trial.dmp", tmpdir);
    DeleteFileA(dump);

    rl_proc_result_t r;
    char *a[] = { child, "grandchild", pidfile, NULL };
    run(a, 3, 4096, NULL, &r);
    cr_expect(r.started && r.timed_out, "a hanging child is killed at the timeout");
    cr_expect(r.exit_status == -1 && r.exception == 0, "a timeout has no exit status or exception");
    cr_expect(strstr(r.output, "grandchild ") != NULL, "its output before the kill is kept");

    DWORD gpid = 0;
    FILE *f = fopen(pidfile, "r");
    if (f) {
        unsigned long v = 0;
        if (fscanf(f, "%lu", &v) == 1)
            gpid = (DWORD)v;
        fclose(f);
    }
    cr_expect(gpid != 0, "the child started a grandchild");
    cr_expect(gpid != 0 && !rrw_alive(gpid), "the grandchild died with the tree");

    WIN32_FILE_ATTRIBUTE_DATA fa;
    int have = GetFileAttributesExA(dump, GetFileExInfoStandard, &fa);
    cr_expect(r.dump_path != NULL && have && (fa.nFileSizeLow > 0 || fa.nFileSizeHigh > 0),
              "a non-empty minidump of the hung child was written");
    cr_expect(r.stacks != NULL && strstr(r.stacks, "rip=0x") != NULL,
              "the hang diagnostics list each thread's RIP");
    if (r.stacks)
        cr_log_info("%s", r.stacks);
    rl_proc_result_free(&r);
    DeleteFileA(pidfile);
    DeleteFileA(dump);
}

static void find_child(void)
{
    char racelab[MAX_PATH];
    rrw_paths(racelab, child);
    rrw_tmpdir("spawn", tmpdir);
}

static void remove_tmpdir(void)
{
    RemoveDirectoryA(tmpdir);
}

TestSuite(spawn, .init = find_child, .fini = remove_tmpdir);
