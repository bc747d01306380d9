// Teaching a new pattern on the device (Teach Label /33651/0/14, learning
// mode 2): a label the model lacks becomes a new class and a new /33650
// instance; the next windows are kept labelled with it and the head learns
// it, with replay, by itself; the old classes keep their accuracy. Refusals
// (mode, the label limit, a wrong type) change nothing, and Reset to
// Baseline takes the taught class away again.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "scored_stream.h"

namespace lwcl::device {
namespace {

using lwm2m::CoapCode;
using testing::Rec;
using testing::ScoredStream;

// The script with the new pattern in it.
const std::vector<std::pair<std::string, double>>& NewScript() {
  static const std::vector<std::pair<std::string, double>> s = {
      {"wave", 5}, {"idle", 7}, {"circle", 6}, {"shake", 4}, {"idle", 3}};
  return s;
}

// Accuracy per true class over `seconds` of NewScript, windows inside one motion.
std::map<std::string, testing::Accuracy> PlayNew(PatternDetectorApp& app, double seconds, uint32_t seed) {
  testing::ScriptedSource source(NewScript(), /*loop=*/true, seed);
  std::map<std::string, testing::Accuracy> acc;
  const uint64_t n = app.detector().package().dsp.window_samples;
  uint64_t seen = app.detector().classifications();
  Sample s;
  for (uint64_t i = 0; i < static_cast<uint64_t>(seconds * 26); ++i) {
    source.Next(&s);
    app.Push(s);
    if (app.detector().classifications() == seen) continue;
    seen = app.detector().classifications();
    const std::string truth = testing::ScriptTruthAt(NewScript(), i);
    if (i + 1 < n || testing::ScriptTruthAt(NewScript(), i + 1 - n) != truth) continue;
    testing::Accuracy& a = acc[truth];
    ++a.total;
    a.right += app.detector().labels()[app.detector().last_result().label] == truth;
  }
  return acc;
}

double OldClasses(const std::map<std::string, testing::Accuracy>& acc) {
  testing::Accuracy old;
  for (const auto& [label, a] : acc) {
    if (label == "circle") continue;
    old.right += a.right;
    old.total += a.total;
  }
  return old.value();
}

lwm2m::CoapCode Teach(ScoredStream& s, lwm2m::Value label) {
  return s.app.inference().Write(0, Rec(33651, 0, MlInferenceObject::kTeachLabel, std::move(label)));
}

TEST(TeachLabelTest, ANewPatternIsLearnedFromTwentyWindowsAndTheOldOnesStay) {
  ScoredStream s(MlInferenceObject::kFineTuning);
  s.Play("", 120);  // the replay buffer fills from confident windows
  const std::map<std::string, testing::Accuracy> before = PlayNew(s.app, 120, 11);
  ASSERT_GT(before.at("circle").total, 20);
  EXPECT_EQ(before.at("circle").right, 0) << "the model has no circle class";
  (void)s.app.TakeObjectListChanged();

  ASSERT_EQ(Teach(s, std::string("circle")), CoapCode::kChanged);
  EXPECT_EQ(s.app.detector().labels().size(), 4u);
  EXPECT_EQ(s.app.detector_object().Instances().size(), 4u) << "a /33650 instance for the new pattern";
  EXPECT_TRUE(s.app.TakeObjectListChanged()) << "the client sends a Registration Update";
  EXPECT_EQ(s.app.inference().teach_label(), "circle");

  // The person performs the new pattern until the device has its windows.
  testing::ScriptedSource circle({{"circle", 120}}, false, 5);
  Sample smp;
  for (int k = 0; k < 26 * 60 && s.updates() == 0; ++k) {
    ASSERT_TRUE(circle.Next(&smp));
    s.app.Push(smp);
  }
  ASSERT_EQ(s.updates(), 1u) << "teaching ends in a fine-tuning";
  EXPECT_EQ(s.app.inference().teach_label(), "") << "teaching is over";
  EXPECT_EQ(s.app.capture().buffer().labelled(), 20u);
  int shown = 0;  // /33652 instances that show the taught label
  for (uint16_t iid : s.app.training_samples().Instances()) {
    shown += std::get<std::string>(*s.app.training_samples().Get(iid, TrainingSampleObject::kAssignedLabel)) == "circle";
  }
  EXPECT_EQ(shown, 20);

  const std::map<std::string, testing::Accuracy> after = PlayNew(s.app, 120, 11);
  std::printf("new pattern: %.3f (%d windows); old classes before %.3f, after %.3f\n", after.at("circle").value(),
              after.at("circle").total, OldClasses(before), OldClasses(after));
  EXPECT_GE(after.at("circle").value(), 0.9);
  EXPECT_GE(OldClasses(after), OldClasses(before) - 0.02);
  EXPECT_TRUE(s.app.detector_object().Get(3, 2002).has_value()) << "the new instance names its pattern";

  // Reset to Baseline: the taught class goes, its samples lose their label.
  ASSERT_EQ(s.Execute(MlInferenceObject::kResetToBaseline), CoapCode::kChanged);
  EXPECT_EQ(s.app.detector().labels().size(), 3u);
  EXPECT_EQ(s.app.detector_object().Instances().size(), 3u);
  EXPECT_EQ(s.app.capture().buffer().labelled(), 0u);
}

TEST(TeachLabelTest, RefusalsChangeNothing) {
  ScoredStream off(MlInferenceObject::kLearningOff);
  EXPECT_EQ(Teach(off, std::string("circle")), CoapCode::kBadRequest) << "teaching needs learning mode 2";
  EXPECT_EQ(off.app.detector().labels().size(), 3u);

  ScoredStream s(MlInferenceObject::kFineTuning);
  EXPECT_EQ(Teach(s, int64_t{3}), CoapCode::kBadRequest) << "a label is a string";
  ASSERT_EQ(Teach(s, std::string("wave")), CoapCode::kChanged) << "more windows of a known class";
  EXPECT_EQ(s.app.detector().labels().size(), 3u);
  ASSERT_EQ(Teach(s, std::string("circle")), CoapCode::kChanged);
  ASSERT_EQ(Teach(s, std::string("tap")), CoapCode::kChanged);
  EXPECT_EQ(Teach(s, std::string("figure8")), CoapCode::kBadRequest) << "the label limit: two taught classes";
  EXPECT_EQ(s.app.detector().labels().size(), 5u);
  EXPECT_EQ(s.app.inference().teach_label(), "tap") << "the refused write left the label in force";
  ASSERT_EQ(Teach(s, std::string("")), CoapCode::kChanged) << "empty stops teaching";
  EXPECT_EQ(s.app.inference().teach_label(), "");
  // A sample labelled with a taught class is accepted; an unknown one is not.
  s.Play("", 30);
  ASSERT_EQ(s.app.inference().Write(0, Rec(33651, 0, MlInferenceObject::kCaptureThreshold, 1.0)), CoapCode::kChanged);
  s.Play("", 10);
  const std::vector<uint16_t> ids = s.app.training_samples().Instances();
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(s.app.training_samples().Write(ids[0], Rec(33652, ids[0], TrainingSampleObject::kAssignedLabel,
                                                       std::string("tap"))),
            CoapCode::kChanged);
  EXPECT_EQ(s.app.training_samples().Write(ids[0], Rec(33652, ids[0], TrainingSampleObject::kAssignedLabel,
                                                       std::string("figure8"))),
            CoapCode::kBadRequest);
}

}  // namespace
}  // namespace lwcl::device
