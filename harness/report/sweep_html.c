/* report/sweep_html.c - the sweep as one self-contained page (inline SVG, no
 * scripts or fetched resources): crash rate against the knob's value, one
 * line per variant with its Wilson interval as bars; the median time to
 * crash on a log scale; then the table. */
#include "report/sweep.h"

#include <math.h>
#include <string.h>

#include "util/fmt.h"
#include "report/writer.h"
#include "core/stats.h"

#define W 680
#define X0 70        /* left edge of the plot */
#define PW 560       /* plot width */
#define Y0 30        /* top of the plot */
#define PH 200       /* plot height */

static const char *const colour[] = { "#e53935", "#1e88e5", "#43a047", "#8e24aa", "#fb8c00", "#00897b" };
#define NCOLOUR (int)(sizeof colour / sizeof colour[0])

/* Values are spread evenly (they may be words such as mode names); variants
 * are nudged apart so their bars do not hide each other. */
static double px(const rl_sweep_t *sw, int p, int v)
{
    return X0 + PW * (p + 0.5) / sw->npoints + (v - (sw->nvariants - 1) / 2.0) * 8.0;
}

static const rl_tally_t *tally(const rl_sweep_t *sw, int p, int v)
{
    const rl_summary_t *s = sw->points[p].summary;
    return s && v < s->ntallies && s->tallies[v].n > 0 ? &s->tallies[v] : NULL;
}

static void svg_open(FILE *out, const char *title, int h)
{
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\" class=\"sweep\">\n",
            W, h);
    fputs("<title>", out);
    rl_report_xml(out, title);
    fputs("</title>\n<text x=\"0\" y=\"14\" font-size=\"13\" font-weight=\"bold\">", out);
    rl_report_xml(out, title);
    fputs("</text>\n", out);
}

static void x_labels_and_legend(FILE *out, const rl_sweep_t *sw)
{
    for (int p = 0; p < sw->npoints; p++) {
        fprintf(out, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">", px(sw, p, (sw->nvariants - 1) / 2),
                Y0 + PH + 16);
        rl_report_xml(out, sw->points[p].value);
        fputs("</text>\n", out);
    }
    fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">--", X0 + PW / 2, Y0 + PH + 32);
    rl_report_xml(out, sw->knob);
    fputs("</text>\n", out);
    for (int v = 0; v < sw->nvariants; v++) {
        int lx = X0 + v * 110;
        fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>", lx, Y0 + PH + 40,
                colour[v % NCOLOUR]);
        fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\">", lx + 14, Y0 + PH + 49);
        rl_report_xml(out, sw->variants[v]);
        fputs("</text>\n", out);
    }
}

