/* core/trial.c - outcome names and the ownership rules of rl_trial_t. */
#include "core/trial.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

static const char *const outcome_names[RL_OUTCOME_COUNT] = {
    "pass", "crash", "hang", "error",
};

const char *rl_outcome_name(rl_outcome_t o)
{
    if ((int)o < 0 || o >= RL_OUTCOME_COUNT)
        return NULL;
    return outcome_names[o];
}

int rl_outcome_parse(const char *name)
{
    if (name == NULL)
        return -1;
    for (int i = 0; i < RL_OUTCOME_COUNT; i++)
        if (strcmp(name, outcome_names[i]) == 0)
            return i;
    return -1;
}

void rl_trial_free(rl_trial_t *t)
{
    if (t == NULL)
        return;
    free(t->spec);
    free(t->variant);
    for (int i = 0; i < t->argc; i++)
        free(t->argv[i]);
    free(t->argv);
    free(t->signature);
    free(t->log);
    free(t->printed);
    memset(t, 0, sizeof *t);
}

static int dup_str(char **dst, const char *src)
{
    *dst = rl_strdup(src);
    return src != NULL && *dst == NULL ? -1 : 0;
}

int rl_trial_copy(rl_trial_t *dst, const rl_trial_t *src)
{
    *dst = *src;
    dst->spec = dst->variant = dst->signature = dst->log = dst->printed = NULL;
    dst->argv = NULL;
    dst->argc = 0;
    if (dup_str(&dst->spec, src->spec) || dup_str(&dst->variant, src->variant) ||
        dup_str(&dst->signature, src->signature) || dup_str(&dst->log, src->log) ||
        dup_str(&dst->printed, src->printed))
        goto fail;
    if (src->argc > 0) {
        /* argv keeps the exec convention: NULL terminated. */
        dst->argv = calloc((size_t)src->argc + 1, sizeof *dst->argv);
        if (dst->argv == NULL)
            goto fail;
        for (int i = 0; i < src->argc; i++) {
            if (dup_str(&dst->argv[i], src->argv[i]))
                goto fail;
            dst->argc = i + 1;
        }
    }
    return 0;
fail:
    rl_trial_free(dst);
    return -1;
}
