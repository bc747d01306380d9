#include "train/recording_scores.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace lwcl::train {
namespace {

Dataset ThreeRecordings() {
  Dataset d;
  d.labels = {"a", "b"};
  for (const char* label : {"a", "b", "b"}) {
    Recording r;
    r.label = label;
    d.recordings.push_back(r);
  }
  return d;
}

TEST(RecordingScoresTest, FloatByMeanProbabilityInt8ByVoteAndAnEmptyRecordingIsAMiss) {
  const Dataset d = ThreeRecordings();
  const size_t recordings[] = {0, 1, 2};
  // Recording 0 (a): one window sure of b, two leaning a: the mean says b
  // (0.9 + 0.4 + 0.4 = 1.7 for b against 1.3 for a), the vote says a.
  // Recording 1 (b): one window, b. Recording 2: no window.
  const WindowRef windows[] = {{0, 0}, {0, 1}, {0, 2}, {1, 0}};
  const float probabilities[] = {0.1f, 0.9f, 0.6f, 0.4f, 0.6f, 0.4f, 0.2f, 0.8f};
  const int int8[] = {1, 0, 0, 1};
  const RecordingScores s = ScoreRecordings(d, recordings, windows, probabilities, int8, 2);
  EXPECT_EQ(s.truth, (std::vector<int>{0, 1, 1}));
  EXPECT_EQ(s.windows, (std::vector<size_t>{3, 1, 0}));
  EXPECT_EQ(s.float_predicted, (std::vector<int>{1, 1, -1}));
  EXPECT_EQ(s.int8_predicted, (std::vector<int>{0, 1, -1}));
  EXPECT_EQ(s.unscored, 1u);
  EXPECT_DOUBLE_EQ(s.float_accuracy, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(s.int8_accuracy, 2.0 / 3.0);
}

TEST(RecordingScoresTest, RefusesSizesThatDisagreeAndWindowsOutsideTheSplit) {
  const Dataset d = ThreeRecordings();
  const size_t recordings[] = {0, 1};
  const WindowRef windows[] = {{0, 0}, {2, 0}};
  const float probabilities[] = {0.5f, 0.5f, 0.5f, 0.5f};
  EXPECT_THROW(ScoreRecordings(d, recordings, windows, probabilities, {}, 2), std::invalid_argument);
  EXPECT_THROW(ScoreRecordings(d, recordings, std::span<const WindowRef>(windows, 1), probabilities, {}, 2),
               std::invalid_argument);
  const int int8[] = {0};
  EXPECT_THROW(ScoreRecordings(d, recordings, std::span<const WindowRef>(windows, 1),
                               std::span<const float>(probabilities, 2), int8, 3),
               std::invalid_argument);
}

}  // namespace
}  // namespace lwcl::train
