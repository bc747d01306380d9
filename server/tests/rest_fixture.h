// RestFixture: a real Service (SQLite in a temp dir), its REST API on an
// ephemeral 127.0.0.1 port with cpp-httplib's client as the HTTP peer, and
// one LwCL client "dev-1" (Device /3, Server /1, a Pattern Detector /33650/0
// with 2001 count and 2002 label) registered to it. The CoAP loop (client
// and server) runs on a thread of its own, as in `lwcl server`; OnLoop runs
// work there. Tests subclass it and may override ConfigureClient.
#ifndef LWCL_SERVER_TESTS_REST_FIXTURE_H_
#define LWCL_SERVER_TESTS_REST_FIXTURE_H_

#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "client/client.h"
#include "client/simple_object.h"
#include "client/standard_objects.h"
#include "server/rest_api.h"
#include "server/service.h"
#include "sqlite_service.h"

namespace lwcl::server {

class RestFixture : public ::testing::Test {
 protected:
  // A test fixture's chance to make the client different (formats, version)
  // before it registers.
  virtual void ConfigureClient(client::Registry&, client::RegistrationConfig&) {}
  // And to set REST options (the fleet key, ...) before the API starts.
  virtual void ConfigureRest(RestOptions&) {}

  void SetUp() override {
    ServiceOptions options = test_support::SqliteServiceOptions(dir_);
    std::string error;
    service_ = Service::Open(options, &error);
    ASSERT_NE(service_, nullptr) << error;

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
    client::RegistrationConfig cfg;
    cfg.endpoint = "dev-1";
    cfg.lifetime_s = 300;
    ConfigureClient(reg_, cfg);
    ASSERT_TRUE(client_->Connect("127.0.0.1", service_->lwm2m().udp_port(), cfg));

    RestOptions rest;
    rest.port = 0;
    rest.token = token_;
    rest.device_timeout_s = 10;
    ConfigureRest(rest);
    api_ = std::make_unique<RestApi>(*service_, rest);
    ASSERT_TRUE(api_->Start(&error)) << error;
    loop_ = std::thread([this] {
      while (!stop_) {
        {
          std::lock_guard lock(actions_mutex_);
          for (auto& a : actions_) a();
          actions_.clear();
        }
        client_->Step(0);
        service_->Step(5);
      }
    });
    http_ = std::make_unique<httplib::Client>("127.0.0.1", api_->port());
    http_->set_read_timeout(15, 0);
    http_->set_bearer_token_auth(token_.c_str());
    ASSERT_TRUE(WaitFor([&] {
      auto r = http_->Get("/api/devices");
      return r && r->status == 200 && nlohmann::json::parse(r->body).size() == 1 && nlohmann::json::parse(r->body)[0]["registered"];
    }));
  }
  void TearDown() override {
    stop_ = true;
    if (loop_.joinable()) loop_.join();
    if (api_) api_->Stop();
    client_.reset();
    service_.reset();
  }

  void OnLoop(std::function<void()> action) {
    std::lock_guard lock(actions_mutex_);
    actions_.push_back(std::move(action));
  }
  bool WaitFor(const std::function<bool()>& done) {
    for (int i = 0; i < 1000; ++i) {  // 10 s: generous for sanitizer builds on a busy machine
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  nlohmann::json Post(const std::string& path, const nlohmann::json& body, int want = 200) {
    auto r = http_->Post(path.c_str(), body.dump(), "application/json");
    EXPECT_TRUE(r) << path;
    if (!r) return {};
    EXPECT_EQ(r->status, want) << path << " " << r->body;
    return nlohmann::json::parse(r->body, nullptr, false);
  }

  const std::string token_ = "s3cret";
  test_support::TempDir dir_;
  client::Registry reg_;
  std::unique_ptr<client::SimpleObject> detector_;
  std::unique_ptr<client::Client> client_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<RestApi> api_;
  std::unique_ptr<httplib::Client> http_;
  std::thread loop_;
  std::atomic<bool> stop_{false};
  std::mutex actions_mutex_;
  std::vector<std::function<void()>> actions_;
};

}  // namespace lwcl::server

#endif  // LWCL_SERVER_TESTS_REST_FIXTURE_H_
