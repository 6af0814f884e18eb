/* cmd/bisect_cand.c - candidate lists of racelab bisect (see bisect_cand.h). */
#include "cmd/bisect_cand.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/str.h"

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int rl_bisect_split(const char *line, char ***argv, char *err, size_t errlen)
{
    size_t len = strlen(line);
    char **v = calloc(len / 2 + 2, sizeof *v);   /* at most one word per two bytes, + NULL */
    char *w = malloc(len + 1);
    int n = 0;
    if (!v || !w) {
        free(v);
        free(w);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    const char *p = line;
    for (;;) {
        while (is_blank(*p))
            p++;
        if (!*p)
            break;
        size_t k = 0;
        while (*p && !is_blank(*p)) {
            if (*p == '\'') {
                const char *e = strchr(p + 1, '\'');
                if (!e)
                    goto unclosed;
                memcpy(w + k, p + 1, (size_t)(e - p - 1));
                k += (size_t)(e - p - 1);
                p = e + 1;
            } else if (*p == '"') {
                p++;
                while (*p && *p != '"') {
                    if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
                        p++;
                    w[k++] = *p++;
                }
                if (!*p)
                    goto unclosed;
                p++;
            } else if (*p == '\\' && p[1]) {
                w[k++] = p[1];
                p += 2;
            } else {
                w[k++] = *p++;
            }
        }
        w[k] = '\0';
        v[n] = rl_strdup(w);
        if (!v[n])
            goto oom;
        n++;
    }
    free(w);
    *argv = v;
    return n;
unclosed:
    snprintf(err, errlen, "unclosed quote in: %s", line);
    goto fail;
oom:
    snprintf(err, errlen, "out of memory");
fail:
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
    free(w);
    return -1;
}

static int name_ok(const char *s, size_t n)
{
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-' || c == '+'))
            return 0;
    }
    return 1;
}

int rl_bisect_cand_find(const rl_bisect_cand_list_t *l, const char *name)
{
    for (int i = 0; i < l->n; i++)
        if (name && strcmp(l->c[i].name, name) == 0)
            return i;
    return -1;
}

int rl_bisect_cand_add(rl_bisect_cand_list_t *l, const char *line, char *err, size_t errlen)
{
    char **argv;
    int argc = rl_bisect_split(line, &argv, err, errlen);
    if (argc < 0)
        return -1;
    char *name = NULL;
    size_t w0 = argc > 0 ? strlen(argv[0]) : 0;
    if (argc > 0 && w0 > 1 && argv[0][w0 - 1] == ':' && name_ok(argv[0], w0 - 1)) {
        name = argv[0];
        name[w0 - 1] = '\0';
        memmove(argv, argv + 1, (size_t)argc * sizeof *argv);   /* the NULL too */
        argc--;
    } else {
        name = rl_aprintf("c%d", l->n);
    }
    if (argc == 0 || !name || rl_bisect_cand_find(l, name) >= 0) {
        if (!name)
            snprintf(err, errlen, "out of memory");
        else if (argc == 0)
            snprintf(err, errlen, "candidate %s has no command", name);
        else
            snprintf(err, errlen, "two candidates are called %s", name);
        free(name);
        for (int i = 0; i < argc; i++)
            free(argv[i]);
        free(argv);
        return -1;
    }
    rl_bisect_cand_t *c = realloc(l->c, (size_t)(l->n + 1) * sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    l->c = c;
    l->c[l->n++] = (rl_bisect_cand_t){ .name = name, .argc = argc, .argv = argv };
    return 0;
}

int rl_bisect_cand_from_strings(const char *const *lines, int n, rl_bisect_cand_list_t *l, char *err,
                                size_t errlen)
{
    for (int i = 0; i < n; i++)
        if (rl_bisect_cand_add(l, lines[i], err, errlen) != 0)
            return -1;
    return 0;
}

/* Reads lines of f; for each that is not blank or a comment calls
 * fn(ctx, line, lineno).  0, or fn's non-zero result. */
static int each_line(FILE *f, int (*fn)(void *, char *, int), void *ctx)
{
    char *buf = NULL;
    size_t cap = 0, len = 0;
    int lineno = 0, c, rc = 0;
    do {
        c = fgetc(f);
        if (c != EOF && c != '\n') {
            if (len + 2 > cap) {
                size_t nc = cap ? cap * 2 : 256;
                char *nb = realloc(buf, nc);
                if (!nb) {
                    free(buf);
                    return -1;
                }
                buf = nb;
                cap = nc;
            }
            buf[len++] = (char)c;
            continue;
        }
        if (c == EOF && len == 0)
            break;
        lineno++;
        if (!buf) {
            len = 0;
            continue;
        }
        buf[len] = '\0';
        len = 0;
        char *s = buf;
        while (is_blank(*s))
            s++;
        if (*s && *s != '#' && (rc = fn(ctx, s, lineno)) != 0)
            break;
    } while (c != EOF);
    free(buf);
    return rc;
}

typedef struct {
    rl_bisect_cand_list_t *l;
    const char *path;
    char *err;
    size_t errlen;
    int conf;
} reader_t;

static int cand_line(void *ctx, char *line, int lineno)
{
    reader_t *r = ctx;
    char e[400];
    if (r->conf) {
        if (strncmp(line, "noise ", 6) == 0) {
            free(r->l->noise);
            r->l->noise = rl_strdup(line + 6);
            return 0;
        }
        if (strncmp(line, "signature ", 10) == 0) {
            free(r->l->signature);
            r->l->signature = rl_strdup(line + 10);
            return 0;
        }
        if (strncmp(line, "git-repo ", 9) == 0 || strncmp(line, "git-build ", 10) == 0) {
            char **slot = line[4] == 'r' ? &r->l->git_repo : &r->l->git_build;
            free(*slot);
            *slot = rl_strdup(strchr(line, ' ') + 1);
            return 0;
        }
        if (strncmp(line, "rev ", 4) == 0) {
            char name[80], hash[80];
            int c;
            if (sscanf(line + 4, "%79s %79s", name, hash) != 2 || (c = rl_bisect_cand_find(r->l, name)) < 0) {
                snprintf(r->err, r->errlen, "%s:%d: rev of no candidate", r->path, lineno);
                return 1;
            }
            free(r->l->c[c].rev);
            r->l->c[c].rev = rl_strdup(hash);
            return 0;
        }
        if (strncmp(line, "candidate ", 10) != 0) {
            snprintf(r->err, r->errlen, "%s:%d: not a line of bisect.conf", r->path, lineno);
            return 1;
        }
        line += 10;
    }
    if (rl_bisect_cand_add(r->l, line, e, sizeof e) != 0) {
        snprintf(r->err, r->errlen, "%s:%d: %s", r->path, lineno, e);
        return 1;
    }
    return 0;
}

static int read_list(const char *path, rl_bisect_cand_list_t *l, int conf, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read %s", path);
        return -1;
    }
    reader_t r = { l, path, err, errlen, conf };
    int rc = each_line(f, cand_line, &r);
    fclose(f);
    if (rc < 0)
        snprintf(err, errlen, "out of memory reading %s", path);
    return rc ? -1 : 0;
}

