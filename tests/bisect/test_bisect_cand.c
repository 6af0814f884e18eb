/* test_bisect_cand.c - the candidate lines of racelab bisect: word splitting,
 * names, and bisect.conf giving back the same candidates. */
#include "rltest.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/bisect_cand.h"

Test(bisect_cand, split_quotes_like_a_shell)
{
    char **v, err[256];
    int n = rl_bisect_split("  a 'b c' \"d \\\" e\" f\\ g 'it'\\''s' ", &v, err, sizeof err);
    cr_assert_eq(n, 5, "%d words (%s)", n, n < 0 ? err : "");
    cr_assert_str_eq(v[0], "a");
    cr_assert_str_eq(v[1], "b c");
    cr_assert_str_eq(v[2], "d \" e");
    cr_assert_str_eq(v[3], "f g");
    cr_assert_str_eq(v[4], "it's");
    cr_assert_null(v[5]);
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
    cr_assert_eq(rl_bisect_split("a 'b", &v, err, sizeof err), -1);
    cr_assert(strstr(err, "unclosed quote"), "%s", err);
    cr_assert_eq(rl_bisect_split("   ", &v, err, sizeof err), 0);
    free(v);
}

Test(bisect_cand, names)
{
    rl_bisect_cand_list_t l = { 0 };
    char err[256];
    cr_assert_eq(rl_bisect_cand_add(&l, "good: ./prog --x 1", err, sizeof err), 0, "%s", err);
    cr_assert_eq(rl_bisect_cand_add(&l, "./prog --x 2", err, sizeof err), 0, "%s", err);
    cr_assert_eq(rl_bisect_cand_add(&l, "a/b: ./prog", err, sizeof err), 0, "%s", err); /* not a name */
    cr_assert_str_eq(l.c[0].name, "good");
    cr_assert_eq(l.c[0].argc, 3);
    cr_assert_str_eq(l.c[0].argv[0], "./prog");
    cr_assert_str_eq(l.c[1].name, "c1");
    cr_assert_str_eq(l.c[2].name, "c2");
    cr_assert_str_eq(l.c[2].argv[0], "a/b:");
    cr_assert_eq(rl_bisect_cand_find(&l, "c1"), 1);
    cr_assert_eq(rl_bisect_cand_find(&l, "nope"), -1);
    cr_assert_eq(rl_bisect_cand_add(&l, "good: ./other", err, sizeof err), -1);
    cr_assert(strstr(err, "two candidates are called good"), "%s", err);
    cr_assert_eq(rl_bisect_cand_add(&l, "lonely:", err, sizeof err), -1);
    cr_assert(strstr(err, "no command"), "%s", err);
    rl_bisect_cand_list_free(&l);
}

Test(bisect_cand, conf_round_trip)
{
    char dir[] = "/tmp/rl-bisect-conf-XXXXXX";
    cr_assert(mkdtemp(dir));
    rl_bisect_cand_list_t l = { 0 }, back = { 0 };
    char err[256];
    cr_assert_eq(rl_bisect_cand_add(&l, "v0: ./prog 'two words' \"it's\" {seed}", err, sizeof err), 0);
    cr_assert_eq(rl_bisect_cand_add(&l, "v1: ./prog --rate=0.1", err, sizeof err), 0);
    l.c[1].rev = strdup("0123456789abcdef0123456789abcdef01234567");
    l.git_repo = strdup("/some/repo");
    l.git_build = strdup("make -j2 && echo 'done'");
    cr_assert_eq(rl_bisect_conf_write(dir, &l, "malloc deadlock|fatal", "auto"), 0);
    cr_assert_eq(rl_bisect_conf_read(dir, &back, err, sizeof err), 0, "%s", err);
    cr_assert_eq(back.n, 2);
    for (int i = 0; i < 2; i++) {
        cr_assert_str_eq(back.c[i].name, l.c[i].name);
        cr_assert_eq(back.c[i].argc, l.c[i].argc);
        for (int j = 0; j < l.c[i].argc; j++)
            cr_assert_str_eq(back.c[i].argv[j], l.c[i].argv[j]);
    }
    cr_assert_null(back.c[0].rev);
    cr_assert_str_eq(back.c[1].rev, l.c[1].rev);
    cr_assert_str_eq(back.signature, "malloc deadlock|fatal");
    cr_assert_str_eq(back.noise, "auto");
    cr_assert_str_eq(back.git_repo, "/some/repo");
    cr_assert_str_eq(back.git_build, "make -j2 && echo 'done'");
    rl_bisect_cand_list_free(&l);
    rl_bisect_cand_list_free(&back);
    char path[128];
    snprintf(path, sizeof path, "%s/bisect.conf", dir);
    unlink(path);
    rmdir(dir);
}
