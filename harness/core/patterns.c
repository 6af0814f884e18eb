/* core/patterns.c - the built-in signature patterns (see core/classify.h).  Apart
 * from core/classify.c so the capture layer, below the runner, can use them. */
#include "core/classify.h"

#include <stddef.h>

const char *const rl_default_patterns[] = {
    "^fatal error: ",
    "^panic: ",
    "unexpected signal",
    "^SIG(SEGV|BUS|ABRT|ILL|FPE|TRAP|SYS)",
    "ERROR: AddressSanitizer",
    "runtime error:",
    "ThreadSanitizer",
    "LeakSanitizer",
    "ERROR: MemorySanitizer",
    "Assertion .*failed",
    NULL,
};
