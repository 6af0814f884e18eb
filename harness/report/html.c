/* report/html.c - one self-contained page (no scripts, fonts or images
 * from elsewhere): per spec a chart of each variant's crash rate with its
 * Wilson interval as an error bar, the outcome breakdown as stacked bars,
 * and the expectations. */
#include "report/writer.h"

#include <stdlib.h>

#define CHART_W 640
#define LABEL_W 120
#define PLOT_W 480
#define ROW_H 28

static const char *const outcome_colour[RL_OUTCOME_COUNT] = {
    "#4caf50", "#e53935", "#fb8c00", "#757575",
};

static const char *vname(const rl_summary_t *s, int i)
{
    return i < s->spec->nvariants ? s->spec->variants[i].name : s->tallies[i].variant;
}

/* The axis from 0 to top (a fraction: 1 is 100%), four steps. */
static void axis(FILE *out, int y, int h, double top)
{
    for (int k = 0; k <= 4; k++) {
        double x = LABEL_W + PLOT_W * k / 4.0, p = 100.0 * top * k / 4.0;
        fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>", x, y, x, y + h);
        fprintf(out, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%g%%</text>\n", x,
                y + h + 12, p);
    }
}

/* A chart's frame for rows rows: the svg element (below the plot: room
 * more px high), its title, its heading and the percent axis up to top.
 * Returns the plot's height. */
static int chart_open(FILE *out, int rows, int room, const char *title, const char *heading, double top)
{
    int h = rows * ROW_H + 10;
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">\n", CHART_W,
            h + room);
    fprintf(out, "<title>%s</title>\n", title);
    fprintf(out, "<text x=\"0\" y=\"12\" font-size=\"12\" font-weight=\"bold\">%s</text>\n", heading);
    axis(out, 18, h, top);
    return h;
}

/* The Wilson interval's upper end of variant i, or -1 when none ran. */
static double wilson_hi(const rl_summary_t *s, int i)
{
    const rl_tally_t *t = &s->tallies[i];
    if (rl_report_ran(t) == 0)
        return -1;
    rl_report_rate_t r;
    rl_report_rate(&r, t, s->spec->confidence);
    return r.wilson.hi;
}

/* The rate axis that makes small rates readable: the smallest of 1%, 2%,
 * 5% and 10% that holds every interval of the variants with one below 10%
 * (0 when there is none). */
static double zoom_top(const rl_summary_t *s)
{
    static const double tops[] = { 0.01, 0.02, 0.05, 0.10 };
    double hi = -1;
    for (int i = 0; i < s->ntallies; i++) {
        double h = wilson_hi(s, i);
        if (h >= 0 && h < 0.10 && h > hi)
            hi = h;
    }
    if (hi < 0)
        return 0;
    for (size_t k = 0; k < sizeof tops / sizeof tops[0]; k++)
        if (hi <= tops[k])
            return tops[k];
    return 0.10;
}

/* Crash rate per variant: a dot at the rate, a bar over the interval, on
 * an axis from 0 to top; with top < 1 only the variants whose interval
 * fits it (the zoomed chart of small rates). */
static void rate_chart(FILE *out, const rl_summary_t *s, double top)
{
    int rows = 0;
    for (int i = 0; i < s->ntallies; i++)
        rows += top >= 1 || (wilson_hi(s, i) >= 0 && wilson_hi(s, i) <= top);
    char heading[96];
    if (top >= 1)
        snprintf(heading, sizeof heading, "crash rate (Wilson interval)");
    else
        snprintf(heading, sizeof heading, "small rates, zoomed: axis 0 to %g%%", 100 * top);
    chart_open(out, rows, 36, "crash rate per variant with its Wilson interval", heading, top);
    int row = 0;
    for (int i = 0; i < s->ntallies; i++) {
        const rl_tally_t *t = &s->tallies[i];
        if (top < 1 && !(wilson_hi(s, i) >= 0 && wilson_hi(s, i) <= top))
            continue;
        int y = 18 + 10 + row++ * ROW_H + ROW_H / 2;
        fprintf(out, "<text x=\"0\" y=\"%d\" font-size=\"12\">", y + 4);
        rl_report_xml(out, vname(s, i));
        fputs("</text>", out);
        if (rl_report_ran(t) == 0) {
            fputs("\n", out);
            continue;
        }
        rl_report_rate_t r;
        rl_report_rate(&r, t, s->spec->confidence);
        double x0 = LABEL_W + PLOT_W * r.wilson.lo / top, x1 = LABEL_W + PLOT_W * r.wilson.hi / top;
        double xr = LABEL_W + PLOT_W * (double)r.crashes / (double)rl_report_ran(t) / top;
        fprintf(out, "<g class=\"errbar\"><title>%s [%s, %s]</title>", r.rate, r.lo, r.hi);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\" stroke-width=\"2\"/>", x0, y,
                x1, y);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>", x0, y - 6, x0, y + 6);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>", x1, y - 6, x1, y + 6);
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%d\" r=\"4\" fill=\"%s\"/></g>\n", xr, y,
                outcome_colour[RL_OUTCOME_CRASH]);
    }
    fputs("</svg>\n", out);
}

