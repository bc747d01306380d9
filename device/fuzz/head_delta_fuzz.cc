// libFuzzer target for the Head Weight Delta decoder (device/head_weight_delta.h):
// any bytes must decode or be refused, never crash; what decodes has the
// shape it claims, only finite values, and encodes back to the same bytes.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <span>
#include <vector>

#include "device/head_weight_delta.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lwcl::device::HeadDelta d;
  if (!lwcl::device::DecodeHeadDelta(std::span<const uint8_t>(data, size), &d)) return 0;
  if (d.values.size() != size_t{d.outputs} * d.inputs + d.outputs) std::abort();
  for (float v : d.values) {
    if (!std::isfinite(v)) std::abort();
  }
  const std::vector<uint8_t> again = lwcl::device::EncodeHeadDelta(d);
  if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
  return 0;
}
