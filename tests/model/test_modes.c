/* The scenario's modes (issue 5): perturbation decisions are a function of
 * the seed; --mode=forced kills the buggy guard every time and never the
 * fixed one; --mode=perturb runs and perturbs. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/perturb.h"
#include "scenario_run.h"

#define STEPS 20000

static unsigned count_actions(const rt_perturb_config_t *cfg, uint32_t role)
{
    unsigned n = 0;
    for (uint64_t k = 0; k < STEPS; k++)
        n += rt_perturb_decide(cfg, role, k, (rt_schedpt_id_t)(k % RT_SP_COUNT)).kind != RT_PERTURB_NONE;
    return n;
}

Test(perturb, same_seed_gives_the_same_decisions)
{
    rt_perturb_config_t a = { .seed = 12345, .depth = 3, .horizon = 5000, .max_delay_us = 20 };
    rt_perturb_config_t b = a;
    for (uint32_t role = 0; role < 5; role++)
        for (uint64_t k = 0; k < STEPS; k++) {
            rt_schedpt_id_t pt = (rt_schedpt_id_t)(k % RT_SP_COUNT);
            rt_perturb_action_t x = rt_perturb_decide(&a, role, k, pt);
            rt_perturb_action_t y = rt_perturb_decide(&b, role, k, pt);
            cr_assert(x.kind == y.kind && x.us == y.us, "role %u step %llu differs", role,
                      (unsigned long long)k);
        }
}

Test(perturb, different_seeds_or_roles_give_different_decisions)
{
    rt_perturb_config_t a = { .seed = 1, .depth = 3, .horizon = 5000, .max_delay_us = 20 };
    rt_perturb_config_t b = a;
    b.seed = 2;
    unsigned seed_diff = 0, role_diff = 0;
    for (uint64_t k = 0; k < STEPS; k++) {
        rt_schedpt_id_t pt = (rt_schedpt_id_t)(k % RT_SP_COUNT);
        rt_perturb_action_t x = rt_perturb_decide(&a, 1, k, pt);
        rt_perturb_action_t y = rt_perturb_decide(&b, 1, k, pt);
        rt_perturb_action_t z = rt_perturb_decide(&a, 2, k, pt);
        seed_diff += x.kind != y.kind || x.us != y.us;
        role_diff += x.kind != z.kind || x.us != z.us;
    }
    cr_assert_gt(seed_diff, STEPS / 20, "seeds 1 and 2 agree almost everywhere");
    cr_assert_gt(role_diff, STEPS / 20, "roles 1 and 2 agree almost everywhere");
}

Test(perturb, actions_are_varied_and_in_range)
{
    rt_perturb_config_t c = { .seed = 99, .depth = 3, .horizon = 5000, .max_delay_us = 7 };
    unsigned kinds[4] = { 0 };
    for (uint64_t k = 0; k < STEPS; k++) {
        rt_perturb_action_t x = rt_perturb_decide(&c, 0, k, RT_SP_PROF_AFTER_LOAD);
        kinds[x.kind]++;
        if (x.kind == RT_PERTURB_SPIN || x.kind == RT_PERTURB_SLEEP)
            cr_assert(x.us >= 1 && x.us <= 7, "delay %u out of range", x.us);
        else
            cr_assert_eq(x.us, 0);
    }
    for (int i = 0; i < 4; i++)
        cr_assert_gt(kinds[i], 0, "action kind %d never chosen", i);
}

Test(perturb, change_points_lower_priority)
{
    /* PCT: after its change points a thread is held back more often. */
    rt_perturb_config_t none = { .seed = 7, .depth = 0, .horizon = 1000, .max_delay_us = 5 };
    rt_perturb_config_t deep = none;
    deep.depth = 3;
    for (uint32_t role = 1; role < 8; role++)
        cr_assert_gt(count_actions(&deep, role), count_actions(&none, role), "role %u", role);
}

