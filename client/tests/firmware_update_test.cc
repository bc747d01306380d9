#include "client/firmware_update.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "client/dm_request.h"
#include "client/firmware_update_object.h"
#include "lwm2m/content_format.h"

namespace lwcl::client {

using lwm2m::CoapCode;
namespace {

constexpr FwState kStates[] = {FwState::kIdle, FwState::kDownloading, FwState::kDownloaded, FwState::kUpdating};
constexpr FwEvent kEvents[] = {FwEvent::kPackageWritten, FwEvent::kUriWritten,        FwEvent::kUriRejected,
                               FwEvent::kReset,          FwEvent::kExecuteUpdate,     FwEvent::kDownloadSucceeded,
                               FwEvent::kDownloadFailed, FwEvent::kUpdateSucceeded,   FwEvent::kUpdateFailed};
static_assert(sizeof(kEvents) / sizeof(kEvents[0]) == kFwEventCount);

// The expected outcome of one (state, event) pair; `detail` is the failure
// result the event carries in the table below.
struct Row {
  FwState from;
  FwEvent event;
  FwResult detail;
  CoapCode code;
  FwState to;
  FwResult result;  // kInitial when the prior result should be kept is marked by `keeps_result`
  bool keeps_result;
};

constexpr FwResult k0 = FwResult::kInitial;
constexpr CoapCode kOk = CoapCode::kChanged;
constexpr CoapCode k405 = CoapCode::kMethodNotAllowed;
constexpr CoapCode k400 = CoapCode::kBadRequest;

// Every state x event, LwM2M 1.1 Core E.6.1. Prior result for every row is
// kConnectionLost (4), so "keeps" is visible.
const Row kTable[] = {
    // Idle
    {FwState::kIdle, FwEvent::kPackageWritten, k0, kOk, FwState::kDownloading, k0, false},
    {FwState::kIdle, FwEvent::kUriWritten, k0, kOk, FwState::kDownloading, k0, false},
    {FwState::kIdle, FwEvent::kUriRejected, FwResult::kUnsupportedProtocol, kOk, FwState::kIdle,
     FwResult::kUnsupportedProtocol, false},
    {FwState::kIdle, FwEvent::kReset, k0, kOk, FwState::kIdle, k0, false},
    {FwState::kIdle, FwEvent::kExecuteUpdate, k0, k405, FwState::kIdle, k0, true},
    {FwState::kIdle, FwEvent::kDownloadSucceeded, k0, k405, FwState::kIdle, k0, true},
    {FwState::kIdle, FwEvent::kDownloadFailed, FwResult::kIntegrityFailure, k405, FwState::kIdle, k0, true},
    {FwState::kIdle, FwEvent::kUpdateSucceeded, k0, k405, FwState::kIdle, k0, true},
    {FwState::kIdle, FwEvent::kUpdateFailed, FwResult::kUpdateFailed, k405, FwState::kIdle, k0, true},
    // Downloading
    {FwState::kDownloading, FwEvent::kPackageWritten, k0, k400, FwState::kDownloading, k0, true},
    {FwState::kDownloading, FwEvent::kUriWritten, k0, k400, FwState::kDownloading, k0, true},
    {FwState::kDownloading, FwEvent::kUriRejected, FwResult::kInvalidUri, k400, FwState::kDownloading, k0, true},
    {FwState::kDownloading, FwEvent::kReset, k0, kOk, FwState::kIdle, k0, false},
    {FwState::kDownloading, FwEvent::kExecuteUpdate, k0, k405, FwState::kDownloading, k0, true},
    {FwState::kDownloading, FwEvent::kDownloadSucceeded, k0, kOk, FwState::kDownloaded, k0, false},
    {FwState::kDownloading, FwEvent::kDownloadFailed, FwResult::kNotEnoughFlash, kOk, FwState::kIdle,
     FwResult::kNotEnoughFlash, false},
    {FwState::kDownloading, FwEvent::kUpdateSucceeded, k0, k405, FwState::kDownloading, k0, true},
    {FwState::kDownloading, FwEvent::kUpdateFailed, FwResult::kUpdateFailed, k405, FwState::kDownloading, k0, true},
    // Downloaded
    {FwState::kDownloaded, FwEvent::kPackageWritten, k0, k400, FwState::kDownloaded, k0, true},
    {FwState::kDownloaded, FwEvent::kUriWritten, k0, k400, FwState::kDownloaded, k0, true},
    {FwState::kDownloaded, FwEvent::kUriRejected, FwResult::kInvalidUri, k400, FwState::kDownloaded, k0, true},
    {FwState::kDownloaded, FwEvent::kReset, k0, kOk, FwState::kIdle, k0, false},
    {FwState::kDownloaded, FwEvent::kExecuteUpdate, k0, kOk, FwState::kUpdating, k0, false},
    {FwState::kDownloaded, FwEvent::kDownloadSucceeded, k0, k405, FwState::kDownloaded, k0, true},
    {FwState::kDownloaded, FwEvent::kDownloadFailed, FwResult::kIntegrityFailure, k405, FwState::kDownloaded, k0,
     true},
    {FwState::kDownloaded, FwEvent::kUpdateSucceeded, k0, k405, FwState::kDownloaded, k0, true},
    {FwState::kDownloaded, FwEvent::kUpdateFailed, FwResult::kUpdateFailed, k405, FwState::kDownloaded, k0, true},
    // Updating
    {FwState::kUpdating, FwEvent::kPackageWritten, k0, k405, FwState::kUpdating, k0, true},
    {FwState::kUpdating, FwEvent::kUriWritten, k0, k405, FwState::kUpdating, k0, true},
    {FwState::kUpdating, FwEvent::kUriRejected, FwResult::kInvalidUri, k405, FwState::kUpdating, k0, true},
    {FwState::kUpdating, FwEvent::kReset, k0, k405, FwState::kUpdating, k0, true},
    {FwState::kUpdating, FwEvent::kExecuteUpdate, k0, k405, FwState::kUpdating, k0, true},
    {FwState::kUpdating, FwEvent::kDownloadSucceeded, k0, k405, FwState::kUpdating, k0, true},
    {FwState::kUpdating, FwEvent::kDownloadFailed, FwResult::kConnectionLost, k405, FwState::kUpdating, k0, true},
    {FwState::kUpdating, FwEvent::kUpdateSucceeded, k0, kOk, FwState::kIdle, FwResult::kSuccess, false},
    {FwState::kUpdating, FwEvent::kUpdateFailed, FwResult::kUpdateFailed, kOk, FwState::kDownloaded,
     FwResult::kUpdateFailed, false},
};

TEST(FirmwareUpdateMachineTest, TableCoversEveryStateAndEvent) {
  int covered[4][kFwEventCount] = {};
  for (const Row& r : kTable) ++covered[static_cast<int>(r.from)][static_cast<int>(r.event)];
  for (FwState s : kStates) {
    for (FwEvent e : kEvents) {
      EXPECT_EQ(covered[static_cast<int>(s)][static_cast<int>(e)], 1)
          << FwStateName(s) << " event " << static_cast<int>(e);
    }
  }
}

TEST(FirmwareUpdateMachineTest, EveryStateTimesEveryEvent) {
  const FwResult prior = FwResult::kConnectionLost;
  for (const Row& r : kTable) {
    FirmwareUpdateMachine m(r.from, prior);
    const FwTransition t = m.Handle(r.event, r.detail);
    const std::string where = std::string(FwStateName(r.from)) + " event " + std::to_string(static_cast<int>(r.event));
    EXPECT_EQ(t.code, r.code) << where;
    EXPECT_EQ(m.state(), r.to) << where;
    const FwResult want = r.keeps_result ? prior : r.result;
    EXPECT_EQ(m.result(), want) << where;
    EXPECT_EQ(t.state_changed, r.to != r.from) << where;
    EXPECT_EQ(t.result_changed, want != prior) << where;
  }
}

TEST(FirmwareUpdateMachineTest, StartsIdleWithInitialResult) {
  FirmwareUpdateMachine m;
  EXPECT_EQ(m.state(), FwState::kIdle);
  EXPECT_EQ(m.result(), FwResult::kInitial);
}

TEST(FirmwareUpdateMachineTest, PushThenUpdateSucceeds) {
  FirmwareUpdateMachine m;
  EXPECT_EQ(m.Handle(FwEvent::kPackageWritten).code, CoapCode::kChanged);
  EXPECT_EQ(m.Handle(FwEvent::kDownloadSucceeded).code, CoapCode::kChanged);
  EXPECT_EQ(m.state(), FwState::kDownloaded);
  EXPECT_EQ(m.Handle(FwEvent::kExecuteUpdate).code, CoapCode::kChanged);
  EXPECT_EQ(m.state(), FwState::kUpdating);
  m.Handle(FwEvent::kUpdateSucceeded);
  EXPECT_EQ(m.state(), FwState::kIdle);
  EXPECT_EQ(m.result(), FwResult::kSuccess);
  // A new download clears the old result.
  m.Handle(FwEvent::kUriWritten);
  EXPECT_EQ(m.state(), FwState::kDownloading);
  EXPECT_EQ(m.result(), FwResult::kInitial);
}

TEST(FirmwareUpdateMachineTest, FailureDetailsOutsideTheirRangeFallBack) {
  {
    FirmwareUpdateMachine m(FwState::kDownloading, FwResult::kInitial);
    m.Handle(FwEvent::kDownloadFailed, FwResult::kSuccess);  // not a download failure
    EXPECT_EQ(m.result(), FwResult::kConnectionLost);
  }
  {
    FirmwareUpdateMachine m(FwState::kDownloading, FwResult::kInitial);
    m.Handle(FwEvent::kDownloadFailed, FwResult::kUnsupportedProtocol);
    EXPECT_EQ(m.result(), FwResult::kUnsupportedProtocol);
  }
  {
    FirmwareUpdateMachine m(FwState::kUpdating, FwResult::kInitial);
    m.Handle(FwEvent::kUpdateFailed, FwResult::kConnectionLost);  // not an update failure
    EXPECT_EQ(m.result(), FwResult::kUpdateFailed);
    EXPECT_EQ(m.state(), FwState::kDownloaded);
  }
  {
    FirmwareUpdateMachine m(FwState::kUpdating, FwResult::kInitial);
    m.Handle(FwEvent::kUpdateFailed, FwResult::kIntegrityFailure);
    EXPECT_EQ(m.result(), FwResult::kIntegrityFailure);
  }
  {
    FirmwareUpdateMachine m;
    m.Handle(FwEvent::kUriRejected, FwResult::kConnectionLost);  // a rejected URI is 7 or 9
    EXPECT_EQ(m.result(), FwResult::kInvalidUri);
    EXPECT_EQ(m.state(), FwState::kIdle);
  }
}


// ---- The /5 object over the DM dispatch (push mode) ----

class FirmwareObjectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FirmwareHandler h;
    h.verify = [this](std::span<const uint8_t> img) -> uint8_t {
      ++verified_;
      if (img.size() >= 2 && img[0] == 'F' && img[1] == 'W') return 0;
      if (!img.empty() && img[0] == 'T') return 6;  // a type we do not take
      return 5;
    };
    h.apply = [this](std::span<const uint8_t> img) -> uint8_t {
      applied_.assign(img.begin(), img.end());
      return apply_result_;
    };
    h.pkg_name = "lwcl-fw";
    h.pkg_version = "2.0.0";
    h.max_size = 64;
    fw_ = std::make_unique<FirmwareUpdateObject>(std::move(h));
    reg_.Add(fw_.get());
    reg_.SetChangeListener([this](const lwm2m::Path& p) { changed_.push_back(p); });
  }

