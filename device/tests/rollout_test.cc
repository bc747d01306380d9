// Rollouts end to end: a real Service on SQLite with its RolloutEngine and
// virtual devices carrying /9 (ModelSlots), on loopback, on one simulated
// clock. A newer signed model reaches every device through canary and
// waves; a model broken on purpose halts at the canary, the canary device
// is back on the previous model, and nobody else received it.
#include "server/rollout.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "device/virtual_device.h"
#include "server/model_registry.h"
#include "server/service.h"
#include "sqlite_service.h"
#include "synthetic_motion.h"
#include "temp_dir.h"
#include "train/package_signer.h"

namespace lwcl::device {
namespace {

const train::Ed25519KeyPair& Keys() {
  static const train::Ed25519KeyPair k = train::GenerateKeyPair();
  return k;
}
std::vector<uint8_t> Signed(const std::vector<uint8_t>& p) { return train::SignPackage(p, Keys().private_key); }
const std::vector<uint8_t>& V1() {
  static const std::vector<uint8_t> p = Signed(testing::TrainPackage({"idle", "shake", "wave"}, "motion", "1.0.0"));
  return p;
}

class RolloutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    service_ = server::Service::Open(test_support::SqliteServiceOptions(dir_), &error);
    ASSERT_NE(service_, nullptr) << error;
    service_->lwm2m().SetClock([this] { return now_; });
    engine_ = std::make_unique<server::RolloutEngine>(*service_);
    for (int i = 0; i < 4; ++i) {
      VirtualDeviceOptions o;
      o.endpoint = "dev-" + std::to_string(i);
      o.server.host = "127.0.0.1";
      o.server.port = service_->lwm2m().udp_port();
      o.lifetime_s = 600;
      o.slots.fleet_key = Keys().public_key;
      o.slots.probation_windows = 12;
      auto source = std::make_unique<testing::ScriptedSource>(
          std::vector<std::pair<std::string, double>>{{"wave", 4}, {"idle", 3}, {"shake", 4}}, /*loop=*/true,
          static_cast<uint32_t>(i + 1));
      auto d = std::make_unique<VirtualDevice>(o, std::move(source));
      d->SetClock([this] { return now_; });
      ASSERT_TRUE(d->LoadModel(V1(), &error)) << error;
      ASSERT_TRUE(d->Start(&error)) << error;
      devices_.push_back(std::move(d));
    }
    ASSERT_TRUE(RunUntil([this] {
      for (auto& d : devices_) {
        if (!d->registered()) return false;
      }
      return true;
    }, 20));
    RunFor(10);  // every device builds its confidence baseline
  }

  void Turn() {
    now_ += 0.02;
    for (auto& d : devices_) d->Step(0);
    service_->Step(1);
  }
  bool RunUntil(const std::function<bool()>& done, double max_s) {
    const double end = now_ + max_s;
    while (!done() && now_ < end) Turn();
    return done();
  }
  void RunFor(double s) { RunUntil([] { return false; }, s); }

  store::ModelRecord Model(const std::vector<uint8_t>& package) {
    server::RegistryOptions ro;
    ro.fleet_key = Keys().public_key;
    server::UploadCheck c = server::CheckUpload(package, ro, 0);
    EXPECT_EQ(c.status, 201) << c.error;
    c.record.id = 1;
    return c.record;
  }
  std::vector<std::string> All() const {
    std::vector<std::string> out;
    for (const auto& d : devices_) out.push_back(d->endpoint());
    return out;
  }
  std::string State(int64_t id) { return (*engine_->Get(id))["state"].get<std::string>(); }

  test_support::TempDir dir_;
  double now_ = 1000;
  std::unique_ptr<server::Service> service_;
  std::unique_ptr<server::RolloutEngine> engine_;
  std::vector<std::unique_ptr<VirtualDevice>> devices_;
};

