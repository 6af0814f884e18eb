/* test_verdict.c - rl_judge on constructed tallies: both kinds of
 * expectation, sequential and fixed N. */
#include "rltest.h"
#include <string.h>

#include "core/summary.h"
#include "core/verdict.h"

static rl_spec_t spec;
static rl_expect_t crash_e = {.variant = "buggy", .kind = RL_EXPECT_CRASH, .signature_re = "malloc deadlock",
                              .min_rate = 0.5, .text = "buggy crash /malloc deadlock/ rate >= 0.5"};
static rl_expect_t clean_e = {.variant = "fixed", .kind = RL_EXPECT_NO_CRASH, .max_upper = 0.01,
                              .text = "fixed no-crash upper <= 0.01"};

static void setup(void)
{
    memset(&spec, 0, sizeof spec);
    spec.trials = 300;
    spec.confidence = 0.95;
}

/* Adds n trials of one kind; sig NULL for a pass.  re is compiled once,
 * as a loaded spec holds it. */
static void add(rl_tally_t *t, long n, rl_outcome_t o, const char *sig, const char *re)
{
    rl_regex_t *rx = re ? rl_regex_compile(re, NULL, 0) : NULL;
    cr_assert(re == NULL || rx != NULL, "/%s/", re);
    for (long i = 0; i < n; i++) {
        rl_trial_t tr = {.index = t->n, .outcome = o, .signature = (char *)sig,
                         .started_s = (double)t->n, .duration_s = 1.0};
        cr_assert_eq(rl_tally_add(t, &tr, rx), 0);
    }
    rl_regex_free(rx);
}

TestSuite(verdict, .init = setup);

Test(verdict, tally_counts_buckets_and_first_crash)
{
    rl_tally_t t;
    rl_tally_init(&t, "buggy");
    add(&t, 2, RL_OUTCOME_PASS, NULL, "malloc deadlock");
    add(&t, 3, RL_OUTCOME_CRASH, "fatal error: malloc deadlock", "malloc deadlock");
    add(&t, 1, RL_OUTCOME_CRASH, "SIGSEGV", "malloc deadlock");
    add(&t, 1, RL_OUTCOME_HANG, NULL, "malloc deadlock");
    cr_assert_eq(t.n, 7);
    cr_assert_eq(t.outcomes[RL_OUTCOME_CRASH], 4);
    cr_assert_eq(t.crashes_matching, 3);
    cr_assert_eq(t.nbuckets, 3);
    cr_assert_str_eq(t.buckets[0].signature, "fatal error: malloc deadlock");
    cr_assert_eq(t.buckets[0].count, 3);
    cr_assert_str_eq(t.buckets[2].signature, "hang", "unsigned failures bucket by class");
    cr_assert_eq(t.first_crash_index, 2);
    cr_assert_float_eq(t.first_crash_s, 3.0, 1e-12); /* started 2 + 1 s */
    cr_assert_float_eq(t.busy_s, 7.0, 1e-12);
    rl_tally_free(&t);
}

Test(verdict, first_crash_is_earliest_in_time_not_index)
{
    rl_tally_t t;
    rl_tally_init(&t, "v");
    rl_trial_t late = {.index = 0, .outcome = RL_OUTCOME_CRASH, .signature = "x", .started_s = 0, .duration_s = 9};
    rl_trial_t early = {.index = 1, .outcome = RL_OUTCOME_CRASH, .signature = "x", .started_s = 0, .duration_s = 2};
    rl_tally_add(&t, &late, NULL);
    rl_tally_add(&t, &early, NULL);
    cr_assert_eq(t.first_crash_index, 1);
    cr_assert_float_eq(t.first_crash_s, 2.0, 1e-12);
    rl_tally_free(&t);
}

Test(verdict, crash_fixed_n_holds_with_the_brief_sentence)
{
    rl_tally_t t;
    rl_tally_init(&t, "buggy");
    spec.trials = 200;
    add(&t, 198, RL_OUTCOME_CRASH, "fatal error: malloc deadlock", crash_e.signature_re);
    add(&t, 2, RL_OUTCOME_PASS, NULL, crash_e.signature_re);
    char why[512];
    cr_assert_eq(rl_judge(&crash_e, &t, &spec, 0, why, sizeof why), RL_JUDGE_HOLDS);
    cr_assert_str_eq(why, "198/200 crashes matched /malloc deadlock/: rate 99.0% [96.4%, 99.7%], "
                          "lower bound 96.9% >= 50.0%");
    rl_tally_free(&t);
}

