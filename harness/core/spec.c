/* core/spec.c - the .repro reader.  One keyword per line, whole-line # comments;
 * argument words follow shell-like quoting without any expansion, so what
 * is written is exactly what the trial gets (after {placeholder}
 * substitution by the runner).  Reference: docs/racelab-repro.5.md. */
#include "core/spec.h"

#include "os/os.h"
#include "util/parse.h"
#include "util/regex.h"
#include "util/str.h"
#include "util/strbuf.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The most errors of one spec reported together; past it, one line says
 * that more were left out. */
#define RL_SPEC_MAX_ERRORS 20

typedef struct {
    const char *path;
    int line;
    char *err;
    size_t errlen;
    int failed;           /* this line (or the whole-file check) failed */
    int nerrors;          /* errors so far, every line */
} ctx_t;

/* Records "path:line: message" (one line of err per error, in the order
 * found; the first problem of a line only).  Always -1. */
static int fail(ctx_t *c, int line, const char *fmt, ...)
{
    if (c->failed)
        return -1;
    c->failed = 1;
    c->nerrors++;
    if (c->nerrors > RL_SPEC_MAX_ERRORS + 1 || !c->err || !c->errlen)
        return -1;
    size_t used = strlen(c->err);
    char *o = c->err + used;
    size_t room = c->errlen - used;
    if (used && room > 1) {
        *o++ = '\n';
        *o = '\0';
        room--;
    }
    if (c->nerrors == RL_SPEC_MAX_ERRORS + 1) {
        snprintf(o, room, "%s: more errors not shown (the first %d are above)", c->path, RL_SPEC_MAX_ERRORS);
        return -1;
    }
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0)
        snprintf(o, room, "%s:%d: %s", c->path, line, msg);
    else
        snprintf(o, room, "%s: %s", c->path, msg);
    return -1;
}

static void free_words(char **w, int n)
{
    for (int i = 0; i < n; i++)
        free(w[i]);
    free(w);
}

/* Appends word to a NULL-terminated argv. */
static int push_word(char ***w, int *n, char *word)
{
    char **nw = realloc(*w, ((size_t)*n + 2) * sizeof *nw);
    if (nw == NULL) {
        free(word);
        return -1;
    }
    nw[(*n)++] = word;
    nw[*n] = NULL;
    *w = nw;
    return 0;
}

/* Splits s into words.  Blanks separate words; '...' is literal; "..." is
 * literal except \" and \\; outside quotes a backslash takes the next
 * character literally.  Returns 0, or -1 with the problem in *why. */
static int split_words(const char *s, char ***out, int *nout, const char **why)
{
    size_t cap = strlen(s) + 1;
    char *buf = malloc(cap);
    if (buf == NULL) {
        *why = "out of memory";
        return -1;
    }
    for (;;) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '\0')
            break;
        size_t len = 0;
        while (*s && *s != ' ' && *s != '\t') {
            if (*s == '\'') {
                const char *e = strchr(s + 1, '\'');
                if (e == NULL) {
                    *why = "unterminated ' quote";
                    goto fail;
                }
                memcpy(buf + len, s + 1, (size_t)(e - s - 1));
                len += (size_t)(e - s - 1);
                s = e + 1;
            } else if (*s == '"') {
                s++;
                while (*s && *s != '"') {
                    if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
                        s++;
                    buf[len++] = *s++;
                }
                if (*s != '"') {
                    *why = "unterminated \" quote";
                    goto fail;
                }
                s++;
            } else if (*s == '\\') {
                if (s[1] == '\0') {
                    *why = "backslash at the end of the line";
                    goto fail;
                }
                buf[len++] = s[1];
                s += 2;
            } else {
                buf[len++] = *s++;
            }
        }
        char *w = rl_strndup(buf, len);
        if (w == NULL || push_word(out, nout, w)) {
            *why = "out of memory";
            goto fail;
        }
    }
    free(buf);
    return 0;
fail:
    free(buf);
    return -1;
}

/* Placeholders the runner substitutes; any other {word} of letters, in
 * any case ({Seed}, {BUILD}, {sede}), is almost certainly a typo that
 * would reach the trial verbatim. */
