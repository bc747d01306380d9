#include "client/firmware_update_object.h"

#include <utility>

namespace lwcl::client {

using lwm2m::CoapCode;
using lwm2m::IsSuccess;

using lwm2m::DataType;
using lwm2m::Operations;
using lwm2m::Path;
using lwm2m::Record;
using lwm2m::Value;

namespace {

constexpr uint16_t kPackage = 0;
constexpr uint16_t kPackageUri = 1;
constexpr uint16_t kUpdate = 2;
constexpr uint16_t kState = 3;
constexpr uint16_t kUpdateResult = 5;
constexpr uint16_t kPkgName = 6;
constexpr uint16_t kPkgVersion = 7;
constexpr uint16_t kProtocolSupport = 8;
constexpr uint16_t kDeliveryMethod = 9;

constexpr int64_t kProtocolCoap = 0;
constexpr int64_t kProtocolCoaps = 1;  // with DTLS-PSK credentials for the downloader
constexpr int64_t kDeliveryBoth = 2;

FwResult VerifyResult(uint8_t r) {
  switch (static_cast<FwResult>(r)) {
    case FwResult::kInitial:
    case FwResult::kNotEnoughFlash:
    case FwResult::kOutOfRam:
    case FwResult::kIntegrityFailure:
    case FwResult::kUnsupportedPackageType:
      return static_cast<FwResult>(r);
    default:
      return FwResult::kIntegrityFailure;
  }
}

// The pipeline's failure as /5's Update Result.
FwResult ToFwResult(UpdateError e, FwResult otherwise) {
  switch (e) {
    case UpdateError::kNone:
      return FwResult::kInitial;
    case UpdateError::kNoStorage:
      return FwResult::kNotEnoughFlash;
    case UpdateError::kOutOfRam:
      return FwResult::kOutOfRam;
    case UpdateError::kConnectionLost:
      return FwResult::kConnectionLost;
    case UpdateError::kIntegrity:
      return FwResult::kIntegrityFailure;
    case UpdateError::kUnsupportedType:
      return FwResult::kUnsupportedPackageType;
    case UpdateError::kInvalidUri:
      return FwResult::kInvalidUri;
    case UpdateError::kUnsupportedProtocol:
      return FwResult::kUnsupportedProtocol;
    case UpdateError::kInstallFailed:
      return FwResult::kUpdateFailed;
    default:
      return otherwise;
  }
}

// The application's /5 handler as pipeline steps.
UpdateHandler PipelineSteps(const FirmwareHandler& h) {
  UpdateHandler u;
  u.max_size = h.max_size;
  if (h.verify) {
    u.verify = [verify = h.verify](std::span<const uint8_t> image) {
      const FwResult r = VerifyResult(verify(image));
      if (r == FwResult::kInitial) return UpdateVerdict::Ok();
      return UpdateVerdict::Fail(FromFwResult(r), "the image was refused");
    };
  }
  if (h.apply) {
    u.install = [apply = h.apply](std::span<const uint8_t> image, std::string_view) {
      const uint8_t r = apply(image);
      if (r == 0) return UpdateVerdict::Later();
      if (static_cast<FwResult>(r) == FwResult::kSuccess) return UpdateVerdict::Ok();
      return UpdateVerdict::Fail(FromFwResult(static_cast<FwResult>(r)), "the update failed");
    };
  }
  return u;
}

Record Rec(Path p, Value v) {
  Record r;
  r.path = p;
  r.value = std::move(v);
  return r;
}

}  // namespace

FirmwareUpdateObject::FirmwareUpdateObject(FirmwareHandler handler, DownloadOptions download)
    : Object(kObjectId, false,
             {
                 {kPackage, Operations::kWrite, DataType::kOpaque, false},
                 {kPackageUri, Operations::kReadWrite, DataType::kString, false},
                 {kUpdate, Operations::kExecute, DataType::kNone, false},
                 {kState, Operations::kRead, DataType::kInteger, false},
                 {kUpdateResult, Operations::kRead, DataType::kInteger, false},
                 {kPkgName, Operations::kRead, DataType::kString, false},
                 {kPkgVersion, Operations::kRead, DataType::kString, false},
                 {kProtocolSupport, Operations::kRead, DataType::kInteger, true},
                 {kDeliveryMethod, Operations::kRead, DataType::kInteger, false},
             }),
      pipeline_(PipelineSteps(handler), download),
      name_(handler.pkg_name),
      version_(handler.pkg_version) {
  pipeline_.SetListener([this](const UpdateEvent& e) { OnPipeline(e); });
}

void FirmwareUpdateObject::SetPackageInfo(std::string name, std::string version) {
  const bool was_shown = HoldsImage();
  const bool name_changed = name != name_;
  const bool version_changed = version != version_;
  name_ = std::move(name);
  version_ = std::move(version);
  if (was_shown && name_changed) MarkChanged(Path::Resource(kObjectId, 0, kPkgName));
  if (was_shown && version_changed) MarkChanged(Path::Resource(kObjectId, 0, kPkgVersion));
}

CoapCode FirmwareUpdateObject::Apply(FwEvent event, FwResult detail) {
  const FwTransition t = machine_.Handle(event, detail);
  if (t.state_changed) MarkChanged(Path::Resource(kObjectId, 0, kState));
  if (t.result_changed) MarkChanged(Path::Resource(kObjectId, 0, kUpdateResult));
  return t.code;
}

std::vector<uint16_t> FirmwareUpdateObject::PresentResources(uint16_t) const {
  std::vector<uint16_t> ids = {kPackage, kPackageUri, kUpdate, kState, kUpdateResult};
  if (HoldsImage() && !name_.empty()) ids.push_back(kPkgName);
  if (HoldsImage() && !version_.empty()) ids.push_back(kPkgVersion);
  ids.push_back(kProtocolSupport);
  ids.push_back(kDeliveryMethod);
  return ids;
}

CoapCode FirmwareUpdateObject::Read(uint16_t iid, uint16_t rid, std::vector<Record>* out) {
  if (iid != 0) return CoapCode::kNotFound;
  const Path p = Path::Resource(kObjectId, 0, rid);
  switch (rid) {
    case kPackageUri:
      out->push_back(Rec(p, uri_));
      return CoapCode::kContent;
    case kState:
      out->push_back(Rec(p, static_cast<int64_t>(state())));
      return CoapCode::kContent;
    case kUpdateResult:
      out->push_back(Rec(p, static_cast<int64_t>(result())));
      return CoapCode::kContent;
    case kPkgName:
      if (!HoldsImage() || name_.empty()) return CoapCode::kNotFound;
      out->push_back(Rec(p, name_));
      return CoapCode::kContent;
    case kPkgVersion:
      if (!HoldsImage() || version_.empty()) return CoapCode::kNotFound;
      out->push_back(Rec(p, version_));
      return CoapCode::kContent;
    case kProtocolSupport:
      out->push_back(Rec(Path::ResourceInstance(kObjectId, 0, rid, 0), kProtocolCoap));
      if (!pipeline_.download_options().psk_key.empty()) {
        out->push_back(Rec(Path::ResourceInstance(kObjectId, 0, rid, 1), kProtocolCoaps));
      }
      return CoapCode::kContent;
    case kDeliveryMethod:
      out->push_back(Rec(p, kDeliveryBoth));
      return CoapCode::kContent;
    default:
      return CoapCode::kMethodNotAllowed;
  }
}

CoapCode FirmwareUpdateObject::Write(uint16_t iid, const Record& record) {
  if (iid != 0) return CoapCode::kNotFound;
  switch (record.path.resource()) {
    case kPackage:
      if (const auto* data = std::get_if<lwm2m::Opaque>(&record.value)) return WritePackage(*data);
      return CoapCode::kBadRequest;
    case kPackageUri:
      if (const auto* s = std::get_if<std::string>(&record.value)) return WriteUri(*s);
      return CoapCode::kBadRequest;
    default:
      return CoapCode::kMethodNotAllowed;
  }
}

void FirmwareUpdateObject::Reset() { pipeline_.Cancel(); }

CoapCode FirmwareUpdateObject::WritePackage(const std::vector<uint8_t>& data) {
  // Some content formats cannot carry an empty opaque; one 0x00 byte stands for it.
  if (data.empty() || (data.size() == 1 && data[0] == 0)) {
    const CoapCode c = Apply(FwEvent::kReset);
    if (IsSuccess(c)) Reset();
    return c;
  }
  const CoapCode c = Apply(FwEvent::kPackageWritten);
  if (!IsSuccess(c)) return c;
  pipeline_.Receive(data);
  return CoapCode::kChanged;
}

CoapCode FirmwareUpdateObject::WriteUri(const std::string& uri) {
  if (uri.empty()) {
    const CoapCode c = Apply(FwEvent::kReset);
    if (IsSuccess(c)) {
      Reset();
      uri_.clear();
    }
    return c;
  }
  DownloadUri parsed;
  const FwResult parse = uri.size() > kMaxUriLength ? FwResult::kInvalidUri : ParseDownloadUri(uri, &parsed);
  if (parse != FwResult::kInitial) {
    // The Write succeeds; the problem is reported through Update Result.
    const CoapCode c = Apply(FwEvent::kUriRejected, parse);
    if (IsSuccess(c)) uri_ = uri;
    return c;
  }
  const CoapCode c = Apply(FwEvent::kUriWritten);
  if (!IsSuccess(c)) return c;
  uri_ = uri;
  pipeline_.Fetch(uri);  // a failure to start reaches OnPipeline
  return CoapCode::kChanged;
}

void FirmwareUpdateObject::OnPipeline(const UpdateEvent& e) {
  switch (e.to) {
    case UpdatePhase::kHeld:
      if (e.from == UpdatePhase::kInstalling) {
        Apply(FwEvent::kUpdateFailed, ToFwResult(e.error, FwResult::kUpdateFailed));
        return;
      }
      Apply(FwEvent::kDownloadSucceeded);
      if (!name_.empty()) MarkChanged(Path::Resource(kObjectId, 0, kPkgName));
      if (!version_.empty()) MarkChanged(Path::Resource(kObjectId, 0, kPkgVersion));
      return;
    case UpdatePhase::kEmpty:
      if (e.error != UpdateError::kNone) Apply(FwEvent::kDownloadFailed, ToFwResult(e.error, FwResult::kIntegrityFailure));
      return;
    case UpdatePhase::kInstalled:
      // Firmware has no separate activation: installed is done, and the
      // image is dropped (Idle, result 1).
      Apply(FwEvent::kUpdateSucceeded);
      pipeline_.Cancel();
      return;
    default:
      return;
  }
}

CoapCode FirmwareUpdateObject::Execute(uint16_t iid, uint16_t rid, std::string_view) {
  if (iid != 0 || rid != kUpdate) return CoapCode::kMethodNotAllowed;
  const CoapCode c = Apply(FwEvent::kExecuteUpdate);
  if (IsSuccess(c)) pipeline_.RequestInstall();
  return c;
}

void FirmwareUpdateObject::Poll() { pipeline_.Poll(); }

void FirmwareUpdateObject::FinishUpdate(uint8_t result) {
  if (state() != FwState::kUpdating) return;
  if (static_cast<FwResult>(result) == FwResult::kSuccess) {
    pipeline_.FinishInstall(UpdateVerdict::Ok());
  } else {
    pipeline_.FinishInstall(UpdateVerdict::Fail(FromFwResult(static_cast<FwResult>(result)), "the update failed"));
  }
}

}  // namespace lwcl::client
