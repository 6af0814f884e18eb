/* test_cli.c - racelab run/check/replay/merge on real child processes
 * (rl-child), checked through exit codes, results files, logs and /proc. */
#include "rltest.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "racelab_run.h"
#include "store/results.h"

#define R (char *)e2e_racelab()
#define C (char *)e2e_child()

static pid_t read_pid(const char *file)
{
    char *s = tf_slurp(file, NULL);
    cr_assert(s != NULL, "no pid file %s", file);
    pid_t p = (pid_t)atoi(s);
    free(s);
    cr_assert(p > 1);
    return p;
}

/* One trial of rl-child MODE [FLAG...] --pidfile pids, run by `racelab run
 * --timeout T --results res`; checks racelab's exit status and returns the
 * pid the child wrote. */
static pid_t run_one_child(const char *timeout, int want_rc, const char *mode, const char *flag1,
                           const char *flag2)
{
    char *argv[16] = { R, "run", "--trials", "1", "--timeout", (char *)timeout, "--results", "res", "--",
                       C, (char *)mode };
    int n = 11;
    if (flag1)
        argv[n++] = (char *)flag1;
    if (flag2)
        argv[n++] = (char *)flag2;
    argv[n++] = "--pidfile";
    argv[n++] = "pids";
    argv[n] = NULL;
    cr_assert_eq(e2e_run(argv, "out"), want_rc);
    return read_pid("pids");
}

Test(cli, hang_is_killed_at_timeout_with_stacks, .timeout = 60)
{
    e2e_tmpdir();
    pid_t p = run_one_child("1", 1, "hang", NULL, NULL);
    cr_assert(!e2e_alive(p), "hung child %d still running", (int)p);
    rl_trial_list_t l = e2e_read("res");
    cr_assert_eq(l.n, 1);
    cr_assert_eq(l.trials[0].outcome, RL_OUTCOME_HANG);
    cr_assert_str_eq(l.trials[0].signature, "timeout after 1s");
    cr_assert(l.trials[0].log != NULL);
    char *log = tf_slurp(l.trials[0].log, NULL);
    cr_assert(log && strstr(log, "== stacks at the timeout =="), "no stacks in the log");
    char want[64];
    snprintf(want, sizeof want, "process %d (rl-child)", (int)p);
    cr_assert(strstr(log, want), "the /proc task list misses the hung process");
    cr_assert(strstr(log, "  task "), "no per-task lines");
    free(log);
    rl_trial_list_free(&l);
}

/* ptrace refuses a zombie: when the main thread has exited, gdb must attach
 * to the live thread instead, or the dump holds no stack at all. */
Test(cli, hang_with_a_zombie_leader_gets_the_live_threads_stack, .timeout = 60)
{
    e2e_tmpdir();
    pid_t p = run_one_child("1", 1, "hang", "--leader-exits", NULL);
    rl_trial_list_t l = e2e_read("res");
    cr_assert_eq(l.n, 1);
    cr_assert_eq(l.trials[0].outcome, RL_OUTCOME_HANG);
    char *log = tf_slurp(l.trials[0].log, NULL);
    cr_assert(log != NULL);
    char want[64];
    snprintf(want, sizeof want, "process %d (rl-child) ppid", (int)p);
    cr_assert(strstr(log, want) && strstr(log, "state Z"), "no zombie leader in:\n%s", log);
    if (strstr(log, "gdb not on PATH") == NULL) {
        snprintf(want, sizeof want, "gdb -batch -p %d ", (int)p);
        cr_assert(strstr(log, want) == NULL, "gdb was pointed at the zombie leader");
        cr_assert(strstr(log, "== racelab: gdb -batch -p "), "no gdb attach at all");
    }
    free(log);
    rl_trial_list_free(&l);
}

Test(cli, sleeping_grandchild_is_killed_when_the_trial_ends, .timeout = 60)
{
    e2e_tmpdir();
    pid_t p = run_one_child("20", 0, "forksleep", NULL, NULL);
    cr_assert(!e2e_alive(p), "grandchild %d left running", (int)p);
}

