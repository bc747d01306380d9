// The registration interface driven by libcoap's own CLI (libcoap3-bin's
// coap-client-notls) as a raw CoAP peer: what a non-LwCL client sends.
#include <gtest/gtest.h>

#include <future>
#include <memory>

#include "peer_process.h"
#include "server/lwm2m_server.h"

namespace lwcl::server {
namespace {

using test_support::HavePeer;
using test_support::RunCommand;

class ServerRawPeerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HavePeer()) GTEST_SKIP() << "coap-client-notls (libcoap3-bin) is not installed";
    ServerOptions options;
    options.udp_port = 0;
    ServerEvents events;
    events.on_registered = [this](const Registration& r) { registered_.push_back(r); };
    server_ = std::make_unique<Lwm2mServer>(options, events);
    std::string error;
    ASSERT_TRUE(server_->Start(&error)) << error;
  }

  // Runs coap-client against the server while stepping it; returns its output.
  std::string Peer(const std::string& args, const std::string& uri) {
    const std::string cmd = "timeout 10 coap-client-notls -B 5 " + args + " 'coap://127.0.0.1:" +
                            std::to_string(server_->udp_port()) + uri + "' 2>&1";
    std::future<std::string> f = std::async(std::launch::async, RunCommand, cmd);
    while (f.wait_for(std::chrono::seconds(0)) != std::future_status::ready) server_->Step(10);
    std::string out = f.get();
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  std::unique_ptr<Lwm2mServer> server_;
  std::vector<Registration> registered_;
};

TEST_F(ServerRawPeerTest, RegisterCreatesARegistration) {
  const std::string out = Peer("-m post -e '</1/0>,</3/0>,</33650/0>'", "/rd?ep=raw-1&lt=300&lwm2m=1.1&b=U");
  ASSERT_EQ(registered_.size(), 1u) << out;
  EXPECT_EQ(registered_[0].endpoint, "raw-1");
  EXPECT_EQ(registered_[0].lifetime_s, 300);
  EXPECT_EQ(registered_[0].version, "1.1");
  EXPECT_EQ(registered_[0].object_links, "</1/0>,</3/0>,</33650/0>");
  // Update on the location the server gave (the CLI cannot show it: take it from the table).
  const std::string loc = server_->registrations().FindEndpoint("raw-1")->location;
  EXPECT_EQ(Peer("-m post", "/rd/" + loc + "?lt=90"), "");
  EXPECT_EQ(server_->registrations().FindEndpoint("raw-1")->lifetime_s, 90);
  EXPECT_EQ(Peer("-m delete", "/rd/" + loc), "");
  EXPECT_EQ(server_->registrations().size(), 0u);
}

TEST_F(ServerRawPeerTest, BadRegistrationsGetTheRightCodeAndTheServerKeepsServing) {
  EXPECT_NE(Peer("-m post -e '</3/0>'", "/rd?lt=300").find("4.00"), std::string::npos);
  EXPECT_NE(Peer("-m post -e '</3/0>'", "/rd?ep=x&lt=soon").find("4.00"), std::string::npos);
  EXPECT_NE(Peer("-m post -e '<3/0'", "/rd?ep=x").find("4.00"), std::string::npos);
  EXPECT_NE(Peer("-m post -e '</3/0>'", "/rd?ep=x&lwm2m=9.9").find("4.12"), std::string::npos);
  EXPECT_NE(Peer("-m post", "/rd/unknown").find("4.04"), std::string::npos);
  EXPECT_NE(Peer("-m delete", "/rd/unknown").find("4.04"), std::string::npos);
  EXPECT_NE(Peer("-m get", "/rd").find("4.05"), std::string::npos);
  EXPECT_NE(Peer("-m get", "/nothing").find("4.04"), std::string::npos);
  EXPECT_NE(Peer("-m post -t 112 -e 'x'", "/dp").find("4.03"), std::string::npos);  // not registered
  EXPECT_TRUE(registered_.empty());
  Peer("-m post -e '</3/0>'", "/rd?ep=ok");
  EXPECT_EQ(registered_.size(), 1u);
}

}  // namespace
}  // namespace lwcl::server
