#include "client/security_object.h"

#include <algorithm>
#include <cctype>

namespace lwcl::client {

using lwm2m::IsSuccess;

using lwm2m::DataType;
using lwm2m::Operations;
using lwm2m::Path;
using lwm2m::Record;
using lwm2m::Value;

std::unique_ptr<SimpleObject> MakeSecurityObject() {
  namespace r = security_rid;
  const Operations none = Operations::kNone;
  return std::make_unique<SimpleObject>(0, true,
                                        std::vector<ResourceSpec>{
                                            {r::kServerUri, none, DataType::kString, false},
                                            {r::kBootstrapServer, none, DataType::kBoolean, false},
                                            {r::kSecurityMode, none, DataType::kInteger, false},
                                            {r::kPublicKeyOrIdentity, none, DataType::kOpaque, false},
                                            {r::kServerPublicKey, none, DataType::kOpaque, false},
                                            {r::kSecretKey, none, DataType::kOpaque, false},
                                            {r::kSmsSecurityMode, none, DataType::kInteger, false},
                                            {r::kSmsBindingKeyParameters, none, DataType::kOpaque, false},
                                            {r::kSmsBindingSecretKeys, none, DataType::kOpaque, false},
                                            {r::kServerSmsNumber, none, DataType::kString, false},
                                            {r::kShortServerId, none, DataType::kInteger, false},
                                            {r::kClientHoldOffTime, none, DataType::kInteger, false},
                                            {r::kBootstrapAccountTimeout, none, DataType::kInteger, false},
                                            {r::kMatchingType, none, DataType::kUnsignedInteger, false},
                                            {r::kSni, none, DataType::kString, false},
                                            {r::kCertificateUsage, none, DataType::kUnsignedInteger, false},
                                            {r::kCiphersuite, none, DataType::kUnsignedInteger, true},
                                            {r::kOscoreSecurityMode, none, DataType::kObjlnk, false},
                                        });
}

namespace {

// The single value of /0/iid/rid converted to `type`, if present.
std::optional<Value> ReadValue(Object* o, uint16_t iid, uint16_t rid, DataType type) {
  std::vector<Record> recs;
  if (!IsSuccess(o->Read(iid, rid, &recs)) || recs.empty() || recs[0].path.depth != 3) return std::nullopt;
  return lwm2m::ConvertValue(recs[0].value, type);
}

}  // namespace

std::vector<ServerAccount> ServerAccounts(const Registry& registry) {
  namespace r = security_rid;
  std::vector<ServerAccount> out;
  Object* o = registry.Find(0);
  if (o == nullptr) return out;
  for (uint16_t iid : o->Instances()) {
    ServerAccount a;
    a.instance = iid;
    if (auto v = ReadValue(o, iid, r::kServerUri, DataType::kString)) a.uri = std::get<std::string>(*v);
    if (auto v = ReadValue(o, iid, r::kBootstrapServer, DataType::kBoolean)) a.bootstrap = std::get<bool>(*v);
    if (auto v = ReadValue(o, iid, r::kSecurityMode, DataType::kInteger)) a.security_mode = std::get<int64_t>(*v);
    if (auto v = ReadValue(o, iid, r::kPublicKeyOrIdentity, DataType::kOpaque)) {
      a.identity = std::get<lwm2m::Opaque>(*v);
    }
    if (auto v = ReadValue(o, iid, r::kServerPublicKey, DataType::kOpaque)) {
      a.server_public_key = std::get<lwm2m::Opaque>(*v);
    }
    if (auto v = ReadValue(o, iid, r::kSecretKey, DataType::kOpaque)) a.secret_key = std::get<lwm2m::Opaque>(*v);
    if (auto v = ReadValue(o, iid, r::kShortServerId, DataType::kInteger)) {
      const int64_t ssid = std::get<int64_t>(*v);
      // Out of range (1..65534) reads as "none", like an absent one.
      a.short_server_id = ssid >= 1 && ssid < lwm2m::kInvalidId ? static_cast<uint16_t>(ssid) : 0;
    }
    if (auto v = ReadValue(o, iid, r::kClientHoldOffTime, DataType::kInteger)) a.hold_off_s = std::get<int64_t>(*v);
    if (auto v = ReadValue(o, iid, r::kBootstrapAccountTimeout, DataType::kInteger)) {
      a.bootstrap_account_timeout_s = std::get<int64_t>(*v);
    }
    out.push_back(std::move(a));
  }
  return out;
}

bool AddServerAccount(Registry& registry, const ServerAccount& account) {
  namespace r = security_rid;
  Object* o = registry.Find(0);
  if (o == nullptr) {
    registry.Add(MakeSecurityObject());
    o = registry.Find(0);
  }
  const std::vector<uint16_t> existing = o->Instances();
  if (std::find(existing.begin(), existing.end(), account.instance) != existing.end()) {
    if (!IsSuccess(o->Delete(account.instance))) return false;
  }
  if (!IsSuccess(o->Create(account.instance))) return false;
  auto put = [&](uint16_t rid, Value v) {
    return IsSuccess(o->Write(account.instance, Record{Path::Resource(0, account.instance, rid), std::move(v), {}}));
  };
  bool ok = put(r::kServerUri, account.uri) && put(r::kBootstrapServer, account.bootstrap) &&
            put(r::kSecurityMode, account.security_mode) && put(r::kPublicKeyOrIdentity, account.identity) &&
            put(r::kServerPublicKey, account.server_public_key) && put(r::kSecretKey, account.secret_key) &&
            put(r::kClientHoldOffTime, account.hold_off_s);
  if (ok && !account.bootstrap) ok = put(r::kShortServerId, int64_t{account.short_server_id});
  if (ok && account.bootstrap) ok = put(r::kBootstrapAccountTimeout, account.bootstrap_account_timeout_s);
  o->MarkChanged(Path::Instance(0, account.instance));
  return ok;
}

namespace {

bool ParseDecimal(std::string_view s, uint32_t max, uint32_t* out) {
  if (s.empty() || s.size() > 5) return false;
  uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10u + static_cast<uint32_t>(c - '0');
  }
  if (v > max) return false;
  *out = v;
  return true;
}

bool IsIpv4(std::string_view s) {
  int parts = 0;
  while (true) {
    const size_t dot = s.find('.');
    const std::string_view part = s.substr(0, dot);
    uint32_t v = 0;
    // No leading zeros: "010" is octal to some parsers and decimal to others.
    if (part.size() > 3 || !ParseDecimal(part, 255, &v) || (part.size() > 1 && part[0] == '0')) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    s.remove_prefix(dot + 1);
  }
  return parts == 4;
}

bool IsHostName(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  if (s.back() == '.') s.remove_suffix(1);  // a fully qualified "example.com."
  bool all_numeric = true;
  size_t label_start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '.') {
      const std::string_view label = s.substr(label_start, i - label_start);
      if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
      label_start = i + 1;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (!std::isalnum(c) && c != '-') return false;
    if (!std::isdigit(c)) all_numeric = false;
  }
  // Digits and dots only is an address, and it already failed as IPv4.
  return !all_numeric;
}