Test(cli, grandchild_of_a_hang_is_killed_at_the_timeout, .timeout = 60)
{
    e2e_tmpdir();
    pid_t p = run_one_child("1", 1, "forksleep", "--hang", NULL);
    cr_assert(!e2e_alive(p), "grandchild %d left running", (int)p);
}

Test(cli, setsid_escapee_is_killed, .timeout = 60)
{
    e2e_tmpdir();
    pid_t p = run_one_child("1", 1, "forksleep", "--setsid", "--hang");
    cr_assert(getsid(p) != getsid(0) || !e2e_alive(p), "escapee did not leave the session");
    cr_assert(!e2e_alive(p), "setsid grandchild %d left running", (int)p);
}

/* A daemon that one trial starts in a session of its own (as the first Wine
 * trial starts the wineserver) is shared by the trials after it: it holds
 * the first trial's pipe open, which makes racelab sweep for escapees, but
 * must live until the run ends (killing it there made concurrent Wine
 * trials hang half dead) and must not outlive the run. */
Test(cli, setsid_daemon_lives_until_the_run_ends, .timeout = 60)
{
    e2e_tmpdir();
    char script[1024];
    snprintf(script, sizeof script,
             "if [ -s pids ]; then kill -0 $(cat pids) || exit 7; "
             "else '%s' forksleep --setsid --pidfile pids; fi", C);
    char *argv[] = { R, "run", "--trials", "4", "--jobs", "1", "--timeout", "20",
                     "--results", "res", "--", "sh", "-c", script, NULL };
    cr_assert_eq(e2e_run(argv, "out"), 0, "a later trial found the daemon dead");
    rl_trial_list_t l = e2e_read("res");
    cr_assert_eq(l.n, 4);
    for (size_t i = 0; i < l.n; i++)
        cr_assert_eq(l.trials[i].outcome, RL_OUTCOME_PASS, "trial %zu: %s", i,
                     l.trials[i].signature ? l.trials[i].signature : "");
    rl_trial_list_free(&l);
    pid_t p = read_pid("pids");
    cr_assert(getsid(p) != getsid(0) || !e2e_alive(p), "the daemon did not leave the session");
    cr_assert(!e2e_alive(p), "daemon %d outlived the run", (int)p);
}

/* A trial that prints a signature line and then hangs: with
 * `hang-after-signature crash` it is that crash, "(then hung)", and a crash
 * expectation counts it; without the keyword it is a hang. */
static int check_hung_printer(const char *option)
{
    char text[1024];
    snprintf(text, sizeof text,
             "name hungprint\nissue https://example.invalid/h\ncommand %s\ntimeout 1\ntrials 4\n"
             "signature /^hanging$/\n%s\n"
             "variant buggy hang\nvariant fixed exit 0\n"
             "expect buggy crash /^hanging \\(then hung\\)$/ rate >= 0.3\n"
             "expect fixed no-crash upper <= 0.9\n",
             e2e_child(), option);
    e2e_write("h.repro", text);
    char *argv[] = { R, "check", "--jobs", "2", "--fixed-n", "--results", "res", "h.repro", NULL };
    return e2e_run(argv, "out");
}

Test(cli, hang_after_signature_counts_as_that_crash, .timeout = 60)
{
    e2e_tmpdir();
    cr_assert_eq(check_hung_printer("hang-after-signature crash"), 0);
    rl_trial_list_t l = e2e_read("res");
    cr_assert_eq(l.n, 8);
    for (size_t i = 0; i < l.n; i++) {
        if (strcmp(l.trials[i].variant, "buggy"))
            continue;
        cr_assert_eq(l.trials[i].outcome, RL_OUTCOME_CRASH);
        cr_assert_str_eq(l.trials[i].signature, "hanging (then hung)");
    }
    rl_trial_list_free(&l);
}

Test(cli, hang_after_signature_is_a_hang_by_default, .timeout = 60)
{
    e2e_tmpdir();
    cr_assert_eq(check_hung_printer("# hang-after-signature not given"), 1);
    rl_trial_list_t l = e2e_read("res");
    for (size_t i = 0; i < l.n; i++)
        if (!strcmp(l.trials[i].variant, "buggy"))
            cr_assert_eq(l.trials[i].outcome, RL_OUTCOME_HANG);
    rl_trial_list_free(&l);
}