/* Outcomes per variant as one bar stacked by class (share of trials). */
static void outcome_chart(FILE *out, const rl_summary_t *s)
{
    int h = chart_open(out, s->ntallies, 52, "outcomes per variant", "outcomes", 1.0);
    for (int i = 0; i < s->ntallies; i++) {
        const rl_tally_t *t = &s->tallies[i];
        int y = 18 + 10 + i * ROW_H;
        fprintf(out, "<text x=\"0\" y=\"%d\" font-size=\"12\">", y + ROW_H / 2 + 4);
        rl_report_xml(out, vname(s, i));
        fputs("</text>\n", out);
        double x = LABEL_W;
        for (int o = 0; o < RL_OUTCOME_COUNT && t->n > 0; o++) {
            if (t->outcomes[o] == 0)
                continue;
            double w = PLOT_W * (double)t->outcomes[o] / (double)t->n;
            fprintf(out,
                    "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s: %ld of %ld</title></rect>\n",
                    x, y + 4, w, ROW_H - 8, outcome_colour[o], rl_outcome_name((rl_outcome_t)o), t->outcomes[o], t->n);
            x += w;
        }
    }
    int ly = 18 + h + 28;
    for (int o = 0; o < RL_OUTCOME_COUNT; o++) {
        int lx = LABEL_W + o * 90;
        fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>", lx, ly - 9, outcome_colour[o]);
        fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>\n", lx + 14, ly, rl_outcome_name((rl_outcome_t)o));
    }
    fputs("</svg>\n", out);
}

