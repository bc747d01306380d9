#include "client/software_update.h"

namespace lwcl::client {

using lwm2m::CoapCode;

SwState SwStateOf(UpdatePhase phase) {
  switch (phase) {
    case UpdatePhase::kEmpty:
      return SwState::kInitial;
    case UpdatePhase::kReceiving:
      return SwState::kDownloadStarted;
    case UpdatePhase::kHeld:
    case UpdatePhase::kInstalling:
      return SwState::kDelivered;
    case UpdatePhase::kInstalled:
    case UpdatePhase::kActive:
      return SwState::kInstalled;
  }
  return SwState::kInitial;
}

SwResult SwResultOf(UpdateError error) {
  switch (error) {
    case UpdateError::kNone:
      return SwResult::kInitial;
    case UpdateError::kNoStorage:
      return SwResult::kNotEnoughStorage;
    case UpdateError::kOutOfRam:
      return SwResult::kOutOfMemory;
    case UpdateError::kConnectionLost:
      return SwResult::kConnectionLost;
    case UpdateError::kIntegrity:
      return SwResult::kIntegrityFailure;
    case UpdateError::kUnsupportedType:
      return SwResult::kUnsupportedPackageType;
    case UpdateError::kInvalidUri:
    case UpdateError::kUnsupportedProtocol:
      return SwResult::kInvalidUri;
    case UpdateError::kInstallFailed:
      return SwResult::kInstallationFailure;
    case UpdateError::kActivationFailed:
    case UpdateError::kDeviceError:
      return SwResult::kDeviceError;
  }
  return SwResult::kDeviceError;
}

SwResult SwResultAfter(const UpdateEvent& e, SwResult before) {
  if (e.error != UpdateError::kNone) return SwResultOf(e.error);
  switch (e.to) {
    case UpdatePhase::kReceiving:
      return SwResult::kDownloading;
    case UpdatePhase::kHeld:
      return e.from == UpdatePhase::kReceiving ? SwResult::kDelivered : before;
    case UpdatePhase::kInstalled:
      return e.from == UpdatePhase::kInstalling ? SwResult::kInstalled : before;
    case UpdatePhase::kEmpty:
      return SwResult::kInitial;
    case UpdatePhase::kInstalling:
    case UpdatePhase::kActive:
      return before;
  }
  return before;
}

CoapCode SwAllows(SwOperation op, UpdatePhase phase) {
  const CoapCode ok = CoapCode::kChanged;
  const CoapCode no = CoapCode::kMethodNotAllowed;
  switch (op) {
    case SwOperation::kWritePackage:
      return phase == UpdatePhase::kEmpty ? ok : CoapCode::kBadRequest;
    case SwOperation::kWriteEmpty:
      if (phase == UpdatePhase::kInstalling) return no;
      return phase == UpdatePhase::kInstalled || phase == UpdatePhase::kActive ? CoapCode::kBadRequest : ok;
    case SwOperation::kInstall:
      return phase == UpdatePhase::kHeld ? ok : no;
    case SwOperation::kUninstall:
      return phase == UpdatePhase::kEmpty || phase == UpdatePhase::kInstalling ? no : ok;
    case SwOperation::kActivate:
    case SwOperation::kDeactivate:
      return phase == UpdatePhase::kInstalled || phase == UpdatePhase::kActive ? ok : no;
  }
  return no;
}

const char* SwStateName(SwState s) {
  switch (s) {
    case SwState::kInitial:
      return "initial";
    case SwState::kDownloadStarted:
      return "download_started";
    case SwState::kDownloaded:
      return "downloaded";
    case SwState::kDelivered:
      return "delivered";
    case SwState::kInstalled:
      return "installed";
  }
  return "?";
}

}  // namespace lwcl::client
