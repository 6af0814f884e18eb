/* report/sweep.c - the sweep's text table, JSON and Markdown, and the
 * helpers its writers share.  The HTML page is report/sweep_html.c. */
#include "report/sweep.h"

#include <stdlib.h>
#include <string.h>

#include "util/fmt.h"
#include "report/writer.h"
#include "core/stats.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double rl_sweep_median_crash(const rl_trial_t *trials, size_t n, const char *variant)
{
    double *d = malloc((n ? n : 1) * sizeof *d);
    size_t k = 0;
    if (d == NULL)
        return -1.0;
    for (size_t i = 0; i < n; i++)
        if (trials[i].outcome == RL_OUTCOME_CRASH && trials[i].variant &&
            strcmp(trials[i].variant, variant) == 0)
            d[k++] = trials[i].duration_s;
    double m = -1.0;
    if (k > 0) {
        qsort(d, k, sizeof *d, cmp_double);
        m = k % 2 ? d[k / 2] : (d[k / 2 - 1] + d[k / 2]) / 2.0;
    }
    free(d);
    return m;
}

int rl_sweep_expect_of(const rl_summary_t *s, const char *variant)
{
    for (int x = 0; s && x < s->nresults; x++)
        if (s->results[x].expect && strcmp(s->results[x].expect->variant, variant) == 0)
            return x;
    return -1;
}

/* The tally of variant v at point p, NULL when the point did not run. */
static const rl_tally_t *tally(const rl_sweep_t *sw, int p, int v)
{
    const rl_summary_t *s = sw->points[p].summary;
    return s && v < s->ntallies ? &s->tallies[v] : NULL;
}

static const char *expect_word(const rl_sweep_t *sw, int p, int v)
{
    const rl_summary_t *s = sw->points[p].summary;
    int x = rl_sweep_expect_of(s, sw->variants[v]);
    return x < 0 ? "-" : rl_report_judgement(s->results[x].result);
}

void rl_sweep_failures(FILE *out, const rl_tally_t *t, int max, void (*esc)(FILE *, const char *))
{
    const rl_bucket_t **b = NULL;
    int n = rl_report_buckets(t, &b);
    if (n <= 0) {
        fputs(n == 0 ? "-" : "(out of memory)", out);
        return;
    }
    for (int i = 0; i < n && i < max; i++) {
        fprintf(out, "%s%ld\xC3\x97 ", i ? "; " : "", b[i]->count);
        esc(out, b[i]->signature);
    }
    if (n > max)
        fprintf(out, " (+%d more)", n - max);
    free(b);
}

static void fmt_secs(char *buf, size_t len, double s)
{
    if (s < 0)
        snprintf(buf, len, "-");
    else if (s < 10)
        snprintf(buf, len, "%.3f s", s);
    else
        snprintf(buf, len, "%.1f s", s);
}

