#include "client/update_pipeline.h"

#include <utility>

namespace lwcl::client {

namespace {

DownloadOptions WithMaxSize(DownloadOptions o, size_t max_size) {
  o.max_size = max_size;
  return o;
}

}  // namespace

const char* UpdateErrorName(UpdateError e) {
  switch (e) {
    case UpdateError::kNone:
      return "none";
    case UpdateError::kNoStorage:
      return "no_storage";
    case UpdateError::kOutOfRam:
      return "out_of_ram";
    case UpdateError::kConnectionLost:
      return "connection_lost";
    case UpdateError::kIntegrity:
      return "integrity";
    case UpdateError::kUnsupportedType:
      return "unsupported_type";
    case UpdateError::kInvalidUri:
      return "invalid_uri";
    case UpdateError::kUnsupportedProtocol:
      return "unsupported_protocol";
    case UpdateError::kInstallFailed:
      return "install_failed";
    case UpdateError::kActivationFailed:
      return "activation_failed";
    case UpdateError::kDeviceError:
      return "device_error";
  }
  return "?";
}

const char* UpdatePhaseName(UpdatePhase p) {
  switch (p) {
    case UpdatePhase::kEmpty:
      return "empty";
    case UpdatePhase::kReceiving:
      return "receiving";
    case UpdatePhase::kHeld:
      return "held";
    case UpdatePhase::kInstalling:
      return "installing";
    case UpdatePhase::kInstalled:
      return "installed";
    case UpdatePhase::kActive:
      return "active";
  }
  return "?";
}

UpdateError FromFwResult(FwResult r) {
  switch (r) {
    case FwResult::kInitial:
    case FwResult::kSuccess:
      return UpdateError::kNone;
    case FwResult::kNotEnoughFlash:
      return UpdateError::kNoStorage;
    case FwResult::kOutOfRam:
      return UpdateError::kOutOfRam;
    case FwResult::kConnectionLost:
      return UpdateError::kConnectionLost;
    case FwResult::kIntegrityFailure:
      return UpdateError::kIntegrity;
    case FwResult::kUnsupportedPackageType:
      return UpdateError::kUnsupportedType;
    case FwResult::kInvalidUri:
      return UpdateError::kInvalidUri;
    case FwResult::kUpdateFailed:
      return UpdateError::kInstallFailed;
    case FwResult::kUnsupportedProtocol:
      return UpdateError::kUnsupportedProtocol;
  }
  return UpdateError::kDeviceError;
}

UpdatePipeline::UpdatePipeline(UpdateHandler handler, DownloadOptions download)
    : handler_(std::move(handler)), downloader_(WithMaxSize(download, handler_.max_size)) {}

void UpdatePipeline::Go(UpdatePhase to, UpdateError error, std::string reason) {
  UpdateEvent e;
  e.from = phase_;
  e.to = to;
  e.error = error;
  e.reason = std::move(reason);
  phase_ = to;
  last_error_ = error;
  last_reason_ = e.reason;
  if (listener_) listener_(e);
}

bool UpdatePipeline::Receive(std::vector<uint8_t> package) {
  if (phase_ != UpdatePhase::kEmpty) return false;
  Go(UpdatePhase::kReceiving);
  Check(std::move(package));
  return true;
}

UpdateError UpdatePipeline::Fetch(std::string_view uri) {
  if (phase_ != UpdatePhase::kEmpty) return UpdateError::kDeviceError;
  DownloadUri parsed;
  const FwResult parse = ParseDownloadUri(uri, &parsed);
  if (parse != FwResult::kInitial) {
    const UpdateError e = FromFwResult(parse);
    Go(UpdatePhase::kEmpty, e, e == UpdateError::kInvalidUri ? "the Package URI does not parse"
                                                              : "the Package URI's scheme is not coap or coaps");
    return e;
  }
  Go(UpdatePhase::kReceiving);
  const FwResult started = downloader_.Start(uri, [this](DownloadOutcome o) {
    if (phase_ != UpdatePhase::kReceiving) return;
    if (o.result != FwResult::kInitial) {
      const UpdateError e = FromFwResult(o.result);
      Go(UpdatePhase::kEmpty, e,
         e == UpdateError::kNoStorage ? "the package is larger than the device takes"
                                      : "the download failed (CoAP code " + std::to_string(o.coap_code >> 5) + "." +
                                            (((o.coap_code & 31) < 10) ? "0" : "") +
                                            std::to_string(o.coap_code & 31) + ")");
      return;
    }
    Check(std::move(o.data));
  });
  if (started != FwResult::kInitial) {
    const UpdateError e = FromFwResult(started);
    Go(UpdatePhase::kEmpty, e,
       started == FwResult::kUnsupportedProtocol ? "coaps:// needs DTLS-PSK credentials the device does not have"
                                                 : "the download could not start");
    return e;
  }
  return UpdateError::kNone;
}

void UpdatePipeline::Check(std::vector<uint8_t> package) {
  if (package.size() > handler_.max_size) {
    Go(UpdatePhase::kEmpty, UpdateError::kNoStorage,
       "the package has " + std::to_string(package.size()) + " bytes; the device takes at most " +
           std::to_string(handler_.max_size));
    return;
  }
  UpdateVerdict v = handler_.verify ? handler_.verify(package) : UpdateVerdict::Ok();
  if (!v.ok()) {
    Go(UpdatePhase::kEmpty, v.error, std::move(v.reason));
    return;
  }
  package_ = std::move(package);
  Go(UpdatePhase::kHeld);
}

bool UpdatePipeline::RequestInstall(std::string_view args) {
  if (phase_ != UpdatePhase::kHeld) return false;
  install_pending_ = true;
  install_args_ = std::string(args);
  Go(UpdatePhase::kInstalling);
  return true;
}

void UpdatePipeline::FinishInstall(UpdateVerdict verdict) {
  if (phase_ != UpdatePhase::kInstalling || install_pending_) return;
  if (verdict.pending) return;
  if (verdict.ok()) {
    Go(UpdatePhase::kInstalled);
  } else {
    Go(UpdatePhase::kHeld, verdict.error == UpdateError::kNone ? UpdateError::kInstallFailed : verdict.error,
       std::move(verdict.reason));
  }
}

bool UpdatePipeline::RequestActivate() {
  if (phase_ != UpdatePhase::kInstalled) return false;
  activate_pending_ = true;
  return true;
}

bool UpdatePipeline::Deactivate() {
  if (phase_ != UpdatePhase::kActive) return false;
  if (handler_.deactivate) handler_.deactivate();
  Go(UpdatePhase::kInstalled);
  return true;
}

bool UpdatePipeline::Stopped() {
  if (phase_ != UpdatePhase::kActive) return false;
  Go(UpdatePhase::kInstalled);
  return true;
}

bool UpdatePipeline::Resumed() {
  if (phase_ != UpdatePhase::kInstalled) return false;
  activate_pending_ = false;
  Go(UpdatePhase::kActive);
  return true;
}

bool UpdatePipeline::RolledBack(std::string why) {
  if (phase_ != UpdatePhase::kActive) return false;
  Go(UpdatePhase::kInstalled, UpdateError::kActivationFailed, std::move(why));
  return true;
}

bool UpdatePipeline::Cancel() {
  if (phase_ == UpdatePhase::kInstalling) return false;
  downloader_.Cancel();
  activate_pending_ = false;
  if (phase_ == UpdatePhase::kActive && handler_.deactivate) handler_.deactivate();
  if ((phase_ == UpdatePhase::kActive || phase_ == UpdatePhase::kInstalled) && handler_.uninstall) {
    handler_.uninstall();
  }
  package_.clear();
  if (phase_ != UpdatePhase::kEmpty || last_error_ != UpdateError::kNone) Go(UpdatePhase::kEmpty);
  return true;
}

void UpdatePipeline::Restore(UpdatePhase phase, std::vector<uint8_t> package) {
  downloader_.Cancel();
  install_pending_ = false;
  activate_pending_ = false;
  // A restart interrupts a transfer or an install: both start over.
  if (phase == UpdatePhase::kReceiving) phase = UpdatePhase::kEmpty;
  if (phase == UpdatePhase::kInstalling) phase = UpdatePhase::kHeld;
  phase_ = phase;
  package_ = std::move(package);
}

void UpdatePipeline::Poll() {
  downloader_.Pump();
  if (install_pending_) {
    install_pending_ = false;
    UpdateVerdict v = handler_.install ? handler_.install(package_, install_args_) : UpdateVerdict::Ok();
    if (!v.pending) FinishInstall(std::move(v));
  }
  if (activate_pending_) {
    activate_pending_ = false;
    if (phase_ != UpdatePhase::kInstalled) return;
    UpdateVerdict v = handler_.activate ? handler_.activate() : UpdateVerdict::Ok();
    if (v.ok()) {
      Go(UpdatePhase::kActive);
      return;
    }
    if (handler_.rollback) handler_.rollback(v.reason);
    Go(UpdatePhase::kInstalled, UpdateError::kActivationFailed, std::move(v.reason));
  }
}

}  // namespace lwcl::client
