#include "device/virtual_firmware.h"

#include <memory>

namespace lwcl::device {

std::optional<std::string> VirtualFirmwareVersion(std::span<const uint8_t> image) {
  const std::string_view text(reinterpret_cast<const char*>(image.data()), image.size());
  if (text.substr(0, kVirtualFirmwareMagic.size()) != kVirtualFirmwareMagic) return std::nullopt;
  const std::string_view rest = text.substr(kVirtualFirmwareMagic.size());
  const size_t end = rest.find('\n');
  if (end == std::string_view::npos) return std::nullopt;
  const std::string_view version = rest.substr(0, end);
  if (version.empty() || version.size() > 32 || version.front() == '.' || version.back() == '.') return std::nullopt;
  for (char c : version) {
    if (!((c >= '0' && c <= '9') || c == '.')) return std::nullopt;
  }
  return std::string(version);
}

client::FirmwareHandler VirtualFirmwareHandler(std::function<void(const std::string& version)> applied) {
  client::FirmwareHandler h;
  h.pkg_name = "lwcl-virtual-firmware";
  h.max_size = 256 * 1024;
  h.verify = [](std::span<const uint8_t> image) -> uint8_t {
    return VirtualFirmwareVersion(image) ? 0 : static_cast<uint8_t>(client::FwResult::kUnsupportedPackageType);
  };
  h.apply = [applied = std::move(applied)](std::span<const uint8_t> image) -> uint8_t {
    const std::optional<std::string> version = VirtualFirmwareVersion(image);
    if (!version) return static_cast<uint8_t>(client::FwResult::kUnsupportedPackageType);
    if (applied) applied(*version);
    return static_cast<uint8_t>(client::FwResult::kSuccess);
  };
  return h;
}

}  // namespace lwcl::device
