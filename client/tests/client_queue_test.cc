// Queue Mode: the pure state machine with a hand-driven clock, then one
// integration run against a libcoap LwM2M server in the test that observes
// a resource over the registration session: while the client sleeps a
// change is held, the client wakes with an Update, and only after the
// Update's answer does the held notification (with the latest value) go out.
#include <arpa/inet.h>
#include <coap3/coap.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "client/client.h"
#include "client/queue_mode.h"
#include "test_objects.h"

namespace lwcl::client {
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

struct QueueServer {
  coap_context_t* ctx = nullptr;
  uint16_t port = 0;
  coap_session_t* device = nullptr;
  std::vector<std::string> events;  // "register", "update", "notify:<payload>"
  std::vector<std::string> register_query;
};
QueueServer* g_server = nullptr;

void OnRd(coap_resource_t*, coap_session_t* session, const coap_pdu_t* req, const coap_string_t*,
          coap_pdu_t* resp) {
  coap_opt_iterator_t it;
  coap_option_iterator_init(req, &it, COAP_OPT_ALL);
  while (coap_opt_t* opt = coap_option_next(&it)) {
    if (it.number == COAP_OPTION_URI_QUERY) {
      g_server->register_query.emplace_back(reinterpret_cast<const char*>(coap_opt_value(opt)),
                                            coap_opt_length(opt));
    }
  }
  g_server->events.push_back("register");
  g_server->device = session;
  coap_pdu_set_code(resp, COAP_RESPONSE_CODE_CREATED);
  coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 2, reinterpret_cast<const uint8_t*>("rd"));
  coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 1, reinterpret_cast<const uint8_t*>("q"));
}

void OnUpdate(coap_resource_t*, coap_session_t*, const coap_pdu_t*, const coap_string_t*, coap_pdu_t* resp) {
  g_server->events.push_back("update");
  coap_pdu_set_code(resp, COAP_RESPONSE_CODE_CHANGED);
}

coap_response_t OnNotification(coap_session_t*, const coap_pdu_t*, const coap_pdu_t* received, const coap_mid_t) {
  size_t len = 0, off = 0, total = 0;
  const uint8_t* data = nullptr;
  std::string body;
  if (coap_get_data_large(received, &len, &data, &off, &total) && data) body.assign(data, data + len);
  g_server->events.push_back("notify:" + body);
  return COAP_RESPONSE_OK;
}

class ClientQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_server = &server_;
    client_ = std::make_unique<Client>(reg_);
    auto o = testing::MakeTestObject();
    obj_ = o.get();
    reg_.Add(std::move(o));
    client_->SetClock([this] { return now_; });
    server_.ctx = coap_new_context(nullptr);
    coap_register_response_handler(server_.ctx, OnNotification);
    coap_address_t addr;
    coap_address_init(&addr);
    addr.addr.sin.sin_family = AF_INET;
    inet_pton(AF_INET, "127.0.0.1", &addr.addr.sin.sin_addr);
    addr.size = sizeof(struct sockaddr_in);
    coap_endpoint_t* ep = coap_new_endpoint(server_.ctx, &addr, COAP_PROTO_UDP);
    ASSERT_NE(ep, nullptr);
    const std::string text = coap_endpoint_str(ep);
    server_.port = static_cast<uint16_t>(std::stoi(text.substr(text.rfind(':') + 1)));
    coap_resource_t* rd = coap_resource_init(coap_make_str_const("rd"), 0);
    coap_register_request_handler(rd, COAP_REQUEST_POST, OnRd);
    coap_add_resource(server_.ctx, rd);
    coap_resource_t* reg = coap_resource_init(coap_make_str_const("rd/q"), 0);
    coap_register_request_handler(reg, COAP_REQUEST_POST, OnUpdate);
    coap_add_resource(server_.ctx, reg);
  }
  void TearDown() override {
    client_.reset();
    if (server_.ctx) coap_free_context(server_.ctx);
    g_server = nullptr;
  }
  bool Until(const std::function<bool()>& done) {
    for (int i = 0; i < 500 && !done(); ++i) {
      client_->Step(0);
      coap_io_process(server_.ctx, 2);
    }
    return done();
  }
  void Settle() {
    for (int i = 0; i < 10; ++i) client_->Step(0), coap_io_process(server_.ctx, 2);
  }

  Registry reg_;
  SimpleObject* obj_ = nullptr;
  std::unique_ptr<Client> client_;
  QueueServer server_;
  double now_ = 0;
};

