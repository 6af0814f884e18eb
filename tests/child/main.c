/* main.c - rl-child's registry and dispatch; see child.h. */
#include "child.h"

#include <stdio.h>
#include <string.h>

static child_table_t *tables;

void child_register(child_table_t *t)
{
    t->next = tables;
    tables = t;
}

const char *child_opt(int argc, char **argv, const char *name)
{
    for (int i = 2; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

int child_flag(int argc, char **argv, const char *name)
{
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

static const child_mode_t *find(const char *name)
{
    for (const child_table_t *t = tables; t; t = t->next)
        for (int i = 0; i < t->n; i++)
            if (strcmp(t->modes[i].name, name) == 0)
                return &t->modes[i];
    return NULL;
}

int main(int argc, char **argv)
{
    const char *prog = argc > 0 ? argv[0] : "rl-child";
    if (argc < 2) {
        fprintf(stderr, "usage: %s MODE [ARGS...] | --list\n", prog);
        return 64;
    }
    if (strcmp(argv[1], "--list") == 0) {
        for (const child_table_t *t = tables; t; t = t->next)
            for (int i = 0; i < t->n; i++)
                printf("%-12s %s\n", t->modes[i].name, t->modes[i].usage);
        return 0;
    }
    const child_mode_t *m = find(argv[1]);
    if (m == NULL) {
        fprintf(stderr, "%s: unknown mode '%s' (--list lists them)\n", prog, argv[1]);
        return 64;
    }
    if (argc - 2 < m->min_args) {
        fprintf(stderr, "%s: usage: %s %s\n", prog, m->name, m->usage);
        return 64;
    }
    child_platform_init();
    return m->run(argc, argv);
}
