/* rltest.c - the portable implementation of rltest.h: registration, the
 * runner and its TAP output, the checks, and on Windows the few POSIX
 * calls the platform-free suites use.  Built only where Criterion is not. */
#include "rltest.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>

#ifdef _WIN32
#include <windows.h>

#include <direct.h>
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <process.h>
#endif

static struct rlt_test *tests;
static struct rlt_suite *suites;

static jmp_buf test_jmp;
static int test_failed;
static char skip_reason[512];

enum { RUN_BODY, END_FAILED, END_SKIPPED };

void rlt_register(struct rlt_test *t)
{
    t->next = tests;
    tests = t;
}

void rlt_register_suite(struct rlt_suite *s)
{
    s->next = suites;
    suites = s;
}

/* Prints text as TAP diagnostics: each line prefixed with "# ". */
static void diag(const char *text)
{
    while (*text) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        printf("# %.*s\n", (int)n, text);
        text += n + (nl != NULL);
    }
    fflush(stdout);
}

static void vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
    vsnprintf(buf, size, fmt, ap);
    /* The macros put a space before every message: drop it. */
    if (buf[0] == ' ')
        memmove(buf, buf + 1, strlen(buf));
}

/* The message of a variadic check: its (fmt, ...) into buf. */
#define FORMAT_VA(buf, fmt) \
    do { \
        va_list ap_; \
        va_start(ap_, fmt); \
        vformat(buf, sizeof buf, fmt, ap_); \
        va_end(ap_); \
    } while (0)

static void fail(int fatal, const char *file, int line, const char *what, const char *msg)
{
    char buf[8192];
    snprintf(buf, sizeof buf, "%s:%d: %s failed: %s%s%s", file, line, fatal ? "assertion" : "expectation", what,
             msg[0] ? "\n  " : "", msg);
    diag(buf);
    test_failed = 1;
    if (fatal)
        longjmp(test_jmp, END_FAILED);
}

void rlt_check(int ok, int fatal, const char *file, int line, const char *expr, const char *fmt, ...)
{
    if (ok)
        return;
    char msg[4096];
    FORMAT_VA(msg, fmt);
    fail(fatal, file, line, expr, msg);
}

void rlt_check_str(const char *a, const char *b, int want_equal, int fatal, const char *file, int line,
                   const char *expr, const char *fmt, ...)
{
    int equal = a != NULL && b != NULL && strcmp(a, b) == 0;
    if (a != NULL && b != NULL && equal == want_equal)
        return;
    char msg[4096], what[8192];
    FORMAT_VA(msg, fmt);
    snprintf(what, sizeof what, "%s\n  left:  %s%s%s\n  right: %s%s%s", expr, a ? "\"" : "", a ? a : "NULL",
             a ? "\"" : "", b ? "\"" : "", b ? b : "NULL", b ? "\"" : "");
    fail(fatal, file, line, what, msg);
}

void rlt_check_float(double a, double b, double eps, int fatal, const char *file, int line, const char *expr,
                     const char *fmt, ...)
{
    if (a - b <= eps && b - a <= eps)
        return;
    char msg[4096], what[1024];
    FORMAT_VA(msg, fmt);
    snprintf(what, sizeof what, "%s (%.17g vs %.17g, tolerance %g)", expr, a, b, eps);
    fail(fatal, file, line, what, msg);
}

void rlt_skip(const char *fmt, ...)
{
    FORMAT_VA(skip_reason, fmt);
    longjmp(test_jmp, END_SKIPPED);
}

void rlt_log(const char *level, const char *fmt, ...)
{
    char msg[4096], line[4200];
    FORMAT_VA(msg, fmt);
    snprintf(line, sizeof line, "%s: %s", level, msg);
    diag(line);
}

static const struct rlt_opts *suite_opts(const char *name)
{
    for (const struct rlt_suite *s = suites; s; s = s->next)
        if (strcmp(s->name, name) == 0)
            return &s->opts;
    return NULL;
}

/* The test being run, outside run_one's frame: longjmp may clobber locals. */
static const struct rlt_test *cur;
static const struct rlt_opts *cur_suite;
static void *cur_param;

