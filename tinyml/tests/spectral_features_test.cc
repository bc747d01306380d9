// Spectral features (Edge Impulse spectral analysis v4): hand-computed cases,
// a float64 reference written here in the plainest possible way, and scipy
// goldens (golden/make_butterworth_golden.py) for the decimation path.
#include "tinyml/dsp/spectral_features.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "golden/butterworth_golden.h"

namespace lwcl::tinyml {
namespace {

constexpr double kPi = 3.14159265358979323846;

struct FeatureRun {
  Status status;
  std::vector<float> features;
};

FeatureRun Compute(const SpectralConfig& c, const std::vector<float>& window) {
  std::vector<float> scratch(SpectralScratchFloats(c) + 1);
  FeatureRun r;
  r.features.assign(SpectralFeatureCount(c), 0.0f);
  r.status = ComputeSpectralFeatures(c, Span<const float>(window.data(), window.size()),
                                     Span<float>(scratch.data(), scratch.size()),
                                     Span<float>(r.features.data(), r.features.size()));
  return r;
}

SpectralConfig OneAxis(uint16_t samples, float fs, uint16_t fft) {
  SpectralConfig c;
  c.axes = 1;
  c.window_samples = samples;
  c.sample_rate_hz = fs;
  c.fft_length = fft;
  return c;
}

// ---- float64 reference: numpy-like, written for clarity, not speed ---------

std::vector<double> ButterworthReference(const SpectralConfig& c, const std::vector<double>& in) {
  // Same bilinear design as scipy.signal.butter, one section per pole pair,
  // run one after the other (order of sections does not change the result).
  const int order = c.filter_order;
  const double a = std::tan(kPi * static_cast<double>(c.filter_cutoff_hz) / static_cast<double>(c.sample_rate_hz));
  std::vector<double> x = in;
  for (int k = 0; k < order / 2; ++k) {
    const double r = std::sin(kPi * (2 * k + 1) / (2.0 * order));
    const double d = 1 + 2 * r * a + a * a;
    const bool low = c.filter == FilterType::kLowPass;
    const double g = (low ? a * a : 1.0) / d;
    const double b[3] = {g, (low ? 2 : -2) * g, g};
    const double a1 = 2 * (a * a - 1) / d, a2 = (1 - 2 * r * a + a * a) / d;
    std::vector<double> y(x.size());
    for (size_t i = 0; i < x.size(); ++i) {
      double v = b[0] * x[i];
      if (i >= 1) v += b[1] * x[i - 1] - a1 * y[i - 1];
      if (i >= 2) v += b[2] * x[i - 2] - a2 * y[i - 2];
      y[i] = v;
    }
    x = y;
  }
  return x;
}

double Moment(const std::vector<double>& v, int p) {
  double mean = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  double m = 0;
  for (double x : v) m += std::pow(x - mean, p);
  return m / static_cast<double>(v.size());
}

std::vector<double> Reference(const SpectralConfig& c, const std::vector<float>& window) {
  EXPECT_EQ(c.decimation, 1) << "the reference does not decimate; use the scipy goldens";
  const size_t n = c.fft_length;
  std::vector<double> out;
  for (size_t axis = 0; axis < c.axes; ++axis) {
    std::vector<double> x;
    for (size_t i = 0; i < c.window_samples; ++i) x.push_back(static_cast<double>(window[i * c.axes + axis]) * static_cast<double>(c.scale));
    if (c.filter != FilterType::kNone) x = ButterworthReference(c, x);
    double mean = 0;
    for (double v : x) mean += v;
    mean /= static_cast<double>(x.size());
    for (double& v : x) v -= mean;
    const double rms = std::sqrt(Moment(x, 2));
    const double sd = rms == 0 ? 1e-10 : rms;
    out.push_back(rms);
    out.push_back(Moment(x, 3) / std::pow(sd, 3));
    out.push_back(Moment(x, 4) / std::pow(sd, 4) - 3);

    std::vector<double> spec(n / 2 + 1, 0.0);
    const size_t step = c.overlap ? n / 2 : n;
    for (size_t start = 0; start < x.size(); start += step) {
      for (size_t k = 0; k <= n / 2; ++k) {  // plain DFT of the zero-padded frame
        double re = 0, im = 0;
        for (size_t j = 0; j < n && start + j < x.size(); ++j) {
          re += x[start + j] * std::cos(2 * kPi * static_cast<double>(k * j) / static_cast<double>(n));
          im -= x[start + j] * std::sin(2 * kPi * static_cast<double>(k * j) / static_cast<double>(n));
        }
        spec[k] = std::max(spec[k], (re * re + im * im) / static_cast<double>(n));
      }
    }
    const double m2 = Moment(spec, 2);
    out.push_back(m2 == 0 ? 0.0 : Moment(spec, 3) / std::pow(m2, 1.5));
    out.push_back(m2 == 0 ? -3.0 : Moment(spec, 4) / (m2 * m2) - 3);

    const double b = static_cast<double>(c.filter_cutoff_hz) * static_cast<double>(n) / static_cast<double>(c.sample_rate_hz);
    size_t first = 1, last = n / 2;  // inclusive
    if (c.filter == FilterType::kLowPass) last = static_cast<size_t>(std::floor(b + 0.5));
    if (c.filter == FilterType::kHighPass) first = std::max<size_t>(1, static_cast<size_t>(std::floor(b - 0.5)) + 1);
    for (size_t k = first; k <= last; ++k) {
      out.push_back(c.log_spectrum ? std::log10(spec[k] == 0 ? 1e-10 : spec[k]) : spec[k]);
    }
  }
  return out;
}

// Features have different scales; compare each with a relative and an
// absolute part (log bins are near unity, so the absolute part dominates).
void ExpectClose(const std::vector<float>& got, const std::vector<double>& want, double rtol, double atol,
                 const char* what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i], want[i], rtol * std::fabs(want[i]) + atol) << what << ": feature " << i;
  }
}

