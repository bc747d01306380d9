// Package writer: digest, layout invariants, deltas and refusals.
#include "train/package_writer.h"

#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <cstring>
#include <vector>

#include "float_test_models.h"
#include "tinyml/package/model_package.h"
#include "tinyml/package/package_format.h"

namespace lwcl::train {
namespace {

namespace pf = tinyml::package_format;

struct Fixture {
  FloatModel model = testing::RandomModel(21, testing::MotionDsp(), {32, 16}, 3);
  QuantizedModel quantized = QuantizeModel(model, testing::RandomInputs(model, 50, 22));
};

TEST(PackageWriter, WritesADigestedAlignedPackage) {
  Fixture f;
  const std::vector<uint8_t> bytes = WritePackage(f.model, f.quantized);
  ASSERT_GE(bytes.size(), pf::kHeaderBytes + pf::kTrailerFixedBytes);
  EXPECT_EQ(std::memcmp(bytes.data(), pf::kMagic, 4), 0);
  uint32_t body = 0;
  std::memcpy(&body, bytes.data() + 8, 4);
  EXPECT_EQ(body % 4, 0u);
  EXPECT_EQ(bytes.size(), body + pf::kTrailerFixedBytes);
  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(bytes.data(), body, digest);
  EXPECT_EQ(std::memcmp(digest, bytes.data() + body, 32), 0);
  const Digest d = PackageDigest(bytes);
  EXPECT_EQ(std::memcmp(d.data(), digest, 32), 0);
  // Deterministic: the same models give the same bytes.
  EXPECT_EQ(WritePackage(f.model, f.quantized), bytes);
  // The default motion model (39 -> 32 -> 16 -> 3) stays small.
  EXPECT_LT(bytes.size(), 4500u);
}

TEST(PackageWriter, DeltaCarriesOnlyTheNewHead) {
  Fixture f;
  const std::vector<uint8_t> full = WritePackage(f.model, f.quantized);
  PackageWriteOptions options;
  options.base_digest = PackageDigest(full);
  options.delta_layers = {2};
  const std::vector<uint8_t> delta = WritePackage(f.model, f.quantized, options);
  EXPECT_LT(delta.size(), 400u);  // a 16 -> 3 head: a few hundred bytes
  tinyml::PackageView v;
  ASSERT_EQ(tinyml::ReadPackage(tinyml::Span<const uint8_t>(delta.data(), delta.size()), &v),
            tinyml::Status::kOk);
  EXPECT_TRUE(v.is_delta);
  EXPECT_EQ(v.layer_mask, 4u);
  EXPECT_EQ(std::memcmp(v.base_digest.data, options.base_digest->data(), 32), 0);
  options.delta_layers = {3};
  EXPECT_THROW(WritePackage(f.model, f.quantized, options), std::invalid_argument);
  options.delta_layers = {1, 1};
  EXPECT_THROW(WritePackage(f.model, f.quantized, options), std::invalid_argument);
}

TEST(PackageWriter, RefusesInconsistentModels) {
  Fixture f;
  FloatModel m = f.model;
  m.labels.push_back("extra");
  EXPECT_THROW(WritePackage(m, f.quantized), std::invalid_argument);
  m = f.model;
  m.dsp.fft_length = 32;  // the DSP would no longer produce 39 features
  EXPECT_THROW(WritePackage(m, f.quantized), std::invalid_argument);
  m = f.model;
  m.centroids.pop_back();
  EXPECT_THROW(WritePackage(m, f.quantized), std::invalid_argument);
  m = f.model;
  m.stride_samples = 0;
  EXPECT_THROW(WritePackage(m, f.quantized), std::invalid_argument);
  QuantizedModel q = f.quantized;
  q.layers.pop_back();
  EXPECT_THROW(WritePackage(f.model, q), std::invalid_argument);
  q = f.quantized;
  q.layers[1].input_zero_point += 1;  // the reader would refuse it
  EXPECT_THROW(WritePackage(f.model, q), std::invalid_argument);
  PackageWriteOptions options;
  options.drift_mean = {1.0f};
  EXPECT_THROW(WritePackage(f.model, f.quantized, options), std::invalid_argument);
  const std::vector<uint8_t> junk = {1, 2, 3};
  EXPECT_THROW(PackageDigest(junk), std::invalid_argument);
}

}  // namespace
}  // namespace lwcl::train
