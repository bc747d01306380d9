// The Client over DTLS with a pre-shared key, against real peers on
// 127.0.0.1: libcoap's coap-client-openssl (libcoap3-bin) drives the DM
// side (coaps://), and a libcoap DTLS server context in the test plays the
// LwM2M server for registration. A peer with the wrong key is refused.
#include <coap3/coap.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <future>
#include <string>
#include <vector>

#include "client/client.h"
#include "fake_lwm2m_server.h"
#include "peer_process.h"
#include "test_objects.h"

namespace lwcl::client {
namespace {

constexpr char kIdentity[] = "dev-psk";
constexpr char kKey[] = "secret-key-0123";

std::vector<uint8_t> Bytes(const std::string& s) { return std::vector<uint8_t>(s.begin(), s.end()); }

using test_support::HavePeer;
using test_support::RunCommand;

class ClientDtlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HavePeer("coap-client-openssl")) GTEST_SKIP() << "coap-client-openssl (libcoap3-bin) is not installed";
    if (!coap_dtls_is_supported()) GTEST_SKIP() << "libcoap was built without DTLS";
    auto o = testing::MakeTestObject(&executed_, &args_);
    obj_ = o.get();
    reg_.Add(std::move(o));
    client_ = std::make_unique<Client>(reg_);
    port_ = client_->ListenDtls("127.0.0.1", 0, {Bytes(kIdentity), Bytes(kKey)});
    ASSERT_NE(port_, 0);
  }

  // coap-client-openssl with `args` on coaps://127.0.0.1:port`path`, with
  // identity `id` and key `key`; returns its output.
  std::string Peer(const std::string& args, const std::string& path, const std::string& key = kKey,
                   const std::string& id = kIdentity) {
    const std::string cmd = "timeout 10 coap-client-openssl -B 4 -u " + id + " -k " + key + " " + args +
                            " coaps://127.0.0.1:" + std::to_string(port_) + path + " 2>&1";
    std::future<std::string> f = std::async(std::launch::async, RunCommand, cmd);
    client_->RunUntil([&] { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }, 15000);
    std::string out = f.get();
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  Registry reg_;
  SimpleObject* obj_ = nullptr;
  int executed_ = 0;
  std::string args_;
  std::unique_ptr<Client> client_;
  uint16_t port_ = 0;
};

TEST_F(ClientDtlsTest, ReadsWritesExecutesAndDiscovers) {
  EXPECT_EQ(Peer("-m get -A 0", "/42/0/0"), "hello");
  Peer("-m put -t 0 -e world", "/42/0/0");
  EXPECT_EQ(obj_->Get(0, 0), lwm2m::Value(std::string("world")));
  Peer("-m post -e go", "/42/0/4");
  EXPECT_EQ(executed_, 1);
  EXPECT_EQ(args_, "go");
  const std::string links = Peer("-m get -A 40", "/42/0");
  EXPECT_NE(links.find("</42/0/0>"), std::string::npos) << links;
  EXPECT_NE(links.find("</42/0/4>"), std::string::npos) << links;
}

TEST_F(ClientDtlsTest, ObserveNotifiesOverDtls) {
  double now = 0;
  client_->SetClock([&] { return now; });
  const std::string cmd = "timeout 10 coap-client-openssl -B 3 -s 2 -u " + std::string(kIdentity) + " -k " +
                          kKey + " -m get -A 0 coaps://127.0.0.1:" + std::to_string(port_) + "/42/0/2 2>&1";
  std::future<std::string> f = std::async(std::launch::async, RunCommand, cmd);
  ASSERT_TRUE(client_->RunUntil([&] { return client_->observations().size() == 1; }, 8000));
  obj_->Set(0, 2, 8.25);
  client_->RunUntil([&] { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }, 15000);
  const std::string out = f.get();
  EXPECT_NE(out.find("1.5"), std::string::npos) << out;
  EXPECT_NE(out.find("8.25"), std::string::npos) << out;
}

