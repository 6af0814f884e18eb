/* fmt.h - formatting shared by verdict sentences, reports and the results
 * file, so the same rate never prints two ways and every writer agrees on
 * what valid UTF-8 is. */
#ifndef RL_FMT_H
#define RL_FMT_H

#include <stddef.h>

/* Writes the fraction v (0..1) as a percentage with three significant
 * digits where it matters: "99.0%", "1.26%", "0.997%", "0.0%".  Returns
 * buf. */
char *rl_fmt_pct(char *buf, size_t len, double v);

/* Length of the valid UTF-8 sequence at s, or 0 when s[0] does not start
 * one (overlong forms and surrogates are invalid too).  Every writer that
 * must keep its file valid UTF-8 (results, JSON, XML, Markdown) asks this. */
size_t rl_utf8_len(const unsigned char *s);

#endif
