// The database goes away under a running service (PostgreSQL, the store's
// private test server, stopped mid-run) with LwCL clients registered,
// observed and notifying (CON, so every value is acknowledged). The service
// keeps answering registrations, updates, notifications and requests;
// /api/health says the store is down; once the database is back, every value
// the server acknowledged is stored exactly once, and every event it kept
// meanwhile is stored, in order.
//
// SQLite has no such test: in WAL mode the service's connection keeps its
// files open, so removing or chmod-ing them (as root, as here) changes
// nothing, and a lock held by another connection only makes each write wait
// out SQLite's busy timeout (5 s) on the loop thread.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "client/client.h"
#include "client/simple_object.h"
#include "client/standard_objects.h"
#include "postgres_fixture.h"
#include "server/rest_api.h"
#include "server/service.h"

namespace lwcl::server {
namespace {

using lwm2m::Path;
using nlohmann::json;
using test_support::PostgresServer;

constexpr const char* kDatabase = "lwcl_server_outage";

struct Device {
  std::string name;
  client::Registry registry;
  std::unique_ptr<client::SimpleObject> detector;
  std::unique_ptr<client::Client> client;
  int64_t value = 0;  // the counter's current value
};

class ServiceOutageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PostgresServer& pg = PostgresServer::Shared();
    if (!pg.available()) GTEST_SKIP() << "SKIPPING PostgreSQL outage test: " << pg.why_unavailable();
    std::string error;
    ASSERT_TRUE(pg.CreateDatabase(kDatabase, &error)) << error;
    ASSERT_TRUE(pg.ResetDatabase(kDatabase, &error)) << error;
    ServiceOptions options;
    options.coap.udp_port = 0;
    options.database = pg.Uri(kDatabase);
    options.buffer.max_delay_ms = 0;  // store each value at the next turn
    options.buffer.min_retry_ms = 10;
    options.buffer.max_retry_ms = 200;
    service_ = Service::Open(options, &error);
    ASSERT_NE(service_, nullptr) << error;
    // Each loop turn is 10 ms on the server's clock: samples of one series
    // never share a millisecond (the store keeps one value per millisecond),
    // and back-offs pass in a few turns.
    now_ = 1.7e9;
    service_->lwm2m().SetClock([this] { return now_; });
    service_->Subscribe([this](const store::Event& e) { live_.push_back(e); });

    RestOptions rest;
    rest.port = 0;
    api_ = std::make_unique<RestApi>(*service_, rest);
    ASSERT_TRUE(api_->Start(&error)) << error;
    http_ = std::make_unique<httplib::Client>("127.0.0.1", api_->port());
    http_->set_read_timeout(15, 0);
  }
  void TearDown() override {
    if (api_) api_->Stop();
    devices_.clear();
    service_.reset();
    // Leave the shared server running for whoever comes next.
    PostgresServer& pg = PostgresServer::Shared();
    std::string error;
    if (!pg.available()) {
      EXPECT_TRUE(pg.Start(&error)) << error;
    }
  }

  bool Until(const std::function<bool()>& done, int rounds = 2000) {
    for (int i = 0; i < rounds && !done(); ++i) {
      for (auto& d : devices_) d->client->Step(0);
      service_->Step(2);
      now_ += 0.01;
    }
    return done();
  }

  Device& AddDevice(const std::string& name) {
    auto d = std::make_unique<Device>();
    d->name = name;
    client::ServerInfo server;
    server.lifetime_s = 300;
    server.default_pmin = 0;
    d->registry.Add(client::MakeDeviceObject({}));
    d->registry.Add(client::MakeServerObject(server));
    d->detector = std::make_unique<client::SimpleObject>(
        33650, true,
        std::vector<client::ResourceSpec>{{2001, lwm2m::Operations::kRead, lwm2m::DataType::kInteger, false}});
    d->detector->AddInstance(0);
    d->detector->Set(0, 2001, int64_t{0});
    d->registry.Add(d->detector.get());
    d->client = std::make_unique<client::Client>(d->registry);
    d->client->SetConfirmableNotifications(true);
    client::RegistrationConfig cfg;
    cfg.endpoint = name;
    cfg.lifetime_s = 300;
    EXPECT_TRUE(d->client->Connect("127.0.0.1", service_->lwm2m().udp_port(), cfg));
    devices_.push_back(std::move(d));
    Device& added = *devices_.back();
    EXPECT_TRUE(Until([&] { return added.client->registered(); })) << name;
    return added;
  }

  void Observe(Device& d) {
    std::optional<DeviceResponse> first;
    service_->Observe(d.name, {.op = Operation::kObserve, .paths = {Path::Resource(33650, 0, 2001)}},
                      [&](const DeviceResponse& r) { first = r; });
    ASSERT_TRUE(Until([&] { return first.has_value(); })) << d.name;
    ASSERT_EQ(first->code, lwm2m::CoapCode::kContent) << first->error;
  }

  // The device counts one more detection; the server hears of it.
  void Bump(Device& d) {
    const uint64_t before = service_->stats().notifications;
    d.detector->Set(0, 2001, ++d.value);
    ASSERT_TRUE(Until([&] { return service_->stats().notifications == before + 1; })) << d.name;
    ++bumps_;
  }

  std::pair<int, json> Health() {
    auto r = http_->Get("/api/health");
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }

  double now_ = 0;
  std::vector<std::unique_ptr<Device>> devices_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<RestApi> api_;
  std::unique_ptr<httplib::Client> http_;
  std::vector<store::Event> live_;  // what the live stream heard, in order
  uint64_t bumps_ = 0;
};

