// /9 on a device against libcoap's own coap-client (libcoap3-bin) as a raw
// CoAP peer: it reads the slot state machine, forces packages into
// /9/1/2 block-wise (Block1), and drives Install/Activate — the device
// refuses tampered, unsigned and wrongly signed packages whoever sends them,
// and keeps running its model.
#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <string>
#include <vector>

#include "client/client.h"
#include "client/registry.h"
#include "device/model_slots.h"
#include "device/pattern_detector_app.h"
#include "peer_process.h"
#include "synthetic_motion.h"
#include "temp_dir.h"
#include "train/package_signer.h"

namespace lwcl::device {
namespace {

using test_support::HavePeer;
using test_support::RunCommand;

class RawPeerSlotsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HavePeer()) GTEST_SKIP() << "coap-client-notls (libcoap3-bin) is not installed";
    keys_ = train::GenerateKeyPair();
    SlotOptions o;
    o.fleet_key = keys_.public_key;
    slots_ = std::make_unique<ModelSlots>(app_, o);
    app_.Attach(reg_);
    slots_->Attach(reg_);
    std::string error;
    ASSERT_TRUE(slots_->Boot(Sign(testing::TrainPackage({"idle", "shake", "wave"}, "motion", "1.0.0")), &error))
        << error;
    client_ = std::make_unique<client::Client>(reg_);
    client_->AddTask([this] { slots_->Poll(); });
    port_ = client_->Listen("127.0.0.1", 0);
    ASSERT_NE(port_, 0);
  }

  std::vector<uint8_t> Sign(const std::vector<uint8_t>& p) { return train::SignPackage(p, keys_.private_key); }

  std::string Peer(const std::string& args, const std::string& path) {
    const std::string cmd = "timeout 20 coap-client-notls -B 10 " + args + " coap://127.0.0.1:" +
                            std::to_string(port_) + path + " 2>&1";
    std::future<std::string> f = std::async(std::launch::async, RunCommand, cmd);
    client_->RunUntil([&] { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }, 25000);
    std::string out = f.get();
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  // Writes `bytes` to /9/1/2 as application/octet-stream in 64-byte Block1 blocks.
  std::string Force(const std::vector<uint8_t>& bytes) {
    const std::string file = (dir_.path() / "pkg.bin").string();
    std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                 static_cast<std::streamsize>(bytes.size()));
    return Peer("-m put -t 42 -b 64 -f " + file, "/9/1/2");
  }

  test_support::TempDir dir_{"rawpeer"};
  train::Ed25519KeyPair keys_;
  PatternDetectorApp app_;
  client::Registry reg_;
  std::unique_ptr<ModelSlots> slots_;
  std::unique_ptr<client::Client> client_;
  uint16_t port_ = 0;
};

TEST_F(RawPeerSlotsTest, PeerReadsTheStateMachineAndForcedBadPackagesAreRefused) {
  EXPECT_EQ(Peer("-m get -A 0", "/9/0/7"), "4");   // slot A: INSTALLED
  EXPECT_EQ(Peer("-m get -A 0", "/9/0/12"), "1");  // and active
  EXPECT_EQ(Peer("-m get -A 0", "/9/1/7"), "0");   // slot B: INITIAL
  const std::vector<uint8_t> v2 = testing::TrainPackage({"circle", "idle", "shake", "wave"}, "motion", "1.1.0");
  std::vector<uint8_t> tampered = Sign(v2);
  tampered[200] ^= 1;
  const std::vector<uint8_t> wrong_key = train::SignPackage(v2, train::GenerateKeyPair().private_key);
  for (const std::vector<uint8_t>* bad : {&v2, static_cast<const std::vector<uint8_t>*>(&tampered), static_cast<const std::vector<uint8_t>*>(&wrong_key)}) {
    Force(*bad);
    EXPECT_EQ(Peer("-m get -A 0", "/9/1/7"), "0");
    EXPECT_EQ(Peer("-m get -A 0", "/9/1/9"), "53");
    EXPECT_EQ(app_.detector().model_version(), "1.0.0");
  }
  EXPECT_NE(Peer("-m get -A 0", "/9/1/16").find("signature"), std::string::npos);

  // The good one, block-wise, then Install and Activate by the same peer.
  const std::vector<uint8_t> good = Sign(v2);
  ASSERT_GT(good.size(), 640u) << "more than ten 64-byte blocks";
  Force(good);
  EXPECT_EQ(Peer("-m get -A 0", "/9/1/7"), "3");
  EXPECT_EQ(Peer("-m get -A 0", "/9/1/1"), "1.1.0");
  Peer("-m post", "/9/1/4");
  EXPECT_EQ(Peer("-m get -A 0", "/9/1/7"), "4");
  Peer("-m post", "/9/1/10");
  EXPECT_EQ(Peer("-m get -A 0", "/9/1/12"), "1");
  EXPECT_EQ(Peer("-m get -A 0", "/9/0/12"), "0");
  EXPECT_EQ(app_.detector().model_version(), "1.1.0");
  EXPECT_EQ(app_.detector_object().Instances().size(), 4u);
}

}  // namespace
}  // namespace lwcl::device
