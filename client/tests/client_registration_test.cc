// Registration against a tiny LwM2M server made of libcoap in the test:
// /rd answers 2.01 with Location-Path rd/abc, /rd/abc takes Update (2.04)
// and De-register (2.02). Both ends run on this thread, stepped in turn.
#include <arpa/inet.h>
#include <coap3/coap.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "client/client.h"
#include "test_objects.h"

namespace lwcl::client {
namespace {

struct SeenRequest {
  int method = 0;
  std::vector<std::string> path;
  std::vector<std::string> query;
  std::string payload;
};

struct FakeServer {
  coap_context_t* ctx = nullptr;
  uint16_t port = 0;
  std::vector<SeenRequest> seen;
  coap_session_t* device = nullptr;  // the session the Register came on
  std::string dm_answer;
  int dm_code = 0;
};

FakeServer* g_server = nullptr;  // libcoap handlers are plain functions

SeenRequest Record(const coap_pdu_t* pdu) {
  SeenRequest r;
  r.method = coap_pdu_get_code(pdu);
  coap_opt_iterator_t it;
  coap_option_iterator_init(pdu, &it, COAP_OPT_ALL);
  while (coap_opt_t* opt = coap_option_next(&it)) {
    std::string v(reinterpret_cast<const char*>(coap_opt_value(opt)), coap_opt_length(opt));
    if (it.number == COAP_OPTION_URI_PATH) r.path.push_back(v);
    if (it.number == COAP_OPTION_URI_QUERY) r.query.push_back(v);
  }
  size_t len = 0, off = 0, total = 0;
  const uint8_t* data = nullptr;
  if (coap_get_data_large(pdu, &len, &data, &off, &total) && data) r.payload.assign(data, data + len);
  return r;
}

void OnRd(coap_resource_t*, coap_session_t* session, const coap_pdu_t* req, const coap_string_t*,
          coap_pdu_t* resp) {
  g_server->seen.push_back(Record(req));
  g_server->device = session;
  coap_pdu_set_code(resp, COAP_RESPONSE_CODE_CREATED);
  coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 2, reinterpret_cast<const uint8_t*>("rd"));
  coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 3, reinterpret_cast<const uint8_t*>("abc"));
}

void OnRegistration(coap_resource_t*, coap_session_t*, const coap_pdu_t* req, const coap_string_t*,
                    coap_pdu_t* resp) {
  SeenRequest r = Record(req);
  const bool ours = r.path == std::vector<std::string>{"rd", "abc"};
  const int method = r.method;
  g_server->seen.push_back(std::move(r));
  if (!ours) {
    coap_pdu_set_code(resp, COAP_RESPONSE_CODE_NOT_FOUND);
  } else {
    coap_pdu_set_code(resp, method == COAP_REQUEST_CODE_DELETE ? COAP_RESPONSE_CODE_DELETED
                                                               : COAP_RESPONSE_CODE_CHANGED);
  }
}

coap_response_t OnDmAnswer(coap_session_t*, const coap_pdu_t*, const coap_pdu_t* received, const coap_mid_t) {
  g_server->dm_code = coap_pdu_get_code(received);
  size_t len = 0, off = 0, total = 0;
  const uint8_t* data = nullptr;
  if (coap_get_data_large(received, &len, &data, &off, &total) && data) g_server->dm_answer.assign(data, data + len);
  return COAP_RESPONSE_OK;
}

class ClientRegistrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_server = &server_;
    client_ = std::make_unique<Client>(reg_);  // runs coap_startup
    reg_.Add(testing::MakeTestObject());
    client_->SetClock([this] { return now_; });
    server_.ctx = coap_new_context(nullptr);
    coap_context_set_block_mode(server_.ctx, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
    coap_register_response_handler(server_.ctx, OnDmAnswer);
    coap_address_t addr;
    coap_address_init(&addr);
    addr.addr.sin.sin_family = AF_INET;
    addr.addr.sin.sin_port = 0;
    inet_pton(AF_INET, "127.0.0.1", &addr.addr.sin.sin_addr);
    addr.size = sizeof(struct sockaddr_in);
    coap_endpoint_t* ep = coap_new_endpoint(server_.ctx, &addr, COAP_PROTO_UDP);
    ASSERT_NE(ep, nullptr);
    const std::string text = coap_endpoint_str(ep);
    server_.port = static_cast<uint16_t>(std::stoi(text.substr(text.rfind(':') + 1)));
    coap_resource_t* rd = coap_resource_init(coap_make_str_const("rd"), 0);
    coap_register_request_handler(rd, COAP_REQUEST_POST, OnRd);
    coap_add_resource(server_.ctx, rd);
    coap_resource_t* unknown = coap_resource_unknown_init2(OnRegistration, 0);
    coap_register_request_handler(unknown, COAP_REQUEST_POST, OnRegistration);
    coap_register_request_handler(unknown, COAP_REQUEST_DELETE, OnRegistration);
    coap_add_resource(server_.ctx, unknown);
  }
  void TearDown() override {
    client_.reset();
    if (server_.ctx) coap_free_context(server_.ctx);
    g_server = nullptr;
  }
  // Steps both ends until `done` (bounded: a failure, not a hang).
  bool Until(const std::function<bool()>& done) {
    for (int i = 0; i < 500 && !done(); ++i) {
      client_->Step(0);
      coap_io_process(server_.ctx, 5);
    }
    return done();
  }
  RegistrationState State() const { return client_->registration()->state(); }

  Registry reg_;
  std::unique_ptr<Client> client_;
  FakeServer server_;
  double now_ = 1000;
};

TEST_F(ClientRegistrationTest, RegistersUpdatesServesAndDeregisters) {
  RegistrationConfig cfg;
  cfg.endpoint = "dev-7";
  cfg.lifetime_s = 120;
  ASSERT_TRUE(client_->Connect("127.0.0.1", server_.port, cfg));
  ASSERT_TRUE(Until([&] { return State() == RegistrationState::kRegistered; }));
  ASSERT_EQ(server_.seen.size(), 1u);
  EXPECT_EQ(server_.seen[0].path, (std::vector<std::string>{"rd"}));
  EXPECT_EQ(server_.seen[0].query, (std::vector<std::string>{"ep=dev-7", "lt=120", "lwm2m=1.1", "b=U"}));
  EXPECT_EQ(server_.seen[0].payload, "</42/0>");
  EXPECT_EQ(client_->registration()->location(), (std::vector<std::string>{"rd", "abc"}));

  // Nothing is due until the lifetime is nearly over (120 s - 60 s margin).
  now_ += 59;
  for (int i = 0; i < 5; ++i) client_->Step(0), coap_io_process(server_.ctx, COAP_IO_NO_WAIT);
  EXPECT_EQ(server_.seen.size(), 1u);
  now_ += 1;
  ASSERT_TRUE(Until([&] { return server_.seen.size() == 2 && State() == RegistrationState::kRegistered; }));
  EXPECT_EQ(server_.seen[1].path, (std::vector<std::string>{"rd", "abc"}));
  EXPECT_EQ(server_.seen[1].method, COAP_REQUEST_CODE_POST);
  EXPECT_TRUE(server_.seen[1].payload.empty());

  // The server reads a resource over the registration session.
  ASSERT_NE(server_.device, nullptr);
  coap_pdu_t* get = coap_new_pdu(COAP_MESSAGE_CON, COAP_REQUEST_CODE_GET, server_.device);
  for (const char* seg : {"42", "0", "0"}) {
    coap_add_option(get, COAP_OPTION_URI_PATH, std::strlen(seg), reinterpret_cast<const uint8_t*>(seg));
  }
  coap_send(server_.device, get);
  ASSERT_TRUE(Until([&] { return server_.dm_code != 0; }));
  EXPECT_EQ(server_.dm_code, COAP_RESPONSE_CODE_CONTENT);
  EXPECT_EQ(server_.dm_answer, "hello");

  client_->Deregister();
  ASSERT_TRUE(Until([&] { return State() == RegistrationState::kDeregistered; }));
  EXPECT_EQ(server_.seen.back().method, COAP_REQUEST_CODE_DELETE);
  EXPECT_EQ(server_.seen.back().path, (std::vector<std::string>{"rd", "abc"}));
}

}  // namespace
}  // namespace lwcl::client
