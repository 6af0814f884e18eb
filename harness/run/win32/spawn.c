/* run/win32/spawn.c - rl_spawn_run on Windows (see run/spawn.h).
 *
 * The child is created suspended, put into a Job object that kills its whole
 * tree when closed (JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE) and only then
 * resumed, so not even a grandchild started in its first instructions can
 * escape the job.  stdout and stderr share one pipe, read by a helper thread
 * into a bounded head+tail capture while this thread waits for the process
 * with the timeout.  A hung child gets a minidump (dbghelp) and a line per
 * thread with its RIP/RSP, then the job is terminated. */
#include "run/spawn.h"
#include "run/capture.h"
#include "os/os.h"
#include "run/win32/winquote.h"
#include "util/str.h"
#include "util/strbuf.h"

#include <windows.h>
#include <dbghelp.h>
#include <tlhelp32.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* ---- the running jobs, for rl_spawn_kill_all ------------------------------ */

typedef struct job_node {
    HANDLE job;
    int killed;              /* terminated by rl_spawn_kill_all */
    struct job_node *next;
} job_node_t;

/* Set once rl_spawn_kill_all has run: later trials are not started. */
static volatile LONG killing;

static SRWLOCK jobs_lock = SRWLOCK_INIT;
static job_node_t *jobs;

/* Serialises the window in which the child's pipe end is inheritable, so a
 * trial started by another thread at the same moment cannot inherit it (and
 * keep our pipe open after our child is gone). */
static SRWLOCK create_lock = SRWLOCK_INIT;

static void jobs_add(job_node_t *n)
{
    AcquireSRWLockExclusive(&jobs_lock);
    n->next = jobs;
    jobs = n;
    ReleaseSRWLockExclusive(&jobs_lock);
}

static void jobs_remove(job_node_t *n)
{
    AcquireSRWLockExclusive(&jobs_lock);
    for (job_node_t **p = &jobs; *p; p = &(*p)->next) {
        if (*p == n) {
            *p = n->next;
            break;
        }
    }
    ReleaseSRWLockExclusive(&jobs_lock);
}

void rl_spawn_kill_all(void)
{
    InterlockedExchange(&killing, 1);
    AcquireSRWLockExclusive(&jobs_lock);
    for (job_node_t *n = jobs; n; n = n->next) {
        n->killed = 1;
        TerminateJobObject(n->job, 1);
    }
    ReleaseSRWLockExclusive(&jobs_lock);
}

/* Trials die with racelab: closing its job handles (at any exit) kills
 * them, so nothing can be left over from an earlier racelab. */
int rl_spawn_reap_abandoned(void)
{
    return 0;
}

/* KILL_ON_JOB_CLOSE already took every descendant with its trial. */
void rl_spawn_cleanup(void)
{
}

static BOOL WINAPI on_console_ctrl(DWORD type)
{
    (void)type;
    rl_spawn_kill_all();
    return FALSE;   /* let the default handler end racelab too */
}

static INIT_ONCE init_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK init_process(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once;
    (void)param;
    (void)ctx;
    /* Inherited by every child (we never pass CREATE_DEFAULT_ERROR_MODE):
     * a crashing trial ends at once instead of waiting on a dialog. */
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
    SetConsoleCtrlHandler(on_console_ctrl, TRUE);
    return TRUE;
}

/* ---- helpers -------------------------------------------------------------- */

static void set_err(rl_proc_result_t *res, const char *what, DWORD code)
{
    char sys[160] = "";
    FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                   NULL, code, 0, sys, sizeof sys, NULL);
    size_t l = strlen(sys);
    while (l > 0 && (sys[l - 1] == '\r' || sys[l - 1] == '\n' || sys[l - 1] == '.'))
        sys[--l] = '\0';
    snprintf(res->errmsg, sizeof res->errmsg, "%s: %s (error %lu)", what,
             l ? sys : "unknown error", (unsigned long)code);
}

/* UTF-8 to a malloc'd UTF-16 string; NULL on failure. */
static wchar_t *widen(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    if (n <= 0)
        return NULL;
    wchar_t *w = malloc((size_t)n * sizeof *w);
    if (w && MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n) != n) {
        free(w);
        return NULL;
    }
    return w;
}

/* The length of the variable name of "KEY=VALUE" (a leading '=' belongs to
 * the name: Windows keeps per-drive directories as "=C:=C:\..."). */
static size_t name_len_w(const wchar_t *kv)
{
    const wchar_t *eq = wcschr(kv + 1, L'=');
    return eq ? (size_t)(eq - kv) : wcslen(kv);
}

/* Our environment with env_add applied (an added KEY replaces an inherited
 * one, names compared without case as Windows does), as a UTF-16 block. */
