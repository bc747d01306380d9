#include "train/package_writer.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "tinyml/package/model_package.h"
#include "tinyml/package/package_format.h"
#include "tinyml/package/package_writer.h"
#include "tinyml/runtime/golden_self_test.h"
#include "tinyml/runtime/memory_plan.h"
#include "tinyml/dsp/spectral_features.h"
#include "train/float_forward.h"

namespace lwcl::train {
namespace {


void Fail(const std::string& what) { throw std::invalid_argument("package writer: " + what); }

void CheckModels(const FloatModel& m, const QuantizedModel& q) {
  CheckFloatModel(m);
  if (m.labels.empty() || m.labels.size() > tinyml::kMaxLabels) {
    Fail("need 1.." + std::to_string(tinyml::kMaxLabels) + " labels");
  }
  if (m.layers.size() > tinyml::kMaxLayers) Fail("too many layers");
  if (q.layers.size() != m.layers.size()) Fail("float and quantised layer counts differ");
  const size_t features = m.feature_mean.size();
  if (features > tinyml::kMaxLayerWidth) Fail("too many features");
  if (tinyml::ValidateSpectralConfig(m.dsp) != tinyml::Status::kOk) Fail("invalid DSP config");
  if (tinyml::SpectralFeatureCount(m.dsp) != features) {
    Fail("DSP config yields " + std::to_string(tinyml::SpectralFeatureCount(m.dsp)) +
         " features, normalisation has " + std::to_string(features));
  }
  if (m.stride_samples == 0 || m.stride_samples > m.dsp.window_samples) {
    Fail("stride must be 1..window samples");
  }
  if (m.centroids.size() != m.labels.size() * features) Fail("centroids have the wrong size");
  if (!(m.anomaly_radius > 0.0f)) Fail("anomaly radius must be > 0");
  for (size_t l = 0; l < q.layers.size(); ++l) {
    const QuantizedLayer& ql = q.layers[l];
    const size_t out = static_cast<size_t>(ql.out);
    if (ql.in != m.layers[l].in || ql.out != m.layers[l].out ||
        static_cast<size_t>(ql.out) > tinyml::kMaxLayerWidth ||
        ql.weights.size() != static_cast<size_t>(ql.in) * out || ql.weight_scales.size() != out ||
        ql.bias.size() != out || ql.multiplier.size() != out || ql.shift.size() != out) {
      Fail("quantised layer " + std::to_string(l) + " does not match the float model");
    }
  }
}

template <typename T>
tinyml::Span<const T> View(const std::vector<T>& v) {
  return tinyml::Span<const T>(v.data(), v.size());
}
tinyml::Span<const char> View(const std::string& s) {
  return tinyml::Span<const char>(s.data(), s.size());
}

tinyml::LayerView ViewOf(const QuantizedLayer& l) {
  tinyml::LayerView v;
  v.in = static_cast<uint16_t>(l.in);
  v.out = static_cast<uint16_t>(l.out);
  v.relu = l.relu;
  v.input_scale = l.input_scale;
  v.input_zero_point = l.input_zero_point;
  v.output_scale = l.output_scale;
  v.output_zero_point = l.output_zero_point;
  v.weights = View(l.weights);
  v.weight_scales = View(l.weight_scales);
  v.bias = View(l.bias);
  v.multiplier = View(l.multiplier);
  v.shift = View(l.shift);
  return v;
}

// Which layers a delta carries, as the view's bit mask.
uint32_t DeltaMask(const PackageWriteOptions& options, size_t layer_count) {
  std::vector<int> layers = options.delta_layers;
  if (layers.empty()) {
    for (size_t l = 0; l < layer_count; ++l) layers.push_back(static_cast<int>(l));
  }
  std::sort(layers.begin(), layers.end());
  if (std::adjacent_find(layers.begin(), layers.end()) != layers.end()) {
    Fail("delta layer listed twice");
  }
  uint32_t mask = 0;
  for (int l : layers) {
    if (l < 0 || static_cast<size_t>(l) >= layer_count) Fail("no such delta layer");
    mask |= 1u << l;
  }
  return mask;
}

// The GOLD records of `golden`, laid out by the core.
std::vector<uint8_t> GoldenRecords(const std::vector<GoldenWindowRecord>& golden,
                                   size_t features, size_t classes) {
  if (golden.size() > tinyml::kMaxGoldenWindows) Fail("too many golden windows");
  const size_t stride = tinyml::package_format::GoldenRecordBytes(features, classes);
  std::vector<uint8_t> records(golden.size() * stride);
  for (size_t i = 0; i < golden.size(); ++i) {
    const GoldenWindowRecord& g = golden[i];
    if (g.features.size() != features || g.expected_output.size() != classes ||
        g.expected_class < 0 || static_cast<size_t>(g.expected_class) >= classes) {
      Fail("golden window " + std::to_string(i) + " does not fit the model");
    }
    const tinyml::Status s = tinyml::WriteGoldenRecord(
        View(g.features), static_cast<size_t>(g.expected_class), View(g.expected_output),
        tinyml::Span<uint8_t>(records.data() + i * stride, stride));
    if (s != tinyml::Status::kOk) Fail(std::string("golden window: ") + tinyml::StatusName(s));
  }
  return records;
}

// Never hand out a package that fails its own self-test.
void CheckGoldenSelfTest(const tinyml::PackageView& view) {
  std::vector<uint8_t> arena(tinyml::RequiredArenaBytes(view));
  tinyml::GoldenSelfTestResult result;
  const tinyml::Status s = tinyml::RunGoldenSelfTest(
      view, tinyml::Span<uint8_t>(arena.data(), arena.size()), &result);
  if (s != tinyml::Status::kOk) {
    Fail(std::string("golden self-test: ") + tinyml::StatusName(s) +
         (result.first_failure != tinyml::kNoGoldenFailure
              ? " at window " + std::to_string(result.first_failure)
              : std::string()));
  }
}

}  // namespace

std::vector<uint8_t> WritePackage(const FloatModel& model, const QuantizedModel& quantized,
                                  const PackageWriteOptions& options) {
  CheckModels(model, quantized);
  const size_t features = model.feature_mean.size();
  std::vector<float> drift_mean = options.drift_mean;
  std::vector<float> drift_variance = options.drift_variance;
  if (drift_mean.empty()) drift_mean.assign(features, 0.0f);
  if (drift_variance.empty()) drift_variance = model.within_class_variance;
  if (drift_variance.empty()) drift_variance.assign(features, 1.0f);
  if (drift_mean.size() != features || drift_variance.size() != features) {
    Fail("drift reference has the wrong size");
  }
  if (model.name.size() > 0xFFFF || model.version.size() > 0xFFFF) Fail("name too long");
  for (const std::string& label : model.labels) {
    if (label.size() > 0xFFFF) Fail("string longer than 65535 bytes");
  }

  // The core's writer lays the bytes out; this side only describes the model.
  tinyml::PackageView view;
  view.is_delta = options.base_digest.has_value();
  if (view.is_delta) {
    view.base_digest = tinyml::Span<const uint8_t>(options.base_digest->data(),
                                                   options.base_digest->size());
    view.layer_mask = DeltaMask(options, quantized.layers.size());
  }
  view.name = View(model.name);
  view.version = View(model.version);
  view.label_count = model.labels.size();
  for (size_t i = 0; i < model.labels.size(); ++i) view.labels[i] = View(model.labels[i]);
  view.dsp = model.dsp;
  view.stride_samples = model.stride_samples;
  view.feature_count = features;
  view.feature_mean = View(model.feature_mean);
  view.feature_std = View(model.feature_std);
  view.drift_mean = View(drift_mean);
  view.drift_variance = View(drift_variance);
  view.centroids = View(model.centroids);
  view.anomaly_radius = model.anomaly_radius;
  view.layer_count = quantized.layers.size();
  for (size_t l = 0; l < quantized.layers.size(); ++l) view.layers[l] = ViewOf(quantized.layers[l]);
  if (view.is_delta && !options.golden.empty()) Fail("a delta package carries no golden windows");
  const std::vector<uint8_t> golden = GoldenRecords(options.golden, features, view.label_count);
  view.golden_count = options.golden.size();
  view.golden = View(golden);
  if (!view.is_delta) view.gravity = options.gravity;

  std::vector<uint8_t> bytes(tinyml::PackageBytes(view));
  size_t written = 0;
  tinyml::Status s =
      tinyml::WritePackage(view, tinyml::Span<uint8_t>(bytes.data(), bytes.size()), &written);
  if (s != tinyml::Status::kOk) Fail(std::string("cannot lay out: ") + tinyml::StatusName(s));

  // Never hand out a package the device would refuse.
  tinyml::PackageView check;
  s = tinyml::ReadPackage(tinyml::Span<const uint8_t>(bytes.data(), bytes.size()), &check);
  if (s != tinyml::Status::kOk) {
    Fail(std::string("the result does not read back: ") + tinyml::StatusName(s));
  }
  if (check.golden_count != 0) CheckGoldenSelfTest(check);
  return bytes;
}

Digest PackageDigest(std::span<const uint8_t> package) {
  // ReadPackage needs a 4-byte aligned buffer; a vector's storage is.
  const std::vector<uint8_t> copy(package.begin(), package.end());
  tinyml::PackageView view;
  const tinyml::Status s =
      tinyml::ReadPackage(tinyml::Span<const uint8_t>(copy.data(), copy.size()), &view);
  if (s != tinyml::Status::kOk) {
    throw std::invalid_argument(std::string("not a readable package: ") + tinyml::StatusName(s));
  }
  Digest d;
  std::copy(view.digest.begin(), view.digest.end(), d.begin());
  return d;
}

}  // namespace lwcl::train
