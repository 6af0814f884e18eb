/* test_results.c - damaged and unwritable results: a results file cut
 * mid-line or corrupted in the middle gives an error naming file:line and
 * loses no intact trial (merge, resume); results on a full disk, in a
 * read-only directory or under a regular file give a clear error and a
 * non-zero exit; so do reports that cannot be written. */
#include "rltest.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "racelab_run.h"

#define R (char *)e2e_racelab()
#define F (char *)e2e_child()

/* A finished check of 2 x 6 passing trials in r/. */
static void make_results(void)
{
    e2e_write_spec("k.repro", "faults", "work 0 /dev/null", 6);
    char *argv[] = { R, "check", "--fixed-n", "--jobs", "2", "--results", "r", "k.repro", NULL };
    cr_assert_eq(e2e_run(argv, "out0"), 0);
    cr_assert_eq(tf_count_lines("r/trials.jsonl"), 12);
}

static void replace_file(const char *path, const char *text, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert(f && fwrite(text, 1, n, f) == n && fclose(f) == 0);
}

Test(results, truncated_mid_line_names_the_line_and_resume_completes, .timeout = 120)
{
    e2e_tmpdir();
    make_results();
    size_t n;
    char *s = tf_slurp("r/trials.jsonl", &n);
    replace_file("r/trials.jsonl", s, n - 25);   /* the last line cut short */
    free(s);
    char *merge[] = { R, "merge", "r", NULL };
    cr_assert_eq(e2e_run(merge, "out1"), 64);
    e2e_assert_file_has("out1", "r/trials.jsonl:12: truncated");
    rl_trial_list_t l = { 0 };
    char err[512];
    cr_assert_eq(rl_results_read("r", &l, err, sizeof err), -1);
    cr_assert_eq(l.n, 11, "the intact trials before the cut are not kept");
    rl_trial_list_free(&l);
    cr_assert_eq(tf_count_lines("r/trials.jsonl"), 11, "merge changed the file");
    /* The resume must not rewrite r/seed (a kill while rewriting it would
     * leave a run that can never be resumed): its old time stays. */
    struct timeval old[2] = { { 946684800, 0 }, { 946684800, 0 } };
    cr_assert(utimes("r/seed", old) == 0);
    char *resume[] = { R, "check", "--fixed-n", "--jobs", "2", "--resume", "r", NULL };
    cr_assert_eq(e2e_run(resume, "out2"), 0);
    e2e_assert_file_has("out2", "dropped a partial last line");
    struct stat st;
    cr_assert(stat("r/seed", &st) == 0 && st.st_mtime == 946684800, "the resume rewrote r/seed");
    e2e_assert_complete("r", 12, 1);
    cr_assert_eq(e2e_run(merge, "out3"), 0);
}

static void corrupt_line(int line, const char *junk)
{
    size_t n;
    char *s = tf_slurp("r/trials.jsonl", &n);
    char *p = s;
    for (int i = 1; i < line; i++)
        p = strchr(p, '\n') + 1;
    char *q = strchr(p, '\n');
    FILE *f = fopen("r/trials.jsonl", "wb");
    cr_assert(f);
    fwrite(s, 1, (size_t)(p - s), f);
    fwrite(junk, 1, strlen(junk), f);
    fwrite(q, 1, n - (size_t)(q - s), f);
    cr_assert(fclose(f) == 0);
    free(s);
}

Test(results, corrupted_middle_line_is_named_and_nothing_is_lost, .timeout = 120)
{
    static const char *junk[] = {
        "{\"racelab\":1,\"spec\":\"faults\",\"variant\":\"a\",\"ind",      /* cut */
        "\x01\x02garbage\xff",                                             /* binary */
        "{\"racelab\":1,\"spec\":\"faults\",\"variant\":\"a\",\"index\":4,\"index\":4}",
    };
    for (size_t k = 0; k < sizeof junk / sizeof junk[0]; k++) {
        e2e_tmpdir();
        make_results();
        corrupt_line(5, junk[k]);
        size_t before_len;
        char *before = tf_slurp("r/trials.jsonl", &before_len);
        char *merge[] = { R, "merge", "r", NULL };
        cr_assert_eq(e2e_run(merge, "out1"), 64);
        e2e_assert_file_has("out1", "r/trials.jsonl:5: ");
        char *resume[] = { R, "check", "--fixed-n", "--resume", "r", NULL };
        cr_assert_eq(e2e_run(resume, "out2"), 64, "resume went on over a corrupted line");
        e2e_assert_file_has("out2", "r/trials.jsonl:5: ");
        size_t after_len;
        char *after = tf_slurp("r/trials.jsonl", &after_len);
        cr_assert(after_len == before_len && memcmp(before, after, after_len) == 0,
                  "a refused resume or merge changed the results file");
        free(before);
        free(after);
    }
}

