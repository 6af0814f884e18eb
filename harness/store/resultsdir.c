/* store/resultsdir.c - see store/resultsdir.h. */
#include "store/resultsdir.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "os/os.h"
#include "util/parse.h"
#include "util/str.h"
#include <sys/stat.h>
#include <time.h>

int rl_dir_lock(const char *dir, const char *cmd, rl_lock_t **lk, char *err, size_t errlen)
{
    *lk = NULL;
    if (rl_mkdir_p(dir) != 0) {
        snprintf(err, errlen, "%s: cannot create directory: %s", dir, strerror(errno));
        return -1;
    }
    char *p = rl_aprintf("%s/lock", dir);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char holder[160], ts[32] = "?";
    time_t now = time(NULL);
    struct tm *tm = gmtime(&now);
    if (tm)
        strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", tm);
    snprintf(holder, sizeof holder, "racelab pid %ld, started %s (racelab %s)\n", rl_getpid(), ts, cmd);
    char held[256];
    int r = rl_lock_try(p, holder, lk, held, sizeof held);
    /* A holder just killed may still hold it for a moment through a child
     * it was starting (between clone and exec the lock's descriptor is
     * shared; exec closes it): when the pid the lock names is gone, wait
     * for that, up to 2 s. */
    long hp = 0;
    for (int tries = 0; r == 1 && tries < 200 && sscanf(held, "racelab pid %ld", &hp) == 1 && hp > 0 &&
                        hp != rl_getpid() && !rl_pid_alive(hp); tries++) {
        rl_sleep_ms(10);
        r = rl_lock_try(p, holder, lk, held, sizeof held);
    }
    if (r == 1)
        snprintf(err, errlen, "%s is in use by %s; one racelab at a time writes a results directory "
                 "(%s)", dir, held[0] ? held : "another racelab", p);
    else if (r < 0)
        snprintf(err, errlen, "%s: cannot lock: %s", p, strerror(errno));
    free(p);
    return r;
}

void rl_dir_unlock(rl_lock_t *lk)
{
    rl_lock_release(lk);
}

int rl_dir_write_seed(const char *dir, uint64_t seed)
{
    char *p = rl_aprintf("%s/seed", dir);
    char text[32];
    int n = snprintf(text, sizeof text, "%llu\n", (unsigned long long)seed);
    int rc = p ? rl_write_atomic(p, text, (size_t)n) : -1;
    free(p);
    return rc;
}

int rl_dir_read_seed(const char *dir, uint64_t *seed)
{
    char *p = rl_aprintf("%s/seed", dir);
    FILE *f = p ? fopen(p, "rb") : NULL;
    free(p);
    if (!f)
        return 0;
    char buf[40];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    if (n == 0 || buf[n - 1] != '\n')
        return -1;
    buf[--n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (buf[i] < '0' || buf[i] > '9')
            return -1;
    uint64_t v;
    if (rl_parse_u64(buf, &v) != 0)
        return -1;
    *seed = v;
    return 1;
}

int rl_file_hash(const char *path, char hex[17])
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    uint64_t h = 0xcbf29ce484222325ULL;
    unsigned char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        for (size_t i = 0; i < n; i++)
            h = (h ^ buf[i]) * 0x100000001b3ULL;
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        errno = EIO;
        return -1;
    }
    snprintf(hex, 17, "%016llx", (unsigned long long)h);
    return 0;
}

int rl_dir_write_history(const char *dir, const char *text)
{
    char *p = rl_aprintf("%s/history", dir);
    int rc = p ? rl_write_atomic(p, text, strlen(text)) : -1;
    free(p);
    return rc;
}

