// Re-normalisation on the device, measured by the ground truth of a scripted
// stream: a sensor whose gain changed costs the static model accuracy; in
// learning mode 1 the device notices (settled drift above the threshold),
// re-normalises by itself without a label and is back near its clean
// accuracy; Reset to Baseline undoes it; Adapt Now and the mode are refused
// when they cannot work.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "scored_stream.h"

namespace lwcl::device {
namespace {

using lwm2m::CoapCode;
using lwm2m::Path;

using Stream = testing::ScoredStream;
using testing::Accuracy;

// Gains the synthetic model does not shrug off (it is robust to most).
class GainTest : public ::testing::TestWithParam<double> {};

TEST_P(GainTest, AGainErrorIsUndoneWithoutALabel) {
  const double g = GetParam();
  const std::string gain = "gain:all=" + std::to_string(g) + "@120";
  Stream fixed(MlInferenceObject::kLearningOff);
  const Accuracy clean = fixed.Play(gain, 120, 30, 120);
  const Accuracy static_after = fixed.Play(gain, 240, 180, 360);
  Stream learning(MlInferenceObject::kRenormalization);
  learning.Play(gain, 120, 0, 0);
  const Accuracy adapting = learning.Play(gain, 240, 240, 360);
  const PatternDetector& d = learning.app.detector();
  std::vector<double> fitted;
  const size_t per_axis = d.package().feature_count / 3;
  for (size_t axis = 0; axis < 3; ++axis) {
    fitted.push_back(double(d.feature_std()[axis * per_axis] / d.package().feature_std[axis * per_axis]));
  }
  std::printf("gain %.2f: accuracy clean %.3f (%d windows), static %.3f, re-normalised %.3f after %llu "
              "re-normalisations; drift score static %.2f, re-normalised %.2f; fitted gains %.3f %.3f %.3f\n",
              g, clean.value(), clean.total, static_after.value(), adapting.value(),
              static_cast<unsigned long long>(learning.updates()), double(fixed.app.detector().drift_score()),
              double(d.drift_score()), fitted[0], fitted[1], fitted[2]);
  ASSERT_GT(clean.total, 100);
  EXPECT_GT(clean.value(), 0.95);
  EXPECT_LT(static_after.value(), clean.value() - 0.05) << "the gain error hurts the static model";
  EXPECT_GE(learning.updates(), 1u);
  EXPECT_TRUE(d.renormalized());
  EXPECT_GE(adapting.value(), 0.95 * clean.value()) << "back within 95 % of the clean accuracy";
  for (double f : fitted) EXPECT_NEAR(f / g, 1.0, 0.2) << "the sensor's gain, per axis";
  ASSERT_TRUE(d.has_gravity_gauge()) << "the trainer wrote a gravity reference";
  EXPECT_NEAR(double(d.gravity_gain()) / g, 1.0, 0.05) << "gravity, read through the gain";
  EXPECT_LT(d.gravity_score(), 1.0f) << "against the gain in force";
  EXPECT_LT(d.drift_score(), MlInferenceObject::kDefaultDriftThreshold) << "no longer looks drifted";
  EXPECT_EQ(fixed.updates(), 0u) << "mode 0 never adapts";

  // Reset to Baseline: the package's normalisation again, the count back to 0.
  ASSERT_EQ(learning.registry.Execute(Path::Resource(33651, 0, MlInferenceObject::kResetToBaseline), ""),
            CoapCode::kChanged);
  EXPECT_FALSE(d.renormalized());
  EXPECT_EQ(learning.updates(), 0u);
  for (size_t k = 0; k < d.feature_mean().size(); ++k) EXPECT_EQ(d.feature_mean()[k], d.package().feature_mean[k]);
}

INSTANTIATE_TEST_SUITE_P(Gains, GainTest, ::testing::Values(0.2, 6.0));

TEST(RenormalizationTest, AdaptNowAndTheModeRefuseWhatCannotWork) {
  Stream off(MlInferenceObject::kLearningOff);
  const Path adapt = Path::Resource(33651, 0, MlInferenceObject::kAdaptNow);
  EXPECT_EQ(off.registry.Execute(adapt, ""), CoapCode::kBadRequest) << "learning is off";
  Stream on(MlInferenceObject::kRenormalization);
  EXPECT_EQ(on.registry.Execute(adapt, ""), CoapCode::kBadRequest) << "no window seen yet";
  // The gravity gauge needs its still windows (about 69) before it answers.
  on.Play("", 120, 0, 0);
  EXPECT_EQ(on.registry.Execute(adapt, ""), CoapCode::kChanged);
  EXPECT_EQ(on.updates(), 1u);
  for (int64_t bad : {-1, 3, 4}) {
    lwm2m::Record r;
    r.path = Path::Resource(33651, 0, MlInferenceObject::kLearningMode);
    r.value = bad;
    EXPECT_EQ(on.app.inference().Write(0, r), CoapCode::kBadRequest) << bad;
  }
  EXPECT_EQ(on.app.inference().learning_mode(), MlInferenceObject::kRenormalization);

  // The mode a device starts in (lwcl device/fleet --learning-mode).
  AppOptions starts_learning;
  starts_learning.learning_mode = MlInferenceObject::kRenormalization;
  EXPECT_EQ(PatternDetectorApp(starts_learning).inference().learning_mode(), MlInferenceObject::kRenormalization);
  AppOptions unknown;
  unknown.learning_mode = 7;
  EXPECT_EQ(PatternDetectorApp(unknown).inference().learning_mode(), MlInferenceObject::kLearningOff);
}

}  // namespace
}  // namespace lwcl::device
