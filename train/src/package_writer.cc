#include "train/package_writer.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "tinyml/package/model_package.h"
#include "tinyml/package/package_format.h"
#include "tinyml/dsp/spectral_features.h"
#include "train/float_forward.h"

namespace lwcl::train {
namespace {

namespace pf = tinyml::package_format;

void Fail(const std::string& what) { throw std::invalid_argument("package writer: " + what); }

// Little-endian byte sink.
class Bytes {
 public:
  std::vector<uint8_t>& data() { return data_; }
  size_t size() const { return data_.size(); }
  void U8(uint8_t v) { data_.push_back(v); }
  void U16(uint16_t v) { Raw(&v, 2); }
  void U32(uint32_t v) { Raw(&v, 4); }
  void I32(int32_t v) { Raw(&v, 4); }
  void F32(float v) { Raw(&v, 4); }
  void Raw(const void* p, size_t n) {
    const uint8_t* b = static_cast<const uint8_t*>(p);
    data_.insert(data_.end(), b, b + n);
  }
  void Floats(const std::vector<float>& v) {
    for (float f : v) F32(f);
  }
  void Int32s(const std::vector<int32_t>& v) {
    for (int32_t i : v) I32(i);
  }
  void Text(const std::string& s) {
    if (s.size() > 0xFFFF) Fail("string longer than 65535 bytes");
    U16(static_cast<uint16_t>(s.size()));
    Raw(s.data(), s.size());
  }
  void PatchU32(size_t at, uint32_t v) { std::memcpy(data_.data() + at, &v, 4); }
  void PadTo4() {
    while (data_.size() % pf::kAlignment != 0) data_.push_back(0);
  }

 private:
  std::vector<uint8_t> data_;
};

// Writes one section: tag, length, payload from `fill`, padding.
template <typename Fill>
void Section(Bytes& b, uint32_t tag, Fill fill) {
  b.U32(tag);
  const size_t length_at = b.size();
  b.U32(0);
  const size_t start = b.size();
  fill();
  b.PatchU32(length_at, static_cast<uint32_t>(b.size() - start));
  b.PadTo4();
}

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

void WriteLayer(Bytes& b, size_t index, const QuantizedLayer& l) {
  Section(b, pf::kTagLayer, [&] {
    b.U16(static_cast<uint16_t>(index));
    b.U8(l.relu ? pf::kActivationRelu : pf::kActivationNone);
    b.U8(0);
    b.U16(static_cast<uint16_t>(l.in));
    b.U16(static_cast<uint16_t>(l.out));
    b.F32(l.input_scale);
    b.I32(l.input_zero_point);
    b.F32(l.output_scale);
    b.I32(l.output_zero_point);
    b.Floats(l.weight_scales);
    b.Int32s(l.bias);
    b.Int32s(l.multiplier);
    b.Int32s(l.shift);
    b.Raw(l.weights.data(), l.weights.size());
  });
}

}  // namespace

std::vector<uint8_t> WritePackage(const FloatModel& model, const QuantizedModel& quantized,
                                  const PackageWriteOptions& options) {
  CheckModels(model, quantized);
  const size_t features = model.feature_mean.size();
  std::vector<float> drift_mean = options.drift_mean;
  std::vector<float> drift_variance = options.drift_variance;
  if (drift_mean.empty()) drift_mean.assign(features, 0.0f);
  if (drift_variance.empty()) drift_variance.assign(features, 1.0f);
  if (drift_mean.size() != features || drift_variance.size() != features) {
    Fail("drift reference has the wrong size");
  }
  const bool delta = options.base_digest.has_value();

  Bytes b;
  b.Raw(pf::kMagic, sizeof pf::kMagic);
  b.U16(pf::kVersion);
  b.U16(delta ? pf::kFlagDelta : 0);
  b.U32(0);  // body bytes, patched below
  b.U32(0);

  if (delta) {
    Section(b, pf::kTagDelta, [&] {
      b.Raw(options.base_digest->data(), options.base_digest->size());
      b.U32(0);
    });
    std::vector<int> layers = options.delta_layers;
    if (layers.empty()) {
      for (size_t l = 0; l < quantized.layers.size(); ++l) layers.push_back(static_cast<int>(l));
    }
    std::sort(layers.begin(), layers.end());
    if (std::adjacent_find(layers.begin(), layers.end()) != layers.end()) {
      Fail("delta layer listed twice");
    }
    for (int l : layers) {
      if (l < 0 || static_cast<size_t>(l) >= quantized.layers.size()) Fail("no such delta layer");
      WriteLayer(b, static_cast<size_t>(l), quantized.layers[static_cast<size_t>(l)]);
    }
  } else {
    Section(b, pf::kTagInfo, [&] {
      if (model.name.size() > 0xFFFF || model.version.size() > 0xFFFF) Fail("name too long");
      b.U16(static_cast<uint16_t>(model.name.size()));
      b.U16(static_cast<uint16_t>(model.version.size()));
      b.U16(static_cast<uint16_t>(model.labels.size()));
      b.U16(0);
      b.Raw(model.name.data(), model.name.size());
      b.Raw(model.version.data(), model.version.size());
      for (const std::string& label : model.labels) b.Text(label);
    });
    Section(b, pf::kTagInput, [&] {
      const tinyml::SpectralConfig& d = model.dsp;
      b.U8(d.axes);
      b.U8(d.decimation);
      b.U8(static_cast<uint8_t>(d.filter));
      b.U8(d.filter_order);
      b.U16(d.window_samples);
      b.U16(model.stride_samples);
      b.F32(d.sample_rate_hz);
      b.F32(d.scale);
      b.F32(d.filter_cutoff_hz);
      b.U16(d.fft_length);
      b.U8(d.overlap ? 1 : 0);
      b.U8(d.log_spectrum ? 1 : 0);
      b.U32(static_cast<uint32_t>(features));
      b.U32(0);
    });
    Section(b, pf::kTagNorm, [&] {
      b.U32(static_cast<uint32_t>(features));
      b.U32(0);
      b.Floats(model.feature_mean);
      b.Floats(model.feature_std);
    });
    Section(b, pf::kTagDrift, [&] {
      b.U32(static_cast<uint32_t>(features));
      b.U32(static_cast<uint32_t>(model.labels.size()));
      b.F32(model.anomaly_radius);
      b.U32(0);
      b.Floats(drift_mean);
      b.Floats(drift_variance);
      b.Floats(model.centroids);
    });
    for (size_t l = 0; l < quantized.layers.size(); ++l) WriteLayer(b, l, quantized.layers[l]);
  }

  const size_t body = b.size();
  b.PatchU32(8, static_cast<uint32_t>(body));
  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(b.data().data(), body, digest);
  b.Raw(digest, sizeof digest);
  b.U32(pf::kSignatureNone);

  // Never hand out a package the device would refuse.
  tinyml::PackageView view;
  const tinyml::Status s =
      tinyml::ReadPackage(tinyml::Span<const uint8_t>(b.data().data(), b.size()), &view);
  if (s != tinyml::Status::kOk) {
    Fail(std::string("the result does not read back: ") + tinyml::StatusName(s));
  }
  return std::move(b.data());
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