Test(verdict, crash_sequential_decides_early_and_agrees_with_the_bound)
{
    rl_tally_t t;
    rl_tally_init(&t, "buggy");
    char why[512];
    long decided = -1;
    for (long i = 0; i < 300 && decided < 0; i++) {
        add(&t, 1, RL_OUTCOME_CRASH, "fatal error: malloc deadlock", crash_e.signature_re);
        rl_judgement_t j = rl_judge(&crash_e, &t, &spec, 1, why, sizeof why);
        if (j != RL_JUDGE_UNDECIDED) {
            cr_assert_eq(j, RL_JUDGE_HOLDS);
            decided = t.n;
        }
    }
    /* ln(19)/ln(1.5) = 7.26 -> 8 crashes; and 8/8 has lower bound
     * 0.05^(1/8) = 68.8% >= 50%. */
    cr_assert_eq(decided, 8);
    cr_assert_str_eq(why, "8/8 crashes matched /malloc deadlock/: rate 100.0% [67.6%, 100.0%], lower bound "
                          "68.8% >= 50.0%, decided early by SPRT");
    rl_tally_free(&t);
}

Test(verdict, crash_sequential_fails_early_when_it_does_not_reproduce)
{
    rl_tally_t t;
    rl_tally_init(&t, "buggy");
    char why[512];
    rl_judgement_t j = RL_JUDGE_UNDECIDED;
    while (j == RL_JUDGE_UNDECIDED && t.n < 300) {
        add(&t, 1, RL_OUTCOME_PASS, NULL, crash_e.signature_re);
        j = rl_judge(&crash_e, &t, &spec, 1, why, sizeof why);
    }
    cr_assert_eq(j, RL_JUDGE_FAILS);
    /* Each pass adds ln(0.75/0.5) = 0.405 for p = 25% over p = 50%;
     * ln 19 = 2.94 needs 8; and 0/8 has upper bound 31.2% < 50%. */
    cr_assert_eq(t.n, 8);
    cr_assert_str_eq(why, "0/8 crashes matched /malloc deadlock/: rate 0.0% [0.0%, 32.4%], upper bound 31.2% < "
                          "50.0%, decided early by SPRT");
    rl_tally_free(&t);
}

/* A true rate just above the threshold is in neither SPRT's reach: it
 * must not be failed early, and at the cap the bound decides. */
Test(verdict, crash_near_threshold_runs_to_the_cap)
{
    rl_tally_t t;
    rl_tally_init(&t, "buggy");
    char why[512];
    for (long i = 0; i < 300; i++) {
        /* 3 of every 5 trials crash: 60%. */
        if (i % 5 < 3)
            add(&t, 1, RL_OUTCOME_CRASH, "fatal error: malloc deadlock", crash_e.signature_re);
        else
            add(&t, 1, RL_OUTCOME_PASS, NULL, crash_e.signature_re);
        rl_judgement_t j = rl_judge(&crash_e, &t, &spec, 1, why, sizeof why);
        if (t.n < 300)
            cr_assert_neq(j, RL_JUDGE_FAILS, "failed early at %ld: %s", t.n, why);
        if (j == RL_JUDGE_HOLDS)
            break;
    }
    cr_assert_eq(rl_judge(&crash_e, &t, &spec, 1, why, sizeof why), RL_JUDGE_HOLDS, "%s", why);
    cr_assert_geq(rl_lower_bound(t.crashes_matching, t.n, 0.95), 0.5);
    rl_tally_free(&t);
}

Test(verdict, other_signatures_do_not_count_but_are_named)
{
    rl_tally_t t;
    rl_tally_init(&t, "buggy");
    add(&t, 30, RL_OUTCOME_CRASH, "SIGSEGV", crash_e.signature_re);
    add(&t, 2, RL_OUTCOME_HANG, "timeout", crash_e.signature_re);
    char why[512];
    cr_assert_eq(rl_judge(&crash_e, &t, &spec, 0, why, sizeof why), RL_JUDGE_FAILS);
    cr_assert_str_eq(why, "0/32 crashes matched /malloc deadlock/: rate 0.0% [0.0%, 10.7%], lower bound 0.0% < "
                          "50.0% (not counted: 30 other crashes, 2 hangs, 0 errors)");
    rl_tally_free(&t);
}

