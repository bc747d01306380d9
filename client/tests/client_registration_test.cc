// Registration against a tiny LwM2M server made of libcoap in the test
// (fake_lwm2m_server.h): /rd answers 2.01 with Location-Path rd/abc,
// /rd/abc takes Update (2.04) and De-register (2.02). Both ends run on this
// thread, stepped in turn.
#include <coap3/coap.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/client.h"
#include "fake_lwm2m_server.h"

namespace lwcl::client {
namespace {

class ClientRegistrationTest : public testing::FakeServerTest {
 protected:
  ClientRegistrationTest() : FakeServerTest("abc", 1000) {}
  void SetUp() override {
    FakeServerTest::SetUp();
    ASSERT_TRUE(server_.StartUdp());
  }
  RegistrationState State() const { return client_->registration()->state(); }
};

TEST_F(ClientRegistrationTest, RegistersUpdatesServesAndDeregisters) {
  RegistrationConfig cfg;
  cfg.endpoint = "dev-7";
  cfg.lifetime_s = 120;
  ASSERT_TRUE(client_->Connect("127.0.0.1", server_.port(), cfg));
  ASSERT_TRUE(Until([&] { return State() == RegistrationState::kRegistered; }));
  const std::vector<testing::FakeRequest>& seen = server_.requests;
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].path, (std::vector<std::string>{"rd"}));
  EXPECT_EQ(seen[0].query, (std::vector<std::string>{"ep=dev-7", "lt=120", "lwm2m=1.1", "b=U"}));
  EXPECT_EQ(seen[0].payload, "</42/0>");
  EXPECT_EQ(client_->registration()->location(), (std::vector<std::string>{"rd", "abc"}));

  // Nothing is due until the lifetime is nearly over (120 s - 60 s margin).
  now_ += 59;
  for (int i = 0; i < 5; ++i) client_->Step(0), server_.Step(0);
  EXPECT_EQ(seen.size(), 1u);
  now_ += 1;
  ASSERT_TRUE(Until([&] { return seen.size() == 2 && State() == RegistrationState::kRegistered; }));
  EXPECT_EQ(seen[1].path, (std::vector<std::string>{"rd", "abc"}));
  EXPECT_EQ(seen[1].method, COAP_REQUEST_CODE_POST);
  EXPECT_TRUE(seen[1].payload.empty());

  // The server reads a resource over the registration session.
  ASSERT_NE(server_.device, nullptr);
  server_.Request(server_.device, COAP_REQUEST_CODE_GET, {"42", "0", "0"});
  ASSERT_TRUE(Until([&] { return !server_.answers.empty(); }));
  EXPECT_EQ(server_.answers[0].code, COAP_RESPONSE_CODE_CONTENT);
  EXPECT_EQ(server_.answers[0].payload, "hello");

  client_->Deregister();
  ASSERT_TRUE(Until([&] { return State() == RegistrationState::kDeregistered; }));
  EXPECT_EQ(seen.back().method, COAP_REQUEST_CODE_DELETE);
  EXPECT_EQ(seen.back().path, (std::vector<std::string>{"rd", "abc"}));
}

}  // namespace
}  // namespace lwcl::client
