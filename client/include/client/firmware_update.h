// FirmwareUpdateMachine: the Firmware Update object's (/5) state machine as
// LwM2M 1.1 Core, Appendix E.6.1 draws it — State (0 Idle, 1 Downloading,
// 2 Downloaded, 3 Updating) and Update Result (0..9) — with no network, no
// clock and no image: the /5 object (firmware_update_object.h) feeds it
// events and copies State and Update Result out.
//
// It promises, for every state x event (the table is in the .cc):
//   Idle:        Package/URI written -> Downloading, result 0; an unusable
//                URI stays Idle with result 7 or 9 (the Write still
//                succeeds: errors are reported through Update Result only).
//   Downloading: download done -> Downloaded, result 0; download failed ->
//                Idle with its result (2..7, 9).
//   Downloaded:  Execute Update -> Updating, result 0.
//   Updating:    update succeeded -> Idle, result 1; update failed ->
//                Downloaded with its result (8, or 2/3/5/6), so the server
//                can retry or reset.
//   Empty Package or empty URI resets to Idle with result 0 from every state
//   but Updating (4.05 there). Execute Update outside Downloaded is 4.05; a
//   non-empty Package or URI outside Idle is 4.00 (reset first). Device-side
//   events (download/update done) that do not fit the state are ignored.
#ifndef LWCL_CLIENT_FIRMWARE_UPDATE_H_
#define LWCL_CLIENT_FIRMWARE_UPDATE_H_

#include <cstdint>

#include "lwm2m/coap_code.h"

namespace lwcl::client {

enum class FwState : uint8_t { kIdle = 0, kDownloading = 1, kDownloaded = 2, kUpdating = 3 };

enum class FwResult : uint8_t {
  kInitial = 0,
  kSuccess = 1,
  kNotEnoughFlash = 2,
  kOutOfRam = 3,
  kConnectionLost = 4,
  kIntegrityFailure = 5,
  kUnsupportedPackageType = 6,
  kInvalidUri = 7,
  kUpdateFailed = 8,
  kUnsupportedProtocol = 9,
};

enum class FwEvent : uint8_t {
  // From the server.
  kPackageWritten,  // non-empty Package (push starts)
  kUriWritten,      // non-empty Package URI the client can download (pull starts)
  kUriRejected,     // non-empty Package URI it cannot use; detail 7 or 9
  kReset,           // empty Package or empty Package URI
  kExecuteUpdate,   // Execute /5/0/2
  // From the device.
  kDownloadSucceeded,  // image complete and verified
  kDownloadFailed,     // detail 2..7 or 9
  kUpdateSucceeded,
  kUpdateFailed,  // detail 8, or 2, 3, 5, 6
};

inline constexpr int kFwEventCount = 9;

// What one event did. `code` is the CoAP answer for server events (2.04 when
// accepted); device events answer 2.04 when applied, 4.05 when ignored.
struct FwTransition {
  lwm2m::CoapCode code = lwm2m::CoapCode::kChanged;
  bool state_changed = false;
  bool result_changed = false;
};

class FirmwareUpdateMachine {
 public:
  FirmwareUpdateMachine() = default;
  // Restores a persisted state (e.g. Downloaded across a reboot).
  FirmwareUpdateMachine(FwState state, FwResult result) : state_(state), result_(result) {}

  FwState state() const { return state_; }
  FwResult result() const { return result_; }

  // `detail` is the Update Result a failure event carries; out-of-range
  // values fall back to the event's generic result (7, 4 or 8).
  FwTransition Handle(FwEvent event, FwResult detail = FwResult::kInitial);

 private:
  FwTransition Go(FwState s, FwResult r);

  FwState state_ = FwState::kIdle;
  FwResult result_ = FwResult::kInitial;
};

const char* FwStateName(FwState s);

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_FIRMWARE_UPDATE_H_
