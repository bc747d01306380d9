#include "train/training_run.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "train/rng.h"
#include "train/training_report.h"

namespace lwcl::train {
namespace {

// Synthetic motion at 26 Hz in g: "still" (gravity + noise), "sway" (1 Hz)
// and "shake" (6 Hz) on all axes, 6 recordings each of 200 samples.
Dataset SyntheticMotion() {
  Dataset d;
  d.labels = {"shake", "still", "sway"};
  Rng rng(11);
  const float pi = 3.14159265f;
  for (size_t c = 0; c < d.labels.size(); ++c) {
    for (int k = 0; k < 6; ++k) {
      Recording r;
      r.source = d.labels[c] + "_" + std::to_string(k) + ".csv";
      r.label = d.labels[c];
      r.sample_rate_hz = 26.0f;
      r.axes = {"x", "y", "z"};
      const float freq = c == 0 ? 6.0f : 1.0f;
      const float amp = c == 1 ? 0.0f : 0.3f + 0.05f * static_cast<float>(k);
      const float phase = rng.Uniform(0.0f, 2.0f * pi);
      for (int i = 0; i < 200; ++i) {
        const float t = static_cast<float>(i) / 26.0f;
        for (int a = 0; a < 3; ++a) {
          const float g = a == 2 ? 1.0f : 0.0f;
          const float wave = amp * std::sin(2.0f * pi * freq * t + phase + static_cast<float>(a));
          r.samples.push_back(g + wave + rng.Uniform(-0.02f, 0.02f));
        }
      }
      d.recordings.push_back(std::move(r));
    }
  }
  return d;
}

TrainingOptions FastOptions() {
  TrainingOptions o;
  o.mlp.max_epochs = 40;
  o.mlp.patience = 10;
  return o;
}

TEST(TrainingRunTest, TrainsPackagesAndEvaluatesBothWays) {
  const Dataset d = SyntheticMotion();
  const TrainingRun run = RunTraining(d, FastOptions());

  // Split by recording: every recording in exactly one split.
  std::set<size_t> seen;
  for (const SplitResult* s : {&run.train, &run.validation, &run.test}) {
    for (size_t r : s->recordings) EXPECT_TRUE(seen.insert(r).second);
    for (const WindowRef& w : s->windows) {
      EXPECT_NE(std::find(s->recordings.begin(), s->recordings.end(), w.recording),
                s->recordings.end());
    }
  }
  EXPECT_EQ(seen.size(), d.recordings.size());
  EXPECT_EQ(run.test.windows.size(), 3u * WindowCount(200, 52, 13));

  EXPECT_EQ(run.model.labels, d.labels);
  EXPECT_EQ(run.model.stride_samples, 13);
  EXPECT_FALSE(run.package.empty());
  EXPECT_GT(run.arena_bytes, 0u);
  EXPECT_GE(run.test.float_metrics.accuracy, 0.95);
  EXPECT_GE(run.test.int8_metrics.accuracy, 0.95);
  EXPECT_GE(run.test.agreement, 0.95);
  EXPECT_EQ(run.test.int8_predicted.size(), run.test.windows.size());

  const nlohmann::json report = TrainingReportJson(d, FastOptions(), run);
  EXPECT_EQ(report["labels"].size(), 3u);
  EXPECT_DOUBLE_EQ(report["test"]["float"]["accuracy"].get<double>(),
                   run.test.float_metrics.accuracy);
  EXPECT_DOUBLE_EQ(report["test"]["int8"]["accuracy"].get<double>(),
                   run.test.int8_metrics.accuracy);
  EXPECT_EQ(report["confusion"]["int8"].size(), 3u);
  EXPECT_EQ(report["confusion"]["int8"][0].size(), 3u);
  EXPECT_EQ(report["sizes"]["package_bytes"].get<size_t>(), run.package.size());
  EXPECT_TRUE(report.contains("agreement"));
  const std::string text = TrainingReportText(d, run);
  EXPECT_NE(text.find("int8"), std::string::npos);
  EXPECT_NE(text.find("shake"), std::string::npos);
}

TEST(TrainingRunTest, DeterministicForASeed) {
  const Dataset d = SyntheticMotion();
  TrainingOptions o = FastOptions();
  o.mlp.max_epochs = 5;
  const TrainingRun a = RunTraining(d, o);
  const TrainingRun b = RunTraining(d, o);
  EXPECT_EQ(a.package, b.package);
  EXPECT_EQ(a.test.recordings, b.test.recordings);
}

TEST(TrainingRunTest, RefusesRecordingsThatDoNotFitTheModel) {
  Dataset d = SyntheticMotion();
  d.recordings[4].sample_rate_hz = 50.0f;
  EXPECT_THROW(RunTraining(d, FastOptions()), DatasetError);
  d = SyntheticMotion();
  d.recordings[0].axes.push_back("w");
  EXPECT_THROW(RunTraining(d, FastOptions()), DatasetError);
}

// Every recording cut to 30 samples, under the 52 of a window.
Dataset ShortMotion() {
  Dataset d = SyntheticMotion();
  for (Recording& r : d.recordings) r.samples.resize(30 * r.axes.size());
  return d;
}

TEST(TrainingRunTest, PadsRecordingsShorterThanAWindowToOneWindowEach) {
  const Dataset d = ShortMotion();
  const TrainingRun run = RunTraining(d, FastOptions());
  ASSERT_EQ(run.short_recordings.size(), d.recordings.size());
  for (const ShortRecording& s : run.short_recordings) {
    EXPECT_TRUE(s.padded);
    EXPECT_EQ(s.samples, 30u);
  }
  // One window per recording, each scored, per window and per recording.
  EXPECT_EQ(run.train.windows.size(), run.train.recordings.size());
  EXPECT_EQ(run.test.windows.size(), run.test.recordings.size());
  EXPECT_EQ(run.test.per_recording.recordings.size(), run.test.recordings.size());
  EXPECT_EQ(run.test.per_recording.unscored, 0u);
  // One window per recording: the recording's vote is its window's class.
  EXPECT_DOUBLE_EQ(run.test.per_recording.int8_accuracy, run.test.int8_metrics.accuracy);
  // The raw nearest-neighbour reference scored the same test windows.
  EXPECT_EQ(run.baseline.predicted.size(), run.test.windows.size());
  EXPECT_EQ(run.baseline.reference_windows, run.train.windows.size());
}

TEST(TrainingRunTest, SkippedShortRecordingsAreNamedInTheError) {
  TrainingOptions o = FastOptions();
  o.short_recordings = ShortRecordingPolicy::kSkip;
  try {
    RunTraining(ShortMotion(), o);
    FAIL() << "a class with only short recordings trained under skip";
  } catch (const DatasetError& e) {
    EXPECT_NE(std::string(e.what()).find("shorter than one window and were skipped"), std::string::npos) << e.what();
  }
}

TEST(TrainingRunTest, ATestRecordingWithoutAWindowCountsAsAMissPerRecording) {
  Dataset d = SyntheticMotion();
  TrainingOptions o = FastOptions();
  o.short_recordings = ShortRecordingPolicy::kSkip;
  const TrainingRun full = RunTraining(d, o);
  ASSERT_FALSE(full.test.recordings.empty());
  d.recordings[full.test.recordings.front()].samples.resize(3 * 10);  // 10 samples: no window
  const TrainingRun run = RunTraining(d, o);
  ASSERT_EQ(run.short_recordings.size(), 1u);
  EXPECT_FALSE(run.short_recordings.front().padded);
  EXPECT_EQ(run.test.per_recording.recordings.size(), run.test.recordings.size());
  EXPECT_EQ(run.test.per_recording.unscored, 1u);
  EXPECT_EQ(run.test.per_recording.float_predicted.front(), -1);
  EXPECT_LE(run.test.per_recording.float_accuracy,
            1.0 - 1.0 / static_cast<double>(run.test.recordings.size()) + 1e-9);
}

}  // namespace
}  // namespace lwcl::train
