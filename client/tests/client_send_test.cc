// LwM2M Send (POST /dp) against a tiny LwM2M server made of libcoap in the
// test: "rd" registers, "dp" decodes the SenML CBOR body with the lwm2m
// core and answers 2.04 (or what the test sets). Both ends step on this thread.
#include <arpa/inet.h>
#include <coap3/coap.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "client/client.h"
#include "lwm2m/senml.h"
#include "test_objects.h"

namespace lwcl::client {
namespace {

struct SendServer {
  coap_context_t* ctx = nullptr;
  uint16_t port = 0;
  int registers = 0;
  std::vector<std::vector<lwm2m::Record>> sends;  // decoded bodies of /dp
  std::vector<int> formats;
  int dp_code = COAP_RESPONSE_CODE_CHANGED;
};
SendServer* g_server = nullptr;

void OnRd(coap_resource_t*, coap_session_t*, const coap_pdu_t*, const coap_string_t*, coap_pdu_t* resp) {
  ++g_server->registers;
  coap_pdu_set_code(resp, COAP_RESPONSE_CODE_CREATED);
  coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 2, reinterpret_cast<const uint8_t*>("rd"));
  coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 1, reinterpret_cast<const uint8_t*>("1"));
}

void OnDp(coap_resource_t*, coap_session_t*, const coap_pdu_t* req, const coap_string_t*, coap_pdu_t* resp) {
  size_t len = 0, off = 0, total = 0;
  const uint8_t* data = nullptr;
  std::vector<uint8_t> body;
  if (coap_get_data_large(req, &len, &data, &off, &total) && data) body.assign(data, data + len);
  coap_opt_iterator_t it;
  coap_opt_t* cf = coap_check_option(req, COAP_OPTION_CONTENT_FORMAT, &it);
  g_server->formats.push_back(cf ? static_cast<int>(coap_decode_var_bytes(coap_opt_value(cf), coap_opt_length(cf)))
                                 : -1);
  std::vector<lwm2m::Record> records;
  if (lwm2m::DecodeSenmlCbor(body, nullptr, &records)) {
    coap_pdu_set_code(resp, COAP_RESPONSE_CODE_BAD_REQUEST);
    return;
  }
  g_server->sends.push_back(std::move(records));
  coap_pdu_set_code(resp, static_cast<coap_pdu_code_t>(g_server->dp_code));
}

class ClientSendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_server = &server_;
    client_ = std::make_unique<Client>(reg_);
    auto o = testing::MakeTestObject();
    obj_ = o.get();
    reg_.Add(std::move(o));
    client_->SetClock([this] { return now_; });
    server_.ctx = coap_new_context(nullptr);
    coap_context_set_block_mode(server_.ctx, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
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
    coap_resource_t* dp = coap_resource_init(coap_make_str_const("dp"), 0);
    coap_register_request_handler(dp, COAP_REQUEST_POST, OnDp);
    coap_add_resource(server_.ctx, dp);
  }
  void TearDown() override {
    client_.reset();
    if (server_.ctx) coap_free_context(server_.ctx);
    g_server = nullptr;
  }
  bool Until(const std::function<bool()>& done) {
    for (int i = 0; i < 500 && !done(); ++i) {
      client_->Step(0);
      coap_io_process(server_.ctx, 5);
    }
    return done();
  }
  void Register() {
    ASSERT_TRUE(client_->Connect("127.0.0.1", server_.port, RegistrationConfig{}));
    ASSERT_TRUE(Until([&] { return client_->registered(); }));
  }

  Registry reg_;
  SimpleObject* obj_ = nullptr;
  std::unique_ptr<Client> client_;
  SendServer server_;
  double now_ = 10;
};

TEST_F(ClientSendTest, SendsCurrentValuesAsSenmlCbor) {
  Register();
  std::optional<CoapCode> result;
  const lwm2m::Path paths[] = {lwm2m::Path::Resource(42, 0, 0), lwm2m::Path::Resource(42, 0, 2)};
  ASSERT_TRUE(client_->Send(paths, [&](std::optional<CoapCode> c) { result = c; }));
  obj_->Set(0, 2, 9.0);  // after the call: the sent value is the one read at Send
  ASSERT_TRUE(Until([&] { return result.has_value(); }));
  EXPECT_EQ(*result, CoapCode::kChanged);
  ASSERT_EQ(server_.sends.size(), 1u);
  EXPECT_EQ(server_.formats[0], 112);
  const std::vector<lwm2m::Record>& got = server_.sends[0];
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].path, lwm2m::Path::Resource(42, 0, 0));
  EXPECT_EQ(got[0].value, lwm2m::Value(std::string("hello")));
  EXPECT_EQ(got[1].path, lwm2m::Path::Resource(42, 0, 2));
  EXPECT_EQ(got[1].value, lwm2m::Value(1.5));
  EXPECT_EQ(client_->pending_sends(), 0u);
}

