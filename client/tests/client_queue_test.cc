// Queue Mode: the pure state machine with a hand-driven clock, then one
// integration run against a libcoap LwM2M server in the test that observes
// a resource over the registration session: while the client sleeps a
// change is held, the client wakes with an Update, and only after the
// Update's answer does the held notification (with the latest value) go out.
#include <coap3/coap.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "client/client.h"
#include "client/queue_mode.h"
#include "fake_lwm2m_server.h"

namespace lwcl::client {

using lwm2m::CoapCode;
namespace {

TEST(QueueModeTest, SleepsAfterAwakeTimeWithoutExchange) {
  QueueMode q(93, 0);
  EXPECT_EQ(q.state(), QueueState::kAwake);
  EXPECT_EQ(q.NextWake(), 93.0);
  q.Poll(92.9);
  EXPECT_FALSE(q.holding());
  q.OnExchange(50);  // an exchange extends the awake time
  q.Poll(100);
  EXPECT_EQ(q.state(), QueueState::kAwake);
  q.Poll(143);
  EXPECT_EQ(q.state(), QueueState::kAsleep);
  EXPECT_TRUE(q.holding());
  EXPECT_EQ(q.NextWake(), std::nullopt);
}

TEST(QueueModeTest, ReportWhileAwakeNeedsNoUpdate) {
  QueueMode q(10, 0);
  EXPECT_FALSE(q.NeedReport(5));
  EXPECT_EQ(q.state(), QueueState::kAwake);
}

TEST(QueueModeTest, ReportWhileAsleepAsksForOneUpdateThenWakesOnAnswer) {
  QueueMode q(10, 0);
  EXPECT_TRUE(q.NeedReport(20));  // asleep at 10: wake with an Update
  EXPECT_EQ(q.state(), QueueState::kWaking);
  EXPECT_FALSE(q.NeedReport(21));  // only once
  q.OnExchange(22);                // sending the Update does not count as awake
  EXPECT_TRUE(q.holding());
  q.OnRegistered(25);
  EXPECT_EQ(q.state(), QueueState::kAwake);
  EXPECT_EQ(q.NextWake(), 35.0);
  q.Poll(35);
  EXPECT_EQ(q.state(), QueueState::kAsleep);
}

TEST(QueueModeTest, ServerReachingSleepingClientWakesIt) {
  QueueMode q(10, 0);
  q.Poll(11);
  ASSERT_EQ(q.state(), QueueState::kAsleep);
  q.OnExchange(12);
  EXPECT_EQ(q.state(), QueueState::kAwake);
  EXPECT_EQ(q.NextWake(), 22.0);
  EXPECT_STREQ(QueueStateName(q.state()), "awake");
}

// --- Integration ---

// The server's log: "register", "update", "notify:<payload>", in order.
class ClientQueueTest : public testing::FakeServerTest {
 protected:
  ClientQueueTest() : FakeServerTest("q", 0) {}
  void SetUp() override {
    FakeServerTest::SetUp();
    ASSERT_TRUE(server_.StartUdp());
  }
  bool Until(const std::function<bool()>& done) { return FakeServerTest::Until(done, 500, 2); }
  void Settle() {
    for (int i = 0; i < 10; ++i) client_->Step(0), server_.Step(2);
  }
  // The Uri-Query of the first Register.
  std::vector<std::string> RegisterQuery() const {
    const std::vector<testing::FakeRequest> r = server_.Registers();
    return r.empty() ? std::vector<std::string>{} : r[0].query;
  }
};

TEST_F(ClientQueueTest, HoldsNotificationsWhileAsleepAndUpdatesFirstOnWake) {
  client_->EnableQueueMode(30);
  RegistrationConfig cfg;
  cfg.binding = "UQ";
  cfg.lifetime_s = 3600;
  ASSERT_TRUE(client_->Connect("127.0.0.1", server_.port(), cfg));
  ASSERT_TRUE(Until([&] { return client_->registered(); }));
  const std::vector<std::string> query = RegisterQuery();
  EXPECT_NE(std::find(query.begin(), query.end(), "b=UQ"), query.end());
  ASSERT_NE(client_->queue_mode(), nullptr);
  EXPECT_EQ(client_->queue_mode()->awake_seconds(), 30.0);

  // The server observes /42/0/2 over the registration session.
  server_.Request(server_.device, COAP_REQUEST_CODE_GET, {"42", "0", "2"}, "", "", -1, 0u, {7});
  ASSERT_TRUE(Until([&] { return server_.log.size() == 2; }));
  EXPECT_EQ(server_.log[1], "notify:1.5");

  // Awake: a change is notified at once.
  now_ = 5;
  obj_->Set(0, 2, 2.5);
  ASSERT_TRUE(Until([&] { return server_.log.size() == 3; }));
  EXPECT_EQ(server_.log[2], "notify:2.5");

  // 30 s without exchange: asleep. Changes are held; the first one asks for an Update.
  now_ = 40;
  Settle();
  EXPECT_EQ(client_->queue_mode()->state(), QueueState::kAsleep);
  obj_->Set(0, 2, 3.5);
  obj_->Set(0, 2, 4.5);
  ASSERT_TRUE(Until([&] { return server_.log.size() >= 5; }));
  EXPECT_EQ(server_.log[3], "update");
  EXPECT_EQ(server_.log[4], "notify:4.5");  // only the latest value, after the Update
  Settle();
  EXPECT_EQ(server_.log.size(), 5u);
  EXPECT_EQ(client_->queue_mode()->state(), QueueState::kAwake);
  EXPECT_EQ(client_->held_notifications(), 0u);
}

TEST_F(ClientQueueTest, SendWaitsForWakeToo) {
  client_->EnableQueueMode(30);
  RegistrationConfig cfg;
  cfg.binding = "UQ";
  ASSERT_TRUE(client_->Connect("127.0.0.1", server_.port(), cfg));
  ASSERT_TRUE(Until([&] { return client_->registered(); }));
  now_ = 100;
  Settle();
  ASSERT_EQ(client_->queue_mode()->state(), QueueState::kAsleep);
  std::optional<CoapCode> result;
  const lwm2m::Path paths[] = {lwm2m::Path::Resource(42, 0, 1)};
  ASSERT_TRUE(client_->Send(paths, [&](std::optional<CoapCode> c) { result = c; }));
  // No /dp resource on this server: 4.04, but only after the wake-up Update.
  ASSERT_TRUE(Until([&] { return result.has_value(); }));
  EXPECT_EQ(server_.log.back(), "update");
  EXPECT_EQ(*result, CoapCode::kNotFound);
}

}  // namespace
}  // namespace lwcl::client
