// Requantisation arithmetic against a double-precision reference.
#include "tinyml/kernels/quantization.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>


namespace lwcl::tinyml {
namespace {

double Reference(int32_t x, int32_t multiplier, int32_t shift) {
  return static_cast<double>(x) * static_cast<double>(multiplier) * std::ldexp(1.0, shift - 31);
}

TEST(QuantizeMultiplier, RepresentsTheRealFactor) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> exponent(-30.0, 20.0);
  for (int i = 0; i < 10000; ++i) {
    const double real = std::pow(2.0, exponent(rng));
    int32_t m = 0;
    int32_t shift = 0;
    ASSERT_EQ(Status::kOk, QuantizeMultiplier(real, &m, &shift));
    ASSERT_GE(m, int32_t{1} << 30);
    ASSERT_GE(shift, -31);
    ASSERT_LE(shift, 30);
    const double back = static_cast<double>(m) * std::ldexp(1.0, shift - 31);
    ASSERT_NEAR(back / real, 1.0, 1.0 / 2147483648.0 * 2) << real;
  }
}

TEST(QuantizeMultiplier, EdgeCases) {
  int32_t m = -1;
  int32_t shift = -1;
  ASSERT_EQ(Status::kOk, QuantizeMultiplier(0.0, &m, &shift));
  EXPECT_EQ(m, 0);
  EXPECT_EQ(shift, 0);
  ASSERT_EQ(Status::kOk, QuantizeMultiplier(1.0, &m, &shift));
  EXPECT_EQ(m, int32_t{1} << 30);
  EXPECT_EQ(shift, 1);
  ASSERT_EQ(Status::kOk, QuantizeMultiplier(1e-12, &m, &shift));  // below 2^-32: nothing left
  EXPECT_EQ(m, 0);
  // Rounding up to 1.0 renormalises instead of overflowing.
  ASSERT_EQ(Status::kOk, QuantizeMultiplier(std::nextafter(1.0, 0.0), &m, &shift));
  EXPECT_EQ(m, int32_t{1} << 30);
  EXPECT_EQ(shift, 1);
  m = 5;
  EXPECT_EQ(QuantizeMultiplier(-1.0, &m, &shift), Status::kInvalidArgument);
  EXPECT_EQ(QuantizeMultiplier(std::nan(""), &m, &shift), Status::kInvalidArgument);
  EXPECT_EQ(QuantizeMultiplier(2e9, &m, &shift), Status::kInvalidArgument);
  EXPECT_EQ(m, 5);  // untouched on failure
}

TEST(MultiplyByQuantizedMultiplier, MatchesDoubleReferenceWithinOne) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> exponent(-24.0, 4.0);
  std::uniform_int_distribution<int32_t> acc(-(1 << 24), 1 << 24);
  int exact = 0;
  constexpr int kCases = 200000;
  for (int i = 0; i < kCases; ++i) {
    int32_t m = 0;
    int32_t shift = 0;
    ASSERT_EQ(Status::kOk, QuantizeMultiplier(std::pow(2.0, exponent(rng)), &m, &shift));
    const int32_t x = acc(rng);
    const double want = Reference(x, m, shift);
    if (std::fabs(want) > 2e9) continue;
    const int32_t got = MultiplyByQuantizedMultiplier(x, m, shift);
    // Two roundings (high multiply, then shift) may differ from one by 1.
    ASSERT_LE(std::fabs(static_cast<double>(got) - std::round(want)), 1.0)
        << "x=" << x << " m=" << m << " shift=" << shift;
    if (static_cast<double>(got) == std::round(want)) ++exact;
  }
  // TFLite's scheme rounds twice, so a few ties land one step off.
  EXPECT_GT(exact, kCases * 97 / 100);
}

TEST(MultiplyByQuantizedMultiplier, KnownValues) {
  const int32_t half = int32_t{1} << 30;                        // 0.5 in Q31
  EXPECT_EQ(MultiplyByQuantizedMultiplier(100, half, 1), 100);  // x * 1.0
  EXPECT_EQ(MultiplyByQuantizedMultiplier(100, half, 0), 50);   // x * 0.5
  EXPECT_EQ(MultiplyByQuantizedMultiplier(4, half, -1), 1);     // 1.0
  // 1.25: the high multiply rounds 2.5 up to 3, the shift 1.5 up to 2. This
  // double rounding is gemmlowp's / TFLite's, kept for bit-exactness.
  EXPECT_EQ(MultiplyByQuantizedMultiplier(5, half, -1), 2);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(6, half, -1), 2);    // 1.5 -> 2 (away from 0)
  EXPECT_EQ(MultiplyByQuantizedMultiplier(-6, half, -1), -2);  // -1.5 -> -2
  EXPECT_EQ(MultiplyByQuantizedMultiplier(-5, half, -1), -1);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(123456, 0, 0), 0);
  // Extreme shifts and values are defined (saturating) rather than UB.
  constexpr int32_t kMax = std::numeric_limits<int32_t>::max();
  constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
  EXPECT_EQ(MultiplyByQuantizedMultiplier(kMax, kMax, 30), kMax - 1);  // x<<30 saturates
  EXPECT_EQ(MultiplyByQuantizedMultiplier(kMin, kMax, 30), -kMax);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(kMax, kMax, -31), 1);   // ~0.99999 -> 1
  EXPECT_EQ(MultiplyByQuantizedMultiplier(kMin, half, -31), -1);  // -0.5 -> -1
}

TEST(QuantizeToInt8, RoundsAndSaturates) {
  EXPECT_EQ(QuantizeToInt8(0.0f, 0.1f, 5), 5);
  EXPECT_EQ(QuantizeToInt8(1.0f, 0.1f, 0), 10);
  EXPECT_EQ(QuantizeToInt8(0.25f, 0.1f, 0), 3);  // 2.5 rounds away from zero
  EXPECT_EQ(QuantizeToInt8(-0.25f, 0.1f, 0), -3);
  EXPECT_EQ(QuantizeToInt8(1e9f, 0.1f, 0), 127);
  EXPECT_EQ(QuantizeToInt8(-1e9f, 0.1f, 0), -128);
  EXPECT_EQ(QuantizeToInt8(std::numeric_limits<float>::infinity(), 0.1f, 0), 127);
  EXPECT_EQ(QuantizeToInt8(std::nanf(""), 0.1f, -7), -7);
  EXPECT_FLOAT_EQ(DequantizeInt8(10, 0.1f, 0), 1.0f);
  EXPECT_FLOAT_EQ(DequantizeInt8(-128, 0.5f, -128), 0.0f);
}

}  // namespace
}  // namespace lwcl::tinyml
