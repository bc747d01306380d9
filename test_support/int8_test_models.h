// Int8 test models made without the trainer: random but well-formed
// packages for the core's own tests, fuzzers and benchmarks.
//
// An Int8TestModel owns every array a PackageView points at, so View() is
// valid while the model lives; Bytes() serialises it with the core's own
// PackageWriter (which ReadPackage accepts). The weights are random int8, the
// scales chosen so activations stay inside int8 for inputs near the
// normalisation: the model classifies, though what it says is noise.
// Deterministic per seed. Tests that need a trained or float model use
// float_test_models.h (and therefore train).
#ifndef LWCL_TEST_SUPPORT_INT8_TEST_MODELS_H_
#define LWCL_TEST_SUPPORT_INT8_TEST_MODELS_H_

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "test_dsp.h"
#include "tinyml/dsp/spectral_features.h"
#include "tinyml/kernels/quantization.h"
#include "tinyml/package/model_package.h"
#include "tinyml/package/package_format.h"
#include "tinyml/package/package_writer.h"
#include "tinyml/runtime/classifier.h"
#include "tinyml/runtime/memory_plan.h"

namespace lwcl::testing {

struct Int8TestLayer {
  uint16_t in = 0, out = 0;
  bool relu = false;
  float input_scale = 0.0f, output_scale = 0.0f;
  int32_t input_zero_point = 0, output_zero_point = 0;
  std::vector<int8_t> weights;
  std::vector<float> weight_scales;
  std::vector<int32_t> bias, multiplier, shift;

  // A view of this layer, valid while it lives.
  tinyml::LayerView View() const {
    tinyml::LayerView d;
    d.in = in;
    d.out = out;
    d.relu = relu;
    d.input_scale = input_scale;
    d.input_zero_point = input_zero_point;
    d.output_scale = output_scale;
    d.output_zero_point = output_zero_point;
    d.weights = {weights.data(), weights.size()};
    d.weight_scales = {weight_scales.data(), weight_scales.size()};
    d.bias = {bias.data(), bias.size()};
    d.multiplier = {multiplier.data(), multiplier.size()};
    d.shift = {shift.data(), shift.size()};
    return d;
  }
};

struct Int8TestModel {
  std::string name = "test-model";
  std::string version = "1.2.3";
  std::vector<std::string> labels;
  tinyml::SpectralConfig dsp;
  uint16_t stride_samples = 0;
  std::vector<float> feature_mean, feature_std, drift_mean, drift_variance, centroids;
  float anomaly_radius = 2.5f;
  std::vector<Int8TestLayer> layers;

  tinyml::PackageView View() const {
    tinyml::PackageView v;
    v.name = tinyml::Span<const char>(name.data(), name.size());
    v.version = tinyml::Span<const char>(version.data(), version.size());
    v.label_count = labels.size();
    for (size_t i = 0; i < labels.size(); ++i) {
      v.labels[i] = tinyml::Span<const char>(labels[i].data(), labels[i].size());
    }
    v.dsp = dsp;
    v.stride_samples = stride_samples;
    v.feature_count = feature_mean.size();
    v.feature_mean = Of(feature_mean);
    v.feature_std = Of(feature_std);
    v.drift_mean = Of(drift_mean);
    v.drift_variance = Of(drift_variance);
    v.centroids = Of(centroids);
    v.anomaly_radius = anomaly_radius;
    v.layer_count = layers.size();
    for (size_t l = 0; l < layers.size(); ++l) v.layers[l] = layers[l].View();
    return v;
  }

  // The package bytes of View(), or of any view (e.g. a delta made from it).
  static std::vector<uint8_t> Write(const tinyml::PackageView& view) {
    std::vector<uint8_t> bytes(tinyml::PackageBytes(view));
    size_t written = 0;
    if (bytes.empty() ||
        tinyml::WritePackage(view, tinyml::Span<uint8_t>(bytes.data(), bytes.size()), &written) !=
            tinyml::Status::kOk) {
      return {};
    }
    return bytes;
  }
  std::vector<uint8_t> Bytes() const { return Write(View()); }

