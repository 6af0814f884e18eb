/* util/fmt.c - see util/fmt.h. */
#include "util/fmt.h"

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

const char *rl_json_escape_next(const unsigned char *s, char buf[8], size_t *in, size_t *out_len)
{
    unsigned c = s[0];
    size_t n = rl_utf8_len(s);
    *in = 1;
    if (c == '"' || c == '\\') {
        buf[0] = '\\';
        buf[1] = (char)c;
        *out_len = 2;
    } else if (c == '\n' || c == '\t' || c == '\r') {
        buf[0] = '\\';
        buf[1] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
        *out_len = 2;
    } else if (c < 0x20 || c == 0x7F || n == 0) {
        *out_len = (size_t)snprintf(buf, 8, "\\u%04x", c);
    } else {
        *in = n;
        *out_len = n;
        return (const char *)s;
    }
    return buf;
}