/* Runs fn (or pfn on param) between the suite's and the test's init and
 * fini; returns RUN_BODY (passed), END_FAILED or END_SKIPPED. */
static int run_one(const struct rlt_test *t, void *param)
{
    cur = t;
    cur_suite = suite_opts(t->suite);
    cur_param = param;
    static volatile int end;
    end = RUN_BODY;
    test_failed = 0;
    skip_reason[0] = '\0';
    int jumped = setjmp(test_jmp);
    if (jumped == 0) {
        if (cur_suite && cur_suite->init)
            cur_suite->init();
        if (cur->opts.init)
            cur->opts.init();
        if (cur->fn)
            cur->fn();
        else
            cur->pfn(cur_param);
    } else {
        end = jumped;
    }
    /* Teardown runs after a failure or a skip too; a failure there fails
     * the test. */
    if (setjmp(test_jmp) == 0) {
        if (cur->opts.fini)
            cur->opts.fini();
        if (cur_suite && cur_suite->fini)
            cur_suite->fini();
    }
    if (end == END_SKIPPED && !test_failed)
        return END_SKIPPED;
    return test_failed ? END_FAILED : RUN_BODY;
}

static int by_line(const void *a, const void *b)
{
    const struct rlt_test *x = *(const struct rlt_test *const *)a, *y = *(const struct rlt_test *const *)b;
    return (x->opts.line_ > y->opts.line_) - (x->opts.line_ < y->opts.line_);
}

static size_t instances(const struct rlt_test *t)
{
    return t->fn ? 1 : t->params().count;
}

/* A test is selected by "suite/name" (or a prefix of it, or the suite). */
static int selected(const struct rlt_test *t, const char *filter)
{
    if (filter == NULL)
        return 1;
    char full[512];
    snprintf(full, sizeof full, "%s/%s", t->suite, t->name);
    return strncmp(full, filter, strlen(filter)) == 0;
}

static int usage(const char *argv0)
{
    fprintf(stderr,
            "usage: %s [--list] [--filter SUITE[/NAME]]\n"
            "  runs the tests (TAP on stdout); Criterion's --jobs N and --verbose are accepted and ignored\n",
            argv0);
    return 2;
}

int main(int argc, char **argv)
{
    const char *filter = NULL;
    int list = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--list") == 0)
            list = 1;
        else if (strcmp(argv[i], "--filter") == 0 && i + 1 < argc)
            filter = argv[++i];
        else if (strncmp(argv[i], "--filter=", 9) == 0)
            filter = argv[i] + 9;
        else if ((strcmp(argv[i], "--jobs") == 0 || strcmp(argv[i], "-j") == 0) && i + 1 < argc)
            i++;
        else if (strncmp(argv[i], "--jobs=", 7) == 0 || strcmp(argv[i], "--verbose") == 0)
            continue;
        else
            return usage(argv[0]);
    }

    size_t n = 0, total = 0;
    for (struct rlt_test *t = tests; t; t = t->next)
        n++;
    struct rlt_test **order = malloc((n ? n : 1) * sizeof *order);
    if (order == NULL)
        return 2;
    n = 0;
    for (struct rlt_test *t = tests; t; t = t->next)
        order[n++] = t;
    /* One file per executable: its line order is the order written. */
    qsort(order, n, sizeof *order, by_line);

    for (size_t i = 0; i < n; i++) {
        if (!selected(order[i], filter))
            continue;
        if (list)
            printf("%s/%s\n", order[i]->suite, order[i]->name);
        total += instances(order[i]);
    }
    if (list) {
        free(order);
        return 0;
    }

    /* Unbuffered TAP: a crash still shows every result before it. */
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("TAP version 13\n1..%zu\n", total);
    size_t k = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        const struct rlt_test *t = order[i];
        if (!selected(t, filter))
            continue;
        struct rlt_params p = t->fn ? (struct rlt_params){NULL, 1, 0} : t->params();
        for (size_t j = 0; j < p.count; j++) {
            char name[512];
            if (t->fn)
                snprintf(name, sizeof name, "%s/%s", t->suite, t->name);
            else
                snprintf(name, sizeof name, "%s/%s[%zu]", t->suite, t->name, j);
            int end = t->opts.disabled ? END_SKIPPED : run_one(t, (char *)p.items + j * p.size);
            k++;
            if (end == END_FAILED)
                failed++;
            if (end == END_SKIPPED)
                printf("ok %zu - %s # SKIP %s\n", k, name, t->opts.disabled ? "disabled" : skip_reason);
            else
                printf("%s %zu - %s\n", end == END_FAILED ? "not ok" : "ok", k, name);
        }
    }
    if (failed)
        printf("# %zu of %zu failed\n", failed, total);
    free(order);
    return failed ? 1 : 0;
}

