/* test_crash.c - a process linked with the model's Win32 platform code
 * crashes as on Linux and never waits on a dialog: an access violation is
 * one line with the NTSTATUS code and address and that exit code; abort()
 * exits 3; a throw, and the model's real allocator trap, exit 2 with Go's
 * message.  The children run under the Windows process backend with a
 * timeout, so a dialog would show as a hang. */
#include "rltest.h"
#include "run/spawn.h"

#include <windows.h>

#include <stdio.h>
#include <string.h>

static char child[MAX_PATH];

static void run(const char *mode, rl_proc_result_t *r)
{
    char *argv[] = { child, (char *)mode, NULL };
    rl_spawn_opts_t o = { .argv = argv, .timeout_s = 30, .capture_limit = 8192 };
    rl_spawn_run(&o, r);
    cr_log_info("%s: started=%d exit=%d exception=0x%08lX timed_out=%d output=%s", mode,
                r->started, r->exit_status, (unsigned long)r->exception, r->timed_out, r->output);
}

static void find_child(void)
{
    GetModuleFileNameA(NULL, child, sizeof child);
    strcpy(strrchr(child, '\\') + 1, "crash_child.exe");
}

TestSuite(crash, .init = find_child);

Test(crash, access_violation_is_one_line_and_0xC0000005)
{
    rl_proc_result_t r;
    run("av", &r);
    cr_expect(!r.timed_out && r.exception == 0xC0000005u, "an access violation ends with 0xC0000005");
    cr_expect(strstr(r.output, "unhandled exception 0xC0000005 at pc=0x") != NULL &&
                  strstr(r.output, "writing 0x0000000000000018") != NULL,
              "the filter printed one line with the code, PC and faulting address");
    rl_proc_result_free(&r);
}

Test(crash, abort_exits_3_without_a_dialog)
{
    rl_proc_result_t r;
    run("abort", &r);
    cr_expect(!r.timed_out && r.exit_status == 3, "abort() exits 3 without a dialog");
    rl_proc_result_free(&r);
}

Test(crash, throw_exits_2_like_go)
{
    rl_proc_result_t r;
    run("throw", &r);
    cr_expect(!r.timed_out && r.exit_status == 2 && r.exception == 0, "a throw exits 2, like Go's");
    cr_expect(strncmp(r.output, "fatal error: malloc deadlock", 28) == 0, "with its message");
    rl_proc_result_free(&r);
}

Test(crash, allocator_trap_exits_2_with_gos_message)
{
    rl_proc_result_t r;
    run("trap", &r);
    cr_expect(!r.timed_out && r.exit_status == 2 && r.exception == 0,
              "the model's allocator trap exits 2 on Windows");
    cr_expect(strncmp(r.output, "fatal error: malloc deadlock\n", 29) == 0 &&
                  strstr(r.output, "mallocing=1") != NULL,
              "with Go's message and the M's counter");
    rl_proc_result_free(&r);
}

Test(crash, allocation_with_the_guard_down_succeeds)
{
    rl_proc_result_t r;
    run("alloc", &r);
    cr_expect(!r.timed_out && r.exit_status == 0 && r.output_len == 0,
              "with the guard down the same allocation succeeds silently");
    rl_proc_result_free(&r);
}
