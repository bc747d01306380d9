#include "device/pattern_detector_app.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <limits>
#include <memory>

namespace lwcl::device {
namespace {
constexpr double kStandardGravity = 9.80665;  // m/s² per g
}  // namespace

PatternDetectorApp::PatternDetectorApp(AppOptions options)
    : options_(std::move(options)), detector_(options_.detector), capture_(options_.sample_capacity) {
  detector_.SetListener([this](size_t label, bool active) { OnDetection(label, active); });
  training_samples_.OnLabel([this](uint16_t iid, const std::string& label) { return CheckLabel(iid, label); });
  training_samples_.OnDelete([this](uint16_t iid) { ForgetSample(iid); });
  inference_.OnExecute(MlInferenceObject::kUploadSamples, [this](uint16_t, std::string_view) {
    return UploadSamples();
  });
  if (options_.learning_mode == MlInferenceObject::kRenormalization ||
      options_.learning_mode == MlInferenceObject::kFineTuning) {
    inference_.Set(0, MlInferenceObject::kLearningMode, options_.learning_mode);
  }
  inference_.OnExecute(MlInferenceObject::kAdaptNow, [this](uint16_t, std::string_view) { return AdaptNow(); });
  inference_.OnExecute(MlInferenceObject::kResetToBaseline, [this](uint16_t, std::string_view) {
    return ResetToBaseline();
  });
  inference_.OnTeach([this](const std::string& label) { return Teach(label); });
}

bool PatternDetectorApp::LoadModel(std::span<const uint8_t> package, std::string* error) {
  DetectorOptions d = detector_.options();
  d.replay_windows = static_cast<size_t>(inference_.replay_buffer_size());
  d.tune_windows = options_.sample_capacity;
  detector_.SetOptions(d);
  if (!detector_.LoadModel(package, error)) return false;
  ShowLabels();
  teaching_.reset();
  inference_.Set(0, MlInferenceObject::kTeachLabel, std::string());
  led_.Show(std::nullopt);
  const tinyml::PackageView& p = detector_.package();
  inference_.SetModel({.name = detector_.model_name(),
                       .version = detector_.model_version(),
                       .window_samples = p.dsp.window_samples,
                       .stride_samples = p.stride_samples,
                       .sample_rate_hz = static_cast<double>(p.dsp.sample_rate_hz)});
  inference_.SetStatistics(0, 0.0, 0.0);
  // Samples belong to the model that classified them.
  capture_.Reset(p.feature_count, {p.feature_mean.data, p.feature_mean.size},
                 {p.feature_std.data, p.feature_std.size});
  ++capture_generation_;
  ForgetAdaptations();
  training_samples_.Clear();
  inference_.SetBufferedSamples(0);
  const double every = std::round(static_cast<double>(p.dsp.sample_rate_hz) * options_.accelerometer_period_s);
  accelerometer_every_ = static_cast<uint64_t>(std::max(1.0, every));
  return true;
}

void PatternDetectorApp::Attach(client::Registry& registry) {
  registry.Add(&detector_object_);
  registry.Add(&led_);
  registry.Add(&accelerometer_);
  registry.Add(&inference_);
  registry.Add(&training_samples_);
}

void PatternDetectorApp::Push(const Sample& sample) {
  ++samples_;
  if (samples_ % accelerometer_every_ == 0) {
    accelerometer_.SetAcceleration(static_cast<double>(sample[0]) * kStandardGravity,
                                   static_cast<double>(sample[1]) * kStandardGravity,
                                   static_cast<double>(sample[2]) * kStandardGravity);
  }
  if (detector_.Push(sample)) {
    inference_.SetStatistics(detector_.classifications(), detector_.mean_confidence(),
                             static_cast<double>(detector_.drift_score()));
    Capture();
    AdaptIfDue();
  }
}

lwm2m::CoapCode PatternDetectorApp::AdaptNow() {
  const int64_t mode = inference_.learning_mode();
  if (mode == MlInferenceObject::kFineTuning) return FineTune();
  if (mode != MlInferenceObject::kRenormalization) return lwm2m::CoapCode::kBadRequest;
  if (!detector_.Renormalize(nullptr)) return lwm2m::CoapCode::kBadRequest;  // too few windows yet
  inference_.SetUpdateCount(++updates_);
  return lwm2m::CoapCode::kChanged;
}

lwm2m::CoapCode PatternDetectorApp::FineTune() {
  const tinyml::TuneOptions o{.learning_rate = static_cast<float>(inference_.learning_rate()),
                              .epochs = static_cast<uint16_t>(inference_.learning_epochs())};
  PatternDetector::FineTuneReport report;
  if (!detector_.FineTune(capture_.buffer(), o, &report, nullptr)) return lwm2m::CoapCode::kBadRequest;
  inference_.SetUpdateCount(++updates_);
  if (report.held_back > 0) {
    inference_.Set(0, MlInferenceObject::kValidationAccuracy,
                   static_cast<double>(report.validation_right) / static_cast<double>(report.held_back));
  }
  trained_examples_ += report.trained;
  PublishHeadDelta();
  return lwm2m::CoapCode::kChanged;
}

void PatternDetectorApp::PublishHeadDelta() {
  HeadDelta d;
  d.outputs = static_cast<uint16_t>(detector_.head_outputs());
  d.inputs = static_cast<uint16_t>(detector_.head_inputs());
  d.examples = static_cast<uint32_t>(trained_examples_);
  d.values = detector_.HeadWeightDelta();
  inference_.Set(0, MlInferenceObject::kHeadWeightDelta,
                 d.values.empty() ? lwm2m::Opaque{} : lwm2m::Opaque(EncodeHeadDelta(d)));
}

void PatternDetectorApp::AdaptIfDue() {
  if (inference_.learning_mode() != MlInferenceObject::kRenormalization) {
    detector_.StopAdapting();
    return;
  }
  if (detector_.AdaptIfDrifted(static_cast<float>(inference_.drift_threshold()), options_.renorm_collect_windows)) {
    inference_.SetUpdateCount(++updates_);
  }
}

lwm2m::CoapCode PatternDetectorApp::ResetToBaseline() {
  detector_.ResetToBaseline();
  // Samples labelled with a class that is gone lose their label.
  tinyml::SampleBuffer& b = capture_.buffer();
  for (size_t slot = 0; slot < b.capacity(); ++slot) {
    if (b.used(slot) && b.info(slot).label >= static_cast<int16_t>(detector_.labels().size())) {
      const uint16_t id = b.info(slot).id;
      (void)b.SetLabel(id, tinyml::SampleBuffer::kUnlabelled);
      training_samples_.Set(id, TrainingSampleObject::kAssignedLabel, std::string());
    }
  }
  teaching_.reset();
  inference_.Set(0, MlInferenceObject::kTeachLabel, std::string());
  ShowLabels();
  ForgetAdaptations();
  return lwm2m::CoapCode::kChanged;
}

void PatternDetectorApp::ShowLabels() {
  if (detector_object_.SetLabels(detector_.labels())) object_list_changed_ = true;
}

lwm2m::CoapCode PatternDetectorApp::Teach(const std::string& label) {
  if (label.empty()) {
    teaching_.reset();
    return lwm2m::CoapCode::kChanged;
  }
  // Teaching ends in a fine-tuning: only in learning mode 2.
  if (inference_.learning_mode() != MlInferenceObject::kFineTuning) return lwm2m::CoapCode::kBadRequest;
  const std::optional<size_t> index = detector_.TeachLabel(label, nullptr);
  if (!index) return lwm2m::CoapCode::kBadRequest;  // the label limit, or a head that cannot learn
  ShowLabels();
  teaching_ = Teaching{.label = *index, .left = options_.teach_windows, .since = options_.teach_gap};
  return lwm2m::CoapCode::kChanged;
}

// One window while teaching: every teach_gap-th is kept with the taught
// label; after the last one the head learns them.
void PatternDetectorApp::CaptureTaught() {
  Teaching& t = *teaching_;
  if (++t.since < options_.teach_gap) return;
  t.since = 0;
  const CapturePolicy keep_all{.confidence_threshold = 2.0, .drift_threshold = -1.0};
  if (!Keep(keep_all, static_cast<int16_t>(t.label)) || --t.left > 0) return;
  teaching_.reset();
  inference_.Set(0, MlInferenceObject::kTeachLabel, std::string());
  (void)FineTune();
}

void PatternDetectorApp::ForgetAdaptations() {
  updates_ = 0;
  inference_.SetUpdateCount(0);
  trained_examples_ = 0;
  inference_.Set(0, MlInferenceObject::kValidationAccuracy, 0.0);
  PublishHeadDelta();
}

void PatternDetectorApp::Capture() {
  if (teaching_) return CaptureTaught();
  // Drift counts once the monitor has settled: its first windows swing.
  const CapturePolicy policy{.confidence_threshold = inference_.capture_threshold(),
                             .drift_threshold = detector_.drift_settled() ? inference_.drift_threshold()
                                                                          : std::numeric_limits<double>::infinity()};
  (void)Keep(policy, tinyml::SampleBuffer::kUnlabelled);
}

bool PatternDetectorApp::Keep(const CapturePolicy& policy, int16_t label) {
  const tinyml::Result& r = detector_.last_result();
  const float drift = detector_.drift_score();
  const int64_t now = options_.clock ? options_.clock() : static_cast<int64_t>(std::time(nullptr));
  const std::optional<CapturedSample> kept =
      capture_.Offer(detector_.raw_features(), r.label, r.confidence, drift, static_cast<uint32_t>(now), policy);
  if (!kept) return false;
  if (kept->dropped != tinyml::SampleBuffer::kNoId) training_samples_.Forget(kept->dropped);
  if (label != tinyml::SampleBuffer::kUnlabelled) (void)capture_.buffer().SetLabel(kept->id, label);
  const std::vector<std::string>& labels = detector_.labels();
  training_samples_.Show(kept->id, {.time_s = now,
                                    .predicted = r.label < labels.size() ? labels[r.label] : std::string(),
                                    .confidence = static_cast<double>(r.confidence),
                                    .drift = static_cast<double>(drift),
                                    .features = detector_.raw_features(),
                                    .assigned = label >= 0 ? labels[static_cast<size_t>(label)] : std::string()});
  inference_.SetBufferedSamples(capture_.buffer().size());
  return true;
}

lwm2m::CoapCode PatternDetectorApp::CheckLabel(uint16_t iid, const std::string& label) {
  int16_t index = tinyml::SampleBuffer::kUnlabelled;
  if (!label.empty()) {
    const std::vector<std::string>& labels = detector_.labels();
    const auto it = std::find(labels.begin(), labels.end(), label);
    // A label the model lacks waits for Teach Label (a new pattern).
    if (it == labels.end()) return lwm2m::CoapCode::kBadRequest;
    index = static_cast<int16_t>(it - labels.begin());
  }
  if (capture_.buffer().SetLabel(iid, index) != tinyml::Status::kOk) return lwm2m::CoapCode::kNotFound;
  return lwm2m::CoapCode::kChanged;
}

void PatternDetectorApp::ForgetSample(uint16_t iid) {
  (void)capture_.buffer().Remove(iid);
  inference_.SetBufferedSamples(capture_.buffer().size());
}

lwm2m::CoapCode PatternDetectorApp::UploadSamples() {
  if (!sender_) return lwm2m::CoapCode::kServiceUnavailable;
  const tinyml::SampleBuffer& b = capture_.buffer();
  std::vector<lwm2m::Path> paths;
  // (id, sequence): a sample dropped meanwhile and its id reused is not the one sent.
  auto sent = std::make_shared<std::vector<std::pair<uint16_t, uint32_t>>>();
  for (size_t slot = 0; slot < b.capacity(); ++slot) {
    if (!b.used(slot)) continue;
    paths.push_back(lwm2m::Path::Instance(TrainingSampleObject::kObjectId, b.info(slot).id));
    sent->emplace_back(b.info(slot).id, b.info(slot).sequence);
  }
  if (paths.empty()) return lwm2m::CoapCode::kChanged;  // nothing to send
  const bool queued = sender_(std::move(paths), [this, sent, generation = capture_generation_](bool ok) {
    if (!ok || generation != capture_generation_) return;
    for (const auto& [id, sequence] : *sent) {
      const size_t slot = capture_.buffer().Find(id);
      if (slot == capture_.buffer().capacity()) continue;
      const tinyml::SampleInfo& info = capture_.buffer().info(slot);
      if (info.sequence != sequence || info.label != tinyml::SampleBuffer::kUnlabelled) continue;
      training_samples_.Forget(id);
      (void)capture_.buffer().Remove(id);
    }
    inference_.SetBufferedSamples(capture_.buffer().size());
  });
  return queued ? lwm2m::CoapCode::kChanged : lwm2m::CoapCode::kServiceUnavailable;
}

bool PatternDetectorApp::TakeObjectListChanged() {
  const bool changed = object_list_changed_;
  object_list_changed_ = false;
  return changed;
}

void PatternDetectorApp::OnDetection(size_t label, bool active) {
  const auto iid = static_cast<uint16_t>(label);
  // Counter first, so a notification that carries the state also carries the new count.
  detector_object_.SetCounter(iid, detector_.count(label));
  detector_object_.SetState(iid, active);
  if (active) {
    led_.Show(detector_.labels()[label]);
  } else if (!detector_.active()) {
    led_.Show(std::nullopt);
  }
}

}  // namespace lwcl::device
