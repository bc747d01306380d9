#include "tinyml/dsp/spectral_features.h"

#include <cmath>

#include "tinyml/dsp/butterworth.h"
#include "tinyml/dsp/fft.h"

namespace lwcl::tinyml {
namespace {

// Decimation stages: scipy.signal.cheby1(8, 0.05, 0.8 / r, output='sos') as
// {b0, b1, b2, a1, a2} rows, and scipy.signal.sosfilt_zi of it (steady state
// for a unit step), printed with scipy 1.10 (the values are scipy's, the same
// ones Edge Impulse's SDK uses). The golden test checks them end to end.
constexpr Biquad kCheby3[4] = {
    {3.479954740e-05f, 6.959909480e-05f, 3.479954740e-05f, -1.416907423e+00f, 5.204552956e-01f},
    {1.0f, 2.0f, 1.0f, -1.334274825e+00f, 5.946319531e-01f},
    {1.0f, 2.0f, 1.0f, -1.237675163e+00f, 7.259326611e-01f},
    {1.0f, 2.0f, 1.0f, -1.218086126e+00f, 8.987833581e-01f},
};
constexpr float kChebyZi3[8] = {1.309488709e-03f, -6.648423946e-04f, 1.930870121e-02f, -1.093663921e-02f,
                                1.485445305e-01f, -1.021730165e-01f, 8.250625539e-01f, -7.244268881e-01f};
constexpr Biquad kCheby10[4] = {
    {3.586324321e-09f, 7.172648642e-09f, 3.586324321e-09f, -1.820496864e+00f, 8.308597404e-01f},
    {1.0f, 2.0f, 1.0f, -1.828950562e+00f, 8.553173710e-01f},
    {1.0f, 2.0f, 1.0f, -1.851733448e+00f, 9.015161056e-01f},
    {1.0f, 2.0f, 1.0f, -1.896539596e+00f, 9.644245585e-01f},
};
constexpr float kChebyZi10[8] = {1.380710604e-06f, -1.146570262e-06f, 2.086216886e-04f, -1.782374705e-04f,
                                 1.666382092e-02f, -1.500202073e-02f, 9.773862470e-01f, -9.420150059e-01f};

bool IsSupportedDecimation(uint8_t r) { return r == 1 || r == 3 || r == 10 || r == 30 || r == 100; }

size_t DecimateStage(bool by_ten, Span<float> x) {
  if (x.empty()) return 0;
  const Biquad* sos = by_ten ? kCheby10 : kCheby3;
  const float* zi = by_ten ? kChebyZi10 : kChebyZi3;
  float state[8];
  for (int i = 0; i < 8; ++i) state[i] = zi[i] * x[0];
  SosFilter(Span<const Biquad>(sos, 4), Span<float>(state), x);
  const size_t r = by_ten ? 10 : 3;
  const size_t out = (x.size + r - 1) / r;
  for (size_t i = 1; i < out; ++i) x[i] = x[i * r];
  return out;
}

float EffectiveRate(const SpectralConfig& c) {
  return c.sample_rate_hz / static_cast<float>(c.decimation);
}

// [start, stop) of the bins kept, per Edge Impulse's get_start_stop_bin.
void SelectedBins(const SpectralConfig& c, size_t* start, size_t* stop) {
  const size_t half = c.fft_length / 2;
  *start = 1;
  *stop = half + 1;
  const float b = c.filter_cutoff_hz * static_cast<float>(c.fft_length) / EffectiveRate(c);
  if (c.filter == FilterType::kLowPass) {
    const size_t s = static_cast<size_t>(b + 0.5f) + 1;
    if (s < *stop) *stop = s;
  } else if (c.filter == FilterType::kHighPass) {
    const float lo = b - 0.5f;
    *start = lo < 0.0f ? 1 : static_cast<size_t>(lo) + 1;
  }
}

size_t BinsPerAxis(const SpectralConfig& c) {
  size_t start, stop;
  SelectedBins(c, &start, &stop);
  return stop > start ? stop - start : 0;
}

}  // namespace

size_t DecimateInPlace(uint8_t ratio, Span<float> signal) {
  if (!IsSupportedDecimation(ratio)) return 0;
  size_t n = signal.size;
  if (ratio == 3 || ratio == 30) n = DecimateStage(false, signal.subspan(0, n));
  if (ratio >= 10) n = DecimateStage(true, signal.subspan(0, n));
  if (ratio == 100) n = DecimateStage(true, signal.subspan(0, n));
  return n;
}

Status ValidateSpectralConfig(const SpectralConfig& c) {
  if (c.axes < 1 || c.axes > kMaxAxes || c.window_samples < 1) return Status::kInvalidArgument;
  if (!(c.sample_rate_hz > 0.0f) || !std::isfinite(c.sample_rate_hz) || !std::isfinite(c.scale)) {
    return Status::kInvalidArgument;
  }
  if (!IsSupportedDecimation(c.decimation) || !IsValidFftLength(c.fft_length)) return Status::kInvalidArgument;
  if (c.filter != FilterType::kNone) {
    if (c.filter != FilterType::kLowPass && c.filter != FilterType::kHighPass) return Status::kInvalidArgument;
    if (c.filter_order < 2 || c.filter_order > kMaxButterworthOrder || c.filter_order % 2 != 0) {
      return Status::kInvalidArgument;
    }
    const float nyquist = 0.5f * EffectiveRate(c);
    // Edge Impulse refuses a cut-off above 0.9 of Nyquist once decimating.
    const float limit = c.decimation > 1 ? 0.9f * nyquist : nyquist;
    const bool in_range = c.decimation > 1 ? c.filter_cutoff_hz <= limit : c.filter_cutoff_hz < limit;
    if (!(c.filter_cutoff_hz > 0.0f) || !in_range) return Status::kInvalidArgument;
  }
  if (BinsPerAxis(c) == 0) return Status::kInvalidArgument;  // the cut-off masked every bin
  return Status::kOk;
}

size_t SpectralFeatureCount(const SpectralConfig& c) {
  if (ValidateSpectralConfig(c) != Status::kOk) return 0;
  return c.axes * (kSpectralStatsPerAxis + BinsPerAxis(c));
}

size_t SpectralScratchFloats(const SpectralConfig& c) {
  if (ValidateSpectralConfig(c) != Status::kOk) return 0;
  return RealFft::ScratchFloats(c.fft_length) + (c.fft_length / 2 + 1) + c.window_samples;
}

Status ComputeSpectralFeatures(const SpectralConfig& c, Span<const float> window, Span<float> scratch,
                               Span<float> features) {
  if (ValidateSpectralConfig(c) != Status::kOk) return Status::kInvalidArgument;
  const size_t axes = c.axes;
  const size_t samples = c.window_samples;
  if (window.size < samples * axes || scratch.size < SpectralScratchFloats(c) ||
      features.size < SpectralFeatureCount(c)) {
    return Status::kBufferTooSmall;
  }

  const size_t n = c.fft_length;
  const size_t bins = n / 2 + 1;
  RealFft fft;
  const size_t fft_floats = RealFft::ScratchFloats(n);
  if (fft.Init(n, scratch.subspan(0, fft_floats)) != Status::kOk) return Status::kBufferTooSmall;
  float* spectrum = scratch.data + fft_floats;
  float* signal = spectrum + bins;

  ButterworthSos sos;
  if (c.filter != FilterType::kNone &&
      DesignButterworth(c.filter, c.filter_order, c.filter_cutoff_hz, EffectiveRate(c), &sos) != Status::kOk) {
    return Status::kInvalidArgument;
  }
  size_t start, stop;
  SelectedBins(c, &start, &stop);
  const float inv_n = 1.0f / static_cast<float>(n);
  const size_t step = c.overlap ? n / 2 : n;

  float* out = features.data;
  for (size_t a = 0; a < axes; ++a) {
    for (size_t i = 0; i < samples; ++i) signal[i] = window[i * axes + a] * c.scale;
    const size_t len = DecimateInPlace(c.decimation, Span<float>(signal, samples));
    Span<float> x(signal, len);
    if (c.filter != FilterType::kNone) SosFilterZeroState(sos, x);

    // A constant axis (a device lying still) must give exactly zero signal:
    // the float mean of n equal values can miss them by an ulp, and that
    // residue would otherwise turn into skewness 1, kurtosis -2 and a
    // spectrum of ~1e-17 whose moments underflow to NaN.
    float mean = 0.0f, lo = x[0], hi = x[0];
    for (float v : x) {
      mean += v;
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
    mean = lo == hi ? lo : mean / static_cast<float>(len);
    float s2 = 0.0f, s3 = 0.0f, s4 = 0.0f;
    for (float& v : x) {
      v -= mean;
      const float v2 = v * v;
      s2 += v2;
      s3 += v2 * v;
      s4 += v2 * v2;
    }
    const float count = static_cast<float>(len);
    const float rms = std::sqrt(s2 / count);
    *out++ = rms;
    if (!(rms * rms * rms * rms > 0.0f)) {  // zero, or so small that rms^4 underflows
      // Edge Impulse divides by sd = 1e-10 here, which gives exactly these
      // values; spelled out because 1e-40 is subnormal and an FPU in
      // flush-to-zero mode would turn 0/sd^4 into NaN.
      *out++ = 0.0f;
      *out++ = -3.0f;
    } else {
      const float sd3 = rms * rms * rms;
      *out++ = (s3 / count) / sd3;
      *out++ = (s4 / count) / (sd3 * rms) - 3.0f;
    }

    for (size_t k = 0; k < bins; ++k) spectrum[k] = 0.0f;
    for (size_t f = 0; f < len; f += step) {
      const Span<const float> power = fft.Power(Span<const float>(x.data + f, len - f));
      for (size_t k = 0; k < bins; ++k) {
        const float p = power[k] * inv_n;
        if (p > spectrum[k]) spectrum[k] = p;
      }
    }

    // Population moments of the whole spectrum, centred in a second pass.
    // Skewness and kurtosis do not depend on scale, so the spectrum is taken
    // relative to its peak: a quiet axis (power ~1e-17) would otherwise make
    // m2 * m2 underflow and 0/0 a NaN.
    float smean = 0.0f, peak = 0.0f;
    for (size_t k = 0; k < bins; ++k) {
      smean += spectrum[k];
      peak = spectrum[k] > peak ? spectrum[k] : peak;
    }
    smean /= static_cast<float>(bins);
    const float inv_peak = peak > 0.0f ? 1.0f / peak : 0.0f;
    float m2 = 0.0f, m3 = 0.0f, m4 = 0.0f;
    for (size_t k = 0; k < bins; ++k) {
      const float d = (spectrum[k] - smean) * inv_peak;
      const float d2 = d * d;
      m2 += d2;
      m3 += d2 * d;
      m4 += d2 * d2;
    }
    const float nb = static_cast<float>(bins);
    m2 /= nb;
    m3 /= nb;
    m4 /= nb;
    const bool flat = !(m2 * m2 > 0.0f);
    *out++ = flat ? 0.0f : m3 / (m2 * std::sqrt(m2));
    *out++ = flat ? -3.0f : m4 / (m2 * m2) - 3.0f;

    for (size_t k = start; k < stop; ++k) {
      const float p = spectrum[k];
      *out++ = c.log_spectrum ? std::log10(p == 0.0f ? 1e-10f : p) : p;
    }
  }
  return Status::kOk;
}

}  // namespace lwcl::tinyml
