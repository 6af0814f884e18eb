/* fuzz_targets.c - see fuzz_targets.h. */
#include "fuzz_targets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/classify.h"
#include "store/results.h"
#include "core/spec.h"

static char *terminated(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

static void require(int ok, const char *what, const char *detail)
{
    if (!ok) {
        fprintf(stderr, "fuzz: broken promise: %s (%s)\n", what, detail ? detail : "");
        abort();
    }
}

int rl_fuzz_spec(const uint8_t *data, size_t size)
{
    char *text = terminated(data, size);
    rl_spec_t spec;
    char err[512];
    if (rl_spec_parse("fuzz.repro", text, &spec, err, sizeof err) == 0) {
        require(spec.name && spec.issue, "a parsed spec has name and issue", NULL);
        /* Without a command, each variant names its own program. */
        for (int i = 0; spec.argc == 0 && i < spec.nvariants; i++)
            require(spec.variants[i].argc > 0, "a parsed spec has a command or programs in every variant",
                    spec.variants[i].name);
        require(spec.nvariants >= 2 && spec.nexpects >= 1, "a parsed spec has variants and expectations",
                NULL);
        for (int i = 0; i < spec.nexpects; i++)
            require(rl_spec_variant(&spec, spec.expects[i].variant) >= 0, "expectations name variants",
                    spec.expects[i].variant);
        require(spec.trials >= 1 && spec.confidence >= 0.5 && spec.confidence < 1,
                "numbers in range", NULL);
        rl_spec_free(&spec);
    } else {
        require(strncmp(err, "fuzz.repro", 10) == 0, "errors name the file", err);
    }
    free(text);
    return 0;
}

static void line_roundtrip(const char *line)
{
    rl_trial_t t, u;
    char err[512];
    if (rl_trial_from_json(line, &t, err, sizeof err) != 0) {
        require(err[0] != '\0', "a refused line says why", NULL);
        return;
    }
    char *a = rl_trial_to_json(&t);
    require(a != NULL, "a parsed trial prints", NULL);
    require(rl_trial_from_json(a, &u, err, sizeof err) == 0, "racelab reads what it writes", err);
    char *b = rl_trial_to_json(&u);
    require(b && strcmp(a, b) == 0, "a trial round-trips unchanged", a);
    require(u.seed == t.seed && u.index == t.index && u.argc == t.argc, "fields round-trip", a);
    for (int i = 0; i < t.argc; i++)
        require(strcmp(t.argv[i], u.argv[i]) == 0, "argv round-trips byte for byte", a);
    free(a);
    free(b);
    rl_trial_free(&t);
    rl_trial_free(&u);
}

int rl_fuzz_results(const uint8_t *data, size_t size)
{
    char *text = terminated(data, size);
    line_roundtrip(text);
    /* The same bytes as a whole results file. */
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/racelab-fuzz-%d.jsonl", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(data, 1, size, f);
        fclose(f);
        rl_trial_list_t l = { 0 };
        char err[512];
        if (rl_results_read(path, &l, err, sizeof err) != 0)
            require(strncmp(err, path, strlen(path)) == 0 && err[strlen(path)] == ':',
                    "errors name file:line", err);
        for (size_t i = 0; i < l.n; i++)
            require(l.trials[i].spec && l.trials[i].variant && (l.trials[i].argv || l.trials[i].argc == 0),
                    "read trials are complete", NULL);
        rl_trial_list_free(&l);
        remove(path);
    }
    free(text);
    return 0;
}

int rl_fuzz_classify(const uint8_t *data, size_t size)
{
    /* First byte: how the trial ended; the rest: its output.  A spec
     * pattern comes first when the output has a line "PATTERN=...". */
    if (size == 0)
        return 0;
    char *out = terminated(data + 1, size - 1);
    rl_proc_result_t r;
    memset(&r, 0, sizeof r);
    r.started = (data[0] & 3) != 3;
    r.exit_status = data[0] & 4 ? -1 : data[0] >> 3;
    r.term_signal = data[0] & 4 ? data[0] >> 3 : 0;
    r.timed_out = (data[0] & 3) == 2;
    r.output = out;
    r.output_len = size - 1;
    if (!r.started)
        strcpy(r.errmsg, "fuzz: No such file or directory");
    char *pats[2] = { NULL, NULL };
    rl_classifier_t cl;
    if (rl_classifier_init(&cl, 1.0) != 0)
        abort();
    cl.hang_after_signature_is_crash = 1;
    if (strncmp(out, "PATTERN=", 8) == 0) {
        char *nl = strchr(out, '\n');
        pats[0] = strndup(out + 8, nl ? (size_t)(nl - out - 8) : strlen(out + 8));
        rl_classifier_add(&cl, pats[0], NULL, 0);   /* a spec would refuse a bad one */
    }
    char *sig = NULL;
    rl_outcome_t o = rl_classify(&r, &cl, &sig);
    require(o >= RL_OUTCOME_PASS && o < RL_OUTCOME_COUNT, "an outcome", NULL);
    require((o == RL_OUTCOME_PASS) == (sig == NULL), "failures and only failures have a signature",
            rl_outcome_name(o));
    if (sig)
        require(strlen(sig) <= 200, "signatures are at most 200 bytes", sig);
    free(sig);
    /* The literal prefilter drops no line a pattern matches. */
    for (const char *l = out; *l;) {
        const char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        char *line = strndup(l, len);
        for (int i = 0; line && i < cl.npatterns; i++)
            if (cl.patterns[i].litlen && rl_regex_search(cl.patterns[i].re, line) == 1)
                require(strstr(line, cl.patterns[i].lit) != NULL, "a matching line holds the pattern's literal",
                        cl.patterns[i].source);
        free(line);
        l += len + (nl ? 1 : 0);
    }
    char *n = rl_signature_normalise(out, size - 1);
    free(n);
    rl_classifier_free(&cl);
    free(pats[0]);
    free(out);
    return 0;
}
