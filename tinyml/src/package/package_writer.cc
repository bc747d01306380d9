#include "tinyml/package/package_writer.h"

#include <cstring>

#include "tinyml/package/package_format.h"
#include "tinyml/package/sha256.h"

namespace lwcl::tinyml {
namespace {

namespace pf = package_format;

// A little-endian byte cursor. With an empty buffer it only counts, so the
// same code measures (PackageBytes) and writes (WritePackage); once a write
// would pass the end it keeps counting but stops writing.
class Cursor {
 public:
  explicit Cursor(Span<uint8_t> out) : out_(out) {}

  size_t size() const { return at_; }
  bool overflowed() const { return at_ > out_.size; }
  uint8_t* data() { return out_.data; }

  void Raw(const void* p, size_t n) {
    if (n != 0 && at_ + n <= out_.size) std::memcpy(out_.data + at_, p, n);
    at_ += n;
  }
  void U8(uint8_t v) { Raw(&v, 1); }
  void U16(uint16_t v) { Raw(&v, 2); }
  void U32(uint32_t v) { Raw(&v, 4); }
  void I32(int32_t v) { Raw(&v, 4); }
  void F32(float v) { Raw(&v, 4); }
  template <typename T>
  void Array(Span<const T> v) {
    Raw(v.data, v.size * sizeof(T));
  }
  void PatchU32(size_t at, uint32_t v) {
    if (at + 4 <= out_.size) std::memcpy(out_.data + at, &v, 4);
  }
  void PadTo4() {
    while (at_ % pf::kAlignment != 0) U8(0);
  }
  // Opens a section (tag, length placeholder); returns where its payload starts.
  size_t BeginSection(uint32_t tag) {
    U32(tag);
    U32(0);
    return at_;
  }
  void EndSection(size_t payload_start) {
    PatchU32(payload_start - 4, static_cast<uint32_t>(at_ - payload_start));
    PadTo4();
  }

