// SampleBuffer: bounded, oldest dropped, ids unique while held, labels and
// removal by id, and refusals that change nothing.
#include "tinyml/learn/sample_buffer.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace lwcl::tinyml {
namespace {

constexpr size_t kF = 3;

struct Buffer {
  explicit Buffer(size_t capacity) : features(SampleBuffer::FeatureFloats(kF, capacity)), slots(capacity) {
    EXPECT_EQ(buffer.Init(kF, {features.data(), features.size()}, {slots.data(), slots.size()}), Status::kOk);
  }
  uint16_t Add(float v, uint16_t* dropped = nullptr) {
    const float f[kF] = {v, v + 1, v + 2};
    uint16_t d = 0;
    const uint16_t id = buffer.Add(f, 1, 0.25f, 6.5f, static_cast<uint32_t>(v), &d);
    if (dropped) *dropped = d;
    return id;
  }
  std::vector<float> features;
  std::vector<SampleInfo> slots;
  SampleBuffer buffer;
};

TEST(SampleBufferTest, InitRefusesNoFeaturesNoSlotsAndShortStorage) {
  std::vector<float> f(6);
  std::vector<SampleInfo> s(2);
  SampleBuffer b;
  EXPECT_EQ(b.Init(0, {f.data(), f.size()}, {s.data(), s.size()}), Status::kInvalidArgument);
  EXPECT_EQ(b.Init(3, {f.data(), f.size()}, {s.data(), 0}), Status::kInvalidArgument);
  EXPECT_EQ(b.Init(3, {f.data(), 5}, {s.data(), s.size()}), Status::kBufferTooSmall);
  EXPECT_EQ(b.Init(3, {f.data(), 6}, {s.data(), s.size()}), Status::kOk);
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
  EXPECT_EQ(b.buffer.features(slot)[0], 20.0f);
  EXPECT_EQ(b.buffer.features(slot)[2], 22.0f);
  EXPECT_EQ(b.buffer.info(slot).time, 20u);
  EXPECT_EQ(b.buffer.info(slot).predicted, 1u);
  EXPECT_EQ(b.buffer.info(slot).confidence, 0.25f);
  EXPECT_EQ(b.buffer.info(slot).drift, 6.5f);
  EXPECT_EQ(b.buffer.info(slot).label, SampleBuffer::kUnlabelled);

  const uint16_t e = b.Add(40, &dropped);
  EXPECT_EQ(dropped, a);  // the oldest
  EXPECT_EQ(b.buffer.size(), 3u);
  EXPECT_EQ(b.buffer.Find(a), b.buffer.capacity());
  EXPECT_EQ(b.buffer.features(b.buffer.Find(e))[0], 40.0f);
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
