/* test_results.c - the results file: exact round trips, strict reading,
 * and what a kill mid-write leaves behind. */
#include "rltest.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/results.h"

static char dir[256];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/rl-results-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
    char path[300];
    snprintf(path, sizeof path, "%s/sub/trials.jsonl", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/sub", dir);
    rmdir(path);
    snprintf(path, sizeof path, "%s/trials.jsonl", dir);
    unlink(path);
    rmdir(dir);
}

static char *odd_argv[] = {
    "plain", "with space", "quote\" back\\slash", "ctl\x01\x1f\x7f tab\t nl\n cr\r",
    "utf8 \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "bad \xff \xc3 \xed\xa0\x80 \xc2\xa9", "", NULL,
};

static rl_trial_t odd_trial(void)
{
    rl_trial_t t = {
        .spec = "go-17165", .variant = "buggy", .index = 123456, .seed = UINT64_MAX,
        .argc = 7, .argv = odd_argv, .outcome = RL_OUTCOME_CRASH,
        .signature = "fatal error: malloc deadlock \"\xfe\"", .exit_status = 2, .term_signal = 0,
        .exception = 0xC0000005u, .started_s = 12.5, .duration_s = 1.000001, .log = "logs/123456.log",
        .printed = "fatal error: malloc deadlock \"\xfe\"\t\x1b[31m",
    };
    return t;
}

static void assert_same(const rl_trial_t *a, const rl_trial_t *b)
{
    cr_assert_str_eq(a->spec, b->spec);
    cr_assert_str_eq(a->variant, b->variant);
    cr_assert_eq(a->index, b->index);
    cr_assert_eq(a->seed, b->seed);
    cr_assert_eq(a->argc, b->argc);
    for (int i = 0; i < a->argc; i++)
        cr_assert_str_eq(a->argv[i], b->argv[i], "argv[%d]", i);
    cr_assert_eq(a->outcome, b->outcome);
    if (a->signature == NULL)
        cr_assert_null(b->signature);
    else
        cr_assert_str_eq(a->signature, b->signature);
    cr_assert_eq(a->exit_status, b->exit_status);
    cr_assert_eq(a->term_signal, b->term_signal);
    cr_assert_eq(a->exception, b->exception);
    cr_assert_float_eq(a->started_s, b->started_s, 1e-6);
    cr_assert_float_eq(a->duration_s, b->duration_s, 1e-6);
    if (a->log == NULL)
        cr_assert_null(b->log);
    else
        cr_assert_str_eq(a->log, b->log);
    if (a->printed == NULL)
        cr_assert_null(b->printed);
    else
        cr_assert_str_eq(a->printed, b->printed);
}

Test(results, json_round_trip_is_exact)
{
    rl_trial_t t = odd_trial(), u;
    char *line = rl_trial_to_json(&t);
    cr_assert_not_null(line);
    cr_assert_null(strchr(line, '\n'), "one line");
    for (const unsigned char *p = (const unsigned char *)line; *p; p++)
        cr_assert_geq(*p, 0x20, "no raw control characters");
    cr_assert_not_null(strstr(line, "\"seed\":18446744073709551615"));
    cr_assert_not_null(strstr(line, "\"racelab\":1"));
    char err[256];
    cr_assert_eq(rl_trial_from_json(line, &u, err, sizeof err), 0, "%s", err);
    assert_same(&t, &u);
    rl_trial_free(&u);
    free(line);
}

Test(results, pass_trial_has_nulls)
{
    rl_trial_t t = {.spec = "s", .variant = "", .outcome = RL_OUTCOME_PASS, .exit_status = 0}, u;
    char *line = rl_trial_to_json(&t);
    cr_assert_not_null(strstr(line, "\"signature\":null"));
    cr_assert_not_null(strstr(line, "\"argv\":[]"));
    cr_assert_null(strstr(line, "\"printed\""), "no line, no field: %s", line);
    char err[256];
    cr_assert_eq(rl_trial_from_json(line, &u, err, sizeof err), 0, "%s", err);
    assert_same(&t, &u);
    rl_trial_free(&u);
    free(line);
}

