/* suspend-family's command line: --help names every pattern and both
 * variants; bad knobs exit 64 naming the knob; a fixed run prints one
 * summary line and exits 0. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "patterns/registry.h"
#include "scenario_run.h"

static void run(run_t *r, const char *const *args)
{
    run_program(r, "RL_SUSPEND_FAMILY", args, NULL);
}

Test(family_cli, help_lists_every_pattern)
{
    static run_t r;
    const char *args[] = { "--help", NULL };
    run(&r, args);
    cr_assert_eq(r.status, 0);
    const char *want[] = { "unchecked-suspend|p2", "handle-reuse|p3", "after-dropm|p4",
                           "async-suspend|p5", "self-suspend|p6", "suspended-holder|p7",
                           "--variant=buggy|fixed", "--fix=NAME",
                           "--suspend=native|async", "--steer-us=N" };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        cr_expect_not_null(strstr(r.out, want[i]), "missing %s", want[i]);
    /* And every registered pattern, with its outcome line. */
    for (const rt_pattern_t *const *p = rt_patterns; *p != NULL; p++) {
        char name[64];
        snprintf(name, sizeof name, "%s|%s", (*p)->name, (*p)->shortname);
        cr_expect_not_null(strstr(r.out, name), "missing %s", name);
        const char *last = strrchr((*p)->help, '\n');
        cr_expect_not_null(strstr(r.out, last != NULL ? last + 1 : (*p)->help),
                           "missing %s's outcome", (*p)->name);
    }
}

Test(family_cli, bad_knobs_exit_64_and_name_the_knob)
{
    static run_t r;
    struct { const char *args[4]; const char *msg; } cases[] = {
        { { "--variant=fixed", NULL }, "--pattern is required" },
        { { "--pattern=p9", NULL }, "--pattern: expected" },
        { { "--pattern=p2", "--variant=broken", NULL }, "--variant: expected 'buggy' or 'fixed'" },
        { { "--pattern=p5", "--workers=4", "--extra-ms=2", NULL }, "must not exceed --extra-ms" },
        { { "--pattern=p6", "--extra-ms=1", NULL }, "at least 2" },
        { { "--pattern=p3", "--frobnicate=1", NULL }, "unknown knob '--frobnicate=1'" },
        { { "--pattern=p7", "--variant=fixed", "--fix=nope", NULL },
          "--fix=nope: --pattern=suspended-holder's fixes are prealloc, watchdog or lockfree" },
        { { "--pattern=p7", "--fix=watchdog", NULL }, "--fix=watchdog needs --variant=fixed" },
        { { "--pattern=p4", "--variant=fixed", "--fix=prealloc", NULL }, "has one fix" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        run(&r, cases[i].args);
        cr_expect_eq(r.status, 64, "case %zu: %s", i, r.err);
        cr_expect_not_null(strstr(r.err, cases[i].msg), "case %zu: %s", i, r.err);
        cr_expect_str_empty(r.out, "case %zu wrote to stdout: %s", i, r.out);
    }
}

Test(family_cli, fixed_run_prints_one_summary_line)
{
    static run_t r;
    const char *args[] = { "--pattern=after-dropm", "--variant=fixed", "--duration-ms=50",
                           "--seed=7", NULL };
    run(&r, args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(strncmp(r.out, "scenario=suspend-family pattern=after-dropm variant=fixed "
                                "suspend=native seed=7 ", 77), 0, "%s", r.out);
    cr_assert_eq(strchr(r.out, '\n'), r.out + strlen(r.out) - 1, "one line: %s", r.out);
}

/* A pattern fixed several ways names the fix it ran in its variant. */
Test(family_cli, named_fix_is_in_the_summary)
{
    static run_t r;
    const char *args[] = { "--pattern=p7", "--variant=fixed", "--fix=watchdog",
                           "--duration-ms=50", NULL };
    run(&r, args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, " variant=fixed-watchdog "), "%s", r.out);
}
