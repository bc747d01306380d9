// Classifier: the interpreter's own contract, on trainer-free int8 test
// models: the arena it states is the arena it uses, what it refuses to run,
// and normalisation overrides. Its agreement with the trainer's int8
// reference is train/tests/classifier_agreement_test.cc.
#include "tinyml/runtime/classifier.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "aligned_buffer.h"
#include "int8_test_models.h"
#include "tinyml/dsp/spectral_features.h"
#include "tinyml/learn/head_tuner.h"
#include "tinyml/runtime/memory_plan.h"

namespace lwcl::tinyml {
namespace {

using testing::AlignedBuffer;

// A test model, its package bytes and the view into them.
struct Loaded {
  testing::Int8TestModel model;
  std::vector<uint8_t> bytes;
  PackageView view;
};

void Load(testing::Int8TestModel model, Loaded* out) {
  out->model = std::move(model);
  out->bytes = out->model.Bytes();
  ASSERT_FALSE(out->bytes.empty());
  ASSERT_EQ(ReadPackage(Span<const uint8_t>(out->bytes.data(), out->bytes.size()), &out->view),
            Status::kOk);
}

std::vector<float> Noise(size_t n, float amplitude, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-amplitude, amplitude);
  std::vector<float> w(n);
  for (float& v : w) v = u(rng);
  return w;
}

TEST(Classifier, UsesExactlyRequiredArenaBytes) {
  Loaded pkg;
  ASSERT_NO_FATAL_FAILURE(Load(testing::RandomInt8Model(8, testing::MotionDsp(), {32, 16}, 3), &pkg));
  const size_t need = RequiredArenaBytes(pkg.view);
  const SpectralConfig& dsp = pkg.view.dsp;
  EXPECT_EQ(need, 4 * (52 * 3 + SpectralScratchFloats(dsp) + 39 + 3 + 3) + 2 * 39);

  constexpr size_t kGuard = 256;
  AlignedBuffer arena(need + kGuard);
  std::memset(arena.data(), 0xA5, need + kGuard);
  Classifier c;
  EXPECT_EQ(c.Init(pkg.view, Span<uint8_t>(arena.data(), need - 1)), Status::kArenaTooSmall);
  EXPECT_EQ(c.Init(pkg.view, Span<uint8_t>(arena.data() + 1, need)), Status::kInvalidArgument);
  ASSERT_EQ(c.Init(pkg.view, Span<uint8_t>(arena.data(), need)), Status::kOk);
  std::mt19937 rng(10);
  const std::vector<float> stream = Noise(52 * 3 * 6, 1.5f, rng);
  int results = 0;
  for (size_t s = 0; s + 3 <= stream.size(); s += 3) {
    if (c.PushSample(Span<const float>(stream.data() + s, 3))) ++results;
  }
  EXPECT_GT(results, 3);
  for (size_t i = need; i < need + kGuard; ++i) {
    ASSERT_EQ(arena.data()[i], 0xA5) << "byte " << i - need << " past the arena was written";
  }
}

// Room for classes taught on the device: the plan widens the logits and the
// probabilities, and a head with one more output runs only in an arena
// planned for it.
TEST(Classifier, RunsAHeadWithATaughtClassWhenItsArenaHasRoom) {
  Loaded pkg;
  ASSERT_NO_FATAL_FAILURE(Load(testing::RandomInt8Model(8, testing::MotionDsp(), {32, 16}, 3), &pkg));
  const size_t need = RequiredArenaBytes(pkg.view);
  EXPECT_EQ(RequiredArenaBytes(pkg.view, 2), need + 2 * 2 * sizeof(float));
  const LayerView& last = pkg.view.layers[pkg.view.layer_count - 1];
  std::vector<uint32_t> tuner_arena(HeadTuner::ArenaBytes(last, 0, 1, 1) / 4 + 1);
  HeadTuner tuner;
  ASSERT_EQ(tuner.Init(last, {reinterpret_cast<uint8_t*>(tuner_arena.data()), tuner_arena.size() * 4}, 0, 1, 1),
            Status::kOk);

  AlignedBuffer arena(RequiredArenaBytes(pkg.view, 1));
  Classifier c;
  ASSERT_EQ(c.Init(pkg.view, Span<uint8_t>(arena.data(), RequiredArenaBytes(pkg.view, 1)), 1), Status::kOk);
  std::mt19937 rng(3);
  const std::vector<float> raw = Noise(39, 1.0f, rng);
  Result r;
  ASSERT_EQ(c.ClassifyFeatures(Span<const float>(raw.data(), raw.size()), &r), Status::kOk);
  EXPECT_EQ(r.probabilities.size, 3u);
  ASSERT_EQ(tuner.AddOutput(), Status::kOk);
  ASSERT_EQ(tuner.AddFresh(c.head_input(), 3), Status::kOk);
  ASSERT_EQ(tuner.Train({.learning_rate = 0.5f, .epochs = 50}), Status::kOk);
  ASSERT_EQ(tuner.head().out, 4u);

  AlignedBuffer small(need);
  Classifier no_room;
  ASSERT_EQ(no_room.Init(pkg.view, Span<uint8_t>(small.data(), need)), Status::kOk);
  EXPECT_EQ(no_room.SetHead(&tuner.head()), Status::kInvalidArgument) << "no class planned beyond the package's";

  ASSERT_EQ(c.SetHead(&tuner.head()), Status::kOk);
  ASSERT_EQ(c.ClassifyFeatures(Span<const float>(raw.data(), raw.size()), &r), Status::kOk);
  ASSERT_EQ(r.probabilities.size, 4u);
  EXPECT_EQ(r.label, 3u) << "the one example it was taught on";
  float sum = 0.0f;
  for (size_t k = 0; k < 4; ++k) sum += r.probabilities[k];
  EXPECT_NEAR(sum, 1.0f, 1e-5f);
  ASSERT_EQ(c.SetHead(nullptr), Status::kOk);
  ASSERT_EQ(c.ClassifyFeatures(Span<const float>(raw.data(), raw.size()), &r), Status::kOk);
  EXPECT_EQ(r.probabilities.size, 3u);
}

TEST(Classifier, RefusesWhatItCannotRun) {
  Loaded pkg;
  ASSERT_NO_FATAL_FAILURE(Load(testing::RandomInt8Model(11, testing::SmallDsp(), {4}, 2), &pkg));
  Classifier c;
  Result r;
  const std::vector<float> window(16, 0.0f);
  EXPECT_EQ(c.ClassifyWindow(Span<const float>(window.data(), window.size()), &r),
            Status::kNotReady);
  EXPECT_FALSE(c.PushSample(Span<const float>(window.data(), 1)));

  AlignedBuffer arena(4096);
  PackageView mismatched = pkg.view;
  mismatched.dsp.fft_length = 32;  // now 17 bins: no longer the package's feature count
  EXPECT_EQ(c.Init(mismatched, Span<uint8_t>(arena.data(), 4096)), Status::kMalformed);
  EXPECT_EQ(RequiredArenaBytes(mismatched), 0u);

  PackageView as_delta = pkg.model.View();
  as_delta.is_delta = true;
  as_delta.base_digest = pkg.view.digest;
  as_delta.layer_mask = 1u << (as_delta.layer_count - 1);
  const std::vector<uint8_t> delta = testing::Int8TestModel::Write(as_delta);
  PackageView delta_view;
  ASSERT_EQ(ReadPackage(Span<const uint8_t>(delta.data(), delta.size()), &delta_view), Status::kOk);
  EXPECT_EQ(c.Init(delta_view, Span<uint8_t>(arena.data(), 4096)), Status::kUnsupported);

  ASSERT_EQ(c.Init(pkg.view, Span<uint8_t>(arena.data(), 4096)), Status::kOk);
  EXPECT_EQ(c.ClassifyWindow(Span<const float>(window.data(), 15), &r), Status::kInvalidArgument);
  EXPECT_EQ(c.ClassifyFeatures(Span<const float>(window.data(), 3), &r), Status::kInvalidArgument);
}

TEST(Classifier, SetNormalizationOverridesThePackage) {
  Loaded pkg;
  ASSERT_NO_FATAL_FAILURE(Load(testing::RandomInt8Model(13, testing::SmallDsp(), {4}, 2), &pkg));
  AlignedBuffer arena(RequiredArenaBytes(pkg.view));
  Classifier c;
  ASSERT_EQ(c.Init(pkg.view, Span<uint8_t>(arena.data(), RequiredArenaBytes(pkg.view))),
            Status::kOk);
  const size_t n = pkg.view.feature_count;
  std::vector<float> raw(n, 1.0f), mean(n, 0.5f), std_dev(n, 2.0f);
  ASSERT_EQ(
      c.SetNormalization(Span<const float>(mean.data(), n), Span<const float>(std_dev.data(), n)),
      Status::kOk);
  Result r;
  ASSERT_EQ(c.ClassifyFeatures(Span<const float>(raw.data(), n), &r), Status::kOk);
  EXPECT_FLOAT_EQ(c.features()[0], 0.25f);
  std_dev[1] = 0.0f;
  EXPECT_EQ(
      c.SetNormalization(Span<const float>(mean.data(), n), Span<const float>(std_dev.data(), n)),
      Status::kInvalidArgument);
  ASSERT_EQ(c.SetNormalization(Span<const float>(), Span<const float>()), Status::kOk);
  ASSERT_EQ(c.ClassifyFeatures(Span<const float>(raw.data(), n), &r), Status::kOk);
  EXPECT_FLOAT_EQ(c.features()[0], (1.0f - pkg.model.feature_mean[0]) / pkg.model.feature_std[0]);
}

}  // namespace
}  // namespace lwcl::tinyml
