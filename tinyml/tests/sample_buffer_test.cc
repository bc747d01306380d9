// SampleBuffer: bounded, oldest dropped, ids unique while held, labels and
// removal by id, int16 storage within its stated precision, and refusals
// that change nothing.
#include "tinyml/learn/sample_buffer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <vector>

namespace lwcl::tinyml {
namespace {

constexpr size_t kF = 3;

struct Buffer {
  explicit Buffer(size_t capacity) : features(SampleBuffer::FeatureValues(kF, capacity)), slots(capacity) {
    EXPECT_EQ(buffer.Init(kF, {features.data(), features.size()}, {slots.data(), slots.size()}), Status::kOk);
  }
  uint16_t Add(float v, uint16_t* dropped = nullptr) {
    const float f[kF] = {v, v + 1, v + 2};
    uint16_t d = 0;
    const uint16_t id = buffer.Add(f, 1, 0.25f, 6.5f, static_cast<uint32_t>(v), &d);
    if (dropped) *dropped = d;
    return id;
  }
  float At(size_t slot, size_t i) const {
    std::vector<float> out(kF);
    EXPECT_EQ(buffer.Features(slot, {out.data(), out.size()}), Status::kOk);
    return out[i];
  }
  std::vector<int16_t> features;
  std::vector<SampleInfo> slots;
  SampleBuffer buffer;
};

TEST(SampleBufferTest, InitRefusesNoFeaturesNoSlotsAndShortStorage) {
  std::vector<int16_t> f(6);
  std::vector<SampleInfo> s(2);
  SampleBuffer b;
  EXPECT_EQ(b.Init(0, {f.data(), f.size()}, {s.data(), s.size()}), Status::kInvalidArgument);
  EXPECT_EQ(b.Init(3, {f.data(), f.size()}, {s.data(), 0}), Status::kInvalidArgument);
  EXPECT_EQ(b.Init(3, {f.data(), 5}, {s.data(), s.size()}), Status::kBufferTooSmall);
  const float center[3] = {0.0f, 1.0f, 2.0f}, bad_spread[3] = {1.0f, 0.0f, 1.0f};
  EXPECT_EQ(b.Init(3, {f.data(), 6}, {s.data(), s.size()}, {center, 2}, {}), Status::kInvalidArgument);
  EXPECT_EQ(b.Init(3, {f.data(), 6}, {s.data(), s.size()}, {center, 3}, {bad_spread, 3}), Status::kInvalidArgument);
  EXPECT_EQ(b.Init(3, {f.data(), 6}, {s.data(), s.size()}), Status::kOk);
}

// Features come back within one int16 step of the sample's largest centred
// value (times the spread), for features of very different sizes and for a
// window far from the center; a value that is not finite is not kept.
TEST(SampleBufferTest, KeepsFeaturesAsInt16WithinTheStatedPrecision) {
  constexpr size_t kN = 39;
  std::vector<float> center(kN), spread(kN);
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (size_t i = 0; i < kN; ++i) {
    center[i] = std::pow(10.0f, static_cast<float>(i % 7) - 3.0f) * u(rng);
    spread[i] = std::pow(10.0f, static_cast<float>(i % 5) - 3.0f);
  }
  std::vector<int16_t> storage(SampleBuffer::FeatureValues(kN, 4));
  std::vector<SampleInfo> slots(4);
  SampleBuffer b;
  ASSERT_EQ(b.Init(kN, {storage.data(), storage.size()}, {slots.data(), slots.size()}, {center.data(), kN},
                   {spread.data(), kN}),
            Status::kOk);
  for (const float away : {1.0f, 60.0f}) {  // a usual window; one 60 spreads off (a gain of 6)
    std::vector<float> v(kN);
    float largest = 0.0f;
    for (size_t i = 0; i < kN; ++i) {
      const float z = away * u(rng);
      v[i] = center[i] + spread[i] * z;
      largest = std::fmax(largest, std::fabs(z));
    }
    const uint16_t id = b.Add({v.data(), kN}, 0, 0.5f, 0.0f, 0, nullptr);
    ASSERT_NE(id, SampleBuffer::kNoId);
    std::vector<float> back(kN);
    ASSERT_EQ(b.Features(b.Find(id), {back.data(), kN}), Status::kOk);
    for (size_t i = 0; i < kN; ++i) {
      EXPECT_NEAR(back[i], v[i], spread[i] * largest / 65534.0f * 1.01f + 1e-6f * std::fabs(v[i])) << i;
    }
  }
  std::vector<float> nan(kN, 0.0f);
  nan[5] = std::nanf("");
  EXPECT_EQ(b.Add({nan.data(), kN}, 0, 0.5f, 0.0f, 0, nullptr), SampleBuffer::kNoId);
  EXPECT_EQ(b.size(), 2u);
  std::vector<float> out(kN);
  EXPECT_EQ(b.Features(3, {out.data(), kN}), Status::kInvalidArgument) << "an unused slot";
  EXPECT_EQ(b.Features(b.Find(0), {out.data(), kN - 1}), Status::kInvalidArgument) << "a wrong size";
}

TEST(SampleBufferTest, KeepsWhatWasAddedAndDropsTheOldestWhenFull) {
  Buffer b(3);
  uint16_t dropped = 0;
  const uint16_t a = b.Add(10, &dropped);
  EXPECT_EQ(dropped, SampleBuffer::kNoId);
  const uint16_t c = b.Add(20);
  const uint16_t d = b.Add(30);
  EXPECT_EQ(b.buffer.size(), 3u);
  const size_t slot = b.buffer.Find(c);
  ASSERT_LT(slot, 3u);
  EXPECT_NEAR(b.At(slot, 0), 20.0f, 22.0f / 32767);
  EXPECT_NEAR(b.At(slot, 2), 22.0f, 22.0f / 32767);
  EXPECT_EQ(b.buffer.info(slot).time, 20u);
  EXPECT_EQ(b.buffer.info(slot).predicted, 1u);
  EXPECT_EQ(b.buffer.info(slot).confidence, 0.25f);
  EXPECT_EQ(b.buffer.info(slot).drift, 6.5f);
  EXPECT_EQ(b.buffer.info(slot).label, SampleBuffer::kUnlabelled);

  const uint16_t e = b.Add(40, &dropped);
  EXPECT_EQ(dropped, a);  // the oldest
  EXPECT_EQ(b.buffer.size(), 3u);
  EXPECT_EQ(b.buffer.Find(a), b.buffer.capacity());
  EXPECT_NEAR(b.At(b.buffer.Find(e), 0), 40.0f, 42.0f / 32767);
  b.Add(50, &dropped);
  EXPECT_EQ(dropped, c);
  b.Add(60, &dropped);
  EXPECT_EQ(dropped, d);
}

TEST(SampleBufferTest, IdsAreUniqueWhileHeldAndNeverTheInvalidInstanceId) {
  Buffer b(4);
  const uint16_t keep = b.Add(0);
  ASSERT_EQ(b.buffer.SetLabel(keep, 2), Status::kOk);
  // Churn through more than 65536 ids; `keep` is never dropped because the
  // newest three are removed each time.
  for (int i = 0; i < 70000; ++i) {
    const uint16_t id = b.Add(1);
    ASSERT_NE(id, SampleBuffer::kNoId);
    ASSERT_NE(id, keep) << "id reused while held, at " << i;
    ASSERT_EQ(b.buffer.Remove(id), Status::kOk);
  }
  std::set<uint16_t> ids;
  for (int i = 0; i < 3; ++i) ids.insert(b.Add(2));
  ids.insert(keep);
  EXPECT_EQ(ids.size(), 4u);
  EXPECT_EQ(b.buffer.info(b.buffer.Find(keep)).label, 2);
}

TEST(SampleBufferTest, LabelsAndRemovalByIdAndRefusalsChangeNothing) {
  Buffer b(3);
  const uint16_t a = b.Add(1);
  const uint16_t c = b.Add(2);
  EXPECT_EQ(b.buffer.labelled(), 0u);
  EXPECT_EQ(b.buffer.SetLabel(a, 0), Status::kOk);
  EXPECT_EQ(b.buffer.labelled(), 1u);
  EXPECT_EQ(b.buffer.SetLabel(a, SampleBuffer::kUnlabelled), Status::kOk);
  EXPECT_EQ(b.buffer.labelled(), 0u);
  EXPECT_EQ(b.buffer.SetLabel(a, -2), Status::kInvalidArgument);
  EXPECT_EQ(b.buffer.SetLabel(999, 0), Status::kInvalidArgument);
  EXPECT_EQ(b.buffer.Remove(999), Status::kInvalidArgument);
  EXPECT_EQ(b.buffer.size(), 2u);

  const float wrong[2] = {1, 2};
  uint16_t dropped = 0;
  EXPECT_EQ(b.buffer.Add(wrong, 0, 1, 0, 0, &dropped), SampleBuffer::kNoId);
  EXPECT_EQ(b.buffer.size(), 2u);

  EXPECT_EQ(b.buffer.Remove(a), Status::kOk);
  EXPECT_EQ(b.buffer.size(), 1u);
  EXPECT_EQ(b.buffer.Find(a), b.buffer.capacity());
  EXPECT_LT(b.buffer.Find(c), b.buffer.capacity());
  // The freed slot is reused before anything is dropped.
  b.Add(3, &dropped);
  b.Add(4, &dropped);
  EXPECT_EQ(dropped, SampleBuffer::kNoId);
  EXPECT_EQ(b.buffer.size(), 3u);
  b.buffer.Clear();
  EXPECT_EQ(b.buffer.size(), 0u);
  EXPECT_FALSE(b.buffer.used(0));
}

}  // namespace
}  // namespace lwcl::tinyml
