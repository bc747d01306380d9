// PackageWriter: what it writes ReadPackage reads back as the same view,
// full and delta, with a gravity reference or none; bad views and short
// buffers are refused without writing, a bad GRAV on reading too.
#include "tinyml/package/package_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>
#include <vector>

#include "int8_test_models.h"
#include "tinyml/package/model_package.h"
#include "tinyml/package/package_format.h"
#include "tinyml/package/sha256.h"

namespace lwcl::tinyml {
namespace {

std::string_view Text(Span<const char> s) { return std::string_view(s.data, s.size); }

template <typename T>
std::vector<T> Vec(Span<const T> s) {
  return std::vector<T>(s.begin(), s.end());
}

PackageView Read(const std::vector<uint8_t>& bytes) {
  PackageView v;
  EXPECT_EQ(ReadPackage(Span<const uint8_t>(bytes.data(), bytes.size()), &v), Status::kOk);
  return v;
}

TEST(PackageWriter, FullPackageReadsBackAsTheSameView) {
  const testing::Int8TestModel m = testing::RandomInt8Model(3, testing::MotionDsp(), {32, 16}, 3);
  const PackageView want = m.View();
  const std::vector<uint8_t> bytes = m.Bytes();
  ASSERT_EQ(bytes.size(), PackageBytes(want));
  const PackageView got = Read(bytes);
  EXPECT_FALSE(got.is_delta);
  EXPECT_EQ(Text(got.name), "test-model");
  EXPECT_EQ(Text(got.version), "1.2.3");
  ASSERT_EQ(got.label_count, 3u);
  EXPECT_EQ(Text(got.labels[2]), "class2");
  EXPECT_EQ(got.dsp.window_samples, want.dsp.window_samples);
  EXPECT_EQ(got.dsp.fft_length, want.dsp.fft_length);
  EXPECT_EQ(got.stride_samples, want.stride_samples);
  EXPECT_EQ(got.feature_count, 39u);
  EXPECT_EQ(Vec(got.feature_mean), m.feature_mean);
  EXPECT_EQ(Vec(got.feature_std), m.feature_std);
  EXPECT_EQ(Vec(got.drift_variance), m.drift_variance);
  EXPECT_EQ(Vec(got.centroids), m.centroids);
  EXPECT_EQ(got.anomaly_radius, m.anomaly_radius);
  ASSERT_EQ(got.layer_count, 3u);
  for (size_t l = 0; l < 3; ++l) {
    const testing::Int8TestLayer& w = m.layers[l];
    const LayerView& g = got.layers[l];
    EXPECT_EQ(g.in, w.in);
    EXPECT_EQ(g.out, w.out);
    EXPECT_EQ(g.relu, w.relu);
    EXPECT_EQ(g.input_scale, w.input_scale);
    EXPECT_EQ(g.output_zero_point, w.output_zero_point);
    EXPECT_EQ(Vec(g.weights), w.weights);
    EXPECT_EQ(Vec(g.bias), w.bias);
    EXPECT_EQ(Vec(g.multiplier), w.multiplier);
    EXPECT_EQ(Vec(g.shift), w.shift);
  }
  // Writing what was read gives the same bytes again.
  EXPECT_EQ(testing::Int8TestModel::Write(got), bytes);
}

TEST(PackageWriter, AGravityReferenceTravelsAsGravAndABadOneIsRefused) {
  const testing::Int8TestModel m = testing::RandomInt8Model(6, testing::MotionDsp(), {16}, 3);
  PackageView v = m.View();
  EXPECT_EQ(Read(m.Bytes()).gravity.magnitude, 0.0f) << "none unless given";
  v.gravity = {1016.0f, 0.03f, 0.5f};
  const std::vector<uint8_t> bytes = testing::Int8TestModel::Write(v);
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(bytes.size(), m.Bytes().size() + 8 + 16) << "one 16-byte section";
  const PackageView got = Read(bytes);
  EXPECT_EQ(got.gravity.magnitude, 1016.0f);
  EXPECT_EQ(got.gravity.log_spread, 0.03f);
  EXPECT_EQ(got.gravity.still_limit, 0.5f);
  EXPECT_EQ(testing::Int8TestModel::Write(got), bytes);

  // A reader refuses a GRAV whose numbers are not three positive finite ones.
  for (float bad : {0.0f, -0.1f, std::nanf(""), std::numeric_limits<float>::infinity()}) {
    std::vector<uint8_t> b = bytes;
    uint32_t body = 0;
    std::memcpy(&body, b.data() + 8, 4);
    size_t at = package_format::kHeaderBytes;
    uint32_t tag = 0, length = 0;
    for (; at < body; at += package_format::kSectionHeaderBytes + ((length + 3) & ~3u)) {
      std::memcpy(&tag, b.data() + at, 4);
      std::memcpy(&length, b.data() + at + 4, 4);
      if (tag == package_format::kTagGravity) break;
    }
    ASSERT_EQ(tag, package_format::kTagGravity);
    std::memcpy(b.data() + at + package_format::kSectionHeaderBytes + 4, &bad, 4);  // the log spread
    Sha256Digest(Span<const uint8_t>(b.data(), body), b.data() + body);
    PackageView refused;
    EXPECT_EQ(ReadPackage(Span<const uint8_t>(b.data(), b.size()), &refused), Status::kMalformed) << bad;
  }

  // A delta leaves it to its base.
  PackageView head = got;
  head.is_delta = true;
  head.base_digest = got.digest;
  head.layer_mask = 1u << 1;
  EXPECT_EQ(Read(testing::Int8TestModel::Write(head)).gravity.magnitude, 0.0f);

  std::vector<uint8_t> out(PackageBytes(v) + 64);
  size_t written = 0;
  for (GravityReference bad : {GravityReference{1.0f, 0.0f, 0.5f}, GravityReference{1.0f, 0.02f, -1.0f},
                               GravityReference{-1.0f, 0.02f, 0.5f}, GravityReference{1.0f, std::nanf(""), 0.5f}}) {
    v.gravity = bad;
    EXPECT_EQ(WritePackage(v, Span<uint8_t>(out.data(), out.size()), &written), Status::kInvalidArgument);
  }
}

TEST(PackageWriter, HeadDeltaCarriesOnlyTheHeadAndNamesItsBase) {
  const testing::Int8TestModel m = testing::RandomInt8Model(4, testing::MotionDsp(), {32, 16}, 3);
  const std::vector<uint8_t> base = m.Bytes();
  const PackageView base_view = Read(base);
  PackageView head = m.View();
  head.is_delta = true;
  head.base_digest = base_view.digest;
  head.layer_mask = 1u << 2;
  const std::vector<uint8_t> delta = testing::Int8TestModel::Write(head);
  ASSERT_FALSE(delta.empty());
  EXPECT_LT(delta.size(), 1024u) << "a retrained head travels in under 1 KB";
  const PackageView got = Read(delta);
  EXPECT_TRUE(got.is_delta);
  EXPECT_EQ(Vec(got.base_digest), Vec(base_view.digest));
  EXPECT_EQ(got.layer_mask, 1u << 2);
  EXPECT_EQ(Vec(got.layers[2].weights), m.layers[2].weights);
}

TEST(PackageWriter, RefusesViewsItCannotLayOut) {
  const testing::Int8TestModel m = testing::RandomInt8Model(5, testing::SmallDsp(), {4}, 2);
  std::vector<uint8_t> out(8192, 0xEE);
  size_t written = 99;
  const auto write = [&](const PackageView& v) {
    return WritePackage(v, Span<uint8_t>(out.data(), out.size()), &written);
  };
  PackageView v = m.View();
  v.label_count = 0;
  EXPECT_EQ(write(v), Status::kInvalidArgument);
  EXPECT_EQ(written, 0u);
  v = m.View();
  v.feature_std.size -= 1;
  EXPECT_EQ(write(v), Status::kInvalidArgument);
  v = m.View();
  v.layers[0].bias.size = 0;
  EXPECT_EQ(write(v), Status::kInvalidArgument);
  v = m.View();
  v.is_delta = true;  // no base digest
  v.layer_mask = 1;
  EXPECT_EQ(write(v), Status::kInvalidArgument);
  EXPECT_EQ(PackageBytes(v), 0u);
  EXPECT_EQ(out[0], 0xEE) << "nothing is written for a refused view";

  v = m.View();
  const size_t need = PackageBytes(v);
  EXPECT_EQ(WritePackage(v, Span<uint8_t>(out.data(), need - 1), &written),
            Status::kBufferTooSmall);
  EXPECT_EQ(written, 0u);
  EXPECT_EQ(out[0], 0xEE);
  ASSERT_EQ(WritePackage(v, Span<uint8_t>(out.data(), need), &written), Status::kOk);
  EXPECT_EQ(written, need);
  EXPECT_EQ(out[need], 0xEE) << "the writer stopped at the package's end";
}

}  // namespace
}  // namespace lwcl::tinyml