Test(perturb, sampler_is_held_back_and_workers_only_yield)
{
    /* The sampler (role 0) is delayed at about 90% of its points whatever
     * the seed; a worker is never made to spin or sleep (it would hold its M
     * and stop migration), and is held back far less at rt_malloc's points
     * than at needm/dropm. */
    rt_perturb_config_t c = { .seed = 5, .depth = 3, .horizon = 1000, .max_delay_us = 9 };
    unsigned held = 0, at_malloc = 0, at_needm = 0;
    for (uint64_t k = 0; k < 2000; k++) {
        held += rt_perturb_decide(&c, 0, k, RT_SP_PROF_AFTER_LOAD).kind != RT_PERTURB_NONE;
        for (uint32_t role = 1; role < 5; role++) {
            rt_perturb_action_t m = rt_perturb_decide(&c, role, k, RT_SP_MALLOC_BEFORE_CHECK);
            rt_perturb_action_t n = rt_perturb_decide(&c, role, k, RT_SP_NEEDM_BEFORE);
            cr_assert(m.kind == RT_PERTURB_NONE || m.kind == RT_PERTURB_YIELD);
            cr_assert(n.kind == RT_PERTURB_NONE || n.kind == RT_PERTURB_YIELD);
            at_malloc += m.kind != RT_PERTURB_NONE;
            at_needm += n.kind != RT_PERTURB_NONE;
        }
    }
    cr_assert(held > 1700 && held < 1900, "sampler held back at %u of 2000 points", held);
    cr_assert_lt(at_malloc * 8, at_needm, "malloc %u vs needm %u", at_malloc, at_needm);
}

Test(perturb, bad_configuration_is_refused)
{
    rt_perturb_config_t c = { .seed = 1, .depth = 9, .horizon = 10, .max_delay_us = 5 };
    cr_assert_eq(rt_perturb_install(&c), -1);
    c.depth = 1;
    c.horizon = 0;
    cr_assert_eq(rt_perturb_install(&c), -1);
}

Test(modes, forced_target_crashes_every_time, .timeout = 60)
{
    for (int i = 0; i < 5; i++) {
        const char *args[] = { "--mode=forced", "--guard=target", "--duration-ms=5000", NULL };
        run_t r;
        run_scenario(&r, args, NULL);
        cr_assert_eq(r.status, 2, "trial %d: exit %d, stdout %s stderr %s", i, r.status, r.out, r.err);
        cr_assert_not_null(strstr(r.err, "fatal error: malloc deadlock"), "%s", r.err);
        cr_assert_not_null(strstr(r.err, "(live"), "not the live collision: %s", r.err);
    }
}

Test(modes, forced_self_never_crashes, .timeout = 60)
{
    for (int i = 0; i < 5; i++) {
        const char *args[] = { "--mode=forced", "--guard=self", "--duration-ms=5000", NULL };
        run_t r;
        run_scenario(&r, args, NULL);
        cr_assert_eq(r.status, 0, "trial %d: exit %d, stderr %s", i, r.status, r.err);
        cr_assert_not_null(strstr(r.out, " mode=forced "), "%s", r.out);
        cr_assert_not_null(strstr(r.out, " forced=done"), "script did not complete: %s", r.out);
        cr_assert_null(strstr(r.out, " moved=0 "), "the sample was not of a moved M: %s", r.out);
    }
}

/* The retry path, on any machine: the first two attempts are aborted on
 * purpose once the profiler has loaded its victim; the third must run the
 * script to its end, and the summary must count the two aborts. */
Test(modes, forced_tries_an_aborted_attempt_again, .timeout = 60)
{
    const char *args[] = { "--mode=forced", "--guard=self", "--duration-ms=20000",
                           "--forced-abort-first=2", NULL };
    run_t r;
    run_scenario(&r, args, NULL);
    cr_assert_eq(r.status, 0, "exit %d, stderr %s", r.status, r.err);
    cr_assert_not_null(strstr(r.out, " forced=done"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, " forced_aborts=2"), "%s", r.out);
}

/* Every attempt aborted on purpose: the trial ends on its own with exit 3
 * and says that each attempt was aborted and where.  Two seconds leave a
 * loaded machine ample time to reach the first attempt's 'loaded', and
 * no machine can use up a million attempts in them (each abort waits 1 ms
 * before the next attempt begins). */
Test(modes, forced_that_never_completes_says_why, .timeout = 60)
{
    const char *args[] = { "--mode=forced", "--guard=self", "--duration-ms=2000",
                           "--forced-abort-first=1000000", NULL };
    run_t r;
    run_scenario(&r, args, NULL);
    cr_assert_eq(r.status, 3, "exit %d, stderr %s", r.status, r.err);
    cr_assert_not_null(strstr(r.err, "attempts, each aborted"), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "'loaded'"), "%s", r.err);
}

/* A 1 ms handshake bound against 5 ms pauses between callbacks: many
 * attempts time out because nobody takes the dropped M in time.  However the
 * machine times them, the trial must end on its own - done, or exit 3
 * saying why it could not - never stall until it is killed. */
