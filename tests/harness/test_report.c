/* test_report.c - the report writers on one fixed summary: text compared
 * byte for byte, XML and HTML checked for well-formedness, JSON for shape. */
#include "rltest.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/report.h"

static rl_spec_t spec;
static rl_tally_t tallies[2];
static rl_expect_result_t results[2];
static rl_summary_t sum;

static void add(rl_tally_t *t, long n, rl_outcome_t o, const char *sig, const rl_regex_t *re)
{
    for (long i = 0; i < n; i++) {
        rl_trial_t tr = {.index = 2 * t->n, .outcome = o, .signature = (char *)sig,
                         .started_s = 0.5 * (double)t->n, .duration_s = 1.0};
        cr_assert_eq(rl_tally_add(t, &tr, re), 0);
    }
}

/* buggy: 9 matching crashes, 1 odd crash (with XML/Markdown specials), 2
 * passes; fixed: 299 passes.  Judged with sequential = 0, as a check does
 * for whatever is still undecided when it stops. */
static void setup(void)
{
    char err[256];
    const char *text = "name go-17165\n"
                       "issue https://github.com/golang/go/issues/17165\n"
                       "description guard <on> the wrong M & more\n"
                       "command prog --seed={seed}\n"
                       "variant buggy --guard=target\n"
                       "variant fixed --guard=self\n"
                       "expect buggy crash /malloc deadlock/ rate >= 0.5\n"
                       "expect fixed no-crash upper <= 0.01\n";
    cr_assert_eq(rl_spec_parse("go.repro", text, &spec, err, sizeof err), 0, "%s", err);
    rl_tally_init(&tallies[0], "buggy");
    rl_tally_init(&tallies[1], "fixed");
    const rl_regex_t *re = spec.expects[0].signature;
    add(&tallies[0], 9, RL_OUTCOME_CRASH, "fatal error: malloc deadlock", re);
    add(&tallies[0], 1, RL_OUTCOME_CRASH, "signal <SIGSEGV> & \"x\" | y\x01", re);
    add(&tallies[0], 2, RL_OUTCOME_PASS, NULL, re);
    add(&tallies[1], 299, RL_OUTCOME_PASS, NULL, NULL);
    for (int i = 0; i < 2; i++) {
        results[i].expect = &spec.expects[i];
        results[i].result = rl_judge(&spec.expects[i], &tallies[i], &spec, 0, results[i].why, sizeof results[i].why);
    }
    sum = (rl_summary_t){.spec = &spec, .ntallies = 2, .tallies = tallies, .nresults = 2, .results = results,
                         .sequential = 1, .wall_s = 151.25};
    rl_summary_finish(&sum);
}

static void teardown(void)
{
    rl_tally_free(&tallies[0]);
    rl_tally_free(&tallies[1]);
    rl_spec_free(&spec);
}

TestSuite(report, .init = setup, .fini = teardown);

/* Runs a writer into a malloc'd string. */
static char *render(const char *name)
{
    const rl_report_writer_t *w = rl_report_writer(name);
    cr_assert_not_null(w, "writer %s", name);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    const rl_summary_t *s[1] = {&sum};
    cr_assert_eq(w->write(f, s, 1), 0);
    fclose(f);
    return buf;
}

Test(report, summary_finish)
{
    cr_assert_eq(results[0].result, RL_JUDGE_FAILS, "9/12 has a lower bound below 50%%");
    cr_assert_eq(results[1].result, RL_JUDGE_HOLDS);
    cr_assert_eq(sum.passed, 0);
    cr_assert_str_eq(sum.fisher_a, "buggy");
    cr_assert_str_eq(sum.fisher_b, "fixed");
    cr_assert_float_eq(sum.fisher_p, 5.0e-17, 5e-17); /* tiny, well below 1e-15 */
    cr_assert_eq(sum.fixed_n_plan, 600);
}