  DmResponse Put(const std::string& rid, std::vector<uint8_t> body, uint16_t format) {
    DmRequest r;
    r.method = CoapMethod::kPut;
    r.uri_path = {"5", "0", rid};
    r.content_format = format;
    r.payload = std::move(body);
    return HandleDmRequest(reg_, r);
  }
  DmResponse PutPackage(const std::string& body) {
    return Put("0", std::vector<uint8_t>(body.begin(), body.end()),
               static_cast<uint16_t>(lwm2m::ContentFormat::kOpaque));
  }
  DmResponse PutUri(const std::string& uri) {
    return Put("1", std::vector<uint8_t>(uri.begin(), uri.end()),
               static_cast<uint16_t>(lwm2m::ContentFormat::kPlainText));
  }
  DmResponse Exec(const std::string& rid) {
    DmRequest r;
    r.method = CoapMethod::kPost;
    r.uri_path = {"5", "0", rid};
    return HandleDmRequest(reg_, r);
  }
  std::string ReadText(const std::string& rid) {
    DmRequest r;
    r.uri_path = {"5", "0", rid};
    DmResponse resp = HandleDmRequest(reg_, r);
    return std::string(resp.payload.begin(), resp.payload.end());
  }
  int64_t ReadInt(uint16_t rid) {
    std::vector<lwm2m::Record> out;
    EXPECT_EQ(reg_.Read(lwm2m::Path::Resource(5, 0, rid), &out), CoapCode::kContent);
    if (out.size() != 1) return -1;
    return std::get<int64_t>(out[0].value);
  }
  bool Changed(uint16_t rid) const {
    return std::find(changed_.begin(), changed_.end(), lwm2m::Path::Resource(5, 0, rid)) != changed_.end();
  }

