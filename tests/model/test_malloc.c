/* rt_malloc's trap: it fires (exit status 2, Go's message) exactly when the
 * current M's mallocing is non-zero, and never otherwise. */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model/m.h"
#include "model/malloc.h"
#include "model/suspend.h"

static rt_m_t *setup_m(void)
{
    cr_assert_eq(rt_suspend_init(), 0);
    cr_assert_eq(rt_suspend_register_self(), 0);
    cr_assert_eq(rt_newextram(1), 0);
    return rt_needm();
}

Test(malloc, trap_fires_when_mallocing_is_set, .exit_code = 2)
{
    rt_m_t *mp = setup_m();
    atomic_store(&mp->mallocing, 1);
    rt_malloc(16);
    cr_assert_fail("rt_malloc returned although mallocing was 1");
}

Test(malloc, trap_fires_on_a_counter_left_below_zero, .exit_code = 2)
{
    rt_m_t *mp = setup_m();
    atomic_store(&mp->mallocing, -1);
    rt_malloc(16);
    cr_assert_fail("rt_malloc returned although mallocing was -1");
}

Test(malloc, no_trap_while_mallocing_is_zero)
{
    rt_m_t *mp = setup_m();
    for (int i = 0; i < 10000; i++) {
        unsigned char *p = rt_malloc((size_t)(i % 512));
        cr_assert_not_null(p);
        cr_assert_eq(atomic_load(&mp->mallocing), 0, "mallocing not restored");
        rt_free(p);
    }
    rt_dropm();
    rt_needm(); /* the same M, with a clean counter, after a round trip */
    rt_free(rt_malloc(8));
}

/* The message, read from a forked child's stderr. */
Test(malloc, trap_prints_go_message_and_names_the_m)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        rt_m_t *mp = setup_m();
        atomic_store(&mp->mallocing, 1);
        rt_malloc(16);
        _exit(0);
    }
    close(fds[1]);
    char buf[1024];
    size_t n = 0;
    ssize_t r;
    while (n < sizeof buf - 1 && (r = read(fds[0], buf + n, sizeof buf - 1 - n)) > 0)
        n += (size_t)r;
    buf[n] = '\0';
    close(fds[0]);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "status %#x", status);
    cr_assert_eq(strncmp(buf, "fatal error: malloc deadlock\n", 29), 0, "got: %s", buf);
    cr_assert_not_null(strstr(buf, "runtime: m=1 mallocing=1 os_thread="), "got: %s", buf);
    cr_assert_not_null(strstr(buf, "stale"), "no profiler was running: got %s", buf);
}