Test(report, text_exact)
{
    char *out = render("text");
    const char *want =
        "go-17165: guard <on> the wrong M & more\n"
        "  https://github.com/golang/go/issues/17165\n"
        "  buggy: 12 trials: 2 pass, 10 crash, 0 hang, 0 error\n"
        "    crash rate 83.3%, Wilson 95% [55.2%, 95.3%]\n"
        "    first crash after 1.00 s (trial 0)\n"
        "         9  fatal error: malloc deadlock\n"
        "         1  signal <SIGSEGV> & \"x\" | y\\x01\n"   /* a control shown escaped */
        "  fixed: 299 trials: 299 pass, 0 crash, 0 hang, 0 error\n"
        "    crash rate 0.0%, Wilson 95% [0.0%, 1.27%], exact one-sided upper bound 0.997%\n"
        "  Fisher's exact test, buggy crashes more often than fixed: one-sided p = %P\n"
        "  \xE2\x9C\x98 buggy crash /malloc deadlock/ rate >= 0.5\n"
        "      %W0\n"
        "  \xE2\x9C\x94 fixed no-crash upper <= 0.01\n"
        "      0/299 crashes: rate 0.0% [0.0%, 1.27%], exact upper bound 0.997% <= 1.00%\n"
        "  sequential stopping: 311 trials instead of the fixed-N plan's 600, saved 289 (48.2%)\n"
        "  co-load: none\n"
        "  FAIL in 151.2 s\n";
    /* The two values computed elsewhere are spliced in rather than
     * retyped, so this compares layout and every other number. */
    char p[32], expected[4096];
    snprintf(p, sizeof p, "%.3g", sum.fisher_p);
    const char *a = strstr(want, "%P"), *b = strstr(want, "%W0");
    snprintf(expected, sizeof expected, "%.*s%s%.*s%s%s", (int)(a - want), want, p, (int)(b - a - 2), a + 2,
             results[0].why, b + 3);
    cr_assert_str_eq(out, expected);
    free(out);
}

Test(report, verdict_sentence_in_text)
{
    cr_assert_str_eq(results[0].why, "9/12 crashes matched /malloc deadlock/: rate 75.0% [46.8%, 91.1%], lower bound "
                                     "47.3% < 50.0% (not counted: 1 other crash, 0 hangs, 0 errors)");
}

/* A small XML well-formedness check: matched tags, quoted attributes,
 * known entities, no raw control characters. */
static int xml_ok(const char *s, char *why, size_t len)
{
    const char *stack[64];
    size_t sl[64];
    int depth = 0, root_seen = 0;
    while (*s) {
        if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t' && *s != '\r')
            return snprintf(why, len, "control character"), 0;
        if (*s == '&') {
            const char *e = strchr(s, ';');
            if (!e || !(strncmp(s, "&amp;", 5) == 0 || strncmp(s, "&lt;", 4) == 0 || strncmp(s, "&gt;", 4) == 0 ||
                        strncmp(s, "&quot;", 6) == 0 || strncmp(s, "&apos;", 6) == 0 || s[1] == '#'))
                return snprintf(why, len, "bad entity at %.10s", s), 0;
            s = e + 1;
            continue;
        }
        if (*s != '<') {
            s++;
            continue;
        }
        if (!strncmp(s, "<?", 2) || !strncmp(s, "<!", 2)) {
            s = strchr(s, '>');
            if (!s)
                return snprintf(why, len, "unclosed declaration"), 0;
            s++;
            continue;
        }
        int closing = s[1] == '/';
        const char *name = s + 1 + closing;
        size_t nl = strcspn(name, " \t\n/>");
        const char *p = name + nl;
        while (*p && *p != '>' && !(*p == '/' && p[1] == '>')) {
            if (*p == '"') {
                p = strchr(p + 1, '"');
                if (!p)
                    return snprintf(why, len, "unterminated attribute"), 0;
                for (const char *q = name; q < p; q++)
                    if (*q == '<')
                        return snprintf(why, len, "< inside a tag"), 0;
            }
            p++;
        }
        if (!*p)
            return snprintf(why, len, "unclosed tag"), 0;
        int empty = *p == '/';
        if (closing) {
            if (depth == 0 || sl[depth - 1] != nl || strncmp(stack[depth - 1], name, nl))
                return snprintf(why, len, "mismatched </%.*s>", (int)nl, name), 0;
            depth--;
        } else if (!empty) {
            if (depth == 0 && root_seen)
                return snprintf(why, len, "second root"), 0;
            root_seen = 1;
            stack[depth] = name;
            sl[depth++] = nl;
        }
        s = p + (empty ? 2 : 1);
    }
    if (depth != 0)
        return snprintf(why, len, "unclosed <%.*s>", (int)sl[depth - 1], stack[depth - 1]), 0;
    return root_seen;
}

