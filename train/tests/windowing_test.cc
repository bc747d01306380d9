#include "train/windowing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "train/split.h"

namespace lwcl::train {
namespace {

Recording MakeRecording(const std::string& label, size_t samples, float first = 0.0f) {
  Recording r;
  r.source = label + ".csv";
  r.label = label;
  r.sample_rate_hz = 26.0f;
  r.axes = {"x", "y", "z"};
  for (size_t i = 0; i < samples * 3; ++i) r.samples.push_back(first + static_cast<float>(i));
  return r;
}

// n recordings per class, labels "c0", "c1", ...
Dataset MakeDataset(const std::vector<size_t>& per_class) {
  Dataset d;
  for (size_t c = 0; c < per_class.size(); ++c) {
    d.labels.push_back("c" + std::to_string(c));
    for (size_t i = 0; i < per_class[c]; ++i)
      d.recordings.push_back(MakeRecording(d.labels.back(), 100));
  }
  return d;
}

TEST(WindowingTest, WindowCount) {
  EXPECT_EQ(WindowCount(1000, 52, 13), 73u);  // one ST HAR recording
  EXPECT_EQ(WindowCount(52, 52, 13), 1u);
  EXPECT_EQ(WindowCount(51, 52, 13), 0u);
  EXPECT_EQ(WindowCount(64, 52, 13), 1u);
  EXPECT_EQ(WindowCount(65, 52, 13), 2u);
  EXPECT_EQ(WindowCount(100, 0, 13), 0u);
  EXPECT_EQ(WindowCount(100, 10, 0), 0u);
  EXPECT_EQ(SamplesForDuration(26.0f, 2000.0f), 52u);
  EXPECT_EQ(SamplesForDuration(26.0f, 500.0f), 13u);
}

TEST(WindowingTest, WindowsStayInsideTheirRecording) {
  Dataset d;
  d.labels = {"a"};
  d.recordings.push_back(MakeRecording("a", 65));
  d.recordings.push_back(MakeRecording("a", 30));  // shorter than a window
  d.recordings.push_back(MakeRecording("a", 52, 1000.0f));
  const std::vector<size_t> all = {0, 1, 2};
  const std::vector<WindowRef> w = MakeWindows(d, all, 52, 13);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].recording, 0u);
  EXPECT_EQ(w[0].start, 0u);
  EXPECT_EQ(w[1].start, 13u);
  EXPECT_EQ(w[2].recording, 2u);
  const std::span<const float> s = WindowSamples(d, w[1], 52);
  ASSERT_EQ(s.size(), 52u * 3u);
  EXPECT_FLOAT_EQ(s[0], 39.0f);  // sample 13, axis 0
  EXPECT_FLOAT_EQ(WindowSamples(d, w[2], 52)[0], 1000.0f);
  EXPECT_THROW(WindowSamples(d, WindowRef{0, 14}, 52), std::out_of_range);
}

TEST(SplitTest, NeverSharesARecordingBetweenSplits) {
  const Dataset d = MakeDataset({36, 39, 17});
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    SplitOptions options;
    options.seed = seed;
    const RecordingSplit s = SplitByRecording(d, options);
    std::set<size_t> seen;
    for (const auto* part : {&s.train, &s.validation, &s.test}) {
      for (size_t r : *part) EXPECT_TRUE(seen.insert(r).second) << "recording " << r << " twice";
    }
    EXPECT_EQ(seen.size(), d.recordings.size());
  }
}

TEST(SplitTest, StratifiedPerClass) {
  const Dataset d = MakeDataset({36, 39, 17});
  const RecordingSplit s = SplitByRecording(d, {});
  const auto count = [&](const std::vector<size_t>& part, const std::string& label) {
    return std::count_if(part.begin(), part.end(),
                         [&](size_t r) { return d.recordings[r].label == label; });
  };
  // round(0.15 n) per class in test and validation; the rest trains.
  EXPECT_EQ(count(s.test, "c0"), 5);
  EXPECT_EQ(count(s.validation, "c0"), 5);
  EXPECT_EQ(count(s.train, "c0"), 26);
  EXPECT_EQ(count(s.test, "c1"), 6);
  EXPECT_EQ(count(s.test, "c2"), 3);
  EXPECT_EQ(count(s.validation, "c2"), 3);
  EXPECT_EQ(count(s.train, "c2"), 11);
}

TEST(SplitTest, SmallClassesStillReachEverySplitWhenTheyCan) {
  const Dataset d = MakeDataset({1, 2, 3});
  const RecordingSplit s = SplitByRecording(d, {});
  const auto count = [&](const std::vector<size_t>& part, const std::string& label) {
    return std::count_if(part.begin(), part.end(),
                         [&](size_t r) { return d.recordings[r].label == label; });
  };
  EXPECT_EQ(count(s.train, "c0"), 1);  // a single recording trains
  EXPECT_EQ(count(s.train, "c1"), 1);
  EXPECT_EQ(count(s.test, "c1"), 1);
  EXPECT_EQ(count(s.train, "c2"), 1);
  EXPECT_EQ(count(s.validation, "c2"), 1);
  EXPECT_EQ(count(s.test, "c2"), 1);
}

TEST(SplitTest, DeterministicForASeedAndDifferentAcrossSeeds) {
  const Dataset d = MakeDataset({36, 39, 17});
  SplitOptions a;
  a.seed = 7;
  const RecordingSplit s1 = SplitByRecording(d, a);
  const RecordingSplit s2 = SplitByRecording(d, a);
  EXPECT_EQ(s1.train, s2.train);
  EXPECT_EQ(s1.validation, s2.validation);
  EXPECT_EQ(s1.test, s2.test);
  SplitOptions b;
  b.seed = 8;
  EXPECT_NE(SplitByRecording(d, b).test, s1.test);
}

TEST(SplitTest, UnlabelledRecordingsAreLeftOut) {
  Dataset d = MakeDataset({3});
  d.recordings.push_back(MakeRecording("unknown", 100));
  const RecordingSplit s = SplitByRecording(d, {});
  EXPECT_EQ(s.train.size() + s.validation.size() + s.test.size(), 3u);
}

}  // namespace
}  // namespace lwcl::train
