/* run/capture.c - head + tail + the middle's candidate signature lines.
 *
 * The scan of the middle must stay cheap on a gigabyte flood: a pattern is
 * only run (a Pike VM, per byte) on a line that holds its required
 * literal, found over whole chunks (rl_pattern_find); once a pattern has
 * its first line it is no longer searched at all. */
#include "run/capture.h"
#include "core/classify.h"

#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#define RL__DEFAULT_CAPTURE (64 * 1024)

int rl_capture_init(rl_capture_t *c, size_t limit, const rl_classifier_t *cl)
{
    memset(c, 0, sizeof *c);
    if (limit == 0)
        limit = RL__DEFAULT_CAPTURE;
    c->head_cap = limit / 2;
    c->tail_cap = limit - c->head_cap;
    c->head = malloc(c->head_cap + 1);
    c->tail = malloc(c->tail_cap + 1);
    c->carry = malloc(RL_CAPTURE_LINE_MAX);
    int n = cl ? cl->npatterns : 0;
    c->pats = calloc((size_t)n + 1, sizeof *c->pats);
    if (!c->head || !c->tail || !c->carry || !c->pats)
        return -1;
    for (int i = 0; i < n; i++)
        c->pats[i].pat = &cl->patterns[i];
    c->npats = c->nactive = n;
    return 0;
}

/* Cuts a line the way rl_classify will (its first 4095 bytes, a final
 * '\r' ignored) into line; returns the bytes kept. */
static size_t rl__cut(char *line, const char *s, size_t n)
{
    size_t k = n < RL_CAPTURE_LINE_MAX - 1 ? n : RL_CAPTURE_LINE_MAX - 1;
    memcpy(line, s, k);
    line[k] = '\0';
    if (k && line[k - 1] == '\r')
        line[k - 1] = '\0';
    return k;
}

/* Keeps s (k bytes, at stream offset off) as q's line when it matches. */
static void rl__try(rl_capture_t *c, rl_capture_pat_t *q, const char *line, size_t k,
                    const char *s, size_t off)
{
    if (q->pat->litlen && !rl_pattern_find(q->pat, line, k))
        return;
    if (rl_regex_search(q->pat->re, line) != 1)
        return;
    q->line = malloc(k + 1);
    if (!q->line)
        return;     /* out of memory: it just is not kept */
    memcpy(q->line, s, k);
    q->line[k] = '\n';
    q->line_len = k + 1;
    q->line_off = off;
    q->done = 1;
    c->nactive--;
}

/* Tests one whole line against every pattern still looking. */
static void rl__test_line(rl_capture_t *c, const char *s, size_t n, size_t off)
{
    char line[RL_CAPTURE_LINE_MAX];
    size_t k = rl__cut(line, s, n);
    for (int i = 0; i < c->npats; i++)
        if (!c->pats[i].done)
            rl__try(c, &c->pats[i], line, k, s, off);
}

/* The complete lines p[0..n) (each ending in '\n'), at stream offset off:
 * per pattern, rl_pattern_find finds the lines worth running it on. */
static void rl__scan_lines(rl_capture_t *c, const char *p, size_t n, size_t off)
{
    char line[RL_CAPTURE_LINE_MAX];
    for (int i = 0; i < c->npats && c->nactive > 0; i++) {
        rl_capture_pat_t *q = &c->pats[i];
        size_t pos = 0;
        while (!q->done && pos < n) {
            const char *ls, *le;
            if (q->pat->litlen) {
                const char *hit = rl_pattern_find(q->pat, p + pos, n - pos);
                if (!hit)
                    break;
                ls = hit;
                while (ls > p + pos && ls[-1] != '\n')
                    ls--;
                le = memchr(hit, '\n', n - (size_t)(hit - p));
            } else {
                ls = p + pos;
                le = memchr(ls, '\n', n - pos);
            }
            if (!le)
                break;       /* cannot happen: p ends in '\n' */
            size_t k = rl__cut(line, ls, (size_t)(le - ls));
            rl__try(c, q, line, k, ls, off + (size_t)(ls - p));
            pos = (size_t)(le - p) + 1;
        }
    }
}

static void rl__carry(rl_capture_t *c, const char *p, size_t n)
{
    size_t room = RL_CAPTURE_LINE_MAX - c->carry_len;
    size_t k = n < room ? n : room;
    memcpy(c->carry + c->carry_len, p, k);
    c->carry_len += k;
}

/* Feeds the candidate scan; off is the stream offset of p[0].  A line is
 * a candidate when its '\n' lies past the head. */
