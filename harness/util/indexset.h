/* util/indexset.h - a set of non-negative indices (trial indices seen),
 * one byte each, grown on demand: what resume and bisection mark. */
#ifndef RL_INDEXSET_H
#define RL_INDEXSET_H

typedef struct {
    unsigned char *has;
    long cap;             /* indices 0 .. cap-1 have a byte */
} rl_indexset_t;

/* 1 when i is in the set. */
int rl_indexset_has(const rl_indexset_t *s, long i);
/* Adds i (>= 0).  1 when it was already there, 0 when added, -1 when out
 * of memory. */
int rl_indexset_add(rl_indexset_t *s, long i);
void rl_indexset_free(rl_indexset_t *s);

#endif
