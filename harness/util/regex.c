/* util/regex.c - a portable ERE subset: recursive-descent parser to a tree,
 * compiled to a small instruction set, run by a Pike VM (Thompson NFA
 * simulation), so every pattern matches in O(text * pattern). */
#include "util/regex.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N_CHAR, N_ANY, N_CLASS, N_BOL, N_EOL, N_EMPTY, N_CAT, N_ALT, N_STAR, N_PLUS, N_QUEST };
enum { I_CHAR, I_ANY, I_CLASS, I_BOL, I_EOL, I_SPLIT, I_JMP, I_MATCH };

typedef struct {
    int type, left, right, arg; /* arg: the char, or the class index */
} node_t;

typedef struct {
    int op, x, y, arg;
} inst_t;

typedef unsigned char cls_t[32]; /* 256-bit membership set */

struct rl_regex {
    inst_t *prog;
    int nprog;
    cls_t *classes;
    int nclasses;
};

typedef struct {
    const char *p;
    node_t *nodes;
    int nnodes, cap;
    cls_t *classes;
    int nclasses, ccap;
    const char *err;
} parser_t;

/* Room for one more element in the array a of *cap elements of size bytes,
 * n of them used (first: the capacity of the first allocation): a, or its
 * reallocation, with *cap updated; NULL with ps->err set when out of
 * memory (a is then still valid). */
static void *grow(parser_t *ps, void *a, int *cap, int n, size_t size, int first)
{
    if (n < *cap)
        return a;
    int ncap = *cap ? *cap * 2 : first;
    void *na = realloc(a, (size_t)ncap * size);
    if (na == NULL) {
        ps->err = "out of memory";
        return NULL;
    }
    *cap = ncap;
    return na;
}

static int new_node(parser_t *ps, int type, int left, int right, int arg)
{
    if (ps->err)
        return -1;
    node_t *n = grow(ps, ps->nodes, &ps->cap, ps->nnodes, sizeof *n, 32);
    if (n == NULL)
        return -1;
    ps->nodes = n;
    ps->nodes[ps->nnodes] = (node_t){type, left, right, arg};
    return ps->nnodes++;
}

static int parse_alt(parser_t *ps);

static void cls_set(unsigned char *c, int ch) { c[ch >> 3] |= (unsigned char)(1u << (ch & 7)); }
static int cls_has(const unsigned char *c, int ch) { return (c[ch >> 3] >> (ch & 7)) & 1; }

static int named_class(const char *name, size_t len, unsigned char *c)
{
    static const struct { const char *n; int (*f)(int); } tab[] = {
        {"alpha", isalpha}, {"digit", isdigit}, {"alnum", isalnum}, {"space", isspace},
        {"upper", isupper}, {"lower", islower}, {"punct", ispunct}, {"xdigit", isxdigit},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
        if (strlen(tab[i].n) == len && strncmp(tab[i].n, name, len) == 0) {
            for (int ch = 0; ch < 128; ch++)
                if (tab[i].f(ch))
                    cls_set(c, ch);
            return 0;
        }
    }
    return -1;
}

static int parse_class(parser_t *ps)
{
    unsigned char c[32] = {0};
    int neg = 0;
    if (*ps->p == '^') {
        neg = 1;
        ps->p++;
    }
    int first = 1;
    while (*ps->p && (*ps->p != ']' || first)) {
        first = 0;
        if (ps->p[0] == '[' && ps->p[1] == ':') {
            const char *end = strstr(ps->p + 2, ":]");
            if (end == NULL || named_class(ps->p + 2, (size_t)(end - ps->p - 2), c)) {
                ps->err = "unknown character class in [ ]";
                return -1;
            }
            ps->p = end + 2;
            continue;
        }
        int lo = (unsigned char)*ps->p++;
        int hi = lo;
        if (ps->p[0] == '-' && ps->p[1] && ps->p[1] != ']') {
            hi = (unsigned char)ps->p[1];
            ps->p += 2;
            if (hi < lo) {
                ps->err = "invalid range in [ ]";
                return -1;
            }
        }
        for (int ch = lo; ch <= hi; ch++)
            cls_set(c, ch);
    }
    if (*ps->p != ']') {
        ps->err = "unmatched [";
        return -1;
    }
    ps->p++;
    if (neg)
        for (int i = 0; i < 32; i++)
            c[i] = (unsigned char)~c[i];
    cls_t *n = grow(ps, ps->classes, &ps->ccap, ps->nclasses, sizeof *n, 4);
    if (n == NULL)
        return -1;
    ps->classes = n;
    memcpy(ps->classes[ps->nclasses], c, sizeof c);
    return new_node(ps, N_CLASS, -1, -1, ps->nclasses++);
}

