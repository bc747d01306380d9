#include "device_flags.h"

#include <arpa/inet.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "client/security_object.h"

namespace lwcl::apps {

client::Endpoint ParseServerFlag(const std::string& uri) {
  const std::optional<client::CoapUri> parsed = client::ParseCoapUri(uri);
  if (!parsed) throw std::runtime_error("--server " + uri + ": expected coap://IPv4[:PORT] or coaps://IPv4[:PORT]");
  in_addr addr{};
  if (inet_pton(AF_INET, parsed->host.c_str(), &addr) != 1) {
    throw std::runtime_error("--server " + uri + ": the host must be a numeric IPv4 address (e.g. 127.0.0.1)");
  }
  client::Endpoint e;
  e.host = parsed->host;
  e.port = parsed->port;
  e.dtls = parsed->secure;
  return e;
}

std::vector<uint8_t> ParseHexFlag(const std::string& hex, const std::string& flag) {
  if (hex.size() % 2 != 0) throw std::runtime_error(flag + ": odd number of hex digits");
  auto nibble = [&](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw std::runtime_error(flag + ": not hex: '" + std::string(1, c) + "'");
  };
  std::vector<uint8_t> out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(nibble(hex[i]) * 16 + nibble(hex[i + 1])));
  }
  return out;
}

device::FleetKey ReadFleetKeyFlag(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("--fleet-key " + path + ": cannot read it");
  std::stringstream text;
  text << in.rdbuf();
  device::FleetKey key{};
  std::string error;
  if (!device::ParseFleetKey(text.str(), &key, &error)) throw std::runtime_error("--fleet-key " + path + ": " + error);
  return key;
}

}  // namespace lwcl::apps
