/* flaky.c - a deliberately racy C program for the walkthrough in
 * docs/walkthrough.md: two threads update one counter without a lock, and
 * the program aborts when an update was lost.  How often that happens
 * depends on the machine and its load, which is what racelab measures.
 * Build: cc -O2 -pthread -o flaky flaky.c */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define ROUNDS 3000000

static volatile long counter;   /* racy on purpose: no atomics, no lock */
static pthread_barrier_t start;  /* both threads begin together */

static void *bump(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&start);
    for (int i = 0; i < ROUNDS; i++)
        counter = counter + 1;
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_barrier_init(&start, NULL, 2);
    pthread_create(&a, NULL, bump, NULL);
    pthread_create(&b, NULL, bump, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    if (counter != 2 * ROUNDS) {
        fprintf(stderr, "fatal error: lost update: counter %ld, want %d\n", counter, 2 * ROUNDS);
        abort();
    }
    printf("ok: counter %ld\n", counter);
    return 0;
}