static int parse_atom(parser_t *ps)
{
    char ch = *ps->p;
    switch (ch) {
    case '(': {
        ps->p++;
        int e = parse_alt(ps);
        if (ps->err)
            return -1;
        if (*ps->p != ')') {
            ps->err = "unmatched (";
            return -1;
        }
        ps->p++;
        return e;
    }
    case '[':
        ps->p++;
        return parse_class(ps);
    case '.':
        ps->p++;
        return new_node(ps, N_ANY, -1, -1, 0);
    case '^':
        ps->p++;
        return new_node(ps, N_BOL, -1, -1, 0);
    case '$':
        ps->p++;
        return new_node(ps, N_EOL, -1, -1, 0);
    case '\\':
        if (ps->p[1] == '\0') {
            ps->err = "trailing backslash";
            return -1;
        }
        if (ps->p[1] >= '1' && ps->p[1] <= '9') {
            ps->err = "back-references (\\1 ... \\9) are not supported";
            return -1;
        }
        ps->p += 2;
        return new_node(ps, N_CHAR, -1, -1, (unsigned char)ps->p[-1]);
    case '*': case '+': case '?':
        ps->err = "repetition operator with nothing before it";
        return -1;
    case '{':
        ps->err = "counted repetition {m,n} is not supported";
        return -1;
    default:
        ps->p++;
        return new_node(ps, N_CHAR, -1, -1, (unsigned char)ch);
    }
}

static int parse_repeat(parser_t *ps)
{
    int e = parse_atom(ps);
    while (!ps->err && (*ps->p == '*' || *ps->p == '+' || *ps->p == '?' || *ps->p == '{')) {
        if (*ps->p == '{') {
            ps->err = "counted repetition {m,n} is not supported";
            return -1;
        }
        int t = *ps->p == '*' ? N_STAR : *ps->p == '+' ? N_PLUS : N_QUEST;
        ps->p++;
        e = new_node(ps, t, e, -1, 0);
    }
    return e;
}

static int parse_cat(parser_t *ps)
{
    int e = -1;
    while (!ps->err && *ps->p && *ps->p != '|' && *ps->p != ')') {
        int r = parse_repeat(ps);
        e = e < 0 ? r : new_node(ps, N_CAT, e, r, 0);
    }
    return e < 0 ? new_node(ps, N_EMPTY, -1, -1, 0) : e;
}

static int parse_alt(parser_t *ps)
{
    int e = parse_cat(ps);
    while (!ps->err && *ps->p == '|') {
        ps->p++;
        int r = parse_cat(ps);
        e = new_node(ps, N_ALT, e, r, 0);
    }
    return e;
}

static void emit(rl_regex_t *re, int op, int x, int y, int arg)
{
    re->prog[re->nprog++] = (inst_t){op, x, y, arg};
}

static void compile(rl_regex_t *re, const node_t *nodes, int i)
{
    const node_t *n = &nodes[i];
    int a, b;
    switch (n->type) {
    case N_CHAR: emit(re, I_CHAR, 0, 0, n->arg); break;
    case N_ANY: emit(re, I_ANY, 0, 0, 0); break;
    case N_CLASS: emit(re, I_CLASS, 0, 0, n->arg); break;
    case N_BOL: emit(re, I_BOL, 0, 0, 0); break;
    case N_EOL: emit(re, I_EOL, 0, 0, 0); break;
    case N_EMPTY: break;
    case N_CAT:
        compile(re, nodes, n->left);
        compile(re, nodes, n->right);
        break;
    case N_ALT:
        a = re->nprog;
        emit(re, I_SPLIT, a + 1, 0, 0);
        compile(re, nodes, n->left);
        b = re->nprog;
        emit(re, I_JMP, 0, 0, 0);
        re->prog[a].y = re->nprog;
        compile(re, nodes, n->right);
        re->prog[b].x = re->nprog;
        break;
    case N_QUEST:
        a = re->nprog;
        emit(re, I_SPLIT, a + 1, 0, 0);
        compile(re, nodes, n->left);
        re->prog[a].y = re->nprog;
        break;
    case N_STAR:
        a = re->nprog;
        emit(re, I_SPLIT, a + 1, 0, 0);
        compile(re, nodes, n->left);
        emit(re, I_JMP, a, 0, 0);
        re->prog[a].y = re->nprog;
        break;
    case N_PLUS:
        a = re->nprog;
        compile(re, nodes, n->left);
        emit(re, I_SPLIT, a, re->nprog + 1, 0);
        break;
    }
}

