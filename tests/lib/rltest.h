/* rltest.h - the tests' one assertion API: Criterion's (Test, TestSuite,
 * ParameterizedTest, cr_assert*, cr_expect*, cr_log*, cr_skip_test).
 *
 * Built with Criterion (RLTEST_CRITERION, set by tests/lib/meson.build when
 * Criterion is found) this is Criterion itself.  Without it (mingw-w64: no
 * Criterion for Windows here) rltest.c implements the same macros: tests
 * registered by constructors and run in one process in the order they are
 * written, TAP on stdout.  A failed cr_assert ends its test, a failed
 * cr_expect marks it failed and lets it go on; either way the run goes on
 * to the next test and exits 1 if any failed.  There is no per-test
 * process: a crash ends the run (meson reports the missing tests), and
 * .timeout is left to meson's per-executable timeout. */
#ifndef RLTEST_H
#define RLTEST_H

#ifdef RLTEST_CRITERION

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#else /* the portable implementation */

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__MINGW_PRINTF_FORMAT)
#define RLT_PRINTF(f, a) __attribute__((format(__MINGW_PRINTF_FORMAT, f, a)))
#define RLT_NORETURN __attribute__((noreturn))
#elif defined(__GNUC__) || defined(__clang__)
#define RLT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define RLT_NORETURN __attribute__((noreturn))
#else
#define RLT_PRINTF(f, a)
#define RLT_NORETURN
#endif

/* Options of Test() and TestSuite(), by the names Criterion gives them. */
struct rlt_opts {
    int line_; /* first member, so that "{ .line_ = N, __VA_ARGS__ }" is valid when empty */
    void (*init)(void);
    void (*fini)(void);
    double timeout; /* ignored: meson's timeout covers the executable */
    int disabled;
    const char *description;
};

/* What ParameterizedTestParameters returns (cr_make_param_array). */
struct rlt_params {
    void *items;
    size_t count, size;
};

struct rlt_test {
    const char *suite, *name;
    void (*fn)(void);                 /* a plain test */
    void (*pfn)(void *);              /* a parameterized test ... */
    struct rlt_params (*params)(void); /* ... and its parameters */
    struct rlt_opts opts;
    struct rlt_test *next;
};

struct rlt_suite {
    const char *name;
    struct rlt_opts opts;
    struct rlt_suite *next;
};

void rlt_register(struct rlt_test *t);
void rlt_register_suite(struct rlt_suite *s);

/* The checks behind the macros; fatal ones do not return on failure. */
void rlt_check(int ok, int fatal, const char *file, int line, const char *expr, const char *fmt, ...)
    RLT_PRINTF(6, 7);
void rlt_check_str(const char *a, const char *b, int want_equal, int fatal, const char *file, int line,
                   const char *expr, const char *fmt, ...) RLT_PRINTF(8, 9);
void rlt_check_float(double a, double b, double eps, int fatal, const char *file, int line, const char *expr,
                     const char *fmt, ...) RLT_PRINTF(8, 9);
RLT_NORETURN void rlt_skip(const char *fmt, ...) RLT_PRINTF(1, 2);
void rlt_log(const char *level, const char *fmt, ...) RLT_PRINTF(2, 3);

#define RLT_CAT_(a, b) a##b
#define RLT_CAT(a, b) RLT_CAT_(a, b)
#define RLT_ID(kind, suite, name) RLT_CAT(RLT_CAT(RLT_CAT(rlt_##kind##_, suite), _), name)

