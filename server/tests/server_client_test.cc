// The server end to end with LwCL's own client over UDP on 127.0.0.1: both
// ends are real libcoap peers, stepped alternately on the test thread.
#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "client/client.h"
#include "client/simple_object.h"
#include "client/standard_objects.h"
#include "server/lwm2m_server.h"

namespace lwcl::server {
namespace {

using lwm2m::Path;

class ServerClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.udp_port = 0;
    options.request_timeout_s = 5;
    ServerEvents events;
    events.on_registered = [this](const Registration& r) { registered_.push_back(r.endpoint); };
    events.on_updated = [this](const Registration& r) { updated_.push_back(r.endpoint); };
    events.on_deregistered = [this](const Registration& r, DeregisterReason why) {
      deregistered_.push_back(r.endpoint + ":" + DeregisterReasonName(why));
    };
    events.on_notify = [this](uint64_t id, const std::string&, const DeviceResponse& r) {
      notifications_.push_back({id, r});
    };
    server_ = std::make_unique<Lwm2mServer>(options, events);
    std::string error;
    ASSERT_TRUE(server_->Start(&error)) << error;

    client::DeviceInfo device;
    device.serial_number = "SN-42";
    reg_.Add(client::MakeDeviceObject(device));
    client::ServerInfo server;
    server.lifetime_s = 60;
    server.default_pmin = 0;
    reg_.Add(client::MakeServerObject(server));
    detector_ = std::make_unique<client::SimpleObject>(
        33650, true,
        std::vector<client::ResourceSpec>{{2000, lwm2m::Operations::kRead, lwm2m::DataType::kBoolean, false},
                                          {2001, lwm2m::Operations::kRead, lwm2m::DataType::kInteger, false},
                                          {2002, lwm2m::Operations::kRead, lwm2m::DataType::kString, false}});
    for (uint16_t i = 0; i < 2; ++i) {
      detector_->AddInstance(i);
      detector_->Set(i, 2000, false);
      detector_->Set(i, 2001, int64_t{0});
      detector_->Set(i, 2002, std::string(i == 0 ? "wave" : "circle"));
    }
    reg_.Add(detector_.get());
    client_ = std::make_unique<client::Client>(reg_);
  }

  bool Until(const std::function<bool()>& done, int rounds = 400) {
    for (int i = 0; i < rounds && !done(); ++i) {
      client_->Step(0);
      server_->Step(5);
    }
    return done();
  }

  void Connect(const std::string& endpoint) {
    client::RegistrationConfig cfg;
    cfg.endpoint = endpoint;
    cfg.lifetime_s = 60;
    ASSERT_TRUE(client_->Connect("127.0.0.1", server_->udp_port(), cfg));
    ASSERT_TRUE(Until([&] { return server_->registrations().FindEndpoint(endpoint) != nullptr; }));
  }

  DeviceResponse Do(const std::string& endpoint, const DeviceRequest& request) {
    std::optional<DeviceResponse> got;
    server_->Request(endpoint, request, [&](const DeviceResponse& r) { got = r; });
    EXPECT_TRUE(Until([&] { return got.has_value(); }));
    return got.value_or(DeviceResponse{});
  }

  client::Registry reg_;
  std::unique_ptr<client::SimpleObject> detector_;
  std::unique_ptr<client::Client> client_;
  std::unique_ptr<Lwm2mServer> server_;
  std::vector<std::string> registered_, updated_, deregistered_;
  std::vector<std::pair<uint64_t, DeviceResponse>> notifications_;
};

TEST_F(ServerClientTest, RegistersWithObjectLinks) {
  Connect("dev-1");
  const Registration* r = server_->registrations().FindEndpoint("dev-1");
  EXPECT_EQ(r->lifetime_s, 60);
  EXPECT_NE(r->object_links.find("</33650/1>"), std::string::npos);
  EXPECT_NE(r->peer.find("127.0.0.1"), std::string::npos);
  EXPECT_EQ(registered_, std::vector<std::string>{"dev-1"});
}