static const char *check_placeholders(const char *w)
{
    static char bad[64];
    for (const char *p = strchr(w, '{'); p; p = strchr(p + 1, '{')) {
        const char *q = p + 1;
        while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || *q == '_')
            q++;
        if (*q != '}' || q == p + 1)
            continue;
        size_t n = (size_t)(q - p + 1);
        if ((n == 6 && !strncmp(p, "{seed}", 6)) || (n == 7 && !strncmp(p, "{build}", 7)) ||
            (n == 5 && !strncmp(p, "{exe}", 5)))
            continue;
        snprintf(bad, sizeof bad, "%.*s", (int)(n < 40 ? n : 40), p);
        return bad;
    }
    return NULL;
}

static int words_arg(ctx_t *c, const char *rest, char ***w, int *n)
{
    const char *why = NULL;
    int before = *n;
    if (split_words(rest, w, n, &why))
        return fail(c, c->line, "%s", why);
    for (int i = before; i < *n; i++) {
        const char *bad = check_placeholders((*w)[i]);
        if (bad)
            return fail(c, c->line, "unknown placeholder %s (known: {seed}, {build}, {exe}, in lower case)", bad);
    }
    return 0;
}

/* A number, optionally followed by '%' (then divided by 100). */
static int parse_fraction(const char *s, double *v)
{
    return rl_parse_fraction(s, v);
}

/* A short issue reference: one word of letters, digits and / . _ - # :
 * holding a digit, such as golang/go#17165, JIRA-123, b/1234 or #42. */
static int is_issue_ref(const char *s)
{
    int digit = 0;
    if (*s == '\0')
        return 0;
    for (; *s; s++) {
        if (isdigit((unsigned char)*s))
            digit = 1;
        else if (!isalpha((unsigned char)*s) && !strchr("/._-#:", *s))
            return 0;
    }
    return digit;
}

int rl_spec_issue_is_url(const char *issue)
{
    return issue && (!strncmp(issue, "http://", 7) || !strncmp(issue, "https://", 8));
}

static int is_name(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
            return 0;
    return 1;
}

/* Reads /RE/ at *s (\/ stands for /) into a malloc'd string.  Advances *s
 * past the closing slash. */
static int read_regex(ctx_t *c, const char **s, char **out)
{
    const char *p = *s;
    if (*p != '/')
        return fail(c, c->line, "expected a /regular expression/");
    p++;
    size_t cap = strlen(p) + 1, len = 0;
    char *re = malloc(cap);
    if (re == NULL)
        return fail(c, c->line, "out of memory");
    while (*p && *p != '/') {
        if (p[0] == '\\' && p[1] == '/')
            p++;
        else if (p[0] == '\\' && p[1])
            re[len++] = *p++;
        re[len++] = *p++;
    }
    re[len] = '\0';
    if (*p != '/') {
        free(re);
        return fail(c, c->line, "regular expression without its closing /");
    }
    *s = p + 1;
    *out = re;
    return 0;
}

static int bad_regex(ctx_t *c, const char *re, const char *why)
{
    return fail(c, c->line, "bad regular expression /%s/: %s", re, why);
}

/* Reads /RE/ at *s into *out and compiles it into *rx. */
static int parse_regex(ctx_t *c, const char **s, char **out, rl_regex_t **rx)
{
    if (read_regex(c, s, out))
        return -1;
    char why[128];
    *rx = rl_regex_compile(*out, why, sizeof why);
    return *rx ? 0 : bad_regex(c, *out, why);
}

