// Flag values `lwcl device` and `lwcl fleet` share: the server URI a virtual
// device connects to and PSK keys given in hex. Both throw
// std::runtime_error with a message naming the flag, which the CLI prints.
#ifndef LWCL_APPS_DEVICE_FLAGS_H_
#define LWCL_APPS_DEVICE_FLAGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "client/client.h"
#include "device/package_check.h"

namespace lwcl::apps {

// coap://A.B.C.D[:port] or coaps://A.B.C.D[:port] (5683 / 5684 by default);
// the client engine connects to numeric IPv4 addresses only.
client::Endpoint ParseServerFlag(const std::string& uri);

// "00ff10..." -> bytes; `flag` names the flag in the error.
std::vector<uint8_t> ParseHexFlag(const std::string& hex, const std::string& flag);

// --fleet-key FILE: the Ed25519 public key (PEM, as `lwcl keygen` writes
// it, or 64 hex digits) that /9 packages must be signed with.
device::FleetKey ReadFleetKeyFlag(const std::string& path);

}  // namespace lwcl::apps

#endif  // LWCL_APPS_DEVICE_FLAGS_H_
