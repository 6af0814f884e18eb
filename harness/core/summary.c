/* core/summary.c - completing a verdict: the overall pass, Fisher's test. */
#include "core/summary.h"

#include "core/stats.h"

void rl_summary_finish(rl_summary_t *s)
{
    int a = -1, b = -1;
    s->passed = s->nresults > 0;
    for (int i = 0; i < s->nresults; i++) {
        const rl_expect_t *e = s->results[i].expect;
        if (s->results[i].result != RL_JUDGE_HOLDS)
            s->passed = 0;
        int v = e ? rl_spec_variant(s->spec, e->variant) : -1;
        if (v < 0 || v >= s->ntallies)
            continue;
        if (e->kind == RL_EXPECT_CRASH && a < 0)
            a = v;
        if (e->kind == RL_EXPECT_NO_CRASH && b < 0)
            b = v;
    }
    int failed = 0, pending = 0;
    for (int i = 0; i < s->nresults; i++) {
        failed |= s->results[i].result == RL_JUDGE_FAILS;
        pending |= s->results[i].result == RL_JUDGE_UNDECIDED;
    }
    s->errors = 0;
    for (int v = 0; v < s->ntallies; v++) {
        long e = s->tallies[v].outcomes[RL_OUTCOME_ERROR];
        s->errors += e;
        if (s->tallies[v].n == e)
            s->passed = 0;     /* a variant that never ran proves nothing */
        if (s->tallies[v].n > 0 && s->tallies[v].n == e)
            pending = 1;
    }
    if (s->spec->nexpects == 0 && s->ntallies > 0) {
        /* racelab run: no expectation; it passes when every trial ran and
         * passed, fails on a crash or a hang, and trials that could not
         * run leave it undecided. */
        long bad = 0, pass = 0, n = 0;
        for (int v = 0; v < s->ntallies; v++) {
            bad += s->tallies[v].outcomes[RL_OUTCOME_CRASH] + s->tallies[v].outcomes[RL_OUTCOME_HANG];
            pass += s->tallies[v].outcomes[RL_OUTCOME_PASS];
            n += s->tallies[v].n;
        }
        s->passed = n > 0 && pass == n;
        failed = n == 0 || bad > 0;
        pending = !failed && !s->passed;
    }
    s->undecided = !s->passed && !failed && pending;
    s->fisher_p = -1.0;
    s->fisher_a = s->fisher_b = NULL;
    long na = a >= 0 ? s->tallies[a].n - s->tallies[a].outcomes[RL_OUTCOME_ERROR] : 0;
    long nb = b >= 0 ? s->tallies[b].n - s->tallies[b].outcomes[RL_OUTCOME_ERROR] : 0;
    if (a >= 0 && b >= 0 && na > 0 && nb > 0) {
        const rl_tally_t *ta = &s->tallies[a], *tb = &s->tallies[b];
        s->fisher_p = rl_fisher_greater(ta->outcomes[RL_OUTCOME_CRASH], na,
                                        tb->outcomes[RL_OUTCOME_CRASH], nb);
        s->fisher_a = s->spec->variants[a].name;
        s->fisher_b = s->spec->variants[b].name;
    }
    if (s->fixed_n_plan <= 0)
        s->fixed_n_plan = s->spec->trials * (long)s->spec->nvariants;
}