TEST_F(RolloutTest, NewerModelReachesEveryDeviceThroughCanaryAndWaves) {
  const std::vector<uint8_t> v2 = Signed(testing::TrainPackage({"circle", "idle", "shake", "wave"}, "motion", "1.1.0"));
  server::RolloutPolicy p;
  p.canary_percent = 25;
  p.wave_size = 2;
  p.max_concurrent = 2;
  p.probation_s = 3;
  std::string error;
  const std::optional<int64_t> id = engine_->Create(Model(v2), All(), p, &error);
  ASSERT_TRUE(id) << error;
  EXPECT_EQ(State(*id), "canary");
  ASSERT_TRUE(RunUntil([&] { return State(*id) == "completed" || State(*id) == "halted"; }, 120))
      << engine_->Get(*id)->dump(2);
  const nlohmann::json r = *engine_->Get(*id);
  ASSERT_EQ(r["state"], "completed") << r.dump(2);
  EXPECT_EQ(r["counts"]["active"], 4) << r.dump(2);
  EXPECT_EQ(r["canary_devices"], 1);
  EXPECT_EQ(r["bytes_sent"], 4 * v2.size());
  EXPECT_LE(v2.size(), 8192u) << "a full default-size package stays under 8 KB";
  for (auto& d : devices_) {
    EXPECT_EQ(d->app().detector().model_version(), "1.1.0") << d->endpoint();
    EXPECT_EQ(d->app().detector_object().Instances().size(), 4u);
  }
}

TEST_F(RolloutTest, BrokenModelHaltsAtTheCanaryAndGoesNoFurther) {
  const std::vector<uint8_t> broken =
      Signed(testing::TrainPackage({"idle", "shake", "wave"}, "motion", "1.2.0", /*same_recordings=*/true));
  server::RolloutPolicy p;
  p.canary_percent = 25;
  p.probation_s = 8;
  std::string error;
  const std::optional<int64_t> id = engine_->Create(Model(broken), All(), p, &error);
  ASSERT_TRUE(id) << error;
  ASSERT_TRUE(RunUntil([&] { return State(*id) == "halted" || State(*id) == "completed"; }, 120))
      << engine_->Get(*id)->dump(2);
  const nlohmann::json r = *engine_->Get(*id);
  ASSERT_EQ(r["state"], "halted") << r.dump(2);
  EXPECT_NE(r["halt_reason"].get<std::string>().find("canary: 1 of 1 devices unhealthy"), std::string::npos)
      << r["halt_reason"];
  EXPECT_EQ(r["counts"]["rolled_back"], 1);
  EXPECT_EQ(r["counts"]["pending"], 3) << "the devices outside the canary never received it";
  EXPECT_EQ(r["bytes_sent"], broken.size());
  RunFor(2);
  for (auto& d : devices_) EXPECT_EQ(d->app().detector().model_version(), "1.0.0") << d->endpoint();
  int untouched = 0;
  for (auto& d : devices_) untouched += d->slots().object().state(1) == client::SwState::kInitial ? 1 : 0;
  EXPECT_EQ(untouched, 3);
}

TEST_F(RolloutTest, PauseResumeAbortAndBadRequests) {
  std::string error;
  EXPECT_FALSE(engine_->Create(Model(V1()), {}, {}, &error));
  EXPECT_NE(error.find("no devices"), std::string::npos);
  server::RolloutPolicy bad;
  bad.canary_percent = 150;
  EXPECT_FALSE(engine_->Create(Model(V1()), All(), bad, &error));
  const std::optional<int64_t> id = engine_->Create(Model(V1()), All(), {}, &error);
  ASSERT_TRUE(id);
  ASSERT_TRUE(engine_->Pause(*id, &error)) << error;
  EXPECT_EQ(State(*id), "paused");
  EXPECT_FALSE(engine_->Pause(*id, &error));
  ASSERT_TRUE(engine_->Resume(*id, &error)) << error;
  EXPECT_EQ(State(*id), "canary");
  ASSERT_TRUE(engine_->Abort(*id, &error));
  EXPECT_EQ(State(*id), "aborted");
  EXPECT_FALSE(engine_->Abort(*id, &error));
  EXPECT_FALSE(engine_->Resume(999, &error));
  EXPECT_NE(error.find("no rollout 999"), std::string::npos);
}

}  // namespace
}  // namespace lwcl::device
