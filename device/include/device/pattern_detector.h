// PatternDetector: the pattern-detection logic of the device application,
// without any LwM2M: a model package run by tinyml::Classifier on a sample
// stream, and the debounce that turns per-window classifications into
// detections.
//
// It promises:
// - it owns the package bytes (4-byte aligned copy) and the classifier arena,
//   sized exactly by tinyml::RequiredArenaBytes; nothing else is allocated
//   per sample;
// - a detection of label L starts when `confirm_windows` consecutive windows
//   are classified L with confidence >= `threshold` while L is not already
//   detected; it ends after `release_windows` consecutive windows that are
//   not (L with enough confidence). So one held gesture counts once, and a
//   single stray window neither starts nor ends one;
// - at most one label is detected at a time (the classifier's arg-max); a
//   confirmed other label ends the current detection and starts its own;
// - the idle label (DetectorOptions::idle_label, "idle" by default; matched
//   case-insensitively, also "no motion"/"still") never becomes detected and
//   never counts;
// - counters are cumulative for the life of the model; LoadModel resets them;
// - every classified window also feeds a tinyml::DriftMonitor (the
//   class-conditional drift score and a forgotten mean confidence) and a
//   tinyml::Renormalizer (per-class raw feature moments), and, when the
//   package has a gravity reference, a tinyml::GravityGauge (the sensor's
//   gain against gravity), all reset with the model; Renormalize runs the
//   model with the normalisation for the gauge's gain (or, without a gauge,
//   the renormalizer's class-conditional fit), ResetToBaseline goes back to
//   the package's;
// - FineTune retrains the head from labelled windows and a replay buffer
//   (tinyml::HeadTuner, filled from the package's golden windows and
//   confident undrifted windows); ResetToBaseline restores the package's
//   head too.
#ifndef LWCL_DEVICE_PATTERN_DETECTOR_H_
#define LWCL_DEVICE_PATTERN_DETECTOR_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "device/sensor_source.h"
#include "tinyml/learn/drift_monitor.h"
#include "tinyml/learn/gravity_gauge.h"
#include "tinyml/learn/head_tuner.h"
#include "tinyml/learn/renormalizer.h"
#include "tinyml/learn/sample_buffer.h"
#include "tinyml/runtime/classifier.h"
#include "tinyml/package/model_package.h"

namespace lwcl::device {

struct DetectorOptions {
  float threshold = 0.6f;   // minimum confidence of a window to count toward a detection
  // The drift monitor's forgetting factor per window (tinyml/learn/drift_monitor.h).
  float drift_forgetting = 0.99f;
  // The renormalizer's (tinyml/learn/renormalizer.h): about the last 200
  // windows, and how many (forgotten) windows a class needs to take part.
  float renorm_forgetting = 0.995f;
  float renorm_min_windows = 20.0f;
  float renorm_min_confidence = 0.9f;  // windows below it are not used to re-normalise
  // Fine-tuning the head (tinyml/learn/head_tuner.h): the replay buffer of
  // the original classes (the package's golden windows, then windows the
  // package's head was at least replay_min_confidence sure of while the
  // device did not look drifted, at most an equal share per class) and how
  // many labelled windows one fine-tuning takes. Read at LoadModel.
  size_t replay_windows = 48;
  size_t tune_windows = 32;
  float replay_min_confidence = 0.9f;
  float replay_max_drift = 5.0f;  // a settled drift score above it stops replay capture
  // FineTune first fits the normalisation to the labelled windows it trains
  // on (their true classes, not the model's guesses), when every labelled
  // class has at least this many; 0 = never.
  float tune_renorm_min_windows = 3.0f;
  // Classes a person may teach this device beyond the package's (Teach
  // Label, /33651/0/14): the classifier and the head tuner plan room for
  // them at LoadModel. Each costs a few hundred bytes (a head row, its
  // logit and probability).
  size_t teach_classes = 2;
  // A taught class's labelled windows also join the replay buffer (up to
  // this many per taught class, room planned beyond replay_windows), so
  // later fine-tunings do not forget it once its samples left the buffer.
  size_t teach_replay_windows = 16;
  int confirm_windows = 2;  // consecutive windows that start a detection
  int release_windows = 2;  // consecutive other windows that end it
  // The "nothing happening" label; empty: only the built-in names below.
  std::string idle_label = "idle";
};

// True for the labels that mean "no motion": `idle_label` and the usual
// names (idle, still, rest, none, no motion, no_motion, background), any case.
bool IsIdleLabel(std::string_view label, std::string_view idle_label = "idle");

// Called when a label's detection starts (active true) or ends.
using DetectionListener = std::function<void(size_t label, bool active)>;

class PatternDetector {
 public:
  explicit PatternDetector(DetectorOptions options = {}) : options_(std::move(options)) {}
  PatternDetector(const PatternDetector&) = delete;
  PatternDetector& operator=(const PatternDetector&) = delete;