static wchar_t *build_env(char *const *env_add)
{
    size_t nadd = 0;
    while (env_add && env_add[nadd])
        nadd++;
    wchar_t **add = calloc(nadd + 1, sizeof *add);
    if (add == NULL)
        return NULL;
    size_t total = 1;
    for (size_t i = 0; i < nadd; i++) {
        if ((add[i] = widen(env_add[i])) == NULL)
            goto fail;
        total += wcslen(add[i]) + 1;
    }

    wchar_t *cur = GetEnvironmentStringsW();
    if (cur == NULL)
        goto fail;
    for (const wchar_t *p = cur; *p; p += wcslen(p) + 1)
        total += wcslen(p) + 1;

    wchar_t *block = malloc(total * sizeof *block);
    if (block == NULL) {
        FreeEnvironmentStringsW(cur);
        goto fail;
    }
    size_t n = 0;
    for (const wchar_t *p = cur; *p; p += wcslen(p) + 1) {
        size_t nl = name_len_w(p);
        int replaced = 0;
        for (size_t i = 0; i < nadd && !replaced; i++)
            replaced = name_len_w(add[i]) == nl && _wcsnicmp(add[i], p, nl) == 0;
        if (!replaced) {
            wcscpy(block + n, p);
            n += wcslen(p) + 1;
        }
    }
    for (size_t i = 0; i < nadd; i++) {
        wcscpy(block + n, add[i]);
        n += wcslen(add[i]) + 1;
    }
    block[n] = L'\0';
    FreeEnvironmentStringsW(cur);
    for (size_t i = 0; i < nadd; i++)
        free(add[i]);
    free(add);
    return block;
fail:
    for (size_t i = 0; i < nadd; i++)
        free(add[i]);
    free(add);
    return NULL;
}

typedef struct {
    HANDLE pipe;
    rl_capture_t cap;
} reader_t;

static DWORD WINAPI reader_main(LPVOID arg)
{
    reader_t *r = arg;
    char buf[16384];
    DWORD n;
    /* Ends at EOF: when every holder of the write end (the whole job) is
     * gone, or when the waiting thread cancels a read stuck on an escaped
     * holder. */
    while (ReadFile(r->pipe, buf, sizeof buf, &n, NULL) && n > 0)
        rl_capture_add(&r->cap, buf, n);
    return 0;
}

/* A minidump of the hung process into dump_dir/dump_name.dmp; the path or
 * NULL (with the reason appended to *notes). */
