// Software Management /9: the state rules (every phase x operation), the
// results each pipeline step leaves, and the object over the DM dispatch in
// push and pull mode, with the shared UpdatePipeline doing the work.
#include "client/software_management_object.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "blob_server.h"
#include "client/dm_request.h"
#include "client/registry.h"
#include "client/software_update.h"
#include "lwm2m/content_format.h"

namespace lwcl::client {

using lwm2m::CoapCode;

namespace {

constexpr UpdatePhase kPhases[] = {UpdatePhase::kEmpty,      UpdatePhase::kReceiving, UpdatePhase::kHeld,
                                   UpdatePhase::kInstalling, UpdatePhase::kInstalled, UpdatePhase::kActive};

TEST(SoftwareUpdateRulesTest, EveryPhaseTimesEveryOperation) {
  const CoapCode ok = CoapCode::kChanged;
  const CoapCode bad = CoapCode::kBadRequest;
  const CoapCode no = CoapCode::kMethodNotAllowed;
  // Rows: phases in kPhases order; columns: SwOperation order
  // (write, write empty, install, uninstall, activate, deactivate).
  const CoapCode expected[6][kSwOperationCount] = {
      {ok, ok, no, no, no, no},     // empty (INITIAL)
      {bad, ok, no, ok, no, no},    // receiving (DOWNLOAD STARTED)
      {bad, ok, ok, ok, no, no},    // held (DELIVERED)
      {bad, no, no, no, no, no},    // installing (DELIVERED, busy)
      {bad, bad, no, ok, ok, ok},   // installed
      {bad, bad, no, ok, ok, ok},   // active (INSTALLED)
  };
  for (int p = 0; p < 6; ++p) {
    for (int op = 0; op < kSwOperationCount; ++op) {
      EXPECT_EQ(SwAllows(static_cast<SwOperation>(op), kPhases[p]), expected[p][op])
          << UpdatePhaseName(kPhases[p]) << " op " << op;
    }
  }
  const SwState states[6] = {SwState::kInitial,   SwState::kDownloadStarted, SwState::kDelivered,
                             SwState::kDelivered, SwState::kInstalled,       SwState::kInstalled};
  for (int p = 0; p < 6; ++p) EXPECT_EQ(SwStateOf(kPhases[p]), states[p]) << UpdatePhaseName(kPhases[p]);
}

TEST(SoftwareUpdateRulesTest, ResultsFollowTheSteps) {
  auto after = [](UpdatePhase from, UpdatePhase to, UpdateError e, SwResult before) {
    return SwResultAfter(UpdateEvent{from, to, e, ""}, before);
  };
  EXPECT_EQ(after(UpdatePhase::kEmpty, UpdatePhase::kReceiving, UpdateError::kNone, SwResult::kInitial),
            SwResult::kDownloading);
  EXPECT_EQ(after(UpdatePhase::kReceiving, UpdatePhase::kHeld, UpdateError::kNone, SwResult::kDownloading),
            SwResult::kDelivered);
  EXPECT_EQ(after(UpdatePhase::kInstalling, UpdatePhase::kInstalled, UpdateError::kNone, SwResult::kDelivered),
            SwResult::kInstalled);
  EXPECT_EQ(after(UpdatePhase::kInstalling, UpdatePhase::kHeld, UpdateError::kInstallFailed, SwResult::kDelivered),
            SwResult::kInstallationFailure);
  EXPECT_EQ(after(UpdatePhase::kInstalled, UpdatePhase::kActive, UpdateError::kNone, SwResult::kInstalled),
            SwResult::kInstalled);
  EXPECT_EQ(after(UpdatePhase::kActive, UpdatePhase::kInstalled, UpdateError::kActivationFailed, SwResult::kInstalled),
            SwResult::kDeviceError);
  EXPECT_EQ(after(UpdatePhase::kInstalled, UpdatePhase::kEmpty, UpdateError::kNone, SwResult::kInstalled),
            SwResult::kInitial);
  const std::pair<UpdateError, SwResult> failures[] = {
      {UpdateError::kNoStorage, SwResult::kNotEnoughStorage},  {UpdateError::kOutOfRam, SwResult::kOutOfMemory},
      {UpdateError::kConnectionLost, SwResult::kConnectionLost}, {UpdateError::kIntegrity, SwResult::kIntegrityFailure},
      {UpdateError::kUnsupportedType, SwResult::kUnsupportedPackageType},
      {UpdateError::kInvalidUri, SwResult::kInvalidUri},         {UpdateError::kUnsupportedProtocol, SwResult::kInvalidUri},
  };
  for (const auto& [e, r] : failures) {
    EXPECT_EQ(after(UpdatePhase::kReceiving, UpdatePhase::kEmpty, e, SwResult::kDownloading), r) << UpdateErrorName(e);
  }
}

// ---- The object over the DM dispatch ----

// A slot whose package is good when it starts with "PK", and whose steps
// the test can make fail.
struct FakeSlot {
  int verified = 0;
  std::string installed;
  std::string install_args;
  bool active = false;
  bool fail_install = false;
  bool fail_activate = false;
  std::vector<std::string> rollbacks;
  bool uninstalled = false;

