/* test_hang.c - P7's hang under Wine (real SuspendThread), as the Windows
 * process backend captures it.  gdb's backtraces of a Wine process show
 * neither Windows thread ids nor the program's frames, so what names the
 * lock owner there is the model's own line, "runtime: os_thread=P waits
 * for the heap lock held by os_thread=W" (model/lock.c, printed under
 * Wine as on Linux), and racelab.exe's hang dump: a line per thread with
 * its RIP/RSP and a minidump with every thread's stack.  The owner W must
 * be in both. */
#include "racelab_run_win32.h"
#include "rltest.h"
#include "run/spawn.h"

#include <windows.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static char family[MAX_PATH], tmpdir[MAX_PATH];

Test(hang, p7_hang_names_the_lock_owner_and_dumps_its_stack)
{
    /* The run would last a minute: only the hang ends it at the timeout. */
    char *argv[] = { family, "--pattern=suspended-holder", "--variant=buggy",
                     "--duration-ms=60000", "--steer-us=20000", "--workers=2",
                     "--allocs=10000", "--profiler-hz=1000", NULL };
    rl_spawn_opts_t o = { .argv = argv, .timeout_s = 10, .capture_limit = 1 << 16,
                          .capture_stacks = 1, .dump_dir = tmpdir, .dump_name = "p7-hang" };
    rl_proc_result_t r;
    cr_assert_eq(rl_spawn_run(&o, &r), 0);
    cr_assert(r.timed_out, "the buggy profiler did not hang: %.*s", (int)r.output_len, r.output);
    /* Every waiter (the profiler, and the other worker when it tries to
     * allocate) names the same holder: the thread the profiler stopped. */
    unsigned long long owner = 0;
    int lines = 0;
    for (const char *l = r.output; (l = strstr(l, "runtime: os_thread=")) != NULL; l++) {
        unsigned long long w, h;
        if (sscanf(l, "runtime: os_thread=%llu waits for the heap lock held by os_thread=%llu",
                   &w, &h) != 2)
            continue;
        cr_expect(w != h, "a thread waits for a lock it holds: %.80s", l);
        cr_expect(owner == 0 || owner == h, "two holders of the heap lock: %llu and %llu", owner, h);
        owner = h;
        lines++;
    }
    cr_assert(lines > 0, "no line names the heap lock's holder: %.*s", (int)r.output_len, r.output);
    cr_log_info("%d waiter line(s); the heap lock's owner is os_thread=%llu", lines, owner);

    char key[48];
    snprintf(key, sizeof key, "thread %llu: rip=0x", owner);
    cr_assert_not_null(r.stacks, "no hang dump");
    cr_expect_not_null(strstr(r.stacks, key), "the hang dump has no context of the owner %llu:\n%s",
                       owner, r.stacks);
    cr_assert_not_null(r.dump_path, "no minidump: %s", r.stacks);
    unsigned long tids[256];
    char why[256];
    int n = rrw_check_minidump(r.dump_path, tids, 256, why, sizeof why);
    cr_assert(n > 0, "the minidump does not read as one: %s", why);
    bool dumped = false;
    for (int i = 0; i < n && i < 256; i++)
        dumped = dumped || tids[i] == owner;
    cr_expect(dumped, "the minidump's %d threads do not include the owner %llu", n, owner);
    DeleteFileA(r.dump_path);
    rl_proc_result_free(&r);
}

/* BUILD\tests\windows\test_hang.exe -> BUILD\scenarios\suspend-family.exe */
static void find_family(void)
{
    char root[MAX_PATH];
    GetModuleFileNameA(NULL, root, sizeof root);
    for (int up = 0; up < 3; up++) {
        char *slash = strrchr(root, '\\');
        cr_assert_not_null(slash, "no build directory above %s", root);
        *slash = '\0';
    }
    snprintf(family, sizeof family, "%s\\scenarios\\suspend-family.exe", root);
    rrw_tmpdir("hang", tmpdir);
}

static void remove_tmpdir(void)
{
    RemoveDirectoryA(tmpdir);
}

TestSuite(hang, .init = find_family, .fini = remove_tmpdir);
