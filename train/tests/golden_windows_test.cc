// Golden self-test windows from the trainer: which windows it picks, that
// the package it writes carries them as GOLD and passes the device's
// self-test, and that deltas and wrong records are refused.
#include "train/golden_windows.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "float_test_models.h"
#include "tinyml/package/model_package.h"
#include "tinyml/package/package_format.h"
#include "tinyml/runtime/classifier.h"
#include "tinyml/runtime/golden_self_test.h"
#include "tinyml/runtime/memory_plan.h"
#include "train/package_writer.h"
#include "train/quantizer.h"
#include "train/training_run.h"

namespace lwcl::train {
namespace {

constexpr int kClasses = 3;

struct Fixture {
  FloatModel model = testing::RandomModel(21, testing::MotionDsp(), {32, 16}, kClasses);
  std::vector<std::vector<float>> inputs = testing::RandomInputs(model, 60, 22);
  QuantizedModel quantized = QuantizeModel(model, inputs);
  std::vector<uint8_t> plain = WritePackage(model, quantized);
};

// A view over a copy (4-byte aligned) of the bytes, which it keeps alive.
struct Read {
  explicit Read(const std::vector<uint8_t>& b) : bytes(b) {
    status = tinyml::ReadPackage(tinyml::Span<const uint8_t>(bytes.data(), bytes.size()), &view);
  }
  std::vector<uint8_t> bytes;
  tinyml::PackageView view;
  tinyml::Status status = tinyml::Status::kOk;
};

tinyml::Status SelfTest(const tinyml::PackageView& view, tinyml::GoldenSelfTestResult* result) {
  std::vector<uint8_t> arena(tinyml::RequiredArenaBytes(view));
  return tinyml::RunGoldenSelfTest(view, tinyml::Span<uint8_t>(arena.data(), arena.size()), result);
}

// Rows labelled with what the int8 package says, plus one per class it is
// wrong about (label shifted), so "the first correctly classified" matters.
FeatureMatrix Rows(const Fixture& f, std::vector<int>* int8_class) {
  const Read r(f.plain);
  std::vector<uint8_t> arena(tinyml::RequiredArenaBytes(r.view));
  tinyml::Classifier c;
  EXPECT_EQ(c.Init(r.view, tinyml::Span<uint8_t>(arena.data(), arena.size())), tinyml::Status::kOk);
  FeatureMatrix m;
  m.dim = f.model.feature_mean.size();
  for (const std::vector<float>& in : f.inputs) {
    tinyml::Result res;
    EXPECT_EQ(c.ClassifyFeatures(tinyml::Span<const float>(in.data(), in.size()), &res),
              tinyml::Status::kOk);
    int8_class->push_back(static_cast<int>(res.label));
  }
  // A wrong row first, then the inputs with their int8 classes as truth.
  m.AddRow(f.inputs[0], ((*int8_class)[0] + 1) % kClasses);
  for (size_t i = 0; i < f.inputs.size(); ++i) m.AddRow(f.inputs[i], (*int8_class)[i]);
  return m;
}

TEST(GoldenWindows, PicksTheFirstCorrectlyClassifiedRowOfEachClass) {
  const Fixture f;
  std::vector<int> int8_class;
  const FeatureMatrix rows = Rows(f, &int8_class);
  const std::vector<GoldenWindowRecord> golden = PickGoldenWindows(f.plain, rows);
  ASSERT_FALSE(golden.empty());
  int previous = -1;
  for (const GoldenWindowRecord& g : golden) {
    EXPECT_GT(g.expected_class, previous);  // one per class, in label order
    previous = g.expected_class;
    // The first input the package classifies as this class (row 0 is wrong).
    size_t first = 0;
    while (int8_class[first] != g.expected_class) ++first;
    EXPECT_EQ(g.features, f.inputs[first]);
    EXPECT_EQ(g.expected_output.size(), static_cast<size_t>(kClasses));
  }
  // Every class the package ever answers gets its window.
  for (int c = 0; c < kClasses; ++c) {
    const bool answered = std::find(int8_class.begin(), int8_class.end(), c) != int8_class.end();
    const bool picked = std::any_of(golden.begin(), golden.end(), [c](const GoldenWindowRecord& g) {
      return g.expected_class == c;
    });
    EXPECT_EQ(answered, picked) << c;
  }
  // Deterministic.
  const std::vector<GoldenWindowRecord> again = PickGoldenWindows(f.plain, rows);
  ASSERT_EQ(again.size(), golden.size());
  for (size_t i = 0; i < golden.size(); ++i) {
    EXPECT_EQ(again[i].features, golden[i].features);
    EXPECT_EQ(again[i].expected_output, golden[i].expected_output);
  }
  FeatureMatrix wrong_width;
  wrong_width.dim = rows.dim + 1;
  wrong_width.values.assign(wrong_width.dim, 0.0f);
  wrong_width.labels = {0};
  EXPECT_THROW(PickGoldenWindows(f.plain, wrong_width), std::invalid_argument);
}

TEST(GoldenWindows, WrittenPackagesCarryThemAndPassTheSelfTest) {
  const Fixture f;
  std::vector<int> int8_class;
  PackageWriteOptions options;
  options.golden = PickGoldenWindows(f.plain, Rows(f, &int8_class));
  const std::vector<uint8_t> bytes = WritePackage(f.model, f.quantized, options);
  const Read r(bytes);
  ASSERT_EQ(r.status, tinyml::Status::kOk);
  ASSERT_EQ(r.view.golden_count, options.golden.size());
  for (size_t i = 0; i < options.golden.size(); ++i) {
    const tinyml::GoldenWindow w = tinyml::GoldenWindowAt(r.view, i);
    EXPECT_EQ(std::vector<float>(w.features.begin(), w.features.end()), options.golden[i].features);
    EXPECT_EQ(w.expected_class, static_cast<size_t>(options.golden[i].expected_class));
  }
  tinyml::GoldenSelfTestResult result;
  EXPECT_EQ(SelfTest(r.view, &result), tinyml::Status::kOk);
  EXPECT_EQ(result.checked, options.golden.size());
  // GOLD adds 16 bytes plus one record per window.
  EXPECT_EQ(bytes.size(), f.plain.size() + 8 + tinyml::package_format::kGoldenFixedBytes +
                              options.golden.size() * tinyml::package_format::GoldenRecordBytes(
                                                          r.view.feature_count, kClasses));
}

TEST(GoldenWindows, WrongRecordsAndDeltasAreRefused) {
  const Fixture f;
  std::vector<int> int8_class;
  const std::vector<GoldenWindowRecord> golden = PickGoldenWindows(f.plain, Rows(f, &int8_class));
  ASSERT_FALSE(golden.empty());

  PackageWriteOptions flipped;
  flipped.golden = golden;
  flipped.golden[0].expected_output[0] =
      static_cast<int8_t>(flipped.golden[0].expected_output[0] ^ 1);
  EXPECT_THROW(WritePackage(f.model, f.quantized, flipped), std::invalid_argument);

  PackageWriteOptions wrong_class;
  wrong_class.golden = golden;
  wrong_class.golden[0].expected_class = (golden[0].expected_class + 1) % kClasses;
  EXPECT_THROW(WritePackage(f.model, f.quantized, wrong_class), std::invalid_argument);

  PackageWriteOptions short_features;
  short_features.golden = golden;
  short_features.golden[0].features.pop_back();
  EXPECT_THROW(WritePackage(f.model, f.quantized, short_features), std::invalid_argument);

  PackageWriteOptions too_many;
  too_many.golden.assign(tinyml::kMaxGoldenWindows + 1, golden[0]);
  EXPECT_THROW(WritePackage(f.model, f.quantized, too_many), std::invalid_argument);

  PackageWriteOptions delta;
  delta.base_digest = PackageDigest(f.plain);
  delta.delta_layers = {2};
  delta.golden = golden;
  EXPECT_THROW(WritePackage(f.model, f.quantized, delta), std::invalid_argument);
}

// A small three-class synthetic motion set (as training_run_test.cc's).
Dataset Motion() {
  Dataset d;
  d.labels = {"shake", "still", "sway"};
  for (size_t c = 0; c < d.labels.size(); ++c) {
    for (int k = 0; k < 6; ++k) {
      Recording r;
      r.source = d.labels[c] + "_" + std::to_string(k) + ".csv";
      r.label = d.labels[c];
      r.sample_rate_hz = 26.0f;
      r.axes = {"x", "y", "z"};
      const float freq = c == 0 ? 6.0f : 1.0f;
      const float amp = c == 1 ? 0.0f : 0.3f + 0.05f * static_cast<float>(k);
      for (int i = 0; i < 200; ++i) {
        const float t = static_cast<float>(i) / 26.0f;
        for (int a = 0; a < 3; ++a) {
          const float wave = amp * std::sin(6.2831853f * freq * t + static_cast<float>(a + k));
          const float noise = 0.01f * static_cast<float>((i * 7 + a * 3 + k) % 5) - 0.02f;
          r.samples.push_back((a == 2 ? 1.0f : 0.0f) + wave + noise);
        }
      }
      d.recordings.push_back(std::move(r));
    }
  }
  return d;
}

TEST(GoldenWindows, TrainingWritesThemByDefault) {
  TrainingOptions options;
  options.mlp.max_epochs = 30;
  options.mlp.patience = 10;
  options.evaluate_int8 = false;
  const Dataset d = Motion();
  const TrainingRun run = RunTraining(d, options);
  const Read r(run.package);
  ASSERT_EQ(r.status, tinyml::Status::kOk);
  EXPECT_GE(r.view.golden_count, 1u);
  EXPECT_LE(r.view.golden_count, d.labels.size());
  tinyml::GoldenSelfTestResult result;
  EXPECT_EQ(SelfTest(r.view, &result), tinyml::Status::kOk);
  EXPECT_EQ(result.checked, r.view.golden_count);
  // Each is a training window of its own class.
  for (size_t i = 0; i < r.view.golden_count; ++i) {
    const tinyml::GoldenWindow w = tinyml::GoldenWindowAt(r.view, i);
    bool found = false;
    for (size_t row = 0; row < run.train_features.rows() && !found; ++row) {
      const auto values = run.train_features.row(row);
      found = static_cast<size_t>(run.train_features.labels[row]) == w.expected_class &&
              std::memcmp(values.data(), w.features.data, 4 * w.features.size) == 0;
    }
    EXPECT_TRUE(found) << i;
  }
  // Every prefix of what training wrote is still truncated.
  for (size_t n = 0; n < run.package.size(); ++n) {
    const std::vector<uint8_t> cut(run.package.begin(), run.package.begin() + static_cast<long>(n));
    ASSERT_EQ(Read(cut).status, tinyml::Status::kTruncated) << n;
  }

  options.golden_windows = false;
  const TrainingRun without = RunTraining(d, options);
  const Read w(without.package);
  ASSERT_EQ(w.status, tinyml::Status::kOk);
  EXPECT_EQ(w.view.golden_count, 0u);
  EXPECT_LT(without.package.size(), run.package.size());
}

}  // namespace
}  // namespace lwcl::train
