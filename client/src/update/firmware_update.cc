#include "client/firmware_update.h"

namespace lwcl::client {

using lwm2m::CoapCode;

namespace {

bool IsDownloadFailure(FwResult r) {
  switch (r) {
    case FwResult::kNotEnoughFlash:
    case FwResult::kOutOfRam:
    case FwResult::kConnectionLost:
    case FwResult::kIntegrityFailure:
    case FwResult::kUnsupportedPackageType:
    case FwResult::kInvalidUri:
    case FwResult::kUnsupportedProtocol:
      return true;
    default:
      return false;
  }
}

bool IsUpdateFailure(FwResult r) {
  switch (r) {
    case FwResult::kNotEnoughFlash:
    case FwResult::kOutOfRam:
    case FwResult::kIntegrityFailure:
    case FwResult::kUnsupportedPackageType:
    case FwResult::kUpdateFailed:
      return true;
    default:
      return false;
  }
}

FwTransition Refuse(CoapCode code) {
  FwTransition t;
  t.code = code;
  return t;
}

}  // namespace

FwTransition FirmwareUpdateMachine::Go(FwState s, FwResult r) {
  FwTransition t;
  t.state_changed = s != state_;
  t.result_changed = r != result_;
  state_ = s;
  result_ = r;
  return t;
}

FwTransition FirmwareUpdateMachine::Handle(FwEvent event, FwResult detail) {
  const CoapCode ignored = CoapCode::kMethodNotAllowed;
  switch (event) {
    case FwEvent::kPackageWritten:
    case FwEvent::kUriWritten:
      if (state_ == FwState::kUpdating) return Refuse(CoapCode::kMethodNotAllowed);
      if (state_ != FwState::kIdle) return Refuse(CoapCode::kBadRequest);
      return Go(FwState::kDownloading, FwResult::kInitial);
    case FwEvent::kUriRejected:
      if (state_ == FwState::kUpdating) return Refuse(CoapCode::kMethodNotAllowed);
      if (state_ != FwState::kIdle) return Refuse(CoapCode::kBadRequest);
      return Go(FwState::kIdle, detail == FwResult::kUnsupportedProtocol ? detail : FwResult::kInvalidUri);
    case FwEvent::kReset:
      // Cancels a download or drops a downloaded image; never interrupts an update.
      if (state_ == FwState::kUpdating) return Refuse(CoapCode::kMethodNotAllowed);
      return Go(FwState::kIdle, FwResult::kInitial);
    case FwEvent::kExecuteUpdate:
      if (state_ != FwState::kDownloaded) return Refuse(CoapCode::kMethodNotAllowed);
      return Go(FwState::kUpdating, FwResult::kInitial);
    case FwEvent::kDownloadSucceeded:
      if (state_ != FwState::kDownloading) return Refuse(ignored);
      return Go(FwState::kDownloaded, FwResult::kInitial);
    case FwEvent::kDownloadFailed:
      if (state_ != FwState::kDownloading) return Refuse(ignored);
      return Go(FwState::kIdle, IsDownloadFailure(detail) ? detail : FwResult::kConnectionLost);
    case FwEvent::kUpdateSucceeded:
      if (state_ != FwState::kUpdating) return Refuse(ignored);
      return Go(FwState::kIdle, FwResult::kSuccess);
    case FwEvent::kUpdateFailed:
      if (state_ != FwState::kUpdating) return Refuse(ignored);
      return Go(FwState::kDownloaded, IsUpdateFailure(detail) ? detail : FwResult::kUpdateFailed);
  }
  return Refuse(CoapCode::kBadRequest);
}

const char* FwStateName(FwState s) {
  switch (s) {
    case FwState::kIdle:
      return "idle";
    case FwState::kDownloading:
      return "downloading";
    case FwState::kDownloaded:
      return "downloaded";
    case FwState::kUpdating:
      return "updating";
  }
  return "?";
}

}  // namespace lwcl::client
