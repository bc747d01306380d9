#include "tinyml/dsp/windower.h"

#include "tinyml/dsp/spectral_config.h"

namespace lwcl::tinyml {

Status Windower::Init(uint8_t axes, uint16_t window_samples, uint16_t stride_samples, Span<float> storage) {
  buffer_ = nullptr;
  axes_ = 0;
  Reset();
  if (axes < 1 || axes > kMaxAxes || window_samples < 1 || stride_samples < 1) return Status::kInvalidArgument;
  if (storage.data == nullptr || storage.size < static_cast<size_t>(window_samples) * axes) {
    return Status::kBufferTooSmall;
  }
  buffer_ = storage.data;
  axes_ = axes;
  window_ = window_samples;
  stride_ = stride_samples;
  return Status::kOk;
}

bool Windower::Push(Span<const float> sample) {
  if (buffer_ == nullptr || sample.size != axes_) return false;
  if (ready_) {
    ready_ = false;
    if (stride_ >= window_) {
      filled_ = 0;
      skip_ = static_cast<uint16_t>(stride_ - window_);
    } else {
      // Keep the newest window - stride samples at the front.
      const size_t keep = static_cast<size_t>(window_ - stride_) * axes_;
      const float* src = buffer_ + static_cast<size_t>(stride_) * axes_;
      for (size_t i = 0; i < keep; ++i) buffer_[i] = src[i];
      filled_ = static_cast<uint16_t>(window_ - stride_);
    }
  }
  if (skip_ > 0) {
    --skip_;
    return false;
  }
  float* dst = buffer_ + static_cast<size_t>(filled_) * axes_;
  for (size_t a = 0; a < axes_; ++a) dst[a] = sample[a];
  ++filled_;
  ready_ = filled_ == window_;
  return ready_;
}

Span<const float> Windower::Window() const {
  if (buffer_ == nullptr) return {};
  return Span<const float>(buffer_, static_cast<size_t>(window_) * axes_);
}

void Windower::Reset() {
  filled_ = 0;
  skip_ = 0;
  ready_ = false;
}

}  // namespace lwcl::tinyml
