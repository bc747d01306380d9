// Software Management /9's numbers, as the OMA object defines them (the DDF
// is lwm2m/objects/9.xml), read off the shared UpdatePipeline
// (update_pipeline.h): Update State, Update Result, Activation State, and
// which operation each state allows. Pure functions, no I/O: the table test
// walks every phase x operation.
//
// Update State from the pipeline's phase:
//   Empty -> 0 INITIAL, Receiving -> 1 DOWNLOAD STARTED, Held and Installing
//   -> 3 DELIVERED (the package is downloaded and its integrity verified:
//   2 DOWNLOADED lasts only while verify runs, inside the request or the
//   download's completion, so no observer can see it), Installed and Active
//   -> 4 INSTALLED; Activation State is true only in Active.
// Update Result from each pipeline event:
//   -> Receiving 1 downloading; Receiving -> Held 3 delivered; Installing ->
//   Installed 2 installed; a failure its code (50 no storage, 51 out of RAM,
//   52 connection lost, 53 integrity, 54 unsupported type or version, 56
//   invalid URI or scheme, 58 installation failure, 57 a failed or rolled
//   back activation and anything else the device reports); back to Empty
//   without a failure (Uninstall) 0; Activate/Deactivate keep it.
// Operations (the object answers the code; 2.04 means "go ahead"):
//   Write Package/URI: INITIAL only (4.00 elsewhere: Uninstall first); an
//     empty one cancels a download or a delivered package (2.04), is 4.00
//     on an installed one (Uninstall is the way) and 4.05 while installing.
//   Install: DELIVERED only.  Uninstall: DOWNLOAD STARTED (cancels),
//     DELIVERED, INSTALLED; refused while installing.
//   Activate / Deactivate: INSTALLED only (repeating one is a no-op 2.04).
//   Everything else: 4.05 Method Not Allowed.
#ifndef LWCL_CLIENT_SOFTWARE_UPDATE_H_
#define LWCL_CLIENT_SOFTWARE_UPDATE_H_

#include <cstdint>

#include "client/update_pipeline.h"
#include "lwm2m/coap_code.h"

namespace lwcl::client {

enum class SwState : uint8_t { kInitial = 0, kDownloadStarted = 1, kDownloaded = 2, kDelivered = 3, kInstalled = 4 };

enum class SwResult : uint8_t {
  kInitial = 0,
  kDownloading = 1,
  kInstalled = 2,
  kDelivered = 3,
  kNotEnoughStorage = 50,
  kOutOfMemory = 51,
  kConnectionLost = 52,
  kIntegrityFailure = 53,
  kUnsupportedPackageType = 54,
  kInvalidUri = 56,
  kDeviceError = 57,
  kInstallationFailure = 58,
  kUninstallationFailure = 59,
};

enum class SwOperation : uint8_t {
  kWritePackage,  // non-empty Package or Package URI
  kWriteEmpty,    // empty Package or Package URI
  kInstall,
  kUninstall,
  kActivate,
  kDeactivate,
};

inline constexpr int kSwOperationCount = 6;

SwState SwStateOf(UpdatePhase phase);
inline bool SwActive(UpdatePhase phase) { return phase == UpdatePhase::kActive; }
// The Update Result after `event`, given the one before it.
SwResult SwResultAfter(const UpdateEvent& event, SwResult before);
// The failure's code (kNone -> kInitial).
SwResult SwResultOf(UpdateError error);
// Whether `op` may run in `phase`: 2.04, or the refusal.
lwm2m::CoapCode SwAllows(SwOperation op, UpdatePhase phase);

const char* SwStateName(SwState s);

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_SOFTWARE_UPDATE_H_
