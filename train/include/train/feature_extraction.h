// Feature extraction: windows -> spectral feature vectors, through the
// core's own ComputeSpectralFeatures, the exact code a device runs. There is
// no host re-implementation of the DSP to drift away from the device's.
#ifndef LWCL_TRAIN_FEATURE_EXTRACTION_H_
#define LWCL_TRAIN_FEATURE_EXTRACTION_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "tinyml/dsp/spectral_config.h"
#include "train/dataset.h"
#include "train/feature_matrix.h"
#include "train/windowing.h"

namespace lwcl::train {

// The default motion model's input and feature block: 3 axes in g at 26 Hz,
// 2 s windows (52 samples), no filter, FFT 16 with overlap, log spectrum:
// 3 x (RMS, skew, kurtosis, spectral skew, spectral kurtosis, 8 bins) = 39.
tinyml::SpectralConfig DefaultMotionConfig();
// Its stride: 13 samples (0.5 s).
inline constexpr uint16_t kDefaultMotionStrideSamples = 13;

// Reusable extractor: validates the config once and owns the scratch buffer.
class FeatureExtractor {
 public:
  // Throws std::invalid_argument when the core rejects the config.
  explicit FeatureExtractor(const tinyml::SpectralConfig& config);

  size_t feature_count() const { return feature_count_; }
  const tinyml::SpectralConfig& config() const { return config_; }

  // One window of config.window_samples x config.axes interleaved values into
  // `features` (feature_count() long). Throws std::runtime_error on failure.
  void Extract(std::span<const float> window, std::span<float> features);
  std::vector<float> Extract(std::span<const float> window);

 private:
  tinyml::SpectralConfig config_;
  size_t feature_count_ = 0;
  std::vector<float> scratch_;
};

// Features of the given windows; row labels are the recordings' class ids.
// Every window must have config.axes axes (std::invalid_argument otherwise).
FeatureMatrix ExtractFeatures(const Dataset& dataset, std::span<const WindowRef> windows,
                              const tinyml::SpectralConfig& config);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_FEATURE_EXTRACTION_H_
