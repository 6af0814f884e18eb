/* borrowed-m-profiler's command line: bad knobs are usage errors (exit 64,
 * a message naming the knob), good ones give one summary line. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "scenario_run.h"

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
        { "--mode=chaos", "--mode" },
        { "--perturb-depth=9", "--perturb-depth" },
        { "--forced-timeout-ms=0", "--forced-timeout-ms" },
        { "--forced-abort-first=1000001", "--forced-abort-first" },
        { "--forced-abort-first=2", "--forced-abort-first" }, /* natural mode */
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

Test(scenario_cli, fixed_guard_survives_sampling, .timeout = 30)
{
    /* A smoke test, not a rate measurement (how many samples land depends
     * on the machine's load; test_modes' forced runs are the deterministic
     * check): with the guard on the profiler's own M no interleaving can
     * kill a worker. */
    const char *args[] = { "--guard=self", "--duration-ms=300", "--seed=7", NULL };
    run_t r;
    run_scenario(&r, args, NULL);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "seed=7 "), "%s", r.out);
    cr_assert_not_null(strstr(r.out, " profiler_hz=1000 "), "%s", r.out);
}
