// PackageWriter: what it writes ReadPackage reads back as the same view,
// full and delta; bad views and short buffers are refused without writing.
#include "tinyml/package/package_writer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "int8_test_models.h"
#include "tinyml/package/model_package.h"

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
