// The device's package reader on the trainer's packages: write -> read round
// trip, and every corruption refused with its own status. The reader's
// trainer-free tests are tinyml/tests/package_writer_test.cc.
#include "tinyml/package/model_package.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "float_test_models.h"
#include "tinyml/package/package_format.h"
#include "tinyml/package/sha256.h"
#include "train/package_writer.h"
#include "train/quantizer.h"

namespace lwcl::tinyml {
namespace {

namespace pf = package_format;

struct Built {
  train::FloatModel model;
  train::QuantizedModel quantized;
  std::vector<uint8_t> bytes;
};

Built Build(const train::PackageWriteOptions& options = {}) {
  Built b;
  b.model = testing::RandomModel(1, testing::SmallDsp(), {8}, 3);
  const auto calibration = testing::RandomInputs(b.model, 64, 2);
  b.quantized = train::QuantizeModel(b.model, calibration);
  b.bytes = train::WritePackage(b.model, b.quantized, options);
  return b;
}

Status Read(const std::vector<uint8_t>& bytes, PackageView* view) {
  return ReadPackage(Span<const uint8_t>(bytes.data(), bytes.size()), view);
}

Status Read(const std::vector<uint8_t>& bytes) {
  PackageView view;
  return Read(bytes, &view);
}

uint32_t U32At(const std::vector<uint8_t>& b, size_t at) {
  uint32_t v;
  std::memcpy(&v, b.data() + at, 4);
  return v;
}

void PutU32(std::vector<uint8_t>& b, size_t at, uint32_t v) { std::memcpy(b.data() + at, &v, 4); }

// Recomputes the trailer digest (and the body length) after an edit, so the
// test reaches the section checks behind the digest.
void Refinalize(std::vector<uint8_t>& b, size_t body) {
  PutU32(b, 8, static_cast<uint32_t>(body));
  Sha256Digest(Span<const uint8_t>(b.data(), body), b.data() + body);
}
void Refinalize(std::vector<uint8_t>& b) { Refinalize(b, U32At(b, 8)); }

// Offset of the n-th section with `tag` (its header), or 0.
size_t FindSection(const std::vector<uint8_t>& b, uint32_t tag, int n = 0) {
  const size_t body = U32At(b, 8);
  size_t at = pf::kHeaderBytes;
  while (at < body) {
    const size_t length = U32At(b, at + 4);
    if (U32At(b, at) == tag && n-- == 0) return at;
    at += pf::kSectionHeaderBytes + ((length + 3) & ~size_t{3});
  }
  return 0;
}

std::string Str(Span<const char> s) { return std::string(s.data, s.size); }

template <typename T>
std::vector<T> Vec(Span<const T> s) {
  return std::vector<T>(s.begin(), s.end());
}

TEST(ModelPackage, RoundTripsEveryField) {
  train::PackageWriteOptions options;
  const Built b0 = Build();
  const size_t features = b0.model.feature_mean.size();
  for (size_t i = 0; i < features; ++i) {
    options.drift_mean.push_back(0.01f * static_cast<float>(i));
    options.drift_variance.push_back(1.0f + 0.02f * static_cast<float>(i));
  }
  const Built b = Build(options);
  PackageView v;
  ASSERT_EQ(Read(b.bytes, &v), Status::kOk);
  const train::FloatModel& m = b.model;
  EXPECT_EQ(v.format_version, pf::kVersion);
  EXPECT_FALSE(v.is_delta);
  EXPECT_TRUE(v.base_digest.empty());
  EXPECT_EQ(Str(v.name), m.name);
  EXPECT_EQ(Str(v.version), m.version);
  ASSERT_EQ(v.label_count, m.labels.size());
  for (size_t i = 0; i < m.labels.size(); ++i) EXPECT_EQ(Str(v.labels[i]), m.labels[i]);
  EXPECT_EQ(v.dsp.axes, m.dsp.axes);
  EXPECT_EQ(v.dsp.window_samples, m.dsp.window_samples);
  EXPECT_EQ(v.dsp.sample_rate_hz, m.dsp.sample_rate_hz);
  EXPECT_EQ(v.dsp.scale, m.dsp.scale);
  EXPECT_EQ(v.dsp.decimation, m.dsp.decimation);
  EXPECT_EQ(v.dsp.filter, m.dsp.filter);
  EXPECT_EQ(v.dsp.filter_cutoff_hz, m.dsp.filter_cutoff_hz);
  EXPECT_EQ(v.dsp.filter_order, m.dsp.filter_order);
  EXPECT_EQ(v.dsp.fft_length, m.dsp.fft_length);
  EXPECT_EQ(v.dsp.overlap, m.dsp.overlap);
  EXPECT_EQ(v.dsp.log_spectrum, m.dsp.log_spectrum);
  EXPECT_EQ(v.stride_samples, m.stride_samples);
  EXPECT_EQ(v.feature_count, features);
  EXPECT_EQ(Vec(v.feature_mean), m.feature_mean);
  EXPECT_EQ(Vec(v.feature_std), m.feature_std);
  EXPECT_EQ(Vec(v.drift_mean), options.drift_mean);
  EXPECT_EQ(Vec(v.drift_variance), options.drift_variance);
  EXPECT_EQ(Vec(v.centroids), m.centroids);
  EXPECT_EQ(v.anomaly_radius, m.anomaly_radius);
  ASSERT_EQ(v.layer_count, b.quantized.layers.size());
  EXPECT_EQ(v.layer_mask, (1u << v.layer_count) - 1);
  for (size_t l = 0; l < v.layer_count; ++l) {
    const LayerView& got = v.layers[l];
    const train::QuantizedLayer& want = b.quantized.layers[l];
    EXPECT_EQ(got.in, want.in);
    EXPECT_EQ(got.out, want.out);
    EXPECT_EQ(got.relu, want.relu);
    EXPECT_EQ(got.input_scale, want.input_scale);
    EXPECT_EQ(got.input_zero_point, want.input_zero_point);
    EXPECT_EQ(got.output_scale, want.output_scale);
    EXPECT_EQ(got.output_zero_point, want.output_zero_point);
    EXPECT_EQ(Vec(got.weights), want.weights);
    EXPECT_EQ(Vec(got.weight_scales), want.weight_scales);
    EXPECT_EQ(Vec(got.bias), want.bias);
    EXPECT_EQ(Vec(got.multiplier), want.multiplier);
    EXPECT_EQ(Vec(got.shift), want.shift);
  }
  // Zero copy: arrays point into the caller's buffer.
  EXPECT_EQ(static_cast<const void*>(v.layers[0].weights.data) >=
                static_cast<const void*>(b.bytes.data()),
            true);
  EXPECT_EQ(v.body.size + 36, b.bytes.size());
  EXPECT_EQ(v.signature_scheme, pf::kSignatureNone);
  EXPECT_TRUE(v.signature.empty());
  uint8_t digest[kSha256Bytes];
  Sha256Digest(v.body, digest);
  EXPECT_EQ(std::memcmp(digest, v.digest.data, kSha256Bytes), 0);
}

TEST(ModelPackage, EveryTruncationIsTruncated) {
  const Built b = Build();
  for (size_t n = 0; n < b.bytes.size(); ++n) {
    std::vector<uint8_t> cut(b.bytes.begin(), b.bytes.begin() + static_cast<std::ptrdiff_t>(n));
    ASSERT_EQ(Read(cut), Status::kTruncated) << "length " << n;
  }
}

TEST(ModelPackage, AnyFlippedByteIsABadDigest) {
  const Built b = Build();
  const size_t body = U32At(b.bytes, 8);
  // Every byte after the header fields the reader checks before the digest
  // (magic, version, flags, length, reserved), and every digest byte.
  for (size_t i = pf::kHeaderBytes; i < body + pf::kDigestBytes; ++i) {
    std::vector<uint8_t> bad = b.bytes;
    bad[i] ^= 0x01;
    ASSERT_EQ(Read(bad), Status::kBadDigest) << "byte " << i;
  }
}

TEST(ModelPackage, HeaderCorruptionsHaveTheirOwnStatus) {
  const Built b = Build();
  std::vector<uint8_t> bad = b.bytes;
  bad[0] = 'X';
  EXPECT_EQ(Read(bad), Status::kBadMagic);

  for (uint16_t version : {uint16_t{0}, uint16_t{2}, uint16_t{0xFFFF}}) {
    bad = b.bytes;
    std::memcpy(bad.data() + 4, &version, 2);
    EXPECT_EQ(Read(bad), Status::kUnsupportedVersion) << version;
  }
  bad = b.bytes;
  bad[6] = 0x80;  // unknown flag
  EXPECT_EQ(Read(bad), Status::kUnsupported);

  bad = b.bytes;
  PutU32(bad, 8, 18);  // body length not a multiple of 4
  EXPECT_EQ(Read(bad), Status::kMalformed);
  bad = b.bytes;
  PutU32(bad, 8, 0xFFFFFFF0u);  // body beyond the buffer
  EXPECT_EQ(Read(bad), Status::kTruncated);

  bad = b.bytes;
  bad.push_back(0);  // trailing garbage
  EXPECT_EQ(Read(bad), Status::kMalformed);

  bad = b.bytes;
  PutU32(bad, U32At(bad, 8) + pf::kDigestBytes, 7);  // unknown signature scheme
  EXPECT_EQ(Read(bad), Status::kUnsupported);

  // A misaligned buffer is refused rather than read with unaligned floats.
  std::vector<uint8_t> shifted(b.bytes.size() + 1);
  std::memcpy(shifted.data() + 1, b.bytes.data(), b.bytes.size());
  PackageView v;
  EXPECT_EQ(ReadPackage(Span<const uint8_t>(shifted.data() + 1, b.bytes.size()), &v),
            Status::kInvalidArgument);
}

TEST(ModelPackage, InconsistentLayersAreMalformed) {
  const Built b = Build();
  const size_t l0 = FindSection(b.bytes, pf::kTagLayer, 0) + pf::kSectionHeaderBytes;
  const size_t l1 = FindSection(b.bytes, pf::kTagLayer, 1) + pf::kSectionHeaderBytes;
  ASSERT_GT(l1, l0);

  // Layer 1 expects a different input zero point than layer 0 produces.
  std::vector<uint8_t> bad = b.bytes;
  PutU32(bad, l1 + 12, U32At(bad, l1 + 12) + 1);
  Refinalize(bad);
  EXPECT_EQ(Read(bad), Status::kMalformed);

  // Layer 0 declares one input more than it has weights for.
  bad = b.bytes;
  bad[l0 + 4] = static_cast<uint8_t>(bad[l0 + 4] + 1);
  Refinalize(bad);
  EXPECT_EQ(Read(bad), Status::kMalformed);

  // Swap layer 0's in and out (same weight count, wrong chain).
  bad = b.bytes;
  std::swap(bad[l0 + 4], bad[l0 + 6]);
  std::swap(bad[l0 + 5], bad[l0 + 7]);
  Refinalize(bad);
  EXPECT_EQ(Read(bad), Status::kMalformed);

  // A multiplier out of range, a zero point out of int8, a zero scale.
  bad = b.bytes;
  const size_t out0 = bad[l0 + 6];
  PutU32(bad, l0 + 24 + 12 * out0, 40);  // shift 40
  Refinalize(bad);
  EXPECT_EQ(Read(bad), Status::kMalformed);
  bad = b.bytes;
  PutU32(bad, l0 + 20, 200);
  Refinalize(bad);
  EXPECT_EQ(Read(bad), Status::kMalformed);
  bad = b.bytes;
  PutU32(bad, l0 + 16, 0);
  Refinalize(bad);
  EXPECT_EQ(Read(bad), Status::kMalformed);

  // Unknown activation and a layer index past the limit are unsupported.
  bad = b.bytes;
  bad[l0 + 2] = 9;
  Refinalize(bad);
  EXPECT_EQ(Read(bad), Status::kUnsupported);
  bad = b.bytes;
  bad[l1] = 5;  // layer 1 claims to be layer 5: a gap
  Refinalize(bad);
  EXPECT_EQ(Read(bad), Status::kMissingSection);
  bad = b.bytes;
  bad[l1] = 0;  // two layers 0
  Refinalize(bad);
  EXPECT_EQ(Read(bad), Status::kMalformed);
}

TEST(ModelPackage, OtherSectionCorruptions) {
  const Built b = Build();
  // A zero standard deviation would divide by zero on the device.
  std::vector<uint8_t> bad = b.bytes;
  const size_t norm = FindSection(bad, pf::kTagNorm) + pf::kSectionHeaderBytes;
  const size_t features = U32At(bad, norm);
  PutU32(bad, norm + 8 + 4 * features, 0);
  Refinalize(bad);
  EXPECT_EQ(Read(bad), Status::kMalformed);

  // A section length running past the body.
  bad = b.bytes;
  PutU32(bad, FindSection(bad, pf::kTagInfo) + 4, 100000);
  Refinalize(bad);
  EXPECT_EQ(Read(bad), Status::kMalformed);

  // A label list longer than the INFO section.
  bad = b.bytes;
  const size_t info = FindSection(bad, pf::kTagInfo) + pf::kSectionHeaderBytes;
  bad[info + 4] = 9;
  Refinalize(bad);
  EXPECT_EQ(Read(bad), Status::kMalformed);

  // Two labels named, but three outputs and three centroids.
  bad = b.bytes;
  bad[info + 4] = 2;
  Refinalize(bad);
  EXPECT_EQ(Read(bad), Status::kMalformed);

  // A negative drift variance.
  bad = b.bytes;
  const size_t drift = FindSection(bad, pf::kTagDrift) + pf::kSectionHeaderBytes;
  const float negative = -1.0f;
  std::memcpy(bad.data() + drift + 16 + 4 * features, &negative, 4);
  Refinalize(bad);
  EXPECT_EQ(Read(bad), Status::kMalformed);
}

// Removes one section (the bytes of its header, payload and padding).
std::vector<uint8_t> Without(const std::vector<uint8_t>& b, uint32_t tag) {
  const size_t at = FindSection(b, tag);
  const size_t length = U32At(b, at + 4);
  const size_t size = pf::kSectionHeaderBytes + ((length + 3) & ~size_t{3});
  std::vector<uint8_t> out(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(at));
  out.insert(out.end(), b.begin() + static_cast<std::ptrdiff_t>(at + size), b.end());
  Refinalize(out, U32At(b, 8) - size);
  return out;
}

TEST(ModelPackage, MissingSectionsAreReported) {
  const Built b = Build();
  for (uint32_t tag : {pf::kTagInfo, pf::kTagInput, pf::kTagNorm, pf::kTagDrift}) {
    EXPECT_EQ(Read(Without(b.bytes, tag)), Status::kMissingSection) << std::hex << tag;
  }
  std::vector<uint8_t> no_layers = Without(Without(b.bytes, pf::kTagLayer), pf::kTagLayer);
  EXPECT_EQ(Read(no_layers), Status::kMissingSection);
}

TEST(ModelPackage, UnknownSectionsAreSkipped) {
  const Built b = Build();
  const size_t body = U32At(b.bytes, 8);
  std::vector<uint8_t> more(b.bytes.begin(), b.bytes.begin() + static_cast<std::ptrdiff_t>(body));
  const uint32_t header[2] = {pf::Tag('X', 'T', 'R', 'A'), 5};
  const uint8_t* h = reinterpret_cast<const uint8_t*>(header);
  more.insert(more.end(), h, h + 8);
  more.insert(more.end(), {1, 2, 3, 4, 5, 0, 0, 0});
  more.resize(more.size() + pf::kTrailerFixedBytes, 0);
  Refinalize(more, body + 16);
  EXPECT_EQ(Read(more), Status::kOk);
}

TEST(ModelPackage, DeltaNamesItsBase) {
  const Built base = Build();
  train::PackageWriteOptions options;
  options.base_digest = train::PackageDigest(base.bytes);
  options.delta_layers = {1};  // a new head
  const Built delta = Build(options);
  PackageView v;
  ASSERT_EQ(Read(delta.bytes, &v), Status::kOk);
  EXPECT_TRUE(v.is_delta);
  ASSERT_EQ(v.base_digest.size, kSha256Bytes);
  EXPECT_EQ(std::memcmp(v.base_digest.data, options.base_digest->data(), kSha256Bytes), 0);
  EXPECT_EQ(v.layer_mask, 2u);
  EXPECT_EQ(v.layers[1].out, 3);
  EXPECT_LT(delta.bytes.size(), base.bytes.size());
  // The delta flag without its section, and the section without the flag.
  std::vector<uint8_t> bad = delta.bytes;
  bad[6] = 0;
  Refinalize(bad);
  EXPECT_EQ(Read(bad), Status::kMalformed);
  bad = Without(delta.bytes, pf::kTagDelta);
  EXPECT_EQ(Read(bad), Status::kMissingSection);
}

}  // namespace
}  // namespace lwcl::tinyml
