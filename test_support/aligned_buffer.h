// AlignedBuffer: a zeroed byte buffer whose start is 4-byte aligned, as the
// core requires of arenas and of package bytes it reads in place.
#ifndef LWCL_TEST_SUPPORT_ALIGNED_BUFFER_H_
#define LWCL_TEST_SUPPORT_ALIGNED_BUFFER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lwcl::testing {

// 32-bit words underneath, one spare so data() + 1 (misaligned) stays inside.
struct AlignedBuffer {
  explicit AlignedBuffer(size_t bytes) : words((bytes + 3) / 4 + 1) {}
  uint8_t* data() { return reinterpret_cast<uint8_t*>(words.data()); }
  std::vector<uint32_t> words;
};

}  // namespace lwcl::testing

#endif  // LWCL_TEST_SUPPORT_ALIGNED_BUFFER_H_
