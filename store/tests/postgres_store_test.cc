// PostgresStore specifics: the server goes away mid-run (stopped), calls
// fail with clear errors and no crash, the SampleBuffer keeps the values,
// and once the server is back the flush stores every one of them exactly
// once.
#include "store/postgres_store.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "postgres_fixture.h"
#include "store/open_store.h"
#include "store/sample_buffer.h"
#include "store_backends.h"

namespace lwcl::store {
namespace {

using test_support::PostgresServer;

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why = testing::PostgresSkipReason();
    if (!why.empty()) GTEST_SKIP() << why;
    std::string error;
    store_ = testing::OpenEmptyPostgres(&error);
    ASSERT_NE(store_, nullptr) << error;
  }
  void TearDown() override {
    // Leave the shared server running for the next test, whatever happened.
    std::string error;
    if (!PostgresServer::Shared().available()) {
      EXPECT_TRUE(PostgresServer::Shared().Start(&error)) << error;
    }
  }
  static Sample Num(int k) {
    return Sample{"dev", "/3313/0/5702", k, ValueType::kFloat, k * 0.25, {}, {}};
  }
  std::unique_ptr<Store> store_;
};

TEST_F(PostgresStoreTest, OpenFailsWithAMessageWhenNoServerListens) {
  std::string error;
  auto store =
      OpenStore("postgresql:///nothing?host=/nonexistent&port=1&connect_timeout=2", &error);
  EXPECT_EQ(store, nullptr);
  EXPECT_NE(error.find("postgresql: connect"), std::string::npos) << error;
}

// A server that takes the TCP connection and never answers the startup
// message: without a default connect timeout Open would wait forever.
TEST_F(PostgresStoreTest, OpenGivesUpOnAServerThatNeverAnswers) {
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(listener, 4), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string port = std::to_string(ntohs(addr.sin_port));
  std::string error;
  // The default (5 s) applies to a string without connect_timeout...
  auto store = OpenStore("postgresql://127.0.0.1:" + port + "/x?sslmode=disable", &error);
  EXPECT_EQ(store, nullptr);
  EXPECT_NE(error.find("postgresql: connect"), std::string::npos) << error;
  // ...and the string's own wins over it (1 s, the same refusal).
  error.clear();
  store = OpenStore("postgresql://127.0.0.1:" + port + "/x?connect_timeout=1&sslmode=disable", &error);
  EXPECT_EQ(store, nullptr);
  EXPECT_NE(error.find("timeout"), std::string::npos) << error;
  close(listener);
}

TEST_F(PostgresStoreTest, ServerStoppedGivesClearErrorsAndRecoversAfterRestart) {
  PostgresServer& server = PostgresServer::Shared();
  ASSERT_TRUE(store_->PutDevice({"dev", 1, "", ""}).ok());
  std::string error;
  ASSERT_TRUE(server.Stop(&error)) << error;

  auto got = store_->GetDevice("dev");
  EXPECT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kUnavailable) << got.status().message();
  EXPECT_NE(got.status().message().find("postgresql"), std::string::npos);
  Status put = store_->PutDevice({"dev2", 2, "", ""});
  EXPECT_EQ(put.code(), ErrorCode::kUnavailable) << put.message();
  std::vector<Sample> v{Num(1)};
  EXPECT_EQ(store_->AppendValues(v).code(), ErrorCode::kUnavailable);
  EXPECT_FALSE(store_->ListDevices().ok());
  EXPECT_FALSE(store_->AppendEvent({0, 1, {}, "x", "{}"}).ok());

  ASSERT_TRUE(server.Start(&error)) << error;
  auto again = store_->GetDevice("dev");
  ASSERT_TRUE(again.ok()) << again.status().message();  // reconnected by itself
  EXPECT_EQ(again->created_ms, 1);
}

TEST_F(PostgresStoreTest, BufferLosesNothingAcrossAServerRestartAndStoresNoDuplicates) {
  PostgresServer& server = PostgresServer::Shared();
  SampleBufferOptions o;
  o.batch_size = 100;
  o.min_retry_ms = 10;
  SampleBuffer buffer(*store_, o);
  TimeMs now = 0;
  int next = 0;
  auto add = [&](int n) {
    for (int k = 0; k < n; ++k) ASSERT_TRUE(buffer.Add(Num(next++), now));
  };

  add(250);
  ASSERT_TRUE(buffer.Flush(now).ok());
  ASSERT_EQ(buffer.stats().stored, 250u);

  std::string error;
  ASSERT_TRUE(server.Stop(&error)) << error;
  add(330);  // arrive while the database is away
  now += 1000;
  Status st = buffer.MaybeFlush(now);
  EXPECT_EQ(st.code(), ErrorCode::kUnavailable) << st.message();
  EXPECT_EQ(buffer.pending(), 330u);
  EXPECT_FALSE(buffer.stats().last_error.empty());
  add(70);
  now += 5;  // still backing off: nothing tried
  EXPECT_TRUE(buffer.MaybeFlush(now).ok());
  EXPECT_EQ(buffer.pending(), 400u);

  ASSERT_TRUE(server.Start(&error)) << error;
  now += 10000;
  for (int tries = 0; tries < 5 && buffer.pending() > 0; ++tries, now += 20000)
    (void)buffer.MaybeFlush(now);
  ASSERT_TRUE(buffer.Flush(now).ok()) << buffer.stats().last_error;
  EXPECT_EQ(buffer.pending(), 0u);
  EXPECT_EQ(buffer.dropped(), 0u);
  EXPECT_EQ(buffer.stats().stored, 650u);

  auto stored = store_->QueryRange("dev", "/3313/0/5702", 0, 1 << 30, 1 << 30);
  ASSERT_TRUE(stored.ok()) << stored.status().message();
  ASSERT_EQ(stored->size(), 650u);  // every one, none twice
  for (int k = 0; k < 650; ++k) {
    EXPECT_EQ((*stored)[static_cast<std::size_t>(k)].time_ms, k);
    EXPECT_EQ(*(*stored)[static_cast<std::size_t>(k)].number, k * 0.25);
  }
}

TEST_F(PostgresStoreTest, InvalidTextIsRejectedAsInvalidNotUnavailable) {
  std::vector<Sample> v{{"dev", "/1/0/1", 1, ValueType::kString, {}, std::string("\xff\xfe"), {}}};
  Status st = store_->AppendValues(v);
  EXPECT_EQ(st.code(), ErrorCode::kInvalid) << st.message();
  // The connection is still good afterwards.
  EXPECT_TRUE(store_->ListDevices().ok());
}

TEST_F(PostgresStoreTest, ReopenKeepsDataAndSchemaVersion) {
  ASSERT_TRUE(store_->PutCredential({"dev", "id", {4, 5}}).ok());
  store_.reset();
  std::string error;
  auto again = OpenStore(PostgresServer::Shared().Uri(testing::kTestDatabase), &error);
  ASSERT_NE(again, nullptr) << error;
  EXPECT_EQ(*again->SchemaVersion(), 3);
  EXPECT_EQ(again->GetCredential("dev")->psk_key, (Bytes{4, 5}));
}

}  // namespace
}  // namespace lwcl::store
