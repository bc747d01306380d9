// Rollouts end to end: a real Service on SQLite with its RolloutEngine and
// virtual devices carrying /9 (ModelSlots), on loopback, on one simulated
// clock. A newer signed model reaches every device through canary and
// waves; a model broken on purpose halts at the canary, the canary device
// is back on the previous model, and nobody else received it. Pull
// delivery: the devices fetch the package block-wise from the server's
// /pkg resource, which libcoap's own coap-client reads too.
#include "server/rollout.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <future>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "device/virtual_device.h"
#include "peer_process.h"
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
    server::ServiceOptions so = test_support::SqliteServiceOptions(dir_);
    if (queue_mode_) so.coap.queue_awake_s = 2;
    if (dtls_) so.coap.dtls_port = 0;
    service_ = server::Service::Open(so, &error);
    ASSERT_NE(service_, nullptr) << error;
    service_->lwm2m().SetClock([this] { return now_; });
    engine_ = std::make_unique<server::RolloutEngine>(*service_);
    for (int i = 0; i < 4; ++i) {
      VirtualDeviceOptions o;
      o.endpoint = "dev-" + std::to_string(i);
      o.server.host = "127.0.0.1";
      o.server.port = service_->lwm2m().udp_port();
      if (dtls_) {
        const std::string key = "key-of-" + o.endpoint;
        ASSERT_TRUE(service_->store().PutCredential({o.endpoint, "id-" + o.endpoint, {key.begin(), key.end()}}).ok());
        o.server.port = service_->lwm2m().dtls_port();
        o.server.dtls = true;
        o.server.psk_identity.assign(o.endpoint.begin(), o.endpoint.end());
        o.server.psk_identity.insert(o.server.psk_identity.begin(), {'i', 'd', '-'});
        o.server.psk_key.assign(key.begin(), key.end());
      }
      o.lifetime_s = queue_mode_ ? 30 : 600;
      if (queue_mode_) o.binding = "UQ";
      o.slots.fleet_key = Keys().public_key;
      o.slots.probation_windows = 12;
      auto source = std::make_unique<testing::ScriptedSource>(
          std::vector<std::pair<std::string, double>>{{"wave", 4}, {"idle", 3}, {"shake", 4}}, /*loop=*/true,
          static_cast<uint32_t>(i + 1));
      auto d = std::make_unique<VirtualDevice>(o, std::move(source));
      d->SetClock([this] { return now_; });
      if (queue_mode_) d->client().EnableQueueMode(2);
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
  // One DM request through the Service, the loop turning until it is answered.
  server::DeviceResponse Ask(const std::string& endpoint, const server::DeviceRequest& request) {
    std::optional<server::DeviceResponse> answer;
    service_->Request(endpoint, request, [&](const server::DeviceResponse& r) { answer = r; });
    RunUntil([&] { return answer.has_value(); }, 60);
    return answer.value_or(server::DeviceResponse{});
  }

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

  // Runs libcoap's coap-client against the server while the loop turns.
  std::string Peer(const std::string& args) {
    const std::string cmd = "timeout 20 coap-client-notls -B 10 " + args + " 2>&1";
    std::future<std::string> f = std::async(std::launch::async, test_support::RunCommand, cmd);
    RunUntil([&] { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }, 1e9);
    return f.get();
  }
  std::string PkgUri(const std::string& name) {
    return "coap://127.0.0.1:" + std::to_string(service_->lwm2m().udp_port()) + "/pkg/" + name;
  }

  bool queue_mode_ = false;  // devices in queue mode, awake 2 s after each exchange
  bool dtls_ = false;        // devices on DTLS-PSK (coaps://)
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

TEST_F(RolloutTest, PullDeliveryFetchesBlockwiseAndTheDeviceListShowsTheNewVersion) {
  const std::vector<uint8_t> v2 = Signed(testing::TrainPackage({"circle", "idle", "shake", "wave"}, "motion", "1.1.0"));
  server::RolloutPolicy p;
  p.canary_percent = 50;
  p.max_concurrent = 4;
  p.probation_s = 4;
  p.delivery = server::Delivery::kPull;
  std::string error;
  const std::optional<int64_t> id = engine_->Create(Model(v2), All(), p, &error);
  ASSERT_TRUE(id) << error;
  ASSERT_TRUE(RunUntil([&] { return State(*id) == "completed" || State(*id) == "halted"; }, 120))
      << engine_->Get(*id)->dump(2);
  const nlohmann::json r = *engine_->Get(*id);
  ASSERT_EQ(r["state"], "completed") << r.dump(2);
  EXPECT_EQ(r["policy"]["delivery"], "pull");
  EXPECT_EQ(r["counts"]["active"], 4) << r.dump(2);
  EXPECT_EQ(r["bytes_sent"], 4 * v2.size());
  RunFor(1);  // the model_version reads
  for (auto& d : devices_) {
    EXPECT_EQ(d->app().detector().model_version(), "1.1.0") << d->endpoint();
    ASSERT_TRUE(d->slots().active());
    EXPECT_EQ(d->slots().slot_package(*d->slots().active()), v2) << "the pulled bytes are the package";
    store::Result<store::Device> stored = service_->store().GetDevice(d->endpoint());
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(stored->model_version, "motion 1.1.0") << "the device list shows the new version";
  }
  if (test_support::HavePeer()) {
    const std::string out = Peer("-m get -A 42 " + PkgUri("r" + std::to_string(*id)));
    EXPECT_NE(out.find("4.04"), std::string::npos) << "a finished rollout withdraws its package: " << out;
  }
}

TEST_F(RolloutTest, PackageResourceServesBlock2ToLibcoapsOwnClient) {
  if (!test_support::HavePeer()) GTEST_SKIP() << "coap-client-notls (libcoap3-bin) is not installed";
  const auto bytes = std::make_shared<const std::vector<uint8_t>>(V1());
  service_->OfferPackage("motion-1", bytes);
  const std::string file = (dir_.path() / "pulled.lwpkg").string();
  Peer("-m get -b 64 -o " + file + " " + PkgUri("motion-1"));
  std::ifstream in(file, std::ios::binary);
  const std::vector<uint8_t> got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(bytes->size(), 64u * 10) << "the package takes many blocks";
  EXPECT_EQ(got, *bytes) << "coap-client fetched " << got.size() << " of " << bytes->size() << " bytes";
  EXPECT_NE(Peer("-m get " + PkgUri("nothing")).find("4.04"), std::string::npos);
  EXPECT_NE(Peer("-m put -e x " + PkgUri("motion-1")).find("4.05"), std::string::npos);
  service_->WithdrawPackage("motion-1");
  EXPECT_NE(Peer("-m get " + PkgUri("motion-1")).find("4.04"), std::string::npos);
}

TEST_F(RolloutTest, AHeadDeltaTravelsInUnder1KBAndMergesOnEveryDevice) {
  const std::vector<uint8_t> delta = Signed(testing::HeadDelta(V1(), /*divide_by=*/1));
  ASSERT_FALSE(delta.empty());
  server::RolloutPolicy p;
  p.canary_percent = 25;
  p.max_concurrent = 4;
  p.probation_s = 3;
  std::string error;
  const std::optional<int64_t> id = engine_->Create(Model(delta), All(), p, &error);
  ASSERT_TRUE(id) << error;
  ASSERT_TRUE(RunUntil([&] { return State(*id) == "completed" || State(*id) == "halted"; }, 120))
      << engine_->Get(*id)->dump(2);
  const nlohmann::json r = *engine_->Get(*id);
  ASSERT_EQ(r["state"], "completed") << r.dump(2);
  EXPECT_EQ(r["counts"]["active"], 4);
  EXPECT_LT(r["bytes_sent"].get<size_t>() / 4, 1024u) << "per device";
  for (auto& d : devices_) {
    ASSERT_TRUE(d->slots().active());
    // The slot holds the merged full package: the base's size minus its golden windows, not the delta.
    EXPECT_GT(d->slots().slot_package(*d->slots().active()).size(), delta.size() * 4) << d->endpoint();
    EXPECT_EQ(d->app().detector().model_version(), "1.0.0") << "a delta keeps its base's identity";
  }
}

class DtlsRolloutTest : public RolloutTest {
 protected:
  DtlsRolloutTest() { dtls_ = true; }
};

TEST_F(DtlsRolloutTest, DevicesOnDtlsPullOverCoapsWithTheirOwnKeys) {
  const std::vector<uint8_t> v2 = Signed(testing::TrainPackage({"circle", "idle", "shake", "wave"}, "motion", "1.1.0"));
  server::RolloutPolicy p;
  p.canary_percent = 25;
  p.max_concurrent = 4;
  p.probation_s = 3;
  p.delivery = server::Delivery::kPull;
  std::string error;
  const std::optional<int64_t> id = engine_->Create(Model(v2), All(), p, &error);
  ASSERT_TRUE(id) << error;
  std::string uri;
  ASSERT_TRUE(RunUntil([&] {
    if (uri.empty()) uri = service_->PackageUri("dev-0", "r" + std::to_string(*id));
    return State(*id) == "completed" || State(*id) == "halted";
  }, 120)) << engine_->Get(*id)->dump(2);
  EXPECT_EQ(uri, "coaps://127.0.0.1:" + std::to_string(service_->lwm2m().dtls_port()) + "/pkg/r" + std::to_string(*id));
  const nlohmann::json r = *engine_->Get(*id);
  ASSERT_EQ(r["state"], "completed") << r.dump(2);
  EXPECT_EQ(r["counts"]["active"], 4);
  for (auto& d : devices_) EXPECT_EQ(d->app().detector().model_version(), "1.1.0") << d->endpoint();
}

class QueueModeRolloutTest : public RolloutTest {
 protected:
  QueueModeRolloutTest() { queue_mode_ = true; }
};

TEST_F(QueueModeRolloutTest, SleepingDevicesGetTheirTransferWhenTheyWake) {
  const std::vector<uint8_t> v2 = Signed(testing::TrainPackage({"circle", "idle", "shake", "wave"}, "motion", "1.1.0"));
  // Asleep (they wake for an Update every ~15 s, half their lifetime).
  ASSERT_TRUE(RunUntil([this] {
    for (auto& d : devices_) {
      if (d->client().queue_mode() == nullptr || d->client().queue_mode()->state() != client::QueueState::kAsleep) {
        return false;
      }
    }
    return true;
  }, 10));
  server::RolloutPolicy p;
  p.canary_percent = 25;
  p.max_concurrent = 4;
  p.probation_s = 3;
  std::string error;
  const std::optional<int64_t> id = engine_->Create(Model(v2), All(), p, &error);
  ASSERT_TRUE(id) << error;
  size_t most_queued = 0;
  ASSERT_TRUE(RunUntil([&] {
    for (auto& d : devices_) most_queued = std::max(most_queued, service_->lwm2m().QueuedRequests(d->endpoint()));
    return State(*id) == "completed" || State(*id) == "halted";
  }, 600)) << engine_->Get(*id)->dump(2);
  const nlohmann::json r = *engine_->Get(*id);
  ASSERT_EQ(r["state"], "completed") << r.dump(2);
  EXPECT_EQ(r["counts"]["active"], 4) << r.dump(2);
  EXPECT_GE(most_queued, 1u) << "the requests waited for the devices to wake";
  for (auto& d : devices_) EXPECT_EQ(d->app().detector().model_version(), "1.1.0") << d->endpoint();
}

TEST_F(RolloutTest, VirtualDevicesTakeAVirtualFirmwareImageOverSlash5) {
  using lwm2m::Path;
  auto write = [](const std::string& image) {
    server::DeviceRequest w;
    w.op = server::Operation::kWrite;
    w.paths = {Path::Resource(5, 0, 0)};
    lwm2m::Record rec;
    rec.path = w.paths[0];
    rec.value = lwm2m::Opaque(image.begin(), image.end());
    w.records = {rec};
    w.format = lwm2m::ContentFormat::kOpaque;
    return w;
  };
  server::DeviceRequest update;
  update.op = server::Operation::kExecute;
  update.paths = {Path::Resource(5, 0, 2)};
  server::DeviceRequest result;
  result.op = server::Operation::kRead;
  result.paths = {Path::Resource(5, 0, 5)};
  auto result_of = [&](const std::string& ep) {
    const server::DeviceResponse r = Ask(ep, result);
    return r.records.empty() ? -1 : std::get<int64_t>(r.records[0].value);
  };
  VirtualDevice& d = *devices_[1];
  EXPECT_EQ(d.firmware_version(), "0.1.0");
  // Not a virtual firmware image: refused (6), the firmware stays.
  EXPECT_EQ(Ask(d.endpoint(), write("MZ\x90 an executable")).code, lwm2m::CoapCode::kChanged);
  EXPECT_EQ(result_of(d.endpoint()), 6);
  EXPECT_EQ(d.firmware_version(), "0.1.0");
  // A real one: downloaded, applied, /3/0/3 follows.
  ASSERT_EQ(Ask(d.endpoint(), write("lwcl-virtual-firmware 0.2.0\ncode")).code,
            lwm2m::CoapCode::kChanged);
  EXPECT_EQ(Ask(d.endpoint(), update).code, lwm2m::CoapCode::kChanged);
  RunFor(1);
  EXPECT_EQ(result_of(d.endpoint()), 1) << "success";
  EXPECT_EQ(d.firmware_version(), "0.2.0");
  server::DeviceRequest fw;
  fw.op = server::Operation::kRead;
  fw.paths = {Path::Resource(3, 0, 3)};
  const server::DeviceResponse r = Ask(d.endpoint(), fw);
  ASSERT_FALSE(r.records.empty());
  EXPECT_EQ(std::get<std::string>(r.records[0].value), "0.2.0");
  EXPECT_EQ(devices_[0]->firmware_version(), "0.1.0") << "only the device that was asked";
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
