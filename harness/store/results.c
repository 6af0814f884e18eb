/* store/results.c - trials as JSON Lines: writer, strict reader, durable append.
 *
 * Strings are bytes (a trial's output may be anything), JSON wants UTF-8:
 * valid UTF-8 is written as is; control characters are escaped; every byte
 * that is not part of valid UTF-8 is written as \u00XX (XX = the byte).
 * The writer never escapes a real U+0080..U+00FF character (it is valid
 * UTF-8 and so written raw), so the reader maps \u0080..\u00ff back to the
 * single raw byte and every string round-trips exactly.  Other JSON tools
 * see such bytes as Latin-1 characters, which is readable.
 *
 * Integers (index, seed, exit status) are parsed from their digits, never
 * through double: seeds are full 64-bit values. */
#include "store/results.h"

#include "util/fmt.h"
#include "util/parse.h"
#include "util/strbuf.h"

#include "os/os.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define RL_SCHEMA 1

/* ---- the writer ------------------------------------------------------- */

static void sb_json_string(rl_sb_t *b, const char *str)
{
    if (str == NULL) {
        rl_sb_puts(b, "null");
        return;
    }
    const unsigned char *s = (const unsigned char *)str;
    rl_sb_putc(b, '"');
    while (*s) {
        char buf[8];
        size_t in, n;
        const char *e = rl_json_escape_next(s, buf, &in, &n);
        rl_sb_add(b, e, n);
        s += in;
    }
    rl_sb_putc(b, '"');
}

/* Times to the microsecond; a non-finite value (never produced by the
 * runner) is written as 0 so the line stays valid JSON. */
static void sb_seconds(rl_sb_t *b, double v) { rl_sb_printf(b, "%.6f", isfinite(v) ? v : 0.0); }

char *rl_trial_to_json(const rl_trial_t *t)
{
    rl_sb_t b = {0};
    rl_sb_printf(&b, "{\"racelab\":%d,\"spec\":", RL_SCHEMA);
    sb_json_string(&b, t->spec ? t->spec : "");
    rl_sb_puts(&b, ",\"variant\":");
    sb_json_string(&b, t->variant ? t->variant : "");
    rl_sb_printf(&b, ",\"index\":%ld,\"seed\":%" PRIu64 ",\"argv\":[", t->index, t->seed);
    for (int i = 0; i < t->argc; i++) {
        if (i)
            rl_sb_putc(&b, ',');
        sb_json_string(&b, t->argv[i] ? t->argv[i] : "");
    }
    const char *oc = rl_outcome_name(t->outcome);
    rl_sb_puts(&b, "],\"outcome\":");
    sb_json_string(&b, oc ? oc : "error");
    rl_sb_puts(&b, ",\"signature\":");
    sb_json_string(&b, t->signature);
    rl_sb_printf(&b, ",\"exit_status\":%d,\"term_signal\":%d,\"exception\":%" PRIu32 ",\"started_s\":",
              t->exit_status, t->term_signal, t->exception);
    sb_seconds(&b, t->started_s);
    rl_sb_puts(&b, ",\"duration_s\":");
    sb_seconds(&b, t->duration_s);
    rl_sb_puts(&b, ",\"log\":");
    sb_json_string(&b, t->log);
    /* Optional: files written before it existed have none. */
    if (t->printed) {
        rl_sb_puts(&b, ",\"printed\":");
        sb_json_string(&b, t->printed);
    }
    rl_sb_putc(&b, '}');
    return rl_sb_take(&b);
}

/* ---- the reader -------------------------------------------------------- */

typedef struct {
    const char *p, *start;
    char *err;
    size_t errlen;
    int failed;
} jp_t;

static int jfail(jp_t *j, const char *fmt, ...)
{
    if (j->failed)
        return -1;
    j->failed = 1;
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (j->err && j->errlen)
        snprintf(j->err, j->errlen, "column %d: %s", (int)(j->p - j->start) + 1, msg);
    return -1;
}

static void ws(jp_t *j)
{
    while (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n')
        j->p++;
}

static int hex4(const char *s, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return -1;
        *v = *v * 16 + d;
    }
    return 0;
}

static void put_utf8(rl_sb_t *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    rl_sb_add(b, u, n);
}