#ifdef _WIN32
#undef fclose

/* open_memstream: a delete-on-close temporary file, read back into a
 * malloc'd buffer by fclose (the suites read the buffer after fclose). */
static struct {
    FILE *f;
    char **bufp;
    size_t *sizep;
} memstreams[16];

FILE *rlt_open_memstream(char **bufp, size_t *sizep)
{
    char dir[MAX_PATH], path[MAX_PATH];
    if (GetTempPathA(sizeof dir, dir) == 0 || GetTempFileNameA(dir, "rlt", 0, path) == 0)
        return NULL;
    FILE *f = fopen(path, "w+bTD");
    if (f == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof memstreams / sizeof memstreams[0]; i++) {
        if (memstreams[i].f == NULL) {
            memstreams[i].f = f;
            memstreams[i].bufp = bufp;
            memstreams[i].sizep = sizep;
            *bufp = NULL;
            *sizep = 0;
            return f;
        }
    }
    fclose(f);
    return NULL;
}

int rlt_fclose(FILE *f)
{
    for (size_t i = 0; i < sizeof memstreams / sizeof memstreams[0]; i++) {
        if (memstreams[i].f != f || f == NULL)
            continue;
        memstreams[i].f = NULL;
        long len = (fflush(f) == 0 && fseek(f, 0, SEEK_END) == 0) ? ftell(f) : -1;
        char *buf = len >= 0 ? malloc((size_t)len + 1) : NULL;
        if (buf == NULL || fseek(f, 0, SEEK_SET) != 0 || fread(buf, 1, (size_t)len, f) != (size_t)len) {
            free(buf);
            fclose(f);
            return EOF;
        }
        buf[len] = '\0';
        *memstreams[i].bufp = buf;
        *memstreams[i].sizep = (size_t)len;
        return fclose(f);
    }
    return fclose(f);
}

/* Fills tmpl's XXXXXX suffix with a new name each call until make(tmpl)
 * returns non-negative: mkdtemp's and mkstemp's loop. */
static int fill_template(char *tmpl, int (*make)(const char *))
{
    size_t len = strlen(tmpl);
    if (len < 6 || strcmp(tmpl + len - 6, "XXXXXX") != 0) {
        errno = EINVAL;
        return -1;
    }
    static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    static uint64_t v;
    if (v == 0)
        v = ((uint64_t)GetTickCount64() * 2654435761u) ^ ((uint64_t)_getpid() << 20);
    for (int attempt = 0; attempt < 1000; attempt++) {
        v = v * 6364136223846793005u + 1442695040888963407u;
        uint64_t x = v >> 16;
        for (size_t i = len - 6; i < len; i++, x /= 36)
            tmpl[i] = digits[x % 36];
        int rc = make(tmpl);
        if (rc >= 0 || errno != EEXIST)
            return rc;
    }
    return -1;
}

static int make_dir(const char *path)
{
    return _mkdir(path);
}

/* Shared for reading, writing and deleting: on POSIX a test may open the
 * file again by name, or remove it, while this descriptor is open. */
static int make_file(const char *path)
{
    HANDLE h = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        errno = GetLastError() == ERROR_FILE_EXISTS ? EEXIST : EACCES;
        return -1;
    }
    int fd = _open_osfhandle((intptr_t)h, _O_RDWR | _O_BINARY);
    if (fd < 0)
        CloseHandle(h);
    return fd;
}

char *rlt_mkdtemp(char *tmpl)
{
    return fill_template(tmpl, make_dir) == 0 ? tmpl : NULL;
}

int rlt_mkstemp(char *tmpl)
{
    return fill_template(tmpl, make_file);
}
#endif
