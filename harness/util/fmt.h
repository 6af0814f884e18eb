/* util/fmt.h - formatting shared by verdict sentences, reports and the results
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

/* The JSON form of the next character of the string at s (s[0] != 0): a
 * valid UTF-8 sequence as it is, '"', '\\' and control bytes escaped, and
 * a byte that starts no valid sequence as \u00XX (so the file stays valid
 * UTF-8 and the byte can be told apart).  Sets *in to the bytes consumed and
 * *out_len to the bytes to write; returns them (s itself, or buf).  The one
 * quoting rule of the results file and the JSON reports. */
const char *rl_json_escape_next(const unsigned char *s, char buf[8], size_t *in, size_t *out_len);

#endif