Test(results, field_order_and_unknown_fields)
{
    const char *line = " { \"outcome\" : \"hang\", \"argv\":[\"a\\u00e9\",\"\\u20ac\\ud83d\\ude00\"],"
                       "\"future\":{\"x\":[1,2.5e3,true,null]}, \"seed\":7,\"index\":0,"
                       "\"variant\":\"v\",\"spec\":\"s\",\"racelab\":1 } ";
    rl_trial_t u;
    char err[256];
    cr_assert_eq(rl_trial_from_json(line, &u, err, sizeof err), 0, "%s", err);
    cr_assert_eq(u.outcome, RL_OUTCOME_HANG);
    cr_assert_str_eq(u.argv[0], "a\xe9"); /* \u00XX is the raw byte */
    cr_assert_str_eq(u.argv[1], "\xe2\x82\xac\xf0\x9f\x98\x80");
    cr_assert_eq(u.seed, 7);
    cr_assert_eq(u.exit_status, -1, "absent exit status means did not exit");
    rl_trial_free(&u);
}

/* A line written before "printed" existed loads, without one; a copy of a
 * trial keeps it. */
Test(results, printed_is_optional_and_copied)
{
    const char *old = "{\"racelab\":1,\"spec\":\"run\",\"variant\":\"\",\"index\":3,\"seed\":9,\"argv\":[\"x\"],"
                      "\"outcome\":\"crash\",\"signature\":\"--- FAIL: TestX (?s)\",\"exit_status\":1,"
                      "\"term_signal\":0,\"exception\":0,\"started_s\":0.1,\"duration_s\":0.2,\"log\":null}";
    rl_trial_t u, c;
    char err[256];
    cr_assert_eq(rl_trial_from_json(old, &u, err, sizeof err), 0, "%s", err);
    cr_assert_null(u.printed);
    cr_assert_str_eq(u.signature, "--- FAIL: TestX (?s)");
    rl_trial_free(&u);
    rl_trial_t t = odd_trial();
    cr_assert_eq(rl_trial_copy(&c, &t), 0);
    assert_same(&t, &c);
    cr_assert(c.printed != t.printed, "a deep copy");
    rl_trial_free(&c);
    char *bad = "{\"racelab\":1,\"spec\":\"s\",\"variant\":\"v\",\"index\":0,\"seed\":1,\"argv\":[],"
                "\"outcome\":\"crash\",\"printed\":7}";
    cr_assert_eq(rl_trial_from_json(bad, &u, err, sizeof err), -1, "a number for \"printed\" is refused");
}

typedef struct {
    const char *line, *error;
} bad_line_t;

#define OK_HEAD "{\"racelab\":1,\"spec\":\"s\",\"variant\":\"v\",\"index\":0,\"argv\":[],\"outcome\":\"pass\""

/* One test over the table: Criterion's parameterized tests copy their
 * parameters into a fresh process, where string pointers are not valid. */
