// BootstrapServer end to end on 127.0.0.1: LwCL's own client, configured
// with only a Bootstrap-Server account, bootstraps from it and then registers
// with a real Lwm2mServer at the URI it was given (over UDP with NoSec, and
// over DTLS with the PSK the bootstrap wrote). Refusals are driven with
// libcoap's CLI as a raw peer, and a client that never answers with a bare
// UDP socket and an injected clock (no sleeping).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <map>
#include <memory>
#include <optional>

#include "client/client.h"
#include "client/security_object.h"
#include "client/standard_objects.h"
#include "peer_process.h"
#include "server/bootstrap_server.h"
#include "server/lwm2m_server.h"

namespace lwcl::server {
namespace {

using test_support::HavePeer;
using test_support::RunCommand;

constexpr char kDmIdentity[] = "dev-psk-identity";
constexpr char kBsIdentity[] = "dev-bootstrap-identity";
const std::vector<uint8_t> kBsKey = {'b', 'o', 'o', 't', 's', 't', 'r', 'a', 'p', '-', 'k', 'e', 'y'};
const std::vector<uint8_t> kDmKey = {'s', 'e', 'c', 'r', 'e', 't', '-', 'k', 'e', 'y', '-', '1', '6', 'b', '!', '!'};

class BootstrapServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions dm;
    dm.udp_port = 0;
    dm.dtls_port = 0;
    dm.psk_lookup = [](std::string_view identity) -> std::optional<std::vector<uint8_t>> {
      if (identity == kDmIdentity) return kDmKey;
      return std::nullopt;
    };
    ServerEvents dm_events;
    dm_events.on_registered = [this](const Registration& r) { registered_.push_back(r); };
    dm_ = std::make_unique<Lwm2mServer>(dm, dm_events);
    std::string error;
    ASSERT_TRUE(dm_->Start(&error)) << error;

    StartBootstrapServer(false);
  }

  // The Bootstrap-Server on UDP, plus DTLS-PSK (knowing kBsIdentity) when `dtls`.
  void StartBootstrapServer(bool dtls) {
    BootstrapOptions bs;
    bs.udp_port = 0;
    bs.request_timeout_s = 20;
    if (dtls) {
      bs.dtls_port = 0;
      bs.psk_lookup = [](std::string_view identity) -> std::optional<std::vector<uint8_t>> {
        if (identity == kBsIdentity) return kBsKey;
        return std::nullopt;
      };
    }
    BootstrapEvents bs_events;
    bs_events.provision = [this](const std::string& endpoint) -> std::optional<BootstrapConfig> {
      auto it = provisioned_.find(endpoint);
      if (it == provisioned_.end()) return std::nullopt;
      return it->second;
    };
    bs_events.authorize = [this](const std::string& endpoint, const std::string& identity) {
      authorized_.push_back(endpoint + "/" + identity);
      return true;
    };
    bs_events.on_outcome = [this](const BootstrapOutcome& o) { outcomes_.push_back(o); };
    bs_ = std::make_unique<BootstrapServer>(bs, bs_events);
    std::string error;
    ASSERT_TRUE(bs_->Start(&error)) << error;
    ASSERT_NE(bs_->udp_port(), 0);
  }

  // A device with only the Bootstrap-Server account (/0/0), a Server object
  // with a stale /1/0, and /3.
  void MakeDevice(const std::string& endpoint, std::optional<uint16_t> pct = std::nullopt, bool dtls = false) {
    reg_.Add(client::MakeSecurityObject());
    reg_.Add(client::MakeServerObject(client::ServerInfo{}));
    reg_.Add(client::MakeDeviceObject(client::DeviceInfo{}));
    client::ServerAccount account;
    account.instance = 0;
    account.bootstrap = true;
    account.uri = "coap://127.0.0.1:" + std::to_string(bs_->udp_port());
    if (dtls) {
      account.uri = "coaps://127.0.0.1:" + std::to_string(bs_->dtls_port());
      account.security_mode = client::kSecurityModePsk;
      account.identity.assign(kBsIdentity, kBsIdentity + sizeof kBsIdentity - 1);
      account.secret_key = kBsKey;
    }
    ASSERT_TRUE(client::AddServerAccount(reg_, account));
    client_ = std::make_unique<client::Client>(reg_);
    client::RegistrationConfig cfg;
    cfg.endpoint = endpoint;
    client::BootstrapConfig bootstrap;
    bootstrap.preferred_content_format = pct;
    ASSERT_TRUE(client_->Start(cfg, bootstrap));
    ASSERT_NE(client_->bootstrap(), nullptr);
  }

  bool Until(const std::function<bool()>& done, int rounds = 600) {
    for (int i = 0; i < rounds && !done(); ++i) {
      if (client_) client_->Step(0);
      bs_->Step(2);
      dm_->Step(2);
    }
    return done();
  }

