// Float test models for the trainer's quantiser, writer and signer tests and
// for the tests that check the device's reader and classifier agree with the
// trainer's packages.
//
// Small random train::FloatModels whose DSP configuration really produces
// their feature count (so they can be written, read and run end to end),
// plus calibration vectors drawn around their normalisation. Deterministic
// per seed. Tests that need no trainer use int8_test_models.h instead.
#ifndef LWCL_TEST_SUPPORT_FLOAT_TEST_MODELS_H_
#define LWCL_TEST_SUPPORT_FLOAT_TEST_MODELS_H_

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "test_dsp.h"
#include "tinyml/dsp/spectral_config.h"
#include "tinyml/dsp/spectral_features.h"
#include "train/float_model.h"

namespace lwcl::testing {

// A random model: features -> hidden (ReLU) ... -> classes (softmax).
inline train::FloatModel RandomModel(uint32_t seed, const tinyml::SpectralConfig& dsp,
                                     const std::vector<int>& hidden, int classes) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::uniform_real_distribution<float> positive(0.5f, 2.0f);
  train::FloatModel m;
  m.name = "test-model";
  m.version = "1.2.3";
  for (int c = 0; c < classes; ++c) m.labels.push_back("class" + std::to_string(c));
  m.dsp = dsp;
  m.stride_samples = static_cast<uint16_t>(dsp.window_samples / 2);
  const int features = static_cast<int>(tinyml::SpectralFeatureCount(dsp));
  for (int i = 0; i < features; ++i) {
    m.feature_mean.push_back(uniform(rng) * 3.0f);
    m.feature_std.push_back(positive(rng));
  }
  std::vector<int> widths = hidden;
  widths.push_back(classes);
  int in = features;
  for (size_t l = 0; l < widths.size(); ++l) {
    train::FloatLayer layer;
    layer.in = in;
    layer.out = widths[l];
    const float gain = 1.5f / std::sqrt(static_cast<float>(in));
    for (int i = 0; i < in * widths[l]; ++i) layer.weights.push_back(uniform(rng) * gain);
    for (int o = 0; o < widths[l]; ++o) layer.bias.push_back(uniform(rng) * 0.2f);
    const bool last = l + 1 == widths.size();
    layer.activation = last ? train::Activation::kSoftmax : train::Activation::kRelu;
    m.layers.push_back(layer);
    in = widths[l];
  }
  for (int i = 0; i < classes * features; ++i) m.centroids.push_back(uniform(rng));
  m.anomaly_radius = 2.5f;
  return m;
}

// Raw feature vectors around the model's normalisation (mean + std * N(0,1)).
inline std::vector<std::vector<float>> RandomInputs(const train::FloatModel& m, size_t count,
                                                    uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<std::vector<float>> out(count);
  for (auto& v : out) {
    for (size_t i = 0; i < m.feature_mean.size(); ++i) {
      v.push_back(m.feature_mean[i] + m.feature_std[i] * normal(rng));
    }
  }
  return out;
}

}  // namespace lwcl::testing

#endif  // LWCL_TEST_SUPPORT_FLOAT_TEST_MODELS_H_
