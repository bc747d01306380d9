// Plays one method of the continual-learning benchmark (continual_run.h).
#include "continual_run.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "tinyml/learn/drift_monitor.h"
#include "tinyml/learn/renormalizer.h"
#include "tinyml/learn/sample_buffer.h"

namespace lwcl::apps {
namespace {

using Clock = std::chrono::steady_clock;

int ClassOf(const std::vector<std::string>& labels, const std::string& name) {
  const auto it = std::find(labels.begin(), labels.end(), name);
  return it == labels.end() ? -1 : static_cast<int>(it - labels.begin());
}

void Load(device::PatternDetector& det, std::span<const uint8_t> package) {
  std::string error;
  if (!det.LoadModel(package, &error)) throw std::runtime_error("the model does not load: " + error);
}

void Count(PhaseScore* score, bool right) {
  ++score->windows;
  score->right += right ? 1 : 0;
}

// Plays `segments` (a gap before each) and calls on_window(segment, truth,
// right) for every classified window: truth is the segment's class index in
// the labels the detector has at that moment (a taught class counts once
// taught; -1 before), right whether the window was classified as it.
template <typename OnWindow>
void Play(device::PatternDetector& det, const std::vector<StreamSegment>& segments, OnWindow on_window) {
  for (const StreamSegment& seg : segments) {
    det.ResetStream();
    for (const device::Sample& s : seg.samples) {
      if (!det.Push(s)) continue;
      const int truth = ClassOf(det.labels(), seg.truth);
      on_window(seg, truth, truth >= 0 && det.last_result().label == static_cast<size_t>(truth));
    }
  }
}

// What one method needs beyond inference, in bytes, with the default sizes
// of the device: the drift monitor's state (renorm triggers on it; replay
// capture stops on it), the re-normaliser's, the head tuner's arena and the
// sample buffer the labelled windows wait in.
size_t LearnerRam(const device::PatternDetector& det, ContinualMethod method, const ContinualOptions& o) {
  const tinyml::PackageView& pkg = det.package();
  // The drift score is the drift monitor's and the gravity gauge's.
  const size_t drift = (tinyml::DriftMonitor::StateFloats(pkg.feature_count) +
                        (det.has_gravity_gauge() ? tinyml::GravityGauge::kStateFloats : 0)) *
                       sizeof(float);
  switch (method) {
    case ContinualMethod::kStatic:
      return 0;
    case ContinualMethod::kRenormalization:
      return drift + tinyml::Renormalizer::StateFloats(pkg) * sizeof(float);
    case ContinualMethod::kFineTuning:
      // As PatternDetector plans it: room for taught classes and their replay.
      return drift +
             tinyml::HeadTuner::ArenaBytes(
                 pkg.layers[pkg.layer_count - 1],
                 o.detector.replay_windows + o.detector.teach_classes * o.detector.teach_replay_windows,
                 o.detector.tune_windows, o.detector.teach_classes) +
             tinyml::SampleBuffer::FeatureValues(pkg.feature_count, o.buffer_windows) * sizeof(int16_t) +
             o.buffer_windows * sizeof(tinyml::SampleInfo);
  }
  return 0;
}

// The learning half of a method, fed every scored window of phase 2.
class Learner {
 public:
  Learner(device::PatternDetector& det, ContinualMethod method, const ContinualOptions& o, MethodRun& run)
      : det_(det), method_(method), o_(o), run_(run) {
    const size_t classes = det.labels().size();
    since_label_.assign(classes, o.label_gap);
    run.labels_spent.assign(classes, 0);
    const tinyml::PackageView& pkg = det.package();
    storage_.assign(tinyml::SampleBuffer::FeatureValues(pkg.feature_count, o.buffer_windows), 0);
    slots_.assign(o.buffer_windows, {});
    if (buffer_.Init(pkg.feature_count, {storage_.data(), storage_.size()}, {slots_.data(), slots_.size()},
                     pkg.feature_mean, pkg.feature_std) != tinyml::Status::kOk) {
      throw std::runtime_error("the sample buffer cannot be set up");
    }
  }

  // A scored window of phase 2 whose true class is `truth` (its name:
  // `truth_name`; -1 when the model lacks it).
  void Window(int truth, const std::string& truth_name) {
    if (method_ == ContinualMethod::kRenormalization) Renormalize();
    if (method_ != ContinualMethod::kFineTuning) return;
    if (truth < 0 && o_.labels_per_class > 0) truth = Teach(truth_name);
    Label(truth);
  }

  // The end of phase 2: labels not yet trained on are.
  void Finish() {
    if (method_ == ContinualMethod::kFineTuning && fresh_ > 0) FineTune();
  }