  // Reads and checks the package, sizes the arena and starts the classifier.
  // On failure returns false with a message, and the previous model (if any)
  // stays in force.
  bool LoadModel(std::span<const uint8_t> package, std::string* error);
  bool loaded() const { return model_ != nullptr; }

  // Feeds one sample (in g). Returns true when it completed a window (the
  // window was classified and the debounce ran; listeners were called).
  bool Push(const Sample& sample);
  // Forgets the partial window and the debounce streaks (a gap in the stream).
  void ResetStream();

  void SetListener(DetectionListener listener) { listener_ = std::move(listener); }
  const DetectorOptions& options() const { return options_; }
  void SetOptions(const DetectorOptions& options) { options_ = options; }

  // The active model.
  const tinyml::PackageView& package() const { return model_->view; }
  const std::vector<std::string>& labels() const { return labels_; }
  std::string model_name() const;
  std::string model_version() const;
  size_t arena_bytes() const { return model_ ? model_->arena_bytes : 0; }

  // The detected label now, if any.
  std::optional<size_t> active() const { return active_; }
  // Detections of `label` so far (0 for an unknown label).
  uint64_t count(size_t label) const { return label < counts_.size() ? counts_[label] : 0; }
  uint64_t total_detections() const { return total_detections_; }
  bool is_idle(size_t label) const { return label < idle_.size() && idle_[label]; }
  // Windows classified, and the mean of their confidences (0 before any).
  uint64_t classifications() const { return classifications_; }
  double mean_confidence() const {
    return classifications_ == 0 ? 0.0 : confidence_sum_ / static_cast<double>(classifications_);
  }
  // The drift score: the drift monitor's, or the gravity gauge's when that
  // is higher (settled, against the gain in force), both in units of how
  // much one training window spread. And the recent (forgotten) mean
  // confidence.
  float drift_score() const;
  // The gravity gauge's score alone (0 without a gauge or before it settles)
  // and its gain estimate (1 then), for reports.
  float gravity_score() const;
  float gravity_gain() const;
  bool has_gravity_gauge() const { return model_ && model_->has_gravity; }
  float recent_confidence() const { return model_ ? model_->drift.mean_confidence() : 0.0f; }
  // Whether the drift score rests on enough windows to act on (DriftMonitor::settled).
  bool drift_settled() const { return model_ && model_->drift.settled(); }
  // The last window's features as the DSP produced them (before the
  // normalisation in force); empty before the first window.
  std::span<const float> raw_features() const { return raw_features_; }

  // Fits the normalisation to the recent windows and runs with it from now
  // on (the drift monitor starts over against it): with a gravity gauge, to
  // the gain it measured (it must have settled); without, the
  // renormalizer's fit. False with why when the gauge has not settled or no
  // class has been seen in enough windows yet; nothing changes then.
  bool Renormalize(std::string* why);
  // Back to the package's normalisation, head and labels (taught classes
  // are dropped; a detection of one ends); the renormalizer and the drift
  // monitor start over.
  void ResetToBaseline();
  // Learning mode 1's own schedule, called once per classified window: once
  // the settled drift score passes `threshold`, the renormalizer and the
  // gravity gauge forget their windows (the fit sees the drifted sensor
  // only); after `collect_windows` more windows, Renormalize is tried at
  // every window until it succeeds (starting over would forget the gauge's
  // windows again, and a stream with few still windows would never give it
  // enough). True on the window a fit was made. StopAdapting ends a round
  // in progress (the mode changed); ResetToBaseline does too.
  bool AdaptIfDrifted(float threshold, uint64_t collect_windows);
  void StopAdapting() { collecting_.reset(); }

