/* test_store.c - the results directory as a store (issue [store]): an
 * output that is, or resolves to, an input or a file of the results
 * directory is refused before any trial runs; reports and copies are
 * replaced whole (renamed into place); one writer per directory; merge
 * builds its output aside; the directory's history is verified on resume
 * and merge; hostile inputs are refused.  The trials are /bin/sh. */
#include "rltest.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "racelab_run.h"
#include "testfs.h"

/* A fresh directory under /tmp, made the working directory. */
static void tmpdir(void)
{
    static char path[64];
    strcpy(path, "/tmp/rl-store-XXXXXX");
    cr_assert(mkdtemp(path));
    cr_assert(chdir(path) == 0);
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* A two-variant spec named name whose trials run the shell script. */
static void spec(const char *path, const char *name, const char *script, int trials)
{
    char text[2048];
    snprintf(text, sizeof text,
             "name %s\nissue https://example.invalid/%s\ncommand /bin/sh\nargs -c \"%s\" {seed}\n"
             "timeout 30\ntrials %d\nvariant a a\nvariant b b\n"
             "expect a no-crash upper <= 0.99\nexpect b no-crash upper <= 0.99\n",
             name, name, script, trials);
    e2e_write(path, text);
}

#define R (char *)e2e_racelab()

/* A finished check of 2 x 3 passing trials in r/. */
static void make_results(void)
{
    spec("k.repro", "k", "exit 0", 3);
    char *argv[] = { R, "check", "--fixed-n", "--jobs", "2", "--results", "r", "k.repro", NULL };
    cr_assert_eq(e2e_run(argv, "out0"), 0);
    cr_assert_eq(tf_count_lines("r/trials.jsonl"), 6);
}

/* ---- aliasing and crash windows ---- */

Test(aliasing, report_over_the_results_file_is_refused_before_any_trial)
{
    tmpdir();
    spec("k.repro", "k", "exit 0", 3);
    /* A fresh run whose JSON report is its own results file: before, the
     * trials ran, the report replaced them, exit 0. */
    char *fresh[] = { R, "check", "--fixed-n", "--results", "r", "--json", "r/trials.jsonl", "k.repro", NULL };
    cr_assert_eq(e2e_run(fresh, "o1"), 64);
    e2e_assert_file_has("o1", "r/trials.jsonl");
    cr_assert(!exists("r/trials.jsonl"), "a trial ran before the refusal");
}

Test(aliasing, symlink_and_hard_link_to_kept_files_are_refused)
{
    tmpdir();
    make_results();
    size_t n0, n1;
    char *before = tf_slurp("r/trials.jsonl", &n0);
    cr_assert(symlink("r/trials.jsonl", "link.json") == 0);
    cr_assert(link("r/seed", "seed.html") == 0);
    char *resume[] = { R, "check", "--fixed-n", "--resume", "r", "--json", "link.json", NULL };
    cr_assert_eq(e2e_run(resume, "o1"), 64);
    e2e_assert_file_has("o1", "link.json");
    e2e_assert_file_has("o1", "results directory r");
    char *merge[] = { R, "merge", "--html", "seed.html", "r", NULL };
    cr_assert_eq(e2e_run(merge, "o2"), 64);
    e2e_assert_file_has("o2", "seed.html");
    char *spec_out[] = { R, "check", "--fixed-n", "--results", "r2", "--markdown", "k.repro", "k.repro", NULL };
    cr_assert_eq(e2e_run(spec_out, "o3"), 64);
    e2e_assert_file_has("o3", "is the input k.repro");
    char *two[] = { R, "merge", "--json", "x", "--junit", "./x", "r", NULL };
    cr_assert_eq(e2e_run(two, "o4"), 64);
    e2e_assert_file_has("o4", "the same file");
    char *after = tf_slurp("r/trials.jsonl", &n1);
    cr_assert(n0 == n1 && memcmp(before, after, n0) == 0, "the results file changed");
    free(before);
    free(after);
    cr_assert_eq(tf_count_lines("r/seed"), 1);
}

Test(aliasing, unwritable_report_is_found_before_any_trial)
{
    tmpdir();
    spec("k.repro", "k", "exit 0", 3);
    /* Before, every trial ran and only then did the report fail (exit 70). */
    char *argv[] = { R, "check", "--results", "r", "--json", "no/such/dir/k.json", "k.repro", NULL };
    cr_assert_eq(e2e_run(argv, "o1"), 64);
    e2e_assert_file_has("o1", "no/such/dir/k.json");
    e2e_assert_file_has("o1", "No such file or directory");
    cr_assert(!exists("r/trials.jsonl"), "trials ran before the report path was checked");
}

Test(crash_windows, reports_are_renamed_into_place_not_rewritten)
{
    tmpdir();
    make_results();
    /* A report written in place would also change the other name of the
     * file; one renamed into place leaves it as it was, and no temporary
     * file is left beside it. */
    e2e_write("old.json", "previous report\n");
    cr_assert(link("old.json", "other-name") == 0);
    char *merge[] = { R, "merge", "--json", "old.json", "r", NULL };
    cr_assert_eq(e2e_run(merge, "o1"), 0);
    e2e_assert_file_has("other-name", "previous report");
    e2e_assert_file_has("old.json", "\"racelab\"");
    char *ls = NULL;
    cr_assert(system("ls -a > ls.txt") == 0);
    ls = tf_slurp("ls.txt", NULL);
    cr_assert(ls && !strstr(ls, ".tmp"), "a temporary file was left: %s", ls);
    free(ls);
    struct stat a, b;
    cr_assert(stat("r/specs/k.repro", &a) == 0);
    char *resume[] = { R, "check", "--fixed-n", "--resume", "r", NULL };
    cr_assert_eq(e2e_run(resume, "o2"), 0);
    cr_assert(stat("r/specs/k.repro", &b) == 0 && b.st_size == a.st_size);
}

/* A copy of the finished run r as dir, then with one thing changed. */
static void copy_run(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s && cp -r r %s", dir, dir);
    cr_assert(system(cmd) == 0);
}

/* A process id that names no process: a child that has exited and been
 * reaped (reused only after the kernel wraps its pid space). */
static long dead_pid(void)
{
    pid_t p = fork();
    cr_assert(p >= 0);
    if (p == 0)
        _exit(0);
    cr_assert_eq(e2e_wait(p), 0);
    cr_assert(kill(p, 0) != 0 && errno == ESRCH);
    return (long)p;
}

Test(crash_windows, leftovers_of_a_killed_writer_are_removed_by_the_next)
{
    tmpdir();
    make_results();
    char dead[64], live[64], sdead[64], hdead[64], mdead[64], mfile[96];
    long d = dead_pid();
    snprintf(dead, sizeof dead, "rep.json.tmp-%ld", d);
    snprintf(live, sizeof live, "rep.json.tmp-%ld", (long)getpid());
    snprintf(sdead, sizeof sdead, "r/specs/k.repro.tmp-%ld", d);
    snprintf(hdead, sizeof hdead, "r/history.tmp-%ld", d);
    snprintf(mdead, sizeof mdead, "out.tmp-%ld", d);
    snprintf(mfile, sizeof mfile, "%s/trials.jsonl", mdead);
    /* What writers SIGKILLed in the middle leave (os/out.c, cmd/merge.c);
     * the one whose pid is alive (this test) is still being written. */
    e2e_write(dead, "{\"half");
    e2e_write(live, "{\"being written");
    e2e_write(sdead, "name k\n");
    e2e_write(hdead, "racelab-history 1\n");
    cr_assert(mkdir(mdead, 0755) == 0);
    e2e_write(mfile, "");
    e2e_write("rep.json.tmp-x1", "not a pid\n");
    /* Before, every one of them stayed for ever. */
    char *resume[] = { R, "check", "--fixed-n", "--resume", "r", "--json", "rep.json", NULL };
    cr_assert_eq(e2e_run(resume, "o1"), 0);
    cr_assert(!exists(dead), "%s was left", dead);
    cr_assert(!exists(sdead), "%s was left", sdead);
    cr_assert(exists(live), "the temporary file of a live writer was removed");
    cr_assert(exists("rep.json.tmp-x1"), "a file not named by a pid was removed");
    char *merge[] = { R, "merge", "--results", "out", "r", NULL };
    cr_assert_eq(e2e_run(merge, "o2"), 0);
    e2e_assert_file_has("o2", "left by a merge that was killed");
    cr_assert(!exists(mdead), "%s was left", mdead);
    cr_assert_eq(tf_count_lines("out/trials.jsonl"), 6);
    /* The history is written once, when a run begins: a second run into
     * r/ (refused, r holds trials) touches nothing, so its leftover is
     * removed by the next write of DIR/history, in a run without one. */
    cr_assert(remove("r/history") == 0);
    cr_assert_eq(e2e_run(resume, "o3"), 0);
    cr_assert(!exists(hdead), "%s was left", hdead);
}

Test(history, a_run_without_a_history_resumes_with_a_note_and_gets_one)
{
    tmpdir();
    make_results();
    /* A directory of a racelab that kept no history (or a check killed
     * as it began): accepted, saying what cannot be verified, and
     * recorded from then on. */
    copy_run("old");
    cr_assert(remove("old/history") == 0);
    char *resume[] = { R, "check", "--fixed-n", "--resume", "old", NULL };
    cr_assert_eq(e2e_run(resume, "o1"), 0);
    e2e_assert_file_has("o1", "old/history is missing");
    e2e_assert_file_has("o1", "cannot be verified");
    e2e_assert_file_has("old/history", "plan fixed-n=1");
    e2e_assert_file_has("old/history", "spec k fnv1a64=");
    cr_assert_eq(tf_count_lines("old/trials.jsonl"), 6);
    /* Now verified: a plan option changed is refused (one left out is
     * taken from the history). */
    char *changed[] = { R, "check", "--resume", "old", "--shard", "1/2", NULL };
    cr_assert_eq(e2e_run(changed, "o2"), 64);
    e2e_assert_file_has("o2", "fixed-n=1 shard=0/1");
    copy_run("old2");
    cr_assert(remove("old2/history") == 0);
    char *merge[] = { R, "merge", "old2", NULL };
    cr_assert_eq(e2e_run(merge, "o3"), 0);
    e2e_assert_file_has("o3", "old2/history is missing");
}

/* ---- concurrency: one writer per results directory ---- */

/* Polls (up to ~10 s) until path exists. */
static int await_file(const char *path)
{
    for (int i = 0; i < 1000; i++) {
        if (exists(path))
            return 1;
        usleep(10000);
    }
    return 0;
}

Test(concurrency, a_second_writer_is_refused_at_once_naming_the_holder, .timeout = 60)
{
    tmpdir();
    spec("s.repro", "s", "sleep 3", 1);
    char *first[] = { R, "check", "--fixed-n", "--jobs", "2", "--results", "r", "s.repro", NULL };
    pid_t a = e2e_start(first, "o1");
    cr_assert(await_file("r/seed"), "the first check never started");
    char pid[32];
    snprintf(pid, sizeof pid, "pid %ld", (long)a);
    /* Before, both wrote: a fresh check on a directory with no trial yet,
     * and a resume while the first still ran. */
    char *again[] = { R, "check", "--fixed-n", "--results", "r", "s.repro", NULL };
    cr_assert_eq(e2e_run(again, "o2"), 64);
    e2e_assert_file_has("o2", "is in use by racelab");
    e2e_assert_file_has("o2", pid);
    char *resume[] = { R, "check", "--fixed-n", "--resume", "r", NULL };
    cr_assert_eq(e2e_run(resume, "o3"), 64);
    e2e_assert_file_has("o3", pid);
    /* The holder killed: its lock goes with it, a resume takes over and
     * completes the run, each trial once. */
    kill(a, SIGKILL);
    cr_assert_eq(e2e_wait(a), 128 + SIGKILL);
    cr_assert_eq(e2e_run(resume, "o5"), 0, "the resume after the holder died failed");
    cr_assert_eq(tf_count_lines("r/trials.jsonl"), 2);
    char *lock = tf_slurp("r/lock", NULL);
    cr_assert(lock && !strstr(lock, pid), "the dead holder is still named: %s", lock);
    free(lock);
}

/* ---- merge: never appends, built aside, never into an input ---- */

Test(merge, never_appends_never_writes_into_an_input)
{
    tmpdir();
    make_results();
    char *m1[] = { R, "merge", "--results", "out", "r", NULL };
    cr_assert_eq(e2e_run(m1, "o1"), 0);
    cr_assert_eq(tf_count_lines("out/trials.jsonl"), 6);
    cr_assert(exists("out/specs/k.repro"));
    /* Before, a second merge appended a second copy (12 trials). */
    cr_assert_eq(e2e_run(m1, "o2"), 64);
    e2e_assert_file_has("o2", "already holds trials");
    cr_assert_eq(tf_count_lines("out/trials.jsonl"), 6);
    /* Before, an output that is an input grew without end. */
    cr_assert(symlink("r", "r-link") == 0);
    char *m2[] = { R, "merge", "--results", "r-link", "r", NULL };
    cr_assert_eq(e2e_run(m2, "o3"), 64);
    e2e_assert_file_has("o3", "is the input r");
    char *m3[] = { R, "merge", "--results", "r", "r", NULL };
    cr_assert_eq(e2e_run(m3, "o4"), 64);
    cr_assert_eq(tf_count_lines("r/trials.jsonl"), 6);
    /* Built aside: nothing but the output is left beside it. */
    cr_assert(system("ls -a > ls.txt") == 0);
    char *ls = tf_slurp("ls.txt", NULL);
    cr_assert(ls && !strstr(ls, ".tmp"), "a temporary directory was left: %s", ls);
    free(ls);
}

/* ---- history: what a results directory was made from ---- */

Test(history, two_specs_of_one_name_are_refused_with_both_places)
{
    tmpdir();
    spec("a.repro", "same", "exit 0", 2);
    spec("b.repro", "same", "exit 1", 2);
    /* Before, both ran into one index space (a resume then credited one
     * spec's trials to the other). */
    char *argv[] = { R, "check", "--fixed-n", "--results", "r", "a.repro", "b.repro", NULL };
    cr_assert_eq(e2e_run(argv, "o1"), 64);
    e2e_assert_file_has("o1", "a.repro:1");
    e2e_assert_file_has("o1", "b.repro:1");
    cr_assert(!exists("r/trials.jsonl"));
}

static void assert_resume_refused(const char *dir, const char *why)
{
    char *resume[] = { R, "check", "--fixed-n", "--resume", (char *)dir, NULL };
    cr_assert_eq(e2e_run(resume, "o"), 64, "a resume of %s was not refused (%s)", dir, why);
    e2e_assert_file_has("o", why);
    char *merge[] = { R, "merge", (char *)dir, NULL };
    cr_assert_eq(e2e_run(merge, "o"), 64, "a merge of %s was not refused (%s)", dir, why);
    e2e_assert_file_has("o", why);
}

Test(history, resume_and_merge_refuse_a_changed_history_with_the_reason)
{
    tmpdir();
    make_results();
    /* Before, every one of these resumed (a random seed for a missing
     * one) and merged without a word. */
    copy_run("garbled");
    e2e_write("garbled/seed", "12x\n");
    assert_resume_refused("garbled", "garbled/seed");
    copy_run("missing");
    cr_assert(remove("missing/seed") == 0);
    assert_resume_refused("missing", "missing/seed is missing");
    copy_run("other");
    e2e_write("other/seed", "12345\n");
    assert_resume_refused("other", "not the one derived from other/seed");
    copy_run("edited");
    FILE *f = fopen("edited/specs/k.repro", "ab");
    cr_assert(f && fputs("# edited\n", f) >= 0 && fclose(f) == 0);
    assert_resume_refused("edited", "edited/specs/k.repro was changed since");
    /* An option that shapes the plan, changed on resume (one left out is
     * taken from the history). */
    copy_run("plan");
    char *resume[] = { R, "check", "--resume", "plan", "--shard", "0/2", NULL };
    cr_assert_eq(e2e_run(resume, "o"), 64);
    e2e_assert_file_has("o", "made with 'fixed-n=1 shard=0/1', this resume asks for 'fixed-n=1 shard=0/2'");
    /* The untouched run still resumes and merges. */
    char *ok[] = { R, "check", "--fixed-n", "--resume", "r", NULL };
    cr_assert_eq(e2e_run(ok, "o"), 0);
    char *merge[] = { R, "merge", "r", NULL };
    cr_assert_eq(e2e_run(merge, "o"), 0);
}

/* ---- inputs and limits ---- */

/* Runs argv with extra environment entries (NULL-ended, may be NULL); a
 * run still going after secs seconds is SIGKILLed (128 + 9). */
static int run_env_for(char *const argv[], char *const env[], const char *out, int secs)
{
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        for (int i = 0; env && env[i]; i++)
            putenv(env[i]);
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int nul = open("/dev/null", O_RDONLY);
        if (fd < 0 || nul < 0)
            _exit(127);
        dup2(nul, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    for (int i = 0; i < secs * 100; i++) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        usleep(10000);
    }
    kill(pid, SIGKILL);
    return e2e_wait(pid);
}

Test(inputs, fifos_are_refused_never_block, .timeout = 60)
{
    tmpdir();
    cr_assert(mkfifo("f.repro", 0644) == 0);
    /* Before, each of these blocked in open(2) for ever. */
    char *check[] = { R, "check", "--results", "r", "f.repro", NULL };
    cr_assert_eq(run_env_for(check, NULL, "o1", 5), 64);
    e2e_assert_file_has("o1", "f.repro: not a regular file");
    make_results();
    cr_assert(mkfifo("fifo.jsonl", 0644) == 0);
    char *merge[] = { R, "merge", "fifo.jsonl", NULL };
    cr_assert_eq(run_env_for(merge, NULL, "o2", 5), 64);
    e2e_assert_file_has("o2", "fifo.jsonl: not a regular file");
    char *rep[] = { R, "merge", "--json", "fifo.jsonl", "r", NULL };
    cr_assert_eq(run_env_for(rep, NULL, "o3", 5), 64);
    e2e_assert_file_has("o3", "FIFO");
}

Test(limits, numbers_out_of_range_are_refused)
{
    tmpdir();
    /* Before: a timeout of 1e12 s was accepted (its milliseconds overflow
     * an int), and plan printed "-1 trials" with exit 0. */
    e2e_write("t.repro", "name t\nissue https://example.invalid/t\ncommand /bin/true\ntimeout 1e12\n"
                   "trials 2\nvariant a a\nvariant b b\nexpect a no-crash upper <= 0.99\n");
    char *check[] = { R, "check", "--results", "r", "t.repro", NULL };
    cr_assert_eq(e2e_run(check, "o1"), 64);
    e2e_assert_file_has("o1", "t.repro:4: timeout");
    char *plan[] = { R, "plan", "--buggy-rate", "1e-300", "--bound", "0.5", "--confidence", "0.99999999999",
                     NULL };
    cr_assert_eq(e2e_run(plan, "o2"), 64);
    char *o = tf_slurp("o2", NULL);
    cr_assert(o && !strstr(o, "-1 "), "a negative count: %s", o);
    free(o);
    /* Before, a back-reference compiled (as a literal '1'). */
    e2e_write("b.repro", "name b\nissue https://example.invalid/b\ncommand /bin/true\nsignature /(x)\\1/\n"
                   "trials 2\nvariant a a\nvariant b b\nexpect a no-crash upper <= 0.99\n");
    char *bref[] = { R, "check", "--results", "r2", "b.repro", NULL };
    cr_assert_eq(e2e_run(bref, "o3"), 64);
    e2e_assert_file_has("o3", "back-reference");
}

Test(limits, a_stale_owner_in_racelabs_own_environment_does_not_kill_it, .timeout = 60)
{
    tmpdir();
    /* Before, racelab took itself for an abandoned trial of the dead
     * racelab "1.1" and SIGKILLed itself. */
    char *env[] = { "RACELAB_OWNER=1.1", NULL };
    char *argv[] = { R, "run", "--trials", "2", "--results", "r", "--", "/bin/true", NULL };
    cr_assert_eq(run_env_for(argv, env, "o1", 30), 0);
    cr_assert_eq(tf_count_lines("r/trials.jsonl"), 2);
}

/* ---- hostile bytes ---- */

Test(hostile, controls_and_noncharacters_never_reach_xml_or_the_terminal, .timeout = 60)
{
    tmpdir();
    /* A crash line with an escape sequence (ESC [31m), a C1 control
     * (U+0085), U+FFFE and U+FFFF. */
    e2e_write("t.sh", "printf 'fatal error: \\033[31mred\\302\\205\\357\\277\\276\\357\\277\\277 end\\n'\nexit 2\n");
    char cwd[512], script[600];
    cr_assert(getcwd(cwd, sizeof cwd));
    snprintf(script, sizeof script, "exec /bin/sh %s/t.sh", cwd);
    spec("h.repro", "h", script, 2);
    char *argv[] = { R, "check", "--fixed-n", "--results", "r", "--html", "h.html", "--junit", "h.xml",
                     "h.repro", NULL };
    cr_assert_eq(e2e_run(argv, "o1"), 1);
    e2e_assert_file_has("r/trials.jsonl", "fatal error");
    /* Before, expat refused both: U+FFFE/U+FFFF are not XML 1.0 characters. */
    for (int i = 0; i < 2; i++) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "python3 -c \"import xml.dom.minidom,sys; xml.dom.minidom.parse('%s')\" 2>py.err",
                 i ? "h.xml" : "h.html");
        int rc = system(cmd);
        char *e = tf_slurp("py.err", NULL);
        cr_assert_eq(rc, 0, "%s is not well-formed XML: %s", i ? "h.xml" : "h.html", e ? e : "");
        free(e);
    }
    /* Before, the text report printed the escape sequence raw. */
    size_t n;
    char *o = tf_slurp("o1", &n);
    cr_assert(o && strstr(o, "fatal error: "), "no signature in the text report: %s", o);
    cr_assert(memchr(o, 0x1B, n) == NULL, "an ESC byte reached the terminal output");
    cr_assert(strstr(o, "\\x1B[31mred"), "the escape sequence is not shown escaped: %s", o);
    cr_assert(strstr(o, "\xc2\x85") == NULL, "a C1 control reached the terminal output");
    free(o);
}

