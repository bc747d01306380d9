// The host's stand-in for semihosting.cc: the self-test's text goes to stdout
// and its exit status becomes the process's, so the very same self-test
// sources run as an ordinary host program (lwcl_selftest_host, CTest
// firmware.selftest_host) and can be compared line for line with QEMU's run.
#include <cstdio>
#include <cstdlib>

#include "semihosting.h"

namespace lwcl::firmware {

void SemihostWrite(const char* text) { std::fputs(text, stdout); }

void SemihostExit(int code) { std::exit(code); }

}  // namespace lwcl::firmware
