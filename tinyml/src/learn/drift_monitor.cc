#include "tinyml/learn/drift_monitor.h"

#include <cmath>

namespace lwcl::tinyml {

Status DriftMonitor::Init(const PackageView& package, Span<float> state, float forgetting) {
  const size_t f = package.feature_count;
  const size_t c = package.label_count;
  if (f == 0 || c == 0 || package.centroids.size != c * f || package.drift_variance.size != f ||
      state.size < StateFloats(f) ||
      !(forgetting > 0.0f && forgetting < 1.0f)) {
    return Status::kInvalidArgument;
  }
  centroids_ = package.centroids;
  variance_ = package.drift_variance;
  features_ = f;
  classes_ = c;
  residual_ = {state.data, f};
  forgetting_ = forgetting;
  Reset();
  return Status::kOk;
}

void DriftMonitor::Reset() {
  for (float& r : residual_) r = 0.0f;
  weight_ = 0.0f;
  confidence_ = 0.0f;
  windows_ = 0;
}

void DriftMonitor::Update(Span<const float> normalized, size_t label, float confidence) {
  if (features_ == 0 || normalized.size != features_ || label >= classes_) return;
  const float* centroid = centroids_.data + label * features_;
  for (size_t i = 0; i < features_; ++i) {
    residual_[i] = forgetting_ * residual_[i] + (normalized[i] - centroid[i]);
  }
  confidence_ = forgetting_ * confidence_ + confidence;
  weight_ = forgetting_ * weight_ + 1.0f;
  if (windows_ != UINT32_MAX) ++windows_;
}

float DriftMonitor::score() const {
  if (windows_ == 0 || weight_ <= 0.0f) return 0.0f;
  float sum = 0.0f;
  for (size_t i = 0; i < features_; ++i) {
    const float mean = residual_[i] / weight_;
    const float v = variance_[i] > 1e-12f ? variance_[i] : 1e-12f;
    sum += mean * mean / v;
  }
  return std::sqrt(sum / static_cast<float>(features_));
}

float DriftMonitor::mean_confidence() const { return windows_ == 0 ? 0.0f : confidence_ / weight_; }

}  // namespace lwcl::tinyml