static rl_expect_t hang_e = {.variant = "buggy", .kind = RL_EXPECT_HANG, .min_rate = 0.5,
                             .text = "buggy hang rate >= 0.5"};

Test(verdict, hang_counts_hangs_only_and_decides_early)
{
    rl_tally_t t;
    rl_tally_init(&t, "buggy");
    char why[512];
    rl_judgement_t j = RL_JUDGE_UNDECIDED;
    while (j == RL_JUDGE_UNDECIDED && t.n < 300) {
        add(&t, 1, RL_OUTCOME_HANG, "timeout after 3s", NULL);
        j = rl_judge(&hang_e, &t, &spec, 1, why, sizeof why);
    }
    /* The same arithmetic as crashes: 8/8 has lower bound 68.8% >= 50%. */
    cr_assert_eq(j, RL_JUDGE_HOLDS, "%s", why);
    cr_assert_eq(t.n, 8);
    cr_assert_str_eq(why, "8/8 trials hung: rate 100.0% [67.6%, 100.0%], lower bound 68.8% >= 50.0%, "
                          "decided early by SPRT");
    rl_tally_free(&t);
}

Test(verdict, hang_expectation_fails_on_crashes_and_names_them)
{
    rl_tally_t t;
    rl_tally_init(&t, "buggy");
    add(&t, 20, RL_OUTCOME_CRASH, "fatal error: malloc deadlock", NULL);
    add(&t, 1, RL_OUTCOME_HANG, "timeout after 3s", NULL);
    char why[512];
    cr_assert_eq(rl_judge(&hang_e, &t, &spec, 0, why, sizeof why), RL_JUDGE_FAILS);
    cr_assert(strncmp(why, "1/21 trials hung: rate 4.76%", 28) == 0, "%s", why);
    cr_assert(strstr(why, "(not counted: 20 crashes, 0 errors)") != NULL, "%s", why);
    rl_tally_free(&t);
}

Test(verdict, crash_cap_too_small_says_so)
{
    rl_tally_t t;
    rl_tally_init(&t, "buggy");
    spec.trials = 3;
    add(&t, 3, RL_OUTCOME_CRASH, "malloc deadlock", NULL);
    char why[512];
    cr_assert_eq(rl_judge(&crash_e, &t, &spec, 1, why, sizeof why), RL_JUDGE_FAILS);
    cr_assert(strstr(why, "; needs 5 trials, cap is 3") != NULL, "%s", why);
    rl_tally_free(&t);
}

Test(verdict, no_crash_holds_exactly_at_the_plan)
{
    rl_tally_t t;
    rl_tally_init(&t, "fixed");
    char why[512];
    add(&t, 298, RL_OUTCOME_PASS, NULL, NULL);
    cr_assert_eq(rl_judge(&clean_e, &t, &spec, 1, why, sizeof why), RL_JUDGE_UNDECIDED);
    add(&t, 1, RL_OUTCOME_PASS, NULL, NULL);
    cr_assert_eq(rl_judge(&clean_e, &t, &spec, 1, why, sizeof why), RL_JUDGE_HOLDS);
    cr_assert_str_eq(why, "0/299 crashes: rate 0.0% [0.0%, 1.27%], exact upper bound 0.997% <= 1.00%");
    rl_tally_free(&t);
}

Test(verdict, no_crash_fails_at_the_first_failure)
{
    rl_tally_t t;
    rl_tally_init(&t, "fixed");
    add(&t, 10, RL_OUTCOME_PASS, NULL, NULL);
    add(&t, 1, RL_OUTCOME_HANG, "timeout after 10 s", NULL);
    char why[512];
    cr_assert_eq(rl_judge(&clean_e, &t, &spec, 1, why, sizeof why), RL_JUDGE_FAILS);
    cr_assert_str_eq(why, "1/11 trials did not pass (0 crash, 1 hang, 0 error): rate 9.09% [1.62%, 37.7%]; "
                          "most common: timeout after 10 s");
    rl_tally_free(&t);
}

/* `no-crash /RE/`: only crashes whose signature matches count against the
 * fix; other failures are named in the reason but do not fail it. */