Test(cli, flood_of_100MB_stays_within_the_capture_bound, .timeout = 120)
{
    e2e_tmpdir();
    char *argv[] = { R, "run", "--trials", "1", "--results", "res", "--",
                     C, "flood", "100000000", "--exit", "3", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 1);
    rl_trial_list_t l = e2e_read("res");
    cr_assert_eq(l.n, 1);
    cr_assert_str_eq(l.trials[0].signature, "exit status 3");
    size_t len;
    char *log = tf_slurp(l.trials[0].log, &len);
    char *out = log ? strstr(log, "== output ==\n") : NULL;
    cr_assert(out != NULL);
    size_t captured = len - (size_t)(out + 13 - log);
    cr_assert_leq(captured, 64 * 1024 + 64, "captured %zu bytes", captured);
    cr_assert(strstr(out, "bytes omitted]"), "no omission marker");
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    cr_assert_lt(ru.ru_maxrss, 48 * 1024, "racelab grew to %ld KiB", ru.ru_maxrss);
    free(log);
    rl_trial_list_free(&l);
}

static const char *sig_of(const char *mode, const char *arg, const char *arg2, const char *arg3)
{
    static char sig[256];
    char *argv[] = { R, "run", "--trials", "1", "--results", "res", "--", C, (char *)mode,
                     (char *)arg, (char *)arg2, (char *)arg3, NULL };
    system("rm -rf res");
    int rc = e2e_run(argv, "out");
    cr_assert(rc == 0 || rc == 1, "racelab exited %d", rc);
    rl_trial_list_t l = e2e_read("res");
    cr_assert_eq(l.n, 1);
    snprintf(sig, sizeof sig, "%s|%s", rl_outcome_name(l.trials[0].outcome),
             l.trials[0].signature ? l.trials[0].signature : "");
    rl_trial_list_free(&l);
    return sig;
}

Test(cli, exit_codes_and_signals_are_classified, .timeout = 60)
{
    e2e_tmpdir();
    cr_assert_str_eq(sig_of("exit", "0", NULL, NULL), "pass|");
    cr_assert_str_eq(sig_of("exit", "3", NULL, NULL), "crash|exit status 3");
    cr_assert_str_eq(sig_of("signal", "11", NULL, NULL), "crash|signal SIGSEGV");
    cr_assert_str_eq(sig_of("signal", "9", NULL, NULL), "crash|signal SIGKILL");
    cr_assert_str_eq(sig_of("abort", NULL, NULL, NULL), "crash|signal SIGABRT");
    cr_assert_str_eq(sig_of("print", "panic: boom", "--exit", "2"), "crash|panic: boom");
    cr_assert_str_eq(sig_of("print", "all fine", "--exit", "0"), "pass|");
    cr_assert_str_eq(sig_of("print", "fatal error: malloc deadlock (m=12 addr 0x7f00aa)", "--exit", "2"),
                     "crash|fatal error: malloc deadlock (m=N addr 0x?)");
    cr_assert_str_eq(sig_of("print", "==4242==ERROR: AddressSanitizer: heap-use-after-free", "--exit", "1"),
                     "crash|==N==ERROR: AddressSanitizer: heap-use-after-free");
}