 private:
  Span<uint8_t> out_;
  size_t at_ = 0;
};

bool FitsU16(size_t n) { return n <= 0xFFFF; }

bool LayerShapeOk(const LayerView& l) {
  const size_t out = l.out;
  return l.in != 0 && out != 0 && l.in <= kMaxLayerWidth && out <= kMaxLayerWidth &&
         l.weights.size == static_cast<size_t>(l.in) * out && l.weight_scales.size == out &&
         l.bias.size == out && l.multiplier.size == out && l.shift.size == out;
}

// A delta never carries golden windows: like the other full-package fields,
// they are ignored (a view read from a full package becomes a delta as is).
bool GoldenLayoutOk(const PackageView& v) {
  if (v.is_delta) return true;
  if (v.golden_count == 0) return v.golden.size == 0;
  return v.golden_count <= kMaxGoldenWindows &&
         v.golden.size ==
             v.golden_count * pf::GoldenRecordBytes(v.feature_count, v.label_count);
}

// No reference (magnitude 0), or three positive finite numbers.
bool GravityOk(const GravityReference& g) {
  if (g.magnitude == 0.0f) return true;
  const auto ok = [](float x) { return x > 0.0f && x < 3.0e38f; };
  return ok(g.magnitude) && ok(g.log_spread) && ok(g.still_limit);
}

bool LayoutOk(const PackageView& v) {
  if (v.layer_count > kMaxLayers || !GoldenLayoutOk(v) || !GravityOk(v.gravity)) return false;
  for (size_t l = 0; l < v.layer_count; ++l) {
    const bool carried = !v.is_delta || (v.layer_mask >> l & 1u) != 0;
    if (carried && !LayerShapeOk(v.layers[l])) return false;
  }
  if (v.is_delta) {
    return v.base_digest.size == pf::kDigestBytes && v.layer_mask != 0 &&
           (v.layer_mask >> v.layer_count) == 0;
  }
  if (v.label_count == 0 || v.label_count > kMaxLabels || v.layer_count == 0) return false;
  if (!FitsU16(v.name.size) || !FitsU16(v.version.size)) return false;
  for (size_t i = 0; i < v.label_count; ++i) {
    if (!FitsU16(v.labels[i].size)) return false;
  }
  const size_t f = v.feature_count;
  return f != 0 && f <= 0xFFFFFFFFu && v.feature_mean.size == f && v.feature_std.size == f &&
         v.drift_mean.size == f && v.drift_variance.size == f &&
         v.centroids.size == v.label_count * f;
}

void WriteLayer(Cursor& c, size_t index, const LayerView& l) {
  const size_t start = c.BeginSection(pf::kTagLayer);
  c.U16(static_cast<uint16_t>(index));
  c.U8(l.relu ? pf::kActivationRelu : pf::kActivationNone);
  c.U8(0);
  c.U16(l.in);
  c.U16(l.out);
  c.F32(l.input_scale);
  c.I32(l.input_zero_point);
  c.F32(l.output_scale);
  c.I32(l.output_zero_point);
  c.Array(l.weight_scales);
  c.Array(l.bias);
  c.Array(l.multiplier);
  c.Array(l.shift);
  c.Array(l.weights);
  c.EndSection(start);
}

void WriteModelSections(Cursor& c, const PackageView& v) {
  size_t s = c.BeginSection(pf::kTagInfo);
  c.U16(static_cast<uint16_t>(v.name.size));
  c.U16(static_cast<uint16_t>(v.version.size));
  c.U16(static_cast<uint16_t>(v.label_count));
  c.U16(0);
  c.Array(v.name);
  c.Array(v.version);
  for (size_t i = 0; i < v.label_count; ++i) {
    c.U16(static_cast<uint16_t>(v.labels[i].size));
    c.Array(v.labels[i]);
  }
  c.EndSection(s);

  s = c.BeginSection(pf::kTagInput);
  const SpectralConfig& d = v.dsp;
  c.U8(d.axes);
  c.U8(d.decimation);
  c.U8(static_cast<uint8_t>(d.filter));
  c.U8(d.filter_order);
  c.U16(d.window_samples);
  c.U16(v.stride_samples);
  c.F32(d.sample_rate_hz);
  c.F32(d.scale);
  c.F32(d.filter_cutoff_hz);
  c.U16(d.fft_length);
  c.U8(d.overlap ? 1 : 0);
  c.U8(d.log_spectrum ? 1 : 0);
  c.U32(static_cast<uint32_t>(v.feature_count));
  c.U32(0);
  c.EndSection(s);

  s = c.BeginSection(pf::kTagNorm);
  c.U32(static_cast<uint32_t>(v.feature_count));
  c.U32(0);
  c.Array(v.feature_mean);
  c.Array(v.feature_std);
  c.EndSection(s);

  s = c.BeginSection(pf::kTagDrift);
  c.U32(static_cast<uint32_t>(v.feature_count));
  c.U32(static_cast<uint32_t>(v.label_count));
  c.F32(v.anomaly_radius);
  c.U32(0);
  c.Array(v.drift_mean);
  c.Array(v.drift_variance);
  c.Array(v.centroids);
  c.EndSection(s);
}

// Everything but the digest, which needs the finished body.
void WriteBody(Cursor& c, const PackageView& v) {
  c.Raw(pf::kMagic, sizeof pf::kMagic);
  c.U16(pf::kVersion);
  c.U16(v.is_delta ? pf::kFlagDelta : 0);
  c.U32(0);  // body bytes, patched by the caller
  c.U32(0);
  if (v.is_delta) {
    const size_t s = c.BeginSection(pf::kTagDelta);
    c.Array(v.base_digest);
    c.U32(0);
    c.EndSection(s);
  } else {
    WriteModelSections(c, v);
  }
  for (size_t l = 0; l < v.layer_count; ++l) {
    if (!v.is_delta || (v.layer_mask >> l & 1u) != 0) WriteLayer(c, l, v.layers[l]);
  }
  if (!v.is_delta && v.golden_count != 0) {
    const size_t s = c.BeginSection(pf::kTagGolden);
    c.U32(static_cast<uint32_t>(v.golden_count));
    c.U32(static_cast<uint32_t>(v.feature_count));
    c.U32(static_cast<uint32_t>(v.label_count));
    c.U32(0);
    c.Array(v.golden);
    c.EndSection(s);
  }
  if (!v.is_delta && v.gravity.magnitude > 0.0f) {
    const size_t s = c.BeginSection(pf::kTagGravity);
    c.F32(v.gravity.magnitude);
    c.F32(v.gravity.log_spread);
    c.F32(v.gravity.still_limit);
    c.U32(0);
    c.EndSection(s);
  }
}

}  // namespace

size_t PackageBytes(const PackageView& view) {
  if (!LayoutOk(view)) return 0;
  Cursor c{Span<uint8_t>()};
  WriteBody(c, view);
  return c.size() + pf::kTrailerFixedBytes;
}

Status WriteGoldenRecord(Span<const float> features, size_t expected_class,
                         Span<const int8_t> expected_output, Span<uint8_t> record) {
  if (features.empty() || features.size > kMaxLayerWidth || expected_output.empty() ||
      expected_output.size > kMaxLabels || expected_class >= expected_output.size) {
    return Status::kInvalidArgument;
  }
  const size_t bytes = pf::GoldenRecordBytes(features.size, expected_output.size);
  if (record.size < bytes) return Status::kBufferTooSmall;
  Cursor c(record.subspan(0, bytes));
  c.Array(features);
  c.U16(static_cast<uint16_t>(expected_class));
  c.U16(0);
  c.Array(expected_output);
  c.PadTo4();
  return Status::kOk;
}

Status WritePackage(const PackageView& view, Span<uint8_t> out, size_t* written) {
  *written = 0;
  const size_t total = PackageBytes(view);
  if (total == 0) return Status::kInvalidArgument;
  if (out.size < total) return Status::kBufferTooSmall;
  Cursor c(out);
  WriteBody(c, view);
  const size_t body = c.size();
  c.PatchU32(8, static_cast<uint32_t>(body));
  uint8_t digest[kSha256Bytes];
  Sha256Digest(Span<const uint8_t>(out.data, body), digest);
  c.Raw(digest, sizeof digest);
  c.U32(pf::kSignatureNone);
  *written = c.size();
  return Status::kOk;
}

}  // namespace lwcl::tinyml
