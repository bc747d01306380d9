// End to end on 127.0.0.1: a VirtualDevice registers with a real
// lwcl::server::Lwm2mServer, which chooses how often it hears about
// detections with standard attributes on /33650. Both run on this thread and
// the device's clock is simulated (advanced by hand), so pmin/pmax periods of
// seconds take no real waiting.
#include "device/virtual_device.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "server/lwm2m_server.h"
#include "synthetic_motion.h"

namespace lwcl::device {
namespace {

using lwm2m::Path;
using server::DeviceRequest;
using server::DeviceResponse;
using server::Operation;

constexpr double kTick = 0.05;  // simulated seconds per loop turn

struct Notification {
  double time = 0;                          // device clock at arrival
  std::map<uint16_t, int64_t> counters;     // iid -> 2001
  std::map<uint16_t, bool> states;          // iid -> 2000
  std::map<uint16_t, std::string> names;    // iid -> 2002
  int64_t total() const {
    int64_t t = 0;
    for (const auto& [iid, c] : counters) t += c;
    return t;
  }
};

Notification Decode(double time, const DeviceResponse& r) {
  Notification n;
  n.time = time;
  for (const lwm2m::Record& rec : r.records) {
    if (rec.path.depth < 3 || rec.path.object() != PatternDetectorObject::kObjectId) continue;
    const uint16_t iid = rec.path.instance();
    if (rec.path.resource() == PatternDetectorObject::kDetectorCounter) {
      if (const auto* v = std::get_if<int64_t>(&rec.value)) n.counters[iid] = *v;
      if (const auto* v = std::get_if<uint64_t>(&rec.value)) n.counters[iid] = static_cast<int64_t>(*v);
      if (const auto* v = std::get_if<double>(&rec.value)) n.counters[iid] = static_cast<int64_t>(*v);
    } else if (rec.path.resource() == PatternDetectorObject::kDetectorState) {
      if (const auto* v = std::get_if<bool>(&rec.value)) n.states[iid] = *v;
    } else if (rec.path.resource() == PatternDetectorObject::kPatternName) {
      if (const auto* v = std::get_if<std::string>(&rec.value)) n.names[iid] = *v;
    }
  }
  return n;
}

class VirtualDeviceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server::ServerOptions so;
    so.address = "127.0.0.1";
    so.udp_port = 0;
    server::ServerEvents ev;
    ev.on_registered = [this](const server::Registration& r) { registered_[r.endpoint] = r.object_links; };
    ev.on_updated = [this](const server::Registration& r) { registered_[r.endpoint] = r.object_links; };
    ev.on_deregistered = [this](const server::Registration& r, server::DeregisterReason) {
      registered_.erase(r.endpoint);
      ++deregistrations_;
    };
    ev.on_notify = [this](uint64_t, const std::string&, const DeviceResponse& r) {
      notifications_.push_back(Decode(now_, r));
    };
    server_ = std::make_unique<server::Lwm2mServer>(so, ev);
    std::string error;
    ASSERT_TRUE(server_->Start(&error)) << error;

    VirtualDeviceOptions o;
    o.endpoint = "vd-1";
    o.server.host = "127.0.0.1";
    o.server.port = server_->udp_port();
    o.lifetime_s = 600;
    // Gestures of 3.5 s between 4 s of rest: every detection starts and
    // ends less than 5 s after the previous change.
    auto source = std::make_unique<testing::ScriptedSource>(
        std::vector<std::pair<std::string, double>>{{"idle", 4}, {"wave", 3.5}, {"idle", 4}, {"shake", 3.5}},
        /*loop=*/true);
    device_ = std::make_unique<VirtualDevice>(o, std::move(source));
    device_->SetClock([this] { return now_; });
    ASSERT_TRUE(device_->LoadModel(testing::MotionPackage(), &error)) << error;
    ASSERT_TRUE(device_->Start(&error)) << error;
    ASSERT_TRUE(RunUntil([this] { return registered_.count("vd-1") > 0 && device_->registered(); }, 10));
  }

  void Turn() {
    now_ += kTick;
    device_->Step(0);
    server_->Step(0);
    device_->Step(0);
    server_->Step(0);
  }
  bool RunUntil(const std::function<bool()>& done, double max_simulated_s) {
    const double end = now_ + max_simulated_s;
    while (!done()) {
      if (now_ >= end) return done();
      Turn();
    }
    return true;
  }
  void RunFor(double simulated_s) {
    const double end = now_ + simulated_s;
    while (now_ < end) Turn();
  }
  // A DM request, answered within a few turns.
  DeviceResponse Ask(const DeviceRequest& req) {
    std::optional<DeviceResponse> answer;
    server_->Request("vd-1", req, [&](const DeviceResponse& r) { answer = r; });
    EXPECT_TRUE(RunUntil([&] { return answer.has_value(); }, 5));
    return answer.value_or(DeviceResponse{});
  }
  DeviceResponse WriteAttributes(std::vector<std::string> attrs) {
    DeviceRequest req;
    req.op = Operation::kWriteAttributes;
    req.paths = {Path::Object(PatternDetectorObject::kObjectId)};
    req.attributes = std::move(attrs);
    return Ask(req);
  }

  double now_ = 1000.0;
  std::unique_ptr<server::Lwm2mServer> server_;
  std::unique_ptr<VirtualDevice> device_;
  std::map<std::string, std::string> registered_;  // endpoint -> object links
  int deregistrations_ = 0;
  std::vector<Notification> notifications_;
};