int rl_bisect_cand_read_file(const char *path, rl_bisect_cand_list_t *l, char *err, size_t errlen)
{
    return read_list(path, l, 0, err, errlen);
}

void rl_bisect_cand_list_free(rl_bisect_cand_list_t *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->c[i].name);
        for (int j = 0; j < l->c[i].argc; j++)
            free(l->c[i].argv[j]);
        free(l->c[i].argv);
        free(l->c[i].rev);
    }
    free(l->c);
    free(l->signature);
    free(l->noise);
    free(l->git_repo);
    free(l->git_build);
    memset(l, 0, sizeof *l);
}

/* One word in single quotes, a ' inside as '\'' (read back by the split). */
static void put_word(FILE *f, const char *w)
{
    fputc('\'', f);
    for (; *w; w++) {
        if (*w == '\'')
            fputs("'\\''", f);
        else
            fputc(*w, f);
    }
    fputc('\'', f);
}

int rl_bisect_conf_write(const char *dir, const rl_bisect_cand_list_t *l, const char *signature,
                         const char *noise)
{
    char *path = rl_aprintf("%s/bisect.conf", dir);
    FILE *f = path ? fopen(path, "w") : NULL;
    free(path);
    if (!f)
        return -1;
    fputs("# racelab bisect: what this results directory searches (read by --resume)\n", f);
    fprintf(f, "noise %s\n", noise ? noise : "0");
    if (signature)
        fprintf(f, "signature %s\n", signature);
    for (int i = 0; i < l->n; i++) {
        fprintf(f, "candidate %s:", l->c[i].name);
        for (int j = 0; j < l->c[i].argc; j++) {
            fputc(' ', f);
            put_word(f, l->c[i].argv[j]);
        }
        fputc('\n', f);
    }
    if (l->git_repo)
        fprintf(f, "git-repo %s\n", l->git_repo);
    if (l->git_build)
        fprintf(f, "git-build %s\n", l->git_build);
    for (int i = 0; i < l->n; i++)
        if (l->c[i].rev)
            fprintf(f, "rev %s %s\n", l->c[i].name, l->c[i].rev);
    return fclose(f) == 0 ? 0 : -1;
}

int rl_bisect_conf_read(const char *dir, rl_bisect_cand_list_t *l, char *err, size_t errlen)
{
    char *path = rl_aprintf("%s/bisect.conf", dir);
    if (!path) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = read_list(path, l, 1, err, errlen);
    free(path);
    return rc;
}
