/* cmd/replay.c - racelab replay DIR TRIAL: rerun one recorded trial with
 * its exact argv and seed, and say whether it did the same again. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/classify.h"
#include "cmd/cli.h"
#include "run/spawn.h"
#include "report/writer.h"
#include "run/interrupt.h"
#include "store/results.h"
#include "store/resultsdir.h"

int rl_cmd_replay(int argc, char **argv)
{
    const char *dir = NULL, *idx = NULL, *spec_name = NULL, *v;
    double timeout = 0;
    int have_timeout = 0;
    for (int i = 1; i < argc; i++) {
        int m;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            puts("usage: racelab replay [--timeout T] [--spec NAME] DIR TRIAL\n"
                 "  reruns trial number TRIAL recorded in DIR/trials.jsonl with its exact\n"
                 "  argv and RACELAB_SEED; exit 0 when the outcome and signature recur");
            return RL_EXIT_OK;
        } else if ((m = rl_opt(argc, argv, &i, "--timeout", &v))) {
            if (m < 0 || rl_parse_duration(v, &timeout))
                return rl_usage("replay: --timeout needs a duration such as 30s");
            have_timeout = 1;
        } else if ((m = rl_opt(argc, argv, &i, "--spec", &v))) {
            if (m < 0)
                return rl_usage("replay: --spec needs a spec name");
            spec_name = v;
        } else if (argv[i][0] == '-') {
            return rl_usage("replay: unknown option '%s'", argv[i]);
        } else if (!dir) {
            dir = argv[i];
        } else if (!idx) {
            idx = argv[i];
        } else {
            return rl_usage("replay: unexpected argument '%s'", argv[i]);
        }
    }
    long index;
    if (!dir || !idx)
        return rl_usage("replay: usage: racelab replay DIR TRIAL");
    if (rl_parse_long(idx, 0, LONG_MAX, &index))
        return rl_usage("replay: TRIAL must be a trial index, not '%s'", idx);
    rl_trial_list_t list = { 0 };
    char err[1024];
    if (rl_results_read(dir, &list, err, sizeof err) != 0) {
        rl_trial_list_free(&list);
        return rl_usage("%s", err);
    }
    const rl_trial_t *t = NULL;
    for (size_t k = 0; k < list.n; k++) {
        const rl_trial_t *c = &list.trials[k];
        if (c->index != index || (spec_name && strcmp(c->spec, spec_name) != 0))
            continue;
        if (t && strcmp(t->spec, c->spec) != 0) {
            rl_trial_list_free(&list);
            return rl_usage("replay: trial %ld exists for specs %s and %s; pick one with --spec",
                            index, t->spec, c->spec);
        }
        t = c;
    }
    if (!t) {
        rl_trial_list_free(&list);
        return rl_usage("replay: no trial %ld in %s", index, dir);
    }
    rl_spec_t spec;
    memset(&spec, 0, sizeof spec);
    int have_spec = rl_dir_load_spec(dir, t->spec, &spec, err, sizeof err) == 0;
    /* Without its spec the trial is classified by the built-in patterns
     * only; --timeout replaces the spec's before anything reads it. */
    if (!have_spec && rl_classifier_init(&spec.classifier, 60) != 0) {
        rl_spec_free(&spec);
        rl_trial_list_free(&list);
        return rl_internal("out of memory");
    }
    if (have_timeout)
        spec.classifier.timeout_s = timeout;
    timeout = spec.classifier.timeout_s;

    printf("replaying trial %ld of %s%s%s, seed %llu:\n ", t->index, t->spec,
           *t->variant ? " variant " : "", t->variant, (unsigned long long)t->seed);
    for (int a = 0; a < t->argc; a++)
        printf(" %s", t->argv[a]);
    printf("\n");
    char seedenv[64];
    snprintf(seedenv, sizeof seedenv, "RACELAB_SEED=%llu", (unsigned long long)t->seed);
    char *env_add[] = { seedenv, NULL };
    char **av = calloc((size_t)t->argc + 1, sizeof *av);
    if (!av)
        return rl_internal("out of memory");
    for (int a = 0; a < t->argc; a++)
        av[a] = t->argv[a];
    rl_spawn_opts_t opts = { .argv = av, .env_add = env_add, .timeout_s = timeout,
                             .capture_limit = 64 * 1024, .capture_stacks = 1,
                             .classifier = &spec.classifier };
    rl_proc_result_t res;
    rl_install_signal_handlers();
    int rc = rl_spawn_run(&opts, &res);
    free(av);
    if (rc != 0) {
        rl_spec_free(&spec);
        rl_trial_list_free(&list);
        return rl_internal("replay: %s", res.errmsg);
    }
    rl_spawn_cleanup();
    char *sig = NULL, *printed = NULL;
    rl_outcome_t out = rl_classify_printed(&res, &spec.classifier, &sig, &printed);
    fwrite(res.output, 1, res.output_len, stdout);
    if (res.output_len && res.output[res.output_len - 1] != '\n')
        putchar('\n');
    if (res.stacks)
        printf("== stacks at the timeout ==\n%s", res.stacks);
    int same = out == t->outcome &&
               ((!sig && !t->signature) || (sig && t->signature && strcmp(sig, t->signature) == 0));
    printf("outcome: %s%s%s (%.2fs)\nrecorded: %s%s%s\n%s\n", rl_outcome_name(out), sig ? ": " : "",
           sig ? sig : "", res.duration_s, rl_outcome_name(t->outcome), t->signature ? ": " : "",
           t->signature ? t->signature : "", same ? "reproduced: yes" : "reproduced: no");
    /* The line behind the signature, when normalising changed it. */
    if (printed && sig && strcmp(printed, sig) != 0) {
        fputs("as printed: ", stdout);
        rl_report_term(stdout, printed);
        putchar('\n');
    }
    free(printed);
    free(sig);
    rl_proc_result_free(&res);
    rl_spec_free(&spec);
    rl_trial_list_free(&list);
    if (atomic_load(&rl_interrupted))
        return rl_interrupted_exit();
    return same ? RL_EXIT_OK : RL_EXIT_FAIL;
}