/* Parses a string at j->p into a malloc'd C string. */
static char *jstring(jp_t *j)
{
    if (*j->p != '"') {
        jfail(j, "expected a string");
        return NULL;
    }
    j->p++;
    rl_sb_t b = {0};
    while (!j->failed) {
        unsigned char c = (unsigned char)*j->p;
        if (c == '"') {
            j->p++;
            break;
        }
        if (c == '\0') {
            jfail(j, "unterminated string");
            break;
        }
        if (c < 0x20) {
            jfail(j, "raw control character in a string");
            break;
        }
        if (c != '\\') {
            rl_sb_add(&b, j->p, 1);
            j->p++;
            continue;
        }
        char e = j->p[1];
        j->p += 2;
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e && simple) {
            static const char out[] = "\"\\/\b\f\n\r\t";
            rl_sb_putc(&b, out[simple - "\"\\/bfnrt"]);
            continue;
        }
        unsigned cp;
        if (e != 'u' || hex4(j->p, &cp)) {
            j->p -= 2;
            jfail(j, "bad escape in a string");
            break;
        }
        j->p += 4;
        if (cp == 0) {
            jfail(j, "\\u0000 cannot be held in a C string");
        } else if (cp < 0x80) {
            char ch = (char)cp;
            rl_sb_putc(&b, ch);
        } else if (cp < 0x100) {
            char ch = (char)(unsigned char)cp; /* a raw byte, see the top */
            rl_sb_putc(&b, ch);
        } else if (cp >= 0xD800 && cp <= 0xDBFF) {
            unsigned lo;
            if (j->p[0] != '\\' || j->p[1] != 'u' || hex4(j->p + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
                jfail(j, "lone surrogate in a string");
                break;
            }
            j->p += 6;
            put_utf8(&b, 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00));
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            jfail(j, "lone surrogate in a string");
        } else {
            put_utf8(&b, cp);
        }
    }
    if (j->failed || b.oom) {
        if (b.oom)
            jfail(j, "out of memory");
        rl_sb_free(&b);
        return NULL;
    }
    /* Exact size (a merge or resume may hold many trials' strings), and ""
     * comes back as a string. */
    char *str = rl_sb_take(&b);
    if (str == NULL)
        jfail(j, "out of memory");
    return str;
}

/* The extent of a JSON number at j->p (strict grammar); 0 when none. */
static size_t jnumber_len(jp_t *j)
{
    const char *s = j->p;
    if (*s == '-')
        s++;
    if (*s == '0')
        s++;
    else if (*s >= '1' && *s <= '9')
        while (*s >= '0' && *s <= '9')
            s++;
    else
        return 0;
    if (*s == '.') {
        s++;
        if (!(*s >= '0' && *s <= '9'))
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!(*s >= '0' && *s <= '9'))
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return (size_t)(s - j->p);
}

/* The digits at s as an unsigned 64-bit value: the end of them, or NULL
 * when the value does not fit. */
static const char *jdigits(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return NULL;
        v = v * 10 + d;
    }
    *out = v;
    return s;
}

/* An integer in [lo, hi] written as plain digits (optionally negative). */
static int jint(jp_t *j, const char *key, int64_t lo, int64_t hi, int64_t *out)
{
    const char *s = j->p;
    int neg = *s == '-';
    if (neg)
        s++;
    if (!(*s >= '0' && *s <= '9'))
        return jfail(j, "\"%s\" wants an integer", key);
    uint64_t v;
    if ((s = jdigits(s, &v)) == NULL)
        return jfail(j, "\"%s\" is out of range", key);
    if (*s == '.' || *s == 'e' || *s == 'E')
        return jfail(j, "\"%s\" wants an integer", key);
    int64_t sv;
    if (!neg) {
        if (v > (uint64_t)hi)
            return jfail(j, "\"%s\" is out of range", key);
        sv = (int64_t)v;
    } else {
        if (v > (uint64_t)INT64_MAX)
            return jfail(j, "\"%s\" is out of range", key);
        sv = -(int64_t)v;
        if (sv < lo)
            return jfail(j, "\"%s\" is out of range", key);
    }
    *out = sv;
    j->p = s;
    return 0;
}

