/* cmd/plan.c - racelab plan: how many trials a verdict needs. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "cmd/cli.h"
#include "core/stats.h"

static const char rl__plan_help[] =
    "usage: racelab plan --buggy-rate P --bound B [--confidence C]\n"
    "  P: the buggy variant's measured crash rate (0 < P <= 1), e.g. 0.3 or 30%\n"
    "  B: the upper bound wanted on the fixed variant's rate (0 < B < 1), e.g. 0.01 or 1%\n"
    "  C: confidence (default 0.95 or 95%)\n";

int rl_cmd_plan(int argc, char **argv)
{
    double p = -1, bound = -1, conf = 0.95;
    const char *v;
    for (int i = 1; i < argc; i++) {
        int m;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(rl__plan_help, stdout);
            return RL_EXIT_OK;
        } else if ((m = rl_opt(argc, argv, &i, "--buggy-rate", &v))) {
            if (m < 0 || rl_parse_fraction(v, &p) || p <= 0 || p > 1)
                return rl_usage("plan: --buggy-rate needs a rate in (0, 1], e.g. 0.3 or 30%%");
        } else if ((m = rl_opt(argc, argv, &i, "--bound", &v))) {
            if (m < 0 || rl_parse_fraction(v, &bound) || bound <= 0 || bound >= 1)
                return rl_usage("plan: --bound needs a rate in (0, 1), e.g. 0.01 or 1%%");
        } else if ((m = rl_opt(argc, argv, &i, "--confidence", &v))) {
            if (m < 0 || rl_parse_fraction(v, &conf) || conf <= 0 || conf >= 1)
                return rl_usage("plan: --confidence needs a value in (0, 1), e.g. 0.95 or 95%%");
        } else {
            return argv[i][0] == '-' ? rl_unknown_option("plan", argv[i], rl__plan_help)
                                     : rl_usage("plan: unexpected argument '%s' (see racelab plan --help)", argv[i]);
        }
    }
    if (p < 0 || bound < 0)
        return rl_usage("plan: give --buggy-rate P and --bound B");
    long fixed = rl_plan_zero_crash(bound, conf);
    long first = rl_plan_first_crash(p, conf);
    /* -1: more trials than a long counts (a rate or bound near 0, a
     * confidence near 1). */
    if (fixed < 0 || first < 0)
        return rl_usage("plan: more than 2e18 trials would be needed (%s); no plan can be run",
                        fixed < 0 ? "the bound is too small for the confidence"
                                  : "the buggy rate is too small for the confidence");
    printf("confidence %.3g\n", conf);
    printf("fixed variant: %ld crash-free trials bound its rate below %.4g%% "
           "(one-sided exact, 0 crashes)\n", fixed, 100 * bound);
    printf("buggy variant: %ld trials see at least one crash with probability %.3g "
           "at rate %.4g%%\n", first, conf, 100 * p);
    if (p <= bound)
        printf("note: the buggy rate is not above the bound; no number of trials separates them\n");
    printf("plan: trials %ld per variant\n", fixed > first ? fixed : first);
    return RL_EXIT_OK;
}