  Registry reg_;
  std::unique_ptr<FirmwareUpdateObject> fw_;
  std::vector<lwm2m::Path> changed_;
  int verified_ = 0;
  std::vector<uint8_t> applied_;
  uint8_t apply_result_ = 1;
};

TEST_F(FirmwareObjectTest, StartsIdleAndDescribesItself) {
  EXPECT_EQ(ReadInt(3), 0);
  EXPECT_EQ(ReadInt(5), 0);
  EXPECT_EQ(ReadInt(9), 2);  // push and pull
  std::vector<lwm2m::Record> out;
  EXPECT_EQ(reg_.Read(lwm2m::Path::Resource(5, 0, 8), &out), CoapCode::kContent);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].value, lwm2m::Value(int64_t{0}));  // CoAP
  // No image: no name or version.
  out.clear();
  EXPECT_EQ(reg_.Read(lwm2m::Path::Resource(5, 0, 6), &out), CoapCode::kNotFound);
  // Package is write-only.
  EXPECT_EQ(reg_.Read(lwm2m::Path::Resource(5, 0, 0), &out), CoapCode::kMethodNotAllowed);
  EXPECT_EQ(ReadText("1"), "");
}

TEST_F(FirmwareObjectTest, PushWriteExecuteSucceeds) {
  EXPECT_EQ(PutPackage("FW-image-v2").code, CoapCode::kChanged);
  EXPECT_EQ(fw_->state(), FwState::kDownloaded);
  EXPECT_EQ(ReadInt(3), 2);
  EXPECT_EQ(ReadInt(5), 0);
  EXPECT_EQ(verified_, 1);
  EXPECT_TRUE(Changed(3));
  EXPECT_EQ(ReadText("6"), "lwcl-fw");
  EXPECT_EQ(ReadText("7"), "2.0.0");

  changed_.clear();
  EXPECT_EQ(Exec("2").code, CoapCode::kChanged);
  EXPECT_EQ(ReadInt(3), 3);  // Updating until the next Poll
  EXPECT_TRUE(applied_.empty());
  fw_->Poll();
  EXPECT_EQ(std::string(applied_.begin(), applied_.end()), "FW-image-v2");
  EXPECT_EQ(ReadInt(3), 0);
  EXPECT_EQ(ReadInt(5), 1);
  EXPECT_TRUE(Changed(3));
  EXPECT_TRUE(Changed(5));
  EXPECT_TRUE(fw_->image().empty());
}

