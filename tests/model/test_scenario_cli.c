/* borrowed-m-profiler's command line: bad knobs are usage errors (exit 64,
 * a message naming the knob), good ones give one summary line. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

typedef struct run {
    int status;     /* exit status, or -1 if it did not exit normally */
    char out[4096]; /* stdout */
    char err[4096]; /* stderr */
} run_t;

static void slurp(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    ssize_t r;
    while (n < cap - 1 && (r = read(fd, buf + n, cap - 1 - n)) > 0)
        n += (size_t)r;
    buf[n] = '\0';
    char sink[256];
    while (read(fd, sink, sizeof sink) > 0)
        ;
}

/* Runs the scenario with args (NULL-terminated) and envp (NULL = ours). */
static void run_scenario(run_t *r, const char *const *args, char **envp)
{
    const char *exe = getenv("RL_BORROWED_M_PROFILER");
    cr_assert_not_null(exe, "RL_BORROWED_M_PROFILER is not set (run through meson test)");
    char *argv[32];
    int n = 0;
    argv[n++] = (char *)exe;
    for (; args[n - 1] != NULL && n < 31; n++)
        argv[n] = (char *)args[n - 1];
    argv[n] = NULL;
    int out[2], err[2];
    cr_assert_eq(pipe(out), 0);
    cr_assert_eq(pipe(err), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    posix_spawn_file_actions_addclose(&fa, err[0]);
    pid_t pid;
    cr_assert_eq(posix_spawn(&pid, exe, &fa, NULL, argv, envp ? envp : environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    close(err[1]);
    /* Outputs are small (one line, or a usage message): read them in turn. */
    slurp(out[0], r->out, sizeof r->out);
    slurp(err[0], r->err, sizeof r->err);
    close(out[0]);
    close(err[0]);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Arrays, not pointers: Criterion may run each case in a fresh process
 * where the parent's pointers mean nothing. */
typedef struct bad_case {
    char arg[40];
    char must_mention[24];
} bad_case_t;

ParameterizedTestParameters(scenario_cli, bad_knob_is_a_usage_error)
{
    static bad_case_t cases[] = {
        { "--guard=maybe", "--guard" },
        { "--duration-ms=0", "--duration-ms" },
        { "--duration-ms=ten", "--duration-ms" },
        { "--workers=0", "--workers" },
        { "--workers=-3", "--workers" },
        { "--extra-ms=99999", "--extra-ms" },
        { "--profiler-hz=fast", "--profiler-hz" },
        { "--seed=", "--seed" },
        { "--pause=often", "--pause" },
        { "--alloc-size=0", "--alloc-size" },
        { "--window-ns=1x", "--window-ns" },
        { "--no-such-knob=1", "--no-such-knob" },
        { "extra", "extra" },
    };
    return cr_make_param_array(bad_case_t, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(bad_case_t *c, scenario_cli, bad_knob_is_a_usage_error, .timeout = 20)
{
    run_t r;
    const char *args[] = { c->arg, NULL };
    run_scenario(&r, args, NULL);
    cr_assert_eq(r.status, 64, "%s: exit %d, stderr: %s", c->arg, r.status, r.err);
    cr_assert_not_null(strstr(r.err, c->must_mention), "%s: stderr does not name it: %s",
                       c->arg, r.err);
    cr_assert_str_empty(r.out, "%s: wrote to stdout: %s", c->arg, r.out);
}

Test(scenario_cli, bad_racelab_seed_is_a_usage_error, .timeout = 20)
{
    char *envp[] = { "RACELAB_SEED=twelve", NULL };
    const char *args[] = { "--profiler-hz=0", "--duration-ms=10", NULL };
    run_t r;
    run_scenario(&r, args, envp);
    cr_assert_eq(r.status, 64, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.err, "RACELAB_SEED"), "stderr: %s", r.err);
}

Test(scenario_cli, help_exits_zero_and_names_the_fixed_knobs, .timeout = 20)
{
    const char *args[] = { "--help", NULL };
    run_t r;
    run_scenario(&r, args, NULL);
    cr_assert_eq(r.status, 0);
    const char *knobs[] = { "--guard=target|self", "--duration-ms=N", "--seed=N", "--profiler-hz=N" };
    for (size_t i = 0; i < 4; i++)
        cr_assert_not_null(strstr(r.out, knobs[i]), "--help lacks %s", knobs[i]);
}

Test(scenario_cli, success_prints_one_summary_line, .timeout = 30)
{
    char *envp[] = { "RACELAB_SEED=4242", NULL };
    const char *args[] = { "--profiler-hz=0", "--duration-ms=50", NULL };
    run_t r;
    run_scenario(&r, args, envp);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    char *nl = strchr(r.out, '\n');
    cr_assert(nl != NULL && nl[1] == '\0', "not exactly one line: %s", r.out);
    const char *keys[] = { "samples=0 ", " migrations=", " callbacks=", " allocations=",
                           " guard=target ", " seed=4242 ", " mode=natural " };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        cr_assert_not_null(strstr(r.out, keys[i]), "summary lacks '%s': %s", keys[i], r.out);
}

Test(scenario_cli, fixed_guard_survives_back_to_back_sampling, .timeout = 30)
{
    /* Not a rate measurement: with the guard on the profiler's own M no
     * interleaving can kill a worker, so even the hardest setting exits 0. */
    const char *args[] = { "--guard=self", "--profiler-hz=max", "--duration-ms=300", "--seed=7", NULL };
    run_t r;
    run_scenario(&r, args, NULL);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "seed=7 "), "%s", r.out);
    cr_assert_null(strstr(r.out, " samples=0 "), "the profiler took no samples: %s", r.out);
}
