/* fmt.h - number formatting shared by verdict sentences and reports, so
 * the same rate never prints two ways. */
#ifndef RL_FMT_H
#define RL_FMT_H

#include <stddef.h>

/* Writes the fraction v (0..1) as a percentage with three significant
 * digits where it matters: "99.0%", "1.26%", "0.997%", "0.0%".  Returns
 * buf. */
char *rl_fmt_pct(char *buf, size_t len, double v);

#endif