  UpdateHandler Handler() {
    UpdateHandler h;
    h.max_size = 64;
    h.verify = [this](std::span<const uint8_t> p) {
      ++verified;
      if (p.size() >= 2 && p[0] == 'P' && p[1] == 'K') return UpdateVerdict::Ok();
      return UpdateVerdict::Fail(UpdateError::kIntegrity, "the digest does not match");
    };
    h.install = [this](std::span<const uint8_t> p, std::string_view args) {
      if (fail_install) return UpdateVerdict::Fail(UpdateError::kInstallFailed, "golden window 2 classified as shake");
      installed.assign(p.begin(), p.end());
      install_args = std::string(args);
      return UpdateVerdict::Ok();
    };
    h.activate = [this] {
      if (fail_activate) return UpdateVerdict::Fail(UpdateError::kActivationFailed, "the classifier did not start");
      active = true;
      return UpdateVerdict::Ok();
    };
    h.deactivate = [this] { active = false; };
    h.rollback = [this](const std::string& why) { rollbacks.push_back(why); };
    h.uninstall = [this] { uninstalled = true; };
    return h;
  }
};

class SoftwareObjectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sw_ = std::make_unique<SoftwareManagementObject>(std::vector<UpdateHandler>{a_.Handler(), b_.Handler()});
    reg_.Add(sw_.get());
    reg_.SetChangeListener([this](const lwm2m::Path& p) { changed_.push_back(p); });
  }

  DmResponse Put(uint16_t iid, uint16_t rid, const std::string& body, lwm2m::ContentFormat f) {
    DmRequest r;
    r.method = CoapMethod::kPut;
    r.uri_path = {"9", std::to_string(iid), std::to_string(rid)};
    r.content_format = static_cast<uint16_t>(f);
    r.payload.assign(body.begin(), body.end());
    return HandleDmRequest(reg_, r);
  }
  CoapCode Push(uint16_t iid, const std::string& body) {
    return Put(iid, 2, body, lwm2m::ContentFormat::kOpaque).code;
  }
  CoapCode Exec(uint16_t iid, uint16_t rid, const std::string& args = {}) {
    DmRequest r;
    r.method = CoapMethod::kPost;
    r.uri_path = {"9", std::to_string(iid), std::to_string(rid)};
    r.payload.assign(args.begin(), args.end());
    return HandleDmRequest(reg_, r).code;
  }
  int64_t ReadInt(uint16_t iid, uint16_t rid) {
    std::vector<lwm2m::Record> out;
    if (reg_.Read(lwm2m::Path::Resource(9, iid, rid), &out) != CoapCode::kContent || out.size() != 1) return -1;
    if (const auto* b = std::get_if<bool>(&out[0].value)) return *b ? 1 : 0;
    return std::get<int64_t>(out[0].value);
  }
  std::string ReadText(uint16_t iid, uint16_t rid) {
    std::vector<lwm2m::Record> out;
    if (reg_.Read(lwm2m::Path::Resource(9, iid, rid), &out) != CoapCode::kContent || out.size() != 1) return "<none>";
    return std::get<std::string>(out[0].value);
  }
  long Changes(uint16_t iid, uint16_t rid) const {
    return std::count(changed_.begin(), changed_.end(), lwm2m::Path::Resource(9, iid, rid));
  }

