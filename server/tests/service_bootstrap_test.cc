// The service's bootstrap-server role as `lwcl server --bootstrap-port`
// runs it: a device that knows only the bootstrap server is given the DM
// server's DTLS-PSK account from the credential the store holds for its
// endpoint, registers over DTLS, and the outcome is an event; an endpoint
// without a credential is refused unless NoSec bootstrap is allowed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "client/client.h"
#include "client/simple_object.h"
#include "client/security_object.h"
#include "client/standard_objects.h"
#include "server/service.h"
#include "sqlite_service.h"

namespace lwcl::server {
namespace {

std::vector<uint8_t> KeyBytes(const std::string& s) { return {s.begin(), s.end()}; }

class ServiceBootstrapTest : public ::testing::Test {
 protected:
  void Open(bool allow_nosec, std::vector<std::string> observe = {}) {
    ServiceOptions options = test_support::SqliteServiceOptions(dir_);
    options.coap.dtls_port = 0;
    BootstrapOptions bs;
    bs.udp_port = 0;
    options.bootstrap = bs;
    options.bootstrap_allow_nosec = allow_nosec;
    options.bootstrap_lifetime_s = 120;
    options.observe_on_register = std::move(observe);
    std::string error;
    service_ = Service::Open(options, &error);
    ASSERT_NE(service_, nullptr) << error;
    ASSERT_NE(service_->bootstrap(), nullptr);
    service_->Subscribe([this](const store::Event& e) { kinds_.push_back(e.kind); });
  }
  void TearDown() override {
    client_.reset();
    service_.reset();
  }

  // A device whose only account is the bootstrap server's.
  void StartDevice(const std::string& endpoint) {
    reg_.Add(client::MakeSecurityObject());
    reg_.Add(client::MakeServerObject(client::ServerInfo{}));
    reg_.Add(client::MakeDeviceObject(client::DeviceInfo{}));
    client::ServerAccount account;
    account.instance = 0;
    account.bootstrap = true;
    account.uri = "coap://127.0.0.1:" + std::to_string(service_->bootstrap()->udp_port());
    ASSERT_TRUE(client::AddServerAccount(reg_, account));
    client_ = std::make_unique<client::Client>(reg_);
    client::RegistrationConfig cfg;
    cfg.endpoint = endpoint;
    ASSERT_TRUE(client_->Start(cfg, client::BootstrapConfig{}));
  }

  bool Until(const std::function<bool()>& done, int rounds = 1500) {
    for (int i = 0; i < rounds && !done(); ++i) {
      client_->Step(0);
      service_->Step(2);
    }
    return done();
  }
  bool Saw(const std::string& kind) const {
    return std::find(kinds_.begin(), kinds_.end(), kind) != kinds_.end();
  }

  test_support::TempDir dir_;
  std::unique_ptr<Service> service_;
  std::vector<std::string> kinds_;
  std::unique_ptr<client::SimpleObject> ml_;  // outlives reg_, which points at it
  client::Registry reg_;
  std::unique_ptr<client::Client> client_;
};

TEST_F(ServiceBootstrapTest, ADeviceWithACredentialGetsItsDtlsAccountAndRegisters) {
  Open(/*allow_nosec=*/false);
  ASSERT_TRUE(service_->store().PutCredential({"bs-dev", "bs-dev-id", KeyBytes("bs-dev-secret-key")}).ok());
  StartDevice("bs-dev");
  ASSERT_TRUE(Until([&] { return client_->registered(); }));
  const Registration* r = service_->lwm2m().registrations().FindEndpoint("bs-dev");
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->secure);
  EXPECT_EQ(r->lifetime_s, 120);
  const std::vector<client::ServerAccount> accounts = client::ServerAccounts(reg_);
  ASSERT_EQ(accounts.size(), 2u);
  EXPECT_EQ(accounts[1].security_mode, client::kSecurityModePsk);
  EXPECT_EQ(std::string(accounts[1].identity.begin(), accounts[1].identity.end()), "bs-dev-id");
  EXPECT_EQ(accounts[1].uri, "coaps://127.0.0.1:" + std::to_string(service_->lwm2m().dtls_port()));
  EXPECT_TRUE(Saw("bootstrap_finished"));
  EXPECT_TRUE(Saw("registered"));
}

TEST_F(ServiceBootstrapTest, AnEndpointWithoutACredentialIsRefusedUnlessNoSecIsAllowed) {
  Open(/*allow_nosec=*/false);
  StartDevice("stranger");
  ASSERT_TRUE(Until([&] { return Saw("bootstrap_failed"); }));
  EXPECT_FALSE(client_->registered());
  EXPECT_EQ(service_->lwm2m().registrations().FindEndpoint("stranger"), nullptr);
}

TEST_F(ServiceBootstrapTest, NoSecBootstrapPutsTheDeviceOnThePlainCoapPort) {
  Open(/*allow_nosec=*/true);
  StartDevice("open-dev");
  ASSERT_TRUE(Until([&] { return client_->registered(); }));
  const Registration* r = service_->lwm2m().registrations().FindEndpoint("open-dev");
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->secure);
  EXPECT_TRUE(Saw("bootstrap_finished"));
}

// --observe: the service observes the paths it was told on each device that
// has their object, once, and stores what comes.
TEST_F(ServiceBootstrapTest, ObservesConfiguredPathsOnDevicesThatHaveTheObject) {
  Open(/*allow_nosec=*/true, {"/3/0", "/33650"});
  StartDevice("watched");
  ASSERT_TRUE(Until([&] { return client_->registered(); }));
  ASSERT_TRUE(Until([&] { return !service_->lwm2m().Observations().empty() && service_->stats().values > 0; }));
  const std::vector<ObservationInfo> held = service_->lwm2m().Observations();
  ASSERT_EQ(held.size(), 1u);  // /3/0 only: the device has no /33650
  EXPECT_EQ(held[0].endpoint, "watched");
  EXPECT_EQ(held[0].request.paths.at(0).ToString(), "/3/0");
  ASSERT_TRUE(service_->Flush());
  auto stored = service_->store().LatestValues("watched", "/3/0");
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(stored->empty());
}

// A device with ML Inference /33651: its model name and version become the
// device's model_version in the store (the fleet overview's column).
TEST_F(ServiceBootstrapTest, LearnsTheModelVersionOfADeviceWithMlInference) {
  Open(/*allow_nosec=*/true);
  ml_ = std::make_unique<client::SimpleObject>(
      33651, false,
      std::vector<client::ResourceSpec>{{0, lwm2m::Operations::kRead, lwm2m::DataType::kString, false},
                                        {1, lwm2m::Operations::kRead, lwm2m::DataType::kString, false}});
  ml_->AddInstance(0);
  ml_->Set(0, 0, std::string("motion"));
  ml_->Set(0, 1, std::string("1.2.3"));
  reg_.Add(ml_.get());
  StartDevice("ml-dev");
  ASSERT_TRUE(Until([&] {
    auto d = service_->store().GetDevice("ml-dev");
    return d.ok() && !d->model_version.empty();
  }));
  EXPECT_EQ(service_->store().GetDevice("ml-dev")->model_version, "motion 1.2.3");
}

}  // namespace
}  // namespace lwcl::server
