/* test_spec.c - the .repro format: what it accepts and every way it says
 * no, each with file:line. */
#include "rltest.h"
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "core/spec.h"

#define HEAD \
    "name t\n" \
    "issue https://example.org/1\n" \
    "command prog --seed={seed}\n"
#define VARIANTS \
    "variant buggy --guard=target\n" \
    "variant fixed --guard=self\n"
#define EXPECTS \
    "expect buggy crash /malloc deadlock/ rate >= 0.5\n" \
    "expect fixed no-crash upper <= 0.01\n"

/* Every spec shipped in reproducers/ parses: CI runs only some of them
 * (the *-real ones are run by hand), and a typo must not wait for that. */
Test(spec, every_shipped_spec_loads)
{
    DIR *d = opendir(SOURCE_ROOT "/reproducers");
    cr_assert_not_null(d);
    int n = 0;
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 6, ".repro") != 0)
            continue;
        char path[4096], err[512] = "";
        snprintf(path, sizeof path, "%s/reproducers/%s", SOURCE_ROOT, de->d_name);
        rl_spec_t s;
        cr_assert_eq(rl_spec_load(path, &s, err, sizeof err), 0, "%s", err);
        rl_spec_free(&s);
        n++;
    }
    closedir(d);
    cr_assert_geq(n, 10, "only %d specs found", n);
}

Test(spec, go_17165_loads)
{
    rl_spec_t s;
    char err[512] = "";
    int rc = rl_spec_load(SOURCE_ROOT "/reproducers/go-17165.repro", &s, err, sizeof err);
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert_str_eq(s.name, "go-17165");
    cr_assert_str_eq(s.issue, "https://github.com/golang/go/issues/17165");
    cr_assert_str_eq(s.argv[0], "{build}/scenarios/borrowed-m-profiler{exe}");
    cr_assert_eq(s.nvariants, 2);
    cr_assert_str_eq(s.variants[0].name, "buggy");
    cr_assert_str_eq(s.variants[0].argv[0], "--guard=target");
    cr_assert_str_eq(s.variants[1].argv[0], "--guard=self");
    cr_assert_eq(s.nexpects, 2);
    cr_assert_eq(s.expects[0].kind, RL_EXPECT_CRASH);
    cr_assert_str_eq(s.expects[0].signature_re, "malloc deadlock");
    cr_assert_float_eq(s.expects[0].min_rate, 0.9, 1e-12);
    cr_assert_eq(s.expects[1].kind, RL_EXPECT_NO_CRASH);
    cr_assert_float_eq(s.expects[1].max_upper, 0.01, 1e-12);
    cr_assert_float_eq(s.classifier.timeout_s, 15.0, 1e-12);
    cr_assert_float_eq(s.confidence, 0.95, 1e-12);
    cr_assert_geq(s.trials, 299, "the cap must allow the 1%% bound");
    int seed = 0;
    for (int i = 0; i < s.argc; i++)
        seed |= strcmp(s.argv[i], "--seed={seed}") == 0;
    cr_assert(seed, "{seed} reaches the trial");
    rl_spec_free(&s);
}