/* ---- signals ---- */

Test(signals, sigterm_ends_racelab_blocked_in_a_write, .timeout = 60)
{
    tmpdir();
    spec("p.repro", "p", "yes | head -c 300000; exit 0", 1);
    char *argv[] = { R, "check", "--fixed-n", "--results", "r", "p.repro", NULL };
    cr_assert_eq(e2e_run(argv, "o1"), 0);
    /* replay prints the trial's 64 KiB of output into a pipe nobody
     * reads: it blocks in write(2).  Before, SIGTERM then changed
     * nothing (the write was restarted); now racelab ends with 143. */
    int p[2];
    cr_assert(pipe(p) == 0);
#ifdef F_SETPIPE_SZ
    fcntl(p[1], F_SETPIPE_SZ, 4096);
#endif
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        int fd = open("o2", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(p[1], 1);
        dup2(fd, 2);
        close(p[0]);
        char *rp[] = { R, "replay", "r", "0", NULL };
        execv(rp[0], rp);
        _exit(127);
    }
    close(p[1]);
    /* Time for the trial (milliseconds) and for replay to fill the pipe
     * and block in its write. */
    sleep(2);
    kill(pid, SIGTERM);
    int rc = -1;
    for (int i = 0; i < 1000 && rc < 0; i++) {
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid)
            rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        else
            usleep(10000);
    }
    if (rc < 0) {
        kill(pid, SIGKILL);
        e2e_wait(pid);
    }
    close(p[0]);
    cr_assert_eq(rc, 143, "racelab blocked in a write did not end with 143 after SIGTERM (%d)", rc);
}

