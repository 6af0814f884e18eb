/* core/proc_result.c - freeing a trial process's result, and the names of
 * the signals and exceptions that can end one. */
#include "core/proc_result.h"

#include <stdio.h>
#include <stdlib.h>

void rl_proc_result_free(rl_proc_result_t *res)
{
    free(res->output);
    free(res->signature_lines);
    free(res->stacks);
    free(res->dump_path);
    res->output = res->signature_lines = res->stacks = res->dump_path = NULL;
}

/* Linux's numbers (x86-64): the only POSIX system racelab runs on, and
 * what a Windows racelab finds in results recorded on Linux. */
static const char *const linux_signals[] = {
    [1] = "SIGHUP",   [2] = "SIGINT",   [3] = "SIGQUIT",  [4] = "SIGILL",
    [5] = "SIGTRAP",  [6] = "SIGABRT",  [7] = "SIGBUS",   [8] = "SIGFPE",
    [9] = "SIGKILL",  [10] = "SIGUSR1", [11] = "SIGSEGV", [12] = "SIGUSR2",
    [13] = "SIGPIPE", [14] = "SIGALRM", [15] = "SIGTERM", [16] = "SIGSTKFLT",
    [17] = "SIGCHLD", [18] = "SIGCONT", [19] = "SIGSTOP", [20] = "SIGTSTP",
    [21] = "SIGTTIN", [22] = "SIGTTOU", [23] = "SIGURG",  [24] = "SIGXCPU",
    [25] = "SIGXFSZ", [26] = "SIGVTALRM", [27] = "SIGPROF", [28] = "SIGWINCH",
    [29] = "SIGIO",   [30] = "SIGPWR",  [31] = "SIGSYS",
};

const char *rl_signal_name(int sig, char *buf, size_t len)
{
    if (sig > 0 && sig < (int)(sizeof linux_signals / sizeof linux_signals[0]) &&
        linux_signals[sig])
        return linux_signals[sig];
    snprintf(buf, len, "signal %d", sig);
    return buf;
}

static const struct {
    uint32_t code;
    const char *name;
} exceptions[] = {
    { 0x80000003u, "EXCEPTION_BREAKPOINT" },
    { 0x80000004u, "EXCEPTION_SINGLE_STEP" },
    { 0xC0000005u, "EXCEPTION_ACCESS_VIOLATION" },
    { 0xC0000006u, "EXCEPTION_IN_PAGE_ERROR" },
    { 0xC0000008u, "EXCEPTION_INVALID_HANDLE" },
    { 0xC000001Du, "EXCEPTION_ILLEGAL_INSTRUCTION" },
    { 0xC0000025u, "EXCEPTION_NONCONTINUABLE_EXCEPTION" },
    { 0xC0000026u, "EXCEPTION_INVALID_DISPOSITION" },
    { 0xC000008Cu, "EXCEPTION_ARRAY_BOUNDS_EXCEEDED" },
    { 0xC000008Du, "EXCEPTION_FLT_DENORMAL_OPERAND" },
    { 0xC000008Eu, "EXCEPTION_FLT_DIVIDE_BY_ZERO" },
    { 0xC000008Fu, "EXCEPTION_FLT_INEXACT_RESULT" },
    { 0xC0000090u, "EXCEPTION_FLT_INVALID_OPERATION" },
    { 0xC0000091u, "EXCEPTION_FLT_OVERFLOW" },
    { 0xC0000092u, "EXCEPTION_FLT_STACK_CHECK" },
    { 0xC0000093u, "EXCEPTION_FLT_UNDERFLOW" },
    { 0xC0000094u, "EXCEPTION_INT_DIVIDE_BY_ZERO" },
    { 0xC0000095u, "EXCEPTION_INT_OVERFLOW" },
    { 0xC0000096u, "EXCEPTION_PRIV_INSTRUCTION" },
    { 0xC00000FDu, "EXCEPTION_STACK_OVERFLOW" },
    { 0xC0000135u, "STATUS_DLL_NOT_FOUND" },
    { 0xC0000139u, "STATUS_ENTRYPOINT_NOT_FOUND" },
    { 0xC000013Au, "STATUS_CONTROL_C_EXIT" },
    { 0xC0000142u, "STATUS_DLL_INIT_FAILED" },
    { 0xC0000374u, "STATUS_HEAP_CORRUPTION" },
    { 0xC0000409u, "STATUS_STACK_BUFFER_OVERRUN" },
    { 0xC0000417u, "STATUS_INVALID_CRUNTIME_PARAMETER" },
};

const char *rl_exception_name(uint32_t code, char *buf, size_t len)
{
    for (size_t i = 0; i < sizeof exceptions / sizeof exceptions[0]; i++)
        if (exceptions[i].code == code)
            return exceptions[i].name;
    snprintf(buf, len, "exception 0x%08lX", (unsigned long)code);
    return buf;
}