TEST_F(ServerClientTest, ReadWriteExecuteDiscover) {
  Connect("dev-1");
  DeviceResponse read = Do("dev-1", {.op = Operation::kRead, .paths = {Path::Instance(33650, 0)}});
  ASSERT_EQ(read.code, lwm2m::CoapCode::kContent) << read.error;
  ASSERT_EQ(read.records.size(), 3u);
  EXPECT_EQ(std::get<std::string>(read.records[2].value), "wave");

  DeviceResponse serial = Do("dev-1", {.op = Operation::kRead, .paths = {Path::Resource(3, 0, 2)}});
  ASSERT_EQ(serial.records.size(), 1u) << serial.error << " cf=" << serial.content_format.value_or(9999) << " bytes=" << serial.payload.size();
  EXPECT_EQ(std::get<std::string>(serial.records[0].value), "SN-42");

  DeviceRequest write{.op = Operation::kWrite, .paths = {Path::Resource(1, 0, 3)}};
  write.records = {{Path::Resource(1, 0, 3), int64_t{120}, std::nullopt}};
  write.format = lwm2m::ContentFormat::kPlainText;
  EXPECT_EQ(Do("dev-1", write).code, lwm2m::CoapCode::kChanged);
  DeviceResponse back = Do("dev-1", {.op = Operation::kRead, .paths = {Path::Resource(1, 0, 3)}});
  ASSERT_EQ(back.records.size(), 1u);
  EXPECT_EQ(std::get<int64_t>(back.records[0].value), 120);

  // Read-only resource: the client refuses, the server reports its code.
  DeviceRequest ro{.op = Operation::kWrite, .paths = {Path::Resource(33650, 0, 2001)}};
  ro.records = {{Path::Resource(33650, 0, 2001), int64_t{5}, std::nullopt}};
  EXPECT_EQ(Do("dev-1", ro).code, lwm2m::CoapCode::kMethodNotAllowed);

  DeviceResponse disc = Do("dev-1", {.op = Operation::kDiscover, .paths = {Path::Instance(33650, 1)}});
  ASSERT_EQ(disc.code, lwm2m::CoapCode::kContent);
  EXPECT_EQ(disc.links.size(), 4u);  // the instance and its 3 resources

  EXPECT_EQ(Do("dev-1", {.op = Operation::kRead, .paths = {Path::Object(999)}}).code, lwm2m::CoapCode::kNotFound);
}

TEST_F(ServerClientTest, UnknownEndpointAndMalformedRequestFailAtOnce) {
  std::optional<DeviceResponse> got;
  server_->Request("ghost", {.op = Operation::kRead, .paths = {Path::Object(3)}}, [&](auto r) { got = r; });
  ASSERT_TRUE(got.has_value());
  EXPECT_NE(got->error.find("not registered"), std::string::npos);
  Connect("dev-1");
  got.reset();
  server_->Request("dev-1", {.op = Operation::kExecute, .paths = {Path::Object(3)}}, [&](auto r) { got = r; });
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->code, lwm2m::CoapCode::kBadRequest);
}

TEST_F(ServerClientTest, ObserveNotifiesOnChangeAndCancels) {
  Connect("dev-1");
  std::optional<DeviceResponse> first;
  const uint64_t id = server_->Observe(
      "dev-1", {.op = Operation::kObserve, .paths = {Path::Resource(33650, 0, 2001)}},
      [&](const DeviceResponse& r) { first = r; });
  ASSERT_NE(id, 0u);
  ASSERT_TRUE(Until([&] { return first.has_value(); }));
  ASSERT_EQ(first->code, lwm2m::CoapCode::kContent);
  EXPECT_EQ(std::get<int64_t>(first->records.at(0).value), 0);

  detector_->Set(0, 2001, int64_t{1});
  ASSERT_TRUE(Until([&] { return notifications_.size() == 1; }));
  EXPECT_EQ(notifications_[0].first, id);
  EXPECT_EQ(std::get<int64_t>(notifications_[0].second.records.at(0).value), 1);
  detector_->Set(0, 2001, int64_t{2});
  ASSERT_TRUE(Until([&] { return notifications_.size() == 2; }));
  EXPECT_EQ(std::get<int64_t>(notifications_[1].second.records.at(0).value), 2);
  ASSERT_EQ(server_->Observations().size(), 1u);

  std::optional<DeviceResponse> cancelled;
  server_->CancelObservation(id, [&](const DeviceResponse& r) { cancelled = r; });
  ASSERT_TRUE(Until([&] { return cancelled.has_value(); }));
  EXPECT_EQ(cancelled->code, lwm2m::CoapCode::kContent);
  EXPECT_TRUE(server_->Observations().empty());
  EXPECT_EQ(client_->observations().size(), 0u);
  detector_->Set(0, 2001, int64_t{3});
  Until([] { return false; }, 20);
  EXPECT_EQ(notifications_.size(), 2u);
}

TEST_F(ServerClientTest, ObservationComesBackAfterTheDeviceRegistersAnew) {
  Connect("dev-1");
  std::optional<DeviceResponse> first;
  const uint64_t id = server_->Observe("dev-1", {.op = Operation::kObserve, .paths = {Path::Resource(33650, 1, 2001)}},
                                       [&](const DeviceResponse& r) { first = r; });
  ASSERT_TRUE(Until([&] { return first.has_value(); }));
  // The device restarts: a new client (no observations) registers again.
  client_.reset();
  client_ = std::make_unique<client::Client>(reg_);
  Connect("dev-1");
  ASSERT_TRUE(Until([&] { return client_->observations().size() == 1; }));
  EXPECT_EQ(deregistered_, std::vector<std::string>{"dev-1:replaced"});
  detector_->Set(1, 2001, int64_t{9});
  ASSERT_TRUE(Until([&] {
    return !notifications_.empty() && std::get<int64_t>(notifications_.back().second.records.at(0).value) == 9;
  }));
  EXPECT_EQ(notifications_.back().first, id);
}