Test(cli, seed_and_arguments_reach_the_child_verbatim, .timeout = 60)
{
    e2e_tmpdir();
    char *argv[] = { R, "run", "--trials", "3", "--jobs", "1", "--seed", "42", "--keep-logs",
                     "--results", "res", "--", C, "args", "s={seed}", "$(touch pwned)", "; rm -rf x",
                     "`touch pwned2`", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 0);
    cr_assert(access("pwned", F_OK) != 0 && access("pwned2", F_OK) != 0, "a shell ran the arguments");
    rl_trial_list_t l = e2e_read("res");
    cr_assert_eq(l.n, 3);
    for (size_t i = 0; i < l.n; i++) {
        const rl_trial_t *t = &l.trials[i];
        char *log = tf_slurp(t->log, NULL);
        cr_assert(log);
        char want[128];
        snprintf(want, sizeof want, "arg[2]=s=%llu\n", (unsigned long long)t->seed);
        cr_assert(strstr(log, want), "missing %s", want);
        snprintf(want, sizeof want, "env RACELAB_SEED=%llu\n", (unsigned long long)t->seed);
        cr_assert(strstr(log, want), "missing %s", want);
        cr_assert(strstr(log, "arg[3]=$(touch pwned)\n"));
        cr_assert(strstr(log, "arg[4]=; rm -rf x\n"));
        cr_assert(strstr(log, "arg[5]=`touch pwned2`\n"));
        snprintf(want, sizeof want, "s=%llu", (unsigned long long)t->seed);
        cr_assert_str_eq(t->argv[2], want, "recorded argv is not the substituted one");
        free(log);
    }
    cr_assert(l.trials[0].seed != l.trials[1].seed);
    /* The same base seed gives the same trial seeds. */
    char *again[] = { R, "run", "--trials", "3", "--jobs", "1", "--seed", "42", "--results", "res2",
                      "--", C, "exit", "0", NULL };
    cr_assert_eq(e2e_run(again, "out2"), 0);
    rl_trial_list_t l2 = e2e_read("res2");
    for (size_t i = 0; i < l.n; i++)
        for (size_t j = 0; j < l2.n; j++)
            if (l.trials[i].index == l2.trials[j].index)
                cr_assert_eq(l.trials[i].seed, l2.trials[j].seed);
    rl_trial_list_free(&l);
    rl_trial_list_free(&l2);
}

static void write_spec(const char *path, const char *fixed_args, long trials, const char *extra)
{
    char text[2048];
    snprintf(text, sizeof text,
             "name tiny\nissue https://example.invalid/tiny\ncommand %s\ntimeout 10\ntrials %ld\n"
             "variant buggy print \"fatal error: malloc deadlock\" --exit 2\n"
             "variant fixed %s\n"
             "expect buggy crash /malloc deadlock/ rate >= 0.5\n"
             "expect fixed no-crash upper <= 0.6\n%s",
             e2e_child(), trials, fixed_args, extra ? extra : "");
    e2e_write(path, text);
}

Test(cli, check_exit_status_follows_the_expectations, .timeout = 120)
{
    e2e_tmpdir();
    write_spec("good.repro", "exit 0", 40, NULL);
    write_spec("bad.repro", "exit 5", 40, NULL);
    char *good[] = { R, "check", "--jobs", "2", "--results", "g", "--junit", "g.xml", "good.repro", NULL };
    char *bad[] = { R, "check", "--jobs", "2", "--results", "b", "bad.repro", NULL };
    cr_assert_eq(e2e_run(good, "gout"), 0);
    cr_assert_eq(e2e_run(bad, "bout"), 1);
    e2e_assert_file_has("g.xml", "<testsuite");
    char *o = tf_slurp("bout", NULL);
    cr_assert(o && strstr(o, "FAIL"));
    free(o);
}

Test(cli, variants_interleave, .timeout = 120)
{
    e2e_tmpdir();
    write_spec("t.repro", "exit 0", 10, NULL);
    char *argv[] = { R, "check", "--jobs", "1", "--fixed-n", "--results", "r", "t.repro", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 0);
    rl_trial_list_t l = e2e_read("r");
    cr_assert_eq(l.n, 20);
    for (size_t i = 0; i < l.n; i++) {
        cr_assert_eq(l.trials[i].index, (long)i, "file order is not index order");
        cr_assert_str_eq(l.trials[i].variant, i % 2 ? "fixed" : "buggy");
    }
    rl_trial_list_free(&l);
}

Test(cli, resume_after_sigkill_has_no_duplicates_or_gaps, .timeout = 120)
{
    e2e_tmpdir();
    e2e_write_spec("s.repro", "slow", "sleepms 40", 30);
    char *argv[] = { R, "check", "--jobs", "2", "--fixed-n", "--results", "r", "s.repro", NULL };
    pid_t p = e2e_start(argv, "out1");
    e2e_await_lines("r/trials.jsonl", 6);
    kill(p, SIGKILL);
    e2e_wait(p);
    long before = tf_count_lines("r/trials.jsonl");
    cr_assert(before >= 6 && before < 60, "%ld trials before the kill", before);
    char *resume[] = { R, "check", "--jobs", "2", "--fixed-n", "--resume", "r", NULL };
    cr_assert_eq(e2e_run(resume, "out2"), 0);
    e2e_assert_complete("r", 60, 0);
}