char *rl_dir_read_history(const char *dir)
{
    char *p = rl_aprintf("%s/history", dir);
    FILE *f = p ? fopen(p, "rb") : NULL;
    int e = p ? errno : ENOMEM;
    free(p);
    if (!f) {
        errno = e;
        return NULL;
    }
    size_t cap = 1024, n = 0, k;
    char *s = malloc(cap);
    /* Bounded: a history is a line per spec. */
    while (s && (k = fread(s + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (cap - n < 2) {
            char *ns = cap < (1u << 24) ? realloc(s, cap * 2) : NULL;
            if (!ns) {
                free(s);
                s = NULL;
                break;
            }
            s = ns;
            cap *= 2;
        }
    }
    fclose(f);
    if (s)
        s[n] = '\0';
    else
        errno = ENOMEM;
    return s;
}

char *rl_history_get(const char *text, const char *key)
{
    size_t kl = strlen(key);
    for (const char *l = text; l && *l;) {
        const char *e = strchr(l, '\n');
        size_t len = e ? (size_t)(e - l) : strlen(l);
        if (len > kl && strncmp(l, key, kl) == 0 && l[kl] == ' ')
            return rl_aprintf("%.*s", (int)(len - kl - 1), l + kl + 1);
        l = e ? e + 1 : NULL;
    }
    return NULL;
}

int rl_dir_save_spec(const char *dir, const rl_spec_t *spec)
{
    char *sd = rl_aprintf("%s/specs", dir);
    if (!sd || rl_mkdir_p(sd) != 0) {
        free(sd);
        return -1;
    }
    char *dst = rl_aprintf("%s/%s.repro", sd, spec->name);
    free(sd);
    /* Read whole first: the spec may be that very copy (--resume); then
     * written through a temporary file renamed over the old copy, so a
     * kill leaves the old copy or the new one. */
    FILE *in = fopen(spec->path, "rb");
    rl_out_t out;
    int rc = in && dst && rl_out_open(&out, dst) == 0 ? 0 : -1;
    if (rc == 0) {
        char buf[8192];
        size_t n;
        while (rc == 0 && (n = fread(buf, 1, sizeof buf, in)) > 0)
            if (fwrite(buf, 1, n, out.f) != n)
                rc = -1;
        if (ferror(in))
            rc = -1;
        if (rc == 0)
            rc = rl_out_commit(&out);
        else
            rl_out_abort(&out);
    }
    if (in)
        fclose(in);
    free(dst);
    return rc;
}

int rl_dir_load_spec(const char *dir, const char *name, rl_spec_t *spec, char *err, size_t errlen)
{
    char *p = rl_aprintf("%s/specs/%s.repro", dir, name);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = rl_spec_load(p, spec, err, errlen);
    free(p);
    return rc;
}

static int rl__cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int rl_dir_spec_names(const char *dir, char ***names)
{
    *names = NULL;
    char *p = rl_aprintf("%s/specs", dir);
    DIR *d = p ? opendir(p) : NULL;
    free(p);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len <= 6 || strcmp(e->d_name + len - 6, ".repro") != 0)
            continue;
        char **nn = realloc(*names, (size_t)(n + 1) * sizeof *nn);
        if (!nn)
            break;
        *names = nn;
        nn[n] = rl_aprintf("%.*s", (int)(len - 6), e->d_name);
        if (nn[n])
            n++;
    }
    closedir(d);
    if (n > 1)
        qsort(*names, (size_t)n, sizeof **names, rl__cmp);
    return n;
}

static int rl__skip_trial(void *ctx, rl_trial_t *t)
{
    (void)ctx;
    (void)t;
    return 0;
}

int rl_dir_read_for_resume(const char *dir, rl_trial_list_t *list, char *err, size_t errlen)
{
    char *p = rl_aprintf("%s/trials.jsonl", dir);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    rl_file_kind_t kind = rl_file_stat(p, NULL, NULL);
    if (kind != RL_FILE_NONE && kind != RL_FILE_REGULAR) {
        snprintf(err, errlen, "%s: not a regular file; results are read from files", p);
        free(p);
        return -1;
    }
    FILE *f = fopen(p, "rb+");
    if (!f) {
        int missing = errno == ENOENT;
        if (!missing)
            snprintf(err, errlen, "%s: %s", p, strerror(errno));
        free(p);
        return missing ? 0 : -1;
    }
    /* Find the end of the last complete line. */
    long size = 0, good = 0;
    int c;
    while ((c = fgetc(f)) != EOF) {
        size++;
        if (c == '\n')
            good = size;
    }
    fclose(f);
    if (good < size) {
        if (truncate(p, good) != 0) {
            snprintf(err, errlen, "%s: cannot cut off the partial last line: %s", p, strerror(errno));
            free(p);
            return -1;
        }
        fprintf(stderr, "racelab: %s: dropped a partial last line of %ld bytes (a write cut short)\n",
                p, size - good);
    }
    int rc = list ? rl_results_read(p, list, err, errlen)
                  : rl_results_each(p, rl__skip_trial, NULL, err, errlen);
    free(p);
    return rc;
}

char *rl_default_results_dir(const char *stem)
{
    time_t now = time(NULL);
    struct tm tm;
    char ts[32] = "now";
    struct tm *p = gmtime(&now);
    if (p) {
        tm = *p;
        strftime(ts, sizeof ts, "%Y%m%d-%H%M%S", &tm);
    }
    char *dir = rl_aprintf("results/%s-%s", stem, ts);
    /* Two runs started in the same second get different directories. */
    for (int n = 2; dir && rl_dir_in_use(dir) && n < 1000; n++) {
        free(dir);
        dir = rl_aprintf("results/%s-%s-%d", stem, ts, n);
    }
    return dir;
}