rl_regex_t *rl_regex_compile(const char *pattern, char *err, size_t errlen)
{
    parser_t ps = {.p = pattern};
    int root = parse_alt(&ps);
    if (!ps.err && *ps.p == ')')
        ps.err = "unmatched )";
    rl_regex_t *re = NULL;
    if (!ps.err) {
        re = calloc(1, sizeof *re);
        /* Every node emits at most two instructions, plus MATCH. */
        if (re)
            re->prog = malloc(((size_t)ps.nnodes * 2 + 1) * sizeof *re->prog);
        if (re == NULL || re->prog == NULL) {
            ps.err = "out of memory";
        } else {
            compile(re, ps.nodes, root);
            emit(re, I_MATCH, 0, 0, 0);
            re->classes = ps.classes;
            re->nclasses = ps.nclasses;
            ps.classes = NULL;
        }
    }
    free(ps.nodes);
    free(ps.classes);
    if (ps.err) {
        if (err && errlen)
            snprintf(err, errlen, "%s", ps.err);
        rl_regex_free(re);
        return NULL;
    }
    return re;
}

typedef struct {
    int *pcs;
    int n;
} list_t;

/* Adds pc and everything reachable from it without consuming a character.
 * mark[] (stamped with the step number) stops empty loops like (a*)*. */
static void add_thread(const rl_regex_t *re, list_t *l, int *mark, int stamp, int pc,
                       const char *text, const char *sp)
{
    if (mark[pc] == stamp)
        return;
    mark[pc] = stamp;
    const inst_t *in = &re->prog[pc];
    switch (in->op) {
    case I_JMP:
        add_thread(re, l, mark, stamp, in->x, text, sp);
        break;
    case I_SPLIT:
        add_thread(re, l, mark, stamp, in->x, text, sp);
        add_thread(re, l, mark, stamp, in->y, text, sp);
        break;
    case I_BOL:
        if (sp == text)
            add_thread(re, l, mark, stamp, pc + 1, text, sp);
        break;
    case I_EOL:
        if (*sp == '\0')
            add_thread(re, l, mark, stamp, pc + 1, text, sp);
        break;
    default:
        l->pcs[l->n++] = pc;
    }
}

int rl_regex_search(const rl_regex_t *re, const char *text)
{
    size_t np = (size_t)re->nprog;
    /* The thread lists live in the caller's frame (or the heap for a long
     * program), never in re, which stays shared and read-only. */
    int small[3 * 128];
    int *buf = np <= 128 ? small : malloc(np * 3 * sizeof *buf);
    if (buf == NULL)
        return 0;
    list_t cur = {buf, 0}, next = {buf + np, 0};
    int *mark = buf + 2 * np;
    for (size_t i = 0; i < np; i++)
        mark[i] = -1;
    int stamp = 0, matched = 0;
    const char *sp = text;
    /* Unanchored search: a new thread starts at every position. */
    add_thread(re, &cur, mark, stamp, 0, text, sp);
    for (;;) {
        for (int i = 0; i < cur.n; i++)
            if (re->prog[cur.pcs[i]].op == I_MATCH) {
                matched = 1;
                goto done;
            }
        if (*sp == '\0')
            break;
        int ch = (unsigned char)*sp;
        stamp++;
        next.n = 0;
        for (int i = 0; i < cur.n; i++) {
            const inst_t *in = &re->prog[cur.pcs[i]];
            int ok = (in->op == I_CHAR && in->arg == ch) || in->op == I_ANY ||
                     (in->op == I_CLASS && cls_has(re->classes[in->arg], ch));
            if (ok)
                add_thread(re, &next, mark, stamp, cur.pcs[i] + 1, text, sp + 1);
        }
        sp++;
        add_thread(re, &next, mark, stamp, 0, text, sp);
        list_t t = cur;
        cur = next;
        next = t;
    }
done:
    if (buf != small)
        free(buf);
    return matched;
}

