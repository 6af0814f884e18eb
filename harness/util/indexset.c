/* util/indexset.c - see util/indexset.h. */
#include "util/indexset.h"

#include <stdlib.h>
#include <string.h>

int rl_indexset_has(const rl_indexset_t *s, long i)
{
    return i >= 0 && i < s->cap && s->has[i];
}

int rl_indexset_add(rl_indexset_t *s, long i)
{
    if (i >= s->cap) {
        long cap = s->cap ? s->cap : 1024;
        while (cap <= i)
            cap *= 2;
        unsigned char *u = realloc(s->has, (size_t)cap);
        if (!u)
            return -1;
        memset(u + s->cap, 0, (size_t)(cap - s->cap));
        s->has = u;
        s->cap = cap;
    }
    if (s->has[i])
        return 1;
    s->has[i] = 1;
    return 0;
}

void rl_indexset_free(rl_indexset_t *s)
{
    free(s->has);
    s->has = NULL;
    s->cap = 0;
}
