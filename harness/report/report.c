/* report/report.c - the writer table, the file wrapper and the helpers the
 * writers share. */
#include "report/report.h"

#include "report/sweep.h"
#include "report/writer.h"

#include <ctype.h>
#include <string.h>
#include "os/os.h"
#include "util/fmt.h"
#include "core/stats.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const rl_report_writer_t rl_report_writers[RL_REPORT_NWRITERS] = {
    { "json", "--json", rl_report_json, rl_sweep_json },
    { "junit", "--junit", rl_report_junit, NULL },
    { "markdown", "--markdown", rl_report_markdown, rl_sweep_markdown },
    { "html", "--html", rl_report_html, rl_sweep_html },
    { "text", NULL, rl_report_text, rl_sweep_text },
};

const rl_report_writer_t *rl_report_writer(const char *name)
{
    for (int i = 0; i < RL_REPORT_NWRITERS; i++)
        if (!strcmp(rl_report_writers[i].name, name))
            return &rl_report_writers[i];
    return NULL;
}

static int rl__emit(const rl_report_writer_t *w, FILE *out, const rl_summary_t *const *summaries, int n,
                    const rl_sweep_t *sw)
{
    return sw ? w->write_sweep(out, sw) : w->write(out, summaries, n);
}

int rl_report_write_to(const rl_report_writer_t *w, const char *path, const rl_summary_t *const *summaries,
                       int n, const rl_sweep_t *sw)
{
    if (w == NULL || (sw && w->write_sweep == NULL)) {
        errno = EINVAL;
        return -1;
    }
    /* Through a temporary file renamed into place: a kill in the middle
     * leaves the previous report whole.  "wb": the same bytes on every OS,
     * so reports compare equal. */
    rl_out_t o;
    if (rl_out_open(&o, path) != 0)
        return -1;
    int rc = rl__emit(w, o.f, summaries, n, sw);
    if (rc != 0) {
        int saved = errno;
        rl_out_abort(&o);
        errno = saved;
        return -1;
    }
    return rl_out_commit(&o);
}

int rl_report_write_file(const char *name, const char *path, const rl_summary_t *const *summaries, int n)
{
    return rl_report_write_to(rl_report_writer(name), path, summaries, n, NULL);
}

static int by_count(const void *x, const void *y)
{
    const rl_bucket_t *a = *(const rl_bucket_t *const *)x, *b = *(const rl_bucket_t *const *)y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return strcmp(a->signature, b->signature);
}

int rl_report_buckets(const rl_tally_t *t, const rl_bucket_t ***out)
{
    *out = NULL;
    if (t->nbuckets == 0)
        return 0;
    const rl_bucket_t **v = malloc((size_t)t->nbuckets * sizeof *v);
    if (v == NULL)
        return -1;
    for (int i = 0; i < t->nbuckets; i++)
        v[i] = &t->buckets[i];
    qsort(v, (size_t)t->nbuckets, sizeof *v, by_count);
    *out = v;
    return t->nbuckets;
}

const char *rl_report_printed(const rl_bucket_t *b)
{
    if (b->first_printed == NULL || strcmp(b->first_printed, b->signature) == 0)
        return NULL;
    return b->first_printed;
}

const char *rl_report_judgement(rl_judgement_t j)
{
    return j == RL_JUDGE_HOLDS ? "holds" : j == RL_JUDGE_FAILS ? "fails" : "undecided";
}

char *rl_report_conf(char *buf, size_t len, double confidence)
{
    snprintf(buf, len, "%g%%", confidence * 100.0);
    return buf;
}

long rl_report_ran(const rl_tally_t *t)
{
    return t->n - t->outcomes[RL_OUTCOME_ERROR];
}

const char *rl_report_mark(rl_judgement_t j)
{
    return j == RL_JUDGE_HOLDS ? "\xE2\x9C\x94" : j == RL_JUDGE_FAILS ? "\xE2\x9C\x98" : "?";
}

const char *rl_report_why(const rl_expect_result_t *r)
{
    return r->why[0] ? r->why : "undecided";
}

const char *rl_report_verdict(const rl_summary_t *s)
{
    return s->passed ? "passed" : s->undecided ? "UNDECIDED" : "FAILED";
}

const char *rl_report_errors(char *buf, size_t len, const rl_summary_t *s)
{
    buf[0] = '\0';
    if (s->errors > 0)
        snprintf(buf, len, "%ld trial%s could not run (setup or infrastructure errors, see their "
                 "signatures): counted in no rate.", s->errors, s->errors == 1 ? "" : "s");
    return buf;
}

/* A word for a POSIX shell: as it is when it holds only safe bytes,
 * else in single quotes (a ' as '\''). */
static void rl__shell_word(char *buf, size_t len, const char *w)
{
    size_t o = 0;
    int safe = *w != '\0';
    for (const char *p = w; *p; p++)
        safe = safe && (isalnum((unsigned char)*p) || strchr("_./-+:@%,=", *p));
    if (safe) {
        snprintf(buf, len, "%s", w);
        return;
    }
    if (o + 1 < len)
        buf[o++] = '\'';
    for (const char *p = w; *p && o + 5 < len; p++) {
        if (*p == '\'') {
            memcpy(buf + o, "'\\''", 4);
            o += 4;
        } else {
            buf[o++] = *p;
        }
    }
    if (o + 1 < len)
        buf[o++] = '\'';
    buf[o < len ? o : len - 1] = '\0';
}