TEST_F(ClientDtlsTest, BlockWiseBothWays) {
  lwm2m::Opaque big(3000);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>('a' + i % 26);
  obj_->Set(0, 5, big);
  const std::string out = Peer("-m get -A 42", "/42/0/5");
  EXPECT_TRUE(out == std::string(big.begin(), big.end())) << out.size();

  char name[] = "/tmp/lwcl_dtls_blockXXXXXX";
  const int fd = mkstemp(name);
  ASSERT_GE(fd, 0);
  const std::string body(2500, 'z');
  ASSERT_EQ(write(fd, body.data(), body.size()), static_cast<ssize_t>(body.size()));
  close(fd);
  Peer("-m put -t 42 -b 64 -f " + std::string(name), "/42/0/5");
  unlink(name);
  EXPECT_EQ(obj_->Get(0, 5), lwm2m::Value(lwm2m::Opaque(body.begin(), body.end())));
}

TEST_F(ClientDtlsTest, WrongKeyOrIdentityIsRefused) {
  // coap-client prints only its handshake errors: no value.
  const std::string wrong_key = Peer("-m get -A 0", "/42/0/0", "not-the-key");
  EXPECT_EQ(wrong_key.find("hello"), std::string::npos) << wrong_key;
  const std::string wrong_id = Peer("-m get -A 0", "/42/0/0", kKey, "someone-else");
  EXPECT_EQ(wrong_id.find("hello"), std::string::npos) << wrong_id;
  EXPECT_EQ(client_->requests_handled(), 0u);
  EXPECT_EQ(Peer("-m get -A 0", "/42/0/0"), "hello");  // and the right key still works
}

TEST_F(ClientDtlsTest, NoSecPeerGetsNothingFromDtlsEndpoint) {
  const std::string cmd = "timeout 10 coap-client-notls -B 2 -m get coap://127.0.0.1:" + std::to_string(port_) +
                          "/42/0/0 2>&1";
  std::future<std::string> f = std::async(std::launch::async, RunCommand, cmd);
  client_->RunUntil([&] { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }, 15000);
  EXPECT_EQ(f.get().find("hello"), std::string::npos);
  EXPECT_EQ(client_->requests_handled(), 0u);
}

// --- Registration over DTLS against a libcoap DTLS server in the test. ---

class ClientDtlsRegistrationTest : public testing::FakeServerTest {
 protected:
  ClientDtlsRegistrationTest() : FakeServerTest("7", 100) {}
  void SetUp() override {
    FakeServerTest::SetUp();
    if (!coap_dtls_is_supported()) GTEST_SKIP() << "libcoap was built without DTLS";
    ASSERT_TRUE(server_.StartPsk(kKey));
  }
  bool Until(const std::function<bool()>& done) { return FakeServerTest::Until(done, 1000); }
  Endpoint Server(const std::string& key) {
    Endpoint e;
    e.host = "127.0.0.1";
    e.port = server_.port();
    e.dtls = true;
    e.psk_identity = Bytes(kIdentity);
    e.psk_key = Bytes(key);
    return e;
  }
};

TEST_F(ClientDtlsRegistrationTest, RegistersAndIsReadOverDtls) {
  RegistrationConfig cfg;
  cfg.endpoint = "dtls-dev";
  ASSERT_TRUE(client_->Connect(Server(kKey), cfg));
  ExpectRegisteredAndReadable("dtls-dev", "7", 1000);
}

TEST_F(ClientDtlsRegistrationTest, WrongKeyNeverRegisters) {
  ASSERT_TRUE(client_->Connect(Server("wrong-key"), RegistrationConfig{}));
  Until([&] { return client_->registered(); });
  EXPECT_FALSE(client_->registered());
  EXPECT_TRUE(server_.Registers().empty());
}

}  // namespace
}  // namespace lwcl::client