Test(verdict, no_crash_with_a_signature_counts_only_matching_crashes)
{
    rl_expect_t e = {.variant = "fixed", .kind = RL_EXPECT_NO_CRASH, .signature_re = "malloc deadlock",
                     .max_upper = 0.05, .text = "fixed no-crash /malloc deadlock/ upper <= 0.05"};
    rl_tally_t t;
    rl_tally_init(&t, "fixed");
    char why[512];
    add(&t, 55, RL_OUTCOME_PASS, NULL, e.signature_re);
    add(&t, 3, RL_OUTCOME_CRASH, "fatal error: unexpected signal", e.signature_re);
    add(&t, 1, RL_OUTCOME_HANG, "timeout after 20s", e.signature_re);
    cr_assert_eq(rl_judge(&e, &t, &spec, 1, why, sizeof why), RL_JUDGE_HOLDS, "%s", why);
    cr_assert_str_eq(why, "0/59 crashes matched /malloc deadlock/: rate 0.0% [0.0%, 6.11%], exact upper bound "
                          "4.95% <= 5.00% (not counted: 4 other failures)");
    add(&t, 1, RL_OUTCOME_CRASH, "fatal error: malloc deadlock (then hung)", e.signature_re);
    cr_assert_eq(rl_judge(&e, &t, &spec, 1, why, sizeof why), RL_JUDGE_FAILS);
    cr_assert_str_eq(why, "1/60 crashes matched /malloc deadlock/: rate 1.67% [0.295%, 8.86%] "
                          "(not counted: 4 other failures)");
    /* Without the signature the same tally fails on the first failure. */
    cr_assert_eq(rl_judge(&clean_e, &t, &spec, 0, why, sizeof why), RL_JUDGE_FAILS);
    rl_tally_free(&t);
}

Test(verdict, no_crash_fixed_n_short_fails_with_needs)
{
    rl_tally_t t;
    rl_tally_init(&t, "fixed");
    spec.trials = 100;
    add(&t, 100, RL_OUTCOME_PASS, NULL, NULL);
    char why[512];
    cr_assert_eq(rl_judge(&clean_e, &t, &spec, 1, why, sizeof why), RL_JUDGE_FAILS);
    cr_assert_str_eq(why, "0/100 crashes: rate 0.0% [0.0%, 3.70%], exact upper bound 2.95% > 1.00%; needs 299 "
                          "trials, cap is 100");
    spec.trials = 1000;
    cr_assert_eq(rl_judge(&clean_e, &t, &spec, 0, why, sizeof why), RL_JUDGE_FAILS);
    cr_assert(strstr(why, "needs 299 trials, ran 100") != NULL, "%s", why);
    rl_tally_free(&t);
}

Test(verdict, nothing_run_never_holds)
{
    rl_tally_t t;
    rl_tally_init(&t, "fixed");
    char why[512];
    cr_assert_eq(rl_judge(&clean_e, &t, &spec, 1, why, sizeof why), RL_JUDGE_UNDECIDED);
    cr_assert_eq(rl_judge(&clean_e, &t, &spec, 0, why, sizeof why), RL_JUDGE_FAILS);
    cr_assert_eq(rl_judge(&crash_e, &t, &spec, 0, why, sizeof why), RL_JUDGE_FAILS);
    cr_assert_str_eq(why, "no trials were run");
    rl_tally_free(&t);
}

/* Trials that could not run: not evidence, never a pass, never a crash. */

Test(verdict, errors_are_left_out_of_n)
{
    rl_tally_t t;
    rl_tally_init(&t, "buggy");
    spec.trials = 205;
    add(&t, 198, RL_OUTCOME_CRASH, "fatal error: malloc deadlock", crash_e.signature_re);
    add(&t, 2, RL_OUTCOME_PASS, NULL, crash_e.signature_re);
    add(&t, 5, RL_OUTCOME_ERROR, "could not start: ./p: No such file or directory", crash_e.signature_re);
    char why[512];
    cr_assert_eq(rl_judge(&crash_e, &t, &spec, 0, why, sizeof why), RL_JUDGE_HOLDS);
    cr_assert(strncmp(why, "198/200 crashes matched /malloc deadlock/: rate 99.0% [96.4%, 99.7%]", 68) == 0,
              "%s", why);
    cr_assert(strstr(why, "; 5 trials could not run, not counted") != NULL, "%s", why);
    rl_tally_free(&t);
}

