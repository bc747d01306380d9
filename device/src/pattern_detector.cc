#include "device/pattern_detector.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "tinyml/runtime/memory_plan.h"
#include "tinyml/status.h"

namespace lwcl::device {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string ToString(tinyml::Span<const char> s) { return std::string(s.data, s.size); }

}  // namespace

bool IsIdleLabel(std::string_view label, std::string_view idle_label) {
  const std::string l = Lower(label);
  if (!idle_label.empty() && l == Lower(idle_label)) return true;
  static const char* kNames[] = {"idle", "still", "rest", "none", "no motion", "no_motion", "nomotion", "background"};
  return std::find(std::begin(kNames), std::end(kNames), l) != std::end(kNames);
}

bool PatternDetector::LoadModel(std::span<const uint8_t> package, std::string* error) {
  auto m = std::make_unique<Model>();
  m->words.resize((package.size() + 3) / 4);
  if (!package.empty()) std::memcpy(m->words.data(), package.data(), package.size());
  const tinyml::Span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(m->words.data()), package.size());
  if (tinyml::Status s = tinyml::ReadPackage(bytes, &m->view); s != tinyml::Status::kOk) {
    if (error) *error = std::string("model package refused: ") + tinyml::StatusName(s);
    return false;
  }
  if (m->view.is_delta) {
    if (error) *error = "model package is a delta: it needs its base package";
    return false;
  }
  if (m->view.dsp.axes != 3) {
    if (error) *error = "model package expects " + std::to_string(m->view.dsp.axes) + " axes; the device has 3";
    return false;
  }
  m->arena_bytes = tinyml::RequiredArenaBytes(m->view, options_.teach_classes);
  m->arena.resize((m->arena_bytes + 3) / 4);
  const tinyml::Span<uint8_t> arena(reinterpret_cast<uint8_t*>(m->arena.data()), m->arena_bytes);
  if (tinyml::Status s = m->classifier.Init(m->view, arena, options_.teach_classes); s != tinyml::Status::kOk) {
    if (error) *error = std::string("model cannot run: ") + tinyml::StatusName(s);
    return false;
  }
  m->drift_state.resize(tinyml::DriftMonitor::StateFloats(m->view.feature_count));
  if (tinyml::Status s = m->drift.Init(m->view, {m->drift_state.data(), m->drift_state.size()},
                                       options_.drift_forgetting);
      s != tinyml::Status::kOk) {
    if (error) *error = std::string("model has no usable drift reference: ") + tinyml::StatusName(s);
    return false;
  }
  m->renorm_state.resize(tinyml::Renormalizer::StateFloats(m->view));
  if (tinyml::Status s = m->renorm.Init(m->view, {m->renorm_state.data(), m->renorm_state.size()},
                                        options_.renorm_forgetting);
      s != tinyml::Status::kOk) {
    if (error) *error = std::string("model has no usable normalisation reference: ") + tinyml::StatusName(s);
    return false;
  }
  const tinyml::Status g = m->gravity.Init(m->view, {m->gravity_state, tinyml::GravityGauge::kStateFloats},
                                           options_.drift_forgetting);
  if (g != tinyml::Status::kOk && g != tinyml::Status::kMissingSection) {
    if (error) *error = std::string("model has no usable gravity reference: ") + tinyml::StatusName(g);
    return false;
  }
  m->has_gravity = g == tinyml::Status::kOk;
  InitTuner(*m);
  // The new model is sound: switch to it, ending any detection of the old one.
  if (active_ && listener_) {
    const size_t was = *active_;
    active_.reset();
    listener_(was, false);
  }
  model_ = std::move(m);
  labels_.clear();
  idle_.clear();
  for (size_t i = 0; i < model_->view.label_count; ++i) {
    labels_.push_back(ToString(model_->view.labels[i]));
    idle_.push_back(IsIdleLabel(labels_.back(), options_.idle_label));
  }
  counts_.assign(labels_.size(), 0);
  total_detections_ = 0;
  active_.reset();
  candidate_.reset();
  candidate_streak_ = 0;
  release_streak_ = 0;
  classifications_ = 0;
  confidence_sum_ = 0.0;
  raw_features_.clear();
  renormalized_ = false;
  collecting_.reset();
  return true;
}

std::string PatternDetector::model_name() const { return model_ ? ToString(model_->view.name) : std::string(); }
std::string PatternDetector::model_version() const {
  return model_ ? ToString(model_->view.version) : std::string();
}

bool PatternDetector::Push(const Sample& sample) {
  if (!model_) return false;
  if (!model_->classifier.PushSample(tinyml::Span<const float>(sample.data(), sample.size()))) return false;
  const tinyml::Result& r = model_->classifier.result();
  ++classifications_;
  confidence_sum_ += static_cast<double>(r.confidence);
  if (model_->has_gravity) model_->gravity.Observe(model_->classifier.window());
  model_->drift.Update(model_->classifier.features(), r.label, r.confidence);
  // The raw features, back through the normalisation in force.
  const tinyml::Classifier& c = model_->classifier;
  const tinyml::Span<const float> n = c.features();
  raw_features_.resize(n.size);
  for (size_t i = 0; i < n.size; ++i) raw_features_[i] = n[i] * c.feature_std()[i] + c.feature_mean()[i];
  // Only windows the model is sure of: one that straddles two motions would
  // smear its class's means (an idle window with the end of a wave in it).
  if (r.confidence >= options_.renorm_min_confidence) {
    model_->renorm.Observe({raw_features_.data(), raw_features_.size()}, r.label);
  }
  KeepForReplay(r);
  Decide(r);
  return true;
}

