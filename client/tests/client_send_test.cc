// LwM2M Send (POST /dp) against a tiny LwM2M server made of libcoap in the
// test (fake_lwm2m_server.h): "rd" registers, "dp" decodes the SenML CBOR
// body with the lwm2m core and answers 2.04 (or what the test sets). Both
// ends step on this thread.
#include <coap3/coap.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "client/client.h"
#include "fake_lwm2m_server.h"
#include "lwm2m/senml.h"

namespace lwcl::client {

using lwm2m::CoapCode;
namespace {

class ClientSendTest : public testing::FakeServerTest {
 protected:
  ClientSendTest() : FakeServerTest("1", 10) {}
  void SetUp() override {
    FakeServerTest::SetUp();
    ASSERT_TRUE(server_.StartUdp());
    server_.dp_handler = [this](const testing::FakeRequest& r) {
      formats_.push_back(r.format);
      std::vector<lwm2m::Record> records;
      const std::vector<uint8_t> body(r.payload.begin(), r.payload.end());
      if (lwm2m::DecodeSenmlCbor(body, nullptr, &records)) return static_cast<int>(COAP_RESPONSE_CODE_BAD_REQUEST);
      sends_.push_back(std::move(records));
      return dp_code_;
    };
  }
  void Register() {
    ASSERT_TRUE(client_->Connect("127.0.0.1", server_.port(), RegistrationConfig{}));
    ASSERT_TRUE(Until([&] { return client_->registered(); }));
  }

  std::vector<std::vector<lwm2m::Record>> sends_;  // decoded bodies of /dp
  std::vector<int> formats_;
  int dp_code_ = COAP_RESPONSE_CODE_CHANGED;
};

TEST_F(ClientSendTest, SendsCurrentValuesAsSenmlCbor) {
  Register();
  std::optional<CoapCode> result;
  const lwm2m::Path paths[] = {lwm2m::Path::Resource(42, 0, 0), lwm2m::Path::Resource(42, 0, 2)};
  ASSERT_TRUE(client_->Send(paths, [&](std::optional<CoapCode> c) { result = c; }));
  obj_->Set(0, 2, 9.0);  // after the call: the sent value is the one read at Send
  ASSERT_TRUE(Until([&] { return result.has_value(); }));
  EXPECT_EQ(*result, CoapCode::kChanged);
  ASSERT_EQ(sends_.size(), 1u);
  EXPECT_EQ(formats_[0], 112);
  const std::vector<lwm2m::Record>& got = sends_[0];
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].path, lwm2m::Path::Resource(42, 0, 0));
  EXPECT_EQ(got[0].value, lwm2m::Value(std::string("hello")));
  EXPECT_EQ(got[1].path, lwm2m::Path::Resource(42, 0, 2));
  EXPECT_EQ(got[1].value, lwm2m::Value(1.5));
  EXPECT_EQ(client_->pending_sends(), 0u);
}

TEST_F(ClientSendTest, WholeInstanceAndServerErrorReachCallback) {
  Register();
  dp_code_ = COAP_RESPONSE_CODE_NOT_FOUND;
  std::optional<CoapCode> result;
  const lwm2m::Path paths[] = {lwm2m::Path::Instance(42, 0)};
  ASSERT_TRUE(client_->Send(paths, [&](std::optional<CoapCode> c) { result = c; }));
  ASSERT_TRUE(Until([&] { return result.has_value(); }));
  EXPECT_EQ(*result, CoapCode::kNotFound);
  ASSERT_EQ(sends_.size(), 1u);
  EXPECT_GE(sends_[0].size(), 5u);  // 0, 1, 2, 3/0, 3/1, 5 ...
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
  ASSERT_EQ(sends_.size(), 2u);
  EXPECT_EQ(sends_[1][0].value, lwm2m::Value(int64_t{7}));
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
  EXPECT_EQ(sends_.size(), 2u);
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
  EXPECT_EQ(formats_.back(), 110);
}

}  // namespace
}  // namespace lwcl::client
