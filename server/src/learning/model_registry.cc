#include "server/model_registry.h"

#include <cstring>
#include <vector>

#include "tinyml/package/model_package.h"
#include "tinyml/package/package_signature.h"
#include "tinyml/runtime/memory_plan.h"

namespace lwcl::server {

namespace {

std::string Hex(tinyml::Span<const uint8_t> b) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (uint8_t v : b) {
    out += kHex[v >> 4];
    out += kHex[v & 15];
  }
  return out;
}

std::string Text(tinyml::Span<const char> s) { return std::string(s.data, s.size); }

UploadCheck Refuse(int status, std::string why) {
  UploadCheck c;
  c.status = status;
  c.error = std::move(why);
  return c;
}

}  // namespace

UploadCheck CheckUpload(std::span<const uint8_t> package, const RegistryOptions& options, store::TimeMs now_ms) {
  if (package.empty()) return Refuse(400, "the body is empty: send the package bytes (application/octet-stream)");
  if (package.size() > options.max_package_bytes) {
    return Refuse(400, "the package has " + std::to_string(package.size()) + " bytes; the limit is " +
                           std::to_string(options.max_package_bytes));
  }
  std::vector<uint32_t> words((package.size() + 3) / 4, 0u);
  std::memcpy(words.data(), package.data(), package.size());
  tinyml::PackageView v;
  const tinyml::Status read =
      tinyml::ReadPackage({reinterpret_cast<const uint8_t*>(words.data()), package.size()}, &v);
  if (read == tinyml::Status::kTruncated) return Refuse(400, "the package is truncated");
  if (read == tinyml::Status::kBadDigest) return Refuse(400, "the package's digest does not match (tampered)");
  if (read != tinyml::Status::kOk) {
    return Refuse(400, std::string("not a model package this fleet can run (") + tinyml::StatusName(read) + ")");
  }
  if (v.signature_scheme == 0) return Refuse(400, "the package is unsigned: sign it (lwcl train --sign-key KEY)");
  if (!options.fleet_key) {
    return Refuse(409, "the server has no fleet key, so it cannot check signatures: start it with --fleet-key");
  }
  if (tinyml::VerifyPackageSignature(v, options.fleet_key->data()) != tinyml::Status::kOk) {
    return Refuse(400, "the signature does not verify with the fleet key");
  }
  UploadCheck c;
  store::ModelRecord& m = c.record;
  m.name = v.is_delta ? std::string() : Text(v.name);
  m.version = v.is_delta ? std::string() : Text(v.version);
  m.digest = Hex(v.digest);
  m.base_digest = v.is_delta ? Hex(v.base_digest) : std::string();
  m.is_signed = true;
  m.package.assign(package.begin(), package.end());
  m.created_ms = now_ms;
  nlohmann::json meta;
  meta["size"] = package.size();
  std::vector<int> layers;
  for (size_t i = 0; i < tinyml::kMaxLayers; ++i) {
    if (v.layer_mask & (1u << i)) layers.push_back(static_cast<int>(i));
  }
  meta["layers"] = layers;
  if (!v.is_delta) {
    nlohmann::json labels = nlohmann::json::array();
    for (size_t i = 0; i < v.label_count; ++i) labels.push_back(Text(v.labels[i]));
    meta["labels"] = labels;
    meta["features"] = v.feature_count;
    meta["window_samples"] = v.dsp.window_samples;
    meta["stride_samples"] = v.stride_samples;
    meta["sample_rate_hz"] = v.dsp.sample_rate_hz;
    meta["arena_bytes"] = tinyml::RequiredArenaBytes(v);
  }
  m.metadata_json = meta.dump();
  return c;
}

nlohmann::json ModelJson(const store::ModelRecord& m) {
  nlohmann::json j = nlohmann::json::parse(m.metadata_json, nullptr, false);
  if (!j.is_object()) j = nlohmann::json::object();
  j["id"] = m.id;
  j["name"] = m.name;
  j["version"] = m.version;
  j["digest"] = m.digest;
  j["signed"] = m.is_signed;
  j["delta"] = !m.base_digest.empty();
  j["base_digest"] = m.base_digest;
  j["created_ms"] = m.created_ms;
  return j;
}

}  // namespace lwcl::server
