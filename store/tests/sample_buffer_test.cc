// SampleBuffer: batches, keeps what it accepted while the store fails,
// refuses (and counts) beyond its bound, and retries after a back-off.
#include "store/sample_buffer.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "flaky_store.h"
#include "store/sqlite_store.h"

namespace lwcl::store {
namespace {

Sample Num(int k) {
  Sample s;
  s.endpoint = "dev";
  s.path = "/3313/0/5702";
  s.time_ms = k;
  s.type = ValueType::kFloat;
  s.number = k * 0.5;
  return s;
}

class SampleBufferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    inner_ = OpenSqliteStore(":memory:", &error);
    ASSERT_NE(inner_, nullptr) << error;
    flaky_ = std::make_unique<testing::FlakyStore>(*inner_);
  }
  std::size_t Stored() {
    return inner_->QueryRange("dev", "/3313/0/5702", -1000, 1 << 30, 1 << 30)->size();
  }

  std::unique_ptr<Store> inner_;
  std::unique_ptr<testing::FlakyStore> flaky_;
};

TEST_F(SampleBufferTest, FlushWritesInBatchesOfTheConfiguredSize) {
  SampleBufferOptions o;
  o.batch_size = 4;
  SampleBuffer buffer(*flaky_, o);
  for (int k = 0; k < 10; ++k) ASSERT_TRUE(buffer.Add(Num(k), 0));
  ASSERT_TRUE(buffer.Flush(0).ok());
  EXPECT_EQ(flaky_->batch_sizes, (std::vector<std::size_t>{4, 4, 2}));
  EXPECT_EQ(Stored(), 10u);
  auto st = buffer.stats();
  EXPECT_EQ(st.pending, 0u);
  EXPECT_EQ(st.accepted, 10u);
  EXPECT_EQ(st.stored, 10u);
  EXPECT_EQ(st.batches, 3u);
}

TEST_F(SampleBufferTest, MaybeFlushWaitsForAFullBatchOrTheMaxDelay) {
  SampleBufferOptions o;
  o.batch_size = 5;
  o.max_delay_ms = 100;
  SampleBuffer buffer(*flaky_, o);
  for (int k = 0; k < 3; ++k) buffer.Add(Num(k), 1000);
  ASSERT_TRUE(buffer.MaybeFlush(1050).ok());
  EXPECT_EQ(flaky_->append_calls, 0);  // neither full nor old
  ASSERT_TRUE(buffer.MaybeFlush(1100).ok());
  EXPECT_EQ(flaky_->append_calls, 1);  // the oldest waited max_delay_ms
  for (int k = 3; k < 8; ++k) buffer.Add(Num(k), 1200);
  ASSERT_TRUE(buffer.MaybeFlush(1200).ok());  // a full batch goes at once
  EXPECT_EQ(flaky_->append_calls, 2);
  EXPECT_EQ(Stored(), 8u);
}

TEST_F(SampleBufferTest, KeepsEverythingWhileTheStoreFailsAndStoresItLater) {
  SampleBufferOptions o;
  o.batch_size = 3;
  SampleBuffer buffer(*flaky_, o);
  flaky_->fail_appends = true;
  for (int k = 0; k < 7; ++k) ASSERT_TRUE(buffer.Add(Num(k), 0));
  Status st = buffer.Flush(0);
  EXPECT_EQ(st.code(), ErrorCode::kUnavailable);
  EXPECT_NE(st.message().find("away"), std::string::npos);
  EXPECT_EQ(buffer.pending(), 7u);
  EXPECT_EQ(buffer.stats().failed_flushes, 1u);
  EXPECT_EQ(buffer.stats().last_error, "flaky: database is away");
  // More arrive while it is down.
  for (int k = 7; k < 9; ++k) ASSERT_TRUE(buffer.Add(Num(k), 0));

  flaky_->fail_appends = false;
  ASSERT_TRUE(buffer.Flush(10).ok());
  EXPECT_EQ(buffer.pending(), 0u);
  EXPECT_EQ(Stored(), 9u);
  EXPECT_EQ(buffer.stats().stored, 9u);
  EXPECT_EQ(buffer.stats().last_error, "");
  EXPECT_EQ(buffer.dropped(), 0u);
}