static char *write_minidump(const rl_spawn_opts_t *opts, HANDLE proc, DWORD pid,
                            char *notes, size_t notes_len)
{
    const char *dir = opts->dump_dir ? opts->dump_dir : ".";
    const char *stem = opts->dump_name ? opts->dump_name : "trial";
    if (rl_mkdir_p(dir) != 0) {
        snprintf(notes, notes_len, "minidump: cannot create %s: %s\n", dir, strerror(errno));
        return NULL;
    }
    char *path = rl_aprintf("%s/%s.dmp", dir, stem);
    if (path == NULL)
        return NULL;
    HANDLE f = CreateFileA(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    if (f == INVALID_HANDLE_VALUE) {
        snprintf(notes, notes_len, "minidump: cannot create %s (error %lu)\n", path,
                 (unsigned long)GetLastError());
        free(path);
        return NULL;
    }
    BOOL ok = MiniDumpWriteDump(proc, pid, f,
                                (MINIDUMP_TYPE)(MiniDumpWithThreadInfo |
                                                MiniDumpWithUnloadedModules),
                                NULL, NULL, NULL);
    DWORD err = GetLastError();
    CloseHandle(f);
    if (!ok) {
        snprintf(notes, notes_len, "minidump: MiniDumpWriteDump failed (error %lu)\n",
                 (unsigned long)err);
        DeleteFileA(path);
        free(path);
        return NULL;
    }
    return path;
}

/* One line per thread of pid with where it is: the text a runtime engineer
 * reads first; the minidump (dump, or NULL when none could be written) has
 * the full stacks.  A first line says what was captured and where. */
static char *thread_states(DWORD pid, const char *dump, const char *notes)
{
    rl_sb_t s = { 0 };
    if (dump)
        rl_sb_printf(&s, "racelab captured: a minidump of process %lu in %s, then below each "
                         "thread's id and RIP/RSP\n", (unsigned long)pid, dump);
    else
        rl_sb_printf(&s, "racelab captured: no minidump of process %lu (see below), each thread's "
                         "id and RIP/RSP\n", (unsigned long)pid);
    rl_sb_printf(&s, "%sthreads of process %lu at the timeout:\n", notes, (unsigned long)pid);
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
    if (snap == INVALID_HANDLE_VALUE) {
        rl_sb_printf(&s, "  (no thread snapshot: error %lu)\n", (unsigned long)GetLastError());
        return rl_sb_take(&s);
    }
    THREADENTRY32 te = { .dwSize = sizeof te };
    for (BOOL more = Thread32First(snap, &te); more; more = Thread32Next(snap, &te)) {
        if (te.th32OwnerProcessID != pid)
            continue;
        HANDLE th = OpenThread(THREAD_SUSPEND_RESUME | THREAD_GET_CONTEXT, FALSE,
                               te.th32ThreadID);
        CONTEXT ctx = { .ContextFlags = CONTEXT_CONTROL };
        if (th && SuspendThread(th) != (DWORD)-1) {
            BOOL got = GetThreadContext(th, &ctx);
            ResumeThread(th);
            if (got)
                rl_sb_printf(&s, "  thread %lu: rip=0x%016llx rsp=0x%016llx\n",
                             (unsigned long)te.th32ThreadID, (unsigned long long)ctx.Rip,
                             (unsigned long long)ctx.Rsp);
            else
                rl_sb_printf(&s, "  thread %lu: context unavailable\n",
                             (unsigned long)te.th32ThreadID);
        } else {
            rl_sb_printf(&s, "  thread %lu: cannot suspend\n", (unsigned long)te.th32ThreadID);
        }
        if (th)
            CloseHandle(th);
    }
    CloseHandle(snap);
    return rl_sb_take(&s);
}

/* ---- rl_spawn_run ---------------------------------------------------------- */

int rl_spawn_run(const rl_spawn_opts_t *opts, rl_proc_result_t *res)
{
    memset(res, 0, sizeof *res);
    res->exit_status = -1;
    InitOnceExecuteOnce(&init_once, init_process, NULL, NULL);

    int rc = 0;
    char *line = NULL;
    wchar_t *wline = NULL, *wenv = NULL;
    HANDLE rd = NULL, wr = NULL, nul = INVALID_HANDLE_VALUE, job = NULL, reader = NULL;
    PROCESS_INFORMATION pi = { 0 };
    reader_t rdr = { 0 };
    job_node_t node = { 0 };
    int have_cap = 0;

    /* Specs spell programs with '/' ("{build}/scenarios/x.exe"); CreateProcess's
     * search for the program wants the native separator. */
    char *prog = NULL;
    char **argv = NULL;
    size_t argc = 0;
    while (opts->argv && opts->argv[argc])
        argc++;
    if (argc > 0) {
        prog = rl_strdup(opts->argv[0]);
        argv = malloc((argc + 1) * sizeof *argv);
        if (prog == NULL || argv == NULL) {
            free(prog);
            free(argv);
            snprintf(res->errmsg, sizeof res->errmsg, "out of memory");
            return -1;
        }
        for (char *p = prog; *p; p++)
            if (*p == '/')
                *p = '\\';
        argv[0] = prog;
        for (size_t i = 1; i <= argc; i++)
            argv[i] = opts->argv[i];
    }
    line = rl_win_quote_argv(argv);
    free(prog);
    free(argv);
    if (line == NULL) {
        snprintf(res->errmsg, sizeof res->errmsg, "cannot build a command line: %s",
                 errno == EINVAL ? "empty argv or a quote in the program name"
                                 : "out of memory");
        return 0;   /* the trial could not start: an outcome, not our failure */
    }
    if ((wline = widen(line)) == NULL || (wenv = build_env(opts->env_add)) == NULL) {
        snprintf(res->errmsg, sizeof res->errmsg, "out of memory or invalid UTF-8");
        rc = -1;
        goto out;
    }
    have_cap = 1;
    if (rl_capture_init(&rdr.cap, opts->capture_limit, opts->classifier) != 0) {
        snprintf(res->errmsg, sizeof res->errmsg, "out of memory");
        rc = -1;
        goto out;
    }

    SECURITY_ATTRIBUTES sa = { .nLength = sizeof sa, .bInheritHandle = FALSE };
    if (!CreatePipe(&rd, &wr, &sa, 0)) {
        set_err(res, "CreatePipe", GetLastError());
        rc = -1;
        goto out;
    }
    nul = CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa,
                      OPEN_EXISTING, 0, NULL);
    job = CreateJobObjectW(NULL, NULL);
    if (job == NULL) {
        set_err(res, "CreateJobObject", GetLastError());
        rc = -1;
        goto out;
    }
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION lim = { 0 };
    lim.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation, &lim, sizeof lim)) {
        set_err(res, "SetInformationJobObject", GetLastError());
        rc = -1;
        goto out;
    }

    STARTUPINFOW si = { .cb = sizeof si };
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = nul;
    si.hStdOutput = wr;
    si.hStdError = wr;

    double t0 = rl_now();
    AcquireSRWLockExclusive(&create_lock);
    SetHandleInformation(wr, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    if (nul != INVALID_HANDLE_VALUE)
        SetHandleInformation(nul, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    BOOL created = CreateProcessW(NULL, wline, NULL, NULL, TRUE,
                                  CREATE_SUSPENDED | CREATE_UNICODE_ENVIRONMENT,
                                  wenv, NULL, &si, &pi);
    DWORD cerr = GetLastError();
    CloseHandle(wr);   /* the child's copy is the only one left */
    wr = NULL;
    ReleaseSRWLockExclusive(&create_lock);
    if (!created) {
        set_err(res, opts->argv[0], cerr);   /* the program's path first, as on POSIX */
        goto out;      /* started == 0: an outcome for the caller to record */
    }
    res->started = 1;

    if (!AssignProcessToJobObject(job, pi.hProcess)) {
        set_err(res, "AssignProcessToJobObject", GetLastError());
        TerminateProcess(pi.hProcess, 1);
        res->started = 0;
        goto out;
    }
    node.job = job;
    jobs_add(&node);
    if (InterlockedCompareExchange(&killing, 0, 0)) {
        /* racelab is being interrupted: this trial never runs. */
        TerminateJobObject(job, 1);
        jobs_remove(&node);
        res->started = 0;
        res->interrupted = 1;
        snprintf(res->errmsg, sizeof res->errmsg, "interrupted");
        goto out;
    }

    rdr.pipe = rd;
    reader = CreateThread(NULL, 0, reader_main, &rdr, 0, NULL);
    ResumeThread(pi.hThread);

    DWORD ms = INFINITE;
    if (opts->timeout_s > 0) {
        double d = opts->timeout_s * 1000.0;
        ms = d >= (double)(INFINITE - 1) ? INFINITE - 1 : (DWORD)d;
    }
    DWORD w = WaitForSingleObject(pi.hProcess, ms);
    if (w == WAIT_TIMEOUT) {
        res->timed_out = 1;
        if (opts->capture_stacks) {
            char notes[300] = "";
            res->dump_path = write_minidump(opts, pi.hProcess, pi.dwProcessId, notes,
                                            sizeof notes);
            res->stacks = thread_states(pi.dwProcessId, res->dump_path, notes);
        }
        TerminateJobObject(job, 1);
        WaitForSingleObject(pi.hProcess, INFINITE);
    }
    res->duration_s = rl_now() - t0;

    DWORD code = 0;
    GetExitCodeProcess(pi.hProcess, &code);
    if (res->timed_out) {
        res->exit_status = -1;
    } else if (code >= 0xC0000000u) {
        /* An NTSTATUS error: the process died of an exception (or
         * something reported one as its exit code, which we treat alike). */
        res->exception = code;
        res->exit_status = -1;
    } else {
        res->exit_status = (int)code;
    }

    /* Whatever the child left running goes with it, as on POSIX where the
     * process group is killed; only then can the pipe reach EOF. */
    TerminateJobObject(job, 1);
    jobs_remove(&node);
    if (node.killed && !res->timed_out)
        res->interrupted = 1;
    if (reader) {
        if (WaitForSingleObject(reader, 5000) == WAIT_TIMEOUT) {
            /* A process outside the job (broken away) still holds the pipe. */
            CancelSynchronousIo(reader);
            WaitForSingleObject(reader, INFINITE);
        }
        CloseHandle(reader);
    } else {
        /* No reader thread: drain what is there without blocking. */
        DWORD avail, n;
        char buf[16384];
        while (PeekNamedPipe(rd, NULL, 0, NULL, &avail, NULL) && avail > 0 &&
               ReadFile(rd, buf, sizeof buf, &n, NULL) && n > 0)
            rl_capture_add(&rdr.cap, buf, n);
    }
    res->output_total = rdr.cap.total;
    if (rl_capture_finish(&rdr.cap, &res->output, &res->output_len, &res->output_head_len,
                          &res->signature_lines, &res->signature_lines_len) != 0) {
        snprintf(res->errmsg, sizeof res->errmsg, "out of memory");
        rc = -1;
    }

out:
    if (pi.hThread)
        CloseHandle(pi.hThread);
    if (pi.hProcess)
        CloseHandle(pi.hProcess);
    if (job)
        CloseHandle(job);
    if (nul != INVALID_HANDLE_VALUE)
        CloseHandle(nul);
    if (wr)
        CloseHandle(wr);
    if (rd)
        CloseHandle(rd);
    if (have_cap)
        rl_capture_free(&rdr.cap);
    free(wenv);
    free(wline);
    free(line);
    if (res->output == NULL) {
        res->output = calloc(1, 1);
        res->output_len = 0;
    }
    return rc;
}