std::vector<float> RandomWindow(const SpectralConfig& c, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 0.4f);
  std::vector<float> w(static_cast<size_t>(c.window_samples) * c.axes);
  for (size_t i = 0; i < c.window_samples; ++i) {
    for (size_t a = 0; a < c.axes; ++a) {
      const float t = static_cast<float>(i) / c.sample_rate_hz;
      w[i * c.axes + a] = std::sin(2.0f * 3.14159265f * (1.5f + static_cast<float>(a)) * t) * (1.0f + static_cast<float>(a)) +
                          noise(rng) + 0.5f * static_cast<float>(a) + 9.81f * (a == 2 ? 1.0f : 0.0f);
    }
  }
  return w;
}

// ---- configuration ---------------------------------------------------------

TEST(SpectralFeaturesTest, DefaultConfigIsValid) {
  const SpectralConfig c;
  EXPECT_EQ(ValidateSpectralConfig(c), Status::kOk);
  EXPECT_EQ(SpectralFeatureCount(c), 3u * (5u + 8u));  // bins 1..8 of a 16-point FFT
  EXPECT_EQ(SpectralScratchFloats(c), (16u / 4 + 1) + (16u + 2) + (16u / 2 + 1) + 52u);
}

TEST(SpectralFeaturesTest, InvalidConfigs) {
  auto invalid = [](auto mutate) {
    SpectralConfig c;
    mutate(c);
    EXPECT_EQ(ValidateSpectralConfig(c), Status::kInvalidArgument);
    EXPECT_EQ(SpectralFeatureCount(c), 0u);
    EXPECT_EQ(SpectralScratchFloats(c), 0u);
  };
  invalid([](SpectralConfig& c) { c.axes = 0; });
  invalid([](SpectralConfig& c) { c.axes = kMaxAxes + 1; });
  invalid([](SpectralConfig& c) { c.window_samples = 0; });
  invalid([](SpectralConfig& c) { c.sample_rate_hz = 0.0f; });
  invalid([](SpectralConfig& c) { c.sample_rate_hz = std::nanf(""); });
  invalid([](SpectralConfig& c) { c.scale = INFINITY; });
  invalid([](SpectralConfig& c) { c.fft_length = 8; });
  invalid([](SpectralConfig& c) { c.fft_length = 24; });
  invalid([](SpectralConfig& c) { c.fft_length = 2048; });
  invalid([](SpectralConfig& c) { c.decimation = 0; });
  invalid([](SpectralConfig& c) { c.decimation = 2; });
  invalid([](SpectralConfig& c) { c.filter = static_cast<FilterType>(7); c.filter_order = 2; c.filter_cutoff_hz = 3; });
  for (int order : {0, 1, 3, 10}) {
    invalid([order](SpectralConfig& c) { c.filter = FilterType::kLowPass; c.filter_order = static_cast<uint8_t>(order); c.filter_cutoff_hz = 3; });
  }
  invalid([](SpectralConfig& c) { c.filter = FilterType::kLowPass; c.filter_order = 4; c.filter_cutoff_hz = 13.0f; });
  invalid([](SpectralConfig& c) { c.filter = FilterType::kHighPass; c.filter_order = 4; c.filter_cutoff_hz = 0.0f; });
  // A low-pass below half a bin leaves no bin at all.
  invalid([](SpectralConfig& c) { c.filter = FilterType::kLowPass; c.filter_order = 2; c.filter_cutoff_hz = 0.5f; });
  // Decimating by 3 from 26 Hz leaves a Nyquist of 4.33 Hz; 4 Hz is above 0.9 of it.
  invalid([](SpectralConfig& c) { c.decimation = 3; c.filter = FilterType::kLowPass; c.filter_order = 2; c.filter_cutoff_hz = 4.0f; });
}