static const char *skip_blank(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Takes the next blank-separated token of *s into tok. */
static int next_token(const char **s, char *tok, size_t toklen)
{
    const char *p = skip_blank(*s);
    size_t n = 0;
    while (p[n] && p[n] != ' ' && p[n] != '\t')
        n++;
    if (n == 0 || n >= toklen)
        return -1;
    memcpy(tok, p, n);
    tok[n] = '\0';
    *s = p + n;
    return 0;
}

static int parse_expect(ctx_t *c, rl_spec_t *sp, const char *rest)
{
    rl_expect_t *ne = realloc(sp->expects, ((size_t)sp->nexpects + 1) * sizeof *ne);
    if (ne == NULL)
        return fail(c, c->line, "out of memory");
    sp->expects = ne;
    rl_expect_t *e = &sp->expects[sp->nexpects++];
    memset(e, 0, sizeof *e);
    e->line = c->line;
    e->text = rl_strdup(rest);
    char tok[128], op[8], num[64];
    const char *s = rest;
    if (next_token(&s, tok, sizeof tok) || !is_name(tok))
        return fail(c, c->line, "expect: missing variant name");
    e->variant = rl_strdup(tok);
    if (next_token(&s, tok, sizeof tok))
        return fail(c, c->line, "expect %s: missing 'crash', 'hang' or 'no-crash'", e->variant);
    if (strcmp(tok, "crash") == 0) {
        e->kind = RL_EXPECT_CRASH;
        s = skip_blank(s);
        if (*s == '/' && parse_regex(c, &s, &e->signature_re, &e->signature))
            return -1;
        if (next_token(&s, tok, sizeof tok) || strcmp(tok, "rate") != 0 ||
            next_token(&s, op, sizeof op) || strcmp(op, ">=") != 0)
            return fail(c, c->line, "expect %s crash: wants [/signature/] rate >= R", e->variant);
        if (next_token(&s, num, sizeof num) || parse_fraction(num, &e->min_rate) ||
            !(e->min_rate > 0.0) || !(e->min_rate < 1.0))
            return fail(c, c->line, "expect %s crash: rate must be a number in (0, 1), e.g. 0.5 or 50%%",
                        e->variant);
    } else if (strcmp(tok, "hang") == 0) {
        /* A hang has no output line to match: its signature is always
         * "timeout after Ns", so no /signature/ is taken here. */
        e->kind = RL_EXPECT_HANG;
        if (next_token(&s, tok, sizeof tok) || strcmp(tok, "rate") != 0 ||
            next_token(&s, op, sizeof op) || strcmp(op, ">=") != 0)
            return fail(c, c->line, "expect %s hang: wants rate >= R", e->variant);
        if (next_token(&s, num, sizeof num) || parse_fraction(num, &e->min_rate) ||
            !(e->min_rate > 0.0) || !(e->min_rate < 1.0))
            return fail(c, c->line, "expect %s hang: rate must be a number in (0, 1), e.g. 0.5 or 50%%",
                        e->variant);
    } else if (strcmp(tok, "no-crash") == 0) {
        e->kind = RL_EXPECT_NO_CRASH;
        s = skip_blank(s);
        if (*s == '/' && parse_regex(c, &s, &e->signature_re, &e->signature))
            return -1;
        if (next_token(&s, tok, sizeof tok) || strcmp(tok, "upper") != 0 ||
            next_token(&s, op, sizeof op) || strcmp(op, "<=") != 0)
            return fail(c, c->line, "expect %s no-crash: wants [/signature/] upper <= U", e->variant);
        if (next_token(&s, num, sizeof num) || parse_fraction(num, &e->max_upper) ||
            !(e->max_upper > 0.0) || !(e->max_upper < 1.0))
            return fail(c, c->line,
                        "expect %s no-crash: upper must be a number in (0, 1), e.g. 0.01 or 1%%",
                        e->variant);
    } else {
        return fail(c, c->line, "expect %s: '%s' is none of 'crash', 'hang', 'no-crash'", e->variant, tok);
    }
    if (*skip_blank(s) != '\0')
        return fail(c, c->line, "expect %s: unexpected '%s' at the end", e->variant, skip_blank(s));
    return 0;
}

static int parse_variant(ctx_t *c, rl_spec_t *sp, const char *rest)
{
    char tok[128];
    const char *s = rest;
    if (next_token(&s, tok, sizeof tok) || !is_name(tok))
        return fail(c, c->line, "variant: wants a name (letters, digits, _ - .) then its arguments");
    int prev = rl_spec_variant(sp, tok);
    if (prev >= 0)
        return fail(c, c->line, "duplicate variant '%s' (first at line %d)", tok, sp->variants[prev].line);
    rl_variant_t *nv = realloc(sp->variants, ((size_t)sp->nvariants + 1) * sizeof *nv);
    if (nv == NULL)
        return fail(c, c->line, "out of memory");
    sp->variants = nv;
    rl_variant_t *v = &sp->variants[sp->nvariants++];
    memset(v, 0, sizeof *v);
    v->line = c->line;
    v->name = rl_strdup(tok);
    return words_arg(c, s, &v->argv, &v->argc);
}

static int set_once(ctx_t *c, char **field, int *seen, const char *kw, const char *value)
{
    if (*seen)
        return fail(c, c->line, "'%s' given twice (first at line %d)", kw, *seen);
    *seen = c->line;
    if (*value == '\0')
        return fail(c, c->line, "'%s' wants a value", kw);
    *field = rl_strdup(value);
    return 0;
}

static int parse_line(ctx_t *c, rl_spec_t *sp, char *line, int *seen)
{
    char *end = line + strlen(line);
    while (end > line && isspace((unsigned char)end[-1]))
        *--end = '\0';
    const char *s = skip_blank(line);
    if (*s == '\0' || *s == '#')
        return 0;
    char kw[32];
    if (next_token(&s, kw, sizeof kw))
        return fail(c, c->line, "unknown keyword '%.40s'", s);
    const char *rest = skip_blank(s);
    double d;
    char *endp;
    /* seen[]: the line each single-valued keyword was first given on. */
    if (!strcmp(kw, "name")) {
        if (set_once(c, &sp->name, &seen[0], kw, rest))
            return -1;
        if (!is_name(sp->name))
            return fail(c, c->line, "name '%s': use letters, digits, _ - .", sp->name);
        /* It names files (DIR/specs/NAME.repro, DIR/logs/NAME-...). */
        if (strlen(sp->name) > RL_SPEC_MAX_NAME)
            return fail(c, c->line, "name '%.20s...': longer than %d characters", sp->name, RL_SPEC_MAX_NAME);
        sp->name_line = c->line;
    } else if (!strcmp(kw, "issue")) {
        if (set_once(c, &sp->issue, &seen[1], kw, rest))
            return -1;
        if (!rl_spec_issue_is_url(rest) && !is_issue_ref(rest))
            return fail(c, c->line, "issue: wants a http(s):// link or a short reference such as "
                                    "golang/go#17165 or JIRA-123, not '%s'", rest);
    } else if (!strcmp(kw, "description")) {
        return set_once(c, &sp->description, &seen[2], kw, rest);
    } else if (!strcmp(kw, "command")) {
        if (seen[3])
            return fail(c, c->line, "'command' given twice (first at line %d); use 'args' to add arguments",
                        seen[3]);
        seen[3] = c->line;
        if (words_arg(c, rest, &sp->argv, &sp->argc))
            return -1;
        if (sp->argc == 0)
            return fail(c, c->line, "'command' wants the program and its arguments");
    } else if (!strcmp(kw, "args")) {
        if (!seen[3])
            return fail(c, c->line, "'args' before 'command'");
        return words_arg(c, rest, &sp->argv, &sp->argc);
    } else if (!strcmp(kw, "timeout")) {
        if (seen[4])
            return fail(c, c->line, "'timeout' given twice (first at line %d)", seen[4]);
        seen[4] = c->line;
        errno = 0;
        d = strtod(rest, &endp);
        if (endp != rest && !strcmp(endp, "ms"))
            d /= 1000.0;
        else if (endp != rest && (!strcmp(endp, "s") || *endp == '\0'))
            ;
        else
            endp = NULL;
        /* At most 1e9 s, as --timeout: every later use of it stays in range. */
        if (endp == NULL || endp == rest || errno || !isfinite(d) || !(d > 0.0) || d > 1e9)
            return fail(c, c->line, "timeout: wants seconds > 0, e.g. 10, 10s or 500ms, not '%s'", rest);
        sp->classifier.timeout_s = d;
    } else if (!strcmp(kw, "trials")) {
        if (seen[5])
            return fail(c, c->line, "'trials' given twice (first at line %d)", seen[5]);
        seen[5] = c->line;
        errno = 0;
        long n = strtol(rest, &endp, 10);
        if (endp == rest || *endp || errno || n < 1 || n > 100000000L)
            return fail(c, c->line, "trials: wants a whole number from 1 to 100000000, not '%s'", rest);
        sp->trials = n;
    } else if (!strcmp(kw, "confidence")) {
        if (seen[6])
            return fail(c, c->line, "'confidence' given twice (first at line %d)", seen[6]);
        seen[6] = c->line;
        if (parse_fraction(rest, &d) || !(d >= 0.5) || !(d < 1.0))
            return fail(c, c->line, "confidence: wants a number in [0.5, 1), e.g. 0.95 or 95%%, not '%s'",
                        rest);
        sp->confidence = d;
    } else if (!strcmp(kw, "signature") || !strcmp(kw, "ignore")) {
        char *re = NULL, why[128];
        if (read_regex(c, &rest, &re))
            return -1;
        int bad = kw[0] == 's' ? rl_classifier_add(&sp->classifier, re, why, sizeof why)
                               : rl_classifier_ignore(&sp->classifier, re, why, sizeof why);
        if (bad != 0) {
            bad_regex(c, re, why);
            free(re);
            return -1;
        }
        free(re);
        if (*skip_blank(rest) != '\0')
            return fail(c, c->line, "%s: unexpected '%s' after the closing /", kw, skip_blank(rest));
    } else if (!strcmp(kw, "hang-after-signature")) {
        if (seen[7])
            return fail(c, c->line, "'hang-after-signature' given twice (first at line %d)", seen[7]);
        seen[7] = c->line;
        if (!strcmp(rest, "crash"))
            sp->classifier.hang_after_signature_is_crash = 1;
        else if (!strcmp(rest, "hang"))
            sp->classifier.hang_after_signature_is_crash = 0;
        else
            return fail(c, c->line, "hang-after-signature: wants 'crash' or 'hang', not '%s'", rest);
    } else if (!strcmp(kw, "program-kind")) {
        if (seen[8])
            return fail(c, c->line, "'program-kind' given twice (first at line %d)", seen[8]);
        seen[8] = c->line;
        int k = rl_program_kind_parse(rest);
        if (k < 0)
            return fail(c, c->line, "program-kind: wants 'auto', 'go' or 'native', not '%s'", rest);
        sp->classifier.hang_dump.kind = (rl_program_kind_t)k;
    } else if (!strcmp(kw, "sigquit-grace")) {
        if (seen[9])
            return fail(c, c->line, "'sigquit-grace' given twice (first at line %d)", seen[9]);
        seen[9] = c->line;
        if (rl_parse_duration(rest, &d) || !(d > 0) || d > RL_SIGQUIT_GRACE_MAX_S)
            return fail(c, c->line, "sigquit-grace: wants a duration > 0 and <= %gs, e.g. 5s or 500ms, not '%s'",
                        RL_SIGQUIT_GRACE_MAX_S, rest);
        sp->classifier.hang_dump.sigquit_grace_s = d;
    } else if (!strcmp(kw, "variant")) {
        return parse_variant(c, sp, rest);
    } else if (!strcmp(kw, "expect")) {
        return parse_expect(c, sp, rest);
    } else {
        static const char *const known[] = { "name", "issue", "description", "command", "args", "timeout",
                                             "trials", "confidence", "signature", "ignore",
                                             "hang-after-signature", "program-kind", "sigquit-grace",
                                             "variant", "expect" };
        const char *near = rl_nearest_word(kw, known, (int)(sizeof known / sizeof known[0]));
        char hint[64] = "";
        if (near)
            snprintf(hint, sizeof hint, "; did you mean '%s'?", near);
        return fail(c, c->line,
                    "unknown keyword '%s'%s (known: name issue description command args timeout "
                    "trials confidence signature ignore hang-after-signature program-kind sigquit-grace "
                    "variant expect)",
                    kw, hint);
    }
    return c->failed ? -1 : 0;
}

static int same_words(const rl_variant_t *a, const rl_variant_t *b)
{
    if (a->argc != b->argc)
        return 0;
    for (int k = 0; k < a->argc; k++)
        if (strcmp(a->argv[k], b->argv[k]) != 0)
            return 0;
    return 1;
}

static int validate(ctx_t *c, rl_spec_t *sp)
{
    if (sp->name == NULL)
        return fail(c, 0, "missing 'name'");
    if (sp->issue == NULL)
        return fail(c, 0, "missing 'issue' (the upstream issue this reproduces)");
    /* Without a 'command', each variant names its own program (its first
     * word): two builds or two binaries compared. */
    for (int i = 0; sp->argc == 0 && i < sp->nvariants; i++)
        if (sp->variants[i].argc == 0)
            return fail(c, sp->variants[i].line, "variant '%s' names no program, and there is no 'command' "
                        "(give 'command', or the program as the variant's first word)", sp->variants[i].name);
    if (sp->argc == 0 && sp->nvariants == 0)
        return fail(c, 0, "missing 'command'");
    if (sp->nvariants < 2)
        return fail(c, 0, "needs at least two 'variant' lines (e.g. buggy and fixed), has %d",
                    sp->nvariants);
    /* Two variants that run the same words compare a program with itself:
     * nearly always a variant whose flag was forgotten. */
    for (int i = 0; i < sp->nvariants; i++)
        for (int j = 0; j < i; j++)
            if (same_words(&sp->variants[i], &sp->variants[j]))
                return fail(c, sp->variants[i].line,
                            "variant '%s' runs exactly what variant '%s' (line %d) runs: give it its own "
                            "arguments or program", sp->variants[i].name, sp->variants[j].name,
                            sp->variants[j].line);
    if (sp->nexpects == 0)
        return fail(c, 0, "needs at least one 'expect' line");
    for (int i = 0; i < sp->nexpects; i++) {
        const rl_expect_t *e = &sp->expects[i];
        if (rl_spec_variant(sp, e->variant) < 0)
            return fail(c, e->line, "expect: unknown variant '%s'", e->variant);
        /* One expectation per variant: a tally counts matching crashes for
         * one signature, and "crashes" plus "no crash" would contradict. */
        for (int j = 0; j < i; j++)
            if (!strcmp(sp->expects[j].variant, e->variant))
                return fail(c, e->line, "variant '%s' already has an expectation (line %d)", e->variant,
                            sp->expects[j].line);
    }
    return 0;
}

int rl_spec_parse(const char *path, const char *text, rl_spec_t *spec, char *err, size_t errlen)
{
    memset(spec, 0, sizeof *spec);
    ctx_t c = {.path = path, .err = err, .errlen = errlen};
    if (err && errlen)
        err[0] = '\0';
    spec->path = rl_strdup(path);
    spec->trials = 300;
    spec->confidence = 0.95;
    if (rl_classifier_init(&spec->classifier, 60.0) != 0)
        fail(&c, 0, "out of memory");
    int seen[10] = {0};
    const char *p = text;
    /* Every line is read, so that all of a spec's errors are reported at
     * once; the whole-file checks only when the lines were all right. */
    while (*p && c.nerrors <= RL_SPEC_MAX_ERRORS) {
        c.line++;
        c.failed = 0;
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = rl_strndup(p, n);
        if (line == NULL) {
            fail(&c, c.line, "out of memory");
            break;
        }
        parse_line(&c, spec, line, seen);
        free(line);
        p += n + (nl ? 1 : 0);
    }
    if (c.nerrors == 0)
        validate(&c, spec);
    if (c.nerrors > 0) {
        rl_spec_free(spec);
        return -1;
    }
    return 0;
}

int rl_spec_load(const char *path, rl_spec_t *spec, char *err, size_t errlen)
{
    memset(spec, 0, sizeof *spec);
    /* Looked at before it is opened: opening a FIFO blocks, a device may
     * never end. */
    long long size = 0;
    rl_file_kind_t kind = rl_file_stat(path, &size, NULL);
    if (kind != RL_FILE_NONE && kind != RL_FILE_REGULAR) {
        snprintf(err, errlen, "%s: not a regular file (%s); a spec is read from a file", path,
                 kind == RL_FILE_DIR ? "a directory" : kind == RL_FILE_FIFO ? "a FIFO or socket" : "a device");
        return -1;
    }
    if (size > RL_SPEC_MAX_BYTES) {
        snprintf(err, errlen, "%s: %lld bytes: larger than a spec may be (%d bytes)", path, size,
                 RL_SPEC_MAX_BYTES);
        return -1;
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    rl_sb_t b = { 0 };
    rl_sb_read(&b, f);
    int rerr = ferror(f);
    fclose(f);
    size_t len = b.len;
    char *buf = rl_sb_take(&b);
    if (buf == NULL || rerr) {
        snprintf(err, errlen, "%s: cannot read: %s", path, buf ? strerror(EIO) : "out of memory");
        free(buf);
        return -1;
    }
    if (strlen(buf) != len) {
        free(buf);
        snprintf(err, errlen, "%s: contains a NUL byte: not a text file", path);
        return -1;
    }
    int rc = rl_spec_parse(path, buf, spec, err, errlen);
    free(buf);
    return rc;
}

void rl_spec_free(rl_spec_t *spec)
{
    if (spec == NULL)
        return;
    free(spec->path);
    free(spec->name);
    free(spec->issue);
    free(spec->description);
    free_words(spec->argv, spec->argc);
    for (int i = 0; i < spec->nvariants; i++) {
        free(spec->variants[i].name);
        free_words(spec->variants[i].argv, spec->variants[i].argc);
    }
    free(spec->variants);
    for (int i = 0; i < spec->nexpects; i++) {
        free(spec->expects[i].variant);
        free(spec->expects[i].signature_re);
        rl_regex_free(spec->expects[i].signature);
        free(spec->expects[i].text);
    }
    free(spec->expects);
    rl_classifier_free(&spec->classifier);
    memset(spec, 0, sizeof *spec);
}

int rl_spec_variant(const rl_spec_t *spec, const char *name)
{
    for (int i = 0; i < spec->nvariants; i++)
        if (spec->variants[i].name && !strcmp(spec->variants[i].name, name))
            return i;
    return -1;
}
