// DriftMonitor against a double-precision oracle written from its contract
// (the bias-corrected forgotten mean of class-conditional residuals), and
// the behaviour the contract promises: windows at their class centroids
// score 0 whatever the class mix; a bias of b standard deviations on every
// feature scores b; noise averages out; bad arguments are refused.
#include "tinyml/learn/drift_monitor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "int8_test_models.h"
#include "test_dsp.h"

namespace lwcl::tinyml {
namespace {

struct Fixture {
  testing::Int8TestModel model = testing::RandomInt8Model(7, testing::MotionDsp(), {8}, 3);
  PackageView view = model.View();
  size_t f = view.feature_count;
  std::vector<float> state = std::vector<float>(DriftMonitor::StateFloats(view.feature_count));
  DriftMonitor m;
  std::vector<float> Centroid(size_t c) const {
    return {view.centroids.data + c * f, view.centroids.data + (c + 1) * f};
  }
};

TEST(DriftMonitorTest, MatchesTheDoubleOracle) {
  Fixture x;
  ASSERT_EQ(x.m.Init(x.view, {x.state.data(), x.state.size()}, 0.9f), Status::kOk);
  std::mt19937 rng(3);
  std::normal_distribution<double> noise(0.3, 1.0);
  std::vector<double> sum(x.f, 0.0);
  double weight = 0.0;
  double conf = 0.0;
  for (int w = 0; w < 200; ++w) {
    const size_t label = static_cast<size_t>(w % 3);
    std::vector<float> v = x.Centroid(label);
    for (float& a : v) a += static_cast<float>(noise(rng));
    const float c = 0.5f + 0.002f * static_cast<float>(w);
    x.m.Update({v.data(), v.size()}, label, c);
    const std::vector<float> centroid = x.Centroid(label);
    for (size_t i = 0; i < x.f; ++i) sum[i] = 0.9 * sum[i] + (double(v[i]) - double(centroid[i]));
    weight = 0.9 * weight + 1.0;
    conf = 0.9 * conf + double(c);
    double s = 0.0;
    for (size_t i = 0; i < x.f; ++i) s += (sum[i] / weight) * (sum[i] / weight);
    ASSERT_NEAR(x.m.score(), std::sqrt(s / double(x.f)), 1e-4) << "window " << w;
    ASSERT_NEAR(x.m.mean_confidence(), conf / weight, 1e-5);
    // Settled once the windows weigh half the memory: 1 - 0.9^n >= 0.5, n >= 7.
    ASSERT_EQ(x.m.settled(), w + 1 >= 7) << "window " << w;
  }
  EXPECT_EQ(x.m.windows(), 200u);
  x.m.Reset();
  EXPECT_FALSE(x.m.settled());
}

TEST(DriftMonitorTest, ClassMixDoesNotLookLikeDriftButABiasDoes) {
  Fixture x;
  ASSERT_EQ(x.m.Init(x.view, {x.state.data(), x.state.size()}, 0.98f), Status::kOk);
  EXPECT_EQ(x.m.score(), 0.0f);
  EXPECT_EQ(x.m.mean_confidence(), 0.0f);
  // A long stretch of one class, then another: exactly at their centroids.
  for (int w = 0; w < 100; ++w) {
    const std::vector<float> v = x.Centroid(w < 70 ? 0 : 2);
    x.m.Update({v.data(), v.size()}, w < 70 ? 0 : 2, 0.9f);
  }
  EXPECT_NEAR(x.m.score(), 0.0f, 1e-6);
  EXPECT_NEAR(x.m.mean_confidence(), 0.9f, 1e-5);
  // Zero-mean noise around the centroids stays small.
  std::mt19937 rng(5);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  for (int w = 0; w < 400; ++w) {
    std::vector<float> v = x.Centroid(static_cast<size_t>(w % 3));
    for (float& a : v) a += noise(rng);
    x.m.Update({v.data(), v.size()}, static_cast<size_t>(w % 3), 0.9f);
  }
  EXPECT_LT(x.m.score(), 0.25f) << "noise of 1 std averages out over ~50 windows";
  // A bias of 1.5 standard deviations on every feature.
  for (int w = 0; w < 400; ++w) {
    std::vector<float> v = x.Centroid(static_cast<size_t>(w % 3));
    for (float& a : v) a += 1.5f + noise(rng);
    x.m.Update({v.data(), v.size()}, static_cast<size_t>(w % 3), 0.6f);
  }
  EXPECT_NEAR(x.m.score(), 1.5f, 0.25f);
  EXPECT_NEAR(x.m.mean_confidence(), 0.6f, 1e-3);
  x.m.Reset();
  EXPECT_EQ(x.m.score(), 0.0f);
  EXPECT_EQ(x.m.windows(), 0u);
}

TEST(DriftMonitorTest, RefusesWhatItCannotUse) {
  Fixture x;
  std::vector<float> small(x.f - 1);
  EXPECT_EQ(x.m.Init(x.view, {small.data(), small.size()}, 0.98f), Status::kInvalidArgument);
  EXPECT_EQ(x.m.Init(x.view, {x.state.data(), x.state.size()}, 1.0f), Status::kInvalidArgument);
  EXPECT_EQ(x.m.Init(x.view, {x.state.data(), x.state.size()}, 0.0f), Status::kInvalidArgument);
  PackageView no_centroids = x.view;
  no_centroids.centroids = {};
  EXPECT_EQ(x.m.Init(no_centroids, {x.state.data(), x.state.size()}, 0.98f), Status::kInvalidArgument);
  ASSERT_EQ(x.m.Init(x.view, {x.state.data(), x.state.size()}, 0.98f), Status::kOk);
  std::vector<float> wrong(x.f + 1, 5.0f);
  x.m.Update({wrong.data(), wrong.size()}, 0, 0.9f);  // wrong size: ignored
  const std::vector<float> v = x.Centroid(0);
  x.m.Update({v.data(), v.size()}, 99, 0.9f);  // no such class: ignored
  EXPECT_EQ(x.m.windows(), 0u);
}

}  // namespace
}  // namespace lwcl::tinyml
