// DSP defaults: the spectral block the trainer uses when the user does not
// tune it, derived from the dataset (its rate and the axes selected) so a
// 26 Hz 3-axis phone recording and a 59 Hz 6-axis IMU export both get a
// sensible model without flags.
//
// FFT length: 16 unless the user says otherwise. At 2 s windows that gives 8
// bins per axis (3 axes: 39 features, the default motion model's size) at
// any rate from 26 to 100 Hz; measured on stm32-har (26 Hz) and nicla-motion
// (59 Hz), longer FFTs did not improve test accuracy (see docs/benchmarks.md).
// It is capped at the largest power of two not above the window.
#ifndef LWCL_TRAIN_DSP_DEFAULTS_H_
#define LWCL_TRAIN_DSP_DEFAULTS_H_

#include <cstddef>
#include <cstdint>

#include "tinyml/dsp/spectral_config.h"

namespace lwcl::train {

inline constexpr uint16_t kDefaultFftLength = 16;

// `fft_length` 0 = the default above. Throws DatasetError when `axes` is
// outside 1..tinyml::kMaxAxes or the window does not fit the package's
// 16-bit fields.
tinyml::SpectralConfig SpectralConfigFor(float rate_hz, size_t axes, size_t window_samples,
                                         uint16_t fft_length);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_DSP_DEFAULTS_H_