Test(results, nul_filled_block_is_named, .timeout = 60)
{
    /* What a machine crash can leave: a block of zeros in place of lines. */
    e2e_tmpdir();
    make_results();
    FILE *f = fopen("r/trials.jsonl", "ab");
    static const char zeros[512];
    cr_assert(f && fwrite(zeros, 1, sizeof zeros, f) == sizeof zeros && fputc('\n', f) == '\n');
    cr_assert(fclose(f) == 0);
    char *merge[] = { R, "merge", "r", NULL };
    cr_assert_eq(e2e_run(merge, "out"), 64);
    e2e_assert_file_has("out", "r/trials.jsonl:13: NUL byte");
}

Test(results, full_disk_gives_a_clear_error, .timeout = 60)
{
    e2e_tmpdir();
    cr_assert(system("mkdir -p a && ln -s /dev/full a/trials.jsonl") == 0);
    char *run[] = { R, "run", "--trials", "2", "--results", "a", "--", F, "work", "0", "/dev/null",
                    NULL };
    cr_assert_eq(e2e_run(run, "o1"), 70);
    e2e_assert_file_has("o1", "No space left on device");
    make_results();
    char *m[] = { R, "merge", "--results", "a", "r", NULL };
    cr_assert_eq(e2e_run(m, "o2"), 70);
    e2e_assert_file_has("o2", "No space left on device");
    const char *reports[] = { "--json", "--junit", "--markdown", "--html" };
    for (size_t i = 0; i < 4; i++) {
        char *rep[] = { R, "merge", (char *)reports[i], "/dev/full", "r", NULL };
        int rc = e2e_run(rep, "o3");
        cr_assert_eq(rc, 70, "merge %s /dev/full exited %d", reports[i], rc);
        e2e_assert_file_has("o3", "/dev/full");
    }
}

Test(results, results_under_a_regular_file_give_a_clear_error, .timeout = 60)
{
    e2e_tmpdir();
    e2e_write("plain", "not a directory\n");
    char *run[] = { R, "run", "--trials", "1", "--results", "plain/sub", "--", F, "work", "0",
                    "/dev/null", NULL };
    cr_assert_eq(e2e_run(run, "o1"), 70);
    e2e_assert_file_has("o1", "plain/sub");
    e2e_assert_file_has("o1", "Not a directory");
    e2e_write_spec("k.repro", "faults", "work 0 /dev/null", 2);
    char *check[] = { R, "check", "--results", "plain/sub", "k.repro", NULL };
    cr_assert_eq(e2e_run(check, "o2"), 70);
    e2e_assert_file_has("o2", "Not a directory");
}

/* A read-only directory.  Root ignores mode bits, so as root the directory
 * is a read-only tmpfs mounted in a private mount namespace of the racelab
 * process only; without root, chmod 0555 does it. */
Test(results, read_only_directory_gives_a_clear_error, .timeout = 60)
{
    e2e_tmpdir();
    e2e_write_spec("k.repro", "faults", "work 0 /dev/null", 2);
    cr_assert(mkdir("ro", 0755) == 0);
    int as_root = geteuid() == 0;
    if (!as_root)
        cr_assert(chmod("ro", 0555) == 0);
    pid_t p = fork();
    cr_assert(p >= 0);
    if (p == 0) {
        int fd = open("o1", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1);
        dup2(fd, 2);
        if (as_root) {
            if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
                mount("tmpfs", "ro", "tmpfs", MS_RDONLY, "size=64k") != 0)
                _exit(200);
        }
        execl(e2e_racelab(), "racelab", "check", "--results", "ro/r", "k.repro", (char *)NULL);
        _exit(201);
    }
    int rc = fault_wait(p, NULL);
    if (rc == 200)
        cr_skip_test("root without CAP_SYS_ADMIN: cannot make a read-only directory");
    cr_assert_eq(rc, 70, "racelab exited %d", rc);
    e2e_assert_file_has("o1", "ro/r");
    e2e_assert_file_has("o1", as_root ? "Read-only file system" : "Permission denied");
}