Test(spec, quoting_defaults_and_options)
{
    const char *text = "# comment\n"
                       "  # indented comment\n"
                       "name q.t-1\n"
                       "issue https://example.org/i#c2\n"
                       "description two words  here\n"
                       "command 'a b' \"c \\\"d\\\"\" e\\ f {build}/x{exe}\n"
                       "args --more 'it''s'\n"
                       "timeout 500ms\n"
                       "trials 42\n"
                       "confidence 99%\n"
                       "signature /^boom: .*/\n"
                       "signature /a\\/b/\r\n"
                       "variant a\n"
                       "variant b -x\n"
                       "expect a crash rate >= 25%\n"
                       "expect b no-crash upper <= 0.05\n";
    rl_spec_t s;
    char err[512] = "";
    cr_assert_eq(rl_spec_parse("q.repro", text, &s, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(s.description, "two words  here");
    cr_assert_str_eq(s.issue, "https://example.org/i#c2");
    cr_assert_eq(s.argc, 6);
    cr_assert_str_eq(s.argv[0], "a b");
    cr_assert_str_eq(s.argv[1], "c \"d\"");
    cr_assert_str_eq(s.argv[2], "e f");
    cr_assert_str_eq(s.argv[3], "{build}/x{exe}");
    cr_assert_str_eq(s.argv[4], "--more");
    cr_assert_str_eq(s.argv[5], "its");
    cr_assert_null(s.argv[6]);
    cr_assert_float_eq(s.classifier.timeout_s, 0.5, 1e-12);
    cr_assert_eq(s.trials, 42);
    cr_assert_float_eq(s.confidence, 0.99, 1e-12);
    cr_assert_eq(s.classifier.nspec, 2);
    cr_assert_str_eq(s.classifier.patterns[0].source, "^boom: .*");
    cr_assert_str_eq(s.classifier.patterns[1].source, "a/b");
    cr_assert_str_eq(s.classifier.patterns[2].source, rl_default_patterns[0], "the built-in ones follow");
    cr_assert_eq(s.variants[0].argc, 0);
    cr_assert_null(s.expects[0].signature_re);
    cr_assert_float_eq(s.expects[0].min_rate, 0.25, 1e-12);
    cr_assert_str_eq(s.expects[0].text, "a crash rate >= 25%");
    cr_assert_eq(s.expects[1].line, 16);
    cr_assert_eq(rl_spec_variant(&s, "b"), 1);
    cr_assert_eq(rl_spec_variant(&s, "c"), -1);
    rl_spec_free(&s);
}

/* A loaded spec is compiled: its patterns (with the literal the capture
 * scans for) and its expectations' regexes are ready to match, and the
 * built-in patterns follow the spec's own. */
Test(spec, compiled_at_load)
{
    const char *text = HEAD "timeout 2s\nsignature /m=[0-9]+ mallocing/\n"
                       "hang-after-signature crash\n" VARIANTS EXPECTS;
    rl_spec_t s;
    char err[512] = "";
    cr_assert_eq(rl_spec_parse("c.repro", text, &s, err, sizeof err), 0, "%s", err);
    const rl_classifier_t *cl = &s.classifier;
    cr_assert_float_eq(cl->timeout_s, 2.0, 1e-12);
    cr_assert_eq(cl->hang_after_signature_is_crash, 1);
    cr_assert_eq(cl->nspec, 1);
    int ndef = 0;
    while (rl_default_patterns[ndef])
        ndef++;
    cr_assert_eq(cl->npatterns, 1 + ndef);
    for (int i = 0; i < cl->npatterns; i++) {
        cr_assert_not_null(cl->patterns[i].re, "/%s/", cl->patterns[i].source);
        cr_assert_str_eq(cl->patterns[i].source, i == 0 ? "m=[0-9]+ mallocing" : rl_default_patterns[i - 1]);
    }
    cr_assert_str_eq(cl->patterns[0].lit, " mallocing");
    cr_assert_eq(cl->patterns[0].litlen, 10);
    cr_assert_eq(rl_regex_search(cl->patterns[0].re, "runtime: m=3 mallocing=1"), 1);
    cr_assert_not_null(s.expects[0].signature);
    cr_assert_eq(rl_regex_search(s.expects[0].signature, "fatal error: malloc deadlock"), 1);
    cr_assert_null(s.expects[1].signature, "no /regex/, nothing compiled");
    rl_spec_free(&s);
}

/* Parses text that must be accepted. */
static void parse_ok(rl_spec_t *s, const char *text)
{
    char err[512] = "";
    cr_assert_eq(rl_spec_parse("t.repro", text, s, err, sizeof err), 0, "%s", err);
}

Test(spec, hang_expectation)
{
    rl_spec_t s;
    parse_ok(&s, HEAD VARIANTS "expect buggy hang rate >= 50%\n"
                               "expect fixed no-crash upper <= 0.1\n");
    cr_assert_eq(s.expects[0].kind, RL_EXPECT_HANG);
    cr_assert_null(s.expects[0].signature_re);
    cr_assert_float_eq(s.expects[0].min_rate, 0.5, 1e-12);
    cr_assert_str_eq(s.expects[0].text, "buggy hang rate >= 50%");
    rl_spec_free(&s);
}

Test(spec, hang_after_signature)
{
    rl_spec_t s;
    parse_ok(&s, HEAD "hang-after-signature crash\n" VARIANTS EXPECTS);
    cr_assert_eq(s.classifier.hang_after_signature_is_crash, 1);
    rl_spec_free(&s);
    parse_ok(&s, HEAD "hang-after-signature hang\n" VARIANTS EXPECTS);
    cr_assert_eq(s.classifier.hang_after_signature_is_crash, 0);
    rl_spec_free(&s);
}

Test(spec, program_kind_and_sigquit_grace)
{
    rl_spec_t s;
    parse_ok(&s, HEAD VARIANTS EXPECTS);
    cr_assert_eq(s.classifier.hang_dump.kind, RL_PROGRAM_AUTO);
    cr_assert_float_eq(s.classifier.hang_dump.sigquit_grace_s, RL_SIGQUIT_GRACE_DEFAULT_S, 1e-12);
    rl_spec_free(&s);
    parse_ok(&s, HEAD "program-kind go\nsigquit-grace 500ms\n" VARIANTS EXPECTS);
    cr_assert_eq(s.classifier.hang_dump.kind, RL_PROGRAM_GO);
    cr_assert_float_eq(s.classifier.hang_dump.sigquit_grace_s, 0.5, 1e-12);
    rl_spec_free(&s);
    parse_ok(&s, HEAD "program-kind native\n" VARIANTS EXPECTS);
    cr_assert_eq(s.classifier.hang_dump.kind, RL_PROGRAM_NATIVE);
    rl_spec_free(&s);
}

Test(spec, no_crash_with_a_signature)
{
    rl_spec_t s;
    parse_ok(&s, HEAD VARIANTS "expect buggy crash rate >= 0.5\n"
                               "expect fixed no-crash /malloc deadlock/ upper <= 1%\n");
    cr_assert_eq(s.expects[1].kind, RL_EXPECT_NO_CRASH);
    cr_assert_str_eq(s.expects[1].signature_re, "malloc deadlock");
    cr_assert_float_eq(s.expects[1].max_upper, 0.01, 1e-12);
    rl_spec_free(&s);
}

Test(spec, defaults)
{
    rl_spec_t s;
    char err[512] = "";
    cr_assert_eq(rl_spec_parse("d.repro", HEAD VARIANTS EXPECTS, &s, err, sizeof err), 0, "%s", err);
    cr_assert_eq(s.trials, 300);
    cr_assert_float_eq(s.classifier.timeout_s, 60.0, 1e-12);
    cr_assert_float_eq(s.confidence, 0.95, 1e-12);
    cr_assert_null(s.description);
    cr_assert_eq(s.classifier.hang_after_signature_is_crash, 0, "a hang is a hang unless the spec says otherwise");
    rl_spec_free(&s);
}

typedef struct {
    const char *text;
    const char *error; /* the exact message */
} bad_spec_t;

/* One test over the table: Criterion's parameterized tests copy their
 * parameters into a fresh process, where string pointers are not valid. */
Test(spec, rejects)
{
    static const bad_spec_t cases[] = {
        {HEAD "frobnicate 1\n" VARIANTS EXPECTS,
         "t.repro:4: unknown keyword 'frobnicate' (known: name issue description command args timeout trials "
         "confidence signature ignore hang-after-signature program-kind sigquit-grace variant expect)"},
        {HEAD "program-kind rust\n" VARIANTS EXPECTS,
         "t.repro:4: program-kind: wants 'auto', 'go' or 'native', not 'rust'"},
        {HEAD "program-kind go\nprogram-kind go\n" VARIANTS EXPECTS,
         "t.repro:5: 'program-kind' given twice (first at line 4)"},
        {HEAD "sigquit-grace 0\n" VARIANTS EXPECTS,
         "t.repro:4: sigquit-grace: wants a duration > 0 and <= 600s, e.g. 5s or 500ms, not '0'"},
        {HEAD "sigquit-grace 11m\n" VARIANTS EXPECTS,
         "t.repro:4: sigquit-grace: wants a duration > 0 and <= 600s, e.g. 5s or 500ms, not '11m'"},
        {HEAD "hang-after-signature maybe\n" VARIANTS EXPECTS,
         "t.repro:4: hang-after-signature: wants 'crash' or 'hang', not 'maybe'"},
        {HEAD "hang-after-signature crash\nhang-after-signature hang\n" VARIANTS EXPECTS,
         "t.repro:5: 'hang-after-signature' given twice (first at line 4)"},
        {HEAD VARIANTS "variant buggy -y\n" EXPECTS, "t.repro:6: duplicate variant 'buggy' (first at line 4)"},
        {HEAD VARIANTS "expect slow crash rate >= 0.5\n", "t.repro:6: expect: unknown variant 'slow'"},
        {HEAD VARIANTS EXPECTS "expect buggy crash rate >= 0.9\n",
         "t.repro:8: variant 'buggy' already has an expectation (line 6)"},
        {HEAD "trials many\n" VARIANTS EXPECTS,
         "t.repro:4: trials: wants a whole number from 1 to 100000000, not 'many'"},
        {HEAD "timeout -1\n" VARIANTS EXPECTS,
         "t.repro:4: timeout: wants seconds > 0, e.g. 10, 10s or 500ms, not '-1'"},
        {HEAD "confidence 1.5\n" VARIANTS EXPECTS,
         "t.repro:4: confidence: wants a number in [0.5, 1), e.g. 0.95 or 95%, not '1.5'"},
        {HEAD VARIANTS "expect buggy crash /malloc (deadlock/ rate >= 0.5\n",
         "t.repro:6: bad regular expression /malloc (deadlock/: unmatched ("},
        {HEAD "signature /x{2}/\n" VARIANTS EXPECTS,
         "t.repro:4: bad regular expression /x{2}/: counted repetition {m,n} is not supported"},
        {HEAD VARIANTS "expect buggy crash /x/ rate >= 2\n",
         "t.repro:6: expect buggy crash: rate must be a number in (0, 1), e.g. 0.5 or 50%"},
        {HEAD VARIANTS "expect fixed no-crash upper <= 0.0.1\n",
         "t.repro:6: expect fixed no-crash: upper must be a number in (0, 1), e.g. 0.01 or 1%"},
        {HEAD VARIANTS "expect fixed survives\n",
         "t.repro:6: expect fixed: 'survives' is none of 'crash', 'hang', 'no-crash'"},
        {HEAD VARIANTS "expect buggy hang /timeout/ rate >= 0.5\n", "t.repro:6: expect buggy hang: wants rate >= R"},
        {HEAD VARIANTS "expect buggy hang rate >= 1\n",
         "t.repro:6: expect buggy hang: rate must be a number in (0, 1), e.g. 0.5 or 50%"},
        {HEAD VARIANTS "expect buggy hang rate >= 0.5 soon\n", "t.repro:6: expect buggy: unexpected 'soon' at the end"},
        {HEAD VARIANTS "expect fixed no-crash upper <= 0.01 please\n",
         "t.repro:6: expect fixed: unexpected 'please' at the end"},
        {HEAD "command again\n" VARIANTS EXPECTS,
         "t.repro:4: 'command' given twice (first at line 3); use 'args' to add arguments"},
        {"name t\nissue https://example.org/1\nargs x\n" VARIANTS EXPECTS, "t.repro:3: 'args' before 'command'"},
        {HEAD "variant 'x' y\n" VARIANTS EXPECTS,
         "t.repro:4: variant: wants a name (letters, digits, _ - .) then its arguments"},
        {HEAD "variant z 'open\n" VARIANTS EXPECTS, "t.repro:4: unterminated ' quote"},
        {HEAD "args --seed={sede}\n" VARIANTS EXPECTS,
         "t.repro:4: unknown placeholder {sede} (known: {seed}, {build}, {exe}, in lower case)"},
        {HEAD "args --seed={Seed}\n" VARIANTS EXPECTS,
         "t.repro:4: unknown placeholder {Seed} (known: {seed}, {build}, {exe}, in lower case)"},
        {HEAD "trails 10\n" VARIANTS EXPECTS,
         "t.repro:4: unknown keyword 'trails'; did you mean 'trials'? (known: name issue description command "
         "args timeout trials confidence signature ignore hang-after-signature program-kind sigquit-grace "
         "variant expect)"},
        /* Every error of the spec, each on its line, in order. */
        {HEAD "trials many\ntimeout -1\n" VARIANTS "expect buggy crash /x/ rate >= 2\n"
              "expect fixed no-crash upper <= 0.01\n",
         "t.repro:4: trials: wants a whole number from 1 to 100000000, not 'many'\n"
         "t.repro:5: timeout: wants seconds > 0, e.g. 10, 10s or 500ms, not '-1'\n"
         "t.repro:8: expect buggy crash: rate must be a number in (0, 1), e.g. 0.5 or 50%"},
        {"name t\nissue https://example.org/1\nvariant a\nvariant b ./prog\n" "expect a no-crash upper <= 0.1\n",
         "t.repro:3: variant 'a' names no program, and there is no 'command' (give 'command', or the program "
         "as the variant's first word)"},
        /* Two variants running the same words: a forgotten flag, whether
         * the program is the spec's or the variants' own. */
        {HEAD "variant buggy --x\nvariant fixed --x\n" EXPECTS,
         "t.repro:5: variant 'fixed' runs exactly what variant 'buggy' (line 4) runs: give it its own "
         "arguments or program"},
        {"name t\nissue https://example.org/1\nvariant a ./p -v\nvariant b ./q -v\nvariant c ./p -v\n"
         "expect a no-crash upper <= 0.1\n",
         "t.repro:5: variant 'c' runs exactly what variant 'a' (line 3) runs: give it its own "
         "arguments or program"},
        {"name t\nissue see the tracker\n",
         "t.repro:2: issue: wants a http(s):// link or a short reference such as golang/go#17165 or JIRA-123, "
         "not 'see the tracker'"},
        {"name t\nname u\n", "t.repro:2: 'name' given twice (first at line 1)"},
        {"issue https://example.org/1\ncommand p\n" VARIANTS EXPECTS, "t.repro: missing 'name'"},
        {"name t\ncommand p\n" VARIANTS EXPECTS, "t.repro: missing 'issue' (the upstream issue this reproduces)"},
        {"name t\nissue https://example.org/1\n" EXPECTS, "t.repro: missing 'command'"},
        {HEAD "variant only\nexpect only no-crash upper <= 0.1\n",
         "t.repro: needs at least two 'variant' lines (e.g. buggy and fixed), has 1"},
        {HEAD VARIANTS, "t.repro: needs at least one 'expect' line"},
        {"", "t.repro: missing 'name'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const bad_spec_t *c = &cases[i];
        rl_spec_t s;
        char err[512] = "";
        cr_expect_eq(rl_spec_parse("t.repro", c->text, &s, err, sizeof err), -1, "accepted:\n%s", c->text);
        cr_expect_str_eq(err, c->error, "case %zu", i);
        cr_expect_null(s.name, "a failed parse leaves the spec empty");
        cr_expect_eq(s.nvariants, 0);
    }
}

Test(spec, missing_file)
{
    rl_spec_t s;
    char err[512] = "";
    cr_assert_eq(rl_spec_load("/nonexistent/x.repro", &s, err, sizeof err), -1);
    cr_assert_str_eq(err, "/nonexistent/x.repro: cannot open: No such file or directory");
}

Test(spec, issue_takes_a_link_or_a_short_reference)
{
    static const char *const ok[] = { "https://github.com/golang/go/issues/17165", "golang/go#17165",
                                      "JIRA-123", "b/1234", "#42" };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char text[512], err[512] = "";
        snprintf(text, sizeof text, "name t\nissue %s\ncommand p\n" VARIANTS EXPECTS, ok[i]);
        rl_spec_t s;
        cr_assert_eq(rl_spec_parse("t.repro", text, &s, err, sizeof err), 0, "%s: %s", ok[i], err);
        cr_assert_str_eq(s.issue, ok[i]);
        cr_assert_eq(rl_spec_issue_is_url(s.issue), i == 0);
        rl_spec_free(&s);
    }
}

/* Two binaries compared: no 'command', each variant names its program. */
Test(spec, variants_may_name_their_own_programs)
{
    rl_spec_t s;
    char err[512] = "";
    const char *text = "name ab\nissue JIRA-7\n"
                       "variant old ./build-old/prog --seed={seed}\n"
                       "variant new ./build-new/prog --seed={seed}\n"
                       "expect old crash rate >= 0.1\nexpect new no-crash upper <= 0.01\n";
    cr_assert_eq(rl_spec_parse("ab.repro", text, &s, err, sizeof err), 0, "%s", err);
    cr_assert_eq(s.argc, 0);
    cr_assert_str_eq(s.variants[0].argv[0], "./build-old/prog");
    cr_assert_str_eq(s.variants[1].argv[0], "./build-new/prog");
    rl_spec_free(&s);
}
