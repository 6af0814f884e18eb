/* core/classify.c - outcome and signature of a finished trial. */
#include "core/classify.h"
#include "util/regex.h"
#include "util/str.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RL__SIG_MAX 200
#define RL__LINE_MAX 4096

static int rl__word_before(const char *s, size_t i, const char *w)
{
    size_t n = strlen(w);
    if (i < n)
        return 0;
    if (strncmp(s + i - n, w, n) != 0)
        return 0;
    return i == n || !isalnum((unsigned char)s[i - n - 1]);
}

/* The length of the unit of a Go duration component at s[0..n) ("h", "m",
 * "s", "ms", "us", "µs" in either of its two code points, "ns"), or 0;
 * *ends_s is set when the unit ends in 's' (a duration's last unit does:
 * time.Duration's String never ends in "h" or "m"). */
static size_t rl__go_unit(const char *s, size_t n, int *ends_s)
{
    static const char *const units[] = { "ms", "us", "\xc2\xb5s", "\xce\xbcs", "ns", "h", "m", "s", NULL };
    for (int k = 0; units[k]; k++) {
        size_t u = strlen(units[k]);
        if (u <= n && memcmp(s, units[k], u) == 0) {
            *ends_s = units[k][u - 1] == 's';
            return u;
        }
    }
    return 0;
}

/* The length of the Go duration (time.Duration's String: "0.03s", "10m0s",
 * "1h2m3.5s", "250ms", "1.5µs", "3ns") at s[0..n), not followed by a
 * letter or digit, or 0. */
static size_t rl__go_duration(const char *s, size_t n)
{
    size_t i = 0;
    int ends_s = 0;
    while (i < n && isdigit((unsigned char)s[i])) {
        while (i < n && isdigit((unsigned char)s[i]))
            i++;
        if (i + 1 < n && s[i] == '.' && isdigit((unsigned char)s[i + 1])) {
            i++;
            while (i < n && isdigit((unsigned char)s[i]))
                i++;
        }
        size_t u = rl__go_unit(s + i, n - i, &ends_s);
        if (u == 0)
            return 0;
        i += u;
    }
    if (!ends_s || (i < n && isalnum((unsigned char)s[i])))
        return 0;
    return i;
}

char *rl_signature_normalise(const char *line, size_t len)
{
    static const char *const idwords[] = { "pid", "tid", "thread", "goroutine",
                                           "m", "M", "P", "id", "length", "capacity", NULL };
    int in_brackets = 0;   /* inside "[...]": an index or a slice bound */
    char *out = malloc(len * 2 + 4);
    if (!out)
        return NULL;
    size_t o = 0, i = 0;
    while (i < len && isspace((unsigned char)line[i]))
        i++;
    while (len > i && isspace((unsigned char)line[len - 1]))
        len--;
    while (i < len) {
        unsigned char c = (unsigned char)line[i];
        if (isspace(c)) {
            out[o++] = ' ';
            while (i < len && isspace((unsigned char)line[i]))
                i++;
            continue;
        }
        if (c == '0' && i + 2 < len && (line[i + 1] == 'x' || line[i + 1] == 'X') &&
            isxdigit((unsigned char)line[i + 2]) &&
            (i == 0 || !isalnum((unsigned char)line[i - 1]))) {
            out[o++] = '0';
            out[o++] = 'x';
            out[o++] = '?';
            i += 2;
            while (i < len && isxdigit((unsigned char)line[i]))
                i++;
            continue;
        }
        if (isdigit(c) && (i == 0 || !isalnum((unsigned char)line[i - 1]))) {
            /* "go1.19s" is no duration: one starts with its first digit */
            size_t d = i > 0 && line[i - 1] == '.' ? 0 : rl__go_duration(line + i, len - i);
            if (d) {
                out[o++] = '?';
                out[o++] = 's';
                i += d;
                continue;
            }
            size_t j = i;
            while (j < len && isdigit((unsigned char)line[j]))
                j++;
            /* sanitizers print "==PID==" before their reports */
            int volatile_num = j - i >= 5 || (i >= 2 && line[i - 1] == '=' && line[i - 2] == '=');
            /* Go's "index out of range [5]", "slice bounds out of range [:5]",
             * "[3:7]", "[-1]" */
            if (i > 0 && (line[i - 1] == '[' || (in_brackets && line[i - 1] == ':')))
                volatile_num = 1;
            if (j < len && line[j] == ']')
                volatile_num = 1;
            if (!volatile_num && i > 0 && strchr("=:# ", line[i - 1])) {
                size_t w = i - 1;   /* the word ends right before the separator */
                for (int k = 0; idwords[k] && !volatile_num; k++)
                    volatile_num = rl__word_before(line, w, idwords[k]);
            }
            if (volatile_num) {
                out[o++] = 'N';
                i = j;
                continue;
            }
            memcpy(out + o, line + i, j - i);
            o += j - i;
            i = j;
            continue;
        }
        if (c == '[')
            in_brackets = 1;
        else if (c == ']')
            in_brackets = 0;
        out[o++] = (char)c;
        i++;
    }
    if (o > RL__SIG_MAX)
        o = RL__SIG_MAX;
    out[o] = '\0';
    return out;
}

