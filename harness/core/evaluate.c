/* core/evaluate.c - see core/evaluate.h. */
#include "core/evaluate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rl_eval_init(rl_eval_t *ev, const rl_spec_t *spec)
{
    memset(ev, 0, sizeof *ev);
    ev->spec = spec;
    int nv = spec->nvariants, ne = spec->nexpects;
    ev->vt = calloc((size_t)(nv ? nv : 1), sizeof *ev->vt);
    ev->et = calloc((size_t)(ne ? ne : 1), sizeof *ev->et);
    ev->results = calloc((size_t)(ne ? ne : 1), sizeof *ev->results);
    if (!ev->vt || !ev->et || !ev->results) {
        rl_eval_free(ev);
        return -1;
    }
    for (int v = 0; v < nv; v++)
        rl_tally_init(&ev->vt[v], spec->variants[v].name);
    for (int x = 0; x < ne; x++) {
        rl_tally_init(&ev->et[x], spec->expects[x].variant);
        ev->results[x].expect = &spec->expects[x];
    }
    return 0;
}

/* The regex the variant's report tally counts matches against: that of
 * its first expectation. */
static const rl_regex_t *rl__variant_re(const rl_spec_t *spec, const char *variant)
{
    for (int x = 0; x < spec->nexpects; x++)
        if (strcmp(spec->expects[x].variant, variant) == 0)
            return spec->expects[x].signature;
    return NULL;
}

int rl_eval_add(rl_eval_t *ev, const rl_trial_t *t)
{
    int v = rl_spec_variant(ev->spec, t->variant ? t->variant : "");
    if (v < 0)
        return -1;
    rl_tally_add(&ev->vt[v], t, rl__variant_re(ev->spec, t->variant));
    for (int x = 0; x < ev->spec->nexpects; x++)
        if (strcmp(ev->spec->expects[x].variant, t->variant) == 0)
            rl_tally_add(&ev->et[x], t, ev->spec->expects[x].signature);
    return v;
}

int rl_eval_decided(rl_eval_t *ev, int v)
{
    const char *name = ev->spec->variants[v].name;
    int any = 0;
    for (int x = 0; x < ev->spec->nexpects; x++) {
        if (strcmp(ev->spec->expects[x].variant, name) != 0)
            continue;
        any = 1;
        char why[512];
        /* UNDECIDED with a sentence is final (trials could not run). */
        if (rl_judge(&ev->spec->expects[x], &ev->et[x], ev->spec, 1, why, sizeof why) ==
            RL_JUDGE_UNDECIDED && why[0] == '\0')
            return 0;
    }
    return any;
}

void rl_eval_finish(rl_eval_t *ev, int sequential, double wall_s)
{
    const rl_spec_t *spec = ev->spec;
    for (int x = 0; x < spec->nexpects; x++) {
        rl_expect_result_t *r = &ev->results[x];
        r->expect = &spec->expects[x];
        if (ev->cut_short) {
            r->result = ev->et[x].n == 0 ? RL_JUDGE_UNDECIDED
                      : rl_judge(r->expect, &ev->et[x], spec, 1, r->why, sizeof r->why);
            if (r->result == RL_JUDGE_UNDECIDED)
                snprintf(r->why, sizeof r->why, "undecided: %s after %ld trials of %s", ev->cut_short,
                         ev->et[x].n, spec->expects[x].variant);
        } else if (ev->et[x].n == 0) {
            r->result = RL_JUDGE_FAILS;
            snprintf(r->why, sizeof r->why, "no trials of variant %s were run",
                     spec->expects[x].variant);
        } else {
            r->result = rl_judge(r->expect, &ev->et[x], spec, sequential, r->why, sizeof r->why);
            if (r->result == RL_JUDGE_UNDECIDED)
                r->result = rl_judge(r->expect, &ev->et[x], spec, 0, r->why, sizeof r->why);
        }
    }

    rl_summary_t *s = &ev->summary;
    memset(s, 0, sizeof *s);
    s->spec = spec;
    s->ntallies = spec->nvariants;
    s->tallies = ev->vt;
    s->nresults = spec->nexpects;
    s->results = ev->results;
    s->sequential = sequential;
    s->fixed_n_plan = spec->trials * spec->nvariants;
    s->wall_s = wall_s;
    rl_summary_finish(s);     /* passed, Fisher's test: as every report sees them */
}

void rl_eval_free(rl_eval_t *ev)
{
    if (ev->spec) {
        for (int v = 0; ev->vt && v < ev->spec->nvariants; v++)
            rl_tally_free(&ev->vt[v]);
        for (int x = 0; ev->et && x < ev->spec->nexpects; x++)
            rl_tally_free(&ev->et[x]);
    }
    free(ev->vt);
    free(ev->et);
    free(ev->results);
    memset(ev, 0, sizeof *ev);
}