static int ju64(jp_t *j, const char *key, uint64_t *out)
{
    const char *s = j->p;
    if (!(*s >= '0' && *s <= '9'))
        return jfail(j, "\"%s\" wants a non-negative integer", key);
    uint64_t v;
    if ((s = jdigits(s, &v)) == NULL)
        return jfail(j, "\"%s\" is larger than 2^64-1", key);
    if (*s == '.' || *s == 'e' || *s == 'E')
        return jfail(j, "\"%s\" wants an integer", key);
    *out = v;
    j->p = s;
    return 0;
}

/* The longest span a trial's times may hold: about 31 years.  A file that
 * says more was not written by racelab, and a larger value could not be
 * written back as it was read (the writer prints fixed-point seconds). */
#define MAX_SECONDS 1e9

/* Seconds, from 0 to MAX_SECONDS. */
static int jseconds(jp_t *j, const char *key, double *out)
{
    size_t n = jnumber_len(j);
    if (n == 0 || n > 60)
        return jfail(j, "\"%s\" wants a number", key);
    char tmp[64];
    memcpy(tmp, j->p, n);
    tmp[n] = '\0';
    double v;
    if (rl_parse_double(tmp, &v) != 0 || v > MAX_SECONDS)
        return jfail(j, "\"%s\" wants seconds from 0 to %.0f (got %s)", key, MAX_SECONDS, tmp);
    *out = v;
    j->p += n;
    return 0;
}

/* Skips any JSON value (for fields a later schema may add). */
static int jskip(jp_t *j, int depth)
{
    ws(j);
    if (depth > 32)
        return jfail(j, "nested too deeply");
    if (*j->p == '"') {
        free(jstring(j));
        return j->failed ? -1 : 0;
    }
    if (*j->p == '{' || *j->p == '[') {
        char close = *j->p == '{' ? '}' : ']';
        int obj = close == '}';
        j->p++;
        ws(j);
        if (*j->p == close) {
            j->p++;
            return 0;
        }
        for (;;) {
            ws(j);
            if (obj) {
                free(jstring(j));
                if (j->failed)
                    return -1;
                ws(j);
                if (*j->p != ':')
                    return jfail(j, "expected ':'");
                j->p++;
            }
            if (jskip(j, depth + 1))
                return -1;
            ws(j);
            if (*j->p == ',') {
                j->p++;
                continue;
            }
            if (*j->p == close) {
                j->p++;
                return 0;
            }
            return jfail(j, "expected ',' or '%c'", close);
        }
    }
    static const char *const lits[] = {"true", "false", "null"};
    for (int i = 0; i < 3; i++)
        if (!strncmp(j->p, lits[i], strlen(lits[i]))) {
            j->p += strlen(lits[i]);
            return 0;
        }
    size_t n = jnumber_len(j);
    if (n == 0)
        return jfail(j, "expected a JSON value");
    j->p += n;
    return 0;
}

static int jnull(jp_t *j)
{
    if (!strncmp(j->p, "null", 4)) {
        j->p += 4;
        return 1;
    }
    return 0;
}

static int jargv(jp_t *j, rl_trial_t *t)
{
    if (*j->p != '[')
        return jfail(j, "\"argv\" wants an array of strings");
    j->p++;
    ws(j);
    if (*j->p == ']') {
        j->p++;
        return 0;
    }
    for (;;) {
        ws(j);
        char *s = jstring(j);
        if (s == NULL)
            return -1;
        char **nv = realloc(t->argv, ((size_t)t->argc + 2) * sizeof *nv);
        if (nv == NULL) {
            free(s);
            return jfail(j, "out of memory");
        }
        t->argv = nv;
        nv[t->argc++] = s;
        nv[t->argc] = NULL;
        ws(j);
        if (*j->p == ',') {
            j->p++;
            continue;
        }
        if (*j->p == ']') {
            j->p++;
            return 0;
        }
        return jfail(j, "expected ',' or ']' in \"argv\"");
    }
}

enum {
    F_RACELAB, F_SPEC, F_VARIANT, F_INDEX, F_SEED, F_ARGV, F_OUTCOME, F_SIGNATURE,
    F_EXIT, F_SIGNAL, F_EXCEPTION, F_STARTED, F_DURATION, F_LOG, F_PRINTED, F_COUNT
};
static const char *const field_names[F_COUNT] = {
    "racelab", "spec", "variant", "index", "seed", "argv", "outcome", "signature",
    "exit_status", "term_signal", "exception", "started_s", "duration_s", "log", "printed",
};
/* Fields every line must have; the rest default to "nothing happened". */
static const int required[] = {F_RACELAB, F_SPEC, F_VARIANT, F_INDEX, F_SEED, F_ARGV, F_OUTCOME};