TEST_F(ServiceOutageTest, KeepsServingWhileTheDatabaseIsAwayAndLosesNothing) {
  PostgresServer& pg = PostgresServer::Shared();
  for (const char* name : {"dev-0", "dev-1", "dev-2"}) Observe(AddDevice(name));
  for (int round = 0; round < 2; ++round) {
    for (auto& d : devices_) Bump(*d);
  }
  ASSERT_TRUE(Until([&] { return service_->stats().pending_values == 0; }));
  auto [up_status, up] = Health();
  EXPECT_EQ(up_status, 200) << up.dump();
  EXPECT_EQ(up["status"], "ok");

  std::string error;
  ASSERT_TRUE(pg.Stop(&error)) << error;

  // Notifications go on (and are acknowledged: CON).
  for (int round = 0; round < 3; ++round) {
    for (auto& d : devices_) Bump(*d);
  }
  // An update is answered.
  const size_t live_before = live_.size();
  devices_[0]->client->RequestUpdate();
  ASSERT_TRUE(Until([&] {
    for (size_t i = live_before; i < live_.size(); ++i) {
      if (live_[i].kind == store::event_kind::kUpdated) return true;
    }
    return false;
  }));
  // A new device registers, is observed and notifies.
  Device& late = AddDevice("dev-late");
  ASSERT_TRUE(late.client->registered());
  Observe(late);
  Bump(late);
  Bump(late);
  // A request goes through.
  std::optional<DeviceResponse> read;
  service_->Request("dev-1", {.op = Operation::kRead, .paths = {Path::Resource(33650, 0, 2001)}},
                    [&](const DeviceResponse& r) { read = r; });
  ASSERT_TRUE(Until([&] { return read.has_value(); }));
  EXPECT_EQ(read->code, lwm2m::CoapCode::kContent);

  // The service says the store is down, and what waits.
  const ServiceStats down = service_->stats();
  EXPECT_FALSE(down.store_ok);
  EXPECT_FALSE(down.store_error.empty());
  EXPECT_GT(down.pending_values, 0u);
  EXPECT_GT(down.pending_events, 0u);
  EXPECT_GT(down.pending_writes, 0u);  // dev-late's registration and observation
  auto [down_status, health] = Health();
  EXPECT_EQ(down_status, 503) << health.dump();
  EXPECT_EQ(health["status"], "degraded");
  EXPECT_EQ(health["store_ok"], false);
  EXPECT_FALSE(health.value("store_error", "").empty()) << health.dump();
  EXPECT_GT(health["pending_values"].get<uint64_t>(), 0u);

  ASSERT_TRUE(pg.Start(&error)) << error;
  ASSERT_TRUE(Until([&] {
    const ServiceStats s = service_->stats();
    return s.pending_values == 0 && s.pending_events == 0 && s.pending_writes == 0 && s.store_ok;
  })) << service_->stats().last_store_error;
  auto [back_status, back] = Health();
  EXPECT_EQ(back_status, 200) << back.dump();

  // Every acknowledged value, exactly once: the observe's first answer (0)
  // and each count after it.
  const ServiceStats s = service_->stats();
  EXPECT_EQ(s.notifications, bumps_);
  uint64_t stored_values = 0;
  for (auto& d : devices_) {
    store::Result<std::vector<store::Sample>> series = service_->store().QueryRange(
        d->name, "/33650/0/2001", 0, std::numeric_limits<store::TimeMs>::max(), 100000);
    ASSERT_TRUE(series.ok()) << series.status().message();
    std::vector<double> got;
    for (const store::Sample& x : *series) got.push_back(x.number.value_or(-1));
    std::vector<double> want;
    for (int64_t v = 0; v <= d->value; ++v) want.push_back(static_cast<double>(v));
    EXPECT_EQ(got, want) << d->name;
    stored_values += series->size();
  }
  EXPECT_EQ(stored_values, s.values);

  // Every event the service recorded (the live stream heard them all) is
  // stored once, in order; notifications are values, not stored events.
  std::vector<std::string> heard, kept;
  for (const store::Event& e : live_) {
    if (e.kind == store::event_kind::kNotification) continue;
    heard.push_back(e.endpoint.value_or("") + " " + e.kind + " " + e.detail_json);
  }
  store::EventQuery all;
  all.limit = 100000;
  store::Result<std::vector<store::Event>> events = service_->store().QueryEvents(all);
  ASSERT_TRUE(events.ok()) << events.status().message();
  for (const store::Event& e : *events) kept.push_back(e.endpoint.value_or("") + " " + e.kind + " " + e.detail_json);
  EXPECT_EQ(kept, heard);
  bool late_registered = false, dev0_updated = false, read_recorded = false;
  for (const store::Event& e : *events) {
    const std::string ep = e.endpoint.value_or("");
    late_registered |= ep == "dev-late" && e.kind == store::event_kind::kRegistered;
    dev0_updated |= ep == "dev-0" && e.kind == store::event_kind::kUpdated;
    read_recorded |= ep == "dev-1" && e.kind == store::event_kind::kRequest &&
                     e.detail_json.find(R"("operation":"read")") != std::string::npos &&
                     e.detail_json.find(R"("outcome":"2.05")") != std::string::npos;
  }
  EXPECT_TRUE(late_registered);
  EXPECT_TRUE(dev0_updated);
  EXPECT_TRUE(read_recorded);

  // What the service changed meanwhile reached the database too, so a
  // restart now would put everything back.
  EXPECT_TRUE(service_->store().GetRegistration("dev-late").ok());
  store::Result<std::vector<store::Observation>> observations = service_->store().ListObservations("");
  ASSERT_TRUE(observations.ok());
  EXPECT_EQ(observations->size(), 4u);
}

}  // namespace
}  // namespace lwcl::server
