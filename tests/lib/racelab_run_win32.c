/* racelab_run_win32.c - see racelab_run_win32.h. */
#include "racelab_run_win32.h"

#include <windows.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rltest.h"

void rrw_paths(char *racelab, char *child)
{
    char root[MAX_PATH];
    GetModuleFileNameA(NULL, root, sizeof root);
    for (int up = 0; up < 3; up++) { /* test.exe, windows, tests */
        char *slash = strrchr(root, '\\');
        cr_assert_not_null(slash, "no build directory above %s", root);
        *slash = '\0';
    }
    snprintf(racelab, MAX_PATH, "%s\\harness\\racelab.exe", root);
    snprintf(child, MAX_PATH, "%s\\tests\\child\\rl-child.exe", root);
}

void rrw_tmpdir(const char *name, char *dir)
{
    char base[MAX_PATH];
    GetTempPathA(sizeof base, base);
    /* A fresh directory: Wine hands the same pids out again in every run,
     * and a results directory left by an earlier run is refused. */
    for (unsigned n = 0; n < 10000; n++) {
        snprintf(dir, MAX_PATH, "%sracelab-test-%s-%lu-%u", base, name,
                 (unsigned long)GetCurrentProcessId(), n);
        if (CreateDirectoryA(dir, NULL))
            return;
        cr_assert(GetLastError() == ERROR_ALREADY_EXISTS, "cannot create %s (error %lu)", dir,
                  (unsigned long)GetLastError());
    }
    cr_assert_fail("no fresh directory for %s under %s", name, base);
}

int rrw_alive(unsigned long pid)
{
    HANDLE h = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)pid);
    if (h == NULL)
        return 0;
    int alive = WaitForSingleObject(h, 2000) == WAIT_TIMEOUT;
    CloseHandle(h);
    return alive;
}

/* Little-endian fields of the file, bounds checked by the caller. */
static uint32_t rrw__u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int rrw__in(size_t len, uint32_t rva, uint32_t size)
{
    return (uint64_t)rva + size <= len;
}

int rrw_check_minidump(const char *path, unsigned long *tids, int max, char *why, size_t wlen)
{
    size_t len = 0;
    unsigned char *d = (unsigned char *)tf_slurp(path, &len);
    int n = -1;
    if (!d) {
        snprintf(why, wlen, "cannot read %s", path);
        return -1;
    }
    /* MINIDUMP_HEADER: 'MDMP', version (low word 0xA793), stream count,
     * directory RVA; MINIDUMP_DIRECTORY: type, size, RVA (12 bytes). */
    uint32_t nstreams = len >= 32 ? rrw__u32(d + 8) : 0, dir = len >= 32 ? rrw__u32(d + 12) : 0;
    if (len < 32 || memcmp(d, "MDMP", 4) != 0)
        snprintf(why, wlen, "no MDMP signature (%zu bytes)", len);
    else if ((rrw__u32(d + 4) & 0xffff) != 0xA793)
        snprintf(why, wlen, "version 0x%08lx is not a minidump's", (unsigned long)rrw__u32(d + 4));
    else if (nstreams == 0 || nstreams > 4096 || !rrw__in(len, dir, nstreams * 12))
        snprintf(why, wlen, "stream directory (%lu streams at %lu) outside the %zu-byte file",
                 (unsigned long)nstreams, (unsigned long)dir, len);
    else {
        snprintf(why, wlen, "no thread list stream");
        for (uint32_t i = 0; i < nstreams; i++) {
            const unsigned char *e = d + dir + 12 * i;
            uint32_t type = rrw__u32(e), size = rrw__u32(e + 4), rva = rrw__u32(e + 8);
            if (!rrw__in(len, rva, size)) {
                snprintf(why, wlen, "stream %lu (type %lu) outside the file", (unsigned long)i,
                         (unsigned long)type);
                n = -1;
                break;
            }
            if (type != 3 /* ThreadListStream */ || size < 4)
                continue;
            /* MINIDUMP_THREAD (48 bytes): id at 0; the stack's memory
             * {size, RVA} at 32; the context's {size, RVA} at 40. */
            uint32_t nt = rrw__u32(d + rva);
            if (nt == 0 || 4 + (uint64_t)nt * 48 > size) {
                snprintf(why, wlen, "thread list of %lu threads in %lu bytes", (unsigned long)nt,
                         (unsigned long)size);
                break;
            }
            n = 0;
            for (uint32_t t = 0; t < nt; t++) {
                const unsigned char *th = d + rva + 4 + 48 * t;
                if (!rrw__in(len, rrw__u32(th + 36), rrw__u32(th + 32)) ||
                    !rrw__in(len, rrw__u32(th + 44), rrw__u32(th + 40))) {
                    snprintf(why, wlen, "thread %lu's stack or context outside the file",
                             (unsigned long)rrw__u32(th));
                    n = -1;
                    break;
                }
                if (n < max)
                    tids[n] = rrw__u32(th);
                n++;
            }
            if (n < 0)
                break;
            snprintf(why, wlen, "%d threads", n);
        }
    }
    free(d);
    return n;
}

/* The hang in results (trial 0 of racelab run) left a minidump next to its
 * log that reads as one, and the log says so and lists the threads the
 * dump holds. */
void rrw_assert_hang_dump(const char *results)
{
    char dump[MAX_PATH + 32];
    snprintf(dump, sizeof dump, "%s\\logs\\run-0.dmp", results);
    char logpath[MAX_PATH + 32];
    snprintf(logpath, sizeof logpath, "%s\\logs\\run-0.log", results);
    char *l = tf_slurp(logpath, NULL);
    cr_expect(l && strstr(l, "== minidump: ") != NULL && strstr(l, "rip=0x") != NULL,
              "the hang's log lists each thread's RIP and names its minidump");
    cr_expect(l && strstr(l, "racelab captured: a minidump of process ") != NULL &&
                  strstr(l, "run-0.dmp, then below each thread's id and RIP/RSP") != NULL,
              "the log says what was captured and where");
    unsigned long tids[64];
    char why[200];
    int n = rrw_check_minidump(dump, tids, 64, why, sizeof why);
    cr_expect(n >= 1, "the minidump next to the log is a valid minidump: %s", why);
    int listed = 0;
    for (int i = 0; i < n && i < 64 && l; i++) {
        char line[64];
        snprintf(line, sizeof line, "  thread %lu: ", tids[i]);
        listed += strstr(l, line) != NULL;
    }
    cr_expect(n < 1 || listed >= 1, "the log lists none of the %d threads in the minidump", n);
    cr_log_info("minidump %s: %s; %d of them listed in the log", dump, why, listed);
    if (l && (n < 1 || !listed))
        cr_log_info("log:\n%s", l);
    free(l);
}
