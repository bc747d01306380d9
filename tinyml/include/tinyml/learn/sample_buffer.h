// SampleBuffer: the windows a device keeps to learn from — the ones its model
// was unsure of or that looked drifted — as a bounded set in caller-provided
// storage. When it is full, adding a window drops the oldest one.
//
// Each sample holds a feature vector (whatever the caller stores: the device
// keeps raw, un-normalised features in the model's feature order, so a later
// re-normalisation or a server retraining can use them), the class the model
// gave it with that class's probability, the window's drift score, a time
// tag the caller chooses, an id, and an assigned label (kUnlabelled until a
// person, the server or an oracle says what the window really was).
//
// Storage: a feature vector is kept as int16, two bytes a feature instead
// of four. Each value is first centred and spread by the caller's `center`
// and `spread` (the device passes its package's normalisation, so features
// of very different sizes share the range), then scaled by one factor per
// sample, its largest |value| / 32767 (so a drifted window, many spreads
// away, keeps the same relative precision). Features() gives them back as
// floats, each within 1/65534 of the sample's largest centred value (times
// its spread) of what was added. A vector with a value that is not finite
// is not kept.
//
// Promises: no heap, no I/O. Init takes exactly FeatureValues(F, capacity)
// int16 and `capacity` SampleInfo slots. Ids are never 0xFFFF (LwM2M's
// invalid instance id) and never repeat among the samples held, so a sample
// can be an LwM2M object instance named by its id. Slots are visited in
// slot order; `info(slot).sequence` orders them by age (a 32-bit count of
// additions: 136 years at one capture a second).
#ifndef LWCL_TINYML_LEARN_SAMPLE_BUFFER_H_
#define LWCL_TINYML_LEARN_SAMPLE_BUFFER_H_

#include <cstddef>
#include <cstdint>

#include "tinyml/span.h"
#include "tinyml/status.h"

namespace lwcl::tinyml {

struct SampleInfo {
  uint32_t sequence = 0;   // insertion order, 0 = free slot
  uint32_t time = 0;       // the caller's time tag (seconds, say)
  float confidence = 0.0f; // probability of `predicted`
  float drift = 0.0f;      // the drift score when the window was taken
  uint16_t id = 0;
  uint16_t predicted = 0;  // class index the model gave
  int16_t label = -1;      // assigned class index, kUnlabelled when unknown
  float scale = 0.0f;      // centred value per int16 step of this sample's features
};

class SampleBuffer {
 public:
  static constexpr int16_t kUnlabelled = -1;
  static constexpr uint16_t kNoId = 0xFFFF;
  static constexpr size_t FeatureValues(size_t features, size_t capacity) { return features * capacity; }

  // kInvalidArgument for 0 features, 0 slots, or a center/spread that is not
  // empty or `features` long (spread > 0); kBufferTooSmall when `storage` is
  // shorter than FeatureValues(features, slots.size). Empty center/spread:
  // 0 and 1. Both must outlive the buffer.
  Status Init(size_t features, Span<int16_t> storage, Span<SampleInfo> slots, Span<const float> center = {},
              Span<const float> spread = {});

  // Keeps `features` (feature_count() floats, as above). Returns the new
  // sample's id, and in *dropped the id of the sample it displaced (kNoId
  // when there was room). kNoId and nothing kept when the size is wrong or
  // a value is not finite.
  uint16_t Add(Span<const float> features, uint16_t predicted, float confidence, float drift, uint32_t time,
               uint16_t* dropped);

  // kInvalidArgument for an unknown id or a label below kUnlabelled.
  Status SetLabel(uint16_t id, int16_t label);
  // kInvalidArgument for an unknown id.
  Status Remove(uint16_t id);
  void Clear();

  size_t feature_count() const { return features_; }
  size_t capacity() const { return slots_.size; }
  size_t size() const { return size_; }
  size_t labelled() const;
  // The slot holding `id`, or capacity() when none does.
  size_t Find(uint16_t id) const;
  bool used(size_t slot) const { return slot < slots_.size && slots_[slot].sequence != 0; }
  const SampleInfo& info(size_t slot) const { return slots_[slot]; }
  // The features of a used slot, back as floats, into `out` (feature_count()
  // of them). kInvalidArgument for an unused slot or a wrong size.
  Status Features(size_t slot, Span<float> out) const;

 private:
  bool IdInUse(uint16_t id) const;
  float Centred(Span<const float> features, size_t i) const;

  size_t features_ = 0;
  Span<int16_t> storage_;
  Span<const float> center_;
  Span<const float> spread_;
  Span<SampleInfo> slots_;
  size_t size_ = 0;
  uint32_t sequence_ = 0;
  uint16_t next_id_ = 0;
};

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_LEARN_SAMPLE_BUFFER_H_