/* A check of `trials` hanging trials per variant (rl-child hang, their
 * pids in ./pids) by a racelab started in a fresh directory; returns
 * racelab's pid once two trials run. */
static pid_t start_hanging_check(long trials)
{
    e2e_tmpdir();
    char mode[256], cwd[200];
    cr_assert(getcwd(cwd, sizeof cwd));
    snprintf(mode, sizeof mode, "hang --pidfile %s/pids", cwd);
    e2e_write_spec("h.repro", "slow", mode, trials);
    char *argv[] = { R, "check", "--jobs", "2", "--fixed-n", "--results", "r", "h.repro", NULL };
    pid_t p = e2e_start(argv, "out");
    e2e_await_lines("pids", 2);
    cr_assert_geq(tf_count_lines("pids"), 2, "trials did not start");
    return p;
}

static void interrupt_check(int sig)
{
    pid_t p = start_hanging_check(5);
    kill(p, sig);
    cr_assert_eq(e2e_wait(p), 128 + sig);
    char *s = tf_slurp("pids", NULL);
    int n = 0;
    for (char *q = s; q && *q; q = strchr(q, '\n') ? strchr(q, '\n') + 1 : q + strlen(q)) {
        if (atoi(q) > 1) {
            n++;
            cr_assert(!e2e_alive(atoi(q)), "trial %d survived signal %d", atoi(q), sig);
        }
    }
    cr_assert_geq(n, 2);
    free(s);
    rl_trial_list_t l = e2e_read("r");  /* valid, and holds no half-killed trial */
    cr_assert_eq(l.n, 0);
    rl_trial_list_free(&l);
    e2e_assert_file_has("out", "--resume r");
}

Test(cli, sigint_kills_trials_and_keeps_results, .timeout = 120)
{
    interrupt_check(SIGINT);
}

Test(cli, sigterm_kills_trials_and_keeps_results, .timeout = 120)
{
    interrupt_check(SIGTERM);
}

Test(cli, bad_spec_exits_64_naming_file_and_line, .timeout = 30)
{
    e2e_tmpdir();
    e2e_write("bad.repro", "name x\nissue https://example.invalid\nfrobnicate 3\n");
    char *argv[] = { R, "check", "bad.repro", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 64);
    e2e_assert_file_has("out", "bad.repro:3:");
}

Test(cli, bad_arguments_exit_64, .timeout = 30)
{
    e2e_tmpdir();
    char *a[] = { R, "run", "--trials", "many", "--", C, "exit", "0", NULL };
    char *b[] = { R, "frobnicate", NULL };
    char *c[] = { R, "check", NULL };
    char *d[] = { R, "run", "--trials", "2", NULL };
    cr_assert_eq(e2e_run(a, "o1"), 64);
    cr_assert_eq(e2e_run(b, "o2"), 64);
    cr_assert_eq(e2e_run(c, "o3"), 64);
    cr_assert_eq(e2e_run(d, "o4"), 64);
}

Test(cli, a_used_results_directory_is_refused, .timeout = 60)
{
    e2e_tmpdir();
    write_spec("t.repro", "exit 0", 6, NULL);
    char *argv[] = { R, "check", "--results", "r", "t.repro", NULL };
    cr_assert_eq(e2e_run(argv, "o1"), 0);
    long n = tf_count_lines("r/trials.jsonl");
    cr_assert_eq(e2e_run(argv, "o2"), 64, "a second run would mix its trials into r");
    cr_assert_eq(tf_count_lines("r/trials.jsonl"), n);
    e2e_assert_file_has("o2", "--resume");
}

Test(cli, results_that_cannot_be_written_exit_70, .timeout = 60)
{
    e2e_tmpdir();
    write_spec("t.repro", "exit 0", 6, NULL);
    cr_assert(system("mkdir -p r && ln -s /dev/full r/trials.jsonl") == 0);
    char *argv[] = { R, "check", "--quiet", "--results", "r", "t.repro", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 70);
    e2e_assert_file_has("out", "No space left on device");
}