TEST_F(ClientQueueTest, HoldsNotificationsWhileAsleepAndUpdatesFirstOnWake) {
  client_->EnableQueueMode(30);
  RegistrationConfig cfg;
  cfg.binding = "UQ";
  cfg.lifetime_s = 3600;
  ASSERT_TRUE(client_->Connect("127.0.0.1", server_.port, cfg));
  ASSERT_TRUE(Until([&] { return client_->registered(); }));
  EXPECT_NE(std::find(server_.register_query.begin(), server_.register_query.end(), "b=UQ"),
            server_.register_query.end());
  ASSERT_NE(client_->queue_mode(), nullptr);
  EXPECT_EQ(client_->queue_mode()->awake_seconds(), 30.0);

  // The server observes /42/0/2 over the registration session.
  coap_pdu_t* get = coap_new_pdu(COAP_MESSAGE_CON, COAP_REQUEST_CODE_GET, server_.device);
  const uint8_t token[] = {7};
  coap_add_token(get, 1, token);
  coap_add_option(get, COAP_OPTION_OBSERVE, 0, nullptr);
  for (const char* seg : {"42", "0", "2"}) {
    coap_add_option(get, COAP_OPTION_URI_PATH, std::strlen(seg), reinterpret_cast<const uint8_t*>(seg));
  }
  coap_send(server_.device, get);
  ASSERT_TRUE(Until([&] { return server_.events.size() == 2; }));
  EXPECT_EQ(server_.events[1], "notify:1.5");

  // Awake: a change is notified at once.
  now_ = 5;
  obj_->Set(0, 2, 2.5);
  ASSERT_TRUE(Until([&] { return server_.events.size() == 3; }));
  EXPECT_EQ(server_.events[2], "notify:2.5");

  // 30 s without exchange: asleep. Changes are held; the first one asks for an Update.
  now_ = 40;
  Settle();
  EXPECT_EQ(client_->queue_mode()->state(), QueueState::kAsleep);
  obj_->Set(0, 2, 3.5);
  obj_->Set(0, 2, 4.5);
  ASSERT_TRUE(Until([&] { return server_.events.size() >= 5; }));
  EXPECT_EQ(server_.events[3], "update");
  EXPECT_EQ(server_.events[4], "notify:4.5");  // only the latest value, after the Update
  Settle();
  EXPECT_EQ(server_.events.size(), 5u);
  EXPECT_EQ(client_->queue_mode()->state(), QueueState::kAwake);
  EXPECT_EQ(client_->held_notifications(), 0u);
}

TEST_F(ClientQueueTest, SendWaitsForWakeToo) {
  client_->EnableQueueMode(30);
  RegistrationConfig cfg;
  cfg.binding = "UQ";
  ASSERT_TRUE(client_->Connect("127.0.0.1", server_.port, cfg));
  ASSERT_TRUE(Until([&] { return client_->registered(); }));
  now_ = 100;
  Settle();
  ASSERT_EQ(client_->queue_mode()->state(), QueueState::kAsleep);
  std::optional<CoapCode> result;
  const lwm2m::Path paths[] = {lwm2m::Path::Resource(42, 0, 1)};
  ASSERT_TRUE(client_->Send(paths, [&](std::optional<CoapCode> c) { result = c; }));
  // No /dp resource on this server: 4.04, but only after the wake-up Update.
  ASSERT_TRUE(Until([&] { return result.has_value(); }));
  EXPECT_EQ(server_.events.back(), "update");
  EXPECT_EQ(*result, CoapCode::kNotFound);
}

}  // namespace
}  // namespace lwcl::client
