// PackageCheck: what a device checks before a model package may land in one
// of its slots, whatever brought it (a /9 Package write, a Package URI pull):
// structure and digest (tinyml::ReadPackage), the Ed25519 signature against
// the fleet public key the device was provisioned with
// (tinyml::VerifyPackageSignature, the same code the Cortex-M33 firmware
// runs), and for a delta package the base it names, merged on the spot
// (tinyml::ApplyDelta) into the full package the slot will hold.
//
// It promises: a package is accepted only when every check passes; the
// verdict names the first check that failed in words a person can act on,
// and its error is the /9 Update Result family (kIntegrity for a truncated,
// tampered, unsigned or wrongly signed package; kUnsupportedType for a
// format this core cannot run, a delta for another base, or a delta that
// does not fit its base). Nothing is kept on failure.
#ifndef LWCL_DEVICE_PACKAGE_CHECK_H_
#define LWCL_DEVICE_PACKAGE_CHECK_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "client/update_pipeline.h"

namespace lwcl::device {

using FleetKey = std::array<uint8_t, 32>;

struct CheckedPackage {
  client::UpdateVerdict verdict;
  std::vector<uint8_t> full;  // the package a slot holds (the merged one for a delta)
  std::string name;
  std::string version;
  bool was_delta = false;
};

// `key` absent: no package is accepted (the device was not provisioned).
// `active` is the running model's full package (the base a delta needs).
CheckedPackage CheckPackage(std::span<const uint8_t> bytes, const std::optional<FleetKey>& key,
                            std::span<const uint8_t> active);

// Parses 64 hex digits (a raw Ed25519 public key) or a PEM public key file's
// text; false with a message otherwise.
bool ParseFleetKey(const std::string& text, FleetKey* out, std::string* error);

}  // namespace lwcl::device

#endif  // LWCL_DEVICE_PACKAGE_CHECK_H_
