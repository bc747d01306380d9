#include "tinyml/learn/sample_buffer.h"

namespace lwcl::tinyml {

Status SampleBuffer::Init(size_t features, Span<float> features_storage, Span<SampleInfo> slots) {
  if (features == 0 || slots.size == 0) return Status::kInvalidArgument;
  if (features_storage.size < FeatureFloats(features, slots.size)) return Status::kBufferTooSmall;
  features_ = features;
  storage_ = features_storage;
  slots_ = slots;
  Clear();
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
  float* out = storage_.data + slot * features_;
  for (size_t i = 0; i < features_; ++i) out[i] = features[i];
  ++size_;
  return s.id;
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