static void rate_chart(FILE *out, const rl_sweep_t *sw)
{
    char conf[16];
    rl_report_conf(conf, sizeof conf, sw->confidence);
    char title[64];
    snprintf(title, sizeof title, "crash rate per value (Wilson %s interval)", conf);
    svg_open(out, title, Y0 + PH + 60);
    for (int q = 0; q <= 100; q += 25) {
        double y = Y0 + PH - PH * q / 100.0;
        fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>", X0, y, X0 + PW, y);
        fprintf(out, "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%d%%</text>\n", X0 - 6, y + 3, q);
    }
    for (int v = 0; v < sw->nvariants; v++) {
        const char *c = colour[v % NCOLOUR];
        fprintf(out, "<polyline class=\"rate\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"", c);
        for (int p = 0, first = 1; p < sw->npoints; p++) {
            const rl_tally_t *t = tally(sw, p, v);
            if (t == NULL)
                continue;
            double r = (double)t->outcomes[RL_OUTCOME_CRASH] / (double)t->n;
            fprintf(out, "%s%.1f,%.1f", first ? "" : " ", px(sw, p, v), Y0 + PH - PH * r);
            first = 0;
        }
        fputs("\"/>\n", out);
        for (int p = 0; p < sw->npoints; p++) {
            const rl_tally_t *t = tally(sw, p, v);
            if (t == NULL)
                continue;
            long k = t->outcomes[RL_OUTCOME_CRASH];
            double r = (double)k / (double)t->n;
            rl_interval_t w = rl_wilson(k, t->n, sw->confidence);
            double x = px(sw, p, v), ylo = Y0 + PH - PH * w.lo, yhi = Y0 + PH - PH * w.hi;
            char a[16], b[16], d[16];
            fputs("<g class=\"errbar\"><title>", out);
            rl_report_xml(out, sw->variants[v]);
            fputs(" at ", out);
            rl_report_xml(out, sw->points[p].value);
            fprintf(out, ": %ld/%ld = %s [%s, %s]</title>", k, t->n, rl_fmt_pct(a, sizeof a, r),
                    rl_fmt_pct(b, sizeof b, w.lo), rl_fmt_pct(d, sizeof d, w.hi));
            fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", x, ylo, x, yhi, c);
            fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", x - 4, ylo, x + 4, ylo, c);
            fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", x - 4, yhi, x + 4, yhi, c);
            fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/></g>\n", x, Y0 + PH - PH * r, c);
        }
    }
    x_labels_and_legend(out, sw);
    fputs("</svg>\n", out);
}

/* Median time to crash on a log scale (times span milliseconds in forced
 * mode to seconds at a low profiler rate). */
static void ttc_chart(FILE *out, const rl_sweep_t *sw)
{
    double lo = INFINITY, hi = 0;
    for (int p = 0; p < sw->npoints; p++)
        for (int v = 0; v < sw->nvariants && sw->points[p].median_crash_s; v++) {
            double m = sw->points[p].median_crash_s[v];
            if (m > 0 && tally(sw, p, v)) {
                lo = m < lo ? m : lo;
                hi = m > hi ? m : hi;
            }
        }
    svg_open(out, "median time to crash of the crashing trials (log scale)", Y0 + PH + 60);
    if (hi <= 0) {
        fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"12\">no trial crashed</text>\n", X0, Y0 + PH / 2);
        x_labels_and_legend(out, sw);
        fputs("</svg>\n", out);
        return;
    }
    int d0 = (int)floor(log10(lo)), d1 = (int)ceil(log10(hi));
    if (d1 <= d0)
        d1 = d0 + 1;
    for (int d = d0; d <= d1; d++) {
        double y = Y0 + PH - PH * (double)(d - d0) / (d1 - d0);
        double s = pow(10.0, d);
        char lab[24];
        if (s < 1)
            snprintf(lab, sizeof lab, "%g ms", s * 1000.0);
        else
            snprintf(lab, sizeof lab, "%g s", s);
        fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>", X0, y, X0 + PW, y);
        fprintf(out, "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%s</text>\n", X0 - 6, y + 3, lab);
    }
    for (int v = 0; v < sw->nvariants; v++) {
        const char *c = colour[v % NCOLOUR];
        for (int p = 0; p < sw->npoints; p++) {
            double m = sw->points[p].median_crash_s ? sw->points[p].median_crash_s[v] : -1.0;
            if (m <= 0 || tally(sw, p, v) == NULL)
                continue;
            double y = Y0 + PH - PH * (log10(m) - d0) / (d1 - d0);
            fputs("<g class=\"ttc\"><title>", out);
            rl_report_xml(out, sw->variants[v]);
            fputs(" at ", out);
            rl_report_xml(out, sw->points[p].value);
            fprintf(out, ": median %.4g s</title><rect x=\"%.1f\" y=\"%.1f\" width=\"7\" height=\"7\" fill=\"%s\"/></g>\n",
                    m, px(sw, p, v) - 3.5, y - 3.5, c);
        }
    }
    x_labels_and_legend(out, sw);
    fputs("</svg>\n", out);
}

