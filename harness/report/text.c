/* report/text.c - the summary racelab prints on stdout. */
#include "util/fmt.h"
#include "report/writer.h"

#include <stdlib.h>

static void variant_block(FILE *out, const rl_summary_t *s, int i)
{
    const rl_tally_t *t = &s->tallies[i];
    const char *name = i < s->spec->nvariants ? s->spec->variants[i].name : t->variant;
    char a[16], conf[16];
    rl_report_conf(conf, sizeof conf, s->spec->confidence);
    fprintf(out, "  %s: %ld trials: %ld pass, %ld crash, %ld hang, %ld error\n", name, t->n,
            t->outcomes[RL_OUTCOME_PASS], t->outcomes[RL_OUTCOME_CRASH], t->outcomes[RL_OUTCOME_HANG],
            t->outcomes[RL_OUTCOME_ERROR]);
    if (t->n == 0)
        return;
    if (rl_report_ran(t) > 0) {
        rl_report_rate_t r;
        rl_report_rate(&r, t, s->spec->confidence);
        fprintf(out, "    crash rate %s, Wilson %s [%s, %s]", r.rate, conf, r.lo, r.hi);
        if (r.crashes == 0)
            fprintf(out, ", exact one-sided upper bound %s",
                    rl_fmt_pct(a, sizeof a, rl_upper_bound(0, rl_report_ran(t), s->spec->confidence)));
        fputc('\n', out);
    }
    if (t->first_crash_index >= 0)
        fprintf(out, "    first crash after %.2f s (trial %ld)\n", t->first_crash_s, t->first_crash_index);
    const rl_bucket_t **v;
    int nb = rl_report_buckets(t, &v);
    char cmd[1024];
    for (int j = 0; j < nb; j++) {
        fprintf(out, "    %6ld  ", v[j]->count);
        rl_report_term(out, v[j]->signature);
        fputc('\n', out);
        if (*rl_report_replay(cmd, sizeof cmd, s, v[j])) {
            fprintf(out, "            first: trial %ld", v[j]->first_index);
            if (v[j]->first_log) {
                fputs(", log ", out);
                rl_report_term(out, v[j]->first_log);
            }
            fputs("; rerun: ", out);
            rl_report_term(out, cmd);
            fputc('\n', out);
        }
        if (rl_report_printed(v[j])) {
            fputs("            as printed: ", out);
            rl_report_term(out, rl_report_printed(v[j]));
            fputc('\n', out);
        }
    }
    free(v);
}

static void summary(FILE *out, const rl_summary_t *s)
{
    if (s->spec->description)
        fprintf(out, "%s: %s\n", s->spec->name, s->spec->description);
    else
        fprintf(out, "%s\n", s->spec->name);
    fprintf(out, "  %s\n", s->spec->issue ? s->spec->issue : "");
    char where[1200];
    if (*rl_report_where(where, sizeof where, s)) {
        fputs("  ", out);
        rl_report_term(out, where);
        fputc('\n', out);
    }
    for (int i = 0; i < s->ntallies; i++)
        variant_block(out, s, i);
    if (s->fisher_p >= 0.0 && s->fisher_a && s->fisher_b)
        fprintf(out, "  Fisher's exact test, %s crashes more often than %s: one-sided p = %.3g\n", s->fisher_a,
                s->fisher_b, s->fisher_p);
    for (int i = 0; i < s->nresults; i++) {
        const rl_expect_result_t *r = &s->results[i];
        const char *mark = rl_report_mark(r->result); /* ✔ ✘ ? */
        fprintf(out, "  %s %s\n", mark, r->expect && r->expect->text ? r->expect->text : "?");
        fputs("      ", out);
        rl_report_term(out, rl_report_why(r)); /* may quote a trial */
        fputc('\n', out);
    }
    long ran = rl_report_trials(s);
    if (s->sequential && s->fixed_n_plan > 0) {
        long saved = s->fixed_n_plan - ran;
        fprintf(out, "  sequential stopping: %ld trials instead of the fixed-N plan's %ld, saved %ld (%.1f%%)\n",
                ran, s->fixed_n_plan, saved > 0 ? saved : 0,
                saved > 0 ? 100.0 * (double)saved / (double)s->fixed_n_plan : 0.0);
    } else {
        fprintf(out, "  fixed N: %ld trials\n", ran);
    }
    fprintf(out, "  co-load: ");
    rl_report_term(out, rl_report_co_load(s));
    fputc('\n', out);
    char errs[160];
    if (*rl_report_errors(errs, sizeof errs, s))
        fprintf(out, "  %s\n", errs);
    fprintf(out, "  %s in %.1f s\n", s->passed ? "PASS" : s->undecided ? "UNDECIDED" : "FAIL", s->wall_s);
}

int rl_report_text(FILE *out, const rl_summary_t *const *s, int n)
{
    for (int i = 0; i < n; i++) {
        if (i)
            fputc('\n', out);
        summary(out, s[i]);
    }
    return rl_report_status(out);
}