int rl_sweep_text(FILE *out, const rl_sweep_t *sw)
{
    char conf[16];
    rl_report_conf(conf, sizeof conf, sw->confidence);
    fprintf(out, "sweep of %s over --%s (%d value%s)\n  %s\n", sw->spec_name, sw->knob, sw->npoints,
            sw->npoints == 1 ? "" : "s", sw->spec_issue ? sw->spec_issue : "");
    int kw = (int)strlen(sw->knob) + 2, vw = 7;
    for (int p = 0; p < sw->npoints; p++)
        if ((int)strlen(sw->points[p].value) > kw)
            kw = (int)strlen(sw->points[p].value);
    for (int v = 0; v < sw->nvariants; v++)
        if ((int)strlen(sw->variants[v]) > vw)
            vw = (int)strlen(sw->variants[v]);
    char head[64];
    snprintf(head, sizeof head, "--%s", sw->knob);
    fprintf(out, "  %-*s  %-*s  %6s  %6s  %7s  %-18s  %11s  %12s  %-11s  %s\n", kw, head, vw, "variant",
            "trials", "crash", "rate", conf, "first crash", "median crash", "expectation", "failures");
    for (int p = 0; p < sw->npoints; p++) {
        for (int v = 0; v < sw->nvariants; v++) {
            const rl_tally_t *t = tally(sw, p, v);
            const char *val = v == 0 ? sw->points[p].value : "";
            if (t == NULL) {
                fprintf(out, "  %-*s  %-*s  not run\n", kw, val, vw, sw->variants[v]);
                continue;
            }
            rl_report_rate_t r;
            rl_report_rate(&r, t, sw->confidence);
            char iv[40], fc[24], mc[24];
            snprintf(iv, sizeof iv, "[%s, %s]", r.lo, r.hi);
            fmt_secs(fc, sizeof fc, t->first_crash_index >= 0 ? t->first_crash_s : -1.0);
            fmt_secs(mc, sizeof mc, sw->points[p].median_crash_s ? sw->points[p].median_crash_s[v] : -1.0);
            fprintf(out, "  %-*s  %-*s  %6ld  %6ld  %7s  %-18s  %11s  %12s  %-11s  ", kw, val, vw,
                    sw->variants[v], t->n, r.crashes, r.rate, iv, fc, mc, expect_word(sw, p, v));
            rl_sweep_failures(out, t, RL_SWEEP_CELL_SIGNATURES, rl_report_term);
            fputc('\n', out);
        }
    }
    fputs("  first crash: seconds from the point's start until its first crashing trial ended;\n"
          "  median crash: median run time of the crashing trials (time to crash of one process);\n"
          "  failures: the trials that did not pass, by signature, most common first.\n",
          out);
    fprintf(out, "racelab: sweep %s: %d point%s in %.1fs; results in %s\n", sw->passed ? "PASS" : "FAIL",
            sw->npoints, sw->npoints == 1 ? "" : "s", sw->wall_s, sw->dir ? sw->dir : "-");
    return rl_report_status(out);
}

static void json_num(FILE *out, double v)
{
    if (v < 0)
        fputs("null", out);
    else
        fprintf(out, "%.6g", v);
}

int rl_sweep_json(FILE *out, const rl_sweep_t *sw)
{
    rl_report_json_field(out, "{\"racelab\":1,\"sweep\":{\"spec\":", sw->spec_name);
    rl_report_json_field(out, ",\"issue\":", sw->spec_issue);
    rl_report_json_field(out, ",\"knob\":", sw->knob);
    fprintf(out, ",\"confidence\":%g,\"passed\":%s,\"wall_s\":%.3f,\"dir\":", sw->confidence,
            sw->passed ? "true" : "false", sw->wall_s);
    rl_report_json_str(out, sw->dir);
    fputs(",\"points\":[", out);
    for (int p = 0; p < sw->npoints; p++) {
        const rl_sweep_point_t *pt = &sw->points[p];
        rl_report_json_field(out, p ? ",\n{\"value\":" : "\n{\"value\":", pt->value);
        rl_report_json_field(out, ",\"dir\":", pt->dir);
        fprintf(out, ",\"ran\":%s,\"passed\":%s,\"variants\":[", pt->summary ? "true" : "false",
                pt->summary && pt->summary->passed ? "true" : "false");
        for (int v = 0; v < sw->nvariants; v++) {
            const rl_tally_t *t = tally(sw, p, v);
            rl_report_json_field(out, v ? ",{\"name\":" : "{\"name\":", sw->variants[v]);
            if (t == NULL) {
                fputs("}", out);
                continue;
            }
            long k = t->outcomes[RL_OUTCOME_CRASH];
            rl_interval_t w = rl_wilson(k, t->n, sw->confidence);
            fprintf(out, ",\"trials\":%ld,\"outcomes\":{", t->n);
            for (int o = 0; o < RL_OUTCOME_COUNT; o++)
                fprintf(out, "%s\"%s\":%ld", o ? "," : "", rl_outcome_name((rl_outcome_t)o), t->outcomes[o]);
            fprintf(out, "},\"crashes\":%ld,\"crash_rate\":%.6g,\"wilson\":[%.6g,%.6g],\"upper_bound\":%.6g",
                    k, t->n ? (double)k / (double)t->n : 0.0, w.lo, w.hi,
                    rl_upper_bound(k, t->n, sw->confidence));
            fputs(",\"first_crash_s\":", out);
            json_num(out, t->first_crash_index >= 0 ? t->first_crash_s : -1.0);
            fputs(",\"median_crash_s\":", out);
            json_num(out, pt->median_crash_s ? pt->median_crash_s[v] : -1.0);
            int x = rl_sweep_expect_of(pt->summary, sw->variants[v]);
            rl_report_json_field(out, ",\"expectation\":",
                                 x < 0 ? NULL : rl_report_judgement(pt->summary->results[x].result));
            fputs(",\"signatures\":[", out);
            const rl_bucket_t **b = NULL;
            int nb = rl_report_buckets(t, &b);
            for (int i = 0; i < nb; i++) {
                rl_report_json_field(out, i ? ",{\"signature\":" : "{\"signature\":", b[i]->signature);
                fprintf(out, ",\"count\":%ld,\"first_trial\":%ld}", b[i]->count, b[i]->first_index);
            }
            free(b);
            fputs("]}", out);
        }
        fputs("]}", out);
    }
    fputs("\n]}}\n", out);
    return rl_report_status(out);
}

