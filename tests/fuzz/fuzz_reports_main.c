/* fuzz_reports_main.c - libFuzzer entry for rl_fuzz_reports (see fuzz_targets.h). */
#include "fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return rl_fuzz_reports(data, size);
}
