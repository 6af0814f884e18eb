/* test_bisect_cli.c - racelab bisect end to end over candidates made of the
 * flaky program (tests/bisect/flaky.c): it names the first bad candidate,
 * reports an end that is not what it should be, gives up on its budget
 * with the posterior, and resumes a killed run with no trial lost or run
 * twice. */
#include "rltest.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/results.h"

static const char *env(const char *name)
{
    const char *v = getenv(name);
    cr_assert(v && *v, "$%s is not set (run through meson test)", name);
    return v;
}

static char tmp_path[64];

/* Removes the test's directory when the test's process ends (each test
 * runs in a process of its own). */
static void remove_tmpdir(void)
{
    char cmd[128];
    if (tmp_path[0] && chdir("/") == 0) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_path);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", tmp_path);
    }
}

/* A fresh directory to work in. */
static void tmpdir(void)
{
    snprintf(tmp_path, sizeof tmp_path, "/tmp/rl-bisect-XXXXXX");
    cr_assert(mkdtemp(tmp_path) != NULL);
    cr_assert(chdir(tmp_path) == 0);
    atexit(remove_tmpdir);
}

/* cands.txt: n candidates, the first bad one k, crash rate p from k on,
 * every one with the unrelated crash at rate other. */
static void write_cands(int n, int k, double p, double good_p, double other, int sleep_ms)
{
    FILE *f = fopen("cands.txt", "w");
    cr_assert(f);
    fprintf(f, "# good end first\n");
    for (int i = 0; i < n; i++)
        fprintf(f, "v%d: %s --crash-rate %g --other-rate %g --sleep-ms %d\n", i, env("FLAKY"),
                i >= k ? p : good_p, other, sleep_ms);
    fclose(f);
}

