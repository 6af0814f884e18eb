/* handles.c - the lowest-free-slot handle table and suspension through it. */
#include "model/handles.h"

#include <stdatomic.h>

#include "model/thread.h"

#define MAX_RECORDS 4096

typedef struct record {
    rt_thandle_t raw; /* the backend handle, opened by the thread itself */
    uint64_t tid;
} record_t;

/* Records are never reused: a value loaded just before its thread left must
 * still resolve to valid memory (it names a gone thread, not garbage). */
static record_t records[MAX_RECORDS];
static atomic_uint nrecords;
static _Thread_local record_t *self;

/* Slot 0 is never used: value 0 means "no thread", as in Go's mp.thread. */
static _Atomic(record_t *) slots[RT_H_SLOTS + 1];

/* The suspender's pin (one suspender at a time, see handles.h). */
static rt_thandle_t pinned_v;
static record_t *pinned;
static _Atomic uint64_t pinned_tid;

/* Async emulation: a helper thread runs the backend calls one command at a
 * time; cmd goes NONE -> command (suspender) -> NONE (helper, when done). */
enum { CMD_NONE, CMD_SUSPEND, CMD_CONTEXT, CMD_RESUME, CMD_QUIT };
static bool async_on;
static rt_thread_t *helper;
static _Atomic int cmd;
static rt_thandle_t cmd_raw;
static uint32_t cmd_timeout;
static int cmd_rc;
static rt_context_t cmd_ctx;
static bool suspend_pending; /* an async suspend was posted, result unread */

int rt_h_register_self(void)
{
    if (self != NULL)
        return 0;
    int rc = rt_suspend_register_self();
    if (rc != 0)
        return rc;
    unsigned i = atomic_fetch_add(&nrecords, 1);
    if (i >= MAX_RECORDS)
        return RT_SUSPEND_ESYS;
    record_t *r = &records[i];
    r->raw = rt_thandle_open();
    r->tid = rt_os_thread_id();
    if (r->raw == 0)
        return RT_SUSPEND_ESYS;
    self = r;
    return 0;
}

void rt_h_unregister_self(void)
{
    if (self == NULL)
        return;
    rt_thandle_close(self->raw);
    self = NULL;
    rt_suspend_unregister_self();
}

static rt_thandle_t take_slot(record_t *r)
{
    for (unsigned i = 1; i <= RT_H_SLOTS; i++) {
        record_t *expect = NULL;
        if (atomic_load_explicit(&slots[i], memory_order_relaxed) == NULL &&
            atomic_compare_exchange_strong(&slots[i], &expect, r))
            return (rt_thandle_t)i;
    }
    return 0;
}

static record_t *resolve(rt_thandle_t v)
{
    if (v == 0 || v > RT_H_SLOTS)
        return NULL;
    return atomic_load(&slots[v]);
}

rt_thandle_t rt_h_open(void)
{
    return self != NULL ? take_slot(self) : 0;
}

rt_thandle_t rt_h_dup(rt_thandle_t v)
{
    record_t *r = resolve(v);
    return r != NULL ? take_slot(r) : 0;
}

void rt_h_close(rt_thandle_t v)
{
    if (v != 0 && v <= RT_H_SLOTS)
        atomic_store(&slots[v], NULL);
}

uint64_t rt_h_tid(rt_thandle_t v)
{
    record_t *r = resolve(v);
    return r != NULL ? r->tid : 0;
}

uint64_t rt_h_suspended_tid(void)
{
    return atomic_load(&pinned_tid);
}

static void helper_main(void *arg)
{
    (void)arg;
    for (;;) {
        int c;
        while ((c = atomic_load(&cmd)) == CMD_NONE)
            rt_thread_yield();
        int rc = 0;
        if (c == CMD_SUSPEND)
            rc = rt_suspend(cmd_raw, cmd_timeout);
        else if (c == CMD_CONTEXT)
            rc = rt_suspend_get_context(cmd_raw, &cmd_ctx);
        else if (c == CMD_RESUME)
            rc = rt_suspend_resume(cmd_raw);
        cmd_rc = rc;
        atomic_store(&cmd, CMD_NONE);
        if (c == CMD_QUIT)
            return;
    }
}