int rl_same_file(const char *a, const char *b)
{
    rl_file_id_t ia, ib;
    int ea = rl_file_stat(a, NULL, &ia) != RL_FILE_NONE;
    int eb = rl_file_stat(b, NULL, &ib) != RL_FILE_NONE;
    if (ea && eb)
        return ia.dev == ib.dev && ia.ino == ib.ino;
    if (ea != eb)
        return 0;
    char *ra = rl_path_resolve(a), *rb = rl_path_resolve(b);
    int same = ra && rb && strcmp(ra, rb) == 0;
    free(ra);
    free(rb);
    return same;
}

static int rl__is_sep(char c)
{
#ifdef _WIN32
    return c == '/' || c == '\\';
#else
    return c == '/';
#endif
}

/* rest names name or something under it ("specs", "specs/x.repro"). */
static int rl__under(const char *rest, const char *name)
{
    size_t n = strlen(name);
    return strncmp(rest, name, n) == 0 && (rest[n] == '\0' || rl__is_sep(rest[n]));
}

int rl_dir_keeps(const char *dir, const char *path)
{
    static const char *const kept[] = { "trials.jsonl", "seed", "lock", "history", "specs", "logs" };
    char *rd = rl_path_resolve(dir), *rp = rl_path_resolve(path);
    int hit = 0;
    if (rd && rp) {
        size_t n = strlen(rd);
        while (n > 1 && rl__is_sep(rd[n - 1]))
            n--;
        if (strncmp(rp, rd, n) == 0 && rp[n] == '\0')
            hit = 1;
        else if (strncmp(rp, rd, n) == 0 && rl__is_sep(rp[n]))
            for (size_t k = 0; k < sizeof kept / sizeof kept[0] && !hit; k++)
                hit = rl__under(rp + n + 1, kept[k]);
    }
    free(rd);
    free(rp);
    /* Another name of one of those files (a hard link elsewhere). */
    for (size_t k = 0; k < 4 && !hit; k++) {
        char *f = rl_aprintf("%s/%s", dir, kept[k]);
        hit = f && rl_file_stat(f, NULL, NULL) == RL_FILE_REGULAR && rl_same_file(f, path);
        free(f);
    }
    char **names = NULL;
    int nn = hit ? 0 : rl_dir_spec_names(dir, &names);
    for (int k = 0; k < nn; k++) {
        char *f = rl_aprintf("%s/specs/%s.repro", dir, names[k]);
        hit = hit || (f && rl_same_file(f, path));
        free(f);
        free(names[k]);
    }
    free(names);
    return hit;
}

int rl_dir_in_use(const char *dir)
{
    char *p = rl_aprintf("%s/trials.jsonl", dir);
    struct stat st;
    /* Only a regular file holds trials (a device such as /dev/full does not). */
    int used = p && stat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
    free(p);
    return used;
}

int rl_write_log(const char *dir, rl_trial_t *t, const rl_proc_result_t *res)
{
    char *logdir = rl_aprintf("%s/logs", dir);
    if (!logdir || rl_mkdir_p(logdir) != 0) {
        free(logdir);
        return -1;
    }
    char *path = rl_aprintf("%s/%s%s%s-%ld.log", logdir, t->spec,
                            t->variant && *t->variant ? "-" : "",
                            t->variant ? t->variant : "", t->index);
    free(logdir);
    if (!path)
        return -1;
    FILE *f = fopen(path, "wb");
    if (!f) {
        free(path);
        return -1;
    }
    fprintf(f, "# racelab trial %ld of %s%s%s\n# seed %llu\n# argv:", t->index, t->spec,
            t->variant && *t->variant ? " variant " : "", t->variant ? t->variant : "",
            (unsigned long long)t->seed);
    for (int i = 0; i < t->argc; i++)
        fprintf(f, " '%s'", t->argv[i]);
    fprintf(f, "\n# outcome %s: %s\n# exit status %d, signal %d, duration %.3fs, %zu bytes of output\n",
            rl_outcome_name(t->outcome), t->signature ? t->signature : "-",
            t->exit_status, t->term_signal, t->duration_s, res->output_total);
    fputs("== output ==\n", f);
    if (res->output)
        fwrite(res->output, 1, res->output_len, f);
    if (res->stacks) {
        fputs("\n== stacks at the timeout ==\n", f);
        fputs(res->stacks, f);
    }
    if (res->dump_path)
        fprintf(f, "\n== minidump: %s ==\n", res->dump_path);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        free(path);
        return -1;
    }
    free(t->log);
    t->log = path;
    return 0;
}
