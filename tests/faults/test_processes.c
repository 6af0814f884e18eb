/* test_processes.c - nothing a trial starts outlives it: trees with
 * grandchildren, great-grandchildren, a double-forked setsid daemon with its
 * stdio closed and a child of it in a group of its own, every one ignoring
 * SIGTERM.  Counted by an environment marker in /proc before, during (to
 * show the count sees them) and after. */
#include "rltest.h"
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "racelab_run.h"

#define R (char *)e2e_racelab()
#define F (char *)e2e_child()

/* The trial's main process plus the 4 it leaves (the double fork's middle
 * process exits at once). */
#define TREE 5

static void tree_case(const char *timeout, const char *exit_code, int want_rc)
{
    e2e_tmpdir();
    const char *mark = fault_mark();
    cr_assert_eq(fault_count_marked(mark, 0), 0, "marked processes before the test");
    cr_assert(system("mkdir pids") == 0);
    char *hang[] = { R, "run", "--trials", "1", "--timeout", (char *)timeout, "--results", "res",
                     "--", F, "tree", "pids", NULL };
    char *ends[] = { R, "run", "--trials", "1", "--timeout", (char *)timeout, "--results", "res",
                     "--", F, "tree", "pids", "--exit", (char *)exit_code, NULL };
    pid_t rl = e2e_start(exit_code ? ends : hang, "out");
    int during = fault_await_marked(mark, rl, exit_code ? 1 : TREE);
    int rc = fault_wait(rl, NULL);
    int after = fault_count_marked(mark, 0);
    fault_kill_marked(mark);
    cr_assert_eq(rc, want_rc, "racelab exited %d", rc);
    if (!exit_code)
        cr_assert_eq(during, TREE, "the tree never had %d processes (saw %d)", TREE, during);
    /* Every process of the tree noted its pid: all of them existed. */
    cr_assert_eq(tf_count_entries("pids"), TREE, "%d processes in the tree, want %d", tf_count_entries("pids"), TREE);
    cr_assert_eq(after, 0, "%d processes of the trial left running", after);
}

Test(processes, hung_tree_ignoring_sigterm_is_gone_after_the_timeout, .timeout = 180)
{
    tree_case("5", NULL, 1);
}

Test(processes, tree_of_a_passing_trial_is_gone_when_the_run_ends, .timeout = 120)
{
    tree_case("30", "0", 0);
}

Test(processes, tree_of_a_crashing_trial_is_gone_when_the_run_ends, .timeout = 120)
{
    tree_case("30", "4", 1);
}

Test(processes, several_trials_with_trees_leave_nothing, .timeout = 180)
{
    e2e_tmpdir();
    const char *mark = fault_mark();
    cr_assert(system("mkdir pids") == 0);
    char *argv[] = { R, "run", "--trials", "3", "--jobs", "2", "--timeout", "30",
                     "--results", "res", "--", F, "tree", "pids/{seed}", "--exit", "0", NULL };
    pid_t rl = e2e_start(argv, "out");
    int rc = fault_wait(rl, NULL);
    int after = fault_count_marked(mark, 0);
    fault_kill_marked(mark);
    cr_assert_eq(rc, 0);
    int grown = 0;
    DIR *d = opendir("pids");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char sub[300];
        snprintf(sub, sizeof sub, "pids/%.200s", e->d_name);
        grown += e->d_name[0] != '.' && tf_count_entries(sub) == TREE;
    }
    if (d)
        closedir(d);
    cr_assert_eq(grown, 3, "%d of 3 trees grew", grown);
    cr_assert_eq(after, 0, "%d processes left running", after);
}

Test(processes, trial_ignoring_sigterm_is_killed_at_the_timeout, .timeout = 120)
{
    e2e_tmpdir();
    const char *mark = fault_mark();
    char *argv[] = { R, "run", "--trials", "1", "--timeout", "1", "--results", "res", "--",
                     F, "ignoreterm", NULL };
    pid_t rl = e2e_start(argv, "out");
    int during = fault_await_marked(mark, rl, 1);
    int rc = fault_wait(rl, NULL);
    int after = fault_count_marked(mark, 0);
    fault_kill_marked(mark);
    cr_assert_eq(during, 1);
    cr_assert_eq(rc, 1);
    cr_assert_eq(after, 0);
    rl_trial_list_t l = e2e_read("res");
    cr_assert_eq(l.n, 1);
    cr_assert_eq(l.trials[0].outcome, RL_OUTCOME_HANG);
    rl_trial_list_free(&l);
}

static void interrupt_tree(int sig)
{
    e2e_tmpdir();
    const char *mark = fault_mark();
    cr_assert(system("mkdir pids") == 0);
    char *argv[] = { R, "run", "--trials", "4", "--jobs", "1", "--timeout", "60",
                     "--results", "res", "--", F, "tree", "pids", NULL };
    pid_t rl = e2e_start(argv, "out");
    int during = fault_await_marked(mark, rl, TREE);
    kill(rl, sig);
    int rc = fault_wait(rl, NULL);
    int after = fault_count_marked(mark, 0);
    fault_kill_marked(mark);
    cr_assert_eq(during, TREE);
    cr_assert_eq(rc, 128 + sig, "racelab exited %d", rc);
    cr_assert_eq(after, 0, "%d processes left running after signal %d", after, sig);
}

Test(processes, sigint_to_racelab_leaves_no_process_of_a_tree, .timeout = 120)
{
    interrupt_tree(SIGINT);
}

Test(processes, sigterm_to_racelab_leaves_no_process_of_a_tree, .timeout = 120)
{
    interrupt_tree(SIGTERM);
}