static void rl__scan(rl_capture_t *c, const char *p, size_t n, size_t off)
{
    const char *nl = memchr(p, '\n', n);
    if (!nl) {
        rl__carry(c, p, n);
        return;
    }
    size_t first = (size_t)(nl - p);
    rl__carry(c, p, first);
    if (off + first >= c->head_cap)
        rl__test_line(c, c->carry, c->carry_len, c->carry_off);
    size_t i = first + 1, end = n;
    while (end > i && p[end - 1] != '\n')
        end--;
    if (end > i && off + end - 1 >= c->head_cap) {
        size_t rs = i;
        if (off + i < c->head_cap) {
            /* start at the line holding the first byte past the head */
            size_t h = c->head_cap - off;
            rs = h;
            while (rs > i && p[rs - 1] != '\n')
                rs--;
        }
        rl__scan_lines(c, p + rs, end - rs, off + rs);
    }
    c->carry_len = 0;
    c->carry_off = off + end;
    rl__carry(c, p + end, n - end);
}

void rl_capture_add(rl_capture_t *c, const char *p, size_t n)
{
    if (c->nactive > 0 && n > 0)
        rl__scan(c, p, n, c->total);
    c->total += n;
    size_t h = c->head_cap - c->head_len;
    if (h > n)
        h = n;
    memcpy(c->head + c->head_len, p, h);
    c->head_len += h;
    p += h;
    n -= h;
    if (n == 0 || c->tail_cap == 0)
        return;
    if (n > c->tail_cap) {          /* only the last tail_cap bytes matter */
        p += n - c->tail_cap;
        n = c->tail_cap;
    }
    while (n > 0) {
        size_t room = c->tail_cap - c->tail_pos;
        size_t k = n < room ? n : room;
        memcpy(c->tail + c->tail_pos, p, k);
        c->tail_pos = (c->tail_pos + k) % c->tail_cap;
        p += k;
        n -= k;
    }
}

static int rl__by_offset(const void *a, const void *b)
{
    const rl_capture_pat_t *x = *(rl_capture_pat_t *const *)a;
    const rl_capture_pat_t *y = *(rl_capture_pat_t *const *)b;
    return x->line_off < y->line_off ? -1 : x->line_off > y->line_off;
}

/* The kept lines in output order, each once. */
static char *rl__sig_lines(rl_capture_t *c, size_t *len)
{
    *len = 0;
    rl_capture_pat_t **v = malloc(((size_t)c->npats + 1) * sizeof *v);
    if (!v)
        return NULL;
    size_t nv = 0, total = 0;
    for (int i = 0; i < c->npats; i++)
        if (c->pats[i].done) {
            v[nv++] = &c->pats[i];
            total += c->pats[i].line_len;
        }
    char *s = NULL;
    if (nv > 0 && (s = malloc(total + 1)) != NULL) {
        qsort(v, nv, sizeof *v, rl__by_offset);
        for (size_t i = 0; i < nv; i++) {
            if (i > 0 && v[i]->line_off == v[i - 1]->line_off)
                continue;
            memcpy(s + *len, v[i]->line, v[i]->line_len);
            *len += v[i]->line_len;
        }
        s[*len] = '\0';
    }
    free(v);
    return s;
}

int rl_capture_finish(rl_capture_t *c, char **out_p, size_t *len, size_t *head_len,
                      char **sig_lines, size_t *sig_len)
{
    *out_p = *sig_lines = NULL;
    *len = *head_len = *sig_len = 0;
    if (c->nactive > 0 && c->carry_len > 0 && c->total > c->head_cap)
        rl__test_line(c, c->carry, c->carry_len, c->carry_off);   /* no final '\n' */
    size_t tail_bytes = c->total - c->head_len;
    size_t kept_tail = tail_bytes < c->tail_cap ? tail_bytes : c->tail_cap;
    size_t omitted = tail_bytes - kept_tail;
    char marker[96] = "";
    if (omitted)
        snprintf(marker, sizeof marker, "%s[racelab: %zu bytes omitted]\n",
                 c->head_len && c->head[c->head_len - 1] != '\n' ? "\n" : "", omitted);
    size_t mlen = strlen(marker);
    char *out = malloc(c->head_len + mlen + kept_tail + 1);
    if (!out)
        return -1;
    memcpy(out, c->head, c->head_len);
    memcpy(out + c->head_len, marker, mlen);
    char *t = out + c->head_len + mlen;
    if (tail_bytes <= c->tail_cap) {
        memcpy(t, c->tail, kept_tail);    /* the ring never wrapped */
    } else {
        size_t first = c->tail_cap - c->tail_pos;
        memcpy(t, c->tail + c->tail_pos, first);
        memcpy(t + first, c->tail, c->tail_pos);
    }
    *len = c->head_len + mlen + kept_tail;
    out[*len] = '\0';
    *out_p = out;
    *head_len = c->head_len;
    if (omitted)
        *sig_lines = rl__sig_lines(c, sig_len);
    return 0;
}

void rl_capture_free(rl_capture_t *c)
{
    free(c->head);
    free(c->tail);
    free(c->carry);
    for (int i = 0; i < c->npats; i++)
        free(c->pats[i].line);
    free(c->pats);
    memset(c, 0, sizeof *c);
}
