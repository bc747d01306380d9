#include "log_line.h"

#include "semihosting.h"

namespace lwcl::firmware {

void LogLine::Put(char c) {
  if (size_ < kCapacity) {
    text_[size_++] = c;
    text_[size_] = '\0';
  } else {
    truncated_ = true;
  }
}

LogLine& LogLine::Str(const char* text) {
  while (text != nullptr && *text != '\0') Put(*text++);
  return *this;
}

LogLine& LogLine::Uint(uint32_t value) {
  char digits[10];
  size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10u);
    value /= 10u;
  } while (value != 0);
  while (n > 0) Put(digits[--n]);
  return *this;
}

LogLine& LogLine::Int(int32_t value) {
  if (value < 0) {
    Put('-');
    // Negate in unsigned arithmetic so INT32_MIN does not overflow.
    return Uint(0u - static_cast<uint32_t>(value));
  }
  return Uint(static_cast<uint32_t>(value));
}

LogLine& LogLine::Hex(uint32_t value) {
  Str("0x");
  for (int shift = 28; shift >= 0; shift -= 4) {
    const uint32_t nibble = (value >> shift) & 0xFu;
    Put(static_cast<char>(nibble < 10u ? '0' + nibble : 'a' + nibble - 10u));
  }
  return *this;
}

LogLine& LogLine::Float(float value) {
  if (value != value) return Str("nan");
  if (value < 0.0f) {
    Put('-');
    value = -value;
  }
  if (value > 3.4028235e38f) return Str("inf");
  int exponent = 0;
  if (value != 0.0f) {
    // Bring the value into [1, 10); float steps of 10 lose a digit or so at
    // the extremes, which a log line can afford.
    while (value >= 10.0f) {
      value /= 10.0f;
      ++exponent;
    }
    while (value < 1.0f) {
      value *= 10.0f;
      --exponent;
    }
  }
  // Six significant digits, rounded; carry into the exponent when 9.999995 rounds up.
  uint32_t scaled = static_cast<uint32_t>(value * 100000.0f + 0.5f);
  if (scaled >= 1000000u) {
    scaled /= 10u;
    ++exponent;
  }
  Put(static_cast<char>('0' + scaled / 100000u));
  Put('.');
  for (uint32_t div = 10000u; div > 0; div /= 10u) Put(static_cast<char>('0' + (scaled / div) % 10u));
  Put('e');
  Put(exponent < 0 ? '-' : '+');
  const uint32_t e = static_cast<uint32_t>(exponent < 0 ? -exponent : exponent);
  Put(static_cast<char>('0' + e / 10u));
  Put(static_cast<char>('0' + e % 10u));
  return *this;
}

void LogLine::Print() {
  if (truncated_) {
    text_[kCapacity - 1] = '~';
  }
  SemihostWrite(text_);
  SemihostWrite("\n");
  size_ = 0;
  truncated_ = false;
  text_[0] = '\0';
}

}  // namespace lwcl::firmware