const char *rl_report_replay(char *buf, size_t len, const rl_summary_t *s, const rl_bucket_t *b)
{
    buf[0] = '\0';
    if (!s->results_dir || !b)
        return buf;
    char dir[600], name[300];
    rl__shell_word(dir, sizeof dir, s->results_dir);
    if (s->spec->nexpects == 0) {
        snprintf(buf, len, "racelab replay %s %ld", dir, b->first_index);
    } else {
        rl__shell_word(name, sizeof name, s->spec->name);
        snprintf(buf, len, "racelab replay --spec %s %s %ld", name, dir, b->first_index);
    }
    return buf;
}

const char *rl_report_where(char *buf, size_t len, const rl_summary_t *s)
{
    buf[0] = '\0';
    if (s->has_seed && s->results_dir)
        snprintf(buf, len, "base seed %llu; results in %s", s->base_seed, s->results_dir);
    else if (s->has_seed)
        snprintf(buf, len, "base seed %llu", s->base_seed);
    else if (s->results_dir)
        snprintf(buf, len, "results in %s", s->results_dir);
    return buf;
}

const char *rl_report_co_load(const rl_summary_t *s)
{
    return s->co_load && *s->co_load ? s->co_load : "none";
}

void rl_report_rate(rl_report_rate_t *r, const rl_tally_t *t, double confidence)
{
    long n = rl_report_ran(t);
    r->crashes = t->outcomes[RL_OUTCOME_CRASH];
    r->wilson = rl_wilson(r->crashes, n, confidence);
    rl_fmt_pct(r->rate, sizeof r->rate, n ? (double)r->crashes / (double)n : 0.0);
    rl_fmt_pct(r->lo, sizeof r->lo, r->wilson.lo);
    rl_fmt_pct(r->hi, sizeof r->hi, r->wilson.hi);
}

long rl_report_trials(const rl_summary_t *s)
{
    long n = 0;
    for (int i = 0; i < s->ntallies; i++)
        n += s->tallies[i].n;
    return n;
}

void rl_report_closing(FILE *out, const rl_summary_t *s, void (*esc)(FILE *, const char *), const char *gt)
{
    if (s->fisher_p >= 0.0 && s->fisher_a && s->fisher_b) {
        fputs("Fisher's exact test (", out);
        esc(out, s->fisher_a);
        fputs(gt, out);
        esc(out, s->fisher_b);
        fprintf(out, "): one-sided p = %.3g. ", s->fisher_p);
    }
    long ran = rl_report_trials(s);
    if (s->sequential && s->fixed_n_plan > ran)
        fprintf(out, "Sequential stopping ran %ld of the fixed-N plan's %ld trials. ", ran, s->fixed_n_plan);
    else
        fprintf(out, "%ld trials. ", ran);
    fprintf(out, "Wall time %.1f s. Co-load: ", s->wall_s);
    esc(out, rl_report_co_load(s));
    fputc('.', out);
}

void rl_report_xml(FILE *out, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    while (*s) {
        unsigned c = *s;
        size_t n = rl_utf8_len(s);
        if (c == '&')
            fputs("&amp;", out);
        else if (c == '<')
            fputs("&lt;", out);
        else if (c == '>')
            fputs("&gt;", out);
        else if (c == '"')
            fputs("&quot;", out);
        else if (c == '\'')
            fputs("&apos;", out);
        else if (c == '\n' || c == '\t' || c == '\r')
            fprintf(out, "&#%u;", c); /* kept even inside attributes */
        else if (c < 0x20 || c == 0x7F || n == 0)
            fprintf(out, "\\x%02X", c);
        else if ((n == 2 && c == 0xC2 && s[1] < 0xA0) ||
                 (n == 3 && c == 0xEF && s[1] == 0xBF && s[2] >= 0xBE)) {
            /* C1 controls, and U+FFFE/U+FFFF, which XML 1.0 does not allow:
             * shown as their code point. */
            fprintf(out, "\\u%04X", n == 2 ? (unsigned)s[1] : s[2] == 0xBE ? 0xFFFEu : 0xFFFFu);
            s += n;
            continue;
        } else {
            fwrite(s, 1, n, out);
            s += n;
            continue;
        }
        s++;
    }
}

void rl_report_term(FILE *out, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    while (*s) {
        unsigned c = *s;
        size_t n = rl_utf8_len(s);
        if (c < 0x20 || c == 0x7F || n == 0) {
            fprintf(out, "\\x%02X", c);
            s++;
        } else if (n == 2 && c == 0xC2 && s[1] < 0xA0) {
            fprintf(out, "\\u%04X", (unsigned)s[1]);
            s += 2;
        } else {
            fwrite(s, 1, n, out);
            s += n;
        }
    }
}

void rl_report_json_str(FILE *out, const char *str)
{
    if (str == NULL) {
        fputs("null", out);
        return;
    }
    const unsigned char *s = (const unsigned char *)str;
    fputc('"', out);
    while (*s) {
        char buf[8];
        size_t in, n;
        const char *e = rl_json_escape_next(s, buf, &in, &n);
        fwrite(e, 1, n, out);
        s += in;
    }
    fputc('"', out);
}

void rl_report_json_field(FILE *out, const char *head, const char *s)
{
    fputs(head, out);
    rl_report_json_str(out, s);
}

int rl_report_status(FILE *out)
{
    if (ferror(out)) {
        if (errno == 0)
            errno = EIO;
        return -1;
    }
    return 0;
}