TEST_F(SampleBufferTest, BacksOffBetweenRetriesAndDoublesUpToTheMaximum) {
  SampleBufferOptions o;
  o.batch_size = 1;
  o.min_retry_ms = 100;
  o.max_retry_ms = 350;
  SampleBuffer buffer(*flaky_, o);
  flaky_->fail_appends = true;
  buffer.Add(Num(1), 0);
  EXPECT_FALSE(buffer.MaybeFlush(0).ok());
  EXPECT_EQ(buffer.retry_at_ms(), 100);
  EXPECT_TRUE(buffer.MaybeFlush(99).ok());  // backing off: not even tried
  EXPECT_EQ(flaky_->append_calls, 1);
  EXPECT_FALSE(buffer.MaybeFlush(100).ok());
  EXPECT_EQ(buffer.retry_at_ms(), 300);  // 200 later
  EXPECT_FALSE(buffer.MaybeFlush(300).ok());
  EXPECT_EQ(buffer.retry_at_ms(), 650);  // capped at 350
  flaky_->fail_appends = false;
  EXPECT_TRUE(buffer.MaybeFlush(650).ok());
  EXPECT_EQ(buffer.retry_at_ms(), 0);
  EXPECT_EQ(Stored(), 1u);
}

TEST_F(SampleBufferTest, RefusesAndCountsBeyondItsBoundButKeepsWhatItAccepted) {
  SampleBufferOptions o;
  o.batch_size = 10;
  o.capacity = 5;
  SampleBuffer buffer(*flaky_, o);
  flaky_->fail_appends = true;
  int accepted = 0;
  for (int k = 0; k < 8; ++k) accepted += buffer.Add(Num(k), 0) ? 1 : 0;
  EXPECT_EQ(accepted, 5);
  EXPECT_EQ(buffer.dropped(), 3u);
  EXPECT_FALSE(buffer.Flush(0).ok());
  EXPECT_EQ(buffer.pending(), 5u);
  flaky_->fail_appends = false;
  ASSERT_TRUE(buffer.Flush(1).ok());
  // The first five (the accepted ones) are stored; the refused ones are not.
  auto stored = inner_->QueryRange("dev", "/3313/0/5702", 0, 100, 100);
  ASSERT_EQ(stored->size(), 5u);
  EXPECT_EQ(stored->back().time_ms, 4);
  EXPECT_TRUE(buffer.Add(Num(9), 2));  // room again
  EXPECT_EQ(buffer.stats().accepted, 6u);
}

TEST_F(SampleBufferTest, InvalidSamplesAreRejectedOneByOneAndCounted) {
  SampleBufferOptions o;
  o.batch_size = 4;
  SampleBuffer buffer(*flaky_, o);
  flaky_->reject_negative = true;
  for (int k : {1, -2, 3, 4, -5, 6}) buffer.Add(Num(k), 0);
  ASSERT_TRUE(buffer.Flush(0).ok());
  EXPECT_EQ(buffer.pending(), 0u);
  EXPECT_EQ(buffer.rejected(), 2u);
  EXPECT_EQ(buffer.stats().stored, 4u);
  EXPECT_EQ(Stored(), 4u);
  EXPECT_EQ(buffer.stats().last_error, "flaky: negative time");
}

TEST_F(SampleBufferTest, AddIsSafeFromManyThreadsWhileFlushing) {
  SampleBufferOptions o;
  o.batch_size = 50;
  SampleBuffer buffer(*flaky_, o);
  std::vector<std::thread> producers;
  for (int t = 0; t < 4; ++t)
    producers.emplace_back([&buffer, t] {
      for (int k = 0; k < 500; ++k) buffer.Add(Num(t * 1000 + k), 0);
    });
  for (int i = 0; i < 20; ++i) (void)buffer.Flush(0);
  for (auto& p : producers) p.join();
  ASSERT_TRUE(buffer.Flush(0).ok());
  EXPECT_EQ(Stored(), 2000u);
  EXPECT_EQ(buffer.stats().stored, 2000u);
}

}  // namespace
}  // namespace lwcl::store
