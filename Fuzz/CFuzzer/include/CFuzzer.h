#ifndef GENTLE_CFUZZER_H
#define GENTLE_CFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt, linked by -sanitize=fuzzer): runs the fuzzing loop with
/// `callback` as the target and libFuzzer's usual command line. SwiftPM gives every executable
/// a `main` of its own, so the targets call this instead of relying on libFuzzer's `main`.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
