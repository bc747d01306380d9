// FirmwareUpdateObject: the Firmware Update object /5 (single instance 0):
// the shared UpdatePipeline (update_pipeline.h) does the transfer, checks and
// install, FirmwareUpdateMachine (firmware_update.h) keeps /5's State and
// Update Result, and the image reaches the application through a
// FirmwareHandler — so a device can simulate flashing by looking at the bytes.
//
//   FirmwareUpdateObject fw({.verify = [](auto img) { return img.empty() ? 5 : 0; },
//                            .apply = [](auto img) { return 1; }});
//   registry.Add(&fw);
//   client.AddTask([&] { fw.Poll(); });   // pull downloads, deferred updates
//
// Push: a Write of 0 Package (libcoap reassembles a block-wise PUT into one
// body) is checked (size, then verify) at once -> Downloaded, or Idle with
// result 2/3/5/6. Pull: a Write of 1 Package URI starts a FirmwareDownloader
// (coap://, and coaps:// when `download` carries DTLS-PSK credentials;
// others leave result 7 or 9) that Poll drives; the image it
// brings is checked the same way. Execute 2 Update in Downloaded answers 2.04
// and the next Poll calls apply (after the response has gone out, as a device
// that reboots into the new image would) -> Idle with 1, or back to
// Downloaded with 8. Empty Package or URI (an empty opaque, or one 0x00 byte,
// as the spec allows) resets. State 3 and Update Result 5 are marked changed
// whenever they change, so observers hear every transition.
//
// Resources (lwm2m/objects/5.xml): 0 Package (W, Opaque), 1 Package URI (RW,
// String), 2 Update (E), 3 State (R), 5 Update Result (R), 6 PkgName (R),
// 7 PkgVersion (R), 8 Firmware Update Protocol Support (R, multiple: 0 CoAP,
// and 1 CoAPS with credentials),
// 9 Firmware Update Delivery Method (R: 2, push and pull).
#ifndef LWCL_CLIENT_FIRMWARE_UPDATE_OBJECT_H_
#define LWCL_CLIENT_FIRMWARE_UPDATE_OBJECT_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "client/firmware_downloader.h"
#include "client/firmware_update.h"
#include "client/object.h"
#include "client/update_pipeline.h"

namespace lwcl::client {

struct FirmwareHandler {
  // Checks a complete image; returns the Update Result: 0 accepted, else
  // 2 (no room), 3 (out of RAM), 5 (integrity) or 6 (unsupported type);
  // other values count as 5. Absent: every image is accepted.
  std::function<uint8_t(std::span<const uint8_t> image)> verify;
  // Installs the image; returns 1 (success), or 8 (or 2/3/5/6) on failure,
  // or 0 when the outcome comes later through FinishUpdate (e.g. after a
  // reboot). Absent: every update succeeds.
  std::function<uint8_t(std::span<const uint8_t> image)> apply;
  // Reported as 6 PkgName / 7 PkgVersion while an image is held (Downloaded,
  // Updating); SetPackageInfo (e.g. from verify) overrides them.
  std::string pkg_name;
  std::string pkg_version;
  size_t max_size = 1024 * 1024;  // larger images: result 2
};

class FirmwareUpdateObject : public Object {
 public:
  static constexpr uint16_t kObjectId = 5;
  static constexpr size_t kMaxUriLength = 255;  // 5.xml: 0..255 bytes

  // `download` tunes the pull downloader; its max_size is the handler's.
  explicit FirmwareUpdateObject(FirmwareHandler handler, DownloadOptions download = {});

  FwState state() const { return machine_.state(); }
  FwResult result() const { return machine_.result(); }
  const std::string& package_uri() const { return uri_; }
  // The image held in Downloaded/Updating (empty otherwise).
  const std::vector<uint8_t>& image() const { return pipeline_.package(); }
  void SetPackageInfo(std::string name, std::string version);

  // Deferred work: drives a pull download and performs a requested update.
  // Cheap when idle; call it from the client's loop (Client task hook).
  void Poll();
  // Whether Poll has anything to do (a download or an update pending).
  bool busy() const { return pipeline_.busy(); }
  // Reports an update that `apply` left pending (it returned 0): 1 success,
  // else a failure result. Ignored unless Updating.
  void FinishUpdate(uint8_t result);

  std::vector<uint16_t> Instances() const override { return {0}; }
  std::vector<uint16_t> PresentResources(uint16_t iid) const override;
  lwm2m::CoapCode Read(uint16_t iid, uint16_t rid, std::vector<lwm2m::Record>* out) override;
  lwm2m::CoapCode Write(uint16_t iid, const lwm2m::Record& record) override;
  lwm2m::CoapCode Execute(uint16_t iid, uint16_t rid, std::string_view args) override;

 private:
  lwm2m::CoapCode Apply(FwEvent event, FwResult detail = FwResult::kInitial);
  lwm2m::CoapCode WritePackage(const std::vector<uint8_t>& data);
  lwm2m::CoapCode WriteUri(const std::string& uri);
  void Reset();
  // The shared pipeline's steps as /5 events.
  void OnPipeline(const UpdateEvent& e);
  bool HoldsImage() const { return state() == FwState::kDownloaded || state() == FwState::kUpdating; }

  FirmwareUpdateMachine machine_;
  UpdatePipeline pipeline_;  // does the work; machine_ keeps /5's numbers
  std::string uri_;
  std::string name_;
  std::string version_;
};

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_FIRMWARE_UPDATE_OBJECT_H_