bool IsIpv6(std::string_view s) {
  if (s.size() < 2 || s.size() > 45) return false;
  int colons = 0;
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == ':') {
      ++colons;
    } else if (!std::isxdigit(u) && c != '.') {
      return false;
    }
  }
  return colons >= 2 && colons <= 7;
}

}  // namespace

std::optional<CoapUri> ParseCoapUri(std::string_view uri) {
  CoapUri out;
  const size_t sep = uri.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  std::string scheme(uri.substr(0, sep));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme == "coap") {
    out.secure = false;
  } else if (scheme == "coaps") {
    out.secure = true;
  } else {
    return std::nullopt;
  }
  std::string_view rest = uri.substr(sep + 3);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  std::string_view host;
  std::string_view port;
  bool has_port = false;
  if (!rest.empty() && rest.front() == '[') {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = rest.substr(1, close - 1);
    if (!IsIpv6(host)) return std::nullopt;
    const std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
      has_port = true;
    }
  } else {
    const size_t colon = rest.find(':');
    host = rest.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = rest.substr(colon + 1);
      has_port = true;
    }
    if (!IsIpv4(host) && !IsHostName(host)) return std::nullopt;
  }
  out.host = std::string(host);
  out.port = out.secure ? 5684 : 5683;
  if (has_port) {
    uint32_t p = 0;
    if (!ParseDecimal(port, 65535, &p) || p == 0) return std::nullopt;
    out.port = static_cast<uint16_t>(p);
  }
  return out;
}

}  // namespace lwcl::client