bool PatternDetector::Renormalize(std::string* why) {
  if (!model_) {
    if (why) *why = "no model";
    return false;
  }
  Model& m = *model_;
  float gain = 1.0f;
  if (m.has_gravity) {
    tinyml::GravityEstimate e;
    if (!m.gravity.settled() || m.gravity.Estimate(&e) != tinyml::Status::kOk) {
      if (why) *why = "the gravity gauge has seen too few still windows yet";
      return false;
    }
    if (m.renorm.ApplyGain(e.gain) != tinyml::Status::kOk) {
      if (why) *why = "the measured gain " + std::to_string(e.gain) + " is outside 0.1..10";
      return false;
    }
    gain = e.gain;
  } else if (m.renorm.Fit(options_.renorm_min_windows) != tinyml::Status::kOk) {
    if (why) {
      *why = "no class seen in " + std::to_string(static_cast<int>(options_.renorm_min_windows)) +
             " recent windows yet";
    }
    return false;
  } else {
    gain = m.renorm.common_gain();
  }
  if (m.classifier.SetNormalization(m.renorm.mean(), m.renorm.std()) != tinyml::Status::kOk) {
    if (why) *why = "the fitted normalisation was refused";
    return false;
  }
  m.applied_gain = gain;
  m.drift.Reset();
  renormalized_ = true;
  return true;
}

void PatternDetector::ResetToBaseline() {
  if (!model_) return;
  (void)model_->classifier.SetNormalization({}, {});
  model_->renorm.Reset();
  model_->drift.Reset();
  model_->gravity.Reset();
  model_->applied_gain = 1.0f;
  collecting_.reset();
  (void)model_->classifier.SetHead(nullptr);
  if (model_->tunable) model_->tuner.Reset();
  renormalized_ = false;
  const size_t package_labels = model_->view.label_count;
  if (labels_.size() > package_labels) {
    if (active_ && *active_ >= package_labels) SetActive(std::nullopt);
    if (candidate_ && *candidate_ >= package_labels) {
      candidate_.reset();
      candidate_streak_ = 0;
    }
    labels_.resize(package_labels);
    idle_.resize(package_labels);
    counts_.resize(package_labels);
    model_->replay_per_class.resize(package_labels);
  }
}

bool PatternDetector::AdaptIfDrifted(float threshold, uint64_t collect_windows) {
  if (!model_) return false;
  if (collecting_) {
    if (++*collecting_ < collect_windows || !Renormalize(nullptr)) return false;
    collecting_.reset();
    return true;
  }
  if (drift_settled() && drift_score() > threshold) {
    ForgetRenormalizerWindows();
    collecting_ = 0;
  }
  return false;
}

void PatternDetector::ForgetRenormalizerWindows() {
  if (!model_) return;
  model_->renorm.Reset();
  model_->gravity.Reset();
}

float PatternDetector::gravity_score() const {
  if (!model_ || !model_->has_gravity || !model_->gravity.settled()) return 0.0f;
  return model_->gravity.Score(model_->applied_gain);
}

float PatternDetector::gravity_gain() const {
  tinyml::GravityEstimate e;
  if (!model_ || !model_->has_gravity || !model_->gravity.settled() ||
      model_->gravity.Estimate(&e) != tinyml::Status::kOk) {
    return 1.0f;
  }
  return e.gain;
}

float PatternDetector::drift_score() const {
  if (!model_) return 0.0f;
  return std::max(model_->drift.score(), gravity_score());
}

std::span<const float> PatternDetector::feature_mean() const {
  if (!model_) return {};
  const tinyml::Span<const float> m = model_->classifier.feature_mean();
  return {m.data, m.size};
}
std::span<const float> PatternDetector::feature_std() const {
  if (!model_) return {};
  const tinyml::Span<const float> s = model_->classifier.feature_std();
  return {s.data, s.size};
}

void PatternDetector::ResetStream() {
  if (model_) model_->classifier.ResetStream();
  candidate_.reset();
  candidate_streak_ = 0;
  release_streak_ = 0;
}

void PatternDetector::Decide(const tinyml::Result& r) {
  const bool confident = r.confidence >= options_.threshold && r.label < labels_.size();
  // The streak of confident windows of one label.
  if (confident && candidate_ == r.label) {
    ++candidate_streak_;
  } else if (confident) {
    candidate_ = r.label;
    candidate_streak_ = 1;
  } else {
    candidate_.reset();
    candidate_streak_ = 0;
  }

  if (active_) {
    if (confident && r.label == *active_) {
      release_streak_ = 0;
      return;
    }
    ++release_streak_;
    // A different pattern confirmed: switch at once; otherwise end after the release streak.
    const bool other_confirmed = candidate_ && *candidate_ != *active_ && !idle_[*candidate_] &&
                                 candidate_streak_ >= options_.confirm_windows;
    if (other_confirmed) {
      SetActive(candidate_);
      return;
    }
    if (release_streak_ >= options_.release_windows) SetActive(std::nullopt);
    return;
  }
  if (candidate_ && !idle_[*candidate_] && candidate_streak_ >= options_.confirm_windows) SetActive(candidate_);
}

void PatternDetector::SetActive(std::optional<size_t> label) {
  if (active_ == label) return;
  const std::optional<size_t> was = active_;
  active_ = label;
  release_streak_ = 0;
  if (label) {
    ++counts_[*label];
    ++total_detections_;
  }
  if (listener_) {
    if (was) listener_(*was, false);
    if (label) listener_(*label, true);
  }
}

bool PatternDetector::ClassifyStored(std::span<const float> raw, size_t* label) {
  if (!model_ || raw.size() != model_->view.feature_count) return false;
  tinyml::Result r;
  if (model_->classifier.ClassifyFeatures({raw.data(), raw.size()}, &r) != tinyml::Status::kOk) return false;
  *label = r.label;
  return true;
}

}  // namespace lwcl::device
