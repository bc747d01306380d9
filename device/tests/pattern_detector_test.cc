#include "device/pattern_detector.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/registry.h"
#include "device/drift.h"
#include "device/pattern_detector_app.h"
#include "synthetic_motion.h"

namespace lwcl::device {
namespace {

using testing::MotionPackage;
using testing::ScriptedSource;

struct Event {
  std::string label;
  bool active;
  friend bool operator==(const Event&, const Event&) = default;
};

TEST(IdleLabelTest, KnowsTheNoMotionNames) {
  EXPECT_TRUE(IsIdleLabel("idle"));
  EXPECT_TRUE(IsIdleLabel("Idle"));
  EXPECT_TRUE(IsIdleLabel("No Motion"));
  EXPECT_TRUE(IsIdleLabel("still"));
  EXPECT_TRUE(IsIdleLabel("rest_pose", "rest_pose"));
  EXPECT_FALSE(IsIdleLabel("wave"));
}

TEST(PatternDetectorTest, RefusesGarbageAndKeepsNoModel) {
  PatternDetector d;
  const std::vector<uint8_t> junk(100, 0x42);
  std::string error;
  EXPECT_FALSE(d.LoadModel(junk, &error));
  EXPECT_FALSE(d.loaded());
  EXPECT_NE(error.find("refused"), std::string::npos) << error;
}

TEST(PatternDetectorTest, CountsEachHeldGestureOnceAndNeverIdle) {
  PatternDetector d;
  std::string error;
  ASSERT_TRUE(d.LoadModel(MotionPackage(), &error)) << error;
  ASSERT_EQ(d.labels(), (std::vector<std::string>{"idle", "shake", "wave"}));
  EXPECT_TRUE(d.is_idle(0));
  EXPECT_GT(d.arena_bytes(), 0u);
  EXPECT_EQ(d.model_name(), "motion");
  EXPECT_EQ(d.model_version(), "1.0.0");

  std::vector<Event> events;
  d.SetListener([&](size_t label, bool active) { events.push_back({d.labels()[label], active}); });
  ScriptedSource src({{"idle", 6}, {"wave", 6}, {"idle", 6}, {"wave", 6}, {"idle", 6}, {"shake", 6}, {"idle", 6}});
  Sample s;
  // Between the gestures the detector must be off; within them on.
  std::vector<std::string> active_at_segment_end;
  std::string last_truth;
  std::optional<size_t> last_active;
  while (src.Next(&s)) {
    const std::string truth(src.truth());
    if (!last_truth.empty() && truth != last_truth) {
      active_at_segment_end.push_back(last_active ? d.labels()[*last_active] : "-");
    }
    last_truth = truth;
    d.Push(s);
    last_active = d.active();
  }
  active_at_segment_end.push_back(d.active() ? d.labels()[*d.active()] : "-");

  EXPECT_EQ(d.count(0), 0u);  // idle never counts
  EXPECT_EQ(d.count(1), 1u);  // one shake
  EXPECT_EQ(d.count(2), 2u);  // two waves
  EXPECT_EQ(d.total_detections(), 3u);
  EXPECT_EQ(events, (std::vector<Event>{{"wave", true},
                                        {"wave", false},
                                        {"wave", true},
                                        {"wave", false},
                                        {"shake", true},
                                        {"shake", false}}));
  EXPECT_EQ(active_at_segment_end, (std::vector<std::string>{"-", "wave", "-", "wave", "-", "shake", "-"}));
  // 42 s at 26 Hz, window 52, stride 13.
  EXPECT_EQ(d.classifications(), (42u * 26u - 52u) / 13u + 1u);
  EXPECT_GT(d.mean_confidence(), 0.6);
  EXPECT_LE(d.mean_confidence(), 1.0);
}

// A 0.6 s burst of shake inside rest touches at most 5 windows (2 s long,
// 0.5 s apart): with confirm_windows 6 it is never a detection; with the
// default 2 it is exactly one.
TEST(PatternDetectorTest, ConfirmWindowsFilterShortBursts) {
  auto detections = [](int confirm) {
    DetectorOptions o;
    o.confirm_windows = confirm;
    PatternDetector d(o);
    std::string error;
    EXPECT_TRUE(d.LoadModel(MotionPackage(), &error)) << error;
    ScriptedSource src({{"idle", 6}, {"shake", 0.6}, {"idle", 6}});
    Sample s;
    while (src.Next(&s)) d.Push(s);
    return d.total_detections();
  };
  EXPECT_EQ(detections(6), 0u);
  EXPECT_EQ(detections(2), 1u);
}

TEST(PatternDetectorTest, HighThresholdSuppressesDetections) {
  DetectorOptions o;
  o.threshold = 1.01f;  // no window can be that sure
  PatternDetector d(o);
  std::string error;
  ASSERT_TRUE(d.LoadModel(MotionPackage(), &error)) << error;
  ScriptedSource src({{"wave", 8}, {"shake", 8}});
  Sample s;
  while (src.Next(&s)) d.Push(s);
  EXPECT_EQ(d.total_detections(), 0u);
  EXPECT_GT(d.classifications(), 0u);
}

TEST(PatternDetectorAppTest, ObjectsFollowDetections) {
  PatternDetectorApp app;
  client::Registry registry;
  std::string error;
  ASSERT_TRUE(app.LoadModel(MotionPackage(), &error)) << error;
  app.Attach(registry);
  EXPECT_TRUE(app.TakeObjectListChanged());
  EXPECT_FALSE(app.TakeObjectListChanged());

  auto state = [&](uint16_t iid) {
    return std::get<bool>(*app.detector_object().Get(iid, PatternDetectorObject::kDetectorState));
  };
  auto counter = [&](uint16_t iid) {
    return std::get<int64_t>(*app.detector_object().Get(iid, PatternDetectorObject::kDetectorCounter));
  };
  EXPECT_EQ(app.detector_object().Instances(), (std::vector<uint16_t>{0, 1, 2}));
  EXPECT_EQ(std::get<std::string>(*app.detector_object().Get(2, PatternDetectorObject::kPatternName)), "wave");

  ScriptedSource src({{"idle", 5}, {"wave", 6}});
  Sample s;
  while (src.Next(&s)) app.Push(s);
  EXPECT_TRUE(state(2));
  EXPECT_FALSE(state(0));
  EXPECT_EQ(counter(2), 1);
  EXPECT_EQ(counter(1), 0);
  EXPECT_TRUE(app.led().on());
  EXPECT_EQ(app.led().colour(), ColourFor("wave"));
  EXPECT_EQ(std::get<bool>(*app.led().Get(0, PatternLed::kOnOff)), true);

  ScriptedSource rest({{"idle", 5}});
  while (rest.Next(&s)) app.Push(s);
  EXPECT_FALSE(state(2));
  EXPECT_EQ(counter(2), 1);
  EXPECT_FALSE(app.led().on());
  EXPECT_EQ(std::get<bool>(*app.led().Get(0, PatternLed::kOnOff)), false);

  // /33651 and /3313 follow the stream.
  const auto count = std::get<int64_t>(*app.inference().Get(0, MlInferenceObject::kClassificationCount));
  EXPECT_EQ(static_cast<uint64_t>(count), app.detector().classifications());
  EXPECT_EQ(std::get<int64_t>(*app.inference().Get(0, MlInferenceObject::kWindowLength)), 52);
  EXPECT_EQ(std::get<int64_t>(*app.inference().Get(0, MlInferenceObject::kWindowStride)), 13);
  EXPECT_EQ(std::get<std::string>(*app.inference().Get(0, MlInferenceObject::kModelName)), "motion");
  const double z = std::get<double>(*app.accelerometer().Get(0, AccelerometerObject::kZValue));
  EXPECT_NEAR(z, 9.80665, 0.5);
}

TEST(PatternDetectorAppTest, InstancesFollowTheLabelSet) {
  PatternDetectorApp app;
  client::Registry registry;
  app.Attach(registry);
  std::string error;
  ASSERT_TRUE(app.LoadModel(MotionPackage(), &error)) << error;
  app.TakeObjectListChanged();
  ScriptedSource src({{"idle", 4}, {"wave", 6}});
  Sample s;
  while (src.Next(&s)) app.Push(s);
  ASSERT_EQ(app.detector().total_detections(), 1u);

  const std::vector<uint8_t> four = testing::TrainPackage({"circle", "idle", "shake", "wave"}, "motion4");
  ASSERT_TRUE(app.LoadModel(four, &error)) << error;
  EXPECT_TRUE(app.TakeObjectListChanged());
  EXPECT_EQ(app.detector_object().Instances(), (std::vector<uint16_t>{0, 1, 2, 3}));
  const char* names[] = {"circle", "idle", "shake", "wave"};
  for (uint16_t i = 0; i < 4; ++i) {
    EXPECT_EQ(std::get<std::string>(*app.detector_object().Get(i, PatternDetectorObject::kPatternName)), names[i]);
    EXPECT_EQ(std::get<int64_t>(*app.detector_object().Get(i, PatternDetectorObject::kDetectorCounter)), 0);
    EXPECT_FALSE(std::get<bool>(*app.detector_object().Get(i, PatternDetectorObject::kDetectorState)));
  }
  EXPECT_FALSE(app.led().on());

  // Back to three labels: instance 3 goes.
  ASSERT_TRUE(app.LoadModel(MotionPackage(), &error)) << error;
  EXPECT_TRUE(app.TakeObjectListChanged());
  EXPECT_EQ(app.detector_object().Instances(), (std::vector<uint16_t>{0, 1, 2}));

  // A refused package keeps the model and its instances.
  const std::vector<uint8_t> junk(64, 1);
  EXPECT_FALSE(app.LoadModel(junk, &error));
  EXPECT_FALSE(app.TakeObjectListChanged());
  EXPECT_EQ(app.detector().labels().size(), 3u);
}

// The drift score /33651/0/7 after `seconds` of the patterns the model was
// trained on (idle, shake and wave from synthetic_motion.h) with `drift`
// applied to every reading.
struct DriftRun {
  double score = 0;
  double max_score = 0;
  uint64_t drifted = 0;
};
DriftRun RunWithDrift(const std::string& drift, double seconds) {
  PatternDetectorApp app;
  std::string error;
  EXPECT_TRUE(app.LoadModel(MotionPackage(), &error)) << error;
  DriftSchedule schedule;
  if (!drift.empty()) {
    EXPECT_TRUE(ParseDriftSpec(drift, &schedule, &error)) << error;
  }
  ScriptedSource source({{"wave", 5}, {"idle", 7}, {"shake", 4}, {"idle", 3}}, /*loop=*/true, 9);
  DriftRun run;
  Sample s;
  for (int i = 0; i < static_cast<int>(seconds * 26); ++i) {
    source.Next(&s);
    app.Push(ApplyDrift(EvaluateDrift(schedule, i / 26.0, 26.0f), s));
    if (i > 26 * 60) {  // after the first minute (the monitor remembers ~50 s)
      const double d = std::get<double>(*app.inference().Get(0, MlInferenceObject::kDriftScore));
      run.max_score = std::max(run.max_score, d);
    }
  }
  run.score = std::get<double>(*app.inference().Get(0, MlInferenceObject::kDriftScore));
  run.drifted = app.inference().drifted_windows();
  return run;
}

TEST(PatternDetectorAppTest, DriftScoreRisesWithASensorFaultNotWithTheGestureMix) {
  const DriftRun clean = RunWithDrift("", 180);
  const DriftRun rotated = RunWithDrift("rotate:x=70@0", 180);
  const DriftRun gain = RunWithDrift("gain:all=1.6@0", 180);
  const DriftRun bias = RunWithDrift("bias:x=0.3@0", 180);
  std::printf("drift score: clean %.3f (max %.3f), rotated %.3f, gain %.3f, bias %.3f\n", clean.score,
              clean.max_score, rotated.score, gain.score, bias.score);
  EXPECT_LT(clean.max_score, MlInferenceObject::kDefaultDriftThreshold) << "gestures changing is not drift";
  EXPECT_GT(rotated.score, 1.3 * MlInferenceObject::kDefaultDriftThreshold);
  EXPECT_GT(gain.score, 1.6 * MlInferenceObject::kDefaultDriftThreshold);
  EXPECT_GT(rotated.drifted, 250u) << "most of the 360 windows of a re-mounted sensor count as drifted";
  EXPECT_EQ(clean.drifted, 0u);
  // The spectral block removes each axis's mean: a constant bias neither hurts nor shows.
  EXPECT_LT(bias.max_score, MlInferenceObject::kDefaultDriftThreshold);
}

TEST(PatternDetectorAppTest, DriftThresholdIsWritableWithinReason) {
  PatternDetectorApp app;
  MlInferenceObject& o = app.inference();
  EXPECT_DOUBLE_EQ(o.drift_threshold(), MlInferenceObject::kDefaultDriftThreshold);
  lwm2m::Record r;
  r.path = lwm2m::Path::Resource(MlInferenceObject::kObjectId, 0, MlInferenceObject::kDriftThreshold);
  r.value = 2.5;
  EXPECT_EQ(o.Write(0, r), lwm2m::CoapCode::kChanged);
  EXPECT_DOUBLE_EQ(o.drift_threshold(), 2.5);
  r.value = -1.0;
  EXPECT_EQ(o.Write(0, r), lwm2m::CoapCode::kBadRequest);
  r.value = std::string("high");
  EXPECT_EQ(o.Write(0, r), lwm2m::CoapCode::kBadRequest);
  EXPECT_DOUBLE_EQ(o.drift_threshold(), 2.5) << "a refused write changes nothing";
}

}  // namespace
}  // namespace lwcl::device
