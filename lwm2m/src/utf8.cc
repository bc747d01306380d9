// UTF-8 validation (utf8.h).
#include "lwm2m/utf8.h"

#include <cstdint>

namespace lwcl::lwm2m {

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<uint8_t>(s[i]);
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    size_t n;
    uint32_t min, cp;
    if ((b0 & 0xE0) == 0xC0) {
      n = 1, min = 0x80, cp = b0 & 0x1FU;
    } else if ((b0 & 0xF0) == 0xE0) {
      n = 2, min = 0x800, cp = b0 & 0x0FU;
    } else if ((b0 & 0xF8) == 0xF0) {
      n = 3, min = 0x10000, cp = b0 & 0x07U;
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;
    for (size_t k = 1; k <= n; ++k) {
      const auto b = static_cast<uint8_t>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3FU);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

}  // namespace lwcl::lwm2m
