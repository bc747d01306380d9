// Sample capture on the device: which windows become /33652 Training
// Samples, what they hold (raw features that classify as recorded), labels
// and their refusals, the bounded buffer, and Upload Samples' bookkeeping.
#include "device/sample_capture.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <variant>
#include <vector>

#include "client/registry.h"
#include "device/drift.h"
#include "device/pattern_detector_app.h"
#include "synthetic_motion.h"
#include "tinyml/runtime/memory_plan.h"
#include "tinyml/runtime/classifier.h"

namespace lwcl::device {
namespace {

using lwm2m::CoapCode;
using lwm2m::Path;
using testing::MotionPackage;
using testing::ScriptedSource;

constexpr int64_t kNow = 1'800'000'000;

AppOptions Options(size_t capacity = 8) {
  AppOptions o;
  o.sample_capacity = capacity;
  o.clock = [] { return kNow; };
  return o;
}

// Plays the trained patterns for `seconds` with `drift` on every reading.
void Play(PatternDetectorApp& app, const std::string& drift, double seconds) {
  DriftSchedule schedule;
  std::string error;
  if (!drift.empty()) {
    ASSERT_TRUE(ParseDriftSpec(drift, &schedule, &error)) << error;
  }
  ScriptedSource source({{"wave", 5}, {"idle", 7}, {"shake", 4}, {"idle", 3}}, /*loop=*/true, 9);
  Sample s;
  for (int i = 0; i < static_cast<int>(seconds * 26); ++i) {
    source.Next(&s);
    app.Push(ApplyDrift(EvaluateDrift(schedule, i / 26.0, 26.0f), s));
  }
}

lwm2m::Record Rec(uint16_t obj, uint16_t iid, uint16_t rid, lwm2m::Value v) {
  lwm2m::Record r;
  r.path = Path::Resource(obj, iid, rid);
  r.value = std::move(v);
  return r;
}

int64_t Buffered(PatternDetectorApp& app) {
  return std::get<int64_t>(*app.inference().Get(0, MlInferenceObject::kBufferedSamples));
}

std::vector<float> DecodeFeatures(const lwm2m::Opaque& bytes) {
  std::vector<float> out(bytes.size() / 4);
  for (size_t i = 0; i < out.size(); ++i) {
    uint32_t bits = 0;
    for (size_t b = 0; b < 4; ++b) bits |= static_cast<uint32_t>(bytes[i * 4 + b]) << (8 * b);
    std::memcpy(&out[i], &bits, 4);
  }
  return out;
}

TEST(SampleCaptureTest, ACleanConfidentDeviceKeepsNothingADriftedOneFillsItsBuffer) {
  PatternDetectorApp clean(Options());
  std::string error;
  ASSERT_TRUE(clean.LoadModel(MotionPackage(), &error)) << error;
  ASSERT_EQ(clean.inference().Write(0, Rec(33651, 0, MlInferenceObject::kCaptureThreshold, 0.0)),
            CoapCode::kChanged);
  Play(clean, "", 120);
  EXPECT_EQ(Buffered(clean), 0) << "no window was unsure (threshold 0) and none drifted";
  EXPECT_TRUE(clean.training_samples().Instances().empty());

  PatternDetectorApp rotated(Options());
  ASSERT_TRUE(rotated.LoadModel(MotionPackage(), &error)) << error;
  ASSERT_EQ(rotated.inference().Write(0, Rec(33651, 0, MlInferenceObject::kCaptureThreshold, 0.0)),
            CoapCode::kChanged);
  Play(rotated, "rotate:x=70@0", 120);
  EXPECT_EQ(Buffered(rotated), 8) << "bounded at the capacity";
  const std::vector<uint16_t> iids = rotated.training_samples().Instances();
  ASSERT_EQ(iids.size(), 8u);
  // The instances are the buffer's samples, the newest ones: more than 8 were taken.
  for (uint16_t iid : iids) EXPECT_LT(rotated.capture().buffer().Find(iid), 8u) << iid;
  EXPECT_GT(iids.back(), 8u) << "older samples were dropped to make room";
}

TEST(SampleCaptureTest, ASampleHoldsRawFeaturesThatClassifyAsRecorded) {
  PatternDetectorApp app(Options());
  std::string error;
  ASSERT_TRUE(app.LoadModel(MotionPackage(), &error)) << error;
  ASSERT_EQ(app.inference().Write(0, Rec(33651, 0, MlInferenceObject::kCaptureThreshold, 1.0)),
            CoapCode::kChanged);  // every window
  Play(app, "", 10);
  const std::vector<uint16_t> iids = app.training_samples().Instances();
  ASSERT_FALSE(iids.empty());

  // A classifier of its own, fed the sample's raw features.
  tinyml::PackageView view;
  const std::vector<uint8_t>& pkg = MotionPackage();
  std::vector<uint32_t> words((pkg.size() + 3) / 4);
  std::memcpy(words.data(), pkg.data(), pkg.size());
  ASSERT_EQ(tinyml::ReadPackage({reinterpret_cast<const uint8_t*>(words.data()), pkg.size()}, &view),
            tinyml::Status::kOk);
  std::vector<uint32_t> arena((tinyml::RequiredArenaBytes(view) + 3) / 4);
  tinyml::Classifier c;
  ASSERT_EQ(c.Init(view, {reinterpret_cast<uint8_t*>(arena.data()), arena.size() * 4}), tinyml::Status::kOk);
  const TrainingSampleObject& o = app.training_samples();
  for (uint16_t iid : iids) {
    const std::vector<float> features =
        DecodeFeatures(std::get<lwm2m::Opaque>(*o.Get(iid, TrainingSampleObject::kFeatures)));
    ASSERT_EQ(features.size(), view.feature_count);
    tinyml::Result r;
    ASSERT_EQ(c.ClassifyFeatures({features.data(), features.size()}, &r), tinyml::Status::kOk);
    EXPECT_EQ(app.detector().labels()[r.label], std::get<std::string>(*o.Get(iid, TrainingSampleObject::kPredictedLabel)));
    EXPECT_NEAR(r.confidence, std::get<double>(*o.Get(iid, TrainingSampleObject::kConfidence)), 0.02);
    EXPECT_EQ(std::get<lwm2m::Time>(*o.Get(iid, TrainingSampleObject::kTimestamp)).seconds, kNow);
    EXPECT_EQ(std::get<std::string>(*o.Get(iid, TrainingSampleObject::kAssignedLabel)), "");
  }
}

TEST(SampleCaptureTest, LabelsAreCheckedAndARefusedOneChangesNothing) {
  PatternDetectorApp app(Options());
  std::string error;
  ASSERT_TRUE(app.LoadModel(MotionPackage(), &error)) << error;
  ASSERT_EQ(app.inference().Write(0, Rec(33651, 0, MlInferenceObject::kCaptureThreshold, 1.0)),
            CoapCode::kChanged);
  Play(app, "", 5);
  const uint16_t iid = app.training_samples().Instances().front();
  TrainingSampleObject& o = app.training_samples();
  const auto label_of = [&] { return app.capture().buffer().info(app.capture().buffer().Find(iid)).label; };

  EXPECT_EQ(o.Write(iid, Rec(33652, iid, TrainingSampleObject::kAssignedLabel, std::string("wave"))),
            CoapCode::kChanged);
  const auto& labels = app.detector().labels();
  EXPECT_EQ(labels[static_cast<size_t>(label_of())], "wave");
  EXPECT_EQ(std::get<std::string>(*o.Get(iid, TrainingSampleObject::kAssignedLabel)), "wave");
  EXPECT_EQ(o.Write(iid, Rec(33652, iid, TrainingSampleObject::kAssignedLabel, std::string("juggle"))),
            CoapCode::kBadRequest) << "a label the model lacks (teaching comes with Teach Label)";
  EXPECT_EQ(std::get<std::string>(*o.Get(iid, TrainingSampleObject::kAssignedLabel)), "wave");
  EXPECT_EQ(labels[static_cast<size_t>(label_of())], "wave");
  EXPECT_EQ(o.Write(iid, Rec(33652, iid, TrainingSampleObject::kAssignedLabel, std::string())), CoapCode::kChanged);
  EXPECT_EQ(label_of(), tinyml::SampleBuffer::kUnlabelled);

  // Thresholds outside their range are refused.
  MlInferenceObject& inf = app.inference();
  for (const double bad : {-0.1, 1.5, std::nan("")}) {
    EXPECT_EQ(inf.Write(0, Rec(33651, 0, MlInferenceObject::kCaptureThreshold, bad)), CoapCode::kBadRequest) << bad;
  }
  EXPECT_DOUBLE_EQ(inf.capture_threshold(), 1.0);
  // The server deletes a sample: it is forgotten.
  const int64_t before = Buffered(app);
  EXPECT_EQ(o.Delete(iid), CoapCode::kDeleted);
  EXPECT_EQ(Buffered(app), before - 1);
  EXPECT_EQ(app.capture().buffer().Find(iid), app.capture().buffer().capacity());
  EXPECT_EQ(o.Create(900), CoapCode::kMethodNotAllowed);
  // A new model starts an empty buffer.
  ASSERT_TRUE(app.LoadModel(MotionPackage(), &error)) << error;
  EXPECT_EQ(Buffered(app), 0);
  EXPECT_TRUE(o.Instances().empty());
}

TEST(SampleCaptureTest, UploadSendsEveryHeldSampleAndDropsTheUnlabelledOnesOnceAcknowledged) {
  PatternDetectorApp app(Options(6));
  client::Registry registry;
  app.Attach(registry);
  EXPECT_EQ(registry.Execute(Path::Resource(33651, 0, MlInferenceObject::kUploadSamples), ""),
            CoapCode::kServiceUnavailable) << "no way to send";
  std::vector<Path> sent;
  std::function<void(bool)> answer;
  app.SetSampleSender([&](std::vector<Path> paths, std::function<void(bool)> done) {
    sent = std::move(paths);
    answer = std::move(done);
    return true;
  });
  std::string error;
  ASSERT_TRUE(app.LoadModel(MotionPackage(), &error)) << error;
  ASSERT_EQ(app.inference().Write(0, Rec(33651, 0, MlInferenceObject::kCaptureThreshold, 1.0)),
            CoapCode::kChanged);
  Play(app, "", 8);
  const std::vector<uint16_t> iids = app.training_samples().Instances();
  ASSERT_EQ(iids.size(), 6u);
  ASSERT_EQ(registry.Write(Path::Resource(33652, iids[1], 4), {{Rec(33652, iids[1], 4, std::string("idle"))}}, false),
            CoapCode::kChanged);

  // The Send reads the instances: every resource of every sample.
  ASSERT_EQ(registry.Execute(Path::Resource(33651, 0, MlInferenceObject::kUploadSamples), ""), CoapCode::kChanged);
  ASSERT_EQ(sent.size(), 6u);
  std::vector<lwm2m::Record> records;
  for (const Path& p : sent) ASSERT_EQ(registry.Read(p, &records), CoapCode::kContent) << p.ToString();
  EXPECT_EQ(records.size(), 6u * 6u);

  answer(false);  // not acknowledged: nothing is dropped
  EXPECT_EQ(Buffered(app), 6);
  ASSERT_EQ(registry.Execute(Path::Resource(33651, 0, MlInferenceObject::kUploadSamples), ""), CoapCode::kChanged);
  answer(true);
  EXPECT_EQ(Buffered(app), 1) << "the labelled sample stays to learn from";
  EXPECT_EQ(app.training_samples().Instances(), std::vector<uint16_t>{iids[1]});

  // Samples taken after the Upload are not dropped by its acknowledgement.
  ASSERT_EQ(registry.Execute(Path::Resource(33651, 0, MlInferenceObject::kUploadSamples), ""), CoapCode::kChanged);
  Play(app, "", 3);
  answer(true);
  EXPECT_GT(Buffered(app), 1);
}

}  // namespace
}  // namespace lwcl::device
