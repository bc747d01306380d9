// Arena: a bump allocator over one caller-provided byte buffer.
//
// The core never touches the heap; everything a Classifier needs after Init
// comes from one arena the application sizes with RequiredArenaBytes. Blocks
// are handed out front to back and never freed individually (Reset frees all).
// Allocate never writes to the memory and never goes past the buffer's end.
#ifndef LWCL_TINYML_RUNTIME_ARENA_H_
#define LWCL_TINYML_RUNTIME_ARENA_H_

#include <cstddef>
#include <cstdint>

#include "tinyml/span.h"

namespace lwcl::tinyml {

class Arena {
 public:
  Arena() = default;
  explicit Arena(Span<uint8_t> memory) : base_(memory.data), capacity_(memory.size) {}

  // `bytes` at an address that is a multiple of `alignment` (a power of two),
  // or nullptr when it does not fit (the arena is then unchanged).
  void* Allocate(size_t bytes, size_t alignment);
  // Typed conveniences (4-byte and 1-byte aligned); empty spans on failure.
  Span<float> AllocateFloats(size_t count);
  Span<int8_t> AllocateInt8(size_t count);

  size_t used() const { return used_; }
  size_t capacity() const { return capacity_; }
  void Reset() { used_ = 0; }

 private:
  uint8_t* base_ = nullptr;
  size_t capacity_ = 0;
  size_t used_ = 0;
};

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_RUNTIME_ARENA_H_