Test(verdict, all_errors_are_undecided_not_failed)
{
    rl_tally_t t;
    rl_tally_init(&t, "v");
    add(&t, 300, RL_OUTCOME_ERROR, "could not start: build/p: No such file or directory", NULL);
    char why[512];
    cr_assert_eq(rl_judge(&crash_e, &t, &spec, 0, why, sizeof why), RL_JUDGE_UNDECIDED);
    cr_assert_str_eq(why, "undecided: 300 trials could not run, none ran: could not start: build/p: "
                          "No such file or directory");
    cr_assert_eq(rl_judge(&clean_e, &t, &spec, 1, why, sizeof why), RL_JUDGE_UNDECIDED);
    cr_assert(strstr(why, "300 trials could not run") != NULL, "%s", why);
    cr_assert_eq(rl_judge(&hang_e, &t, &spec, 0, why, sizeof why), RL_JUDGE_UNDECIDED);
    rl_tally_free(&t);
}

Test(verdict, sequential_gives_up_after_ten_errors_and_nothing_else)
{
    rl_tally_t t;
    rl_tally_init(&t, "v");
    add(&t, RL_ERRORS_GIVE_UP - 1, RL_OUTCOME_ERROR, "did not start: no wineserver", NULL);
    char why[512];
    cr_assert(!rl_tally_hopeless(&t));
    cr_assert_eq(rl_judge(&clean_e, &t, &spec, 1, why, sizeof why), RL_JUDGE_UNDECIDED);
    cr_assert_str_eq(why, "", "more trials could still decide");
    add(&t, 1, RL_OUTCOME_ERROR, "did not start: no wineserver", NULL);
    cr_assert(rl_tally_hopeless(&t));
    cr_assert_eq(rl_judge(&clean_e, &t, &spec, 1, why, sizeof why), RL_JUDGE_UNDECIDED);
    cr_assert_str_eq(why, "undecided: 10 trials could not run, none ran: did not start: no wineserver");
    /* one trial that ran: the setup works, keep going */
    rl_tally_t u;
    rl_tally_init(&u, "v");
    add(&u, 1, RL_OUTCOME_PASS, NULL, NULL);
    add(&u, 20, RL_OUTCOME_ERROR, "did not start: no wineserver", NULL);
    cr_assert(!rl_tally_hopeless(&u));
    cr_assert_eq(rl_judge(&clean_e, &u, &spec, 1, why, sizeof why), RL_JUDGE_UNDECIDED);
    cr_assert_str_eq(why, "");
    rl_tally_free(&t);
    rl_tally_free(&u);
}

Test(verdict, one_error_leaves_no_crash_undecided_at_the_cap)
{
    rl_tally_t t;
    rl_tally_init(&t, "fixed");
    spec.trials = 300;
    add(&t, 299, RL_OUTCOME_PASS, NULL, NULL);
    add(&t, 1, RL_OUTCOME_ERROR, "did not start: wineserver died", NULL);
    char why[512];
    /* 299 clean trials are enough on their own, but the one that did not
     * run might have crashed */
    cr_assert_eq(rl_judge(&clean_e, &t, &spec, 1, why, sizeof why), RL_JUDGE_UNDECIDED);
    cr_assert(strncmp(why, "undecided: 1 trial could not run (did not start: wineserver died), and the "
                           "verdict depends on them; of the 299 that ran: 0/299 crashes", 125) == 0, "%s", why);
    rl_tally_free(&t);
}

Test(verdict, a_real_crash_fails_whatever_the_errors)
{
    rl_tally_t t;
    rl_tally_init(&t, "fixed");
    add(&t, 10, RL_OUTCOME_PASS, NULL, NULL);
    add(&t, 1, RL_OUTCOME_CRASH, "signal SIGSEGV", NULL);
    add(&t, 3, RL_OUTCOME_ERROR, "did not start: x", NULL);
    char why[512];
    cr_assert_eq(rl_judge(&clean_e, &t, &spec, 1, why, sizeof why), RL_JUDGE_FAILS);
    cr_assert(strncmp(why, "1/11 trials did not pass (1 crash, 0 hang, 0 error)", 51) == 0, "%s", why);
    cr_assert(strstr(why, "3 trials could not run, not counted") != NULL, "%s", why);
    rl_tally_free(&t);
}

