#include "tinyml/package/model_package.h"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "tinyml/package/package_format.h"
#include "tinyml/package/sha256.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "model packages are read in place and are little-endian"
#endif

namespace lwcl::tinyml {
namespace {

namespace pf = package_format;

// Scalar loads go through memcpy: no alignment or aliasing assumptions.
uint16_t LoadU16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
uint32_t LoadU32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
int32_t LoadI32(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
float LoadF32(const uint8_t* p) {
  float v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Arrays are used in place. Offsets are multiples of 4 from a 4-aligned
// buffer (both checked), so these pointers are correctly aligned.
Span<const float> FloatArray(const uint8_t* p, size_t n) {
  return Span<const float>(static_cast<const float*>(static_cast<const void*>(p)), n);
}
Span<const int32_t> Int32Array(const uint8_t* p, size_t n) {
  return Span<const int32_t>(static_cast<const int32_t*>(static_cast<const void*>(p)), n);
}

bool PositiveFinite(float v) { return v > 0.0f && std::isfinite(v); }

bool AllFinite(Span<const float> v) {
  for (size_t i = 0; i < v.size; ++i) {
    if (!std::isfinite(v[i])) return false;
  }
  return true;
}

bool AllPositiveFinite(Span<const float> v) {
  for (size_t i = 0; i < v.size; ++i) {
    if (!PositiveFinite(v[i])) return false;
  }
  return true;
}

bool IsBool(uint8_t b) { return b <= 1; }

// Sequential reader inside one section payload, for the variable-length INFO.
struct Cursor {
  const uint8_t* p;
  size_t left;
  bool Take(size_t n, const uint8_t** at) {
    if (n > left) return false;
    *at = p;
    p += n;
    left -= n;
    return true;
  }
};

Status ParseInfo(const uint8_t* p, size_t n, PackageView* out) {
  if (n < pf::kInfoFixedBytes) return Status::kMalformed;
  const size_t name_len = LoadU16(p);
  const size_t version_len = LoadU16(p + 2);
  const size_t labels = LoadU16(p + 4);
  if (labels == 0) return Status::kMalformed;
  if (labels > kMaxLabels) return Status::kUnsupported;
  Cursor c{p + pf::kInfoFixedBytes, n - pf::kInfoFixedBytes};
  const uint8_t* at = nullptr;
  if (!c.Take(name_len, &at)) return Status::kMalformed;
  out->name = Span<const char>(static_cast<const char*>(static_cast<const void*>(at)), name_len);
  if (!c.Take(version_len, &at)) return Status::kMalformed;
  out->version =
      Span<const char>(static_cast<const char*>(static_cast<const void*>(at)), version_len);
  for (size_t i = 0; i < labels; ++i) {
    if (!c.Take(2, &at)) return Status::kMalformed;
    const size_t len = LoadU16(at);
    if (!c.Take(len, &at)) return Status::kMalformed;
    out->labels[i] = Span<const char>(static_cast<const char*>(static_cast<const void*>(at)), len);
  }
  out->label_count = labels;
  return Status::kOk;
}

Status ParseInput(const uint8_t* p, size_t n, PackageView* out) {
  if (n < pf::kInputBytes) return Status::kMalformed;
  SpectralConfig& d = out->dsp;
  d.axes = p[0];
  d.decimation = p[1];
  if (p[2] > static_cast<uint8_t>(FilterType::kHighPass)) return Status::kMalformed;
  d.filter = static_cast<FilterType>(p[2]);
  d.filter_order = p[3];
  d.window_samples = LoadU16(p + 4);
  out->stride_samples = LoadU16(p + 6);
  d.sample_rate_hz = LoadF32(p + 8);
  d.scale = LoadF32(p + 12);
  d.filter_cutoff_hz = LoadF32(p + 16);
  d.fft_length = LoadU16(p + 20);
  if (!IsBool(p[22]) || !IsBool(p[23])) return Status::kMalformed;
  d.overlap = p[22] != 0;
  d.log_spectrum = p[23] != 0;
  const uint32_t features = LoadU32(p + 24);
  if (d.axes == 0 || d.window_samples == 0 || out->stride_samples == 0 ||
      out->stride_samples > d.window_samples || features == 0 ||
      !PositiveFinite(d.sample_rate_hz) || !std::isfinite(d.scale) ||
      !std::isfinite(d.filter_cutoff_hz)) {
    return Status::kMalformed;
  }
  if (d.axes > kMaxAxes || features > kMaxLayerWidth) return Status::kUnsupported;
  out->feature_count = features;
  return Status::kOk;
}

Status ParseNorm(const uint8_t* p, size_t n, PackageView* out) {
  if (n < pf::kNormFixedBytes) return Status::kMalformed;
  const size_t count = LoadU32(p);
  if (count == 0 || count > kMaxLayerWidth) return Status::kMalformed;
  if (n != pf::kNormFixedBytes + 8 * count) return Status::kMalformed;
  out->feature_mean = FloatArray(p + pf::kNormFixedBytes, count);
  out->feature_std = FloatArray(p + pf::kNormFixedBytes + 4 * count, count);
  if (!AllFinite(out->feature_mean) || !AllPositiveFinite(out->feature_std)) {
    return Status::kMalformed;
  }
  return Status::kOk;
}

Status ParseDrift(const uint8_t* p, size_t n, PackageView* out) {
  if (n < pf::kDriftFixedBytes) return Status::kMalformed;
  const size_t features = LoadU32(p);
  const size_t classes = LoadU32(p + 4);
  out->anomaly_radius = LoadF32(p + 8);
  if (features == 0 || features > kMaxLayerWidth || classes > kMaxLabels) {
    return Status::kMalformed;
  }
  if (n != pf::kDriftFixedBytes + 4 * features * (2 + classes)) return Status::kMalformed;
  const uint8_t* a = p + pf::kDriftFixedBytes;
  out->drift_mean = FloatArray(a, features);
  out->drift_variance = FloatArray(a + 4 * features, features);
  out->centroids = FloatArray(a + 8 * features, classes * features);
  if (!PositiveFinite(out->anomaly_radius) || !AllFinite(out->drift_mean) ||
      !AllFinite(out->drift_variance) || !AllFinite(out->centroids)) {
    return Status::kMalformed;
  }
  for (size_t i = 0; i < features; ++i) {
    if (out->drift_variance[i] < 0.0f) return Status::kMalformed;
  }
  return Status::kOk;
}

Status ParseGravity(const uint8_t* p, size_t n, PackageView* out) {
  if (n < pf::kGravityBytes) return Status::kMalformed;
  GravityReference g;
  g.magnitude = LoadF32(p);
  g.log_spread = LoadF32(p + 4);
  g.still_limit = LoadF32(p + 8);
  if (!PositiveFinite(g.magnitude) || !PositiveFinite(g.log_spread) || !PositiveFinite(g.still_limit) ||
      LoadU32(p + 12) != 0) {
    return Status::kMalformed;
  }
  out->gravity = g;
  return Status::kOk;
}

// GOLD's own header, checked against INPT and INFO once every section is read.
struct GoldenShape {
  size_t features = 0;
  size_t classes = 0;
};

Status ParseGolden(const uint8_t* p, size_t n, GoldenShape* shape, PackageView* out) {
  if (n < pf::kGoldenFixedBytes) return Status::kMalformed;
  const size_t count = LoadU32(p);
  shape->features = LoadU32(p + 4);
  shape->classes = LoadU32(p + 8);
  if (count == 0 || count > kMaxGoldenWindows || shape->features == 0 ||
      shape->features > kMaxLayerWidth || shape->classes == 0 || shape->classes > kMaxLabels ||
      LoadU32(p + 12) != 0) {
    return Status::kMalformed;
  }
  // Bounded above (16 records of at most 4 KB), so no overflow.
  const size_t records = count * pf::GoldenRecordBytes(shape->features, shape->classes);
  if (n != pf::kGoldenFixedBytes + records) return Status::kMalformed;
  out->golden_count = count;
  out->golden = Span<const uint8_t>(p + pf::kGoldenFixedBytes, records);
  return Status::kOk;
}

// The records, once feature and label counts are known.
Status CheckGolden(const PackageView& v, const GoldenShape& shape) {
  if (v.golden_count == 0) return Status::kOk;
  if (shape.features != v.feature_count || shape.classes != v.label_count) {
    return Status::kMalformed;
  }
  const size_t stride = pf::GoldenRecordBytes(v.feature_count, v.label_count);
  for (size_t i = 0; i < v.golden_count; ++i) {
    const GoldenWindow w = GoldenWindowAt(v, i);
    const uint8_t* reserved = v.golden.data + i * stride + 4 * v.feature_count + 2;
    if (!AllFinite(w.features) || w.expected_class >= v.label_count || LoadU16(reserved) != 0) {
      return Status::kMalformed;
    }
  }
  return Status::kOk;
}

bool ValidZeroPoint(int32_t zp) { return zp >= -128 && zp <= 127; }

Status ParseLayer(const uint8_t* p, size_t n, PackageView* out) {
  if (n < pf::kLayerFixedBytes) return Status::kMalformed;
  const size_t index = LoadU16(p);
  const uint8_t activation = p[2];
  LayerView l;
  l.in = LoadU16(p + 4);
  l.out = LoadU16(p + 6);
  l.input_scale = LoadF32(p + 8);
  l.input_zero_point = LoadI32(p + 12);
  l.output_scale = LoadF32(p + 16);
  l.output_zero_point = LoadI32(p + 20);
  if (activation > pf::kActivationRelu) return Status::kUnsupported;
  if (index >= kMaxLayers || l.in > kMaxLayerWidth || l.out > kMaxLayerWidth) {
    return Status::kUnsupported;
  }
  if (l.in == 0 || l.out == 0) return Status::kMalformed;
  if ((out->layer_mask >> index) & 1u) return Status::kMalformed;  // duplicate
  const size_t in = l.in;
  const size_t o = l.out;
  if (n != pf::kLayerFixedBytes + 16 * o + in * o) return Status::kMalformed;
  l.relu = activation == pf::kActivationRelu;
  const uint8_t* a = p + pf::kLayerFixedBytes;
  l.weight_scales = FloatArray(a, o);
  l.bias = Int32Array(a + 4 * o, o);
  l.multiplier = Int32Array(a + 8 * o, o);
  l.shift = Int32Array(a + 12 * o, o);
  l.weights =
      Span<const int8_t>(static_cast<const int8_t*>(static_cast<const void*>(a + 16 * o)), in * o);
  if (!PositiveFinite(l.input_scale) || !PositiveFinite(l.output_scale) ||
      !ValidZeroPoint(l.input_zero_point) || !ValidZeroPoint(l.output_zero_point) ||
      !AllPositiveFinite(l.weight_scales)) {
    return Status::kMalformed;
  }
  for (size_t i = 0; i < o; ++i) {
    if (l.multiplier[i] < 0 || l.shift[i] < -31 || l.shift[i] > 30) return Status::kMalformed;
  }
  out->layers[index] = l;
  out->layer_mask |= 1u << index;
  return Status::kOk;
}

// Cross-section checks of a full (non-delta) package.
Status CheckFullPackage(PackageView* out, uint32_t seen, const GoldenShape& golden) {
  constexpr uint32_t kInfo = 1, kInput = 2, kNorm = 4, kDrift = 8;
  if ((seen & (kInfo | kInput | kNorm | kDrift)) != (kInfo | kInput | kNorm | kDrift) ||
      out->layer_mask == 0) {
    return Status::kMissingSection;
  }
  // Layers must be 0..n-1 with no gap.
  size_t count = 0;
  while (count < kMaxLayers && ((out->layer_mask >> count) & 1u)) ++count;
  if (out->layer_mask != (1u << count) - 1u) return Status::kMissingSection;
  out->layer_count = count;

  const size_t f = out->feature_count;
  if (out->feature_mean.size != f || out->drift_mean.size != f ||
      out->centroids.size != out->label_count * f) {
    return Status::kMalformed;
  }
  if (out->layers[0].in != f || out->layers[count - 1].out != out->label_count) {
    return Status::kMalformed;
  }
  for (size_t i = 1; i < count; ++i) {
    const LayerView& prev = out->layers[i - 1];
    const LayerView& cur = out->layers[i];
    // int8 activations flow unchanged from one layer to the next, so the
    // quantisation each side assumes must be identical.
    if (cur.in != prev.out || cur.input_zero_point != prev.output_zero_point ||
        std::memcmp(&cur.input_scale, &prev.output_scale, sizeof(float)) != 0) {
      return Status::kMalformed;
    }
  }
  return CheckGolden(*out, golden);
}

}  // namespace

GoldenWindow GoldenWindowAt(const PackageView& package, size_t index) {
  GoldenWindow w;
  if (index >= package.golden_count) return w;
  const size_t f = package.feature_count;
  const size_t stride = pf::GoldenRecordBytes(f, package.label_count);
  if (package.golden.size < (index + 1) * stride) return w;
  const uint8_t* record = package.golden.data + index * stride;
  w.features = FloatArray(record, f);
  w.expected_class = LoadU16(record + 4 * f);
  w.expected_output = Span<const int8_t>(
      static_cast<const int8_t*>(static_cast<const void*>(record + 4 * f + 4)),
      package.label_count);
  return w;
}

Status ReadPackage(Span<const uint8_t> bytes, PackageView* out) {
  *out = PackageView();
  const uint8_t* base = bytes.data;
  if (reinterpret_cast<uintptr_t>(base) % pf::kAlignment != 0) return Status::kInvalidArgument;
  const size_t size = bytes.size;
  if (base == nullptr || size < pf::kHeaderBytes) return Status::kTruncated;
  if (std::memcmp(base, pf::kMagic, sizeof pf::kMagic) != 0) return Status::kBadMagic;
  out->format_version = LoadU16(base + 4);
  if (out->format_version != pf::kVersion) return Status::kUnsupportedVersion;
  const uint16_t flags = LoadU16(base + 6);
  if ((flags & ~pf::kKnownFlags) != 0) return Status::kUnsupported;
  const size_t body = LoadU32(base + 8);
  if (body < pf::kHeaderBytes || body % pf::kAlignment != 0 || LoadU32(base + 12) != 0) {
    return Status::kMalformed;
  }
  // Compare without adding to `body`, which could overflow on 32-bit targets.
  if (size < pf::kTrailerFixedBytes || body > size - pf::kTrailerFixedBytes) {
    return Status::kTruncated;
  }
  const uint8_t* trailer = base + body;
  out->signature_scheme = LoadU32(trailer + pf::kDigestBytes);
  size_t signature_bytes = 0;
  if (out->signature_scheme == pf::kSignatureEd25519) {
    signature_bytes = pf::kEd25519SignatureBytes;
  } else if (out->signature_scheme != pf::kSignatureNone) {
    return Status::kUnsupported;
  }
  const size_t expected = body + pf::kTrailerFixedBytes + signature_bytes;
  if (size < expected) return Status::kTruncated;
  if (size > expected) return Status::kMalformed;

  out->body = Span<const uint8_t>(base, body);
  out->digest = Span<const uint8_t>(trailer, pf::kDigestBytes);
  out->signature = Span<const uint8_t>(trailer + pf::kTrailerFixedBytes, signature_bytes);
  uint8_t digest[kSha256Bytes];
  Sha256Digest(out->body, digest);
  if (std::memcmp(digest, trailer, kSha256Bytes) != 0) return Status::kBadDigest;

  // Sections tile the body exactly.
  constexpr uint32_t kInfo = 1, kInput = 2, kNorm = 4, kDrift = 8, kDelta = 16, kGolden = 32,
                     kGravity = 64;
  uint32_t seen = 0;
  GoldenShape golden;
  size_t offset = pf::kHeaderBytes;
  while (offset < body) {
    if (body - offset < pf::kSectionHeaderBytes) return Status::kMalformed;
    const uint32_t tag = LoadU32(base + offset);
    const size_t length = LoadU32(base + offset + 4);
    const size_t start = offset + pf::kSectionHeaderBytes;
    if (length > body - start) return Status::kMalformed;
    const size_t padded = (length + pf::kAlignment - 1) & ~(pf::kAlignment - 1);
    if (padded > body - start) return Status::kMalformed;
    const uint8_t* p = base + start;
    uint32_t bit = 0;
    Status s = Status::kOk;
    switch (tag) {
      case pf::kTagInfo:
        bit = kInfo;
        s = ParseInfo(p, length, out);
        break;
      case pf::kTagInput:
        bit = kInput;
        s = ParseInput(p, length, out);
        break;
      case pf::kTagNorm:
        bit = kNorm;
        s = ParseNorm(p, length, out);
        break;
      case pf::kTagDrift:
        bit = kDrift;
        s = ParseDrift(p, length, out);
        break;
      case pf::kTagLayer:
        s = ParseLayer(p, length, out);
        break;
      case pf::kTagDelta:
        bit = kDelta;
        if (length < pf::kDeltaBytes) return Status::kMalformed;
        out->base_digest = Span<const uint8_t>(p, pf::kDigestBytes);
        break;
      case pf::kTagGolden:
        bit = kGolden;
        s = ParseGolden(p, length, &golden, out);
        break;
      case pf::kTagGravity:
        bit = kGravity;
        s = ParseGravity(p, length, out);
        break;
      default:
        break;  // a section from a newer writer: skip it
    }
    if (s != Status::kOk) return s;
    if (seen & bit) return Status::kMalformed;  // a singleton section twice
    seen |= bit;
    offset = start + padded;
  }

  out->is_delta = (flags & pf::kFlagDelta) != 0;
  if (out->is_delta != ((seen & kDelta) != 0)) {
    return out->is_delta ? Status::kMissingSection : Status::kMalformed;
  }
  if (out->is_delta) {
    // A delta's sections are checked one by one; how they fit the base is
    // decided when it is applied, against that base. It carries no golden
    // windows: a new head changes the outputs they record.
    if (seen & (kGolden | kGravity)) return Status::kMalformed;
    return out->layer_mask != 0 ? Status::kOk : Status::kMissingSection;
  }
  return CheckFullPackage(out, seen, golden);
}

}  // namespace lwcl::tinyml