/* Markdown table cells cannot hold '|' or a newline. */
static void md_cell(FILE *out, const char *s)
{
    for (; s && *s; s++)
        if (*s == '|')
            fputs("\\|", out);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', out);
        else
            fputc(*s, out);
}

/* A signature in a Markdown cell: as code, so that '*' and '_' in it stay
 * literal (a backtick in it becomes a quote: code spans cannot hold one). */
static void md_code(FILE *out, const char *s)
{
    fputc('`', out);
    for (; s && *s; s++)
        if (*s == '`')
            fputc('\'', out);
        else if (*s == '|')
            fputs("\\|", out);
        else if ((unsigned char)*s < 0x20 || *s == 0x7f)
            fputc(' ', out);
        else
            fputc(*s, out);
    fputc('`', out);
}

int rl_sweep_markdown(FILE *out, const rl_sweep_t *sw)
{
    char conf[16];
    rl_report_conf(conf, sizeof conf, sw->confidence);
    fprintf(out, "### %s sweep of `", sw->passed ? "\xE2\x9C\x94" : "\xE2\x9C\x98");
    md_cell(out, sw->spec_name);
    fputs("` over `--", out);
    md_cell(out, sw->knob);
    fprintf(out, "`\n\n| --");
    md_cell(out, sw->knob);
    fprintf(out, " | variant | trials | crashes | rate | Wilson %s | first crash | median crash | expectation "
                 "| failures |\n|---|---|---:|---:|---:|---|---:|---:|---|---|\n", conf);
    for (int p = 0; p < sw->npoints; p++)
        for (int v = 0; v < sw->nvariants; v++) {
            const rl_tally_t *t = tally(sw, p, v);
            fputs("| ", out);
            md_cell(out, sw->points[p].value);
            fputs(" | ", out);
            md_cell(out, sw->variants[v]);
            if (t == NULL) {
                fputs(" | not run | | | | | | | |\n", out);
                continue;
            }
            rl_report_rate_t r;
            rl_report_rate(&r, t, sw->confidence);
            char fc[24], mc[24];
            fmt_secs(fc, sizeof fc, t->first_crash_index >= 0 ? t->first_crash_s : -1.0);
            fmt_secs(mc, sizeof mc, sw->points[p].median_crash_s ? sw->points[p].median_crash_s[v] : -1.0);
            fprintf(out, " | %ld | %ld | %s | [%s, %s] | %s | %s | %s | ", t->n, r.crashes, r.rate, r.lo, r.hi,
                    fc, mc, expect_word(sw, p, v));
            rl_sweep_failures(out, t, RL_SWEEP_CELL_SIGNATURES, md_code);
            fputs(" |\n", out);
        }
    fprintf(out, "\n%d point%s in %.1f s; results in `", sw->npoints, sw->npoints == 1 ? "" : "s", sw->wall_s);
    md_cell(out, sw->dir);
    fputs("`.\n", out);
    return rl_report_status(out);
}

int rl_sweep_write_file(const char *name, const char *path, const rl_sweep_t *sw)
{
    return rl_report_write_to(rl_report_writer(name), path, NULL, 0, sw);
}
