#include "train/augmentation.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numbers>

#include "train/feature_extraction.h"

namespace lwcl::train {
namespace {

// "accX" -> ("acc", 0); "z" -> ("", 2); "temp" -> ("", -1).
std::pair<std::string, int> SplitAxisName(const std::string& name) {
  if (name.empty()) return {"", -1};
  const char last = static_cast<char>(std::tolower(static_cast<unsigned char>(name.back())));
  if (last < 'x' || last > 'z') return {"", -1};
  std::string prefix = name.substr(0, name.size() - 1);
  for (char& c : prefix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return {prefix, last - 'x'};
}

}  // namespace

std::vector<std::array<size_t, 3>> AxisTriplets(std::span<const std::string> axes) {
  std::vector<std::array<size_t, 3>> triplets;
  std::vector<bool> used(axes.size(), false);
  for (size_t i = 0; i < axes.size(); ++i) {
    if (used[i]) continue;
    const auto [prefix, component] = SplitAxisName(axes[i]);
    if (component < 0) continue;
    std::array<size_t, 3> t{};
    std::array<bool, 3> found{};
    for (size_t j = i; j < axes.size(); ++j) {
      if (used[j]) continue;
      const auto [p, c] = SplitAxisName(axes[j]);
      if (c >= 0 && p == prefix && !found[static_cast<size_t>(c)]) {
        t[static_cast<size_t>(c)] = j;
        found[static_cast<size_t>(c)] = true;
      }
    }
    if (found[0] && found[1] && found[2]) {
      for (size_t k : t) used[k] = true;
      triplets.push_back(t);
    }
  }
  return triplets;
}

float Gaussian(Rng& rng) {
  // 1 - U keeps the log's argument in (0, 1].
  const float u1 = 1.0f - rng.Uniform01();
  const float u2 = rng.Uniform01();
  return std::sqrt(-2.0f * std::log(u1)) * std::cos(2.0f * std::numbers::pi_v<float> * u2);
}

std::array<float, 9> RandomRotation(Rng& rng, float max_deg) {
  // Uniform axis on the sphere: z uniform in [-1, 1], azimuth uniform.
  const float z = rng.Uniform(-1.0f, 1.0f);
  const float phi = rng.Uniform(0.0f, 2.0f * std::numbers::pi_v<float>);
  const float r = std::sqrt(std::max(0.0f, 1.0f - z * z));
  const float x = r * std::cos(phi);
  const float y = r * std::sin(phi);
  const float angle = rng.Uniform(-max_deg, max_deg) * std::numbers::pi_v<float> / 180.0f;
  const float c = std::cos(angle);
  const float s = std::sin(angle);
  const float t = 1.0f - c;
  // Rodrigues' rotation formula.
  return {t * x * x + c,     t * x * y - s * z, t * x * z + s * y,
          t * x * y + s * z, t * y * y + c,     t * y * z - s * x,
          t * x * z - s * y, t * y * z + s * x, t * z * z + c};
}

void AugmentWindow(std::span<float> window, std::span<const std::string> axes,
                   std::span<const std::string> units, const AugmentOptions& options, Rng& rng) {
  const size_t n = axes.size();
  if (n == 0) return;
  const size_t samples = window.size() / n;
  if (options.rotate_deg > 0.0f) {
    const std::array<float, 9> m = RandomRotation(rng, options.rotate_deg);
    for (const std::array<size_t, 3>& t : AxisTriplets(axes)) {
      for (size_t s = 0; s < samples; ++s) {
        float* v = window.data() + s * n;
        const float a = v[t[0]], b = v[t[1]], c = v[t[2]];
        v[t[0]] = m[0] * a + m[1] * b + m[2] * c;
        v[t[1]] = m[3] * a + m[4] * b + m[5] * c;
        v[t[2]] = m[6] * a + m[7] * b + m[8] * c;
      }
    }
  }
  if (options.gain > 0.0f) {
    const float g = rng.Uniform(1.0f - options.gain, 1.0f + options.gain);
    for (float& v : window) v *= g;
  }
  if (options.noise_g > 0.0f) {
    for (size_t s = 0; s < samples; ++s) {
      for (size_t a = 0; a < n; ++a) {
        const bool in_g = a >= units.size() || units[a] == "g";
        if (in_g) window[s * n + a] += options.noise_g * Gaussian(rng);
      }
    }
  }
}

FeatureMatrix AugmentedFeatures(const Dataset& dataset, std::span<const WindowRef> windows,
                                const tinyml::SpectralConfig& config,
                                const AugmentOptions& options, uint32_t seed) {
  FeatureExtractor extractor(config);
  FeatureMatrix m;
  m.dim = extractor.feature_count();
  if (options.copies <= 0) return m;
  // Its own stream, so turning augmentation on does not change the split or
  // the network's initial weights.
  Rng rng(seed ^ 0x9e3779b9u);
  const size_t window = config.window_samples;
  std::vector<float> buffer;
  std::vector<float> features(m.dim);
  for (const WindowRef& w : windows) {
    const Recording& rec = dataset.recordings.at(w.recording);
    const size_t n = rec.axes.size();
    const size_t count = rec.SampleCount();
    const int label = dataset.LabelIndex(rec.label);
    for (int copy = 0; copy < options.copies; ++copy) {
      size_t start = w.start;
      if (options.shift_samples > 0 && count > window) {
        const size_t span = 2 * options.shift_samples + 1;
        const auto delta =
            static_cast<long long>(rng.Below(span)) - static_cast<long long>(options.shift_samples);
        const long long moved = static_cast<long long>(w.start) + delta;
        start = static_cast<size_t>(
            std::clamp(moved, 0LL, static_cast<long long>(count - window)));
      }
      buffer.assign(rec.samples.begin() + static_cast<std::ptrdiff_t>(start * n),
                    rec.samples.begin() + static_cast<std::ptrdiff_t>((start + window) * n));
      AugmentWindow(buffer, rec.axes, rec.axis_units, options, rng);
      extractor.Extract(buffer, features);
      m.AddRow(features, label);
    }
  }
  m.DropNonFiniteRows();
  return m;
}

}  // namespace lwcl::train