static int run(const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s bisect %s > out.txt 2>&1", env("RACELAB"), args);
    int st = system(cmd);
    cr_assert(WIFEXITED(st), "%s: no exit status", cmd);
    return WEXITSTATUS(st);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static void assert_found(const char *name)
{
    char *o = slurp("out.txt");
    char want[64];
    snprintf(want, sizeof want, "first bad: %s ", name);
    cr_assert(o && strstr(o, want), "wanted '%s' in:\n%s", want, o ? o : "");
    char *j = slurp("r.json");
    snprintf(want, sizeof want, "\"name\":\"%s\",\"posterior\":", name);
    cr_assert(j && strstr(j, "\"status\":\"found\"") && strstr(j, want), "r.json: %s", j ? j : "");
}

Test(bisect_cli, names_the_first_bad_candidate, .timeout = 120)
{
    tmpdir();
    write_cands(16, 11, 0.3, 0, 0.05, 0);
    cr_assert_eq(run("--candidates cands.txt --signature 'flaky bug' --jobs 2 --seed 1 --results r --json r.json "
                     "--markdown r.md --html r.html"),
                 0, "%s", slurp("out.txt"));
    assert_found("v11");
    cr_assert(strstr(slurp("r.md"), "**first bad: v11 (candidate 11 of 15)"), "%s", slurp("r.md"));
    char *h = slurp("r.html");
    cr_assert(strstr(h, "first bad: v11") && strstr(h, "<svg") && strstr(h, "Posterior"), "%s", h);
    /* the unrelated crashes are shown, not counted */
    cr_assert(strstr(slurp("out.txt"), "panic: unrelated"), "%s", slurp("out.txt"));
}

/* Twenty searches with other seeds and first bad candidates: every one is
 * right (each is at confidence 0.95, so a miss in twenty would be rare,
 * and with these seeds there is none). */
Test(bisect_cli, right_across_seeds, .timeout = 300)
{
    tmpdir();
    for (int s = 0; s < 20; s++) {
        int k = 1 + (s * 7) % 15;
        write_cands(16, k, 0.25, 0, 0, 0);
        char args[256], name[16];
        snprintf(args, sizeof args, "--candidates cands.txt --signature 'flaky bug' --jobs 2 --seed %d --results r%d "
                 "--json r.json", 100 + s, s);
        cr_assert_eq(run(args), 0, "seed %d: %s", 100 + s, slurp("out.txt"));
        snprintf(name, sizeof name, "v%d", k);
        assert_found(name);
    }
}

/* A spec's variants as candidates, in the spec's order or --variants'. */
Test(bisect_cli, spec_variants, .timeout = 120)
{
    tmpdir();
    FILE *f = fopen("f.repro", "w");
    cr_assert(f);
    fprintf(f, "name flakyspec\nissue https://example.com/1\ncommand %s\nargs --other-rate 0\ntimeout 10\n"
               "trials 10\nvariant a --crash-rate 0\nvariant b --crash-rate 0.0\nvariant c --crash-rate 0.4\n"
               "variant d --crash-rate 0.40\nexpect d crash /flaky/ rate >= 0.1\n",
            env("FLAKY"));
    fclose(f);
    cr_assert_eq(run("--spec f.repro --results r1 --seed 4 --jobs 2 --json r.json"), 0, "%s", slurp("out.txt"));
    assert_found("c");
    /* the wrong way round: the "bad" end is the clean one */
    cr_assert_eq(run("--spec f.repro --variants d,a --results r2 --seed 4 --max-trials 30"), 1);
    cr_assert(strstr(slurp("out.txt"), "the bad end a never crashed"), "%s", slurp("out.txt"));
    cr_assert_eq(run("--spec f.repro --variants a,b,b --results r3"), 64);
    cr_assert_eq(run("--spec f.repro --variants a,zz --results r4"), 64);
    cr_assert_eq(run("--variants a,b --candidates cands.txt"), 64);
}

Test(bisect_cli, ends_that_are_not_what_they_should_be, .timeout = 120)
{
    tmpdir();
    /* the bad end never shows the signature */
    write_cands(8, 8, 0.5, 0, 0, 0);
    cr_assert_eq(run("--candidates cands.txt --signature 'flaky bug' --max-trials 50 --results r1"), 1);
    cr_assert(strstr(slurp("out.txt"), "never crashed with the signature"), "%s", slurp("out.txt"));
    /* the good end crashes too */
    write_cands(8, 3, 0.5, 0.5, 0, 0);
    cr_assert_eq(run("--candidates cands.txt --good-trials 30 --results r2 --seed 3"), 1);
    cr_assert(strstr(slurp("out.txt"), "the good end v0 crashed"), "%s", slurp("out.txt"));
    /* ... which --noise auto accepts as noise */
    write_cands(8, 3, 0.5, 0.02, 0, 0);
    cr_assert_eq(run("--candidates cands.txt --noise auto --results r3 --seed 3 --json r.json"), 0, "%s",
                 slurp("out.txt"));
    assert_found("v3");
}

Test(bisect_cli, budget_exhausted_prints_the_posterior, .timeout = 60)
{
    tmpdir();
    write_cands(32, 20, 0.1, 0, 0, 0);
    cr_assert_eq(run("--candidates cands.txt --max-trials 15 --results r --seed 2 --json r.json"), 1);
    char *o = slurp("out.txt");
    cr_assert(strstr(o, "before the budget ran out") && strstr(o, "posterior") && strstr(o, "--resume r"), "%s", o);
    cr_assert(strstr(slurp("r.json"), "\"status\":\"budget\""));
}

Test(bisect_cli, usage_errors, .timeout = 60)
{
    tmpdir();
    write_cands(4, 2, 0.5, 0, 0, 0);
    cr_assert_eq(run("--candidates nothing.txt"), 64);
    cr_assert_eq(run("--candidate 'only one'"), 64);
    cr_assert_eq(run("--candidates cands.txt --confidence 2"), 64);
    cr_assert_eq(run("--candidates cands.txt --noise lots"), 64);
    cr_assert_eq(run("--candidates cands.txt --signature '('"), 64);
    cr_assert_eq(run("--candidates cands.txt --bogus"), 64);
    cr_assert_eq(run("--help"), 0);
}

static rl_trial_list_t trials_of(const char *dir)
{
    rl_trial_list_t l = { 0 };
    char err[512];
    cr_assert(rl_results_read(dir, &l, err, sizeof err) == 0, "%s", err);
    return l;
}

/* Kill racelab bisect (SIGKILL: no chance to tidy up) while trials run,
 * resume it: every trial recorded before the kill is still there, the
 * indices run 0 .. n-1 with no gap and no duplicate, the answer is right,
 * and any trial replays. */
Test(bisect_cli, kill_and_resume_loses_and_repeats_nothing, .timeout = 300)
{
    tmpdir();
    write_cands(16, 9, 0.3, 0, 0, 40);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        freopen("out1.txt", "w", stdout);
        freopen("out1.txt", "a", stderr);
        execl(env("RACELAB"), "racelab", "bisect", "--candidates", "cands.txt", "--signature", "flaky bug",
              "--jobs", "2", "--seed", "9", "--results", "r", (char *)NULL);
        _exit(127);
    }
    /* wait until some trials are recorded, then kill */
    rl_trial_list_t before = { 0 };
    for (int i = 0; i < 200; i++) {
        usleep(50 * 1000);
        FILE *f = fopen("r/trials.jsonl", "r");
        long lines = 0;
        int c;
        while (f && (c = fgetc(f)) != EOF)
            lines += c == '\n';
        if (f)
            fclose(f);
        if (lines >= 8)
            break;
    }
    /* One writer per results directory: a resume while the first still
     * runs is refused at once, naming it (before, both wrote). */
    int second = run("--resume r --jobs 2");
    char holder[48];
    snprintf(holder, sizeof holder, "in use by racelab pid %ld", (long)pid);
    cr_assert(second == 64 && strstr(slurp("out.txt"), holder), "a second bisect on r: exit %d: %s", second,
              slurp("out.txt"));
    kill(pid, SIGKILL);
    int st;
    waitpid(pid, &st, 0);
    cr_assert(WIFSIGNALED(st), "racelab ended before the kill: %s", slurp("out1.txt"));
    before = trials_of("r");
    cr_assert(before.n >= 8, "%zu trials before the kill", before.n);
    cr_assert_eq(run("--resume r --jobs 2 --json r.json"), 0, "%s", slurp("out.txt"));
    cr_assert(strstr(slurp("out.txt"), "resuming with"), "%s", slurp("out.txt"));
    assert_found("v9");
    rl_trial_list_t after = trials_of("r");
    cr_assert(after.n > before.n);
    /* nothing lost: every trial of before is in after, unchanged */
    for (size_t i = 0; i < before.n; i++) {
        size_t j;
        for (j = 0; j < after.n; j++)
            if (after.trials[j].index == before.trials[i].index)
                break;
        cr_assert(j < after.n, "trial %ld lost", before.trials[i].index);
        cr_assert_str_eq(after.trials[j].variant, before.trials[i].variant);
        cr_assert_eq(after.trials[j].seed, before.trials[i].seed);
    }
    /* nothing repeated, no gap */
    char *seen = calloc(after.n, 1);
    for (size_t j = 0; j < after.n; j++) {
        long x = after.trials[j].index;
        cr_assert(x >= 0 && (size_t)x < after.n, "index %ld out of 0..%zu", x, after.n - 1);
        cr_assert(!seen[x], "trial %ld recorded twice", x);
        seen[x] = 1;
    }
    free(seen);
    /* a recorded trial replays with its argv and seed */
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s replay r 0 > rep.txt 2>&1", env("RACELAB"));
    int rs = system(cmd);
    cr_assert(WIFEXITED(rs) && WEXITSTATUS(rs) == 0, "replay: %s", slurp("rep.txt"));
    rl_trial_list_free(&before);
    rl_trial_list_free(&after);
}

