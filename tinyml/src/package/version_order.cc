#include "tinyml/package/version_order.h"

#include <cstdint>

namespace lwcl::tinyml {
namespace {

constexpr size_t kMaxDigits = 9;  // fits uint32_t with room

// Reads the component starting at *at (digits up to '.' or the end) and
// moves *at past its dot; false when it is not 1..9 digits. Past the end the
// component is 0, so shorter versions compare as if zero-padded.
bool NextComponent(Span<const char> v, size_t* at, uint32_t* value) {
  *value = 0;
  if (*at > v.size) return true;
  size_t digits = 0;
  while (*at < v.size && v[*at] != '.') {
    const char c = v[*at];
    if (c < '0' || c > '9' || ++digits > kMaxDigits) return false;
    *value = *value * 10u + static_cast<uint32_t>(c - '0');
    ++*at;
  }
  if (digits == 0) return false;
  ++*at;  // past the dot, or past the end (then *at > v.size)
  return *at != v.size;  // a trailing dot ("1.") is malformed
}

}  // namespace

VersionOrder CompareVersions(Span<const char> candidate, Span<const char> active) {
  if (candidate.size == 0 || active.size == 0) return VersionOrder::kUnordered;
  size_t a = 0, b = 0;
  VersionOrder order = VersionOrder::kSame;
  while (a <= candidate.size || b <= active.size) {
    uint32_t x = 0, y = 0;
    if (!NextComponent(candidate, &a, &x) || !NextComponent(active, &b, &y)) {
      return VersionOrder::kUnordered;
    }
    if (order == VersionOrder::kSame && x != y) {
      order = x > y ? VersionOrder::kNewer : VersionOrder::kOlder;
    }
  }
  return order;
}

}  // namespace lwcl::tinyml
