/* fmt.c - see fmt.h. */
#include "fmt.h"

#include <stdio.h>

char *rl_fmt_pct(char *buf, size_t len, double v)
{
    double p = v * 100.0;
    /* Small bounds (a 1% target) need more digits than large rates. */
    int prec = (p == 0.0 || p >= 9.995) ? 1 : p >= 0.9995 ? 2 : 3;
    snprintf(buf, len, "%.*f%%", prec, p);
    return buf;
}
