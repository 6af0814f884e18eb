/* core/patterns.c - the built-in signature patterns and the compiled
 * classifier (see core/classify.h): every pattern is compiled here, once
 * per run, with the literal prefilter the capture scans for. */
#include "core/classify.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* In order: the first pattern with a matching line names the trial.  A Go
 * race report comes first: the race detector prints it when the race
 * happens, before whatever the race went on to break.  "^--- FAIL: " comes
 * last: Go's testing package prints it for every failed test, before the
 * panic that failed it, so it names only a failure nothing else explains
 * (a t.Errorf). */
const char *const rl_default_patterns[] = {
    "^WARNING: DATA RACE",
    "^fatal error: ",
    "^panic: ",
    "unexpected signal",
    "^SIG(SEGV|BUS|ABRT|ILL|FPE|TRAP|SYS)",
    "ERROR: AddressSanitizer",
    "runtime error:",
    "ThreadSanitizer",
    "LeakSanitizer",
    "ERROR: MemorySanitizer",
    "Assertion .*failed",
    "^--- FAIL: ",
    NULL,
};

/* memmem, which some C libraries (mingw's CRT) do not have. */
static const char *rl__memmem(const char *hs, size_t hn, const char *ns, size_t nn)
{
    if (nn == 0)
        return hs;
    while (hn >= nn) {
        const char *f = memchr(hs, ns[0], hn - nn + 1);
        if (!f)
            return NULL;
        if (memcmp(f, ns, nn) == 0)
            return f;
        hn -= (size_t)(f - hs) + 1;
        hs = f + 1;
    }
    return NULL;
}

/* A memchr for the literal's rarest byte runs at memory speed where memmem
 * would crawl along a short needle. */
const char *rl_pattern_find(const rl_pattern_t *q, const char *p, size_t n)
{
    if (q->key == q->litlen)
        return rl__memmem(p, n, q->lit, q->litlen);
    const char *end = p + n, *s = p + q->key;
    char k = q->lit[q->key];
    while (s < end) {
        const char *h = memchr(s, k, (size_t)(end - s));
        if (!h)
            return NULL;
        const char *start = h - q->key;
        if ((size_t)(end - start) < q->litlen)
            return NULL;
        if (memcmp(start, q->lit, q->litlen) == 0)
            return start;
        s = h + 1;
    }
    return NULL;
}

/* How common c is in program output, roughly: lower is rarer.  Letters,
 * digits and spaces fill logs; memchr for them finds too much. */
static int rl__commonness(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return 0;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' ' || c == '\t')
        return 3;
    if (strchr(":./-_=,()[]", c))
        return 1;
    return 0;
}

static void rl__pick_key(rl_pattern_t *q)
{
    int best = 3;
    q->key = q->litlen;
    for (size_t i = 0; i < q->litlen; i++) {
        int r = rl__commonness((unsigned char)q->lit[i]);
        if (r < best) {
            best = r;
            q->key = i;
        }
    }
}

/* Compiles pattern into a new slot at index at of the array *pats of *count.
 * 0, or -1 (err says why). */
static int rl__insert_in(rl_pattern_t **pats, int *count, int at, const char *pattern, char *err,
                         size_t errlen)
{
    rl_pattern_t q;
    memset(&q, 0, sizeof q);
    q.re = rl_regex_compile(pattern, err, errlen);
    if (q.re == NULL)
        return -1;
    size_t n = strlen(pattern) + 1;
    q.source = malloc(n);
    rl_pattern_t *np = realloc(*pats, ((size_t)*count + 1) * sizeof *np);
    if (np)
        *pats = np;
    if (q.source == NULL || np == NULL) {
        rl_regex_free(q.re);
        free(q.source);
        if (err && errlen)
            snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(q.source, pattern, n);
    q.litlen = rl_regex_literal(pattern, q.lit, sizeof q.lit);
    rl__pick_key(&q);
    memmove(&np[at + 1], &np[at], (size_t)(*count - at) * sizeof *np);
    np[at] = q;
    (*count)++;
    return 0;
}

static int rl__insert(rl_classifier_t *cl, int at, const char *pattern, char *err, size_t errlen)
{
    return rl__insert_in(&cl->patterns, &cl->npatterns, at, pattern, err, errlen);
}

int rl_classifier_ignore(rl_classifier_t *cl, const char *pattern, char *err, size_t errlen)
{
    return rl__insert_in(&cl->ignores, &cl->nignores, cl->nignores, pattern, err, errlen);
}

static void rl__free_patterns(rl_pattern_t *pats, int n)
{
    for (int i = 0; i < n; i++) {
        rl_regex_free(pats[i].re);
        free(pats[i].source);
    }
    free(pats);
}

int rl_classifier_init(rl_classifier_t *cl, double timeout_s)
{
    memset(cl, 0, sizeof *cl);
    cl->timeout_s = timeout_s;
    cl->hang_dump.sigquit_grace_s = RL_SIGQUIT_GRACE_DEFAULT_S;
    char err[128];
    for (int i = 0; rl_default_patterns[i]; i++)
        if (rl__insert(cl, cl->npatterns, rl_default_patterns[i], err, sizeof err) != 0)
            return -1;
    return 0;
}

int rl_classifier_add(rl_classifier_t *cl, const char *pattern, char *err, size_t errlen)
{
    if (rl__insert(cl, cl->nspec, pattern, err, errlen) != 0)
        return -1;
    cl->nspec++;
    return 0;
}

void rl_classifier_free(rl_classifier_t *cl)
{
    if (cl == NULL)
        return;
    rl__free_patterns(cl->patterns, cl->npatterns);
    rl__free_patterns(cl->ignores, cl->nignores);
    memset(cl, 0, sizeof *cl);
}
