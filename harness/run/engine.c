/* run/engine.c - J worker threads, each running one trial at a time.
 *
 * A worker blocks in rl_spawn_run (poll on the trial's pipe and pidfd), so
 * a finished trial is picked up at once and the next one starts without
 * any sleep; the only shared state is behind one mutex, taken twice per
 * trial (to get the next job and to hand back the result). */
#include "run/engine.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/classify.h"
#include "run/interrupt.h"
#include "util/str.h"
#include "os/os.h"

typedef struct {
    rl_engine_t *e;
    rl_mutex_t *lock;
    rl_mutex_t *record_lock;   /* fsync of the results file happens here */
    int stop;            /* done() failed: start nothing more */
    atomic_int finished; /* the workers are done: the syncer ends */
    int failed;
    double last_progress;
    int drew;
} rl__shared_t;

static void rl__progress(rl__shared_t *s, int final)
{
    rl_engine_t *e = s->e;
    if (!e->progress)
        return;
    double now = rl_now();
    if (!final && now - s->last_progress < 0.1)
        return;
    s->last_progress = now;
    char line[512];
    line[0] = '\0';
    e->progress(e->ctx, line, sizeof line, now - e->t0);
    if (final) {
        if (s->drew)
            fputs("\r\033[K", stderr);
    } else if (line[0]) {
        fprintf(stderr, "\r\033[K%s", line);
        s->drew = 1;
    }
    fflush(stderr);
}

static void rl__worker(void *arg)
{
    rl__shared_t *s = arg;
    rl_engine_t *e = s->e;
    for (;;) {
        rl_job_t job;
        memset(&job, 0, sizeof job);
        rl_mutex_lock(s->lock);
        int have = !s->stop && !atomic_load(&rl_interrupted) && e->next(e->ctx, &job);
        rl_mutex_unlock(s->lock);
        if (!have)
            return;

        char seedenv[64];
        snprintf(seedenv, sizeof seedenv, "RACELAB_SEED=%llu", (unsigned long long)job.trial.seed);
        char *env_add[] = { seedenv, NULL };
        char *dump_dir = e->results_dir ? rl_aprintf("%s/logs", e->results_dir) : NULL;
        char *dump_name = rl_aprintf("%s%s%s-%ld", job.trial.spec,
                                     job.trial.variant && *job.trial.variant ? "-" : "",
                                     job.trial.variant ? job.trial.variant : "",
                                     job.trial.index);
        rl_spawn_opts_t opts = {
            .argv = job.trial.argv,
            .env_add = env_add,
            .timeout_s = job.classifier->timeout_s,
            .capture_limit = 64 * 1024,
            .capture_stacks = 1,
            .dump_dir = dump_dir,
            .dump_name = dump_name,
            .classifier = job.classifier,
        };
        rl_proc_result_t res;
        job.trial.started_s = rl_now() - e->t0;
        int rc = rl_spawn_run(&opts, &res);
        free(dump_dir);
        free(dump_name);
        if (atomic_load(&rl_interrupted) && (rc != 0 || res.interrupted)) {
            /* Killed by racelab's interrupt, not by itself: not a result.  A
             * trial that ended on its own before the signal is still kept. */
            rl_proc_result_free(&res);
            rl_trial_free(&job.trial);
            return;
        }
        if (rc != 0) {
            res.started = 0;   /* the harness failed it: an error trial */
        }
        char *sig = NULL, *printed = NULL;
        job.trial.outcome = rl_classify_printed(&res, job.classifier, &sig, &printed);
        job.trial.signature = sig;
        job.trial.printed = printed;
        job.trial.exit_status = res.exit_status;
        job.trial.term_signal = res.term_signal;
        job.trial.exception = res.exception;
        job.trial.duration_s = res.duration_s;

        int bad = 0;
        if (e->record) {
            rl_mutex_lock(s->record_lock);
            bad = e->record(e->ctx, &job, &res) != 0;
            rl_mutex_unlock(s->record_lock);
        }
        rl_mutex_lock(s->lock);
        if (bad || e->done(e->ctx, &job, &res) != 0) {
            s->stop = 1;
            s->failed = 1;
        }
        rl__progress(s, 0);
        rl_mutex_unlock(s->lock);
        rl_proc_result_free(&res);
        rl_trial_free(&job.trial);
    }
}

/* Batched durability: one fsync per RL_ENGINE_SYNC_S instead of one per
 * trial, which on ext4 halved the trials per second of short trials.  It
 * sleeps in short steps so that the end of a run is not held up. */
static void rl__syncer(void *arg)
{
    rl__shared_t *s = arg;
    double last = rl_now();
    while (!atomic_load(&s->finished)) {
        rl_sleep_ms(50);
        double now = rl_now();
        if (now - last < RL_ENGINE_SYNC_S - 0.025)
            continue;
        last = now;
        if (s->e->sync(s->e->ctx) != 0) {
            rl_mutex_lock(s->lock);
            s->stop = 1;
            s->failed = 1;
            rl_mutex_unlock(s->lock);
            return;
        }
    }
}

int rl_engine_run(rl_engine_t *e)
{
    rl__shared_t s = { .e = e, .lock = rl_mutex_new(), .record_lock = rl_mutex_new() };
    if (!s.lock || !s.record_lock) {
        rl_mutex_free(s.lock);
        rl_mutex_free(s.record_lock);
        return -1;
    }
    int jobs = e->jobs < 1 ? 1 : e->jobs;
    rl_thread_t **th = calloc((size_t)jobs, sizeof *th);
    if (!th) {
        rl_mutex_free(s.lock);
        return -1;
    }
    rl_thread_t *syncer = e->sync ? rl_thread_start(rl__syncer, &s) : NULL;
    int started = 0;
    for (int i = 0; i < jobs; i++) {
        th[i] = rl_thread_start(rl__worker, &s);
        if (th[i])
            started++;
    }
    if (started == 0)
        rl__worker(&s);
    for (int i = 0; i < jobs; i++)
        rl_thread_join(th[i]);
    free(th);
    atomic_store(&s.finished, 1);
    if (syncer)
        rl_thread_join(syncer);
    rl_mutex_lock(s.lock);
    rl__progress(&s, 1);
    rl_mutex_unlock(s.lock);
    rl_mutex_free(s.lock);
    rl_mutex_free(s.record_lock);
    rl_spawn_cleanup();
    if (atomic_load(&rl_interrupted))
        return 1;
    return s.failed ? -1 : 0;
}