/* 1 when line matches one of cl's ignore patterns. */
static int rl__ignored(const rl_classifier_t *cl, const char *line)
{
    for (int i = 0; i < cl->nignores; i++)
        if (rl_regex_search(cl->ignores[i].re, line) == 1)
            return 1;
    return 0;
}

/* First line of out[0..len) matching q and no ignore pattern of cl; its
 * bounds in *ls, *ll.  Only the lines holding q's literal are run through
 * the regex. */
static int rl__find_line(const rl_classifier_t *cl, const rl_pattern_t *q, const char *out, size_t len,
                         const char **ls, size_t *ll)
{
    char line[RL__LINE_MAX];
    size_t i = 0;
    while (i < len) {
        if (q->litlen) {
            const char *hit = rl_pattern_find(q, out + i, len - i);
            if (!hit)
                return 0;
            size_t h = (size_t)(hit - out);
            while (h > i && out[h - 1] != '\n')
                h--;
            i = h;      /* the start of the line holding it */
        }
        const char *nl = memchr(out + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (out + i)) : len - i;
        size_t k = n < sizeof line - 1 ? n : sizeof line - 1;
        memcpy(line, out + i, k);
        line[k] = '\0';
        /* Embedded NULs end the line early for regexec; that is acceptable. */
        if (k && line[k - 1] == '\r')
            line[k - 1] = '\0';
        if (rl_regex_search(q->re, line) == 1 && !rl__ignored(cl, line)) {
            *ls = out + i;
            *ll = k;
            return 1;
        }
        i += n + 1;
    }
    return 0;
}

/* line[0..len) as printed: white space around it trimmed, at most
 * RL_PRINTED_MAX bytes (malloc'd; NULL when out of memory). */
static char *rl__printed(const char *line, size_t len)
{
    while (len && isspace((unsigned char)*line))
        line++, len--;
    while (len && isspace((unsigned char)line[len - 1]))
        len--;
    if (len > RL_PRINTED_MAX)
        len = RL_PRINTED_MAX;
    char *p = malloc(len + 1);
    if (p) {
        memcpy(p, line, len);
        p[len] = '\0';
    }
    return p;
}

/* The signature from the first of cl's patterns [0..npats) that has a
 * matching line; that line as printed in *printed (when printed is not
 * NULL; NULL when no line matched). */
static char *rl__match(const rl_classifier_t *cl, int npats, const char *out, size_t len, char **printed)
{
    for (int p = 0; p < npats; p++) {
        const char *ls;
        size_t ll;
        if (rl__find_line(cl, &cl->patterns[p], out, len, &ls, &ll)) {
            if (printed)
                *printed = rl__printed(ls, ll);
            return rl_signature_normalise(ls, ll);
        }
    }
    return NULL;
}

/* The output to search, with the lines the capture kept from the omitted
 * middle put back between head and tail, so that "the first matching line"
 * means the same as on the whole output.  *merged is what to free. */
static const char *rl__searchable_output(const rl_proc_result_t *res, size_t *len, char **merged)
{
    const char *out = res->output ? res->output : "";
    *len = res->output ? res->output_len : 0;
    *merged = NULL;
    if (res->signature_lines && res->signature_lines_len && res->output_head_len <= *len) {
        size_t h = res->output_head_len, s = res->signature_lines_len, n = *len;
        char *m = malloc(n + s + 2);
        if (m) {
            size_t o = h;
            memcpy(m, out, h);
            if (h && out[h - 1] != '\n')
                m[o++] = '\n';
            memcpy(m + o, res->signature_lines, s);
            o += s;
            memcpy(m + o, out + h, n - h);
            o += n - h;
            m[o] = '\0';
            *merged = m;
            *len = o;
            return m;
        }
    }
    return out;
}

