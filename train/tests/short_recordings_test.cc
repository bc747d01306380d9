#include "train/short_recordings.h"

#include <gtest/gtest.h>

namespace lwcl::train {
namespace {

// Two axes, samples (1, 10), (2, 20), (3, 30).
Recording ThreeSamples() {
  Recording r;
  r.source = "clip.csv";
  r.label = "flick";
  r.sample_rate_hz = 26.0f;
  r.axes = {"x", "y"};
  r.samples = {1, 10, 2, 20, 3, 30};
  return r;
}

TEST(ShortRecordingsTest, PolicyNamesRoundTripAndUnknownOnesAreRefused) {
  for (ShortRecordingPolicy p : {ShortRecordingPolicy::kPadEdge, ShortRecordingPolicy::kPadMean,
                                 ShortRecordingPolicy::kPadZero, ShortRecordingPolicy::kSkip}) {
    EXPECT_EQ(ParseShortRecordingPolicy(ShortRecordingPolicyName(p)), p);
  }
  EXPECT_FALSE(ParseShortRecordingPolicy("pad"));
  EXPECT_FALSE(ParseShortRecordingPolicy(""));
}

TEST(ShortRecordingsTest, EdgePaddingCentresTheRecordingAndRepeatsItsEnds) {
  const Recording p = PadRecording(ThreeSamples(), 8, ShortRecordingPolicy::kPadEdge);
  ASSERT_EQ(p.SampleCount(), 8u);
  // (8 - 3) / 2 = 2 samples before, 3 after.
  const std::vector<float> want = {1, 10, 1, 10, 1, 10, 2, 20, 3, 30, 3, 30, 3, 30, 3, 30};
  EXPECT_EQ(p.samples, want);
  EXPECT_EQ(p.label, "flick");
  EXPECT_EQ(p.source, "clip.csv");
}

TEST(ShortRecordingsTest, MeanAndZeroPaddingFillTheGapAndKeepTheSamples) {
  const Recording m = PadRecording(ThreeSamples(), 5, ShortRecordingPolicy::kPadMean);
  EXPECT_EQ(m.samples, (std::vector<float>{2, 20, 1, 10, 2, 20, 3, 30, 2, 20}));
  const Recording z = PadRecording(ThreeSamples(), 5, ShortRecordingPolicy::kPadZero);
  EXPECT_EQ(z.samples, (std::vector<float>{0, 0, 1, 10, 2, 20, 3, 30, 0, 0}));
}

TEST(ShortRecordingsTest, LongEnoughSkippedAndEmptyRecordings) {
  // A recording that holds a window is never changed; skip never pads.
  EXPECT_EQ(PadRecording(ThreeSamples(), 3, ShortRecordingPolicy::kPadEdge).samples, ThreeSamples().samples);
  EXPECT_EQ(PadRecording(ThreeSamples(), 8, ShortRecordingPolicy::kSkip).samples, ThreeSamples().samples);
  Recording empty = ThreeSamples();
  empty.samples.clear();
  const Recording e = PadRecording(empty, 4, ShortRecordingPolicy::kPadEdge);
  EXPECT_EQ(e.samples, std::vector<float>(8, 0.0f));
}

TEST(ShortRecordingsTest, FindsOnlyTheRecordingsShorterThanAWindow) {
  Dataset d;
  d.labels = {"flick"};
  d.recordings = {ThreeSamples(), ThreeSamples(), ThreeSamples()};
  d.recordings[1].samples.resize(2 * 8);
  d.recordings[2].samples.clear();
  const std::vector<ShortRecording> s = FindShortRecordings(d, 8);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].recording, 0u);
  EXPECT_EQ(s[0].samples, 3u);
  EXPECT_EQ(s[1].recording, 2u);
  EXPECT_EQ(s[1].samples, 0u);
}

}  // namespace
}  // namespace lwcl::train
