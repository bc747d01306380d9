// Observe-Composite over the wire: coap-client (libcoap3-bin) sends FETCH "/"
// with Observe and a SenML JSON list of paths; the Client answers with the
// values of every path and notifies them all when one changes.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <future>
#include <string>

#include "client/client.h"
#include "peer_process.h"
#include "test_objects.h"

namespace lwcl::client {
namespace {

using test_support::HavePeer;
using test_support::RunCommand;

class ClientCompositeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HavePeer()) GTEST_SKIP() << "coap-client-notls (libcoap3-bin) is not installed";
    auto o = testing::MakeTestObject();
    obj_ = o.get();
    reg_.Add(std::move(o));
    client_ = std::make_unique<Client>(reg_);
    client_->SetClock([this] { return now_; });
    port_ = client_->Listen("127.0.0.1", 0);
    ASSERT_NE(port_, 0);
  }
  std::future<std::string> Fetch(const std::string& extra) {
    const std::string cmd = "timeout 10 coap-client-notls -B 3 " + extra +
                            " -m fetch -t 110 -A 110 -e '[{\"n\":\"/42/0/0\"},{\"n\":\"/42/0/2\"}]' coap://127.0.0.1:" +
                            std::to_string(port_) + "/ 2>&1";
    return std::async(std::launch::async, RunCommand, cmd);
  }
  std::string Wait(std::future<std::string>& f) {
    client_->RunUntil([&] { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }, 15000);
    return f.get();
  }

  Registry reg_;
  SimpleObject* obj_ = nullptr;
  std::unique_ptr<Client> client_;
  uint16_t port_ = 0;
  double now_ = 0;
};

TEST_F(ClientCompositeTest, ReadCompositeAnswersAllPaths) {
  std::future<std::string> f = Fetch("");
  const std::string out = Wait(f);
  EXPECT_NE(out.find("\"/42/0/0\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"hello\""), std::string::npos) << out;
  EXPECT_NE(out.find("1.5"), std::string::npos) << out;
  EXPECT_EQ(client_->observations().size(), 0u);
}

TEST_F(ClientCompositeTest, ObserveCompositeNotifiesEveryPathOnAnyChange) {
  std::future<std::string> f = Fetch("-s 2");
  ASSERT_TRUE(client_->RunUntil([&] { return client_->observations().size() == 1; }, 8000));
  obj_->Set(0, 2, 8.25);
  const std::string out = Wait(f);
  EXPECT_NE(out.find("1.5"), std::string::npos) << out;
  EXPECT_NE(out.find("8.25"), std::string::npos) << out;
  // The notification carries both paths again: "hello" twice.
  const size_t first = out.find("\"hello\"");
  ASSERT_NE(first, std::string::npos) << out;
  EXPECT_NE(out.find("\"hello\"", first + 1), std::string::npos) << out;
  // When its -s time is over coap-client cancels the observation (FETCH
  // with Observe 1 and the same token).
  EXPECT_TRUE(client_->RunUntil([&] { return client_->observations().size() == 0; }, 2000))
      << client_->observations().size();
}

}  // namespace
}  // namespace lwcl::client