TEST_F(FirmwareObjectTest, BadImagesLeaveIdleWithTheirResult) {
  EXPECT_EQ(PutPackage("garbage").code, CoapCode::kChanged);  // errors go to Update Result
  EXPECT_EQ(ReadInt(3), 0);
  EXPECT_EQ(ReadInt(5), 5);  // integrity check failure
  EXPECT_TRUE(Changed(5));
  EXPECT_EQ(PutPackage("Tarball").code, CoapCode::kChanged);
  EXPECT_EQ(ReadInt(5), 6);  // unsupported package type
  EXPECT_EQ(PutPackage("FW" + std::string(100, 'x')).code, CoapCode::kChanged);
  EXPECT_EQ(ReadInt(5), 2);  // above max_size: not enough flash
  EXPECT_EQ(verified_, 2) << "an oversized image is refused before verify";
  // A good image afterwards still works and clears the result.
  EXPECT_EQ(PutPackage("FW1").code, CoapCode::kChanged);
  EXPECT_EQ(ReadInt(3), 2);
  EXPECT_EQ(ReadInt(5), 0);
}

TEST_F(FirmwareObjectTest, UpdateInWrongStateIsMethodNotAllowed) {
  EXPECT_EQ(Exec("2").code, CoapCode::kMethodNotAllowed);  // Idle
  PutPackage("FW1");
  EXPECT_EQ(Exec("2").code, CoapCode::kChanged);
  EXPECT_EQ(Exec("2").code, CoapCode::kMethodNotAllowed);  // Updating
  // Nothing may be written while updating, not even a reset.
  EXPECT_EQ(PutPackage("FW2").code, CoapCode::kMethodNotAllowed);
  EXPECT_EQ(Put("0", {}, static_cast<uint16_t>(lwm2m::ContentFormat::kOpaque)).code, CoapCode::kMethodNotAllowed);
  EXPECT_EQ(PutUri("").code, CoapCode::kMethodNotAllowed);
  fw_->Poll();
  EXPECT_EQ(ReadInt(3), 0);
}

