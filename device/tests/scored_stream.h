// ScoredStream: a device app in a chosen learning mode, fed a looping
// scripted motion stream (wave, idle, shake, idle) under a drift schedule,
// that scores each classified window against the script's ground truth and
// can act as the oracle labeller of the windows it captures. The harness of
// the on-device learning tests (re-normalisation, fine-tuning).
#ifndef LWCL_DEVICE_TESTS_SCORED_STREAM_H_
#define LWCL_DEVICE_TESTS_SCORED_STREAM_H_

#include <gtest/gtest.h>

#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "client/registry.h"
#include "device/drift.h"
#include "device/pattern_detector_app.h"
#include "synthetic_motion.h"

namespace lwcl::device::testing {

inline const std::vector<std::pair<std::string, double>>& StreamScript() {
  static const std::vector<std::pair<std::string, double>> s = {{"wave", 5}, {"idle", 7}, {"shake", 4}, {"idle", 3}};
  return s;
}

inline lwm2m::Record Rec(uint16_t obj, uint16_t iid, uint16_t rid, lwm2m::Value v) {
  lwm2m::Record r;
  r.path = lwm2m::Path::Resource(obj, iid, rid);
  r.value = std::move(v);
  return r;
}

struct ScoredStream {
  explicit ScoredStream(int64_t mode) {
    std::string error;
    EXPECT_TRUE(app.LoadModel(MotionPackage(), &error)) << error;
    app.Attach(registry);
    EXPECT_EQ(app.inference().Write(0, Rec(33651, 0, MlInferenceObject::kLearningMode, mode)),
              lwm2m::CoapCode::kChanged);
  }
  static std::string TruthAt(uint64_t j) { return ScriptTruthAt(StreamScript(), j); }

  // Plays `seconds` under `drift` (a drift spec, "" for none; its clock is
  // the stream's). Scores the windows that end in [from_s, to_s) and lie
  // inside one motion; with `oracle`, labels every newly captured window
  // that lies inside one motion with what was played.
  Accuracy Play(const std::string& drift, double seconds, double from_s = 0.0,
                double to_s = std::numeric_limits<double>::infinity(), bool oracle = false) {
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
      const double t = static_cast<double>(i) / 26.0;
      app.Push(ApplyDrift(EvaluateDrift(schedule, t, 26.0f), s));
      if (app.detector().classifications() == seen) continue;
      seen = app.detector().classifications();
      const bool one_motion = i + 1 >= n && TruthAt(i + 1 - n) == TruthAt(i);
      if (oracle) Label(one_motion);
      if (!one_motion || t < from_s || t >= to_s) continue;
      ++acc.total;
      acc.right += app.detector().labels()[app.detector().last_result().label] == TruthAt(i);
    }
    return acc;
  }
  lwm2m::CoapCode Execute(uint16_t rid) { return registry.Execute(lwm2m::Path::Resource(33651, 0, rid), ""); }
  lwm2m::Value Get(uint16_t rid) { return *app.inference().Get(0, rid); }
  uint64_t updates() { return static_cast<uint64_t>(std::get<int64_t>(Get(MlInferenceObject::kUpdateCount))); }

  PatternDetectorApp app;
  client::Registry registry;
  ScriptedSource source{StreamScript(), /*loop=*/true, 9};
  uint64_t i = 0;
  uint64_t seen = 0;
  std::set<uint16_t> known;  // captured samples already seen by the oracle

 private:
  void Label(bool one_motion) {
    for (uint16_t iid : app.training_samples().Instances()) {
      if (!known.insert(iid).second || !one_motion) continue;
      EXPECT_EQ(app.training_samples().Write(iid, Rec(33652, iid, TrainingSampleObject::kAssignedLabel, TruthAt(i))),
                lwm2m::CoapCode::kChanged);
    }
  }
};

}  // namespace lwcl::device::testing

#endif  // LWCL_DEVICE_TESTS_SCORED_STREAM_H_
