#include "device/sample_capture.h"

namespace lwcl::device {

void SampleCapture::Reset(size_t features, std::span<const float> center, std::span<const float> spread) {
  features_.assign(tinyml::SampleBuffer::FeatureValues(features, capacity_), 0);
  slots_.assign(capacity_, tinyml::SampleInfo{});
  // Only 0 features, 0 slots or a bad center/spread are refused; each leaves
  // an empty buffer that takes nothing (Add answers kNoId).
  (void)buffer_.Init(features, {features_.data(), features_.size()}, {slots_.data(), slots_.size()},
                     {center.data(), center.size()}, {spread.data(), spread.size()});
}

std::optional<CapturedSample> SampleCapture::Offer(std::span<const float> raw_features, size_t predicted,
                                                   float confidence, float drift, uint32_t time_s,
                                                   const CapturePolicy& policy) {
  const bool unsure = static_cast<double>(confidence) < policy.confidence_threshold;
  const bool drifted = static_cast<double>(drift) > policy.drift_threshold;
  if (!unsure && !drifted) return std::nullopt;
  CapturedSample out;
  out.id = buffer_.Add({raw_features.data(), raw_features.size()}, static_cast<uint16_t>(predicted), confidence,
                       drift, time_s, &out.dropped);
  if (out.id == tinyml::SampleBuffer::kNoId) return std::nullopt;
  return out;
}

}  // namespace lwcl::device
