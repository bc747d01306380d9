// The server with its SQLite store, end to end with LwCL's client: what it
// records, and what survives a restart of the server process.
#include "server/service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>

#include "client/client.h"
#include "client/simple_object.h"
#include "client/standard_objects.h"
#include "sqlite_service.h"

namespace lwcl::server {
namespace {

using lwm2m::Path;

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    reg_.Add(client::MakeDeviceObject({}));
    client::ServerInfo server;
    server.lifetime_s = 300;
    server.default_pmin = 0;
    reg_.Add(client::MakeServerObject(server));
    detector_ = std::make_unique<client::SimpleObject>(
        33650, true,
        std::vector<client::ResourceSpec>{{2001, lwm2m::Operations::kRead, lwm2m::DataType::kInteger, false}});
    detector_->AddInstance(0);
    detector_->Set(0, 2001, int64_t{0});
    reg_.Add(detector_.get());
    client_ = std::make_unique<client::Client>(reg_);
  }
  void TearDown() override {
    client_.reset();
    service_.reset();
  }

  void OpenService(uint16_t port = 0) {
    ServiceOptions options = test_support::SqliteServiceOptions(dir_);
    options.coap.udp_port = port;
    std::string error;
    service_ = Service::Open(options, &error);
    ASSERT_NE(service_, nullptr) << error;
  }

  bool Until(const std::function<bool()>& done, int rounds = 400) {
    for (int i = 0; i < rounds && !done(); ++i) {
      client_->Step(0);
      service_->Step(5);
    }
    return done();
  }

  test_support::TempDir dir_;
  client::Registry reg_;
  std::unique_ptr<client::SimpleObject> detector_;
  std::unique_ptr<client::Client> client_;
  std::unique_ptr<Service> service_;
};

TEST_F(ServiceTest, RecordsRegistrationsEventsAndObservedValues) {
  OpenService();
  client::RegistrationConfig cfg;
  cfg.endpoint = "dev-1";
  cfg.lifetime_s = 300;
  ASSERT_TRUE(client_->Connect("127.0.0.1", service_->lwm2m().udp_port(), cfg));
  ASSERT_TRUE(Until([&] { return service_->lwm2m().registrations().size() == 1; }));

  store::Result<store::Registration> stored = service_->store().GetRegistration("dev-1");
  ASSERT_TRUE(stored.ok()) << stored.status().message();
  EXPECT_EQ(stored->lifetime_s, 300);

  std::optional<DeviceResponse> first;
  service_->Observe("dev-1", {.op = Operation::kObserve, .paths = {Path::Resource(33650, 0, 2001)}},
                    [&](const DeviceResponse& r) { first = r; });
  ASSERT_TRUE(Until([&] { return first.has_value(); }));
  for (int64_t v = 1; v <= 3; ++v) {
    detector_->Set(0, 2001, v);
    ASSERT_TRUE(Until([&] { return service_->stats().notifications == static_cast<uint64_t>(v); }));
  }
  ASSERT_TRUE(service_->Flush());
  store::Result<std::vector<store::Sample>> series =
      service_->store().QueryRange("dev-1", "/33650/0/2001", 0, std::numeric_limits<int64_t>::max(), 100);
  ASSERT_TRUE(series.ok());
  ASSERT_GE(series->size(), 1u);
  EXPECT_EQ(series->back().number, 3.0);
  store::Result<std::vector<store::Observation>> obs = service_->store().ListObservations("dev-1");
  ASSERT_TRUE(obs.ok());
  ASSERT_EQ(obs->size(), 1u);
  EXPECT_EQ(obs->at(0).paths, std::vector<std::string>{"/33650/0/2001"});

  store::EventQuery q;
  q.endpoint = "dev-1";
  store::Result<std::vector<store::Event>> events = service_->store().QueryEvents(q);
  ASSERT_TRUE(events.ok());
  ASSERT_FALSE(events->empty()) << service_->stats().store_errors << " " << service_->stats().last_store_error;
  EXPECT_EQ(events->front().kind, "registered");
}

TEST_F(ServiceTest, RestartRestoresRegistrationsAndObservations) {
  OpenService();
  const uint16_t port = service_->lwm2m().udp_port();
  client::RegistrationConfig cfg;
  cfg.endpoint = "dev-1";
  cfg.lifetime_s = 300;
  ASSERT_TRUE(client_->Connect("127.0.0.1", port, cfg));
  ASSERT_TRUE(Until([&] { return service_->lwm2m().registrations().size() == 1; }));
  std::optional<DeviceResponse> first;
  const uint64_t id = service_->Observe("dev-1", {.op = Operation::kObserve, .paths = {Path::Resource(33650, 0, 2001)}},
                                        [&](const DeviceResponse& r) { first = r; });
  ASSERT_TRUE(Until([&] { return first.has_value(); }));

  service_.reset();  // the server process ends
  OpenService(port);
  ASSERT_EQ(service_->lwm2m().registrations().size(), 1u);
  ASSERT_EQ(service_->lwm2m().Observations().size(), 1u);
  EXPECT_EQ(service_->lwm2m().Observations()[0].id, id);

  detector_->Set(0, 2001, int64_t{42});
  ASSERT_TRUE(Until([&] { return service_->stats().notifications == 1; }));
  ASSERT_TRUE(service_->Flush());
  store::Result<std::vector<store::Sample>> latest = service_->store().LatestValues("dev-1", "/33650");
  ASSERT_TRUE(latest.ok());
  ASSERT_EQ(latest->size(), 1u);
  EXPECT_EQ(latest->at(0).number, 42.0);
  client_->RequestUpdate();
  ASSERT_TRUE(Until([&] { return client_->registration()->state() == client::RegistrationState::kRegistered; }));
  EXPECT_EQ(client_->registration()->failures(), 0);  // not refused: no new registration, no bootstrap
}

TEST_F(ServiceTest, ConversionsKeepEveryValueType) {
  std::vector<lwm2m::Record> records{
      {Path::Resource(3, 0, 0), std::string("LwCL"), std::nullopt},
      {Path::Resource(3, 0, 9), int64_t{87}, std::nullopt},
      {Path::Resource(3313, 0, 5702), 0.25, std::nullopt},
      {Path::Resource(33650, 0, 2000), true, std::nullopt},
      {Path::Resource(33651, 0, 20), lwm2m::Opaque{1, 2, 3}, 1700000000.5},
  };
  std::vector<store::Sample> s = ToSamples("e", records, 1000);
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[0].text, "LwCL");
  EXPECT_EQ(s[1].number, 87.0);
  EXPECT_EQ(s[2].type, store::ValueType::kFloat);
  EXPECT_EQ(s[3].number, 1.0);
  EXPECT_EQ(s[4].blob, (store::Bytes{1, 2, 3}));
  EXPECT_EQ(s[4].time_ms, 1700000000500);
  EXPECT_EQ(s[0].time_ms, 1000);

  Registration r;
  r.endpoint = "e";
  r.location = "loc";
  r.queue_mode = true;
  r.binding = "U";
  r.secure = true;
  r.peer = "1.2.3.4:5";
  r.updated_at = 12.5;
  const Registration back = FromStored(ToStored(r));
  EXPECT_TRUE(back.queue_mode);
  EXPECT_TRUE(back.secure);
  EXPECT_EQ(back.peer, "1.2.3.4:5");
  EXPECT_DOUBLE_EQ(back.updated_at, 12.5);
}

}  // namespace
}  // namespace lwcl::server
