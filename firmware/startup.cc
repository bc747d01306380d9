// Startup for the Cortex-M33 self-test image: the vector table and the reset
// path from power-on to main() and back out through semihosting.
//
// The reset handler is naked assembly up to the point the FPU is enabled:
// with -mfloat-abi=hard the compiler may use FP registers in any C++ code
// (even for copies), and an FP instruction while CPACR denies access faults.
// Only after CP10/CP11 are on does it enter C++ to copy .data, zero .bss and
// run static constructors; then main runs and its status ends the program.
#include <cstddef>
#include <cstdint>

#include "semihosting.h"

// Symbols from nrf9160_budget.ld.
extern "C" {
extern uint32_t __data_start[];
extern uint32_t __data_end[];
extern const uint32_t __data_load[];
extern uint32_t __bss_start[];
extern uint32_t __bss_end[];
extern uint32_t __stack_top[];
using InitFunction = void (*)();
extern InitFunction __preinit_array_start[];
extern InitFunction __preinit_array_end[];
extern InitFunction __init_array_start[];
extern InitFunction __init_array_end[];

[[noreturn]] void Reset_Handler();
void LwclFirmwareInit();
[[noreturn]] void LwclFirmwareExit(int status);
[[noreturn]] void LwclFaultHandler();
[[noreturn]] void LwclReportFault(uint32_t ipsr);
void LwclIgnoredException();
}

namespace {

// Reports a fault and exits with status 3, so the build fails loudly rather
// than hanging until the timeout. (Stack overflow is a HardFault here: the
// self-test enables no configurable fault handlers.)
[[noreturn]] void ReportFault(const char* what) {
  lwcl::firmware::SemihostWrite("FAULT: ");
  lwcl::firmware::SemihostWrite(what);
  lwcl::firmware::SemihostWrite("\n");
  lwcl::firmware::SemihostExit(3);
}

}  // namespace

extern "C" {

// Power-on entry. Enables the FPU (CPACR 0xE000ED88, CP10+CP11 full access:
// bits 20-23), arms the stack limit so overflow faults instead of corrupting
// .bss, initialises memory, then calls main (from assembly: C++ forbids
// calling main) and exits with its status.
__attribute__((naked, noreturn)) void Reset_Handler() {
  asm volatile(
      "movw r0, #0xED88        \n"
      "movt r0, #0xE000        \n"
      "ldr  r1, [r0]           \n"
      "orr  r1, r1, #0x00F00000\n"
      "str  r1, [r0]           \n"
      "dsb                     \n"
      "isb                     \n"
      "movw r0, #:lower16:__stack_limit\n"
      "movt r0, #:upper16:__stack_limit\n"
      "msr  msplim, r0         \n"
      "bl   LwclFirmwareInit   \n"
      "bl   main               \n"
      "b    LwclFirmwareExit   \n");
}

void LwclFirmwareInit() {
  const uint32_t* src = __data_load;
  for (uint32_t* dst = __data_start; dst < __data_end;) *dst++ = *src++;
  for (uint32_t* dst = __bss_start; dst < __bss_end;) *dst++ = 0;
  for (InitFunction* f = __preinit_array_start; f < __preinit_array_end; ++f) (*f)();
  for (InitFunction* f = __init_array_start; f < __init_array_end; ++f) (*f)();
}

void LwclFirmwareExit(int status) { lwcl::firmware::SemihostExit(status); }

// Every fault lands here. It may be a stack overflow (the stack pointer is
// then at the limit and any push faults again, locking the core up), so it
// first disarms the limit and moves to the top of the stack, which is free:
// nothing returns from here.
__attribute__((naked, noreturn)) void LwclFaultHandler() {
  asm volatile(
      "movs r0, #0             \n"
      "msr  msplim, r0         \n"
      "movw r0, #:lower16:__stack_top\n"
      "movt r0, #:upper16:__stack_top\n"
      "mov  sp, r0             \n"
      "mrs  r0, ipsr           \n"
      "b    LwclReportFault    \n");
}

void LwclReportFault(uint32_t ipsr) {
  switch (ipsr & 0x1FFu) {
    case 2: ReportFault("NMI");
    case 3: ReportFault("HardFault");
    case 4: ReportFault("MemManage");
    case 5: ReportFault("BusFault");
    case 6: ReportFault("UsageFault");
    case 7: ReportFault("SecureFault");
    default: ReportFault("unexpected exception");
  }
}

void LwclIgnoredException() {}

// Static destructors would be registered here; the image never returns from
// main except to exit, so they are never run and nothing is recorded. (Only
// linked if some static object has a destructor; crtbegin, which would
// normally provide __dso_handle, is not linked.)
void* __dso_handle = nullptr;
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }

// The vector table: initial stack pointer, then the handlers. QEMU's
// mps2-an505 boots from 0x10000000, where the linker script puts .vectors.
// Only the 16 system exceptions: the self-test enables no interrupts.
using Handler = void (*)();
__attribute__((section(".vectors"), used)) const Handler kVectorTable[16] = {
    reinterpret_cast<Handler>(__stack_top),
    Reset_Handler,
    LwclFaultHandler,      // NMI
    LwclFaultHandler,      // HardFault
    LwclFaultHandler,      // MemManage
    LwclFaultHandler,      // BusFault
    LwclFaultHandler,      // UsageFault
    LwclFaultHandler,      // SecureFault
    nullptr, nullptr, nullptr,
    LwclIgnoredException,  // SVCall
    LwclIgnoredException,  // DebugMonitor
    nullptr,
    LwclIgnoredException,  // PendSV
    LwclIgnoredException,  // SysTick
};

}  // extern "C"
