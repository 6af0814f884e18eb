/* cmd/bisect_git.c - racelab bisect over a git range: the commits between a
 * good and a bad revision as candidates, each checked out in a worktree of
 * its own and built on first use. */
#include "cmd/bisect_cand.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/str.h"

#ifdef _WIN32
#define popen _popen
#define pclose _pclose
#endif

/* s quoted for the shell (malloc'd): '...' with a ' inside as '\''. */
static char *shq(const char *s)
{
    size_t n = 3;
    for (const char *p = s; *p; p++)
        n += *p == '\'' ? 4 : 1;
    char *o = malloc(n), *w = o;
    if (!o)
        return NULL;
    *w++ = '\'';
    for (; *s; s++) {
        if (*s == '\'') {
            memcpy(w, "'\\''", 4);
            w += 4;
        } else {
            *w++ = *s;
        }
    }
    *w++ = '\'';
    *w = '\0';
    return o;
}

/* Runs cmd through the shell; its output lines (at most max) into lines[]
 * (malloc'd).  Returns the number of lines, or -1 when it failed. */
static int lines_of(const char *cmd, char ***lines, int max)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    char **v = calloc((size_t)max + 1, sizeof *v);
    char buf[512];
    int n = 0, over = 0;
    while (v && fgets(buf, sizeof buf, p)) {
        buf[strcspn(buf, "\r\n")] = '\0';
        if (n >= max) {
            over = 1;
            continue;
        }
        v[n++] = rl_strdup(buf);
    }
    int st = pclose(p);
    if (!v || st != 0 || over) {
        for (int i = 0; v && i < n; i++)
            free(v[i]);
        free(v);
        return -1;
    }
    *lines = v;
    return n;
}

static void free_lines(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Copy of s with every {build} replaced by dir. */
static char *subst_build(const char *s, const char *dir)
{
    const char *key = "{build}";
    size_t kl = strlen(key), dl = strlen(dir), n = 1;
    for (const char *p = s; *p;)
        if (strncmp(p, key, kl) == 0)
            n += dl, p += kl;
        else
            n++, p++;
    char *o = malloc(n), *w = o;
    if (!o)
        return NULL;
    for (const char *p = s; *p;)
        if (strncmp(p, key, kl) == 0) {
            memcpy(w, dir, dl);
            w += dl;
            p += kl;
        } else {
            *w++ = *p++;
        }
    *w = '\0';
    return o;
}

int rl_bisect_git_candidates(rl_bisect_cand_list_t *l, const char *repo, const char *good, const char *bad,
                             const char *run_cmd, const char *wt_root, char *err, size_t errlen)
{
    char *qr = shq(repo), *qg = shq(good), *qb = shq(bad);
    char **g = NULL, **revs = NULL;
    int ng = -1, nr = -1, rc = -1;
    char **run = NULL;
    int nrun = -1;
    if (!qr || !qg || !qb)
        goto oom;
    /* (--verify takes one revision at a time) */
    char *cmd = rl_aprintf("git -C %s rev-parse --verify --quiet %s^{commit} && "
                           "git -C %s rev-parse --verify --quiet %s^{commit}", qr, qg, qr, qb);
    ng = cmd ? lines_of(cmd, &g, 2) : -1;
    free(cmd);
    if (ng != 2) {
        snprintf(err, errlen, "%s: cannot resolve %s and %s to commits", repo, good, bad);
        goto done;
    }
    cmd = rl_aprintf("git -C %s merge-base --is-ancestor %s %s", qr, g[0], g[1]);
    int anc = cmd ? system(cmd) : -1;
    free(cmd);
    if (anc != 0) {
        snprintf(err, errlen, "%s: %s is not an ancestor of %s", repo, good, bad);
        goto done;
    }
    cmd = rl_aprintf("git -C %s rev-list --first-parent --reverse %s..%s", qr, g[0], g[1]);
    nr = cmd ? lines_of(cmd, &revs, 1000000) : -1;
    free(cmd);
    if (nr < 1) {
        snprintf(err, errlen, "%s: no commits from %s to %s", repo, good, bad);
        goto done;
    }
    nrun = rl_bisect_split(run_cmd, &run, err, errlen);
    if (nrun < 1) {
        if (nrun == 0)
            snprintf(err, errlen, "--run: no command");
        goto done;
    }
    for (int i = 0; i <= nr; i++) {
        const char *rev = i == 0 ? g[0] : revs[i - 1];
        char name[16];
        snprintf(name, sizeof name, "%.12s", rev);
        char *dir = rl_aprintf("%s/%s", wt_root, name);
        rl_bisect_cand_t c = { .name = rl_strdup(name), .argc = nrun, .rev = rl_strdup(rev) };
        c.argv = calloc((size_t)nrun + 1, sizeof *c.argv);
        int ok = dir && c.name && c.rev && c.argv;
        for (int j = 0; ok && j < nrun; j++)
            ok = (c.argv[j] = subst_build(run[j], dir)) != NULL;
        free(dir);
        rl_bisect_cand_t *nc = ok ? realloc(l->c, (size_t)(l->n + 1) * sizeof *nc) : NULL;
        if (!nc) {
            free(c.name);
            free(c.rev);
            for (int j = 0; c.argv && j < nrun; j++)
                free(c.argv[j]);
            free(c.argv);
            goto oom;
        }
        l->c = nc;
        l->c[l->n++] = c;
    }
    rc = 0;
    goto done;
oom:
    snprintf(err, errlen, "out of memory");
done:
    free(qr);
    free(qg);
    free(qb);
    if (ng > 0)
        free_lines(g, ng);
    if (nr > 0)
        free_lines(revs, nr);
    if (nrun > 0)
        free_lines(run, nrun);
    return rc;
}

static int exists(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f)
        fclose(f);
    return f != NULL;
}

