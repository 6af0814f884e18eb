/* knob.c - knob parsing shared by the scenario programs. */
#include "programs/knob.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool rt_knob_match(const char *arg, const char *name, const char **value)
{
    size_t n = strlen(name);
    if (strncmp(arg, "--", 2) != 0 || strncmp(arg + 2, name, n) != 0 || arg[2 + n] != '=')
        return false;
    *value = arg + 3 + n;
    return true;
}

bool rt_knob_u64(const char *prog, const char *name, const char *value,
                 uint64_t min, uint64_t max, uint64_t *out)
{
    const char *p = value;
    char *end = NULL;
    errno = 0;
    unsigned long long v = 0;
    /* strtoull accepts "-1" (wrapping) and leading blanks: refuse both. */
    bool ok = *p >= '0' && *p <= '9';
    if (ok) {
        v = strtoull(p, &end, 10);
        ok = errno == 0 && *end == '\0';
    }
    if (!ok) {
        fprintf(stderr, "%s: --%s: expected a non-negative integer (got '%s')\n", prog, name, value);
        return false;
    }
    if (v < min || v > max) {
        fprintf(stderr, "%s: --%s: must be between %llu and %llu (got '%s')\n", prog, name,
                (unsigned long long)min, (unsigned long long)max, value);
        return false;
    }
    *out = v;
    return true;
}

_Noreturn void rt_knob_usage_error(const char *prog, const char *message)
{
    fprintf(stderr, "%s: %s\ntry '%s --help'\n", prog, message, prog);
    exit(RT_EXIT_USAGE);
}
