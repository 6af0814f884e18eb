/* fuzz_reports.c - the report writers fed hostile signatures (see
 * fuzz_targets.h), with well-formedness oracles: a small XML 1.0 checker
 * (characters, tags, attributes, entities) for HTML and JUnit, a strict
 * JSON parser for JSON, a control-character check for the text, and for
 * Markdown the structure a signature must not change (markdown_ok). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* open_memstream, memmem */
#endif
#include "fuzz_targets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/evaluate.h"
#include "core/spec.h"
#include "report/report.h"
#include "util/fmt.h"

/* The next code point of valid UTF-8 at s (its length in *n), or -1. */
static long next_cp(const unsigned char *s, const unsigned char *end, size_t *n)
{
    if (s >= end)
        return -1;
    unsigned char tmp[4] = { 0 };
    size_t k = (size_t)(end - s) < 4 ? (size_t)(end - s) : 4;
    memcpy(tmp, s, k);
    size_t len = rl_utf8_len(tmp);
    if (len == 0 || len > k)
        return -1;
    *n = len;
    if (len == 1)
        return s[0];
    if (len == 2)
        return ((long)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    if (len == 3)
        return ((long)(s[0] & 0x0F) << 12) | ((long)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    return ((long)(s[0] & 0x07) << 18) | ((long)(s[1] & 0x3F) << 12) | ((long)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

static int xml_char(long c)
{
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
           (c >= 0x10000 && c <= 0x10FFFF);
}

static int name_char(unsigned char c, int first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80 ||
           (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
}

/* At '&': a predefined or numeric entity.  Its length, or 0. */
static size_t entity(const char *s, const char *end)
{
    static const char *const pre[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };
    for (size_t i = 0; i < 5; i++)
        if ((size_t)(end - s) >= strlen(pre[i]) && strncmp(s, pre[i], strlen(pre[i])) == 0)
            return strlen(pre[i]);
    if (end - s < 4 || s[1] != '#')
        return 0;
    const char *p = s + 2;
    int hex = *p == 'x';
    p += hex;
    long v = 0;
    const char *d = p;
    while (p < end && (hex ? strchr("0123456789abcdefABCDEF", *p) != NULL : (*p >= '0' && *p <= '9')) && *p) {
        v = v * (hex ? 16 : 10) + (*p <= '9' ? *p - '0' : (*p | 0x20) - 'a' + 10);
        if (v > 0x10FFFF)
            return 0;
        p++;
    }
    if (p == d || p >= end || *p != ';' || !xml_char(v))
        return 0;
    return (size_t)(p + 1 - s);
}

/* 1 when doc is a well-formed XML document (one root element). */
static int xml_ok(const char *doc, size_t len)
{
    const char *s = doc, *end = doc + len;
    for (const unsigned char *u = (const unsigned char *)doc; u < (const unsigned char *)end;) {
        size_t n;
        long c = next_cp(u, (const unsigned char *)end, &n);
        if (c < 0 || !xml_char(c))
            return 0;
        u += n;
    }
    const char *stack[256];
    size_t stlen[256];
    int depth = 0, roots = 0;
    while (s < end) {
        if (*s == '<') {
            if (end - s >= 4 && !strncmp(s, "<!--", 4)) {
                const char *e = memmem(s + 4, (size_t)(end - s - 4), "-->", 3);
                if (!e)
                    return 0;
                s = e + 3;
            } else if (end - s >= 9 && !strncmp(s, "<![CDATA[", 9)) {
                const char *e = memmem(s + 9, (size_t)(end - s - 9), "]]>", 3);
                if (!e || depth == 0)
                    return 0;
                s = e + 3;
            } else if (end - s >= 2 && (s[1] == '?' || s[1] == '!')) {
                const char *e = memchr(s, '>', (size_t)(end - s));
                if (!e || depth > 0)
                    return 0;
                s = e + 1;
            } else if (end - s >= 2 && s[1] == '/') {
                const char *p = s + 2, *nm = p;
                while (p < end && name_char((unsigned char)*p, p == nm))
                    p++;
                size_t nl = (size_t)(p - nm);
                while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
                    p++;
                if (p >= end || *p != '>' || depth == 0 || stlen[depth - 1] != nl || strncmp(stack[depth - 1], nm, nl))
                    return 0;
                depth--;
                s = p + 1;
            } else {
                const char *p = s + 1, *nm = p;
                while (p < end && name_char((unsigned char)*p, p == nm))
                    p++;
                if (p == nm)
                    return 0;
                size_t nl = (size_t)(p - nm);
                for (;;) {
                    int ws = 0;
                    while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
                        p++, ws = 1;
                    if (p >= end)
                        return 0;
                    if (*p == '>' || (*p == '/' && p + 1 < end && p[1] == '>'))
                        break;
                    const char *an = p;
                    while (p < end && name_char((unsigned char)*p, p == an))
                        p++;
                    if (!ws || p == an || p + 1 >= end || *p != '=' || (p[1] != '"' && p[1] != '\''))
                        return 0;
                    char q = p[1];
                    p += 2;
                    while (p < end && *p != q) {
                        if (*p == '<')
                            return 0;
                        if (*p == '&') {
                            size_t el = entity(p, end);
                            if (!el)
                                return 0;
                            p += el;
                        } else {
                            p++;
                        }
                    }
                    if (p >= end)
                        return 0;
                    p++;
                }
                if (depth == 0 && roots++ > 0)
                    return 0;
                if (*p == '/') {
                    s = p + 2;
                } else {
                    if (depth == 256)
                        return 0;
                    stack[depth] = nm;
                    stlen[depth++] = nl;
                    s = p + 1;
                }
            }
        } else if (*s == '&') {
            size_t el = entity(s, end);
            if (!el || depth == 0)
                return 0;
            s += el;
        } else {
            if (depth == 0 && !(*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r'))
                return 0;
            s++;
        }
    }
    return depth == 0 && roots == 1;
}

/* A strict JSON value at *p (RFC 8259); 1 when it parses. */
static int json_value(const char **p, const char *end, int depth);

static void json_ws(const char **p, const char *end)
{
    while (*p < end && (**p == ' ' || **p == '\n' || **p == '\t' || **p == '\r'))
        (*p)++;
}

static int json_string(const char **p, const char *end)
{
    const unsigned char *s = (const unsigned char *)*p;
    if (s >= (const unsigned char *)end || *s != '"')
        return 0;
    s++;
    while (s < (const unsigned char *)end && *s != '"') {
        if (*s < 0x20)
            return 0;
        if (*s == '\\') {
            s++;
            if (s >= (const unsigned char *)end)
                return 0;
            if (*s == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (s + i >= (const unsigned char *)end || !strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
                        return 0;
                s += 5;
            } else if (strchr("\"\\/bfnrt", *s) && *s) {
                s++;
            } else {
                return 0;
            }
        } else {
            size_t n;
            if (next_cp(s, (const unsigned char *)end, &n) < 0)
                return 0;
            s += n;
        }
    }
    if (s >= (const unsigned char *)end)
        return 0;
    *p = (const char *)s + 1;
    return 1;
}

static int json_value(const char **p, const char *end, int depth)
{
    json_ws(p, end);
    if (*p >= end || depth > 64)
        return 0;
    char c = **p;
    if (c == '"')
        return json_string(p, end);
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        (*p)++;
        json_ws(p, end);
        if (*p < end && **p == close) {
            (*p)++;
            return 1;
        }
        for (;;) {
            if (c == '{') {
                json_ws(p, end);
                if (!json_string(p, end))
                    return 0;
                json_ws(p, end);
                if (*p >= end || **p != ':')
                    return 0;
                (*p)++;
            }
            if (!json_value(p, end, depth + 1))
                return 0;
            json_ws(p, end);
            if (*p >= end)
                return 0;
            if (**p == close) {
                (*p)++;
                return 1;
            }
            if (**p != ',')
                return 0;
            (*p)++;
        }
    }
    static const char *const lit[] = { "true", "false", "null" };
    for (int i = 0; i < 3; i++)
        if ((size_t)(end - *p) >= strlen(lit[i]) && !strncmp(*p, lit[i], strlen(lit[i]))) {
            *p += strlen(lit[i]);
            return 1;
        }
    const char *s = *p;
    if (s < end && *s == '-')
        s++;
    if (s >= end || *s < '0' || *s > '9')
        return 0;
    if (*s == '0')
        s++;
    else
        while (s < end && *s >= '0' && *s <= '9')
            s++;
    if (s < end && *s == '.') {
        s++;
        if (s >= end || *s < '0' || *s > '9')
            return 0;
        while (s < end && *s >= '0' && *s <= '9')
            s++;
    }
    if (s < end && (*s == 'e' || *s == 'E')) {
        s++;
        if (s < end && (*s == '+' || *s == '-'))
            s++;
        if (s >= end || *s < '0' || *s > '9')
            return 0;
        while (s < end && *s >= '0' && *s <= '9')
            s++;
    }
    *p = s;
    return 1;
}

static int json_ok(const char *doc, size_t len)
{
    const char *p = doc, *end = doc + len;
    if (!json_value(&p, end, 0))
        return 0;
    json_ws(&p, end);
    return p == end;
}

/* No control character but newline, no C1 control, valid UTF-8. */
static int text_ok(const char *doc, size_t len)
{
    const unsigned char *s = (const unsigned char *)doc, *end = s + len;
    while (s < end) {
        size_t n;
        long c = next_cp(s, end, &n);
        if (c < 0 || (c < 0x20 && c != '\n') || c == 0x7F || (c >= 0x80 && c <= 0x9F))
            return 0;
        s += n;
    }
    return 1;
}

/* Is s[i] escaped: preceded by an odd run of backslashes? */
static int escaped(const char *line, size_t i)
{
    size_t k = 0;
    while (k < i && line[i - k - 1] == '\\')
        k++;
    return k % 2;
}

static int starts(const char *line, size_t n, const char *prefix)
{
    size_t p = strlen(prefix);
    return n >= p && memcmp(line, prefix, p) == 0;
}

/* The Markdown report: the text's properties, and what a trial's bytes
 * cannot change: every line starts as the writer starts it (a signature
 * cannot begin a line of its own), every table row has its header's number
 * of cells (no unescaped |), no raw HTML (< only in the autolink),
 * no code span or emphasis of the signature's making (` * _ escaped in
 * every line a signature reaches), no link ("](" with the ] unescaped). */
/* What markdown_ok found wrong. */
static const char *md_why = "";

static int markdown_ok(const char *doc, size_t len)
{
    static const char *const begin[] = { "### ", "|", "<https://example.invalid/fz>", "**", "Signatures of ",
                                         "Fisher's exact test", "Sequential stopping" };
    if (!text_ok(doc, len))
        return md_why = "a control character or invalid UTF-8", 0;
    int want = -1, prev_row = 0;
    for (const char *line = doc; line < doc + len;) {
        const char *nl = memchr(line, '\n', (size_t)(doc + len - line));
        size_t n = nl ? (size_t)(nl - line) : (size_t)(doc + len - line);
        int known = n == 0 || (line[0] >= '0' && line[0] <= '9');
        for (size_t b = 0; b < sizeof begin / sizeof begin[0] && !known; b++)
            known = starts(line, n, begin[b]);
        if (!known)
            return md_why = "a line the writer does not begin", 0;
        int autolink = starts(line, n, "<https://example.invalid/fz>");
        int reached = starts(line, n, "|") || starts(line, n, "### ") || starts(line, n, "Signatures of ");
        int pipes = 0;
        for (size_t i = 0; i < n; i++) {
            char c = line[i];
            if (c == '<' && !(autolink && i == 0))
                return md_why = "a < outside the issue's autolink", 0;
            if (c == '|' && !escaped(line, i))
                pipes++;
            if (reached && strchr("`*_", c) && !escaped(line, i))
                return md_why = "an unescaped ` * or _", 0;
            /* A link: "](" with that ] not escaped (the writer's own
             * brackets, the Wilson intervals, are no link). */
            if (c == ']' && i + 1 < n && line[i + 1] == '(' && !escaped(line, i))
                return md_why = "a link", 0;
        }
        if (line[0] == '|' && n) {
            if (!prev_row)
                want = pipes;
            else if (pipes != want)
                return md_why = "a table row with more or fewer cells than its header", 0;
        }
        prev_row = n && line[0] == '|';
        line += n + 1;
    }
    return 1;
}

int rl_fuzz_reports(const uint8_t *data, size_t size)
{
    static const char text[] =
        "name fz\nissue https://example.invalid/fz\ncommand x\ntrials 50\nvariant a a\nvariant b b\n"
        "signature /^fatal/\nexpect a crash /fatal/ rate >= 0.5\nexpect b no-crash upper <= 0.5\n";
    rl_spec_t spec;
    char err[256];
    if (rl_spec_parse("fz.repro", text, &spec, err, sizeof err) != 0)
        abort();
    rl_eval_t ev;
    if (rl_eval_init(&ev, &spec) != 0)
        abort();
    /* Each line of the input: one trial's signature (its first byte
     * picks variant and outcome), then, after a tab, the line as the
     * program printed it (shown beside the first trial when it differs). */
    char *buf = malloc(size + 1);
    if (!buf)
        abort();
    memcpy(buf, data, size);
    buf[size] = '\0';
    long index = 0;
    for (char *line = buf; line && index < 64; index++) {
        char *nl = memchr(line, '\n', (size_t)(buf + size - line));
        if (nl)
            *nl = '\0';
        rl_trial_t t;
        memset(&t, 0, sizeof t);
        t.spec = "fz";
        t.variant = (*line & 1) ? "b" : "a";
        t.index = index;
        t.outcome = (*line & 2) ? RL_OUTCOME_HANG : (*line & 4) ? RL_OUTCOME_PASS : RL_OUTCOME_CRASH;
        char *tab = strchr(line, '\t');
        if (tab)
            *tab = '\0';
        t.signature = t.outcome == RL_OUTCOME_PASS ? NULL : line;
        t.printed = t.signature && tab ? tab + 1 : NULL;
        rl_eval_add(&ev, &t);
        line = nl ? nl + 1 : NULL;
    }
    rl_eval_finish(&ev, 1, 1.5);
    const rl_summary_t *sums[1] = { &ev.summary };
    for (int k = 0; k < RL_REPORT_NWRITERS; k++) {
        const rl_report_writer_t *w = &rl_report_writers[k];
        char *out = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);
        if (!f || w->write(f, sums, 1) != 0 || fclose(f) != 0)
            abort();
        int ok = 1;
        if (!strcmp(w->name, "html") || !strcmp(w->name, "junit"))
            ok = xml_ok(out, len);
        else if (!strcmp(w->name, "json"))
            ok = json_ok(out, len);
        else if (!strcmp(w->name, "text"))
            ok = text_ok(out, len);
        else if (!strcmp(w->name, "markdown"))
            ok = markdown_ok(out, len);
        if (!ok) {
            fprintf(stderr, "fuzz-reports: the %s report is not well-formed%s%s:\n%.*s\n", w->name,
                    *md_why ? ": " : "", md_why, (int)len, out);
            abort();
        }
        free(out);
    }
    free(buf);
    rl_eval_free(&ev);
    rl_spec_free(&spec);
    return 0;
}
