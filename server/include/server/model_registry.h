// Model registry: what the server checks before a model package joins the
// registry (the store's models table), and how a model reads in the API.
// The checks are the devices' own (tinyml::ReadPackage, then the Ed25519
// signature against the fleet public key), so nothing the registry accepts
// is refused by a device for its bytes, and nothing a device would refuse
// for its bytes ever ships.
//
// It promises: CheckUpload answers a record ready for Store::AddModel, or a
// message saying what is wrong (truncated, tampered, malformed, unsigned,
// wrongly signed, too large) and `status` 400 — or 409 when the server was
// started without a fleet key and so cannot check any signature.
#ifndef LWCL_SERVER_MODEL_REGISTRY_H_
#define LWCL_SERVER_MODEL_REGISTRY_H_

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>

#include "store/records.h"

namespace lwcl::server {

using FleetPublicKey = std::array<uint8_t, 32>;

struct RegistryOptions {
  std::optional<FleetPublicKey> fleet_key;  // absent: uploads are refused (409)
  size_t max_package_bytes = 64 * 1024;
};

struct UploadCheck {
  int status = 201;  // 201 accepted; 400 bad package; 409 no fleet key
  std::string error;
  store::ModelRecord record;  // when accepted (id 0, created_ms as given)
};

UploadCheck CheckUpload(std::span<const uint8_t> package, const RegistryOptions& options, store::TimeMs now_ms);

// {id, name, version, digest, signed, delta, base_digest, size, created_ms,
// and the metadata: labels, layers, features, window, rate, arena}.
nlohmann::json ModelJson(const store::ModelRecord& m);

}  // namespace lwcl::server

#endif  // LWCL_SERVER_MODEL_REGISTRY_H_