  FakeSlot a_, b_;
  Registry reg_;
  std::unique_ptr<SoftwareManagementObject> sw_;
  std::vector<lwm2m::Path> changed_;
};

TEST_F(SoftwareObjectTest, TwoSlotsStartInitial) {
  DmRequest r;
  r.uri_path = {"9"};
  r.accept = static_cast<uint16_t>(lwm2m::ContentFormat::kSenmlJson);
  const DmResponse resp = HandleDmRequest(reg_, r);
  ASSERT_EQ(resp.code, CoapCode::kContent);
  const std::string body(resp.payload.begin(), resp.payload.end());
  EXPECT_NE(body.find("\"0/7\""), std::string::npos) << body;
  EXPECT_NE(body.find("\"1/7\""), std::string::npos) << body;
  for (uint16_t iid : {uint16_t{0}, uint16_t{1}}) {
    EXPECT_EQ(ReadInt(iid, 7), 0);
    EXPECT_EQ(ReadInt(iid, 9), 0);
    EXPECT_EQ(ReadInt(iid, 12), 0);
    EXPECT_EQ(ReadText(iid, 16), "<none>");
  }
}

TEST_F(SoftwareObjectTest, PushInstallActivateDeactivateUninstall) {
  EXPECT_EQ(Push(1, "PK-model-1.1.0"), CoapCode::kChanged);
  EXPECT_EQ(ReadInt(1, 7), 3);  // DELIVERED
  EXPECT_EQ(ReadInt(1, 9), 3);  // downloaded and verified
  EXPECT_EQ(ReadInt(0, 7), 0);  // the other slot is untouched
  EXPECT_EQ(Exec(1, 4, "0='downgrade'"), CoapCode::kChanged);
  EXPECT_TRUE(b_.installed.empty()) << "install runs from Poll, after the answer";
  sw_->Poll();
  EXPECT_EQ(b_.installed, "PK-model-1.1.0");
  EXPECT_EQ(b_.install_args, "0='downgrade'");
  EXPECT_EQ(ReadInt(1, 7), 4);  // INSTALLED
  EXPECT_EQ(ReadInt(1, 9), 2);  // installed
  EXPECT_EQ(ReadInt(1, 12), 0);
  EXPECT_EQ(Exec(1, 10), CoapCode::kChanged);
  sw_->Poll();
  EXPECT_TRUE(b_.active);
  EXPECT_EQ(ReadInt(1, 12), 1);
  EXPECT_EQ(Exec(1, 10), CoapCode::kChanged);  // again: no-op
  EXPECT_EQ(Exec(1, 11), CoapCode::kChanged);
  EXPECT_FALSE(b_.active);
  EXPECT_EQ(ReadInt(1, 12), 0);
  EXPECT_EQ(Exec(1, 6), CoapCode::kChanged);
  EXPECT_TRUE(b_.uninstalled);
  EXPECT_EQ(ReadInt(1, 7), 0);
  EXPECT_EQ(ReadInt(1, 9), 0);
  // Observers heard each state (0->1->3->4->0 is four changes at least) and activation twice.
  EXPECT_GE(Changes(1, 7), 4);
  EXPECT_EQ(Changes(1, 12), 2);
  EXPECT_GE(Changes(1, 9), 4);
  EXPECT_EQ(Changes(0, 7), 0);
}

