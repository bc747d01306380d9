// RealFft: the core's own real-input FFT for power-of-two lengths 16..1024.
//
// The core must build bare-metal with nothing beside it, so it cannot lean on
// kissfft or CMSIS-DSP. This is a compact radix-2 transform: an N/2-point
// complex FFT over the even/odd samples packed as complex values, then one
// split pass that turns it into the N/2+1 bins of a real transform (the same
// bins as numpy.fft.rfft / kiss_fftr, unscaled).
//
// Promises: no heap; everything lives in the caller's scratch (a quarter-wave
// cosine table of N/4+1 floats, built once by Init, and an N+2 float work
// buffer); results are views into that work buffer and stay valid until the
// next Forward/Power call. Frames shorter than N are zero-padded, longer ones
// are truncated to N (as numpy.fft.rfft(x, n) does).
#ifndef LWCL_TINYML_DSP_FFT_H_
#define LWCL_TINYML_DSP_FFT_H_

#include <cstddef>

#include "tinyml/span.h"
#include "tinyml/status.h"

namespace lwcl::tinyml {

inline constexpr size_t kMinFftLength = 16;

// True for powers of two in [kMinFftLength, kMaxFftLength].
bool IsValidFftLength(size_t n);

// sin and cos of an angle in [0, pi/2], to float rounding. The DSP only ever
// needs first-quadrant angles (twiddles, filter design); using this instead of
// std::sin/cos/tan keeps newlib's large-argument reduction (about 3 KB of
// Cortex-M code and tables) out of the device image. Angles outside the range
// are clamped into it.
void SinCosQuadrant(float radians, float* sin_out, float* cos_out);

class RealFft {
 public:
  // Floats of scratch an n-point transform needs.
  static constexpr size_t ScratchFloats(size_t n) { return (n / 4 + 1) + (n + 2); }

  // kInvalidArgument for a bad length, kBufferTooSmall for short scratch.
  Status Init(size_t n, Span<float> scratch);

  // rfft(frame, n): n/2+1 complex bins, interleaved re, im (n+2 floats).
  // Empty if Init has not succeeded.
  Span<const float> Forward(Span<const float> frame);

  // |rfft(frame, n)|^2: n/2+1 bins, unscaled. Empty if Init has not succeeded.
  Span<const float> Power(Span<const float> frame);

  size_t length() const { return n_; }

 private:
  // W^k = exp(-2*pi*i*k/n) for 0 <= k <= n/2, from the quarter-wave table.
  void Twiddle(size_t k, float* re, float* im) const;

  size_t n_ = 0;
  float* cos_ = nullptr;   // cos(2*pi*j/n), j = 0..n/4
  float* work_ = nullptr;  // n+2 floats
};

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_DSP_FFT_H_