TEST_F(VirtualDeviceTest, RegistersWithItsObjects) {
  const std::string& links = registered_.at("vd-1");
  for (const char* p : {"</33650/0>", "</33650/1>", "</33650/2>", "</3311/0>", "</3313/0>", "</33651/0>", "</3/0>"}) {
    EXPECT_NE(links.find(p), std::string::npos) << p << " missing from " << links;
  }
  DeviceRequest read;
  read.op = Operation::kRead;
  read.paths = {Path::Object(PatternDetectorObject::kObjectId)};
  const Notification n = Decode(now_, Ask(read));
  EXPECT_EQ(n.names, (std::map<uint16_t, std::string>{{0, "idle"}, {1, "shake"}, {2, "wave"}}));

  device_->Deregister();
  EXPECT_TRUE(RunUntil([this] { return device_->deregistered(); }, 5));
  EXPECT_TRUE(RunUntil([this] { return registered_.empty(); }, 5));
  EXPECT_EQ(deregistrations_, 1);
}

TEST_F(VirtualDeviceTest, EveryDetectionThenACounterEveryNSecondsThenBack) {
  // 1. Every detection: pmin=0, no pmax, observe the whole object.
  EXPECT_EQ(WriteAttributes({"pmin=0"}).code, lwm2m::CoapCode::kChanged);
  DeviceRequest observe;
  observe.op = Operation::kObserve;
  observe.paths = {Path::Object(PatternDetectorObject::kObjectId)};
  std::optional<DeviceResponse> first;
  ASSERT_NE(server_->Observe("vd-1", observe, [&](const DeviceResponse& r) { first = r; }), 0u);
  ASSERT_TRUE(RunUntil([&] { return first.has_value(); }, 5));
  ASSERT_EQ(first->code, lwm2m::CoapCode::kContent) << first->error;
  const uint64_t before = device_->app().detector().total_detections();
  EXPECT_EQ(Decode(now_, *first).total(), static_cast<int64_t>(before));

  RunFor(45);
  const uint64_t after = device_->app().detector().total_detections();
  ASSERT_GE(after - before, 5u) << "the scripted gestures should be detected";
  // Each detection reached the server as its own notification: the counter
  // total climbs one at a time through every value.
  std::vector<int64_t> totals;
  for (const Notification& n : notifications_) {
    if (totals.empty() || n.total() != totals.back()) totals.push_back(n.total());
  }
  std::vector<int64_t> expected;
  for (uint64_t t = before + 1; t <= after; ++t) expected.push_back(static_cast<int64_t>(t));
  EXPECT_EQ(totals, expected);
  // ...and each detection's state went up and back down.
  int rises = 0;
  for (const Notification& n : notifications_) {
    for (const auto& [iid, on] : n.states) rises += on ? 1 : 0;
  }
  EXPECT_GE(rises, static_cast<int>(after - before - 1));

  // 2. A counter every 5 s: pmin=pmax=5 on the object.
  EXPECT_EQ(WriteAttributes({"pmin=5", "pmax=5"}).code, lwm2m::CoapCode::kChanged);
  notifications_.clear();
  const uint64_t periodic_before = device_->app().detector().total_detections();
  RunFor(42);
  ASSERT_GE(notifications_.size(), 7u);
  ASSERT_LE(notifications_.size(), 9u);
  for (size_t i = 1; i < notifications_.size(); ++i) {
    const double gap = notifications_[i].time - notifications_[i - 1].time;
    EXPECT_GE(gap, 5.0 - 1e-6) << "notification " << i;
    EXPECT_LE(gap, 5.0 + 3 * kTick) << "notification " << i;
  }
  // The counters still climb, several detections per notification at most.
  EXPECT_GT(device_->app().detector().total_detections(), periodic_before);
  for (size_t i = 1; i < notifications_.size(); ++i) {
    EXPECT_GE(notifications_[i].total(), notifications_[i - 1].total());
  }

  // 3. Back to every detection: pmin=0 and pmax removed (bare "pmax").
  EXPECT_EQ(WriteAttributes({"pmin=0", "pmax"}).code, lwm2m::CoapCode::kChanged);
  RunFor(1);
  notifications_.clear();
  const uint64_t back_before = device_->app().detector().total_detections();
  RunFor(30);
  const uint64_t back_after = device_->app().detector().total_detections();
  ASSERT_GE(back_after - back_before, 3u);
  totals.clear();
  for (const Notification& n : notifications_) {
    if (n.total() != static_cast<int64_t>(back_before) && (totals.empty() || n.total() != totals.back())) {
      totals.push_back(n.total());
    }
  }
  expected.clear();
  for (uint64_t t = back_before + 1; t <= back_after; ++t) expected.push_back(static_cast<int64_t>(t));
  EXPECT_EQ(totals, expected);
  bool short_gap = false;
  for (size_t i = 1; i < notifications_.size(); ++i) {
    short_gap = short_gap || notifications_[i].time - notifications_[i - 1].time < 4.9;
  }
  EXPECT_TRUE(short_gap) << "pmax no longer paces the notifications";
}

TEST_F(VirtualDeviceTest, ANewLabelSetUpdatesTheRegistration) {
  const std::vector<uint8_t> four = testing::TrainPackage({"circle", "idle", "shake", "wave"}, "motion4");
  std::string error;
  ASSERT_TRUE(device_->LoadModel(four, &error)) << error;
  ASSERT_TRUE(RunUntil([this] { return registered_["vd-1"].find("</33650/3>") != std::string::npos; }, 5))
      << registered_["vd-1"];
  DeviceRequest read;
  read.op = Operation::kRead;
  read.paths = {Path::Instance(PatternDetectorObject::kObjectId, 0)};
  const Notification n = Decode(now_, Ask(read));
  EXPECT_EQ(n.names.at(0), "circle");
}

}  // namespace
}  // namespace lwcl::device
