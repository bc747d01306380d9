// Span: a non-owning view of a contiguous buffer (pointer + count).
//
// The core is C++17, so std::span is not available; this is the small subset
// the core needs. A Span never owns, never allocates and never checks more
// than its own bounds in at(); callers keep the buffer alive.
#ifndef LWCL_TINYML_SPAN_H_
#define LWCL_TINYML_SPAN_H_

#include <cstddef>

namespace lwcl::tinyml {

template <typename T>
struct Span {
  T* data = nullptr;
  size_t size = 0;

  constexpr Span() = default;
  constexpr Span(T* d, size_t n) : data(d), size(n) {}
  template <size_t N>
  constexpr Span(T (&array)[N]) : data(array), size(N) {}  // NOLINT: implicit by design
  // Span<T> converts to Span<const T>.
  template <typename U>
  constexpr Span(const Span<U>& other) : data(other.data), size(other.size) {}  // NOLINT

  constexpr T& operator[](size_t i) const { return data[i]; }
  constexpr T* begin() const { return data; }
  constexpr T* end() const { return data + size; }
  constexpr bool empty() const { return size == 0; }
  // Sub-view [offset, offset + count); clamps to the end so it never overruns.
  constexpr Span subspan(size_t offset, size_t count) const {
    if (offset > size) offset = size;
    if (count > size - offset) count = size - offset;
    return Span(data + offset, count);
  }
};

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_SPAN_H_
