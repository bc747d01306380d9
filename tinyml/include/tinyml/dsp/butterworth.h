// Butterworth low-/high-pass design as second-order sections, and the
// one-direction SOS filter that runs them.
//
// The spectral block filters each axis before its statistics and spectrum, as
// Edge Impulse's block does. The design follows scipy.signal.butter(order, fc,
// btype, fs=fs, output='sos'): analogue Butterworth prototype, cut-off
// pre-warped with tan(pi*fc/fs), bilinear transform; the whole gain sits in
// the first section and sections run from the most damped pole pair to the
// one closest to the unit circle (scipy's zpk2sos ordering), so coefficients
// compare one to one with scipy's. SosFilter is scipy.signal.sosfilt
// (transposed direct form II) with an explicit state, zero for a fresh start.
//
// Promises: no heap, float math only; design is a handful of tanf/sinf calls,
// cheap enough to redo per window.
#ifndef LWCL_TINYML_DSP_BUTTERWORTH_H_
#define LWCL_TINYML_DSP_BUTTERWORTH_H_

#include <cstddef>
#include <cstdint>

#include "tinyml/span.h"
#include "tinyml/dsp/spectral_config.h"
#include "tinyml/status.h"

namespace lwcl::tinyml {

inline constexpr uint8_t kMaxButterworthOrder = 8;

// One second-order section with a0 = 1 (scipy's row: b0 b1 b2 1 a1 a2).
struct Biquad {
  float b0, b1, b2, a1, a2;
};

struct ButterworthSos {
  Biquad sections[kMaxButterworthOrder / 2];
  uint8_t count = 0;  // order / 2
};

// type kLowPass or kHighPass; order even in 2..8; 0 < cutoff < sample_rate/2.
// Anything else is kInvalidArgument (and *out is left with count 0).
Status DesignButterworth(FilterType type, uint8_t order, float cutoff_hz, float sample_rate_hz,
                         ButterworthSos* out);

// Filters signal in place through the sections in order. state holds two
// floats per section (scipy's zi layout, section-major); it is updated, so a
// stream may continue across calls. Zero state = scipy.signal.sosfilt default.
// Does nothing if state is shorter than 2 * sections.size.
void SosFilter(Span<const Biquad> sections, Span<float> state, Span<float> signal);

// Convenience: zero initial state, one pass, as scipy.signal.sosfilt(sos, x).
void SosFilterZeroState(const ButterworthSos& sos, Span<float> signal);

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_DSP_BUTTERWORTH_H_
