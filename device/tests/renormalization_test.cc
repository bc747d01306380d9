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

#include "client/registry.h"
#include "device/drift.h"
#include "device/pattern_detector_app.h"
#include "synthetic_motion.h"

namespace lwcl::device {
namespace {

using lwm2m::CoapCode;
using lwm2m::Path;

// The script and its truth: which motion sample j belongs to.
const std::vector<std::pair<std::string, double>> kScript = {{"wave", 5}, {"idle", 7}, {"shake", 4}, {"idle", 3}};
std::string TruthAt(uint64_t j) {
  double cycle = 0;
  for (const auto& [m, s] : kScript) cycle += s;
  const auto period = static_cast<uint64_t>(cycle * 26);
  uint64_t k = j % period, start = 0;
  for (const auto& [m, s] : kScript) {
    const auto n = static_cast<uint64_t>(s * 26);
    if (k < start + n) return m;
    start += n;
  }
  return "";
}

struct Accuracy {
  int right = 0, total = 0;
  double value() const { return total ? double(right) / total : 0.0; }
};

// Plays `seconds` with `drift`; accuracy over windows that end in [from_s, to_s)
// and lie inside one motion.
struct Stream {
  explicit Stream(int64_t mode) {
    std::string error;
    EXPECT_TRUE(app.LoadModel(testing::MotionPackage(), &error)) << error;
    app.Attach(registry);
    lwm2m::Record r;
    r.path = Path::Resource(33651, 0, MlInferenceObject::kLearningMode);
    r.value = mode;
    EXPECT_EQ(app.inference().Write(0, r), CoapCode::kChanged);
  }
  Accuracy Play(const std::string& drift, double seconds, double from_s, double to_s) {
    DriftSchedule schedule;
    std::string error;
    if (!drift.empty()) {
      EXPECT_TRUE(ParseDriftSpec(drift, &schedule, &error)) << error;
    }
    const uint64_t n = app.detector().package().dsp.window_samples;
    Accuracy acc;
    Sample s;
    for (int k = 0; k < static_cast<int>(seconds * 26); ++k, ++i) {
      source.Next(&s);
      app.Push(ApplyDrift(EvaluateDrift(schedule, static_cast<double>(i) / 26.0, 26.0f), s));
      const double t = static_cast<double>(i) / 26.0;
      if (app.detector().classifications() == seen || t < from_s || t >= to_s) {
        seen = app.detector().classifications();
        continue;
      }
      seen = app.detector().classifications();
      if (i + 1 < n || TruthAt(i + 1 - n) != TruthAt(i)) continue;  // spans two motions
      ++acc.total;
      acc.right += app.detector().labels()[app.detector().last_result().label] == TruthAt(i);
    }
    return acc;
  }
  uint64_t updates() { return static_cast<uint64_t>(std::get<int64_t>(*app.inference().Get(0, 20))); }
  PatternDetectorApp app;
  client::Registry registry;
  testing::ScriptedSource source{kScript, /*loop=*/true, 9};
  uint64_t i = 0;
  uint64_t seen = 0;
};

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
  on.Play("", 40, 0, 0);
  EXPECT_EQ(on.registry.Execute(adapt, ""), CoapCode::kChanged);
  EXPECT_EQ(on.updates(), 1u);
  for (int64_t bad : {-1, 2, 3, 4}) {
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
