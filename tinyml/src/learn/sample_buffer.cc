#include "tinyml/learn/sample_buffer.h"

#include <cmath>

namespace lwcl::tinyml {
namespace {

constexpr float kSteps = 32767.0f;

}  // namespace

Status SampleBuffer::Init(size_t features, Span<int16_t> storage, Span<SampleInfo> slots, Span<const float> center,
                          Span<const float> spread) {
  if (features == 0 || slots.size == 0) return Status::kInvalidArgument;
  if ((!center.empty() && center.size != features) || (!spread.empty() && spread.size != features)) {
    return Status::kInvalidArgument;
  }
  for (size_t i = 0; i < spread.size; ++i) {
    if (!(spread[i] > 0.0f)) return Status::kInvalidArgument;
  }
  if (storage.size < FeatureValues(features, slots.size)) return Status::kBufferTooSmall;
  features_ = features;
  storage_ = storage;
  slots_ = slots;
  center_ = center;
  spread_ = spread;
  Clear();
  return Status::kOk;
}

Status SampleBuffer::Features(size_t slot, Span<float> out) const {
  if (!used(slot) || out.size != features_) return Status::kInvalidArgument;
  const int16_t* q = storage_.data + slot * features_;
  const float scale = slots_[slot].scale;
  for (size_t i = 0; i < features_; ++i) {
    const float z = static_cast<float>(q[i]) * scale;
    out[i] = (spread_.empty() ? z : z * spread_[i]) + (center_.empty() ? 0.0f : center_[i]);
  }
  return Status::kOk;
}

void SampleBuffer::Clear() {
  for (SampleInfo& s : slots_) s = SampleInfo{};
  size_ = 0;
  sequence_ = 0;
}

bool SampleBuffer::IdInUse(uint16_t id) const { return Find(id) != slots_.size; }

size_t SampleBuffer::Find(uint16_t id) const {
  for (size_t i = 0; i < slots_.size; ++i) {
    if (slots_[i].sequence != 0 && slots_[i].id == id) return i;
  }
  return slots_.size;
}

uint16_t SampleBuffer::Add(Span<const float> features, uint16_t predicted, float confidence, float drift,
                           uint32_t time, uint16_t* dropped) {
  if (dropped) *dropped = kNoId;
  if (features_ == 0 || features.size != features_) return kNoId;
  float largest = 0.0f;
  for (size_t i = 0; i < features_; ++i) {
    const float z = std::fabs(Centred(features, i));
    if (!(z <= 3.0e38f)) return kNoId;  // NaN or infinite
    largest = z > largest ? z : largest;
  }
  // A free slot, else the oldest (smallest sequence).
  size_t slot = slots_.size;
  size_t oldest = 0;
  for (size_t i = 0; i < slots_.size; ++i) {
    if (slots_[i].sequence == 0) {
      slot = i;
      break;
    }
    if (slots_[i].sequence < slots_[oldest].sequence) oldest = i;
  }
  if (slot == slots_.size) {
    slot = oldest;
    if (dropped) *dropped = slots_[slot].id;
    slots_[slot].sequence = 0;  // so its id is free again
    --size_;
  }
  // The next id not held (there are at most capacity() < 0xFFFF of them).
  while (next_id_ == kNoId || IdInUse(next_id_)) next_id_ = static_cast<uint16_t>(next_id_ + 1);
  SampleInfo& s = slots_[slot];
  s.sequence = ++sequence_;
  s.time = time;
  s.confidence = confidence;
  s.drift = drift;
  s.id = next_id_;
  s.predicted = predicted;
  s.label = kUnlabelled;
  next_id_ = static_cast<uint16_t>(next_id_ + 1);
  s.scale = largest > 0.0f ? largest / kSteps : 1.0f;
  int16_t* out = storage_.data + slot * features_;
  // |centred| <= largest, so every quotient rounds into [-32767, 32767].
  for (size_t i = 0; i < features_; ++i) out[i] = static_cast<int16_t>(std::round(Centred(features, i) / s.scale));
  ++size_;
  return s.id;
}

float SampleBuffer::Centred(Span<const float> features, size_t i) const {
  const float v = features[i] - (center_.empty() ? 0.0f : center_[i]);
  return spread_.empty() ? v : v / spread_[i];
}

Status SampleBuffer::SetLabel(uint16_t id, int16_t label) {
  const size_t slot = Find(id);
  if (slot == slots_.size || label < kUnlabelled) return Status::kInvalidArgument;
  slots_[slot].label = label;
  return Status::kOk;
}

Status SampleBuffer::Remove(uint16_t id) {
  const size_t slot = Find(id);
  if (slot == slots_.size) return Status::kInvalidArgument;
  slots_[slot] = SampleInfo{};
  --size_;
  return Status::kOk;
}

size_t SampleBuffer::labelled() const {
  size_t n = 0;
  for (const SampleInfo& s : slots_) n += (s.sequence != 0 && s.label != kUnlabelled) ? 1 : 0;
  return n;
}

}  // namespace lwcl::tinyml
