/* test_regex.c - the portable ERE subset. */
#include "rltest.h"

#include "util/regex.h"

typedef struct {
    const char *re, *text;
    int match;
} re_case_t;

/* Tables run in one test: Criterion's parameterized tests copy their
 * parameters into a fresh process, where string pointers are not valid. */
Test(regex, search)
{
    static const re_case_t cases[] = {
        {"malloc deadlock", "fatal error: malloc deadlock", 1},
        {"^fatal error: ", "fatal error: x", 1},
        {"^error", "fatal error", 0},
        {"deadlock$", "malloc deadlock", 1},
        {"deadlock$", "malloc deadlock!", 0},
        {"a|b", "xxb", 1},
        {"(ab)+c$", "ababc", 1},
        {"(ab)+c$", "abcx", 0},
        {"[[:digit:]]+ms", "took 12ms", 1},
        {"[^a-z]", "abc", 0},
        {"(a*)*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", 0}, /* no blow-up */
        {"colou?r", "color", 1},
        {"a\\.b", "a.b", 1},
        {"a\\.b", "axb", 0},
        {"", "anything", 1},
        {"(a|)b", "b", 1},
        {"SIG(SEGV|BUS)", "signal SIGBUS: bus error", 1},
        {"[]a]", "]", 1},
        {"x.y", "x\ny", 1},
        {"panic: |fatal error: ", "panic: boom", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const re_case_t *c = &cases[i];
        cr_expect_eq(rl_regex_match_once(c->re, c->text), c->match, "/%s/ on \"%s\"", c->re, c->text);
    }
}

typedef struct {
    const char *re, *why;
} bad_case_t;

Test(regex, rejects)
{
    static const bad_case_t cases[] = {
        {"(a", "unmatched ("},
        {"a)", "unmatched )"},
        {"[a", "unmatched ["},
        {"*a", "repetition operator with nothing before it"},
        {"a{2}", "counted repetition {m,n} is not supported"},
        {"[[:foo:]]", "unknown character class in [ ]"},
        {"a\\", "trailing backslash"},
        {"[z-a]", "invalid range in [ ]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const bad_case_t *c = &cases[i];
        char err[128] = "";
        rl_regex_t *re = rl_regex_compile(c->re, err, sizeof err);
        cr_expect_null(re, "/%s/ compiled", c->re);
        rl_regex_free(re);
        cr_expect_str_eq(err, c->why, "/%s/", c->re);
    }
}