Test(results, rejects_line)
{
    static const bad_line_t cases[] = {
        {"[]", "column 1: expected a JSON object"},
        {OK_HEAD "}", "column 76: missing field \"seed\""},
        {OK_HEAD ",\"seed\":18446744073709551616}", "column 83: \"seed\" is larger than 2^64-1"},
        {OK_HEAD ",\"seed\":-1}", "column 83: \"seed\" wants a non-negative integer"},
        {OK_HEAD ",\"seed\":1.5}", "column 83: \"seed\" wants an integer"},
        {OK_HEAD ",\"seed\":1,\"seed\":2}", "column 85: field \"seed\" given twice"},
        {"{\"outcome\":\"boom\"}", "column 18: \"outcome\" must be pass, crash, hang or error"},
        {OK_HEAD ",\"seed\":1", "column 84: expected ',' or '}'"},
        {OK_HEAD ",\"seed\":1} x", "column 86: unexpected text after the object"},
        {"{\"racelab\":2}", "column 13: results schema 2 is not supported (this racelab reads 1)"},
        {"{\"spec\":\"a\tb\"}", "column 11: raw control character in a string"},
        {"{\"spec\":\"\\ud800\"}", "column 16: lone surrogate in a string"},
        {"{\"spec\":\"\\u0000\"}", "column 16: \\u0000 cannot be held in a C string"},
        {"{\"spec\":\"\\q\"}", "column 10: bad escape in a string"},
        {"{\"index\":-3}", "column 10: \"index\" is out of range"},
        {"{\"spec\" 1}", "column 9: expected ':'"},
        /* It could not be written back as read (fixed-point seconds). */
        {"{\"started_s\":0.0005e94}", "column 14: \"started_s\" wants seconds from 0 to 1000000000 (got 0.0005e94)"},
        {"{\"duration_s\":-0.5}", "column 15: \"duration_s\" wants seconds from 0 to 1000000000 (got -0.5)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const bad_line_t *c = &cases[i];
        rl_trial_t u;
        char err[256] = "";
        cr_expect_eq(rl_trial_from_json(c->line, &u, err, sizeof err), -1, "accepted %s", c->line);
        cr_expect_str_eq(err, c->error, "for %s", c->line);
        cr_expect_null(u.spec, "nothing leaks out of a failed parse");
    }
}

Test(results, append_then_read_back, .init = make_dir, .fini = remove_dir)
{
    char sub[300], err[256];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    rl_results_t r;
    cr_assert_eq(rl_results_open(&r, sub, err, sizeof err), 0, "%s", err);
    rl_trial_t t = odd_trial();
    for (long i = 0; i < 5; i++) {
        t.index = i;
        t.seed = UINT64_MAX - (uint64_t)i;
        cr_assert_eq(rl_results_append(&r, &t, err, sizeof err), 0, "%s", err);
    }
    rl_results_close(&r);
    rl_trial_list_t list = {0};
    cr_assert_eq(rl_results_read(sub, &list, err, sizeof err), 0, "%s", err);
    cr_assert_eq(list.n, 5);
    for (size_t i = 0; i < list.n; i++) {
        t.index = (long)i;
        t.seed = UINT64_MAX - i;
        assert_same(&t, &list.trials[i]);
    }
    rl_trial_list_free(&list);
}

/* The kill guarantee: once append returns, the line is in the OS (another
 * reader sees it) although the file is neither synced nor closed. */
Test(results, appended_line_is_visible_before_sync_and_close, .init = make_dir, .fini = remove_dir)
{
    char err[256];
    rl_results_t r;
    cr_assert_eq(rl_results_open(&r, dir, err, sizeof err), 0, "%s", err);
    rl_trial_t t = odd_trial();
    cr_assert_eq(rl_results_append(&r, &t, err, sizeof err), 0, "%s", err);
    rl_trial_list_t list = {0};
    cr_assert_eq(rl_results_read(dir, &list, err, sizeof err), 0, "%s", err);
    cr_assert_eq(list.n, 1, "the line must reach the OS before any sync");
    assert_same(&t, &list.trials[0]);
    rl_trial_list_free(&list);
    cr_assert_eq(rl_results_sync(&r, err, sizeof err), 0, "%s", err);
    cr_assert_eq(rl_results_sync(&r, err, sizeof err), 0, "nothing new: %s", err);
    rl_results_close(&r);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

#define LINE(i) OK_HEAD ",\"seed\":" #i "}\n"

Test(results, corrupt_line_is_named_and_earlier_trials_kept, .init = make_dir, .fini = remove_dir)
{
    char path[300], err[300], want[400];
    snprintf(path, sizeof path, "%s/trials.jsonl", dir);
    write_file(path, LINE(1) LINE(2) "{\"racelab\":1,garbage}\n" LINE(4));
    rl_trial_list_t list = {0};
    cr_assert_eq(rl_results_read(dir, &list, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:3: column 14: expected a string", path);
    cr_assert_str_eq(err, want);
    cr_assert_eq(list.n, 2);
    cr_assert_eq(list.trials[1].seed, 2);
    rl_trial_list_free(&list);
}

Test(results, truncated_tail_is_reported_then_dropped_on_resume, .init = make_dir, .fini = remove_dir)
{
    char path[300], err[300], want[400];
    snprintf(path, sizeof path, "%s/trials.jsonl", dir);
    write_file(path, LINE(1) LINE(2) "{\"racelab\":1,\"spec\":\"s\",\"var");
    rl_trial_list_t list = {0};
    cr_assert_eq(rl_results_read(path, &list, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:3: truncated: the last line has no newline (a write cut short)", path);
    cr_assert_str_eq(err, want);
    cr_assert_eq(list.n, 2);
    rl_trial_list_free(&list);

    /* A resumed run appends after the last whole line. */
    rl_results_t r;
    cr_assert_eq(rl_results_open(&r, dir, err, sizeof err), 0, "%s", err);
    rl_trial_t t = {.spec = "s", .variant = "v", .index = 2, .seed = 3, .outcome = RL_OUTCOME_PASS};
    cr_assert_eq(rl_results_append(&r, &t, err, sizeof err), 0, "%s", err);
    rl_results_close(&r);
    cr_assert_eq(rl_results_read(path, &list, err, sizeof err), 0, "%s", err);
    cr_assert_eq(list.n, 3);
    cr_assert_eq(list.trials[2].seed, 3);
    rl_trial_list_free(&list);
}

static int count_until_seed_3(void *ctx, rl_trial_t *t)
{
    long *n = ctx;
    (*n)++;
    return t->seed == 3 ? 7 : 0;
}

/* Streaming: every trial in order, the callback's stop value comes back,
 * and a bad line after good ones is still named. */
Test(results, each_streams_and_stops, .init = make_dir, .fini = remove_dir)
{
    char path[300], err[300], want[400];
    snprintf(path, sizeof path, "%s/trials.jsonl", dir);
    write_file(path, LINE(1) LINE(2) LINE(3) LINE(4) "{oops}\n");
    long n = 0;
    cr_assert_eq(rl_results_each(dir, count_until_seed_3, &n, err, sizeof err), 7);
    cr_assert_eq(n, 3);
    write_file(path, LINE(1) LINE(2) "{oops}\n");
    n = 0;
    cr_assert_eq(rl_results_each(path, count_until_seed_3, &n, err, sizeof err), -1);
    cr_assert_eq(n, 2);
    snprintf(want, sizeof want, "%s:3: column 2: expected a string", path);
    cr_assert_str_eq(err, want);
}

Test(results, missing_file_is_an_error)
{
    rl_trial_list_t list = {0};
    char err[300];
    cr_assert_eq(rl_results_read("/nonexistent/dir", &list, err, sizeof err), -1);
    cr_assert_str_eq(err, "/nonexistent/dir: cannot open: No such file or directory");
}

Test(results, trial_copy_is_deep)
{
    rl_trial_t t = odd_trial(), c;
    cr_assert_eq(rl_trial_copy(&c, &t), 0);
    cr_assert_neq(c.argv, t.argv);
    cr_assert_null(c.argv[c.argc]);
    assert_same(&t, &c);
    rl_trial_free(&c);
    cr_assert_null(c.spec);
    cr_assert_eq(rl_outcome_parse("hang"), RL_OUTCOME_HANG);
    cr_assert_eq(rl_outcome_parse("Hang"), -1);
    cr_assert_str_eq(rl_outcome_name(RL_OUTCOME_ERROR), "error");
    cr_assert_null(rl_outcome_name(RL_OUTCOME_COUNT));
}
