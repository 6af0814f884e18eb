/* cmd/bisect_cand.h - the candidates of racelab bisect: command lines split
 * into argv the way a shell would split simple words, names, and the file
 * DIR/bisect.conf that lets --resume find them again. */
#ifndef RL_BISECT_CAND_H
#define RL_BISECT_CAND_H

#include <stddef.h>

typedef struct {
    char *name;       /* "NAME:" before the command, or c<index> */
    int argc;
    char **argv;
    char *rev;        /* git mode: the full commit hash, else NULL */
} rl_bisect_cand_t;

typedef struct {
    rl_bisect_cand_t *c;
    int n;
    char *signature;  /* as recorded in bisect.conf (NULL: any crash) */
    char *noise;      /* as recorded in bisect.conf */
    char *git_repo;   /* git mode: the repository, */
    char *git_build;  /* the build command run in each revision's worktree */
} rl_bisect_cand_list_t;

/* Splits a command line into words: blanks separate them; '...' is taken
 * literally, "..." too but for \" and \\; a backslash elsewhere quotes the
 * next character.  *argv is malloc'd (NULL-terminated); returns the number
 * of words, or -1 with the problem in err (an unclosed quote). */
int rl_bisect_split(const char *line, char ***argv, char *err, size_t errlen);
/* Adds one candidate from a line "[NAME:] CMD ARGS...".  0 or -1 (err). */
int rl_bisect_cand_add(rl_bisect_cand_list_t *l, const char *line, char *err, size_t errlen);
/* One candidate a line; blank lines and lines starting with # skipped. */
int rl_bisect_cand_read_file(const char *path, rl_bisect_cand_list_t *l, char *err, size_t errlen);
int rl_bisect_cand_from_strings(const char *const *lines, int n, rl_bisect_cand_list_t *l, char *err,
                                size_t errlen);
/* Index of the candidate called name, -1 if none. */
int rl_bisect_cand_find(const rl_bisect_cand_list_t *l, const char *name);
void rl_bisect_cand_list_free(rl_bisect_cand_list_t *l);

/* DIR/bisect.conf: the noise, the signature, the candidates (quoted so that
 * reading gives the same argv back) and in git mode the repository, the
 * build command and each candidate's commit.  0 or -1. */
int rl_bisect_conf_write(const char *dir, const rl_bisect_cand_list_t *l, const char *signature,
                         const char *noise);
int rl_bisect_conf_read(const char *dir, rl_bisect_cand_list_t *l, char *err, size_t errlen);

/* Git mode (cmd/bisect_git.c).  Candidates: good, then the first-parent
 * commits of good..bad oldest first (bad last), named by 12-digit hashes,
 * each running run_cmd with {build} replaced by wt_root/NAME.  0 or -1
 * (err). */
int rl_bisect_git_candidates(rl_bisect_cand_list_t *l, const char *repo, const char *good, const char *bad,
                             const char *run_cmd, const char *wt_root, char *err, size_t errlen);
/* Checks candidate i out in wt_root/NAME (a detached worktree) and runs
 * the build command there, output to log.  Remembers success in
 * wt_root/NAME.built, so a resumed bisect builds nothing twice.  Returns
 * 0 built, 1 the build failed, -1 racelab could not even try (err). */
int rl_bisect_git_build(const rl_bisect_cand_list_t *l, int i, const char *wt_root, const char *log, char *err,
                        size_t errlen);
/* 1 when candidate i's worktree is already built. */
int rl_bisect_git_built(const rl_bisect_cand_list_t *l, int i, const char *wt_root);

#endif
