/* options.c - see options.h. */
#include "programs/options.h"

#include <stdlib.h>
#include <string.h>

#include "model/prof.h"
#include "model/thread.h"

const rt_opt_word_t rt_opt_pause_words[] = {
    { "none", RT_PAUSE_NONE },
    { "yield", RT_PAUSE_YIELD },
    { NULL, 0 },
};

const rt_opt_word_t rt_opt_guard_words[] = {
    { "target", RT_GUARD_TARGET },
    { "self", RT_GUARD_SELF },
    { NULL, 0 },
};

static const rt_opt_word_t *find_word(const rt_opt_word_t *w, const char *value)
{
    for (; w != NULL && w->word != NULL; w++)
        if (strcmp(w->word, value) == 0)
            return w;
    return NULL;
}

/* "'a', 'b' or 'c'" */
static void expect_words(const rt_opt_word_t *w, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; w[i].word != NULL && len < cap; i++) {
        const char *sep = i == 0 ? "" : w[i + 1].word == NULL ? " or " : ", ";
        len += (size_t)snprintf(buf + len, cap - len, "%s'%s'", sep, w[i].word);
    }
}

_Noreturn static void expected(const rt_prog_t *prog, const rt_opt_t *o, const char *value,
                               const char *what)
{
    char msg[768];
    snprintf(msg, sizeof msg, "--%s: expected %s (got '%s')", o->name, what, value);
    rt_knob_usage_error(prog->name, msg);
}

static void set(const rt_prog_t *prog, const rt_opt_t *o, const char *shown, const char *value)
{
    const rt_opt_word_t *w = find_word(o->words, value);
    switch (o->kind) {
    case RT_OPT_NUM:
        if (w != NULL)
            *o->target = w->value;
        else if (!rt_knob_u64(prog->name, shown, value, o->min, o->max, o->target))
            exit(RT_EXIT_USAGE);
        break;
    case RT_OPT_CHOICE:
        if (w == NULL) {
            char what[256];
            expect_words(o->words, what, sizeof what);
            expected(prog, o, value, what);
        }
        *o->target = w->value;
        break;
    case RT_OPT_FUNC: {
        const char *what = o->parse(value, o->any);
        if (what != NULL)
            expected(prog, o, value, what);
        break;
    }
    }
}

/* A wrapper that starts the program (ci/wine-run.sh) names a file in
 * RACELAB_STARTED; the program creates it before anything else, so the
 * wrapper can tell "Wine exited before the program ran" (no file: the trial
 * never started) from the program's own failure. */
static void mark_started(void)
{
    const char *path = getenv("RACELAB_STARTED");
    if (path == NULL || *path == '\0')
        return;
    FILE *f = fopen(path, "w");
    if (f != NULL)
        fclose(f);
}

void rt_opts_parse(const rt_prog_t *prog, int argc, char **argv)
{
    mark_started();
    size_t n = 0;
    while (prog->opts[n].name != NULL)
        n++;
    bool seen[64] = { false };
    if (n > sizeof seen / sizeof seen[0])
        abort(); /* a table this long is a programming error */
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            rt_opts_usage(prog, stdout);
            exit(0);
        }
        size_t k = 0;
        const char *v = NULL;
        while (k < n && !rt_knob_match(arg, prog->opts[k].name, &v))
            k++;
        if (k == n) {
            char msg[512];
            snprintf(msg, sizeof msg, "unknown knob '%s'", arg);
            rt_knob_usage_error(prog->name, msg);
        }
        set(prog, &prog->opts[k], prog->opts[k].name, v);
        seen[k] = true;
        if (prog->opts[k].given != NULL)
            *prog->opts[k].given = true;
    }
    for (size_t k = 0; k < n; k++)
        if (!seen[k] && prog->opts[k].required != NULL)
            rt_knob_usage_error(prog->name, prog->opts[k].required);
    for (size_t k = 0; k < n; k++) {
        const rt_opt_t *o = &prog->opts[k];
        const char *env = o->env != NULL && !seen[k] ? getenv(o->env) : NULL;
        if (env != NULL && *env != '\0') {
            char shown[128];
            snprintf(shown, sizeof shown, "%s (from %s)", o->name, o->env);
            set(prog, o, shown, env);
        }
    }
}

/* The help lines after the first, each on its own line at indent. */
static void help_lines(FILE *f, const char *text, int indent)
{
    for (const char *nl; (nl = strchr(text, '\n')) != NULL; text = nl + 1)
        fprintf(f, "%.*s\n%*s", (int)(nl - text), text, indent, "");
    fprintf(f, "%s\n", text);
}

static void option_line(FILE *f, int column, const char *left, const char *help)
{
    if (help[0] == '\n') {
        fprintf(f, "  %s\n%*s", left, column + 4, "");
        help++;
    } else {
        fprintf(f, "  %-*s  ", column, left);
    }
    help_lines(f, help, column + 4);
}

void rt_opts_usage(const rt_prog_t *prog, FILE *f)
{
    fprintf(f, "usage: %s %s\n%s\n", prog->name, prog->synopsis, prog->about);
    for (const rt_opt_t *o = prog->opts; o->name != NULL; o++) {
        char left[128];
        snprintf(left, sizeof left, "--%s=%s", o->name, o->metavar);
        option_line(f, prog->column, left, o->help);
        if (o->more_help != NULL)
            o->more_help(f);
    }
    option_line(f, prog->column, "--help", "this text");
    fprintf(f, "\n%s", prog->epilogue);
}