TEST(SpectralFeaturesTest, BinSelectionForCutOffs) {
  SpectralConfig c;  // 26 Hz, fft 16: bin width 1.625 Hz
  c.filter_order = 4;
  c.filter = FilterType::kLowPass;
  c.filter_cutoff_hz = 3.0f;  // b = 1.85 -> bins 1..2
  EXPECT_EQ(SpectralFeatureCount(c), 3u * (5u + 2u));
  c.filter_cutoff_hz = 4.0f;  // b = 2.46 -> bins 1..2
  EXPECT_EQ(SpectralFeatureCount(c), 3u * (5u + 2u));
  c.filter_cutoff_hz = 4.1f;  // b = 2.52 -> bins 1..3
  EXPECT_EQ(SpectralFeatureCount(c), 3u * (5u + 3u));
  c.filter_cutoff_hz = 12.9f;  // b = 7.94 -> bins 1..8
  EXPECT_EQ(SpectralFeatureCount(c), 3u * (5u + 8u));
  c.filter = FilterType::kHighPass;
  c.filter_cutoff_hz = 5.0f;  // b = 3.08 -> bins 3..8
  EXPECT_EQ(SpectralFeatureCount(c), 3u * (5u + 6u));
  c.filter_cutoff_hz = 0.3f;  // b = 0.18 -> DC is still dropped: bins 1..8
  EXPECT_EQ(SpectralFeatureCount(c), 3u * (5u + 8u));
  c.filter_cutoff_hz = 12.9f;  // b = 7.94 -> bin 8 only
  EXPECT_EQ(SpectralFeatureCount(c), 3u * (5u + 1u));
  // With decimation the bins are of the decimated rate: 100 Hz / 10, fft 16.
  SpectralConfig d = OneAxis(200, 100.0f, 16);
  d.decimation = 10;
  d.filter = FilterType::kLowPass;
  d.filter_order = 2;
  d.filter_cutoff_hz = 2.0f;  // b = 3.2 -> bins 1..3
  EXPECT_EQ(SpectralFeatureCount(d), 5u + 3u);
}

TEST(SpectralFeaturesTest, ErrorsForWrongSpansAndConfigs) {
  const SpectralConfig c;
  std::vector<float> window(52 * 3, 1.0f), scratch(SpectralScratchFloats(c)), features(SpectralFeatureCount(c));
  const Span<const float> w(window.data(), window.size());
  const Span<float> s(scratch.data(), scratch.size()), f(features.data(), features.size());
  EXPECT_EQ(ComputeSpectralFeatures(c, w, s, f), Status::kOk);
  EXPECT_EQ(ComputeSpectralFeatures(c, Span<const float>(window.data(), window.size() - 1), s, f),
            Status::kBufferTooSmall);
  EXPECT_EQ(ComputeSpectralFeatures(c, w, Span<float>(scratch.data(), scratch.size() - 1), f), Status::kBufferTooSmall);
  EXPECT_EQ(ComputeSpectralFeatures(c, w, s, Span<float>(features.data(), features.size() - 1)),
            Status::kBufferTooSmall);
  SpectralConfig bad = c;
  bad.fft_length = 12;
  EXPECT_EQ(ComputeSpectralFeatures(bad, w, s, f), Status::kInvalidArgument);
}

// ---- hand-computed cases ---------------------------------------------------

