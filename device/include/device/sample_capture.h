// SampleCapture: which windows a device keeps to learn from, and where: a
// tinyml::SampleBuffer (heap-free, the same code the Cortex-M33 runs) sized
// for the active model. A window is kept when the model was unsure of it
// (confidence below the capture threshold, /33651/0/12) or when it came
// while the device looked drifted (drift score above the drift threshold,
// /33651/0/13, once the drift monitor has settled: its first ~70 windows
// after a model starts do not count). The buffer is bounded; the oldest sample makes room.
//
// It keeps raw features (the normalised ones the classifier used, mapped
// back through the normalisation in force), so a re-normalisation or a
// server retraining sees what the sensor produced. A new model starts an
// empty buffer: class indices and feature layouts belong to one model.
#ifndef LWCL_DEVICE_SAMPLE_CAPTURE_H_
#define LWCL_DEVICE_SAMPLE_CAPTURE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "tinyml/learn/sample_buffer.h"

namespace lwcl::device {

struct CapturePolicy {
  double confidence_threshold = 0.5;  // keep windows less confident than this
  double drift_threshold = 5.0;       // ... or with a drift score above this
};

struct CapturedSample {
  uint16_t id = tinyml::SampleBuffer::kNoId;
  uint16_t dropped = tinyml::SampleBuffer::kNoId;  // the sample it displaced, if any
};

class SampleCapture {
 public:
  static constexpr size_t kDefaultCapacity = 32;

  explicit SampleCapture(size_t capacity = kDefaultCapacity) : capacity_(capacity) {}
  // An empty buffer for `features`-long vectors, kept as int16 around
  // `center` by `spread` (the package's normalisation; both must outlive
  // the buffer; empty: 0 and 1; tinyml/learn/sample_buffer.h).
  void Reset(size_t features, std::span<const float> center = {}, std::span<const float> spread = {});

  // One classified window; kept (and its id returned) when the policy says so.
  std::optional<CapturedSample> Offer(std::span<const float> raw_features, size_t predicted, float confidence,
                                      float drift, uint32_t time_s, const CapturePolicy& policy);

  tinyml::SampleBuffer& buffer() { return buffer_; }
  const tinyml::SampleBuffer& buffer() const { return buffer_; }
  size_t capacity() const { return capacity_; }

 private:
  size_t capacity_;
  std::vector<int16_t> features_;
  std::vector<tinyml::SampleInfo> slots_;
  tinyml::SampleBuffer buffer_;
};

}  // namespace lwcl::device

#endif  // LWCL_DEVICE_SAMPLE_CAPTURE_H_