static int jfield(jp_t *j, int f, rl_trial_t *t)
{
    const char *key = field_names[f];
    int64_t v;
    char *s;
    switch (f) {
    case F_RACELAB:
        if (jint(j, key, 0, INT32_MAX, &v))
            return -1;
        if (v != RL_SCHEMA)
            return jfail(j, "results schema %lld is not supported (this racelab reads %d)",
                         (long long)v, RL_SCHEMA);
        return 0;
    case F_SPEC:
    case F_VARIANT:
        s = jstring(j);
        if (s == NULL)
            return -1;
        *(f == F_SPEC ? &t->spec : &t->variant) = s;
        return 0;
    case F_SIGNATURE:
    case F_LOG:
    case F_PRINTED:
        if (jnull(j))
            return 0;
        s = jstring(j);
        if (s == NULL)
            return -1;
        *(f == F_SIGNATURE ? &t->signature : f == F_LOG ? &t->log : &t->printed) = s;
        return 0;
    case F_INDEX:
        if (jint(j, key, 0, LONG_MAX, &v))
            return -1;
        t->index = (long)v;
        return 0;
    case F_SEED:
        return ju64(j, key, &t->seed);
    case F_ARGV:
        return jargv(j, t);
    case F_OUTCOME: {
        s = jstring(j);
        if (s == NULL)
            return -1;
        int o = rl_outcome_parse(s);
        free(s);
        if (o < 0)
            return jfail(j, "\"outcome\" must be pass, crash, hang or error");
        t->outcome = (rl_outcome_t)o;
        return 0;
    }
    case F_EXIT:
    case F_SIGNAL:
        if (jint(j, key, INT32_MIN, INT32_MAX, &v))
            return -1;
        *(f == F_EXIT ? &t->exit_status : &t->term_signal) = (int)v;
        return 0;
    case F_EXCEPTION:
        if (jint(j, key, 0, UINT32_MAX, &v))
            return -1;
        t->exception = (uint32_t)v;
        return 0;
    case F_STARTED:
        return jseconds(j, key, &t->started_s);
    case F_DURATION:
        return jseconds(j, key, &t->duration_s);
    }
    return jfail(j, "internal: unknown field");
}

int rl_trial_from_json(const char *line, rl_trial_t *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    t->exit_status = -1;
    jp_t j = {.p = line, .start = line, .err = err, .errlen = errlen};
    int seen[F_COUNT] = {0};
    ws(&j);
    if (*j.p != '{') {
        jfail(&j, "expected a JSON object");
        goto fail;
    }
    j.p++;
    ws(&j);
    if (*j.p == '}') {
        j.p++;
    } else {
        for (;;) {
            ws(&j);
            const char *at = j.p;
            char *key = jstring(&j);
            if (key == NULL)
                goto fail;
            ws(&j);
            if (*j.p != ':') {
                free(key);
                jfail(&j, "expected ':'");
                goto fail;
            }
            j.p++;
            ws(&j);
            int f = -1;
            for (int i = 0; i < F_COUNT; i++)
                if (!strcmp(key, field_names[i]))
                    f = i;
            if (f >= 0 && seen[f]) {
                j.p = at;
                jfail(&j, "field \"%s\" given twice", key);
                free(key);
                goto fail;
            }
            free(key);
            /* Unknown fields are skipped: a newer racelab may add some. */
            if (f < 0 ? jskip(&j, 0) : jfield(&j, f, t))
                goto fail;
            if (f >= 0)
                seen[f] = 1;
            ws(&j);
            if (*j.p == ',') {
                j.p++;
                continue;
            }
            if (*j.p == '}') {
                j.p++;
                break;
            }
            jfail(&j, "expected ',' or '}'");
            goto fail;
        }
    }
    ws(&j);
    if (*j.p != '\0') {
        jfail(&j, "unexpected text after the object");
        goto fail;
    }
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!seen[required[i]]) {
            jfail(&j, "missing field \"%s\"", field_names[required[i]]);
            goto fail;
        }
    return 0;
