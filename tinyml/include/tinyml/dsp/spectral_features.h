// Spectral features: Edge Impulse's "Spectral Analysis" block (implementation
// version 4, FFT analysis) computed on the device from a SpectralConfig.
//
// Users tune that block in Edge Impulse today; computing the same features
// from the same parameters lets their settings and trained models carry over.
// Confirmed against Edge Impulse's public code (processing-blocks
// spectral_analysis/dsp.py + common/spectrum.py + common/sampling.py, and the
// C++ SDK's dsp/spectral/{feature,signal}.hpp and dsp/numpy.hpp):
//  - Per axis, in this order: multiply by scale; decimate; Butterworth filter
//    (designed at the decimated rate, zero initial state, one direction);
//    subtract the mean.
//  - Features per axis, in this order: RMS; skewness = mean(x^3)/sd^3;
//    kurtosis = mean(x^4)/sd^4 - 3, with sd = RMS (the mean is zero) and an sd
//    of 0 taken as 1e-10; spectral skewness; spectral kurtosis; then the bins.
//    (No standard deviation: it equals the RMS.) Axes are concatenated.
//  - Spectrum: "Welch max-hold": frames of N samples starting at 0, N/2, N, ...
//    (overlap) or 0, N, 2N, ... (no overlap) while the start is inside the
//    signal; a partial last frame is zero-padded (a signal shorter than N is one
//    padded frame); power |rfft|^2 / N; element-wise maximum; no window.
//  - Spectral skewness/kurtosis are over the FULL max-hold spectrum (all N/2+1
//    bins, DC included, linear power, before the log), population moments
//    (scipy.stats skew/kurtosis, Fisher); a flat spectrum gives 0 and -3.
//  - Bins: DC is always dropped. No filter: 1..N/2. With b = cutoff*N/fs,
//    low-pass: 1..(int)(b + 0.5); high-pass: (int)(b - 0.5) + 1 (at least 1)
//    ..N/2. log10 with exact zeros replaced by 1e-10 when log_spectrum is on.
//    A cut-off that leaves no bin is an invalid configuration. (These are the
//    C++ SDK's integer rules; the Python block's float comparisons agree except
//    when b - 0.5 is an exact integer, where the SDK keeps one bin fewer.)
//  - Decimation ("input decimation ratio"): 1, 3, 10, 30 (3 then 10) or 100
//    (10 then 10). Each stage is an order-8 Chebyshev I low-pass (0.05 dB
//    ripple, edge 0.8/r) started in steady state for the first sample
//    (scipy sosfilt_zi * x[0]), then every r-th sample from index 0, so the
//    length becomes ceil(n / r). The filter cut-off must then be at most 0.9 of
//    the decimated Nyquist. (1000 is left out: it does not fit the uint8 field.)
//  - Not implemented: the "extra low frequency" features and wavelet analysis.
//    A filter type with order 0 (the SDK's "bins only" mode) is refused: the
//    order must be even, 2..8, whenever a filter type is set.
//
// Promises: no heap; the caller passes scratch (SpectralScratchFloats floats);
// the window is never modified.
#ifndef LWCL_TINYML_DSP_SPECTRAL_FEATURES_H_
#define LWCL_TINYML_DSP_SPECTRAL_FEATURES_H_

#include <cstddef>
#include <cstdint>

#include "tinyml/span.h"
#include "tinyml/dsp/spectral_config.h"
#include "tinyml/status.h"

namespace lwcl::tinyml {

// Features per axis ahead of the bins: RMS, skewness, kurtosis, spectral
// skewness, spectral kurtosis.
inline constexpr size_t kSpectralStatsPerAxis = 5;

// Ranges, even filter order 2..8, power-of-two FFT, axes 1..kMaxAxes,
// decimation 1/3/10/30/100, cut-off inside the (decimated) Nyquist and leaving
// at least one bin. kOk or kInvalidArgument.
Status ValidateSpectralConfig(const SpectralConfig& c);

// Total features over all axes (0 if the config is invalid).
size_t SpectralFeatureCount(const SpectralConfig& c);

// Floats of scratch ComputeSpectralFeatures needs (FFT table and work buffer,
// one axis copy, the max-hold spectrum); 0 if the config is invalid.
size_t SpectralScratchFloats(const SpectralConfig& c);

// window: window_samples * axes floats, interleaved [sample][axis], oldest
// first. features: at least SpectralFeatureCount floats; axes concatenated.
// kInvalidArgument for an invalid config, kBufferTooSmall for a short span.
Status ComputeSpectralFeatures(const SpectralConfig& c, Span<const float> window, Span<float> scratch,
                               Span<float> features);

// The decimation step alone, in place: returns the new length ceil(n / ratio),
// or 0 if ratio is not 1, 3, 10, 30 or 100. Exposed for tests and the trainer.
size_t DecimateInPlace(uint8_t ratio, Span<float> signal);

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_DSP_SPECTRAL_FEATURES_H_