static void wait_idle(void)
{
    while (atomic_load(&cmd) != CMD_NONE)
        rt_thread_yield();
}

/* Posts a command to the helper; waits for its result unless !wait. */
static int post(int c, rt_thandle_t raw, uint32_t timeout_ms, bool wait)
{
    wait_idle();
    cmd_raw = raw;
    cmd_timeout = timeout_ms;
    atomic_store(&cmd, c);
    if (!wait)
        return 0;
    wait_idle();
    return cmd_rc;
}

int rt_h_set_async(bool on)
{
    if (on == async_on)
        return 0;
    if (on) {
        if (rt_thread_start(&helper, helper_main, NULL) != 0)
            return -1;
    } else {
        post(CMD_QUIT, 0, 0, true);
        rt_thread_join(helper);
        helper = NULL;
    }
    async_on = on;
    return 0;
}

void rt_h_shutdown(void)
{
    rt_h_set_async(false);
}

static void unpin(void)
{
    pinned_v = 0;
    pinned = NULL;
    atomic_store(&pinned_tid, 0);
}

int rt_h_suspend(rt_thandle_t v, uint32_t timeout_ms)
{
    if (pinned != NULL)
        return RT_SUSPEND_ESTATE;
    /* SuspendThread resolves its handle and suspends in one step.  Here the
     * two are separate, so the thread that was resolved may close v before
     * it stops; the suspension only counts once v is seen to still name the
     * stopped thread (which, being stopped, cannot close it any more). */
    for (int attempt = 0; attempt < 16; attempt++) {
        record_t *r = resolve(v);
        if (r == NULL)
            return RT_SUSPEND_EBADH;
        if (self != NULL && r == self) {
            /* Both backends refuse to suspend their caller; Windows does
             * not: the caller stops until another thread resumes it - here,
             * never. */
            for (;;)
                rt_sleep_us(1000000);
        }
        pinned_v = v;
        pinned = r;
        atomic_store(&pinned_tid, r->tid);
        if (async_on) {
            /* Only private duplicates are suspended asynchronously (P5),
             * and no other thread closes those. */
            post(CMD_SUSPEND, r->raw, timeout_ms, false);
            suspend_pending = true;
            return 0;
        }
        int rc = rt_suspend(r->raw, timeout_ms);
        if (rc != 0) {
            unpin();
            return rc;
        }
        if (resolve(v) == r)
            return 0;
        rt_suspend_resume(r->raw);
        unpin();
    }
    return RT_SUSPEND_EBADH; /* the value kept changing: as good as closed */
}

/* In async mode: the result of the posted suspend, once it is known. */
static int settle(void)
{
    if (!suspend_pending)
        return 0;
    wait_idle();
    suspend_pending = false;
    int rc = cmd_rc;
    if (rc != 0)
        unpin();
    return rc;
}

int rt_h_get_context(rt_thandle_t v, rt_context_t *ctx)
{
    ctx->pc = ctx->sp = 0;
    /* Resolved now, as GetThreadContext resolves its handle argument: a
     * value reused since the suspend names its new thread. */
    record_t *r = resolve(v);
    if (r == NULL)
        return RT_SUSPEND_EBADH;
    if (r != pinned)
        return RT_H_ERUNNING;
    int rc = settle();
    if (rc != 0)
        return rc;
    if (!async_on)
        return rt_suspend_get_context(r->raw, ctx);
    rc = post(CMD_CONTEXT, r->raw, 0, true);
    *ctx = cmd_ctx;
    return rc;
}

int rt_h_resume(rt_thandle_t v)
{
    if (pinned == NULL || v != pinned_v)
        return RT_SUSPEND_ESTATE;
    int rc = settle();
    if (rc != 0)
        return rc;
    record_t *r = pinned;
    rc = async_on ? post(CMD_RESUME, r->raw, 0, true) : rt_suspend_resume(r->raw);
    unpin();
    return rc;
}
