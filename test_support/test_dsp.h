// Spectral configurations the tests share: a small one that keeps test
// models tiny, and the default motion one the devices run.
#ifndef LWCL_TEST_SUPPORT_TEST_DSP_H_
#define LWCL_TEST_SUPPORT_TEST_DSP_H_

#include "tinyml/dsp/spectral_config.h"

namespace lwcl::testing {

// 1 axis, 16-sample windows, FFT 16: 5 statistics + 8 bins = 13 features.
inline tinyml::SpectralConfig SmallDsp() {
  tinyml::SpectralConfig c;
  c.axes = 1;
  c.window_samples = 16;
  c.sample_rate_hz = 16.0f;
  c.fft_length = 16;
  return c;
}

// 3 axes, 52 samples at 26 Hz, FFT 16: the default motion model, 39 features.
inline tinyml::SpectralConfig MotionDsp() { return tinyml::SpectralConfig(); }

}  // namespace lwcl::testing

#endif  // LWCL_TEST_SUPPORT_TEST_DSP_H_
