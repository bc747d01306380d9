// PatternDetector's head fine-tuning (pattern_detector.h: FineTune): the
// replay buffer it fills as windows come, and one adaptation from the
// labelled windows a device holds.
#include <algorithm>

#include "device/pattern_detector.h"
#include "tinyml/package/model_package.h"

namespace lwcl::device {

void PatternDetector::InitTuner(Model& m) const {
  const tinyml::LayerView& head = m.view.layers[m.view.layer_count - 1];
  const size_t bytes = tinyml::HeadTuner::ArenaBytes(head, options_.replay_windows, options_.tune_windows);
  m.tuner_arena.assign(bytes / 4 + 1, 0);
  m.tunable = m.tuner.Init(head, {reinterpret_cast<uint8_t*>(m.tuner_arena.data()), m.tuner_arena.size() * 4},
                           options_.replay_windows, options_.tune_windows) == tinyml::Status::kOk;
  m.replay_per_class.assign(m.view.label_count, 0);
  if (!m.tunable) return;
  // The package's golden windows are training windows with their true class:
  // the first replay examples.
  for (size_t g = 0; g < m.view.golden_count; ++g) {
    const tinyml::GoldenWindow w = tinyml::GoldenWindowAt(m.view, g);
    tinyml::Result r;
    if (m.classifier.ClassifyFeatures(w.features, &r) != tinyml::Status::kOk) continue;
    if (m.tuner.AddReplay(m.classifier.head_input(), w.expected_class) == tinyml::Status::kOk) {
      ++m.replay_per_class[w.expected_class];
    }
  }
}

void PatternDetector::KeepForReplay(const tinyml::Result& r) {
  Model& m = *model_;
  if (!m.tunable || m.tuner.tuned() || r.confidence < options_.replay_min_confidence) return;
  if (m.tuner.replay_count() >= m.tuner.replay_capacity() || r.label >= m.replay_per_class.size()) return;
  if (m.drift.settled() && m.drift.score() > options_.replay_max_drift) return;
  const size_t share = (m.tuner.replay_capacity() + m.view.label_count - 1) / m.view.label_count;
  if (m.replay_per_class[r.label] >= share) return;
  if (m.tuner.AddReplay(m.classifier.head_input(), r.label) == tinyml::Status::kOk) ++m.replay_per_class[r.label];
}

bool PatternDetector::FineTune(const tinyml::SampleBuffer& samples, const tinyml::TuneOptions& options,
                               FineTuneReport* report, std::string* why) {
  if (!model_ || !model_->tunable) {
    if (why) *why = model_ ? "this model's head cannot be fine-tuned" : "no model";
    return false;
  }
  Model& m = *model_;
  // Labelled windows, oldest first; every fifth held back once there are five.
  std::vector<size_t> slots;
  for (size_t slot = 0; slot < samples.capacity() && samples.feature_count() == m.view.feature_count; ++slot) {
    const int16_t label = samples.used(slot) ? samples.info(slot).label : tinyml::SampleBuffer::kUnlabelled;
    if (label >= 0 && static_cast<size_t>(label) < labels_.size()) slots.push_back(slot);
  }
  std::sort(slots.begin(), slots.end(),
            [&](size_t a, size_t b) { return samples.info(a).sequence < samples.info(b).sequence; });
  const bool hold_back = slots.size() >= 5;
  FineTuneReport rep;
  m.tuner.ClearFresh();
  std::vector<size_t> validation;
  for (size_t k = 0; k < slots.size(); ++k) {
    if (hold_back && k % 5 == 4) {
      validation.push_back(slots[k]);
      continue;
    }
    tinyml::Result r;
    if (m.classifier.ClassifyFeatures(samples.features(slots[k]), &r) != tinyml::Status::kOk) continue;
    if (m.tuner.AddFresh(m.classifier.head_input(), static_cast<size_t>(samples.info(slots[k]).label)) ==
        tinyml::Status::kOk) {
      ++rep.trained;
    }
  }
  if (rep.trained == 0) {
    if (why) *why = "no labelled window to train on";
    return false;
  }
  if (const tinyml::Status s = m.tuner.Train(options); s != tinyml::Status::kOk) {
    if (why) *why = std::string("fine-tuning failed: ") + tinyml::StatusName(s);
    return false;
  }
  if (m.classifier.SetHead(&m.tuner.head()) != tinyml::Status::kOk) {
    m.tuner.Reset();
    if (why) *why = "the tuned head was refused";
    return false;
  }
  rep.held_back = validation.size();
  for (size_t slot : validation) {
    size_t got = 0;
    const tinyml::Span<const float> f = samples.features(slot);
    if (ClassifyStored({f.data, f.size}, &got) && got == static_cast<size_t>(samples.info(slot).label)) {
      ++rep.validation_right;
    }
  }
  if (report) *report = rep;
  return true;
}

std::vector<float> PatternDetector::HeadWeightDelta() const {
  if (!model_ || !model_->tunable) return {};
  std::vector<float> d(model_->tuner.inputs() * model_->tuner.outputs() + model_->tuner.outputs());
  if (model_->tuner.WeightDelta({d.data(), d.size()}) != tinyml::Status::kOk) return {};
  return d;
}

}  // namespace lwcl::device
