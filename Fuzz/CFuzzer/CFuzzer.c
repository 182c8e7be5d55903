// Declarations only (include/CFuzzer.h); SwiftPM needs one source file for a C target.
#include "CFuzzer.h"
