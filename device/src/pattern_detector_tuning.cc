// PatternDetector's head fine-tuning (pattern_detector.h: FineTune): the
// replay buffer it fills as windows come, and one adaptation from the
// labelled windows a device holds.
#include <algorithm>

#include "device/pattern_detector.h"
#include "tinyml/package/model_package.h"

namespace lwcl::device {

void PatternDetector::InitTuner(Model& m) const {
  const tinyml::LayerView& head = m.view.layers[m.view.layer_count - 1];
  const size_t replay = options_.replay_windows + options_.teach_classes * options_.teach_replay_windows;
  const size_t bytes = tinyml::HeadTuner::ArenaBytes(head, replay, options_.tune_windows, options_.teach_classes);
  m.tuner_arena.assign(bytes / 4 + 1, 0);
  m.tunable = m.tuner.Init(head, {reinterpret_cast<uint8_t*>(m.tuner_arena.data()), m.tuner_arena.size() * 4},
                           replay, options_.tune_windows, options_.teach_classes) == tinyml::Status::kOk;
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
  if (r.label >= m.view.label_count) return;  // the original classes only
  if (m.drift.settled() && m.drift.score() > options_.replay_max_drift) return;
  size_t original = 0;
  for (size_t c = 0; c < m.view.label_count; ++c) original += m.replay_per_class[c];
  if (original >= options_.replay_windows) return;
  const size_t share = (options_.replay_windows + m.view.label_count - 1) / m.view.label_count;
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
  // Labelled windows, oldest first, back as floats; every fifth held back
  // for validation once there are five.
  std::vector<size_t> slots;
  for (size_t slot = 0; slot < samples.capacity() && samples.feature_count() == m.view.feature_count; ++slot) {
    const int16_t label = samples.used(slot) ? samples.info(slot).label : tinyml::SampleBuffer::kUnlabelled;
    if (label >= 0 && static_cast<size_t>(label) < labels_.size()) slots.push_back(slot);
  }
  std::sort(slots.begin(), slots.end(),
            [&](size_t a, size_t b) { return samples.info(a).sequence < samples.info(b).sequence; });
  const bool hold_back = slots.size() >= 5;
  std::vector<LabelledWindow> training, validation;
  for (size_t k = 0; k < slots.size(); ++k) {
    LabelledWindow w{std::vector<float>(m.view.feature_count), static_cast<size_t>(samples.info(slots[k]).label)};
    if (samples.Features(slots[k], {w.raw.data(), w.raw.size()}) != tinyml::Status::kOk) continue;
    (hold_back && k % 5 == 4 ? validation : training).push_back(std::move(w));
  }
  RenormalizeFromLabelled(training);
  FineTuneReport rep;
  m.tuner.ClearFresh();
  for (const LabelledWindow& w : training) {
    tinyml::Result r;
    if (m.classifier.ClassifyFeatures({w.raw.data(), w.raw.size()}, &r) != tinyml::Status::kOk) continue;
    if (m.tuner.AddFresh(m.classifier.head_input(), w.label) == tinyml::Status::kOk) ++rep.trained;
    if (w.label >= m.view.label_count && m.replay_per_class[w.label] < options_.teach_replay_windows &&
        m.tuner.AddReplay(m.classifier.head_input(), w.label) == tinyml::Status::kOk) {
      ++m.replay_per_class[w.label];
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
  rep.validation_right = Right(validation);
  if (report) *report = rep;
  return true;
}

size_t PatternDetector::Right(const std::vector<LabelledWindow>& windows) {
  size_t n = 0, got = 0;
  for (const LabelledWindow& w : windows) n += ClassifyStored(w.raw, &got) && got == w.label ? 1 : 0;
  return n;
}

// The labelled windows' true classes make the renormaliser's class means
// exact where its own guesses, under a drift, are not. Tried only when every
// labelled class has enough windows, and kept only when the running head
// then gets more of them right than before: what a gain error did is
// undone, but a drift the renormaliser's model does not cover (a rate
// error moves power between bins, not by one gain) is left to the head.
void PatternDetector::RenormalizeFromLabelled(const std::vector<LabelledWindow>& windows) {
  Model& m = *model_;
  if (options_.tune_renorm_min_windows <= 0.0f || windows.empty()) return;
  const size_t before = Right(windows);
  const tinyml::Span<const float> in_force_mean = m.classifier.feature_mean();
  const tinyml::Span<const float> in_force_std = m.classifier.feature_std();
  std::vector<float> mean(in_force_mean.data, in_force_mean.data + in_force_mean.size);
  std::vector<float> std(in_force_std.data, in_force_std.data + in_force_std.size);
  m.renorm.Reset();
  for (const LabelledWindow& w : windows) m.renorm.Observe({w.raw.data(), w.raw.size()}, w.label);
  for (const LabelledWindow& w : windows) {
    // A taught class has no training statistics to fit against.
    if (w.label < m.view.label_count && m.renorm.weight(w.label) < options_.tune_renorm_min_windows) return;
  }
  if (m.renorm.Fit(options_.tune_renorm_min_windows) != tinyml::Status::kOk) return;
  if (m.classifier.SetNormalization(m.renorm.mean(), m.renorm.std()) != tinyml::Status::kOk) return;
  if (Right(windows) <= before) {
    // Back to what was in force (the renormaliser's arrays now hold the refused fit).
    m.held_mean = std::move(mean);
    m.held_std = std::move(std);
    if (renormalized_) {
      (void)m.classifier.SetNormalization({m.held_mean.data(), m.held_mean.size()},
                                          {m.held_std.data(), m.held_std.size()});
    } else {
      (void)m.classifier.SetNormalization({}, {});
    }
    return;
  }
  m.applied_gain = m.renorm.common_gain();
  m.drift.Reset();
  renormalized_ = true;
}

std::optional<size_t> PatternDetector::TeachLabel(const std::string& label, std::string* why) {
  if (!model_ || !model_->tunable) {
    if (why) *why = model_ ? "this model's head cannot be fine-tuned" : "no model";
    return std::nullopt;
  }
  const auto it = std::find(labels_.begin(), labels_.end(), label);
  if (it != labels_.end()) return static_cast<size_t>(it - labels_.begin());
  if (label.empty()) {
    if (why) *why = "a label needs a name";
    return std::nullopt;
  }
  if (model_->tuner.AddOutput() != tinyml::Status::kOk) {
    if (why) {
      *why = "label limit: this device takes " + std::to_string(options_.teach_classes) +
             " classes beyond its model's, and has them";
    }
    return std::nullopt;
  }
  labels_.push_back(label);
  idle_.push_back(IsIdleLabel(label, options_.idle_label));
  counts_.push_back(0);
  model_->replay_per_class.resize(labels_.size(), 0);
  return labels_.size() - 1;
}

std::vector<float> PatternDetector::HeadWeightDelta() const {
  if (!model_ || !model_->tunable) return {};
  std::vector<float> d(model_->tuner.inputs() * model_->tuner.outputs() + model_->tuner.outputs());
  if (model_->tuner.WeightDelta({d.data(), d.size()}) != tinyml::Status::kOk) return {};
  return d;
}

}  // namespace lwcl::device