/* "did not start: <reason>" from the last marker line of a wrapper that
 * exited RL_NOT_STARTED_STATUS, or NULL. */
static char *rl__not_started(const rl_proc_result_t *res)
{
    static const char mark[] = RL_NOT_STARTED_MARKER;
    const size_t ml = sizeof mark - 1;
    if (res->exit_status != RL_NOT_STARTED_STATUS || res->term_signal || res->exception || !res->output)
        return NULL;
    const char *out = res->output, *found = NULL;
    size_t len = res->output_len, flen = 0;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(out + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (out + i)) : len - i;
        if (n >= ml && memcmp(out + i, mark, ml) == 0) {
            found = out + i + ml;
            flen = n - ml;
        }
        i += n + 1;
    }
    if (!found)
        return NULL;
    char *reason = rl_signature_normalise(found, flen);
    if (!reason)
        return NULL;
    char buf[320];
    snprintf(buf, sizeof buf, "did not start: %s", *reason ? reason : "(no reason given)");
    free(reason);
    return rl_strdup(buf);
}

rl_outcome_t rl_classify(const rl_proc_result_t *res, const rl_classifier_t *cl, char **signature)
{
    return rl_classify_printed(res, cl, signature, NULL);
}

rl_outcome_t rl_classify_printed(const rl_proc_result_t *res, const rl_classifier_t *cl, char **signature,
                                 char **printed)
{
    char buf[320];
    *signature = NULL;
    if (printed)
        *printed = NULL;
    if (!res->started) {
        snprintf(buf, sizeof buf, "could not start: %s", res->errmsg);
        *signature = rl_strdup(buf);
        return RL_OUTCOME_ERROR;
    }
    size_t len;
    char *merged;
    const char *out;
    if (res->timed_out && res->stopped[0]) {
        /* A stopped program did not hang: it could not run on.  Like a
         * trial that never started, it is no evidence either way. */
        snprintf(buf, sizeof buf, "stopped from outside: %s", res->stopped);
        *signature = rl_strdup(buf);
        return RL_OUTCOME_ERROR;
    }
    if (res->timed_out) {
        /* Only the spec's own patterns: a built-in one such as "panic:" is
         * too loose to turn a hang into a crash. */
        char *sig = NULL;
        if (cl->hang_after_signature_is_crash && cl->nspec > 0) {
            out = rl__searchable_output(res, &len, &merged);
            sig = rl__match(cl, cl->nspec, out, len, printed);
            free(merged);
        }
        if (sig) {
            /* The mark is kept whole; the line gives way, so that the
             * signature stays within RL__SIG_MAX bytes like any other. */
            static const char mark[] = " (then hung)";
            int keep = RL__SIG_MAX - (int)(sizeof mark - 1);
            snprintf(buf, sizeof buf, "%.*s%s", keep, sig, mark);
            free(sig);
            *signature = rl_strdup(buf);
            return RL_OUTCOME_CRASH;
        }
        snprintf(buf, sizeof buf, "timeout after %gs", cl->timeout_s);
        *signature = rl_strdup(buf);
        return RL_OUTCOME_HANG;
    }
    if (res->exit_status == 0 && res->term_signal == 0 && res->exception == 0)
        return RL_OUTCOME_PASS;
    if ((*signature = rl__not_started(res)) != NULL)
        return RL_OUTCOME_ERROR;
    out = rl__searchable_output(res, &len, &merged);
    /* The spec's patterns come first in cl->patterns, then the built-in
     * ones: the first pattern with a matching line wins. */
    char *sig = rl__match(cl, cl->npatterns, out, len, printed);
    free(merged);
    if (!sig) {
        char nb[48];
        if (res->term_signal)
            snprintf(buf, sizeof buf, "signal %s", rl_signal_name(res->term_signal, nb, sizeof nb));
        else if (res->exception)
            snprintf(buf, sizeof buf, "%s", rl_exception_name(res->exception, nb, sizeof nb));
        else
            snprintf(buf, sizeof buf, "exit status %d", res->exit_status);
        sig = rl_strdup(buf);
    }
    *signature = sig;
    return RL_OUTCOME_CRASH;
}
