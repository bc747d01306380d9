// The streaming windower: when windows come out, and what is in them.
#include "tinyml/dsp/windower.h"

#include <gtest/gtest.h>

#include <vector>

namespace lwcl::tinyml {
namespace {

// Sample t of a stream: axis a holds 100 * t + a, so content is traceable.
std::vector<float> SampleAt(int t, int axes) {
  std::vector<float> s(static_cast<size_t>(axes));
  for (int a = 0; a < axes; ++a) s[static_cast<size_t>(a)] = static_cast<float>(100 * t + a);
  return s;
}

bool PushAt(Windower& w, int t, int axes) {
  const std::vector<float> s = SampleAt(t, axes);
  return w.Push(Span<const float>(s.data(), s.size()));
}

// The window must hold samples first..first+window-1, oldest first.
void ExpectWindowStartsAt(const Windower& w, int first, int window, int axes) {
  const Span<const float> win = w.Window();
  ASSERT_EQ(win.size, static_cast<size_t>(window * axes));
  for (int i = 0; i < window; ++i) {
    for (int a = 0; a < axes; ++a) {
      EXPECT_EQ(win[static_cast<size_t>(i * axes + a)], static_cast<float>(100 * (first + i) + a))
          << "sample " << i << " axis " << a;
    }
  }
}

TEST(WindowerTest, EmitsAfterWindowThenEveryStride) {
  const int axes = 3, window = 8, stride = 3;
  std::vector<float> storage(window * axes);
  Windower w;
  ASSERT_EQ(w.Init(axes, window, stride, Span<float>(storage.data(), storage.size())), Status::kOk);
  std::vector<int> emitted;
  for (int t = 0; t < 30; ++t) {
    if (PushAt(w, t, axes)) {
      emitted.push_back(t);
      ExpectWindowStartsAt(w, t - window + 1, window, axes);
    }
  }
  const std::vector<int> want = {7, 10, 13, 16, 19, 22, 25, 28};
  EXPECT_EQ(emitted, want);
}

TEST(WindowerTest, NonOverlappingWindows) {
  const int axes = 1, window = 4, stride = 4;
  std::vector<float> storage(window * axes);
  Windower w;
  ASSERT_EQ(w.Init(axes, window, stride, Span<float>(storage.data(), storage.size())), Status::kOk);
  int count = 0;
  for (int t = 0; t < 16; ++t) {
    if (PushAt(w, t, axes)) {
      ++count;
      ExpectWindowStartsAt(w, t - window + 1, window, axes);
    }
  }
  EXPECT_EQ(count, 4);
}

TEST(WindowerTest, StrideLongerThanWindowDropsTheGap) {
  const int axes = 2, window = 3, stride = 5;
  std::vector<float> storage(window * axes);
  Windower w;
  ASSERT_EQ(w.Init(axes, window, stride, Span<float>(storage.data(), storage.size())), Status::kOk);
  std::vector<int> emitted;
  for (int t = 0; t < 20; ++t) {
    if (PushAt(w, t, axes)) {
      emitted.push_back(t);
      ExpectWindowStartsAt(w, t - window + 1, window, axes);
    }
  }
  const std::vector<int> want = {2, 7, 12, 17};
  EXPECT_EQ(emitted, want);
}

TEST(WindowerTest, WindowStaysUntilNextPush) {
  const int axes = 1, window = 4, stride = 1;
  std::vector<float> storage(window * axes);
  Windower w;
  ASSERT_EQ(w.Init(axes, window, stride, Span<float>(storage.data(), storage.size())), Status::kOk);
  for (int t = 0; t < 4; ++t) PushAt(w, t, axes);
  ExpectWindowStartsAt(w, 0, window, axes);
  ExpectWindowStartsAt(w, 0, window, axes);  // reading twice changes nothing
  EXPECT_TRUE(PushAt(w, 4, axes));
  ExpectWindowStartsAt(w, 1, window, axes);
}

TEST(WindowerTest, ResetStartsOver) {
  const int axes = 2, window = 5, stride = 2;
  std::vector<float> storage(window * axes);
  Windower w;
  ASSERT_EQ(w.Init(axes, window, stride, Span<float>(storage.data(), storage.size())), Status::kOk);
  for (int t = 0; t < 7; ++t) PushAt(w, t, axes);
  w.Reset();
  for (int t = 0; t < 4; ++t) EXPECT_FALSE(PushAt(w, 50 + t, axes));
  EXPECT_TRUE(PushAt(w, 54, axes));
  ExpectWindowStartsAt(w, 50, window, axes);
}

TEST(WindowerTest, WrongSampleWidthIsIgnored) {
  const int axes = 3, window = 2, stride = 1;
  std::vector<float> storage(window * axes);
  Windower w;
  ASSERT_EQ(w.Init(axes, window, stride, Span<float>(storage.data(), storage.size())), Status::kOk);
  const std::vector<float> narrow = SampleAt(9, 2);
  EXPECT_FALSE(w.Push(Span<const float>(narrow.data(), narrow.size())));
  EXPECT_FALSE(PushAt(w, 0, axes));
  EXPECT_TRUE(PushAt(w, 1, axes));
  ExpectWindowStartsAt(w, 0, window, axes);
}

TEST(WindowerTest, BadInitArguments) {
  std::vector<float> storage(64);
  const Span<float> s(storage.data(), storage.size());
  Windower w;
  EXPECT_EQ(w.Init(0, 4, 1, s), Status::kInvalidArgument);
  EXPECT_EQ(w.Init(9, 4, 1, s), Status::kInvalidArgument);
  EXPECT_EQ(w.Init(3, 0, 1, s), Status::kInvalidArgument);
  EXPECT_EQ(w.Init(3, 4, 0, s), Status::kInvalidArgument);
  EXPECT_EQ(w.Init(3, 22, 1, s), Status::kBufferTooSmall);
  EXPECT_EQ(w.Init(3, 4, 1, Span<float>()), Status::kBufferTooSmall);
  // A failed Init leaves a windower that never emits.
  const std::vector<float> sample = SampleAt(0, 3);
  EXPECT_FALSE(w.Push(Span<const float>(sample.data(), sample.size())));
  EXPECT_TRUE(w.Window().empty());
  EXPECT_EQ(w.Init(3, 21, 1, s), Status::kOk);
}

}  // namespace
}  // namespace lwcl::tinyml
