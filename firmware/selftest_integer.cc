// Integer suite: the bit-exact parts of the core (SHA-256, fixed-point
// requantisation, the int8 dense kernel, the windower's bookkeeping), checked
// against values worked out by hand. These are where a 32-bit target differs
// from the host (64-bit products, shifts, byte order), so a mismatch here
// points straight at the cause.
#include <cstddef>
#include <cstdint>

#include "selftest_suites.h"
#include "tinyml/kernels/dense.h"
#include "tinyml/kernels/quantization.h"
#include "tinyml/package/sha256.h"
#include "tinyml/kernels/softmax.h"
#include "tinyml/dsp/windower.h"

namespace lwcl::firmware {
namespace {

using tinyml::Span;

void CheckSha256(SelftestChecks& checks) {
  // FIPS 180-4 example: SHA-256("abc").
  const uint8_t abc[3] = {'a', 'b', 'c'};
  const uint8_t want[tinyml::kSha256Bytes] = {
      0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
      0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
  uint8_t got[tinyml::kSha256Bytes] = {};
  tinyml::Sha256Digest(Span<const uint8_t>(abc), got);
  bool same = true;
  for (size_t i = 0; i < tinyml::kSha256Bytes; ++i) same = same && got[i] == want[i];
  checks.True(same, "sha256.abc");
}

void CheckQuantization(SelftestChecks& checks) {
  constexpr int32_t kHalf = 1 << 30;            // 0.5 in Q31
  constexpr int32_t kInvSqrt2 = 1518500250;     // 0.70710678 in Q31
  checks.IntNear(tinyml::MultiplyByQuantizedMultiplier(100, kHalf, 0), 50, 0, "quant.mbqm", 0);
  checks.IntNear(tinyml::MultiplyByQuantizedMultiplier(100, kHalf, 1), 100, 0, "quant.mbqm", 1);
  checks.IntNear(tinyml::MultiplyByQuantizedMultiplier(100, kHalf, -1), 25, 0, "quant.mbqm", 2);
  checks.IntNear(tinyml::MultiplyByQuantizedMultiplier(1000, kInvSqrt2, 0), 707, 0, "quant.mbqm", 3);
  checks.IntNear(tinyml::MultiplyByQuantizedMultiplier(-1000, kInvSqrt2, -1), -354, 0, "quant.mbqm", 4);
  checks.IntNear(tinyml::QuantizeToInt8(1.0f, 0.1f, 0), 10, 0, "quant.to_int8", 0);
  checks.IntNear(tinyml::QuantizeToInt8(100.0f, 0.1f, 0), 127, 0, "quant.to_int8", 1);
  checks.IntNear(tinyml::QuantizeToInt8(-100.0f, 0.1f, 0), -128, 0, "quant.to_int8", 2);
  checks.IntNear(tinyml::QuantizeToInt8(-0.26f, 0.1f, 3), 0, 0, "quant.to_int8", 3);
}

void CheckDenseInt8(SelftestChecks& checks) {
  // Two outputs, unit requantisation (0.5 * 2^1), input zero point 1, output
  // zero point -2. Row 0: 10 + 2*(5-1) - 3*(-7-1) = 42 -> 40.
  // Row 1: 0 + 1*(5-1) + 1*(-7-1) = -4 -> -6, or -2 with the fused ReLU.
  const int8_t weights[4] = {2, -3, 1, 1};
  const int32_t bias[2] = {10, 0};
  const int32_t multiplier[2] = {1 << 30, 1 << 30};
  const int32_t shift[2] = {1, 1};
  const int8_t input[2] = {5, -7};
  int8_t output[2] = {};
  tinyml::Int8DenseParams params;
  params.input_zero_point = 1;
  params.output_zero_point = -2;
  params.multiplier = Span<const int32_t>(multiplier);
  params.shift = Span<const int32_t>(shift);
  tinyml::DenseInt8(Span<const int8_t>(weights), Span<const int32_t>(bias), params,
                    Span<const int8_t>(input), Span<int8_t>(output));
  checks.IntNear(output[0], 40, 0, "dense.int8", 0);
  checks.IntNear(output[1], -6, 0, "dense.int8", 1);
  params.relu = true;
  tinyml::DenseInt8(Span<const int8_t>(weights), Span<const int32_t>(bias), params,
                    Span<const int8_t>(input), Span<int8_t>(output));
  checks.IntNear(output[1], -2, 0, "dense.int8_relu", 1);

  // Softmax of (0, ln 3): 1/4 and 3/4.
  const float logits[2] = {0.0f, 1.09861229f};
  float probabilities[2] = {};
  tinyml::Softmax(Span<const float>(logits), Span<float>(probabilities));
  checks.Near(probabilities[0], 0.25f, 1e-6f, 0.0f, "softmax", 0);
  checks.Near(probabilities[1], 0.75f, 1e-6f, 0.0f, "softmax", 1);
}

void CheckWindower(SelftestChecks& checks) {
  // 2 axes, window 4, stride 2: windows after pushes 4, 6, 8; the third
  // holds samples 4..7 (sample i is {i, -i}).
  float storage[8];
  tinyml::Windower windower;
  if (!checks.StatusOk(windower.Init(2, 4, 2, Span<float>(storage)), "windower.init")) return;
  uint32_t ready = 0;
  for (int i = 0; i < 8; ++i) {
    const float sample[2] = {static_cast<float>(i), static_cast<float>(-i)};
    if (windower.Push(Span<const float>(sample))) ++ready;
  }
  checks.IntNear(static_cast<int32_t>(ready), 3, 0, "windower.ready_count", -1);
  const Span<const float> w = windower.Window();
  if (checks.True(w.size == 8, "windower.size")) {
    for (size_t i = 0; i < 4; ++i) {
      checks.Near(w[2 * i], static_cast<float>(4 + i), 0.0f, 0.0f, "windower.x", static_cast<int32_t>(i));
      checks.Near(w[2 * i + 1], -static_cast<float>(4 + i), 0.0f, 0.0f, "windower.y",
                  static_cast<int32_t>(i));
    }
  }
}

}  // namespace

void RunIntegerChecks(SelftestChecks& checks) {
  CheckSha256(checks);
  CheckQuantization(checks);
  CheckDenseInt8(checks);
  CheckWindower(checks);
}

}  // namespace lwcl::firmware
