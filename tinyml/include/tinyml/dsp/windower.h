// Windower: turns a stream of multi-axis samples into sliding windows.
//
// The detector classifies a window of window_samples samples every
// stride_samples samples. The windower keeps one linear buffer in the caller's
// arena: when a window has been handed out, the next Push first shifts the
// buffer left by the stride, so the window a caller reads is contiguous
// ([sample][axis], oldest first) with no second copy. A stride longer than
// the window drops the samples in between.
//
// Promises: no heap; Window() stays valid and unchanged until the next Push or
// Reset; a sample of the wrong width is ignored (Push returns false).
#ifndef LWCL_TINYML_DSP_WINDOWER_H_
#define LWCL_TINYML_DSP_WINDOWER_H_

#include <cstddef>
#include <cstdint>

#include "tinyml/span.h"
#include "tinyml/status.h"

namespace lwcl::tinyml {

class Windower {
 public:
  // storage must hold window_samples * axes floats (the caller's arena).
  // axes 1..kMaxAxes, window and stride >= 1, else kInvalidArgument;
  // short storage is kBufferTooSmall.
  Status Init(uint8_t axes, uint16_t window_samples, uint16_t stride_samples, Span<float> storage);
  // Push one sample of `axes` values; true when a full window is ready: first after
  // window_samples pushes, then after every further stride_samples pushes.
  bool Push(Span<const float> sample);
  Span<const float> Window() const;  // interleaved [sample][axis], oldest first
  void Reset();

 private:
  float* buffer_ = nullptr;
  uint8_t axes_ = 0;
  uint16_t window_ = 0;
  uint16_t stride_ = 0;
  uint16_t filled_ = 0;  // samples in the buffer
  uint16_t skip_ = 0;    // samples still to drop (stride > window)
  bool ready_ = false;   // a window was handed out; shift on the next push
};

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_DSP_WINDOWER_H_
