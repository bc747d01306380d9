// Quantiser: int8 agrees with float on random networks; scales and zero
// points follow the documented scheme.
#include "train/quantizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "float_test_models.h"
#include "train/float_forward.h"

namespace lwcl::train {
namespace {

size_t ArgMax(const std::vector<float>& v) {
  return static_cast<size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

TEST(Quantizer, Int8AgreesWithFloatOnRandomNetworks) {
  size_t agree = 0;
  size_t total = 0;
  float worst = 0.0f;
  for (uint32_t seed = 1; seed <= 10; ++seed) {
    const FloatModel m = testing::RandomModel(seed, testing::MotionDsp(), {32, 16}, 3);
    const QuantizedModel q = QuantizeModel(m, testing::RandomInputs(m, 500, seed + 100));
    for (const auto& x : testing::RandomInputs(m, 200, seed + 200)) {
      const std::vector<float> f = FloatForward(m, x);
      const std::vector<float> i8 = QuantizedForward(m, q, x);
      for (size_t k = 0; k < f.size(); ++k) worst = std::max(worst, std::fabs(f[k] - i8[k]));
      agree += ArgMax(f) == ArgMax(i8) ? 1 : 0;
      ++total;
    }
  }
  EXPECT_GE(static_cast<double>(agree) / static_cast<double>(total), 0.97)
      << agree << " of " << total;
  EXPECT_LT(worst, 0.15f);
}

TEST(Quantizer, FollowsTheScheme) {
  const FloatModel m = testing::RandomModel(42, testing::SmallDsp(), {8}, 3);
  const auto calibration = testing::RandomInputs(m, 100, 43);
  const QuantizedModel q = QuantizeModel(m, calibration);
  ASSERT_EQ(q.layers.size(), 2u);
  const QuantizedLayer& hidden = q.layers[0];
  const QuantizedLayer& head = q.layers[1];
  EXPECT_TRUE(hidden.relu);
  EXPECT_FALSE(head.relu);
  // ReLU outputs are never negative: real 0 sits at the bottom of the range.
  EXPECT_EQ(hidden.output_zero_point, -128);
  // The chain: layer 1 reads what layer 0 writes.
  EXPECT_EQ(head.input_scale, hidden.output_scale);
  EXPECT_EQ(head.input_zero_point, hidden.output_zero_point);
  for (size_t l = 0; l < q.layers.size(); ++l) {
    const QuantizedLayer& ql = q.layers[l];
    const FloatLayer& fl = m.layers[l];
    for (int o = 0; o < ql.out; ++o) {
      const size_t row = static_cast<size_t>(o) * static_cast<size_t>(ql.in);
      int peak = 0;
      for (int i = 0; i < ql.in; ++i) {
        const size_t k = row + static_cast<size_t>(i);
        peak = std::max(peak, std::abs(static_cast<int>(ql.weights[k])));
        EXPECT_NEAR(ql.weights[k] * ql.weight_scales[static_cast<size_t>(o)], fl.weights[k],
                    ql.weight_scales[static_cast<size_t>(o)] * 0.5f + 1e-7f);
      }
      EXPECT_EQ(peak, 127);  // symmetric per channel, full range used
      const size_t oo = static_cast<size_t>(o);
      const double bias_scale =
          static_cast<double>(ql.input_scale) * static_cast<double>(ql.weight_scales[oo]);
      EXPECT_NEAR(ql.bias[oo] * bias_scale, static_cast<double>(fl.bias[oo]), bias_scale);
      const double real = static_cast<double>(ql.multiplier[static_cast<size_t>(o)]) *
                          std::ldexp(1.0, ql.shift[static_cast<size_t>(o)] - 31);
      EXPECT_NEAR(real / (bias_scale / static_cast<double>(ql.output_scale)), 1.0, 1e-9);
    }
  }
  // Calibrated input range: every normalised calibration value is representable.
  for (const auto& x : calibration) {
    const auto acts = FloatActivations(m, x);
    for (float v : acts[0]) {
      const float q8 =
          std::round(v / hidden.input_scale) + static_cast<float>(hidden.input_zero_point);
      EXPECT_GE(q8, -128.5f);
      EXPECT_LE(q8, 127.5f);
    }
  }
}

TEST(Quantizer, RefusesBadInput) {
  const FloatModel m = testing::RandomModel(1, testing::SmallDsp(), {4}, 2);
  EXPECT_THROW(QuantizeModel(m, {}), std::invalid_argument);
  const std::vector<std::vector<float>> wrong_size = {{1.0f, 2.0f}};
  EXPECT_THROW(QuantizeModel(m, wrong_size), std::invalid_argument);
  FloatModel broken = m;
  broken.layers[1].in = 5;
  EXPECT_THROW(QuantizeModel(broken, testing::RandomInputs(m, 4, 1)), std::invalid_argument);
  broken = m;
  broken.layers[0].activation = Activation::kSoftmax;
  EXPECT_THROW(QuantizeModel(broken, testing::RandomInputs(m, 4, 1)), std::invalid_argument);
}

TEST(FloatForward, NormalisesRunsLayersAndSoftmaxes) {
  FloatModel m;
  m.labels = {"a", "b"};
  m.feature_mean = {1.0f};
  m.feature_std = {2.0f};
  FloatLayer l;
  l.in = 1;
  l.out = 2;
  l.weights = {1.0f, -1.0f};
  l.bias = {0.0f, 0.0f};
  l.activation = Activation::kSoftmax;
  m.layers.push_back(l);
  const std::vector<float> x = {3.0f};  // normalised: 1
  const std::vector<float> p = FloatForward(m, x);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_NEAR(p[0], 1.0f / (1.0f + std::exp(-2.0f)), 1e-6f);
  EXPECT_NEAR(p[0] + p[1], 1.0f, 1e-6f);
  const std::vector<float> wrong = {1.0f, 2.0f};
  EXPECT_THROW(FloatForward(m, wrong), std::invalid_argument);
}

}  // namespace
}  // namespace lwcl::train