#define TestSuite(suite, ...) \
    __attribute__((constructor)) static void RLT_CAT(rlt_suite_, suite)(void) \
    { \
        static struct rlt_suite s_ = {#suite, {.line_ = __LINE__, __VA_ARGS__}, NULL}; \
        rlt_register_suite(&s_); \
    } \
    struct rlt_unused_##suite

#define Test(suite, name, ...) \
    static void RLT_ID(fn, suite, name)(void); \
    __attribute__((constructor)) static void RLT_ID(reg, suite, name)(void) \
    { \
        static struct rlt_test t_ = {#suite, #name, RLT_ID(fn, suite, name), NULL, NULL, \
                                     {.line_ = __LINE__, __VA_ARGS__}, NULL}; \
        rlt_register(&t_); \
    } \
    static void RLT_ID(fn, suite, name)(void)

#define ParameterizedTestParameters(suite, name) static struct rlt_params RLT_ID(params, suite, name)(void)

#define cr_make_param_array(type, array, n) ((struct rlt_params){(array), (size_t)(n), sizeof(type)})

#define ParameterizedTest(param, suite, name, ...) \
    static void RLT_ID(fn, suite, name)(param); \
    static void RLT_ID(wrap, suite, name)(void *p_) { RLT_ID(fn, suite, name)(p_); } \
    __attribute__((constructor)) static void RLT_ID(reg, suite, name)(void) \
    { \
        static struct rlt_test t_ = {#suite, #name, NULL, RLT_ID(wrap, suite, name), \
                                     RLT_ID(params, suite, name), {.line_ = __LINE__, __VA_ARGS__}, NULL}; \
        rlt_register(&t_); \
    } \
    static void RLT_ID(fn, suite, name)(param)

/* The optional message is a format and its arguments; " " __VA_ARGS__
 * makes it a format string in every case (the leading space is dropped). */
#define RLT_CHECK(fatal, cond, expr, ...) rlt_check(!!(cond), fatal, __FILE__, __LINE__, expr, " " __VA_ARGS__)
#define RLT_STR(fatal, a, b, eq, expr, ...) rlt_check_str(a, b, eq, fatal, __FILE__, __LINE__, expr, " " __VA_ARGS__)

#define cr_assert(cond, ...) RLT_CHECK(1, cond, #cond, __VA_ARGS__)
#define cr_expect(cond, ...) RLT_CHECK(0, cond, #cond, __VA_ARGS__)
#define cr_assert_not(cond, ...) RLT_CHECK(1, !(cond), "!(" #cond ")", __VA_ARGS__)
#define cr_expect_not(cond, ...) RLT_CHECK(0, !(cond), "!(" #cond ")", __VA_ARGS__)
#define cr_assert_fail(...) RLT_CHECK(1, 0, "cr_assert_fail", __VA_ARGS__)
#define cr_expect_fail(...) RLT_CHECK(0, 0, "cr_expect_fail", __VA_ARGS__)

#define RLT_CMP(fatal, a, op, b, ...) RLT_CHECK(fatal, (a) op (b), #a " " #op " " #b, __VA_ARGS__)
#define cr_assert_eq(a, b, ...) RLT_CMP(1, a, ==, b, __VA_ARGS__)
#define cr_assert_neq(a, b, ...) RLT_CMP(1, a, !=, b, __VA_ARGS__)
#define cr_assert_lt(a, b, ...) RLT_CMP(1, a, <, b, __VA_ARGS__)
#define cr_assert_leq(a, b, ...) RLT_CMP(1, a, <=, b, __VA_ARGS__)
#define cr_assert_gt(a, b, ...) RLT_CMP(1, a, >, b, __VA_ARGS__)
#define cr_assert_geq(a, b, ...) RLT_CMP(1, a, >=, b, __VA_ARGS__)
#define cr_expect_eq(a, b, ...) RLT_CMP(0, a, ==, b, __VA_ARGS__)
#define cr_expect_neq(a, b, ...) RLT_CMP(0, a, !=, b, __VA_ARGS__)
#define cr_expect_lt(a, b, ...) RLT_CMP(0, a, <, b, __VA_ARGS__)
#define cr_expect_leq(a, b, ...) RLT_CMP(0, a, <=, b, __VA_ARGS__)
#define cr_expect_gt(a, b, ...) RLT_CMP(0, a, >, b, __VA_ARGS__)
#define cr_expect_geq(a, b, ...) RLT_CMP(0, a, >=, b, __VA_ARGS__)

#define cr_assert_null(p, ...) RLT_CHECK(1, (p) == NULL, #p " == NULL", __VA_ARGS__)
#define cr_assert_not_null(p, ...) RLT_CHECK(1, (p) != NULL, #p " != NULL", __VA_ARGS__)
#define cr_expect_null(p, ...) RLT_CHECK(0, (p) == NULL, #p " == NULL", __VA_ARGS__)
#define cr_expect_not_null(p, ...) RLT_CHECK(0, (p) != NULL, #p " != NULL", __VA_ARGS__)

#define cr_assert_str_eq(a, b, ...) RLT_STR(1, a, b, 1, #a " equals " #b, __VA_ARGS__)
#define cr_assert_str_neq(a, b, ...) RLT_STR(1, a, b, 0, #a " differs from " #b, __VA_ARGS__)
#define cr_expect_str_eq(a, b, ...) RLT_STR(0, a, b, 1, #a " equals " #b, __VA_ARGS__)
#define cr_expect_str_neq(a, b, ...) RLT_STR(0, a, b, 0, #a " differs from " #b, __VA_ARGS__)
#define cr_assert_str_empty(s, ...) RLT_STR(1, s, "", 1, #s " is empty", __VA_ARGS__)
#define cr_expect_str_empty(s, ...) RLT_STR(0, s, "", 1, #s " is empty", __VA_ARGS__)
#define cr_assert_str_not_empty(s, ...) RLT_STR(1, s, "", 0, #s " is not empty", __VA_ARGS__)
#define cr_expect_str_not_empty(s, ...) RLT_STR(0, s, "", 0, #s " is not empty", __VA_ARGS__)

#define cr_assert_float_eq(a, b, eps, ...) \
    rlt_check_float(a, b, eps, 1, __FILE__, __LINE__, #a " ~= " #b, " " __VA_ARGS__)
#define cr_expect_float_eq(a, b, eps, ...) \
    rlt_check_float(a, b, eps, 0, __FILE__, __LINE__, #a " ~= " #b, " " __VA_ARGS__)

#define cr_skip_test(...) rlt_skip(" " __VA_ARGS__)
#define cr_log_info(...) rlt_log("info", __VA_ARGS__)
#define cr_log_warn(...) rlt_log("warn", __VA_ARGS__)
#define cr_log_error(...) rlt_log("error", __VA_ARGS__)

#ifdef _WIN32
/* What the platform-free suites use of POSIX that the Windows C runtime
 * lacks, by the same names (tests only; see rltest.c). */
FILE *rlt_open_memstream(char **bufp, size_t *sizep);
int rlt_fclose(FILE *f);
char *rlt_mkdtemp(char *tmpl);
int rlt_mkstemp(char *tmpl);
#define open_memstream rlt_open_memstream
#define fclose rlt_fclose
#define mkdtemp rlt_mkdtemp
#define mkstemp rlt_mkstemp
#endif

#endif /* RLTEST_CRITERION */

#endif