TEST_F(ClientSendTest, WholeInstanceAndServerErrorReachCallback) {
  Register();
  server_.dp_code = COAP_RESPONSE_CODE_NOT_FOUND;
  std::optional<CoapCode> result;
  const lwm2m::Path paths[] = {lwm2m::Path::Instance(42, 0)};
  ASSERT_TRUE(client_->Send(paths, [&](std::optional<CoapCode> c) { result = c; }));
  ASSERT_TRUE(Until([&] { return result.has_value(); }));
  EXPECT_EQ(*result, CoapCode::kNotFound);
  ASSERT_EQ(server_.sends.size(), 1u);
  EXPECT_GE(server_.sends[0].size(), 5u);  // 0, 1, 2, 3/0, 3/1, 5 ...
}

TEST_F(ClientSendTest, UnreadablePathIsRefused) {
  const lwm2m::Path paths[] = {lwm2m::Path::Resource(42, 9, 0)};
  EXPECT_FALSE(client_->Send(paths));
  EXPECT_EQ(client_->pending_sends(), 0u);
}

TEST_F(ClientSendTest, QueuedWhileNotRegisteredThenDelivered) {
  std::vector<std::optional<CoapCode>> results;
  const lwm2m::Path paths[] = {lwm2m::Path::Resource(42, 0, 1)};
  ASSERT_TRUE(client_->Send(paths, [&](std::optional<CoapCode> c) { results.push_back(c); }));
  ASSERT_TRUE(client_->Send(paths, [&](std::optional<CoapCode> c) { results.push_back(c); }));
  for (int i = 0; i < 5; ++i) client_->Step(0);
  EXPECT_EQ(client_->pending_sends(), 2u);
  EXPECT_TRUE(results.empty());
  Register();
  ASSERT_TRUE(Until([&] { return results.size() == 2; }));
  EXPECT_EQ(results[0], CoapCode::kChanged);
  EXPECT_EQ(results[1], CoapCode::kChanged);
  ASSERT_EQ(server_.sends.size(), 2u);
  EXPECT_EQ(server_.sends[1][0].value, lwm2m::Value(int64_t{7}));
}

TEST_F(ClientSendTest, QueueIsBoundedOldestDropped) {
  client_->SetSendQueueLimit(2);
  std::vector<std::pair<int, std::optional<CoapCode>>> results;
  const lwm2m::Path paths[] = {lwm2m::Path::Resource(42, 0, 1)};
  for (int k = 0; k < 3; ++k) {
    ASSERT_TRUE(client_->Send(paths, [&results, k](std::optional<CoapCode> c) { results.emplace_back(k, c); }));
  }
  ASSERT_EQ(results.size(), 1u);  // the first one, dropped unsent
  EXPECT_EQ(results[0].first, 0);
  EXPECT_FALSE(results[0].second.has_value());
  EXPECT_EQ(client_->pending_sends(), 2u);
  Register();
  ASSERT_TRUE(Until([&] { return results.size() == 3; }));
  EXPECT_EQ(results[1].first, 1);
  EXPECT_EQ(results[2].first, 2);
  EXPECT_EQ(server_.sends.size(), 2u);
}

TEST_F(ClientSendTest, RecordsAsGivenInSenmlJsonWhenConfigured) {
  Register();
  client_->SetSendFormat(lwm2m::ContentFormat::kSenmlJson);
  std::optional<CoapCode> result;
  const lwm2m::Record recs[] = {{lwm2m::Path::Resource(42, 0, 1), int64_t{99}, std::nullopt}};
  ASSERT_TRUE(client_->SendRecords(recs, [&](std::optional<CoapCode> c) { result = c; }));
  ASSERT_TRUE(Until([&] { return result.has_value(); }));
  // The server here only speaks CBOR: the JSON body is a 4.00, which the callback shows.
  EXPECT_EQ(*result, CoapCode::kBadRequest);
  EXPECT_EQ(server_.formats.back(), 110);
}

}  // namespace
}  // namespace lwcl::client