Test(modes, forced_with_short_handshakes_ends_on_its_own, .timeout = 120)
{
    for (int i = 0; i < 10; i++) {
        char seed[32];
        snprintf(seed, sizeof seed, "--seed=%d", i + 1);
        const char *args[] = { "--mode=forced", "--guard=self", "--duration-ms=2000",
                               "--forced-timeout-ms=1", "--pause=5000", "--workers=3",
                               "--extra-ms=2", seed, NULL };
        run_t r;
        run_scenario(&r, args, NULL);
        if (r.status == 3) {
            cr_assert(strstr(r.err, "attempts, each aborted") != NULL ||
                          strstr(r.err, "before the script completed") != NULL,
                      "%s", r.err);
            continue;
        }
        cr_assert_eq(r.status, 0, "run %d: exit %d, stderr %s", i, r.status, r.err);
        cr_assert_not_null(strstr(r.out, " forced=done"), "%s", r.out);
        cr_assert_not_null(strstr(r.out, " forced_aborts="), "%s", r.out);
    }
}

Test(modes, perturb_runs_and_perturbs, .timeout = 60)
{
    const char *args[] = { "--mode=perturb", "--guard=self", "--duration-ms=200", "--seed=3", NULL };
    run_t r;
    run_scenario(&r, args, NULL);
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    cr_assert_not_null(strstr(r.out, " mode=perturb "), "%s", r.out);
    const char *a = strstr(r.out, " perturb_actions=");
    cr_assert_not_null(a, "%s", r.out);
    cr_assert_gt(strtoull(a + 17, NULL, 10), 0, "nothing was perturbed: %s", r.out);
}

Test(modes, forced_needs_a_profiler_and_a_free_worker, .timeout = 20)
{
    const char *bad[][2] = { { "--mode=forced", "--profiler-hz=0" },
                             { "--mode=forced", "--workers=2" },
                             { "--mode=forced", "--allocs=0" } };
    for (size_t i = 0; i < 3; i++) {
        const char *args[] = { bad[i][0], bad[i][1], NULL };
        run_t r;
        run_scenario(&r, args, NULL);
        cr_assert_eq(r.status, 64, "%s %s: exit %d", bad[i][0], bad[i][1], r.status);
        cr_assert_not_null(strstr(r.err, "--mode=forced"), "%s", r.err);
    }
}

/* The number after " key=" in a summary line; fails the test without it. */
static unsigned long long summary_value(const char *out, const char *key)
{
    const char *a = strstr(out, key);
    cr_assert_not_null(a, "no%s in %s", key, out);
    return strtoull(a + strlen(key), NULL, 10);
}

/* --min-moved runs on past --duration-ms until the profiler hit that many
 * moved Ms, or until 10 times the duration: a run ends with the windows
 * hit or at the cap, and a count it cannot reach keeps it to the cap. */
Test(modes, min_moved_runs_on_until_the_windows_were_hit, .timeout = 60)
{
    const char *args[] = { "--mode=perturb", "--guard=self", "--duration-ms=100", "--seed=5",
                           "--min-moved=5", NULL };
    run_t r;
    run_scenario(&r, args, NULL);
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    unsigned long long moved = summary_value(r.out, " moved=");
    unsigned long long elapsed = summary_value(r.out, " elapsed_ms=");
    cr_assert(moved >= 5 || elapsed >= 1000, "stopped after %llu ms with %llu moved: %s", elapsed,
              moved, r.out);
}

Test(modes, min_moved_out_of_reach_runs_to_ten_times_the_duration, .timeout = 60)
{
    const char *args[] = { "--mode=perturb", "--guard=self", "--duration-ms=20", "--seed=5",
                           "--min-moved=1000000", NULL };
    run_t r;
    run_scenario(&r, args, NULL);
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    cr_assert_lt(summary_value(r.out, " moved="), 1000000, "%s", r.out);
    cr_assert_geq(summary_value(r.out, " elapsed_ms="), 200, "did not run on: %s", r.out);
}

Test(modes, min_moved_needs_a_profiler_and_no_script, .timeout = 20)
{
    const char *bad[][2] = { { "--mode=forced", "--min-moved=1" },
                             { "--profiler-hz=0", "--min-moved=1" } };
    for (size_t i = 0; i < 2; i++) {
        const char *args[] = { bad[i][0], bad[i][1], NULL };
        run_t r;
        run_scenario(&r, args, NULL);
        cr_assert_eq(r.status, 64, "%s %s: exit %d", bad[i][0], bad[i][1], r.status);
        cr_assert_not_null(strstr(r.err, "--min-moved"), "%s", r.err);
    }
}