TEST(SpectralFeaturesTest, TimeDomainStatisticsOfKnownSequences) {
  // Alternating +-1: mean 0, RMS 1, skewness 0, kurtosis 1 - 3.
  SpectralConfig c = OneAxis(16, 16.0f, 16);
  c.overlap = false;  // one frame: a padded half frame would leak into other bins
  std::vector<float> alt(16);
  for (size_t i = 0; i < alt.size(); ++i) alt[i] = i % 2 == 0 ? 1.0f : -1.0f;
  FeatureRun r = Compute(c, alt);
  ASSERT_EQ(r.status, Status::kOk);
  EXPECT_NEAR(r.features[0], 1.0, 1e-6);
  EXPECT_NEAR(r.features[1], 0.0, 1e-6);
  EXPECT_NEAR(r.features[2], -2.0, 1e-5);
  // All of its power is at Nyquist: |X_8|^2 / N = 16^2 / 16 = 16; every other bin 0 -> log -10.
  const size_t bins = 5;
  for (size_t k = 1; k < 8; ++k) EXPECT_NEAR(r.features[bins + k - 1], -10.0, 1e-4) << "bin " << k;
  EXPECT_NEAR(r.features[bins + 7], std::log10(16.0), 1e-5);

  // {0, 0, 0, 3}: centred {-.75, -.75, -.75, 2.25}; skewness 2/sqrt(3), kurtosis 7/3 - 3.
  c = OneAxis(4, 4.0f, 16);
  r = Compute(c, {0.0f, 0.0f, 0.0f, 3.0f});
  ASSERT_EQ(r.status, Status::kOk);
  EXPECT_NEAR(r.features[0], std::sqrt(1.6875), 1e-6);
  EXPECT_NEAR(r.features[1], 2.0 / std::sqrt(3.0), 1e-5);
  EXPECT_NEAR(r.features[2], 7.0 / 3.0 - 3.0, 1e-5);
}

TEST(SpectralFeaturesTest, SilenceGivesZeroStatsAndLogFloor) {
  SpectralConfig c;
  const std::vector<float> window(52 * 3, 0.0f);
  const FeatureRun r = Compute(c, window);
  ASSERT_EQ(r.status, Status::kOk);
  for (size_t a = 0; a < 3; ++a) {
    const float* f = r.features.data() + a * 13;
    EXPECT_EQ(f[0], 0.0f);    // RMS
    EXPECT_EQ(f[1], 0.0f);    // skewness: 0 / (1e-10)^3
    EXPECT_EQ(f[2], -3.0f);   // kurtosis: 0 / (1e-10)^4 - 3
    EXPECT_EQ(f[3], 0.0f);    // flat spectrum: skewness 0
    EXPECT_EQ(f[4], -3.0f);   // and kurtosis -3
    for (size_t k = 0; k < 8; ++k) EXPECT_FLOAT_EQ(f[5 + k], -10.0f);  // log10(1e-10)
  }
  c.log_spectrum = false;
  const FeatureRun lin = Compute(c, window);
  for (size_t k = 0; k < 8; ++k) EXPECT_EQ(lin.features[5 + k], 0.0f);
}

// A device lying still: one axis constant at a value whose float mean is not
// exact (stm32-har stationary_03 holds y = -9 mg for whole windows). Must give
// the silence features, never NaN (a NaN would reach the network).
TEST(SpectralFeaturesTest, ConstantAxisGivesSilenceNotNaN) {
  SpectralConfig c;
  std::vector<float> window(52 * 3);
  for (size_t i = 0; i < 52; ++i) {
    window[i * 3 + 0] = 0.01f * static_cast<float>(i % 7);  // moving
    window[i * 3 + 1] = -0.009f;                             // constant, inexact mean
    window[i * 3 + 2] = 1.0f / 3.0f;                         // constant
  }
  const FeatureRun r = Compute(c, window);
  ASSERT_EQ(r.status, Status::kOk);
  for (float f : r.features) ASSERT_TRUE(std::isfinite(f));
  for (size_t a = 1; a < 3; ++a) {
    const float* f = r.features.data() + a * 13;
    EXPECT_EQ(f[0], 0.0f);
    EXPECT_EQ(f[1], 0.0f);
    EXPECT_EQ(f[2], -3.0f);
    EXPECT_EQ(f[3], 0.0f);
    EXPECT_EQ(f[4], -3.0f);
  }
  // A tiny but real signal keeps finite, scale-free spectral moments.
  std::vector<float> quiet(52 * 3, 0.0f);
  for (size_t i = 0; i < 52; ++i) quiet[i * 3] = (i % 2 ? 1e-9f : -1e-9f);
  const FeatureRun q = Compute(c, quiet);
  ASSERT_EQ(q.status, Status::kOk);
  for (float f : q.features) ASSERT_TRUE(std::isfinite(f));
}

