// LogLine: builds one line of log text in a fixed buffer, without printf.
//
// printf and its float support would cost more flash than the core itself,
// so the firmware formats the few things it logs (text, integers, floats) by
// hand. A LogLine never allocates and never overruns: text past its capacity
// is dropped and the line ends with "~" to say so. Print() sends the line,
// with a newline, through semihosting.
#ifndef LWCL_FIRMWARE_LOG_LINE_H_
#define LWCL_FIRMWARE_LOG_LINE_H_

#include <cstddef>
#include <cstdint>

namespace lwcl::firmware {

class LogLine {
 public:
  static constexpr size_t kCapacity = 160;  // characters, excluding the NUL

  LogLine& Str(const char* text);
  LogLine& Uint(uint32_t value);
  LogLine& Int(int32_t value);
  LogLine& Hex(uint32_t value);  // 0x-prefixed, 8 digits
  // Six significant digits in scientific notation ("-1.23456e-03"), or
  // "nan"/"inf"/"-inf"; exact enough to read a mismatch, cheap in flash.
  LogLine& Float(float value);

  const char* c_str() const { return text_; }
  size_t size() const { return size_; }
  bool truncated() const { return truncated_; }

  // Writes the line and a newline to the semihosting console, then clears it.
  void Print();

 private:
  void Put(char c);

  char text_[kCapacity + 1] = {};
  size_t size_ = 0;
  bool truncated_ = false;
};

}  // namespace lwcl::firmware

#endif  // LWCL_FIRMWARE_LOG_LINE_H_
