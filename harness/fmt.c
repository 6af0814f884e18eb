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

size_t rl_utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80 ? 4 : 0;
    }
    return 0;
}