fail:
    rl_trial_free(t);
    return -1;
}

/* ---- files ------------------------------------------------------------- */

static char *join_path(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (p == NULL)
        return NULL;
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    return p;
}

/* Drops a final line a kill left without its newline, so appending goes on
 * with whole lines.  Lines are written with one fwrite and flushed, so only
 * the last one can be cut short. */
static int drop_partial_tail(FILE *f)
{
    if (fseek(f, 0, SEEK_END) != 0)
        return -1;
    long size = ftell(f);
    if (size <= 0)
        return 0;
    long keep = size;
    for (long pos = size - 1; pos >= 0; pos--) {
        if (fseek(f, pos, SEEK_SET) != 0)
            return -1;
        int c = fgetc(f);
        if (c == '\n')
            break;
        keep = pos;
    }
    if (keep == size)
        return fseek(f, 0, SEEK_END);
    if (rl_file_truncate(f, keep) != 0)
        return -1;
    return fseek(f, 0, SEEK_END);
}

int rl_results_open(rl_results_t *r, const char *dir, char *err, size_t errlen)
{
    r->f = NULL;
    r->path = NULL;
    atomic_store(&r->dirty, 0);
    if (rl_mkdir_p(dir) != 0) {
        snprintf(err, errlen, "%s: cannot create directory: %s", dir, strerror(errno));
        return -1;
    }
    r->path = join_path(dir, "trials.jsonl");
    if (r->path == NULL) {
        snprintf(err, errlen, "%s: out of memory", dir);
        return -1;
    }
    if (rl_file_stat(r->path, NULL, NULL) == RL_FILE_FIFO) {
        snprintf(err, errlen, "%s: a FIFO or socket; results are written to a file", r->path);
        rl_results_close(r);
        return -1;
    }
    /* "a+b": appends always go to the end; reading lets us find a torn
     * final line first. */
    r->f = fopen(r->path, "a+b");
    if (r->f == NULL || drop_partial_tail(r->f) != 0) {
        snprintf(err, errlen, "%s: %s", r->path, strerror(errno));
        rl_results_close(r);
        return -1;
    }
    atomic_store(&r->dirty, 0);
    return 0;
}

int rl_results_append(rl_results_t *r, const rl_trial_t *t, char *err, size_t errlen)
{
    char *line = rl_trial_to_json(t);
    if (line == NULL) {
        snprintf(err, errlen, "%s: out of memory", r->path);
        return -1;
    }
    size_t n = strlen(line);
    line[n] = '\n'; /* replaces the terminator: one write for the line */
    errno = 0;
    size_t w = fwrite(line, 1, n + 1, r->f);
    free(line);
    /* fflush: the line leaves racelab's memory now, so a kill of racelab
     * cannot lose it; the fsync that protects it against a machine crash
     * is batched (rl_results_sync), as it costs milliseconds per call. */
    if (w != n + 1 || fflush(r->f) != 0) {
        snprintf(err, errlen, "%s: %s", r->path, errno ? strerror(errno) : "write failed");
        return -1;
    }
    atomic_store(&r->dirty, 1);
    return 0;
}

int rl_results_sync(rl_results_t *r, char *err, size_t errlen)
{
    /* Cleared before the sync: a line appended while it runs sets it
     * again and is synced next time. */
    if (r->f == NULL || !atomic_exchange(&r->dirty, 0))
        return 0;
    errno = 0;
    if (rl_file_sync(r->f) != 0) {
        atomic_store(&r->dirty, 1);
        if (err && errlen)
            snprintf(err, errlen, "%s: %s", r->path, errno ? strerror(errno) : "sync failed");
        return -1;
    }
    return 0;
}

void rl_results_close(rl_results_t *r)
{
    if (r->f) {
        rl_results_sync(r, NULL, 0);
        fclose(r->f);
    }
    free(r->path);
    r->f = NULL;
    r->path = NULL;
    atomic_store(&r->dirty, 0);
}

void rl_trial_list_free(rl_trial_list_t *list)
{
    for (size_t i = 0; i < list->n; i++)
        rl_trial_free(&list->trials[i]);
    free(list->trials);
    memset(list, 0, sizeof *list);
}