  // Runs coap-client-notls against the Bootstrap-Server while stepping it.
  std::string RawPeer(const std::string& uri) {
    const std::string cmd = "timeout 10 coap-client-notls -B 5 -m post 'coap://127.0.0.1:" +
                            std::to_string(bs_->udp_port()) + uri + "' 2>&1";
    std::future<std::string> f = std::async(std::launch::async, RunCommand, cmd);
    while (f.wait_for(std::chrono::seconds(0)) != std::future_status::ready) bs_->Step(10);
    return f.get();
  }

  std::unique_ptr<Lwm2mServer> dm_;
  std::unique_ptr<BootstrapServer> bs_;
  std::map<std::string, BootstrapConfig> provisioned_;
  std::vector<BootstrapOutcome> outcomes_;
  std::vector<Registration> registered_;
  std::vector<std::string> authorized_;  // "endpoint/psk identity" of each Bootstrap-Request
  client::Registry reg_;
  std::unique_ptr<client::Client> client_;
};

TEST_F(BootstrapServerTest, BootstrapsOverUdpThenRegistersWithTheDmServer) {
  BootstrapConfig config;
  config.server_uri = "coap://127.0.0.1:" + std::to_string(dm_->udp_port());
  config.short_server_id = 7;
  config.lifetime_s = 120;
  config.binding = "U";
  provisioned_["dev-udp"] = config;
  MakeDevice("dev-udp");

  ASSERT_TRUE(Until([&] { return client_->registered(); }));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_TRUE(outcomes_[0].ok) << outcomes_[0].reason;
  EXPECT_EQ(outcomes_[0].endpoint, "dev-udp");
  EXPECT_EQ(outcomes_[0].step, "finish");
  EXPECT_FALSE(outcomes_[0].peer.empty());
  EXPECT_EQ(bs_->active(), 0u);
  EXPECT_EQ(client_->bootstrap()->state(), client::BootstrapState::kFinished);

  ASSERT_EQ(registered_.size(), 1u);
  EXPECT_EQ(registered_[0].endpoint, "dev-udp");
  EXPECT_EQ(registered_[0].lifetime_s, 120);
  EXPECT_FALSE(registered_[0].secure);

  // What the client now holds: its bootstrap account kept, the new account next to it.
  const std::vector<client::ServerAccount> accounts = client::ServerAccounts(reg_);
  ASSERT_EQ(accounts.size(), 2u);
  EXPECT_TRUE(accounts[0].bootstrap);
  EXPECT_EQ(accounts[0].instance, 0);
  EXPECT_FALSE(accounts[1].bootstrap);
  EXPECT_EQ(accounts[1].uri, config.server_uri);
  EXPECT_EQ(accounts[1].short_server_id, 7);
  EXPECT_EQ(accounts[1].security_mode, client::kSecurityModeNoSec);
}

TEST_F(BootstrapServerTest, WritesAPskAccountAndTheClientRegistersOverDtls) {
  BootstrapConfig config;
  config.server_uri = "coaps://127.0.0.1:" + std::to_string(dm_->dtls_port());
  config.short_server_id = 3;
  config.lifetime_s = 300;
  config.psk_identity = kDmIdentity;
  config.psk_key = kDmKey;
  config.default_pmin = 1;
  config.default_pmax = 60;
  provisioned_["dev-psk"] = config;
  // The client asks for SenML CBOR writes (pct=112).
  MakeDevice("dev-psk", static_cast<uint16_t>(lwm2m::ContentFormat::kSenmlCbor));

  ASSERT_TRUE(Until([&] { return client_->registered(); }, 1500));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_TRUE(outcomes_[0].ok) << outcomes_[0].reason;
  ASSERT_EQ(registered_.size(), 1u);
  EXPECT_EQ(registered_[0].endpoint, "dev-psk");
  EXPECT_TRUE(registered_[0].secure);
  EXPECT_EQ(registered_[0].lifetime_s, 300);

  const std::vector<client::ServerAccount> accounts = client::ServerAccounts(reg_);
  ASSERT_EQ(accounts.size(), 2u);
  EXPECT_EQ(accounts[1].security_mode, client::kSecurityModePsk);
  EXPECT_EQ(std::string(accounts[1].identity.begin(), accounts[1].identity.end()), kDmIdentity);
  EXPECT_EQ(accounts[1].secret_key, kDmKey);
  EXPECT_EQ(accounts[1].short_server_id, 3);
}

TEST_F(BootstrapServerTest, TheBootstrapServerItselfOverDtlsPsk) {
  bs_.reset();
  StartBootstrapServer(true);
  ASSERT_NE(bs_->dtls_port(), 0);
  BootstrapConfig config;
  config.server_uri = "coap://127.0.0.1:" + std::to_string(dm_->udp_port());
  config.lifetime_s = 90;
  provisioned_["dev-secure-bs"] = config;
  MakeDevice("dev-secure-bs", std::nullopt, true);
  ASSERT_TRUE(Until([&] { return client_->registered(); }, 1500));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_TRUE(outcomes_[0].ok) << outcomes_[0].reason;
  EXPECT_EQ(authorized_, (std::vector<std::string>{std::string("dev-secure-bs/") + kBsIdentity}));
  ASSERT_EQ(registered_.size(), 1u);
  EXPECT_EQ(registered_[0].lifetime_s, 90);
}

