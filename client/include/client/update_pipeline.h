// UpdatePipeline: the one download -> verify -> install -> activate -> roll
// back machine behind Firmware Update /5 and Software Management /9. It does
// the work (takes a pushed package or pulls one from a URI, checks it, holds
// it, installs and activates it through the application's UpdateHandler, and
// rolls back when activation fails); each object keeps only its own OMA state
// table and maps the pipeline's UpdateError onto its Update Result codes.
//
// It promises:
// - phases go Empty -> Receiving -> Held -> Installing -> Installed ->
//   Active, and back only along the edges below; every phase change and
//   every failure reaches the listener exactly once, with the error and a
//   reason a person can read;
// - a package is handed to `verify` complete and at most max_size bytes
//   (larger: kNoStorage without calling verify); a package that fails
//   verification is dropped (Empty) and never reaches `install`;
// - Install and Activate run from Poll, never from the request that asked
//   for them, so the CoAP answer goes out first (as on a device that reboots
//   or swaps models in its main loop);
// - a failed install keeps the package (Held) so the server can retry or
//   cancel; a failed activation calls `rollback` (the application goes back
//   to what ran before) and leaves the package Installed and inactive;
// - Cancel / Uninstall forget the package and cancel a download in progress
//   (whose callback then never runs).
#ifndef LWCL_CLIENT_UPDATE_PIPELINE_H_
#define LWCL_CLIENT_UPDATE_PIPELINE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "client/firmware_downloader.h"

namespace lwcl::client {

enum class UpdateError : uint8_t {
  kNone = 0,
  kNoStorage,            // the package does not fit
  kOutOfRam,             // not enough memory to check or install it
  kConnectionLost,       // the pull failed (error answer, timeout, RST)
  kIntegrity,            // digest, signature or structure wrong
  kUnsupportedType,      // a package this device does not take (wrong kind, not newer, wrong base)
  kInvalidUri,           // a Package URI that does not parse or resolve
  kUnsupportedProtocol,  // a Package URI scheme the device cannot fetch
  kInstallFailed,        // install (or its self-test) refused the package
  kActivationFailed,     // activation failed; the application rolled back
  kDeviceError,          // anything else the application reports
};

const char* UpdateErrorName(UpdateError e);

enum class UpdatePhase : uint8_t { kEmpty, kReceiving, kHeld, kInstalling, kInstalled, kActive };

const char* UpdatePhaseName(UpdatePhase p);

// What a handler step answers: kNone, or the failure and why.
struct UpdateVerdict {
  UpdateError error = UpdateError::kNone;
  std::string reason;
  bool pending = false;  // install only: the outcome comes later (FinishInstall)

  static UpdateVerdict Ok() { return {}; }
  static UpdateVerdict Fail(UpdateError e, std::string why) { return {e, std::move(why), false}; }
  static UpdateVerdict Later() { return {UpdateError::kNone, {}, true}; }
  bool ok() const { return error == UpdateError::kNone; }
};

// The application's side. Absent steps succeed.
struct UpdateHandler {
  // A complete package, before it is held.
  std::function<UpdateVerdict(std::span<const uint8_t> package)> verify;
  // Installs the held package (e.g. into an idle slot, with a self-test);
  // `args` are the Execute arguments of the request that asked for it.
  std::function<UpdateVerdict(std::span<const uint8_t> package, std::string_view args)> install;
  // Starts running what was installed.
  std::function<UpdateVerdict()> activate;
  // Stops running it (Deactivate, or Uninstall of an active package).
  std::function<void()> deactivate;
  // Goes back to what ran before a failed activation; `why` is the failure.
  std::function<void(const std::string& why)> rollback;
  // Forgets an installed package.
  std::function<void()> uninstall;
  size_t max_size = 1024 * 1024;
};

struct UpdateEvent {
  UpdatePhase from = UpdatePhase::kEmpty;
  UpdatePhase to = UpdatePhase::kEmpty;
  UpdateError error = UpdateError::kNone;
  std::string reason;
};

class UpdatePipeline {
 public:
  using Listener = std::function<void(const UpdateEvent&)>;

  explicit UpdatePipeline(UpdateHandler handler, DownloadOptions download = {});

  void SetListener(Listener listener) { listener_ = std::move(listener); }
  UpdatePhase phase() const { return phase_; }
  UpdateError last_error() const { return last_error_; }
  const std::string& last_reason() const { return last_reason_; }
  const std::vector<uint8_t>& package() const { return package_; }
  // How pulls download (its DTLS credentials say whether coaps:// works).
  const DownloadOptions& download_options() const { return downloader_.options(); }
  bool busy() const { return downloader_.busy() || install_pending_ || activate_pending_; }

  // Push: a complete package (libcoap reassembles Block1). Only from Empty;
  // returns false (nothing done) otherwise. Checks it at once.
  bool Receive(std::vector<uint8_t> package);
  // Pull: starts fetching `uri`. Only from Empty. kNone when the request is
  // on its way (Receiving); else the URI's problem (kInvalidUri,
  // kUnsupportedProtocol, kConnectionLost), reported and Empty.
  UpdateError Fetch(std::string_view uri);
  // Held -> Installing (install runs at the next Poll with `args`).
  bool RequestInstall(std::string_view args = {});
  // Reports an install `install` left pending. Ignored unless Installing.
  void FinishInstall(UpdateVerdict verdict);
  // Installed -> Active (activate runs at the next Poll).
  bool RequestActivate();
  // Active -> Installed.
  bool Deactivate();
  // Active -> Installed because the application stopped running it on its
  // own (another slot took over); `deactivate` is not called.
  bool Stopped();
  // Installed -> Active because the application went back to it on its own
  // (the slot that replaced it was rolled back); `activate` is not called.
  bool Resumed();
  // Active -> Installed because the application went back on its own (a
  // probation failure); reported as kActivationFailed with `why`.
  bool RolledBack(std::string why);
  // Forgets the package from any phase but Installing; deactivates and
  // uninstalls first when it was installed. False while Installing.
  bool Cancel();
  // Restores a phase after a restart (the package bytes are the caller's).
  void Restore(UpdatePhase phase, std::vector<uint8_t> package = {});

  // Drives a pull download and the deferred install/activate.
  void Poll();

 private:
  void Check(std::vector<uint8_t> package);
  void Go(UpdatePhase to, UpdateError error = UpdateError::kNone, std::string reason = {});

  UpdateHandler handler_;
  FirmwareDownloader downloader_;
  Listener listener_;
  UpdatePhase phase_ = UpdatePhase::kEmpty;
  UpdateError last_error_ = UpdateError::kNone;
  std::string last_reason_;
  std::vector<uint8_t> package_;
  bool install_pending_ = false;
  std::string install_args_;
  bool activate_pending_ = false;
};

// The downloader's outcome (a Firmware Update result) as an UpdateError.
UpdateError FromFwResult(FwResult r);

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_UPDATE_PIPELINE_H_