Test(limits, an_over_long_spec_name_is_refused_with_the_reason)
{
    tmpdir();
    char text[1024], name[201];
    memset(name, 'n', 200);
    name[200] = '\0';
    snprintf(text, sizeof text, "name %s\nissue https://example.invalid/n\ncommand /bin/true\ntrials 2\n"
                                "variant a a\nvariant b b\nexpect a no-crash upper <= 0.99\n", name);
    e2e_write("n.repro", text);
    /* Before: exit 70, "cannot save a copy", no reason. */
    char *argv[] = { R, "check", "--results", "r", "n.repro", NULL };
    cr_assert_eq(e2e_run(argv, "o1"), 64);
    e2e_assert_file_has("o1", "n.repro:1: name");
    e2e_assert_file_has("o1", "longer than 100 characters");
}

/* ---- random kills of merge and report writing ---- */

Test(kills, merge_and_reports_killed_at_random_leave_whole_files_or_none, .timeout = 120)
{
    tmpdir();
    make_results();
    char *first[] = { R, "merge", "--json", "rep.json", "--junit", "rep.xml", "r", NULL };
    cr_assert_eq(e2e_run(first, "o0"), 0);
    size_t jn, xn;
    char *json = tf_slurp("rep.json", &jn), *xml = tf_slurp("rep.xml", &xn);
    cr_assert(json && xml);
    srand(12345);
    int kills = 0;
    for (int k = 0; k < 100; k++) {
        char out[32];
        snprintf(out, sizeof out, "out%d", k);
        char *argv[] = { R, "merge", "--results", out, "--json", "rep.json", "--junit", "rep.xml", "r", NULL };
        pid_t pid = e2e_start(argv, "o1");
        usleep((useconds_t)(rand() % 20000));
        if (kill(pid, SIGKILL) == 0)
            kills++;
        e2e_wait(pid);
        /* The reports: the previous ones or new ones, whole (the wall time
         * differs, so compare the parts that do not). */
        size_t n;
        char *j = tf_slurp("rep.json", &n), *x = tf_slurp("rep.xml", NULL);
        cr_assert(j && n > 2 && j[0] == '{' && strstr(j, "\"passed\":true") && n >= jn - 8 && n <= jn + 8,
                  "kill %d left a torn JSON report (%zu bytes): %s", k, n, j ? j : "(none)");
        cr_assert(x && strstr(x, "</testsuites>"), "kill %d left a torn JUnit report", k);
        free(j);
        free(x);
        /* The merge output: no trials, or all 6. */
        char tf[64];
        snprintf(tf, sizeof tf, "%s/trials.jsonl", out);
        long l = tf_count_lines(tf);
        cr_assert(l == 0 || l == 6, "kill %d left %ld trials in %s", k, l, tf);
    }
    cr_assert_geq(kills, 50, "only %d of 100 merges were still running when killed", kills);
    cr_assert(system("python3 -c \"import json,xml.dom.minidom; json.load(open('rep.json')); "
                     "xml.dom.minidom.parse('rep.xml')\"") == 0, "the last reports do not parse");
    free(json);
    free(xml);
}

