#include "train/dtw_nearest_neighbour.h"

#include <gtest/gtest.h>

#include <cmath>

namespace lwcl::train {
namespace {

// One swing on x (sign -1: left, +1: right) of `n` samples, starting after
// `delay` still samples, over gravity on z.
Recording Swing(float sign, size_t n, size_t delay, const std::string& label) {
  Recording r;
  r.label = label;
  r.axes = {"x", "y", "z"};
  for (size_t i = 0; i < delay + n; ++i) {
    const float x = i < delay ? 0.0f
                              : sign * std::sin(6.2831853f * static_cast<float>(i - delay) /
                                                static_cast<float>(n - 1));
    r.samples.insert(r.samples.end(), {x, 0.0f, 1.0f});
  }
  return r;
}

TEST(DtwNearestNeighbourTest, WarpingForgivesTimingButNotDirection) {
  const Recording a = Swing(1.0f, 20, 0, "right");
  EXPECT_DOUBLE_EQ(DtwDistance(a, a), 0.0);
  const Recording later = Swing(1.0f, 20, 3, "right");
  const Recording mirrored = Swing(-1.0f, 20, 0, "left");
  EXPECT_LT(DtwDistance(a, later), 0.2 * DtwDistance(a, mirrored));
  Recording empty = a;
  empty.samples.clear();
  EXPECT_TRUE(std::isinf(DtwDistance(a, empty)));
}

TEST(DtwNearestNeighbourTest, ClassifiesRecordingsOfOtherLengthsAndRefusesLongOnes) {
  Dataset d;
  d.labels = {"left", "right"};
  d.recordings = {Swing(-1.0f, 20, 0, "left"), Swing(1.0f, 20, 0, "right"), Swing(-1.0f, 14, 4, "left"),
                  Swing(1.0f, 30, 2, "right")};
  const size_t reference[] = {0, 1};
  const size_t test[] = {2, 3};
  const DtwResult r = DtwNearestNeighbour(d, reference, test);
  ASSERT_TRUE(r.computed) << r.why_not;
  EXPECT_EQ(r.predicted, (std::vector<int>{0, 1}));
  EXPECT_DOUBLE_EQ(r.accuracy, 1.0);
  const DtwResult capped = DtwNearestNeighbour(d, reference, test, 25);
  EXPECT_FALSE(capped.computed);
  EXPECT_NE(capped.why_not.find("longer than 25"), std::string::npos);
  EXPECT_FALSE(DtwNearestNeighbour(d, {}, test).computed);
}

}  // namespace
}  // namespace lwcl::train