TEST_F(SoftwareObjectTest, RefusedPackageLeavesInitialWithItsResultAndReason) {
  EXPECT_EQ(Push(0, "XX-tampered"), CoapCode::kChanged);  // the verdict is in Update Result
  EXPECT_EQ(ReadInt(0, 7), 0);
  EXPECT_EQ(ReadInt(0, 9), 53);
  EXPECT_EQ(ReadText(0, 16), "the digest does not match");
  EXPECT_GE(Changes(0, 16), 1);
  EXPECT_EQ(Push(0, std::string(65, 'P')), CoapCode::kChanged);
  EXPECT_EQ(ReadInt(0, 9), 50);  // over max_size: not enough storage, verify not called
  EXPECT_EQ(a_.verified, 1);
  EXPECT_EQ(Exec(0, 4), CoapCode::kMethodNotAllowed);  // nothing to install
  // A good package afterwards clears the reason.
  EXPECT_EQ(Push(0, "PK"), CoapCode::kChanged);
  EXPECT_EQ(ReadInt(0, 9), 3);
  EXPECT_EQ(ReadText(0, 16), "<none>");
}

TEST_F(SoftwareObjectTest, WrongStateAnswers) {
  EXPECT_EQ(Exec(0, 10), CoapCode::kMethodNotAllowed);
  EXPECT_EQ(Exec(0, 11), CoapCode::kMethodNotAllowed);
  EXPECT_EQ(Exec(0, 6), CoapCode::kMethodNotAllowed);
  EXPECT_EQ(Push(0, "PK1"), CoapCode::kChanged);
  EXPECT_EQ(Push(0, "PK2"), CoapCode::kBadRequest);  // one package per slot: uninstall first
  EXPECT_EQ(Push(0, ""), CoapCode::kChanged);        // an empty write cancels it
  EXPECT_EQ(ReadInt(0, 7), 0);
  EXPECT_EQ(Push(0, "PK2"), CoapCode::kChanged);
  EXPECT_EQ(Exec(0, 4), CoapCode::kChanged);
  EXPECT_EQ(Exec(0, 6), CoapCode::kMethodNotAllowed);  // installing
  sw_->Poll();
  EXPECT_EQ(Push(0, ""), CoapCode::kBadRequest);  // installed: Uninstall is the way
  EXPECT_EQ(Exec(2, 4), CoapCode::kNotFound);
}

TEST_F(SoftwareObjectTest, FailedInstallStaysDeliveredWithResult58) {
  b_.fail_install = true;
  EXPECT_EQ(Push(1, "PK"), CoapCode::kChanged);
  EXPECT_EQ(Exec(1, 4), CoapCode::kChanged);
  sw_->Poll();
  EXPECT_EQ(ReadInt(1, 7), 3);
  EXPECT_EQ(ReadInt(1, 9), 58);
  EXPECT_EQ(ReadText(1, 16), "golden window 2 classified as shake");
  b_.fail_install = false;  // the server may retry
  EXPECT_EQ(Exec(1, 4), CoapCode::kChanged);
  sw_->Poll();
  EXPECT_EQ(ReadInt(1, 7), 4);
  EXPECT_EQ(ReadInt(1, 9), 2);
}

TEST_F(SoftwareObjectTest, FailedActivationRollsBack) {
  b_.fail_activate = true;
  EXPECT_EQ(Push(1, "PK"), CoapCode::kChanged);
  EXPECT_EQ(Exec(1, 4), CoapCode::kChanged);
  sw_->Poll();
  EXPECT_EQ(Exec(1, 10), CoapCode::kChanged);
  sw_->Poll();
  ASSERT_EQ(b_.rollbacks.size(), 1u);
  EXPECT_EQ(b_.rollbacks[0], "the classifier did not start");
  EXPECT_EQ(ReadInt(1, 12), 0);
  EXPECT_EQ(ReadInt(1, 7), 4);
  EXPECT_EQ(ReadInt(1, 9), 57);
  EXPECT_EQ(ReadText(1, 16), "the classifier did not start");
}

