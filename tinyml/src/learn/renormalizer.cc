#include "tinyml/learn/renormalizer.h"

#include <cmath>

#include "tinyml/dsp/spectral_features.h"

namespace lwcl::tinyml {

namespace {

constexpr float kMaxLogGain = 1.0f;  // g within [1/10, 10]
constexpr size_t kRms = 0;               // feature order per axis (spectral_features.h)

// The weighted median of values[0..n) (weights > 0), sorting both in place.
float WeightedMedian(float* values, float* weights, size_t n) {
  for (size_t i = 1; i < n; ++i) {  // insertion sort: n is a few hundred at most
    const float v = values[i], w = weights[i];
    size_t j = i;
    for (; j > 0 && values[j - 1] > v; --j) {
      values[j] = values[j - 1];
      weights[j] = weights[j - 1];
    }
    values[j] = v;
    weights[j] = w;
  }
  float total = 0.0f;
  for (size_t i = 0; i < n; ++i) total += weights[i];
  float below = 0.0f;
  for (size_t i = 0; i < n; ++i) {
    below += weights[i];
    if (below >= 0.5f * total) return values[i];
  }
  return n ? values[n - 1] : 0.0f;
}

}  // namespace

size_t Renormalizer::StateFloats(const PackageView& package) {
  const size_t f = package.feature_count, c = package.label_count;
  const size_t axes = package.dsp.axes == 0 ? 1 : package.dsp.axes;
  return c * f + c + 2 * f + axes + 2 * c * (f / axes);
}

Status Renormalizer::Init(const PackageView& package, Span<float> state, float forgetting) {
  const size_t f = package.feature_count;
  const size_t c = package.label_count;
  const size_t axes = package.dsp.axes;
  if (f == 0 || c == 0 || axes == 0 || f != SpectralFeatureCount(package.dsp) || f % axes != 0 ||
      f / axes <= kSpectralStatsPerAxis || package.centroids.size != c * f || package.feature_mean.size != f ||
      package.feature_std.size != f || state.size < StateFloats(package) || !(forgetting > 0.0f && forgetting < 1.0f)) {
    return Status::kInvalidArgument;
  }
  package_ = &package;
  features_ = f;
  classes_ = c;
  per_axis_ = f / axes;
  forgetting_ = forgetting;
  size_t at = 0;
  auto take = [&](size_t n) {
    Span<float> s = state.subspan(at, n);
    at += n;
    return s;
  };
  sums_ = take(c * f);
  weights_ = take(c);
  mean_ = take(f);
  std_ = take(f);
  gains_ = take(axes);
  vote_value_ = take(c * per_axis_);
  vote_weight_ = take(c * per_axis_);
  for (size_t i = 0; i < f; ++i) {
    mean_[i] = package.feature_mean[i];
    std_[i] = package.feature_std[i];
  }
  for (float& g : gains_) g = 1.0f;
  Reset();
  return Status::kOk;
}

void Renormalizer::Reset() {
  for (float& s : sums_) s = 0.0f;
  for (float& w : weights_) w = 0.0f;
}

void Renormalizer::Observe(Span<const float> raw, size_t label) {
  if (package_ == nullptr || raw.size != features_ || label >= classes_) return;
  for (size_t i = 0; i < features_; ++i) {
    if (!std::isfinite(raw[i])) return;
  }
  // Every class forgets at the same pace, so the weights stay comparable.
  for (float& w : weights_) w *= forgetting_;
  for (float& v : sums_) v *= forgetting_;
  weights_[label] += 1.0f;
  float* sum = sums_.data + label * features_;
  for (size_t i = 0; i < features_; ++i) sum[i] += raw[i];
}

float Renormalizer::AxisLogGain(size_t axis, float min_weight) {
  const PackageView& p = *package_;
  const bool log_bins = p.dsp.log_spectrum;
  size_t n = 0;
  for (size_t c = 0; c < classes_; ++c) {
    const float w = weights_[c];
    if (!(w >= min_weight && w > 0.0f)) continue;
    for (size_t k = 0; k < per_axis_; ++k) {
      if (k != kRms && k < kSpectralStatsPerAxis) continue;  // shape statistics do not move
      const size_t i = axis * per_axis_ + k;
      const float trained = p.feature_mean[i] + p.feature_std[i] * p.centroids[c * features_ + i];
      const float seen = sums_[c * features_ + i] / w;
      float vote = 0.0f;
      if (k == kRms || !log_bins) {
        if (!(trained > 0.0f && seen > 0.0f)) continue;  // a ratio needs two magnitudes
        vote = std::log10(seen / trained) * (k == kRms ? 1.0f : 0.5f);
      } else {
        vote = 0.5f * (seen - trained);
      }
      if (!std::isfinite(vote)) continue;
      vote_value_[n] = vote;
      vote_weight_[n] = 1.0f;  // every class seen often enough counts the same
      ++n;
    }
  }
  if (n == 0) return 0.0f;
  const float median = WeightedMedian(vote_value_.data, vote_weight_.data, n);
  return median < -kMaxLogGain ? -kMaxLogGain : (median > kMaxLogGain ? kMaxLogGain : median);
}

void Renormalizer::MapAxis(size_t axis, float log_gain) {
  const PackageView& p = *package_;
  const float g = std::pow(10.0f, log_gain);
  gains_[axis] = g;
  for (size_t k = 0; k < per_axis_; ++k) {
    const size_t i = axis * per_axis_ + k;
    float scale = 1.0f, shift = 0.0f;
    if (k == kRms) {
      scale = g;
    } else if (k >= kSpectralStatsPerAxis) {
      if (p.dsp.log_spectrum) {
        shift = 2.0f * log_gain;
      } else {
        scale = g * g;
      }
    }
    mean_[i] = scale * p.feature_mean[i] + shift;
    std_[i] = scale * p.feature_std[i];
  }
}

Status Renormalizer::Fit(float min_weight) {
  if (package_ == nullptr) return Status::kNotReady;
  bool any = false;
  for (size_t c = 0; c < classes_; ++c) any |= weights_[c] >= min_weight && weights_[c] > 0.0f;
  if (!any) return Status::kNotReady;
  for (size_t axis = 0; axis < gains_.size; ++axis) MapAxis(axis, AxisLogGain(axis, min_weight));
  return Status::kOk;
}

float Renormalizer::common_gain() const {
  if (gains_.size == 0) return 1.0f;
  float log_sum = 0.0f;
  for (float g : gains_) log_sum += std::log10(g);
  return std::pow(10.0f, log_sum / static_cast<float>(gains_.size));
}

Status Renormalizer::ApplyGain(float gain) {
  if (package_ == nullptr) return Status::kNotReady;
  const float log_gain = std::log10(gain);
  if (!(log_gain >= -kMaxLogGain && log_gain <= kMaxLogGain)) return Status::kInvalidArgument;
  for (size_t axis = 0; axis < gains_.size; ++axis) MapAxis(axis, log_gain);
  return Status::kOk;
}

}  // namespace lwcl::tinyml
