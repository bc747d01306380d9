// MeasureGravity: the median length of still windows' means and its robust
// spread (floored), from accelerometer data in g; no reference from data
// with gravity removed, too few still windows, or axes that are not an
// accelerometer's.
#include "train/gravity_reference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "train/windowing.h"

namespace lwcl::train {
namespace {

constexpr size_t kWindow = 52;

tinyml::SpectralConfig Dsp() {
  tinyml::SpectralConfig dsp;
  dsp.axes = 3;
  dsp.window_samples = kWindow;
  dsp.scale = 1.0f;
  return dsp;
}

// One recording: gravity `g` along a tilted axis, plus noise of `motion` g.
Recording Still(float g, float motion, unsigned seed, size_t samples = 520) {
  Recording r;
  r.label = "still";
  r.sample_rate_hz = 26.0f;
  r.axes = {"x", "y", "z"};
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, motion);
  const float tilt = 0.3f * static_cast<float>(seed);
  for (size_t i = 0; i < samples; ++i) {
    r.samples.push_back(g * std::sin(tilt) + noise(rng));
    r.samples.push_back(noise(rng));
    r.samples.push_back(g * std::cos(tilt) + noise(rng));
  }
  return r;
}

tinyml::GravityReference Measure(const Dataset& d) {
  std::vector<size_t> all;
  for (size_t i = 0; i < d.recordings.size(); ++i) all.push_back(i);
  const std::vector<WindowRef> windows = MakeWindows(d, all, kWindow, 13);
  return MeasureGravity(d, windows, Dsp());
}

TEST(GravityReferenceTest, StillWindowsGiveTheirMedianLengthAndSpread) {
  Dataset d;
  d.labels = {"still"};
  // Five "sensors" whose gravity reads 0.96..1.04 g, all still.
  for (unsigned k = 0; k < 5; ++k) d.recordings.push_back(Still(0.96f + 0.02f * static_cast<float>(k), 0.05f, k));
  d.recordings.push_back(Still(1.0f, 2.0f, 9));  // running: 2 g of motion, not still
  const tinyml::GravityReference g = Measure(d);
  EXPECT_NEAR(g.magnitude, 1.0f, 0.01f);
  EXPECT_GT(g.log_spread, kMinGravitySpread) << "five sensors 2 % apart spread more than the floor";
  EXPECT_LT(g.log_spread, 0.05f);
  EXPECT_EQ(g.still_limit, kDefaultStillLimit);

  Dataset one;
  one.labels = {"still"};
  one.recordings.push_back(Still(1.0f, 0.001f, 1));
  EXPECT_EQ(Measure(one).log_spread, kMinGravitySpread) << "a perfect sensor: the floor";
}

TEST(GravityReferenceTest, NoReferenceWithoutGravityOrWithoutAnAccelerometer) {
  Dataset removed;
  removed.labels = {"still"};
  removed.recordings.push_back(Still(0.0f, 0.2f, 1));  // linear acceleration: gravity taken out
  EXPECT_EQ(Measure(removed).magnitude, 0.0f);

  Dataset gyro;
  gyro.labels = {"still"};
  gyro.recordings.push_back(Still(1.0f, 0.01f, 1));
  gyro.recordings.back().axis_units = {"dps", "dps", "dps"};
  EXPECT_EQ(Measure(gyro).magnitude, 0.0f);

  Dataset few;
  few.labels = {"still"};
  few.recordings.push_back(Still(1.0f, 0.01f, 1, kWindow + 13 * 10));  // 11 windows
  EXPECT_EQ(Measure(few).magnitude, 0.0f) << "fewer than kMinStillWindows";

  Dataset hard;
  hard.labels = {"still"};
  hard.recordings.push_back(Still(1.0f, 0.01f, 1, kWindow + 13 * 24));  // 25 still windows...
  for (unsigned k = 0; k < 10; ++k) hard.recordings.push_back(Still(1.0f, 3.0f, k));  // ...among 370
  EXPECT_EQ(Measure(hard).magnitude, 0.0f) << "under a tenth of the windows still";
}

}  // namespace
}  // namespace lwcl::train