Test(report, xml_checker_catches_errors)
{
    char why[128];
    cr_assert(xml_ok("<a><b x=\"1\"/>t &amp; u</a>", why, sizeof why));
    cr_assert_not(xml_ok("<a><b></a></b>", why, sizeof why));
    cr_assert_not(xml_ok("<a>x & y</a>", why, sizeof why));
    cr_assert_not(xml_ok("<a>\x01</a>", why, sizeof why));
}

Test(report, junit_is_well_formed_with_signatures)
{
    char *out = render("junit");
    char why[128] = "";
    cr_assert(xml_ok(out, why, sizeof why), "%s\n%s", why, out);
    cr_assert(strstr(out, "<testsuites name=\"racelab\" tests=\"2\" failures=\"1\"") != NULL);
    cr_assert(strstr(out, "<testsuite name=\"go-17165\" tests=\"2\" failures=\"1\"") != NULL);
    cr_assert(strstr(out, "name=\"buggy crash /malloc deadlock/ rate &gt;= 0.5\"") != NULL);
    cr_assert(strstr(out, "signatures: 9x fatal error: malloc deadlock, 1x signal &lt;SIGSEGV&gt; &amp; "
                          "&quot;x&quot; | y\\x01") != NULL, "%s", out);
    cr_assert_eq(strstr(out, "<failure") - strstr(out, "buggy crash") > 0, 1);
    cr_assert(strstr(out, "<system-out>0/299 crashes") != NULL);
    free(out);
}

Test(report, html_is_self_contained_with_chart)
{
    char *out = render("html");
    char why[128] = "";
    cr_assert(xml_ok(out, why, sizeof why), "%s", why);
    cr_assert(strstr(out, "<svg xmlns=\"http://www.w3.org/2000/svg\"") != NULL);
    cr_assert(strstr(out, "class=\"errbar\"") != NULL, "interval drawn as an error bar");
    cr_assert(strstr(out, "<rect") != NULL, "stacked outcome bars");
    cr_assert(strstr(out, "guard &lt;on&gt; the wrong M &amp; more") != NULL);
    cr_assert_null(strstr(out, "src="), "no external resources");
    cr_assert_null(strstr(out, "<script"));
    cr_assert_null(strstr(out, "stylesheet"));
    free(out);
}

Test(report, json_shape)
{
    char *out = render("json");
    const char *head = "{\"racelab\":1,\"passed\":false,\"specs\":[{\"name\":\"go-17165\"";
    cr_assert_eq(strncmp(out, head, strlen(head)), 0, "%s", out);
    cr_assert(strstr(out, "\"outcomes\":{\"pass\":2,\"crash\":10,\"hang\":0,\"error\":0}") != NULL);
    cr_assert(strstr(out, "{\"signature\":\"signal <SIGSEGV> & \\\"x\\\" | y\\u0001\",\"count\":1,"
                          "\"first_trial\":18,\"first_log\":null,\"replay\":null}") != NULL, "%s", out);
    cr_assert(strstr(out, "\"base_seed\":null,\"results_dir\":null") != NULL, "%s", out);
    cr_assert(strstr(out, "\"result\":\"holds\"") != NULL);
    cr_assert(strstr(out, "\"fisher\":{\"a\":\"buggy\",\"b\":\"fixed\",\"p\":") != NULL);
    int depth = 0, in_str = 0;
    for (const char *p = out; *p; p++) {
        if (in_str) {
            if (*p == '\\')
                p++;
            else if (*p == '"')
                in_str = 0;
        } else if (*p == '"') {
            in_str = 1;
        } else if (*p == '{' || *p == '[') {
            depth++;
        } else if (*p == '}' || *p == ']') {
            depth--;
        }
        cr_assert_geq(depth, 0);
    }
    cr_assert_eq(depth, 0);
    cr_assert_eq(in_str, 0);
    free(out);
}