TEST(SpectralFeaturesTest, PureSineLandsInItsBin) {
  // 64 samples at 32 Hz, fft 32 (1 Hz per bin), a 5 Hz sine of amplitude 2
  // plus an offset: the offset vanishes with the mean, all power is in bin 5:
  // |X_5| = 2 * 32 / 2, power 32^2 / 32 = 32.
  SpectralConfig c = OneAxis(64, 32.0f, 32);
  c.log_spectrum = false;
  c.overlap = false;  // frames 0 and 32, both whole: no padded frame to leak
  std::vector<float> x(64);
  for (size_t i = 0; i < x.size(); ++i) x[i] = 7.0f + 2.0f * std::sin(2.0f * 3.14159265f * 5.0f * static_cast<float>(i) / 32.0f);
  const FeatureRun r = Compute(c, x);
  ASSERT_EQ(r.status, Status::kOk);
  ASSERT_EQ(r.features.size(), 5u + 16u);
  EXPECT_NEAR(r.features[0], std::sqrt(2.0), 1e-4);  // RMS of the sine alone
  const float* bins = r.features.data() + 5;            // bins[0] is bin 1: DC is dropped
  for (size_t k = 1; k <= 16; ++k) {
    if (k == 5) {
      EXPECT_NEAR(bins[k - 1], 32.0, 1e-3);
    } else {
      EXPECT_LT(bins[k - 1], 1e-6) << "bin " << k;
    }
  }
}

TEST(SpectralFeaturesTest, OverlapAddsFramesBetweenTheHalves) {
  // A 16-sample burst of a bin-4 tone at samples 8..23 of a 32-sample window,
  // fft 16. With overlap the frame starting at 8 holds all of it: |X_4| = 8,
  // power 64/16 = 4. Without, frames 0 and 16 each hold half: power 16/16 = 1.
  SpectralConfig c = OneAxis(32, 16.0f, 16);
  c.log_spectrum = false;
  std::vector<float> x(32, 0.0f);
  for (size_t i = 8; i < 24; ++i) x[i] = std::sin(2.0f * 3.14159265f * 4.0f * static_cast<float>(i) / 16.0f);
  c.overlap = true;
  EXPECT_NEAR(Compute(c, x).features[5 + 3], 4.0, 1e-4);
  c.overlap = false;
  EXPECT_NEAR(Compute(c, x).features[5 + 3], 1.0, 1e-4);
}

TEST(SpectralFeaturesTest, LastPartialFrameIsZeroPaddedAndCounted) {
  // 40 samples, fft 16, no overlap: frames at 0, 16 and 32 (8 samples, padded).
  // A tone only in samples 32..39 is seen by the partial frame alone: |X_4| = 4.
  SpectralConfig c = OneAxis(40, 16.0f, 16);
  c.log_spectrum = false;
  c.overlap = false;
  std::vector<float> x(40, 0.0f);
  for (size_t i = 32; i < 40; ++i) x[i] = std::sin(2.0f * 3.14159265f * 4.0f * static_cast<float>(i) / 16.0f);
  EXPECT_NEAR(Compute(c, x).features[5 + 3], 1.0, 1e-4);
  // A window shorter than the FFT is one padded frame.
  SpectralConfig s = OneAxis(8, 16.0f, 16);
  s.log_spectrum = false;
  const std::vector<float> shortx(x.begin() + 32, x.end());
  EXPECT_NEAR(Compute(s, shortx).features[5 + 3], 1.0, 1e-4);
}

TEST(SpectralFeaturesTest, ScaleMultipliesFirst) {
  SpectralConfig c;
  const std::vector<float> w = RandomWindow(c, 3);
  std::vector<float> w2(w.size());
  for (size_t i = 0; i < w.size(); ++i) w2[i] = 2.0f * w[i];
  c.scale = 2.0f;
  const FeatureRun scaled = Compute(c, w);
  c.scale = 1.0f;
  const FeatureRun doubled = Compute(c, w2);
  ExpectClose(scaled.features, std::vector<double>(doubled.features.begin(), doubled.features.end()), 1e-5, 1e-5,
              "scale");
}

// ---- against the float64 reference -----------------------------------------

