// Sample capture to the server's store, end to end: a virtual device keeps
// the windows its model was unsure of (/33652), a person's label reaches
// one through the Service, Upload Samples (/33651/0/17) sends them with
// LwM2M Send, the Service stores them as training samples, and once it has
// acknowledged, the device keeps only the labelled one. Real Service on
// SQLite, one virtual device, loopback, one simulated clock.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "device/virtual_device.h"
#include "server/service.h"
#include "server/training_samples.h"
#include "sqlite_service.h"
#include "synthetic_motion.h"
#include "temp_dir.h"

namespace lwcl::device {
namespace {

using lwm2m::CoapCode;
using lwm2m::Path;

class SampleUploadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    service_ = server::Service::Open(test_support::SqliteServiceOptions(dir_), &error);
    ASSERT_NE(service_, nullptr) << error;
    service_->lwm2m().SetClock([this] { return now_; });
    VirtualDeviceOptions o;
    o.endpoint = "dev-0";
    o.server.host = "127.0.0.1";
    o.server.port = service_->lwm2m().udp_port();
    o.app.sample_capacity = 6;
    o.app.clock = [this] { return static_cast<int64_t>(now_); };
    device_ = std::make_unique<VirtualDevice>(
        o, std::make_unique<testing::ScriptedSource>(
               std::vector<std::pair<std::string, double>>{{"wave", 4}, {"idle", 3}, {"shake", 4}}, true, 3));
    device_->SetClock([this] { return now_; });
    ASSERT_TRUE(device_->LoadModel(testing::MotionPackage(), &error)) << error;
    ASSERT_TRUE(device_->Start(&error)) << error;
    ASSERT_TRUE(RunUntil([this] { return device_->registered(); }, 20));
  }
  void Turn() {
    now_ += 0.02;
    device_->Step(0);
    service_->Step(1);
  }
  bool RunUntil(const std::function<bool()>& done, double max_s) {
    const double end = now_ + max_s;
    while (!done() && now_ < end) Turn();
    return done();
  }
  server::DeviceResponse Ask(server::DeviceRequest request) {
    std::optional<server::DeviceResponse> answer;
    service_->Request("dev-0", request, [&](const server::DeviceResponse& r) { answer = r; });
    RunUntil([&] { return answer.has_value(); }, 60);
    return answer.value_or(server::DeviceResponse{});
  }
  CoapCode Write(Path path, lwm2m::Value v) {
    server::DeviceRequest w;
    w.op = server::Operation::kWrite;
    w.paths = {path};
    lwm2m::Record r;
    r.path = path;
    r.value = std::move(v);
    w.records = {r};
    return Ask(w).code;
  }
  CoapCode Execute(Path path) {
    server::DeviceRequest e;
    e.op = server::Operation::kExecute;
    e.paths = {path};
    return Ask(e).code;
  }
  std::vector<store::TrainingSampleRecord> Stored() {
    auto s = service_->store().QueryTrainingSamples({});
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? *s : std::vector<store::TrainingSampleRecord>{};
  }
  size_t Buffered() const { return device_->app().capture().buffer().size(); }

  test_support::TempDir dir_;
  double now_ = 1.8e9;
  std::unique_ptr<server::Service> service_;
  std::unique_ptr<VirtualDevice> device_;
};

TEST_F(SampleUploadTest, UnsureWindowsReachTheStoreAndOnlyTheLabelledStayOnTheDevice) {
  // Every window is "unsure" for a while, then none: six are buffered.
  ASSERT_EQ(Write(Path::Resource(33651, 0, 12), 1.0), CoapCode::kChanged);
  ASSERT_TRUE(RunUntil([this] { return Buffered() == 6; }, 30));
  ASSERT_EQ(Write(Path::Resource(33651, 0, 12), 0.0), CoapCode::kChanged);
  EXPECT_EQ(Write(Path::Resource(33651, 0, 12), 2.0), CoapCode::kBadRequest);
  const std::vector<uint16_t> iids = device_->app().training_samples().Instances();
  ASSERT_EQ(iids.size(), 6u);

  // A person labels one; a label the model lacks is refused.
  EXPECT_EQ(Write(Path::Resource(33652, iids[2], 4), std::string("juggle")), CoapCode::kBadRequest);
  ASSERT_EQ(Write(Path::Resource(33652, iids[2], 4), std::string("shake")), CoapCode::kChanged);

  ASSERT_EQ(Execute(Path::Resource(33651, 0, 17)), CoapCode::kChanged);
  ASSERT_TRUE(RunUntil([this] { return Stored().size() == 6 && Buffered() == 1; }, 30))
      << Stored().size() << " stored, " << Buffered() << " on the device";
  EXPECT_EQ(device_->app().training_samples().Instances(), std::vector<uint16_t>{iids[2]});
  const size_t features = device_->app().detector().package().feature_count;
  int labelled = 0;
  for (const store::TrainingSampleRecord& s : Stored()) {
    EXPECT_EQ(s.endpoint, "dev-0");
    EXPECT_EQ(server::DecodeFeatures(s.features).size(), features);
    EXPECT_GE(s.taken_ms, int64_t{1'800'000'000'000});
    EXPECT_LE(s.taken_ms, s.received_ms) << "taken before it was sent";
    EXPECT_FALSE(s.predicted.empty());
    if (!s.label.empty()) {
      ++labelled;
      EXPECT_EQ(s.label, "shake");
      EXPECT_EQ(s.labelled_by, "device");
      EXPECT_EQ(s.instance, iids[2]);
    }
  }
  EXPECT_EQ(labelled, 1);
  // /33651/0/21 says what is left.
  server::DeviceRequest read;
  read.paths = {Path::Resource(33651, 0, 21)};
  const server::DeviceResponse r = Ask(read);
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(std::get<int64_t>(r.records[0].value), 1);
  // Uploading again sends the labelled one again: stored once.
  ASSERT_EQ(Execute(Path::Resource(33651, 0, 17)), CoapCode::kChanged);
  RunUntil([] { return false; }, 2);
  EXPECT_EQ(Stored().size(), 6u);
  EXPECT_EQ(Buffered(), 1u);
}

}  // namespace
}  // namespace lwcl::device