TEST_F(ServerClientTest, DeregisterFailsWhatWaitsAndForgetsTheEndpoint) {
  Connect("dev-1");
  client_->Deregister();
  ASSERT_TRUE(Until([&] { return server_->registrations().FindEndpoint("dev-1") == nullptr; }));
  EXPECT_EQ(deregistered_, std::vector<std::string>{"dev-1:deregistered"});
}

TEST_F(ServerClientTest, UpdateRefreshesTheRegistration) {
  Connect("dev-1");
  const double before = server_->registrations().FindEndpoint("dev-1")->updated_at;
  client_->RequestUpdate();
  ASSERT_TRUE(Until([&] { return !updated_.empty(); }));
  EXPECT_GE(server_->registrations().FindEndpoint("dev-1")->updated_at, before);
}

TEST_F(ServerClientTest, QueueModeRequestsWaitForTheDeviceToSpeak) {
  double now = 1000;
  server_->SetClock([&] { return now; });
  client::RegistrationConfig cfg;
  cfg.endpoint = "sleepy";
  cfg.lifetime_s = 600;
  cfg.binding = "UQ";
  ASSERT_TRUE(client_->Connect("127.0.0.1", server_->udp_port(), cfg));
  ASSERT_TRUE(Until([&] { return server_->registrations().FindEndpoint("sleepy") != nullptr; }));
  EXPECT_TRUE(server_->registrations().FindEndpoint("sleepy")->queue_mode);
  now += 200;  // past the awake window: the device sleeps
  std::optional<DeviceResponse> got;
  server_->Request("sleepy", {.op = Operation::kRead, .paths = {Path::Resource(3, 0, 2)}},
                   [&](const DeviceResponse& r) { got = r; });
  Until([] { return false; }, 10);
  EXPECT_FALSE(got.has_value());
  EXPECT_EQ(server_->QueuedRequests("sleepy"), 1u);
  client_->RequestUpdate();  // it wakes and says so
  ASSERT_TRUE(Until([&] { return got.has_value(); }));
  EXPECT_EQ(got->code, lwm2m::CoapCode::kContent);
  EXPECT_EQ(server_->QueuedRequests("sleepy"), 0u);
}

TEST_F(ServerClientTest, LifetimeExpiryDropsTheRegistration) {
  double now = 1000;
  server_->SetClock([&] { return now; });
  Connect("dev-1");
  now += 63;  // lifetime 60 + grace 2
  Until([&] { return !deregistered_.empty(); }, 20);
  EXPECT_EQ(deregistered_, std::vector<std::string>{"dev-1:expired"});
  EXPECT_EQ(server_->registrations().size(), 0u);
}

}  // namespace
}  // namespace lwcl::server

namespace lwcl::server {
namespace {

TEST_F(ServerClientTest, RestartKeepsRegistrationsAndObservations) {
  Connect("dev-1");
  std::optional<DeviceResponse> first;
  const uint64_t id = server_->Observe("dev-1", {.op = Operation::kObserve, .paths = {Path::Resource(33650, 0, 2001)}},
                                       [&](const DeviceResponse& r) { first = r; });
  ASSERT_TRUE(Until([&] { return first.has_value(); }));
  // What the store would have kept.
  const std::vector<Registration> registrations = server_->registrations().All();
  const std::vector<ObservationInfo> observations = server_->Observations();
  const uint16_t port = server_->udp_port();
  server_.reset();

  ServerOptions options;
  options.udp_port = port;
  ServerEvents events;
  events.on_notify = [this](uint64_t nid, const std::string&, const DeviceResponse& r) {
    notifications_.push_back({nid, r});
  };
  events.on_updated = [this](const Registration& r) { updated_.push_back(r.endpoint); };
  server_ = std::make_unique<Lwm2mServer>(options, events);
  for (const Registration& r : registrations) server_->RestoreRegistration(r);
  for (const ObservationInfo& o : observations) server_->RestoreObservation(o);
  std::string error;
  ASSERT_TRUE(server_->Start(&error)) << error;

  // The device's notification reaches the new process under the old token.
  detector_->Set(0, 2001, int64_t{4});
  ASSERT_TRUE(Until([&] { return !notifications_.empty(); }));
  EXPECT_EQ(notifications_[0].first, id);
  EXPECT_EQ(std::get<int64_t>(notifications_[0].second.records.at(0).value), 4);
  // Its Update lands on the restored location: no new registration, no bootstrap.
  client_->RequestUpdate();
  ASSERT_TRUE(Until([&] {
    return !updated_.empty() && client_->registration()->state() == client::RegistrationState::kRegistered;
  }));
  EXPECT_EQ(client_->registration()->failures(), 0);
  // And the server can talk to it again.
  DeviceResponse serial = Do("dev-1", {.op = Operation::kRead, .paths = {Path::Resource(3, 0, 2)}});
  EXPECT_EQ(serial.code, lwm2m::CoapCode::kContent);
}

}  // namespace
}  // namespace lwcl::server