  // Forgets the windows the renormalizer and the gravity gauge have seen
  // (the normalisation in force stays).
  void ForgetRenormalizerWindows();
  bool renormalized() const { return renormalized_; }
  // The normalisation in force (the package's, or the fitted one).
  std::span<const float> feature_mean() const;
  std::span<const float> feature_std() const;
  // Classifies a stored raw feature vector (feature_count floats, as
  // raw_features() gives them) with the normalisation in force, outside the
  // stream: no counters, debounce, drift or renormalizer change, but
  // last_result() is this one's until the next window. False when no model
  // is loaded or the size is wrong.
  bool ClassifyStored(std::span<const float> raw, size_t* label);
  // Fine-tunes the head on the labelled windows of `samples` (raw features,
  // class indices of this model), one in five held back for validation when
  // there are five or more, mixed with the replay buffer; then runs the
  // re-quantised head. Before training, the normalisation is re-fitted to
  // the training windows with their assigned classes (tune_renorm_min_windows):
  // what a gain error did to the features is undone before the head learns
  // the rest; a fit under which the running head gets no more of those
  // windows right than under the normalisation in force is turned down. False with why (nothing changes) when there is no
  // labelled window to train on, the head cannot be tuned or training fails.
  struct FineTuneReport {
    size_t trained = 0;           // labelled windows trained on
    size_t held_back = 0;         // labelled windows kept for validation
    size_t validation_right = 0;  // of them, classified as labelled afterwards
  };
  bool FineTune(const tinyml::SampleBuffer& samples, const tinyml::TuneOptions& options, FineTuneReport* report,
                std::string* why);
  bool fine_tuned() const { return model_ && model_->tuner.tuned(); }
  // The class index of `label`; a label the model lacks becomes a new class
  // (a new output of the head, zero until the next FineTune trains it on
  // labelled windows of it), appended to labels(). nullopt with why when the
  // head cannot be tuned or the teach_classes room is taken: nothing changes.
  std::optional<size_t> TeachLabel(const std::string& label, std::string* why);
  // Classes taught beyond the package's.
  size_t taught_labels() const { return model_ ? labels_.size() - model_->view.label_count : 0; }
  size_t replay_count() const { return model_ && model_->tunable ? model_->tuner.replay_count() : 0; }
  // The head's float change since the package (weights [out][in], then
  // biases) and its shape; empty when the head cannot be tuned.
  std::vector<float> HeadWeightDelta() const;
  size_t head_inputs() const { return model_ ? model_->tuner.inputs() : 0; }
  size_t head_outputs() const { return model_ ? model_->tuner.outputs() : 0; }
  // The last window's result (valid once classifications() > 0).
  const tinyml::Result& last_result() const { return model_->classifier.result(); }

 private:
  void Decide(const tinyml::Result& r);
  struct Model;
  void InitTuner(Model& m) const;
  void KeepForReplay(const tinyml::Result& r);
  // A labelled stored window, back as floats.
  struct LabelledWindow {
    std::vector<float> raw;
    size_t label = 0;
  };
  void RenormalizeFromLabelled(const std::vector<LabelledWindow>& windows);
  // How many of `windows` the model in force classifies as labelled.
  size_t Right(const std::vector<LabelledWindow>& windows);
  void SetActive(std::optional<size_t> label);

  DetectorOptions options_;
  // One loaded model; on the heap so the view and the classifier (which
  // point into the words and at the view) never move.
  struct Model {
    std::vector<uint32_t> words;  // the package bytes, 4-byte aligned
    tinyml::PackageView view{};
    std::vector<uint32_t> arena;  // the classifier arena, 4-byte aligned
    size_t arena_bytes = 0;
    tinyml::Classifier classifier;
    std::vector<float> drift_state;
    tinyml::DriftMonitor drift;
    std::vector<float> renorm_state;
    tinyml::Renormalizer renorm;
    float gravity_state[tinyml::GravityGauge::kStateFloats] = {};
    tinyml::GravityGauge gravity;
    bool has_gravity = false;
    float applied_gain = 1.0f;  // the gain the normalisation in force corrects
    // A normalisation kept in force after a re-fit was turned down (the
    // renormaliser's own arrays then hold the refused fit).
    std::vector<float> held_mean, held_std;
    std::vector<uint32_t> tuner_arena;
    tinyml::HeadTuner tuner;
    bool tunable = false;
    std::vector<size_t> replay_per_class;
  };
  std::unique_ptr<Model> model_;
  std::vector<std::string> labels_;
  std::vector<bool> idle_;
  std::vector<uint64_t> counts_;
  uint64_t total_detections_ = 0;
  std::optional<size_t> active_;
  std::optional<size_t> candidate_;  // label of the current confident streak
  int candidate_streak_ = 0;
  int release_streak_ = 0;
  uint64_t classifications_ = 0;
  double confidence_sum_ = 0.0;
  std::vector<float> raw_features_;
  bool renormalized_ = false;
  std::optional<uint64_t> collecting_;  // windows since a drift-triggered re-normalisation began
  DetectionListener listener_;
};

}  // namespace lwcl::device

#endif  // LWCL_DEVICE_PATTERN_DETECTOR_H_