 private:
  template <typename T>
  static tinyml::Span<const T> Of(const std::vector<T>& v) {
    return tinyml::Span<const T>(v.data(), v.size());
  }
};

// features -> hidden (ReLU) ... -> classes, random int8 weights.
inline Int8TestModel RandomInt8Model(uint32_t seed, const tinyml::SpectralConfig& dsp,
                                     const std::vector<int>& hidden, int classes) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::uniform_real_distribution<float> positive(0.5f, 2.0f);
  std::uniform_int_distribution<int> weight(-127, 127);
  Int8TestModel m;
  for (int c = 0; c < classes; ++c) m.labels.push_back("class" + std::to_string(c));
  m.dsp = dsp;
  m.stride_samples = static_cast<uint16_t>(dsp.window_samples / 2);
  const size_t features = tinyml::SpectralFeatureCount(dsp);
  for (size_t i = 0; i < features; ++i) {
    m.feature_mean.push_back(uniform(rng) * 3.0f);
    m.feature_std.push_back(positive(rng));
  }
  m.drift_mean.assign(features, 0.0f);
  m.drift_variance.assign(features, 1.0f);
  for (size_t i = 0; i < static_cast<size_t>(classes) * features; ++i) {
    m.centroids.push_back(uniform(rng));
  }
  std::vector<int> widths = hidden;
  widths.push_back(classes);
  int in = static_cast<int>(features);
  float in_scale = 4.0f / 127.0f;  // normalised inputs within about +-4
  int32_t in_zp = 0;
  for (size_t l = 0; l < widths.size(); ++l) {
    Int8TestLayer layer;
    layer.in = static_cast<uint16_t>(in);
    layer.out = static_cast<uint16_t>(widths[l]);
    layer.relu = l + 1 < widths.size();
    layer.input_scale = in_scale;
    layer.input_zero_point = in_zp;
    const float w_scale = 1.5f / (127.0f * std::sqrt(static_cast<float>(in)));
    // A sum of `in` products has about sqrt(in) times one product's spread.
    layer.output_scale = in_scale * 2.0f;
    layer.output_zero_point = layer.relu ? -128 : 0;
    for (int i = 0; i < in * widths[l]; ++i) {
      layer.weights.push_back(static_cast<int8_t>(weight(rng)));
    }
    for (int o = 0; o < widths[l]; ++o) {
      layer.weight_scales.push_back(w_scale);
      const double bias_scale = static_cast<double>(in_scale) * static_cast<double>(w_scale);
      layer.bias.push_back(static_cast<int32_t>(std::lround(static_cast<double>(uniform(rng) * 0.2f) / bias_scale)));
      int32_t mult = 0, shift = 0;
      tinyml::QuantizeMultiplier(bias_scale / static_cast<double>(layer.output_scale), &mult,
                                 &shift);
      layer.multiplier.push_back(mult);
      layer.shift.push_back(shift);
    }
    in_scale = layer.output_scale;
    in_zp = layer.output_zero_point;
    m.layers.push_back(std::move(layer));
    in = widths[l];
  }
  return m;
}

// The model's package with `count` golden windows (GOLD): random raw feature
// vectors near its normalisation, with the class and int8 output this core
// computes for them, so the package passes its own self-test. Empty when the
// model does not run.
inline std::vector<uint8_t> BytesWithGolden(const Int8TestModel& m, size_t count, uint32_t seed) {
  const std::vector<uint8_t> plain = m.Bytes();
  tinyml::PackageView view;
  if (tinyml::ReadPackage(tinyml::Span<const uint8_t>(plain.data(), plain.size()), &view) !=
      tinyml::Status::kOk) {
    return {};
  }
  std::vector<uint8_t> arena(tinyml::RequiredArenaBytes(view));
  tinyml::Classifier classifier;
  if (classifier.Init(view, tinyml::Span<uint8_t>(arena.data(), arena.size())) !=
      tinyml::Status::kOk) {
    return {};
  }
  const size_t f = view.feature_count;
  const size_t stride = tinyml::package_format::GoldenRecordBytes(f, view.label_count);
  std::vector<uint8_t> records(count * stride);
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> features(f);
  for (size_t w = 0; w < count; ++w) {
    for (size_t i = 0; i < f; ++i) features[i] = m.feature_mean[i] + m.feature_std[i] * normal(rng);
    tinyml::Result r;
    const tinyml::Span<const float> in(features.data(), f);
    if (classifier.ClassifyFeatures(in, &r) != tinyml::Status::kOk ||
        tinyml::WriteGoldenRecord(in, r.label, classifier.output(),
                                  tinyml::Span<uint8_t>(records.data() + w * stride, stride)) !=
            tinyml::Status::kOk) {
      return {};
    }
  }
  tinyml::PackageView v = m.View();
  v.golden_count = count;
  v.golden = tinyml::Span<const uint8_t>(records.data(), records.size());
  return Int8TestModel::Write(v);
}

}  // namespace lwcl::testing

#endif  // LWCL_TEST_SUPPORT_INT8_TEST_MODELS_H_
