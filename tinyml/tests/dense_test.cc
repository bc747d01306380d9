// Dense kernels (float and int8), softmax and the anomaly score.
#include "tinyml/kernels/dense.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "tinyml/kernels/anomaly.h"
#include "tinyml/kernels/quantization.h"
#include "tinyml/kernels/softmax.h"

namespace lwcl::tinyml {
namespace {

template <typename T>
Span<const T> C(const std::vector<T>& v) {
  return Span<const T>(v.data(), v.size());
}
template <typename T>
Span<T> M(std::vector<T>& v) {
  return Span<T>(v.data(), v.size());
}

TEST(DenseFloat, ComputesAffineMapAndRelu) {
  // 2 outputs, 3 inputs.
  const std::vector<float> w = {1, 2, 3, -1, -2, -3};
  const std::vector<float> b = {0.5f, 0.25f};
  const std::vector<float> x = {1, 1, 2};
  std::vector<float> y(2);
  DenseFloat(C(w), C(b), C(x), false, M(y));
  EXPECT_FLOAT_EQ(y[0], 9.5f);
  EXPECT_FLOAT_EQ(y[1], -8.75f);
  DenseFloat(C(w), C(b), C(x), true, M(y));
  EXPECT_FLOAT_EQ(y[0], 9.5f);
  EXPECT_FLOAT_EQ(y[1], 0.0f);
}

// The int8 kernel against a reference in int64 and double.
TEST(DenseInt8, MatchesReferenceOnRandomLayers) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> i8(-128, 127);
  std::uniform_int_distribution<int> w8(-127, 127);
  std::uniform_int_distribution<int> bias(-20000, 20000);
  std::uniform_real_distribution<double> real(1e-5, 5e-3);
  for (int trial = 0; trial < 200; ++trial) {
    const size_t in = 1 + static_cast<size_t>(trial % 40);
    const size_t out = 1 + static_cast<size_t>(trial % 7);
    std::vector<int8_t> w(in * out);
    std::vector<int8_t> x(in);
    std::vector<int32_t> b(out), mult(out), shift(out);
    std::vector<double> reals(out);
    for (auto& v : w) v = static_cast<int8_t>(w8(rng));
    for (auto& v : x) v = static_cast<int8_t>(i8(rng));
    for (size_t o = 0; o < out; ++o) {
      b[o] = bias(rng);
      ASSERT_EQ(Status::kOk, QuantizeMultiplier(real(rng), &mult[o], &shift[o]));
      reals[o] = static_cast<double>(mult[o]) * std::ldexp(1.0, shift[o] - 31);
    }
    Int8DenseParams p;
    p.input_zero_point = i8(rng);
    p.output_zero_point = i8(rng);
    p.multiplier = C(mult);
    p.shift = C(shift);
    p.relu = trial % 2 == 0;
    std::vector<int8_t> y(out);
    DenseInt8(C(w), C(b), p, C(x), M(y));
    for (size_t o = 0; o < out; ++o) {
      int64_t acc = b[o];
      for (size_t i = 0; i < in; ++i) {
        acc += int64_t{w[o * in + i]} * (int64_t{x[i]} - p.input_zero_point);
      }
      double q = std::round(static_cast<double>(acc) * reals[o]) + p.output_zero_point;
      const double low =
          p.relu ? std::max(-128.0, static_cast<double>(p.output_zero_point)) : -128.0;
      q = std::clamp(q, low, 127.0);
      EXPECT_LE(std::fabs(q - y[o]), 1.0) << "trial " << trial << " output " << o;
    }
  }
}

TEST(DenseInt8, ReluClampsAtOutputZeroPoint) {
  const std::vector<int8_t> w = {-100};
  const std::vector<int32_t> b = {0};
  const std::vector<int32_t> mult = {int32_t{1} << 30};
  const std::vector<int32_t> shift = {0};
  const std::vector<int8_t> x = {100};
  std::vector<int8_t> y(1);
  Int8DenseParams p;
  p.output_zero_point = -20;
  p.multiplier = C(mult);
  p.shift = C(shift);
  p.relu = true;
  DenseInt8(C(w), C(b), p, C(x), M(y));
  EXPECT_EQ(y[0], -20);
  p.relu = false;
  DenseInt8(C(w), C(b), p, C(x), M(y));
  EXPECT_EQ(y[0], -128);  // -5000 - 20, saturated
}

TEST(Softmax, SumsToOneAndIsStable) {
  const std::vector<float> logits = {1000.0f, 999.0f, -1000.0f};
  std::vector<float> p(3);
  Softmax(C(logits), M(p));
  EXPECT_NEAR(p[0] + p[1] + p[2], 1.0f, 1e-6f);
  EXPECT_NEAR(p[0], 1.0f / (1.0f + std::exp(-1.0f)), 1e-6f);
  EXPECT_EQ(p[2], 0.0f);
  std::vector<float> same = {2.0f, 2.0f};
  Softmax(C(same), M(same));  // in place
  EXPECT_FLOAT_EQ(same[0], 0.5f);
  EXPECT_FLOAT_EQ(same[1], 0.5f);
}

TEST(AnomalyScore, IsDistanceToNearestCentroidOverRadius) {
  const std::vector<float> centroids = {0, 0, 10, 10};  // two 2-d centroids
  const std::vector<float> near_first = {3, 4};
  EXPECT_FLOAT_EQ(AnomalyScore(C(near_first), C(centroids), 5.0f), 1.0f);
  const std::vector<float> near_second = {10, 12};
  EXPECT_FLOAT_EQ(AnomalyScore(C(near_second), C(centroids), 2.0f), 1.0f);
  EXPECT_EQ(AnomalyScore(C(near_first), Span<const float>(), 5.0f), 0.0f);
  EXPECT_EQ(AnomalyScore(C(near_first), C(centroids), 0.0f), 0.0f);
}

}  // namespace
}  // namespace lwcl::tinyml
