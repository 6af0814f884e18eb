/* P7's hang as racelab captures it: the buggy suspended-holder run, killed
 * at its timeout, leaves gdb's backtraces of every thread in the trial's
 * result.  They must show what the hang is: the profiler waiting in
 * rt_lock for the heap lock, and the lock's holder - named by the lock's
 * own stderr line - stopped in the suspend handler inside its locked
 * callback. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/spawn.h"

/* The backtrace gdb printed for the thread with this LWP: from its
 * "Thread N (... (LWP tid) ...)" line to the next thread's (copied into
 * out), or NULL. */
static const char *thread_stack(const char *stacks, unsigned long long tid, char *out, size_t len)
{
    char key[48];
    snprintf(key, sizeof key, "(LWP %llu)", tid);
    const char *at = strstr(stacks, key);
    if (at == NULL)
        return NULL;
    const char *end = strstr(at, "\nThread ");
    size_t n = end != NULL ? (size_t)(end - at) : strlen(at);
    if (n >= len)
        n = len - 1;
    memcpy(out, at, n);
    out[n] = '\0';
    return out;
}

Test(family_hang, p7_hang_stacks_show_the_waiter_and_the_lock_owner, .timeout = 90)
{
    char *argv[] = { getenv("RL_SUSPEND_FAMILY"), "--pattern=suspended-holder",
                     "--variant=buggy", "--duration-ms=2000", "--steer-us=20000",
                     "--workers=2", "--allocs=1000", "--profiler-hz=1000", NULL };
    cr_assert_not_null(argv[0], "RL_SUSPEND_FAMILY is not set");
    rl_spawn_opts_t o = { .argv = argv, .timeout_s = 3, .capture_stacks = 1 };
    rl_proc_result_t r;
    cr_assert_eq(rl_spawn_run(&o, &r), 0);
    cr_assert(r.timed_out, "the buggy profiler did not hang: %.*s", (int)r.output_len, r.output);
    cr_assert_not_null(r.stacks);
    /* "runtime: os_thread=W waits for the heap lock held by os_thread=H":
     * workers wait too; the profiler's line is the one whose waiter's
     * stack is the profiler loop's. */
    const char *line = r.output;
    bool found = false;
    static char waiter_stack[16384], owner_stack[16384];
    while ((line = strstr(line, "runtime: os_thread=")) != NULL && !found) {
        unsigned long long w, h;
        if (sscanf(line, "runtime: os_thread=%llu waits for the heap lock held by os_thread=%llu",
                   &w, &h) == 2 &&
            thread_stack(r.stacks, w, waiter_stack, sizeof waiter_stack) != NULL &&
            strstr(waiter_stack, "profile_loop") != NULL) {
            found = true;
            /* In the lock's wait: rt_lock itself may be a tail call (clang -O2). */
            cr_assert_not_null(strstr(waiter_stack, "model/lock.c"), "%s", waiter_stack);
            cr_assert_not_null(thread_stack(r.stacks, h, owner_stack, sizeof owner_stack),
                               "no stack for the lock owner, LWP %llu: %s", h, r.stacks);
            cr_assert_not_null(strstr(owner_stack, "<signal handler called>"), "%s", owner_stack);
            cr_assert_not_null(strstr(owner_stack, "work_under_heap_lock"), "%s", owner_stack);
        }
        line++;
    }
    cr_assert(found, "no profiler waiting on the heap lock; output: %.*s\nstacks: %s",
              (int)r.output_len, r.output, r.stacks);
    rl_proc_result_free(&r);
}