Test(cli, nothing_run_is_never_success, .timeout = 30)
{
    e2e_tmpdir();
    write_spec("one.repro", "exit 0", 1, NULL);
    /* one trial per variant = one round; shard 1 of 2 gets none */
    char *argv[] = { R, "check", "--shard", "1/2", "--results", "r", "one.repro", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 1);
}

Test(cli, shards_merge_to_the_whole_run, .timeout = 120)
{
    e2e_tmpdir();
    write_spec("t.repro", "exit 0", 20, NULL);
    char *s0[] = { R, "check", "--shard", "0/2", "--results", "s0", "t.repro", NULL };
    char *s1[] = { R, "check", "--shard", "1/2", "--results", "s1", "t.repro", NULL };
    e2e_run(s0, "o0");
    e2e_run(s1, "o1");
    rl_trial_list_t a = e2e_read("s0"), b = e2e_read("s1");
    cr_assert_eq(a.n + b.n, 40);
    for (size_t i = 0; i < a.n; i++)
        for (size_t j = 0; j < b.n; j++)
            cr_assert_neq(a.trials[i].index, b.trials[j].index, "shards overlap");
    char *m[] = { R, "merge", "--json", "m.json", "s0", "s1", NULL };
    cr_assert_eq(e2e_run(m, "om"), 0);
    char *again[] = { R, "merge", "s0", "s0", NULL };
    cr_assert_eq(e2e_run(again, "oa"), 64, "overlapping merge accepted");
    rl_trial_list_free(&a);
    rl_trial_list_free(&b);
}

/* The JSON of s from key on, up to the next ']' or '}' that closes what
 * key opens: "outcomes":{...}, "wilson":[...], or a scalar up to ','. */
static char *json_piece(const char *s, const char *key, int nth)
{
    const char *p = s;
    for (int i = 0; p && i <= nth; i++)
        if ((p = strstr(p, key)) != NULL && i < nth)
            p += strlen(key);
    if (!p)
        return NULL;
    size_t n = strcspn(p + strlen(key), ",}]") + strlen(key) + 1;
    char *out = malloc(n + 1);
    cr_assert(out);
    memcpy(out, p, n);
    out[n] = '\0';
    return out;
}

/* n shard runs merged are the one run they split: the same trials (index,
 * seed, outcome, signature) and the same verdict, rates and Fisher test.
 * The program's outcome follows the trial's seed (its last digit), so the
 * two sides can be compared trial by trial. */
