// Golden self-test windows (GOLD): the reader accepts them and refuses every
// malformed variant, the writer lays them out, deltas never carry them, and
// RunGoldenSelfTest passes on a package's own recorded outputs and fails on
// one changed byte or class. On trainer-free int8 test models; what the
// trainer records is train/tests/golden_windows_test.cc.
#include "tinyml/runtime/golden_self_test.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "int8_test_models.h"
#include "tinyml/package/delta.h"
#include "tinyml/package/package_format.h"
#include "tinyml/package/package_writer.h"
#include "tinyml/package/sha256.h"
#include "tinyml/runtime/classifier.h"
#include "tinyml/runtime/memory_plan.h"

namespace lwcl::tinyml {
namespace {

namespace pf = package_format;

constexpr size_t kClasses = 3;
constexpr size_t kWindows = 4;

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

// Recomputes the body length and digest after an edit, so the reader gets
// past the digest to the section checks.
void Refinalize(std::vector<uint8_t>& b, size_t body) {
  PutU32(b, 8, static_cast<uint32_t>(body));
  Sha256Digest(Span<const uint8_t>(b.data(), body), b.data() + body);
}
void Refinalize(std::vector<uint8_t>& b) { Refinalize(b, U32At(b, 8)); }

// Offset of the first section with `tag` (its header), or 0.
size_t FindSection(const std::vector<uint8_t>& b, uint32_t tag) {
  const size_t body = U32At(b, 8);
  size_t at = pf::kHeaderBytes;
  while (at < body) {
    if (U32At(b, at) == tag) return at;
    at += pf::kSectionHeaderBytes + ((U32At(b, at + 4) + 3) & ~size_t{3});
  }
  return 0;
}

// A random int8 model, random raw feature vectors, and the package with
// their classes and int8 outputs (as this core computes them) as GOLD.
struct Golden {
  testing::Int8TestModel model;
  std::vector<uint8_t> records;
  std::vector<uint8_t> bytes;  // with GOLD
  std::vector<uint8_t> plain;  // the same model without
  size_t stride = 0;
  size_t gold = 0;  // offset of the GOLD section header in `bytes`
};

Golden MakeGolden(size_t windows = kWindows) {
  Golden g;
  g.model = testing::RandomInt8Model(7, testing::SmallDsp(), {8}, static_cast<int>(kClasses));
  g.plain = g.model.Bytes();
  PackageView plain;
  EXPECT_EQ(Read(g.plain, &plain), Status::kOk);
  std::vector<uint8_t> arena(RequiredArenaBytes(plain));
  Classifier classifier;
  EXPECT_EQ(classifier.Init(plain, Span<uint8_t>(arena.data(), arena.size())), Status::kOk);

  const size_t f = plain.feature_count;
  g.stride = pf::GoldenRecordBytes(f, kClasses);
  g.records.assign(windows * g.stride, 0xEE);  // the writer must zero the padding
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (size_t w = 0; w < windows; ++w) {
    std::vector<float> features(f);
    for (size_t i = 0; i < f; ++i) {
      features[i] = g.model.feature_mean[i] + g.model.feature_std[i] * normal(rng);
    }
    Result r;
    EXPECT_EQ(classifier.ClassifyFeatures(Span<const float>(features.data(), f), &r), Status::kOk);
    EXPECT_EQ(WriteGoldenRecord(Span<const float>(features.data(), f), r.label, classifier.output(),
                                Span<uint8_t>(g.records.data() + w * g.stride, g.stride)),
              Status::kOk);
  }
  PackageView v = g.model.View();
  v.golden_count = windows;
  v.golden = Span<const uint8_t>(g.records.data(), g.records.size());
  g.bytes = testing::Int8TestModel::Write(v);
  EXPECT_FALSE(g.bytes.empty());
  g.gold = FindSection(g.bytes, pf::kTagGolden);
  EXPECT_NE(g.gold, 0u);
  return g;
}

Status SelfTest(const std::vector<uint8_t>& bytes, GoldenSelfTestResult* result) {
  PackageView view;
  const Status read = Read(bytes, &view);
  if (read != Status::kOk) return read;
  std::vector<uint8_t> arena(RequiredArenaBytes(view));
  return RunGoldenSelfTest(view, Span<uint8_t>(arena.data(), arena.size()), result);
}

TEST(GoldenWindows, ReaderExposesEveryRecord) {
  const Golden g = MakeGolden();
  PackageView view;
  ASSERT_EQ(Read(g.bytes, &view), Status::kOk);
  ASSERT_EQ(view.golden_count, kWindows);
  EXPECT_EQ(view.golden.size, kWindows * g.stride);
  EXPECT_EQ(U32At(g.bytes, g.gold + 4), pf::kGoldenFixedBytes + kWindows * g.stride);
  for (size_t w = 0; w < kWindows; ++w) {
    const GoldenWindow got = GoldenWindowAt(view, w);
    const uint8_t* record = g.records.data() + w * g.stride;
    ASSERT_EQ(got.features.size, view.feature_count);
    EXPECT_EQ(std::memcmp(got.features.data, record, 4 * view.feature_count), 0);
    uint16_t cls;
    std::memcpy(&cls, record + 4 * view.feature_count, 2);
    EXPECT_EQ(got.expected_class, cls);
    ASSERT_EQ(got.expected_output.size, kClasses);
    EXPECT_EQ(std::memcmp(got.expected_output.data, record + 4 * view.feature_count + 4, kClasses),
              0);
    // The padding after the outputs is written as zeros.
    for (size_t i = 4 * view.feature_count + 4 + kClasses; i < g.stride; ++i) {
      EXPECT_EQ(
          g.bytes[g.gold + pf::kSectionHeaderBytes + pf::kGoldenFixedBytes + w * g.stride + i], 0);
    }
  }
  EXPECT_EQ(GoldenWindowAt(view, kWindows).features.size, 0u);  // past the end: empty
}

TEST(GoldenWindows, PackagesWithoutGoldStayValid) {
  const Golden g = MakeGolden();
  PackageView view;
  ASSERT_EQ(Read(g.plain, &view), Status::kOk);
  EXPECT_EQ(view.golden_count, 0u);
  EXPECT_TRUE(view.golden.empty());
  GoldenSelfTestResult result;
  EXPECT_EQ(SelfTest(g.plain, &result), Status::kOk);
  EXPECT_EQ(result.windows, 0u);
  EXPECT_EQ(result.checked, 0u);
  EXPECT_EQ(result.first_failure, kNoGoldenFailure);
}

TEST(GoldenWindows, EveryPrefixIsTruncatedAndEveryFlipABadDigest) {
  const Golden g = MakeGolden();
  for (size_t n = 0; n < g.bytes.size(); ++n) {
    const std::vector<uint8_t> cut(g.bytes.begin(), g.bytes.begin() + static_cast<long>(n));
    ASSERT_EQ(Read(cut), Status::kTruncated) << "length " << n;
  }
  // Every byte after the header up to the end of the digest (the signature
  // scheme word after it has its own status).
  for (size_t i = pf::kHeaderBytes; i < U32At(g.bytes, 8) + pf::kDigestBytes; ++i) {
    std::vector<uint8_t> bad = g.bytes;
    bad[i] ^= 0x01;
    ASSERT_EQ(Read(bad), Status::kBadDigest) << "byte " << i;
  }
}

// Each malformed GOLD variant, re-digested, is kMalformed.
TEST(GoldenWindows, MalformedVariantsAreRefused) {
  const Golden g = MakeGolden();
  PackageView view;
  ASSERT_EQ(Read(g.bytes, &view), Status::kOk);
  const size_t payload = g.gold + pf::kSectionHeaderBytes;
  const size_t record0 = payload + pf::kGoldenFixedBytes;
  const size_t f = view.feature_count;
  const auto refused = [&](const char* what, auto edit) {
    std::vector<uint8_t> b = g.bytes;
    edit(b);
    Refinalize(b);
    EXPECT_EQ(Read(b), Status::kMalformed) << what;
  };
  refused("count 0", [&](auto& b) { PutU32(b, payload, 0); });
  refused("count 17", [&](auto& b) { PutU32(b, payload, kMaxGoldenWindows + 1); });
  refused("count one more than the records", [&](auto& b) { PutU32(b, payload, kWindows + 1); });
  refused("count one less than the records", [&](auto& b) { PutU32(b, payload, kWindows - 1); });
  refused("F is not the feature count",
          [&](auto& b) { PutU32(b, payload + 4, static_cast<uint32_t>(f + 1)); });
  refused("F is 0", [&](auto& b) { PutU32(b, payload + 4, 0); });
  refused("C is not the label count", [&](auto& b) { PutU32(b, payload + 8, kClasses - 1); });
  refused("C is 0", [&](auto& b) { PutU32(b, payload + 8, 0); });
  refused("reserved word", [&](auto& b) { PutU32(b, payload + 12, 1); });
  refused("class == C", [&](auto& b) {
    const uint16_t c = kClasses;
    std::memcpy(b.data() + record0 + g.stride + 4 * f, &c, 2);
  });
  refused("reserved u16", [&](auto& b) { b[record0 + 4 * f + 2] = 1; });
  refused("NaN feature", [&](auto& b) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::memcpy(b.data() + record0 + 2 * g.stride + 4, &nan, 4);
  });
  refused("infinite feature", [&](auto& b) {
    const float inf = std::numeric_limits<float>::infinity();
    std::memcpy(b.data() + record0, &inf, 4);
  });
  refused("payload one record short", [&](auto& b) {
    PutU32(b, g.gold + 4, U32At(b, g.gold + 4) - static_cast<uint32_t>(g.stride));
  });
  refused("payload 4 bytes short",
          [&](auto& b) { PutU32(b, g.gold + 4, U32At(b, g.gold + 4) - 4); });
  refused("payload shorter than its header", [&](auto& b) { PutU32(b, g.gold + 4, 12); });
  // GOLD is the last section: cutting the body there leaves a bare header.
  std::vector<uint8_t> cut(g.bytes.begin(), g.bytes.begin() + static_cast<long>(payload + 8));
  cut.resize(cut.size() + pf::kTrailerFixedBytes);
  PutU32(cut, g.gold + 4, 8);
  Refinalize(cut, payload + 8);
  EXPECT_EQ(Read(cut), Status::kMalformed) << "8-byte payload";
}

TEST(GoldenWindows, GoldTwiceIsMalformed) {
  const Golden g = MakeGolden(1);
  const size_t body = U32At(g.bytes, 8);
  std::vector<uint8_t> twice(g.bytes.begin(), g.bytes.begin() + static_cast<long>(body));
  twice.insert(twice.end(), g.bytes.begin() + static_cast<long>(g.gold),
               g.bytes.begin() + static_cast<long>(body));
  const size_t new_body = twice.size();
  twice.resize(new_body + pf::kTrailerFixedBytes, 0);
  Refinalize(twice, new_body);
  EXPECT_EQ(Read(twice), Status::kMalformed);
}

TEST(GoldenWindows, DeltasCarryNone) {
  const Golden g = MakeGolden();
  PackageView base;
  ASSERT_EQ(Read(g.bytes, &base), Status::kOk);

  // A full view turned into a delta as is: the writer leaves GOLD out.
  PackageView delta = base;
  delta.is_delta = true;
  delta.base_digest = base.digest;
  delta.layer_mask = 1u << (base.layer_count - 1);
  const std::vector<uint8_t> delta_bytes = testing::Int8TestModel::Write(delta);
  ASSERT_FALSE(delta_bytes.empty());
  EXPECT_EQ(FindSection(delta_bytes, pf::kTagGolden), 0u);

  // A delta with a GOLD section appended (re-digested) is malformed.
  const size_t body = U32At(delta_bytes, 8);
  const size_t gold_body = U32At(g.bytes, 8);
  std::vector<uint8_t> with_gold(delta_bytes.begin(),
                                 delta_bytes.begin() + static_cast<long>(body));
  with_gold.insert(with_gold.end(), g.bytes.begin() + static_cast<long>(g.gold),
                   g.bytes.begin() + static_cast<long>(gold_body));
  const size_t new_body = with_gold.size();
  with_gold.resize(new_body + pf::kTrailerFixedBytes, 0);
  Refinalize(with_gold, new_body);
  EXPECT_EQ(Read(with_gold), Status::kMalformed);

  // Merging a head delta drops the base's golden windows (they record the
  // outputs of the head it replaces).
  PackageView delta_view;
  ASSERT_EQ(Read(delta_bytes, &delta_view), Status::kOk);
  std::vector<uint8_t> merged(MergedPackageBytes(base, delta_view));
  ASSERT_FALSE(merged.empty());
  size_t written = 0;
  ASSERT_EQ(ApplyDelta(base, delta_view, Span<uint8_t>(merged.data(), merged.size()), &written),
            Status::kOk);
  PackageView merged_view;
  ASSERT_EQ(Read(merged, &merged_view), Status::kOk);
  EXPECT_EQ(merged_view.golden_count, 0u);
  EXPECT_EQ(merged.size(), g.plain.size());
}

TEST(GoldenWindows, WriterRefusesRecordsThatDoNotFit) {
  const Golden g = MakeGolden();
  PackageView v = g.model.View();
  v.golden = Span<const uint8_t>(g.records.data(), g.records.size() - 4);
  v.golden_count = kWindows;
  EXPECT_EQ(PackageBytes(v), 0u);
  v.golden = Span<const uint8_t>(g.records.data(), g.records.size());
  v.golden_count = 0;
  EXPECT_EQ(PackageBytes(v), 0u);  // records without a count
  std::vector<uint8_t> many((kMaxGoldenWindows + 1) * g.stride);
  v.golden = Span<const uint8_t>(many.data(), many.size());
  v.golden_count = kMaxGoldenWindows + 1;
  EXPECT_EQ(PackageBytes(v), 0u);

  const float features[2] = {1.0f, 2.0f};
  const int8_t outputs[3] = {1, 2, 3};
  uint8_t record[16];
  EXPECT_EQ(WriteGoldenRecord(features, 3, outputs, record), Status::kInvalidArgument);
  EXPECT_EQ(WriteGoldenRecord(features, 2, outputs, Span<uint8_t>(record, 15)),
            Status::kBufferTooSmall);
  ASSERT_EQ(WriteGoldenRecord(features, 2, outputs, record), Status::kOk);
  EXPECT_EQ(record[12], 1);
  EXPECT_EQ(record[15], 0);  // padding
}

TEST(GoldenSelfTest, PassesOnTheRecordedOutputs) {
  const Golden g = MakeGolden();
  GoldenSelfTestResult result;
  EXPECT_EQ(SelfTest(g.bytes, &result), Status::kOk);
  EXPECT_EQ(result.windows, kWindows);
  EXPECT_EQ(result.checked, kWindows);
  EXPECT_EQ(result.first_failure, kNoGoldenFailure);
}

TEST(GoldenSelfTest, OneFlippedOutputByteFails) {
  const Golden g = MakeGolden();
  PackageView view;
  ASSERT_EQ(Read(g.bytes, &view), Status::kOk);
  const size_t f = view.feature_count;
  for (size_t w = 0; w < kWindows; ++w) {
    for (size_t c = 0; c < kClasses; ++c) {
      std::vector<uint8_t> b = g.bytes;
      b[g.gold + pf::kSectionHeaderBytes + pf::kGoldenFixedBytes + w * g.stride + 4 * f + 4 + c] ^=
          0x01;
      Refinalize(b);
      GoldenSelfTestResult result;
      ASSERT_EQ(SelfTest(b, &result), Status::kSelfTestFailed) << w << "/" << c;
      EXPECT_EQ(result.first_failure, w);
      EXPECT_EQ(result.checked, w + 1);
      EXPECT_FALSE(result.output_matched);
    }
  }
}

TEST(GoldenSelfTest, AChangedExpectedClassFails) {
  const Golden g = MakeGolden();
  PackageView view;
  ASSERT_EQ(Read(g.bytes, &view), Status::kOk);
  const size_t at =
      g.gold + pf::kSectionHeaderBytes + pf::kGoldenFixedBytes + g.stride + 4 * view.feature_count;
  std::vector<uint8_t> b = g.bytes;
  const size_t recorded = GoldenWindowAt(view, 1).expected_class;
  const uint16_t other = static_cast<uint16_t>((recorded + 1) % kClasses);
  std::memcpy(b.data() + at, &other, 2);
  Refinalize(b);
  GoldenSelfTestResult result;
  ASSERT_EQ(SelfTest(b, &result), Status::kSelfTestFailed);
  EXPECT_EQ(result.first_failure, 1u);
  EXPECT_FALSE(result.class_matched);
  EXPECT_TRUE(result.output_matched);
  EXPECT_EQ(result.got_class, recorded);
}

TEST(GoldenSelfTest, ReportsWhyItCouldNotRun) {
  const Golden g = MakeGolden();
  PackageView view;
  ASSERT_EQ(Read(g.bytes, &view), Status::kOk);
  std::vector<uint8_t> arena(RequiredArenaBytes(view));
  GoldenSelfTestResult result;
  EXPECT_EQ(RunGoldenSelfTest(view, Span<uint8_t>(arena.data(), arena.size() - 1), &result),
            Status::kArenaTooSmall);
  EXPECT_EQ(result.windows, 0u);
  EXPECT_EQ(result.checked, 0u);
}

}  // namespace
}  // namespace lwcl::tinyml