static void table(FILE *out, const rl_sweep_t *sw)
{
    char conf[16];
    rl_report_conf(conf, sizeof conf, sw->confidence);
    fputs("<table>\n<tr><th>--", out);
    rl_report_xml(out, sw->knob);
    fprintf(out, "</th><th>variant</th><th>trials</th><th>crashes</th><th>rate</th><th>Wilson %s</th>"
                 "<th>first crash</th><th>median crash</th><th>expectation</th><th>failures</th></tr>\n", conf);
    for (int p = 0; p < sw->npoints; p++)
        for (int v = 0; v < sw->nvariants; v++) {
            const rl_summary_t *s = sw->points[p].summary;
            const rl_tally_t *t = s && v < s->ntallies ? &s->tallies[v] : NULL;
            fputs("<tr><td>", out);
            rl_report_xml(out, sw->points[p].value);
            fputs("</td><td>", out);
            rl_report_xml(out, sw->variants[v]);
            if (t == NULL) {
                fputs("</td><td colspan=\"8\">not run</td></tr>\n", out);
                continue;
            }
            rl_report_rate_t r;
            rl_report_rate(&r, t, sw->confidence);
            fprintf(out, "</td><td>%ld</td><td>%ld</td><td>%s</td><td>[%s, %s]</td>", t->n, r.crashes, r.rate, r.lo,
                    r.hi);
            if (t->first_crash_index >= 0)
                fprintf(out, "<td>%.3f s</td>", t->first_crash_s);
            else
                fputs("<td>-</td>", out);
            double m = sw->points[p].median_crash_s ? sw->points[p].median_crash_s[v] : -1.0;
            if (m >= 0)
                fprintf(out, "<td>%.3f s</td>", m);
            else
                fputs("<td>-</td>", out);
            int x = rl_sweep_expect_of(s, sw->variants[v]);
            int ok = x >= 0 && s->results[x].result == RL_JUDGE_HOLDS;
            fprintf(out, "<td class=\"%s\">", x < 0 ? "" : ok ? "pass" : "fail");
            if (x >= 0)
                rl_report_xml(out, s->results[x].why);
            fputs("</td><td class=\"sig\">", out);
            rl_sweep_failures(out, t, RL_SWEEP_CELL_SIGNATURES, rl_report_xml);
            fputs("</td></tr>\n", out);
        }
    fputs("</table>\n", out);
}

int rl_sweep_html(FILE *out, const rl_sweep_t *sw)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>racelab sweep</title>\n"
          "<style>\nbody{font-family:sans-serif;max-width:64em;margin:1em auto;padding:0 1em;color:#222}\n"
          "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right}td.sig{text-align:left;font-family:monospace;font-size:90%}\n"
          "td:first-child,td:nth-child(2),td:last-child{text-align:left}.pass{color:#2e7d32}.fail{color:#c62828}\n"
          "svg{display:block;margin:.8em 0}\n</style>\n</head>\n<body>\n",
          out);
    fprintf(out, "<h1 class=\"%s\">%s racelab sweep: ", sw->passed ? "pass" : "fail",
            sw->passed ? "\xE2\x9C\x94" : "\xE2\x9C\x98");
    rl_report_xml(out, sw->spec_name);
    fputs(" over --", out);
    rl_report_xml(out, sw->knob);
    fputs("</h1>\n<p><a href=\"", out);
    rl_report_xml(out, sw->spec_issue);
    fputs("\">", out);
    rl_report_xml(out, sw->spec_issue);
    fprintf(out, "</a> &#183; %d value%s &#183; wall time %.1f s &#183; results in <code>", sw->npoints,
            sw->npoints == 1 ? "" : "s", sw->wall_s);
    rl_report_xml(out, sw->dir);
    fputs("</code></p>\n", out);
    rate_chart(out, sw);
    ttc_chart(out, sw);
    table(out, sw);
    fputs("<p>First crash: seconds from the point's start until its first crashing trial ended. Median crash: "
          "median run time of the crashing trials, i.e. how long one process ran before it died.</p>\n"
          "</body>\n</html>\n",
          out);
    return rl_report_status(out);
}