TEST(SpectralFeaturesTest, MatchesFloat64ReferenceOnRandomWindows) {
  std::vector<SpectralConfig> configs;
  configs.push_back(SpectralConfig{});  // the default motion model
  SpectralConfig c;
  c.overlap = false;
  c.log_spectrum = false;
  configs.push_back(c);
  c = SpectralConfig{};
  c.filter = FilterType::kLowPass;
  c.filter_order = 4;
  c.filter_cutoff_hz = 5.0f;
  configs.push_back(c);
  c = SpectralConfig{};
  c.axes = 2;
  c.window_samples = 125;
  c.sample_rate_hz = 62.5f;
  c.fft_length = 64;
  c.filter = FilterType::kHighPass;
  c.filter_order = 6;
  c.filter_cutoff_hz = 3.0f;
  c.scale = 0.5f;
  configs.push_back(c);
  c = SpectralConfig{};
  c.axes = 6;
  c.window_samples = 200;
  c.sample_rate_hz = 100.0f;
  c.fft_length = 128;
  c.filter = FilterType::kLowPass;
  c.filter_order = 8;
  c.filter_cutoff_hz = 20.0f;
  configs.push_back(c);
  c = SpectralConfig{};
  c.axes = 1;
  c.window_samples = 300;
  c.sample_rate_hz = 50.0f;
  c.fft_length = 256;
  c.filter = FilterType::kHighPass;
  c.filter_order = 2;
  c.filter_cutoff_hz = 1.0f;
  c.overlap = false;
  configs.push_back(c);

  for (size_t i = 0; i < configs.size(); ++i) {
    for (unsigned seed = 1; seed <= 3; ++seed) {
      const std::vector<float> w = RandomWindow(configs[i], seed * 100 + static_cast<unsigned>(i));
      const FeatureRun r = Compute(configs[i], w);
      ASSERT_EQ(r.status, Status::kOk) << "config " << i;
      const std::string what = "config " + std::to_string(i) + " seed " + std::to_string(seed);
      ExpectClose(r.features, Reference(configs[i], w), 2e-4, 2e-4, what.c_str());
    }
  }
}

// ---- decimation and whole vectors against scipy ------------------------------

TEST(SpectralFeaturesTest, DecimationMatchesScipy) {
  for (const golden::DecimateCase& g : golden::kDecimateCases) {
    std::vector<float> x(g.input, g.input + g.n_in);
    const size_t n = DecimateInPlace(static_cast<uint8_t>(g.ratio), Span<float>(x.data(), x.size()));
    ASSERT_EQ(n, g.n_out) << "ratio " << g.ratio;
    for (size_t i = 0; i < n; ++i) EXPECT_NEAR(x[i], g.output[i], 1e-4) << "ratio " << g.ratio << " sample " << i;
  }
  std::vector<float> x(10, 1.0f);
  EXPECT_EQ(DecimateInPlace(2, Span<float>(x.data(), x.size())), 0u);
  EXPECT_EQ(DecimateInPlace(1, Span<float>(x.data(), x.size())), 10u);
}

TEST(SpectralFeaturesTest, MatchesScipyGoldenVectors) {
  for (size_t i = 0; i < std::size(golden::kSpectralCases); ++i) {
    const golden::SpectralCase& g = golden::kSpectralCases[i];
    SpectralConfig c;
    c.axes = g.axes;
    c.window_samples = g.window_samples;
    c.sample_rate_hz = static_cast<float>(g.fs_hz);
    c.scale = static_cast<float>(g.scale);
    c.decimation = g.decimation;
    c.filter = static_cast<FilterType>(g.filter);
    c.filter_cutoff_hz = static_cast<float>(g.cutoff_hz);
    c.filter_order = g.order;
    c.fft_length = g.fft;
    c.overlap = g.overlap;
    c.log_spectrum = g.log;
    ASSERT_EQ(SpectralFeatureCount(c), g.n_features) << "case " << i;
    const std::vector<float> w(g.window, g.window + static_cast<size_t>(g.axes) * g.window_samples);
    const FeatureRun r = Compute(c, w);
    ASSERT_EQ(r.status, Status::kOk) << "case " << i;
    const std::string what = "golden case " + std::to_string(i);
    ExpectClose(r.features, std::vector<double>(g.features, g.features + g.n_features), 2e-4, 2e-4, what.c_str());
  }
}

}  // namespace
}  // namespace lwcl::tinyml