Test(report, markdown_table)
{
    char *out = render("markdown");
    const char *head = "### \xE2\x9C\x98 go-17165: FAILED\n";
    cr_assert_eq(strncmp(out, head, strlen(head)), 0, "%s", out);
    cr_assert(strstr(out, "| buggy | 12 | 2 | 10 | 0 | 0 | 83.3% | [55.2%, 95.3%] | 1.00 s |") != NULL, "%s",
              out);
    cr_assert(strstr(out, "| fixed | 299 | 299 | 0 | 0 | 0 | 0.0% | [0.0%, 1.27%] | none |") != NULL);
    cr_assert(strstr(out, "signal &lt;SIGSEGV&gt; &amp; \"x\" \\| y\\\\x01") != NULL, "| is escaped in a cell");
    free(out);
}

/* The load a run's trials ran beside is in every format: "none" without
 * --co-load, its value with one. */
Test(report, co_load_in_every_format)
{
    static const char *const names[] = {"text", "json", "junit", "markdown", "html"};
    static const char *const none[] = {"  co-load: none\n", "\"co_load\":\"none\"",
                                       "<property name=\"co-load\" value=\"none\"/>", "Co-load: none.",
                                       "Co-load: none."};
    static const char *const four[] = {"  co-load: cpu=4\n", "\"co_load\":\"cpu=4\"",
                                       "<property name=\"co-load\" value=\"cpu=4\"/>", "Co-load: cpu=4.",
                                       "Co-load: cpu=4."};
    for (int i = 0; i < 5; i++) {
        char *out = render(names[i]);
        cr_assert(strstr(out, none[i]) != NULL, "%s: no '%s' in\n%s", names[i], none[i], out);
        free(out);
    }
    sum.co_load = "cpu=4";
    for (int i = 0; i < 5; i++) {
        char *out = render(names[i]);
        cr_assert(strstr(out, four[i]) != NULL, "%s: no '%s' in\n%s", names[i], four[i], out);
        cr_assert_null(strstr(out, none[i]), "%s", names[i]);
        free(out);
    }
    sum.co_load = NULL;
}