Test(verdict, errors_that_would_flip_a_rate_leave_it_undecided)
{
    rl_tally_t t;
    rl_tally_init(&t, "buggy");
    spec.trials = 20;
    /* 8/10 ran: lower bound 49.3% < 50%; had the 10 errors crashed, 18/20
     * would hold (71.7%) */
    add(&t, 8, RL_OUTCOME_CRASH, "malloc deadlock", crash_e.signature_re);
    add(&t, 2, RL_OUTCOME_PASS, NULL, crash_e.signature_re);
    add(&t, 10, RL_OUTCOME_ERROR, "did not start: x", crash_e.signature_re);
    char why[512];
    cr_assert_eq(rl_judge(&crash_e, &t, &spec, 0, why, sizeof why), RL_JUDGE_UNDECIDED);
    cr_assert(strstr(why, "10 trials could not run") && strstr(why, "of the 10 that ran: 8/10"), "%s", why);
    rl_tally_free(&t);
    /* 18/18 ran: holds whatever the 2 errors would have been */
    rl_tally_init(&t, "buggy");
    add(&t, 18, RL_OUTCOME_CRASH, "malloc deadlock", crash_e.signature_re);
    add(&t, 2, RL_OUTCOME_ERROR, "did not start: x", crash_e.signature_re);
    cr_assert_eq(rl_judge(&crash_e, &t, &spec, 0, why, sizeof why), RL_JUDGE_HOLDS);
    cr_assert(strncmp(why, "18/18 crashes matched", 21) == 0, "%s", why);
    rl_tally_free(&t);
}

Test(verdict, sequential_waits_while_errors_could_flip_it)
{
    rl_tally_t t;
    rl_tally_init(&t, "buggy");
    spec.trials = 300;
    add(&t, 8, RL_OUTCOME_CRASH, "malloc deadlock", crash_e.signature_re);
    char why[512];
    cr_assert_eq(rl_judge(&crash_e, &t, &spec, 1, why, sizeof why), RL_JUDGE_HOLDS, "8/8 decides early");
    add(&t, 6, RL_OUTCOME_ERROR, "did not start: x", crash_e.signature_re);
    /* counted as passes, 8/14 would not be decided yet */
    cr_assert_eq(rl_judge(&crash_e, &t, &spec, 1, why, sizeof why), RL_JUDGE_UNDECIDED);
    cr_assert_str_eq(why, "");
    add(&t, 30, RL_OUTCOME_CRASH, "malloc deadlock", crash_e.signature_re);
    cr_assert_eq(rl_judge(&crash_e, &t, &spec, 1, why, sizeof why), RL_JUDGE_HOLDS);
    cr_assert(strstr(why, "38/38 crashes matched") && strstr(why, "decided early by SPRT; 6 trials could not run"),
              "%s", why);
    rl_tally_free(&t);
}

Test(verdict, summary_is_undecided_only_when_nothing_fails)
{
    rl_variant_t vars[2] = { {.name = "buggy"}, {.name = "fixed"} };
    rl_expect_t ex[2] = { crash_e, clean_e };
    spec.variants = vars;
    spec.nvariants = 2;
    spec.expects = ex;
    spec.nexpects = 2;
    rl_tally_t t[2];
    rl_tally_init(&t[0], "buggy");
    rl_tally_init(&t[1], "fixed");
    add(&t[0], 20, RL_OUTCOME_CRASH, "malloc deadlock", NULL);
    add(&t[1], 4, RL_OUTCOME_ERROR, "did not start: x", NULL);
    rl_expect_result_t res[2] = { {.expect = &ex[0], .result = RL_JUDGE_HOLDS},
                                  {.expect = &ex[1], .result = RL_JUDGE_UNDECIDED} };
    rl_summary_t s = {.spec = &spec, .ntallies = 2, .tallies = t, .nresults = 2, .results = res};
    rl_summary_finish(&s);
    cr_assert(!s.passed);
    cr_assert(s.undecided);
    cr_assert_eq(s.errors, 4);
    cr_assert_lt(s.fisher_p, 0.0, "no trial of fixed ran: no Fisher's test");
    res[0].result = RL_JUDGE_FAILS;
    rl_summary_finish(&s);
    cr_assert(!s.passed);
    cr_assert(!s.undecided, "a failure decides the verdict");
    rl_tally_free(&t[0]);
    rl_tally_free(&t[1]);
}