int rl_trial_list_push(rl_trial_list_t *list, const rl_trial_t *t)
{
    if (list->n == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 64;
        rl_trial_t *nt = realloc(list->trials, cap * sizeof *nt);
        if (nt == NULL)
            return -1;
        list->trials = nt;
        list->cap = cap;
    }
    if (rl_trial_copy(&list->trials[list->n], t) != 0)
        return -1;
    list->n++;
    return 0;
}

int rl_results_each(const char *path, int (*fn)(void *ctx, rl_trial_t *t), void *ctx, char *err,
                    size_t errlen)
{
    /* A directory holds trials.jsonl; anything else is the file itself. */
    char *inner = join_path(path, "trials.jsonl");
    /* Only a regular file is read: opening a FIFO blocks, a device may
     * never end. */
    const char *which = inner && rl_file_stat(inner, NULL, NULL) != RL_FILE_NONE ? inner : path;
    rl_file_kind_t kind = rl_file_stat(which, NULL, NULL);
    if (kind == RL_FILE_FIFO || kind == RL_FILE_OTHER) {
        snprintf(err, errlen, "%s: not a regular file (%s); results are read from files", which,
                 kind == RL_FILE_FIFO ? "a FIFO or socket" : "a device");
        free(inner);
        return -1;
    }
    FILE *f = inner ? fopen(inner, "rb") : NULL;
    const char *name = inner;
    if (f == NULL) {
        f = fopen(path, "rb");
        name = path;
    }
    if (f == NULL) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        free(inner);
        return -1;
    }
    rl_sb_t b = {0};
    int lineno = 0, rc = 0;
    for (;;) {
        rl_sb_clear(&b);
        int c = 0;
        while ((c = fgetc(f)) != EOF && c != '\n') {
            char ch = (char)c;
            if (ch == '\0') {
                snprintf(err, errlen, "%s:%d: NUL byte: not a results line", name, lineno + 1);
                rc = -1;
                goto out;
            }
            rl_sb_putc(&b, ch);
        }
        if (ferror(f)) {
            snprintf(err, errlen, "%s:%d: read error: %s", name, lineno + 1, strerror(errno));
            rc = -1;
            break;
        }
        if (c == EOF && b.len == 0)
            break;
        lineno++;
        if (b.oom) {
            snprintf(err, errlen, "%s:%d: out of memory", name, lineno);
            rc = -1;
            break;
        }
        if (c == EOF) {
            snprintf(err, errlen, "%s:%d: truncated: the last line has no newline (a write cut short)",
                     name, lineno);
            rc = -1;
            break;
        }
        if (b.len > 0 && b.s[b.len - 1] == '\r')
            b.s[--b.len] = '\0';
        size_t k = 0;
        while (k < b.len && (b.s[k] == ' ' || b.s[k] == '\t'))
            k++;
        if (k == b.len)
            continue; /* a blank line carries no trial */
        rl_trial_t t;
        char why[256];
        if (rl_trial_from_json(b.s, &t, why, sizeof why) != 0) {
            snprintf(err, errlen, "%s:%d: %s", name, lineno, why);
            rc = -1;
            break;
        }
        rc = fn(ctx, &t);
        rl_trial_free(&t);
        if (rc != 0)
            break;
    }
out:
    rl_sb_free(&b);
    fclose(f);
    free(inner);
    return rc;
}

typedef struct {
    rl_trial_list_t *list;
    const char *path;
    char *err;
    size_t errlen;
} rl__read_t;

/* Moves the trial into the list (its strings change owner). */
static int rl__read_one(void *ctx, rl_trial_t *t)
{
    rl__read_t *r = ctx;
    rl_trial_list_t *list = r->list;
    if (list->n == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 64;
        rl_trial_t *nt = realloc(list->trials, cap * sizeof *nt);
        if (nt == NULL) {
            snprintf(r->err, r->errlen, "%s: out of memory", r->path);
            return -1;
        }
        list->trials = nt;
        list->cap = cap;
    }
    list->trials[list->n++] = *t;
    memset(t, 0, sizeof *t);
    return 0;
}

int rl_results_read(const char *path, rl_trial_list_t *list, char *err, size_t errlen)
{
    rl__read_t r = { list, path, err, errlen };
    return rl_results_each(path, rl__read_one, &r, err, errlen) == 0 ? 0 : -1;
}
