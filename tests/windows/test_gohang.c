/* test_gohang.c - a Go test binary for windows/amd64 that deadlocks
 * (tests/gohang/deadlock_test.go), run by racelab.exe (under Wine from
 * Linux): a hang, with a minidump next to its log that reads as one and
 * a log listing the dump's threads.  Go on Windows has no SIGQUIT, so
 * there is no goroutine dump to expect. */
#include "racelab_run_win32.h"
#include "rltest.h"
#include "run/spawn.h"

#include <windows.h>

#include <stdio.h>
#include <string.h>

static char racelab[MAX_PATH], child[MAX_PATH], tmpdir[MAX_PATH], gohang[MAX_PATH];

Test(gohang, a_deadlocked_go_test_binary_leaves_a_minidump_and_its_threads)
{
    char results[MAX_PATH + 16];
    snprintf(results, sizeof results, "%s\\hang", tmpdir);
    char *argv[] = { racelab, "run", "--trials", "1", "--jobs", "1", "--timeout", "5",
                     "--results", results, "--", gohang, "-test.run", "TestTransfer", NULL };
    rl_spawn_opts_t o = { .argv = argv, .timeout_s = 180, .capture_limit = 1 << 16 };
    rl_proc_result_t r;
    rl_spawn_run(&o, &r);
    cr_expect(r.exit_status == 1 && strstr(r.output, "hang 1") != NULL,
              "the deadlocked Go test is a hang (racelab exits 1)");
    cr_log_info("racelab output:\n%s", r.output);
    rl_proc_result_free(&r);
    rrw_assert_hang_dump(results);
}

static void find_programs(void)
{
    rrw_paths(racelab, child);
    rrw_tmpdir("gohang", tmpdir);
    char self[MAX_PATH];
    GetModuleFileNameA(NULL, self, sizeof self);
    char *slash = strrchr(self, '\\');
    cr_assert_not_null(slash);
    *slash = '\0';
    snprintf(gohang, sizeof gohang, "%s\\gohang.test.exe", self);
}

TestSuite(gohang, .init = find_programs);