/* prog.c at one commit of the throwaway repository: crashes with the
 * signature at the given rate (0 before the bad commit). */
static void write_prog(double rate, int version)
{
    FILE *f = fopen("repo/prog.c", "w");
    cr_assert(f);
    fprintf(f,
            "#include <stdio.h>\n#include <stdlib.h>\n"
            "#define RATE %g\n#define VERSION %d\n"
            "int main(void)\n{\n"
            "    const char *s = getenv(\"RACELAB_SEED\");\n"
            "    unsigned long long z = (s ? strtoull(s, 0, 10) : 0) + 0x9e3779b97f4a7c15ULL;\n"
            "    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;\n"
            "    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;\n"
            "    z ^= z >> 31;\n"
            "    if ((double)(z >> 11) * 0x1.0p-53 < RATE) {\n"
            "        fprintf(stderr, \"fatal error: flaky bug (version %%d)\\n\", VERSION);\n"
            "        abort();\n"
            "    }\n"
            "    return 0;\n}\n",
            rate, version);
    fclose(f);
}

static void sh(const char *cmd)
{
    int st = system(cmd);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "failed: %s", cmd);
}

/* repo/: 64 commits, commit 40 bringing in a crash of 10% per run (tagged
 * good at commit 0); commit 40's hash, cut to 12 digits, in bad_hash. */
