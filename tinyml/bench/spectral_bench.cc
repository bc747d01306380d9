// Cost of one window of spectral features on the host, for the default motion
// model (3 axes, 52 samples at 26 Hz, FFT 16) without and with a low-pass
// filter, and for a longer FFT. The device runs this once per stride, so it
// is the number to watch when a config change makes the DSP heavier.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "tinyml/dsp/spectral_features.h"

namespace lwcl::tinyml {
namespace {

void RunSpectral(benchmark::State& state, const SpectralConfig& c) {
  std::vector<float> window(static_cast<size_t>(c.window_samples) * c.axes);
  for (size_t i = 0; i < window.size(); ++i) window[i] = std::sin(0.37f * static_cast<float>(i)) + 0.1f;
  std::vector<float> scratch(SpectralScratchFloats(c));
  std::vector<float> features(SpectralFeatureCount(c));
  for (auto _ : state) {
    const Status s = ComputeSpectralFeatures(c, Span<const float>(window.data(), window.size()),
                                             Span<float>(scratch.data(), scratch.size()),
                                             Span<float>(features.data(), features.size()));
    if (s != Status::kOk) {
      state.SkipWithError("ComputeSpectralFeatures failed");
      break;
    }
    benchmark::DoNotOptimize(features.data());
    benchmark::ClobberMemory();
  }
  state.counters["features"] = static_cast<double>(features.size());
  state.counters["scratch_floats"] = static_cast<double>(scratch.size());
}

void BM_SpectralDefault(benchmark::State& state) { RunSpectral(state, SpectralConfig{}); }
BENCHMARK(BM_SpectralDefault);

void BM_SpectralLowPass4(benchmark::State& state) {
  SpectralConfig c;
  c.filter = FilterType::kLowPass;
  c.filter_order = 4;
  c.filter_cutoff_hz = 5.0f;
  RunSpectral(state, c);
}
BENCHMARK(BM_SpectralLowPass4);

void BM_SpectralFft128(benchmark::State& state) {
  SpectralConfig c;
  c.window_samples = 250;
  c.sample_rate_hz = 100.0f;
  c.fft_length = 128;
  RunSpectral(state, c);
}
BENCHMARK(BM_SpectralFft128);

}  // namespace
}  // namespace lwcl::tinyml