Test(report, writer_table_and_files)
{
    const char *names[] = {"text", "json", "junit", "markdown", "html"};
    for (int i = 0; i < 5; i++)
        cr_assert_not_null(rl_report_writer(names[i]), "%s", names[i]);
    cr_assert_null(rl_report_writer("pdf"));
    const rl_summary_t *s[1] = {&sum};
    cr_assert_eq(rl_report_write_file("pdf", "/tmp/x", s, 1), -1);
    cr_assert_eq(rl_report_write_file("json", "/nonexistent/dir/r.json", s, 1), -1);
    char path[] = "/tmp/rl-report-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    /* Closed before the report replaces it: Windows renames nothing over a
     * file that is still open. */
    close(fd);
    cr_assert_eq(rl_report_write_file("junit", path, s, 1), 0);
    FILE *f = fopen(path, "rb");
    char buf[64] = "";
    cr_assert_not_null(fgets(buf, sizeof buf, f));
    fclose(f);
    remove(path);
    cr_assert_str_eq(buf, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
}

Test(report, several_specs_in_one_report)
{
    const rl_summary_t *s[2] = {&sum, &sum};
    const char *names[] = {"junit", "html", "json", "text", "markdown"};
    for (int i = 0; i < 5; i++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        cr_assert_eq(rl_report_writer(names[i])->write(f, s, 2), 0);
        fclose(f);
        char why[128] = "";
        if (i < 2)
            cr_assert(xml_ok(buf, why, sizeof why), "%s: %s", names[i], why);
        /* Each spec appears once per summary. */
        const char *p = buf;
        int count = 0;
        while ((p = strstr(p, "go-17165")) != NULL) {
            count++;
            p++;
        }
        cr_assert_geq(count, 2, "%s", names[i]);
        if (i == 0)
            cr_assert(strstr(buf, "<testsuites name=\"racelab\" tests=\"4\" failures=\"2\"") != NULL);
        if (i == 2)
            cr_assert(strstr(buf, "]},{\"name\":\"go-17165\"") != NULL, "two spec objects");
        free(buf);
    }
}

/* What a CI reader acts on: the base seed, the results directory, and per
 * signature its first trial, that trial's log and the command that reruns
 * it (the directory quoted for a shell). */
Test(report, seed_directory_and_replay_commands)
{
    sum.results_dir = "results/it's here";
    sum.has_seed = 1;
    sum.base_seed = 414496992;
    rl_trial_t tr = {.index = 40, .outcome = RL_OUTCOME_CRASH, .signature = "fatal error: malloc deadlock",
                     .log = "results/it's here/logs/go-17165-buggy-40.log", .duration_s = 1.0};
    rl_trial_t early = tr;
    early.index = 7;   /* finished later, yet the lowest index: the first */
    early.log = "results/it's here/logs/go-17165-buggy-7.log";
    cr_assert_eq(rl_tally_add(&tallies[0], &tr, NULL), 0);
    cr_assert_eq(rl_tally_add(&tallies[0], &early, NULL), 0);
    char *out = render("text");
    const char *want =
        "go-17165: guard <on> the wrong M & more\n"
        "  https://github.com/golang/go/issues/17165\n"
        "  base seed 414496992; results in results/it's here\n"
        "  buggy: 14 trials: 2 pass, 12 crash, 0 hang, 0 error\n";
    cr_assert_eq(strncmp(out, want, strlen(want)), 0, "%s", out);
    /* The fixture's trials kept no log: the first of that bucket, trial 0,
     * has none; the new trial 7 is now the first of none (0 is lower). */
    cr_assert(strstr(out, "        11  fatal error: malloc deadlock\n"
                          "            first: trial 0; rerun: racelab replay --spec go-17165 'results/it'\\''s here' 0\n")
                  != NULL, "%s", out);
    free(out);
    char *j = render("json");
    cr_assert(strstr(j, "\"base_seed\":414496992,\"results_dir\":\"results/it's here\"") != NULL, "%s", j);
    cr_assert(strstr(j, "\"replay\":\"racelab replay --spec go-17165 'results/it'\\\\''s here' 18\"") != NULL, "%s", j);
    free(j);
    char *h = render("html");
    cr_assert(strstr(h, "<p>base seed 414496992; results in results/it&apos;s here</p>") ||
              strstr(h, "<p>base seed 414496992; results in results/it's here</p>"), "%s", h);
    cr_assert(strstr(h, "rerun: <code>racelab replay --spec go-17165") != NULL, "%s", h);
    free(h);
    sum.results_dir = NULL;
    sum.has_seed = 0;
}

/* Every format shows a signature's first line as printed beside its first
 * trial, escaped as the format escapes trial bytes, and only when it
 * differs from the signature. */
Test(report, the_line_as_printed_beside_the_first_trial)
{
    sum.results_dir = "res";
    rl_trial_t a = {.index = 3, .outcome = RL_OUTCOME_CRASH, .signature = "--- FAIL: TestX (?s)",
                    .printed = "--- FAIL: TestX (0.03s) \x1b[31m<&>", .duration_s = 1.0};
    rl_trial_t b = a;
    b.index = 1;   /* the first: its line is the one shown (the failing
                    * variant: JUnit names its signatures) */
    b.printed = "--- FAIL: TestX (0.01s) \x1b[31m<&>";
    rl_trial_t same = {.index = 2, .outcome = RL_OUTCOME_CRASH, .signature = "fatal error: same",
                       .printed = "fatal error: same", .duration_s = 1.0};
    cr_assert_eq(rl_tally_add(&tallies[0], &a, NULL), 0);
    cr_assert_eq(rl_tally_add(&tallies[0], &b, NULL), 0);
    cr_assert_eq(rl_tally_add(&tallies[0], &same, NULL), 0);
    static const struct { const char *format, *want; } cases[] = {
        { "text", "            as printed: --- FAIL: TestX (0.01s) \\x1B[31m<&>\n" },
        { "markdown", "; as printed: --- FAIL: TestX (0.01s) \\\\x1B\\[31m&lt;&amp;&gt;; rerun:" },
        { "html", "; as printed: <code>--- FAIL: TestX (0.01s) \\x1B[31m&lt;&amp;&gt;</code>" },
        { "json", "\"first_printed\":\"--- FAIL: TestX (0.01s) \\u001b[31m<&>\"" },
        { "junit", "(first as printed: --- FAIL: TestX (0.01s) \\x1B[31m&lt;&amp;&gt;)" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = render(cases[i].format);
        cr_assert(strstr(out, cases[i].want) != NULL, "%s: no \"%s\" in:\n%s", cases[i].format, cases[i].want, out);
        cr_assert(strstr(out, "(0.03s)") == NULL, "%s: not the first trial's line:\n%s", cases[i].format, out);
        cr_assert(strchr(out, 0x1b) == NULL, "%s: a raw ESC", cases[i].format);
        const char *p = strstr(out, "fatal error: same");
        cr_assert(p != NULL, "%s", out);
        cr_assert(strstr(p + 1, "fatal error: same") == NULL || !strcmp(cases[i].format, "markdown") ||
                      !strcmp(cases[i].format, "html"),
                  "%s: a line that is its own signature is shown again:\n%s", cases[i].format, out);
        free(out);
    }
    sum.results_dir = NULL;
}

/* A bucket's first trial is its lowest index, and its log that trial's. */
Test(report, first_trial_of_a_signature_is_its_lowest_index)
{
    rl_tally_t t;
    rl_tally_init(&t, "v");
    static const long order[] = { 12, 5, 9 };
    for (int i = 0; i < 3; i++) {
        char log[32];
        snprintf(log, sizeof log, "logs/%ld.log", order[i]);
        rl_trial_t tr = {.index = order[i], .outcome = RL_OUTCOME_CRASH, .signature = "boom", .log = log};
        cr_assert_eq(rl_tally_add(&t, &tr, NULL), 0);
    }
    cr_assert_eq(t.nbuckets, 1);
    cr_assert_eq(t.buckets[0].first_index, 5);
    cr_assert_str_eq(t.buckets[0].first_log, "logs/5.log");
    rl_tally_free(&t);
}

/* Several specs: the page's verdict first; small rates get a zoomed chart. */
Test(report, html_overall_verdict_and_zoomed_small_rates)
{
    const rl_summary_t *s[2] = {&sum, &sum};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(rl_report_writer("html")->write(f, s, 2), 0);
    fclose(f);
    const char *v = strstr(buf, "<p class=\"fail verdict\"><strong>FAILED</strong>: 2 specs: 0 passed, 2 failed, 0 undecided</p>");
    const char *first = strstr(buf, "<section>");
    cr_assert(v && first && v < first, "the verdict comes before the first spec: %s", buf);
    free(buf);
    char *one = render("html");
    cr_assert(!strstr(one, "verdict\">"), "one spec: its own heading is the verdict");
    /* fixed: 0/299, Wilson upper 1.27%: drawn again on a 0-2% axis. */
    cr_assert(strstr(one, "small rates, zoomed: axis 0 to 2%") != NULL, "%s", one);
    cr_assert(strstr(one, ">0.5%</text>") != NULL, "the zoomed axis' ticks");
    free(one);
}
