#include "semihosting.h"

#include <cstdint>

namespace lwcl::firmware {
namespace {

// Operation numbers from Arm's semihosting specification v2.0.
constexpr uint32_t kSysWrite0 = 0x04;
constexpr uint32_t kSysExitExtended = 0x20;  // A32/T32 SYS_EXIT (0x18) cannot carry a status
constexpr uint32_t kAdpStoppedApplicationExit = 0x20026;

// r0 = operation, r1 = argument; the result comes back in r0.
uint32_t SemihostCall(uint32_t op, const void* arg) {
  register uint32_t r0 asm("r0") = op;
  register const void* r1 asm("r1") = arg;
  asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

}  // namespace

void SemihostWrite(const char* text) { SemihostCall(kSysWrite0, text); }

void SemihostExit(int code) {
  const uint32_t block[2] = {kAdpStoppedApplicationExit, static_cast<uint32_t>(code)};
  SemihostCall(kSysExitExtended, block);
  for (;;) {
    asm volatile("wfi");
  }
}

}  // namespace lwcl::firmware
