#include "client/software_management_object.h"

#include <utility>

namespace lwcl::client {

using lwm2m::CoapCode;
using lwm2m::DataType;
using lwm2m::IsSuccess;
using lwm2m::Operations;
using lwm2m::Path;
using lwm2m::Record;

namespace {

constexpr uint16_t kPkgName = 0;
constexpr uint16_t kPkgVersion = 1;
constexpr uint16_t kPackage = 2;
constexpr uint16_t kPackageUri = 3;
constexpr uint16_t kInstall = 4;
constexpr uint16_t kUninstall = 6;
constexpr uint16_t kUpdateState = 7;
constexpr uint16_t kUpdateResult = 9;
constexpr uint16_t kActivate = 10;
constexpr uint16_t kDeactivate = 11;
constexpr uint16_t kActivationState = 12;
constexpr uint16_t kStatusReason = 16;

Record Rec(Path p, lwm2m::Value v) {
  Record r;
  r.path = p;
  r.value = std::move(v);
  return r;
}

// Some content formats cannot carry an empty value; one 0x00 byte stands for it.
bool IsEmptyValue(const std::vector<uint8_t>& data) { return data.empty() || (data.size() == 1 && data[0] == 0); }

}  // namespace

SoftwareManagementObject::SoftwareManagementObject(std::vector<UpdateHandler> slots, DownloadOptions download)
    : Object(kObjectId, true,
             {
                 {kPkgName, Operations::kRead, DataType::kString, false},
                 {kPkgVersion, Operations::kRead, DataType::kString, false},
                 {kPackage, Operations::kWrite, DataType::kOpaque, false},
                 {kPackageUri, Operations::kWrite, DataType::kString, false},
                 {kInstall, Operations::kExecute, DataType::kNone, false},
                 {kUninstall, Operations::kExecute, DataType::kNone, false},
                 {kUpdateState, Operations::kRead, DataType::kInteger, false},
                 {kUpdateResult, Operations::kRead, DataType::kInteger, false},
                 {kActivate, Operations::kExecute, DataType::kNone, false},
                 {kDeactivate, Operations::kExecute, DataType::kNone, false},
                 {kActivationState, Operations::kRead, DataType::kBoolean, false},
                 {kStatusReason, Operations::kRead, DataType::kString, false},
             }) {
  for (size_t i = 0; i < slots.size(); ++i) {
    auto slot = std::make_unique<Slot>(std::move(slots[i]), download);
    const auto iid = static_cast<uint16_t>(i);
    slot->pipeline.SetListener([this, iid](const UpdateEvent& e) { OnEvent(iid, e); });
    slots_.push_back(std::move(slot));
  }
}

void SoftwareManagementObject::Changed(uint16_t iid, uint16_t rid) const {
  MarkChanged(Path::Resource(kObjectId, iid, rid));
}

void SoftwareManagementObject::OnEvent(uint16_t iid, const UpdateEvent& e) {
  Slot& s = *slots_[iid];
  const SwResult result = SwResultAfter(e, s.result);
  if (SwStateOf(e.from) != SwStateOf(e.to)) Changed(iid, kUpdateState);
  if (SwActive(e.from) != SwActive(e.to)) Changed(iid, kActivationState);
  if (result != s.result) {
    s.result = result;
    Changed(iid, kUpdateResult);
  }
  // The reason tells why the last step failed; a step that succeeds clears it.
  std::string reason = e.error == UpdateError::kNone ? std::string() : e.reason;
  if (reason != s.reason) {
    s.reason = std::move(reason);
    Changed(iid, kStatusReason);
  }
  if (e.to == UpdatePhase::kEmpty && (!s.name.empty() || !s.version.empty())) SetPackageInfo(iid, {}, {});
  if (on_event_) on_event_(iid, e);
}

void SoftwareManagementObject::SetPackageInfo(uint16_t iid, std::string name, std::string version) {
  Slot& s = *slots_.at(iid);
  if (name != s.name) {
    s.name = std::move(name);
    Changed(iid, kPkgName);
  }
  if (version != s.version) {
    s.version = std::move(version);
    Changed(iid, kPkgVersion);
  }
}

void SoftwareManagementObject::Restore(uint16_t iid, UpdatePhase phase, SwResult result, std::string reason) {
  Slot& s = *slots_.at(iid);
  s.pipeline.Restore(phase);
  s.result = result;
  s.reason = std::move(reason);
}

std::vector<uint16_t> SoftwareManagementObject::Instances() const {
  std::vector<uint16_t> ids;
  for (size_t i = 0; i < slots_.size(); ++i) ids.push_back(static_cast<uint16_t>(i));
  return ids;
}

std::vector<uint16_t> SoftwareManagementObject::PresentResources(uint16_t iid) const {
  std::vector<uint16_t> ids = {kPkgName,     kPkgVersion,   kPackage,  kPackageUri,      kInstall, kUninstall,
                               kUpdateState, kUpdateResult, kActivate, kDeactivate, kActivationState};
  if (iid < slots_.size() && !slots_[iid]->reason.empty()) ids.push_back(kStatusReason);
  return ids;
}

CoapCode SoftwareManagementObject::Read(uint16_t iid, uint16_t rid, std::vector<Record>* out) {
  if (iid >= slots_.size()) return CoapCode::kNotFound;
  const Slot& s = *slots_[iid];
  const Path p = Path::Resource(kObjectId, iid, rid);
  switch (rid) {
    case kPkgName:
      out->push_back(Rec(p, s.name));
      return CoapCode::kContent;
    case kPkgVersion:
      out->push_back(Rec(p, s.version));
      return CoapCode::kContent;
    case kUpdateState:
      out->push_back(Rec(p, static_cast<int64_t>(SwStateOf(s.pipeline.phase()))));
      return CoapCode::kContent;
    case kUpdateResult:
      out->push_back(Rec(p, static_cast<int64_t>(s.result)));
      return CoapCode::kContent;
    case kActivationState:
      out->push_back(Rec(p, SwActive(s.pipeline.phase())));
      return CoapCode::kContent;
    case kStatusReason:
      if (s.reason.empty()) return CoapCode::kNotFound;
      out->push_back(Rec(p, s.reason));
      return CoapCode::kContent;
    default:
      return CoapCode::kMethodNotAllowed;
  }
}

CoapCode SoftwareManagementObject::Write(uint16_t iid, const Record& record) {
  if (iid >= slots_.size()) return CoapCode::kNotFound;
  switch (record.path.resource()) {
    case kPackage:
      if (const auto* data = std::get_if<lwm2m::Opaque>(&record.value)) return WritePackage(iid, *data);
      return CoapCode::kBadRequest;
    case kPackageUri:
      if (const auto* uri = std::get_if<std::string>(&record.value)) return WriteUri(iid, *uri);
      return CoapCode::kBadRequest;
    default:
      return CoapCode::kMethodNotAllowed;
  }
}

CoapCode SoftwareManagementObject::WritePackage(uint16_t iid, const std::vector<uint8_t>& data) {
  UpdatePipeline& p = slots_[iid]->pipeline;
  if (IsEmptyValue(data)) {
    const CoapCode c = SwAllows(SwOperation::kWriteEmpty, p.phase());
    if (IsSuccess(c)) p.Cancel();
    return c;
  }
  const CoapCode c = SwAllows(SwOperation::kWritePackage, p.phase());
  if (IsSuccess(c)) p.Receive(data);  // the verdict goes to Update Result, not to this answer
  return c;
}

CoapCode SoftwareManagementObject::WriteUri(uint16_t iid, const std::string& uri) {
  UpdatePipeline& p = slots_[iid]->pipeline;
  if (uri.empty()) {
    const CoapCode c = SwAllows(SwOperation::kWriteEmpty, p.phase());
    if (IsSuccess(c)) p.Cancel();
    return c;
  }
  const CoapCode c = SwAllows(SwOperation::kWritePackage, p.phase());
  if (!IsSuccess(c)) return c;
  if (uri.size() > kMaxUriLength) {
    // Reported like any unusable URI: through Update Result 56.
    p.Cancel();
    OnEvent(iid, UpdateEvent{UpdatePhase::kEmpty, UpdatePhase::kEmpty, UpdateError::kInvalidUri,
                             "the Package URI is longer than 255 bytes"});
    return c;
  }
  p.Fetch(uri);
  return c;
}

CoapCode SoftwareManagementObject::Execute(uint16_t iid, uint16_t rid, std::string_view args) {
  if (iid >= slots_.size()) return CoapCode::kNotFound;
  Slot& s = *slots_[iid];
  UpdatePipeline& p = s.pipeline;
  switch (rid) {
    case kInstall: {
      const CoapCode c = SwAllows(SwOperation::kInstall, p.phase());
      if (IsSuccess(c)) p.RequestInstall(args);
      return c;
    }
    case kUninstall: {
      const CoapCode c = SwAllows(SwOperation::kUninstall, p.phase());
      if (IsSuccess(c)) p.Cancel();
      return c;
    }
    case kActivate: {
      const CoapCode c = SwAllows(SwOperation::kActivate, p.phase());
      if (IsSuccess(c) && p.phase() == UpdatePhase::kInstalled) p.RequestActivate();
      return c;
    }
    case kDeactivate: {
      const CoapCode c = SwAllows(SwOperation::kDeactivate, p.phase());
      if (IsSuccess(c)) p.Deactivate();
      return c;
    }
    default:
      return CoapCode::kMethodNotAllowed;
  }
}

void SoftwareManagementObject::Poll() {
  for (auto& s : slots_) s->pipeline.Poll();
}

bool SoftwareManagementObject::busy() const {
  for (const auto& s : slots_) {
    if (s->pipeline.busy()) return true;
  }
  return false;
}

}  // namespace lwcl::client
