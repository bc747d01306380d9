#include "device/package_check.h"

#include <cstring>
#include <string_view>

#include "tinyml/package/delta.h"
#include "tinyml/package/model_package.h"
#include "tinyml/package/package_signature.h"

namespace lwcl::device {

using client::UpdateError;
using client::UpdateVerdict;

namespace {

// ReadPackage wants 4-byte aligned bytes; a received body need not be.
struct Aligned {
  explicit Aligned(std::span<const uint8_t> b) : words((b.size() + 3) / 4, 0u), size(b.size()) {
    if (!b.empty()) std::memcpy(words.data(), b.data(), b.size());
  }
  tinyml::Span<const uint8_t> span() const { return {reinterpret_cast<const uint8_t*>(words.data()), size}; }
  std::vector<uint32_t> words;
  size_t size;
};

std::string Text(tinyml::Span<const char> s) { return std::string(s.data, s.size); }

std::string Hex8(tinyml::Span<const uint8_t> d) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < d.size && i < 8; ++i) {
    out += kHex[d[i] >> 4];
    out += kHex[d[i] & 15];
  }
  return out;
}

UpdateVerdict ReadVerdict(tinyml::Status s) {
  const std::string what = tinyml::StatusName(s);
  switch (s) {
    case tinyml::Status::kUnsupportedVersion:
    case tinyml::Status::kUnsupported:
      return UpdateVerdict::Fail(UpdateError::kUnsupportedType, "the package cannot run here (" + what + ")");
    case tinyml::Status::kTruncated:
      return UpdateVerdict::Fail(UpdateError::kIntegrity, "the package is truncated");
    case tinyml::Status::kBadDigest:
      return UpdateVerdict::Fail(UpdateError::kIntegrity, "the package's SHA-256 digest does not match (tampered)");
    default:
      return UpdateVerdict::Fail(UpdateError::kIntegrity, "the package is not a valid model package (" + what + ")");
  }
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int Base64Digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

CheckedPackage CheckPackage(std::span<const uint8_t> bytes, const std::optional<FleetKey>& key,
                            std::span<const uint8_t> active) {
  CheckedPackage out;
  if (!key) {
    out.verdict = UpdateVerdict::Fail(UpdateError::kIntegrity, "no fleet public key is provisioned: every package is refused");
    return out;
  }
  const Aligned copy(bytes);
  tinyml::PackageView view;
  const tinyml::Status read = tinyml::ReadPackage(copy.span(), &view);
  if (read != tinyml::Status::kOk) {
    out.verdict = ReadVerdict(read);
    return out;
  }
  const tinyml::Status sig = tinyml::VerifyPackageSignature(view, key->data());
  if (sig == tinyml::Status::kUnsigned) {
    out.verdict = UpdateVerdict::Fail(UpdateError::kIntegrity, "the package is unsigned");
    return out;
  }
  if (sig != tinyml::Status::kOk) {
    out.verdict = UpdateVerdict::Fail(UpdateError::kIntegrity, "the signature does not verify with the fleet key");
    return out;
  }
  out.name = Text(view.name);
  out.version = Text(view.version);
  if (!view.is_delta) {
    out.full.assign(bytes.begin(), bytes.end());
    return out;
  }
  out.was_delta = true;
  const Aligned base_copy(active);
  tinyml::PackageView base;
  if (active.empty() || tinyml::ReadPackage(base_copy.span(), &base) != tinyml::Status::kOk) {
    out.verdict = UpdateVerdict::Fail(UpdateError::kUnsupportedType, "a delta package needs a running base model");
    return out;
  }
  const size_t n = tinyml::MergedPackageBytes(base, view);
  std::vector<uint32_t> merged((n + 3) / 4 + 1, 0u);
  size_t written = 0;
  const tinyml::Status applied = tinyml::ApplyDelta(
      base, view, {reinterpret_cast<uint8_t*>(merged.data()), merged.size() * 4}, &written);
  if (applied == tinyml::Status::kBaseMismatch) {
    out.verdict = UpdateVerdict::Fail(UpdateError::kUnsupportedType,
                                      "the delta is for base " + Hex8(view.base_digest) + "…, the running model is " +
                                          Hex8(base.digest) + "…");
    return out;
  }
  if (applied != tinyml::Status::kOk) {
    out.verdict = UpdateVerdict::Fail(UpdateError::kUnsupportedType, std::string("the delta does not fit the running model (") +
                                                                          tinyml::StatusName(applied) + ")");
    return out;
  }
  const auto* p = reinterpret_cast<const uint8_t*>(merged.data());
  out.full.assign(p, p + written);
  return out;
}

bool ParseFleetKey(const std::string& text, FleetKey* out, std::string* error) {
  std::string_view t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.remove_suffix(1);
  if (t.size() == 64) {
    bool hex = true;
    for (size_t i = 0; i < 32 && hex; ++i) {
      const int hi = HexDigit(t[2 * i]);
      const int lo = HexDigit(t[2 * i + 1]);
      hex = hi >= 0 && lo >= 0;
      if (hex) (*out)[i] = static_cast<uint8_t>(hi * 16 + lo);
    }
    if (hex) return true;
  }
  const std::string_view begin = "-----BEGIN PUBLIC KEY-----";
  const std::string_view end = "-----END PUBLIC KEY-----";
  const size_t b = t.find(begin);
  const size_t e = t.find(end);
  if (b == std::string_view::npos || e == std::string_view::npos || e < b) {
    *error = "a fleet key is 64 hex digits or a PEM public key (lwcl keygen writes one)";
    return false;
  }
  std::vector<uint8_t> der;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : t.substr(b + begin.size(), e - b - begin.size())) {
    const int d = Base64Digit(c);
    if (d < 0) continue;  // newlines, padding
    acc = (acc << 6) | static_cast<uint32_t>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      der.push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  // SubjectPublicKeyInfo for Ed25519 (RFC 8410): a fixed 12-byte prefix, then the key.
  static const uint8_t kPrefix[12] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
  if (der.size() != 44 || std::memcmp(der.data(), kPrefix, sizeof kPrefix) != 0) {
    *error = "the PEM file does not hold an Ed25519 public key";
    return false;
  }
  std::memcpy(out->data(), der.data() + 12, 32);
  return true;
}

}  // namespace lwcl::device
