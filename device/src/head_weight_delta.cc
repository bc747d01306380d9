#include "device/head_weight_delta.h"

#include <cmath>
#include <cstring>

namespace lwcl::device {
namespace {

void PutLe(std::vector<uint8_t>& out, uint32_t v, size_t bytes) {
  for (size_t b = 0; b < bytes; ++b) out.push_back(static_cast<uint8_t>(v >> (8 * b)));
}

uint32_t GetLe(std::span<const uint8_t> in, size_t at, size_t bytes) {
  uint32_t v = 0;
  for (size_t b = 0; b < bytes; ++b) v |= static_cast<uint32_t>(in[at + b]) << (8 * b);
  return v;
}

}  // namespace

std::vector<uint8_t> EncodeHeadDelta(const HeadDelta& delta) {
  std::vector<uint8_t> out;
  out.reserve(8 + delta.values.size() * 4);
  PutLe(out, delta.outputs, 2);
  PutLe(out, delta.inputs, 2);
  PutLe(out, delta.examples, 4);
  for (float f : delta.values) {
    uint32_t bits = 0;
    std::memcpy(&bits, &f, 4);
    PutLe(out, bits, 4);
  }
  return out;
}

bool DecodeHeadDelta(std::span<const uint8_t> bytes, HeadDelta* out) {
  if (bytes.size() < 8) return false;
  HeadDelta d;
  d.outputs = static_cast<uint16_t>(GetLe(bytes, 0, 2));
  d.inputs = static_cast<uint16_t>(GetLe(bytes, 2, 2));
  d.examples = GetLe(bytes, 4, 4);
  const size_t n = size_t{d.outputs} * d.inputs + d.outputs;
  if (d.outputs == 0 || d.inputs == 0 || bytes.size() != 8 + 4 * n) return false;
  d.values.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const uint32_t bits = GetLe(bytes, 8 + 4 * i, 4);
    std::memcpy(&d.values[i], &bits, 4);
    if (!std::isfinite(d.values[i])) return false;
  }
  *out = std::move(d);
  return true;
}

}  // namespace lwcl::device