TEST_F(BootstrapServerTest, AFinishTheClientRefusesIsReportedWithItsCode) {
  BootstrapConfig config;
  config.server_uri = "http://not-a-coap-uri";  // the client's Finish check refuses it (4.06)
  provisioned_["dev-bad"] = config;
  MakeDevice("dev-bad");
  ASSERT_TRUE(Until([&] { return !outcomes_.empty(); }));
  EXPECT_FALSE(outcomes_[0].ok);
  EXPECT_EQ(outcomes_[0].step, "finish");
  ASSERT_TRUE(outcomes_[0].code.has_value());
  EXPECT_EQ(*outcomes_[0].code, lwm2m::CoapCode::kNotAcceptable);
  EXPECT_NE(outcomes_[0].reason.find("4.06"), std::string::npos) << outcomes_[0].reason;
  EXPECT_FALSE(client_->registered());
}

TEST_F(BootstrapServerTest, UnknownEndpointIsRefusedWithBadRequest) {
  if (!HavePeer()) GTEST_SKIP() << "coap-client-notls (libcoap3-bin) is not installed";
  const std::string out = RawPeer("/bs?ep=nobody");
  EXPECT_NE(out.find("4.00"), std::string::npos) << out;
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_FALSE(outcomes_[0].ok);
  EXPECT_EQ(outcomes_[0].endpoint, "nobody");
  EXPECT_EQ(outcomes_[0].step, "request");
  EXPECT_EQ(outcomes_[0].code, lwm2m::CoapCode::kBadRequest);
  EXPECT_EQ(bs_->active(), 0u);
}

TEST_F(BootstrapServerTest, MissingEndpointAndBadRequestsAreRefused) {
  if (!HavePeer()) GTEST_SKIP() << "coap-client-notls (libcoap3-bin) is not installed";
  provisioned_["known"] = BootstrapConfig{};
  std::string out = RawPeer("/bs");
  EXPECT_NE(out.find("4.00"), std::string::npos) << out;
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_TRUE(outcomes_[0].endpoint.empty());
  EXPECT_EQ(outcomes_[0].code, lwm2m::CoapCode::kBadRequest);
  out = RawPeer("/bs?ep=known&pct=42");  // opaque cannot carry a configuration
  EXPECT_NE(out.find("4.15"), std::string::npos) << out;
  out = RawPeer("/rd?ep=known");
  EXPECT_NE(out.find("4.04"), std::string::npos) << out;
  EXPECT_EQ(bs_->active(), 0u);
}

// A peer that sends a Bootstrap-Request by hand and then goes quiet.
class SilentPeer {
 public:
  explicit SilentPeer(uint16_t server_port) {
    fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(server_port);
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    connect(fd_, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  }
  ~SilentPeer() { close(fd_); }
  // CON POST, MID 0x1234, no token; Uri-Path "bs" (option 11), Uri-Query "ep=silent" (15).
  void SendBootstrapRequest() {
    const uint8_t pdu[] = {0x40, 0x02, 0x12, 0x34, 0xB2, 'b', 's', 0x49, 'e', 'p', '=', 's', 'i', 'l', 'e', 'n', 't'};
    ASSERT_EQ(send(fd_, pdu, sizeof pdu, 0), static_cast<ssize_t>(sizeof pdu));
  }
  // The CoAP codes of the datagrams that arrived so far.
  std::vector<uint8_t> Received() {
    uint8_t buf[1500];
    ssize_t n = 0;
    while ((n = recv(fd_, buf, sizeof buf, 0)) >= 4) codes_.push_back(buf[1]);
    return codes_;
  }

 private:
  int fd_ = -1;
  std::vector<uint8_t> codes_;
};

TEST_F(BootstrapServerTest, AClientThatNeverAnswersFailsAfterTheTimeout) {
  double now = 1000;
  bs_->SetClock([&] { return now; });
  provisioned_["silent"] = BootstrapConfig{};
  SilentPeer peer(bs_->udp_port());
  peer.SendBootstrapRequest();
  // The 2.04 (0x44) and then the first bootstrap request, DELETE (0x04).
  std::vector<uint8_t> got;
  ASSERT_TRUE(Until([&] {
    got = peer.Received();
    return got.size() >= 2;
  }));
  EXPECT_EQ(got[0], 0x44);
  EXPECT_EQ(got[1], 0x04);
  EXPECT_EQ(bs_->active(), 1u);

  now += 19;  // within request_timeout_s (20)
  bs_->Step(0);
  EXPECT_TRUE(outcomes_.empty());
  now += 2;
  bs_->Step(0);
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_FALSE(outcomes_[0].ok);
  EXPECT_TRUE(outcomes_[0].timed_out);
  EXPECT_EQ(outcomes_[0].endpoint, "silent");
  EXPECT_EQ(outcomes_[0].step, "delete /0");
  EXPECT_FALSE(outcomes_[0].code.has_value());
  EXPECT_EQ(bs_->active(), 0u);
}

}  // namespace
}  // namespace lwcl::server