Test(cli, three_shards_merged_equal_one_run, .timeout = 120)
{
    e2e_tmpdir();
    e2e_write("s.repro",
              "name shq\nissue https://example.invalid/shq\n"
              "command /bin/sh -c 'case \"$1$2\" in *[0246]buggy|*7fixed) echo \"fatal error: malloc "
              "deadlock\"; exit 2;; esac; exit 0' sh {seed}\ntimeout 10\ntrials 30\n"
              "variant buggy buggy\nvariant fixed fixed\n"
              "expect buggy crash /malloc deadlock/ rate >= 0.1\nexpect fixed no-crash upper <= 0.5\n");
    char *whole[] = { R, "check", "--fixed-n", "-s", "99", "-o", "whole", "--json", "w.json", "s.repro", NULL };
    int rc_whole = e2e_run(whole, "ow");
    char dir[3][8], shard[3][8];
    for (int i = 0; i < 3; i++) {
        snprintf(dir[i], sizeof dir[i], "s%d", i);
        snprintf(shard[i], sizeof shard[i], "%d/3", i);
        char *argv[] = { R, "check", "--shard", shard[i], "-s", "99", "-o", dir[i], "s.repro", NULL };
        int rc = e2e_run(argv, "os");
        cr_assert(rc == 0 || rc == 1, "shard %s: exit %d", shard[i], rc);
    }
    char *merge[] = { R, "merge", "--json", "m.json", dir[0], dir[1], dir[2], NULL };
    cr_assert_eq(e2e_run(merge, "om"), rc_whole, "merge and the whole run disagree on the verdict");

    rl_trial_list_t w = e2e_read("whole");
    cr_assert_eq(w.n, 60);
    size_t matched = 0;
    for (int i = 0; i < 3; i++) {
        rl_trial_list_t s = e2e_read(dir[i]);
        for (size_t k = 0; k < s.n; k++) {
            const rl_trial_t *a = &s.trials[k], *b = NULL;
            for (size_t j = 0; j < w.n && !b; j++)
                if (w.trials[j].index == a->index && strcmp(w.trials[j].variant, a->variant) == 0)
                    b = &w.trials[j];
            cr_assert(b, "shard trial %s/%ld is not in the whole run", a->variant, a->index);
            cr_assert_eq(a->seed, b->seed, "trial %ld: seeds differ", a->index);
            cr_assert_eq(a->outcome, b->outcome, "trial %ld: outcomes differ", a->index);
            cr_assert_str_eq(a->signature ? a->signature : "", b->signature ? b->signature : "");
            matched++;
        }
        rl_trial_list_free(&s);
    }
    cr_assert_eq(matched, w.n, "the shards hold %zu of the run's %zu trials", matched, w.n);
    rl_trial_list_free(&w);

    char *wj = tf_slurp("w.json", NULL), *mj = tf_slurp("m.json", NULL);
    cr_assert(wj && mj);
    e2e_assert_file_has("om", "fixed N: 60 trials"); /* shards run the fixed-N plan */
    const char *keys[] = { "\"passed\":", "\"sequential\":", "\"outcomes\":", "\"crash_rate\":", "\"wilson\":",
                           "\"upper_bound\":", "\"p\":" };
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        for (int nth = 0; nth < 2; nth++) {
            char *a = json_piece(wj, keys[k], nth), *b = json_piece(mj, keys[k], nth);
            cr_assert_str_eq(a ? a : "(none)", b ? b : "(none)", "%s #%d", keys[k], nth);
            free(a);
            free(b);
        }
    free(wj);
    free(mj);
}

Test(cli, replay_reruns_a_recorded_trial, .timeout = 60)
{
    e2e_tmpdir();
    write_spec("t.repro", "exit 0", 6, NULL);
    char *argv[] = { R, "check", "--fixed-n", "--results", "r", "t.repro", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 0);
    char *rp[] = { R, "replay", "r", "0", NULL };
    cr_assert_eq(e2e_run(rp, "rout"), 0);
    char *o = tf_slurp("rout", NULL);
    cr_assert(o && strstr(o, "fatal error: malloc deadlock") && strstr(o, "reproduced: yes"), "%s", o);
    free(o);
    char *missing[] = { R, "replay", "r", "999", NULL };
    cr_assert_eq(e2e_run(missing, "mout"), 64);
}

Test(cli, plan_gives_the_zero_crash_trial_count, .timeout = 30)
{
    e2e_tmpdir();
    char *argv[] = { R, "plan", "--buggy-rate", "0.5", "--bound", "0.01", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 0);
    char *o = tf_slurp("out", NULL);
    cr_assert(o && strstr(o, "299 crash-free trials"), "%s", o ? o : "");
    cr_assert(strstr(o, "5 trials see at least one crash"), "%s", o);
    free(o);
    char *bad[] = { R, "plan", "--buggy-rate", "0.5", NULL };
    cr_assert_eq(e2e_run(bad, "out2"), 64);
}

/* The two trials in ./pids, left running by a killed racelab, are ended
 * by the next racelab (a resume of its results directory r). */
