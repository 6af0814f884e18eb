/* report/json.c - the whole check as one JSON document (--json FILE). */
#include "report/writer.h"

#include <stdlib.h>

static void variant(FILE *out, const rl_summary_t *s, int i)
{
    const rl_tally_t *t = &s->tallies[i];
    const char *name = i < s->spec->nvariants ? s->spec->variants[i].name : t->variant;
    double c = s->spec->confidence;
    long k = t->outcomes[RL_OUTCOME_CRASH], n = rl_report_ran(t);
    rl_interval_t w = rl_wilson(k, n, c);
    rl_report_json_field(out, "{\"name\":", name);
    fprintf(out, ",\"trials\":%ld,\"outcomes\":{\"pass\":%ld,\"crash\":%ld,\"hang\":%ld,\"error\":%ld}", t->n,
            t->outcomes[RL_OUTCOME_PASS], k, t->outcomes[RL_OUTCOME_HANG], t->outcomes[RL_OUTCOME_ERROR]);
    fprintf(out, ",\"crash_rate\":%.6g,\"wilson\":[%.6g,%.6g],\"upper_bound\":%.6g,\"lower_bound\":%.6g",
            n ? (double)k / (double)n : 0.0, w.lo, w.hi, rl_upper_bound(k, n, c),
            rl_lower_bound(k, n, c));
    fprintf(out, ",\"crashes_matching\":%ld", t->crashes_matching);
    if (t->first_crash_index >= 0)
        fprintf(out, ",\"first_crash_s\":%.6f,\"first_crash_index\":%ld", t->first_crash_s,
                t->first_crash_index);
    else
        fputs(",\"first_crash_s\":null,\"first_crash_index\":null", out);
    fprintf(out, ",\"busy_s\":%.6f,\"signatures\":[", t->busy_s);
    const rl_bucket_t **v;
    int nb = rl_report_buckets(t, &v);
    for (int j = 0; j < nb; j++) {
        rl_report_json_field(out, j ? ",{\"signature\":" : "{\"signature\":", v[j]->signature);
        fprintf(out, ",\"count\":%ld,\"first_trial\":%ld", v[j]->count, v[j]->first_index);
        rl_report_json_field(out, ",\"first_log\":", v[j]->first_log);
        char cmd[1024];
        rl_report_json_field(out, ",\"replay\":", *rl_report_replay(cmd, sizeof cmd, s, v[j]) ? cmd : NULL);
        /* Only when the line differs from its signature. */
        if (rl_report_printed(v[j]))
            rl_report_json_field(out, ",\"first_printed\":", rl_report_printed(v[j]));
        fputc('}', out);
    }
    free(v);
    fputs("]}", out);
}

static void summary(FILE *out, const rl_summary_t *s)
{
    const rl_spec_t *sp = s->spec;
    rl_report_json_field(out, "{\"name\":", sp->name);
    rl_report_json_field(out, ",\"path\":", sp->path);
    rl_report_json_field(out, ",\"issue\":", sp->issue);
    rl_report_json_field(out, ",\"description\":", sp->description);
    fprintf(out, ",\"passed\":%s,\"confidence\":%.6g,\"trials_cap\":%ld,\"sequential\":%s", s->passed ? "true" : "false",
            sp->confidence, sp->trials, s->sequential ? "true" : "false");
    fprintf(out, ",\"undecided\":%s,\"errors\":%ld", s->undecided ? "true" : "false", s->errors);
    fprintf(out, ",\"trials_run\":%ld,\"fixed_n_plan\":%ld,\"wall_s\":%.3f", rl_report_trials(s), s->fixed_n_plan,
            s->wall_s);
    rl_report_json_field(out, ",\"co_load\":", rl_report_co_load(s));
    if (s->has_seed)
        fprintf(out, ",\"base_seed\":%llu", s->base_seed);
    else
        fputs(",\"base_seed\":null", out);
    rl_report_json_field(out, ",\"results_dir\":", s->results_dir);
    if (s->fisher_p >= 0.0 && s->fisher_a && s->fisher_b) {
        rl_report_json_field(out, ",\"fisher\":{\"a\":", s->fisher_a);
        rl_report_json_field(out, ",\"b\":", s->fisher_b);
        fprintf(out, ",\"p\":%.6g}", s->fisher_p);
    } else {
        fputs(",\"fisher\":null", out);
    }
    fputs(",\"variants\":[", out);
    for (int i = 0; i < s->ntallies; i++) {
        if (i)
            fputc(',', out);
        variant(out, s, i);
    }
    fputs("],\"expectations\":[", out);
    for (int i = 0; i < s->nresults; i++) {
        const rl_expect_result_t *r = &s->results[i];
        rl_report_json_field(out, i ? ",{\"variant\":" : "{\"variant\":",
                             r->expect ? r->expect->variant : NULL);
        rl_report_json_field(out, ",\"expectation\":", r->expect ? r->expect->text : NULL);
        fprintf(out, ",\"line\":%d,\"result\":\"%s\",\"why\":", r->expect ? r->expect->line : 0,
                rl_report_judgement(r->result));
        rl_report_json_str(out, r->why);
        fputc('}', out);
    }
    fputs("]}", out);
}

int rl_report_json(FILE *out, const rl_summary_t *const *s, int n)
{
    int passed = n > 0, failed = n <= 0;
    for (int i = 0; i < n; i++) {
        passed = passed && s[i]->passed;
        failed = failed || (!s[i]->passed && !s[i]->undecided);
    }
    fprintf(out, "{\"racelab\":1,\"passed\":%s,\"specs\":[", passed ? "true" : "false");
    for (int i = 0; i < n; i++) {
        if (i)
            fputc(',', out);
        summary(out, s[i]);
    }
    fprintf(out, "],\"undecided\":%s}\n", !passed && !failed ? "true" : "false");
    return rl_report_status(out);
}