TEST_F(FirmwareObjectTest, FailedUpdateGoesBackToDownloaded) {
  apply_result_ = 8;
  PutPackage("FW1");
  Exec("2");
  fw_->Poll();
  EXPECT_EQ(ReadInt(3), 2);
  EXPECT_EQ(ReadInt(5), 8);
  // The server may try again.
  apply_result_ = 1;
  EXPECT_EQ(Exec("2").code, CoapCode::kChanged);
  EXPECT_EQ(ReadInt(5), 0);
  fw_->Poll();
  EXPECT_EQ(ReadInt(5), 1);
}

TEST_F(FirmwareObjectTest, DeferredUpdateReportsLater) {
  apply_result_ = 0;  // "rebooting; will tell you"
  PutPackage("FW1");
  Exec("2");
  fw_->Poll();
  EXPECT_EQ(ReadInt(3), 3);
  fw_->FinishUpdate(1);
  EXPECT_EQ(ReadInt(3), 0);
  EXPECT_EQ(ReadInt(5), 1);
  fw_->FinishUpdate(8);  // not Updating any more: ignored
  EXPECT_EQ(ReadInt(5), 1);
}

TEST_F(FirmwareObjectTest, EmptyWritesResetToIdle) {
  PutPackage("FW1");
  ASSERT_EQ(ReadInt(3), 2);
  // An empty opaque Package resets.
  EXPECT_EQ(Put("0", {}, static_cast<uint16_t>(lwm2m::ContentFormat::kOpaque)).code, CoapCode::kChanged);
  EXPECT_EQ(ReadInt(3), 0);
  EXPECT_EQ(ReadInt(5), 0);
  EXPECT_TRUE(fw_->image().empty());
  // So does a single 0x00 byte, and an empty Package URI.
  PutPackage("FW1");
  EXPECT_EQ(Put("0", {0}, static_cast<uint16_t>(lwm2m::ContentFormat::kOpaque)).code, CoapCode::kChanged);
  EXPECT_EQ(ReadInt(3), 0);
  PutPackage("FW1");
  EXPECT_EQ(PutUri("").code, CoapCode::kChanged);
  EXPECT_EQ(ReadInt(3), 0);
  // A reset also clears an error result.
  PutPackage("bad");
  ASSERT_EQ(ReadInt(5), 5);
  EXPECT_EQ(PutUri("").code, CoapCode::kChanged);
  EXPECT_EQ(ReadInt(5), 0);
}

TEST_F(FirmwareObjectTest, NewPackageOutsideIdleIsBadRequest) {
  PutPackage("FW1");
  EXPECT_EQ(PutPackage("FW2").code, CoapCode::kBadRequest);
  EXPECT_EQ(PutUri("coap://127.0.0.1/fw").code, CoapCode::kBadRequest);
  EXPECT_EQ(std::string(fw_->image().begin(), fw_->image().end()), "FW1");
}

TEST_F(FirmwareObjectTest, UnusableUrisReportThroughUpdateResult) {
  EXPECT_EQ(PutUri("https://example.com/fw.bin").code, CoapCode::kChanged);
  EXPECT_EQ(ReadInt(3), 0);
  EXPECT_EQ(ReadInt(5), 9);  // unsupported protocol
  EXPECT_EQ(ReadText("1"), "https://example.com/fw.bin");
  EXPECT_EQ(PutUri("coaps://127.0.0.1/fw").code, CoapCode::kChanged);
  EXPECT_EQ(ReadInt(5), 9);
  EXPECT_EQ(PutUri("no uri at all").code, CoapCode::kChanged);
  EXPECT_EQ(ReadInt(5), 7);  // invalid URI
  EXPECT_EQ(PutUri("coap://h/" + std::string(300, 'a')).code, CoapCode::kChanged);
  EXPECT_EQ(ReadInt(5), 7);  // longer than 255
  EXPECT_FALSE(fw_->busy());
}

TEST_F(FirmwareObjectTest, ResetCancelsAPullDownload) {
  // Nobody answers at this address within the test: the reset must stop it.
  EXPECT_EQ(PutUri("coap://127.0.0.1:9/fw").code, CoapCode::kChanged);
  EXPECT_EQ(ReadInt(3), 1);  // Downloading
  EXPECT_TRUE(fw_->busy());
  EXPECT_EQ(PutUri("").code, CoapCode::kChanged);
  EXPECT_EQ(ReadInt(3), 0);
  EXPECT_EQ(ReadInt(5), 0);
  EXPECT_FALSE(fw_->busy());
  EXPECT_EQ(ReadText("1"), "");
}

}  // namespace
}  // namespace lwcl::client
