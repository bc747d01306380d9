// ModelSlots: A/B model slots behind /9 on a device — signed packages only,
// anti-rollback, self-test, activation that /33650 follows, probation with
// automatic rollback, head deltas, and restarts at any point.
#include "device/model_slots.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "client/dm_request.h"
#include "client/registry.h"
#include "device/ml_inference_object.h"
#include "device/pattern_detector_app.h"
#include "device/training_sample_object.h"
#include "lwm2m/content_format.h"
#include "lwm2m/path.h"
#include "synthetic_motion.h"
#include "temp_dir.h"
#include "tinyml/package/model_package.h"
#include "tinyml/package/package_writer.h"
#include "train/package_signer.h"

namespace lwcl::device {
namespace {

using lwm2m::CoapCode;

const train::Ed25519KeyPair& FleetKeys() {
  static const train::Ed25519KeyPair k = train::GenerateKeyPair();
  return k;
}

std::vector<uint8_t> Signed(const std::vector<uint8_t>& p) { return train::SignPackage(p, FleetKeys().private_key); }

// Trained once per process.
const std::vector<uint8_t>& V1() {
  static const std::vector<uint8_t> p = Signed(testing::TrainPackage({"idle", "shake", "wave"}, "motion", "1.0.0"));
  return p;
}
const std::vector<uint8_t>& V2Unsigned() {
  static const std::vector<uint8_t> p = testing::TrainPackage({"circle", "idle", "shake", "wave"}, "motion", "1.1.0");
  return p;
}
const std::vector<uint8_t>& Broken() {
  static const std::vector<uint8_t> p =
      Signed(testing::TrainPackage({"idle", "shake", "wave"}, "motion", "1.2.0", /*same_recordings=*/true));
  return p;
}

// `base` re-versioned to `version` with golden window 0's first recorded
// output byte changed: a package whose network does not give what its
// builder recorded.
std::vector<uint8_t> WithBadGolden(const std::vector<uint8_t>& base, const std::string& version) {
  std::vector<uint32_t> words((base.size() + 3) / 4);
  std::memcpy(words.data(), base.data(), base.size());
  tinyml::PackageView v;
  EXPECT_EQ(tinyml::ReadPackage({reinterpret_cast<const uint8_t*>(words.data()), base.size()}, &v),
            tinyml::Status::kOk);
  EXPECT_GT(v.golden_count, 0u) << "train writes golden windows";
  std::vector<uint8_t> golden(v.golden.begin(), v.golden.end());
  golden[4 * v.feature_count + 4] ^= 0x10;
  v.golden = {golden.data(), golden.size()};
  v.version = {version.data(), version.size()};
  std::vector<uint32_t> out(tinyml::PackageBytes(v) / 4 + 1);
  size_t written = 0;
  EXPECT_EQ(tinyml::WritePackage(v, {reinterpret_cast<uint8_t*>(out.data()), out.size() * 4}, &written),
            tinyml::Status::kOk);
  const auto* b = reinterpret_cast<const uint8_t*>(out.data());
  return Signed(std::vector<uint8_t>(b, b + written));
}

// A device's app, slots and registry, with the DM dispatch a server reaches.
struct Device {
  explicit Device(std::string dir = {}) {
    SlotOptions o;
    o.fleet_key = FleetKeys().public_key;
    o.state_dir = std::move(dir);
    o.probation_windows = 20;
    slots = std::make_unique<ModelSlots>(app, o);
    app.Attach(reg);
    slots->Attach(reg);
  }
  bool Boot(const std::vector<uint8_t>& factory) {
    std::string e;
    const bool ok = slots->Boot(factory, &e);
    EXPECT_TRUE(ok) << e;
    return ok;
  }
  CoapCode Push(uint16_t iid, const std::vector<uint8_t>& body) {
    client::DmRequest r;
    r.method = client::CoapMethod::kPut;
    r.uri_path = {"9", std::to_string(iid), "2"};
    r.content_format = static_cast<uint16_t>(lwm2m::ContentFormat::kOpaque);
    r.payload = body;
    return client::HandleDmRequest(reg, r).code;
  }
  CoapCode Exec(uint16_t iid, uint16_t rid, const std::string& args = {}) {
    client::DmRequest r;
    r.method = client::CoapMethod::kPost;
    r.uri_path = {"9", std::to_string(iid), std::to_string(rid)};
    r.payload.assign(args.begin(), args.end());
    const CoapCode c = client::HandleDmRequest(reg, r).code;
    slots->Poll();
    return c;
  }
  int Result(uint16_t iid) { return static_cast<int>(slots->object().result(iid)); }
  int State(uint16_t iid) { return static_cast<int>(slots->object().state(iid)); }
  std::string Reason(uint16_t iid) { return slots->object().status_reason(iid); }
  bool Active(uint16_t iid) { return slots->object().active(iid); }
  // Delivers, installs and activates `pkg` in slot `iid`.
  void Deliver(uint16_t iid, const std::vector<uint8_t>& pkg, const std::string& install_args = {}) {
    ASSERT_EQ(Push(iid, pkg), CoapCode::kChanged);
    ASSERT_EQ(State(iid), 3) << Reason(iid);
    ASSERT_EQ(Exec(iid, 4, install_args), CoapCode::kChanged);
    ASSERT_EQ(State(iid), 4) << Reason(iid);
    ASSERT_EQ(Exec(iid, 10), CoapCode::kChanged);
  }
  void Play(const std::string& motion, double seconds) {
    testing::ScriptedSource src({{motion, seconds}});
    Sample s{};
    while (src.Next(&s)) slots->Push(s);
  }
  // Captures every window of `motion` for `seconds` and labels each one
  // with what was played; returns how many the device holds labelled.
  size_t CaptureLabelled(const std::string& motion, double seconds) {
    lwm2m::Record r;
    r.path = lwm2m::Path::Resource(33651, 0, MlInferenceObject::kCaptureThreshold);
    r.value = 1.0;
    EXPECT_EQ(app.inference().Write(0, r), CoapCode::kChanged);
    Play(motion, seconds);
    for (uint16_t iid : app.training_samples().Instances()) {
      lwm2m::Record l;
      l.path = lwm2m::Path::Resource(33652, iid, TrainingSampleObject::kAssignedLabel);
      l.value = motion;
      EXPECT_EQ(app.training_samples().Write(iid, l), CoapCode::kChanged);
    }
    return app.capture().buffer().labelled();
  }