Test(concurrency, writers_started_together_one_runs_the_others_are_refused, .timeout = 60)
{
    tmpdir();
    spec("c.repro", "c", "sleep 0.2", 4);
    /* Before, all of them wrote into r: duplicated indices, the seed file
     * overwritten. */
    pid_t pids[6];
    char outs[6][8];
    for (int i = 0; i < 6; i++) {
        snprintf(outs[i], sizeof outs[i], "o%d", i);
        char *argv[] = { R, "check", "--fixed-n", "--jobs", "2", "--results", "r", "c.repro", NULL };
        pids[i] = e2e_start(argv, outs[i]);
    }
    int ok = 0, refused = 0;
    for (int i = 0; i < 6; i++) {
        int rc = e2e_wait(pids[i]);
        ok += rc == 0;
        refused += rc == 64;
    }
    cr_assert_eq(ok, 1, "%d of 6 concurrent checks ran", ok);
    cr_assert_eq(refused, 5);
    /* The one run: indices 0..7 once each. */
    char *s = tf_slurp("r/trials.jsonl", NULL);
    cr_assert(s);
    for (int i = 0; i < 8; i++) {
        char key[32];
        snprintf(key, sizeof key, "\"index\":%d,", i);
        char *a = strstr(s, key);
        cr_assert(a && !strstr(a + 1, key), "index %d not recorded exactly once", i);
    }
    cr_assert_eq(tf_count_lines("r/trials.jsonl"), 8);
    free(s);
}

Test(aliasing, sweep_refuses_a_report_over_its_spec_or_a_points_results)
{
    tmpdir();
    spec("w.repro", "w", "exit 0", 2);
    /* Before, the sweep ran and its JSON report replaced the spec. */
    char *over_spec[] = { R, "sweep", "--results", "sw", "--json", "w.repro", "w.repro", "--knob", "k=1,2", NULL };
    cr_assert_eq(e2e_run(over_spec, "o1"), 64);
    e2e_assert_file_has("o1", "is the input w.repro");
    e2e_assert_file_has("w.repro", "name w");
    char *over_point[] = { R, "sweep", "--results", "sw", "--html", "sw/k=2/seed", "w.repro", "--knob", "k=1,2",
                           NULL };
    cr_assert_eq(e2e_run(over_point, "o2"), 64);
    e2e_assert_file_has("o2", "sw/k=2");
    cr_assert(!exists("sw/k=1/trials.jsonl"), "a point ran before the refusal");
}
