#include "device/replay_source.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace lwcl::device {
namespace {

float CheckedRate(float rate_hz) {
  if (!(rate_hz > 0.0f) || !std::isfinite(rate_hz)) {
    throw std::invalid_argument("replay: the rate must be a positive number of Hz");
  }
  return rate_hz;
}

}  // namespace

std::vector<Sample> SamplesFromInterleaved(std::span<const float> values, size_t stride,
                                           std::array<size_t, 3> columns) {
  if (stride == 0 || values.size() % stride != 0) {
    throw std::invalid_argument("replay: " + std::to_string(values.size()) +
                                " values are not whole samples of " + std::to_string(stride));
  }
  for (size_t c : columns) {
    if (c >= stride) {
      throw std::invalid_argument("replay: column " + std::to_string(c) + " of samples with " +
                                  std::to_string(stride) + " values");
    }
  }
  std::vector<Sample> out(values.size() / stride);
  for (size_t i = 0; i < out.size(); ++i) {
    for (size_t a = 0; a < 3; ++a) out[i][a] = values[i * stride + columns[a]];
  }
  return out;
}

ReplaySource::ReplaySource(std::vector<Sample> samples, float rate_hz, std::string label, bool loop)
    : samples_(std::move(samples)), rate_hz_(CheckedRate(rate_hz)), loop_(loop) {
  runs_.push_back({0, std::move(label)});
}

ReplaySource::ReplaySource(std::vector<Sample> samples, float rate_hz,
                           const std::vector<std::string>& labels, bool loop)
    : samples_(std::move(samples)), rate_hz_(CheckedRate(rate_hz)), loop_(loop) {
  if (labels.size() != samples_.size()) {
    throw std::invalid_argument("replay: " + std::to_string(labels.size()) + " labels for " +
                                std::to_string(samples_.size()) + " samples");
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    if (runs_.empty() || runs_.back().label != labels[i]) runs_.push_back({i, labels[i]});
  }
  if (runs_.empty()) runs_.push_back({0, std::string()});
}

bool ReplaySource::Next(Sample* out) {
  if (ended_) return false;
  if (next_ >= samples_.size()) {
    if (!loop_ || samples_.empty()) {
      ended_ = true;
      return false;
    }
    next_ = 0;
    ++loops_;
  }
  current_ = next_++;
  started_ = true;
  *out = samples_[current_];
  return true;
}

std::string_view ReplaySource::truth() const {
  if (!started_ || ended_) return {};
  // The last run starting at or before the current sample.
  const auto it = std::upper_bound(runs_.begin(), runs_.end(), current_,
                                   [](size_t i, const LabelRun& r) { return i < r.begin; });
  return it == runs_.begin() ? std::string_view() : std::string_view(std::prev(it)->label);
}

void ReplaySource::Rewind() {
  next_ = 0;
  current_ = 0;
  started_ = false;
  ended_ = false;
}

}  // namespace lwcl::device