int rl_bisect_git_built(const rl_bisect_cand_list_t *l, int i, const char *wt_root)
{
    char *m = rl_aprintf("%s/%s.built", wt_root, l->c[i].name);
    int e = m && exists(m);
    free(m);
    return e;
}

int rl_bisect_git_build(const rl_bisect_cand_list_t *l, int i, const char *wt_root, const char *log, char *err,
                        size_t errlen)
{
    if (rl_bisect_git_built(l, i, wt_root))
        return 0;
    const rl_bisect_cand_t *c = &l->c[i];
    char *dir = rl_aprintf("%s/%s", wt_root, c->name);
    char *qd = dir ? shq(dir) : NULL, *qr = shq(l->git_repo), *ql = shq(log);
    char *mark = rl_aprintf("%s/%s.built", wt_root, c->name);
    int rc = -1;
    if (!dir || !qd || !qr || !ql || !mark) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    /* A worktree left by a kill during its build is made afresh. */
    char *cmd = rl_aprintf("{ git -C %s worktree remove --force %s 2>/dev/null; rm -rf %s; "
                           "git -C %s worktree prune; git -C %s worktree add --detach %s %s; } > %s 2>&1",
                           qr, qd, qd, qr, qr, qd, c->rev, ql);
    int st = cmd ? system(cmd) : -1;
    free(cmd);
    if (st != 0) {
        snprintf(err, errlen, "cannot check %s out in %s (see %s)", c->rev, dir, log);
        goto done;
    }
    cmd = rl_aprintf("cd %s && { %s ; } >> %s 2>&1", qd, l->git_build ? l->git_build : "true", ql);
    st = cmd ? system(cmd) : -1;
    free(cmd);
    if (st != 0) {
        rc = 1;
        goto done;
    }
    FILE *f = fopen(mark, "w");
    if (!f || fclose(f) != 0) {
        snprintf(err, errlen, "cannot write %s", mark);
        goto done;
    }
    rc = 0;
done:
    free(dir);
    free(qd);
    free(qr);
    free(ql);
    free(mark);
    return rc;
}
