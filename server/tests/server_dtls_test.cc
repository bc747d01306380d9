// The service end to end with LwCL's own client over DTLS-PSK: the keys
// come from the service's store (SQLite in a temp dir), looked up by the
// identity the device presents. A device with its key registers, is read and
// notifies over DTLS; a wrong key, a key that belongs to another endpoint and
// an unknown identity are all refused without a registration.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/client.h"
#include "client/simple_object.h"
#include "client/standard_objects.h"
#include "server/service.h"
#include "sqlite_service.h"

namespace lwcl::server {
namespace {

using lwm2m::Path;

std::vector<uint8_t> Bytes(const std::string& s) { return {s.begin(), s.end()}; }

class ServerDtlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServiceOptions options = test_support::SqliteServiceOptions(dir_);
    options.coap.dtls_port = 0;
    std::string error;
    service_ = Service::Open(options, &error);
    if (!service_ && error.find("no DTLS") != std::string::npos) GTEST_SKIP() << "SKIPPING: " << error;
    ASSERT_NE(service_, nullptr) << error;
    ASSERT_NE(service_->lwm2m().dtls_port(), 0);
    ASSERT_TRUE(service_->store().PutCredential({"dtls-dev", "dtls-id", Bytes(kKey)}).ok());
    ASSERT_TRUE(service_->store().PutCredential({"dev-a", "id-a", Bytes("key-of-dev-a")}).ok());

    client::ServerInfo server;
    server.lifetime_s = 300;
    server.default_pmin = 0;
    reg_.Add(client::MakeDeviceObject({}));
    reg_.Add(client::MakeServerObject(server));
    detector_ = std::make_unique<client::SimpleObject>(
        33650, true,
        std::vector<client::ResourceSpec>{{2001, lwm2m::Operations::kRead, lwm2m::DataType::kInteger, false},
                                          {2002, lwm2m::Operations::kRead, lwm2m::DataType::kString, false}});
    detector_->AddInstance(0);
    detector_->Set(0, 2001, int64_t{0});
    detector_->Set(0, 2002, std::string("wave"));
    reg_.Add(detector_.get());
    client_ = std::make_unique<client::Client>(reg_);
  }
  void TearDown() override {
    client_.reset();
    service_.reset();
  }

  client::Endpoint Dtls(const std::string& identity, const std::string& key) const {
    client::Endpoint e;
    e.host = "127.0.0.1";
    e.port = service_->lwm2m().dtls_port();
    e.dtls = true;
    e.psk_identity = Bytes(identity);
    e.psk_key = Bytes(key);
    return e;
  }
  void Connect(const client::Endpoint& e, const std::string& endpoint) {
    client::RegistrationConfig cfg;
    cfg.endpoint = endpoint;
    cfg.lifetime_s = 300;
    ASSERT_TRUE(client_->Connect(e, cfg));
  }

  // Steps both ends until `done` or about `max_s` seconds have passed.
  bool Until(const std::function<bool()>& done, double max_s = 10) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(max_s);
    while (!done() && std::chrono::steady_clock::now() < end) {
      client_->Step(0);
      service_->Step(5);
    }
    return done();
  }

  DeviceResponse Do(const DeviceRequest& request) {
    std::optional<DeviceResponse> got;
    service_->Request("dtls-dev", request, [&](const DeviceResponse& r) { got = r; });
    EXPECT_TRUE(Until([&] { return got.has_value(); }));
    return got.value_or(DeviceResponse{});
  }

  // A refused client: its Register failed and the server holds no
  // registration. A refusal the client hears of (4.03, or a handshake alert)
  // shows in its failure count; after a failed key exchange libcoap may
  // just stay silent, so then the client is given time to try.
  void ExpectRefused(bool client_hears_of_it) {
    if (client_hears_of_it) {
      Until([&] { return client_->registration()->failures() > 0 || client_->registered(); });
      EXPECT_GT(client_->registration()->failures(), 0);
    } else {
      Until([&] { return client_->registered(); }, 2);
    }
    EXPECT_FALSE(client_->registered());
    EXPECT_EQ(service_->lwm2m().registrations().size(), 0u);
    store::Result<std::vector<store::Registration>> stored = service_->store().ListRegistrations();
    ASSERT_TRUE(stored.ok());
    EXPECT_TRUE(stored->empty());
  }

  std::vector<store::Event> Events(const std::string& endpoint) {
    store::EventQuery q;
    q.endpoint = endpoint;
    store::Result<std::vector<store::Event>> events = service_->store().QueryEvents(q);
    EXPECT_TRUE(events.ok());
    return events.ok() ? *events : std::vector<store::Event>{};
  }

  static constexpr const char* kKey = "0123456789abcdef";
  test_support::TempDir dir_;
  client::Registry reg_;
  std::unique_ptr<client::SimpleObject> detector_;
  std::unique_ptr<client::Client> client_;
  std::unique_ptr<Service> service_;
};

