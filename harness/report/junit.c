/* report/junit.c - JUnit XML for CI: a testsuite per spec, a testcase per
 * expectation; a failing one names the variant's signatures, which is what
 * a CI page shows first. */
#include "report/writer.h"

#include <stdlib.h>

/* Expectations that fail; an undecided one (trials could not run) is an
 * error of the test, not a failure of the program. */
static int failures(const rl_summary_t *s)
{
    if (s->spec->nexpects == 0)  /* racelab run: one test, every trial passes */
        return !s->passed && !s->undecided;
    int f = 0;
    for (int i = 0; i < s->nresults; i++)
        f += s->results[i].result == RL_JUDGE_FAILS;
    return f;
}

static int errors(const rl_summary_t *s)
{
    if (s->spec->nexpects == 0)
        return s->undecided;
    int f = 0;
    for (int i = 0; i < s->nresults; i++)
        f += s->results[i].result == RL_JUDGE_UNDECIDED;
    return f;
}

static const rl_tally_t *tally_of(const rl_summary_t *s, const rl_expect_t *e)
{
    int v = e ? rl_spec_variant(s->spec, e->variant) : -1;
    return v >= 0 && v < s->ntallies ? &s->tallies[v] : NULL;
}

static void signatures(FILE *out, const rl_tally_t *t)
{
    const rl_bucket_t **v;
    int nb = t ? rl_report_buckets(t, &v) : 0;
    if (nb <= 0)
        return;
    fputs("; signatures:", out);
    for (int j = 0; j < nb; j++) {
        fprintf(out, "%s %ldx ", j ? "," : "", v[j]->count);
        rl_report_xml(out, v[j]->signature);
        if (rl_report_printed(v[j])) {
            fputs(" (first as printed: ", out);
            rl_report_xml(out, rl_report_printed(v[j]));
            fputc(')', out);
        }
    }
    free(v);
}

/* The one testcase of racelab run: "every trial passes", failing on a
 * crash or a hang, an error when trials could not run. */
static void run_case(FILE *out, const rl_summary_t *s)
{
    const rl_tally_t *t = s->ntallies > 0 ? &s->tallies[0] : NULL;
    fputs("    <testcase classname=\"", out);
    rl_report_xml(out, s->spec->name);
    fprintf(out, "\" name=\"every trial passes\" time=\"%.3f\"", t ? t->busy_s : 0.0);
    char msg[160];
    snprintf(msg, sizeof msg, "%ld trials: %ld pass, %ld crash, %ld hang, %ld error", t ? t->n : 0,
             t ? t->outcomes[RL_OUTCOME_PASS] : 0, t ? t->outcomes[RL_OUTCOME_CRASH] : 0,
             t ? t->outcomes[RL_OUTCOME_HANG] : 0, t ? t->outcomes[RL_OUTCOME_ERROR] : 0);
    if (s->passed) {
        fprintf(out, ">\n      <system-out>%s</system-out>\n    </testcase>\n", msg);
        return;
    }
    const char *el = s->undecided ? "error" : "failure";
    fprintf(out, ">\n      <%s type=\"%s\" message=\"%s", el, s->undecided ? "trials-could-not-run" : "trials-failed",
            msg);
    signatures(out, t);
    fprintf(out, "\">%s</%s>\n    </testcase>\n", msg, el);
}

int rl_report_junit(FILE *out, const rl_summary_t *const *s, int n)
{
    int tests = 0, fails = 0, errs = 0;
    double time = 0.0;
    for (int i = 0; i < n; i++) {
        tests += s[i]->spec->nexpects == 0 ? 1 : s[i]->nresults;
        fails += failures(s[i]);
        errs += errors(s[i]);
        time += s[i]->wall_s;
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    fprintf(out, "<testsuites name=\"racelab\" tests=\"%d\" failures=\"%d\" errors=\"%d\" time=\"%.3f\">\n", tests,
            fails, errs, time);
    for (int i = 0; i < n; i++) {
        const rl_summary_t *sm = s[i];
        fputs("  <testsuite name=\"", out);
        rl_report_xml(out, sm->spec->name);
        fprintf(out, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"0\" time=\"%.3f\">\n",
                sm->spec->nexpects == 0 ? 1 : sm->nresults,
                failures(sm), errors(sm), sm->wall_s);
        fputs("    <properties>\n      <property name=\"issue\" value=\"", out);
        rl_report_xml(out, sm->spec->issue);
        fputs("\"/>\n      <property name=\"spec\" value=\"", out);
        rl_report_xml(out, sm->spec->path);
        fputs("\"/>\n      <property name=\"co-load\" value=\"", out);
        rl_report_xml(out, rl_report_co_load(sm));
        fputs("\"/>\n    </properties>\n", out);
        if (sm->spec->nexpects == 0)
            run_case(out, sm);
        for (int j = 0; j < sm->nresults; j++) {
            const rl_expect_result_t *r = &sm->results[j];
            const rl_tally_t *t = tally_of(sm, r->expect);
            fputs("    <testcase classname=\"", out);
            rl_report_xml(out, sm->spec->name);
            fputs("\" name=\"", out);
            rl_report_xml(out, r->expect ? r->expect->text : "?");
            fprintf(out, "\" time=\"%.3f\"", t ? t->busy_s : 0.0);
            if (r->result == RL_JUDGE_HOLDS) {
                fputs(">\n      <system-out>", out);
                rl_report_xml(out, r->why);
                fputs("</system-out>\n    </testcase>\n", out);
                continue;
            }
            const char *el = r->result == RL_JUDGE_FAILS ? "failure" : "error";
            fprintf(out, ">\n      <%s type=\"%s\" message=\"", el,
                    r->result == RL_JUDGE_FAILS ? "expectation" : "trials-could-not-run");
            rl_report_xml(out, rl_report_why(r));
            signatures(out, t);
            fputs("\">", out);
            rl_report_xml(out, rl_report_why(r));
            fprintf(out, "</%s>\n    </testcase>\n", el);
        }
        fputs("  </testsuite>\n", out);
    }
    fputs("</testsuites>\n", out);
    return rl_report_status(out);
}
