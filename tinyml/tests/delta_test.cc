// ApplyDelta: a head delta applied to its base gives exactly the package a
// full write of the retrained model gives; any other base, a reshaped layer,
// a non-delta and a short buffer are refused.
#include "tinyml/package/delta.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "aligned_buffer.h"
#include "int8_test_models.h"

namespace lwcl::tinyml {
namespace {

using testing::AlignedBuffer;
using testing::Int8TestModel;

// Package bytes in an aligned buffer, and their view.
struct Read {
  explicit Read(const std::vector<uint8_t>& bytes) : buffer(bytes.size()), size(bytes.size()) {
    std::copy(bytes.begin(), bytes.end(), buffer.data());
    status = ReadPackage(Span<const uint8_t>(buffer.data(), size), &view);
  }
  AlignedBuffer buffer;
  size_t size;
  PackageView view;
  Status status = Status::kInvalidArgument;
};

// The head (last layer) of `m` with new weights, as a delta on `base`.
std::vector<uint8_t> HeadDelta(const Int8TestModel& retrained, const PackageView& base) {
  PackageView v = retrained.View();
  v.is_delta = true;
  v.base_digest = base.digest;
  v.layer_mask = 1u << (v.layer_count - 1);
  return Int8TestModel::Write(v);
}

Int8TestModel Retrained(Int8TestModel m) {
  for (int8_t& w : m.layers.back().weights) w = static_cast<int8_t>(-w / 2);
  m.layers.back().bias[0] += 17;
  return m;
}

TEST(ApplyDelta, GivesTheRetrainedPackageByteForByte) {
  const Int8TestModel model = testing::RandomInt8Model(31, testing::MotionDsp(), {32, 16}, 3);
  const Read base(model.Bytes());
  ASSERT_EQ(base.status, Status::kOk);
  const Int8TestModel retrained = Retrained(model);
  const std::vector<uint8_t> delta_bytes = HeadDelta(retrained, base.view);
  EXPECT_LT(delta_bytes.size(), 1024u);
  const Read delta(delta_bytes);
  ASSERT_EQ(delta.status, Status::kOk);

  const size_t need = MergedPackageBytes(base.view, delta.view);
  ASSERT_EQ(need, retrained.Bytes().size());
  AlignedBuffer out(need);
  size_t written = 0;
  ASSERT_EQ(ApplyDelta(base.view, delta.view, Span<uint8_t>(out.data(), need), &written),
            Status::kOk);
  EXPECT_EQ(std::vector<uint8_t>(out.data(), out.data() + written), retrained.Bytes());
}

TEST(ApplyDelta, KeepsTheBasesGravityReference) {
  const Int8TestModel model = testing::RandomInt8Model(32, testing::MotionDsp(), {16}, 3);
  PackageView with = model.View();
  with.gravity = {1.0f, 0.03f, 0.5f};
  const Read base(Int8TestModel::Write(with));
  ASSERT_EQ(base.status, Status::kOk);
  const Read delta(HeadDelta(Retrained(model), base.view));
  ASSERT_EQ(delta.status, Status::kOk);
  const size_t need = MergedPackageBytes(base.view, delta.view);
  AlignedBuffer out(need);
  size_t written = 0;
  ASSERT_EQ(ApplyDelta(base.view, delta.view, Span<uint8_t>(out.data(), need), &written), Status::kOk);
  PackageView merged;
  ASSERT_EQ(ReadPackage(Span<const uint8_t>(out.data(), written), &merged), Status::kOk);
  EXPECT_EQ(merged.gravity.magnitude, 1.0f) << "a new head does not change what gravity reads";
  EXPECT_EQ(merged.gravity.log_spread, 0.03f);
}

TEST(ApplyDelta, RefusesAnyOtherBaseAndWhatItCannotMerge) {
  const Int8TestModel model = testing::RandomInt8Model(32, testing::SmallDsp(), {4}, 2);
  const Read base(model.Bytes());
  const Read other(testing::RandomInt8Model(33, testing::SmallDsp(), {4}, 2).Bytes());
  const Read delta(HeadDelta(Retrained(model), base.view));
  ASSERT_EQ(delta.status, Status::kOk);
  AlignedBuffer out(8192);
  size_t written = 99;
  const auto apply = [&](const PackageView& b, const PackageView& d, size_t size) {
    return ApplyDelta(b, d, Span<uint8_t>(out.data(), size), &written);
  };
  EXPECT_EQ(apply(other.view, delta.view, 8192), Status::kBaseMismatch);
  EXPECT_EQ(written, 0u);
  EXPECT_EQ(MergedPackageBytes(other.view, delta.view), 0u);
  EXPECT_EQ(apply(base.view, base.view, 8192), Status::kInvalidArgument);  // not a delta
  EXPECT_EQ(apply(delta.view, delta.view, 8192), Status::kInvalidArgument);

  // A head with another class count cannot be merged into this label set.
  Int8TestModel wider = testing::RandomInt8Model(32, testing::SmallDsp(), {4}, 3);
  const Read wider_delta(HeadDelta(wider, base.view));
  ASSERT_EQ(wider_delta.status, Status::kOk);
  EXPECT_EQ(apply(base.view, wider_delta.view, 8192), Status::kUnsupported);

  const size_t need = MergedPackageBytes(base.view, delta.view);
  EXPECT_EQ(apply(base.view, delta.view, need - 1), Status::kBufferTooSmall);
  EXPECT_EQ(written, 0u);
  EXPECT_EQ(apply(base.view, delta.view, need), Status::kOk);
  EXPECT_EQ(written, need);
}

}  // namespace
}  // namespace lwcl::tinyml
