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

static void axis(FILE *out, int y, int h)
{
    for (int p = 0; p <= 100; p += 25) {
        double x = LABEL_W + PLOT_W * p / 100.0;
        fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>", x, y, x, y + h);
        fprintf(out, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%d%%</text>\n", x,
                y + h + 12, p);
    }
}

/* A chart's frame: the svg element (below the plot: room more px high),
 * its title, its heading and the percent axis.  Returns the plot's height. */
static int chart_open(FILE *out, const rl_summary_t *s, int room, const char *title, const char *heading)
{
    int h = s->ntallies * ROW_H + 10;
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">\n", CHART_W,
            h + room);
    fprintf(out, "<title>%s</title>\n", title);
    fprintf(out, "<text x=\"0\" y=\"12\" font-size=\"12\" font-weight=\"bold\">%s</text>\n", heading);
    axis(out, 18, h);
    return h;
}

/* Crash rate per variant: a dot at the rate, a bar over the interval. */
static void rate_chart(FILE *out, const rl_summary_t *s)
{
    chart_open(out, s, 36, "crash rate per variant with its Wilson interval", "crash rate (Wilson interval)");
    for (int i = 0; i < s->ntallies; i++) {
        const rl_tally_t *t = &s->tallies[i];
        int y = 18 + 10 + i * ROW_H + ROW_H / 2;
        fprintf(out, "<text x=\"0\" y=\"%d\" font-size=\"12\">", y + 4);
        rl_report_xml(out, vname(s, i));
        fputs("</text>", out);
        if (rl_report_ran(t) == 0) {
            fputs("\n", out);
            continue;
        }
        rl_report_rate_t r;
        rl_report_rate(&r, t, s->spec->confidence);
        double x0 = LABEL_W + PLOT_W * r.wilson.lo, x1 = LABEL_W + PLOT_W * r.wilson.hi;
        double xr = LABEL_W + PLOT_W * (double)r.crashes / (double)rl_report_ran(t);
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
    int h = chart_open(out, s, 52, "outcomes per variant", "outcomes");
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
    rate_chart(out, s);
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
        for (int j = 0; j < nb; j++) {
            fprintf(out, "%s%ld &#215; <code>", j ? "<br/>" : "", v[j]->count);
            rl_report_xml(out, v[j]->signature);
            fputs("</code>", out);
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
          "svg{display:block;margin:.5em 0}code{background:#f4f4f4}\n</style>\n</head>\n<body>\n<h1>racelab report</h1>\n",
          out);
    for (int i = 0; i < n; i++)
        summary(out, s[i]);
    fputs("</body>\n</html>\n", out);
    return rl_report_status(out);
}