static void summary(FILE *out, const rl_summary_t *s)
{
    const rl_spec_t *sp = s->spec;
    char conf[16];
    rl_report_conf(conf, sizeof conf, sp->confidence);
    fprintf(out, "<section>\n<h2 class=\"%s\">%s ", s->passed ? "pass" : s->undecided ? "undecided" : "fail",
            s->passed ? "\xE2\x9C\x94" : s->undecided ? "?" : "\xE2\x9C\x98");
    rl_report_xml(out, sp->name);
    fprintf(out, ": %s</h2>\n<p>", rl_report_verdict(s));
    if (sp->description) {
        rl_report_xml(out, sp->description);
        if (sp->issue)
            fputs(" &#183; ", out);
    }
    if (rl_spec_issue_is_url(sp->issue)) {
        fputs("<a href=\"", out);
        rl_report_xml(out, sp->issue);
        fputs("\">", out);
        rl_report_xml(out, sp->issue);
        fputs("</a>", out);
    } else if (sp->issue) {   /* a short reference; racelab run has none */
        rl_report_xml(out, sp->issue);
    }
    fputs("</p>\n", out);
    char where[1200];
    if (*rl_report_where(where, sizeof where, s)) {
        fputs("<p>", out);
        rl_report_xml(out, where);
        fputs("</p>\n", out);
    }
    rate_chart(out, s, 1.0);
    /* Rates near 0 are a dot on the 0 line at full scale: their own
     * chart shows the bound a fix is judged by. */
    double zt = zoom_top(s);
    if (zt > 0)
        rate_chart(out, s, zt);
    outcome_chart(out, s);
    fprintf(out, "<table>\n<tr><th>variant</th><th>trials</th><th>pass</th><th>crash</th><th>hang</th><th>error</th>"
                 "<th>crash rate</th><th>Wilson %s</th><th>first crash</th><th>signatures</th></tr>\n",
            conf);
    for (int i = 0; i < s->ntallies; i++) {
        const rl_tally_t *t = &s->tallies[i];
        rl_report_rate_t r;
        rl_report_rate(&r, t, sp->confidence);
        fputs("<tr><td>", out);
        rl_report_xml(out, vname(s, i));
        fprintf(out, "</td><td>%ld</td><td>%ld</td><td>%ld</td><td>%ld</td><td>%ld</td><td>%s</td><td>[%s, %s]</td>",
                t->n, t->outcomes[RL_OUTCOME_PASS], r.crashes, t->outcomes[RL_OUTCOME_HANG],
                t->outcomes[RL_OUTCOME_ERROR], r.rate, r.lo, r.hi);
        if (t->first_crash_index >= 0)
            fprintf(out, "<td>%.2f s</td><td>", t->first_crash_s);
        else
            fputs("<td>none</td><td>", out);
        const rl_bucket_t **v;
        int nb = rl_report_buckets(t, &v);
        char cmd[1024];
        for (int j = 0; j < nb; j++) {
            fprintf(out, "%s%ld &#215; <code>", j ? "<br/>" : "", v[j]->count);
            rl_report_xml(out, v[j]->signature);
            fputs("</code>", out);
            if (*rl_report_replay(cmd, sizeof cmd, s, v[j])) {
                fprintf(out, "<br/><small>first: trial %ld", v[j]->first_index);
                if (v[j]->first_log) {
                    fputs(", log <code>", out);
                    rl_report_xml(out, v[j]->first_log);
                    fputs("</code>", out);
                }
                if (rl_report_printed(v[j])) {
                    fputs("; as printed: <code>", out);
                    rl_report_xml(out, rl_report_printed(v[j]));
                    fputs("</code>", out);
                }
                fputs("; rerun: <code>", out);
                rl_report_xml(out, cmd);
                fputs("</code></small>", out);
            } else if (rl_report_printed(v[j])) {
                fputs("<br/><small>as printed: <code>", out);
                rl_report_xml(out, rl_report_printed(v[j]));
                fputs("</code></small>", out);
            }
        }
        free(v);
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n<ul class=\"expect\">\n", out);
    for (int i = 0; i < s->nresults; i++) {
        const rl_expect_result_t *r = &s->results[i];
        const char *cls = r->result == RL_JUDGE_HOLDS ? "pass" : r->result == RL_JUDGE_FAILS ? "fail" : "undecided";
        fprintf(out, "<li class=\"%s\">%s <code>", cls, rl_report_mark(r->result));
        rl_report_xml(out, r->expect ? r->expect->text : "?");
        fputs("</code><br/>", out);
        rl_report_xml(out, rl_report_why(r));
        fputs("</li>\n", out);
    }
    fputs("</ul>\n", out);
    char errs[160];
    if (*rl_report_errors(errs, sizeof errs, s)) {
        fputs("<p class=\"undecided\">", out);
        rl_report_xml(out, errs);
        fputs("</p>\n", out);
    }
    fputs("<p>", out);
    rl_report_closing(out, s, rl_report_xml, " &gt; ");
    fputs("</p>\n</section>\n", out);
}

int rl_report_html(FILE *out, const rl_summary_t *const *s, int n)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>racelab report</title>\n"
          "<style>\nbody{font-family:sans-serif;max-width:60em;margin:1em auto;padding:0 1em;color:#222}\n"
          "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right}\n"
          "td:first-child,td:last-child{text-align:left}.pass{color:#2e7d32}.fail{color:#c62828}.undecided{color:#6d4c41}\n"
          "svg{display:block;margin:.5em 0}code{background:#f4f4f4}.verdict{font-size:1.3em}\n</style>\n</head>\n<body>\n<h1>racelab report</h1>\n",
          out);
    if (n > 1) {
        /* Several specs: the verdict of the whole page first. */
        int failed = 0, undecided = 0;
        for (int i = 0; i < n; i++) {
            failed += !s[i]->passed && !s[i]->undecided;
            undecided += s[i]->undecided;
        }
        const char *cls = failed ? "fail" : undecided ? "undecided" : "pass";
        fprintf(out, "<p class=\"%s verdict\"><strong>%s</strong>: %d spec%s: %d passed, %d failed, %d undecided</p>\n",
                cls, failed ? "FAILED" : undecided ? "UNDECIDED" : "passed", n, n == 1 ? "" : "s",
                n - failed - undecided, failed, undecided);
    }
    for (int i = 0; i < n; i++)
        summary(out, s[i]);
    fputs("</body>\n</html>\n", out);
    return rl_report_status(out);
}