static void make_repo(char bad_hash[64])
{
    sh("git init -q repo");
    for (int i = 0; i < 64; i++) {
        write_prog(i >= 40 ? 0.1 : 0, i);
        char cmd[256];
        snprintf(cmd, sizeof cmd,
                 "cd repo && git add prog.c && git -c user.name=t -c user.email=t@example.com commit -qm 'commit %d'",
                 i);
        sh(cmd);
        if (i == 0)
            sh("cd repo && git tag good");
        if (i == 40) {
            sh("cd repo && git rev-parse HEAD > ../bad.txt");
            char *h = slurp("bad.txt");
            snprintf(bad_hash, 64, "%.12s", h);
        }
    }
}

/* A repository of 64 commits; commit 40 brings in a crash of 10% per run.
 * racelab bisect builds each probed commit in a worktree of its own and
 * names commit 40. */
Test(bisect_cli, git_range_names_the_commit_that_brought_the_crash_in, .timeout = 600)
{
    tmpdir();
    char bad_hash[64] = "";
    make_repo(bad_hash);
    /* a budget too small first, then --resume: no commit is built twice */
    cr_assert_eq(run("--repo repo --good good --bad HEAD --build-cmd 'cc -o prog prog.c' --run '{build}/prog' "
                     "--signature 'flaky bug' --jobs 2 --seed 17 --results r --max-trials 40"),
                 1, "%s", slurp("out.txt"));
    char *o = slurp("out.txt");
    cr_assert(strstr(o, "64 candidates") && strstr(o, "before the budget ran out"), "%s", o);
    sh("grep -o 'building [0-9a-f]*' out.txt > built1.txt");
    cr_assert_eq(run("--resume r --jobs 2 --json r.json"), 0, "%s", slurp("out.txt"));
    assert_found(bad_hash);
    sh("grep -o 'building [0-9a-f]*' out.txt >> built1.txt; sort built1.txt | uniq -d > twice.txt");
    cr_assert_str_eq(slurp("twice.txt"), "", "built twice: %s", slurp("twice.txt"));
    /* built on demand, not all 64 */
    sh("ls r/worktrees | grep -c 'built$' > nbuilt.txt");
    int nbuilt = atoi(slurp("nbuilt.txt"));
    cr_assert(nbuilt >= 3 && nbuilt < 64, "%d worktrees built", nbuilt);
}

/* A build that fails is not remembered as failed: a resume builds that
 * commit again (here the first build fails, an end of the range, which
 * stops the search; the resume's build of it succeeds and the search
 * names commit 40). */
Test(bisect_cli, git_resume_retries_a_build_that_failed, .timeout = 600)
{
    tmpdir();
    char bad_hash[64] = "";
    make_repo(bad_hash);
    char args[1024];
    snprintf(args, sizeof args,
             "--repo repo --good good --bad HEAD --build-cmd 'if test -e %s/flag; then cc -o prog prog.c; "
             "else touch %s/flag; exit 1; fi' --run '{build}/prog' --signature 'flaky bug' --jobs 2 --seed 17 "
             "--results r",
             tmp_path, tmp_path);
    int rc = run(args);
    char *o = slurp("out.txt");
    cr_assert(rc != 0 && strstr(o, "does not build"), "exit %d: %s", rc, o);
    cr_assert_eq(run("--resume r --jobs 2 --json r.json"), 0, "%s", slurp("out.txt"));
    assert_found(bad_hash);
}