void rl_regex_free(rl_regex_t *re)
{
    if (re == NULL)
        return;
    free(re->prog);
    free(re->classes);
    free(re);
}

/* Index just past a [...] starting at p[i], or 0 when it does not close. */
static size_t skip_bracket(const char *p, size_t i)
{
    i++;
    if (p[i] == '^')
        i++;
    if (p[i] == ']')
        i++;
    while (p[i] && p[i] != ']') {
        if (p[i] == '[' && p[i + 1] == ':') {
            const char *e = strstr(p + i + 2, ":]");
            if (!e)
                return 0;
            i = (size_t)(e - p) + 2;
            continue;
        }
        i++;
    }
    return p[i] ? i + 1 : 0;
}

/* Index just past the group opening at p[i], or 0 when it does not close. */
static size_t skip_group(const char *p, size_t i)
{
    int depth = 0;
    while (p[i]) {
        if (p[i] == '\\' && p[i + 1]) {
            i += 2;
            continue;
        }
        if (p[i] == '[') {
            i = skip_bracket(p, i);
            if (!i)
                return 0;
            continue;
        }
        if (p[i] == '(')
            depth++;
        else if (p[i] == ')' && --depth == 0)
            return i + 1;
        i++;
    }
    return 0;
}

size_t rl_regex_literal(const char *p, char *lit, size_t cap)
{
    size_t n = strlen(p), best = 0, cn = 0;
    char cur[256];
    if (cap > sizeof cur)
        cap = sizeof cur;
    lit[0] = '\0';
    /* A top-level alternation has no literal common to every match. */
    for (size_t i = 0; i < n;) {
        if (p[i] == '\\' && i + 1 < n)
            i += 2;
        else if (p[i] == '[' || p[i] == '(') {
            i = p[i] == '[' ? skip_bracket(p, i) : skip_group(p, i);
            if (!i)
                return 0;
        } else if (p[i] == '|')
            return 0;
        else
            i++;
    }
#define COMMIT()                                                       \
    do {                                                               \
        if (cn > best) {                                               \
            best = cn < cap - 1 ? cn : cap - 1;                        \
            memcpy(lit, cur, best);                                    \
        }                                                              \
        cn = 0;                                                        \
    } while (0)
    size_t i = 0;
    while (i < n) {
        int is_lit = 0;
        char c = 0;
        size_t next;
        if (p[i] == '\\' && i + 1 < n) {
            c = p[i + 1];
            is_lit = 1;
            next = i + 2;
        } else if (p[i] == '(') {
            next = skip_group(p, i);
        } else if (p[i] == '[') {
            next = skip_bracket(p, i);
        } else if (strchr(".^$*+?)", p[i])) {
            next = i + 1;
        } else {
            c = p[i];
            is_lit = 1;
            next = i + 1;
        }
        if (!next)
            return 0;
        /* The repetition operators after the atom, all of them: a+? and
         * a+* are optional like a? and a*. */
        int repeated = 0, optional = 0;
        while (next < n && (p[next] == '*' || p[next] == '+' || p[next] == '?')) {
            repeated = 1;
            optional |= p[next] != '+';
            next++;
        }
        if (is_lit && !optional) {
            if (cn < sizeof cur)
                cur[cn++] = c;
            if (repeated)            /* required once, but may repeat */
                COMMIT();
        } else {
            COMMIT();
        }
        i = next;
    }
    COMMIT();
#undef COMMIT
    lit[best] = '\0';
    return best;
}

int rl_regex_match_once(const char *pattern, const char *text)
{
    rl_regex_t *re = rl_regex_compile(pattern, NULL, 0);
    if (re == NULL)
        return -1;
    int m = rl_regex_search(re, text);
    rl_regex_free(re);
    return m;
}
