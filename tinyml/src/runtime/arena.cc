#include "tinyml/runtime/arena.h"

namespace lwcl::tinyml {

void* Arena::Allocate(size_t bytes, size_t alignment) {
  if (base_ == nullptr || alignment == 0 || (alignment & (alignment - 1)) != 0) return nullptr;
  const uintptr_t at = reinterpret_cast<uintptr_t>(base_) + used_;
  const size_t pad = static_cast<size_t>((alignment - (at & (alignment - 1))) & (alignment - 1));
  const size_t left = capacity_ - used_;
  if (pad > left || bytes > left - pad) return nullptr;
  void* p = base_ + used_ + pad;
  used_ += pad + bytes;
  return p;
}

Span<float> Arena::AllocateFloats(size_t count) {
  if (count > capacity_ / sizeof(float)) return Span<float>();
  void* p = Allocate(count * sizeof(float), alignof(float));
  return p == nullptr ? Span<float>() : Span<float>(static_cast<float*>(p), count);
}

Span<int8_t> Arena::AllocateInt8(size_t count) {
  void* p = Allocate(count, 1);
  return p == nullptr ? Span<int8_t>() : Span<int8_t>(static_cast<int8_t*>(p), count);
}

}  // namespace lwcl::tinyml
