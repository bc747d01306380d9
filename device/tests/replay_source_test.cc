// Behaviour of the replay source: order, labels, looping, the end.
#include "device/replay_source.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace lwcl::device {
namespace {

std::vector<Sample> Ramp(size_t n) {
  std::vector<Sample> v(n);
  for (size_t i = 0; i < n; ++i) {
    const float f = static_cast<float>(i);
    v[i] = {f, 10.0f + f, 100.0f + f};
  }
  return v;
}

TEST(ReplaySource, PlaysInOrderThenEndsForGood) {
  ReplaySource src(Ramp(4), 26.0f, "wave");
  EXPECT_FLOAT_EQ(src.rate_hz(), 26.0f);
  EXPECT_EQ(src.truth(), "");  // nothing played yet
  Sample s{};
  for (size_t i = 0; i < 4; ++i) {
    ASSERT_TRUE(src.Next(&s));
    EXPECT_EQ(s, Ramp(4)[i]);
    EXPECT_EQ(src.truth(), "wave");
    EXPECT_EQ(src.position(), i + 1);
  }
  EXPECT_FALSE(src.Next(&s));
  EXPECT_TRUE(src.ended());
  EXPECT_EQ(src.truth(), "");
  EXPECT_FALSE(src.Next(&s));
  src.Rewind();
  ASSERT_TRUE(src.Next(&s));
  EXPECT_EQ(s, Ramp(4)[0]);
}

TEST(ReplaySource, LoopsForever) {
  ReplaySource src(Ramp(3), 50.0f, "idle", /*loop=*/true);
  Sample s{};
  for (size_t i = 0; i < 10; ++i) {
    ASSERT_TRUE(src.Next(&s));
    EXPECT_FLOAT_EQ(s[0], static_cast<float>(i % 3));
  }
  EXPECT_EQ(src.loops(), 3u);
  EXPECT_FALSE(src.ended());
}

TEST(ReplaySource, EmptySourceEndsEvenWhenLooping) {
  ReplaySource src({}, 26.0f, "x", true);
  Sample s{};
  EXPECT_FALSE(src.Next(&s));
  EXPECT_TRUE(src.ended());
}

TEST(ReplaySource, PerSampleLabels) {
  const std::vector<std::string> labels = {"idle", "idle", "wave", "wave", "wave", "idle"};
  ReplaySource src(Ramp(6), 26.0f, labels, true);
  Sample s{};
  for (size_t round = 0; round < 2; ++round) {
    for (size_t i = 0; i < labels.size(); ++i) {
      ASSERT_TRUE(src.Next(&s));
      EXPECT_EQ(src.truth(), labels[i]) << i;
    }
  }
}

TEST(ReplaySource, RefusesBadInput) {
  EXPECT_THROW(ReplaySource(Ramp(3), 0.0f, "x"), std::invalid_argument);
  EXPECT_THROW(ReplaySource(Ramp(3), 26.0f, std::vector<std::string>{"a"}), std::invalid_argument);
}

TEST(SamplesFromInterleaved, PicksTheAccelerometerColumns) {
  // Six axes per sample: gyro first, then the accelerometer.
  const std::vector<float> values = {9, 9, 9, 1, 2, 3, 8, 8, 8, 4, 5, 6};
  const std::vector<Sample> v = SamplesFromInterleaved(values, 6, {3, 4, 5});
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0], (Sample{1, 2, 3}));
  EXPECT_EQ(v[1], (Sample{4, 5, 6}));
  EXPECT_EQ(SamplesFromInterleaved(std::vector<float>{1, 2, 3}, 3).size(), 1u);
  EXPECT_THROW(SamplesFromInterleaved(values, 5), std::invalid_argument);
  EXPECT_THROW(SamplesFromInterleaved(values, 3, {0, 1, 3}), std::invalid_argument);
  EXPECT_THROW(SamplesFromInterleaved(values, 0), std::invalid_argument);
}

}  // namespace
}  // namespace lwcl::device
