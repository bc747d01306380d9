// One method of the continual-learning benchmark (`lwcl continual`) played
// prequentially over a ContinualStream: every window is first classified and
// scored (test), then the method may learn from it (train), in time order,
// with the device's own code: device::PatternDetector, so its drift monitor,
// re-normaliser, replay buffer and head tuner are the ones a device runs.
//
// Methods:
//   static    the package as shipped, never changed: today's practice;
//   renorm    learning mode 1 as a device runs it on its own: once the
//             settled drift score passes the drift threshold, the
//             re-normaliser starts afresh and fits after
//             `renorm_collect_windows` windows; no label;
//   finetune  learning mode 2: an oracle labels windows of phase 2 (at most
//             `labels_per_class` per class, a class's labelled windows at
//             least `label_gap` windows apart so they do not overlap) into a
//             SampleBuffer as large as the device's; every `adapt_every`
//             labels, and once more at the end of phase 2, Adapt Now
//             fine-tunes the head with replay. The first window of a class
//             the model lacks (a new pattern) makes the oracle teach it
//             (PatternDetector::TeachLabel: a new output of the head) and
//             its windows are labelled like any other class's.
// Methods adapt in phase 2 only: phase 3 judges the model the adaptation left.
//
// Promises: deterministic for a package, stream and options; a window whose
// class the model lacks counts as wrong and is never labelled.
#ifndef LWCL_APPS_CONTINUAL_RUN_H_
#define LWCL_APPS_CONTINUAL_RUN_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "continual_stream.h"
#include "device/pattern_detector.h"
#include "tinyml/learn/head_tuner.h"

namespace lwcl::apps {

enum class ContinualMethod { kStatic, kRenormalization, kFineTuning };

std::string_view ContinualMethodName(ContinualMethod method);
std::optional<ContinualMethod> ParseContinualMethod(std::string_view name);

struct ContinualOptions {
  size_t labels_per_class = 20;
  size_t label_gap = 4;
  size_t adapt_every = 10;
  size_t buffer_windows = 32;  // the device's /33652 capacity (SampleCapture)
  double drift_threshold = 5.0;  // /33651/0/13's default
  size_t renorm_collect_windows = 120;  // the device's (AppOptions)
  tinyml::TuneOptions tune;
  device::DetectorOptions detector;
};

struct PhaseScore {
  size_t windows = 0;
  size_t right = 0;
  double accuracy() const { return windows == 0 ? 0.0 : static_cast<double>(right) / static_cast<double>(windows); }
};

struct MethodRun {
  ContinualMethod method = ContinualMethod::kStatic;
  PhaseScore phase[3];
  std::vector<std::string> labels;   // the model's classes
  std::vector<size_t> labels_spent;  // per model class
  size_t adaptations = 0;
  size_t learner_ram_bytes = 0;   // state, arena and sample buffer the method needs
  double adapt_seconds = 0.0;     // wall time inside the adaptations
  uint64_t sgd_steps = 0;         // examples x epochs over every fine-tuning
  double validation_accuracy = -1.0;  // the last fine-tuning's; -1 when none
  float drift_score_max = 0.0f;   // the highest settled drift score in phases 2 and 3
  float gravity_gain = 1.0f;      // the gravity gauge's gain at the end (1 without a gauge)
  std::map<std::string, PhaseScore> judged_per_class;  // phase 3, by true class
  std::vector<uint8_t> correct;   // per window, phases 1..3 in order
  size_t phase_start[3] = {0, 0, 0};  // first window of each phase in `correct`
  size_t TotalLabels() const;
};

// Throws std::runtime_error when the package does not load.
MethodRun RunContinual(std::span<const uint8_t> package, const ContinualStream& stream, ContinualMethod method,
                       const ContinualOptions& options);

// The unchanged package's accuracy on `segments` (no adaptation, no drift
// added): the reference the judged windows had before anything moved.
// `per_class`, when given, gets the same by true class.
PhaseScore ScoreStatic(std::span<const uint8_t> package, const std::vector<StreamSegment>& segments,
                       const device::DetectorOptions& options,
                       std::map<std::string, PhaseScore>* per_class = nullptr);

}  // namespace lwcl::apps

#endif  // LWCL_APPS_CONTINUAL_RUN_H_
