// DSP suite: FFT, Butterworth and spectral features checked against
// closed-form facts, so it needs no reference data.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "selftest_suites.h"
#include "tinyml/dsp/butterworth.h"
#include "tinyml/dsp/fft.h"
#include "tinyml/dsp/spectral_features.h"

namespace lwcl::firmware {
namespace {

using tinyml::Span;
using tinyml::Status;

constexpr float kTwoPi = 6.28318530717958647692f;

// Deterministic pseudo-random samples in [-1, 1) (a 32-bit LCG), so the
// generic FFT check needs no stored data.
float NextSample(uint32_t* state) {
  *state = *state * 1664525u + 1013904223u;
  return static_cast<float>(*state >> 8) / 8388608.0f - 1.0f;
}

void CheckFft(SelftestChecks& checks) {
  static float scratch[tinyml::RealFft::ScratchFloats(256)];
  static float frame[256];
  tinyml::RealFft fft;

  checks.True(!tinyml::IsValidFftLength(24) && tinyml::IsValidFftLength(64), "fft.valid_lengths");
  checks.True(fft.Init(24, Span<float>(scratch)) == Status::kInvalidArgument, "fft.init_rejects_24");
  checks.True(fft.Init(256, Span<float>(scratch, 10)) == Status::kBufferTooSmall, "fft.init_short_scratch");

  // A cosine on bin 5 of a 64-point transform: N/2 in bin 5, nothing elsewhere.
  constexpr size_t kN = 64;
  constexpr size_t kBin = 5;
  if (!checks.StatusOk(fft.Init(kN, Span<float>(scratch)), "fft.init_64")) return;
  for (size_t i = 0; i < kN; ++i) {
    frame[i] = std::cos(kTwoPi * static_cast<float>(kBin * i % kN) / static_cast<float>(kN));
  }
  Span<const float> bins = fft.Forward(Span<const float>(frame, kN));
  if (checks.True(bins.size == kN + 2, "fft.forward_size")) {
    for (size_t k = 0; k <= kN / 2; ++k) {
      const float want_re = k == kBin ? static_cast<float>(kN) / 2.0f : 0.0f;
      checks.Near(bins[2 * k], want_re, 1e-3f, 1e-5f, "fft.cosine_re", static_cast<int32_t>(k));
      checks.Near(bins[2 * k + 1], 0.0f, 1e-3f, 0.0f, "fft.cosine_im", static_cast<int32_t>(k));
    }
  }
  Span<const float> power = fft.Power(Span<const float>(frame, kN));
  if (checks.True(power.size == kN / 2 + 1, "fft.power_size")) {
    checks.Near(power[kBin], 1024.0f, 1e-2f, 1e-5f, "fft.cosine_power", static_cast<int32_t>(kBin));
  }

  // A lone impulse shorter than N (zero-padded): every bin is 1 + 0i.
  const float impulse[3] = {1.0f, 0.0f, 0.0f};
  bins = fft.Forward(Span<const float>(impulse));
  for (size_t k = 0; k <= kN / 2 && bins.size == kN + 2; ++k) {
    checks.Near(bins[2 * k], 1.0f, 1e-6f, 0.0f, "fft.impulse_re", static_cast<int32_t>(k));
    checks.Near(bins[2 * k + 1], 0.0f, 1e-6f, 0.0f, "fft.impulse_im", static_cast<int32_t>(k));
  }

  // Noise through a 256-point transform against a direct DFT (double-free:
  // float accumulation, so the tolerance scales with N).
  constexpr size_t kM = 256;
  if (!checks.StatusOk(fft.Init(kM, Span<float>(scratch)), "fft.init_256")) return;
  uint32_t seed = 12345u;
  for (float& v : frame) v = NextSample(&seed);
  bins = fft.Forward(Span<const float>(frame, kM));
  if (!checks.True(bins.size == kM + 2, "fft.forward_size_256")) return;
  for (size_t k = 0; k <= kM / 2; k += 7) {
    float re = 0.0f;
    float im = 0.0f;
    for (size_t n = 0; n < kM; ++n) {
      const float angle = kTwoPi * static_cast<float>(k * n % kM) / static_cast<float>(kM);
      re += frame[n] * std::cos(angle);
      im -= frame[n] * std::sin(angle);
    }
    checks.Near(bins[2 * k], re, 2e-3f, 1e-4f, "fft.dft_re", static_cast<int32_t>(k));
    checks.Near(bins[2 * k + 1], im, 2e-3f, 1e-4f, "fft.dft_im", static_cast<int32_t>(k));
  }
}

// Largest |x| over the last `tail` samples.
float TailPeak(const float* x, size_t n, size_t tail) {
  float peak = 0.0f;
  for (size_t i = n - tail; i < n; ++i) peak = std::fmax(peak, std::fabs(x[i]));
  return peak;
}

void CheckButterworth(SelftestChecks& checks) {
  constexpr size_t kN = 400;
  static float signal[kN];
  tinyml::ButterworthSos sos;

  checks.True(tinyml::DesignButterworth(tinyml::FilterType::kLowPass, 3, 3.0f, 26.0f, &sos) ==
                  Status::kInvalidArgument,
              "butter.rejects_odd_order");
  checks.True(tinyml::DesignButterworth(tinyml::FilterType::kLowPass, 4, 13.0f, 26.0f, &sos) ==
                  Status::kInvalidArgument,
              "butter.rejects_nyquist_cutoff");

  // Low-pass, order 4, 3 Hz at 26 Hz: passes DC with unit gain, stops Nyquist.
  if (checks.StatusOk(tinyml::DesignButterworth(tinyml::FilterType::kLowPass, 4, 3.0f, 26.0f, &sos),
                      "butter.design_lowpass")) {
    checks.True(sos.count == 2, "butter.lowpass_sections");
    for (float& v : signal) v = 1.0f;
    tinyml::SosFilterZeroState(sos, Span<float>(signal));
    checks.Near(signal[kN - 1], 1.0f, 1e-3f, 0.0f, "butter.lowpass_dc_gain", -1);
    for (size_t i = 0; i < kN; ++i) signal[i] = (i % 2 == 0) ? 1.0f : -1.0f;
    tinyml::SosFilterZeroState(sos, Span<float>(signal));
    checks.Near(TailPeak(signal, kN, 50), 0.0f, 1e-3f, 0.0f, "butter.lowpass_nyquist", -1);
  }
  // High-pass, order 2, 1 Hz at 26 Hz: blocks DC, passes Nyquist.
  if (checks.StatusOk(tinyml::DesignButterworth(tinyml::FilterType::kHighPass, 2, 1.0f, 26.0f, &sos),
                      "butter.design_highpass")) {
    for (float& v : signal) v = 1.0f;
    tinyml::SosFilterZeroState(sos, Span<float>(signal));
    checks.Near(signal[kN - 1], 0.0f, 1e-3f, 0.0f, "butter.highpass_dc", -1);
    for (size_t i = 0; i < kN; ++i) signal[i] = (i % 2 == 0) ? 1.0f : -1.0f;
    tinyml::SosFilterZeroState(sos, Span<float>(signal));
    checks.Near(TailPeak(signal, kN, 50), 1.0f, 1e-2f, 0.0f, "butter.highpass_nyquist", -1);
  }
}

// Two axes, 4 s at 16 Hz, 16-point FFT without overlap (every frame full):
// axis 0 is sin(2*pi*2*t) (exactly bin 2), axis 1 a constant (zero after the
// mean is removed). Every checked value has a closed form:
//  sine: RMS 1/sqrt(2), skewness 0, kurtosis 3/2 - 3 = -1.5; max-hold power
//        (N/2)^2/N = 4 in bin 2 alone, so over the 9 bins (one spike) the
//        spectral skewness is 7/sqrt(8) and the kurtosis 33/8; bin 2 = log10(4).
//  constant: RMS 0, skewness 0, kurtosis -3 (sd of 0 taken as 1e-10), a flat
//        zero spectrum (0, -3) and every bin log10(1e-10) = -10.
void CheckSpectralFeatures(SelftestChecks& checks) {
  tinyml::SpectralConfig config;
  config.axes = 2;
  config.window_samples = 64;
  config.sample_rate_hz = 16.0f;
  config.fft_length = 16;
  config.overlap = false;
  config.log_spectrum = true;
  constexpr size_t kPerAxis = tinyml::kSpectralStatsPerAxis + 8;
  if (!checks.StatusOk(tinyml::ValidateSpectralConfig(config), "spectral.config")) return;
  if (!checks.True(tinyml::SpectralFeatureCount(config) == 2 * kPerAxis, "spectral.count")) return;

  static float window[64 * 2];
  static float scratch[512];
  static float features[2 * kPerAxis];
  if (!checks.True(tinyml::SpectralScratchFloats(config) <= sizeof(scratch) / sizeof(scratch[0]),
                   "spectral.scratch_fits")) {
    return;
  }
  for (size_t i = 0; i < 64; ++i) {
    window[2 * i] = std::sin(kTwoPi * static_cast<float>(i % 8) / 8.0f);
    window[2 * i + 1] = 3.0f;
  }
  checks.True(tinyml::ComputeSpectralFeatures(config, Span<const float>(window), Span<float>(scratch),
                                              Span<float>(features, 3)) == Status::kBufferTooSmall,
              "spectral.short_output");
  if (!checks.StatusOk(tinyml::ComputeSpectralFeatures(config, Span<const float>(window),
                                                       Span<float>(scratch), Span<float>(features)),
                       "spectral.compute")) {
    return;
  }
  const float* sine = features;
  checks.Near(sine[0], 0.70710678f, 1e-5f, 1e-5f, "spectral.sine_rms", 0);
  checks.Near(sine[1], 0.0f, 1e-4f, 0.0f, "spectral.sine_skewness", 1);
  checks.Near(sine[2], -1.5f, 1e-4f, 1e-4f, "spectral.sine_kurtosis", 2);
  checks.Near(sine[3], 2.47487373f, 1e-3f, 1e-3f, "spectral.sine_spectral_skewness", 3);
  checks.Near(sine[4], 4.125f, 1e-3f, 1e-3f, "spectral.sine_spectral_kurtosis", 4);
  checks.Near(sine[tinyml::kSpectralStatsPerAxis + 1], 0.60205999f, 1e-4f, 1e-4f, "spectral.sine_bin2", 6);
  const float* flat = features + kPerAxis;
  const float want_flat[tinyml::kSpectralStatsPerAxis] = {0.0f, 0.0f, -3.0f, 0.0f, -3.0f};
  for (size_t i = 0; i < kPerAxis; ++i) {
    const float want = i < tinyml::kSpectralStatsPerAxis ? want_flat[i] : -10.0f;
    checks.Near(flat[i], want, 1e-5f, 1e-5f, "spectral.constant", static_cast<int32_t>(kPerAxis + i));
  }
}

}  // namespace

void RunDspChecks(SelftestChecks& checks) {
  CheckFft(checks);
  CheckButterworth(checks);
  CheckSpectralFeatures(checks);
}

}  // namespace lwcl::firmware