TEST_F(SoftwareObjectTest, ProbationRollbackAndHandOverAreReported) {
  ASSERT_EQ(Push(1, "PK"), CoapCode::kChanged);
  ASSERT_EQ(Exec(1, 4), CoapCode::kChanged);
  sw_->Poll();
  ASSERT_EQ(Exec(1, 10), CoapCode::kChanged);
  sw_->Poll();
  ASSERT_EQ(ReadInt(1, 12), 1);
  // The device gave up on slot B after its probation.
  EXPECT_TRUE(sw_->pipeline(1).RolledBack("mean confidence 0.41 < 0.55 over 20 windows"));
  EXPECT_EQ(ReadInt(1, 12), 0);
  EXPECT_EQ(ReadInt(1, 9), 57);
  EXPECT_EQ(ReadText(1, 16), "mean confidence 0.41 < 0.55 over 20 windows");
  EXPECT_TRUE(b_.active) << "RolledBack does not call deactivate: the app already went back";
  ASSERT_EQ(Exec(1, 10), CoapCode::kChanged);
  sw_->Poll();
  EXPECT_TRUE(sw_->pipeline(1).Stopped());  // another slot took over
  EXPECT_EQ(ReadInt(1, 12), 0);
  EXPECT_EQ(ReadInt(1, 9), 57) << "a plain hand-over keeps the last result";
}

TEST(SoftwarePullTest, PackageUriDownloadsBlockWise) {
  std::vector<uint8_t> blob = MakeBlob(3000);
  blob[0] = 'P';
  blob[1] = 'K';
  BlobServer server(blob);
  FakeSlot slot;
  UpdateHandler h = slot.Handler();
  h.max_size = 8192;
  SoftwareManagementObject sw({std::move(h)});
  Registry reg;
  reg.Add(&sw);
  auto write_uri = [&](const std::string& uri) {
    DmRequest r;
    r.method = CoapMethod::kPut;
    r.uri_path = {"9", "0", "3"};
    r.content_format = static_cast<uint16_t>(lwm2m::ContentFormat::kPlainText);
    r.payload.assign(uri.begin(), uri.end());
    return HandleDmRequest(reg, r).code;
  };
  const std::string base = "coap://127.0.0.1:" + std::to_string(server.port());
  ASSERT_EQ(write_uri(base + "/fw/image"), CoapCode::kChanged);
  EXPECT_EQ(sw.state(0), SwState::kDownloadStarted);
  EXPECT_EQ(sw.result(0), SwResult::kDownloading);
  for (int i = 0; i < 4000 && sw.state(0) == SwState::kDownloadStarted; ++i) {
    server.Pump(2);
    sw.Poll();
  }
  EXPECT_EQ(sw.state(0), SwState::kDelivered);
  EXPECT_EQ(sw.result(0), SwResult::kDelivered);
  EXPECT_EQ(sw.pipeline(0).package(), blob);
  // 3000 bytes exceed one datagram (libcoap's 1152-byte PDU), so it went
  // block-wise: libcoap answered the later blocks from its copy.
  EXPECT_EQ(server.requests(), 1);

  ASSERT_EQ(sw.pipeline(0).Cancel(), true);
  ASSERT_EQ(write_uri(base + "/fw/missing"), CoapCode::kChanged);
  for (int i = 0; i < 4000 && sw.state(0) == SwState::kDownloadStarted; ++i) {
    server.Pump(2);
    sw.Poll();
  }
  EXPECT_EQ(sw.state(0), SwState::kInitial);
  EXPECT_EQ(sw.result(0), SwResult::kConnectionLost);
  EXPECT_NE(sw.status_reason(0).find("4.04"), std::string::npos) << sw.status_reason(0);

  EXPECT_EQ(write_uri("http://example.com/pkg"), CoapCode::kChanged);
  EXPECT_EQ(sw.result(0), SwResult::kInvalidUri);
  EXPECT_EQ(write_uri("coap://" + std::string(300, 'h')), CoapCode::kChanged);
  EXPECT_EQ(sw.result(0), SwResult::kInvalidUri);
}

}  // namespace
}  // namespace lwcl::client
