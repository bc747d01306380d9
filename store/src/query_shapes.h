// Helpers both back ends share to turn the Store's query arguments into SQL
// parameters, so the two answer identically.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "store/records.h"
#include "store/status.h"

namespace lwcl::store::detail {

// Composite observations keep their paths in one text column, one per line
// (LwM2M paths never contain a newline).
inline std::string JoinPaths(const std::vector<std::string>& paths) {
  std::string out;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (i) out += '\n';
    out += paths[i];
  }
  return out;
}

inline std::vector<std::string> SplitPaths(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  for (;;) {
    std::size_t nl = text.find('\n', start);
    out.push_back(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

inline constexpr std::int64_t kMaxBuckets = 100000;

// Bucket i of a downsampled range covers [from + i*width, from + (i+1)*width)
// clipped to `to`; width is the range divided by the bucket count, rounded up.
// Computed here, not as (t-from)*n/(to-from) in SQL, which could overflow.
inline Status BucketWidth(TimeMs from_ms, TimeMs to_ms, std::int64_t buckets, std::int64_t* width) {
  if (!(from_ms < to_ms)) return Status::Invalid("bucket query needs from < to");
  if (buckets < 1 || buckets > kMaxBuckets)
    return Status::Invalid("bucket count must be in 1..100000");
  const auto span = static_cast<std::uint64_t>(to_ms) - static_cast<std::uint64_t>(from_ms);
  const auto n = static_cast<std::uint64_t>(buckets);
  std::uint64_t w = span / n + (span % n ? 1 : 0);
  const auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  *width = static_cast<std::int64_t>(w > max ? max : w);
  return Status::Ok();
}

inline Bucket MakeBucket(TimeMs from_ms, TimeMs to_ms, std::int64_t width, std::int64_t index) {
  Bucket b;
  b.start_ms = from_ms + index * width;
  b.end_ms = (to_ms - b.start_ms <= width) ? to_ms : b.start_ms + width;
  return b;
}

// The path range LatestValues selects: `exact` itself, and every path in
// [lower, upper) — "p/" up to "p0", '0' being the character after '/'.
// all == true when the prefix selects every path.
struct PrefixRange {
  bool all = false;
  std::string exact;
  std::string lower;
  std::string upper;
};

inline PrefixRange MakePrefixRange(std::string prefix) {
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  PrefixRange r;
  if (prefix.empty()) {
    r.all = true;
    return r;
  }
  r.exact = prefix;
  r.lower = prefix + "/";
  r.upper = prefix + "0";
  return r;
}

inline constexpr std::int64_t kMaxLimit = std::numeric_limits<std::int64_t>::max();

}  // namespace lwcl::store::detail
