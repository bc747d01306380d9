// Augmentation: deterministic for a seed, rotations keep vector norms, and
// only accelerometer axes get noise.
#include "train/augmentation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "train/feature_extraction.h"

namespace lwcl::train {
namespace {

std::vector<float> Window(size_t samples, size_t axes) {
  std::vector<float> w;
  for (size_t s = 0; s < samples; ++s) {
    for (size_t a = 0; a < axes; ++a) {
      w.push_back(std::sin(0.3f * static_cast<float>(s) + static_cast<float>(a)) +
                  0.1f * static_cast<float>(a));
    }
  }
  return w;
}

TEST(AugmentationTest, FindsAxisTriplets) {
  const std::vector<std::string> imu = {"accX", "accY", "accZ", "gyrX", "gyrY", "gyrZ"};
  const auto t = AxisTriplets(imu);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0], (std::array<size_t, 3>{0, 1, 2}));
  EXPECT_EQ(t[1], (std::array<size_t, 3>{3, 4, 5}));
  const std::vector<std::string> shuffled = {"z", "x", "y"};
  EXPECT_EQ(AxisTriplets(shuffled).front(), (std::array<size_t, 3>{1, 2, 0}));
  const std::vector<std::string> two = {"x", "y", "temp"};
  EXPECT_TRUE(AxisTriplets(two).empty());
}

TEST(AugmentationTest, RotationPreservesEveryTripletsNorm) {
  const std::vector<std::string> axes = {"accX", "accY", "accZ", "gyrX", "gyrY", "gyrZ"};
  const std::vector<std::string> units = {"g", "g", "g", "dps", "dps", "dps"};
  AugmentOptions only_rotation;
  only_rotation.noise_g = 0.0f;
  only_rotation.gain = 0.0f;
  only_rotation.rotate_deg = 30.0f;
  Rng rng(7);
  const std::vector<float> original = Window(40, 6);
  std::vector<float> w = original;
  AugmentWindow(w, axes, units, only_rotation, rng);
  EXPECT_NE(w, original);
  for (size_t s = 0; s < 40; ++s) {
    for (size_t base : {size_t{0}, size_t{3}}) {
      float before = 0.0f, after = 0.0f;
      for (size_t k = 0; k < 3; ++k) {
        before += original[s * 6 + base + k] * original[s * 6 + base + k];
        after += w[s * 6 + base + k] * w[s * 6 + base + k];
      }
      EXPECT_NEAR(std::sqrt(after), std::sqrt(before), 1e-5f);
    }
  }
  // The angle stays within the bound: the rotation matrix's trace is 1 + 2 cos θ.
  for (int i = 0; i < 100; ++i) {
    const std::array<float, 9> m = RandomRotation(rng, 10.0f);
    const float cos_angle = (m[0] + m[4] + m[8] - 1.0f) / 2.0f;
    EXPECT_GE(cos_angle, std::cos(10.0f * 3.14159265f / 180.0f) - 1e-5f);
  }
}

TEST(AugmentationTest, SameSeedSameWindowsAndNoiseOnlyOnAccelerometer) {
  const std::vector<std::string> axes = {"x", "y", "z", "gyrX"};
  const std::vector<std::string> units = {"g", "g", "g", "dps"};
  AugmentOptions noise_only;
  noise_only.noise_g = 0.05f;
  noise_only.gain = 0.0f;
  noise_only.rotate_deg = 0.0f;
  const std::vector<float> original = Window(30, 4);
  std::vector<float> a = original, b = original, c = original;
  Rng r1(3), r2(3), r3(4);
  AugmentWindow(a, axes, units, noise_only, r1);
  AugmentWindow(b, axes, units, noise_only, r2);
  AugmentWindow(c, axes, units, noise_only, r3);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  for (size_t s = 0; s < 30; ++s) EXPECT_EQ(a[s * 4 + 3], original[s * 4 + 3]);
}

TEST(AugmentationTest, AugmentedFeaturesAreDeterministicAndLabelled) {
  Dataset d;
  d.labels = {"a", "b"};
  for (int k = 0; k < 2; ++k) {
    Recording r;
    r.label = d.labels[static_cast<size_t>(k)];
    r.sample_rate_hz = 26.0f;
    r.axes = {"x", "y", "z"};
    r.samples = Window(120, 3);
    d.recordings.push_back(r);
  }
  const std::vector<size_t> all = {0, 1};
  const std::vector<WindowRef> windows = MakeWindows(d, all, 52, 13);
  AugmentOptions options;
  options.copies = 2;
  options.shift_samples = 6;
  const FeatureMatrix m1 = AugmentedFeatures(d, windows, DefaultMotionConfig(), options, 5);
  const FeatureMatrix m2 = AugmentedFeatures(d, windows, DefaultMotionConfig(), options, 5);
  const FeatureMatrix m3 = AugmentedFeatures(d, windows, DefaultMotionConfig(), options, 6);
  EXPECT_EQ(m1.rows(), windows.size() * 2);
  EXPECT_EQ(m1.values, m2.values);
  EXPECT_NE(m1.values, m3.values);
  EXPECT_EQ(m1.labels.front(), 0);
  EXPECT_EQ(m1.labels.back(), 1);
  options.copies = 0;
  EXPECT_EQ(AugmentedFeatures(d, windows, DefaultMotionConfig(), options, 5).rows(), 0u);
}

}  // namespace
}  // namespace lwcl::train
