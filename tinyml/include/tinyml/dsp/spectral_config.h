// SpectralConfig: the parameters of the spectral-analysis feature block.
//
// Mirrors Edge Impulse's "Spectral Analysis" block (implementation 4), so a
// user's tuned settings carry over field for field. This struct is plain data:
// it is stored in model packages and shared by the device, the trainer and the
// server, which is why it lives in its own header with no behaviour.
#ifndef LWCL_TINYML_DSP_SPECTRAL_CONFIG_H_
#define LWCL_TINYML_DSP_SPECTRAL_CONFIG_H_

#include <cstdint>

namespace lwcl::tinyml {

enum class FilterType : uint8_t { kNone = 0, kLowPass = 1, kHighPass = 2 };

struct SpectralConfig {
  uint8_t axes = 3;               // axes per sample (1..kMaxAxes)
  uint16_t window_samples = 52;   // samples per window, per axis
  float sample_rate_hz = 26.0f;   // rate of the samples in a window
  float scale = 1.0f;             // every input value is multiplied by this first
  uint8_t decimation = 1;         // 1 = none; otherwise keep every n-th sample after an anti-alias filter
  FilterType filter = FilterType::kNone;
  float filter_cutoff_hz = 0.0f;  // for low/high-pass
  uint8_t filter_order = 0;       // even, 2..8, for low/high-pass
  uint16_t fft_length = 16;       // power of two, 16..kMaxFftLength
  bool overlap = true;            // Welch frames step N/2 (true) or N (false)
  bool log_spectrum = true;       // bins as log10 (zeros replaced by 1e-10)
};

inline constexpr uint8_t kMaxAxes = 8;
inline constexpr uint16_t kMaxFftLength = 1024;

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_DSP_SPECTRAL_CONFIG_H_
