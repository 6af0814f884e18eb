/* registry.h - the table of the family's patterns (list.h): each one an
 * rt_pattern_t descriptor (model/family.h) in its own file.  Adding a
 * pattern is one file here and one line in list.h. */
#ifndef RT_PATTERNS_REGISTRY_H
#define RT_PATTERNS_REGISTRY_H

#include <stddef.h>

#include "model/family.h"

#define RT_PATTERN(id) extern const rt_pattern_t rt_pattern_##id;
#include "patterns/list.h"
#undef RT_PATTERN

/* Every pattern, in list.h's order, then NULL. */
extern const rt_pattern_t *const rt_patterns[];

/* How many patterns rt_patterns holds. */
size_t rt_pattern_count(void);

/* The pattern with this long or short name ("after-dropm", "p4"), or NULL. */
const rt_pattern_t *rt_pattern_find(const char *name);

/* The short names' span, e.g. "p2..p8" (first..last of the table). */
const char *rt_pattern_span(void);

/* Every long name and the span, for messages: "unchecked-suspend, ...,
 * teardown-sample or p2..p8". */
const char *rt_pattern_choices(void);

#endif