  PatternDetectorApp app;
  client::Registry reg;
  std::unique_ptr<ModelSlots> slots;
};

TEST(ModelSlotsTest, BootsTheFactoryModelInSlotA) {
  Device d;
  ASSERT_TRUE(d.Boot(V1()));
  EXPECT_EQ(d.slots->active(), 0);
  EXPECT_EQ(d.State(0), 4);
  EXPECT_TRUE(d.Active(0));
  EXPECT_EQ(d.State(1), 0);
  EXPECT_FALSE(d.Active(1));
  EXPECT_EQ(d.app.detector().model_version(), "1.0.0");
}

TEST(ModelSlotsTest, RefusesUnsignedWronglySignedTamperedAndTruncatedKeepingTheModel) {
  Device d;
  ASSERT_TRUE(d.Boot(V1()));
  const std::vector<uint8_t> good = Signed(V2Unsigned());
  std::vector<uint8_t> tampered = good;
  tampered[tampered.size() / 2] ^= 0x40;
  const std::vector<uint8_t> other_key = train::SignPackage(V2Unsigned(), train::GenerateKeyPair().private_key);
  const std::vector<uint8_t> truncated(good.begin(), good.begin() + static_cast<long>(good.size()) - 10);
  const std::pair<const std::vector<uint8_t>*, std::string> cases[] = {
      {&V2Unsigned(), "unsigned"},
      {&other_key, "does not verify with the fleet key"},
      {&tampered, "digest does not match"},
      {&truncated, "truncated"},
  };
  for (const auto& [pkg, why] : cases) {
    EXPECT_EQ(d.Push(1, *pkg), CoapCode::kChanged);
    EXPECT_EQ(d.State(1), 0) << why;
    EXPECT_EQ(d.Result(1), 53) << why;
    EXPECT_NE(d.Reason(1).find(why), std::string::npos) << d.Reason(1);
    EXPECT_EQ(d.app.detector().model_version(), "1.0.0");
    EXPECT_EQ(d.slots->active(), 0);
  }
}

TEST(ModelSlotsTest, ActivatesANewerModelAndDetectorInstancesFollowItsLabels) {
  Device d;
  ASSERT_TRUE(d.Boot(V1()));
  d.Play("wave", 10);  // a baseline for probation
  ASSERT_EQ(d.app.detector_object().Instances().size(), 3u);
  d.Deliver(1, Signed(V2Unsigned()));
  EXPECT_EQ(d.slots->active(), 1);
  EXPECT_TRUE(d.Active(1));
  EXPECT_FALSE(d.Active(0)) << "one model runs at a time";
  EXPECT_EQ(d.State(0), 4) << "slot A keeps its model for a rollback";
  EXPECT_EQ(d.app.detector().model_version(), "1.1.0");
  EXPECT_EQ(d.app.detector_object().Instances().size(), 4u);
  EXPECT_TRUE(d.slots->on_probation());
  d.Play("circle", 15);
  EXPECT_FALSE(d.slots->on_probation()) << "healthy: confirmed";
  EXPECT_EQ(d.slots->active(), 1);
}

TEST(ModelSlotsTest, AntiRollbackUnlessDowngradeIsAsked) {
  Device d;
  ASSERT_TRUE(d.Boot(Signed(V2Unsigned())));  // 1.1.0 runs
  ASSERT_EQ(d.Push(1, V1()), CoapCode::kChanged);
  ASSERT_EQ(d.State(1), 3);
  ASSERT_EQ(d.Exec(1, 4), CoapCode::kChanged);
  EXPECT_EQ(d.State(1), 3);
  EXPECT_EQ(d.Result(1), 58);
  EXPECT_NE(d.Reason(1).find("not newer than the running 1.1.0"), std::string::npos) << d.Reason(1);
  ASSERT_EQ(d.Exec(1, 4, "0='downgrade'"), CoapCode::kChanged);
  EXPECT_EQ(d.State(1), 4);
  EXPECT_EQ(d.Result(1), 2);
}

TEST(ModelSlotsTest, GoldenWindowsThatDoNotReproduceFailTheSelfTest) {
  Device d;
  ASSERT_TRUE(d.Boot(V1()));
  ASSERT_EQ(d.Push(1, WithBadGolden(V1(), "1.0.1")), CoapCode::kChanged);
  ASSERT_EQ(d.State(1), 3) << d.Reason(1);  // signed and intact: delivered
  ASSERT_EQ(d.Exec(1, 4), CoapCode::kChanged);
  EXPECT_EQ(d.State(1), 3);
  EXPECT_EQ(d.Result(1), 58);
  EXPECT_NE(d.Reason(1).find("self-test: golden window 0"), std::string::npos) << d.Reason(1);
  EXPECT_EQ(d.app.detector().model_version(), "1.0.0");
}

TEST(ModelSlotsTest, UnhealthyModelOnProbationRollsBackByItself) {
  Device d;
  ASSERT_TRUE(d.Boot(V1()));
  d.Play("wave", 10);
  const double baseline = d.app.detector().mean_confidence();
  d.Deliver(1, Broken());
  ASSERT_EQ(d.slots->active(), 1);
  d.Play("wave", 15);
  EXPECT_EQ(d.slots->active(), 0) << "mean confidence " << d.app.detector().mean_confidence() << " vs " << baseline;
  EXPECT_EQ(d.app.detector().model_version(), "1.0.0");
  EXPECT_TRUE(d.Active(0));
  EXPECT_FALSE(d.Active(1));
  EXPECT_EQ(d.Result(1), 57);
  EXPECT_NE(d.Reason(1).find("probation: mean confidence"), std::string::npos) << d.Reason(1);
}

// With labelled windows on the device, a candidate that gets fewer of them
// right than the running model fails its self-test at Install, before it
// ever runs; one that does as well installs, whatever its label order.
TEST(ModelSlotsTest, ACandidateThatRegressesOnTheDevicesLabelledWindowsFailsTheSelfTest) {
  Device d;
  ASSERT_TRUE(d.Boot(V1()));
  const size_t labelled = d.CaptureLabelled("wave", 12);
  ASSERT_GE(labelled, 10u);
  ASSERT_EQ(d.Push(1, Broken()), CoapCode::kChanged);
  ASSERT_EQ(d.State(1), 3) << d.Reason(1);
  ASSERT_EQ(d.Exec(1, 4), CoapCode::kChanged);
  EXPECT_EQ(d.State(1), 3) << "not installed";
  EXPECT_EQ(d.Result(1), 58);
  EXPECT_NE(d.Reason(1).find("labelled windows right (the running model: "), std::string::npos) << d.Reason(1);
  RecordProperty("refusal", d.Reason(1));
  EXPECT_EQ(d.app.detector().model_version(), "1.0.0");
  EXPECT_EQ(d.slots->active(), 0);
  // "wave" is label 2 in 1.0.0 and label 3 in 1.1.0: matched by name.
  ASSERT_EQ(d.Exec(1, 6), CoapCode::kChanged);  // Uninstall the refused candidate
  ASSERT_EQ(d.Push(1, Signed(V2Unsigned())), CoapCode::kChanged);
  ASSERT_EQ(d.Exec(1, 4), CoapCode::kChanged);
  EXPECT_EQ(d.State(1), 4) << d.Reason(1);
}

TEST(ModelSlotsTest, HeadDeltaAppliesToItsBaseOnly) {
  Device d;
  ASSERT_TRUE(d.Boot(V1()));
  const std::vector<uint8_t> delta = Signed(testing::HeadDelta(V1(), /*divide_by=*/2));
  EXPECT_LT(delta.size(), 1024u) << "a retrained head travels in under 1 KB";
  d.Deliver(1, delta);
  EXPECT_EQ(d.slots->active(), 1);
  EXPECT_EQ(d.app.detector().model_version(), "1.0.0") << "a delta keeps its base's identity";
  EXPECT_NE(d.slots->slot_package(1), V1());
  // Slot B now runs the merged model: the same delta no longer has its base.
  ASSERT_EQ(d.Exec(0, 6), CoapCode::kChanged);  // free slot A
  EXPECT_EQ(d.Push(0, delta), CoapCode::kChanged);
  EXPECT_EQ(d.State(0), 0);
  EXPECT_EQ(d.Result(0), 54);
  EXPECT_NE(d.Reason(0).find("the delta is for base"), std::string::npos) << d.Reason(0);
}

TEST(ModelSlotsTest, DeactivateHandsOverAndUninstallFreesTheSlot) {
  Device d;
  ASSERT_TRUE(d.Boot(V1()));
  d.Deliver(1, Signed(V2Unsigned()));
  ASSERT_EQ(d.slots->active(), 1);
  ASSERT_EQ(d.Exec(1, 11), CoapCode::kChanged);
  EXPECT_EQ(d.slots->active(), 0);
  EXPECT_TRUE(d.Active(0));
  EXPECT_EQ(d.app.detector().model_version(), "1.0.0");
  ASSERT_EQ(d.Exec(0, 11), CoapCode::kChanged);  // slot B still holds 1.1.0: it takes over
  EXPECT_EQ(d.slots->active(), 1);
  ASSERT_EQ(d.Exec(0, 6), CoapCode::kChanged);
  EXPECT_EQ(d.State(0), 0);
  ASSERT_EQ(d.Exec(1, 11), CoapCode::kChanged);  // nothing to hand over to: inference stops
  EXPECT_FALSE(d.slots->active().has_value());
  const uint64_t before = d.app.detector().classifications();
  d.Play("wave", 5);
  EXPECT_EQ(d.app.detector().classifications(), before);
  ASSERT_EQ(d.Exec(1, 10), CoapCode::kChanged);
  EXPECT_EQ(d.slots->active(), 1);
}

TEST(ModelSlotsTest, RestartsKeepAWorkingModel) {
  test_support::TempDir dir("slots");
  {
    Device d(dir.path());
    ASSERT_TRUE(d.Boot(V1()));
    // Killed mid-transfer: delivered but never installed; nothing on disk.
    ASSERT_EQ(d.Push(1, Signed(V2Unsigned())), CoapCode::kChanged);
    EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(dir.path()) / "slot1.lwpkg"));
  }
  {
    Device d(dir.path());
    ASSERT_TRUE(d.Boot({}));  // no factory image needed: the state directory has one
    EXPECT_EQ(d.slots->active(), 0);
    EXPECT_EQ(d.State(1), 0);
    d.Play("wave", 10);
    d.Deliver(1, Signed(V2Unsigned()));
    ASSERT_TRUE(d.slots->on_probation());
  }  // killed mid-activation: on probation, never confirmed
  {
    Device d(dir.path());
    ASSERT_TRUE(d.Boot(V1()));
    EXPECT_EQ(d.slots->active(), 0) << "an unconfirmed model does not survive a restart";
    EXPECT_EQ(d.app.detector().model_version(), "1.0.0");
    EXPECT_NE(d.slots->boot_note().find("on probation"), std::string::npos);
    EXPECT_EQ(d.Result(1), 57);
    EXPECT_EQ(d.State(1), 4);
    ASSERT_EQ(d.Exec(1, 10), CoapCode::kChanged);
    d.Play("circle", 15);
    ASSERT_FALSE(d.slots->on_probation());
  }
  {
    Device d(dir.path());
    ASSERT_TRUE(d.Boot(V1()));
    EXPECT_EQ(d.slots->active(), 1) << "a confirmed model survives";
    EXPECT_EQ(d.app.detector().model_version(), "1.1.0");
    EXPECT_EQ(d.slots->boot_note(), "");
  }
}

}  // namespace
}  // namespace lwcl::device
