/* suspend-family's command line: --help names every pattern and both
 * variants; bad knobs exit 64 naming the knob; a fixed run prints one
 * summary line and exits 0. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs the scenario with args (NULL-terminated), output (stdout+stderr)
 * into out; returns the exit status, -1 if it did not exit. */
static int run(char *out, size_t outlen, const char *const *args)
{
    const char *prog = getenv("RL_SUSPEND_FAMILY");
    cr_assert_not_null(prog, "RL_SUSPEND_FAMILY not set (run through meson test)");
    char *argv[16];
    int n = 0;
    argv[n++] = (char *)prog;
    for (; args[n - 1] != NULL && n < 15; n++)
        argv[n] = (char *)args[n - 1];
    argv[n] = NULL;
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[0]);
        execv(prog, argv);
        _exit(127);
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t r;
    while (len < outlen - 1 && (r = read(fds[0], out + len, outlen - 1 - len)) > 0)
        len += (size_t)r;
    out[len] = '\0';
    close(fds[0]);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Test(family_cli, help_lists_every_pattern)
{
    static char out[8192];
    const char *args[] = { "--help", NULL };
    cr_assert_eq(run(out, sizeof out, args), 0);
    const char *want[] = { "unchecked-suspend|p2", "handle-reuse|p3", "after-dropm|p4",
                           "async-suspend|p5", "self-suspend|p6", "--variant=buggy|fixed",
                           "--suspend=native|async", "--steer-us=N" };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        cr_expect_not_null(strstr(out, want[i]), "missing %s", want[i]);
}

Test(family_cli, bad_knobs_exit_64_and_name_the_knob)
{
    static char out[4096];
    struct { const char *args[4]; const char *msg; } cases[] = {
        { { "--variant=fixed", NULL }, "--pattern is required" },
        { { "--pattern=p9", NULL }, "--pattern: expected" },
        { { "--pattern=p2", "--variant=broken", NULL }, "--variant: expected 'buggy' or 'fixed'" },
        { { "--pattern=p5", "--workers=4", "--extra-ms=2", NULL }, "must not exceed --extra-ms" },
        { { "--pattern=p6", "--extra-ms=1", NULL }, "at least 2" },
        { { "--pattern=p3", "--frobnicate=1", NULL }, "unknown knob '--frobnicate=1'" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cr_expect_eq(run(out, sizeof out, cases[i].args), 64, "case %zu: %s", i, out);
        cr_expect_not_null(strstr(out, cases[i].msg), "case %zu: %s", i, out);
    }
}

Test(family_cli, fixed_run_prints_one_summary_line)
{
    static char out[4096];
    const char *args[] = { "--pattern=after-dropm", "--variant=fixed", "--duration-ms=50",
                           "--seed=7", NULL };
    cr_assert_eq(run(out, sizeof out, args), 0, "%s", out);
    cr_assert_eq(strncmp(out, "scenario=suspend-family pattern=after-dropm variant=fixed "
                              "suspend=native seed=7 ", 77), 0, "%s", out);
    cr_assert_eq(strchr(out, '\n'), out + strlen(out) - 1, "one line: %s", out);
}
