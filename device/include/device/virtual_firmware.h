// VirtualFirmware: what Firmware Update /5 means on a virtual device, so a
// fleet can be driven through the firmware half of the update machinery
// (the same UpdatePipeline as the model slots behind /9).
//
// A virtual firmware image is text that starts with the line
//   lwcl-virtual-firmware <version>
// (a dotted version, e.g. 0.2.0) followed by anything (the "code"). The
// device refuses any other image with Update Result 6 (unsupported package
// type) and keeps its firmware. Applying an accepted image "reboots" into
// it: /3/0/3 Firmware Version becomes the image's version and the device
// tells the server with a Registration Update, as a rebooted device would.
#ifndef LWCL_DEVICE_VIRTUAL_FIRMWARE_H_
#define LWCL_DEVICE_VIRTUAL_FIRMWARE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "client/firmware_update_object.h"

namespace lwcl::device {

inline constexpr std::string_view kVirtualFirmwareMagic = "lwcl-virtual-firmware ";

// The version an image announces; nullopt for anything that is not one.
std::optional<std::string> VirtualFirmwareVersion(std::span<const uint8_t> image);

// A /5 handler for virtual firmware images: `applied(version)` runs when an
// update is applied (it should update /3/0/3 and send an Update).
client::FirmwareHandler VirtualFirmwareHandler(std::function<void(const std::string& version)> applied);

}  // namespace lwcl::device

#endif  // LWCL_DEVICE_VIRTUAL_FIRMWARE_H_
