// Head fine-tuning on the device (learning mode 2), measured by the ground
// truth of a scripted stream: under a drift (a re-mounted sensor, which
// re-normalisation cannot undo, or a gain error), the windows a device
// captured and an oracle labelled teach the head,
// with replay of the original classes, and the accuracy on the drifted
// stream that follows recovers; Validation Accuracy, Update Count and Head
// Weight Delta say what happened; Reset to Baseline undoes it; the
// hyper-parameters refuse what is out of range.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "device/head_weight_delta.h"
#include "scored_stream.h"

namespace lwcl::device {
namespace {

using lwm2m::CoapCode;

using Stream = testing::ScoredStream;
using testing::Accuracy;
using testing::Rec;

class DriftTest : public ::testing::TestWithParam<const char*> {};

TEST_P(DriftTest, LabelledWindowsTeachTheHeadBack) {
  const std::string none, drift = GetParam();
  Stream fixed(MlInferenceObject::kLearningOff);
  const Accuracy clean = fixed.Play(none, 120);
  const Accuracy static_drifted = fixed.Play(drift, 120);

  Stream tuning(MlInferenceObject::kFineTuning);
  tuning.Play(none, 120);  // the replay buffer fills from confident clean windows
  const size_t replay = tuning.app.detector().replay_count();
  ASSERT_EQ(tuning.app.inference().Write(0, Rec(33651, 0, MlInferenceObject::kCaptureThreshold, 1.0)),
            CoapCode::kChanged);
  tuning.Play(drift, 60, 0.0, 1e300, /*oracle=*/true);
  const size_t labelled = tuning.app.capture().buffer().labelled();
  ASSERT_EQ(tuning.Execute(MlInferenceObject::kAdaptNow), CoapCode::kChanged);
  const Accuracy tuned = tuning.Play(drift, 120);
  const double validation = std::get<double>(tuning.Get(MlInferenceObject::kValidationAccuracy));
  std::printf("%s: accuracy clean %.3f (%d windows), static %.3f, fine-tuned %.3f (%zu labelled windows, "
              "%zu replayed, validation %.3f)\n",
              GetParam(), clean.value(), clean.total, static_drifted.value(), tuned.value(), labelled, replay,
              validation);
  ASSERT_GT(clean.total, 100);
  EXPECT_LT(static_drifted.value(), clean.value() - 0.05) << "the drift hurts the static model";
  EXPECT_GE(tuned.value(), static_drifted.value() + 0.05);
  EXPECT_GT(validation, 0.0);
  EXPECT_EQ(std::get<int64_t>(tuning.Get(MlInferenceObject::kUpdateCount)), 1);
  EXPECT_TRUE(tuning.app.detector().fine_tuned());

  HeadDelta delta;
  const lwm2m::Opaque bytes = std::get<lwm2m::Opaque>(tuning.Get(MlInferenceObject::kHeadWeightDelta));
  ASSERT_TRUE(DecodeHeadDelta(bytes, &delta));
  EXPECT_EQ(delta.outputs, tuning.app.detector().labels().size());
  EXPECT_GT(delta.examples, 0u);
  double norm = 0.0;
  for (float v : delta.values) norm += double(v) * double(v);
  EXPECT_GT(norm, 0.0) << "the head moved";

  ASSERT_EQ(tuning.Execute(MlInferenceObject::kResetToBaseline), CoapCode::kChanged);
  EXPECT_FALSE(tuning.app.detector().fine_tuned());
  const lwm2m::Opaque reset = std::get<lwm2m::Opaque>(tuning.Get(MlInferenceObject::kHeadWeightDelta));
  ASSERT_TRUE(DecodeHeadDelta(reset, &delta));
  for (float v : delta.values) EXPECT_EQ(v, 0.0f);
}

TEST(FineTuningTest, RefusesWhatCannotWork) {
  Stream s(MlInferenceObject::kFineTuning);
  EXPECT_EQ(s.Execute(MlInferenceObject::kAdaptNow), CoapCode::kBadRequest) << "no labelled window";
  MlInferenceObject& inf = s.app.inference();
  for (const double bad : {0.0, -0.1, 10.5, std::nan("")}) {
    EXPECT_EQ(inf.Write(0, Rec(33651, 0, MlInferenceObject::kLearningRate, bad)), CoapCode::kBadRequest) << bad;
  }
  for (const int64_t bad : {int64_t{0}, int64_t{101}}) {
    EXPECT_EQ(inf.Write(0, Rec(33651, 0, MlInferenceObject::kLearningEpochs, bad)), CoapCode::kBadRequest) << bad;
  }
  for (const int64_t bad : {int64_t{-1}, int64_t{1025}}) {
    EXPECT_EQ(inf.Write(0, Rec(33651, 0, MlInferenceObject::kReplayBufferSize, bad)), CoapCode::kBadRequest) << bad;
  }
  EXPECT_DOUBLE_EQ(inf.learning_rate(), MlInferenceObject::kDefaultLearningRate);
  EXPECT_EQ(inf.learning_epochs(), MlInferenceObject::kDefaultLearningEpochs);
  EXPECT_EQ(inf.replay_buffer_size(), MlInferenceObject::kDefaultReplayBufferSize);
  EXPECT_EQ(inf.Write(0, Rec(33651, 0, MlInferenceObject::kLearningMode, int64_t{3})), CoapCode::kBadRequest);
  // A head delta that does not match its shape or holds a NaN is refused.
  HeadDelta d{.outputs = 2, .inputs = 2, .examples = 1, .values = std::vector<float>(6, 0.5f)};
  std::vector<uint8_t> bytes = EncodeHeadDelta(d);
  HeadDelta back;
  ASSERT_TRUE(DecodeHeadDelta(bytes, &back));
  EXPECT_EQ(back.values, d.values);
  EXPECT_FALSE(DecodeHeadDelta(std::span<const uint8_t>(bytes).first(bytes.size() - 1), &back));
  d.values[3] = std::nanf("");
  EXPECT_FALSE(DecodeHeadDelta(EncodeHeadDelta(d), &back));
}

INSTANTIATE_TEST_SUITE_P(Drifts, DriftTest,
                         ::testing::Values("rotate:y=90@0", "rotate:x=90@0", "gain:all=0.2@0", "gain:all=6@0"));

}  // namespace
}  // namespace lwcl::device