static void assert_next_racelab_ends_the_trials(void)
{
    char *s = tf_slurp("pids", NULL);
    pid_t a = atoi(s), b = atoi(strchr(s, '\n') + 1);
    free(s);
    /* Any racelab on the machine ends abandoned trials, so one of a test
     * running in parallel may end these before the resume starts; what
     * must hold is that they end, asserted below. */
    if (!e2e_alive(a) || !e2e_alive(b))
        cr_log_info("abandoned trials ended by another racelab before the resume started");
    char *resume[] = { R, "check", "--jobs", "1", "--fixed-n", "--resume", "r", NULL };
    pid_t q = e2e_start(resume, "out2");
    /* Up to 20 s: on a loaded machine racelab can take seconds to start. */
    for (int i = 0; i < 2000 && (e2e_alive(a) || e2e_alive(b)); i++)
        usleep(10000);
    /* The kills come before the message (and before the SIGTERM handler is
     * installed): wait for the message, or a slow racelab (ASan) dies of
     * the SIGTERM without printing it. */
    for (int i = 0; i < 300; i++) {
        char *m = tf_slurp("out2", NULL);
        int said = m && strstr(m, "left running by a racelab that was killed");
        free(m);
        if (said)
            break;
        usleep(10000);
    }
    kill(q, SIGTERM);
    e2e_wait(q);
    cr_assert(!e2e_alive(a) && !e2e_alive(b), "abandoned trials %d %d still running", (int)a, (int)b);
    char *o = tf_slurp("out2", NULL);
    /* Any racelab on the machine ends abandoned trials: a racelab of a test
     * running in parallel may have found these first (then it printed the
     * message).  What must hold is that they are gone, asserted above. */
    if (!o || !strstr(o, "left running by a racelab that was killed"))
        cr_log_info("abandoned trials ended by another racelab running in parallel: %s", o ? o : "");
    free(o);
}

Test(cli, trials_abandoned_by_a_killed_racelab_are_ended_by_the_next, .timeout = 120)
{
    pid_t p = start_hanging_check(3);
    kill(p, SIGKILL);
    e2e_wait(p);
    assert_next_racelab_ends_the_trials();
}

/* The state letter of /proc/PID/stat, or 0 when the process is gone. */
static char proc_state(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    char *s = tf_slurp(path, NULL);
    char *r = s ? strrchr(s, ')') : NULL;
    char st = r && r[1] == ' ' ? r[2] : 0;
    free(s);
    return st;
}

/* A racelab whose parent never waits for it stays a zombie once killed:
 * kill(pid, 0) still finds it, yet its trials are abandoned all the same. */
Test(cli, trials_of_a_killed_racelab_left_a_zombie_are_ended_by_the_next, .timeout = 120)
{
    e2e_tmpdir();
    char mode[256], cwd[200];
    cr_assert(getcwd(cwd, sizeof cwd));
    snprintf(mode, sizeof mode, "hang --pidfile %s/pids", cwd);
    e2e_write_spec("h.repro", "slow", mode, 3);
    /* sh starts racelab in the background and becomes sleep, which never
     * waits for its children. */
    char *argv[] = { "/bin/sh", "-c",
                     "\"$0\" check --jobs 2 --fixed-n --results r h.repro >out 2>&1 &"
                     " echo $! >racelab.pid; exec sleep 600",
                     R, NULL };
    pid_t parent = e2e_start(argv, "sh.out");
    e2e_await_lines("pids", 2);
    cr_assert_geq(tf_count_lines("pids"), 2, "trials did not start");
    pid_t p = read_pid("racelab.pid");
    kill(p, SIGKILL);
    for (int i = 0; i < 500 && proc_state(p) != 'Z'; i++)
        usleep(10000);
    cr_assert_eq(proc_state(p), 'Z', "the killed racelab %d is not left a zombie", (int)p);
    assert_next_racelab_ends_the_trials();
    cr_assert_eq(proc_state(p), 'Z', "the zombie racelab was reaped before the check");
    kill(parent, SIGKILL);
    e2e_wait(parent);
}

Test(cli, run_for_a_time_budget, .timeout = 60)
{
    e2e_tmpdir();
    char *argv[] = { R, "run", "--time", "500ms", "--jobs", "2", "--results", "r", "--",
                     C, "sleepms", "20", NULL };
    cr_assert_eq(e2e_run(argv, "out"), 0);
    rl_trial_list_t l = e2e_read("r");
    cr_assert_geq(l.n, 2, "%zu trials in the budget", l.n);
    for (size_t i = 0; i < l.n; i++)
        cr_assert_eq(l.trials[i].outcome, RL_OUTCOME_PASS);
    rl_trial_list_free(&l);
    char *both[] = { R, "run", "--time", "1s", "--trials", "3", "--", C, "exit", "0", NULL };
    cr_assert_eq(e2e_run(both, "out2"), 64);
}