TEST_F(ServerDtlsTest, RegistersIsReadAndNotifiesOverDtls) {
  Connect(Dtls("dtls-id", kKey), "dtls-dev");
  ASSERT_TRUE(Until([&] { return client_->registered(); }));
  const Registration* r = service_->lwm2m().registrations().FindEndpoint("dtls-dev");
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->secure);
  store::Result<store::Registration> stored = service_->store().GetRegistration("dtls-dev");
  ASSERT_TRUE(stored.ok()) << stored.status().message();
  EXPECT_EQ(stored->peer_address.rfind("dtls:", 0), 0u) << stored->peer_address;

  DeviceResponse name = Do({.op = Operation::kRead, .paths = {Path::Resource(33650, 0, 2002)}});
  ASSERT_EQ(name.code, lwm2m::CoapCode::kContent) << name.error;
  ASSERT_EQ(name.records.size(), 1u);
  EXPECT_EQ(std::get<std::string>(name.records[0].value), "wave");

  std::optional<DeviceResponse> first;
  const uint64_t id = service_->Observe(
      "dtls-dev", {.op = Operation::kObserve, .paths = {Path::Resource(33650, 0, 2001)}},
      [&](const DeviceResponse& answer) { first = answer; });
  ASSERT_NE(id, 0u);
  ASSERT_TRUE(Until([&] { return first.has_value(); }));
  ASSERT_EQ(first->code, lwm2m::CoapCode::kContent);
  detector_->Set(0, 2001, int64_t{7});
  ASSERT_TRUE(Until([&] { return service_->stats().notifications == 1; }));
  ASSERT_TRUE(service_->Flush());
  store::Result<std::vector<store::Sample>> latest = service_->store().LatestValues("dtls-dev", "/33650/0/2001");
  ASSERT_TRUE(latest.ok());
  ASSERT_EQ(latest->size(), 1u);
  EXPECT_EQ(latest->at(0).number, 7.0);

  // The read and the observe are in the event log with their outcomes.
  std::vector<std::string> requests;
  for (const store::Event& e : Events("dtls-dev")) {
    if (e.kind == store::event_kind::kRequest) requests.push_back(e.detail_json);
  }
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(requests[0].find(R"("operation":"read","paths":["/33650/0/2002"],"outcome":"2.05")"), std::string::npos)
      << requests[0];
  EXPECT_NE(requests[1].find(R"("operation":"observe")"), std::string::npos) << requests[1];
}

TEST_F(ServerDtlsTest, WrongKeyIsRefused) {
  Connect(Dtls("dtls-id", "not-the-right-key"), "dtls-dev");
  ExpectRefused(false);
  EXPECT_TRUE(Events("dtls-dev").empty());  // no Register got through
}

TEST_F(ServerDtlsTest, KeyOfAnotherEndpointIsRefusedWithForbidden) {
  // A valid key (the handshake succeeds) used to register someone else.
  Connect(Dtls("id-a", "key-of-dev-a"), "dtls-dev");
  ExpectRefused(true);
  // The refusal (4.03) is in the event log, naming who tried.
  std::vector<store::Event> events = Events("dtls-dev");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, "refused");
  EXPECT_NE(events[0].detail_json.find(R"("identity":"id-a")"), std::string::npos) << events[0].detail_json;
  EXPECT_NE(events[0].detail_json.find("another endpoint"), std::string::npos) << events[0].detail_json;
}

TEST_F(ServerDtlsTest, UnknownIdentityIsRefused) {
  Connect(Dtls("nobody", kKey), "dtls-dev");
  ExpectRefused(true);
  EXPECT_TRUE(Events("dtls-dev").empty());  // refused in the handshake: no key, no Register
}

TEST_F(ServerDtlsTest, EachKeyRegistersItsOwnEndpoint) {
  Connect(Dtls("id-a", "key-of-dev-a"), "dev-a");
  ASSERT_TRUE(Until([&] { return client_->registered(); }));
  EXPECT_NE(service_->lwm2m().registrations().FindEndpoint("dev-a"), nullptr);
}

}  // namespace
}  // namespace lwcl::server
