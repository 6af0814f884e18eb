/* registry.c - the table of patterns, built from list.h. */
#include "patterns/registry.h"

#include <stdio.h>
#include <string.h>

const rt_pattern_t *const rt_patterns[] = {
#define RT_PATTERN(id) &rt_pattern_##id,
#include "patterns/list.h"
#undef RT_PATTERN
    NULL,
};

size_t rt_pattern_count(void)
{
    return sizeof rt_patterns / sizeof rt_patterns[0] - 1;
}

const rt_pattern_t *rt_pattern_find(const char *name)
{
    for (const rt_pattern_t *const *p = rt_patterns; *p != NULL; p++)
        if (strcmp(name, (*p)->name) == 0 || strcmp(name, (*p)->shortname) == 0)
            return *p;
    return NULL;
}

const char *rt_pattern_span(void)
{
    static char span[64];
    if (span[0] == '\0')
        snprintf(span, sizeof span, "%s..%s", rt_patterns[0]->shortname,
                 rt_patterns[rt_pattern_count() - 1]->shortname);
    return span;
}

const char *rt_pattern_choices(void)
{
    static char text[512];
    if (text[0] != '\0')
        return text;
    for (const rt_pattern_t *const *p = rt_patterns; *p != NULL; p++) {
        if (p != rt_patterns)
            strncat(text, ", ", sizeof text - strlen(text) - 1);
        strncat(text, (*p)->name, sizeof text - strlen(text) - 1);
    }
    strncat(text, " or ", sizeof text - strlen(text) - 1);
    strncat(text, rt_pattern_span(), sizeof text - strlen(text) - 1);
    return text;
}
