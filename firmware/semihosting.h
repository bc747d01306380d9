// Semihosting: the firmware's only channel to the outside world under QEMU.
//
// Semihosting calls trap to the debugger/emulator with `bkpt 0xAB`. Under
// qemu-system-arm with `-semihosting-config enable=on,target=native`, text
// written here goes to QEMU's stdout and SemihostExit ends QEMU with the given
// exit status, which is how a failing self-test fails the build. On real
// hardware with no debugger attached these calls would fault, so only the
// self-test image uses them. The host build of the same self-test links
// semihosting_host.cc instead (stdout and the process's exit status).
#ifndef LWCL_FIRMWARE_SEMIHOSTING_H_
#define LWCL_FIRMWARE_SEMIHOSTING_H_

namespace lwcl::firmware {

// Writes a NUL-terminated string (SYS_WRITE0). No newline is added.
void SemihostWrite(const char* text);

// Ends the program with `code` as the emulator's exit status
// (SYS_EXIT_EXTENDED with ADP_Stopped_ApplicationExit). Never returns; if no
// host answers, it spins.
[[noreturn]] void SemihostExit(int code);

}  // namespace lwcl::firmware

#endif  // LWCL_FIRMWARE_SEMIHOSTING_H_
