// The device's Classifier run on the trainer's packages: the interpreter end to
// end, its arena contract and its bit-for-bit agreement with the host's int8
// reference (train::QuantizedForward). Here, not in tinyml/tests, because it
// needs the trainer to make its models.
#include "tinyml/runtime/classifier.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "aligned_buffer.h"
#include "float_test_models.h"
#include "tinyml/runtime/memory_plan.h"
#include "tinyml/dsp/spectral_features.h"
#include "train/package_writer.h"
#include "train/quantizer.h"

namespace lwcl::tinyml {
namespace {

// Package bytes plus the view into them (the view must not outlive them).
struct Loaded {
  train::FloatModel model;
  train::QuantizedModel quantized;
  std::vector<uint8_t> bytes;
  PackageView view;
};

void Load(const train::FloatModel& model, const std::vector<std::vector<float>>& calibration,
          Loaded* out) {
  out->model = model;
  out->quantized = train::QuantizeModel(model, calibration);
  out->bytes = train::WritePackage(model, out->quantized);
  ASSERT_EQ(ReadPackage(Span<const uint8_t>(out->bytes.data(), out->bytes.size()), &out->view),
            Status::kOk);
}

using testing::AlignedBuffer;

std::vector<float> Sine(size_t samples, size_t axes, float amplitude, float hz, float rate) {
  std::vector<float> w(samples * axes);
  for (size_t s = 0; s < samples; ++s) {
    for (size_t a = 0; a < axes; ++a) {
      w[s * axes + a] = amplitude * std::sin(6.2831853f * hz * static_cast<float>(s) / rate +
                                             static_cast<float>(a));
    }
  }
  return w;
}

std::vector<float> Noise(size_t n, float amplitude, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-amplitude, amplitude);
  std::vector<float> w(n);
  for (float& v : w) v = u(rng);
  return w;
}

std::vector<float> Features(const SpectralConfig& dsp, const std::vector<float>& window) {
  std::vector<float> scratch(SpectralScratchFloats(dsp));
  std::vector<float> features(SpectralFeatureCount(dsp));
  EXPECT_EQ(ComputeSpectralFeatures(dsp, Span<const float>(window.data(), window.size()),
                                    Span<float>(scratch.data(), scratch.size()),
                                    Span<float>(features.data(), features.size())),
            Status::kOk);
  return features;
}

// A hand-built detector: "moving" when the RMS (feature 0) is high.
train::FloatModel StillOrMoving(const std::vector<std::vector<float>>& training_features) {
  train::FloatModel m;
  m.name = "still-or-moving";
  m.version = "0.0.1";
  m.labels = {"still", "moving"};
  m.dsp = testing::SmallDsp();
  m.stride_samples = 8;
  const size_t n = SpectralFeatureCount(m.dsp);
  m.feature_mean.assign(n, 0.0f);
  m.feature_std.assign(n, 0.0f);
  for (const auto& f : training_features) {
    for (size_t i = 0; i < n; ++i)
      m.feature_mean[i] += f[i] / static_cast<float>(training_features.size());
  }
  for (const auto& f : training_features) {
    for (size_t i = 0; i < n; ++i) {
      const float d = f[i] - m.feature_mean[i];
      m.feature_std[i] += d * d / static_cast<float>(training_features.size());
    }
  }
  for (float& s : m.feature_std) s = std::max(std::sqrt(s), 1e-3f);
  train::FloatLayer layer;
  layer.in = static_cast<int>(n);
  layer.out = 2;
  layer.weights.assign(2 * n, 0.0f);
  layer.weights[0] = -4.0f;  // still: low RMS
  layer.weights[n] = 4.0f;   // moving: high RMS
  layer.bias = {0.0f, 0.0f};
  layer.activation = train::Activation::kSoftmax;
  m.layers.push_back(layer);
  m.centroids.assign(2 * n, 0.0f);
  m.anomaly_radius = 3.0f;
  return m;
}

TEST(Classifier, DetectsMotionWithAHandBuiltModel) {
  std::mt19937 rng(1);
  const SpectralConfig dsp = testing::SmallDsp();
  std::vector<std::vector<float>> windows;
  for (int i = 0; i < 20; ++i) windows.push_back(Noise(16, 0.02f, rng));
  for (int i = 0; i < 20; ++i) {
    windows.push_back(Sine(16, 1, 0.5f + 0.05f * static_cast<float>(i),
                           2.0f + 0.1f * static_cast<float>(i), 16.0f));
  }
  std::vector<std::vector<float>> features;
  for (const auto& w : windows) features.push_back(Features(dsp, w));
  Loaded pkg;
  ASSERT_NO_FATAL_FAILURE(Load(StillOrMoving(features), features, &pkg));

  AlignedBuffer arena(RequiredArenaBytes(pkg.view));
  Classifier c;
  ASSERT_EQ(c.Init(pkg.view, Span<uint8_t>(arena.data(), RequiredArenaBytes(pkg.view))),
            Status::kOk);
  Result r;
  const std::vector<float> still = Noise(16, 0.01f, rng);
  ASSERT_EQ(c.ClassifyWindow(Span<const float>(still.data(), still.size()), &r), Status::kOk);
  EXPECT_EQ(r.label, 0u);
  EXPECT_GT(r.confidence, 0.9f);
  const std::vector<float> moving = Sine(16, 1, 1.0f, 3.0f, 16.0f);
  ASSERT_EQ(c.ClassifyWindow(Span<const float>(moving.data(), moving.size()), &r), Status::kOk);
  EXPECT_EQ(r.label, 1u);
  EXPECT_GT(r.confidence, 0.9f);
  EXPECT_EQ(r.probabilities.size, 2u);
  EXPECT_NEAR(r.probabilities[0] + r.probabilities[1], 1.0f, 1e-5f);
  EXPECT_EQ(c.result().label, 1u);
  EXPECT_GT(r.anomaly, 0.0f);

  // The features it exposes are the normalised DSP output.
  const std::vector<float> raw = Features(dsp, moving);
  ASSERT_EQ(c.features().size, raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    EXPECT_FLOAT_EQ(c.features()[i],
                    (raw[i] - pkg.model.feature_mean[i]) / pkg.model.feature_std[i]);
  }
  EXPECT_EQ(c.logits().size, 2u);
  EXPECT_GT(c.logits()[1], c.logits()[0]);
}

TEST(Classifier, StreamsWindowsEveryStride) {
  Loaded pkg;
  const train::FloatModel m = testing::RandomModel(3, testing::SmallDsp(), {6}, 3);
  ASSERT_NO_FATAL_FAILURE(Load(m, testing::RandomInputs(m, 32, 4), &pkg));
  AlignedBuffer arena(RequiredArenaBytes(pkg.view));
  Classifier c;
  ASSERT_EQ(c.Init(pkg.view, Span<uint8_t>(arena.data(), RequiredArenaBytes(pkg.view))),
            Status::kOk);
  std::vector<int> ready_at;
  std::vector<float> history;
  Result direct;
  for (int i = 0; i < 40; ++i) {
    const float sample = std::sin(0.7f * static_cast<float>(i));
    history.push_back(sample);
    if (c.PushSample(Span<const float>(&sample, 1))) {
      ready_at.push_back(i + 1);
      const Result streamed = c.result();
      // The same window classified directly gives the same answer.
      const std::vector<float> window(history.end() - 16, history.end());
      Classifier other;
      AlignedBuffer arena2(RequiredArenaBytes(pkg.view));
      ASSERT_EQ(other.Init(pkg.view, Span<uint8_t>(arena2.data(), RequiredArenaBytes(pkg.view))),
                Status::kOk);
      ASSERT_EQ(other.ClassifyWindow(Span<const float>(window.data(), window.size()), &direct),
                Status::kOk);
      EXPECT_EQ(direct.label, streamed.label);
      EXPECT_EQ(direct.confidence, streamed.confidence);
    }
  }
  EXPECT_EQ(ready_at, (std::vector<int>{16, 24, 32, 40}));
}

TEST(Classifier, MatchesTheHostInt8ReferenceBitForBit) {
  const train::FloatModel m = testing::RandomModel(5, testing::MotionDsp(), {32, 16}, 3);
  Loaded pkg;
  ASSERT_NO_FATAL_FAILURE(Load(m, testing::RandomInputs(m, 200, 6), &pkg));
  AlignedBuffer arena(RequiredArenaBytes(pkg.view));
  Classifier c;
  ASSERT_EQ(c.Init(pkg.view, Span<uint8_t>(arena.data(), RequiredArenaBytes(pkg.view))),
            Status::kOk);
  for (const auto& x : testing::RandomInputs(m, 100, 7)) {
    Result r;
    ASSERT_EQ(c.ClassifyFeatures(Span<const float>(x.data(), x.size()), &r), Status::kOk);
    std::vector<float> logits;
    const std::vector<float> want = train::QuantizedForward(m, pkg.quantized, x, &logits);
    for (size_t k = 0; k < want.size(); ++k) {
      ASSERT_EQ(c.logits()[k], logits[k]);
      ASSERT_EQ(r.probabilities[k], want[k]);
    }
  }
}

}  // namespace
}  // namespace lwcl::tinyml
