// GravityGauge: still windows whose mean is gravity seen through a sensor
// gain and offset give the gain back — from every orientation the offset
// too, from one orientation the gain alone (an offset then reads as gain, as
// the physics says it must); moving, fallen and non-finite windows are not
// counted; the score is in units of the package's spread against the gain
// in force; bad arguments are refused.
#include "tinyml/learn/gravity_gauge.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace lwcl::tinyml {
namespace {

constexpr size_t kSamples = 16;

PackageView Package(float magnitude = 1000.0f) {
  PackageView v;
  v.dsp.axes = 3;
  v.dsp.window_samples = kSamples;
  v.dsp.scale = 1.0f;
  v.gravity = {magnitude, 0.02f, 0.5f};
  return v;
}

// A window whose per-axis mean is `mean`, with motion of RMS `motion` (a
// square wave on x, so the mean stays exact).
std::vector<float> Window(const float mean[3], float motion) {
  std::vector<float> w(3 * kSamples);
  for (size_t i = 0; i < kSamples; ++i) {
    for (size_t a = 0; a < 3; ++a) w[3 * i + a] = mean[a];
    w[3 * i] += (i % 2 ? motion : -motion);
  }
  return w;
}

// Gravity of `g` (reference units × 1000) in orientation k of n spread over
// the sphere (a Fibonacci lattice), read with `gain` and `bias`.
void Reading(size_t k, size_t n, float gain, const float bias[3], float out[3]) {
  const float golden = 2.39996323f;
  const float z = 1.0f - 2.0f * (static_cast<float>(k) + 0.5f) / static_cast<float>(n);
  const float r = std::sqrt(1.0f - z * z);
  const float phi = golden * static_cast<float>(k);
  const float dir[3] = {r * std::cos(phi), r * std::sin(phi), z};
  for (size_t a = 0; a < 3; ++a) out[a] = 1000.0f * (gain * dir[a] + bias[a]);
}

struct Fixture {
  PackageView view = Package();
  float state[GravityGauge::kStateFloats] = {};
  GravityGauge gauge;
  Fixture() { EXPECT_EQ(gauge.Init(view, {state, GravityGauge::kStateFloats}, 0.99f), Status::kOk); }
  void Feed(const float mean[3], float motion = 20.0f) {
    const std::vector<float> w = Window(mean, motion);
    gauge.Observe({w.data(), w.size()});
  }
};

TEST(GravityGaugeTest, EveryOrientationGivesTheGainAndTheOffset) {
  Fixture f;
  const float bias[3] = {0.10f, -0.05f, 0.08f};
  for (size_t k = 0; k < 200; ++k) {
    float m[3];
    Reading(k, 200, 1.3f, bias, m);
    f.Feed(m);
  }
  ASSERT_TRUE(f.gauge.settled());
  GravityEstimate e;
  ASSERT_EQ(f.gauge.Estimate(&e), Status::kOk);
  EXPECT_NEAR(e.gain, 1.3f, 0.02f);
  for (size_t a = 0; a < 3; ++a) EXPECT_NEAR(e.bias[a], bias[a], 0.015f) << a;
  EXPECT_LT(f.gauge.Score(1.3f), 1.0f) << "the gain in force is the one measured";
  EXPECT_NEAR(f.gauge.Score(1.0f), std::log(1.3f) / 0.02f, 1.0f);
}

TEST(GravityGaugeTest, OneOrientationGivesTheGainAndReadsAnOffsetAlongGravityAsGain) {
  Fixture f;
  const float up[3] = {0.0f, 0.0f, 500.0f};  // gain 0.5, lying flat
  for (int i = 0; i < 100; ++i) f.Feed(up);
  GravityEstimate e;
  ASSERT_EQ(f.gauge.Estimate(&e), Status::kOk);
  EXPECT_NEAR(e.gain, 0.5f, 0.005f);
  for (float b : e.bias) EXPECT_NEAR(b, 0.0f, 0.01f) << "held at 0 by the ridge";

  f.gauge.Reset();
  EXPECT_EQ(f.gauge.Estimate(&e), Status::kNotReady) << "Reset forgets every window";
  const float offset_up[3] = {0.0f, 0.0f, 1100.0f};  // gain 1, offset +0.1 along gravity
  for (int i = 0; i < 100; ++i) f.Feed(offset_up);
  ASSERT_EQ(f.gauge.Estimate(&e), Status::kOk);
  EXPECT_NEAR(e.gain, 1.1f, 0.01f);
}

TEST(GravityGaugeTest, MovingFallenAndBrokenWindowsAreNotCounted) {
  Fixture f;
  const float up[3] = {0.0f, 0.0f, 1000.0f};
  f.Feed(up, 600.0f);  // motion RMS 0.6 g > 0.5 × 1 g: running, not still
  const float fallen[3] = {0.0f, 0.0f, 10.0f};  // 0.01 g: free fall
  f.Feed(fallen, 1.0f);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float broken[3] = {nan, 0.0f, 1000.0f};
  f.Feed(broken);
  const std::vector<float> short_window(3 * kSamples - 3, 1.0f);
  f.gauge.Observe({short_window.data(), short_window.size()});
  EXPECT_EQ(f.gauge.counted(), 0.0f);
  GravityEstimate e;
  EXPECT_EQ(f.gauge.Estimate(&e), Status::kNotReady);
  EXPECT_EQ(f.gauge.Score(1.0f), 0.0f);
  f.Feed(up, 400.0f);  // walking: 0.4 g of motion still counts
  EXPECT_EQ(f.gauge.counted(), 1.0f);
  // The test does not depend on the gain: a gain of 4 scales motion and mean alike.
  const float up4[3] = {0.0f, 0.0f, 4000.0f};
  f.Feed(up4, 1600.0f);
  EXPECT_NEAR(f.gauge.counted(), 1.99f, 1e-4f);
}

TEST(GravityGaugeTest, TheScaleAndReferenceOfThePackageApply) {
  PackageView v = Package(9.81f);  // a package in m/s²...
  v.dsp.scale = 9.81f;             // ...fed with samples in g
  float state[GravityGauge::kStateFloats];
  GravityGauge gauge;
  ASSERT_EQ(gauge.Init(v, {state, GravityGauge::kStateFloats}, 0.98f), Status::kOk);
  const float up[3] = {0.0f, 0.8f, 0.0f};
  const std::vector<float> w = Window(up, 0.01f);
  for (int i = 0; i < 60; ++i) gauge.Observe({w.data(), w.size()});
  GravityEstimate e;
  ASSERT_EQ(gauge.Estimate(&e), Status::kOk);
  EXPECT_NEAR(e.gain, 0.8f, 0.005f);
}

TEST(GravityGaugeTest, BadArgumentsAreRefused) {
  float state[GravityGauge::kStateFloats];
  GravityGauge gauge;
  PackageView none = Package();
  none.gravity = {};
  EXPECT_EQ(gauge.Init(none, {state, GravityGauge::kStateFloats}, 0.99f), Status::kMissingSection);
  PackageView two = Package();
  two.dsp.axes = 2;
  EXPECT_EQ(gauge.Init(two, {state, GravityGauge::kStateFloats}, 0.99f), Status::kInvalidArgument);
  const PackageView ok = Package();
  EXPECT_EQ(gauge.Init(ok, {state, GravityGauge::kStateFloats - 1}, 0.99f), Status::kInvalidArgument);
  EXPECT_EQ(gauge.Init(ok, {state, GravityGauge::kStateFloats}, 1.0f), Status::kInvalidArgument);
  EXPECT_EQ(gauge.Init(ok, {state, GravityGauge::kStateFloats}, 0.0f), Status::kInvalidArgument);
  GravityGauge never;
  GravityEstimate e;
  EXPECT_EQ(never.Estimate(&e), Status::kNotReady);
  EXPECT_FALSE(never.settled());
  const float up[3] = {0.0f, 0.0f, 1000.0f};
  const std::vector<float> w = Window(up, 1.0f);
  never.Observe({w.data(), w.size()});  // before Init: ignored, no crash
  EXPECT_EQ(never.counted(), 0.0f);
}

}  // namespace
}  // namespace lwcl::tinyml