 private:
  // Mode 1's schedule, the device's own (PatternDetector::AdaptIfDrifted).
  void Renormalize() {
    const Clock::time_point t0 = Clock::now();
    const bool fitted = det_.AdaptIfDrifted(static_cast<float>(o_.drift_threshold), o_.renorm_collect_windows);
    if (fitted) {
      run_.adapt_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
      ++run_.adaptations;
    }
  }

  // The oracle teaches a pattern the model lacks; -1 when the device refuses.
  int Teach(const std::string& name) {
    const std::optional<size_t> c = det_.TeachLabel(name, nullptr);
    if (!c) return -1;
    run_.labels = det_.labels();
    since_label_.resize(run_.labels.size(), o_.label_gap);
    run_.labels_spent.resize(run_.labels.size(), 0);
    return static_cast<int>(*c);
  }

  void Label(int truth) {
    if (truth < 0) return;
    const auto c = static_cast<size_t>(truth);
    if (++since_label_[c] < o_.label_gap || run_.labels_spent[c] >= o_.labels_per_class) return;
    const tinyml::Result& r = det_.last_result();
    const std::span<const float> raw = det_.raw_features();
    uint16_t dropped = 0;
    const uint16_t id = buffer_.Add({raw.data(), raw.size()}, static_cast<uint16_t>(r.label), r.confidence,
                                    det_.drift_score(), 0, &dropped);
    if (id == tinyml::SampleBuffer::kNoId || buffer_.SetLabel(id, static_cast<int16_t>(truth)) != tinyml::Status::kOk) {
      return;
    }
    since_label_[c] = 0;
    ++run_.labels_spent[c];
    if (++fresh_ >= o_.adapt_every) FineTune();
  }

  void FineTune() {
    fresh_ = 0;
    device::PatternDetector::FineTuneReport report;
    const Clock::time_point t0 = Clock::now();
    const bool tuned = det_.FineTune(buffer_, o_.tune, &report, nullptr);
    run_.adapt_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    if (!tuned) return;
    ++run_.adaptations;
    run_.sgd_steps += static_cast<uint64_t>(report.trained + det_.replay_count()) * o_.tune.epochs;
    if (report.held_back > 0) {
      run_.validation_accuracy =
          static_cast<double>(report.validation_right) / static_cast<double>(report.held_back);
    }
  }

  device::PatternDetector& det_;
  ContinualMethod method_;
  const ContinualOptions& o_;
  MethodRun& run_;
  std::vector<size_t> since_label_;
  std::vector<int16_t> storage_;
  std::vector<tinyml::SampleInfo> slots_;
  tinyml::SampleBuffer buffer_;
  size_t fresh_ = 0;
};

}  // namespace

std::string_view ContinualMethodName(ContinualMethod method) {
  switch (method) {
    case ContinualMethod::kStatic:
      return "static";
    case ContinualMethod::kRenormalization:
      return "renorm";
    case ContinualMethod::kFineTuning:
      return "finetune";
  }
  return "?";
}

std::optional<ContinualMethod> ParseContinualMethod(std::string_view name) {
  for (ContinualMethod m :
       {ContinualMethod::kStatic, ContinualMethod::kRenormalization, ContinualMethod::kFineTuning}) {
    if (name == ContinualMethodName(m)) return m;
  }
  return std::nullopt;
}

size_t MethodRun::TotalLabels() const {
  size_t n = 0;
  for (size_t v : labels_spent) n += v;
  return n;
}

MethodRun RunContinual(std::span<const uint8_t> package, const ContinualStream& stream, ContinualMethod method,
                       const ContinualOptions& options) {
  device::PatternDetector det(options.detector);
  Load(det, package);
  MethodRun run;
  run.method = method;
  run.labels = det.labels();
  run.learner_ram_bytes = LearnerRam(det, method, options);
  Learner learner(det, method, options, run);
  for (size_t p = 0; p < 3; ++p) {
    run.phase_start[p] = run.correct.size();
    Play(det, stream.phases[p], [&](const StreamSegment& seg, int truth, bool right) {
      Count(&run.phase[p], right);
      run.correct.push_back(right ? 1 : 0);
      if (p == 2) Count(&run.judged_per_class[seg.truth], right);
      if (p > 0 && det.drift_settled()) run.drift_score_max = std::max(run.drift_score_max, det.drift_score());
      if (p == 1) learner.Window(truth, seg.truth);
    });
    if (p == 1) learner.Finish();
  }
  run.gravity_gain = det.gravity_gain();
  return run;
}

PhaseScore ScoreStatic(std::span<const uint8_t> package, const std::vector<StreamSegment>& segments,
                       const device::DetectorOptions& options, std::map<std::string, PhaseScore>* per_class) {
  device::PatternDetector det(options);
  Load(det, package);
  PhaseScore score;
  Play(det, segments, [&](const StreamSegment& seg, int, bool right) {
    Count(&score, right);
    if (per_class) Count(&(*per_class)[seg.truth], right);
  });
  return score;
}

}  // namespace lwcl::apps
